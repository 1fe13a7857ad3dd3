#include "oneid/score/beta_geo.h"

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <tuple>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oneid/score/detail/compressed_rows.h"
#include "oneid/score/detail/likelihoods.h"
#include "oneid/score/detail/optimizer.h"
#include "score/clv_test_data.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

using ::oneid::score::testing::ReadNumericCsv;
using ::oneid::score::testing::Simulate;

class BetaGeoCdnowTest : public ::testing::Test {
 protected:
  void SetUp() override { data_ = ReadNumericCsv("cdnow_customers_summary.csv"); }
  PurchaseHistoryView view() const { return {data_.at("frequency"), data_.at("recency"), data_.at("T"), {}}; }
  std::map<std::string, std::vector<double>> data_;
};

// Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", Marketing Science 24(2),
// section 4 (CDNOW 1/10th sample, 39-week calibration): r = 0.243, alpha = 4.414, a = 0.793,
// b = 2.426, LL = -9582.4. The same figures are lifetimes' reference (its test suite checks them).
TEST_F(BetaGeoCdnowTest, ReproducesPublishedEstimates) {
  ASSERT_OK_AND_ASSIGN(BetaGeoModel model, BetaGeoModel::Fit(view()));
  EXPECT_EQ(model.report().status, FitStatus::kConverged);
  EXPECT_NEAR(model.params().r, 0.243, 0.0005);
  EXPECT_NEAR(model.params().alpha, 4.414, 0.0005);
  EXPECT_NEAR(model.params().a, 0.793, 0.0005);
  EXPECT_NEAR(model.params().b, 2.426, 0.0005);
  EXPECT_NEAR(model.report().log_likelihood, -9582.4, 0.05);
  EXPECT_EQ(model.report().total_weight, 2357);
  EXPECT_LT(model.report().distinct_rows, 2357);  // identical rows were merged
}

// Hardie's BG/NBD Excel implementation of FHL 2005 (the figure lifetimes' test suite checks as
// "returns_same_value_as_Hardie_excel_sheet"): at the published estimates, a customer with x = 2,
// t_x = 30.43, T = 38.86 weeks is expected to make 1.226 purchases in the next 39 weeks.
TEST_F(BetaGeoCdnowTest, ReproducesPublishedPredictions) {
  ASSERT_OK_AND_ASSIGN(BetaGeoModel model, BetaGeoModel::Create({0.243, 4.414, 0.793, 2.426}));
  EXPECT_NEAR(model.ConditionalExpectedPurchases(39, 2, 30.43, 38.86), 1.226, 0.001);
  EXPECT_EQ(model.ProbabilityAlive(0, 0, 38.86), 1.0);
  const double alive = model.ProbabilityAlive(2, 30.43, 38.86);
  EXPECT_GT(alive, 0.0);
  EXPECT_LT(alive, 1.0);
}

TEST_F(BetaGeoCdnowTest, ProbabilitiesOfPurchasesSumToOneAndMatchTheMean) {
  ASSERT_OK_AND_ASSIGN(BetaGeoModel model, BetaGeoModel::Create({0.243, 4.414, 0.793, 2.426}));
  double total = 0, mean = 0;
  for (int n = 0; n < 400; ++n) {
    const double p = model.ProbabilityOfPurchases(n, 39);
    EXPECT_GE(p, 0.0);
    total += p;
    mean += n * p;
  }
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_NEAR(mean, model.ExpectedPurchases(39), 1e-6);
  EXPECT_EQ(model.ProbabilityOfPurchases(0, 0), 1.0);
}

TEST_F(BetaGeoCdnowTest, ExpectedPurchasesGrowsFromZero) {
  ASSERT_OK_AND_ASSIGN(BetaGeoModel model, BetaGeoModel::Create({0.243, 4.414, 0.793, 2.426}));
  EXPECT_EQ(model.ExpectedPurchases(0), 0.0);
  double previous = 0;
  for (double t : {1.0, 10.0, 39.0, 78.0}) {
    const double e = model.ExpectedPurchases(t);
    EXPECT_GT(e, previous);
    previous = e;
  }
  // A new customer's conditional expectation equals the unconditional one.
  EXPECT_NEAR(model.ConditionalExpectedPurchases(39, 0, 0, 0), model.ExpectedPurchases(39), 1e-9);
}

TEST_F(BetaGeoCdnowTest, AnalyticGradientMatchesFiniteDifferences) {
  const detail::CompressedRows rows =
      detail::CompressRows(data_.at("frequency"), data_.at("recency"), data_.at("T"), {});
  Eigen::VectorXd params(4);
  params << 0.3, 5.0, 0.7, 2.0;
  Eigen::VectorXd gradient;
  detail::BetaGeoLogLikelihood(rows, params, &gradient);
  for (int k = 0; k < 4; ++k) {
    const double h = 1e-6 * params[k];
    Eigen::VectorXd up = params, down = params;
    up[k] += h;
    down[k] -= h;
    const double numeric =
        (detail::BetaGeoLogLikelihood(rows, up, nullptr) - detail::BetaGeoLogLikelihood(rows, down, nullptr)) / (2 * h);
    EXPECT_NEAR(gradient[k], numeric, 1e-5 * std::max(1.0, std::abs(numeric))) << "parameter " << k;
  }
}

// From kRowsWorthAThread distinct rows the likelihood sums two halves (on two threads when there
// are two cores): the value and gradient are still the sums of the rows' own.
TEST(BetaGeoTest, LikelihoodOfManyRowsIsTheSumOfTheRows) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const size_t n = detail::kRowsWorthAThread * 2 + 17;
  std::vector<double> x(n), t_x(n), T(n);
  for (size_t i = 0; i < n; ++i) {
    T[i] = 1 + 300 * unit(rng);  // continuous ages: no two rows alike
    x[i] = std::floor(6 * unit(rng));
    t_x[i] = x[i] > 0 ? T[i] * unit(rng) : 0.0;
  }
  const detail::CompressedRows rows = detail::CompressRows(x, t_x, T, {});
  ASSERT_EQ(rows.size(), n);
  Eigen::VectorXd params(4);
  params << 0.3, 5.0, 0.7, 2.0;
  Eigen::VectorXd gradient;
  const double total = detail::BetaGeoLogLikelihood(rows, params, &gradient);
  double expected = 0;
  double expected_gradient[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < n; ++i) {
    double d[4];
    expected += detail::BetaGeoRowLogLikelihood(0.3, 5.0, 0.7, 2.0, x[i], t_x[i], T[i], d);
    for (int k = 0; k < 4; ++k) expected_gradient[k] += d[k];
  }
  EXPECT_NEAR(total, expected, 1e-9 * std::abs(expected));
  for (int k = 0; k < 4; ++k) {
    EXPECT_NEAR(gradient[k], expected_gradient[k], 1e-8 * std::max(1.0, std::abs(expected_gradient[k]))) << k;
  }
}

TEST(BetaGeoTest, WeightsEqualRepeatedRows) {
  const std::vector<double> x = {0, 1, 3}, t_x = {0, 5, 20}, T = {30, 30, 40}, w = {3, 1, 2};
  const std::vector<double> x2 = {0, 0, 0, 1, 3, 3}, t2 = {0, 0, 0, 5, 20, 20}, T2 = {30, 30, 30, 30, 40, 40};
  ASSERT_OK_AND_ASSIGN(BetaGeoModel model, BetaGeoModel::Create({0.5, 6, 0.8, 2.5}));
  ASSERT_OK_AND_ASSIGN(double weighted, model.LogLikelihood({x, t_x, T, w}));
  ASSERT_OK_AND_ASSIGN(double repeated, model.LogLikelihood({x2, t2, T2, {}}));
  EXPECT_NEAR(weighted, repeated, 1e-9);
}

TEST(BetaGeoTest, RecoversSimulatedParameters) {
  // Small enough for the sanitizer build, large enough to pin the parameters down.
  const auto sim = Simulate(/*pareto=*/false, 0.5, 6.0, 0.8, 2.5, 20000, 20, 60, /*seed=*/20250401);
  ASSERT_OK_AND_ASSIGN(BetaGeoModel model, BetaGeoModel::Fit(sim.view()));
  EXPECT_NEAR(model.params().r, 0.5, 0.05);
  EXPECT_NEAR(model.params().alpha, 6.0, 0.8);
  EXPECT_NEAR(model.params().a, 0.8, 0.15);
  EXPECT_NEAR(model.params().b, 2.5, 0.6);
  // The true parameters cannot beat the estimate on the data it was fitted to.
  ASSERT_OK_AND_ASSIGN(BetaGeoModel truth, BetaGeoModel::Create({0.5, 6.0, 0.8, 2.5}));
  ASSERT_OK_AND_ASSIGN(double ll_truth, truth.LogLikelihood(sim.view()));
  EXPECT_GE(model.report().log_likelihood, ll_truth);
}

TEST(BetaGeoTest, RejectsInvalidHistories) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto fit = [](std::vector<double> x, std::vector<double> t_x, std::vector<double> T, std::vector<double> w = {}) {
    return BetaGeoModel::Fit({x, t_x, T, w}).status();
  };
  EXPECT_THAT(fit({}, {}, {}), StatusIs(absl::StatusCode::kInvalidArgument, "empty"));
  EXPECT_THAT(fit({1, 2}, {1}, {5, 5}), StatusIs(absl::StatusCode::kInvalidArgument, "recency has 1 rows"));
  EXPECT_THAT(fit({1}, {1}, {5, 5}), StatusIs(absl::StatusCode::kInvalidArgument, "T has 2 rows"));
  EXPECT_THAT(fit({-1}, {0}, {5}), StatusIs(absl::StatusCode::kInvalidArgument, ">= 0"));
  EXPECT_THAT(fit({nan}, {0}, {5}), StatusIs(absl::StatusCode::kInvalidArgument, "NaN"));
  EXPECT_THAT(fit({1}, {6}, {5}), StatusIs(absl::StatusCode::kInvalidArgument, "exceeds T"));
  EXPECT_THAT(fit({1}, {0}, {5}), StatusIs(absl::StatusCode::kInvalidArgument, "recency 0"));
  EXPECT_THAT(fit({0}, {2}, {5}), StatusIs(absl::StatusCode::kInvalidArgument, "frequency 0 with recency"));
  EXPECT_THAT(fit({1.5}, {2}, {5}), StatusIs(absl::StatusCode::kInvalidArgument, "whole number"));
  EXPECT_THAT(fit({1}, {2}, {5}, {0}), StatusIs(absl::StatusCode::kInvalidArgument, "weight"));
  EXPECT_THAT(fit({1}, {2}, {5}, {1, 1}), StatusIs(absl::StatusCode::kInvalidArgument, "weights has 2 rows"));
}

TEST(BetaGeoTest, NoConvergenceIsAnError) {
  // Nobody ever buys again: the likelihood keeps rising as the purchase rate goes to zero, so
  // there is no finite maximum, and the flat slope must not pass for convergence.
  const std::vector<double> x(50, 0.0), t_x(50, 0.0), T(50, 10.0);
  EXPECT_THAT(BetaGeoModel::Fit({x, t_x, T, {}}), StatusIs(absl::StatusCode::kInvalidArgument, "no customer has a repeat"));
  // An iteration budget that is too small is a convergence failure.
  const auto sim = Simulate(false, 0.5, 6.0, 0.8, 2.5, 500, 20, 60, 7);
  FitOptions options;
  options.max_iterations = 2;
  EXPECT_THAT(BetaGeoModel::Fit(sim.view(), options), StatusIs(absl::StatusCode::kFailedPrecondition, "did not converge"));
  options.max_iterations = 0;
  EXPECT_THAT(BetaGeoModel::Fit(sim.view(), options), StatusIs(absl::StatusCode::kInvalidArgument, "max_iterations"));
}

TEST(BetaGeoTest, CreateRejectsBadParameters) {
  EXPECT_THAT(BetaGeoModel::Create({0, 1, 1, 1}), StatusIs(absl::StatusCode::kInvalidArgument, "parameter r"));
  EXPECT_THAT(BetaGeoModel::Create({1, std::numeric_limits<double>::infinity(), 1, 1}),
              StatusIs(absl::StatusCode::kInvalidArgument, "parameter alpha"));
}

TEST(BetaGeoTest, SaveLoadRoundTrip) {
  const auto sim = Simulate(false, 0.5, 6.0, 0.8, 2.5, 2000, 20, 60, 11);
  ASSERT_OK_AND_ASSIGN(BetaGeoModel model, BetaGeoModel::Fit(sim.view()));
  ASSERT_OK_AND_ASSIGN(BetaGeoModel loaded, BetaGeoModel::Load(model.Save()));
  EXPECT_EQ(loaded.params().r, model.params().r);
  EXPECT_EQ(loaded.params().alpha, model.params().alpha);
  EXPECT_EQ(loaded.params().a, model.params().a);
  EXPECT_EQ(loaded.params().b, model.params().b);
  EXPECT_EQ(loaded.report().log_likelihood, model.report().log_likelihood);
  EXPECT_EQ(loaded.report().status, FitStatus::kConverged);
  EXPECT_EQ(loaded.report().covariance, model.report().covariance);  // intervals work after Load
  EXPECT_EQ(loaded.report().standard_errors, model.report().standard_errors);
  EXPECT_EQ(loaded.ConditionalExpectedPurchases(10, 2, 5, 30), model.ConditionalExpectedPurchases(10, 2, 5, 30));

  EXPECT_THAT(BetaGeoModel::Load(""), StatusIs(absl::StatusCode::kInvalidArgument, "empty"));
  EXPECT_THAT(BetaGeoModel::Load("oneid-clv 1 pareto_nbd\n"), StatusIs(absl::StatusCode::kInvalidArgument, "pareto_nbd"));
  // Version 1 (before the covariance line) is still read.
  EXPECT_OK(BetaGeoModel::Load("oneid-clv 1 bg_nbd\nr 1\nalpha 1\na 1\nb 1\nfit not_fitted 0 0 0 0 0\n").status());
  EXPECT_THAT(BetaGeoModel::Load("oneid-clv 2 bg_nbd\nr 1\nalpha 1\na 1\nb 1\nfit not_fitted 0 0 0 0 0\ncovariance 1 2 3\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "covariance"));
  EXPECT_THAT(BetaGeoModel::Load("oneid-clv 9 bg_nbd\n"), StatusIs(absl::StatusCode::kInvalidArgument, "newer"));
  std::string text = model.Save();
  text.replace(text.find("\nr "), 3, "\nq ");
  EXPECT_THAT(BetaGeoModel::Load(text), StatusIs(absl::StatusCode::kInvalidArgument, "unknown parameter"));
  EXPECT_THAT(BetaGeoModel::Load("oneid-clv 1 bg_nbd\nr 1\nalpha 1\na 1\nb -1\nfit not_fitted 0 0 0 0 0\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "parameter b"));
}


// Horizon predictions against what simulated customers did next (clv_test_data.h).
TEST(BetaGeoTest, HorizonPredictionsMatchWhatSimulatedCustomersDidNext) {
  const BetaGeoModel model = *BetaGeoModel::Create(BetaGeoParams{0.5, 6.0, 0.8, 2.5});
  ::oneid::score::testing::ExpectHorizonPredictionsMatchSimulation(model, ::oneid::score::testing::Process::kBetaGeo,
                                                                   0.5, 6.0, 0.8, 2.5);
}

TEST(BetaGeoTest, NoPurchaseOfANewCustomerIsTheCountDistributionAtZero) {
  const BetaGeoModel model = *BetaGeoModel::Create({0.243, 4.414, 0.793, 2.426});
  for (double h : {1.0, 7.0, 39.0}) EXPECT_NEAR(model.ProbabilityNoPurchase(h, 0, 0, 0), model.ProbabilityOfPurchases(0, h), 1e-12);
}

// lifetimes fits after dividing time by max(T) and penalises there: the penalised estimate of
// alpha scales with the time unit, and the forecast does not change.
TEST(BetaGeoTest, PenaltyDoesNotDependOnTheTimeUnit) {
  const auto sim = Simulate(false, 0.5, 6.0, 0.8, 2.5, 3000, 20, 60, 21);
  std::vector<double> recency_days, age_days;
  for (double v : sim.recency) recency_days.push_back(7 * v);
  for (double v : sim.age) age_days.push_back(7 * v);
  FitOptions options;
  options.l2_penalty = 0.1;
  ASSERT_OK_AND_ASSIGN(BetaGeoModel weeks, BetaGeoModel::Fit(sim.view(), options));
  ASSERT_OK_AND_ASSIGN(BetaGeoModel days, BetaGeoModel::Fit({sim.frequency, recency_days, age_days, {}}, options));
  EXPECT_NEAR(days.params().alpha / weeks.params().alpha, 7.0, 7e-4);
  EXPECT_NEAR(days.params().r, weeks.params().r, 1e-4);
  EXPECT_NEAR(days.ConditionalExpectedPurchases(70, 3, 140, 280), weeks.ConditionalExpectedPurchases(10, 3, 20, 40), 1e-4);
}

TEST(BetaGeoTest, StandardErrorsShrinkWithTheSampleAndCoverTheTruth) {
  const auto small = Simulate(false, 0.5, 6.0, 0.8, 2.5, 2000, 20, 60, 5);
  const auto large = Simulate(false, 0.5, 6.0, 0.8, 2.5, 32000, 20, 60, 6);
  ASSERT_OK_AND_ASSIGN(BetaGeoModel a, BetaGeoModel::Fit(small.view()));
  ASSERT_OK_AND_ASSIGN(BetaGeoModel b, BetaGeoModel::Fit(large.view()));
  ASSERT_EQ(a.report().standard_errors.size(), 4u);
  ASSERT_EQ(a.report().covariance.size(), 16u);
  // 16x the customers: a quarter of the standard error.
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(b.report().standard_errors[i] / a.report().standard_errors[i], 0.25, 0.08) << i;
  const double truth[] = {0.5, 6.0, 0.8, 2.5};
  const double estimate[] = {b.params().r, b.params().alpha, b.params().a, b.params().b};
  for (size_t i = 0; i < 4; ++i) EXPECT_LT(std::abs(estimate[i] - truth[i]), 3.5 * b.report().standard_errors[i]) << i;
  EXPECT_EQ(a.report().starts, 1);
  EXPECT_FALSE(a.report().used_fallback);
}

TEST(BetaGeoTest, InconsistentRowsAreAllCountedAndListed) {
  const std::vector<double> x = {2, 0, 1, 0, 0}, t_x = {5, 3, 4, 0, 7}, T = {10, 10, 10, 10, 10};
  const absl::Status status = BetaGeoModel::Fit({x, t_x, T, {}}).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, "row 1 (frequency 0, recency 3, T 10)"));
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("2 rows like this: 1, 4"));
}

// The hard cases of lifetimes' convergence issues: each either fits, with finite estimates, or
// fails with a diagnostic that says what failed, where the search ended and what to try.
TEST(BetaGeoTest, HardCasesFitOrExplainWhy) {
  struct HardCase {
    const char* name;
    std::vector<double> x, t_x, T;
  };
  std::vector<HardCase> cases = {
      {"tiny base", {1, 0, 2}, {3, 0, 5}, {10, 8, 12}},
      {"one repeat buyer among one-time buyers", {1, 0, 0, 0, 0, 0, 0, 0}, {2, 0, 0, 0, 0, 0, 0, 0}, {9, 9, 9, 9, 9, 9, 9, 9}},
      {"extreme T", {3, 1, 0, 2}, {1e-3, 5e5, 0, 9e5}, {1e6, 1e6, 1e-3, 1e6}},
  };
  for (const HardCase& c : cases) {
    absl::StatusOr<BetaGeoModel> fitted = BetaGeoModel::Fit({c.x, c.t_x, c.T, {}});
    if (fitted.ok()) {
      EXPECT_TRUE(std::isfinite(fitted->params().r) && std::isfinite(fitted->params().b)) << c.name;
      continue;
    }
    const std::string message(fitted.status().message());
    EXPECT_EQ(fitted.status().code(), absl::StatusCode::kFailedPrecondition) << c.name << ": " << message;
    EXPECT_THAT(message, ::testing::HasSubstr("did not converge")) << c.name;
    EXPECT_THAT(message, ::testing::HasSubstr("Best point: r=")) << c.name;
    EXPECT_THAT(message, ::testing::HasSubstr("Try:")) << c.name;
  }
  // All one-time buyers: refused up front, saying why.
  const std::vector<double> zeros(20, 0.0), ages(20, 30.0);
  EXPECT_THAT(BetaGeoModel::Fit({zeros, zeros, ages, {}}), StatusIs(absl::StatusCode::kInvalidArgument, "no customer has a repeat"));
  // Three customers do not identify four parameters (r runs to infinity); a penalty does.
  const absl::Status tiny = BetaGeoModel::Fit({cases[0].x, cases[0].t_x, cases[0].T, {}}).status();
  EXPECT_THAT(std::string(tiny.message()), ::testing::HasSubstr("ran towards infinity"));
  FitOptions penalised;
  penalised.l2_penalty = 0.01;
  EXPECT_OK(BetaGeoModel::Fit({cases[0].x, cases[0].t_x, cases[0].T, {}}, penalised).status());
}
// The fallback optimiser on its own: damped Newton from the default start reaches the estimate
// L-BFGS finds, on CDNOW.
TEST_F(BetaGeoCdnowTest, NewtonFallbackReachesTheSameEstimate) {
  const detail::CompressedRows rows = detail::CompressRows(data_.at("frequency"), data_.at("recency"), data_.at("T"), {});
  auto ll = [&rows](const Eigen::VectorXd& p, Eigen::VectorXd* g) { return detail::BetaGeoLogLikelihood(rows, p, g); };
  Eigen::VectorXd log_params(4);
  log_params << 0.0, std::log(3.9), 0.0, 0.0;
  const FitReport newton = detail::NewtonMaximize(ll, log_params, rows.total_weight, FitOptions{});
  EXPECT_EQ(newton.status, FitStatus::kConverged);
  ASSERT_OK_AND_ASSIGN(BetaGeoModel lbfgs, BetaGeoModel::Fit(view()));
  EXPECT_NEAR(std::exp(log_params[0]), lbfgs.params().r, 1e-4);
  EXPECT_NEAR(std::exp(log_params[1]), lbfgs.params().alpha, 1e-3);
  EXPECT_NEAR(std::exp(log_params[2]), lbfgs.params().a, 1e-3);
  EXPECT_NEAR(std::exp(log_params[3]), lbfgs.params().b, 1e-2);
  EXPECT_NEAR(newton.log_likelihood, lbfgs.report().log_likelihood, 1e-6);
}

// Whole-number statistics take the packed radix path of CompressRows, fractional ones the hash
// path: both must give rows sorted by (x, t_x, T) with weights summed per distinct row.
TEST(BetaGeoTest, CompressedRowsAgreeWithAPlainMapOnBothPaths) {
  std::mt19937_64 rng(8);
  std::uniform_int_distribution<int> small(0, 6), day(0, 40);
  std::uniform_real_distribution<double> weight(0.5, 2.0);
  for (const double scale : {1.0, 0.5}) {  // 1: whole numbers (packed path); 0.5: halves (hash path)
    std::vector<double> x, t_x, T, w;
    for (int i = 0; i < 5000; ++i) {
      x.push_back(small(rng));
      t_x.push_back(scale * day(rng));
      T.push_back(scale * (40 + small(rng)));
      w.push_back(weight(rng));
    }
    std::map<std::tuple<double, double, double>, double> expected;
    for (size_t i = 0; i < x.size(); ++i) expected[{x[i], t_x[i], T[i]}] += w[i];
    const detail::CompressedRows rows = detail::CompressRows(x, t_x, T, w);
    ASSERT_EQ(rows.size(), expected.size()) << scale;
    size_t k = 0;
    for (const auto& [key, total] : expected) {
      EXPECT_EQ(rows.a[k], std::get<0>(key));
      EXPECT_EQ(rows.b[k], std::get<1>(key));
      EXPECT_EQ(rows.c[k], std::get<2>(key));
      EXPECT_DOUBLE_EQ(rows.weight[k], total);
      EXPECT_EQ(rows.distinct_a[rows.group[k]], rows.a[k]);
      ++k;
    }
  }
}

}  // namespace
}  // namespace oneid::score
