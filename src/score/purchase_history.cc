// Validation of the sufficient statistics, shared by every customer-base model.
#include "oneid/score/purchase_history.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace {

bool IsWhole(double v) { return v == std::floor(v); }

absl::Status CheckShape(size_t n, absl::Span<const double> other, const char* name, const char* first) {
  if (other.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat(name, " has ", other.size(), " rows but ", first, " has ", n));
  }
  return absl::OkStatus();
}

absl::Status RowError(size_t row, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("row ", row, ": ", std::string(what)));
}

absl::Status CheckWeights(absl::Span<const double> weights, size_t n) {
  if (weights.empty()) return absl::OkStatus();
  if (absl::Status s = CheckShape(n, weights, "weights", "frequency"); !s.ok()) return s;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(weights[i]) || weights[i] <= 0) return RowError(i, "weight must be finite and > 0");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidatePurchaseHistory(const PurchaseHistoryView& h) {
  const size_t n = h.frequency.size();
  if (n == 0) return absl::InvalidArgumentError("no customers: frequency is empty");
  if (absl::Status s = CheckShape(n, h.recency, "recency", "frequency"); !s.ok()) return s;
  if (absl::Status s = CheckShape(n, h.age, "T", "frequency"); !s.ok()) return s;
  for (size_t i = 0; i < n; ++i) {
    const double x = h.frequency[i], t_x = h.recency[i], T = h.age[i];
    if (!std::isfinite(x) || !std::isfinite(t_x) || !std::isfinite(T)) {
      return RowError(i, "frequency, recency and T must be finite (NaN or infinity found)");
    }
    if (x < 0 || t_x < 0 || T < 0) return RowError(i, "frequency, recency and T must be >= 0");
    if (!IsWhole(x)) return RowError(i, absl::StrCat("frequency must be a whole number, got ", x));
    if (t_x > T) return RowError(i, absl::StrCat("recency ", t_x, " exceeds T ", T));
    if (x > 0 && t_x == 0) {
      return RowError(i, "frequency > 0 with recency 0: repeat purchases happen after the first purchase");
    }
    if (x == 0 && t_x != 0) return RowError(i, "frequency 0 with recency > 0: recency must be 0 without repeat purchases");
  }
  return CheckWeights(h.weights, n);
}

absl::Status ValidateDiscreteHistory(const DiscreteHistoryView& h) {
  const size_t n = h.frequency.size();
  if (n == 0) return absl::InvalidArgumentError("no customers: frequency is empty");
  if (absl::Status s = CheckShape(n, h.recency, "recency", "frequency"); !s.ok()) return s;
  if (absl::Status s = CheckShape(n, h.n_periods, "n_periods", "frequency"); !s.ok()) return s;
  for (size_t i = 0; i < n; ++i) {
    const double x = h.frequency[i], t_x = h.recency[i], periods = h.n_periods[i];
    if (!std::isfinite(x) || !std::isfinite(t_x) || !std::isfinite(periods)) {
      return RowError(i, "frequency, recency and n_periods must be finite (NaN or infinity found)");
    }
    if (x < 0 || t_x < 0 || periods < 0) return RowError(i, "frequency, recency and n_periods must be >= 0");
    if (!IsWhole(x) || !IsWhole(t_x) || !IsWhole(periods)) {
      return RowError(i, "frequency, recency and n_periods must be whole numbers of opportunities");
    }
    if (periods < 1) return RowError(i, "n_periods must be >= 1");
    if (t_x > periods) return RowError(i, absl::StrCat("recency ", t_x, " exceeds n_periods ", periods));
    if (x > t_x) return RowError(i, absl::StrCat("frequency ", x, " exceeds recency ", t_x));
    if (x > 0 && t_x == 0) return RowError(i, "frequency > 0 with recency 0");
    if (x == 0 && t_x != 0) return RowError(i, "frequency 0 with recency > 0");
  }
  return CheckWeights(h.weights, n);
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
