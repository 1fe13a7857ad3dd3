#include "oneid/score/pareto_nbd.h"

#include <cmath>
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
using ::oneid::score::testing::Simulate;

class ParetoNbdCdnowTest : public ::testing::Test {
 protected:
  void SetUp() override { data_ = ReadNumericCsv("cdnow_customers_summary.csv"); }
  PurchaseHistoryView view() const { return {data_.at("frequency"), data_.at("recency"), data_.at("T"), {}}; }
  std::map<std::string, std::vector<double>> data_;
};

// Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", table/section 4, and Fader &
// Hardie (2005), "A Note on Implementing the Pareto/NBD Model in MATLAB": on the CDNOW sample the
// Pareto/NBD estimates are r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67 with LL = -9595.0.
// lifetimes' test suite pins the same estimates to three decimals (0.553, 10.578, 0.606, 11.669).
TEST_F(ParetoNbdCdnowTest, ReproducesPublishedEstimates) {
  ASSERT_OK_AND_ASSIGN(ParetoNbdModel model, ParetoNbdModel::Fit(view()));
  EXPECT_EQ(model.report().status, FitStatus::kConverged);
  EXPECT_NEAR(model.params().r, 0.553, 0.001);
  EXPECT_NEAR(model.params().alpha, 10.578, 0.01);
  EXPECT_NEAR(model.params().s, 0.606, 0.001);
  EXPECT_NEAR(model.params().beta, 11.669, 0.02);
  EXPECT_NEAR(model.report().log_likelihood, -9595.0, 0.1);
}

TEST_F(ParetoNbdCdnowTest, AnalyticGradientMatchesFiniteDifferences) {
  const detail::CompressedRows rows =
      detail::CompressRows(data_.at("frequency"), data_.at("recency"), data_.at("T"), {});
  // Both orderings of alpha and beta: the closed form switches branch there, the integral does not.
  for (const std::vector<double>& point : {std::vector<double>{0.5, 9.0, 0.7, 13.0}, {0.6, 12.0, 0.5, 8.0}}) {
    Eigen::VectorXd params = Eigen::Map<const Eigen::VectorXd>(point.data(), 4);
    Eigen::VectorXd gradient;
    detail::ParetoNbdLogLikelihood(rows, params, &gradient);
    for (int k = 0; k < 4; ++k) {
      const double h = 1e-6 * params[k];
      Eigen::VectorXd up = params, down = params;
      up[k] += h;
      down[k] -= h;
      const double numeric =
          (detail::ParetoNbdLogLikelihood(rows, up, nullptr) - detail::ParetoNbdLogLikelihood(rows, down, nullptr)) /
          (2 * h);
      EXPECT_NEAR(gradient[k], numeric, 1e-4 * std::max(1.0, std::abs(numeric))) << "parameter " << k;
    }
  }
}

TEST(ParetoNbdTest, LikelihoodMatchesClosedFormAtEqualRates) {
  // With alpha == beta the 2F1 terms of the closed form collapse (z = 0) and
  //   L = Gamma(r+x)/Gamma(r) alpha^r beta^s [ (alpha+T)^-(r+s+x)
  //       + s/(r+s+x) ((alpha+t_x)^-(r+s+x) - (alpha+T)^-(r+s+x)) ].
  const double r = 0.7, alpha = 9.0, s = 0.8, beta = 9.0, x = 3, t_x = 20, T = 35;
  const double k = r + s + x;
  const double expected = std::lgamma(r + x) - std::lgamma(r) + r * std::log(alpha) + s * std::log(beta) +
                          std::log(std::pow(alpha + T, -k) + s / k * (std::pow(alpha + t_x, -k) - std::pow(alpha + T, -k)));
  const std::vector<double> xs = {x}, txs = {t_x}, Ts = {T};
  ASSERT_OK_AND_ASSIGN(ParetoNbdModel model, ParetoNbdModel::Create({r, alpha, s, beta}));
  ASSERT_OK_AND_ASSIGN(double ll, model.LogLikelihood({xs, txs, Ts, {}}));
  EXPECT_NEAR(ll, expected, 1e-10);
  // P(alive) is the first term's share.
  EXPECT_NEAR(model.ProbabilityAlive(x, t_x, T),
              std::pow(alpha + T, -k) / (std::pow(alpha + T, -k) + s / k * (std::pow(alpha + t_x, -k) - std::pow(alpha + T, -k))),
              1e-10);
  // Many repeat purchases long ago: the quadrature must split its panels and stay accurate.
  const std::vector<double> many = {60}, early = {2}, late = {300};
  const double k2 = r + s + 60;
  const double expected2 = std::lgamma(r + 60) - std::lgamma(r) + r * std::log(alpha) + s * std::log(beta) +
                           std::log(std::pow(alpha + 300, -k2) + s / k2 * (std::pow(alpha + 2, -k2) - std::pow(alpha + 300, -k2)));
  ASSERT_OK_AND_ASSIGN(double ll2, model.LogLikelihood({many, early, late, {}}));
  EXPECT_NEAR(ll2, expected2, 1e-8 * std::abs(expected2));
}

TEST(ParetoNbdTest, PredictionsBehave) {
  ASSERT_OK_AND_ASSIGN(ParetoNbdModel model, ParetoNbdModel::Create({0.553, 10.578, 0.606, 11.669}));
  EXPECT_EQ(model.ExpectedPurchases(0), 0.0);
  EXPECT_EQ(model.ConditionalExpectedPurchases(0, 2, 30.43, 38.86), 0.0);
  // A recent buyer is more likely alive than one who stopped long ago.
  EXPECT_GT(model.ProbabilityAlive(2, 38, 38.86), model.ProbabilityAlive(2, 5, 38.86));
  // A new customer (x = 0, T = 0) is alive and expects the population's E[X(t)].
  EXPECT_NEAR(model.ProbabilityAlive(0, 0, 0), 1.0, 1e-12);
  EXPECT_NEAR(model.ConditionalExpectedPurchases(39, 0, 0, 0), model.ExpectedPurchases(39), 1e-9);
  // The s -> 1 limit is continuous.
  ASSERT_OK_AND_ASSIGN(ParetoNbdModel at_one, ParetoNbdModel::Create({0.5, 10, 1.0, 12}));
  ASSERT_OK_AND_ASSIGN(ParetoNbdModel near_one, ParetoNbdModel::Create({0.5, 10, 1.0 + 1e-7, 12}));
  EXPECT_NEAR(at_one.ExpectedPurchases(50), near_one.ExpectedPurchases(50), 1e-6);
}

TEST(ParetoNbdTest, RecoversSimulatedParameters) {
  const auto sim = Simulate(/*pareto=*/true, 0.6, 8.0, 0.7, 10.0, 8000, 30, 80, /*seed=*/424242);
  ASSERT_OK_AND_ASSIGN(ParetoNbdModel model, ParetoNbdModel::Fit(sim.view()));
  EXPECT_NEAR(model.params().r, 0.6, 0.08);
  EXPECT_NEAR(model.params().alpha, 8.0, 1.5);
  EXPECT_NEAR(model.params().s, 0.7, 0.25);
  EXPECT_NEAR(model.params().beta, 10.0, 5.0);
  ASSERT_OK_AND_ASSIGN(ParetoNbdModel truth, ParetoNbdModel::Create({0.6, 8.0, 0.7, 10.0}));
  ASSERT_OK_AND_ASSIGN(double ll_truth, truth.LogLikelihood(sim.view()));
  EXPECT_GE(model.report().log_likelihood, ll_truth);
}

TEST(ParetoNbdTest, FailureModes) {
  const std::vector<double> bad_x = {1}, bad_tx = {7}, bad_T = {5};
  EXPECT_THAT(ParetoNbdModel::Fit({bad_x, bad_tx, bad_T, {}}), StatusIs(absl::StatusCode::kInvalidArgument, "exceeds T"));
  const std::vector<double> zeros(10, 0.0), ages(10, 5.0);
  EXPECT_THAT(ParetoNbdModel::Fit({zeros, zeros, ages, {}}), StatusIs(absl::StatusCode::kInvalidArgument, "repeat"));
  const auto sim = Simulate(true, 0.6, 8.0, 0.7, 10.0, 300, 30, 80, 5);
  FitOptions options;
  options.max_iterations = 1;
  EXPECT_THAT(ParetoNbdModel::Fit(sim.view(), options), StatusIs(absl::StatusCode::kFailedPrecondition, "did not converge"));
  EXPECT_THAT(ParetoNbdModel::Create({1, 1, -1, 1}), StatusIs(absl::StatusCode::kInvalidArgument, "parameter s"));
}

TEST(ParetoNbdTest, SaveLoadRoundTrip) {
  ASSERT_OK_AND_ASSIGN(ParetoNbdModel model, ParetoNbdModel::Create({0.553, 10.578, 0.606, 11.669}));
  ASSERT_OK_AND_ASSIGN(ParetoNbdModel loaded, ParetoNbdModel::Load(model.Save()));
  EXPECT_EQ(loaded.params().beta, model.params().beta);
  EXPECT_EQ(loaded.report().status, FitStatus::kNotFitted);
  EXPECT_THAT(ParetoNbdModel::Load(model.Save().substr(0, 40)), StatusIs(absl::StatusCode::kInvalidArgument, "missing"));
}


// Horizon predictions against what simulated customers did next (clv_test_data.h).
TEST(ParetoNbdTest, HorizonPredictionsMatchWhatSimulatedCustomersDidNext) {
  const ParetoNbdModel model = *ParetoNbdModel::Create(ParetoNbdParams{0.55, 10.6, 0.61, 11.7});
  ::oneid::score::testing::ExpectHorizonPredictionsMatchSimulation(model, ::oneid::score::testing::Process::kPareto,
                                                                   0.55, 10.6, 0.61, 11.7);
}

TEST(ParetoNbdTest, ConditionalCountDistributionSumsToOneWithTheRightMean) {
  const ParetoNbdModel model = *ParetoNbdModel::Create({0.553, 10.58, 0.606, 11.67});
  for (const auto& [x, t_x, T] : {std::tuple{0.0, 0.0, 38.86}, std::tuple{2.0, 30.43, 38.86}, std::tuple{20.0, 5.0, 38.0}}) {
    double total = 0, mean = 0;
    for (int n = 0; n < 400; ++n) {
      const double p = model.ConditionalProbabilityOfPurchases(n, 39, x, t_x, T);
      total += p;
      mean += n * p;
    }
    EXPECT_NEAR(total, 1.0, 1e-9) << x;
    EXPECT_NEAR(mean, model.ConditionalExpectedPurchases(39, x, t_x, T), 1e-7) << x;
  }
}
}  // namespace
}  // namespace oneid::score
