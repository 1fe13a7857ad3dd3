// Lifecycle rules; see include/oneid/segment/lifecycle.h.
#include "oneid/segment/lifecycle.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "oneid/internal/status_macros.h"
#include "columns.h"

namespace oneid {
inline namespace v0 {
namespace segment {

std::string_view LifecycleStageName(LifecycleStage stage) {
  switch (stage) {
    case LifecycleStage::kProspect: return "prospect";
    case LifecycleStage::kNew: return "new";
    case LifecycleStage::kActive: return "active";
    case LifecycleStage::kSleeping: return "sleeping";
    case LifecycleStage::kLost: return "lost";
    case LifecycleStage::kWonBack: return "won_back";
  }
  return "unknown";
}

absl::Status LifecycleConfig::Validate() const {
  auto bad = [](const char* field, double v, const char* why) {
    return absl::InvalidArgumentError(absl::StrCat("LifecycleConfig.", field, " = ", v, ": ", why));
  };
  for (auto [field, v] : {std::pair{"new_days", new_days}, std::pair{"active_days", active_days},
                          std::pair{"lost_days", lost_days}, std::pair{"active_factor", active_factor},
                          std::pair{"lost_factor", lost_factor}, std::pair{"min_days", min_days},
                          std::pair{"max_days", max_days}}) {
    if (!(v >= 0) || !std::isfinite(v)) return bad(field, v, "must be a finite number >= 0");
  }
  if (lost_days < active_days) return bad("lost_days", lost_days, "must be >= active_days");
  if (lost_factor < active_factor) return bad("lost_factor", lost_factor, "must be >= active_factor");
  if (max_days < min_days) return bad("max_days", max_days, "must be >= min_days");
  if (orders_column.empty() || recency_column.empty()) {
    return absl::InvalidArgumentError("LifecycleConfig: orders_column and recency_column are required");
  }
  if (output_column.empty()) return absl::InvalidArgumentError("LifecycleConfig.output_column must not be empty");
  return absl::OkStatus();
}

LifecycleLimits LimitsFor(const LifecycleConfig& config, double interval_days) {
  if (config.relative && std::isfinite(interval_days) && interval_days > 0) {
    auto clamp = [&](double v) { return std::clamp(v, config.min_days, config.max_days); };
    return {clamp(config.active_factor * interval_days), clamp(config.lost_factor * interval_days)};
  }
  return {config.active_days, config.lost_days};
}

absl::StatusOr<std::vector<LifecycleStage>> AssignLifecycle(const profile::FeatureTable& table,
                                                            const LifecycleConfig& config) {
  ONEID_RETURN_IF_ERROR(config.Validate());
  using detail::RequireNumeric;
  ONEID_ASSIGN_OR_RETURN(auto orders, RequireNumeric(table, config.orders_column, "LifecycleConfig.orders_column"));
  ONEID_ASSIGN_OR_RETURN(auto recency, RequireNumeric(table, config.recency_column, "LifecycleConfig.recency_column"));
  // Optional inputs: an empty name means "not used"; a named column must exist.
  auto optional = [&](const std::string& name, const char* field) -> absl::StatusOr<std::optional<absl::Span<const double>>> {
    if (name.empty()) return std::nullopt;
    absl::StatusOr<absl::Span<const double>> column = RequireNumeric(table, name, field);
    if (!column.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(column.status().message(), " (an optional input: set it to \"\" to go without)"));
    }
    return *column;
  };
  ONEID_ASSIGN_OR_RETURN(auto tenure, optional(config.tenure_column, "LifecycleConfig.tenure_column"));
  ONEID_ASSIGN_OR_RETURN(auto interval, optional(config.interval_column, "LifecycleConfig.interval_column"));
  ONEID_ASSIGN_OR_RETURN(auto gap, optional(config.previous_gap_column, "LifecycleConfig.previous_gap_column"));

  const size_t rows = table.num_rows();
  std::vector<LifecycleStage> stages(rows);
  for (size_t i = 0; i < rows; ++i) {
    const double n = orders[i];
    const double r = recency[i];
    if (!(n > 0) || std::isnan(r)) {
      stages[i] = LifecycleStage::kProspect;
      continue;
    }
    const bool is_new = tenure.has_value() ? (*tenure)[i] <= config.new_days : (n == 1 && r <= config.new_days);
    if (is_new) {
      stages[i] = LifecycleStage::kNew;
      continue;
    }
    const LifecycleLimits limits =
        LimitsFor(config, interval.has_value() ? (*interval)[i] : std::numeric_limits<double>::quiet_NaN());
    if (r <= limits.active_days) {
      // NaN gap (fewer than two purchases) compares false: not won back.
      const bool won_back = gap.has_value() && (*gap)[i] > limits.lost_days;
      stages[i] = won_back ? LifecycleStage::kWonBack : LifecycleStage::kActive;
    } else if (r <= limits.lost_days) {
      stages[i] = LifecycleStage::kSleeping;
    } else {
      stages[i] = LifecycleStage::kLost;
    }
  }
  return stages;
}

absl::Status AddLifecycle(profile::FeatureTable& table, const LifecycleConfig& config) {
  ONEID_ASSIGN_OR_RETURN(const std::vector<LifecycleStage> stages, AssignLifecycle(table, config));
  std::vector<std::string> names(stages.size());
  for (size_t i = 0; i < stages.size(); ++i) names[i] = std::string(LifecycleStageName(stages[i]));
  return table.SetText(config.output_column, std::move(names));
}

}  // namespace segment
}  // namespace v0
}  // namespace oneid
