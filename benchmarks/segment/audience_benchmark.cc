// Audience evaluation throughput (rows per second) over a generated profile table.
//
//   ./segment_audience_benchmark                                   # 1M and 10M rows
//   ./segment_audience_benchmark --benchmark_filter='/10000000'
//
// The table: monetary_score (1..5), p_alive (uniform, 5% NaN), channel_count (1..4) and a member
// tier text column; the text-set benchmark adds a channels set (1-3 of 7 channels) at 1M rows (a
// 10M-row set column of std::strings would take ~1 GB on the shared benchmark machine).
// benchmarks/python/bench_segment.py compares the same filter in NumPy and pandas.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "oneid/profile/feature_table.h"
#include "oneid/segment/audience.h"

namespace {

using oneid::profile::FeatureTable;
using oneid::segment::Audience;

FeatureTable MakeTable(size_t rows, bool with_set) {
  std::vector<oneid::profile::OneId> ids(rows);
  std::iota(ids.begin(), ids.end(), oneid::profile::OneId{1});
  FeatureTable t(std::move(ids));
  std::mt19937_64 rng(42);
  std::vector<double> score(rows), p(rows), count(rows);
  std::vector<std::string> tier(rows);
  static const char* kTiers[] = {"", "silver", "gold", "platinum"};
  for (size_t i = 0; i < rows; ++i) {
    score[i] = static_cast<double>(1 + rng() % 5);
    p[i] = rng() % 20 == 0 ? std::nan("") : static_cast<double>(rng() % 1000000) / 1e6;
    count[i] = static_cast<double>(1 + rng() % 4);
    tier[i] = kTiers[rng() % 4];
  }
  (void)t.SetNumeric("monetary_score", std::move(score));
  (void)t.SetNumeric("p_alive", std::move(p));
  (void)t.SetNumeric("channel_count", std::move(count));
  (void)t.SetText("member_tier", std::move(tier));
  if (with_set) {
    static const char* kChannels[] = {"pos", "tmall", "jd", "douyin", "miniprogram", "wecom", "app"};
    std::vector<std::vector<std::string>> sets(rows);
    for (auto& s : sets) {
      const size_t n = 1 + rng() % 3;
      for (size_t k = 0; k < n; ++k) s.emplace_back(kChannels[rng() % 7]);
    }
    (void)t.SetTextSet("channels", std::move(sets));
  }
  return t;
}

void Run(benchmark::State& state, const char* expression, bool with_set) {
  const auto rows = static_cast<size_t>(state.range(0));
  const FeatureTable table = MakeTable(rows, with_set);
  const Audience audience = Audience::Compile(expression).value();
  size_t members = 0;
  for (auto _ : state) {
    std::vector<uint8_t> mask = audience.Evaluate(table).value();
    members = static_cast<size_t>(std::count(mask.begin(), mask.end(), 1));
    benchmark::DoNotOptimize(mask.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
  state.counters["rows_per_second"] = benchmark::Counter(static_cast<double>(state.iterations() * rows), benchmark::Counter::kIsRate);
  state.counters["members"] = static_cast<double>(members);
}

void BM_AudienceNumeric(benchmark::State& state) {
  Run(state, "monetary_score >= 4 and p_alive < 0.3 and channel_count >= 2", false);
}
BENCHMARK(BM_AudienceNumeric)->Arg(1 << 20)->Arg(10000000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_AudienceWithText(benchmark::State& state) {
  Run(state, "(monetary_score >= 4 or member_tier in (\"gold\", \"platinum\")) and not p_alive >= 0.3", false);
}
BENCHMARK(BM_AudienceWithText)->Arg(10000000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_AudienceTextSet(benchmark::State& state) {
  Run(state, "\"douyin\" in channels and count(channels) >= 2 and p_alive < 0.3", true);
}
BENCHMARK(BM_AudienceTextSet)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
