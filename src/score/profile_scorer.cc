// ProfileScorer: fit on a base of profiles, apply on the same scale (see the header for why).
#include "oneid/score/profile_scorer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "oneid/internal/status_macros.h"
#include "oneid/internal/strings.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The profile columns the scorer reads, and which rows are buyers.
struct Inputs {
  absl::Span<const double> recency, frequency, monetary;   // RFM
  absl::Span<const double> x, t_x, T, zbar;                // customer base, days
};

absl::StatusOr<Inputs> ReadInputs(const profile::FeatureTable& table) {
  Inputs in;
  ONEID_ASSIGN_OR_RETURN(in.recency, table.Numeric("recency_days"));
  ONEID_ASSIGN_OR_RETURN(in.frequency, table.Numeric("frequency"));
  ONEID_ASSIGN_OR_RETURN(in.monetary, table.Numeric("monetary_total"));
  ONEID_ASSIGN_OR_RETURN(in.x, table.Numeric("cb_frequency"));
  ONEID_ASSIGN_OR_RETURN(in.t_x, table.Numeric("cb_recency"));
  ONEID_ASSIGN_OR_RETURN(in.T, table.Numeric("cb_T"));
  ONEID_ASSIGN_OR_RETURN(in.zbar, table.Numeric("cb_monetary"));
  return in;
}

// A buyer has a purchase history (cb_T known); a person who never bought has nothing to score.
bool IsBuyer(const Inputs& in, size_t row) { return !std::isnan(in.T[row]) && !std::isnan(in.x[row]); }

// The customer-base fields of a buyer must form a valid history: 0 <= t_x <= T, x >= 0, finite.
absl::Status CheckBuyer(const profile::FeatureTable& table, const Inputs& in, size_t row) {
  auto bad = [&](const char* column, double value, const char* why) {
    return absl::InvalidArgumentError(absl::StrCat("row ", row, " (OneID ", table.oneids()[row], "): ", column,
                                                   " is ", value, ": ", why));
  };
  if (!std::isfinite(in.x[row]) || in.x[row] < 0) return bad("cb_frequency", in.x[row], "must be finite and >= 0");
  if (!std::isfinite(in.T[row]) || in.T[row] < 0) return bad("cb_T", in.T[row], "must be finite and >= 0");
  if (!std::isfinite(in.t_x[row]) || in.t_x[row] < 0 || in.t_x[row] > in.T[row]) {
    return bad("cb_recency", in.t_x[row], "must be finite and within [0, cb_T]");
  }
  if (std::isinf(in.zbar[row]) || in.zbar[row] < 0) return bad("cb_monetary", in.zbar[row], "must be finite and >= 0");
  return absl::OkStatus();
}

// RFM covers buyers with a known recency and at least one order (frequency counts orders).
bool HasRfm(const Inputs& in, size_t row) { return in.frequency[row] > 0 && !std::isnan(in.recency[row]); }

}  // namespace

absl::StatusOr<ProfileScorer> ProfileScorer::Fit(const profile::FeatureTable& base,
                                                 const ProfileScorerOptions& options) {
  if (options.rfm_bins < 2 || options.rfm_bins > 9) {
    return absl::InvalidArgumentError(absl::StrCat("rfm_bins is ", options.rfm_bins, "; it must be 2..9"));
  }
  if (!std::isfinite(options.expected_purchases_days) || options.expected_purchases_days <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected_purchases_days is ", options.expected_purchases_days, "; it must be finite and > 0"));
  }
  if (options.expected_purchases_column.empty()) {
    return absl::InvalidArgumentError("expected_purchases_column is empty");
  }
  for (int h : options.no_purchase_days) {
    if (h <= 0) return absl::InvalidArgumentError(absl::StrCat("no_purchase_days has ", h, "; every horizon must be > 0"));
  }
  ONEID_RETURN_IF_ERROR(ValidateClvOptions(options.clv));
  ONEID_ASSIGN_OR_RETURN(const Inputs in, ReadInputs(base));

  std::vector<double> r, f, m, x, t_x, T, repeat_x, repeat_zbar;
  for (size_t row = 0; row < base.num_rows(); ++row) {
    if (HasRfm(in, row)) {
      r.push_back(in.recency[row]);
      f.push_back(in.frequency[row]);
      m.push_back(std::max(0.0, in.monetary[row]));
    }
    if (!IsBuyer(in, row)) continue;
    ONEID_RETURN_IF_ERROR(CheckBuyer(base, in, row));
    x.push_back(in.x[row]);
    t_x.push_back(in.t_x[row]);
    T.push_back(in.T[row]);
    const double zbar = std::isnan(in.zbar[row]) ? 0.0 : in.zbar[row];
    if (in.x[row] > 0 && zbar > 0) {
      repeat_x.push_back(in.x[row]);
      repeat_zbar.push_back(zbar);
    }
  }
  if (x.empty() || r.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no buyer among the ", base.num_rows(), " profiles: there is nothing to fit the scores on"));
  }
  if (repeat_x.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "none of the ", x.size(), " buyers bought twice: Gamma-Gamma needs repeat buyers to learn spend"));
  }
  // Two fits report progress: name their stages so a caller can tell them apart.
  const auto fit_options = [&](std::string_view model) {
    FitOptions fit = options.fit;
    if (options.fit.progress) {
      fit.progress = [progress = options.fit.progress, stage = absl::StrCat("fit ", internal::Absl(model))](
                         std::string_view, uint64_t done, uint64_t total) { progress(stage, done, total); };
    }
    return fit;
  };
  ONEID_ASSIGN_OR_RETURN(BetaGeoModel transactions,
                         BetaGeoModel::Fit({.frequency = x, .recency = t_x, .age = T, .weights = {}},
                                           fit_options("BG/NBD")));
  ONEID_ASSIGN_OR_RETURN(GammaGammaModel spend,
                         GammaGammaModel::Fit(repeat_x, repeat_zbar, {}, fit_options("Gamma-Gamma")));
  RfmOptions quantiles;
  quantiles.bins = options.rfm_bins;
  ONEID_ASSIGN_OR_RETURN(const RfmResult rfm, ComputeRfm(r, f, m, quantiles));

  ProfileScorer scorer(transactions, spend);
  scorer.options_ = options;
  scorer.rfm_scale_ = {.bins = options.rfm_bins,
                       .recency_edges = rfm.recency_edges,
                       .frequency_edges = rfm.frequency_edges,
                       .monetary_edges = rfm.monetary_edges};
  scorer.buyers_ = x.size();
  scorer.repeat_buyers_ = repeat_x.size();
  return scorer;
}

std::vector<std::string> ProfileScorer::OutputColumns() const {
  std::vector<std::string> columns = {"recency_score", "frequency_score", "monetary_score", "rfm_segment",
                                      "p_alive",       options_.expected_purchases_column,  "clv"};
  for (int h : options_.no_purchase_days) columns.push_back(absl::StrCat("p_no_purchase_", h, "d"));
  return columns;
}

absl::Status ProfileScorer::Apply(profile::FeatureTable& table) const {
  ONEID_ASSIGN_OR_RETURN(const Inputs in, ReadInputs(table));
  const size_t n = table.num_rows();
  std::vector<size_t> rfm_rows;
  std::vector<double> r, f, m;
  std::vector<double> p_alive(n, kNaN), expected(n, kNaN), clv(n, kNaN);
  std::vector<std::vector<double>> no_purchase(options_.no_purchase_days.size(), std::vector<double>(n, kNaN));
  for (size_t row = 0; row < n; ++row) {
    if (HasRfm(in, row)) {
      rfm_rows.push_back(row);
      r.push_back(in.recency[row]);
      f.push_back(in.frequency[row]);
      m.push_back(std::max(0.0, in.monetary[row]));
    }
    if (!IsBuyer(in, row)) continue;
    ONEID_RETURN_IF_ERROR(CheckBuyer(table, in, row));
    const double x = in.x[row], t_x = in.t_x[row], T = in.T[row];
    const double zbar = std::isnan(in.zbar[row]) ? 0.0 : in.zbar[row];
    p_alive[row] = transactions_.ProbabilityAlive(x, t_x, T);
    expected[row] = transactions_.ConditionalExpectedPurchases(options_.expected_purchases_days, x, t_x, T);
    clv[row] = CustomerLifetimeValue(transactions_, spend_, x, t_x, T, zbar, options_.clv);
    for (size_t h = 0; h < no_purchase.size(); ++h) {
      no_purchase[h][row] = transactions_.ProbabilityNoPurchase(options_.no_purchase_days[h], x, t_x, T);
    }
  }
  std::vector<double> r_score(n, kNaN), f_score(n, kNaN), m_score(n, kNaN);
  std::vector<std::string> segment(n);
  if (!rfm_rows.empty()) {
    absl::StatusOr<RfmResult> rfm = ComputeRfm(r, f, m, rfm_scale_);
    if (!rfm.ok()) {
      return absl::Status(rfm.status().code(), absl::StrCat("RFM of the profiles: ", rfm.status().message()));
    }
    for (size_t k = 0; k < rfm_rows.size(); ++k) {
      r_score[rfm_rows[k]] = rfm->r[k];
      f_score[rfm_rows[k]] = rfm->f[k];
      m_score[rfm_rows[k]] = rfm->m[k];
      segment[rfm_rows[k]] = std::string(RfmSegmentName(rfm->segment[k]));
    }
  }
  // Every input is checked above, so the table changes only when all columns are ready.
  ONEID_RETURN_IF_ERROR(table.SetNumeric("recency_score", std::move(r_score)));
  ONEID_RETURN_IF_ERROR(table.SetNumeric("frequency_score", std::move(f_score)));
  ONEID_RETURN_IF_ERROR(table.SetNumeric("monetary_score", std::move(m_score)));
  ONEID_RETURN_IF_ERROR(table.SetText("rfm_segment", std::move(segment)));
  ONEID_RETURN_IF_ERROR(table.SetNumeric("p_alive", std::move(p_alive)));
  ONEID_RETURN_IF_ERROR(table.SetNumeric(options_.expected_purchases_column, std::move(expected)));
  ONEID_RETURN_IF_ERROR(table.SetNumeric("clv", std::move(clv)));
  const std::vector<std::string> columns = OutputColumns();
  for (size_t h = 0; h < no_purchase.size(); ++h) {
    ONEID_RETURN_IF_ERROR(table.SetNumeric(columns[columns.size() - no_purchase.size() + h], std::move(no_purchase[h])));
  }
  return absl::OkStatus();
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
