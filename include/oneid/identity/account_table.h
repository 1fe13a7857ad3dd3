// AccountTable: the input of identity resolution, one row per account and one column per
// identifier slot. Columns name their identifier type, so a table may hold two phone columns.
// An empty cell means "no value". Scoped tokens are written "scope:token" (e.g. "wx_app1:oAbc").
//
//   AccountTable table({{"phone", "phone"}, {"email", "email"}});
//   table.AddRow("tmall:1001", "tmall", {"138 0013 8000", "Ann@Example.com"});
#ifndef ONEID_IDENTITY_ACCOUNT_TABLE_H_
#define ONEID_IDENTITY_ACCOUNT_TABLE_H_

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/identity/batch_report.h"

namespace oneid {
inline namespace v0 {
namespace identity {

// One identifier column: its header (unique within a table) and the identifier type it holds.
struct ColumnSpec {
  std::string name;
  std::string type;
};

// Owning, columnar table of accounts.
class AccountTable {
 public:
  AccountTable() = default;
  explicit AccountTable(std::vector<ColumnSpec> columns);
  // So that `AccountTable table({{"phone", "phone"}})` is not ambiguous with the copy constructor.
  AccountTable(std::initializer_list<ColumnSpec> columns) : AccountTable(std::vector<ColumnSpec>(columns)) {}

  // Appends a row. `values` has one entry per column, in column order ("" for missing).
  // Returns InvalidArgument if the count differs; the table is then unchanged.
  // `row_number` is what errors call this row (a CSV line number, say); by default its index.
  absl::Status AddRow(std::string_view account_id, std::string_view source,
                      absl::Span<const std::string_view> values, size_t row_number = kAutoRow);
  static constexpr size_t kAutoRow = static_cast<size_t>(-1);
  void Reserve(size_t rows);

  size_t row_count() const { return account_ids_.size(); }
  size_t column_count() const { return columns_.size(); }
  const std::vector<ColumnSpec>& columns() const { return columns_; }
  std::string_view account_id(size_t row) const { return account_ids_[row]; }
  std::string_view source(size_t row) const { return sources_[row]; }
  std::string_view value(size_t row, size_t column) const { return values_[column][row]; }
  size_t row_number(size_t row) const { return row_numbers_[row]; }

 private:
  std::vector<ColumnSpec> columns_;
  std::vector<std::string> account_ids_;
  std::vector<std::string> sources_;
  std::vector<std::vector<std::string>> values_;  // [column][row]
  std::vector<size_t> row_numbers_;
};

// A non-owning view of the same shape, which the resolver reads. Bindings build it straight over
// Python strings; AccountTable::View() builds it over an owning table.
struct AccountBatchView {
  std::vector<ColumnSpec> columns;
  std::vector<std::string_view> account_ids;
  std::vector<std::string_view> sources;  // empty, or one per row
  std::vector<std::vector<std::string_view>> values;  // [column][row]
  // What errors call each row: row_numbers[i] if given, else first_row_number + i.
  std::vector<size_t> row_numbers;
  size_t first_row_number = 0;
  size_t RowNumber(size_t i) const { return row_numbers.empty() ? first_row_number + i : row_numbers[i]; }
  size_t row_count() const { return account_ids.size(); }
};

AccountBatchView View(const AccountTable& table);

// Reads accounts from CSV text (RFC 4180 quoting, first line is the header). The header must
// contain `account_id`; `source` is optional; every other column is an identifier column whose
// type is its name, or the part before '#' ("phone#2" is a second phone column).
// Rows with the wrong number of fields or invalid UTF-8 are rejected into `report`, never
// dropped in silence; an unreadable header is an error.
absl::StatusOr<AccountTable> ReadAccountsCsv(std::string_view csv_text, BatchReport& report);
absl::StatusOr<AccountTable> ReadAccountsCsvFile(const std::string& path, BatchReport& report);

}  // namespace identity
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_IDENTITY_ACCOUNT_TABLE_H_
