// Tags: named audience rules that add 0/1 numeric columns, grouped in the five layers the trade
// uses to organise a tag system: value, need, behaviour, preference and risk.
//
//   std::vector<TagRule> rules = DefaultTags();
//   rules.push_back({"douyin_whale", TagLayer::kValue, "\"douyin\" in channels and clv_decile == 10", ""});
//   absl::StatusOr<TagReport> report = ApplyTags(table, rules, MissingColumns::kSkip);
//
// Rules apply in order, so a later rule may read an earlier tag (`high_value and not churn_risk`).
// A tag column holds 1 or 0 (never NaN: a rule whose comparisons meet NaN is simply false).
//
// The default tag set (DefaultTags) reads the column names the profile, score and segment layers
// use by default:
//   value       high_value       clv_decile >= 9
//               low_value        clv_decile <= 3
//               big_basket       monetary_score >= 5
//   need        repeat_buyer     frequency >= 2
//               new_customer     lifecycle_stage == "new"
//   behaviour   omni_channel     count(channels) >= 2
//               frequent_buyer   frequency_score >= 4
//               member           member_tier != ""
//   preference  douyin_shopper   "douyin" in channels
//               store_shopper    "pos" in channels
//               online_only      count(channels) >= 1 and "pos" not in channels
//   risk        churn_risk       p_alive < 0.3 and frequency >= 1
//               lapsing          lifecycle_stage in ("sleeping", "lost")
//               price_sensitive  coupon_share >= 0.5
//               points_expiring  points_expiring > 0
#ifndef ONEID_SEGMENT_TAGS_H_
#define ONEID_SEGMENT_TAGS_H_

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

enum class TagLayer : uint8_t { kValue, kNeed, kBehaviour, kPreference, kRisk };

// "value", "need", "behaviour", "preference", "risk".
std::string_view TagLayerName(TagLayer layer);
// The layer of a name as TagLayerName gives it. InvalidArgument otherwise.
[[nodiscard]] absl::StatusOr<TagLayer> TagLayerFromName(std::string_view name);

struct TagRule {
  std::string name;        // the column it adds
  TagLayer layer = TagLayer::kValue;
  std::string expression;  // audience language (audience.h)
  std::string description;
};

std::vector<TagRule> DefaultTags();

// What to do with a rule that reads a column the table does not have.
enum class MissingColumns : uint8_t {
  kError,  // fail (the default: a misspelt column must not silently produce an empty tag)
  kSkip,   // skip the rule and list it in TagReport::skipped (for the default set over a partial table)
};

struct SkippedTag {
  std::string name;
  std::string reason;  // "unknown column 'coupon_share' at position 1; ..."
};

struct TagReport {
  std::vector<std::string> applied;  // tag columns added, in order
  std::vector<SkippedTag> skipped;
};

// Compiles every rule first (a syntax error fails before any column is added: InvalidArgument
// naming the tag), then evaluates them in order and adds each as a 0/1 numeric column.
// InvalidArgument for an empty or duplicate tag name, a syntax or type error (naming the tag) and,
// with MissingColumns::kError, an unknown column.
[[nodiscard]] absl::StatusOr<TagReport> ApplyTags(profile::FeatureTable& table, const std::vector<TagRule>& rules,
                                                  MissingColumns missing = MissingColumns::kError);

}  // namespace segment
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SEGMENT_TAGS_H_
