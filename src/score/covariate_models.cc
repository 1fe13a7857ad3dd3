// BG/NBD and Pareto/NBD with time-invariant covariates (see covariate_models.h): a per-row
// likelihood with the customer's own alpha_i and a_i / beta_i, its gradient by the chain rule, and
// the shared fit driver. Coefficients are real: the driver's positive parameters are exp(coefficient).
#include "oneid/score/covariate_models.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <boost/math/special_functions/digamma.hpp>

#include "absl/strings/str_cat.h"
#include "model_common.h"
#include "oneid/score/detail/likelihoods.h"

namespace oneid {
inline namespace v0 {
namespace score {

absl::Status ValidateCovariates(const CovariateView& covariates, size_t rows, const char* name) {
  if (covariates.columns == 0) {
    if (!covariates.values.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(name, " covariates: values given but 0 columns"));
    }
    return absl::OkStatus();
  }
  if (covariates.values.size() != rows * covariates.columns) {
    return absl::InvalidArgumentError(absl::StrCat(name, " covariates have ", covariates.values.size(), " values; ", rows,
                                                   " customers x ", covariates.columns, " columns need ",
                                                   rows * covariates.columns));
  }
  for (size_t i = 0; i < covariates.values.size(); ++i) {
    if (!std::isfinite(covariates.values[i])) {
      return absl::InvalidArgumentError(absl::StrCat(name, " covariates: row ", i / covariates.columns, ", column ",
                                                     i % covariates.columns, " is not finite"));
    }
  }
  return absl::OkStatus();
}

namespace {

// How a model's covariates act: purchase covariates scale parameter `purchase_index` by
// exp(purchase_sign * eta), dropout covariates parameter `dropout_index` by exp(dropout_sign * eta).
struct Link {
  std::string_view model;
  size_t purchase_index;
  double purchase_sign;
  size_t dropout_index;
  double dropout_sign;
  double (*row_log_likelihood)(double, double, double, double, double, double, double, double*);
};

double ParetoRow(double r, double alpha, double s, double beta, double x, double t_x, double T, double* d) {
  const detail::Bracket bracket = detail::ParetoBracket(r, alpha, s, beta, x, t_x, T, d);
  if (d != nullptr) {
    d[0] += boost::math::digamma(r + x) - boost::math::digamma(r) + std::log(alpha);
    d[1] += r / alpha;
    d[2] += std::log(beta);
    d[3] += s / beta;
  }
  return std::lgamma(r + x) - std::lgamma(r) + r * std::log(alpha) + s * std::log(beta) + bracket.log_g0 + bracket.log_b;
}

constexpr Link kBetaGeoLink{"BG/NBD with covariates", 1, -1.0, 2, +1.0, &detail::BetaGeoRowLogLikelihood};
constexpr Link kParetoLink{"Pareto/NBD with covariates", 1, -1.0, 3, -1.0, &ParetoRow};

double Dot(absl::Span<const double> coefficients, const CovariateView& z, size_t row) {
  double eta = 0;
  for (size_t j = 0; j < coefficients.size(); ++j) eta += coefficients[j] * z.values[row * z.columns + j];
  return eta;
}

// The customer's own four parameters.
std::array<double, 4> CustomerParams(const Link& link, const std::array<double, 4>& base, absl::Span<const double> purchase,
                                     absl::Span<const double> dropout, const CovariateView& zp, const CovariateView& zd,
                                     size_t row) {
  std::array<double, 4> theta = base;
  if (!purchase.empty()) theta[link.purchase_index] *= std::exp(link.purchase_sign * Dot(purchase, zp, row));
  if (!dropout.empty()) theta[link.dropout_index] *= std::exp(link.dropout_sign * Dot(dropout, zd, row));
  return theta;
}

struct Estimate {
  std::array<double, 4> base;
  std::vector<double> purchase, dropout, standard_errors;
  FitReport report;
};

absl::StatusOr<Estimate> FitWithCovariates(const Link& link, const PurchaseHistoryView& h, const CovariateView& zp,
                                           const CovariateView& zd, const std::array<double, 4>& start,
                                           const std::array<double, 4>& base_penalty_scale, const FitOptions& options) {
  const size_t n = h.frequency.size();
  const size_t kp = zp.columns, kd = zd.columns, count = 4 + kp + kd;
  double total_weight = 0;
  for (size_t i = 0; i < n; ++i) total_weight += h.weights.empty() ? 1.0 : h.weights[i];
  auto log_likelihood = [&](const Eigen::VectorXd& p, Eigen::VectorXd* gradient) {
    const std::array<double, 4> base = {p[0], p[1], p[2], p[3]};
    std::vector<double> purchase(kp), dropout(kd);
    for (size_t j = 0; j < kp; ++j) purchase[j] = std::log(p[static_cast<Eigen::Index>(4 + j)]);
    for (size_t j = 0; j < kd; ++j) dropout[j] = std::log(p[static_cast<Eigen::Index>(4 + kp + j)]);
    double ll = 0;
    std::vector<double> g(count, 0.0);
    double d[4];
    for (size_t i = 0; i < n; ++i) {
      const double w = h.weights.empty() ? 1.0 : h.weights[i];
      const std::array<double, 4> theta = CustomerParams(link, base, purchase, dropout, zp, zd, i);
      ll += w * link.row_log_likelihood(theta[0], theta[1], theta[2], theta[3], h.frequency[i], h.recency[i], h.age[i],
                                        gradient != nullptr ? d : nullptr);
      if (gradient == nullptr) continue;
      for (size_t k = 0; k < 4; ++k) g[k] += w * d[k] * theta[k] / base[k];
      // d theta_k / d coefficient_j = sign * z_ij * theta_k.
      const double dp = w * d[link.purchase_index] * theta[link.purchase_index] * link.purchase_sign;
      for (size_t j = 0; j < kp; ++j) g[4 + j] += dp * zp.values[i * kp + j];
      const double dd = w * d[link.dropout_index] * theta[link.dropout_index] * link.dropout_sign;
      for (size_t j = 0; j < kd; ++j) g[4 + kp + j] += dd * zd.values[i * kd + j];
    }
    if (gradient != nullptr) {
      gradient->resize(static_cast<Eigen::Index>(count));
      for (size_t k = 0; k < count; ++k) {
        // The driver's parameter is exp(coefficient): d/d exp(c) = (d/d c) / exp(c).
        (*gradient)[static_cast<Eigen::Index>(k)] = k < 4 ? g[k] : g[k] / p[static_cast<Eigen::Index>(k)];
      }
    }
    return ll;
  };
  std::vector<std::string> name_storage = {"r", "alpha", link.dropout_index == 2 ? "a" : "s", link.dropout_index == 2 ? "b" : "beta"};
  for (size_t j = 0; j < kp; ++j) name_storage.push_back(absl::StrCat("exp(purchase_", j, ")"));
  for (size_t j = 0; j < kd; ++j) name_storage.push_back(absl::StrCat("exp(dropout_", j, ")"));
  std::vector<std::string_view> names(name_storage.begin(), name_storage.end());
  std::vector<double> initial(start.begin(), start.end());
  initial.resize(count, 1.0);  // coefficients start at 0
  // Coefficients are not penalised (exp(c)^2 would pull them towards -infinity, not 0).
  std::vector<double> penalty_scale(base_penalty_scale.begin(), base_penalty_scale.end());
  penalty_scale.resize(count, 0.0);
  Estimate out;
  absl::StatusOr<std::vector<double>> estimate = detail::FitParamsDynamic(
      link.model, names, total_weight, static_cast<long long>(n), log_likelihood, initial, options, &out.report, penalty_scale);
  if (!estimate.ok()) return estimate.status();
  out.base = {(*estimate)[0], (*estimate)[1], (*estimate)[2], (*estimate)[3]};
  out.standard_errors = out.report.standard_errors;
  for (size_t k = 4; k < count; ++k) {
    const double coefficient = std::log((*estimate)[k]);
    (k < 4 + kp ? out.purchase : out.dropout).push_back(coefficient);
    out.standard_errors[k] /= (*estimate)[k];  // se(c) = se(exp(c)) / exp(c)
  }
  return out;
}

absl::Status CheckInputs(const PurchaseHistoryView& h, const CovariateView& zp, const CovariateView& zd) {
  if (absl::Status s = ValidatePurchaseHistory(h); !s.ok()) return s;
  if (absl::Status s = ValidateCovariates(zp, h.frequency.size(), "purchase"); !s.ok()) return s;
  return ValidateCovariates(zd, h.frequency.size(), "dropout");
}

absl::Status CheckColumns(const CovariateView& z, size_t expected, const char* name) {
  if (z.columns != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " covariates have ", z.columns, " columns; the model was fitted with ", expected));
  }
  return absl::OkStatus();
}

template <typename Covariate, typename Per>
absl::StatusOr<std::vector<double>> Predict(const Covariate& model, const PurchaseHistoryView& h, const CovariateView& zp,
                                            const CovariateView& zd, Per&& per_customer) {
  if (absl::Status s = CheckInputs(h, zp, zd); !s.ok()) return s;
  if (absl::Status s = CheckColumns(zp, model.purchase_coefficients().size(), "purchase"); !s.ok()) return s;
  if (absl::Status s = CheckColumns(zd, model.dropout_coefficients().size(), "dropout"); !s.ok()) return s;
  std::vector<double> out(h.frequency.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const auto customer = model.ForCustomer(zp.columns ? zp.values.subspan(i * zp.columns, zp.columns) : absl::Span<const double>(),
                                            zd.columns ? zd.values.subspan(i * zd.columns, zd.columns) : absl::Span<const double>());
    out[i] = per_customer(customer, h.frequency[i], h.recency[i], h.age[i]);
  }
  return out;
}

double Eta(absl::Span<const double> coefficients, absl::Span<const double> z) {
  double eta = 0;
  for (size_t j = 0; j < coefficients.size() && j < z.size(); ++j) eta += coefficients[j] * z[j];
  return eta;
}

}  // namespace

// -- BG/NBD -------------------------------------------------------------------------------------

absl::StatusOr<BetaGeoCovariateModel> BetaGeoCovariateModel::Fit(const PurchaseHistoryView& histories,
                                                                 const CovariateView& purchase, const CovariateView& dropout,
                                                                 const FitOptions& options) {
  if (absl::Status s = CheckInputs(histories, purchase, dropout); !s.ok()) return s;
  absl::StatusOr<BetaGeoModel> plain = BetaGeoModel::Fit(histories, options);
  if (!plain.ok()) return plain.status();
  const double max_age = *std::max_element(histories.age.begin(), histories.age.end());
  const BetaGeoParams& p = plain->params();
  absl::StatusOr<Estimate> estimate = FitWithCovariates(kBetaGeoLink, histories, purchase, dropout, {p.r, p.alpha, p.a, p.b},
                                                        {1.0, 1.0 / std::max(max_age, 1e-300), 1.0, 1.0}, options);
  if (!estimate.ok()) return estimate.status();
  BetaGeoCovariateModel model;
  model.params_ = {estimate->base[0], estimate->base[1], estimate->base[2], estimate->base[3]};
  model.purchase_ = std::move(estimate->purchase);
  model.dropout_ = std::move(estimate->dropout);
  model.standard_errors_ = std::move(estimate->standard_errors);
  model.report_ = std::move(estimate->report);
  return model;
}

BetaGeoModel BetaGeoCovariateModel::ForCustomer(absl::Span<const double> purchase, absl::Span<const double> dropout) const {
  BetaGeoParams p = params_;
  p.alpha *= std::exp(-Eta(purchase_, purchase));
  p.a *= std::exp(Eta(dropout_, dropout));
  return *BetaGeoModel::Create(p);
}

absl::StatusOr<std::vector<double>> BetaGeoCovariateModel::ConditionalExpectedPurchases(
    double t, const PurchaseHistoryView& histories, const CovariateView& purchase, const CovariateView& dropout) const {
  if (!std::isfinite(t) || t < 0) return absl::InvalidArgumentError("t must be finite and >= 0");
  return Predict(*this, histories, purchase, dropout, [t](const BetaGeoModel& m, double x, double t_x, double T) {
    return m.ConditionalExpectedPurchases(t, x, t_x, T);
  });
}

absl::StatusOr<std::vector<double>> BetaGeoCovariateModel::ProbabilityAlive(const PurchaseHistoryView& histories,
                                                                            const CovariateView& purchase,
                                                                            const CovariateView& dropout) const {
  return Predict(*this, histories, purchase, dropout,
                 [](const BetaGeoModel& m, double x, double t_x, double T) { return m.ProbabilityAlive(x, t_x, T); });
}

// -- Pareto/NBD ---------------------------------------------------------------------------------

absl::StatusOr<ParetoNbdCovariateModel> ParetoNbdCovariateModel::Fit(const PurchaseHistoryView& histories,
                                                                     const CovariateView& purchase,
                                                                     const CovariateView& dropout, const FitOptions& options) {
  if (absl::Status s = CheckInputs(histories, purchase, dropout); !s.ok()) return s;
  absl::StatusOr<ParetoNbdModel> plain = ParetoNbdModel::Fit(histories, options);
  if (!plain.ok()) return plain.status();
  const double max_age = *std::max_element(histories.age.begin(), histories.age.end());
  const ParetoNbdParams& p = plain->params();
  const double inverse_age = 1.0 / std::max(max_age, 1e-300);
  absl::StatusOr<Estimate> estimate = FitWithCovariates(kParetoLink, histories, purchase, dropout, {p.r, p.alpha, p.s, p.beta},
                                                        {1.0, inverse_age, 1.0, inverse_age}, options);
  if (!estimate.ok()) return estimate.status();
  ParetoNbdCovariateModel model;
  model.params_ = {estimate->base[0], estimate->base[1], estimate->base[2], estimate->base[3]};
  model.purchase_ = std::move(estimate->purchase);
  model.dropout_ = std::move(estimate->dropout);
  model.standard_errors_ = std::move(estimate->standard_errors);
  model.report_ = std::move(estimate->report);
  return model;
}

ParetoNbdModel ParetoNbdCovariateModel::ForCustomer(absl::Span<const double> purchase, absl::Span<const double> dropout) const {
  ParetoNbdParams p = params_;
  p.alpha *= std::exp(-Eta(purchase_, purchase));
  p.beta *= std::exp(-Eta(dropout_, dropout));
  return *ParetoNbdModel::Create(p);
}

absl::StatusOr<std::vector<double>> ParetoNbdCovariateModel::ConditionalExpectedPurchases(
    double t, const PurchaseHistoryView& histories, const CovariateView& purchase, const CovariateView& dropout) const {
  if (!std::isfinite(t) || t < 0) return absl::InvalidArgumentError("t must be finite and >= 0");
  return Predict(*this, histories, purchase, dropout, [t](const ParetoNbdModel& m, double x, double t_x, double T) {
    return m.ConditionalExpectedPurchases(t, x, t_x, T);
  });
}

absl::StatusOr<std::vector<double>> ParetoNbdCovariateModel::ProbabilityAlive(const PurchaseHistoryView& histories,
                                                                              const CovariateView& purchase,
                                                                              const CovariateView& dropout) const {
  return Predict(*this, histories, purchase, dropout,
                 [](const ParetoNbdModel& m, double x, double t_x, double T) { return m.ProbabilityAlive(x, t_x, T); });
}

// -- Gamma-Gamma --------------------------------------------------------------------------------

absl::StatusOr<GammaGammaCovariateModel> GammaGammaCovariateModel::Fit(absl::Span<const double> frequency,
                                                                       absl::Span<const double> monetary_value,
                                                                       const CovariateView& spend,
                                                                       absl::Span<const double> weights,
                                                                       const FitOptions& options) {
  if (absl::Status s = ValidateSpendHistory(frequency, monetary_value, weights); !s.ok()) return s;
  if (absl::Status s = ValidateCovariates(spend, frequency.size(), "spend"); !s.ok()) return s;
  absl::StatusOr<GammaGammaModel> plain = GammaGammaModel::Fit(frequency, monetary_value, weights, options);
  if (!plain.ok()) return plain.status();
  const size_t n = frequency.size(), k = spend.columns, count = 3 + k;
  double total_weight = 0;
  for (size_t i = 0; i < n; ++i) total_weight += weights.empty() ? 1.0 : weights[i];
  // Per customer, with v_i = v exp(g . z_i) (see gamma_gamma.cc for the density of the mean):
  //   LL = lgamma(px+q) - lgamma(px) - lgamma(q) + q log v_i + (px-1) log m + px log x - (px+q) log(xm + v_i).
  auto log_likelihood = [&](const Eigen::VectorXd& params, Eigen::VectorXd* gradient) {
    using boost::math::digamma;
    const double p = params[0], q = params[1], v = params[2];
    std::vector<double> g(count, 0.0);
    double ll = 0;
    const double lgamma_q = std::lgamma(q), digamma_q = gradient ? digamma(q) : 0.0;
    for (size_t i = 0; i < n; ++i) {
      const double w = weights.empty() ? 1.0 : weights[i];
      const double x = frequency[i], m = monetary_value[i], px = p * x;
      double eta = 0;
      for (size_t j = 0; j < k; ++j) eta += std::log(params[static_cast<Eigen::Index>(3 + j)]) * spend.values[i * k + j];
      const double v_i = v * std::exp(eta);
      const double log_m = std::log(m), log_total = std::log(x * m + v_i), log_v_i = std::log(v_i);
      ll += w * (std::lgamma(px + q) - std::lgamma(px) - lgamma_q + q * log_v_i + (px - 1) * log_m + px * std::log(x) -
                 (px + q) * log_total);
      if (gradient == nullptr) continue;
      const double digamma_pxq = digamma(px + q);
      g[0] += w * x * (digamma_pxq - digamma(px) + std::log(x) + log_m - log_total);
      g[1] += w * (digamma_pxq - digamma_q + log_v_i - log_total);
      const double d_v_i = q / v_i - (px + q) / (x * m + v_i);  // d LL / d v_i
      g[2] += w * d_v_i * v_i / v;
      for (size_t j = 0; j < k; ++j) g[3 + j] += w * d_v_i * v_i * spend.values[i * k + j];
    }
    if (gradient != nullptr) {
      gradient->resize(static_cast<Eigen::Index>(count));
      for (size_t j = 0; j < count; ++j) {
        (*gradient)[static_cast<Eigen::Index>(j)] = j < 3 ? g[j] : g[j] / params[static_cast<Eigen::Index>(j)];
      }
    }
    return ll;
  };
  std::vector<std::string> name_storage = {"p", "q", "v"};
  for (size_t j = 0; j < k; ++j) name_storage.push_back(absl::StrCat("exp(spend_", j, ")"));
  std::vector<std::string_view> names(name_storage.begin(), name_storage.end());
  std::vector<double> start = {plain->params().p, plain->params().q, plain->params().v};
  start.resize(count, 1.0);
  std::vector<double> penalty_scale(3, 1.0);
  penalty_scale.resize(count, 0.0);
  GammaGammaCovariateModel model;
  absl::StatusOr<std::vector<double>> estimate = detail::FitParamsDynamic(
      "Gamma-Gamma with covariates", names, total_weight, static_cast<long long>(n), log_likelihood, start, options,
      &model.report_, penalty_scale);
  if (!estimate.ok()) return estimate.status();
  model.params_ = {(*estimate)[0], (*estimate)[1], (*estimate)[2]};
  model.standard_errors_ = model.report_.standard_errors;
  for (size_t j = 3; j < count; ++j) {
    model.spend_.push_back(std::log((*estimate)[j]));
    model.standard_errors_[j] /= (*estimate)[j];
  }
  model.report_.warnings.insert(model.report_.warnings.end(), plain->report().warnings.begin(), plain->report().warnings.end());
  return model;
}

GammaGammaModel GammaGammaCovariateModel::ForCustomer(absl::Span<const double> spend) const {
  GammaGammaParams p = params_;
  p.v *= std::exp(Eta(spend_, spend));
  return *GammaGammaModel::Create(p);
}

absl::StatusOr<std::vector<double>> GammaGammaCovariateModel::ConditionalExpectedAverageProfit(
    absl::Span<const double> frequency, absl::Span<const double> monetary_value, const CovariateView& spend) const {
  if (frequency.size() != monetary_value.size()) {
    return absl::InvalidArgumentError(absl::StrCat("monetary_value has ", monetary_value.size(), " rows but frequency has ",
                                                   frequency.size()));
  }
  if (absl::Status s = ValidateCovariates(spend, frequency.size(), "spend"); !s.ok()) return s;
  if (absl::Status s = CheckColumns(spend, spend_.size(), "spend"); !s.ok()) return s;
  std::vector<double> out(frequency.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if (!std::isfinite(frequency[i]) || frequency[i] < 0 || !std::isfinite(monetary_value[i])) {
      return absl::InvalidArgumentError(absl::StrCat("row ", i, ": frequency must be finite and >= 0, monetary_value finite"));
    }
    const GammaGammaModel customer = ForCustomer(spend.columns ? spend.values.subspan(i * spend.columns, spend.columns)
                                                               : absl::Span<const double>());
    out[i] = customer.ConditionalExpectedAverageProfit(frequency[i], monetary_value[i]);
  }
  return out;
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
