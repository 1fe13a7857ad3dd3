// ModifiedBetaGeoModel: the MBG/NBD model of Batislam, Denizel & Filiztekin (2007), "Empirical
// validation and comparison of models for customer base analysis", International Journal of
// Research in Marketing 24(3):201-209 (also Hoppe & Wagner's central variant of BG/NBD).
//
// As BG/NBD, except that a customer may also drop out right after her first purchase, so a
// customer without repeat purchases is not certainly alive. That removes BG/NBD's artefact of
// P(alive) = 1 for every one-time buyer. Fitted on PurchaseHistoryView; the likelihood and the
// predictions follow lifetimes' ModifiedBetaGeoFitter (the same parametrisation r, alpha, a, b).
//
//   ONEID_ASSIGN_OR_RETURN(ModifiedBetaGeoModel model, ModifiedBetaGeoModel::Fit(histories));
//   model.ProbabilityAlive(0, 0, 38.86);   // < 1, unlike BG/NBD
//
// Predictions take times in the unit the model was fitted in.
#ifndef ONEID_SCORE_MODIFIED_BETA_GEO_H_
#define ONEID_SCORE_MODIFIED_BETA_GEO_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "oneid/score/fit_report.h"
#include "oneid/score/purchase_history.h"

namespace oneid {
inline namespace v0 {
namespace score {

struct ModifiedBetaGeoParams {
  double r = 1.0;      // shape of the purchase-rate gamma
  double alpha = 1.0;  // scale (in time units) of the purchase-rate gamma
  double a = 1.0;      // dropout beta
  double b = 1.0;
};

class ModifiedBetaGeoModel {
 public:
  // A model with given parameters (all finite and positive, else InvalidArgument).
  static absl::StatusOr<ModifiedBetaGeoModel> Create(const ModifiedBetaGeoParams& params);
  // Maximum-likelihood fit. InvalidArgument for invalid histories; FailedPrecondition when the
  // optimiser does not converge (the message carries the report).
  static absl::StatusOr<ModifiedBetaGeoModel> Fit(const PurchaseHistoryView& histories, const FitOptions& options = {});

  const ModifiedBetaGeoParams& params() const { return params_; }
  const FitReport& report() const { return report_; }

  // Weighted total log-likelihood of `histories` under this model.
  absl::StatusOr<double> LogLikelihood(const PurchaseHistoryView& histories) const;

  // E[X(T, T+t) | x, t_x, T]: expected purchases in the next t time units (Batislam et al. 2007).
  double ConditionalExpectedPurchases(double t, double x, double t_x, double T) const;
  // E[X(T, T+t) | alive at T, x, T]: ConditionalExpectedPurchases is ProbabilityAlive times this.
  // It does not depend on t_x, so batch predictions (CLV, intervals) compute it once per distinct
  // (x, T), which a log summarised in days has few of, and P(alive) once per distinct history.
  double ExpectedPurchasesIfAlive(double t, double x, double T) const;
  // P(alive at T | x, t_x, T).
  double ProbabilityAlive(double x, double t_x, double T) const;
  // E[X(t)] for a customer observed from her first purchase (Batislam et al. 2007).
  double ExpectedPurchases(double t) const;
  // P(X(t) = n) for a customer observed from her first purchase (lifetimes'
  // ModifiedBetaGeoFitter.probability_of_n_purchases_up_to_time): BG/NBD's eq. 8 with the dropout
  // chance at time 0, B(a, b+n+1) NBD(n) + B(a+1, b+n) (1 - sum_{j<n} NBD(j)), over B(a, b).
  double ProbabilityOfPurchases(int n, double t) const;
  // P(no purchase in (T, T+h] | x, t_x, T) = 1 - P(alive) + P(alive) ((alpha+T)/(alpha+T+h))^(r+x).
  double ProbabilityNoPurchase(double h, double x, double t_x, double T) const;
  // P(alive at T+t | x, t_x, T): as BG/NBD with the posterior p ~ Beta(a, b+x+1).
  double ProbabilityAliveAt(double t, double x, double t_x, double T) const;

  // Versioned text form (see detail/model_text.h); Load(Save()) reproduces the model exactly.
  std::string Save() const;
  static absl::StatusOr<ModifiedBetaGeoModel> Load(std::string_view text);

 private:
  ModifiedBetaGeoModel(const ModifiedBetaGeoParams& params, const FitReport& report) : params_(params), report_(report) {}
  ModifiedBetaGeoParams params_;
  FitReport report_;
};

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_MODIFIED_BETA_GEO_H_
