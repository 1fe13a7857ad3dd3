// Exactness against a reference run: every scenario below feeds synthetic omni-channel data to the
// resolver (one batch; many incremental batches with junk crossings, guard refusals, a snapshot
// round trip in the middle, updated accounts and erasures; hashing mode) and folds everything the
// engine tells the outside world into one digest: each batch report (counts, touched and retired
// OneIDs, errors, refusals in order), the assignments, the whole merge log, Stats() (without the
// memory estimate) and the snapshot bytes.
//
// The expected digests were recorded from the engine as it was before the performance work of
// issue 12 (commit c33c07d). A change that alters any assignment, log entry, report or snapshot
// byte fails here. If a change is meant to alter results, it must say so and re-record them
// (the test prints the digests it computed).
#include <cstdint>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "identity/test_tables.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/synthetic.h"
#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

// FNV-1a over everything fed to it; collisions do not matter for a regression digest.
class Digest {
 public:
  void Bytes(std::string_view bytes) {
    for (unsigned char c : bytes) h_ = (h_ ^ c) * 0x100000001B3ULL;
    h_ = (h_ ^ 0xFF) * 0x100000001B3ULL;  // separator, so "ab"+"c" differs from "a"+"bc"
  }
  void Number(uint64_t v) {
    char buf[sizeof(v)];
    std::memcpy(buf, &v, sizeof(v));
    Bytes(std::string_view(buf, sizeof(v)));
  }
  template <typename T>
  void Numbers(const std::vector<T>& values) {
    Number(values.size());
    for (const T& v : values) Number(static_cast<uint64_t>(v));
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0xCBF29CE484222325ULL;
};

void FoldReport(Digest& d, const BatchReport& r) {
  for (uint64_t n : {static_cast<uint64_t>(r.batch), uint64_t{r.rows_read}, uint64_t{r.rows_accepted},
                     uint64_t{r.rows_rejected}, uint64_t{r.fields_rejected}, uint64_t{r.accounts_new},
                     uint64_t{r.accounts_updated}, uint64_t{r.values_new}, uint64_t{r.links_made},
                     uint64_t{r.links_refused}, uint64_t{r.values_junk}, uint64_t{r.values_blocklisted},
                     uint64_t{r.persons_new}, uint64_t{r.persons_merged}, uint64_t{r.persons_resplit}}) {
    d.Number(n);
  }
  d.Numbers(r.touched_oneids);
  d.Numbers(r.retired_oneids);
  d.Number(r.errors.size());
  for (const RowError& e : r.errors) {
    d.Number(e.row);
    d.Bytes(e.field);
    d.Bytes(e.reason);
    d.Number(e.row_rejected ? 1 : 0);
  }
  d.Number(r.refused.size());
  for (const RefusedLink& f : r.refused) {
    d.Number(f.batch);
    d.Bytes(f.account_id);
    d.Bytes(f.type);
    d.Bytes(f.value);
    d.Number(static_cast<uint64_t>(f.reason));
    d.Bytes(f.detail);
  }
}

void FoldErase(Digest& d, const EraseReport& e) {
  d.Number(e.oneid_before);
  d.Numbers(e.oneids_after);
  d.Number(e.accounts_erased);
  d.Number(e.accounts_affected);
}

void FoldState(Digest& d, const Resolver& r) {
  const Assignments a = r.GetAssignments();
  d.Number(a.account_ids.size());
  for (const std::string& id : a.account_ids) d.Bytes(id);
  d.Numbers(a.oneids);
  const std::vector<MergeEvent> log = r.MergeLog();
  d.Number(log.size());
  for (const MergeEvent& e : log) {
    d.Number(static_cast<uint64_t>(e.kind));
    d.Number(e.batch);
    d.Number(e.survivor);
    d.Number(e.absorbed);
    d.Bytes(e.type);
    d.Bytes(e.value);
    d.Bytes(e.account_id);
    d.Bytes(e.cause);
  }
  const ResolverStats st = r.Stats();
  for (uint64_t n : {uint64_t{st.accounts}, uint64_t{st.accounts_erased}, uint64_t{st.values},
                     uint64_t{st.values_junk}, uint64_t{st.persons}, uint64_t{st.merge_log_entries},
                     st.batches}) {
    d.Number(n);
  }
  d.Bytes(r.SnapshotBytes());
}

// Rows [begin, end) of `table` as a view.
AccountBatchView Slice(const AccountTable& table, size_t begin, size_t end) {
  AccountBatchView all = View(table);
  AccountBatchView part;
  part.columns = all.columns;
  part.account_ids.assign(all.account_ids.begin() + begin, all.account_ids.begin() + end);
  part.sources.assign(all.sources.begin() + begin, all.sources.begin() + end);
  for (const auto& column : all.values) part.values.emplace_back(column.begin() + begin, column.begin() + end);
  part.first_row_number = begin;
  return part;
}

size_t ColumnOf(const AccountTable& table, std::string_view name) {
  for (size_t c = 0; c < table.column_count(); ++c) {
    if (table.columns()[c].name == name) return c;
  }
  return table.column_count();
}

struct Scenario {
  IdentityConfig config;
  size_t people = 0;
  uint64_t seed = 0;
  size_t batches = 1;
  bool snapshot_round_trip = false;   // reload from SnapshotBytes after half of the batches
  uint64_t second_seed = 0;           // nonzero: then a second data set whose ids overlap (updates)
  size_t second_batches = 0;
  size_t erase_accounts = 0;          // then erase every k-th account (k spreads them out)
  size_t erase_values = 0;            // and this many phone/email values
};

// What a scenario exercised, printed so that a reader can see the digest covers the hard paths.
struct Coverage {
  size_t junk = 0, resplit = 0, refused = 0, updated = 0, erased_accounts = 0, erased_values = 0;
};

uint64_t RunScenario(const Scenario& sc, Coverage& cov) {
  Digest d;
  Resolver r = *Resolver::Create(sc.config);
  SyntheticConfig synth;
  synth.people = sc.people;
  synth.seed = sc.seed;
  const SyntheticData data = GenerateOmniChannel(synth);
  const size_t rows = data.accounts.row_count();
  for (size_t b = 0; b < sc.batches; ++b) {
    const size_t begin = rows * b / sc.batches, end = rows * (b + 1) / sc.batches;
    absl::StatusOr<BatchReport> report = r.AddBatch(Slice(data.accounts, begin, end));
    EXPECT_OK(report);
    if (report.ok()) {
      FoldReport(d, *report);
      cov.junk += report->values_junk;
      cov.resplit += report->persons_resplit;
      cov.refused += report->links_refused;
    }
    if (sc.snapshot_round_trip && b + 1 == sc.batches / 2) {
      absl::StatusOr<Resolver> loaded = Resolver::LoadSnapshotBytes(r.SnapshotBytes(), sc.config);
      EXPECT_OK(loaded);
      if (loaded.ok()) r = std::move(*loaded);
    }
  }
  if (sc.second_seed != 0) {
    synth.seed = sc.second_seed;
    synth.people = sc.people / 2;
    const SyntheticData more = GenerateOmniChannel(synth);
    const size_t more_rows = more.accounts.row_count();
    for (size_t b = 0; b < sc.second_batches; ++b) {
      const size_t begin = more_rows * b / sc.second_batches, end = more_rows * (b + 1) / sc.second_batches;
      absl::StatusOr<BatchReport> report = r.AddBatch(Slice(more.accounts, begin, end));
      EXPECT_OK(report);
      if (report.ok()) {
        FoldReport(d, *report);
        cov.junk += report->values_junk;
        cov.resplit += report->persons_resplit;
        cov.refused += report->links_refused;
        cov.updated += report->accounts_updated;
      }
    }
  }
  for (size_t i = 0; i < sc.erase_accounts; ++i) {
    const size_t row = (i * 7919 + 13) % rows;
    absl::StatusOr<EraseReport> erased = r.EraseAccount(data.accounts.account_id(row));
    d.Number(erased.ok() ? 1 : 0);
    cov.erased_accounts += erased.ok() ? 1 : 0;
    if (erased.ok()) FoldErase(d, *erased);
  }
  const size_t phone = ColumnOf(data.accounts, "phone"), email = ColumnOf(data.accounts, "email");
  size_t erased_values = 0;
  for (size_t row = 0; row < rows && erased_values < sc.erase_values; row += 97) {
    const size_t column = erased_values % 2 == 0 ? phone : email;
    const std::string_view raw = data.accounts.value(row, column);
    if (raw.empty()) continue;
    absl::StatusOr<EraseReport> erased = r.EraseValue(data.accounts.columns()[column].type, raw);
    d.Number(erased.ok() ? 1 : 0);
    cov.erased_values += erased.ok() ? 1 : 0;
    if (erased.ok()) FoldErase(d, *erased);
    ++erased_values;
  }
  FoldState(d, r);
  return d.value();
}

IdentityConfig TightConfig() {
  IdentityConfig config = testing::SaltedConfig();
  for (IdentifierType& type : config.types) {
    type.max_accounts_per_value = std::min<uint32_t>(type.max_accounts_per_value, 3);
    if (type.max_per_person != kUnlimited) type.max_per_person = 1;
  }
  return config;
}

struct Expected {
  const char* name;
  Scenario scenario;
  uint64_t digest;
};

const std::vector<Expected>& Cases() {
  static const std::vector<Expected> cases = {
      {"one_batch", {.config = DefaultIdentityConfig(), .people = 20000, .seed = 2026}, 0x371db1822b89622eULL},
      {"stream",
       {.config = testing::SaltedConfig(), .people = 20000, .seed = 7, .batches = 25,
        .snapshot_round_trip = true, .second_seed = 8, .second_batches = 5, .erase_accounts = 60,
        .erase_values = 30},
       0x3dd3176eed57c7aULL},
      {"tight_micro_batches",
       {.config = TightConfig(), .people = 6000, .seed = 11, .batches = 150, .snapshot_round_trip = true,
        .second_seed = 12, .second_batches = 20, .erase_accounts = 40, .erase_values = 40},
       0x583055109ad9b821ULL},
      {"hashed",
       {.config = testing::SaltedConfig(/*hash_values=*/true), .people = 8000, .seed = 5, .batches = 10,
        .snapshot_round_trip = true, .erase_accounts = 20, .erase_values = 20},
       0x43b0666445674881ULL},
  };
  return cases;
}

void Check(std::string_view name) {
  for (const Expected& c : Cases()) {
    if (c.name != name) continue;
    Coverage cov;
    const uint64_t got = RunScenario(c.scenario, cov);
    std::cout << c.name << ": 0x" << std::hex << got << std::dec << " (values turned junk " << cov.junk
              << ", persons re-split " << cov.resplit << ", links refused " << cov.refused << ", accounts updated "
              << cov.updated << ", accounts erased " << cov.erased_accounts << ", values erased "
              << cov.erased_values << ")\n";
    EXPECT_EQ(got, c.digest) << c.name;
    return;
  }
  ADD_FAILURE() << "no scenario " << name;
}

// Results are identical for any thread count. The scenarios above run with the default (the
// machine's threads); here each also runs on 1 and 3 threads, plus two scenarios whose batches are
// large enough (>= 4,096 rows per thread) for phase one to use every thread, in hashing mode too.
TEST(ReferenceEqualityTest, ResultsAreTheSameForAnyThreadCount) {
  std::vector<Expected> cases = Cases();
  cases.push_back({"big_batches",
                   {.config = testing::SaltedConfig(), .people = 20000, .seed = 9, .batches = 3,
                    .snapshot_round_trip = true, .second_seed = 10, .second_batches = 2, .erase_accounts = 30,
                    .erase_values = 20},
                   0});
  cases.push_back({"big_batches_hashed",
                   {.config = testing::SaltedConfig(/*hash_values=*/true), .people = 20000, .seed = 3, .batches = 2,
                    .erase_accounts = 10, .erase_values = 10},
                   0});
  for (const Expected& c : cases) {
    std::vector<uint64_t> digests;
    for (uint32_t threads : {1u, 2u, 3u}) {
      Scenario sc = c.scenario;
      sc.config.threads = threads;
      Coverage cov;
      digests.push_back(RunScenario(sc, cov));
    }
    EXPECT_EQ(digests[1], digests[0]) << c.name << " on 2 threads";
    EXPECT_EQ(digests[2], digests[0]) << c.name << " on 3 threads";
    if (c.digest != 0) {
      EXPECT_EQ(digests[0], c.digest) << c.name << " on 1 thread";
    }
  }
}

TEST(ReferenceEqualityTest, OneBatch) { Check("one_batch"); }
TEST(ReferenceEqualityTest, StreamWithSnapshotUpdatesAndErasures) { Check("stream"); }
TEST(ReferenceEqualityTest, TightGuardsInMicroBatches) { Check("tight_micro_batches"); }
TEST(ReferenceEqualityTest, HashedValues) { Check("hashed"); }

}  // namespace
}  // namespace oneid::identity
