#include "oneid/score/covariate_models.h"

#include <cmath>
#include <random>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "score/clv_test_data.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

using ::oneid::score::testing::Process;
using ::oneid::score::testing::SimulateForward;

// Customers with a continuous purchase covariate (z_p ~ N(0, 1)) and a binary dropout covariate
// (z_d in {0, 1}, e.g. an acquisition channel), simulated one by one with their own parameters.
struct Base {
  std::vector<double> x, t_x, T, z_purchase, z_dropout;
  PurchaseHistoryView view() const { return {x, t_x, T, {}}; }
  CovariateView purchase() const { return {z_purchase, 1}; }
  CovariateView dropout() const { return {z_dropout, 1}; }
};

Base SimulateBase(Process process, double r, double alpha, double a_or_s, double b_or_beta, double g_purchase,
                  double g_dropout, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::bernoulli_distribution coin(0.5);
  Base out;
  for (size_t i = 0; i < n; ++i) {
    const double zp = normal(rng), zd = coin(rng) ? 1.0 : 0.0;
    const double alpha_i = alpha * std::exp(-g_purchase * zp);
    double third = a_or_s, fourth = b_or_beta;
    if (process == Process::kPareto) {
      fourth *= std::exp(-g_dropout * zd);
    } else {
      third *= std::exp(g_dropout * zd);
    }
    const auto one = SimulateForward(process, r, alpha_i, third, fourth, 1, 20, 60, 0, seed * 1000003 + i);
    out.x.push_back(one.frequency[0]);
    out.t_x.push_back(one.recency[0]);
    out.T.push_back(one.age[0]);
    out.z_purchase.push_back(zp);
    out.z_dropout.push_back(zd);
  }
  return out;
}

TEST(CovariateModelsTest, BetaGeoRecoversKnownCoefficientsWithinTheirStandardErrors) {
  const Base base = SimulateBase(Process::kBetaGeo, 0.8, 6.0, 0.8, 2.5, 0.5, 0.7, 20000, 17);
  ASSERT_OK_AND_ASSIGN(BetaGeoCovariateModel model, BetaGeoCovariateModel::Fit(base.view(), base.purchase(), base.dropout()));
  ASSERT_EQ(model.purchase_coefficients().size(), 1u);
  ASSERT_EQ(model.dropout_coefficients().size(), 1u);
  ASSERT_EQ(model.standard_errors().size(), 6u);
  const std::vector<double> truth = {0.8, 6.0, 0.8, 2.5, 0.5, 0.7};
  const std::vector<double> estimate = {model.params().r, model.params().alpha, model.params().a, model.params().b,
                                        model.purchase_coefficients()[0], model.dropout_coefficients()[0]};
  for (size_t k = 0; k < truth.size(); ++k) {
    EXPECT_LT(std::abs(estimate[k] - truth[k]), 3.5 * model.standard_errors()[k])
        << k << ": " << estimate[k] << " vs " << truth[k] << " se " << model.standard_errors()[k];
    EXPECT_GT(model.standard_errors()[k], 0) << k;
  }
  // The coefficients are there to be found: both are many standard errors from 0.
  EXPECT_GT(model.purchase_coefficients()[0] / model.standard_errors()[4], 5);
  EXPECT_GT(model.dropout_coefficients()[0] / model.standard_errors()[5], 3);
  // A customer's model is the plain BG/NBD with her own alpha and a.
  const std::vector<double> zp = {1.0}, zd = {1.0};
  const BetaGeoModel one = model.ForCustomer(zp, zd);
  EXPECT_NEAR(one.params().alpha, model.params().alpha * std::exp(-model.purchase_coefficients()[0]), 1e-12);
  EXPECT_NEAR(one.params().a, model.params().a * std::exp(model.dropout_coefficients()[0]), 1e-12);
  ASSERT_OK_AND_ASSIGN(std::vector<double> expected, model.ConditionalExpectedPurchases(10, base.view(), base.purchase(), base.dropout()));
  EXPECT_EQ(expected.size(), base.x.size());
}

TEST(CovariateModelsTest, ParetoNbdRecoversKnownCoefficientsWithinTheirStandardErrors) {
  const Base base = SimulateBase(Process::kPareto, 0.8, 6.0, 0.8, 10.0, -0.4, 0.8, 10000, 23);
  ASSERT_OK_AND_ASSIGN(ParetoNbdCovariateModel model, ParetoNbdCovariateModel::Fit(base.view(), base.purchase(), base.dropout()));
  const std::vector<double> truth = {0.8, 6.0, 0.8, 10.0, -0.4, 0.8};
  const std::vector<double> estimate = {model.params().r, model.params().alpha, model.params().s, model.params().beta,
                                        model.purchase_coefficients()[0], model.dropout_coefficients()[0]};
  for (size_t k = 0; k < truth.size(); ++k) {
    EXPECT_LT(std::abs(estimate[k] - truth[k]), 3.5 * model.standard_errors()[k])
        << k << ": " << estimate[k] << " vs " << truth[k] << " se " << model.standard_errors()[k];
  }
  ASSERT_OK_AND_ASSIGN(std::vector<double> alive, model.ProbabilityAlive(base.view(), base.purchase(), base.dropout()));
  for (double p : alive) {
    EXPECT_GE(p, 0.0);
    EXPECT_LE(p, 1.0);
  }
}

TEST(CovariateModelsTest, WithoutCovariatesItIsThePlainModel) {
  const Base base = SimulateBase(Process::kBetaGeo, 0.8, 6.0, 0.8, 2.5, 0.0, 0.0, 3000, 5);
  ASSERT_OK_AND_ASSIGN(BetaGeoCovariateModel model, BetaGeoCovariateModel::Fit(base.view(), {}, {}));
  ASSERT_OK_AND_ASSIGN(BetaGeoModel plain, BetaGeoModel::Fit(base.view()));
  EXPECT_NEAR(model.params().r, plain.params().r, 1e-4 * plain.params().r);
  EXPECT_NEAR(model.params().b, plain.params().b, 1e-3 * plain.params().b);
  EXPECT_NEAR(model.report().log_likelihood, plain.report().log_likelihood, 1e-6);
}

TEST(CovariateModelsTest, Errors) {
  const Base base = SimulateBase(Process::kBetaGeo, 0.8, 6.0, 0.8, 2.5, 0.5, 0.7, 200, 9);
  const std::vector<double> short_z(10, 0.0);
  EXPECT_THAT(BetaGeoCovariateModel::Fit(base.view(), {short_z, 1}, {}), StatusIs(absl::StatusCode::kInvalidArgument, "200 customers"));
  std::vector<double> with_nan = base.z_purchase;
  with_nan[7] = std::nan("");
  EXPECT_THAT(BetaGeoCovariateModel::Fit(base.view(), {with_nan, 1}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, "row 7, column 0 is not finite"));
  ASSERT_OK_AND_ASSIGN(BetaGeoCovariateModel model, BetaGeoCovariateModel::Fit(base.view(), base.purchase(), {}));
  EXPECT_THAT(model.ProbabilityAlive(base.view(), base.purchase(), base.dropout()),
              StatusIs(absl::StatusCode::kInvalidArgument, "fitted with 0"));
}

TEST(CovariateModelsTest, GammaGammaRecoversTheSpendCoefficient) {
  // Spend per transaction ~ Gamma(p, nu_i), nu_i ~ Gamma(q, rate v_i), v_i = v exp(g z_i).
  const double p = 6.0, q = 4.0, v = 15.0, g = 0.6;
  std::mt19937_64 rng(31);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int> purchases(1, 8);
  std::vector<double> x, m, z;
  for (int i = 0; i < 6000; ++i) {
    const double zi = normal(rng);
    const double nu = std::gamma_distribution<double>(q, 1.0 / (v * std::exp(g * zi)))(rng);
    const int count = purchases(rng);
    double total = 0;
    for (int j = 0; j < count; ++j) total += std::gamma_distribution<double>(p, 1.0 / nu)(rng);
    x.push_back(count);
    m.push_back(total / count);
    z.push_back(zi);
  }
  ASSERT_OK_AND_ASSIGN(GammaGammaCovariateModel model, GammaGammaCovariateModel::Fit(x, m, {z, 1}));
  const std::vector<double> truth = {p, q, v, g};
  const std::vector<double> estimate = {model.params().p, model.params().q, model.params().v, model.spend_coefficients()[0]};
  for (size_t k = 0; k < truth.size(); ++k) {
    EXPECT_LT(std::abs(estimate[k] - truth[k]), 3.5 * model.standard_errors()[k])
        << k << ": " << estimate[k] << " vs " << truth[k] << " se " << model.standard_errors()[k];
  }
  EXPECT_GT(model.spend_coefficients()[0] / model.standard_errors()[3], 10);
  ASSERT_OK_AND_ASSIGN(std::vector<double> spend, model.ConditionalExpectedAverageProfit(x, m, {z, 1}));
  EXPECT_EQ(spend.size(), x.size());
}

}  // namespace
}  // namespace oneid::score
