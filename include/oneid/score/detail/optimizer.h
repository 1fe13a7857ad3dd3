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

// Maximises `log_likelihood` over log-parameters starting from `log_params` (updated in place to
// the best point found). `total_weight` scales the objective to a mean. The report's status says
// whether the gradient tolerance was met.
FitReport MaximizeLogLikelihood(const LogLikelihoodFn& log_likelihood, Eigen::VectorXd& log_params,
                                double total_weight, const FitOptions& options);

}  // namespace detail
}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_DETAIL_OPTIMIZER_H_
