// CustomerLifetimeValue: discounted expected spend over a horizon, from a transaction model
// (BetaGeoModel, ModifiedBetaGeoModel, ParetoNbdModel) and a spend model (GammaGammaModel).
//
// oneid follows lifetimes' convention (`customer_lifetime_value`) so that figures agree with it:
// the horizon is `months` whole months; month i (1-based) contributes
//   E[spend | x, zbar] * (E[X(T, T + i*L)] - E[X(T, T + (i-1)*L)]) / (1 + d)^i
// where L is the length of a month in the model's time unit (`periods_per_month`: 30 when the model
// was fitted in days, 4.345 in weeks, 1 in months) and d is the monthly discount rate. Purchases
// are discounted to the end of the month they fall in. E[X(T, T+t)] is P(alive) times the
// expectation given alive, which does not depend on t_x: oneid computes CLV as
//   E[spend | x, zbar] * P(alive | x, t_x, T) * DiscountedPurchasesIfAlive(x, T)
// (the same sum, factored), which lets the batch form work per distinct (x, T).
//
//   ClvOptions options{.months = 12, .monthly_discount_rate = 0.01, .periods_per_month = 30};
//   double clv = CustomerLifetimeValue(bgnbd, gamma_gamma, x, t_x, T, zbar, options);
#ifndef ONEID_SCORE_CUSTOMER_LIFETIME_VALUE_H_
#define ONEID_SCORE_CUSTOMER_LIFETIME_VALUE_H_

#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/score/gamma_gamma.h"
#include "oneid/score/purchase_history.h"

namespace oneid {
inline namespace v0 {
namespace score {

struct ClvOptions {
  int months = 12;
  double monthly_discount_rate = 0.01;
  double periods_per_month = 30.0;  // the model's time unit: 30 for days, 4.345 for weeks
};

// InvalidArgument unless months >= 1, the discount rate is finite and > -1 and periods_per_month
// is finite and > 0.
absl::Status ValidateClvOptions(const ClvOptions& options);

// The batch CLV's checks before the histories': the options, and a spend column as long as the
// histories with every value finite and >= 0 (the error names the first bad row).
absl::Status ValidateClvInputs(const PurchaseHistoryView& histories, absl::Span<const double> monetary_value,
                               const ClvOptions& options);

// The discounted expected purchases of a customer alive at T, sum over months of
// (E[X(T, T+i*L) | alive] - E[X(T, T+(i-1)*L) | alive]) / (1 + d)^i. CLV is the expected spend
// times P(alive) times this; it depends on (x, T) only (see ExpectedPurchasesIfAlive).
// `TransactionModel` needs `double ExpectedPurchasesIfAlive(double t, double x, double T) const`.
template <typename TransactionModel>
double DiscountedPurchasesIfAlive(const TransactionModel& transactions, double x, double T, const ClvOptions& options) {
  double value = 0.0;
  double purchases_before = 0.0;
  for (int month = 1; month <= options.months; ++month) {
    const double purchases = transactions.ExpectedPurchasesIfAlive(month * options.periods_per_month, x, T);
    value += (purchases - purchases_before) / std::pow(1.0 + options.monthly_discount_rate, month);
    purchases_before = purchases;
  }
  return value;
}

// One customer's CLV. `TransactionModel` also needs
// `double ProbabilityAlive(double x, double t_x, double T) const`.
template <typename TransactionModel>
double CustomerLifetimeValue(const TransactionModel& transactions, const GammaGammaModel& spend, double x,
                             double t_x, double T, double zbar, const ClvOptions& options) {
  return transactions.ProbabilityAlive(x, t_x, T) * DiscountedPurchasesIfAlive(transactions, x, T, options) *
         spend.ConditionalExpectedAverageProfit(x, zbar);
}

// The batch form: validates the histories, the spend column (same length, finite) and the options.
template <typename TransactionModel>
absl::StatusOr<std::vector<double>> CustomerLifetimeValue(const TransactionModel& transactions,
                                                          const GammaGammaModel& spend,
                                                          const PurchaseHistoryView& histories,
                                                          absl::Span<const double> monetary_value,
                                                          const ClvOptions& options) {
  if (absl::Status status = ValidateClvInputs(histories, monetary_value, options); !status.ok()) return status;
  // P(alive) once per distinct history and the discounted purchases once per distinct (x, T)
  // (MapAliveTimes), against twelve 2F1 evaluations per customer for the scalar form.
  absl::StatusOr<std::vector<double>> values = MapAliveTimes(transactions, histories, [&](double x, double T) {
    return DiscountedPurchasesIfAlive(transactions, x, T, options);
  });
  if (!values.ok()) return values.status();
  for (size_t i = 0; i < values->size(); ++i) {
    (*values)[i] *= spend.ConditionalExpectedAverageProfit(histories.frequency[i], monetary_value[i]);
  }
  return values;
}

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_CUSTOMER_LIFETIME_VALUE_H_
