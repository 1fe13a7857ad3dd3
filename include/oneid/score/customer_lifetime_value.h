// CustomerLifetimeValue: discounted expected spend over a horizon, from a transaction model
// (BetaGeoModel, ModifiedBetaGeoModel, ParetoNbdModel) and a spend model (GammaGammaModel).
//
// oneid follows lifetimes' convention (`customer_lifetime_value`) so that figures agree with it:
// the horizon is `months` whole months; month i (1-based) contributes
//   E[spend | x, zbar] * (E[X(T, T + i*L)] - E[X(T, T + (i-1)*L)]) / (1 + d)^i
// where L is the length of a month in the model's time unit (`periods_per_month`: 30 when the model
// was fitted in days, 4.345 in weeks, 1 in months) and d is the monthly discount rate. Purchases
// are discounted to the end of the month they fall in.
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

// One customer's CLV. `TransactionModel` needs
// `double ConditionalExpectedPurchases(double t, double x, double t_x, double T) const`.
template <typename TransactionModel>
double CustomerLifetimeValue(const TransactionModel& transactions, const GammaGammaModel& spend, double x,
                             double t_x, double T, double zbar, const ClvOptions& options) {
  const double expected_spend = spend.ConditionalExpectedAverageProfit(x, zbar);
  double value = 0.0;
  double purchases_before = 0.0;
  for (int month = 1; month <= options.months; ++month) {
    const double purchases = transactions.ConditionalExpectedPurchases(month * options.periods_per_month, x, t_x, T);
    value += expected_spend * (purchases - purchases_before) / std::pow(1.0 + options.monthly_discount_rate, month);
    purchases_before = purchases;
  }
  return value;
}

// The batch form: validates the histories, the spend column (same length, finite) and the options.
template <typename TransactionModel>
absl::StatusOr<std::vector<double>> CustomerLifetimeValue(const TransactionModel& transactions,
                                                          const GammaGammaModel& spend,
                                                          const PurchaseHistoryView& histories,
                                                          absl::Span<const double> monetary_value,
                                                          const ClvOptions& options) {
  if (absl::Status status = ValidateClvOptions(options); !status.ok()) return status;
  if (monetary_value.size() != histories.frequency.size()) {
    return absl::InvalidArgumentError("customer_lifetime_value: monetary_value has " +
                                      std::to_string(monetary_value.size()) + " rows, frequency has " +
                                      std::to_string(histories.frequency.size()));
  }
  for (size_t i = 0; i < monetary_value.size(); ++i) {
    if (!std::isfinite(monetary_value[i]) || monetary_value[i] < 0) {
      return absl::InvalidArgumentError("customer_lifetime_value: monetary_value must be finite and >= 0 (row " +
                                        std::to_string(i) + ")");
    }
  }
  size_t row = 0;
  return MapHistories(histories, [&](double x, double t_x, double T) {
    return CustomerLifetimeValue(transactions, spend, x, t_x, T, monetary_value[row++], options);
  });
}

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_CUSTOMER_LIFETIME_VALUE_H_
