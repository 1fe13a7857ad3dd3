// Column look-ups shared by the segment layer's compiled parts: a missing or mistyped column is
// InvalidArgument naming the column and the configuration field that named it (FeatureTable's own
// NotFound would surface in Python as KeyError; a bad configuration is a ValueError).
#ifndef ONEID_SRC_SEGMENT_COLUMNS_H_
#define ONEID_SRC_SEGMENT_COLUMNS_H_

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "oneid/profile/feature_table.h"

namespace oneid {
inline namespace v0 {
namespace segment {
namespace detail {

inline std::string ColumnList(const profile::FeatureTable& table) {
  const std::vector<std::string> names = table.ColumnNames();
  if (names.empty()) return "no columns";
  const size_t shown = std::min<size_t>(names.size(), 30);
  std::string list = absl::StrJoin(names.begin(), names.begin() + static_cast<ptrdiff_t>(shown), ", ");
  if (shown < names.size()) absl::StrAppend(&list, ", ... (", names.size(), " columns)");
  return list;
}

// The numeric column `name`, which the configuration field `field` named.
inline absl::StatusOr<absl::Span<const double>> RequireNumeric(const profile::FeatureTable& table,
                                                               std::string_view name, std::string_view field) {
  const std::string n(name);
  const std::string f(field);
  if (!table.Has(n)) {
    return absl::InvalidArgumentError(
        absl::StrCat(f, ": unknown column '", n, "'; the table has: ", ColumnList(table)));
  }
  absl::StatusOr<absl::Span<const double>> column = table.Numeric(n);
  if (!column.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(f, ": column '", n, "' must be numeric, it is ",
                                                   std::string(profile::ColumnKindName(*table.KindOf(n)))));
  }
  return column;
}

}  // namespace detail
}  // namespace segment
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SRC_SEGMENT_COLUMNS_H_
