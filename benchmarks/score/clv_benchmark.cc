// Benchmarks of the customer-base model fits: BG/NBD and Pareto/NBD on the CDNOW sample (2,357
// customers, from ONEID_TEST_DATA_DIR) and on 1M simulated customers, plus the Gamma-Gamma fit.
//
//   ./score_clv_benchmark
//   ./score_clv_benchmark --benchmark_filter='BM_BetaGeoFitSimulated'
//
// Simulated data: purchase histories drawn from the model itself with CDNOW-like parameters in
// days (r = 0.243, alpha = 30.9, a = 0.793, b = 2.426; Pareto/NBD r = 0.553, alpha = 74, s = 0.606,
// beta = 81.7) and ages uniform over 1..365 days. `daily` rounds recency and age to whole days, as a
// transaction log summarised in days is (many customers then share a row, and the fit merges them);
// `continuous` keeps exact times, the worst case where no two rows are alike.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "oneid/score/beta_geo.h"
#include "oneid/score/gamma_gamma.h"
#include "oneid/score/pareto_nbd.h"

namespace {

using oneid::score::BetaGeoModel;
using oneid::score::GammaGammaModel;
using oneid::score::ParetoNbdModel;
using oneid::score::PurchaseHistoryView;

struct Histories {
  std::vector<double> x, t_x, T, zbar;
  PurchaseHistoryView view() const { return {x, t_x, T, {}}; }
};

Histories ReadCdnow() {
  Histories h;
  std::ifstream in(std::string(ONEID_TEST_DATA_DIR) + "/cdnow_customers_summary_with_transactions.csv");
  std::string line;
  std::getline(in, line);  // ID,x,t_x,T,zbar
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string cell;
    std::vector<double> v;
    while (std::getline(row, cell, ',')) v.push_back(std::stod(cell));
    if (v.size() != 5) continue;
    h.x.push_back(v[1]);
    h.t_x.push_back(v[2]);
    h.T.push_back(v[3]);
    h.zbar.push_back(v[4]);
  }
  return h;
}

Histories Simulate(bool pareto, size_t n, bool daily, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const double r = pareto ? 0.553 : 0.243, alpha = pareto ? 74.0 : 30.9;
  std::gamma_distribution<double> lambda_dist(r, 1.0 / alpha);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::uniform_int_distribution<int> age_days(1, 365);
  Histories h;
  h.x.reserve(n);
  h.t_x.reserve(n);
  h.T.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const double T = daily ? age_days(rng) : 1.0 + 364.0 * uniform(rng);
    const double lambda = std::max(lambda_dist(rng), 1e-300);
    double x = 0, t_x = 0, t = 0;
    double end = T;
    double p_drop = 0;
    if (pareto) {
      const double mu = std::max(std::gamma_distribution<double>(0.606, 1.0 / 81.7)(rng), 1e-300);
      end = std::min(T, std::exponential_distribution<double>(mu)(rng));
    } else {
      const double g1 = std::gamma_distribution<double>(0.793, 1.0)(rng), g2 = std::gamma_distribution<double>(2.426, 1.0)(rng);
      p_drop = g1 / (g1 + g2);
    }
    while (true) {
      t += std::exponential_distribution<double>(lambda)(rng);
      if (t > end) break;
      x += 1;
      t_x = t;
      if (!pareto && uniform(rng) < p_drop) break;
    }
    if (daily && x > 0) t_x = std::min(T, std::max(1.0, std::ceil(t_x)));
    h.x.push_back(x);
    h.t_x.push_back(t_x);
    h.T.push_back(T);
  }
  return h;
}

template <typename Model>
void RunFit(benchmark::State& state, const Histories& data) {
  double ll = 0;
  long long distinct = 0;
  for (auto _ : state) {
    auto model = Model::Fit(data.view());
    if (!model.ok()) {
      state.SkipWithError(std::string(model.status().message()).c_str());
      return;
    }
    ll = model->report().log_likelihood;
    distinct = model->report().distinct_rows;
    benchmark::DoNotOptimize(model->params());
  }
  state.counters["customers"] = static_cast<double>(data.x.size());
  state.counters["distinct_rows"] = static_cast<double>(distinct);
  state.counters["log_likelihood"] = ll;
}

void BM_BetaGeoFitCdnow(benchmark::State& state) {
  static const Histories data = ReadCdnow();
  RunFit<BetaGeoModel>(state, data);
}
BENCHMARK(BM_BetaGeoFitCdnow)->Unit(benchmark::kMillisecond);

void BM_ParetoNbdFitCdnow(benchmark::State& state) {
  static const Histories data = ReadCdnow();
  RunFit<ParetoNbdModel>(state, data);
}
BENCHMARK(BM_ParetoNbdFitCdnow)->Unit(benchmark::kMillisecond);

void BM_GammaGammaFitCdnow(benchmark::State& state) {
  static const Histories data = [] {
    Histories all = ReadCdnow(), returning;
    for (size_t i = 0; i < all.x.size(); ++i) {
      if (all.x[i] > 0) {
        returning.x.push_back(all.x[i]);
        returning.zbar.push_back(all.zbar[i]);
      }
    }
    return returning;
  }();
  for (auto _ : state) {
    auto model = GammaGammaModel::Fit(data.x, data.zbar);
    if (!model.ok()) {
      state.SkipWithError(std::string(model.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(model->params());
  }
}
BENCHMARK(BM_GammaGammaFitCdnow)->Unit(benchmark::kMillisecond);

// Arg 0: customers; arg 1: 1 = daily resolution, 0 = continuous times.
void BM_BetaGeoFitSimulated(benchmark::State& state) {
  const Histories data = Simulate(false, static_cast<size_t>(state.range(0)), state.range(1) == 1, 1);
  RunFit<BetaGeoModel>(state, data);
}
BENCHMARK(BM_BetaGeoFitSimulated)->Args({1000000, 1})->Args({1000000, 0})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ParetoNbdFitSimulated(benchmark::State& state) {
  const Histories data = Simulate(true, static_cast<size_t>(state.range(0)), state.range(1) == 1, 2);
  RunFit<ParetoNbdModel>(state, data);
}
BENCHMARK(BM_ParetoNbdFitSimulated)->Args({1000000, 1})->Args({1000000, 0})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
