// Debian's Abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so
// std::string_view does not convert to it implicitly. oneid's API speaks std::string_view; this
// adapter is used where a value is handed to Abseil's string functions. Internal.
#ifndef ONEID_INTERNAL_STRINGS_H_
#define ONEID_INTERNAL_STRINGS_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace oneid {
inline namespace v0 {
namespace internal {

inline absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view Std(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// Transparent hashing so that maps keyed by std::string can be searched with a std::string_view.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return absl::Hash<absl::string_view>{}(Absl(s)); }
};
struct StringEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
template <typename V>
using StringMap = absl::flat_hash_map<std::string, V, StringHash, StringEq>;

}  // namespace internal
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_INTERNAL_STRINGS_H_
