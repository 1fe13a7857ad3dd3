// ColumnSet: named, non-owning views of columns with a common row count; what an Audience reads.
//
// A profile::FeatureTable converts to one for free (spans over its columns). A host that already
// holds its columns elsewhere (NumPy arrays from pandas, Arrow buffers, a memory-mapped file) can
// point a ColumnSet at them and evaluate an audience without building a FeatureTable, which would
// copy every column and index every OneID. The Python binding does this: numeric columns are read
// in place from the frame's float64 arrays.
//
//   ColumnSet columns(rows);
//   columns.AddNumeric("p_alive", absl::MakeConstSpan(p_alive_ptr, rows));
//   absl::StatusOr<std::vector<uint8_t>> mask = audience.Evaluate(columns);
//
// The viewed memory must outlive the ColumnSet and stay unchanged while it is evaluated.
#ifndef ONEID_SEGMENT_COLUMN_SET_H_
#define ONEID_SEGMENT_COLUMN_SET_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "oneid/internal/strings.h"
#include "oneid/profile/feature_table.h"

namespace oneid {
inline namespace v0 {
namespace segment {

class ColumnSet {
 public:
  struct Column {
    std::string name;
    profile::ColumnKind kind = profile::ColumnKind::kNumeric;
    absl::Span<const double> numeric;
    absl::Span<const std::string> text;
    const profile::TextSetColumn* text_set = nullptr;
  };

  explicit ColumnSet(size_t rows) : rows_(rows) {}
  // Views of every column of `table` (which must outlive the ColumnSet).
  explicit ColumnSet(const profile::FeatureTable& table) : rows_(table.num_rows()) {
    for (const std::string& name : table.ColumnNames()) {
      switch (*table.KindOf(name)) {
        case profile::ColumnKind::kNumeric: (void)AddNumeric(name, *table.Numeric(name)); break;
        case profile::ColumnKind::kText: (void)AddText(name, *table.Text(name)); break;
        case profile::ColumnKind::kTextSet: (void)AddTextSet(name, *table.TextSet(name)); break;
      }
    }
  }

  // Each Add* returns InvalidArgument when the name is empty or the length is not num_rows(); a
  // second column of the same name replaces the first.
  absl::Status AddNumeric(std::string name, absl::Span<const double> values) {
    Column c{std::move(name), profile::ColumnKind::kNumeric, values, {}, nullptr};
    return Add(std::move(c), values.size());
  }
  absl::Status AddText(std::string name, absl::Span<const std::string> values) {
    Column c{std::move(name), profile::ColumnKind::kText, {}, values, nullptr};
    return Add(std::move(c), values.size());
  }
  absl::Status AddTextSet(std::string name, const profile::TextSetColumn* values) {
    const size_t rows = values == nullptr ? 0 : values->rows();
    Column c{std::move(name), profile::ColumnKind::kTextSet, {}, {}, values};
    return Add(std::move(c), rows);
  }

  size_t num_rows() const { return rows_; }
  // nullptr when there is no such column.
  const Column* Find(std::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &columns_[it->second];
  }
  // Column names in the order they were added.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    out.reserve(columns_.size());
    for (const Column& c : columns_) out.push_back(c.name);
    return out;
  }

 private:
  absl::Status Add(Column column, size_t length) {
    if (column.name.empty()) return absl::InvalidArgumentError("a column needs a non-empty name");
    if (length != rows_) {
      return absl::InvalidArgumentError(
          absl::StrCat("column ", column.name, " has ", length, " rows; the column set has ", rows_));
    }
    auto [it, inserted] = index_.try_emplace(column.name, columns_.size());
    if (inserted) {
      columns_.push_back(std::move(column));
    } else {
      columns_[it->second] = std::move(column);
    }
    return absl::OkStatus();
  }

  size_t rows_ = 0;
  std::vector<Column> columns_;
  internal::StringMap<size_t> index_;
};

}  // namespace segment
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SEGMENT_COLUMN_SET_H_
