// Lifecycle stage per OneID: prospect, new, active, sleeping, lost, won back.
//
//   LifecycleConfig config;                       // column names and thresholds, see below
//   absl::StatusOr<std::vector<LifecycleStage>> stages = AssignLifecycle(table, config);
//   absl::Status s = AddLifecycle(table, config);  // adds the text column "lifecycle_stage"
//
// Inputs (numeric columns of the profile table; names configurable, "" drops an optional input):
//   orders          number of purchases (all of them, not "repeat purchases"); required
//   recency         days since the last purchase as of the observation date; required
//   tenure          days since the first purchase; optional (without it "new" means one order)
//   interval        the member's usual interval between purchases in days (NaN with < 2
//                   purchases); optional (without it the fixed thresholds apply to everyone)
//   previous gap    days between the last purchase and the one before it (NaN with < 2
//                   purchases); optional (without it nobody is "won back")
//
// Rules, first match wins:
//   1. prospect   orders is 0 or NaN, or recency is NaN (never bought)
//   2. new        tenure <= new_days (without tenure: orders == 1 and recency <= new_days)
//   3. won back   recency <= active limit and previous gap > lost limit: the member had lapsed
//                 as far as "lost" before the latest purchase brought them back
//   4. active     recency <= active limit
//   5. sleeping   recency <= lost limit
//   6. lost       otherwise
// Limits: when `relative` is set and the member's interval is known (finite, > 0), the active
// limit is active_factor x interval and the lost limit lost_factor x interval, each clamped to
// [min_days, max_days], so a weekly shopper is sleeping after a fortnight while a twice-a-year
// shopper is not; otherwise the fixed active_days and lost_days apply.
#ifndef ONEID_SEGMENT_LIFECYCLE_H_
#define ONEID_SEGMENT_LIFECYCLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "oneid/profile/feature_table.h"

namespace oneid {
inline namespace v0 {
namespace segment {

enum class LifecycleStage : uint8_t { kProspect, kNew, kActive, kSleeping, kLost, kWonBack };

// "prospect", "new", "active", "sleeping", "lost", "won_back".
std::string_view LifecycleStageName(LifecycleStage stage);

struct LifecycleConfig {
  std::string orders_column = "frequency";
  std::string recency_column = "recency_days";
  std::string tenure_column = "tenure_days";
  std::string interval_column = "interval_mean_days";
  std::string previous_gap_column = "last_gap_days";

  double new_days = 30;
  double active_days = 90;   // fixed active limit
  double lost_days = 180;    // fixed lost limit
  bool relative = true;      // use the member's interval when known
  double active_factor = 2.0;
  double lost_factor = 4.0;
  double min_days = 14;      // clamp of the relative limits
  double max_days = 365;

  std::string output_column = "lifecycle_stage";

  // InvalidArgument naming the field when a threshold is negative, NaN or out of order.
  [[nodiscard]] absl::Status Validate() const;
};

// The active and lost limits (days) for a member with usual interval `interval_days` (NaN: none).
struct LifecycleLimits {
  double active_days;
  double lost_days;
};
LifecycleLimits LimitsFor(const LifecycleConfig& config, double interval_days);

// One stage per row. InvalidArgument when a configured column is missing or not numeric (naming
// the column and the config field) or the config is invalid.
[[nodiscard]] absl::StatusOr<std::vector<LifecycleStage>> AssignLifecycle(const profile::FeatureTable& table,
                                                                          const LifecycleConfig& config = {});

// AssignLifecycle, then the stage names as the text column config.output_column.
[[nodiscard]] absl::Status AddLifecycle(profile::FeatureTable& table, const LifecycleConfig& config = {});

}  // namespace segment
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SEGMENT_LIFECYCLE_H_
