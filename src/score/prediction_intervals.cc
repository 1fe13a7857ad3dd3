// Delta-method intervals for the customer-base models' predictions (see prediction_intervals.h).
#include "oneid/score/prediction_intervals.h"

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "oneid/score/beta_geo.h"
#include "oneid/score/modified_beta_geo.h"
#include "oneid/score/pareto_nbd.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace {

// Forward-difference step in log-parameters: the relative error of the gradient is ~1e-5, far
// below the sampling error the interval expresses.
constexpr double kLogStep = 1e-5;

std::array<double, 4> ParamsOf(const BetaGeoModel& m) { return {m.params().r, m.params().alpha, m.params().a, m.params().b}; }
std::array<double, 4> ParamsOf(const ModifiedBetaGeoModel& m) {
  return {m.params().r, m.params().alpha, m.params().a, m.params().b};
}
std::array<double, 4> ParamsOf(const ParetoNbdModel& m) { return {m.params().r, m.params().alpha, m.params().s, m.params().beta}; }
std::array<double, 3> ParamsOf(const GammaGammaModel& m) { return {m.params().p, m.params().q, m.params().v}; }

BetaGeoModel WithParams(const BetaGeoModel&, const std::array<double, 4>& v) { return *BetaGeoModel::Create({v[0], v[1], v[2], v[3]}); }
ModifiedBetaGeoModel WithParams(const ModifiedBetaGeoModel&, const std::array<double, 4>& v) {
  return *ModifiedBetaGeoModel::Create({v[0], v[1], v[2], v[3]});
}
ParetoNbdModel WithParams(const ParetoNbdModel&, const std::array<double, 4>& v) { return *ParetoNbdModel::Create({v[0], v[1], v[2], v[3]}); }
GammaGammaModel WithParams(const GammaGammaModel&, const std::array<double, 3>& v) { return *GammaGammaModel::Create({v[0], v[1], v[2]}); }

// The model and copies with each parameter raised by a factor e^kLogStep, and the covariance of
// the log-parameters (C_ij / (theta_i theta_j)).
template <typename Model, size_t N>
struct Perturbed {
  std::vector<Model> models;  // [0] the model itself, [1 + i] parameter i raised
  std::array<std::array<double, N>, N> log_covariance;
};

template <typename Model>
absl::StatusOr<Perturbed<Model, std::tuple_size_v<decltype(ParamsOf(std::declval<const Model&>()))>>> Perturb(
    const Model& model, const char* what) {
  constexpr size_t N = std::tuple_size_v<decltype(ParamsOf(std::declval<const Model&>()))>;
  const std::vector<double>& covariance = model.report().covariance;
  bool usable = covariance.size() == N * N;
  for (double v : covariance) usable = usable && std::isfinite(v);
  if (!usable) {
    return absl::FailedPreconditionError(absl::StrCat(
        "intervals need the covariance of the ", what,
        " model's estimate: fit it on data (a model made by Create or Load has none, and a fit whose Hessian was not "
        "positive definite has NaN)"));
  }
  const std::array<double, N> theta = ParamsOf(model);
  Perturbed<Model, N> out;
  out.models.push_back(model);
  for (size_t i = 0; i < N; ++i) {
    std::array<double, N> raised = theta;
    raised[i] *= std::exp(kLogStep);
    out.models.push_back(WithParams(model, raised));
    for (size_t j = 0; j < N; ++j) out.log_covariance[i][j] = covariance[i * N + j] / (theta[i] * theta[j]);
  }
  return out;
}

template <size_t N>
double Quadratic(const std::array<double, N>& g, const std::array<std::array<double, N>, N>& c) {
  double v = 0;
  for (size_t i = 0; i < N; ++i) {
    for (size_t j = 0; j < N; ++j) v += g[i] * c[i][j] * g[j];
  }
  return std::max(v, 0.0);
}

// Rows with identical (x, t_x, T) share a prediction: `distinct[k]` is a representative row and
// `of_row[i]` row i's k.
struct DistinctHistories {
  std::vector<size_t> distinct;
  std::vector<uint32_t> of_row;
};

struct HistoryKey {
  uint64_t x, t_x, T;
  bool operator==(const HistoryKey&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const HistoryKey& k) {
    return H::combine(std::move(h), k.x, k.t_x, k.T);
  }
};

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v == 0.0 ? 0.0 : v); }

DistinctHistories Distinct(const PurchaseHistoryView& h) {
  DistinctHistories out;
  const size_t n = h.frequency.size();
  out.of_row.resize(n);
  absl::flat_hash_map<HistoryKey, uint32_t> index;
  index.reserve(n / 4 + 16);
  for (size_t i = 0; i < n; ++i) {
    const auto [it, inserted] = index.try_emplace(HistoryKey{Bits(h.frequency[i]), Bits(h.recency[i]), Bits(h.age[i])},
                                                  static_cast<uint32_t>(out.distinct.size()));
    if (inserted) out.distinct.push_back(i);
    out.of_row[i] = it->second;
  }
  return out;
}

// Value and gradient in log-parameters of `predict(model, x, t_x, T)` per distinct history.
template <typename Model, size_t N, typename Predict>
void ValuesAndGradients(const Perturbed<Model, N>& perturbed, const PurchaseHistoryView& h, const DistinctHistories& d,
                        Predict&& predict, std::vector<double>* values, std::vector<std::array<double, N>>* gradients) {
  values->resize(d.distinct.size());
  gradients->resize(d.distinct.size());
  for (size_t k = 0; k < d.distinct.size(); ++k) {
    const size_t row = d.distinct[k];
    const double x = h.frequency[row], t_x = h.recency[row], T = h.age[row];
    const double base = predict(perturbed.models[0], x, t_x, T);
    (*values)[k] = base;
    for (size_t i = 0; i < N; ++i) (*gradients)[k][i] = (predict(perturbed.models[1 + i], x, t_x, T) - base) / kLogStep;
  }
}

enum class Scale { kLog, kLogit };

double Logit(double p) { return std::log(p) - std::log1p(-p); }
double Expit(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// The interval for an estimate with a standard error, symmetric on `scale`.
std::pair<double, double> Bounds(double estimate, double se, double z, Scale scale) {
  if (!(se > 0) || !std::isfinite(se)) return {estimate, estimate};
  if (scale == Scale::kLogit) {
    if (estimate <= 0 || estimate >= 1) return {estimate, estimate};
    const double half = z * se / (estimate * (1 - estimate));
    const double center = Logit(estimate);
    return {Expit(center - half), Expit(center + half)};
  }
  if (estimate <= 0) return {estimate, estimate};
  const double half = z * se / estimate;
  return {estimate * std::exp(-half), estimate * std::exp(half)};
}

absl::StatusOr<double> NormalQuantile(double level) {
  if (!(level > 0 && level < 1)) return absl::InvalidArgumentError(absl::StrCat("level must be in (0, 1), got ", level));
  return boost::math::quantile(boost::math::normal_distribution<double>(), 0.5 + level / 2);
}

// Per-customer and total intervals of a prediction that depends on the transaction model only.
template <typename Model, typename Predict>
absl::StatusOr<PredictionIntervals> TransactionIntervals(const Model& model, const PurchaseHistoryView& histories,
                                                         double level, Scale scale, Predict&& predict) {
  if (absl::Status s = ValidatePurchaseHistory(histories); !s.ok()) return s;
  absl::StatusOr<double> z = NormalQuantile(level);
  if (!z.ok()) return z.status();
  auto perturbed = Perturb(model, "transaction");
  if (!perturbed.ok()) return perturbed.status();
  constexpr size_t N = 4;
  const DistinctHistories d = Distinct(histories);
  std::vector<double> values;
  std::vector<std::array<double, N>> gradients;
  ValuesAndGradients(*perturbed, histories, d, predict, &values, &gradients);
  std::vector<double> se(values.size());
  for (size_t k = 0; k < values.size(); ++k) se[k] = std::sqrt(Quadratic(gradients[k], perturbed->log_covariance));

  PredictionIntervals out;
  out.level = level;
  const size_t n = histories.frequency.size();
  out.estimate.resize(n);
  out.lower.resize(n);
  out.upper.resize(n);
  out.standard_error.resize(n);
  std::array<double, N> total_gradient{};
  for (size_t i = 0; i < n; ++i) {
    const uint32_t k = d.of_row[i];
    out.estimate[i] = values[k];
    out.standard_error[i] = se[k];
    std::tie(out.lower[i], out.upper[i]) = Bounds(values[k], se[k], *z, scale);
    out.total += values[k];
    for (size_t j = 0; j < N; ++j) total_gradient[j] += gradients[k][j];
  }
  out.total_standard_error = std::sqrt(Quadratic(total_gradient, perturbed->log_covariance));
  std::tie(out.total_lower, out.total_upper) = Bounds(out.total, out.total_standard_error, *z, Scale::kLog);
  return out;
}

}  // namespace

template <typename TransactionModel>
absl::StatusOr<PredictionIntervals> ExpectedPurchasesIntervals(const TransactionModel& model,
                                                               const PurchaseHistoryView& histories, double t,
                                                               double level) {
  if (!std::isfinite(t) || t < 0) return absl::InvalidArgumentError("t must be finite and >= 0");
  return TransactionIntervals(model, histories, level, Scale::kLog,
                              [t](const TransactionModel& m, double x, double t_x, double T) {
                                return m.ConditionalExpectedPurchases(t, x, t_x, T);
                              });
}

template <typename TransactionModel>
absl::StatusOr<PredictionIntervals> ProbabilityAliveIntervals(const TransactionModel& model,
                                                              const PurchaseHistoryView& histories, double level) {
  return TransactionIntervals(model, histories, level, Scale::kLogit,
                              [](const TransactionModel& m, double x, double t_x, double T) {
                                return m.ProbabilityAlive(x, t_x, T);
                              });
}

template <typename TransactionModel>
absl::StatusOr<PredictionIntervals> CustomerLifetimeValueIntervals(const TransactionModel& transactions,
                                                                   const GammaGammaModel& spend,
                                                                   const PurchaseHistoryView& histories,
                                                                   absl::Span<const double> monetary_value,
                                                                   const ClvOptions& options, double level) {
  // Validates the histories, the options and the monetary column, as the point prediction does.
  absl::StatusOr<std::vector<double>> point = CustomerLifetimeValue(transactions, spend, histories, monetary_value, options);
  if (!point.ok()) return point.status();
  absl::StatusOr<double> z = NormalQuantile(level);
  if (!z.ok()) return z.status();
  auto tx = Perturb(transactions, "transaction");
  if (!tx.ok()) return tx.status();
  auto gg = Perturb(spend, "Gamma-Gamma");
  if (!gg.ok()) return gg.status();
  // CLV = E[spend | x, m] * S(x, t_x, T), S the discounted expected purchases: S and its gradient
  // once per distinct history, the spend part per customer.
  const DistinctHistories d = Distinct(histories);
  std::vector<double> s_values;
  std::vector<std::array<double, 4>> s_gradients;
  ValuesAndGradients(*tx, histories, d, [&options](const TransactionModel& m, double x, double t_x, double T) {
    double discounted = 0, before = 0;
    for (int month = 1; month <= options.months; ++month) {
      const double purchases = m.ConditionalExpectedPurchases(month * options.periods_per_month, x, t_x, T);
      discounted += (purchases - before) / std::pow(1.0 + options.monthly_discount_rate, month);
      before = purchases;
    }
    return discounted;
  }, &s_values, &s_gradients);

  PredictionIntervals out;
  out.level = level;
  const size_t n = histories.frequency.size();
  out.estimate.resize(n);
  out.lower.resize(n);
  out.upper.resize(n);
  out.standard_error.resize(n);
  std::array<double, 4> total_tx{};
  std::array<double, 3> total_gg{};
  for (size_t i = 0; i < n; ++i) {
    const uint32_t k = d.of_row[i];
    const double x = histories.frequency[i], m = monetary_value[i];
    const double spend_value = gg->models[0].ConditionalExpectedAverageProfit(x, m);
    std::array<double, 3> spend_gradient;
    for (size_t j = 0; j < 3; ++j) {
      spend_gradient[j] = (gg->models[1 + j].ConditionalExpectedAverageProfit(x, m) - spend_value) / kLogStep;
    }
    std::array<double, 4> tx_gradient;
    for (size_t j = 0; j < 4; ++j) tx_gradient[j] = spend_value * s_gradients[k][j];
    for (size_t j = 0; j < 3; ++j) spend_gradient[j] *= s_values[k];
    const double value = spend_value * s_values[k];
    const double se = std::sqrt(Quadratic(tx_gradient, tx->log_covariance) + Quadratic(spend_gradient, gg->log_covariance));
    out.estimate[i] = value;
    out.standard_error[i] = se;
    std::tie(out.lower[i], out.upper[i]) = Bounds(value, se, *z, Scale::kLog);
    out.total += value;
    for (size_t j = 0; j < 4; ++j) total_tx[j] += tx_gradient[j];
    for (size_t j = 0; j < 3; ++j) total_gg[j] += spend_gradient[j];
  }
  out.total_standard_error =
      std::sqrt(Quadratic(total_tx, tx->log_covariance) + Quadratic(total_gg, gg->log_covariance));
  std::tie(out.total_lower, out.total_upper) = Bounds(out.total, out.total_standard_error, *z, Scale::kLog);
  return out;
}

#define ONEID_INSTANTIATE_INTERVALS(Model)                                                                         \
  template absl::StatusOr<PredictionIntervals> ExpectedPurchasesIntervals<Model>(const Model&,                     \
                                                                                 const PurchaseHistoryView&, double, \
                                                                                 double);                           \
  template absl::StatusOr<PredictionIntervals> ProbabilityAliveIntervals<Model>(const Model&,                      \
                                                                                const PurchaseHistoryView&, double); \
  template absl::StatusOr<PredictionIntervals> CustomerLifetimeValueIntervals<Model>(                              \
      const Model&, const GammaGammaModel&, const PurchaseHistoryView&, absl::Span<const double>, const ClvOptions&, \
      double);

ONEID_INSTANTIATE_INTERVALS(BetaGeoModel)
ONEID_INSTANTIATE_INTERVALS(ModifiedBetaGeoModel)
ONEID_INSTANTIATE_INTERVALS(ParetoNbdModel)

#undef ONEID_INSTANTIATE_INTERVALS

}  // namespace score
}  // namespace v0
}  // namespace oneid
