// Keys and salted hashes for identifier values.
//
// Inside the resolver every value is a 128-bit key (xxHash XXH3-128 of the type and normalised
// value): the hot loop compares integers, never strings, and a collision between two of 10^8
// values has odds near 10^-23. When the configuration hashes values, the normalised value is
// first replaced by SHA-256(salt, type, value) through OpenSSL, so nothing that leaves the
// process (snapshots, logs, reports) can be reversed without the salt.
#ifndef ONEID_IDENTITY_VALUE_HASHER_H_
#define ONEID_IDENTITY_VALUE_HASHER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace oneid {
inline namespace v0 {
namespace identity {

// A 128-bit key of an interned value.
struct ValueKey {
  uint64_t high = 0;
  uint64_t low = 0;
  friend bool operator==(const ValueKey&, const ValueKey&) = default;
};

// Stable across processes and machines (snapshots rely on it).
ValueKey MakeValueKey(uint8_t type_index, std::string_view normalized_value);

using Sha256Digest = std::array<uint8_t, 32>;

// Salted SHA-256 through OpenSSL's EVP interface. The salt is absorbed once and the partial state
// copied for every value, so hashing costs one compression per short value.
class SaltedHasher {
 public:
  explicit SaltedHasher(std::string_view salt);
  SaltedHasher(SaltedHasher&&) noexcept;
  SaltedHasher& operator=(SaltedHasher&&) noexcept;
  ~SaltedHasher();

  // SHA-256(salt || domain || 0x00 || value). `domain` separates uses (a type name, "account").
  Sha256Digest Hash(std::string_view domain, std::string_view value) const;

  // Hex of the first 16 bytes of Hash(): what hashing mode stores instead of a value.
  std::string HashHex(std::string_view domain, std::string_view value) const;

  // A fingerprint that tells whether two hashers share a salt without revealing it; a snapshot
  // keeps it so that loading with the wrong salt is refused.
  std::string SaltFingerprint() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Lower-case hex of `bytes`.
std::string ToHex(const uint8_t* bytes, size_t size);

}  // namespace identity
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_IDENTITY_VALUE_HASHER_H_
