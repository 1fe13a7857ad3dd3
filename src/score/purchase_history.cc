// Validation of the sufficient statistics, shared by every customer-base model.
#include "oneid/score/purchase_history.h"

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

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

// The rows that break one consistency rule: how many, the first few, and the first one's values.
struct InconsistentRows {
  static constexpr size_t kListed = 10;
  explicit InconsistentRows(std::string_view why) : reason(why) {}
  std::string_view reason;
  size_t count = 0;
  std::vector<size_t> first_rows;
  double x = 0, t_x = 0, T = 0;  // the first offending row's values

  void Add(size_t row, double frequency, double recency, double age) {
    if (count++ == 0) {
      x = frequency;
      t_x = recency;
      T = age;
    }
    if (first_rows.size() < kListed) first_rows.push_back(row);
  }

  absl::Status Error() const {
    std::string message = absl::StrCat("row ", first_rows.front(), " (frequency ", x, ", recency ", t_x, ", T ", T,
                                       "): ", std::string(reason), "; ", count, count == 1 ? " row" : " rows",
                                       " like this: ", absl::StrJoin(first_rows, ", "));
    if (count > first_rows.size()) absl::StrAppend(&message, ", ...");
    return absl::InvalidArgumentError(message);
  }
};

}  // namespace

absl::Status ValidatePurchaseHistory(const PurchaseHistoryView& h) {
  const size_t n = h.frequency.size();
  if (n == 0) return absl::InvalidArgumentError("no customers: frequency is empty");
  if (absl::Status s = CheckShape(n, h.recency, "recency", "frequency"); !s.ok()) return s;
  if (absl::Status s = CheckShape(n, h.age, "T", "frequency"); !s.ok()) return s;
  // Values that are not numbers at all stop at the first row; histories that contradict
  // themselves (recency > T, repeat purchases without recency or the reverse) are collected over
  // every row, so that the error says how many rows are affected and which, not only the first.
  InconsistentRows beyond_age{"recency exceeds T"};
  InconsistentRows repeat_without_recency{
      "frequency > 0 with recency 0: repeat purchases happen after the first purchase, so recency must be > 0"};
  InconsistentRows recency_without_repeat{
      "frequency 0 with recency > 0: recency must be 0 without repeat purchases (recency is the time from the "
      "first to the last purchase)"};
  for (size_t i = 0; i < n; ++i) {
    const double x = h.frequency[i], t_x = h.recency[i], T = h.age[i];
    if (!std::isfinite(x) || !std::isfinite(t_x) || !std::isfinite(T)) {
      return RowError(i, "frequency, recency and T must be finite (NaN or infinity found)");
    }
    if (x < 0 || t_x < 0 || T < 0) return RowError(i, "frequency, recency and T must be >= 0");
    if (!IsWhole(x)) return RowError(i, absl::StrCat("frequency must be a whole number, got ", x));
    if (t_x > T) beyond_age.Add(i, x, t_x, T);
    if (x > 0 && t_x == 0) repeat_without_recency.Add(i, x, t_x, T);
    if (x == 0 && t_x != 0) recency_without_repeat.Add(i, x, t_x, T);
  }
  for (const InconsistentRows* rows : {&beyond_age, &repeat_without_recency, &recency_without_repeat}) {
    if (rows->count > 0) return rows->Error();
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
