// SummarizeTransactions: a transaction log (customer, date, amount) turned into the sufficient
// statistics the customer-base models are fitted on, with an optional holdout period, following
// the conventions of lifetimes' `summary_data_from_transaction_data` and
// `calibration_and_holdout_data` so that analysts get the numbers they expect:
//
//  - Dates are day numbers (days since any fixed epoch, fractions allowed). They fall into buckets
//    of `bucket_days` days starting at `bucket_origin` (1: calendar days; 7 with a Monday origin:
//    pandas' "W" weeks). All purchases of a customer in one bucket count as one purchase whose
//    amount is their sum.
//  - Calibration: buckets up to and including the bucket of `calibration_end`. frequency = the
//    customer's purchase buckets - 1 (repeat purchases); recency = last - first bucket; T = the
//    calibration end's bucket - first bucket; all in units of `unit_buckets` buckets (lifetimes'
//    freq_multiplier: daily buckets with unit_buckets = 7 give weeks with daily resolution, as in
//    the CDNOW summaries). monetary_value = the mean amount of the repeat buckets (0 if none).
//  - Holdout (when observation_end is after calibration_end): buckets after the calibration end up
//    to the observation end. frequency_holdout = purchase buckets in it; monetary_value_holdout =
//    the mean amount of the holdout *transactions* (lifetimes averages raw rows there);
//    duration_holdout = the holdout length in units. Customers whose first purchase is after the
//    calibration end are not in the summary (they were not yet customers).
//  - Rows that cannot be used (missing customer, date or amount that is not finite) are never
//    dropped silently: each one is listed in `errors` with its row, field and reason. Rows after
//    the observation end are outside the window, not errors; they are counted.
//
//   TransactionLogView log{customer_codes, days, amounts};
//   TransactionSummaryOptions options{.calibration_end = 272, .observation_end = 545, .unit_buckets = 7};
//   ONEID_ASSIGN_OR_RETURN(TransactionSummary summary, SummarizeTransactions(log, options));
#ifndef ONEID_SCORE_TRANSACTION_SUMMARY_H_
#define ONEID_SCORE_TRANSACTION_SUMMARY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace oneid {
inline namespace v0 {
namespace score {

struct TransactionLogView {
  absl::Span<const int64_t> customer;  // customer codes >= 0; a negative code means "missing"
  absl::Span<const double> day;        // day numbers
  absl::Span<const double> amount;     // optional: empty when there is no monetary column
};

struct TransactionSummaryOptions {
  double calibration_end = 0;   // day number, inclusive (its whole bucket is calibration)
  double observation_end = 0;   // day number, inclusive; equal to calibration_end for no holdout
  double bucket_days = 1;       // purchases within one bucket collapse into one
  double bucket_origin = 0;     // a day number on which a bucket starts
  double unit_buckets = 1;      // the output time unit, in buckets
};

struct TransactionRowError {
  int64_t row = 0;     // 0-based position in the log
  std::string field;   // "customer_id", "date" or "monetary_value"
  std::string reason;
};

struct TransactionSummary {
  std::vector<int64_t> customer;  // ascending customer codes
  std::vector<double> frequency, recency, age, monetary_value;
  bool has_holdout = false;
  std::vector<double> frequency_holdout, monetary_value_holdout;
  double duration_holdout = 0;
  std::vector<TransactionRowError> errors;
  size_t rows_used = 0;
  size_t rows_after_observation_end = 0;
};

// InvalidArgument when the columns differ in length, the options are not finite, bucket_days or
// unit_buckets is not > 0, observation_end is before calibration_end, or no usable transaction
// falls on or before the calibration end.
absl::StatusOr<TransactionSummary> SummarizeTransactions(const TransactionLogView& log,
                                                         const TransactionSummaryOptions& options);

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_TRANSACTION_SUMMARY_H_
