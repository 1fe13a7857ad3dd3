// Fuzz target: the audience-rule language. Any text compiles or fails with a message naming a
// position; a compiled rule evaluates over a small table of every column kind (or fails with a
// clear error for unknown columns and type mismatches), never crashing.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string_view>

#include "oneid/profile/feature_table.h"
#include "oneid/segment/audience.h"

namespace {
const oneid::profile::FeatureTable& Table() {
  static const oneid::profile::FeatureTable* table = [] {
    auto* t = new oneid::profile::FeatureTable({1, 2, 3, 4});
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (!t->SetNumeric("frequency", {0, 1, 5, nan}).ok() || !t->SetNumeric("p_alive", {0.1, 0.9, nan, 0.5}).ok() ||
        !t->SetNumeric("last_purchase_day", {19000, 19900, 20000, nan}).ok() ||
        !t->SetText("member_tier", {"", "gold", "silver", "gold"}).ok() ||
        !t->SetTextSet("channels", {{"pos"}, {"douyin", "tmall"}, {}, {"pos", "douyin"}}).ok()) {
      std::abort();
    }
    return t;
  }();
  return *table;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<oneid::segment::Audience> audience = oneid::segment::Audience::Compile(text);
  if (!audience.ok()) {
    if (audience.status().message().empty()) std::abort();  // an error must say what is wrong
    return 0;
  }
  absl::StatusOr<std::vector<uint8_t>> rows = audience->Evaluate(Table());
  if (rows.ok() && rows->size() != Table().num_rows()) std::abort();
  if (!rows.ok() && rows.status().message().empty()) std::abort();
  // The printed form of a rule must compile to the same rule.
  absl::StatusOr<oneid::segment::Audience> again = oneid::segment::Audience::Compile(audience->ToString());
  if (!again.ok() || again->ToString() != audience->ToString()) std::abort();
  return 0;
}
