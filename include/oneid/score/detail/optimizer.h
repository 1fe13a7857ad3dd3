// The one place the score layer calls L-BFGS (LBFGSpp): minimises the mean negative
// log-likelihood over log-parameters and turns LBFGSpp's exceptions into a FitReport. Internal.
#ifndef ONEID_SCORE_DETAIL_OPTIMIZER_H_
#define ONEID_SCORE_DETAIL_OPTIMIZER_H_

#include <functional>

#include <Eigen/Core>

#include "oneid/score/fit_report.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {

// Total weighted log-likelihood at natural (positive) parameters `params`; fills `gradient`
// (d LL / d params, same size) when it is not null.
using LogLikelihoodFn = std::function<double(const Eigen::VectorXd& params, Eigen::VectorXd* gradient)>;

// The objective every fit minimises, in log-parameters theta (natural parameters exp(theta)):
//   -LL(exp(theta)) / total_weight + l2_penalty * sum((penalty_scale * exp(theta))^2).
// `penalty_scale` (one per parameter; empty: all 1) expresses time scales in units of the longest
// T, as lifetimes does. Returns +infinity where the likelihood is not finite.
double PenalizedMeanObjective(const LogLikelihoodFn& log_likelihood, const Eigen::VectorXd& log_params,
                              double total_weight, double l2_penalty, const Eigen::VectorXd& penalty_scale,
                              Eigen::VectorXd* gradient);

// Maximises `log_likelihood` over log-parameters starting from `log_params` (updated in place to
// the best point found) with L-BFGS. `total_weight` scales the objective to a mean. The report's
// status says whether the gradient tolerance was met.
FitReport MaximizeLogLikelihood(const LogLikelihoodFn& log_likelihood, Eigen::VectorXd& log_params,
                                double total_weight, const FitOptions& options,
                                const Eigen::VectorXd& penalty_scale = Eigen::VectorXd());

// The fallback when L-BFGS does not converge: Levenberg-Marquardt damped Newton steps on the same
// objective, with the Hessian from central differences of the analytic gradient. Slower per step
// but indifferent to the badly scaled curvature that makes a line search stall.
FitReport NewtonMaximize(const LogLikelihoodFn& log_likelihood, Eigen::VectorXd& log_params, double total_weight,
                         const FitOptions& options, const Eigen::VectorXd& penalty_scale = Eigen::VectorXd());

// Hessian of PenalizedMeanObjective at `log_params` by differences of its analytic gradient
// (symmetrised): forward (n + 1 gradient passes; enough for standard errors) or central (2n; the
// Newton fallback needs the accuracy on flat ridges). Non-finite entries when the objective is not
// finite nearby.
Eigen::MatrixXd ObjectiveHessian(const LogLikelihoodFn& log_likelihood, const Eigen::VectorXd& log_params,
                                 double total_weight, double l2_penalty, const Eigen::VectorXd& penalty_scale,
                                 bool central = false);

}  // namespace detail
}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_DETAIL_OPTIMIZER_H_
