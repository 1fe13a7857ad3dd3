// Fuzz target: every identifier normaliser. The first byte picks the kind; the rest is the raw
// value. A value is normalised or refused with a reason; a normalised value is stable (normalising
// it again gives itself) and never longer than the input allows.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "oneid/identity/normalizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace oneid::identity;
  static const Normalizer* normalizer = [] {
    absl::StatusOr<Normalizer> n = Normalizer::Create("CN");
    if (!n.ok()) std::abort();
    return new Normalizer(*std::move(n));
  }();
  if (size == 0) return 0;
  const auto kind = static_cast<IdentifierKind>(data[0] % 4);
  const std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);
  absl::StatusOr<std::string> once = normalizer->Normalize(kind, raw);
  if (!once.ok()) {
    if (once.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  // Idempotence: a canonical value is its own canonical form.
  absl::StatusOr<std::string> twice = normalizer->Normalize(kind, *once);
  if (!twice.ok() || *twice != *once) std::abort();
  // The fast phone path and libphonenumber's full parser must agree.
  if (kind == IdentifierKind::kPhone) {
    absl::StatusOr<std::string> full = normalizer->NormalizePhoneWithFullParser(raw);
    if (!full.ok() || *full != *once) std::abort();
  }
  return 0;
}
