// Resolver: the OneID engine. It ingests batches of accounts, links accounts that share an
// identifier value (union-find over interned values), refuses links that break a merge guard, and
// keeps OneIDs stable across batches: when two persons merge the older OneID survives and the
// younger becomes its alias.
//
//   auto resolver = oneid::identity::Resolver::Create(oneid::identity::DefaultIdentityConfig());
//   AccountTable table({{"phone", "phone"}, {"unionid", "unionid"}});
//   table.AddRow("pos:1", "pos", {"138 0013 8000", ""});
//   table.AddRow("mp:9", "miniprogram", {"+86 13800138000", "uABC"});
//   absl::StatusOr<BatchReport> report = resolver->AddBatch(table);
//   resolver->OneIdOf("pos:1") == resolver->OneIdOf("mp:9");   // one person
//   resolver->Explain("pos:1", "mp:9");                         // linked through phone +86138...
//
// Thread safety: const methods never write (they do not compress paths), so any number of threads
// may call them at once; a non-const call (AddBatch, Erase*) needs exclusive access. A host that
// serves reads while it ingests guards the resolver with a reader-writer lock.
#ifndef ONEID_IDENTITY_RESOLVER_H_
#define ONEID_IDENTITY_RESOLVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "oneid/identity/account_table.h"
#include "oneid/identity/batch_report.h"
#include "oneid/identity/identifier_type.h"
#include "oneid/identity/merge_log.h"
#include "oneid/progress.h"

namespace oneid {
inline namespace v0 {
namespace identity {

namespace detail {
struct ResolverState;
}  // namespace detail

// One hop of an explanation: `from_account` and `to_account` both hold `value` of `type`.
struct LinkStep {
  std::string from_account;
  std::string type;
  std::string value;
  std::string to_account;
};

// The chain of accounts and shared identifier values that links two accounts.
struct LinkPath {
  OneId oneid = 0;
  std::vector<LinkStep> steps;  // empty when both accounts are the same account
};

// What an erase did.
struct EraseReport {
  OneId oneid_before = 0;              // the person the erased item belonged to
  std::vector<OneId> oneids_after;     // the persons its remaining accounts now form
  size_t accounts_erased = 0;
  size_t accounts_affected = 0;        // accounts whose person was recomputed
};

// The account -> OneID map, in the order accounts were first seen.
struct Assignments {
  std::vector<std::string> account_ids;
  std::vector<OneId> oneids;
};

struct ResolverStats {
  size_t accounts = 0;        // live accounts
  size_t accounts_erased = 0;
  size_t values = 0;          // interned identifier values
  size_t values_junk = 0;
  size_t persons = 0;         // live OneIDs
  size_t merge_log_entries = 0;
  uint64_t batches = 0;
  size_t memory_bytes = 0;    // approximate heap held by the resolver
};

class Resolver {
 public:
  // Validates the configuration (see ValidateIdentityConfig).
  static absl::StatusOr<Resolver> Create(IdentityConfig config);

  Resolver(Resolver&&) noexcept;
  Resolver& operator=(Resolver&&) noexcept;
  ~Resolver();

  // Ingests one batch. Bad rows and fields never stop the batch: they are listed in the report
  // with row, field and reason. Fails (and changes nothing) only when the batch's shape is wrong:
  // a column whose type is not configured, or columns of different lengths.
  absl::StatusOr<BatchReport> AddBatch(const AccountBatchView& batch);
  absl::StatusOr<BatchReport> AddBatch(const AccountTable& table);
  // The same, reporting the stages "resolve: accounts" (rows) and "resolve: links" (identifier
  // links) to `progress` (see oneid/progress.h); a malformed batch reports nothing.
  absl::StatusOr<BatchReport> AddBatch(const AccountBatchView& batch, const ProgressCallback& progress);
  absl::StatusOr<BatchReport> AddBatch(const AccountTable& table, const ProgressCallback& progress);

  // The current OneID of an account. NotFound for an unknown or erased account.
  absl::StatusOr<OneId> OneIdOf(std::string_view account_id) const;
  // Follows aliases: the OneID that `oneid` is known as now. NotFound if it never existed or its
  // person was erased entirely.
  absl::StatusOr<OneId> CurrentOneId(OneId oneid) const;
  // The accounts of a person, oldest first.
  absl::StatusOr<std::vector<std::string>> AccountsOf(OneId oneid) const;

  Assignments GetAssignments() const;

  // The shortest chain of shared identifier values that links two accounts of one person.
  // NotFound for unknown accounts; FailedPrecondition if they belong to different persons.
  absl::StatusOr<LinkPath> Explain(std::string_view account_a, std::string_view account_b) const;

  // Erases an account everywhere (its id, its links), re-splits its person and leaves a salted
  // tombstone so that the same account id is refused if it is ingested again.
  // FailedPrecondition if the configuration has no salt.
  absl::StatusOr<EraseReport> EraseAccount(std::string_view account_id);
  // Erases one identifier value (given raw; it is normalised first) from every account that holds
  // it, re-splits the persons it linked and tombstones it.
  absl::StatusOr<EraseReport> EraseValue(std::string_view type, std::string_view raw_value);

  std::vector<MergeEvent> MergeLog() const;
  // The merge log from entry `offset` on (MergeLog()[offset:]); empty when `offset` is at or past
  // its end. A host that appends the log to its own table keeps the count it has read
  // (Stats().merge_log_entries) and asks only for the tail: O(new entries), not O(log).
  std::vector<MergeEvent> MergeLogSince(size_t offset) const;
  // Counts kept as the state changes: O(1), cheap enough for a health check on every request.
  ResolverStats Stats() const;
  const IdentityConfig& config() const;

  // Writes the whole state to `path` atomically (temporary file, fsync, rename) in a versioned
  // binary format with a SHA-256 checksum. The salt is never written; a fingerprint of it is.
  absl::Status SaveSnapshot(const std::string& path) const;
  // Loads a snapshot. `config` supplies the salt (and must match the saved identifier types).
  // DataLoss for a truncated or corrupt file, InvalidArgument for a foreign file, a newer format
  // version, a different salt or different types. Never returns a half-loaded resolver.
  static absl::StatusOr<Resolver> LoadSnapshot(const std::string& path, IdentityConfig config);

  // The same snapshot as bytes, for a host that keeps its state in a database blob or an object
  // store rather than a file. Same format, same checks: LoadSnapshotBytes never returns a
  // half-loaded resolver; `name` is what its error messages call the snapshot.
  std::string SnapshotBytes() const;
  static absl::StatusOr<Resolver> LoadSnapshotBytes(std::string_view bytes, IdentityConfig config,
                                                    std::string_view name = "<bytes>");

 private:
  explicit Resolver(std::unique_ptr<detail::ResolverState> state);
  std::unique_ptr<detail::ResolverState> state_;
};

}  // namespace identity
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_IDENTITY_RESOLVER_H_
