// RFM scoring on 1M and 10M customers (the Python comparison against pandas.qcut is
// benchmarks/python/bench_churn.py).
//
//   ./score_rfm_benchmark
//   ./score_rfm_benchmark --benchmark_filter='BM_ComputeRfm/10000000'
//
// Data: recency uniform in 0..729 days (integers, so heavy ties), frequency geometric with mean
// 2.5 (mostly 1s and 2s: the tie-heavy field), monetary log-normal (continuous).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "oneid/score/rfm.h"

namespace {

struct Fields {
  std::vector<double> recency, frequency, monetary;
};

const Fields& Data(size_t n) {
  static Fields fields;
  if (fields.recency.size() != n) {
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<int> days(0, 729);
    std::geometric_distribution<int> repeat(0.4);
    std::lognormal_distribution<double> spend(4.0, 1.0);
    fields.recency.resize(n);
    fields.frequency.resize(n);
    fields.monetary.resize(n);
    for (size_t i = 0; i < n; ++i) {
      fields.recency[i] = days(rng);
      fields.frequency[i] = 1 + repeat(rng);
      fields.monetary[i] = spend(rng);
    }
  }
  return fields;
}

void BM_ComputeRfm(benchmark::State& state) {
  const Fields& f = Data(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto result = oneid::score::ComputeRfm(f.recency, f.frequency, f.monetary);
    if (!result.ok()) state.SkipWithError(std::string(result.status().message()).c_str());
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ComputeRfm)->Arg(1 << 16)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

void BM_QuantileEdges(benchmark::State& state) {
  const Fields& f = Data(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(oneid::score::QuantileEdges(f.monetary, 5));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_QuantileEdges)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
