// Value tiers from a value column (CLV by default): a decile per row and a named tier.
//
//   ValueTierConfig config;                    // "clv" -> "clv_decile" and "value_tier"
//   absl::Status s = AddValueTiers(table, config);
//
// Deciles: among the rows whose value is finite, decile = 1 + floor(10 * below / n), where
// `below` counts the finite values strictly smaller than the row's value and n is the number of
// finite values. Equal values therefore share a decile (ties go to the lower decile), 10 holds the
// most valuable rows, and NaN stays NaN.
//
// Named tiers: `tiers` lists (name, cut) from the top down; a row takes the first tier whose cut
// it reaches. With cuts_are_quantiles (the default) a cut is a share of the ranked rows: a row
// reaches cut q when below / n >= q, so {"platinum", 0.99} is the top 1% (up to ties). Otherwise
// cuts are values of the column itself (CLV >= 5000). A row reaching no cut, or whose value is
// NaN, gets "" (missing).
#ifndef ONEID_SEGMENT_VALUE_TIER_H_
#define ONEID_SEGMENT_VALUE_TIER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/profile/feature_table.h"

namespace oneid {
inline namespace v0 {
namespace segment {

struct NamedTier {
  std::string name;
  double cut = 0;
};

struct ValueTierConfig {
  std::string value_column = "clv";
  std::vector<NamedTier> tiers = {{"platinum", 0.95}, {"gold", 0.80}, {"silver", 0.50}, {"bronze", 0.0}};
  bool cuts_are_quantiles = true;
  std::string decile_column = "clv_decile";  // "" to skip
  std::string tier_column = "value_tier";    // "" to skip

  // InvalidArgument unless tier names are non-empty and distinct and cuts strictly decrease
  // (quantile cuts within [0, 1]).
  [[nodiscard]] absl::Status Validate() const;
};

struct ValueTiers {
  std::vector<double> decile;     // 1..10, NaN where the value is NaN
  std::vector<std::string> tier;  // tier name, "" where none applies
};

// Deciles and tiers of `values` (ties and NaN as in the file comment).
[[nodiscard]] absl::StatusOr<ValueTiers> ComputeValueTiers(absl::Span<const double> values,
                                                           const ValueTierConfig& config = {});

// ComputeValueTiers over config.value_column, added as a numeric decile column and a text tier
// column. InvalidArgument when the value column is missing or not numeric.
[[nodiscard]] absl::Status AddValueTiers(profile::FeatureTable& table, const ValueTierConfig& config = {});

}  // namespace segment
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SEGMENT_VALUE_TIER_H_
