// ValueKeyer: the resolver's own normalise -> (hash) -> blocklist steps, one value at a time.
#include "oneid/identity/value_keyer.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "oneid/identity/normalizer.h"
#include "oneid/identity/value_hasher.h"
#include "oneid/internal/status_macros.h"
#include "oneid/internal/strings.h"

namespace oneid {
inline namespace v0 {
namespace identity {

struct ValueKeyer::State {
  IdentityConfig config;
  Normalizer normalizer;
  std::optional<SaltedHasher> hasher;
  // Per type, the keys its blocklist refuses (normalised like values, as the resolver does; an
  // entry the normaliser rejects is kept as written).
  std::vector<absl::flat_hash_set<std::string>> blocklist;

  std::string KeyText(size_t type, const std::string& normalized) const {
    if (!config.hash_values) return normalized;
    return absl::StrCat("sha256:", hasher->HashHex(config.types[type].name, normalized));
  }
};

ValueKeyer::ValueKeyer(std::unique_ptr<State> state) : state_(std::move(state)) {}
ValueKeyer::ValueKeyer(ValueKeyer&&) noexcept = default;
ValueKeyer& ValueKeyer::operator=(ValueKeyer&&) noexcept = default;
ValueKeyer::~ValueKeyer() = default;

absl::StatusOr<ValueKeyer> ValueKeyer::Create(IdentityConfig config) {
  ONEID_RETURN_IF_ERROR(ValidateIdentityConfig(config));  // hashing mode has a salt from here on
  ONEID_ASSIGN_OR_RETURN(Normalizer normalizer, Normalizer::Create(config.default_region));
  auto state = std::unique_ptr<State>(new State{std::move(config), std::move(normalizer), std::nullopt, {}});
  if (!state->config.salt.empty()) state->hasher.emplace(state->config.salt);
  const auto& types = state->config.types;
  state->blocklist.resize(types.size());
  for (size_t t = 0; t < types.size(); ++t) {
    for (const std::string& raw : types[t].blocklist) {
      absl::StatusOr<std::string> norm = state->normalizer.Normalize(types[t].kind, raw);
      state->blocklist[t].insert(state->KeyText(t, norm.ok() ? *norm : raw));
    }
  }
  return ValueKeyer(std::move(state));
}

absl::StatusOr<size_t> ValueKeyer::TypeIndex(std::string_view name) const {
  const auto& types = state_->config.types;
  for (size_t t = 0; t < types.size(); ++t) {
    if (types[t].name == name) return t;
  }
  return absl::NotFoundError(absl::StrCat("identifier type '", internal::Absl(name), "' is not configured"));
}

absl::StatusOr<std::optional<ValueKeyOf>> ValueKeyer::Key(size_t type_index, std::string_view raw) const {
  const auto& types = state_->config.types;
  if (type_index >= types.size()) {
    return absl::OutOfRangeError(absl::StrCat("type index ", type_index, " is not below ", types.size()));
  }
  if (raw.empty()) return std::nullopt;
  if (!IsValidUtf8(raw)) return absl::InvalidArgumentError("invalid UTF-8");
  absl::StatusOr<std::string> norm = state_->normalizer.Normalize(types[type_index].kind, raw);
  if (!norm.ok()) {
    // The resolver treats a blank cell as empty, not as an error.
    if (std::all_of(raw.begin(), raw.end(), [](char ch) { return ch == ' ' || ch == '\t'; })) return std::nullopt;
    return norm.status();
  }
  ValueKeyOf key;
  key.text = state_->KeyText(type_index, *norm);
  key.blocklisted = state_->blocklist[type_index].contains(key.text);
  return key;
}

const IdentityConfig& ValueKeyer::config() const { return state_->config; }

}  // namespace identity
}  // namespace v0
}  // namespace oneid
