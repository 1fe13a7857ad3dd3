#include "oneid/score/customer_lifetime_value.h"

#include <cmath>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oneid/score/beta_geo.h"
#include "oneid/score/gamma_gamma.h"
#include "oneid/score/pareto_nbd.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

TEST(CustomerLifetimeValueTest, SumsDiscountedMonthlyIncrements) {
  ASSERT_OK_AND_ASSIGN(BetaGeoModel bg, BetaGeoModel::Create({0.243, 4.414, 0.793, 2.426}));
  ASSERT_OK_AND_ASSIGN(GammaGammaModel gg, GammaGammaModel::Create({6.25, 3.74, 15.44}));
  const ClvOptions options{.months = 12, .monthly_discount_rate = 0.01, .periods_per_month = 4.345};
  const double clv = CustomerLifetimeValue(bg, gg, 2, 30.43, 38.86, 22.35, options);
  // The same sum written out: spend x (E[X(i months)] - E[X(i-1 months)]) / 1.01^i.
  const double spend = gg.ConditionalExpectedAverageProfit(2, 22.35);
  double expected = 0, before = 0;
  for (int i = 1; i <= 12; ++i) {
    const double now = bg.ConditionalExpectedPurchases(i * 4.345, 2, 30.43, 38.86);
    expected += spend * (now - before) / std::pow(1.01, i);
    before = now;
  }
  EXPECT_NEAR(clv, expected, 1e-9);
  // Without discounting it is the spend times the 12-month expectation.
  const ClvOptions flat{.months = 12, .monthly_discount_rate = 0.0, .periods_per_month = 4.345};
  EXPECT_NEAR(CustomerLifetimeValue(bg, gg, 2, 30.43, 38.86, 22.35, flat),
              spend * bg.ConditionalExpectedPurchases(12 * 4.345, 2, 30.43, 38.86), 1e-9);
  EXPECT_LT(clv, CustomerLifetimeValue(bg, gg, 2, 30.43, 38.86, 22.35, flat));
}

// The batch forms compute P(alive) per distinct history and the rest per distinct (x, T), then
// expand: every customer, repeated or not, gets exactly the scalar form's value.
TEST(CustomerLifetimeValueTest, BatchEqualsTheScalarFormRowByRow) {
  ASSERT_OK_AND_ASSIGN(BetaGeoModel bg, BetaGeoModel::Create({0.243, 4.414, 0.793, 2.426}));
  ASSERT_OK_AND_ASSIGN(ParetoNbdModel pnbd, ParetoNbdModel::Create({0.553, 10.578, 0.606, 11.669}));
  ASSERT_OK_AND_ASSIGN(GammaGammaModel gg, GammaGammaModel::Create({6.25, 3.74, 15.44}));
  // Rows sharing (x, T) with other recencies, exact repeats, -0.0 against 0.0, one-time buyers.
  const std::vector<double> x = {2, 2, 2, 0, 0, 5, 2, 1},
                            t_x = {30.43, 12.0, 30.43, 0, -0.0, 20.0, 30.43, 38.0},
                            T = {38.86, 38.86, 38.86, 38.86, 38.86, 20.0, 38.0, 38.86},
                            m = {22.35, 40.0, 10.0, 0, 0, 5.5, 22.35, 3.0};
  const PurchaseHistoryView view{x, t_x, T, {}};
  const ClvOptions options{.months = 12, .monthly_discount_rate = 0.01, .periods_per_month = 4.345};
  ASSERT_OK_AND_ASSIGN(std::vector<double> bg_clv, CustomerLifetimeValue(bg, gg, view, m, options));
  ASSERT_OK_AND_ASSIGN(std::vector<double> pnbd_clv, CustomerLifetimeValue(pnbd, gg, view, m, options));
  ASSERT_OK_AND_ASSIGN(std::vector<double> bg_39, ConditionalExpectedPurchases(bg, view, 39.0));
  ASSERT_OK_AND_ASSIGN(std::vector<double> pnbd_39, ConditionalExpectedPurchases(pnbd, view, 39.0));
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(bg_clv[i], CustomerLifetimeValue(bg, gg, x[i], t_x[i], T[i], m[i], options)) << "row " << i;
    EXPECT_EQ(pnbd_clv[i], CustomerLifetimeValue(pnbd, gg, x[i], t_x[i], T[i], m[i], options)) << "row " << i;
    EXPECT_EQ(bg_39[i], bg.ConditionalExpectedPurchases(39.0, x[i], t_x[i], T[i])) << "row " << i;
    EXPECT_EQ(pnbd_39[i], pnbd.ConditionalExpectedPurchases(39.0, x[i], t_x[i], T[i])) << "row " << i;
  }
  EXPECT_NE(bg_clv[0], bg_clv[1]);  // same (x, T), other recency: another P(alive)
  EXPECT_NE(bg_clv[0], bg_clv[2]);  // same history, other spend
  EXPECT_THAT(ConditionalExpectedPurchases(bg, view, -1.0), StatusIs(absl::StatusCode::kInvalidArgument, "t must be"));
}

TEST(CustomerLifetimeValueTest, BatchValidates) {
  ASSERT_OK_AND_ASSIGN(ParetoNbdModel pnbd, ParetoNbdModel::Create({0.553, 10.578, 0.606, 11.669}));
  ASSERT_OK_AND_ASSIGN(GammaGammaModel gg, GammaGammaModel::Create({6.25, 3.74, 15.44}));
  const std::vector<double> x = {2, 0}, t_x = {30.43, 0}, T = {38.86, 38.86}, m = {22.35, 0};
  ClvOptions options{.months = 6, .monthly_discount_rate = 0.01, .periods_per_month = 4.345};
  ASSERT_OK_AND_ASSIGN(std::vector<double> values, CustomerLifetimeValue(pnbd, gg, {x, t_x, T, {}}, m, options));
  ASSERT_EQ(values.size(), 2u);
  EXPECT_GT(values[0], values[1]);
  EXPECT_GT(values[1], 0);  // a one-time buyer still has the population's expected spend
  EXPECT_THAT(CustomerLifetimeValue(pnbd, gg, {x, t_x, T, {}}, std::vector<double>{1}, options),
              StatusIs(absl::StatusCode::kInvalidArgument, "monetary_value has 1 rows"));
  EXPECT_THAT(CustomerLifetimeValue(pnbd, gg, {x, t_x, T, {}}, std::vector<double>{1, NAN}, options),
              StatusIs(absl::StatusCode::kInvalidArgument, "row 1"));
  options.months = 0;
  EXPECT_THAT(CustomerLifetimeValue(pnbd, gg, {x, t_x, T, {}}, m, options), StatusIs(absl::StatusCode::kInvalidArgument, "months"));
  options = {.months = 6, .monthly_discount_rate = -1, .periods_per_month = 4.345};
  EXPECT_THAT(CustomerLifetimeValue(pnbd, gg, {x, t_x, T, {}}, m, options), StatusIs(absl::StatusCode::kInvalidArgument, "discount"));
  options = {.months = 6, .monthly_discount_rate = 0.01, .periods_per_month = 0};
  EXPECT_THAT(CustomerLifetimeValue(pnbd, gg, {x, t_x, T, {}}, m, options), StatusIs(absl::StatusCode::kInvalidArgument, "periods_per_month"));
}

}  // namespace
}  // namespace oneid::score
