// Validation of the CLV options (the CLV itself is a template in the header).
#include "oneid/score/customer_lifetime_value.h"

#include <cmath>

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

}  // namespace score
}  // namespace v0
}  // namespace oneid
