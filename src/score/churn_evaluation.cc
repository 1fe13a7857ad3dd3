// AUC, lift, Brier score and calibration table for churn scores. See churn_evaluation.h.
#include "oneid/score/churn_evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "oneid/internal/status_macros.h"
#include "oneid/score/rfm.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace {

absl::Status CheckLabelsAndScores(absl::Span<const double> y, absl::Span<const double> s, const char* score_name) {
  if (y.size() != s.size()) {
    return absl::InvalidArgumentError(absl::StrCat("y_true has ", y.size(), " rows but ", score_name, " has ", s.size()));
  }
  if (y.empty()) return absl::InvalidArgumentError("no rows to evaluate");
  for (size_t i = 0; i < y.size(); ++i) {
    if (y[i] != 0.0 && y[i] != 1.0) {
      return absl::InvalidArgumentError(absl::StrCat("y_true[", i, "] is ", y[i], "; labels must be 0 or 1"));
    }
    if (std::isnan(s[i])) return absl::InvalidArgumentError(absl::StrCat(score_name, "[", i, "] is NaN"));
  }
  return absl::OkStatus();
}

absl::Status CheckProbabilities(absl::Span<const double> p) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (!(p[i] >= 0.0 && p[i] <= 1.0)) {
      return absl::InvalidArgumentError(absl::StrCat("probabilities[", i, "] is ", p[i], ", outside [0, 1]"));
    }
  }
  return absl::OkStatus();
}

// Row indices by increasing score (stable, so equal scores keep input order; nothing below depends
// on that order because ties are always treated as a group).
std::vector<size_t> OrderByScore(absl::Span<const double> s) {
  std::vector<size_t> order(s.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&s](size_t a, size_t b) { return s[a] < s[b]; });
  return order;
}

double Positives(absl::Span<const double> y) { return std::accumulate(y.begin(), y.end(), 0.0); }

}  // namespace

absl::StatusOr<double> RocAuc(absl::Span<const double> y_true, absl::Span<const double> scores) {
  ONEID_RETURN_IF_ERROR(CheckLabelsAndScores(y_true, scores, "scores"));
  const double n1 = Positives(y_true);
  const double n0 = static_cast<double>(y_true.size()) - n1;
  if (n1 == 0 || n0 == 0) {
    return absl::InvalidArgumentError("AUC needs both churners and stayers; y_true has a single class");
  }
  // Mann-Whitney: the sum of the churners' mid-ranks.
  const std::vector<size_t> order = OrderByScore(scores);
  double rank_sum = 0;
  for (size_t start = 0; start < order.size();) {
    size_t end = start + 1;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) ++end;
    const double mid_rank = 0.5 * (static_cast<double>(start + 1) + static_cast<double>(end));
    double positives = 0;
    for (size_t k = start; k < end; ++k) positives += y_true[order[k]];
    rank_sum += positives * mid_rank;
    start = end;
  }
  return (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0);
}

absl::StatusOr<double> LiftAtTop(absl::Span<const double> y_true, absl::Span<const double> scores, double fraction) {
  ONEID_RETURN_IF_ERROR(CheckLabelsAndScores(y_true, scores, "scores"));
  if (!(fraction > 0 && fraction <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat("fraction must be in (0, 1], got ", fraction));
  }
  const double positives = Positives(y_true);
  if (positives == 0) return absl::InvalidArgumentError("lift is undefined without any churner");
  const size_t n = y_true.size();
  // Guard against 0.1 * 30 = 3.0000000000000004 rounding up to 4.
  const auto top = static_cast<size_t>(std::max(1.0, std::ceil(fraction * static_cast<double>(n) - 1e-9)));
  const std::vector<size_t> order = OrderByScore(scores);
  double top_positives = 0;
  size_t taken = 0;
  for (size_t end = n; end > 0 && taken < top;) {
    size_t start = end - 1;
    while (start > 0 && scores[order[start - 1]] == scores[order[end - 1]]) --start;
    const size_t group = end - start;
    double group_positives = 0;
    for (size_t k = start; k < end; ++k) group_positives += y_true[order[k]];
    const size_t used = std::min(group, top - taken);
    top_positives += group_positives * static_cast<double>(used) / static_cast<double>(group);
    taken += used;
    end = start;
  }
  return (top_positives / static_cast<double>(top)) / (positives / static_cast<double>(n));
}

absl::StatusOr<double> BrierScore(absl::Span<const double> y_true, absl::Span<const double> probabilities) {
  ONEID_RETURN_IF_ERROR(CheckLabelsAndScores(y_true, probabilities, "probabilities"));
  ONEID_RETURN_IF_ERROR(CheckProbabilities(probabilities));
  double sum = 0;
  for (size_t i = 0; i < y_true.size(); ++i) {
    const double e = probabilities[i] - y_true[i];
    sum += e * e;
  }
  return sum / static_cast<double>(y_true.size());
}

absl::StatusOr<std::vector<CalibrationBin>> CalibrationTable(absl::Span<const double> y_true,
                                                             absl::Span<const double> probabilities, int bins) {
  ONEID_RETURN_IF_ERROR(CheckLabelsAndScores(y_true, probabilities, "probabilities"));
  ONEID_RETURN_IF_ERROR(CheckProbabilities(probabilities));
  ONEID_ASSIGN_OR_RETURN(std::vector<double> edges, QuantileEdges(probabilities, bins));
  std::vector<CalibrationBin> table(static_cast<size_t>(bins));
  std::vector<double> predicted_sum(table.size(), 0.0), observed_sum(table.size(), 0.0);
  for (size_t b = 0; b < table.size(); ++b) {
    table[b].bin = static_cast<int>(b + 1);
    table[b].min_predicted = std::numeric_limits<double>::infinity();
    table[b].max_predicted = -std::numeric_limits<double>::infinity();
  }
  for (size_t i = 0; i < y_true.size(); ++i) {
    const auto b = static_cast<size_t>(BinOf(probabilities[i], edges) - 1);
    CalibrationBin& row = table[b];
    ++row.count;
    row.min_predicted = std::min(row.min_predicted, probabilities[i]);
    row.max_predicted = std::max(row.max_predicted, probabilities[i]);
    predicted_sum[b] += probabilities[i];
    observed_sum[b] += y_true[i];
  }
  std::vector<CalibrationBin> out;
  for (size_t b = 0; b < table.size(); ++b) {
    if (table[b].count == 0) continue;
    const auto count = static_cast<double>(table[b].count);
    table[b].mean_predicted = predicted_sum[b] / count;
    table[b].observed_rate = observed_sum[b] / count;
    out.push_back(table[b]);
  }
  return out;
}

absl::StatusOr<ChurnEvaluation> EvaluateChurn(absl::Span<const double> y_true, absl::Span<const double> scores) {
  ChurnEvaluation e;
  ONEID_ASSIGN_OR_RETURN(e.auc, RocAuc(y_true, scores));
  ONEID_ASSIGN_OR_RETURN(e.lift_top_decile, LiftAtTop(y_true, scores, 0.1));
  e.count = y_true.size();
  e.churn_rate = Positives(y_true) / static_cast<double>(e.count);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (CheckProbabilities(scores).ok()) {
    ONEID_ASSIGN_OR_RETURN(e.brier, BrierScore(y_true, scores));
    ONEID_ASSIGN_OR_RETURN(e.calibration, CalibrationTable(y_true, scores, 10));
    e.max_calibration_gap = 0;
    for (const CalibrationBin& b : e.calibration) {
      e.max_calibration_gap = std::max(e.max_calibration_gap, std::fabs(b.mean_predicted - b.observed_rate));
    }
  } else {
    e.brier = nan;
    e.max_calibration_gap = nan;
  }
  return e;
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
