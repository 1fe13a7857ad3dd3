// SegmentTable: lifecycle stages, value tiers and tags in one call, as a CRM's nightly job runs
// them (the Python `oneid.segment` and the `oneid segment` command call this).
//
//   SegmentConfig config;                  // defaults: every part on, the default tag set
//   absl::StatusOr<SegmentReport> r = SegmentTable(table, config);
//
// Order: lifecycle (adds lifecycle_stage), value tiers (clv_decile, value_tier), then tags, so that
// tags can read the stage and the tier.
#ifndef ONEID_SEGMENT_SEGMENT_TABLE_H_
#define ONEID_SEGMENT_SEGMENT_TABLE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oneid/profile/feature_table.h"
#include "oneid/segment/lifecycle.h"
#include "oneid/segment/tags.h"
#include "oneid/segment/value_tier.h"

namespace oneid {
inline namespace v0 {
namespace segment {

struct SegmentConfig {
  std::optional<LifecycleConfig> lifecycle = LifecycleConfig{};  // nullopt: no lifecycle stage
  std::optional<ValueTierConfig> value_tiers = ValueTierConfig{}; // nullopt: no deciles or tiers
  std::vector<TagRule> tags = DefaultTags();
  MissingColumns missing_tag_columns = MissingColumns::kSkip;     // the default set over partial tables
};

struct SegmentReport {
  std::vector<std::string> columns_added;  // in the order they were added
  TagReport tags;
};

// Errors of the parts, unchanged (InvalidArgument naming the column or config field).
[[nodiscard]] absl::StatusOr<SegmentReport> SegmentTable(profile::FeatureTable& table, const SegmentConfig& config = {});

}  // namespace segment
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SEGMENT_SEGMENT_TABLE_H_
