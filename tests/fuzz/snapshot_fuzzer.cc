// Fuzz target: the snapshot loader. A snapshot carries a SHA-256 checksum, so random bytes are
// refused at the door; an attacker who can write the file can also recompute the checksum. So the
// first byte chooses: odd, the input is loaded as it is; even, the rest is taken as a payload and
// wrapped in a valid header and checksum, which sends it into the decoder proper. Either way the
// loader must return a resolver or an error, never crash, hang or allocate without bound.
#include <openssl/sha.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "oneid/identity/resolver.h"

namespace {
constexpr size_t kHeaderSize = 24;  // magic (8), version (4), reserved (4), payload size (8)

const std::string& HeaderTemplate() {
  static const std::string* header = [] {
    absl::StatusOr<oneid::identity::Resolver> r = oneid::identity::Resolver::Create(oneid::identity::DefaultIdentityConfig());
    if (!r.ok()) std::abort();
    return new std::string(r->SnapshotBytes().substr(0, kHeaderSize));
  }();
  return *header;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace oneid::identity;
  if (size == 0) return 0;
  std::string bytes;
  if (data[0] & 1) {
    bytes.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  } else {
    bytes = HeaderTemplate();
    const uint64_t payload = size - 1;
    std::memcpy(bytes.data() + 16, &payload, sizeof(payload));
    bytes.append(reinterpret_cast<const char*>(data + 1), size - 1);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
    bytes.append(reinterpret_cast<const char*>(digest), sizeof(digest));
  }
  absl::StatusOr<Resolver> loaded = Resolver::LoadSnapshotBytes(bytes, DefaultIdentityConfig(), "fuzz");
  if (loaded.ok()) {
    // A loaded resolver must be usable: reads and a round trip must not crash.
    (void)loaded->Stats();
    (void)loaded->GetAssignments();
    (void)loaded->MergeLog();
    (void)loaded->SnapshotBytes();
  }
  return 0;
}
