// FeatureTable: column storage and lookups. See include/oneid/profile/feature_table.h.
#include "oneid/profile/feature_table.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace oneid {
inline namespace v0 {
namespace profile {

std::string_view ColumnKindName(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kNumeric: return "numeric";
    case ColumnKind::kText: return "text";
    case ColumnKind::kTextSet: return "text set";
  }
  return "unknown";
}

bool TextSetColumn::Contains(size_t row, std::string_view value) const {
  for (const std::string& v : Row(row)) {
    if (v == value) return true;
  }
  return false;
}

FeatureTable::FeatureTable(std::vector<OneId> oneids) : oneids_(std::move(oneids)) {
  row_of_.reserve(oneids_.size());
  for (size_t i = 0; i < oneids_.size(); ++i) row_of_.emplace(oneids_[i], static_cast<uint32_t>(i));
}

absl::StatusOr<FeatureTable> FeatureTable::Create(std::vector<OneId> oneids) {
  absl::flat_hash_map<OneId, size_t> seen;
  seen.reserve(oneids.size());
  for (size_t i = 0; i < oneids.size(); ++i) {
    if (oneids[i] == 0) {
      return absl::InvalidArgumentError(absl::StrCat("row ", i, ", field oneid: 0 is not a OneID"));
    }
    auto [it, inserted] = seen.emplace(oneids[i], i);
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat("row ", i, ", field oneid: OneID ", oneids[i],
                                                     " already appears at row ", it->second));
    }
  }
  return FeatureTable(std::move(oneids));
}

absl::StatusOr<size_t> FeatureTable::RowOf(OneId oneid) const {
  auto it = row_of_.find(oneid);
  if (it == row_of_.end()) return absl::NotFoundError(absl::StrCat("no row for OneID ", oneid));
  return static_cast<size_t>(it->second);
}

absl::Status FeatureTable::CheckLength(std::string_view name, size_t length) const {
  if (name.empty()) return absl::InvalidArgumentError("a column needs a non-empty name");
  if (length != oneids_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("column ", internal::Absl(name), " has ", length,
                                                   " rows; the table has ", oneids_.size()));
  }
  return absl::OkStatus();
}

FeatureTable::Column& FeatureTable::Slot(std::string name) {
  auto it = index_.find(name);
  if (it != index_.end()) {
    Column& column = columns_[it->second];
    column = Column{};  // a replaced column may change kind: drop whatever it held
    column.name = std::move(name);
    return column;
  }
  index_.emplace(name, columns_.size());
  columns_.push_back(Column{});
  columns_.back().name = std::move(name);
  return columns_.back();
}

absl::Status FeatureTable::SetNumeric(std::string name, std::vector<double> values) {
  if (absl::Status s = CheckLength(name, values.size()); !s.ok()) return s;
  Column& column = Slot(std::move(name));
  column.kind = ColumnKind::kNumeric;
  column.numeric = std::move(values);
  return absl::OkStatus();
}

absl::Status FeatureTable::SetText(std::string name, std::vector<std::string> values) {
  if (absl::Status s = CheckLength(name, values.size()); !s.ok()) return s;
  Column& column = Slot(std::move(name));
  column.kind = ColumnKind::kText;
  column.text = std::move(values);
  return absl::OkStatus();
}

absl::Status FeatureTable::SetTextSet(std::string name, std::vector<std::vector<std::string>> values) {
  TextSetColumn column;
  column.offsets.reserve(values.size() + 1);
  for (std::vector<std::string>& row : values) {
    // A set: sorted and without repeats, so that Contains and equality do not depend on the order
    // events arrived in.
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    for (std::string& v : row) column.values.push_back(std::move(v));
    column.offsets.push_back(column.values.size());
  }
  return SetTextSet(std::move(name), std::move(column));
}

absl::Status FeatureTable::SetTextSet(std::string name, TextSetColumn values) {
  if (values.offsets.empty() || values.offsets.front() != 0 ||
      values.offsets.back() != values.values.size() ||
      !std::is_sorted(values.offsets.begin(), values.offsets.end())) {
    return absl::InvalidArgumentError(absl::StrCat("column ", name,
                                                   ": text-set offsets must start at 0, never "
                                                   "decrease and end at the number of values"));
  }
  if (absl::Status s = CheckLength(name, values.rows()); !s.ok()) return s;
  Column& column = Slot(std::move(name));
  column.kind = ColumnKind::kTextSet;
  column.text_set = std::move(values);
  return absl::OkStatus();
}

absl::Status FeatureTable::UnknownColumn(std::string_view name) const {
  return absl::NotFoundError(absl::StrCat("unknown column '", internal::Absl(name),
                                          "'; the table has: ", absl::StrJoin(ColumnNames(), ", ")));
}

absl::StatusOr<ColumnKind> FeatureTable::KindOf(std::string_view name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return UnknownColumn(name);
  return columns_[it->second].kind;
}

absl::StatusOr<const FeatureTable::Column*> FeatureTable::Find(std::string_view name,
                                                              ColumnKind kind) const {
  auto it = index_.find(name);
  if (it == index_.end()) return UnknownColumn(name);
  const Column& column = columns_[it->second];
  if (column.kind != kind) {
    return absl::InvalidArgumentError(absl::StrCat("column '", internal::Absl(name), "' is ",
                                                   internal::Absl(ColumnKindName(column.kind)),
                                                   ", not ", internal::Absl(ColumnKindName(kind))));
  }
  return &column;
}

absl::StatusOr<absl::Span<const double>> FeatureTable::Numeric(std::string_view name) const {
  absl::StatusOr<const Column*> column = Find(name, ColumnKind::kNumeric);
  if (!column.ok()) return column.status();
  return absl::MakeConstSpan((*column)->numeric);
}

absl::StatusOr<absl::Span<double>> FeatureTable::MutableNumeric(std::string_view name) {
  absl::StatusOr<const Column*> column = Find(name, ColumnKind::kNumeric);
  if (!column.ok()) return column.status();
  return absl::MakeSpan(columns_[index_.find(name)->second].numeric);
}

absl::StatusOr<absl::Span<const std::string>> FeatureTable::Text(std::string_view name) const {
  absl::StatusOr<const Column*> column = Find(name, ColumnKind::kText);
  if (!column.ok()) return column.status();
  return absl::MakeConstSpan((*column)->text);
}

absl::StatusOr<const TextSetColumn*> FeatureTable::TextSet(std::string_view name) const {
  absl::StatusOr<const Column*> column = Find(name, ColumnKind::kTextSet);
  if (!column.ok()) return column.status();
  return &(*column)->text_set;
}

std::vector<std::string> FeatureTable::ColumnNames() const {
  std::vector<std::string> names;
  names.reserve(columns_.size());
  for (const Column& c : columns_) names.push_back(c.name);
  return names;
}

std::vector<std::string> FeatureTable::NumericColumnNames() const {
  std::vector<std::string> names;
  for (const Column& c : columns_) {
    if (c.kind == ColumnKind::kNumeric) names.push_back(c.name);
  }
  return names;
}

absl::StatusOr<Eigen::MatrixXd> FeatureTable::ToMatrix(absl::Span<const std::string> names) const {
  Eigen::MatrixXd matrix(static_cast<Eigen::Index>(num_rows()), static_cast<Eigen::Index>(names.size()));
  for (size_t j = 0; j < names.size(); ++j) {
    absl::StatusOr<absl::Span<const double>> column = Numeric(names[j]);
    if (!column.ok()) return column.status();
    if (!column->empty()) {
      std::memcpy(matrix.col(static_cast<Eigen::Index>(j)).data(), column->data(),
                  column->size() * sizeof(double));
    }
  }
  return matrix;
}

size_t FeatureTable::MemoryBytes() const {
  size_t bytes = oneids_.capacity() * sizeof(OneId) + columns_.capacity() * sizeof(Column);
  for (const Column& c : columns_) {
    bytes += c.numeric.capacity() * sizeof(double);
    bytes += c.text.capacity() * sizeof(std::string) + c.text_set.values.capacity() * sizeof(std::string);
    bytes += c.text_set.offsets.capacity() * sizeof(uint64_t);
    for (const std::string& s : c.text) bytes += s.capacity() > 15 ? s.capacity() : 0;
    for (const std::string& s : c.text_set.values) bytes += s.capacity() > 15 ? s.capacity() : 0;
  }
  return bytes + row_of_.capacity() * (sizeof(OneId) + sizeof(uint32_t) + 1);
}

}  // namespace profile
}  // namespace v0
}  // namespace oneid
