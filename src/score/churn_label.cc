// Churn labels from a transaction log. See churn_label.h.
#include "oneid/score/churn_label.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "oneid/internal/status_macros.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace {

absl::Status CheckOptions(const ChurnLabelOptions& o) {
  if (!std::isfinite(o.cutoff)) return absl::InvalidArgumentError(absl::StrCat("cutoff must be finite, got ", o.cutoff));
  if (!std::isfinite(o.horizon_days) || o.horizon_days <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("horizon_days must be finite and > 0, got ", o.horizon_days));
  }
  return absl::OkStatus();
}

absl::Status CheckDays(absl::Span<const double> day, const char* field) {
  for (size_t i = 0; i < day.size(); ++i) {
    if (!std::isfinite(day[i])) {
      return absl::InvalidArgumentError(absl::StrCat(field, "[", i, "] is ", std::isnan(day[i]) ? "NaN" : "infinite"));
    }
  }
  return absl::OkStatus();
}

// What a customer's purchases say about the label.
struct Seen {
  bool before_cutoff = false;  // at least one purchase on or before the cut-off: eligible
  bool in_horizon = false;     // at least one purchase in (cutoff, cutoff + H]: not churned
};

void Observe(double day, const ChurnLabelOptions& o, Seen& seen) {
  if (day <= o.cutoff) {
    seen.before_cutoff = true;
  } else if (day <= o.cutoff + o.horizon_days) {
    seen.in_horizon = true;
  }
}

}  // namespace

absl::StatusOr<ChurnLabels> ChurnLabelsFromLog(absl::Span<const uint64_t> customer, absl::Span<const double> day,
                                               const ChurnLabelOptions& options) {
  ONEID_RETURN_IF_ERROR(CheckOptions(options));
  if (customer.size() != day.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("customer has ", customer.size(), " rows but day has ", day.size()));
  }
  ONEID_RETURN_IF_ERROR(CheckDays(day, "day"));
  absl::flat_hash_map<uint64_t, Seen> seen;
  for (size_t i = 0; i < customer.size(); ++i) Observe(day[i], options, seen[customer[i]]);

  ChurnLabels labels;
  for (const auto& [id, s] : seen) {
    if (s.before_cutoff) labels.customers.push_back(id);
  }
  std::sort(labels.customers.begin(), labels.customers.end());
  labels.churned.reserve(labels.customers.size());
  for (uint64_t id : labels.customers) labels.churned.push_back(seen.at(id).in_horizon ? 0 : 1);
  return labels;
}

absl::StatusOr<std::optional<bool>> ChurnLabelOf(absl::Span<const double> purchase_days,
                                                 const ChurnLabelOptions& options) {
  ONEID_RETURN_IF_ERROR(CheckOptions(options));
  ONEID_RETURN_IF_ERROR(CheckDays(purchase_days, "purchase_days"));
  Seen seen;
  for (double d : purchase_days) Observe(d, options, seen);
  if (!seen.before_cutoff) return std::optional<bool>();
  return std::optional<bool>(!seen.in_horizon);
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
