// FeatureTable: a columnar table keyed by OneID, the hand-off between the layers after identity.
// The profile layer fills it with features, the score layer adds scores, the segment layer reads
// both and adds tags and segments. One contiguous array per column, so a scan over a column is a
// scan over memory and a column reaches Eigen or NumPy without a copy.
//
//   FeatureTable table({101, 102, 103});
//   table.SetNumeric("frequency", {3, 0, 7});
//   table.SetText("member_tier", {"gold", "", "silver"});
//   table.SetTextSet("channels", {{"tmall", "pos"}, {}, {"douyin"}});
//   absl::StatusOr<absl::Span<const double>> f = table.Numeric("frequency");
//   absl::StatusOr<Eigen::MatrixXd> x = table.ToMatrix({"frequency", "recency_days"});
//
// Three kinds of column:
//   numeric   double per row; NaN means "not defined for this row" (the mean interval of a person
//             with one purchase), never "zero"
//   text      one string per row; "" means missing
//   text set  a set of strings per row (channels, top categories), stored as offsets + values
//
// Thread safety: const methods may be called from many threads at once; Set* needs exclusive
// access. Column spans stay valid until the column is replaced or the table is destroyed.
#ifndef ONEID_PROFILE_FEATURE_TABLE_H_
#define ONEID_PROFILE_FEATURE_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "Eigen/Core"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/identity/batch_report.h"
#include "oneid/internal/strings.h"

namespace oneid {
inline namespace v0 {
namespace profile {

using identity::OneId;

enum class ColumnKind : uint8_t { kNumeric, kText, kTextSet };

std::string_view ColumnKindName(ColumnKind kind);

// A set-valued column: row i holds values[offsets[i] .. offsets[i + 1]).
struct TextSetColumn {
  std::vector<uint64_t> offsets{0};
  std::vector<std::string> values;

  size_t rows() const { return offsets.size() - 1; }
  absl::Span<const std::string> Row(size_t i) const {
    return absl::MakeConstSpan(values).subspan(offsets[i], offsets[i + 1] - offsets[i]);
  }
  bool Contains(size_t row, std::string_view value) const;
};

class FeatureTable {
 public:
  FeatureTable() = default;
  // One row per OneID, in the given order. OneIDs must be distinct and non-zero; a duplicate is a
  // programming error caught by Create (use it for untrusted input).
  explicit FeatureTable(std::vector<OneId> oneids);
  // As the constructor, but InvalidArgument (naming the row) on a zero or duplicate OneID.
  static absl::StatusOr<FeatureTable> Create(std::vector<OneId> oneids);

  size_t num_rows() const { return oneids_.size(); }
  size_t num_columns() const { return columns_.size(); }
  const std::vector<OneId>& oneids() const { return oneids_; }
  // The row of a OneID. NotFound if the table has no such row.
  absl::StatusOr<size_t> RowOf(OneId oneid) const;

  // Adds a column, or replaces the column of that name (whatever its kind). InvalidArgument if
  // the name is empty or the length is not num_rows().
  absl::Status SetNumeric(std::string name, std::vector<double> values);
  absl::Status SetText(std::string name, std::vector<std::string> values);
  absl::Status SetTextSet(std::string name, std::vector<std::vector<std::string>> values);
  absl::Status SetTextSet(std::string name, TextSetColumn column);

  bool Has(std::string_view name) const { return index_.contains(name); }
  // NotFound (naming the column and listing what the table has) for an unknown column.
  absl::StatusOr<ColumnKind> KindOf(std::string_view name) const;
  // NotFound for an unknown column, InvalidArgument for a column of another kind.
  absl::StatusOr<absl::Span<const double>> Numeric(std::string_view name) const;
  absl::StatusOr<absl::Span<double>> MutableNumeric(std::string_view name);
  absl::StatusOr<absl::Span<const std::string>> Text(std::string_view name) const;
  absl::StatusOr<const TextSetColumn*> TextSet(std::string_view name) const;

  // Column names in the order they were first added.
  std::vector<std::string> ColumnNames() const;
  std::vector<std::string> NumericColumnNames() const;

  // The named numeric columns as an n_rows x names.size() matrix (column-major, as Eigen's
  // default; one memcpy per column). Errors as Numeric().
  absl::StatusOr<Eigen::MatrixXd> ToMatrix(absl::Span<const std::string> names) const;

  // Bytes held by the columns (capacity, not size), for memory-per-record figures.
  size_t MemoryBytes() const;

 private:
  struct Column {
    std::string name;
    ColumnKind kind = ColumnKind::kNumeric;
    std::vector<double> numeric;
    std::vector<std::string> text;
    TextSetColumn text_set;
  };
  absl::StatusOr<const Column*> Find(std::string_view name, ColumnKind kind) const;
  absl::Status CheckLength(std::string_view name, size_t length) const;
  Column& Slot(std::string name);
  absl::Status UnknownColumn(std::string_view name) const;

  std::vector<OneId> oneids_;
  internal::StringMap<size_t> index_;           // column name -> position in columns_
  std::vector<Column> columns_;
  absl::flat_hash_map<OneId, uint32_t> row_of_;  // OneID -> row
};

}  // namespace profile
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_PROFILE_FEATURE_TABLE_H_
