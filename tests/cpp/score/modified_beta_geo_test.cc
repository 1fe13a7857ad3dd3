#include "oneid/score/modified_beta_geo.h"

#include <cmath>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oneid/score/beta_geo.h"
#include "oneid/score/detail/compressed_rows.h"
#include "oneid/score/detail/likelihoods.h"
#include "score/clv_test_data.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

using ::oneid::score::testing::ReadNumericCsv;
using ::oneid::score::testing::Simulate;

class ModifiedBetaGeoCdnowTest : public ::testing::Test {
 protected:
  void SetUp() override { data_ = ReadNumericCsv("cdnow_customers_summary.csv"); }
  PurchaseHistoryView view() const { return {data_.at("frequency"), data_.at("recency"), data_.at("T"), {}}; }
  std::map<std::string, std::vector<double>> data_;
};

// MBG/NBD (Batislam, Denizel & Filiztekin 2007) on the CDNOW sample. The paper fits a Turkish
// grocery panel, not CDNOW; the reference for CDNOW is lifetimes' ModifiedBetaGeoFitter, whose test
// suite pins r = 0.525, alpha = 6.183, a = 0.891, b = 1.614 (matching R's BTYDplus mbgnbd), and
// tests/python/test_clv.py compares oneid with lifetimes directly on the same data.
TEST_F(ModifiedBetaGeoCdnowTest, ReproducesReferenceEstimates) {
  ASSERT_OK_AND_ASSIGN(ModifiedBetaGeoModel model, ModifiedBetaGeoModel::Fit(view()));
  EXPECT_EQ(model.report().status, FitStatus::kConverged);
  EXPECT_NEAR(model.params().r, 0.525, 0.001);
  EXPECT_NEAR(model.params().alpha, 6.183, 0.005);
  EXPECT_NEAR(model.params().a, 0.891, 0.001);
  EXPECT_NEAR(model.params().b, 1.614, 0.002);
}

TEST_F(ModifiedBetaGeoCdnowTest, OneTimeBuyersAreNotCertainlyAlive) {
  ASSERT_OK_AND_ASSIGN(ModifiedBetaGeoModel model, ModifiedBetaGeoModel::Create({0.525, 6.183, 0.891, 1.614}));
  const double alive = model.ProbabilityAlive(0, 0, 38.86);
  EXPECT_LT(alive, 1.0);
  EXPECT_GT(alive, 0.0);
  EXPECT_EQ(model.ConditionalExpectedPurchases(0, 2, 30.43, 38.86), 0.0);
  EXPECT_GT(model.ConditionalExpectedPurchases(39, 2, 30.43, 38.86), 0.0);
  // E[X(t)] rises from 0.
  EXPECT_EQ(model.ExpectedPurchases(0), 0.0);
  EXPECT_GT(model.ExpectedPurchases(78), model.ExpectedPurchases(39));
}

TEST_F(ModifiedBetaGeoCdnowTest, AnalyticGradientMatchesFiniteDifferences) {
  const detail::CompressedRows rows =
      detail::CompressRows(data_.at("frequency"), data_.at("recency"), data_.at("T"), {});
  Eigen::VectorXd params(4);
  params << 0.4, 5.0, 0.9, 1.5;
  Eigen::VectorXd gradient;
  detail::ModifiedBetaGeoLogLikelihood(rows, params, &gradient);
  for (int k = 0; k < 4; ++k) {
    const double h = 1e-6 * params[k];
    Eigen::VectorXd up = params, down = params;
    up[k] += h;
    down[k] -= h;
    const double numeric = (detail::ModifiedBetaGeoLogLikelihood(rows, up, nullptr) -
                            detail::ModifiedBetaGeoLogLikelihood(rows, down, nullptr)) / (2 * h);
    EXPECT_NEAR(gradient[k], numeric, 1e-5 * std::max(1.0, std::abs(numeric))) << "parameter " << k;
  }
}

TEST(ModifiedBetaGeoTest, FitsBgNbdDataAtLeastAsWellAsItsLikelihoodAtTheTruth) {
  // Simulated from BG/NBD: MBG/NBD's estimate cannot score below MBG/NBD evaluated at any fixed
  // point, and its predictions stay close to the generating model's.
  const auto sim = Simulate(false, 0.5, 6.0, 0.8, 2.5, 10000, 20, 60, 77);
  ASSERT_OK_AND_ASSIGN(ModifiedBetaGeoModel model, ModifiedBetaGeoModel::Fit(sim.view()));
  ASSERT_OK_AND_ASSIGN(ModifiedBetaGeoModel at_truth, ModifiedBetaGeoModel::Create({0.5, 6.0, 0.8, 2.5}));
  ASSERT_OK_AND_ASSIGN(double ll_truth, at_truth.LogLikelihood(sim.view()));
  EXPECT_GE(model.report().log_likelihood, ll_truth);
  ASSERT_OK_AND_ASSIGN(BetaGeoModel generator, BetaGeoModel::Create({0.5, 6.0, 0.8, 2.5}));
  EXPECT_NEAR(model.ExpectedPurchases(40), generator.ExpectedPurchases(40), 0.1 * generator.ExpectedPurchases(40));
}

TEST(ModifiedBetaGeoTest, FailureModesAndRoundTrip) {
  const std::vector<double> x = {2}, t_x = {0}, T = {5};
  EXPECT_THAT(ModifiedBetaGeoModel::Fit({x, t_x, T, {}}), StatusIs(absl::StatusCode::kInvalidArgument, "recency 0"));
  const auto sim = Simulate(false, 0.5, 6.0, 0.8, 2.5, 300, 20, 60, 3);
  FitOptions options;
  options.max_iterations = 1;
  EXPECT_THAT(ModifiedBetaGeoModel::Fit(sim.view(), options), StatusIs(absl::StatusCode::kFailedPrecondition, "converge"));
  ASSERT_OK_AND_ASSIGN(ModifiedBetaGeoModel model, ModifiedBetaGeoModel::Fit(sim.view()));
  ASSERT_OK_AND_ASSIGN(ModifiedBetaGeoModel loaded, ModifiedBetaGeoModel::Load(model.Save()));
  EXPECT_EQ(loaded.params().alpha, model.params().alpha);
  // A BG/NBD text is not an MBG/NBD model.
  ASSERT_OK_AND_ASSIGN(BetaGeoModel bg, BetaGeoModel::Create({1, 1, 1, 1}));
  EXPECT_THAT(ModifiedBetaGeoModel::Load(bg.Save()), StatusIs(absl::StatusCode::kInvalidArgument, "bg_nbd"));
}


// Horizon predictions against what simulated customers did next (clv_test_data.h).
TEST(ModifiedBetaGeoTest, HorizonPredictionsMatchWhatSimulatedCustomersDidNext) {
  const ModifiedBetaGeoModel model = *ModifiedBetaGeoModel::Create(ModifiedBetaGeoParams{0.5, 6.0, 0.8, 2.5});
  ::oneid::score::testing::ExpectHorizonPredictionsMatchSimulation(model, ::oneid::score::testing::Process::kModifiedBetaGeo,
                                                                   0.5, 6.0, 0.8, 2.5);
}

TEST(ModifiedBetaGeoTest, CountDistributionSumsToOneAndMatchesTheTrackingCurve) {
  const ModifiedBetaGeoModel model = *ModifiedBetaGeoModel::Create({0.525, 6.183, 0.891, 1.614});
  for (double t : {1.0, 39.0, 78.0}) {
    double total = 0, mean = 0;
    for (int n = 0; n < 600; ++n) {
      const double p = model.ProbabilityOfPurchases(n, t);
      total += p;
      mean += n * p;
    }
    EXPECT_NEAR(total, 1.0, 1e-9) << t;
    EXPECT_NEAR(mean, model.ExpectedPurchases(t), 1e-6 * model.ExpectedPurchases(t)) << t;
    EXPECT_NEAR(model.ProbabilityNoPurchase(t, 0, 0, 0), model.ProbabilityOfPurchases(0, t), 1e-12);
  }
}
}  // namespace
}  // namespace oneid::score
