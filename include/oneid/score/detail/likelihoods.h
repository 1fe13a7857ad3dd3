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

// The row sum BG/NBD and MBG/NBD share. Per row, with A3 = -(r+x) ln(alpha+T) and
// A4 = log_a4[g] - (r+x) ln(alpha+t_x):  LL = constant[g] + ln(e^A3 + [has A4] e^A4), and its
// gradient from the per-frequency tables d_r, d_a, d_b, where A4's b-derivative is
// -1/(b + x + b_shift). The models differ only in these tables, b_shift and which rows have A4
// (BG/NBD: x > 0, b_shift -1; MBG/NBD: every row, b_shift 0).
struct BetaGeoFamilyTerms {
  std::vector<double> constant, log_a4, d_r, d_a, d_b;  // per distinct frequency
  double b_shift = 0;
  bool one_time_buyers_have_a4 = false;
};
double BetaGeoFamilyRowSum(const CompressedRows& rows, double r, double alpha, double a, double b,
                           const BetaGeoFamilyTerms& terms, Eigen::VectorXd* gradient);
double ModifiedBetaGeoLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params,
                                    Eigen::VectorXd* gradient);
double ParetoNbdLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params, Eigen::VectorXd* gradient);
double GammaGammaLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params, Eigen::VectorXd* gradient);
// One Pareto/NBD customer's bracket (see pareto_nbd.cc): log g(t_x), log of the bracket relative
// to it, and P(alive); `d` (4 values, may be null) receives d log(g(t_x) B) / d (r, alpha, s, beta).
// LL = lgamma(r+x) - lgamma(r) + r log alpha + s log beta + log_g0 + log_b.
struct Bracket {
  double log_g0;       // log g(t_x)
  double log_b;        // log B
  double alive_share;  // first term / B
};
Bracket ParetoBracket(double r, double alpha, double s, double beta, double x, double t_x, double T, double* d);

// One BG/NBD customer's log-likelihood; `d` (4 values, may be null) receives d LL / d (r, alpha, a, b).
double BetaGeoRowLogLikelihood(double r, double alpha, double a, double b, double x, double t_x, double T, double* d);

double BetaGeoBetaBinomLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params,
                                     Eigen::VectorXd* gradient);

}  // namespace detail
}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_DETAIL_LIKELIHOODS_H_
