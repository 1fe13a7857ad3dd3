// Transaction log -> calibration/holdout summaries (see transaction_summary.h for the conventions).
#include "oneid/score/transaction_summary.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace oneid {
inline namespace v0 {
namespace score {

absl::StatusOr<TransactionSummary> SummarizeTransactions(const TransactionLogView& log,
                                                         const TransactionSummaryOptions& options) {
  const size_t n = log.customer.size();
  if (log.day.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("date has ", log.day.size(), " rows but customer_id has ", n));
  }
  const bool has_amount = !log.amount.empty();
  if (has_amount && log.amount.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("monetary_value has ", log.amount.size(), " rows but customer_id has ", n));
  }
  for (double v : {options.calibration_end, options.observation_end, options.bucket_days, options.bucket_origin,
                   options.unit_buckets}) {
    if (!std::isfinite(v)) return absl::InvalidArgumentError("summary options must be finite");
  }
  if (options.bucket_days <= 0) return absl::InvalidArgumentError("bucket_days must be > 0");
  if (options.unit_buckets <= 0) return absl::InvalidArgumentError("unit_buckets must be > 0");
  if (options.observation_end < options.calibration_end) {
    return absl::InvalidArgumentError("observation_end is before calibration_end");
  }
  auto bucket_of = [&](double day) { return std::floor((day - options.bucket_origin) / options.bucket_days); };
  const double calibration_bucket = bucket_of(options.calibration_end);
  const double observation_bucket = bucket_of(options.observation_end);

  TransactionSummary out;
  out.has_holdout = observation_bucket > calibration_bucket;
  out.duration_holdout = (observation_bucket - calibration_bucket) / options.unit_buckets;

  // Usable rows as (customer, bucket, row), sorted.
  struct Entry {
    int64_t customer;
    double bucket;
    size_t row;
  };
  std::vector<Entry> entries;
  entries.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    bool usable = true;
    if (log.customer[i] < 0) {
      out.errors.push_back({static_cast<int64_t>(i), "customer_id", "missing customer id"});
      usable = false;
    }
    if (!std::isfinite(log.day[i])) {
      out.errors.push_back({static_cast<int64_t>(i), "date", "missing or not a finite date"});
      usable = false;
    }
    if (has_amount && !std::isfinite(log.amount[i])) {
      out.errors.push_back({static_cast<int64_t>(i), "monetary_value", "missing or not a finite amount"});
      usable = false;
    }
    if (!usable) continue;
    const double bucket = bucket_of(log.day[i]);
    if (bucket > observation_bucket) {
      ++out.rows_after_observation_end;
      continue;
    }
    entries.push_back({log.customer[i], bucket, i});
  }
  out.rows_used = entries.size();
  std::sort(entries.begin(), entries.end(), [](const Entry& l, const Entry& r) {
    return std::tie(l.customer, l.bucket, l.row) < std::tie(r.customer, r.bucket, r.row);
  });

  size_t i = 0;
  while (i < entries.size()) {
    const int64_t customer = entries[i].customer;
    size_t end = i;
    while (end < entries.size() && entries[end].customer == customer) ++end;
    // entries[i, end) belong to one customer, by bucket.
    const double first = entries[i].bucket;
    if (first <= calibration_bucket) {
      double last = first, buckets = 0, repeat_sum = 0, holdout_buckets = 0, holdout_sum = 0, holdout_rows = 0;
      double previous = -INFINITY;
      for (size_t j = i; j < end; ++j) {
        const Entry& e = entries[j];
        const double amount = has_amount ? log.amount[e.row] : 0.0;
        const bool new_bucket = e.bucket != previous;
        previous = e.bucket;
        if (e.bucket <= calibration_bucket) {
          if (new_bucket) {
            buckets += 1;
            last = e.bucket;
          }
          if (e.bucket != first) repeat_sum += amount;  // every purchase of a repeat bucket
        } else {
          if (new_bucket) holdout_buckets += 1;
          holdout_sum += amount;
          holdout_rows += 1;
        }
      }
      const double frequency = buckets - 1;
      out.customer.push_back(customer);
      out.frequency.push_back(frequency);
      out.recency.push_back((last - first) / options.unit_buckets);
      out.age.push_back((calibration_bucket - first) / options.unit_buckets);
      out.monetary_value.push_back(frequency > 0 ? repeat_sum / frequency : 0.0);
      if (out.has_holdout) {
        out.frequency_holdout.push_back(holdout_buckets);
        out.monetary_value_holdout.push_back(holdout_rows > 0 ? holdout_sum / holdout_rows : 0.0);
      }
    }
    i = end;
  }
  if (out.customer.empty()) {
    return absl::InvalidArgumentError("no usable transaction on or before calibration_end");
  }
  return out;
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
