// ValueKeyer: the identity key of one raw identifier value, exactly as the resolver derives it,
// for callers that group values outside the resolver (the Spark route groups them across a
// cluster before any resolver runs).
//
// A key is the value's normalised text, or in hashing mode its salted hash as the resolver shows
// it (`sha256:<hex>`), together with whether the type's blocklist refuses it. Two cells have the
// same key exactly when the resolver interns them as the same value.
//
//   auto keyer = ValueKeyer::Create(DefaultIdentityConfig());
//   auto key = keyer->Key(keyer->TypeIndex("phone").value(), "0086-138-0013-8000");
//   // key->text == "+8613800138000", key->blocklisted == false
//
// Thread-compatible, like Normalizer: use one keyer per thread.
#ifndef ONEID_IDENTITY_VALUE_KEYER_H_
#define ONEID_IDENTITY_VALUE_KEYER_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "oneid/identity/identifier_type.h"

namespace oneid {
inline namespace v0 {
namespace identity {

struct ValueKeyOf {
  std::string text;          // normalised value, or "sha256:<hex>" in hashing mode
  bool blocklisted = false;  // the type's blocklist refuses it: it links nothing
};

class ValueKeyer {
 public:
  // Validates `config` as Resolver::Create does (InvalidArgument on a bad configuration).
  static absl::StatusOr<ValueKeyer> Create(IdentityConfig config);
  ValueKeyer(ValueKeyer&&) noexcept;
  ValueKeyer& operator=(ValueKeyer&&) noexcept;
  ~ValueKeyer();

  // The index of the type called `name` in the configuration; NotFound if there is none.
  absl::StatusOr<size_t> TypeIndex(std::string_view name) const;

  // The key of `raw` as a value of type `type_index`. An empty cell gives std::nullopt (no
  // value, as in the resolver); invalid UTF-8 or a value the normaliser rejects gives
  // InvalidArgument with the normaliser's reason (which never repeats the value).
  absl::StatusOr<std::optional<ValueKeyOf>> Key(size_t type_index, std::string_view raw) const;

  const IdentityConfig& config() const;

 private:
  struct State;
  explicit ValueKeyer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace identity
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_IDENTITY_VALUE_KEYER_H_
