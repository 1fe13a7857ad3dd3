// L-BFGS over log-parameters (LBFGSpp, header-only, from Debian's liblbfgspp-dev).
//
// LBFGSpp reports trouble by throwing (a line search that cannot make progress, which is what
// happens when the objective is already minimised to machine precision). Exceptions stop here: the
// functor remembers the best point it has seen, the search restarts from it a few times (dropping
// the curvature memory that a bad step may have spoiled), and the outcome becomes a FitReport.
#include "oneid/score/detail/optimizer.h"

#include "oneid/internal/progress_meter.h"

#include <LBFGS.h>

#include <cmath>
#include <exception>
#include <limits>

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {
namespace {

// When the line search can no longer decrease the objective, the point is accepted as converged
// if the mean gradient is below this (a change of the mean log-likelihood far below what any
// parameter or prediction reported to users can show).
constexpr double kStallTolerance = 1e-5;
constexpr int kRestarts = 4;

class Objective {
 public:
  Objective(const LogLikelihoodFn& log_likelihood, double total_weight, double l2_penalty,
            internal::ProgressMeter& meter)
      : log_likelihood_(log_likelihood), scale_(1.0 / total_weight), l2_penalty_(l2_penalty), meter_(meter) {}

  // Mean negative log-likelihood (plus penalty) and its gradient in log-parameters. A non-finite
  // value becomes +infinity so that the backtracking line search shortens its step.
  double operator()(const Eigen::VectorXd& log_params, Eigen::VectorXd& gradient) {
    meter_.Tick(static_cast<uint64_t>(++evaluations_));
    const Eigen::VectorXd params = log_params.array().exp();
    Eigen::VectorXd natural_gradient(params.size());
    const double ll = log_likelihood_(params, &natural_gradient);
    double value = -ll * scale_ + l2_penalty_ * params.squaredNorm();
    // Chain rule: d/d log(theta) = theta * d/d theta.
    gradient = (-scale_ * natural_gradient.array() + 2.0 * l2_penalty_ * params.array()) * params.array();
    if (!std::isfinite(value) || !gradient.allFinite()) {
      gradient.setZero();
      return std::numeric_limits<double>::infinity();
    }
    if (value < best_value_) {
      best_value_ = value;
      best_point_ = log_params;
      best_log_likelihood_ = ll;
      best_gradient_norm_ = gradient.norm();
    }
    return value;
  }

  double best_value() const { return best_value_; }
  const Eigen::VectorXd& best_point() const { return best_point_; }
  double best_log_likelihood() const { return best_log_likelihood_; }
  double best_gradient_norm() const { return best_gradient_norm_; }

 private:
  const LogLikelihoodFn& log_likelihood_;
  double scale_;
  double l2_penalty_;
  internal::ProgressMeter& meter_;
  long evaluations_ = 0;
  double best_value_ = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_point_;
  double best_log_likelihood_ = std::numeric_limits<double>::quiet_NaN();
  double best_gradient_norm_ = std::numeric_limits<double>::infinity();
};

}  // namespace

FitReport MaximizeLogLikelihood(const LogLikelihoodFn& log_likelihood, Eigen::VectorXd& log_params,
                                double total_weight, const FitOptions& options) {
  FitReport report;
  report.total_weight = total_weight;
  // An evaluation is a pass over every distinct row: look at the clock after each one.
  internal::ProgressMeter meter(options.progress, "fit", 0, kProgressInterval, 1);
  Objective objective(log_likelihood, total_weight, options.l2_penalty, meter);

  LBFGSpp::LBFGSParam<double> param;
  param.epsilon = options.gradient_tolerance;
  param.epsilon_rel = 0.0;  // the tolerance is absolute: the objective is already a mean
  param.max_iterations = options.max_iterations;
  param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
  param.max_linesearch = 60;

  Eigen::VectorXd x = log_params;
  bool stalled = false;
  for (int attempt = 0; attempt <= kRestarts && report.iterations < options.max_iterations; ++attempt) {
    LBFGSpp::LBFGSSolver<double, LBFGSpp::LineSearchBacktracking> solver(param);
    double fx = 0.0;
    stalled = false;
    try {
      report.iterations += solver.minimize(objective, x, fx);
    } catch (const std::exception&) {
      // The line search could not improve on the current point: at the precision limit, or at a
      // point where a fresh start (no curvature memory) may still make progress.
      stalled = true;
      report.iterations += 1;
    }
    if (objective.best_point().size() == 0) break;  // not a single finite evaluation
    x = objective.best_point();
    if (objective.best_gradient_norm() <= options.gradient_tolerance) break;
    param.max_iterations = std::max(1, options.max_iterations - report.iterations);
  }

  meter.Finish();
  if (objective.best_point().size() == 0 || !std::isfinite(objective.best_log_likelihood())) {
    report.status = FitStatus::kNumericalIssue;
    report.log_likelihood = std::numeric_limits<double>::quiet_NaN();
    report.gradient_norm = std::numeric_limits<double>::infinity();
    return report;
  }
  log_params = objective.best_point();
  report.log_likelihood = objective.best_log_likelihood();
  report.gradient_norm = objective.best_gradient_norm();
  const bool converged = report.gradient_norm <= options.gradient_tolerance ||
                         (stalled && report.gradient_norm <= kStallTolerance);
  report.status = converged ? FitStatus::kConverged : FitStatus::kNoConvergence;
  return report;
}

}  // namespace detail
}  // namespace score
}  // namespace v0
}  // namespace oneid
