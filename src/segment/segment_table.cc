// SegmentTable; see include/oneid/segment/segment_table.h.
#include "oneid/segment/segment_table.h"

#include "oneid/internal/status_macros.h"

namespace oneid {
inline namespace v0 {
namespace segment {

absl::StatusOr<SegmentReport> SegmentTable(profile::FeatureTable& table, const SegmentConfig& config) {
  SegmentReport report;
  if (config.lifecycle.has_value()) {
    ONEID_RETURN_IF_ERROR(AddLifecycle(table, *config.lifecycle));
    report.columns_added.push_back(config.lifecycle->output_column);
  }
  if (config.value_tiers.has_value()) {
    ONEID_RETURN_IF_ERROR(AddValueTiers(table, *config.value_tiers));
    if (!config.value_tiers->decile_column.empty()) report.columns_added.push_back(config.value_tiers->decile_column);
    if (!config.value_tiers->tier_column.empty()) report.columns_added.push_back(config.value_tiers->tier_column);
  }
  ONEID_ASSIGN_OR_RETURN(report.tags, ApplyTags(table, config.tags, config.missing_tag_columns));
  report.columns_added.insert(report.columns_added.end(), report.tags.applied.begin(), report.tags.applied.end());
  return report;
}

}  // namespace segment
}  // namespace v0
}  // namespace oneid
