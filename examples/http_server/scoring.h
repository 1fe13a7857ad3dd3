// Scores and segments for a host that re-scores a few persons at a time.
//
// The models are fitted once on the whole base (at start-up, or on POST /refit) and then applied,
// unchanged, to any subset of persons. oneid's ProfileScorer does the RFM edges, BG/NBD and
// Gamma-Gamma part (fit on the base, apply on its scale); this file adds what the library ranks
// only within one table: CLV deciles and value tiers, here ranked against the base's CLV
// distribution kept at fit time. So re-scoring the three persons a write touched gives them
// exactly the scores and tiers a full re-score with the same models would, without touching
// anyone else.
#ifndef ONEID_EXAMPLES_HTTP_SERVER_SCORING_H_
#define ONEID_EXAMPLES_HTTP_SERVER_SCORING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oneid/profile/feature_table.h"
#include "oneid/score/profile_scorer.h"
#include "oneid/segment/triggers.h"

namespace oneid_http {

struct Models {
  oneid::score::ProfileScorer scorer;  // RFM edges, BG/NBD, Gamma-Gamma of the base
  std::vector<double> clv_sorted;      // the base buyers' CLV, ascending: deciles and tiers rank against it
};

// Fits every model on `base` (a profile table of the whole base) and leaves `base` scored with
// them (ProfileScorer's columns). FailedPrecondition when the base has fewer than 10 buyers or no
// repeat buyer to fit on.
absl::StatusOr<Models> FitModels(oneid::profile::FeatureTable& base);

// What segmenting a table produced besides its columns.
struct Scored {
  std::vector<std::string> tags;                       // tag columns added (0/1)
  std::vector<oneid::segment::FiredTrigger> triggers;  // in row order
};

// Adds to `table` (any subset of persons): ProfileScorer's columns (recency/frequency/
// monetary_score, rfm_segment, p_alive, expected_purchases_90d, clv) unless `already_scored`,
// then clv_decile, value_tier, lifecycle_stage, the default tags; and fires the triggers. Persons
// who never bought get NaN scores and no tier, as the pipeline gives them.
absl::StatusOr<Scored> ScoreAndSegment(oneid::profile::FeatureTable& table, const Models& models,
                                       bool already_scored = false);

}  // namespace oneid_http

#endif  // ONEID_EXAMPLES_HTTP_SERVER_SCORING_H_
