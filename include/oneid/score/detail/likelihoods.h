// The log-likelihoods of the customer-base models with their analytic gradients, on compressed
// rows. Each returns the weighted total log-likelihood at natural parameters and, when `gradient`
// is not null, writes d LL / d parameter. Internal: the models' Fit() uses them, and the tests
// compare the gradients with finite differences.
//
// Row layouts (CompressedRows a, b, c):
//   BG/NBD, MBG/NBD, Pareto/NBD: frequency x, recency t_x, age T      params (r, alpha, a, b) or (r, alpha, s, beta)
//   Gamma-Gamma:                 frequency x, mean spend m, unused 0  params (p, q, v)
//   BG/BB:                       frequency x, recency t_x, periods n  params (alpha, beta, gamma, delta)
#ifndef ONEID_SCORE_DETAIL_LIKELIHOODS_H_
#define ONEID_SCORE_DETAIL_LIKELIHOODS_H_

#include <Eigen/Core>

#include "oneid/score/detail/compressed_rows.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {

double BetaGeoLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params, Eigen::VectorXd* gradient);
double ModifiedBetaGeoLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params,
                                    Eigen::VectorXd* gradient);
double ParetoNbdLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params, Eigen::VectorXd* gradient);
double GammaGammaLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params, Eigen::VectorXd* gradient);
double BetaGeoBetaBinomLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params,
                                     Eigen::VectorXd* gradient);

}  // namespace detail
}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_DETAIL_LIKELIHOODS_H_
