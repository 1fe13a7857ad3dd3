// ProfileScorer: the per-person scores a CRM keeps, fitted once on a base of profiles and then
// applied on that same scale to any profile rows: the whole base, or only the persons a batch
// touched (BatchReport::touched_oneids + ProfileBuilder::BuildPersons).
//
//   ONEID_ASSIGN_OR_RETURN(ProfileScorer scorer, ProfileScorer::Fit(base_profiles));
//   ONEID_RETURN_IF_ERROR(scorer.Apply(base_profiles));     // adds the columns below
//   ...
//   ONEID_RETURN_IF_ERROR(scorer.Apply(touched_profiles));  // same RFM edges, same fitted models
//
// Why fit and apply are separate: RFM scores are quantiles of the base and the lifetime-value
// models are fitted on it. Re-fitting on a handful of touched persons would score them on a scale
// of their own; applying the base's fit scores them exactly as a full re-run with that fit would.
// Refit on the whole base on a slower cadence (nightly, weekly) as the base drifts.
//
// Reads the profile layer's columns: recency_days, frequency, monetary_total (RFM) and
// cb_frequency, cb_recency, cb_T, cb_monetary (BG/NBD and Gamma-Gamma, time in days). Writes:
//   recency_score, frequency_score, monetary_score   1..bins (NaN for a person who never bought)
//   rfm_segment                                     RfmSegmentName ("" for a person who never bought)
//   p_alive                                         BG/NBD P(alive) (NaN: never bought)
//   expected_purchases_90d (options)                BG/NBD expected purchase days in the horizon
//   clv                                             discounted CLV, BG/NBD x Gamma-Gamma
//   p_no_purchase_7d, _14d, _30d (options)          BG/NBD P(no purchase in the next h days), the
//                                                   churn horizons a rule like p_no_purchase_30d > 0.8 reads
//
// Thread safety: a fitted scorer is immutable; Apply may run concurrently on different tables.
#ifndef ONEID_SCORE_PROFILE_SCORER_H_
#define ONEID_SCORE_PROFILE_SCORER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "oneid/profile/feature_table.h"
#include "oneid/score/beta_geo.h"
#include "oneid/score/customer_lifetime_value.h"
#include "oneid/score/fit_report.h"
#include "oneid/score/gamma_gamma.h"
#include "oneid/score/rfm.h"

namespace oneid {
inline namespace v0 {
namespace score {

struct ProfileScorerOptions {
  int rfm_bins = 5;
  // Horizon (days) of the expected-purchases column, and that column's name.
  double expected_purchases_days = 90;
  std::string expected_purchases_column = "expected_purchases_90d";
  // Horizons (days) of the p_no_purchase_<h>d columns: P(no purchase in the next h days).
  std::vector<int> no_purchase_days = {7, 14, 30};
  // Days are the models' time unit, so a month is 30 units.
  ClvOptions clv = {.months = 12, .monthly_discount_rate = 0.01, .periods_per_month = 30.0};
  FitOptions fit;
};

class ProfileScorer {
 public:
  // Fits RFM edges over the buyers (frequency > 0, recency known), BG/NBD over the buyers and
  // Gamma-Gamma over the repeat buyers with positive spend. NotFound naming a missing input
  // column; FailedPrecondition when there is no buyer or no repeat buyer; InvalidArgument for bad
  // options or input values (naming the row), and the fits' own errors.
  static absl::StatusOr<ProfileScorer> Fit(const profile::FeatureTable& base,
                                           const ProfileScorerOptions& options = {});

  // Adds (or replaces) the output columns on `table`, row by row on the fitted scale. Errors as
  // Fit for missing columns or bad values; `table` is unchanged on error.
  absl::Status Apply(profile::FeatureTable& table) const;

  // The columns Apply writes, in order.
  std::vector<std::string> OutputColumns() const;

  const BetaGeoModel& transactions() const { return transactions_; }
  const GammaGammaModel& spend() const { return spend_; }
  // The RFM scale: bins and edges, to pass to ComputeRfm for other customers.
  const RfmOptions& rfm_scale() const { return rfm_scale_; }
  const ProfileScorerOptions& options() const { return options_; }
  size_t buyers() const { return buyers_; }                // rows BG/NBD was fitted on
  size_t repeat_buyers() const { return repeat_buyers_; }  // rows Gamma-Gamma was fitted on

 private:
  ProfileScorer(BetaGeoModel transactions, GammaGammaModel spend) : transactions_(transactions), spend_(spend) {}

  BetaGeoModel transactions_;
  GammaGammaModel spend_;
  RfmOptions rfm_scale_;
  ProfileScorerOptions options_;
  size_t buyers_ = 0;
  size_t repeat_buyers_ = 0;
};

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_PROFILE_SCORER_H_
