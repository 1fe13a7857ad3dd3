// k-means: one Lloyd fit on n x 20 blobs (k = 8, one k-means++ start), single-threaded and on all
// cores. benchmarks/python/bench_segment.py runs the 1M x 20 comparison with scikit-learn.
//
//   ./segment_kmeans_benchmark
#include <benchmark/benchmark.h>

#include <random>

#include "Eigen/Core"
#include "oneid/segment/kmeans.h"

namespace {

Eigen::MatrixXd Blobs(Eigen::Index n, Eigen::Index d, int k) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> g(0, 1);
  Eigen::MatrixXd centres(k, d);
  for (Eigen::Index i = 0; i < centres.size(); ++i) centres.data()[i] = 4 * g(rng);
  Eigen::MatrixXd x(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index c = static_cast<Eigen::Index>(rng() % static_cast<uint64_t>(k));
    for (Eigen::Index j = 0; j < d; ++j) x(i, j) = centres(c, j) + g(rng);
  }
  return x;
}

void BM_KMeansFit(benchmark::State& state) {
  const Eigen::MatrixXd x = Blobs(state.range(0), 20, 8);
  oneid::segment::KMeansOptions o;
  o.n_clusters = 8;
  o.n_init = 1;
  o.seed = 3;
  o.standardize = false;
  o.threads = static_cast<int>(state.range(1));
  double inertia = 0;
  int iterations = 0;
  for (auto _ : state) {
    oneid::segment::KMeans km(o);
    const oneid::segment::KMeansReport r = km.Fit(x).value();
    inertia = r.inertia;
    iterations = r.iterations;
  }
  state.counters["inertia"] = inertia;
  state.counters["iterations"] = iterations;
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * x.rows()));
}
BENCHMARK(BM_KMeansFit)->Args({100000, 1})->Args({100000, 0})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
