#include "oneid/score/prediction_intervals.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oneid/score/beta_geo.h"
#include "oneid/score/gamma_gamma.h"
#include "oneid/score/pareto_nbd.h"
#include "score/clv_test_data.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

using ::oneid::score::testing::ReadNumericCsv;
using ::oneid::score::testing::Simulate;

// Coverage: refit on many simulated bases and count how often the interval contains the value
// the true parameters give. With 300 replications the coverage of a 90% interval has a standard
// error of 0.017; [0.84, 0.96] is about 3.5 of them.
TEST(PredictionIntervalsTest, NinetyPercentIntervalsCoverTheTruthAboutNinetyPercentOfTheTime) {
  const BetaGeoParams truth{0.5, 6.0, 0.8, 2.5};
  const BetaGeoModel true_model = *BetaGeoModel::Create(truth);
  // Customers to predict for: a one-time buyer, a lapsed one, an active one, a frequent one.
  const std::vector<double> x = {0, 2, 5, 12}, t_x = {0, 10, 38, 39}, T = {40, 40, 40, 40};
  const PurchaseHistoryView customers{x, t_x, T, {}};
  constexpr int kReplications = 300;
  std::vector<int> purchases_hits(x.size(), 0), alive_hits(x.size(), 0);
  int total_hits = 0;
  for (int r = 0; r < kReplications; ++r) {
    const auto sim = Simulate(false, truth.r, truth.alpha, truth.a, truth.b, 1500, 20, 60, 1000 + static_cast<uint64_t>(r));
    ASSERT_OK_AND_ASSIGN(BetaGeoModel fitted, BetaGeoModel::Fit(sim.view()));
    ASSERT_OK_AND_ASSIGN(PredictionIntervals purchases, ExpectedPurchasesIntervals(fitted, customers, 20, 0.9));
    ASSERT_OK_AND_ASSIGN(PredictionIntervals alive, ProbabilityAliveIntervals(fitted, customers, 0.9));
    double true_total = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const double expected = true_model.ConditionalExpectedPurchases(20, x[i], t_x[i], T[i]);
      true_total += expected;
      purchases_hits[i] += purchases.lower[i] <= expected && expected <= purchases.upper[i];
      const double p = true_model.ProbabilityAlive(x[i], t_x[i], T[i]);
      alive_hits[i] += alive.lower[i] <= p && p <= alive.upper[i];
    }
    total_hits += purchases.total_lower <= true_total && true_total <= purchases.total_upper;
  }
  // The measured coverages, for docs/clv.md (--gtest_output=json shows them).
  for (size_t i = 0; i < x.size(); ++i) {
    RecordProperty("purchases_coverage_" + std::to_string(i), std::to_string(purchases_hits[i] / double(kReplications)));
    RecordProperty("alive_coverage_" + std::to_string(i), std::to_string(alive_hits[i] / double(kReplications)));
  }
  RecordProperty("total_coverage", std::to_string(total_hits / double(kReplications)));
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(purchases_hits[i] / double(kReplications), 0.9, 0.06) << "expected purchases, customer " << i;
    if (x[i] > 0) {
      EXPECT_NEAR(alive_hits[i] / double(kReplications), 0.9, 0.06) << "P(alive), customer " << i;
    }
  }
  EXPECT_NEAR(total_hits / double(kReplications), 0.9, 0.06);
}

class PredictionIntervalsCdnowTest : public ::testing::Test {
 protected:
  void SetUp() override { data_ = ReadNumericCsv("cdnow_customers_summary_with_transactions.csv"); }
  PurchaseHistoryView view() const { return {data_.at("x"), data_.at("t_x"), data_.at("T"), {}}; }
  std::map<std::string, std::vector<double>> data_;
};

TEST_F(PredictionIntervalsCdnowTest, WiderAtHigherLevelsAndAroundThePointPrediction) {
  ASSERT_OK_AND_ASSIGN(BetaGeoModel model, BetaGeoModel::Fit(view()));
  ASSERT_OK_AND_ASSIGN(PredictionIntervals narrow, ExpectedPurchasesIntervals(model, view(), 39, 0.5));
  ASSERT_OK_AND_ASSIGN(PredictionIntervals wide, ExpectedPurchasesIntervals(model, view(), 39, 0.99));
  for (size_t i = 0; i < 50; ++i) {
    const double point = model.ConditionalExpectedPurchases(39, view().frequency[i], view().recency[i], view().age[i]);
    EXPECT_DOUBLE_EQ(narrow.estimate[i], point);
    EXPECT_LT(wide.lower[i], narrow.lower[i]);
    EXPECT_LE(narrow.lower[i], point);
    EXPECT_GE(narrow.upper[i], point);
    EXPECT_GT(wide.upper[i], narrow.upper[i]);
  }
  EXPECT_LT(wide.total_lower, narrow.total_lower);
  EXPECT_GT(narrow.total_lower, 0);
  // Customers share the parameters: the total's error is far above independent errors' sqrt(sum se^2).
  double independent = 0;
  for (double se : narrow.standard_error) independent += se * se;
  EXPECT_GT(narrow.total_standard_error, 3 * std::sqrt(independent));

  // BG/NBD's one-time buyers are alive with probability 1: no uncertainty to show.
  ASSERT_OK_AND_ASSIGN(PredictionIntervals alive, ProbabilityAliveIntervals(model, view(), 0.9));
  for (size_t i = 0; i < alive.estimate.size(); ++i) {
    if (view().frequency[i] == 0) {
      EXPECT_EQ(alive.lower[i], 1.0);
      EXPECT_EQ(alive.upper[i], 1.0);
    } else {
      EXPECT_LE(alive.upper[i], 1.0);
      EXPECT_GE(alive.lower[i], 0.0);
    }
  }
}

TEST_F(PredictionIntervalsCdnowTest, ClvIntervalsIncludeSpendUncertainty) {
  ASSERT_OK_AND_ASSIGN(ParetoNbdModel transactions, ParetoNbdModel::Fit(view()));
  std::vector<double> returning_x, returning_m;
  for (size_t i = 0; i < data_.at("x").size(); ++i) {
    if (data_.at("x")[i] > 0) {
      returning_x.push_back(data_.at("x")[i]);
      returning_m.push_back(data_.at("zbar")[i]);
    }
  }
  ASSERT_OK_AND_ASSIGN(GammaGammaModel spend, GammaGammaModel::Fit(returning_x, returning_m));
  const ClvOptions options{12, 0.01, 4.345};
  ASSERT_OK_AND_ASSIGN(PredictionIntervals clv,
                       CustomerLifetimeValueIntervals(transactions, spend, view(), data_.at("zbar"), options, 0.9));
  ASSERT_OK_AND_ASSIGN(std::vector<double> point, CustomerLifetimeValue(transactions, spend, view(), data_.at("zbar"), options));
  ASSERT_OK_AND_ASSIGN(PredictionIntervals purchases_only, ExpectedPurchasesIntervals(transactions, view(), 52, 0.9));
  for (size_t i = 0; i < point.size(); ++i) {
    EXPECT_NEAR(clv.estimate[i], point[i], 1e-9 * std::max(1.0, point[i]));
    EXPECT_LE(clv.lower[i], clv.estimate[i]);
    EXPECT_GE(clv.upper[i], clv.estimate[i]);
  }
  // Relative width: CLV is at least as uncertain as the purchases it is made of.
  EXPECT_GT(clv.total_standard_error / clv.total, 0.9 * purchases_only.total_standard_error / purchases_only.total);
}

TEST(PredictionIntervalsTest, Errors) {
  const BetaGeoModel given = *BetaGeoModel::Create({0.243, 4.414, 0.793, 2.426});
  const std::vector<double> x = {1}, t_x = {5}, T = {10};
  const PurchaseHistoryView one{x, t_x, T, {}};
  EXPECT_THAT(ExpectedPurchasesIntervals(given, one, 10), StatusIs(absl::StatusCode::kFailedPrecondition, "covariance"));
  const auto sim = Simulate(false, 0.5, 6.0, 0.8, 2.5, 500, 20, 60, 3);
  ASSERT_OK_AND_ASSIGN(BetaGeoModel fitted, BetaGeoModel::Fit(sim.view()));
  EXPECT_THAT(ExpectedPurchasesIntervals(fitted, one, 10, 1.5), StatusIs(absl::StatusCode::kInvalidArgument, "level"));
  EXPECT_THAT(ExpectedPurchasesIntervals(fitted, one, -1), StatusIs(absl::StatusCode::kInvalidArgument, "t must be"));
  const std::vector<double> bad_tx = {20};
  EXPECT_THAT(ProbabilityAliveIntervals(fitted, {x, bad_tx, T, {}}), StatusIs(absl::StatusCode::kInvalidArgument, "exceeds T"));
}

}  // namespace
}  // namespace oneid::score
