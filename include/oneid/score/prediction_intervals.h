// Intervals for the predictions of the customer-base models from the uncertainty of their
// estimated parameters: per customer and for the total over customers, at any level.
//
// The delta method on the asymptotic covariance of the estimate (FitReport::covariance): with
// g = d prediction / d log(theta) by forward differences and C the covariance of log(theta), the
// prediction's variance is g' C g. Intervals are symmetric on a scale where the normal
// approximation holds better and the bounds keep their range: logit for probabilities, log for
// expected purchases and CLV. The total's gradient is the sum of the customers' gradients, so the
// total's interval accounts for every customer sharing the same parameters (it is much wider than
// independent per-customer errors would make it). Only parameter uncertainty: the interval is for
// the model's expectation, not for what the customer will actually do.
//
// Work is per distinct (x, t_x, T): a log summarised in days has a few hundred thousand per
// million customers.
//
//   ONEID_ASSIGN_OR_RETURN(PredictionIntervals next_90,
//                          ExpectedPurchasesIntervals(bgnbd, histories, 90, /*level=*/0.9));
//   next_90.lower[i], next_90.upper[i];   // customer i
//   next_90.total_lower, next_90.total_upper;
#ifndef ONEID_SCORE_PREDICTION_INTERVALS_H_
#define ONEID_SCORE_PREDICTION_INTERVALS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/score/customer_lifetime_value.h"
#include "oneid/score/gamma_gamma.h"
#include "oneid/score/purchase_history.h"

namespace oneid {
inline namespace v0 {
namespace score {

struct PredictionIntervals {
  double level = 0.9;
  // Per customer, in input order.
  std::vector<double> estimate, lower, upper;
  std::vector<double> standard_error;  // delta-method standard error of the estimate
  // The sum over customers.
  double total = 0, total_lower = 0, total_upper = 0, total_standard_error = 0;
};

// E[X(T, T+t) | history] per customer, interval on the log scale. Models: BetaGeoModel,
// ModifiedBetaGeoModel, ParetoNbdModel. InvalidArgument: invalid histories, t not finite and >= 0,
// level not in (0, 1); FailedPrecondition: the model has no covariance (made by Create, loaded from a version-1 text,
// or fitted where the Hessian was not positive definite).
template <typename TransactionModel>
absl::StatusOr<PredictionIntervals> ExpectedPurchasesIntervals(const TransactionModel& model,
                                                               const PurchaseHistoryView& histories, double t,
                                                               double level = 0.9);

// P(alive | history) per customer, interval on the logit scale (a P(alive) of exactly 1, BG/NBD's
// one-time buyers, has no uncertainty). The total is the expected number of customers alive.
template <typename TransactionModel>
absl::StatusOr<PredictionIntervals> ProbabilityAliveIntervals(const TransactionModel& model,
                                                              const PurchaseHistoryView& histories, double level = 0.9);

// CustomerLifetimeValue per customer, interval on the log scale, from the uncertainty of both the
// transaction model and the Gamma-Gamma spend model (independent fits: their covariances add).
template <typename TransactionModel>
absl::StatusOr<PredictionIntervals> CustomerLifetimeValueIntervals(const TransactionModel& transactions,
                                                                   const GammaGammaModel& spend,
                                                                   const PurchaseHistoryView& histories,
                                                                   absl::Span<const double> monetary_value,
                                                                   const ClvOptions& options, double level = 0.9);

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_PREDICTION_INTERVALS_H_
