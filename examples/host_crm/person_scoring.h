// How the CRM scores and segments persons: fitted once on the whole base, then applied to any set of
// persons on the same scale, so that re-scoring only the persons a batch touched gives exactly the
// rows a full re-run with that fit would give.
//
// Base-relative parts are frozen at fit time: RFM edges and the lifetime-value models
// (oneid::score::ProfileScorer), and the CLV decile edges and tier cuts (fitted here as values, not
// as shares of whatever rows are being scored). Lifecycle stages, tags and triggers depend on the
// person's own row only.
#ifndef ONEID_EXAMPLES_HOST_CRM_PERSON_SCORING_H_
#define ONEID_EXAMPLES_HOST_CRM_PERSON_SCORING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oneid/oneid.h"

namespace host_crm {

struct Segmented {
  std::vector<std::string> tags;  // the 0/1 tag columns added
  std::vector<oneid::segment::FiredTrigger> triggers;
};

class PersonScoring {
 public:
  struct Fitted;
  // Fits on the base's profiles (every person with an event) and scores and segments the base
  // itself, as Apply would, in the same pass.
  static absl::StatusOr<Fitted> FitAndApply(oneid::profile::FeatureTable& base);

  // Adds scores (ProfileScorer's columns), clv_decile and value_tier on the fitted scale,
  // lifecycle_stage and the default tags, and returns the tags and the fired triggers.
  absl::StatusOr<Segmented> Apply(oneid::profile::FeatureTable& persons) const;

  const oneid::score::ProfileScorer& scorer() const { return scorer_; }

 private:
  explicit PersonScoring(oneid::score::ProfileScorer scorer) : scorer_(std::move(scorer)) {}
  // Everything after the scores: value deciles and tiers, lifecycle, tags, triggers.
  absl::StatusOr<Segmented> SegmentScored(oneid::profile::FeatureTable& persons) const;

  oneid::score::ProfileScorer scorer_;
  std::vector<double> clv_decile_edges_;        // 9 values: BinOf gives deciles 1..10
  oneid::segment::ValueTierConfig value_tiers_; // absolute CLV cuts
};

struct PersonScoring::Fitted {
  PersonScoring scoring;
  Segmented base;  // the base's tags and triggers
};

}  // namespace host_crm

#endif  // ONEID_EXAMPLES_HOST_CRM_PERSON_SCORING_H_
