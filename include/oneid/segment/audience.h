// Audience: a small expression language over the columns of a profile::FeatureTable, parsed once
// into a compiled form and evaluated column-wise over the whole table.
//
//   absl::StatusOr<Audience> a = Audience::Compile(
//       "monetary_score >= 4 and p_alive < 0.3 and (\"douyin\" in channels or count(channels) >= 2)");
//   absl::StatusOr<std::vector<uint8_t>> members = a->Evaluate(table);   // 1 byte per row, 0 or 1
//
// Grammar (keywords are case-insensitive; whitespace separates tokens and is otherwise ignored):
//
//   expression := or
//   or         := and ("or" and)*
//   and        := unary ("and" unary)*
//   unary      := "not" unary | primary
//   primary    := "(" expression ")" | predicate
//   predicate  := value [ compare-op value | ["not"] "in" (value | list) ]
//   compare-op := "==" | "!=" | "<" | "<=" | ">" | ">="
//   list       := "(" literal ("," literal)* ")"
//   value      := literal | column | "count" "(" column ")"
//   literal    := number | string | "date" "(" string ")" | "true" | "false"
//   column     := identifier | "`" any text but a backtick "`"
//   identifier := [A-Za-z_][A-Za-z0-9_.]*      (not a keyword; backticks quote any other name)
//   number     := ["-"] digits ["." digits] [("e"|"E") ["+"|"-"] digits]
//   string     := '"' ... '"' | "'" ... "'"     (backslash escapes the quote and itself)
//
// Meaning:
//   - A numeric column, `count(set)`, a number, `true` (1) or `false` (0) and `date("YYYY-MM-DD")`
//     are numbers. A date is its day number: days since 1970-01-01 (so 2026-01-01 is 20454). A date
//     column is therefore a numeric column holding epoch days (the Python layer converts datetime
//     columns this way); relative ages such as `recency_days` are plain numbers.
//   - Text columns compare with strings (== and != only; "" is a missing value and equals "").
//   - `s in set_column` is true when the row's set contains the string s; `col in (a, b, ...)` is
//     true when the value equals one of the literals. `x not in y` is `not (x in y)`.
//   - A bare value used as a condition must be numeric: true when it is neither 0 nor NaN. That is
//     how 0/1 tag columns read: `high_value and not churn_risk`.
//   - NaN ("not defined for this row") makes every comparison false, `!=` included, and is never a
//     member of a list; `not` then turns that false into true, as in SQL's two-valued WHERE.
//
// Errors (all InvalidArgument, so that Python raises ValueError):
//   - Compile: syntax errors give the 1-based position, the expected token and what was found,
//     followed by the expression and a caret under the position. Comparing two literals of
//     different types is reported here too.
//   - Evaluate: an unknown column is an error (never "false"), naming the column, its position and
//     the columns the table has; a type error (a text column compared with a number, `<` on text,
//     `in` on a numeric column, a text column used as a condition ...) names the position and both
//     types.
//
// Evaluation runs over blocks of rows (a few thousand at a time, so the intermediate masks stay in
// cache) with one byte per row per node, in loops the compiler vectorises. An Audience is immutable
// after Compile; Evaluate may be called from many threads at once.
#ifndef ONEID_SEGMENT_AUDIENCE_H_
#define ONEID_SEGMENT_AUDIENCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "oneid/profile/feature_table.h"
#include "oneid/segment/column_set.h"

namespace oneid {
inline namespace v0 {
namespace segment {

namespace detail {
struct AudienceNode;
}  // namespace detail

class Audience {
 public:
  // Parses `expression`. InvalidArgument with the position on a syntax error.
  [[nodiscard]] static absl::StatusOr<Audience> Compile(std::string_view expression);

  Audience(const Audience&) = default;
  Audience& operator=(const Audience&) = default;
  Audience(Audience&&) noexcept = default;
  Audience& operator=(Audience&&) noexcept = default;
  ~Audience();

  const std::string& expression() const { return expression_; }
  // The columns the expression reads, in the order they first appear, each once.
  const std::vector<std::string>& columns() const { return columns_; }
  // A canonical, fully parenthesised form of the compiled expression. Compiling it again gives the
  // same canonical form (the parser tests check this round trip).
  std::string ToString() const;

  // One byte per row of `table`: 1 when the row is in the audience, else 0. InvalidArgument on an
  // unknown column or a type error (see the file comment).
  [[nodiscard]] absl::StatusOr<std::vector<uint8_t>> Evaluate(const profile::FeatureTable& table) const;
  // The same over column views (column_set.h): no copy of the columns.
  [[nodiscard]] absl::StatusOr<std::vector<uint8_t>> Evaluate(const ColumnSet& columns) const;
  // Checks columns and types against `table` without evaluating (what Evaluate checks first).
  [[nodiscard]] absl::Status Check(const profile::FeatureTable& table) const;
  [[nodiscard]] absl::Status Check(const ColumnSet& columns) const;
  // The number of rows in the audience.
  [[nodiscard]] absl::StatusOr<size_t> Count(const profile::FeatureTable& table) const;

 private:
  Audience() = default;

  std::string expression_;
  std::vector<std::string> columns_;
  std::shared_ptr<const detail::AudienceNode> root_;  // immutable, so copies share it
};

// Day number of a civil date (days since 1970-01-01; negative before). InvalidArgument unless
// `text` is an existing date written YYYY-MM-DD.
[[nodiscard]] absl::StatusOr<int64_t> EpochDayFromIso(std::string_view text);

}  // namespace segment
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SEGMENT_AUDIENCE_H_
