#include "oneid/score/beta_geo_beta_binom.h"

#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oneid/score/detail/compressed_rows.h"
#include "oneid/score/detail/likelihoods.h"
#include "score/clv_test_data.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

using ::oneid::score::testing::ReadNumericCsv;

class DonationsTest : public ::testing::Test {
 protected:
  void SetUp() override { data_ = ReadNumericCsv("donations.csv"); }
  DiscreteHistoryView view() const {
    return {data_.at("frequency"), data_.at("recency"), data_.at("periods"), data_.at("weights")};
  }
  std::map<std::string, std::vector<double>> data_;
};

// Fader, Hardie & Shang (2010), "Customer-Base Analysis in a Discrete-Time Noncontractual
// Setting", Marketing Science 29(6), section 4 (the 1995 cohort of 11,104 donors, 6 opportunities):
// alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783, LL = -33,225.6.
TEST_F(DonationsTest, ReproducesPublishedEstimates) {
  ASSERT_OK_AND_ASSIGN(BetaGeoBetaBinomModel model, BetaGeoBetaBinomModel::Fit(view()));
  EXPECT_EQ(model.report().status, FitStatus::kConverged);
  EXPECT_EQ(model.report().total_weight, 11104);
  EXPECT_NEAR(model.params().alpha, 1.204, 0.001);
  EXPECT_NEAR(model.params().beta, 0.750, 0.001);
  EXPECT_NEAR(model.params().gamma, 0.657, 0.001);
  EXPECT_NEAR(model.params().delta, 2.783, 0.002);
  EXPECT_NEAR(model.report().log_likelihood, -33225.6, 0.05);
}

TEST_F(DonationsTest, ExpectedTransactionsMatchTheFittedPopulation) {
  ASSERT_OK_AND_ASSIGN(BetaGeoBetaBinomModel model, BetaGeoBetaBinomModel::Fit(view()));
  // E[X(6)] from the model equals the mean of the observed x within sampling error (the model fits).
  double mean = 0, total = 0;
  for (size_t i = 0; i < data_.at("frequency").size(); ++i) {
    mean += data_.at("frequency")[i] * data_.at("weights")[i];
    total += data_.at("weights")[i];
  }
  EXPECT_NEAR(model.ExpectedPurchases(6), mean / total, 0.02);
  // A new customer's conditional expectation equals the unconditional one.
  EXPECT_NEAR(model.ConditionalExpectedPurchases(5, 0, 0, 0) , model.ExpectedPurchases(5), 1e-9);
  // Someone who gave every year is more alive, and gives more, than someone who stopped after year 1.
  EXPECT_GT(model.ProbabilityAlive(1, 6, 6, 6), model.ProbabilityAlive(1, 1, 1, 6));
  EXPECT_GT(model.ConditionalExpectedPurchases(5, 6, 6, 6), model.ConditionalExpectedPurchases(5, 1, 1, 6));
  EXPECT_EQ(model.ConditionalExpectedPurchases(0, 3, 4, 6), 0.0);
}

TEST_F(DonationsTest, AnalyticGradientMatchesFiniteDifferences) {
  const detail::CompressedRows rows =
      detail::CompressRows(data_.at("frequency"), data_.at("recency"), data_.at("periods"), data_.at("weights"));
  Eigen::VectorXd params(4);
  params << 1.1, 0.8, 0.7, 2.5;
  Eigen::VectorXd gradient;
  detail::BetaGeoBetaBinomLogLikelihood(rows, params, &gradient);
  for (int k = 0; k < 4; ++k) {
    const double h = 1e-6 * params[k];
    Eigen::VectorXd up = params, down = params;
    up[k] += h;
    down[k] -= h;
    const double numeric = (detail::BetaGeoBetaBinomLogLikelihood(rows, up, nullptr) -
                            detail::BetaGeoBetaBinomLogLikelihood(rows, down, nullptr)) / (2 * h);
    EXPECT_NEAR(gradient[k], numeric, 1e-5 * std::max(1.0, std::abs(numeric))) << "parameter " << k;
  }
}

TEST(BetaGeoBetaBinomTest, RecoversSimulatedParameters) {
  const double alpha = 1.2, beta = 0.75, gamma = 0.66, delta = 2.8;
  const int n = 8;
  std::mt19937_64 rng(31337);
  auto draw_beta = [&](double a, double b) {
    const double g1 = std::gamma_distribution<double>(a, 1.0)(rng), g2 = std::gamma_distribution<double>(b, 1.0)(rng);
    return g1 / (g1 + g2);
  };
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> x, t_x, periods;
  for (int i = 0; i < 20000; ++i) {
    const double p = draw_beta(alpha, beta), theta = draw_beta(gamma, delta);
    double count = 0, last = 0;
    for (int t = 1; t <= n; ++t) {
      if (u(rng) < theta) break;  // dies before opportunity t
      if (u(rng) < p) {
        count += 1;
        last = t;
      }
    }
    x.push_back(count);
    t_x.push_back(last);
    periods.push_back(n);
  }
  ASSERT_OK_AND_ASSIGN(BetaGeoBetaBinomModel model, BetaGeoBetaBinomModel::Fit({x, t_x, periods, {}}));
  EXPECT_NEAR(model.params().alpha, alpha, 0.15);
  EXPECT_NEAR(model.params().beta, beta, 0.1);
  EXPECT_NEAR(model.params().gamma, gamma, 0.1);
  EXPECT_NEAR(model.params().delta, delta, 0.6);
  EXPECT_LT(model.report().distinct_rows, 50);  // 20000 customers, few distinct patterns
}

TEST(BetaGeoBetaBinomTest, FailureModes) {
  auto fit = [](std::vector<double> x, std::vector<double> t_x, std::vector<double> n) {
    return BetaGeoBetaBinomModel::Fit({x, t_x, n, {}}).status();
  };
  EXPECT_THAT(fit({}, {}, {}), StatusIs(absl::StatusCode::kInvalidArgument, "empty"));
  EXPECT_THAT(fit({3}, {2}, {6}), StatusIs(absl::StatusCode::kInvalidArgument, "exceeds recency"));
  EXPECT_THAT(fit({1}, {7}, {6}), StatusIs(absl::StatusCode::kInvalidArgument, "exceeds n_periods"));
  EXPECT_THAT(fit({1}, {1.5}, {6}), StatusIs(absl::StatusCode::kInvalidArgument, "whole numbers"));
  EXPECT_THAT(fit({0}, {0}, {0}), StatusIs(absl::StatusCode::kInvalidArgument, "n_periods must be >= 1"));
  EXPECT_THAT(fit({0, 0}, {0, 0}, {6, 6}), StatusIs(absl::StatusCode::kInvalidArgument, "repeat"));
  EXPECT_THAT(BetaGeoBetaBinomModel::Create({1, 1, 1, 0}), StatusIs(absl::StatusCode::kInvalidArgument, "delta"));
}

TEST_F(DonationsTest, SaveLoadRoundTrip) {
  ASSERT_OK_AND_ASSIGN(BetaGeoBetaBinomModel model, BetaGeoBetaBinomModel::Fit(view()));
  ASSERT_OK_AND_ASSIGN(BetaGeoBetaBinomModel loaded, BetaGeoBetaBinomModel::Load(model.Save()));
  EXPECT_EQ(loaded.params().delta, model.params().delta);
  EXPECT_EQ(loaded.report().log_likelihood, model.report().log_likelihood);
  EXPECT_THAT(BetaGeoBetaBinomModel::Load(model.Save().replace(0, 9, "oneid-xyz")),
              StatusIs(absl::StatusCode::kInvalidArgument, "header"));
}


TEST(BetaGeoBetaBinomTest, CountDistributionAndNoPurchase) {
  const BetaGeoBetaBinomModel model = *BetaGeoBetaBinomModel::Create({1.204, 0.750, 0.657, 2.783});
  for (int n : {1, 6, 11}) {
    double total = 0, mean = 0;
    for (int x = 0; x <= n; ++x) {
      total += model.ProbabilityOfTransactions(x, n);
      mean += x * model.ProbabilityOfTransactions(x, n);
    }
    EXPECT_NEAR(total, 1.0, 1e-12) << n;
    EXPECT_NEAR(mean, model.ExpectedPurchases(n), 1e-10) << n;
  }
  EXPECT_EQ(model.ProbabilityOfTransactions(7, 6), 0.0);
  // At most one transaction per opportunity: P(none at the next one) = 1 - E[transactions at it].
  for (const auto& [x, t_x, n] : {std::tuple{0.0, 0.0, 6.0}, std::tuple{3.0, 4.0, 6.0}, std::tuple{6.0, 6.0, 6.0}}) {
    EXPECT_NEAR(model.ProbabilityNoPurchase(1, x, t_x, n), 1.0 - model.ConditionalExpectedPurchases(1, x, t_x, n), 1e-12);
    EXPECT_GT(model.ProbabilityNoPurchase(1, x, t_x, n), model.ProbabilityNoPurchase(5, x, t_x, n));
  }
  EXPECT_EQ(model.ProbabilityNoPurchase(0, 3, 4, 6), 1.0);
}
}  // namespace
}  // namespace oneid::score
