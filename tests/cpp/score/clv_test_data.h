// Test helpers for the customer-base model tests: the CDNOW/donations files kept in tests/data
// (ONEID_TEST_DATA_DIR; provenance and licence in tests/data/README.md) and a simulator of BG/NBD and
// Pareto/NBD customers with known parameters.
#ifndef ONEID_TESTS_CPP_SCORE_CLV_TEST_DATA_H_
#define ONEID_TESTS_CPP_SCORE_CLV_TEST_DATA_H_

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "oneid/score/purchase_history.h"

namespace oneid::score::testing {

// A headed CSV of numbers as columns by name. Fails the test if the file is absent.
inline std::map<std::string, std::vector<double>> ReadNumericCsv(const std::string& file_name) {
  const std::string path = std::string(ONEID_TEST_DATA_DIR) + "/" + file_name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::map<std::string, std::vector<double>> columns;
  std::vector<std::string> names;
  std::string line;
  if (!std::getline(in, line)) return columns;
  if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF files
  {
    std::stringstream header(line);
    std::string name;
    while (std::getline(header, name, ',')) names.push_back(name);
  }
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::stringstream row(line);
    std::string cell;
    for (const std::string& name : names) {
      std::getline(row, cell, ',');
      columns[name].push_back(std::stod(cell));
    }
  }
  return columns;
}

// Histories simulated from a BG/NBD (`pareto` false) or Pareto/NBD (`pareto` true) process with
// the given parameters: (r, alpha, a, b) or (r, alpha, s, beta). Ages are uniform in
// [min_age, max_age]; times are continuous.
struct SimulatedHistories {
  std::vector<double> frequency, recency, age;
  PurchaseHistoryView view() const { return {frequency, recency, age, {}}; }
};

inline SimulatedHistories Simulate(bool pareto, double r, double alpha, double a_or_s, double b_or_beta, size_t n,
                                   double min_age, double max_age, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> lambda_dist(r, 1.0 / alpha);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  SimulatedHistories out;
  for (size_t i = 0; i < n; ++i) {
    const double T = min_age + (max_age - min_age) * uniform(rng);
    const double lambda = std::max(lambda_dist(rng), 1e-300);  // a zero rate would be invalid
    double x = 0, t_x = 0, t = 0;
    if (pareto) {
      const double mu = std::max(std::gamma_distribution<double>(a_or_s, 1.0 / b_or_beta)(rng), 1e-300);
      const double death = std::exponential_distribution<double>(mu)(rng);
      const double end = std::min(T, death);
      while (true) {
        t += std::exponential_distribution<double>(lambda)(rng);
        if (t > end) break;
        x += 1;
        t_x = t;
      }
    } else {
      // Beta(a, b) from two gammas.
      const double g1 = std::gamma_distribution<double>(a_or_s, 1.0)(rng);
      const double g2 = std::gamma_distribution<double>(b_or_beta, 1.0)(rng);
      const double p = g1 / (g1 + g2);
      while (true) {
        t += std::exponential_distribution<double>(lambda)(rng);
        if (t > T) break;
        x += 1;
        t_x = t;
        if (uniform(rng) < p) break;  // drops out after this purchase
      }
    }
    out.frequency.push_back(x);
    out.recency.push_back(t_x);
    out.age.push_back(T);
  }
  return out;
}

// Histories as Simulate's, continued past T for `horizon` time units: what each customer did next
// (purchases in (T, T+horizon]) and whether she was still alive at T+horizon. The truth the
// horizon predictions (P(no purchase), P(alive) later, P(n purchases)) are checked against.
enum class Process { kBetaGeo, kModifiedBetaGeo, kPareto };

struct ForwardHistories : SimulatedHistories {
  std::vector<double> future_purchases;
  std::vector<bool> alive_at_horizon;
};

inline ForwardHistories SimulateForward(Process process, double r, double alpha, double a_or_s, double b_or_beta, size_t n,
                                        double min_age, double max_age, double horizon, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> lambda_dist(r, 1.0 / alpha);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  ForwardHistories out;
  for (size_t i = 0; i < n; ++i) {
    const double T = min_age + (max_age - min_age) * uniform(rng);
    const double end = T + horizon;
    const double lambda = std::max(lambda_dist(rng), 1e-300);
    double death = INFINITY;  // time of death; BG/NBD-type customers die at a purchase
    double p = 0;
    if (process == Process::kPareto) {
      const double mu = std::max(std::gamma_distribution<double>(a_or_s, 1.0 / b_or_beta)(rng), 1e-300);
      death = std::exponential_distribution<double>(mu)(rng);
    } else {
      const double g1 = std::gamma_distribution<double>(a_or_s, 1.0)(rng);
      const double g2 = std::gamma_distribution<double>(b_or_beta, 1.0)(rng);
      p = g1 / (g1 + g2);
      if (process == Process::kModifiedBetaGeo && uniform(rng) < p) death = 0;  // gone right after the first purchase
    }
    double x = 0, t_x = 0, future = 0, t = 0;
    while (true) {
      t += std::exponential_distribution<double>(lambda)(rng);
      if (t > end || t > death) break;
      if (t <= T) {
        x += 1;
        t_x = t;
      } else {
        future += 1;
      }
      if (process != Process::kPareto && uniform(rng) < p) {
        death = t;
        break;
      }
    }
    out.frequency.push_back(x);
    out.recency.push_back(t_x);
    out.age.push_back(T);
    out.future_purchases.push_back(future);
    out.alive_at_horizon.push_back(death > end);
  }
  return out;
}

// Law of total probability on simulated customers: averaged over customers, P(no purchase in the
// next h | history), P(alive at T+h | history) and E[purchases in the next h | history] of `model`
// must match what customers simulated from the same process and parameters did next (sampling
// error of the fractions ~0.003 at 40k customers). Also checks the horizon's edges. The model needs
// ProbabilityNoPurchase, ProbabilityAliveAt, ProbabilityAlive and ConditionalExpectedPurchases.
template <typename Model>
void ExpectHorizonPredictionsMatchSimulation(const Model& model, Process process, double r, double alpha,
                                             double a_or_s, double b_or_beta) {
  const double h = 20;
  const ForwardHistories sim = SimulateForward(process, r, alpha, a_or_s, b_or_beta, 40000, 20, 60, h, 11);
  double quiet = 0, predicted_quiet = 0, alive = 0, predicted_alive = 0, bought = 0, predicted_bought = 0;
  for (size_t i = 0; i < sim.frequency.size(); ++i) {
    const double x = sim.frequency[i], t_x = sim.recency[i], T = sim.age[i];
    quiet += sim.future_purchases[i] == 0;
    alive += sim.alive_at_horizon[i];
    bought += sim.future_purchases[i];
    predicted_quiet += model.ProbabilityNoPurchase(h, x, t_x, T);
    predicted_alive += model.ProbabilityAliveAt(h, x, t_x, T);
    predicted_bought += model.ConditionalExpectedPurchases(h, x, t_x, T);
  }
  const double n = static_cast<double>(sim.frequency.size());
  EXPECT_NEAR(predicted_quiet / n, quiet / n, 0.012);
  EXPECT_NEAR(predicted_alive / n, alive / n, 0.012);
  EXPECT_NEAR(predicted_bought / bought, 1.0, 0.04);
  // The edges: no time ahead, and P(alive) now.
  EXPECT_DOUBLE_EQ(model.ProbabilityNoPurchase(0, 3, 20, 40), 1.0);
  EXPECT_DOUBLE_EQ(model.ProbabilityAliveAt(0, 3, 20, 40), model.ProbabilityAlive(3, 20, 40));
  EXPECT_LT(model.ProbabilityAliveAt(100, 3, 20, 40), model.ProbabilityAliveAt(10, 3, 20, 40));
  EXPECT_LT(model.ProbabilityNoPurchase(30, 3, 20, 40), model.ProbabilityNoPurchase(7, 3, 20, 40));
}

}  // namespace oneid::score::testing

#endif  // ONEID_TESTS_CPP_SCORE_CLV_TEST_DATA_H_
