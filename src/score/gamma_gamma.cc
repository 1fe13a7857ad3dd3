// Gamma-Gamma spend model: likelihood with analytic gradient (Fader & Hardie 2013, eq. 3), fit and
// the conditional expectation of spend.
#include "oneid/score/gamma_gamma.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <boost/math/special_functions/digamma.hpp>

#include "model_common.h"
#include "oneid/score/detail/likelihoods.h"
#include "oneid/score/detail/model_text.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {

// Per customer with x repeat purchases of mean value m (the density of the mean, zbar):
//   LL = log Gamma(px+q) - log Gamma(px) - log Gamma(q) + q log v + (px-1) log m + px log x
//        - (px+q) log(xm + v)
double GammaGammaLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params, Eigen::VectorXd* gradient) {
  using boost::math::digamma;
  const double p = params[0], q = params[1], v = params[2];
  const double lgamma_q = std::lgamma(q), log_v = std::log(v);
  const double digamma_q = gradient ? digamma(q) : 0;
  // The gamma-function terms depend on x only: once per distinct frequency.
  const size_t groups = rows.distinct_a.size();
  std::vector<double> constant(groups), digamma_pxq(groups), d_p(groups);
  for (size_t g = 0; g < groups; ++g) {
    const double x = rows.distinct_a[g], px = p * x;
    constant[g] = std::lgamma(px + q) - std::lgamma(px) - lgamma_q + q * log_v + px * std::log(x);
    if (gradient != nullptr) {
      digamma_pxq[g] = digamma(px + q);
      d_p[g] = x * (digamma_pxq[g] - digamma(px) + std::log(x));
    }
  }
  double ll = 0, g_p = 0, g_q = 0, g_v = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const uint32_t g = rows.group[i];
    const double x = rows.a[i], m = rows.b[i], w = rows.weight[i];
    const double px = p * x, log_m = std::log(m), log_total = std::log(x * m + v);
    ll += w * (constant[g] + (px - 1) * log_m - (px + q) * log_total);
    if (gradient != nullptr) {
      g_p += w * (d_p[g] + x * (log_m - log_total));
      g_q += w * (digamma_pxq[g] - digamma_q + log_v - log_total);
      g_v += w * (q / v - (px + q) / (x * m + v));
    }
  }
  if (gradient != nullptr) {
    gradient->resize(3);
    *gradient << g_p, g_q, g_v;
  }
  return ll;
}

}  // namespace detail

namespace {

constexpr std::string_view kKind = "gamma_gamma";
constexpr std::array<std::string_view, 3> kNames = {"p", "q", "v"};

std::array<double, 3> AsArray(const GammaGammaParams& p) { return {p.p, p.q, p.v}; }

}  // namespace

absl::Status ValidateSpendHistory(absl::Span<const double> frequency, absl::Span<const double> monetary_value,
                                  absl::Span<const double> weights) {
  const size_t n = frequency.size();
  if (n == 0) return absl::InvalidArgumentError("no customers: frequency is empty");
  if (monetary_value.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("monetary_value has ", monetary_value.size(),
                                                   " rows but frequency has ", n));
  }
  if (!weights.empty() && weights.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("weights has ", weights.size(), " rows but frequency has ", n));
  }
  for (size_t i = 0; i < n; ++i) {
    const double x = frequency[i], m = monetary_value[i];
    if (!std::isfinite(x) || !std::isfinite(m)) {
      return absl::InvalidArgumentError(absl::StrCat("row ", i, ": frequency and monetary_value must be finite"));
    }
    if (x < 1 || x != std::floor(x)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "row ", i, ": the Gamma-Gamma model is fitted on returning customers only: frequency must be a whole "
                     "number >= 1, got ", x));
    }
    if (m <= 0) {
      return absl::InvalidArgumentError(absl::StrCat("row ", i, ": monetary_value must be > 0, got ", m));
    }
    if (!weights.empty() && (!std::isfinite(weights[i]) || weights[i] <= 0)) {
      return absl::InvalidArgumentError(absl::StrCat("row ", i, ": weight must be finite and > 0"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<GammaGammaModel> GammaGammaModel::Create(const GammaGammaParams& params) {
  if (absl::Status s = detail::CheckParams("Gamma-Gamma", kNames, AsArray(params)); !s.ok()) return s;
  return GammaGammaModel(params, FitReport{});
}

double FrequencySpendCorrelation(absl::Span<const double> frequency, absl::Span<const double> monetary_value,
                                 absl::Span<const double> weights) {
  double total = 0, mean_x = 0, mean_m = 0;
  for (size_t i = 0; i < frequency.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    total += w;
    mean_x += w * frequency[i];
    mean_m += w * monetary_value[i];
  }
  mean_x /= total;
  mean_m /= total;
  double sxx = 0, smm = 0, sxm = 0;
  for (size_t i = 0; i < frequency.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    const double dx = frequency[i] - mean_x, dm = monetary_value[i] - mean_m;
    sxx += w * dx * dx;
    smm += w * dm * dm;
    sxm += w * dx * dm;
  }
  if (sxx <= 0 || smm <= 0) return 0.0;  // one column is constant: no linear dependence to speak of
  return sxm / std::sqrt(sxx * smm);
}

absl::StatusOr<GammaGammaModel> GammaGammaModel::Fit(absl::Span<const double> frequency,
                                                     absl::Span<const double> monetary_value,
                                                     absl::Span<const double> weights, const FitOptions& options,
                                                     bool q_constraint) {
  if (absl::Status s = ValidateSpendHistory(frequency, monetary_value, weights); !s.ok()) return s;
  const std::vector<double> unused(frequency.size(), 0.0);
  const detail::CompressedRows rows = detail::CompressRows(frequency, monetary_value, unused, weights);
  // v is a scale in money: start it at the mean spend so the first steps are well scaled.
  double mean = 0;
  for (size_t i = 0; i < rows.size(); ++i) mean += rows.weight[i] * rows.b[i];
  mean /= rows.total_weight;
  const std::array<double, 3> start = {1.0, 1.0, mean};
  FitReport report;
  // With q_constraint the optimiser works on q - 1 > 0 instead of q (lifetimes bounds log q >= 0):
  // the population mean spend p v / (q - 1) then exists.
  const double q_offset = q_constraint ? 1.0 : 0.0;
  auto ll = [&rows, q_offset](const Eigen::VectorXd& p, Eigen::VectorXd* g) {
    Eigen::VectorXd natural = p;
    natural[1] += q_offset;
    return detail::GammaGammaLogLikelihood(rows, natural, g);
  };
  absl::StatusOr<std::array<double, 3>> estimate = detail::FitParams<3>("Gamma-Gamma", kNames, rows, ll, start, options, &report);
  if (!estimate.ok()) return estimate.status();
  const double correlation = FrequencySpendCorrelation(frequency, monetary_value, weights);
  if (std::abs(correlation) > kMaxFrequencySpendCorrelation) {
    report.warnings.push_back(absl::StrCat(
        "Gamma-Gamma assumes spend per purchase independent of the number of purchases, but frequency and "
        "monetary_value correlate at ", correlation, " (above ", kMaxFrequencySpendCorrelation,
        " in absolute value): its spend predictions may be biased"));
  }
  return GammaGammaModel({(*estimate)[0], (*estimate)[1] + q_offset, (*estimate)[2]}, report);
}

absl::StatusOr<double> GammaGammaModel::LogLikelihood(absl::Span<const double> frequency,
                                                      absl::Span<const double> monetary_value,
                                                      absl::Span<const double> weights) const {
  if (absl::Status s = ValidateSpendHistory(frequency, monetary_value, weights); !s.ok()) return s;
  const std::vector<double> unused(frequency.size(), 0.0);
  const detail::CompressedRows rows = detail::CompressRows(frequency, monetary_value, unused, weights);
  return detail::GammaGammaLogLikelihood(rows, detail::ToVector(AsArray(params_)), nullptr);
}

double GammaGammaModel::ConditionalExpectedAverageProfit(double x, double zbar) const {
  const GammaGammaParams& p = params_;
  const double population_mean = p.p * p.v / (p.q - 1);
  if (x == 0) return population_mean;
  const double denominator = p.p * x + p.q - 1;
  return (p.q - 1) / denominator * population_mean + p.p * x / denominator * zbar;
}

absl::StatusOr<std::vector<double>> GammaGammaModel::ConditionalExpectedAverageProfit(
    absl::Span<const double> frequency, absl::Span<const double> monetary_value) const {
  if (frequency.size() != monetary_value.size()) {
    return absl::InvalidArgumentError(absl::StrCat("monetary_value has ", monetary_value.size(),
                                                   " rows but frequency has ", frequency.size()));
  }
  std::vector<double> out(frequency.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const double x = frequency[i], m = monetary_value[i];
    if (!std::isfinite(x) || x < 0 || x != std::floor(x) || !std::isfinite(m) || m < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "row ", i, ": frequency must be a whole number >= 0 and monetary_value finite and >= 0"));
    }
    out[i] = ConditionalExpectedAverageProfit(x, m);
  }
  return out;
}

std::string GammaGammaModel::Save() const {
  const std::array<double, 3> values = AsArray(params_);
  return detail::WriteModelText(kKind, kNames, values, report_);
}

absl::StatusOr<GammaGammaModel> GammaGammaModel::Load(std::string_view text) {
  FitReport report;
  absl::StatusOr<std::vector<double>> values = detail::ReadModelText(text, kKind, kNames, &report);
  if (!values.ok()) return values.status();
  const GammaGammaParams params{(*values)[0], (*values)[1], (*values)[2]};
  if (absl::Status s = detail::CheckParams("Gamma-Gamma", kNames, AsArray(params)); !s.ok()) return s;
  return GammaGammaModel(params, report);
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
