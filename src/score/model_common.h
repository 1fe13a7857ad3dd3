// Pieces every customer-base model's .cc shares: parameter checks, the fit driver that turns a
// FitReport into a model or an error, and Save/Load plumbing. Private to src/score.
#ifndef ONEID_SRC_SCORE_MODEL_COMMON_H_
#define ONEID_SRC_SCORE_MODEL_COMMON_H_

#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "oneid/score/detail/compressed_rows.h"
#include "oneid/score/detail/optimizer.h"
#include "oneid/score/detail/special_functions.h"
#include "oneid/score/fit_report.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {

// The horizons of BG/NBD and MBG/NBD given P(alive). The two differ only in the dropout
// probability's posterior given alive, p ~ Beta(a, b + x + shift) (shift 0 for BG/NBD, 1 for
// MBG/NBD). While alive the purchase rate is Gamma(r + x, alpha + T) and dropout follows purchases,
// so a customer alive at T who buys nothing in h is still alive:
//   P(no purchase in h) = 1 - P(alive) + P(alive) ((alpha+T)/(alpha+T+h))^(r+x)
//   P(alive at T+t) = P(alive) ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+shift; a+b+x+shift; t/(alpha+T+t))
inline double BetaGeoFamilyNoPurchase(double alive, double r, double alpha, double x, double T, double h) {
  return 1.0 - alive + alive * std::exp((r + x) * (std::log(alpha + T) - std::log(alpha + T + h)));
}
inline double BetaGeoFamilyAliveAt(double alive, double r, double alpha, double a, double b, double shift, double x,
                                   double T, double t) {
  if (t == 0) return alive;
  const double hyp = Hyp2F1(r + x, b + x + shift, a + b + x + shift, t / (alpha + T + t));
  return alive * std::exp((r + x) * (std::log(alpha + T) - std::log(alpha + T + t))) * hyp;
}

// InvalidArgument unless every parameter is finite and > 0.
inline absl::Status CheckParams(std::string_view model, std::span<const std::string_view> names,
                                std::span<const double> values) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (!std::isfinite(values[i]) || values[i] <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(model), " parameter ", std::string(names[i]), " must be finite and > 0, got ", values[i]));
    }
  }
  return absl::OkStatus();
}

// Without a single repeat purchase the likelihood rises forever as the purchase rate goes to zero:
// there is no estimate, and the optimiser would stop on the flat slope and call it converged.
inline absl::Status CheckHasRepeatPurchases(std::string_view model, const CompressedRows& rows) {
  if (rows.distinct_a.empty() || rows.distinct_a.back() <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(model), ": no customer has a repeat purchase (every frequency is 0); the model cannot be fitted"));
  }
  return absl::OkStatus();
}

template <size_t N>
Eigen::VectorXd ToVectorOf(const std::array<double, N>& values) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(N));
  for (size_t i = 0; i < N; ++i) v[static_cast<Eigen::Index>(i)] = values[i];
  return v;
}

template <size_t N>
Eigen::VectorXd ToVector(const std::array<double, N>& values) {
  return ToVectorOf<N>(values);
}

inline absl::Status CheckFitOptions(const FitOptions& options) {
  if (options.max_iterations < 1) return absl::InvalidArgumentError("FitOptions.max_iterations must be >= 1");
  if (!(options.gradient_tolerance > 0) || !std::isfinite(options.gradient_tolerance)) {
    return absl::InvalidArgumentError("FitOptions.gradient_tolerance must be finite and > 0");
  }
  if (!(options.l2_penalty >= 0) || !std::isfinite(options.l2_penalty)) {
    return absl::InvalidArgumentError("FitOptions.l2_penalty must be finite and >= 0");
  }
  return absl::OkStatus();
}

template <size_t N>
constexpr std::array<double, N> Ones() {
  std::array<double, N> ones;
  ones.fill(1.0);
  return ones;
}

// Why a fit that did not converge failed, and what to try: the message of its error.
inline std::string FitDiagnostic(std::string_view model, std::span<const std::string_view> names,
                                 const Eigen::VectorXd& best_log_params, const FitReport& report, const FitOptions& options) {
  std::string point;
  std::string runaway;
  for (size_t i = 0; i < names.size(); ++i) {
    const double value = std::exp(best_log_params[static_cast<Eigen::Index>(i)]);
    absl::StrAppend(&point, i == 0 ? "" : ", ", std::string(names[i]), "=", value);
    if (value > 1e6 || value < 1e-6) {
      absl::StrAppend(&runaway, runaway.empty() ? "" : "; ", std::string(names[i]), " ran towards ",
                      value > 1 ? "infinity" : "0");
    }
  }
  std::string message = absl::StrCat(
      std::string(model), " fit did not converge: ", std::string(FitStatusName(report.status)), " after ",
      report.iterations, " iterations from ", report.starts, " starting points and the damped-Newton fallback. Best point: ",
      point, " (log-likelihood ", report.log_likelihood, ", gradient norm ", report.gradient_norm, " against tolerance ",
      options.gradient_tolerance, ").");
  if (!runaway.empty()) {
    absl::StrAppend(&message, " The data do not pin the model down: ", runaway,
                    " (typical of very few customers, almost no repeat purchases, or ages T far apart).");
  }
  absl::StrAppend(&message, " Try: a small penalty (FitOptions.l2_penalty / penalizer_coef, e.g. 0.01; it keeps parameters "
                  "from running to infinity, not to 0)",
                  options.max_iterations < 1000 ? ", more iterations (max_iterations)" : "",
                  ", another model of the same data (BG/NBD, MBG/NBD and Pareto/NBD differ in how customers drop out)",
                  ", or checking the histories for customers unlike the rest.");
  return message;
}

// Runs the optimiser and returns the estimate, or FailedPrecondition with a diagnostic (what failed,
// the best point, what to try) when no attempt converged. Attempts: L-BFGS from `start`, then from
// `start` scaled down and up (a different basin, or a region where the line search does not stall),
// then damped Newton from the best point found. On success the report carries the covariance of
// the estimate (inverse Hessian, delta method to natural parameters) and its standard errors.
// `penalty_scale` (empty: all 1) multiplies each parameter inside the penalty (see
// FitOptions::l2_penalty). Parameters are positive: a model with real-valued coefficients passes
// exp(coefficient) and takes logarithms back.
inline absl::StatusOr<std::vector<double>> FitParamsDynamic(std::string_view model, std::span<const std::string_view> names,
                                                            double total_weight, long long distinct_rows,
                                                            const LogLikelihoodFn& log_likelihood,
                                                            const std::vector<double>& start, const FitOptions& options,
                                                            FitReport* report,
                                                            const std::vector<double>& penalty_scale = {}) {
  if (absl::Status s = CheckFitOptions(options); !s.ok()) return s;
  const size_t count = start.size();
  const auto n = static_cast<Eigen::Index>(count);
  Eigen::VectorXd scale = Eigen::VectorXd::Ones(n);
  for (size_t i = 0; i < penalty_scale.size() && i < count; ++i) scale[static_cast<Eigen::Index>(i)] = penalty_scale[i];
  auto objective_at = [&](const Eigen::VectorXd& log_params) {
    return PenalizedMeanObjective(log_likelihood, log_params, total_weight, options.l2_penalty, scale, nullptr);
  };
  constexpr double kStartMultipliers[] = {1.0, 0.25, 4.0};
  Eigen::VectorXd best(n);
  for (size_t i = 0; i < count; ++i) best[static_cast<Eigen::Index>(i)] = std::log(start[i]);
  double best_value = INFINITY;
  int iterations = 0, starts = 0;
  FitReport outcome;
  outcome.status = FitStatus::kNumericalIssue;
  bool converged = false;
  for (double multiplier : kStartMultipliers) {
    Eigen::VectorXd log_params(n);
    for (size_t i = 0; i < count; ++i) log_params[static_cast<Eigen::Index>(i)] = std::log(start[i] * multiplier);
    FitReport attempt = MaximizeLogLikelihood(log_likelihood, log_params, total_weight, options, scale);
    iterations += attempt.iterations;
    ++starts;
    const double value = objective_at(log_params);
    if (attempt.status == FitStatus::kConverged || value < best_value) {
      best = log_params;
      best_value = value;
      outcome = attempt;
    }
    if (attempt.status == FitStatus::kConverged) {
      converged = true;
      break;
    }
  }
  if (!converged && std::isfinite(best_value)) {
    Eigen::VectorXd log_params = best;
    FitReport attempt = NewtonMaximize(log_likelihood, log_params, total_weight, options, scale);
    iterations += attempt.iterations;
    outcome.used_fallback = true;
    const double value = objective_at(log_params);
    if (attempt.status == FitStatus::kConverged || value < best_value) {
      best = log_params;
      best_value = value;
      outcome = attempt;
      outcome.used_fallback = true;
    }
    converged = attempt.status == FitStatus::kConverged;
  }
  *report = outcome;
  report->iterations = iterations;
  report->starts = starts;
  report->total_weight = total_weight;
  report->distinct_rows = distinct_rows;
  if (!converged) {
    if (report->status == FitStatus::kConverged) report->status = FitStatus::kNoConvergence;
    return absl::FailedPreconditionError(FitDiagnostic(model, names, best, *report, options));
  }
  std::vector<double> estimate(count);
  for (size_t i = 0; i < count; ++i) estimate[i] = std::exp(best[static_cast<Eigen::Index>(i)]);
  for (double v : estimate) {
    if (!std::isfinite(v) || v <= 0) {
      report->status = FitStatus::kNumericalIssue;
      return absl::FailedPreconditionError(absl::StrCat(std::string(model), " fit diverged: a parameter left the finite range"));
    }
  }
  // Covariance: (H / total_weight)^-1 of the mean objective in log-parameters is the covariance of
  // the log-parameters; the delta method maps it to the natural ones (d theta = theta d log theta).
  const Eigen::MatrixXd hessian =
      ObjectiveHessian(log_likelihood, best, total_weight, options.l2_penalty, scale) * total_weight;
  Eigen::LLT<Eigen::MatrixXd> cholesky(hessian);
  report->covariance.assign(count * count, std::numeric_limits<double>::quiet_NaN());
  report->standard_errors.assign(count, std::numeric_limits<double>::quiet_NaN());
  if (hessian.allFinite() && cholesky.info() == Eigen::Success) {
    const Eigen::MatrixXd log_covariance = cholesky.solve(Eigen::MatrixXd::Identity(n, n));
    for (size_t i = 0; i < count; ++i) {
      for (size_t j = 0; j < count; ++j) {
        report->covariance[i * count + j] =
            log_covariance(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) * estimate[i] * estimate[j];
      }
      report->standard_errors[i] = std::sqrt(report->covariance[i * count + i]);
    }
  } else {
    report->warnings.push_back(absl::StrCat(
        std::string(model),
        ": the Hessian at the estimate is not positive definite, so standard errors are not available (the "
        "estimate may sit on a flat ridge of the likelihood)"));
  }
  return estimate;
}

template <size_t N>
absl::StatusOr<std::array<double, N>> FitParams(std::string_view model, std::span<const std::string_view> names,
                                                const CompressedRows& rows, const LogLikelihoodFn& log_likelihood,
                                                const std::array<double, N>& start, const FitOptions& options,
                                                FitReport* report,
                                                const std::array<double, N>& penalty_scale = Ones<N>()) {
  absl::StatusOr<std::vector<double>> estimate = FitParamsDynamic(
      model, names, rows.total_weight, static_cast<long long>(rows.size()), log_likelihood,
      std::vector<double>(start.begin(), start.end()), options, report,
      std::vector<double>(penalty_scale.begin(), penalty_scale.end()));
  if (!estimate.ok()) return estimate.status();
  std::array<double, N> out;
  for (size_t i = 0; i < N; ++i) out[i] = (*estimate)[i];
  return out;
}

// log B(a, b).
inline double LogBeta(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }

// log(exp(u) + exp(v)) without overflow; -inf terms allowed.
inline double LogAddExp(double u, double v) {
  const double m = u > v ? u : v;
  if (m == -INFINITY) return m;
  return m + std::log(std::exp(u - m) + std::exp(v - m));
}

}  // namespace detail
}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SRC_SCORE_MODEL_COMMON_H_
