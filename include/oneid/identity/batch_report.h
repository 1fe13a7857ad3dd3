// BatchReport: everything a batch did that a person should be able to see: rows and fields that
// were rejected (with row, field and reason), links the merge guards refused, junk values, and
// the counts. Nothing oneid rejects disappears without an entry here.
#ifndef ONEID_IDENTITY_BATCH_REPORT_H_
#define ONEID_IDENTITY_BATCH_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace oneid {
inline namespace v0 {
namespace identity {

using OneId = uint64_t;  // 0 means "none"; real OneIDs start at 1

// A rejected row (the account was not ingested) or a rejected field (the account was ingested
// without that identifier). `row` is the row number in the caller's terms (see
// AccountBatchView::first_row_number); `field` is the column header or "account_id".
struct RowError {
  size_t row = 0;
  std::string field;
  std::string reason;
  bool row_rejected = false;  // false: only this field was dropped
};

// Why a link was not made.
enum class RefusalReason : uint8_t {
  kMaxPerPerson,         // would give one person more values of a type than allowed
  kJunkValue,            // the value is held by more accounts than max_accounts_per_value
  kBlocklisted,          // the value is on its type's blocklist
  kErased,               // the value or account was erased and is tombstoned
};

// A link that a merge guard refused. Values are shown normalised, or as a hash prefix when the
// configuration hashes values, so a report never carries raw PII in hashing mode.
struct RefusedLink {
  uint64_t batch = 0;
  std::string account_id;
  std::string type;
  std::string value;
  RefusalReason reason = RefusalReason::kMaxPerPerson;
  std::string detail;
};

struct BatchReport {
  uint64_t batch = 0;
  size_t rows_read = 0;
  size_t rows_accepted = 0;
  size_t rows_rejected = 0;
  size_t fields_rejected = 0;
  size_t accounts_new = 0;
  size_t accounts_updated = 0;
  size_t values_new = 0;
  size_t links_made = 0;
  size_t links_refused = 0;      // refused by max_per_person
  size_t values_junk = 0;        // values that became junk in this batch
  size_t values_blocklisted = 0; // cells whose value is blocklisted
  size_t persons_new = 0;
  size_t persons_merged = 0;     // merge-log entries written by this batch
  size_t persons_resplit = 0;    // persons re-split because a value became junk
  // The persons this batch changed, so that a host re-profiles and re-scores only them: the
  // current OneID of every person that gained or updated an account, absorbed another person, or
  // was split again (ascending, no repeats). Complete, never capped by max_listed.
  std::vector<OneId> touched_oneids;
  // OneIDs that stopped naming a person of their own in this batch because a merge absorbed them
  // (ascending). A host drops their rows; Resolver::CurrentOneId maps each to its survivor.
  std::vector<OneId> retired_oneids;
  std::vector<RowError> errors;
  std::vector<RefusedLink> refused;
  // Error and refusal lists keep at most this many entries; the counts above are always exact.
  size_t max_listed = 10000;
};

const char* RefusalReasonName(RefusalReason reason);

}  // namespace identity
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_IDENTITY_BATCH_REPORT_H_
