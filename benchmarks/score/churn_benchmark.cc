// Churn models and evaluation: L2 logistic regression fits on n x 30 (up to 1M x 30, the size
// benchmarks/python/bench_churn.py compares with scikit-learn), prediction, AUC, and XGBoost trees.
//
//   ./score_churn_benchmark
//   ./score_churn_benchmark --benchmark_filter='BM_LogisticRegressionFit/1000000'
//
// Data: 30 standard-normal features, 10 of them informative, labels from a logistic model; the
// same generator the Python benchmark uses in spirit (not bit-identical).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "oneid/score/churn_evaluation.h"
#include "oneid/score/gradient_boosting.h"
#include "oneid/score/logistic_regression.h"

namespace {

using oneid::score::FeatureMatrix;

struct Data {
  FeatureMatrix x;
  std::vector<double> y;
};

const Data& Make(Eigen::Index n) {
  static Data data;
  if (data.x.rows() != n) {
    constexpr Eigen::Index kFeatures = 30;
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> uniform;
    data.x.resize(n, kFeatures);
    data.y.resize(static_cast<size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i) {
      double z = -0.5;
      for (Eigen::Index j = 0; j < kFeatures; ++j) {
        data.x(i, j) = normal(rng);
        if (j < 10) z += 0.3 * static_cast<double>(j % 3 - 1) * data.x(i, j) + 0.1 * data.x(i, j);
      }
      data.y[static_cast<size_t>(i)] = uniform(rng) < 1 / (1 + std::exp(-z)) ? 1 : 0;
    }
  }
  return data;
}

void BM_LogisticRegressionFit(benchmark::State& state) {
  const Data& d = Make(state.range(0));
  int iterations = 0;
  for (auto _ : state) {
    oneid::score::LogisticRegression model({.l2 = 1.0, .tolerance = 1e-6});
    auto report = model.Fit(d.x, d.y);
    if (!report.ok()) state.SkipWithError(std::string(report.status().message()).c_str());
    iterations = report->iterations;
  }
  state.counters["lbfgs_iterations"] = iterations;
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_LogisticRegressionFit)->Arg(1 << 16)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_LogisticRegressionPredict(benchmark::State& state) {
  const Data& d = Make(state.range(0));
  oneid::score::LogisticRegression model;
  if (!model.Fit(d.x, d.y).ok()) state.SkipWithError("fit failed");
  for (auto _ : state) benchmark::DoNotOptimize(model.PredictProba(d.x));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_LogisticRegressionPredict)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_EvaluateChurn(benchmark::State& state) {
  const Data& d = Make(state.range(0));
  std::vector<double> scores(d.y.size());
  for (size_t i = 0; i < scores.size(); ++i) scores[i] = 1 / (1 + std::exp(-d.x(static_cast<Eigen::Index>(i), 0)));
  for (auto _ : state) benchmark::DoNotOptimize(oneid::score::EvaluateChurn(d.y, scores));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_EvaluateChurn)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_GradientBoostingFit(benchmark::State& state) {
  const Data& d = Make(state.range(0));
  for (auto _ : state) {
    // One thread: a figure that does not depend on how loaded the machine's other cores are.
    oneid::score::GradientBoostingModel model({.num_rounds = 100, .max_depth = 4, .nthread = 1});
    auto report = model.Fit(d.x, d.y);
    if (!report.ok()) state.SkipWithError(std::string(report.status().message()).c_str());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GradientBoostingFit)->Arg(1 << 16)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
