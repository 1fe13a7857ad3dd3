// PersonScoring: fit once on the base, apply to any persons (see the header).
#include "person_scoring.h"

#include <algorithm>
#include <cmath>

namespace host_crm {

namespace profile = oneid::profile;
namespace score = oneid::score;
namespace segment = oneid::segment;

absl::StatusOr<PersonScoring::Fitted> PersonScoring::FitAndApply(profile::FeatureTable& base) {
  absl::StatusOr<score::ProfileScorer> scorer = score::ProfileScorer::Fit(base);
  if (!scorer.ok()) return scorer.status();
  PersonScoring scoring(std::move(*scorer));
  if (absl::Status s = scoring.scorer_.Apply(base); !s.ok()) return s;

  // The base's CLV distribution, to freeze deciles and tier cuts as CLV values.
  // Bound to a name: a range-for over `*base.Numeric(...)` would outlive the StatusOr temporary.
  const absl::Span<const double> base_clv = *base.Numeric("clv");
  std::vector<double> clv;
  for (double v : base_clv) {
    if (std::isfinite(v)) clv.push_back(v);
  }
  absl::StatusOr<std::vector<double>> edges = score::QuantileEdges(clv, 10);
  if (!edges.ok()) return edges.status();
  scoring.clv_decile_edges_ = std::move(*edges);
  std::sort(clv.begin(), clv.end());
  const segment::ValueTierConfig shares;  // platinum top 5 %, gold 20 %, silver 50 %, bronze the rest
  scoring.value_tiers_ = shares;
  scoring.value_tiers_.cuts_are_quantiles = false;
  scoring.value_tiers_.decile_column = "";
  for (size_t k = 0; k < shares.tiers.size(); ++k) {
    const double q = shares.tiers[k].cut;
    // The lowest tier takes every CLV (>= 0), including persons below the base's minimum later.
    scoring.value_tiers_.tiers[k].cut =
        q <= 0 ? 0.0 : clv[std::min(clv.size() - 1, static_cast<size_t>(q * static_cast<double>(clv.size())))];
  }
  // Cuts must strictly decrease; ties in a flat CLV distribution would merge two tiers.
  for (size_t k = 1; k < scoring.value_tiers_.tiers.size(); ++k) {
    auto& cut = scoring.value_tiers_.tiers[k].cut;
    cut = std::min(cut, std::nextafter(scoring.value_tiers_.tiers[k - 1].cut, -INFINITY));
  }
  if (absl::Status s = scoring.value_tiers_.Validate(); !s.ok()) return s;
  absl::StatusOr<Segmented> segmented = scoring.SegmentScored(base);
  if (!segmented.ok()) return segmented.status();
  return Fitted{std::move(scoring), std::move(*segmented)};
}

absl::StatusOr<Segmented> PersonScoring::Apply(profile::FeatureTable& persons) const {
  if (absl::Status s = scorer_.Apply(persons); !s.ok()) return s;
  return SegmentScored(persons);
}

absl::StatusOr<Segmented> PersonScoring::SegmentScored(profile::FeatureTable& persons) const {
  const absl::Span<const double> clv = *persons.Numeric("clv");
  std::vector<double> decile(clv.size(), std::nan(""));
  for (size_t i = 0; i < clv.size(); ++i) {
    if (std::isfinite(clv[i])) decile[i] = score::BinOf(clv[i], clv_decile_edges_);
  }
  absl::StatusOr<segment::ValueTiers> tiers = segment::ComputeValueTiers(clv, value_tiers_);
  if (!tiers.ok()) return tiers.status();
  if (absl::Status s = persons.SetNumeric("clv_decile", std::move(decile)); !s.ok()) return s;
  if (absl::Status s = persons.SetText("value_tier", std::move(tiers->tier)); !s.ok()) return s;

  segment::SegmentConfig config;
  config.value_tiers = std::nullopt;  // frozen above
  absl::StatusOr<segment::SegmentReport> report = segment::SegmentTable(persons, config);
  if (!report.ok()) return report.status();
  segment::TriggerConfig triggers;
  triggers.points_expiring = persons.Has(triggers.points_column) && persons.Has(triggers.points_days_column);
  triggers.cart_abandoned = persons.Has(triggers.cart_days_column);
  absl::StatusOr<std::vector<segment::FiredTrigger>> fired = segment::FireTriggers(persons, triggers);
  if (!fired.ok()) return fired.status();
  return Segmented{report->tags.applied, std::move(*fired)};
}

}  // namespace host_crm
