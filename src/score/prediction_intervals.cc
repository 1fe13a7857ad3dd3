// Delta-method intervals for the customer-base models' predictions (see prediction_intervals.h).
#include "oneid/score/prediction_intervals.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include "absl/strings/str_cat.h"
#include "oneid/score/beta_geo.h"
#include "oneid/score/detail/compressed_rows.h"
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

// One factor of a prediction and its gradient in log-parameters, per distinct row of an index.
template <size_t N>
struct Factor {
  std::vector<double> values;
  std::vector<std::array<double, N>> gradients;
};

// `predict(model, x, t_x, T)` and its forward-difference gradient at each distinct row of `d`.
template <typename Model, size_t N, typename Predict>
Factor<N> PerDistinct(const Perturbed<Model, N>& perturbed, const PurchaseHistoryView& h,
                      const detail::DistinctIndex& d, Predict&& predict) {
  Factor<N> out;
  out.values.resize(d.distinct.size());
  out.gradients.resize(d.distinct.size());
  for (size_t k = 0; k < d.distinct.size(); ++k) {
    const size_t row = d.distinct[k];
    const double x = h.frequency[row], t_x = h.recency[row], T = h.age[row];
    const double base = predict(perturbed.models[0], x, t_x, T);
    out.values[k] = base;
    for (size_t i = 0; i < N; ++i) out.gradients[k][i] = (predict(perturbed.models[1 + i], x, t_x, T) - base) / kLogStep;
  }
  return out;
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

// Every prediction here is P(alive | x, t_x, T) times a factor of (x, T) given alive (1 for P(alive)
// itself), times the expected spend for CLV. The transaction model's parts are computed once per distinct
// history and per distinct (x, T), as the point predictions are; the spend part per customer.
template <typename Model, typename IfAlive>
absl::StatusOr<PredictionIntervals> FactoredIntervals(const Model& model, const PurchaseHistoryView& histories,
                                                      double level, Scale scale, IfAlive&& if_alive,
                                                      const GammaGammaModel* spend = nullptr,
                                                      absl::Span<const double> monetary_value = {}) {
  if (absl::Status s = ValidatePurchaseHistory(histories); !s.ok()) return s;
  absl::StatusOr<double> z = NormalQuantile(level);
  if (!z.ok()) return z.status();
  auto tx = Perturb(model, "transaction");
  if (!tx.ok()) return tx.status();
  constexpr size_t N = 4;
  // The Gamma-Gamma part (only for CLV): its own parameters, independent of the transaction fit's.
  absl::StatusOr<Perturbed<GammaGammaModel, 3>> gg = Perturbed<GammaGammaModel, 3>{};
  if (spend != nullptr) {
    gg = Perturb(*spend, "Gamma-Gamma");
    if (!gg.ok()) return gg.status();
  }
  const detail::DistinctIndex by_history = detail::IndexDistinct(histories.frequency, histories.recency, histories.age);
  const detail::DistinctIndex by_pair = detail::IndexDistinct(histories.frequency, histories.age, {});
  const Factor<N> alive = PerDistinct(*tx, histories, by_history, [&](const Model& m, double x, double t_x, double T) {
    return m.ProbabilityAlive(x, t_x, T);
  });
  const Factor<N> given_alive = PerDistinct(*tx, histories, by_pair, [&](const Model& m, double x, double, double T) {
    return if_alive(m, x, T);
  });

  PredictionIntervals out;
  out.level = level;
  const size_t n = histories.frequency.size();
  out.estimate.resize(n);
  out.lower.resize(n);
  out.upper.resize(n);
  out.standard_error.resize(n);
  std::array<double, N> total_tx{};
  std::array<double, 3> total_gg{};
  for (size_t i = 0; i < n; ++i) {
    const uint32_t h = by_history.of_row[i], p = by_pair.of_row[i];
    const double a = alive.values[h], b = given_alive.values[p];
    // d(a b)/dtheta = a' b + a b'; the spend multiplies both and has its own gradient.
    double spend_value = 1.0;
    std::array<double, 3> gg_gradient{};
    if (spend != nullptr) {
      const double x = histories.frequency[i], m = monetary_value[i];
      spend_value = gg->models[0].ConditionalExpectedAverageProfit(x, m);
      for (size_t j = 0; j < 3; ++j) {
        gg_gradient[j] = (gg->models[1 + j].ConditionalExpectedAverageProfit(x, m) - spend_value) / kLogStep * a * b;
      }
    }
    std::array<double, N> tx_gradient;
    for (size_t j = 0; j < N; ++j) {
      tx_gradient[j] = spend_value * (alive.gradients[h][j] * b + a * given_alive.gradients[p][j]);
    }
    const double value = a * b * spend_value;  // the point predictions' order of operations
    double variance = Quadratic(tx_gradient, tx->log_covariance);
    if (spend != nullptr) variance += Quadratic(gg_gradient, gg->log_covariance);
    const double se = std::sqrt(variance);
    out.estimate[i] = value;
    out.standard_error[i] = se;
    std::tie(out.lower[i], out.upper[i]) = Bounds(value, se, *z, scale);
    out.total += value;
    for (size_t j = 0; j < N; ++j) total_tx[j] += tx_gradient[j];
    for (size_t j = 0; j < 3; ++j) total_gg[j] += gg_gradient[j];
  }
  double total_variance = Quadratic(total_tx, tx->log_covariance);
  if (spend != nullptr) total_variance += Quadratic(total_gg, gg->log_covariance);
  out.total_standard_error = std::sqrt(total_variance);
  std::tie(out.total_lower, out.total_upper) = Bounds(out.total, out.total_standard_error, *z, Scale::kLog);
  return out;
}

}  // namespace

template <typename TransactionModel>
absl::StatusOr<PredictionIntervals> ExpectedPurchasesIntervals(const TransactionModel& model,
                                                               const PurchaseHistoryView& histories, double t,
                                                               double level) {
  if (!std::isfinite(t) || t < 0) return absl::InvalidArgumentError("t must be finite and >= 0");
  return FactoredIntervals(model, histories, level, Scale::kLog,
                           [t](const TransactionModel& m, double x, double T) { return m.ExpectedPurchasesIfAlive(t, x, T); });
}

template <typename TransactionModel>
absl::StatusOr<PredictionIntervals> ProbabilityAliveIntervals(const TransactionModel& model,
                                                              const PurchaseHistoryView& histories, double level) {
  return FactoredIntervals(model, histories, level, Scale::kLogit,
                           [](const TransactionModel&, double, double) { return 1.0; });
}

template <typename TransactionModel>
absl::StatusOr<PredictionIntervals> CustomerLifetimeValueIntervals(const TransactionModel& transactions,
                                                                   const GammaGammaModel& spend,
                                                                   const PurchaseHistoryView& histories,
                                                                   absl::Span<const double> monetary_value,
                                                                   const ClvOptions& options, double level) {
  if (absl::Status s = ValidateClvInputs(histories, monetary_value, options); !s.ok()) return s;
  return FactoredIntervals(
      transactions, histories, level, Scale::kLog,
      [&options](const TransactionModel& m, double x, double T) { return DiscountedPurchasesIfAlive(m, x, T, options); },
      &spend, monetary_value);
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
