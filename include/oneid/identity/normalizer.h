// Normalizer: turns a raw identifier value into the canonical form that oneid compares.
//
//   phone   "138 0013 8000", "+86 13800138000", "0086-138-0013-8000"  ->  "+8613800138000"
//   email   "  Ann@Example.COM "                                       ->  "ann@example.com"
//   token   " oAbC123 "                                                ->  "oAbC123"
//   scoped  "wx_app1:oAbC123"                                          ->  "wx_app1:oAbC123"
//
// Phones are parsed and validated by libphonenumber. Because its parser costs about 9 us a call,
// digit-only inputs in the default region's usual forms take a fast path that extracts the
// national number and asks libphonenumber only whether it is valid, memoised by number prefix;
// anything unusual, and every number the fast path cannot accept, goes through the full parser.
// A test checks that both paths agree on many generated numbers.
//
// A Normalizer is thread-compatible: const calls from several threads need external locking
// because the validity memo is mutable. Use one per thread.
#ifndef ONEID_IDENTITY_NORMALIZER_H_
#define ONEID_IDENTITY_NORMALIZER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "oneid/identity/identifier_type.h"

namespace oneid {
inline namespace v0 {
namespace identity {

namespace detail {
class PhoneParser;
}  // namespace detail

class Normalizer {
 public:
  // `default_region` is an ISO 3166 alpha-2 code used for numbers without a country code.
  // Returns InvalidArgument for a region libphonenumber does not know.
  static absl::StatusOr<Normalizer> Create(std::string_view default_region);

  Normalizer(Normalizer&&) noexcept;
  Normalizer& operator=(Normalizer&&) noexcept;
  ~Normalizer();

  // Normalises `raw` as a value of `kind`. Errors are InvalidArgument with a reason that never
  // repeats the raw value (so error messages carry no PII).
  absl::StatusOr<std::string> Normalize(IdentifierKind kind, std::string_view raw) const;

  absl::StatusOr<std::string> NormalizePhone(std::string_view raw) const;
  absl::StatusOr<std::string> NormalizeEmail(std::string_view raw) const;
  absl::StatusOr<std::string> NormalizeToken(std::string_view raw) const;
  absl::StatusOr<std::string> NormalizeScopedToken(std::string_view raw) const;

  // The slow path on its own, for tests and for callers that want libphonenumber's verdict only.
  absl::StatusOr<std::string> NormalizePhoneWithFullParser(std::string_view raw) const;

  // How many phone numbers took the fast path and the full parser (for benchmarks).
  size_t phone_fast_path_count() const;
  size_t phone_full_parse_count() const;

 private:
  explicit Normalizer(std::unique_ptr<detail::PhoneParser> phone);
  std::unique_ptr<detail::PhoneParser> phone_;
};

// True if `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace identity
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_IDENTITY_NORMALIZER_H_
