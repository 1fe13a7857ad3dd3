#include "oneid/score/logistic_regression.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

struct Data {
  FeatureMatrix x;
  std::vector<double> y;
};

// Features on very different scales (so standardisation matters) and labels drawn from a known
// logistic model on the raw features.
Data Simulate(int n, const std::vector<double>& raw_beta, double intercept, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  const auto d = static_cast<Eigen::Index>(raw_beta.size());
  Data data{FeatureMatrix(n, d), std::vector<double>(static_cast<size_t>(n))};
  for (int i = 0; i < n; ++i) {
    double z = intercept;
    for (Eigen::Index j = 0; j < d; ++j) {
      const double scale = std::pow(10.0, static_cast<double>(j % 3) - 1.0);  // 0.1, 1, 10
      data.x(i, j) = 3.0 + scale * normal(rng);
      z += raw_beta[static_cast<size_t>(j)] * data.x(i, j);
    }
    const double p = 1.0 / (1.0 + std::exp(-z));
    data.y[static_cast<size_t>(i)] = std::uniform_real_distribution<double>(0, 1)(rng) < p ? 1.0 : 0.0;
  }
  return data;
}

// The gradient of the documented objective, computed directly on an explicitly standardised copy.
Eigen::VectorXd ObjectiveGradient(const LogisticRegression& model, const FeatureMatrix& x,
                                  const std::vector<double>& y, const std::vector<double>& w) {
  const Eigen::Index d = x.cols();
  Eigen::VectorXd g = Eigen::VectorXd::Zero(d + 1);
  double total = 0;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    Eigen::VectorXd z = (x.row(i).transpose() - model.means()).cwiseQuotient(model.scales());
    const double p = 1.0 / (1.0 + std::exp(-(model.intercept() + z.dot(model.coefficients()))));
    const double wi = w.empty() ? 1.0 : w[static_cast<size_t>(i)];
    g.head(d) += wi * (p - y[static_cast<size_t>(i)]) * z;
    g[d] += wi * (p - y[static_cast<size_t>(i)]);
    total += wi;
  }
  g.head(d) += model.options().l2 * model.coefficients();
  return g / total;
}

TEST(LogisticRegressionTest, FitReachesTheStationaryPointOfTheDocumentedObjective) {
  Data data = Simulate(3000, {0.8, -0.3, 0.02, 0.0}, -2.0, 7);
  LogisticRegression model({.l2 = 5.0, .tolerance = 1e-9});
  ASSERT_OK_AND_ASSIGN(ClassifierFitReport report, model.Fit(data.x, data.y));
  EXPECT_TRUE(report.converged()) << ClassifierFitStatusName(report.status);
  EXPECT_GT(report.iterations, 0);
  EXPECT_LT(report.gradient_norm, 1e-9);
  EXPECT_LT(ObjectiveGradient(model, data.x, data.y, {}).norm(), 1e-8);
  EXPECT_GT(report.loss, 0.0);
  EXPECT_LT(report.loss, std::log(2.0));
}

TEST(LogisticRegressionTest, RecoversKnownCoefficientsWithoutPenalty) {
  const std::vector<double> raw_beta = {1.5, -0.4, 0.05};
  Data data = Simulate(40000, raw_beta, -1.0, 11);
  LogisticRegression model({.l2 = 0.0, .tolerance = 1e-8});
  ASSERT_OK_AND_ASSIGN(ClassifierFitReport report, model.Fit(data.x, data.y));
  ASSERT_TRUE(report.converged());
  // Standardised coefficients are raw ones times the feature's standard deviation.
  for (size_t j = 0; j < raw_beta.size(); ++j) {
    const double raw = model.coefficients()[static_cast<Eigen::Index>(j)] / model.scales()[static_cast<Eigen::Index>(j)];
    EXPECT_NEAR(raw, raw_beta[j], 0.1 * std::fabs(raw_beta[j]) + 0.02) << "feature " << j;
  }
}

TEST(LogisticRegressionTest, IntegerWeightsEqualRepeatedRows) {
  Data data = Simulate(500, {0.5, -1.0}, 0.2, 3);
  std::vector<double> weights(data.y.size());
  std::vector<Eigen::Index> repeated_rows;
  for (size_t i = 0; i < weights.size(); ++i) {
    weights[i] = static_cast<double>(1 + i % 3);
    for (int k = 0; k < static_cast<int>(weights[i]); ++k) repeated_rows.push_back(static_cast<Eigen::Index>(i));
  }
  FeatureMatrix repeated(static_cast<Eigen::Index>(repeated_rows.size()), data.x.cols());
  std::vector<double> repeated_y;
  for (size_t k = 0; k < repeated_rows.size(); ++k) {
    repeated.row(static_cast<Eigen::Index>(k)) = data.x.row(repeated_rows[k]);
    repeated_y.push_back(data.y[static_cast<size_t>(repeated_rows[k])]);
  }
  // The standardisation is unweighted, so give both fits the same one: no penalty (where the
  // scale does not matter for predictions) and compare probabilities.
  LogisticRegression weighted({.l2 = 0.0, .tolerance = 1e-10});
  LogisticRegression expanded({.l2 = 0.0, .tolerance = 1e-10});
  ASSERT_OK(weighted.Fit(data.x, data.y, weights));
  ASSERT_OK(expanded.Fit(repeated, repeated_y));
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXd p1, weighted.PredictProba(data.x));
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXd p2, expanded.PredictProba(data.x));
  EXPECT_LT((p1 - p2).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_LT(ObjectiveGradient(weighted, data.x, data.y, weights).norm(), 1e-8);
}

TEST(LogisticRegressionTest, IterationLimitIsReportedNotAnError) {
  Data data = Simulate(2000, {0.8, -0.3, 0.02}, -2.0, 5);
  LogisticRegression model({.l2 = 1e-3, .max_iterations = 1, .tolerance = 1e-12});
  ASSERT_OK_AND_ASSIGN(ClassifierFitReport report, model.Fit(data.x, data.y));
  EXPECT_EQ(report.status, ClassifierFitStatus::kNoConvergence);
  EXPECT_TRUE(model.fitted());
  EXPECT_GT(report.gradient_norm, 1e-12);
}

TEST(LogisticRegressionTest, ConstantFeatureGetsZeroCoefficient) {
  Data data = Simulate(1000, {0.8, 0.0}, 0.0, 9);
  data.x.col(1).setConstant(4.0);
  LogisticRegression model({.l2 = 1.0, .tolerance = 1e-9});
  ASSERT_OK_AND_ASSIGN(ClassifierFitReport report, model.Fit(data.x, data.y));
  EXPECT_TRUE(report.converged());
  EXPECT_EQ(model.scales()[1], 1.0);
  EXPECT_NEAR(model.coefficients()[1], 0.0, 1e-12);
}

TEST(LogisticRegressionTest, SaveLoadRoundTripGivesIdenticalPredictions) {
  Data data = Simulate(800, {0.8, -0.3, 0.02}, -1.0, 13);
  LogisticRegression model({.l2 = 2.0});
  ASSERT_OK(model.Fit(data.x, data.y));
  const std::string path = ::testing::TempDir() + "/oneid_lr_roundtrip.model";
  ASSERT_OK(model.Save(path));
  ASSERT_OK_AND_ASSIGN(LogisticRegression loaded, LogisticRegression::Load(path));
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXd p1, model.PredictProba(data.x));
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXd p2, loaded.PredictProba(data.x));
  EXPECT_EQ(p1, p2);  // every double round-trips exactly
  EXPECT_EQ(loaded.options().l2, 2.0);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  // Damaged files are refused with the right code.
  std::string text;
  {
    std::ifstream in(path);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string bad = ::testing::TempDir() + "/oneid_lr_bad.model";
  auto write = [&bad](const std::string& content) { std::ofstream(bad, std::ios::trunc) << content; };
  write(text.substr(0, text.size() / 2));
  EXPECT_THAT(LogisticRegression::Load(bad), StatusIs(absl::StatusCode::kDataLoss, ""));
  write("something else entirely\n");
  EXPECT_THAT(LogisticRegression::Load(bad), StatusIs(absl::StatusCode::kInvalidArgument, "not a oneid"));
  std::string newer = text;
  newer.replace(newer.find("version 1"), 9, "version 99");
  write(newer);
  EXPECT_THAT(LogisticRegression::Load(bad), StatusIs(absl::StatusCode::kInvalidArgument, "format version 99"));
  std::string corrupt = text;
  corrupt.replace(corrupt.find("intercept "), 10, "intercept x");
  write(corrupt);
  EXPECT_THAT(LogisticRegression::Load(bad), StatusIs(absl::StatusCode::kDataLoss, "not a finite number"));
  EXPECT_THAT(LogisticRegression::Load(bad + ".missing"), StatusIs(absl::StatusCode::kNotFound, "cannot open"));
  std::remove(bad.c_str());
  std::remove(path.c_str());
}

TEST(LogisticRegressionTest, BadInputNamesRowColumnAndReason) {
  Data data = Simulate(20, {1.0, 1.0}, 0.0, 1);
  data.y[0] = 0;
  data.y[1] = 1;
  LogisticRegression model;
  EXPECT_THAT(model.PredictProba(data.x), StatusIs(absl::StatusCode::kFailedPrecondition, "before Fit"));
  FeatureMatrix x = data.x;
  x(7, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(model.Fit(x, data.y), StatusIs(absl::StatusCode::kInvalidArgument, "x[7, 1] is NaN"));
  std::vector<double> y = data.y;
  y[4] = 2;
  EXPECT_THAT(model.Fit(data.x, y), StatusIs(absl::StatusCode::kInvalidArgument, "y[4] is 2"));
  EXPECT_THAT(model.Fit(data.x, std::vector<double>(20, 1.0)),
              StatusIs(absl::StatusCode::kInvalidArgument, "single class"));
  EXPECT_THAT(model.Fit(data.x, std::vector<double>(19, 1.0)),
              StatusIs(absl::StatusCode::kInvalidArgument, "x has 20 rows but y has 19"));
  std::vector<double> w(20, 1.0);
  w[3] = -1;
  EXPECT_THAT(model.Fit(data.x, data.y, w), StatusIs(absl::StatusCode::kInvalidArgument, "weights[3] is -1"));
  EXPECT_THAT(LogisticRegression({.l2 = -1}).Fit(data.x, data.y), StatusIs(absl::StatusCode::kInvalidArgument, "l2"));
  ASSERT_OK(model.Fit(data.x, data.y));
  EXPECT_THAT(model.PredictProba(FeatureMatrix::Zero(3, 5)),
              StatusIs(absl::StatusCode::kInvalidArgument, "x has 5 columns but the model was fitted on 2"));
}

}  // namespace
}  // namespace oneid::score
