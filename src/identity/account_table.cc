#include "oneid/identity/account_table.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "oneid/identity/normalizer.h"

namespace oneid {
inline namespace v0 {
namespace identity {

AccountTable::AccountTable(std::vector<ColumnSpec> columns)
    : columns_(std::move(columns)), values_(columns_.size()) {}

void AccountTable::Reserve(size_t rows) {
  account_ids_.reserve(rows);
  sources_.reserve(rows);
  row_numbers_.reserve(rows);
  for (auto& column : values_) column.reserve(rows);
}

absl::Status AccountTable::AddRow(std::string_view account_id, std::string_view source,
                                  absl::Span<const std::string_view> values, size_t row_number) {
  if (values.size() != columns_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("row has ", values.size(), " identifier values, the table has ",
                                                   columns_.size(), " identifier columns"));
  }
  row_numbers_.push_back(row_number == kAutoRow ? account_ids_.size() : row_number);
  account_ids_.emplace_back(account_id);
  sources_.emplace_back(source);
  for (size_t c = 0; c < values.size(); ++c) values_[c].emplace_back(values[c]);
  return absl::OkStatus();
}

AccountBatchView View(const AccountTable& table) {
  AccountBatchView view;
  view.columns = table.columns();
  const size_t rows = table.row_count();
  view.account_ids.reserve(rows);
  view.sources.reserve(rows);
  view.row_numbers.reserve(rows);
  for (size_t r = 0; r < rows; ++r) {
    view.account_ids.push_back(table.account_id(r));
    view.sources.push_back(table.source(r));
    view.row_numbers.push_back(table.row_number(r));
  }
  view.values.resize(table.column_count());
  for (size_t c = 0; c < table.column_count(); ++c) {
    view.values[c].reserve(rows);
    for (size_t r = 0; r < rows; ++r) view.values[c].push_back(table.value(r, c));
  }
  return view;
}

namespace {

// Splits RFC 4180 CSV into records. Quoted fields may hold commas, quotes ("") and newlines.
// Returns false on an unterminated quote, with `error` set.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {
    if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);  // Excel's UTF-8 BOM
  }
  bool done() const { return pos_ >= text_.size(); }
  size_t line() const { return line_; }

  // Reads one record into `fields`. Returns false and sets `error` on malformed quoting; the
  // reader then skips to the next line so one bad record costs one row.
  bool Next(std::vector<std::string>& fields, std::string& error) {
    fields.clear();
    std::string field;
    bool in_quotes = false;
    bool was_quoted = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (in_quotes) {
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') { field.push_back('"'); ++pos_; }
          else in_quotes = false;
        } else {
          if (c == '\n') ++line_;
          field.push_back(c);
        }
        continue;
      }
      if (c == '"' && field.empty() && !was_quoted) { in_quotes = true; was_quoted = true; continue; }
      if (c == ',') { fields.push_back(std::move(field)); field.clear(); was_quoted = false; continue; }
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') continue;
      if (c == '\n') { ++line_; fields.push_back(std::move(field)); return true; }
      if (was_quoted) {
        error = "text after a closing quote";
        SkipLine();
        return false;
      }
      field.push_back(c);
    }
    if (in_quotes) {
      error = "quoted field is not closed before the end of the file";
      return false;
    }
    fields.push_back(std::move(field));
    return true;
  }

 private:
  void SkipLine() {
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    if (pos_ < text_.size()) { ++pos_; ++line_; }
  }
  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

void AddError(BatchReport& report, size_t row, std::string field, std::string reason, bool row_rejected) {
  if (row_rejected) ++report.rows_rejected; else ++report.fields_rejected;
  if (report.errors.size() < report.max_listed) {
    report.errors.push_back({row, std::move(field), std::move(reason), row_rejected});
  }
}

}  // namespace

absl::StatusOr<AccountTable> ReadAccountsCsv(std::string_view csv_text, BatchReport& report) {
  CsvReader reader(csv_text);
  std::vector<std::string> header;
  std::string error;
  if (reader.done() || !reader.Next(header, error)) {
    return absl::InvalidArgumentError(absl::StrCat("accounts CSV: cannot read the header line",
                                                   error.empty() ? "" : ": ", error));
  }
  int account_column = -1, source_column = -1;
  std::vector<ColumnSpec> specs;
  std::vector<size_t> identifier_fields;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string_view name = header[i];
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    if (name == "account_id") { account_column = static_cast<int>(i); continue; }
    if (name == "source") { source_column = static_cast<int>(i); continue; }
    if (name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("accounts CSV: header column ", i + 1, " has no name"));
    }
    const size_t hash = name.find('#');
    specs.push_back({std::string(name), std::string(name.substr(0, hash))});
    identifier_fields.push_back(i);
  }
  if (account_column < 0) {
    return absl::InvalidArgumentError("accounts CSV: the header has no 'account_id' column");
  }
  AccountTable table(specs);
  std::vector<std::string> fields;
  std::vector<std::string_view> values(specs.size());
  while (!reader.done()) {
    const size_t line = reader.line();
    if (!reader.Next(fields, error)) {
      ++report.rows_read;
      AddError(report, line, "(row)", absl::StrCat("malformed CSV: ", error), true);
      continue;
    }
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    ++report.rows_read;
    if (fields.size() != header.size()) {
      AddError(report, line, "(row)",
               absl::StrCat("has ", fields.size(), " fields, the header has ", header.size()), true);
      continue;
    }
    bool utf8_ok = true;
    for (size_t i = 0; i < fields.size() && utf8_ok; ++i) {
      if (!IsValidUtf8(fields[i])) {
        AddError(report, line, i < header.size() ? header[i] : "(row)", "invalid UTF-8", true);
        utf8_ok = false;
      }
    }
    if (!utf8_ok) continue;
    for (size_t k = 0; k < identifier_fields.size(); ++k) values[k] = fields[identifier_fields[k]];
    const std::string_view source = source_column >= 0 ? std::string_view(fields[source_column]) : "";
    // Column counts were checked above, so AddRow cannot fail here.
    (void)table.AddRow(fields[account_column], source, values, line);
  }
  return table;
}

absl::StatusOr<AccountTable> ReadAccountsCsvFile(const std::string& path, BatchReport& report) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open accounts file '", path, "'"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("error reading '", path, "'"));
  return ReadAccountsCsv(buffer.str(), report);
}

}  // namespace identity
}  // namespace v0
}  // namespace oneid
