// Generated purchase histories for churn tests: customers join over the first 300 days, buy as a
// Poisson process with a heterogeneous rate, and drop out for good after an exponential lifetime
// with a heterogeneous rate (the story of the Pareto/NBD model). Fixed seeds make every test
// reproducible.
#ifndef ONEID_TESTS_CPP_SCORE_CHURN_SIMULATION_H_
#define ONEID_TESTS_CPP_SCORE_CHURN_SIMULATION_H_

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "oneid/score/churn_label.h"
#include "oneid/score/classifier.h"

namespace oneid::score::testing {

struct Population {
  std::vector<std::vector<double>> purchase_days;  // per customer, ascending
};

inline Population SimulatePopulation(int customers, double end_day, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> purchase_rate(1.2, 1.0 / 25.0);  // mean one purchase / ~21 days
  std::gamma_distribution<double> dropout_rate(2.0, 1.0 / 1000.0);  // mean lifetime ~500 days
  std::uniform_real_distribution<double> join(0.0, 300.0);
  Population population;
  population.purchase_days.resize(static_cast<size_t>(customers));
  for (auto& days : population.purchase_days) {
    const double lambda = purchase_rate(rng);
    const double start = join(rng);
    const double death = start + std::exponential_distribution<double>(dropout_rate(rng))(rng);
    std::exponential_distribution<double> gap(lambda);
    days.push_back(std::floor(start));  // the first purchase is the day the customer appears
    for (double t = start + gap(rng); t < std::min(death, end_day); t += gap(rng)) days.push_back(std::floor(t));
  }
  return population;
}

// Features as of `cutoff` from purchases on or before it, and labels from (cutoff, cutoff + H],
// for the eligible customers only. Features: log1p(recency), log1p(frequency), log1p(tenure),
// purchases in the last 30 and 90 days, the purchase rate over the tenure, and log1p(recency x
// rate), the purchases a still-active customer would have made since the last one (the quantity
// that drives P(alive) in the Pareto/NBD story).
inline constexpr size_t kFeatures = 7;

struct LabelledFeatures {
  FeatureMatrix x;
  std::vector<double> y;
};

inline LabelledFeatures FeaturesAndLabels(const Population& population, double cutoff, double horizon) {
  std::vector<std::vector<double>> rows;
  std::vector<double> y;
  for (const auto& days : population.purchase_days) {
    auto label = ChurnLabelOf(days, {.cutoff = cutoff, .horizon_days = horizon});
    if (!label.ok() || !label->has_value()) continue;
    double first = days.front(), last = first, count = 0, last30 = 0, last90 = 0;
    for (double d : days) {
      if (d > cutoff) break;
      last = d;
      ++count;
      last30 += d > cutoff - 30 ? 1 : 0;
      last90 += d > cutoff - 90 ? 1 : 0;
    }
    const double tenure = cutoff - first;
    const double rate = count / (tenure + 30.0);
    rows.push_back({std::log1p(cutoff - last), std::log1p(count), std::log1p(tenure), last30, last90, rate,
                    std::log1p((cutoff - last) * rate)});
    y.push_back(**label ? 1.0 : 0.0);
  }
  LabelledFeatures out{FeatureMatrix(static_cast<Eigen::Index>(rows.size()), kFeatures), std::move(y)};
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t j = 0; j < kFeatures; ++j) out.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  }
  return out;
}

}  // namespace oneid::score::testing

#endif  // ONEID_TESTS_CPP_SCORE_CHURN_SIMULATION_H_
