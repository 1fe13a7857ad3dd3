// BetaGeoBetaBinomModel: the BG/BB model of Fader, Hardie & Shang (2010), "Customer-Base Analysis
// in a Discrete-Time Noncontractual Setting", Marketing Science 29(6):1086-1108.
//
// For discrete opportunities (a yearly donation drive, a weekly event): while alive, a customer
// transacts at each opportunity with probability p ~ Beta(alpha, beta), and before each
// opportunity she dies with probability theta ~ Beta(gamma, delta). Fitted on DiscreteHistoryView
// (x transactions, the last at opportunity t_x, out of n), usually compressed with weights as the
// donations data are.
//
//   ONEID_ASSIGN_OR_RETURN(BetaGeoBetaBinomModel model, BetaGeoBetaBinomModel::Fit(donations));
//   model.params();   // {alpha 1.204, beta 0.750, gamma 0.657, delta 2.783}
//   model.ConditionalExpectedPurchases(5, 3, 4, 6);   // next 5 opportunities
#ifndef ONEID_SCORE_BETA_GEO_BETA_BINOM_H_
#define ONEID_SCORE_BETA_GEO_BETA_BINOM_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "oneid/score/fit_report.h"
#include "oneid/score/purchase_history.h"

namespace oneid {
inline namespace v0 {
namespace score {

struct BetaGeoBetaBinomParams {
  double alpha = 1.0;  // transaction probability beta
  double beta = 1.0;
  double gamma = 1.0;  // dropout probability beta
  double delta = 1.0;
};

class BetaGeoBetaBinomModel {
 public:
  static absl::StatusOr<BetaGeoBetaBinomModel> Create(const BetaGeoBetaBinomParams& params);
  // InvalidArgument for invalid histories; FailedPrecondition when the optimiser does not converge.
  static absl::StatusOr<BetaGeoBetaBinomModel> Fit(const DiscreteHistoryView& histories,
                                                   const FitOptions& options = {});

  const BetaGeoBetaBinomParams& params() const { return params_; }
  const FitReport& report() const { return report_; }

  absl::StatusOr<double> LogLikelihood(const DiscreteHistoryView& histories) const;

  // P(alive at opportunity n + m | x, t_x, n), m >= 0 (FHS 2010, eq. 11 for m = 1; lifetimes'
  // `conditional_probability_alive(m_periods_in_future, ...)`).
  double ProbabilityAlive(double m, double x, double t_x, double n) const;
  // E[X(n, n + m) | x, t_x, n]: expected transactions in the next m opportunities (FHS 2010, eq. 13).
  double ConditionalExpectedPurchases(double m, double x, double t_x, double n) const;
  // E[X(n)] over the first n opportunities for a new customer (FHS 2010, eq. 7).
  double ExpectedPurchases(double n) const;
  // P(X(n) = x) for a new customer over her first n opportunities (FHS 2010, eq. 8; lifetimes'
  // expected_number_of_transactions_in_first_n_periods divided by the number of customers).
  double ProbabilityOfTransactions(int x, int n) const;
  // P(no transaction at opportunities n+1..n+m | x, t_x, n): dead now, or alive and, at each of
  // the next opportunities until she dies, not transacting.
  double ProbabilityNoPurchase(double m, double x, double t_x, double n) const;

  std::string Save() const;
  static absl::StatusOr<BetaGeoBetaBinomModel> Load(std::string_view text);

 private:
  BetaGeoBetaBinomModel(const BetaGeoBetaBinomParams& params, const FitReport& report)
      : params_(params), report_(report) {}
  BetaGeoBetaBinomParams params_;
  FitReport report_;
};

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_BETA_GEO_BETA_BINOM_H_
