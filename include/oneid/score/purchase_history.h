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

#include <cmath>
#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/score/detail/compressed_rows.h"

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

// The batch form of a prediction that is P(alive | x, t_x, T) times `if_alive(x, T)`, a function
// of x and T alone: every expectation of BG/NBD, MBG/NBD and Pareto/NBD given that the customer is
// alive at T (see ExpectedPurchasesIfAlive). P(alive) is computed once per distinct history and
// `if_alive` once per distinct (x, T), which a log summarised in days has a few thousand of however
// many customers it holds; that is where the 2F1 evaluations are. Validates the histories.
template <typename TransactionModel, typename IfAlive>
absl::StatusOr<std::vector<double>> MapAliveTimes(const TransactionModel& model, const PurchaseHistoryView& histories,
                                                  IfAlive&& if_alive) {
  if (absl::Status status = ValidatePurchaseHistory(histories); !status.ok()) return status;
  const detail::DistinctIndex by_history = detail::IndexDistinct(histories.frequency, histories.recency, histories.age);
  const detail::DistinctIndex by_pair = detail::IndexDistinct(histories.frequency, histories.age, {});
  std::vector<double> alive(by_history.distinct.size()), given_alive(by_pair.distinct.size());
  for (size_t k = 0; k < alive.size(); ++k) {
    const size_t i = by_history.distinct[k];
    alive[k] = model.ProbabilityAlive(histories.frequency[i], histories.recency[i], histories.age[i]);
  }
  for (size_t k = 0; k < given_alive.size(); ++k) {
    const size_t i = by_pair.distinct[k];
    given_alive[k] = if_alive(histories.frequency[i], histories.age[i]);
  }
  std::vector<double> out(histories.frequency.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = alive[by_history.of_row[i]] * given_alive[by_pair.of_row[i]];
  return out;
}

// E[X(T, T+t) | x, t_x, T] of every customer for one horizon t (finite, >= 0, else
// InvalidArgument), through MapAliveTimes: equal to the scalar ConditionalExpectedPurchases.
template <typename TransactionModel>
absl::StatusOr<std::vector<double>> ConditionalExpectedPurchases(const TransactionModel& model,
                                                                 const PurchaseHistoryView& histories, double t) {
  if (!(t >= 0 && t < HUGE_VAL)) return absl::InvalidArgumentError("t must be finite and >= 0");
  return MapAliveTimes(model, histories, [&](double x, double T) { return model.ExpectedPurchasesIfAlive(t, x, T); });
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
