// Scores and segments for a host that re-scores a few persons at a time.
//
// The models are fitted once on the whole base (at start-up, or on POST /refit) and then applied,
// unchanged, to any subset of persons: RFM with the base's quintile edges (RfmOptions' explicit
// edges), BG/NBD + Gamma-Gamma with the base's parameters, and CLV deciles and value tiers ranked
// against the base's CLV distribution. So re-scoring the three persons a write touched gives them
// exactly the scores a full re-score with the same models would, without touching anyone else.
#ifndef ONEID_EXAMPLES_HTTP_SERVER_SCORING_H_
#define ONEID_EXAMPLES_HTTP_SERVER_SCORING_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oneid/profile/feature_table.h"
#include "oneid/score/beta_geo.h"
#include "oneid/score/gamma_gamma.h"
#include "oneid/score/rfm.h"
#include "oneid/segment/triggers.h"

namespace oneid_http {

struct Models {
  oneid::score::RfmOptions rfm;  // bins and the base's quantile edges
  std::optional<oneid::score::BetaGeoModel> bg_nbd;
  std::optional<oneid::score::GammaGammaModel> gamma_gamma;
  std::vector<double> clv_sorted;  // the base buyers' CLV, ascending: deciles and tiers rank against it
  size_t buyers = 0;
  size_t repeat_buyers = 0;
};

// Fits every model on `base` (a profile table of the whole base). FailedPrecondition when the base
// has too few buyers or repeat buyers to fit on.
absl::StatusOr<Models> FitModels(const oneid::profile::FeatureTable& base);

// What scoring a table produced besides its columns.
struct Scored {
  std::vector<std::string> tags;                       // tag columns added (0/1)
  std::vector<oneid::segment::FiredTrigger> triggers;  // in row order
};

// Adds to `table` (any subset of persons): recency/frequency/monetary_score, rfm_segment, p_alive,
// expected_purchases_90d, clv, clv_decile, value_tier, lifecycle_stage, the default tags; and fires
// the triggers. Persons who never bought get NaN scores and no tier, as the pipeline gives them.
absl::StatusOr<Scored> ScoreAndSegment(oneid::profile::FeatureTable& table, const Models& models);

}  // namespace oneid_http

#endif  // ONEID_EXAMPLES_HTTP_SERVER_SCORING_H_
