// Validation of the CLV inputs (the CLV itself is a template in the header).
#include "oneid/score/customer_lifetime_value.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace oneid {
inline namespace v0 {
namespace score {

absl::Status ValidateClvOptions(const ClvOptions& options) {
  if (options.months < 1) return absl::InvalidArgumentError("ClvOptions.months must be >= 1");
  if (!std::isfinite(options.monthly_discount_rate) || options.monthly_discount_rate <= -1) {
    return absl::InvalidArgumentError("ClvOptions.monthly_discount_rate must be finite and > -1");
  }
  if (!std::isfinite(options.periods_per_month) || options.periods_per_month <= 0) {
    return absl::InvalidArgumentError("ClvOptions.periods_per_month must be finite and > 0");
  }
  return absl::OkStatus();
}

absl::Status ValidateClvInputs(const PurchaseHistoryView& histories, absl::Span<const double> monetary_value,
                               const ClvOptions& options) {
  if (absl::Status status = ValidateClvOptions(options); !status.ok()) return status;
  if (monetary_value.size() != histories.frequency.size()) {
    return absl::InvalidArgumentError(absl::StrCat("customer_lifetime_value: monetary_value has ", monetary_value.size(),
                                                   " rows, frequency has ", histories.frequency.size()));
  }
  for (size_t i = 0; i < monetary_value.size(); ++i) {
    if (!std::isfinite(monetary_value[i]) || monetary_value[i] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("customer_lifetime_value: monetary_value must be finite and >= 0 (row ", i, ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
