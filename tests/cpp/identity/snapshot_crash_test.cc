// Crash safety of snapshots. First deterministically: a writer is stopped at each step of the
// atomic-write protocol (the fault points of oneid/internal/atomic_file.h), and the file must then
// be, byte for byte, the previous snapshot (before the rename) or the new one (after it). Then a
// smoke test of the real thing: a process is killed with SIGKILL at random moments while it
// ingests batches and writes a snapshot after each one. Whatever moment the kill lands on, the
// snapshot file must hold the last complete state (it loads, and its contents agree with
// themselves), never a half-written one; and the temporary file a killed writer leaves behind
// must not stop the next writer.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <filesystem>
#include <random>
#include <thread>

#include "identity/test_tables.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/synthetic.h"
#include "oneid/internal/atomic_file.h"
#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

using ::oneid::identity::testing::SaltedConfig;

constexpr size_t kBatches = 400;

std::vector<SyntheticData> WriterDays() {
  SyntheticConfig synth;
  synth.people = 2000;
  synth.seed = 11;
  return GenerateOmniChannelBatches(synth, 4);
}

// Batch `b` of the writer: the generated days over and over, with fresh account ids each round,
// so every batch adds accounts, values cross their junk limits and persons re-split.
AccountTable WriterBatch(const std::vector<SyntheticData>& days, size_t b) {
  const AccountTable& day = days[b % days.size()].accounts;
  AccountTable renamed(day.columns());
  std::vector<std::string_view> values(day.column_count());
  for (size_t r = 0; r < day.row_count(); ++r) {
    for (size_t c = 0; c < values.size(); ++c) values[c] = day.value(r, c);
    (void)renamed.AddRow(std::string(day.account_id(r)) + "#" + std::to_string(b / days.size()), day.source(r), values);
  }
  return renamed;
}

// The writer: ingests batches and snapshots after every one. Writes one byte to `ready_fd` after
// its first snapshot.
[[noreturn]] void RunWriter(const std::string& path, int ready_fd) {
  const std::vector<SyntheticData> days = WriterDays();
  absl::StatusOr<Resolver> resolver = Resolver::Create(SaltedConfig());
  if (!resolver.ok()) _exit(3);
  for (size_t b = 0; b < kBatches; ++b) {
    if (!resolver->AddBatch(WriterBatch(days, b)).ok()) _exit(5);
    if (!resolver->SaveSnapshot(path).ok()) _exit(6);
    if (b == 0 && ::write(ready_fd, "x", 1) != 1) _exit(7);
  }
  _exit(0);
}

// Every state the writer passes through must save and load, whatever kill lands on it. (This test
// exists because the kill test once loaded a state the loader wrongly refused: after a re-split an
// unclaimed OneID may alias a younger one.)
TEST(SnapshotCrashTest, EveryStateTheWriterSavesLoadsBackEqual) {
  const std::vector<SyntheticData> days = WriterDays();
  Resolver resolver = *Resolver::Create(SaltedConfig());
  for (size_t b = 0; b < 24; ++b) {
    ASSERT_OK(resolver.AddBatch(WriterBatch(days, b)));
    absl::StatusOr<Resolver> loaded = Resolver::LoadSnapshotBytes(resolver.SnapshotBytes(), SaltedConfig());
    ASSERT_OK(loaded) << "after batch " << b;
    const Assignments before = resolver.GetAssignments(), after = loaded->GetAssignments();
    ASSERT_EQ(before.account_ids, after.account_ids);
    ASSERT_EQ(before.oneids, after.oneids) << "after batch " << b;
    ASSERT_EQ(resolver.MergeLog().size(), loaded->MergeLog().size());
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(SnapshotCrashTest, AWriterStoppedAtEachStepLeavesTheOldOrTheNewSnapshotByteForByte) {
  const auto dir = std::filesystem::temp_directory_path() / ("oneid_fault_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "state.snapshot").string();
  const std::vector<SyntheticData> days = WriterDays();
  // The two states the writer saves, computed here the same way.
  Resolver reference = *Resolver::Create(SaltedConfig());
  ASSERT_OK(reference.AddBatch(WriterBatch(days, 0)));
  const std::string first = reference.SnapshotBytes();
  ASSERT_OK(reference.AddBatch(WriterBatch(days, 1)));
  const std::string second = reference.SnapshotBytes();
  ASSERT_NE(first, second);

  struct Step {
    const char* fault_point;
    bool new_file_published;
  };
  for (const Step step : {Step{"before_fsync:2", false}, Step{"before_rename:2", false}, Step{"after_rename:2", true}}) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // The first save completes; the second stops at the fault point, as a crash would.
      internal::ResetFaultPointCountForTesting();
      if (::setenv("ONEID_TEST_FAULT_POINT", step.fault_point, 1) != 0) _exit(2);
      absl::StatusOr<Resolver> writer = Resolver::Create(SaltedConfig());
      if (!writer.ok() || !writer->AddBatch(WriterBatch(days, 0)).ok()) _exit(3);
      if (!writer->SaveSnapshot(path).ok()) _exit(4);
      if (!writer->AddBatch(WriterBatch(days, 1)).ok()) _exit(5);
      (void)writer->SaveSnapshot(path);
      _exit(0);  // the fault point did not stop the process: the parent fails the test
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << step.fault_point;
    ASSERT_EQ(WEXITSTATUS(status), internal::kFaultPointExitCode) << step.fault_point << ": not stopped there";
    EXPECT_EQ(ReadFile(path), step.new_file_published ? second : first) << step.fault_point;
    ASSERT_OK(Resolver::LoadSnapshot(path, SaltedConfig()));
    // Before the rename the stopped writer's temporary file is left behind; the next writer is
    // not disturbed by it.
    size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
    EXPECT_EQ(files, step.new_file_published ? 1u : 2u) << step.fault_point;
    ASSERT_OK(reference.SaveSnapshot(path));
    EXPECT_EQ(ReadFile(path), second);
  }
  std::filesystem::remove_all(dir);
}

TEST(SnapshotCrashTest, KilledWritersAlwaysLeaveTheLastCompleteSnapshot) {
  const auto dir = std::filesystem::temp_directory_path() / ("oneid_crash_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "state.snapshot").string();
  std::mt19937 rng(20261124);
  constexpr int kTrials = 8;  // a smoke test: the fault-point test above is the exact one
  uint64_t last_batches = 0;
  int kills_mid_run = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::filesystem::remove(path);
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(ready[0]);
      RunWriter(path, ready[1]);
    }
    ::close(ready[1]);
    char byte;
    ASSERT_EQ(::read(ready[0], &byte, 1), 1) << "the writer died before its first snapshot";
    ::close(ready[0]);
    // A random moment: anywhere from mid-way through the next write to many batches later.
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 150000)(rng)));
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    if (WIFSIGNALED(status)) ++kills_mid_run;

    absl::StatusOr<Resolver> loaded = Resolver::LoadSnapshot(path, SaltedConfig());
    ASSERT_OK(loaded);
    const ResolverStats stats = loaded->Stats();
    // Self-consistency of what was loaded: a complete state after batch k holds exactly the
    // accounts of k batches and no merge from a later batch.
    EXPECT_GE(stats.batches, 1u);
    EXPECT_GT(stats.accounts, 0u);
    for (const MergeEvent& e : loaded->MergeLog()) ASSERT_LE(e.batch, stats.batches);
    const Assignments map = loaded->GetAssignments();
    EXPECT_EQ(map.account_ids.size(), stats.accounts);
    last_batches = stats.batches;
  }
  // The kills really landed while the writer was busy, not after it had finished.
  EXPECT_GE(kills_mid_run, kTrials - 2);
  EXPECT_GT(last_batches, 0u);
  // A killed writer may leave its temporary file; nothing else accumulates.
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_LE(files, 2u + kTrials);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace oneid::identity
