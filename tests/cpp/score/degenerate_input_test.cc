// Degenerate input to every model and segment function: no customers, one customer, all frequency
// zero, T = 0, NaN, huge values. Each returns a clear error, or a documented value; never NaN in
// silence.
#include <cmath>
#include <limits>
#include <vector>

#include "gtest/gtest.h"
#include "oneid/score/beta_geo.h"
#include "oneid/score/beta_geo_beta_binom.h"
#include "oneid/score/churn_evaluation.h"
#include "oneid/score/gamma_gamma.h"
#include "oneid/score/logistic_regression.h"
#include "oneid/score/modified_beta_geo.h"
#include "oneid/score/pareto_nbd.h"
#include "oneid/score/rfm.h"
#include "oneid/segment/kmeans.h"
#include "oneid/segment/value_tier.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kHuge = 1e300;

struct Case {
  const char* name;
  std::vector<double> x, t_x, T;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"no customers", {}, {}, {}},
      {"one customer", {2}, {10}, {20}},
      {"all frequency zero", {0, 0, 0}, {0, 0, 0}, {10, 20, 30}},
      {"T = 0", {0, 0}, {0, 0}, {0, 0}},
      {"NaN", {1, kNaN}, {5, 5}, {10, 10}},
      {"huge", {1, kHuge}, {5, kHuge}, {10, kHuge}},
      {"recency after T", {1}, {30}, {10}},
  };
  return cases;
}

// A fit either fails with a message or gives finite parameters and a finite log-likelihood.
template <typename Model>
void CheckFit(const char* model) {
  for (const Case& c : Cases()) {
    absl::StatusOr<Model> fitted = Model::Fit({.frequency = c.x, .recency = c.t_x, .age = c.T, .weights = absl::Span<const double>()});
    if (!fitted.ok()) {
      EXPECT_FALSE(fitted.status().message().empty()) << model << " / " << c.name;
      continue;
    }
    EXPECT_TRUE(std::isfinite(fitted->report().log_likelihood)) << model << " / " << c.name;
  }
}

TEST(DegenerateInputTest, TransactionModelsFailClearlyOrFitFinitely) {
  CheckFit<BetaGeoModel>("BG/NBD");
  CheckFit<ModifiedBetaGeoModel>("MBG/NBD");
  CheckFit<ParetoNbdModel>("Pareto/NBD");
}

TEST(DegenerateInputTest, InvalidHistoriesAreRejectedNotScored) {
  // NaN, recency after T and negative values are errors, named by row and field.
  for (const Case& c : Cases()) {
    if (std::string(c.name) != "NaN" && std::string(c.name) != "recency after T") continue;
    EXPECT_FALSE(ValidatePurchaseHistory({.frequency = c.x, .recency = c.t_x, .age = c.T, .weights = absl::Span<const double>()}).ok()) << c.name;
  }
}

TEST(DegenerateInputTest, GammaGammaAndBgBb) {
  const std::vector<double> empty;
  EXPECT_FALSE(GammaGammaModel::Fit(empty, empty).ok());
  EXPECT_FALSE(GammaGammaModel::Fit(std::vector<double>{0, 0}, std::vector<double>{10, 20}).ok());
  EXPECT_FALSE(GammaGammaModel::Fit(std::vector<double>{1, 2}, std::vector<double>{kNaN, 20}).ok());
  const absl::StatusOr<GammaGammaModel> one = GammaGammaModel::Fit(std::vector<double>{2}, std::vector<double>{35});
  if (one.ok()) {
    EXPECT_TRUE(std::isfinite(one->report().log_likelihood));
  }
  EXPECT_FALSE(BetaGeoBetaBinomModel::Fit({.frequency = empty, .recency = empty, .n_periods = empty, .weights = absl::Span<const double>()}).ok());
  EXPECT_FALSE(BetaGeoBetaBinomModel::Fit({.frequency = std::vector<double>{3}, .recency = std::vector<double>{2},
                                           .n_periods = std::vector<double>{2},
                                           .weights = absl::Span<const double>()})
                   .ok());  // more transactions than opportunities
}

TEST(DegenerateInputTest, PredictionsOfAFittedModelStayFiniteAtTheEdges) {
  const BetaGeoModel model = *BetaGeoModel::Create({.r = 0.243, .alpha = 4.414, .a = 0.793, .b = 2.426});
  for (double T : {0.0, 1e-9, 1.0, 1e6}) {
    EXPECT_TRUE(std::isfinite(model.ProbabilityAlive(0, 0, T))) << T;
    EXPECT_TRUE(std::isfinite(model.ConditionalExpectedPurchases(10, 0, 0, T))) << T;
  }
  EXPECT_TRUE(std::isfinite(model.ConditionalExpectedPurchases(10, 50, 99, 100)));
  EXPECT_TRUE(std::isfinite(model.ExpectedPurchases(0)));
}

TEST(DegenerateInputTest, RfmLogisticEvaluationAndSegments) {
  const std::vector<double> empty;
  // RFM over nobody is an empty result, documented; NaN is an error naming the row.
  const absl::StatusOr<RfmResult> none = ComputeRfm(empty, empty, empty);
  if (none.ok()) {
    EXPECT_EQ(none->size(), 0u);
  }
  EXPECT_FALSE(ComputeRfm(std::vector<double>{kNaN}, std::vector<double>{1}, std::vector<double>{1}).ok());
  const absl::StatusOr<RfmResult> one = ComputeRfm(std::vector<double>{3}, std::vector<double>{1}, std::vector<double>{9});
  ASSERT_OK(one);
  EXPECT_GE(one->r[0], 1);

  LogisticRegression lr;
  EXPECT_FALSE(lr.Fit(FeatureMatrix(0, 3), empty).ok());
  FeatureMatrix x(2, 1);
  x << 1, kNaN;
  EXPECT_FALSE(lr.Fit(x, std::vector<double>{0, 1}).ok());
  FeatureMatrix same(3, 1);
  same << 1, 2, 3;
  EXPECT_FALSE(lr.Fit(same, std::vector<double>{1, 1, 2}).ok()) << "labels must be 0 or 1";

  EXPECT_FALSE(RocAuc(empty, empty).ok());
  EXPECT_FALSE(RocAuc(std::vector<double>{1, 1}, std::vector<double>{0.2, 0.3}).ok()) << "AUC needs both classes";
  EXPECT_FALSE(BrierScore(std::vector<double>{1}, std::vector<double>{kNaN}).ok());

  segment::KMeansOptions three_clusters;
  three_clusters.n_clusters = 3;
  segment::KMeans kmeans(three_clusters);
  EXPECT_FALSE(kmeans.Fit(Eigen::MatrixXd(0, 2)).ok());
  EXPECT_FALSE(kmeans.Fit(Eigen::MatrixXd::Ones(2, 2)).ok()) << "fewer rows than clusters";
  Eigen::MatrixXd with_nan = Eigen::MatrixXd::Ones(5, 2);
  with_nan(3, 1) = kNaN;
  EXPECT_FALSE(kmeans.Fit(with_nan).ok());

  const absl::StatusOr<segment::ValueTiers> tiers = segment::ComputeValueTiers(std::vector<double>{kNaN, 5, kHuge});
  ASSERT_OK(tiers);
  EXPECT_TRUE(std::isnan(tiers->decile[0])) << "NaN value: NaN decile, documented";
  EXPECT_EQ(tiers->tier[0], "");
}

}  // namespace
}  // namespace oneid::score
