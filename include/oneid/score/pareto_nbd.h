// ParetoNbdModel: the Pareto/NBD model of Schmittlein, Morrison & Colombo (1987), "Counting Your
// Customers: Who Are They and What Will They Do Next?", Management Science 33(1):1-24, in the form
// of Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions".
//
// While alive, a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha); her
// lifetime is exponential with rate mu ~ Gamma(s, beta), independent of lambda.
//
// The likelihood's awkward term is usually written with Gauss 2F1 functions of the parameters,
// whose derivatives in the parameters have no closed form. oneid writes it as the integral it
// comes from instead,
//   L = Gamma(r+x)/Gamma(r) alpha^r beta^s [ (alpha+T)^-(r+x) (beta+T)^-s
//                                            + s Int_{t_x}^{T} (alpha+u)^-(r+x) (beta+u)^-(s+1) du ],
// (the customer is alive at T, or died at u in (t_x, T] having bought nothing since t_x), and
// integrates it and its parameter derivatives together with Gauss-Legendre quadrature in
// log(alpha+u), split into panels so that each spans a bounded change of the integrand. That gives
// the value and an analytic gradient from one pass.
//
//   ONEID_ASSIGN_OR_RETURN(ParetoNbdModel model, ParetoNbdModel::Fit(histories));
//   model.params();   // {r 0.553, alpha 10.58, s 0.606, beta 11.67} on CDNOW
//
// Predictions take times in the unit the model was fitted in.
#ifndef ONEID_SCORE_PARETO_NBD_H_
#define ONEID_SCORE_PARETO_NBD_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "oneid/score/fit_report.h"
#include "oneid/score/purchase_history.h"

namespace oneid {
inline namespace v0 {
namespace score {

struct ParetoNbdParams {
  double r = 1.0;      // shape of the purchase-rate gamma
  double alpha = 1.0;  // scale of the purchase-rate gamma
  double s = 1.0;      // shape of the dropout-rate gamma
  double beta = 1.0;   // scale of the dropout-rate gamma
};

class ParetoNbdModel {
 public:
  static absl::StatusOr<ParetoNbdModel> Create(const ParetoNbdParams& params);
  // InvalidArgument for invalid histories; FailedPrecondition when the optimiser does not converge.
  static absl::StatusOr<ParetoNbdModel> Fit(const PurchaseHistoryView& histories, const FitOptions& options = {});

  const ParetoNbdParams& params() const { return params_; }
  const FitReport& report() const { return report_; }

  absl::StatusOr<double> LogLikelihood(const PurchaseHistoryView& histories) const;

  // P(alive at T | x, t_x, T) (Fader & Hardie 2005 note, eq. 18, through the integral above).
  double ProbabilityAlive(double x, double t_x, double T) const;
  // E[X(T, T+t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]
  // P(alive) (Schmittlein et al. 1987; the log form at s = 1).
  double ConditionalExpectedPurchases(double t, double x, double t_x, double T) const;
  // E[X(T, T+t) | alive at T, x, T]: ConditionalExpectedPurchases is ProbabilityAlive times this.
  // It does not depend on t_x, so batch predictions (CLV, intervals) compute it once per distinct
  // (x, T), which a log summarised in days has few of, and P(alive) once per distinct history.
  double ExpectedPurchasesIfAlive(double t, double x, double T) const;
  // E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] for a new customer.
  double ExpectedPurchases(double t) const;
  // P(X(T, T+t) = n | x, t_x, T): lifetimes' conditional_probability_of_n_purchases_up_to_time.
  // Alive at T (else 0 purchases), lambda ~ Gamma(r+x, alpha+T) and mu ~ Gamma(s, beta+T); she
  // either lives through (T, T+t] or dies at T+u, so with NB(n; u) the negative binomial of
  // purchases in u time units,
  //   P(n) = [n=0](1 - P(alive)) + P(alive) [NB(n; t) ((beta+T)/(beta+T+t))^s
  //          + Int_0^t NB(n; u) s (beta+T)^s (beta+T+u)^-(s+1) du],
  // integrated by Gauss-Legendre quadrature as the likelihood is.
  double ConditionalProbabilityOfPurchases(int n, double t, double x, double t_x, double T) const;
  // P(no purchase in (T, T+h] | x, t_x, T): the n = 0 case of the above.
  double ProbabilityNoPurchase(double h, double x, double t_x, double T) const;
  // P(alive at T+t | x, t_x, T) = P(alive) ((beta+T)/(beta+T+t))^s.
  double ProbabilityAliveAt(double t, double x, double t_x, double T) const;

  std::string Save() const;
  static absl::StatusOr<ParetoNbdModel> Load(std::string_view text);

 private:
  ParetoNbdModel(const ParetoNbdParams& params, const FitReport& report) : params_(params), report_(report) {}
  ParetoNbdParams params_;
  FitReport report_;
};

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_PARETO_NBD_H_
