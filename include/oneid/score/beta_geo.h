// BetaGeoModel: the BG/NBD model of Fader, Hardie & Lee (2005), "Counting Your Customers the Easy
// Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2):275-284.
//
// While alive, a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha); after each
// purchase she drops out with probability p ~ Beta(a, b). Fitted on PurchaseHistoryView (repeat
// frequency x, recency t_x, age T) by maximum likelihood (eq. 6 of the paper).
//
//   ONEID_ASSIGN_OR_RETURN(BetaGeoModel model, BetaGeoModel::Fit(histories));
//   model.params();                                     // {r 0.243, alpha 4.414, a 0.793, b 2.426} on CDNOW
//   model.ConditionalExpectedPurchases(39, 2, 30.43, 38.86);   // next 39 weeks of customer 1
//   model.ProbabilityAlive(2, 30.43, 38.86);
//   model.ExpectedPurchases(78);                        // E[X(t)] of a new customer: the tracking curve
//
// Predictions take times in the unit the model was fitted in. Scalar predictions expect valid
// histories (see ValidatePurchaseHistory); use MapHistories for validated batches.
#ifndef ONEID_SCORE_BETA_GEO_H_
#define ONEID_SCORE_BETA_GEO_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "oneid/score/fit_report.h"
#include "oneid/score/purchase_history.h"

namespace oneid {
inline namespace v0 {
namespace score {

struct BetaGeoParams {
  double r = 1.0;      // shape of the purchase-rate gamma
  double alpha = 1.0;  // scale (in time units) of the purchase-rate gamma
  double a = 1.0;      // dropout beta
  double b = 1.0;
};

class BetaGeoModel {
 public:
  // A model with given parameters (all finite and positive, else InvalidArgument).
  static absl::StatusOr<BetaGeoModel> Create(const BetaGeoParams& params);
  // Maximum-likelihood fit. InvalidArgument for invalid histories; FailedPrecondition when the
  // optimiser does not converge (the message carries the report).
  static absl::StatusOr<BetaGeoModel> Fit(const PurchaseHistoryView& histories, const FitOptions& options = {});

  const BetaGeoParams& params() const { return params_; }
  const FitReport& report() const { return report_; }

  // Weighted total log-likelihood of `histories` under this model.
  absl::StatusOr<double> LogLikelihood(const PurchaseHistoryView& histories) const;

  // E[X(T, T+t) | x, t_x, T]: expected purchases in the next t time units (FHL 2005, eq. 10).
  double ConditionalExpectedPurchases(double t, double x, double t_x, double T) const;
  // E[X(T, T+t) | alive at T, x, T]: ConditionalExpectedPurchases is ProbabilityAlive times this.
  // It does not depend on t_x, so batch predictions (CLV, intervals) compute it once per distinct
  // (x, T), which a log summarised in days has few of, and P(alive) once per distinct history.
  double ExpectedPurchasesIfAlive(double t, double x, double T) const;
  // P(alive at T | x, t_x, T) (FHL 2005 technical note, "Computing P(alive)"); 1 when x = 0.
  double ProbabilityAlive(double x, double t_x, double T) const;
  // E[X(t)] for a customer observed from her first purchase (FHL 2005, eq. 9).
  double ExpectedPurchases(double t) const;
  // P(X(t) = n) for a customer observed from her first purchase (FHL 2005, eq. 8).
  double ProbabilityOfPurchases(int n, double t) const;
  // P(no purchase in (T, T+h] | x, t_x, T) = 1 - P(alive) + P(alive) ((alpha+T)/(alpha+T+h))^(r+x):
  // a customer alive at T stays alive while she does not buy (dropout follows purchases).
  double ProbabilityNoPurchase(double h, double x, double t_x, double T) const;
  // P(alive at T+t | x, t_x, T), whatever she buys in between: P(alive) E[(1+p t/(alpha+T))^-(r+x)]
  // over the posterior p ~ Beta(a, b+x), i.e. P(alive) ((alpha+T)/(alpha+T+t))^(r+x)
  // 2F1(r+x, b+x; a+b+x; t/(alpha+T+t)). t = 0 gives ProbabilityAlive.
  double ProbabilityAliveAt(double t, double x, double t_x, double T) const;

  // Versioned text form (see detail/model_text.h); Load(Save()) reproduces the model exactly.
  std::string Save() const;
  static absl::StatusOr<BetaGeoModel> Load(std::string_view text);

 private:
  BetaGeoModel(const BetaGeoParams& params, const FitReport& report) : params_(params), report_(report) {}
  BetaGeoParams params_;
  FitReport report_;
};

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_BETA_GEO_H_
