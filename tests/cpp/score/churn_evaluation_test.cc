#include "oneid/score/churn_evaluation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <cstdio>
#include <numeric>
#include <vector>

#include "absl/status/status.h"
#include "churn_simulation.h"
#include "oneid/score/logistic_regression.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

// AUC by its definition: over all (churner, stayer) pairs, 1 if the churner scores higher, 1/2 on a tie.
double BruteForceAuc(const std::vector<double>& y, const std::vector<double>& s) {
  double wins = 0, pairs = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    for (size_t j = 0; j < y.size(); ++j) {
      if (y[i] == 1 && y[j] == 0) {
        pairs += 1;
        wins += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
      }
    }
  }
  return wins / pairs;
}

TEST(ChurnEvaluationTest, AucHandCases) {
  ASSERT_OK_AND_ASSIGN(double auc, RocAuc(std::vector<double>{0, 0, 1, 1}, std::vector<double>{0.1, 0.4, 0.35, 0.8}));
  EXPECT_DOUBLE_EQ(auc, 0.75);
  ASSERT_OK_AND_ASSIGN(double tied, RocAuc(std::vector<double>{0, 1, 0, 1}, std::vector<double>{3, 3, 3, 3}));
  EXPECT_DOUBLE_EQ(tied, 0.5);
  ASSERT_OK_AND_ASSIGN(double reversed, RocAuc(std::vector<double>{1, 1, 0}, std::vector<double>{-5, -4, 10}));
  EXPECT_DOUBLE_EQ(reversed, 0.0);
}

TEST(ChurnEvaluationTest, AucMatchesPairCountingWithTies) {
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 30; ++trial) {
    const size_t n = 2 + rng() % 200;
    std::vector<double> y(n), s(n);
    for (size_t i = 0; i < n; ++i) {
      y[i] = static_cast<double>(rng() % 2);
      s[i] = static_cast<double>(rng() % 7) + 0.3 * y[i];  // coarse scores: many ties
    }
    y[0] = 0;
    y[1] = 1;
    ASSERT_OK_AND_ASSIGN(double auc, RocAuc(y, s));
    EXPECT_NEAR(auc, BruteForceAuc(y, s), 1e-12) << "trial " << trial;
  }
}

TEST(ChurnEvaluationTest, LiftCountsATiedGroupAtTheCutByItsMeanRate) {
  // 20 rows, top decile = 2 rows. Base rate 5/20 = 0.25.
  std::vector<double> y(20, 0.0), s(20, 0.0);
  for (int i = 0; i < 20; ++i) s[static_cast<size_t>(i)] = i;
  y[19] = 1;  // the top score churned
  y[0] = y[1] = y[2] = y[3] = 1;
  ASSERT_OK_AND_ASSIGN(double lift, LiftAtTop(y, s, 0.1));
  EXPECT_DOUBLE_EQ(lift, (1.0 / 2.0) / 0.25);
  // Rows 17 and 18 now tie with each other under the top: 1 of the 2 churned, so half a churner
  // counts for the one slot left.
  s[17] = s[18] = 17.5;
  y[18] = 1;
  y[0] = 0;
  ASSERT_OK_AND_ASSIGN(double tied, LiftAtTop(y, s, 0.1));
  EXPECT_DOUBLE_EQ(tied, ((1.0 + 0.5) / 2.0) / 0.25);
  // Input order does not matter.
  std::reverse(y.begin(), y.end());
  std::reverse(s.begin(), s.end());
  ASSERT_OK_AND_ASSIGN(double reordered, LiftAtTop(y, s, 0.1));
  EXPECT_DOUBLE_EQ(reordered, tied);
}

TEST(ChurnEvaluationTest, BrierAndCalibrationHandCase) {
  std::vector<double> y = {0, 1, 0, 1};
  std::vector<double> p = {0.2, 0.2, 0.9, 0.9};
  ASSERT_OK_AND_ASSIGN(double brier, BrierScore(y, p));
  EXPECT_DOUBLE_EQ(brier, (0.04 + 0.64 + 0.81 + 0.01) / 4);
  ASSERT_OK_AND_ASSIGN(std::vector<CalibrationBin> table, CalibrationTable(y, p, 4));
  // Ties never split: two non-empty bins of two rows.
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table[0].count, 2u);
  EXPECT_DOUBLE_EQ(table[0].mean_predicted, 0.2);
  EXPECT_DOUBLE_EQ(table[0].observed_rate, 0.5);
  EXPECT_DOUBLE_EQ(table[1].mean_predicted, 0.9);
  EXPECT_EQ(table[1].bin, 3);  // two rows below 0.9 out of four: 1 + floor(4 * 2 / 4)
}

TEST(ChurnEvaluationTest, ScoresThatAreNotProbabilitiesStillGetAucAndLift) {
  std::vector<double> y = {0, 1, 0, 1, 1};
  std::vector<double> days_since_last = {3, 400, 10, 90, 200};  // a crude churn score
  ASSERT_OK_AND_ASSIGN(ChurnEvaluation e, EvaluateChurn(y, days_since_last));
  EXPECT_DOUBLE_EQ(e.auc, 1.0);
  EXPECT_TRUE(std::isnan(e.brier));
  EXPECT_TRUE(e.calibration.empty());
}

TEST(ChurnEvaluationTest, ErrorsNameRowAndReason) {
  EXPECT_THAT(RocAuc(std::vector<double>{0, 1}, std::vector<double>{0.1, std::numeric_limits<double>::quiet_NaN()}),
              StatusIs(absl::StatusCode::kInvalidArgument, "scores[1] is NaN"));
  EXPECT_THAT(RocAuc(std::vector<double>{0, 3}, std::vector<double>{0.1, 0.2}),
              StatusIs(absl::StatusCode::kInvalidArgument, "y_true[1] is 3"));
  EXPECT_THAT(RocAuc(std::vector<double>{1, 1}, std::vector<double>{0.1, 0.2}),
              StatusIs(absl::StatusCode::kInvalidArgument, "single class"));
  EXPECT_THAT(BrierScore(std::vector<double>{1, 0}, std::vector<double>{0.1, 1.2}),
              StatusIs(absl::StatusCode::kInvalidArgument, "probabilities[1] is 1.2, outside [0, 1]"));
  EXPECT_THAT(LiftAtTop(std::vector<double>{1, 0}, std::vector<double>{0.1, 0.2, 0.3}),
              StatusIs(absl::StatusCode::kInvalidArgument, "y_true has 2 rows but scores has 3"));
}

// Train on one period, evaluate on the next: the shape every churn model here is used in.
TEST(ChurnEvaluationTest, TimeSplitOnSimulatedCustomersIsAccurateAndCalibrated) {
  const testing::Population population = testing::SimulatePopulation(20000, 700, 2026);
  const double horizon = 90, cutoff1 = 400, cutoff2 = cutoff1 + horizon;  // training labels end at cut-off 2
  testing::LabelledFeatures train = testing::FeaturesAndLabels(population, cutoff1, horizon);
  testing::LabelledFeatures test = testing::FeaturesAndLabels(population, cutoff2, horizon);
  ASSERT_GT(train.y.size(), 5000u);
  ASSERT_GT(test.y.size(), 5000u);

  LogisticRegression model({.l2 = 1.0});
  ASSERT_OK_AND_ASSIGN(ClassifierFitReport report, model.Fit(train.x, train.y));
  EXPECT_TRUE(report.converged());
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXd p, model.PredictProba(test.x));
  std::vector<double> scores(p.data(), p.data() + p.size());
  ASSERT_OK_AND_ASSIGN(ChurnEvaluation e, EvaluateChurn(test.y, scores));
  EXPECT_GT(e.auc, 0.85);
  EXPECT_GT(e.lift_top_decile, 1.5);
  EXPECT_LT(e.max_calibration_gap, 0.07);
  EXPECT_EQ(e.calibration.size(), 10u);
  // The Brier score is far below that of predicting the training base rate for everyone.
  const double train_rate = std::accumulate(train.y.begin(), train.y.end(), 0.0) / static_cast<double>(train.y.size());
  std::vector<double> constant(test.y.size(), train_rate);
  ASSERT_OK_AND_ASSIGN(double constant_brier, BrierScore(test.y, constant));
  EXPECT_LT(e.brier, 0.6 * constant_brier);

  // Shuffled training labels carry no signal. One such model's AUC is not reliably near 0.5: its
  // coefficients point in a random direction of feature space, and with features as correlated
  // with churn as these (recency, frequency, recent counts) any direction ranks customers well or
  // badly (single permutations range over 0.25..0.87 here). What is 0.5 is the AUC's expectation
  // over permutations, and what vanishes is the skill of the probabilities: each shuffled model
  // predicts about the base rate for everyone, so its Brier score is that of the constant.
  constexpr int kPermutations = 40;
  double auc_sum = 0;
  std::mt19937_64 rng(99);
  for (int k = 0; k < kPermutations; ++k) {
    std::vector<double> shuffled = train.y;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    LogisticRegression noise({.l2 = 1.0});
    ASSERT_OK(noise.Fit(train.x, shuffled));
    ASSERT_OK_AND_ASSIGN(Eigen::VectorXd q, noise.PredictProba(test.x));
    const std::vector<double> noise_scores(q.data(), q.data() + q.size());
    ASSERT_OK_AND_ASSIGN(double noise_auc, RocAuc(test.y, noise_scores));
    auc_sum += noise_auc;
    ASSERT_OK_AND_ASSIGN(double noise_brier, BrierScore(test.y, noise_scores));
    EXPECT_GT(noise_brier, 0.97 * constant_brier) << "permutation " << k;
  }
  EXPECT_NEAR(auc_sum / kPermutations, 0.5, 0.08);
}

}  // namespace
}  // namespace oneid::score
