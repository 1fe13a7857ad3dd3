#include "oneid/identity/identifier_type.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace oneid {
inline namespace v0 {
namespace identity {

std::string_view IdentifierKindName(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kPhone: return "phone";
    case IdentifierKind::kEmail: return "email";
    case IdentifierKind::kOpaqueToken: return "token";
    case IdentifierKind::kScopedToken: return "scoped_token";
  }
  return "unknown";
}

absl::Status ValidateIdentityConfig(const IdentityConfig& config) {
  if (config.types.empty()) {
    return absl::InvalidArgumentError("identity config: no identifier types configured");
  }
  if (config.types.size() > 250) {
    return absl::InvalidArgumentError("identity config: more than 250 identifier types");
  }
  absl::flat_hash_set<std::string> names;
  for (const IdentifierType& type : config.types) {
    if (type.name.empty()) {
      return absl::InvalidArgumentError("identity config: an identifier type has an empty name");
    }
    if (!names.insert(type.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("identity config: identifier type '", type.name, "' is defined twice"));
    }
    if (type.max_per_person == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "identity config: type '", type.name, "': max_per_person must be at least 1"));
    }
    if (type.max_accounts_per_value == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "identity config: type '", type.name, "': max_accounts_per_value must be at least 1"));
    }
  }
  if (config.threads > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat("identity config: threads is ", config.threads, "; at most 256"));
  }
  if (config.default_region.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat("identity config: default_region '",
                                                   config.default_region,
                                                   "' is not an ISO 3166 alpha-2 code"));
  }
  if (config.hash_values && config.salt.size() < 16) {
    return absl::InvalidArgumentError(
        "identity config: hash_values needs a secret salt of at least 16 bytes");
  }
  return absl::OkStatus();
}

IdentityConfig DefaultIdentityConfig() {
  IdentityConfig config;
  // Why these numbers: a UnionID is issued once per person per WeChat open platform, so two in one
  // person means an over-merge; an OpenID is one per person per app. A member card is one per
  // person. Phones are shared within families and re-used by stores (kiosk numbers), so a phone
  // held by more than 20 accounts is junk; devices are shared more often and capped lower.
  const std::vector<std::string> placeholders = {"null", "none", "n/a", "na", "unknown", "0",
                                                 "-", "test", "undefined"};
  config.types = {
      {.name = "unionid", .kind = IdentifierKind::kOpaqueToken, .max_per_person = 1,
       .max_accounts_per_value = 50, .priority = 100, .blocklist = placeholders},
      {.name = "openid", .kind = IdentifierKind::kScopedToken, .max_per_person = 1,
       .max_accounts_per_value = 10, .priority = 90, .blocklist = placeholders},
      {.name = "member_card", .kind = IdentifierKind::kOpaqueToken, .max_per_person = 2,
       .max_accounts_per_value = 10, .priority = 80, .blocklist = placeholders},
      {.name = "alipay", .kind = IdentifierKind::kOpaqueToken, .max_per_person = 3,
       .max_accounts_per_value = 10, .priority = 70, .blocklist = placeholders},
      {.name = "phone", .kind = IdentifierKind::kPhone, .max_per_person = 3,
       .max_accounts_per_value = 20, .priority = 60,
       .blocklist = {"+8613800000000", "+8613888888888", "+8613900000000", "+8612345678901"}},
      {.name = "email", .kind = IdentifierKind::kEmail, .max_per_person = 4,
       .max_accounts_per_value = 20, .priority = 50,
       .blocklist = {"test@test.com", "a@a.com", "null@null.com", "noreply@example.com",
                     "test@example.com"}},
      {.name = "buyer_id", .kind = IdentifierKind::kOpaqueToken, .max_per_person = kUnlimited,
       .max_accounts_per_value = 10, .priority = 40, .blocklist = placeholders},
      {.name = "device_id", .kind = IdentifierKind::kOpaqueToken, .max_per_person = 6,
       .max_accounts_per_value = 8, .priority = 10,
       .blocklist = {"00000000-0000-0000-0000-000000000000", "null", "unknown", "0"}},
  };
  return config;
}

}  // namespace identity
}  // namespace v0
}  // namespace oneid
