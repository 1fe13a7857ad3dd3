#include "oneid/score/gradient_boosting.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "churn_simulation.h"
#include "oneid/score/churn_evaluation.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

std::vector<double> ToVector(const Eigen::VectorXd& v) { return {v.data(), v.data() + v.size()}; }

TEST(GradientBoostingTest, TimeSplitOnSimulatedCustomers) {
  const testing::Population population = testing::SimulatePopulation(8000, 700, 7);
  testing::LabelledFeatures train = testing::FeaturesAndLabels(population, 400, 90);
  testing::LabelledFeatures test = testing::FeaturesAndLabels(population, 490, 90);
  GradientBoostingModel model({.num_rounds = 80, .learning_rate = 0.1, .max_depth = 3, .nthread = 2, .seed = 1});
  ASSERT_OK_AND_ASSIGN(ClassifierFitReport report, model.Fit(train.x, train.y));
  EXPECT_TRUE(report.converged());
  EXPECT_EQ(report.iterations, 80);
  EXPECT_GT(report.loss, 0.0);
  EXPECT_LT(report.loss, 0.5);
  EXPECT_EQ(model.num_features(), testing::kFeatures);
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXd p, model.PredictProba(test.x));
  ASSERT_OK_AND_ASSIGN(ChurnEvaluation e, EvaluateChurn(test.y, ToVector(p)));
  EXPECT_GT(e.auc, 0.85);
  EXPECT_LT(e.max_calibration_gap, 0.08);
}

TEST(GradientBoostingTest, MissingValuesAreAllowedAndSaveLoadRoundTrips) {
  const testing::Population population = testing::SimulatePopulation(2000, 600, 3);
  testing::LabelledFeatures data = testing::FeaturesAndLabels(population, 400, 90);
  for (Eigen::Index i = 0; i < data.x.rows(); i += 7) data.x(i, 2) = std::numeric_limits<double>::quiet_NaN();
  GradientBoostingModel model({.num_rounds = 20, .nthread = 1});
  ASSERT_OK(model.Fit(data.x, data.y));
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXd p, model.PredictProba(data.x));
  const std::string path = ::testing::TempDir() + "/oneid_gbt_roundtrip.json";
  ASSERT_OK(model.Save(path));
  {
    std::ifstream in(path);
    std::string head(16, '\0');
    in.read(head.data(), 16);
    EXPECT_EQ(head.front(), '{');  // XGBoost's JSON, for Python's xgboost to read
  }
  ASSERT_OK_AND_ASSIGN(GradientBoostingModel loaded, GradientBoostingModel::Load(path));
  EXPECT_EQ(loaded.num_rounds(), 20);
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXd q, loaded.PredictProba(data.x));
  EXPECT_EQ(p, q);
  std::remove(path.c_str());
}

TEST(GradientBoostingTest, ErrorsAreStatuses) {
  GradientBoostingModel model;
  FeatureMatrix x = FeatureMatrix::Random(10, 2);
  std::vector<double> y = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
  EXPECT_THAT(model.PredictProba(x), StatusIs(absl::StatusCode::kFailedPrecondition, "before Fit"));
  EXPECT_THAT(GradientBoostingModel({.max_depth = 0}).Fit(x, y), StatusIs(absl::StatusCode::kInvalidArgument, "max_depth"));
  x(4, 1) = std::numeric_limits<double>::infinity();
  EXPECT_THAT(model.Fit(x, y), StatusIs(absl::StatusCode::kInvalidArgument, "x[4, 1] is infinite"));
  x(4, 1) = 0;
  ASSERT_OK(GradientBoostingModel({.num_rounds = 2, .nthread = 1}).Fit(x, y));
  ASSERT_OK(model.Fit(x, y));
  EXPECT_THAT(model.PredictProba(FeatureMatrix::Zero(2, 3)),
              StatusIs(absl::StatusCode::kInvalidArgument, "x has 3 columns but the model was fitted on 2"));

  // XGBoost's own error text comes back through XGBGetLastError.
  const std::string bad = ::testing::TempDir() + "/oneid_gbt_bad.json";
  std::ofstream(bad, std::ios::trunc) << "{\"learner\": 42}";
  EXPECT_THAT(GradientBoostingModel::Load(bad), StatusIs(absl::StatusCode::kDataLoss, "XGBoosterLoadModelFromBuffer failed: "));
  EXPECT_THAT(GradientBoostingModel::Load(bad + ".missing"), StatusIs(absl::StatusCode::kNotFound, "cannot open"));
  std::remove(bad.c_str());
}

}  // namespace
}  // namespace oneid::score
