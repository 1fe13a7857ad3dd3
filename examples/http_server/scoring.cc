#include "scoring.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "oneid/segment/segment_table.h"
#include "oneid/segment/value_tier.h"

namespace oneid_http {
namespace {

using oneid::profile::FeatureTable;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The host's own two status helpers (oneid's are internal and not for users).
#define HTTP_RETURN_IF_ERROR(expr)            \
  do {                                        \
    const absl::Status status_ = (expr);      \
    if (!status_.ok()) return status_;        \
  } while (0)
#define HTTP_CONCAT_INNER(a, b) a##b
#define HTTP_CONCAT(a, b) HTTP_CONCAT_INNER(a, b)
#define HTTP_ASSIGN_OR_RETURN(lhs, expr) HTTP_ASSIGN_OR_RETURN_IMPL(HTTP_CONCAT(so_, __LINE__), lhs, expr)
#define HTTP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(*tmp)

// A model fitted on a handful of buyers describes nobody; the library fits on any one repeat buyer.
constexpr size_t kMinBuyers = 10;

}  // namespace

absl::StatusOr<Models> FitModels(FeatureTable& base) {
  HTTP_ASSIGN_OR_RETURN(oneid::score::ProfileScorer scorer, oneid::score::ProfileScorer::Fit(base));
  if (scorer.buyers() < kMinBuyers) {
    return absl::FailedPreconditionError("the base has " + std::to_string(scorer.buyers()) + " buyers; at least " +
                                         std::to_string(kMinBuyers) + " are needed to fit the models");
  }
  HTTP_RETURN_IF_ERROR(scorer.Apply(base));
  HTTP_ASSIGN_OR_RETURN(absl::Span<const double> clv, base.Numeric("clv"));
  std::vector<double> sorted;
  sorted.reserve(clv.size());
  for (double v : clv) {
    if (std::isfinite(v)) sorted.push_back(v);
  }
  std::sort(sorted.begin(), sorted.end());
  return Models{.scorer = std::move(scorer), .clv_sorted = std::move(sorted)};
}

absl::StatusOr<Scored> ScoreAndSegment(FeatureTable& table, const Models& models, bool already_scored) {
  if (!already_scored) HTTP_RETURN_IF_ERROR(models.scorer.Apply(table));
  // The value tiers of value_tier.h, ranked against the base rather than against this table
  // (AddValueTiers would rank three touched persons among themselves): a person's decile is
  // 1 + floor(10 * below / n) with `below` the base buyers whose CLV is smaller.
  HTTP_ASSIGN_OR_RETURN(absl::Span<const double> clv, table.Numeric("clv"));
  const size_t n = table.num_rows();
  std::vector<double> decile(n, kNaN);
  std::vector<std::string> tier(n);
  const oneid::segment::ValueTierConfig tiers;
  const double base_n = static_cast<double>(models.clv_sorted.size());
  for (size_t row = 0; row < n; ++row) {
    if (!std::isfinite(clv[row]) || base_n == 0) continue;
    const double below = static_cast<double>(
        std::lower_bound(models.clv_sorted.begin(), models.clv_sorted.end(), clv[row]) - models.clv_sorted.begin());
    decile[row] = std::min(10.0, 1 + std::floor(10 * below / base_n));
    for (const oneid::segment::NamedTier& t : tiers.tiers) {
      if (below / base_n >= t.cut) {
        tier[row] = t.name;
        break;
      }
    }
  }
  HTTP_RETURN_IF_ERROR(table.SetNumeric(tiers.decile_column, std::move(decile)));
  HTTP_RETURN_IF_ERROR(table.SetText(tiers.tier_column, std::move(tier)));

  // Lifecycle and tags read only the person's own row (and the tiers added above).
  oneid::segment::SegmentConfig config;
  config.value_tiers.reset();
  HTTP_ASSIGN_OR_RETURN(oneid::segment::SegmentReport report, oneid::segment::SegmentTable(table, config));
  oneid::segment::TriggerConfig triggers;
  triggers.points_expiring = table.Has(triggers.points_column) && table.Has(triggers.points_days_column);
  triggers.cart_abandoned = table.Has(triggers.cart_days_column);
  Scored scored;
  scored.tags = report.tags.applied;
  HTTP_ASSIGN_OR_RETURN(scored.triggers, oneid::segment::FireTriggers(table, triggers));
  return scored;
}

}  // namespace oneid_http
