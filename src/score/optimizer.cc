// L-BFGS over log-parameters (LBFGSpp, header-only, from Debian's liblbfgspp-dev).
//
// LBFGSpp reports trouble by throwing (a line search that cannot make progress, which is what
// happens when the objective is already minimised to machine precision). Exceptions stop here: the
// functor remembers the best point it has seen, the search restarts from it a few times (dropping
// the curvature memory that a bad step may have spoiled), and the outcome becomes a FitReport.
#include "oneid/score/detail/optimizer.h"

#include "oneid/internal/progress_meter.h"

#include <LBFGS.h>

#include <Eigen/Cholesky>

#include <algorithm>
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

// The penalised mean objective and its gradient in log-parameters; `ll` receives the plain total
// log-likelihood. A non-finite value becomes +infinity (gradient zero) so that a line search
// shortens its step.
double Evaluate(const LogLikelihoodFn& log_likelihood, const Eigen::VectorXd& log_params, double total_weight,
                double l2_penalty, const Eigen::VectorXd& penalty_scale, Eigen::VectorXd* gradient, double* ll) {
  const Eigen::VectorXd params = log_params.array().exp();
  Eigen::VectorXd scaled = params;
  if (penalty_scale.size() == params.size()) scaled = (params.array() * penalty_scale.array()).matrix();
  Eigen::VectorXd natural_gradient(params.size());
  *ll = log_likelihood(params, gradient != nullptr ? &natural_gradient : nullptr);
  const double scale = 1.0 / total_weight;
  const double value = -*ll * scale + l2_penalty * scaled.squaredNorm();
  if (gradient != nullptr) {
    // Chain rule: d/d log(theta) = theta * d/d theta; d/d log(theta) (c theta)^2 = 2 (c theta)^2.
    *gradient = -scale * (natural_gradient.array() * params.array()) + 2.0 * l2_penalty * scaled.array().square();
    if (!gradient->allFinite()) {
      gradient->setZero();
      return std::numeric_limits<double>::infinity();
    }
  }
  if (!std::isfinite(value)) {
    if (gradient != nullptr) gradient->setZero();
    return std::numeric_limits<double>::infinity();
  }
  return value;
}

class Objective {
 public:
  Objective(const LogLikelihoodFn& log_likelihood, double total_weight, double l2_penalty,
            const Eigen::VectorXd& penalty_scale, internal::ProgressMeter& meter)
      : log_likelihood_(log_likelihood),
        total_weight_(total_weight),
        l2_penalty_(l2_penalty),
        penalty_scale_(penalty_scale),
        meter_(meter) {}

  // Mean negative log-likelihood (plus penalty) and its gradient in log-parameters. A non-finite
  // value becomes +infinity so that the backtracking line search shortens its step.
  double operator()(const Eigen::VectorXd& log_params, Eigen::VectorXd& gradient) {
    meter_.Tick(static_cast<uint64_t>(++evaluations_));
    double ll = 0;
    const double value =
        Evaluate(log_likelihood_, log_params, total_weight_, l2_penalty_, penalty_scale_, &gradient, &ll);
    if (!std::isfinite(value)) return value;
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
  double total_weight_;
  double l2_penalty_;
  const Eigen::VectorXd& penalty_scale_;
  internal::ProgressMeter& meter_;
  long evaluations_ = 0;
  double best_value_ = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_point_;
  double best_log_likelihood_ = std::numeric_limits<double>::quiet_NaN();
  double best_gradient_norm_ = std::numeric_limits<double>::infinity();
};

}  // namespace

double PenalizedMeanObjective(const LogLikelihoodFn& log_likelihood, const Eigen::VectorXd& log_params,
                              double total_weight, double l2_penalty, const Eigen::VectorXd& penalty_scale,
                              Eigen::VectorXd* gradient) {
  double ll = 0;
  return Evaluate(log_likelihood, log_params, total_weight, l2_penalty, penalty_scale, gradient, &ll);
}

Eigen::MatrixXd ObjectiveHessian(const LogLikelihoodFn& log_likelihood, const Eigen::VectorXd& log_params,
                                 double total_weight, double l2_penalty, const Eigen::VectorXd& penalty_scale,
                                 bool central) {
  const Eigen::Index n = log_params.size();
  Eigen::MatrixXd hessian(n, n);
  // Steps in log-parameters. Forward differences of the analytic gradient (1e-5) are accurate to
  // about 1e-5 relative, far below the sampling error standard errors express, at n + 1 gradient
  // passes after every fit; central ones (1e-4, accurate to ~1e-8) for the Newton fallback.
  const double step = central ? 1e-4 : 1e-5;
  Eigen::VectorXd base(n), up(n), down(n);
  if (!central &&
      !std::isfinite(PenalizedMeanObjective(log_likelihood, log_params, total_weight, l2_penalty, penalty_scale, &base))) {
    hessian.setConstant(std::numeric_limits<double>::quiet_NaN());
    return hessian;
  }
  for (Eigen::Index j = 0; j < n; ++j) {
    Eigen::VectorXd point = log_params;
    point[j] += step;
    const double f_up = PenalizedMeanObjective(log_likelihood, point, total_weight, l2_penalty, penalty_scale, &up);
    double f_down = 0;
    if (central) {
      point[j] = log_params[j] - step;
      f_down = PenalizedMeanObjective(log_likelihood, point, total_weight, l2_penalty, penalty_scale, &down);
    }
    if (!std::isfinite(f_up) || !std::isfinite(f_down)) {
      hessian.col(j).setConstant(std::numeric_limits<double>::quiet_NaN());
    } else {
      hessian.col(j) = central ? Eigen::VectorXd((up - down) / (2 * step)) : Eigen::VectorXd((up - base) / step);
    }
  }
  return 0.5 * (hessian + hessian.transpose());
}

FitReport NewtonMaximize(const LogLikelihoodFn& log_likelihood, Eigen::VectorXd& log_params, double total_weight,
                         const FitOptions& options, const Eigen::VectorXd& penalty_scale) {
  FitReport report;
  report.total_weight = total_weight;
  internal::ProgressMeter meter(options.progress, "fit", 0, kProgressInterval, 1);
  const Eigen::Index n = log_params.size();
  Eigen::VectorXd x = log_params, gradient(n), trial_gradient(n);
  double ll = 0;
  double value = Evaluate(log_likelihood, x, total_weight, options.l2_penalty, penalty_scale, &gradient, &ll);
  if (!std::isfinite(value)) {
    report.status = FitStatus::kNumericalIssue;
    report.log_likelihood = std::numeric_limits<double>::quiet_NaN();
    report.gradient_norm = std::numeric_limits<double>::infinity();
    return report;
  }
  double damping = 1e-3;
  bool stalled = false;
  const int budget = std::min(options.max_iterations, 500);
  for (int iteration = 0; iteration < budget && gradient.norm() > options.gradient_tolerance; ++iteration) {
    ++report.iterations;
    meter.Tick(static_cast<uint64_t>(report.iterations));
    Eigen::MatrixXd hessian =
        ObjectiveHessian(log_likelihood, x, total_weight, options.l2_penalty, penalty_scale, /*central=*/true);
    if (!hessian.allFinite()) hessian = Eigen::MatrixXd::Identity(n, n);
    bool improved = false;
    for (int attempt = 0; attempt < 30 && !improved; ++attempt) {
      // Levenberg-Marquardt: a large damping is a short gradient step, a small one a Newton step.
      Eigen::MatrixXd damped = hessian;
      const double diagonal_floor = std::max(1e-12, damping * std::max(1.0, hessian.diagonal().cwiseAbs().maxCoeff()));
      damped.diagonal().array() += diagonal_floor;
      Eigen::LDLT<Eigen::MatrixXd> solver(damped);
      Eigen::VectorXd step = -solver.solve(gradient);
      if (solver.info() != Eigen::Success || !step.allFinite() || step.dot(gradient) >= 0) {
        damping *= 10;
        continue;
      }
      // Never move a log-parameter by more than 2 (a factor e^2) in one step.
      const double largest = step.cwiseAbs().maxCoeff();
      if (largest > 2.0) step *= 2.0 / largest;
      const Eigen::VectorXd trial = x + step;
      double trial_ll = 0;
      const double trial_value =
          Evaluate(log_likelihood, trial, total_weight, options.l2_penalty, penalty_scale, &trial_gradient, &trial_ll);
      if (std::isfinite(trial_value) && trial_value <= value) {
        x = trial;
        value = trial_value;
        gradient = trial_gradient;
        ll = trial_ll;
        damping = std::max(1e-9, damping / 10);
        improved = true;
      } else {
        damping *= 10;
      }
    }
    if (!improved) {  // no direction decreases the objective any more
      stalled = true;
      break;
    }
  }
  meter.Finish();
  log_params = x;
  report.log_likelihood = ll;
  report.gradient_norm = gradient.norm();
  const bool converged = report.gradient_norm <= options.gradient_tolerance ||
                         (stalled && report.gradient_norm <= kStallTolerance);
  report.status = converged ? FitStatus::kConverged : FitStatus::kNoConvergence;
  return report;
}

FitReport MaximizeLogLikelihood(const LogLikelihoodFn& log_likelihood, Eigen::VectorXd& log_params,
                                double total_weight, const FitOptions& options, const Eigen::VectorXd& penalty_scale) {
  FitReport report;
  report.total_weight = total_weight;
  // An evaluation is a pass over every distinct row: look at the clock after each one.
  internal::ProgressMeter meter(options.progress, "fit", 0, kProgressInterval, 1);
  Objective objective(log_likelihood, total_weight, options.l2_penalty, penalty_scale, meter);

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
