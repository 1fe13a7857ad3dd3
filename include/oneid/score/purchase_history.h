// PurchaseHistoryView: the sufficient statistics that the continuous-time customer-base models
// (BG/NBD, MBG/NBD, Pareto/NBD) are fitted on, one entry per customer:
//   frequency  x    the number of *repeat* purchases (purchases after the first)
//   recency    t_x  the time from the first purchase to the last one (0 when x = 0)
//   age        T    the time from the first purchase to the end of the observation period
// in any one time unit (days, weeks). `weights` (optional) counts how many customers share a row,
// as in the compressed CDNOW and donations files.
//
//   std::vector<double> x = {2, 1, 0}, t_x = {30.43, 1.71, 0}, T = {38.86, 38.86, 38.86};
//   oneid::score::PurchaseHistoryView histories{x, t_x, T};
//   absl::Status ok = oneid::score::ValidatePurchaseHistory(histories);
//
// DiscreteHistoryView is the same for discrete opportunities (BG/BB): x and t_x count periods
// out of n_periods.
#ifndef ONEID_SCORE_PURCHASE_HISTORY_H_
#define ONEID_SCORE_PURCHASE_HISTORY_H_

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace oneid {
inline namespace v0 {
namespace score {

struct PurchaseHistoryView {
  absl::Span<const double> frequency;
  absl::Span<const double> recency;
  absl::Span<const double> age;
  absl::Span<const double> weights;  // empty: every row weighs 1
};

struct DiscreteHistoryView {
  absl::Span<const double> frequency;  // transactions, 0 <= x <= n_periods
  absl::Span<const double> recency;    // period of the last transaction, x <= t_x <= n_periods
  absl::Span<const double> n_periods;  // opportunities observed
  absl::Span<const double> weights;    // empty: every row weighs 1
};

// InvalidArgument, naming the first offending row, unless: all columns have the same length and at
// least one row; every value is finite and non-negative; frequency is a whole number;
// recency <= age; recency > 0 when frequency > 0 (a repeat purchase happens after the first);
// recency == 0 when frequency == 0; weights are positive. An empty `weights` is allowed.
absl::Status ValidatePurchaseHistory(const PurchaseHistoryView& histories);

// The same for discrete histories: x, t_x and n are whole numbers with x <= t_x <= n, t_x >= 1
// when x >= 1, t_x == 0 when x == 0, and n >= 1.
absl::Status ValidateDiscreteHistory(const DiscreteHistoryView& histories);

// Applies `per_customer(x, t_x, T)` to every row after validating the histories (weights are
// ignored): the batch form of every prediction of the continuous-time models.
template <typename PerCustomer>
absl::StatusOr<std::vector<double>> MapHistories(const PurchaseHistoryView& histories,
                                                 PerCustomer&& per_customer) {
  if (absl::Status status = ValidatePurchaseHistory(histories); !status.ok()) return status;
  std::vector<double> out(histories.frequency.size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = per_customer(histories.frequency[i], histories.recency[i], histories.age[i]);
  }
  return out;
}

// The same for discrete histories: `per_customer(x, t_x, n)`.
template <typename PerCustomer>
absl::StatusOr<std::vector<double>> MapDiscreteHistories(const DiscreteHistoryView& histories,
                                                         PerCustomer&& per_customer) {
  if (absl::Status status = ValidateDiscreteHistory(histories); !status.ok()) return status;
  std::vector<double> out(histories.frequency.size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = per_customer(histories.frequency[i], histories.recency[i], histories.n_periods[i]);
  }
  return out;
}

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_PURCHASE_HISTORY_H_
