#include "oneid/internal/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace oneid {
inline namespace v0 {
namespace internal {
namespace {

struct FaultSetting {
  FaultPoint point;
  int commit;
};

// ONEID_TEST_FAULT_POINT, read at every commit (a commit costs an fsync; one getenv is nothing
// beside it), so a test may set it in a forked child.
std::optional<FaultSetting> ParseFaultSetting() {
  const char* env = std::getenv("ONEID_TEST_FAULT_POINT");
  if (env == nullptr || *env == '\0') return std::nullopt;
  std::string_view text(env);
  int commit = 1;
  if (const size_t colon = text.find(':'); colon != std::string_view::npos) {
    const std::string_view number = text.substr(colon + 1);
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), commit);
    if (error != std::errc() || end != number.data() + number.size() || commit < 1) {
      std::fprintf(stderr, "oneid: ignoring ONEID_TEST_FAULT_POINT='%s' (the commit after ':' must be >= 1)\n", env);
      return std::nullopt;
    }
    text = text.substr(0, colon);
  }
  if (text == "before_fsync") return FaultSetting{FaultPoint::kBeforeFsync, commit};
  if (text == "before_rename") return FaultSetting{FaultPoint::kBeforeRename, commit};
  if (text == "after_rename") return FaultSetting{FaultPoint::kAfterRename, commit};
  std::fprintf(stderr,
               "oneid: ignoring ONEID_TEST_FAULT_POINT='%s' (expected before_fsync, before_rename or "
               "after_rename, optionally with :N)\n",
               env);
  return std::nullopt;
}

std::atomic<int> commits_started{0};

absl::Status SystemError(const char* what, const std::string& file, int err) {
  return absl::UnavailableError(absl::StrCat("cannot ", what, " '", file, "': ", std::strerror(err)));
}

}  // namespace

void MaybeStopAtFaultPoint(FaultPoint point, int commit) {
  const std::optional<FaultSetting> setting = ParseFaultSetting();
  if (setting.has_value() && setting->point == point && setting->commit == commit) ::_exit(kFaultPointExitCode);
}

void ResetFaultPointCountForTesting() { commits_started.store(0); }

std::string TempPathFor(const std::string& path) { return absl::StrCat(path, ".tmp.", ::getpid()); }

absl::Status CommitTempFile(const std::string& tmp, const std::string& path) {
  const int commit = commits_started.fetch_add(1) + 1;
  MaybeStopAtFaultPoint(FaultPoint::kBeforeFsync, commit);
  // The data first: a rename that reaches the disk before the data would publish an empty file.
  const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return SystemError("open", tmp, err);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return SystemError("flush", tmp, err);
  }
  ::close(fd);
  MaybeStopAtFaultPoint(FaultPoint::kBeforeRename, commit);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return absl::UnavailableError(
        absl::StrCat("cannot rename '", tmp, "' to '", path, "': ", std::strerror(err)));
  }
  MaybeStopAtFaultPoint(FaultPoint::kAfterRename, commit);
  // Then the rename itself.
  const std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/') + 1);
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::string tmp = TempPathFor(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return SystemError("create", tmp, errno);
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return SystemError("write", tmp, err);
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return SystemError("close", tmp, err);
  }
  return CommitTempFile(tmp, path);
}

}  // namespace internal
}  // namespace v0
}  // namespace oneid
