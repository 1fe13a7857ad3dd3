// Triggers: the moments a CRM should act on a member, each with a reason a person can read.
//
//   TriggerConfig config;                               // column names and thresholds
//   absl::StatusOr<std::vector<FiredTrigger>> fired = FireTriggers(table, config);
//   // {row 17, oneid 9001, kDueToRepurchase, "no purchase for 48 days; usual interval 21 days"}
//
// Kinds (each can be switched off; a switched-on trigger whose column is missing is an
// InvalidArgument naming the column and the config field, never a silent "nobody"):
//   due_to_repurchase  interval > 0 and factor x interval < recency <= max_factor x interval:
//                      the member is late for their usual purchase, but not so late that it is a
//                      win-back case (that is the lifecycle's "sleeping"/"lost")
//   at_risk            P(alive) < threshold
//   points_expiring    points > 0 and 0 <= days until they expire <= window
//   cart_abandoned     0 <= days since a cart was abandoned <= window (optional cart value shown)
// NaN never fires a trigger. Rows come out in table order, and within a row in the order above.
#ifndef ONEID_SEGMENT_TRIGGERS_H_
#define ONEID_SEGMENT_TRIGGERS_H_

#include <cstddef>
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

enum class TriggerKind : uint8_t { kDueToRepurchase, kAtRisk, kPointsExpiring, kCartAbandoned };

// "due_to_repurchase", "at_risk", "points_expiring", "cart_abandoned".
std::string_view TriggerKindName(TriggerKind kind);

struct TriggerConfig {
  bool due_to_repurchase = true;
  std::string recency_column = "recency_days";
  std::string interval_column = "interval_mean_days";
  double repurchase_factor = 1.0;
  double repurchase_max_factor = 3.0;

  bool at_risk = true;
  std::string p_alive_column = "p_alive";
  double p_alive_threshold = 0.3;

  bool points_expiring = true;
  std::string points_column = "points_expiring";           // points that will expire
  std::string points_days_column = "points_expiry_days";   // days until they do
  double points_window_days = 30;

  bool cart_abandoned = true;
  std::string cart_days_column = "cart_abandoned_days";    // days since the abandoned cart; NaN none
  std::string cart_value_column = "";                      // optional: the cart's value
  double cart_window_days = 3;

  // InvalidArgument naming the field for a negative window or factor or a threshold outside [0, 1].
  [[nodiscard]] absl::Status Validate() const;
};

struct FiredTrigger {
  size_t row = 0;
  profile::OneId oneid = 0;
  TriggerKind kind = TriggerKind::kAtRisk;
  std::string reason;
};

[[nodiscard]] absl::StatusOr<std::vector<FiredTrigger>> FireTriggers(const profile::FeatureTable& table,
                                                                     const TriggerConfig& config = {});

}  // namespace segment
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SEGMENT_TRIGGERS_H_
