// Deciles and named value tiers; see include/oneid/segment/value_tier.h.
#include "oneid/segment/value_tier.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "oneid/internal/status_macros.h"
#include "columns.h"

namespace oneid {
inline namespace v0 {
namespace segment {

absl::Status ValueTierConfig::Validate() const {
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < tiers.size(); ++i) {
    const NamedTier& t = tiers[i];
    const std::string where = absl::StrCat("ValueTierConfig.tiers[", i, "]");
    if (t.name.empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": a tier needs a name"));
    if (!seen.insert(t.name).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": duplicate tier name '", t.name, "'"));
    }
    if (std::isnan(t.cut) || (cuts_are_quantiles && (t.cut < 0 || t.cut > 1))) {
      return absl::InvalidArgumentError(absl::StrCat(where, " '", t.name, "': cut ", t.cut,
                                                     cuts_are_quantiles ? " must be a share in [0, 1]" : " is NaN"));
    }
    if (i > 0 && !(t.cut < tiers[i - 1].cut)) {
      return absl::InvalidArgumentError(absl::StrCat(where, " '", t.name, "': cuts must decrease from the top tier down (",
                                                     t.cut, " after ", tiers[i - 1].cut, ")"));
    }
  }
  if (value_column.empty()) return absl::InvalidArgumentError("ValueTierConfig.value_column must not be empty");
  return absl::OkStatus();
}

absl::StatusOr<ValueTiers> ComputeValueTiers(absl::Span<const double> values, const ValueTierConfig& config) {
  ONEID_RETURN_IF_ERROR(config.Validate());
  const size_t rows = values.size();
  // Sort the finite values once; `below` of a value is its lower_bound in the sorted list.
  std::vector<double> sorted;
  sorted.reserve(rows);
  for (double v : values) {
    if (std::isfinite(v)) sorted.push_back(v);
  }
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(sorted.size());
  ValueTiers out;
  out.decile.assign(rows, std::numeric_limits<double>::quiet_NaN());
  out.tier.assign(rows, std::string());
  for (size_t i = 0; i < rows; ++i) {
    const double v = values[i];
    if (!std::isfinite(v)) continue;
    const double below = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
    const double share = below / n;  // in [0, 1)
    out.decile[i] = 1 + std::floor(10 * share);
    for (const NamedTier& t : config.tiers) {
      if ((config.cuts_are_quantiles ? share : v) >= t.cut) {
        out.tier[i] = t.name;
        break;
      }
    }
  }
  return out;
}

absl::Status AddValueTiers(profile::FeatureTable& table, const ValueTierConfig& config) {
  ONEID_RETURN_IF_ERROR(config.Validate());
  ONEID_ASSIGN_OR_RETURN(auto values, detail::RequireNumeric(table, config.value_column, "ValueTierConfig.value_column"));
  ONEID_ASSIGN_OR_RETURN(ValueTiers tiers, ComputeValueTiers(values, config));
  if (!config.decile_column.empty()) ONEID_RETURN_IF_ERROR(table.SetNumeric(config.decile_column, std::move(tiers.decile)));
  if (!config.tier_column.empty()) ONEID_RETURN_IF_ERROR(table.SetText(config.tier_column, std::move(tiers.tier)));
  return absl::OkStatus();
}

}  // namespace segment
}  // namespace v0
}  // namespace oneid
