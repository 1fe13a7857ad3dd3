// Service: oneid's four layers behind the HTTP endpoints, safe for many reader threads and
// concurrent writers.
//
// Concurrency design (docs/http_server.md has the measurements behind it):
//   - Writers are serialised by one mutex (write_mu_). A write is: parse the CSV (outside every
//     lock), apply it (Resolver::AddBatch or ProfileBuilder::Add*), re-profile and re-score only
//     the persons it touched (the batch report's touched_oneids, or the owners of the posted
//     events) with ProfileBuilder::BuildPersons and ProfileScorer::Apply, then publish their new
//     records.
//   - The resolver is the only state readers share with the writer. It sits behind an absl::Mutex
//     that readers take shared (OneIdOf, CurrentOneId, Explain) and the writer takes exclusively
//     only around AddBatch itself, not around the scoring that follows. absl::Mutex lets a waiting
//     writer in ahead of new readers; glibc's pthread rwlock (std::shared_mutex) prefers readers,
//     and under a read load test it starves the writer (docs/reliability.md).
//   - Everything a read of a person returns (profile, scores, segments, triggers) is rendered by
//     the writer into an immutable PersonRecord and published by swapping a shared_ptr in a
//     sharded map: a reader holds a shard's lock only to copy that pointer, and never waits for
//     scoring. A reader therefore sees each person before or after a write, never half-written.
//   - The profile builder, the account map and the models are touched by the writer alone.
// `coarse_lock` switches to the naive design (the writer holds the resolver lock exclusively for
// its whole write and person reads take it too), kept to measure what the design above buys.
#ifndef ONEID_EXAMPLES_HTTP_SERVER_SERVICE_H_
#define ONEID_EXAMPLES_HTTP_SERVER_SERVICE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "oneid/identity/resolver.h"
#include "oneid/profile/events.h"
#include "oneid/profile/profile_builder.h"
#include "scoring.h"

namespace oneid_http {

using oneid::identity::OneId;

// What GET /persons/{id}[/part] returns, rendered once by the writer.
struct PersonRecord {
  OneId oneid = 0;
  std::string accounts;  // JSON array
  std::string profile, scores, segments, triggers;  // JSON values (null for a person without events)
  std::string all;       // the whole record as one object
};

// OneID -> the person's latest record. Sharded so that publishing a few persons never holds up
// readers of others, and a reader's critical section is a hash lookup and a pointer copy.
class PersonStore {
 public:
  std::shared_ptr<const PersonRecord> Get(OneId id) const;
  void Put(std::shared_ptr<const PersonRecord> record);
  void Erase(OneId id);
  // Replaces the whole content, shard by shard.
  void ReplaceAll(std::vector<std::shared_ptr<const PersonRecord>> records);
  size_t Size() const;
  // Up to `limit` OneIDs, ascending.
  std::vector<OneId> List(size_t limit) const;

 private:
  static constexpr size_t kShards = 64;
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<OneId, std::shared_ptr<const PersonRecord>> map ABSL_GUARDED_BY(mu);
  };
  Shard& ShardOf(OneId id) { return shards_[id % kShards]; }
  const Shard& ShardOf(OneId id) const { return shards_[id % kShards]; }
  std::array<Shard, kShards> shards_;
};

struct ServiceOptions {
  bool coarse_lock = false;
};

class Service {
 public:
  static absl::StatusOr<std::unique_ptr<Service>> Create(oneid::identity::IdentityConfig identity,
                                                         oneid::profile::ProfileOptions profile,
                                                         ServiceOptions options);

  // Loads a base (before serving), then fits the models on it and publishes every person.
  absl::Status Seed(const oneid::identity::AccountTable& accounts, const oneid::profile::OrderTable& orders,
                    const oneid::profile::BehaviorTable& behaviour);

  // Writes. Each returns its report as JSON. InvalidArgument for a body that cannot be read at all
  // (no header, a missing required column, a column of an unconfigured identifier type); bad rows
  // are listed in the report, never dropped in silence.
  absl::StatusOr<std::string> PostAccounts(std::string_view csv);
  absl::StatusOr<std::string> PostOrders(std::string_view csv);
  absl::StatusOr<std::string> PostBehaviour(std::string_view csv);
  // Refits the models on the whole base and re-scores everyone. FailedPrecondition if the base is
  // too small to fit on.
  absl::StatusOr<std::string> Refit();

  // Reads. NotFound for unknown accounts and OneIDs.
  absl::StatusOr<std::string> GetOneId(std::string_view account_id) const;
  enum class Part { kAll, kProfile, kScores, kSegments, kTriggers };
  absl::StatusOr<std::string> GetPerson(OneId oneid, Part part) const;
  absl::StatusOr<std::string> GetExplain(std::string_view account_a, std::string_view account_b) const;
  std::string ListPersons(size_t limit) const;
  std::string Health() const;

 private:
  Service(oneid::identity::Resolver resolver, oneid::profile::ProfileBuilder builder, ServiceOptions options)
      : options_(options), resolver_(std::move(resolver)), builder_(std::move(builder)) {}

  struct Touched {
    std::vector<OneId> touched;  // persons to re-profile (current OneIDs)
    std::vector<OneId> retired;  // OneIDs that no longer name a person of their own
  };
  // Re-profiles (ProfileBuilder::BuildPersons), re-scores and publishes `touched.touched`;
  // unpublishes `touched.retired`.
  absl::Status Rescore(const Touched& touched) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Renders a record per person of `persons`: from its row of `table` (scored if models exist;
  // `already_scored` when the table carries the scores already), or without events if it has none.
  absl::StatusOr<std::vector<std::shared_ptr<const PersonRecord>>> Render(
      oneid::profile::FeatureTable& table, absl::Span<const oneid::profile::PersonAccounts> persons,
      bool already_scored) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::StatusOr<std::string> PostEvents(std::string_view csv, bool orders);
  void RecordWrite(int64_t write_ns, int64_t exclusive_ns, size_t persons);

  const ServiceOptions options_;
  absl::Mutex write_mu_;                 // serialises writers
  mutable absl::Mutex resolver_mu_;      // readers shared; AddBatch exclusive
  // Mutated only by a writer holding write_mu_ and resolver_mu_ exclusively. The writer (the only
  // mutator) may read it holding write_mu_ alone; other readers hold resolver_mu_ shared.
  oneid::identity::Resolver resolver_;
  oneid::profile::ProfileBuilder builder_ ABSL_GUARDED_BY(write_mu_);
  oneid::profile::AccountMap accounts_ ABSL_GUARDED_BY(write_mu_);  // every live account -> OneID
  std::optional<Models> models_ ABSL_GUARDED_BY(write_mu_);
  PersonStore store_;

  // Figures for GET /health (docs/http_server.md quotes them).
  std::atomic<uint64_t> writes_{0}, persons_rescored_{0};
  std::atomic<int64_t> write_ns_total_{0}, write_ns_max_{0}, exclusive_ns_total_{0}, exclusive_ns_max_{0};
  std::atomic<uint64_t> models_fitted_on_{0};
};

}  // namespace oneid_http

#endif  // ONEID_EXAMPLES_HTTP_SERVER_SERVICE_H_
