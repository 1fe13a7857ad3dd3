// Identifier types: how oneid is told what an identifier is, how to normalise it and which merge
// guards protect it. Types are configuration, not code: a brand adds "douyin_id" or "ali_pay"
// without touching the library.
//
//   oneid::identity::IdentityConfig config = oneid::identity::DefaultIdentityConfig();
//   config.types.push_back({.name = "douyin_id", .kind = IdentifierKind::kOpaqueToken,
//                           .max_per_person = 1, .priority = 60});
#ifndef ONEID_IDENTITY_IDENTIFIER_TYPE_H_
#define ONEID_IDENTITY_IDENTIFIER_TYPE_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace oneid {
inline namespace v0 {
namespace identity {

// How raw values of a type are normalised before they are compared.
enum class IdentifierKind : uint8_t {
  kPhone,        // parsed with libphonenumber and written in E.164 ("+8613800138000")
  kEmail,        // trimmed and lower-cased; must contain one '@' with text on both sides
  kOpaqueToken,  // trimmed, compared byte for byte (UnionID, device id, member card)
  kScopedToken,  // "scope:token", unique only within its scope (an OpenID within one app id)
};

std::string_view IdentifierKindName(IdentifierKind kind);

inline constexpr uint32_t kUnlimited = std::numeric_limits<uint32_t>::max();

// One configured identifier type and its merge guards.
struct IdentifierType {
  std::string name;                        // column name and type name, e.g. "phone"
  IdentifierKind kind = IdentifierKind::kOpaqueToken;
  // At most this many distinct values of this type in one person (for scoped tokens: per scope).
  // A link that would exceed it is refused and reported. kUnlimited disables the guard.
  uint32_t max_per_person = kUnlimited;
  // A value held by more accounts than this is junk (a store's kiosk phone, a shared tablet): it
  // links nothing and is reported. kUnlimited disables the guard.
  uint32_t max_accounts_per_value = kUnlimited;
  // Higher priority types are linked first within a batch, so that strong identifiers (UnionID)
  // establish persons before weaker ones (device id) are tested against the guards.
  int32_t priority = 0;
  // Normalised values that never link (placeholders such as "null" or "test@test.com").
  std::vector<std::string> blocklist;
};

// The whole identity configuration.
struct IdentityConfig {
  std::vector<IdentifierType> types;
  // Region used to read phone numbers written without a country code (ISO 3166 alpha-2).
  std::string default_region = "CN";
  // When true, every normalised value is replaced by SHA-256(salt, type, value) before it is
  // stored, so no raw PII is kept in memory, snapshots, logs or error messages.
  bool hash_values = false;
  // Secret salt for hashing and for erasure tombstones. Never written to a snapshot.
  std::string salt;
  // Threads that normalise and key a batch's cells (AddBatch's first phase; linking stays on the
  // calling thread). 0 means the machine's hardware threads. Results (assignments, merge log,
  // reports, snapshot bytes) are identical for every value. Not part of a snapshot. At most 256.
  uint32_t threads = 0;
};

// Checks names are unique and non-empty, limits are positive and the region is known.
absl::Status ValidateIdentityConfig(const IdentityConfig& config);

// A configuration for the channels of a Chinese omni-channel brand: phone, email, WeChat UnionID,
// app-scoped OpenID, device id, member card, payment account and marketplace buyer ids.
IdentityConfig DefaultIdentityConfig();

}  // namespace identity
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_IDENTITY_IDENTIFIER_TYPE_H_
