#include "oneid/score/gamma_gamma.h"

#include <algorithm>
#include <cmath>
#include <random>
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

// The returning CDNOW customers: frequency x > 0 and their mean repeat-purchase value zbar.
struct Returning {
  std::vector<double> x, zbar;
};

Returning ReturningCdnow() {
  auto data = ReadNumericCsv("cdnow_customers_summary_with_transactions.csv");
  EXPECT_EQ(data["x"].size(), data["zbar"].size());
  Returning out;
  for (size_t i = 0; i < std::min(data["x"].size(), data["zbar"].size()); ++i) {
    if (data["x"][i] > 0) {
      out.x.push_back(data["x"][i]);
      out.zbar.push_back(data["zbar"][i]);
    }
  }
  return out;
}

// Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis",
// JMR 42(4), section "Spend model" (946 returning CDNOW customers): p = 6.25, q = 3.74,
// gamma = 15.44; the population mean E(Z) = p gamma / (q - 1) = $35.22. (lifetimes' test suite and
// BTYD's documentation quote the same estimates.)
TEST(GammaGammaTest, ReproducesPublishedEstimates) {
  const Returning cdnow = ReturningCdnow();
  ASSERT_EQ(cdnow.x.size(), 946u);
  ASSERT_OK_AND_ASSIGN(GammaGammaModel model, GammaGammaModel::Fit(cdnow.x, cdnow.zbar));
  EXPECT_EQ(model.report().status, FitStatus::kConverged);
  EXPECT_NEAR(model.params().p, 6.25, 0.01);
  EXPECT_NEAR(model.params().q, 3.74, 0.01);
  EXPECT_NEAR(model.params().v, 15.44, 0.01);
  // x = 0: the population mean.
  EXPECT_NEAR(model.ConditionalExpectedAverageProfit(0, 0), 35.22, 0.05);
}

TEST(GammaGammaTest, ConditionalSpendShrinksTowardsThePopulationMean) {
  ASSERT_OK_AND_ASSIGN(GammaGammaModel model, GammaGammaModel::Create({6.25, 3.74, 15.44}));
  const double population = 6.25 * 15.44 / 2.74;
  const double one = model.ConditionalExpectedAverageProfit(1, 100);
  const double ten = model.ConditionalExpectedAverageProfit(10, 100);
  EXPECT_GT(one, population);
  EXPECT_LT(one, ten);  // more purchases, more trust in the customer's own mean
  EXPECT_LT(ten, 100);
  // FHL 2005's weights: (q-1)/(px+q-1) on the population mean.
  EXPECT_NEAR(one, (2.74 / (6.25 + 2.74)) * population + (6.25 / (6.25 + 2.74)) * 100, 1e-9);
  ASSERT_OK_AND_ASSIGN(std::vector<double> batch, model.ConditionalExpectedAverageProfit(std::vector<double>{1, 10},
                                                                                        std::vector<double>{100, 100}));
  EXPECT_EQ(batch[0], one);
  EXPECT_THAT(model.ConditionalExpectedAverageProfit(std::vector<double>{-1}, std::vector<double>{1}),
              StatusIs(absl::StatusCode::kInvalidArgument, "row 0"));
}

TEST(GammaGammaTest, AnalyticGradientMatchesFiniteDifferences) {
  const Returning cdnow = ReturningCdnow();
  const std::vector<double> unused(cdnow.x.size(), 0.0);
  const detail::CompressedRows rows = detail::CompressRows(cdnow.x, cdnow.zbar, unused, {});
  Eigen::VectorXd params(3);
  params << 5.0, 3.0, 20.0;
  Eigen::VectorXd gradient;
  detail::GammaGammaLogLikelihood(rows, params, &gradient);
  for (int k = 0; k < 3; ++k) {
    const double h = 1e-6 * params[k];
    Eigen::VectorXd up = params, down = params;
    up[k] += h;
    down[k] -= h;
    const double numeric =
        (detail::GammaGammaLogLikelihood(rows, up, nullptr) - detail::GammaGammaLogLikelihood(rows, down, nullptr)) / (2 * h);
    EXPECT_NEAR(gradient[k], numeric, 1e-5 * std::max(1.0, std::abs(numeric))) << "parameter " << k;
  }
}

TEST(GammaGammaTest, RecoversSimulatedParameters) {
  // Each transaction ~ Gamma(p, nu), nu ~ Gamma(q, v): zbar of x transactions ~ Gamma(p x, x nu).
  const double p = 4.0, q = 3.0, v = 20.0;
  std::mt19937_64 rng(9001);
  std::gamma_distribution<double> nu_dist(q, 1.0 / v);
  std::uniform_int_distribution<int> count(1, 8);
  std::vector<double> x, zbar;
  for (int i = 0; i < 30000; ++i) {
    const double nu = nu_dist(rng);
    const int n = count(rng);
    x.push_back(n);
    zbar.push_back(std::gamma_distribution<double>(p * n, 1.0 / (n * nu))(rng));
  }
  ASSERT_OK_AND_ASSIGN(GammaGammaModel model, GammaGammaModel::Fit(x, zbar));
  EXPECT_NEAR(model.params().p, p, 0.3);
  EXPECT_NEAR(model.params().q, q, 0.4);
  EXPECT_NEAR(model.params().v, v, 4.0);
}

TEST(GammaGammaTest, FailureModes) {
  EXPECT_THAT(GammaGammaModel::Fit({}, {}), StatusIs(absl::StatusCode::kInvalidArgument, "empty"));
  EXPECT_THAT(GammaGammaModel::Fit(std::vector<double>{1, 2}, std::vector<double>{3}),
              StatusIs(absl::StatusCode::kInvalidArgument, "monetary_value has 1 rows"));
  EXPECT_THAT(GammaGammaModel::Fit(std::vector<double>{0}, std::vector<double>{3}),
              StatusIs(absl::StatusCode::kInvalidArgument, "returning customers only"));
  EXPECT_THAT(GammaGammaModel::Fit(std::vector<double>{1}, std::vector<double>{0}),
              StatusIs(absl::StatusCode::kInvalidArgument, "monetary_value must be > 0"));
  EXPECT_THAT(GammaGammaModel::Fit(std::vector<double>{1}, std::vector<double>{NAN}),
              StatusIs(absl::StatusCode::kInvalidArgument, "finite"));
  const Returning cdnow = ReturningCdnow();
  FitOptions options;
  options.max_iterations = 1;
  EXPECT_THAT(GammaGammaModel::Fit(cdnow.x, cdnow.zbar, {}, options),
              StatusIs(absl::StatusCode::kFailedPrecondition, "did not converge"));
}

TEST(GammaGammaTest, SaveLoadRoundTrip) {
  const Returning cdnow = ReturningCdnow();
  ASSERT_OK_AND_ASSIGN(GammaGammaModel model, GammaGammaModel::Fit(cdnow.x, cdnow.zbar));
  ASSERT_OK_AND_ASSIGN(GammaGammaModel loaded, GammaGammaModel::Load(model.Save()));
  EXPECT_EQ(loaded.params().p, model.params().p);
  EXPECT_EQ(loaded.params().q, model.params().q);
  EXPECT_EQ(loaded.params().v, model.params().v);
  EXPECT_EQ(loaded.report().iterations, model.report().iterations);
  EXPECT_THAT(GammaGammaModel::Load(model.Save() + "p 1\n"), StatusIs(absl::StatusCode::kInvalidArgument, "twice"));
}


TEST(GammaGammaTest, QConstraintKeepsTheMeanSpendFinite) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> spend(3.0, 2.0);
  std::uniform_int_distribution<int> purchases(1, 5);
  std::vector<double> x, m;
  for (int i = 0; i < 400; ++i) {
    x.push_back(purchases(rng));
    m.push_back(spend(rng));
  }
  ASSERT_OK_AND_ASSIGN(GammaGammaModel free, GammaGammaModel::Fit(x, m));
  ASSERT_OK_AND_ASSIGN(GammaGammaModel bounded, GammaGammaModel::Fit(x, m, {}, {}, /*q_constraint=*/true));
  EXPECT_LT(free.params().q, 1.0);
  EXPECT_GE(bounded.params().q, 1.0);
  EXPECT_LE(bounded.report().log_likelihood, free.report().log_likelihood + 1e-9);
  EXPECT_EQ(bounded.report().standard_errors.size(), 3u);
}

TEST(GammaGammaTest, WarnsWhenSpendFollowsFrequency) {
  std::vector<double> x, m, independent;
  std::mt19937_64 rng(5);
  std::gamma_distribution<double> noise(2.0, 5.0);
  for (int i = 0; i < 300; ++i) {
    x.push_back(1 + i % 9);
    m.push_back(10 * x.back() + noise(rng));
    independent.push_back(1 + noise(rng));
  }
  EXPECT_GT(FrequencySpendCorrelation(x, m), 0.9);
  ASSERT_OK_AND_ASSIGN(GammaGammaModel dependent, GammaGammaModel::Fit(x, m));
  // (Spend that rises with frequency also leaves q and v on a ridge: a second warning says so.)
  EXPECT_THAT(dependent.report().warnings, ::testing::Contains(::testing::HasSubstr("correlate at 0.9")));
  ASSERT_OK_AND_ASSIGN(GammaGammaModel fine, GammaGammaModel::Fit(x, independent));
  EXPECT_TRUE(fine.report().warnings.empty());
}
}  // namespace
}  // namespace oneid::score
