// FitOptions and FitReport: how the customer-base models (BG/NBD, MBG/NBD, Pareto/NBD,
// Gamma-Gamma, BG/BB) are fitted, and the numerical outcome of a fit.
//
// Every model is fitted by maximum likelihood over the logarithms of its parameters (so that the
// positivity constraints disappear) with L-BFGS and analytic gradients. The outcome is a result,
// not an error (Eigen's `info()`): a model always carries the FitReport of the fit that made it.
// A fit that does not converge is refused with an error by the model's Fit() instead of
// returning parameters that nobody should use.
//
//   oneid::score::FitOptions options;
//   options.max_iterations = 200;
//   auto model = oneid::score::BetaGeoModel::Fit(histories, options);
//   model->report().log_likelihood;   // -9582.43 on CDNOW
#ifndef ONEID_SCORE_FIT_REPORT_H_
#define ONEID_SCORE_FIT_REPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "oneid/progress.h"

namespace oneid {
inline namespace v0 {
namespace score {

enum class FitStatus {
  kConverged,       // the gradient norm fell below the tolerance
  kNoConvergence,   // the iteration limit was reached, or the line search stalled far from a stationary point
  kNumericalIssue,  // the likelihood was not finite at the best point found
  kNotFitted,       // a model built from given parameters (Create / Load), not from data
};

inline std::string_view FitStatusName(FitStatus status) {
  switch (status) {
    case FitStatus::kConverged: return "converged";
    case FitStatus::kNoConvergence: return "no_convergence";
    case FitStatus::kNumericalIssue: return "numerical_issue";
    case FitStatus::kNotFitted: return "not_fitted";
  }
  return "unknown";
}

struct FitOptions {
  // L-BFGS iterations (each one a line search of a few likelihood evaluations).
  int max_iterations = 1000;
  // Convergence: the Euclidean norm of the gradient of the *mean* negative log-likelihood with
  // respect to the log-parameters. The mean (not the sum) makes the tolerance independent of the
  // number of customers.
  double gradient_tolerance = 1e-7;
  // lifetimes' `penalizer_coef`: adds `l2_penalty * sum(params^2)` to the mean negative
  // log-likelihood, with lifetimes' scaling: the time-scale parameters (alpha of BG/NBD and
  // MBG/NBD; alpha and beta of Pareto/NBD) enter the penalty in units of the longest T, as
  // lifetimes fits them after dividing time by max(T). The penalised estimate therefore does not
  // depend on the time unit (days or weeks give the same forecast). Gamma-Gamma and BG/BB penalise
  // their natural parameters, as lifetimes does. Zero gives the plain maximum-likelihood estimate.
  double l2_penalty = 0.0;
  // Reports the stage "fit": done counts log-likelihood evaluations (each one a pass over the
  // distinct rows); the total is not known until the fit ends (see oneid/progress.h).
  ProgressCallback progress;
};

struct FitReport {
  FitStatus status = FitStatus::kNotFitted;
  int iterations = 0;
  // Weighted total log-likelihood at the estimate (without the penalty).
  double log_likelihood = 0.0;
  // Norm of the gradient of the mean negative log-likelihood at the estimate.
  double gradient_norm = 0.0;
  // Sum of the weights, i.e. the number of customers the fit saw.
  double total_weight = 0.0;
  // Distinct rows after identical rows were compressed into weights.
  long long distinct_rows = 0;
  // Starting points the fit needed (1 when the first L-BFGS run converged) and whether the Newton
  // fallback finished the job (see detail/optimizer.h).
  int starts = 0;
  bool used_fallback = false;
  // Asymptotic covariance of the estimate (natural parameters, row-major N x N): the inverse of
  // the Hessian of the penalised negative log-likelihood in log-parameters, mapped to the natural
  // parameters by the delta method, as lifetimes' variance_matrix_. Empty for models made by
  // Create() (Save/Load keep it); NaN when the Hessian is not positive definite (the estimate is
  // not a strict maximum).
  std::vector<double> covariance;
  // Square roots of the covariance's diagonal, one per parameter.
  std::vector<double> standard_errors;
  // What the fit noticed that the user should know (for example, Gamma-Gamma's dependence between
  // frequency and spend); Python turns each into a UserWarning.
  std::vector<std::string> warnings;
};

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_FIT_REPORT_H_
