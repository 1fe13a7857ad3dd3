// Files that appear whole or not at all, and the fault points that let crash tests stop a writer
// at each step of the protocol deterministically. Internal: used by snapshots, saved models and the
// command-line tool's outputs.
//
// The protocol: write "<path>.tmp.<pid>", fsync it, rename it over `path`, fsync the directory.
// A process killed at any moment leaves `path` as it was before or as it is after, never half.
//
//   absl::Status s = oneid::internal::WriteFileAtomically("state.bin", bytes);
//
// Fault points (for tests): with the environment variable ONEID_TEST_FAULT_POINT set to
// `before_fsync`, `before_rename` or `after_rename`, optionally followed by `:N`, the N-th atomic
// commit of the process (1-based, default 1) calls `_exit(kFaultPointExitCode)` at that step, as a
// crash would: nothing is flushed or cleaned up. An unknown value is ignored with a message on
// stderr. Unset (the normal case), a fault point costs one getenv per commit.
#ifndef ONEID_INTERNAL_ATOMIC_FILE_H_
#define ONEID_INTERNAL_ATOMIC_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace oneid {
inline namespace v0 {
namespace internal {

// The exit code of a process stopped at a fault point, so that a test can tell it from a crash.
inline constexpr int kFaultPointExitCode = 86;

// The steps of the protocol at which a test may stop the process.
enum class FaultPoint { kBeforeFsync, kBeforeRename, kAfterRename };

// The temporary file an atomic write of `path` goes through: "<path>.tmp.<pid>".
std::string TempPathFor(const std::string& path);

// Makes `tmp` (already written and closed) durable and renames it over `path`, then makes the
// rename durable. On failure `tmp` is removed and the error names the file and the system's reason.
absl::Status CommitTempFile(const std::string& tmp, const std::string& path);

// Writes `bytes` to TempPathFor(path) and commits it as above.
absl::Status WriteFileAtomically(const std::string& path, std::string_view bytes);

// Stops the process here if ONEID_TEST_FAULT_POINT names `point` for this commit (see above).
// `commit` is the 1-based number of the atomic commit in progress.
void MaybeStopAtFaultPoint(FaultPoint point, int commit);

// Restarts the count of atomic commits, as in a new process: for a test's forked child, which
// inherits its parent's count.
void ResetFaultPointCountForTesting();

}  // namespace internal
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_INTERNAL_ATOMIC_FILE_H_
