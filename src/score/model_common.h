// Pieces every customer-base model's .cc shares: parameter checks, the fit driver that turns a
// FitReport into a model or an error, and Save/Load plumbing. Private to src/score.
#ifndef ONEID_SRC_SCORE_MODEL_COMMON_H_
#define ONEID_SRC_SCORE_MODEL_COMMON_H_

#include <array>
#include <cmath>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "oneid/score/detail/compressed_rows.h"
#include "oneid/score/detail/optimizer.h"
#include "oneid/score/fit_report.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {

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

// Runs the optimiser from `start` (natural parameters) and returns the estimate, or
// FailedPrecondition naming the model and the report when the fit did not converge.
template <size_t N>
absl::StatusOr<std::array<double, N>> FitParams(std::string_view model, const CompressedRows& rows,
                                                const LogLikelihoodFn& log_likelihood,
                                                const std::array<double, N>& start, const FitOptions& options,
                                                FitReport* report) {
  if (absl::Status s = CheckFitOptions(options); !s.ok()) return s;
  Eigen::VectorXd log_params(static_cast<Eigen::Index>(N));
  for (size_t i = 0; i < N; ++i) log_params[static_cast<Eigen::Index>(i)] = std::log(start[i]);
  *report = MaximizeLogLikelihood(log_likelihood, log_params, rows.total_weight, options);
  report->distinct_rows = static_cast<long long>(rows.size());
  if (report->status != FitStatus::kConverged) {
    return absl::FailedPreconditionError(absl::StrCat(
        std::string(model), " fit did not converge (", std::string(FitStatusName(report->status)), " after ", report->iterations,
        " iterations, gradient norm ", report->gradient_norm, ", log-likelihood ", report->log_likelihood,
        "); the data may not identify the model (for example, no repeat purchases at all)"));
  }
  std::array<double, N> estimate;
  for (size_t i = 0; i < N; ++i) estimate[i] = std::exp(log_params[static_cast<Eigen::Index>(i)]);
  for (double v : estimate) {
    if (!std::isfinite(v) || v <= 0) {
      report->status = FitStatus::kNumericalIssue;
      return absl::FailedPreconditionError(absl::StrCat(std::string(model), " fit diverged: a parameter left the finite range"));
    }
  }
  return estimate;
}

template <size_t N>
Eigen::VectorXd ToVector(const std::array<double, N>& values) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(N));
  for (size_t i = 0; i < N; ++i) v[static_cast<Eigen::Index>(i)] = values[i];
  return v;
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
