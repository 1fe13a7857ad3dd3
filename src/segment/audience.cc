// The audience language: lexer, recursive-descent parser, type binding against a FeatureTable and
// block-wise evaluation. See include/oneid/segment/audience.h for the grammar and semantics.
#include "oneid/segment/audience.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "oneid/internal/status_macros.h"

namespace oneid {
inline namespace v0 {
namespace segment {
namespace detail {

enum class NodeKind : uint8_t { kOr, kAnd, kNot, kCompare, kIn, kTruth };
enum class CmpOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
enum class ValueKind : uint8_t { kNumber, kString, kColumn, kCount };

struct Value {
  ValueKind kind = ValueKind::kNumber;
  double number = 0;
  bool is_date = false;  // printed back as date("...")
  std::string text;      // string literal, or the column name for kColumn / kCount
  size_t pos = 0;        // 0-based byte offset in the expression
};

struct AudienceNode {
  NodeKind kind = NodeKind::kTruth;
  size_t pos = 0;
  std::vector<std::unique_ptr<AudienceNode>> children;  // kOr, kAnd (2+), kNot (1)
  CmpOp op = CmpOp::kEq;
  Value lhs, rhs;           // kCompare: both; kIn: lhs and rhs unless has_list; kTruth: lhs
  bool has_list = false;    // kIn over a literal list
  std::vector<Value> list;  // literals
};

}  // namespace detail

namespace {

using detail::AudienceNode;
using detail::CmpOp;
using detail::NodeKind;
using detail::Value;
using detail::ValueKind;

constexpr size_t kMaxDepth = 200;     // nesting limit: deep input must not overflow the stack
constexpr size_t kBlockRows = 4096;  // rows evaluated at a time; masks of a block stay in L1/L2

std::string_view OpText(CmpOp op) {
  switch (op) {
    case CmpOp::kEq: return "==";
    case CmpOp::kNe: return "!=";
    case CmpOp::kLt: return "<";
    case CmpOp::kLe: return "<=";
    case CmpOp::kGt: return ">";
    case CmpOp::kGe: return ">=";
  }
  return "?";
}

// a op b  ==  b Flip(op) a
CmpOp Flip(CmpOp op) {
  switch (op) {
    case CmpOp::kLt: return CmpOp::kGt;
    case CmpOp::kLe: return CmpOp::kGe;
    case CmpOp::kGt: return CmpOp::kLt;
    case CmpOp::kGe: return CmpOp::kLe;
    default: return op;
  }
}

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '.'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsKeyword(std::string_view word) {
  const std::string w = Lower(word);
  return w == "and" || w == "or" || w == "not" || w == "in" || w == "true" || w == "false";
}

// Shows a piece of the input safely: printable ASCII as is, other bytes as \xNN.
std::string Printable(std::string_view s, size_t max = 24) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string FormatNumber(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // Prefer the shortest form that reads back exactly.
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[40];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
    double back = 0;
    std::from_chars(shorter, shorter + std::strlen(shorter), back);
    if (back == v) return shorter;
  }
  return buf;
}

// Civil date <-> day number (proleptic Gregorian; H. Hinnant's algorithms).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Lexer

enum class Tok : uint8_t {
  kEnd, kIdent, kQuotedIdent, kNumber, kString, kLParen, kRParen, kComma, kMinus, kOp,
  kAnd, kOr, kNot, kIn, kTrue, kFalse
};

struct Token {
  Tok kind = Tok::kEnd;
  size_t pos = 0;
  size_t len = 0;
  std::string text;  // identifier name or unescaped string
  double number = 0;
  CmpOp op = CmpOp::kEq;
};

class Parser {
 public:
  explicit Parser(std::string_view input) : in_(input) {}

  absl::StatusOr<std::unique_ptr<AudienceNode>> Parse() {
    ONEID_RETURN_IF_ERROR(Advance());
    if (tok_.kind == Tok::kEnd) return Error(tok_.pos, "a condition", "the end of the expression");
    ONEID_ASSIGN_OR_RETURN(auto root, ParseOr(0));
    if (tok_.kind != Tok::kEnd) return Error(tok_.pos, Continuations("the end of the expression"), Describe(tok_));
    return root;
  }

  std::vector<std::string> TakeColumns() { return std::move(columns_); }

 private:
  // -- errors ---------------------------------------------------------------------------------
  absl::Status Error(size_t pos, std::string_view expected, std::string_view found) const {
    return ErrorText(pos, absl::StrCat("expected ", internal::Absl(expected), ", found ", internal::Absl(found)));
  }
  absl::Status ErrorText(size_t pos, std::string_view what) const {
    // The expression and a caret under the position, when the expression is short and printable.
    std::string context;
    bool printable = in_.size() <= 200;
    for (char c : in_) printable = printable && static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
    if (printable) context = absl::StrCat("\n  ", internal::Absl(in_), "\n  ", std::string(pos, ' '), "^");
    return absl::InvalidArgumentError(
        absl::StrCat("syntax error at position ", pos + 1, ": ", internal::Absl(what), context));
  }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd: return "the end of the expression";
      case Tok::kIdent: return absl::StrCat("column '", t.text, "'");
      case Tok::kQuotedIdent: return absl::StrCat("column `", t.text, "`");
      case Tok::kNumber: return absl::StrCat("number ", FormatNumber(t.number));
      case Tok::kString: return absl::StrCat("string ", Printable(Quote(t.text), 40));
      case Tok::kLParen: return "'('";
      case Tok::kRParen: return "')'";
      case Tok::kComma: return "','";
      case Tok::kMinus: return "'-'";
      case Tok::kOp: return absl::StrCat("'", internal::Absl(OpText(t.op)), "'");
      case Tok::kAnd: return "'and'";
      case Tok::kOr: return "'or'";
      case Tok::kNot: return "'not'";
      case Tok::kIn: return "'in'";
      case Tok::kTrue: return "'true'";
      case Tok::kFalse: return "'false'";
    }
    return "?";
  }

  // -- lexer ----------------------------------------------------------------------------------
  absl::Status Advance() {
    while (at_ < in_.size() && (in_[at_] == ' ' || in_[at_] == '\t' || in_[at_] == '\n' || in_[at_] == '\r')) ++at_;
    tok_ = Token();
    tok_.pos = at_;
    if (at_ >= in_.size()) return absl::OkStatus();
    const char c = in_[at_];
    const size_t start = at_;
    auto single = [&](Tok kind) {
      tok_.kind = kind;
      tok_.len = 1;
      ++at_;
      return absl::OkStatus();
    };
    switch (c) {
      case '(': return single(Tok::kLParen);
      case ')': return single(Tok::kRParen);
      case ',': return single(Tok::kComma);
      case '-': return single(Tok::kMinus);
      case '=':
      case '!':
      case '<':
      case '>': {
        const bool eq_next = at_ + 1 < in_.size() && in_[at_ + 1] == '=';
        tok_.kind = Tok::kOp;
        tok_.len = eq_next ? 2 : 1;
        if (c == '=' && !eq_next) return ErrorText(start, "expected an operator, found '='; compare with '=='");
        if (c == '!' && !eq_next) return ErrorText(start, "expected an operator, found '!'; use 'not' or '!='");
        tok_.op = c == '=' ? CmpOp::kEq : c == '!' ? CmpOp::kNe : c == '<' ? (eq_next ? CmpOp::kLe : CmpOp::kLt)
                                                                            : (eq_next ? CmpOp::kGe : CmpOp::kGt);
        at_ += tok_.len;
        return absl::OkStatus();
      }
      case '"':
      case '\'': {
        std::string text;
        size_t i = at_ + 1;
        for (; i < in_.size() && in_[i] != c; ++i) {
          if (in_[i] == '\\' && i + 1 < in_.size() && (in_[i + 1] == c || in_[i + 1] == '\\')) ++i;
          text.push_back(in_[i]);
        }
        if (i >= in_.size()) {
          return ErrorText(start, absl::StrCat("unterminated string: expected a closing ", std::string(1, c)));
        }
        tok_.kind = Tok::kString;
        tok_.text = std::move(text);
        at_ = i + 1;
        tok_.len = at_ - start;
        return absl::OkStatus();
      }
      case '`': {
        const size_t close = in_.find('`', at_ + 1);
        if (close == std::string_view::npos) return ErrorText(start, "unterminated column name: expected a closing `");
        if (close == at_ + 1) return ErrorText(start, "expected a column name between the backticks, found ``");
        tok_.kind = Tok::kQuotedIdent;
        tok_.text = std::string(in_.substr(at_ + 1, close - at_ - 1));
        at_ = close + 1;
        tok_.len = at_ - start;
        return absl::OkStatus();
      }
      default: break;
    }
    if (IsDigit(c) || (c == '.' && at_ + 1 < in_.size() && IsDigit(in_[at_ + 1]))) {
      size_t i = at_;
      while (i < in_.size() && IsDigit(in_[i])) ++i;
      if (i < in_.size() && in_[i] == '.') {
        ++i;
        while (i < in_.size() && IsDigit(in_[i])) ++i;
      }
      if (i < in_.size() && (in_[i] == 'e' || in_[i] == 'E')) {
        size_t j = i + 1;
        if (j < in_.size() && (in_[j] == '+' || in_[j] == '-')) ++j;
        if (j >= in_.size() || !IsDigit(in_[j])) {
          return ErrorText(j, absl::StrCat("expected the digits of an exponent, found ",
                                           j >= in_.size() ? std::string("the end of the expression")
                                                           : absl::StrCat("'", Printable(in_.substr(j, 1)), "'")));
        }
        while (j < in_.size() && IsDigit(in_[j])) ++j;
        i = j;
      }
      if (i < in_.size() && IsIdentStart(in_[i])) {
        return ErrorText(i, absl::StrCat("expected an operator after the number, found '",
                                         Printable(in_.substr(i, 1)), "'"));
      }
      double value = 0;
      const std::string lexeme(in_.substr(at_, i - at_));
      const auto result = std::from_chars(lexeme.data(), lexeme.data() + lexeme.size(), value);
      if (result.ec != std::errc() || !std::isfinite(value)) {
        return ErrorText(start, absl::StrCat("number '", lexeme, "' is out of range"));
      }
      tok_.kind = Tok::kNumber;
      tok_.number = value;
      at_ = i;
      tok_.len = i - start;
      return absl::OkStatus();
    }
    if (IsIdentStart(c)) {
      size_t i = at_;
      while (i < in_.size() && IsIdentChar(in_[i])) ++i;
      const std::string_view word = in_.substr(at_, i - at_);
      const std::string lower = Lower(word);
      tok_.kind = lower == "and"     ? Tok::kAnd
                  : lower == "or"    ? Tok::kOr
                  : lower == "not"   ? Tok::kNot
                  : lower == "in"    ? Tok::kIn
                  : lower == "true"  ? Tok::kTrue
                  : lower == "false" ? Tok::kFalse
                                     : Tok::kIdent;
      tok_.text = std::string(word);
      at_ = i;
      tok_.len = i - start;
      return absl::OkStatus();
    }
    std::string hint;
    if (c == '&') hint = "; use 'and'";
    if (c == '|') hint = "; use 'or'";
    return ErrorText(start, absl::StrCat("expected a column, number, string, operator or keyword, found '",
                                         Printable(in_.substr(at_, 1)), "'", hint));
  }

  // Looks at the character after the current token without consuming anything: used to tell a
  // function call `date(` from a column named date.
  bool NextIsLParen() const {
    size_t i = at_;
    while (i < in_.size() && (in_[i] == ' ' || in_[i] == '\t' || in_[i] == '\n' || in_[i] == '\r')) ++i;
    return i < in_.size() && in_[i] == '(';
  }

  absl::Status Expect(Tok kind, std::string_view expected) {
    if (tok_.kind != kind) return Error(tok_.pos, expected, Describe(tok_));
    return Advance();
  }

  void NoteColumn(const std::string& name) {
    if (std::find(columns_.begin(), columns_.end(), name) == columns_.end()) columns_.push_back(name);
  }

  // -- grammar --------------------------------------------------------------------------------
  absl::StatusOr<std::unique_ptr<AudienceNode>> ParseOr(size_t depth) {
    const size_t pos = tok_.pos;
    ONEID_ASSIGN_OR_RETURN(auto first, ParseAnd(depth));
    if (tok_.kind != Tok::kOr) return first;
    auto node = std::make_unique<AudienceNode>();
    node->kind = NodeKind::kOr;
    node->pos = pos;
    node->children.push_back(std::move(first));
    while (tok_.kind == Tok::kOr) {
      ONEID_RETURN_IF_ERROR(Advance());
      ONEID_ASSIGN_OR_RETURN(auto next, ParseAnd(depth));
      node->children.push_back(std::move(next));
    }
    return node;
  }

  absl::StatusOr<std::unique_ptr<AudienceNode>> ParseAnd(size_t depth) {
    const size_t pos = tok_.pos;
    ONEID_ASSIGN_OR_RETURN(auto first, ParseUnary(depth));
    if (tok_.kind != Tok::kAnd) return first;
    auto node = std::make_unique<AudienceNode>();
    node->kind = NodeKind::kAnd;
    node->pos = pos;
    node->children.push_back(std::move(first));
    while (tok_.kind == Tok::kAnd) {
      ONEID_RETURN_IF_ERROR(Advance());
      ONEID_ASSIGN_OR_RETURN(auto next, ParseUnary(depth));
      node->children.push_back(std::move(next));
    }
    return node;
  }

  absl::StatusOr<std::unique_ptr<AudienceNode>> ParseUnary(size_t depth) {
    if (depth > kMaxDepth) {
      return ErrorText(tok_.pos, absl::StrCat("expression nested deeper than ", kMaxDepth, " levels"));
    }
    if (tok_.kind == Tok::kNot) {
      auto node = std::make_unique<AudienceNode>();
      node->kind = NodeKind::kNot;
      node->pos = tok_.pos;
      ONEID_RETURN_IF_ERROR(Advance());
      ONEID_ASSIGN_OR_RETURN(auto child, ParseUnary(depth + 1));
      node->children.push_back(std::move(child));
      return node;
    }
    if (tok_.kind == Tok::kLParen) {
      ONEID_RETURN_IF_ERROR(Advance());
      ONEID_ASSIGN_OR_RETURN(auto inner, ParseOr(depth + 1));
      ONEID_RETURN_IF_ERROR(Expect(Tok::kRParen, Continuations("')'")));
      return inner;
    }
    return ParsePredicate();
  }

  absl::StatusOr<std::unique_ptr<AudienceNode>> ParsePredicate() {
    auto node = std::make_unique<AudienceNode>();
    node->pos = tok_.pos;
    ONEID_ASSIGN_OR_RETURN(node->lhs, ParseValue());
    if (tok_.kind == Tok::kOp) {
      node->kind = NodeKind::kCompare;
      node->op = tok_.op;
      const size_t op_pos = tok_.pos;
      ONEID_RETURN_IF_ERROR(Advance());
      ONEID_ASSIGN_OR_RETURN(node->rhs, ParseValue());
      ONEID_RETURN_IF_ERROR(CheckLiteralTypes(*node, op_pos));
      return node;
    }
    bool negate = false;
    size_t not_pos = 0;
    if (tok_.kind == Tok::kNot) {
      negate = true;
      not_pos = tok_.pos;
      ONEID_RETURN_IF_ERROR(Advance());
      if (tok_.kind != Tok::kIn) return Error(tok_.pos, "'in' after 'not'", Describe(tok_));
    }
    if (tok_.kind == Tok::kIn) {
      node->kind = NodeKind::kIn;
      ONEID_RETURN_IF_ERROR(Advance());
      if (tok_.kind == Tok::kLParen) {
        node->has_list = true;
        ONEID_RETURN_IF_ERROR(Advance());
        while (true) {
          const Token at = tok_;
          ONEID_ASSIGN_OR_RETURN(Value v, ParseValue());
          if (v.kind == ValueKind::kColumn || v.kind == ValueKind::kCount) {
            return Error(at.pos, "a number, string or date in the list", Describe(at));
          }
          if (!node->list.empty() && (v.kind == ValueKind::kString) != (node->list[0].kind == ValueKind::kString)) {
            return ErrorText(at.pos, "a list must hold only numbers (and dates) or only strings");
          }
          node->list.push_back(std::move(v));
          if (tok_.kind == Tok::kComma) {
            ONEID_RETURN_IF_ERROR(Advance());
            continue;
          }
          ONEID_RETURN_IF_ERROR(Expect(Tok::kRParen, "',' or ')' in the list"));
          break;
        }
      } else {
        ONEID_ASSIGN_OR_RETURN(node->rhs, ParseValue());
        if (node->rhs.kind != ValueKind::kColumn) {
          return ErrorText(node->rhs.pos, "expected a text-set column or a '(' list after 'in'");
        }
      }
      if (negate) {
        auto outer = std::make_unique<AudienceNode>();
        outer->kind = NodeKind::kNot;
        outer->pos = not_pos;
        outer->children.push_back(std::move(node));
        return outer;
      }
      return node;
    }
    node->kind = NodeKind::kTruth;
    bare_value_next_ = tok_.pos;
    if (node->lhs.kind == ValueKind::kString) {
      return ErrorText(node->lhs.pos, "a string is not a condition; expected a comparison such as column == \"text\"");
    }
    return node;
  }

  // Two literals of different types can be refused now; columns wait for the table.
  absl::Status CheckLiteralTypes(const AudienceNode& node, size_t op_pos) const {
    const bool l_lit = node.lhs.kind == ValueKind::kNumber || node.lhs.kind == ValueKind::kString;
    const bool r_lit = node.rhs.kind == ValueKind::kNumber || node.rhs.kind == ValueKind::kString;
    if (!l_lit || !r_lit) return absl::OkStatus();
    if (node.lhs.kind != node.rhs.kind) {
      return absl::InvalidArgumentError(absl::StrCat("type error at position ", op_pos + 1,
                                                     ": cannot compare a number with a string"));
    }
    if (node.lhs.kind == ValueKind::kString && node.op != CmpOp::kEq && node.op != CmpOp::kNe) {
      return absl::InvalidArgumentError(absl::StrCat("type error at position ", op_pos + 1, ": '",
                                                     internal::Absl(OpText(node.op)), "' needs numbers; strings compare with == or !="));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Value> ParseValue() {
    Value v;
    v.pos = tok_.pos;
    switch (tok_.kind) {
      case Tok::kNumber:
        v.number = tok_.number;
        ONEID_RETURN_IF_ERROR(Advance());
        return v;
      case Tok::kMinus: {
        ONEID_RETURN_IF_ERROR(Advance());
        if (tok_.kind != Tok::kNumber) return Error(tok_.pos, "a number after '-'", Describe(tok_));
        v.number = -tok_.number;
        ONEID_RETURN_IF_ERROR(Advance());
        return v;
      }
      case Tok::kTrue:
      case Tok::kFalse:
        v.number = tok_.kind == Tok::kTrue ? 1 : 0;
        ONEID_RETURN_IF_ERROR(Advance());
        return v;
      case Tok::kString:
        v.kind = ValueKind::kString;
        v.text = tok_.text;
        ONEID_RETURN_IF_ERROR(Advance());
        return v;
      case Tok::kQuotedIdent:
        v.kind = ValueKind::kColumn;
        v.text = tok_.text;
        NoteColumn(v.text);
        ONEID_RETURN_IF_ERROR(Advance());
        return v;
      case Tok::kIdent: {
        const std::string lower = Lower(tok_.text);
        if ((lower == "date" || lower == "count") && NextIsLParen()) {
          ONEID_RETURN_IF_ERROR(Advance());  // the name
          ONEID_RETURN_IF_ERROR(Advance());  // '('
          if (lower == "date") {
            if (tok_.kind != Tok::kString) return Error(tok_.pos, "a date string such as \"2026-01-31\"", Describe(tok_));
            absl::StatusOr<int64_t> day = EpochDayFromIso(tok_.text);
            if (!day.ok()) return ErrorText(tok_.pos, internal::Std(day.status().message()));
            v.number = static_cast<double>(*day);
            v.is_date = true;
          } else {
            if (tok_.kind != Tok::kIdent && tok_.kind != Tok::kQuotedIdent) {
              return Error(tok_.pos, "a text-set column in count()", Describe(tok_));
            }
            v.kind = ValueKind::kCount;
            v.text = tok_.text;
            NoteColumn(v.text);
          }
          ONEID_RETURN_IF_ERROR(Advance());
          ONEID_RETURN_IF_ERROR(Expect(Tok::kRParen, "')'"));
          return v;
        }
        v.kind = ValueKind::kColumn;
        v.text = tok_.text;
        NoteColumn(v.text);
        ONEID_RETURN_IF_ERROR(Advance());
        return v;
      }
      default:
        return Error(tok_.pos, "a column, number, string or date", Describe(tok_));
    }
  }

  // What may follow a condition: after a bare value (`a b`) an operator was probably meant too.
  std::string Continuations(std::string_view closing) const {
    if (tok_.pos == bare_value_next_) {
      return absl::StrCat("a comparison operator, 'in', 'and', 'or' or ", internal::Absl(closing));
    }
    return absl::StrCat("'and', 'or' or ", internal::Absl(closing));
  }

  std::string_view in_;
  size_t bare_value_next_ = static_cast<size_t>(-1);
  size_t at_ = 0;
  Token tok_;
  std::vector<std::string> columns_;
};

// ---------------------------------------------------------------------------------------------
// Printing

std::string ValueText(const Value& v) {
  auto column = [](const std::string& name) {
    bool plain = !name.empty() && IsIdentStart(name[0]) && !IsKeyword(name);
    for (char c : name) plain = plain && IsIdentChar(c);
    // A plain `date` or `count` column reads back as a column (no '(' follows), so needs no quotes.
    return plain ? name : absl::StrCat("`", name, "`");
  };
  switch (v.kind) {
    case ValueKind::kNumber:
      return v.is_date ? absl::StrCat("date(\"", CivilFromDays(static_cast<int64_t>(v.number)), "\")")
                       : FormatNumber(v.number);
    case ValueKind::kString: return Quote(v.text);
    case ValueKind::kColumn: return column(v.text);
    case ValueKind::kCount: return absl::StrCat("count(", column(v.text), ")");
  }
  return "?";
}

std::string NodeText(const AudienceNode& n) {
  switch (n.kind) {
    case NodeKind::kOr:
    case NodeKind::kAnd: {
      std::vector<std::string> parts;
      for (const auto& c : n.children) parts.push_back(NodeText(*c));
      return absl::StrCat("(", absl::StrJoin(parts, n.kind == NodeKind::kOr ? " or " : " and "), ")");
    }
    case NodeKind::kNot: return absl::StrCat("(not ", NodeText(*n.children[0]), ")");
    case NodeKind::kCompare:
      return absl::StrCat("(", ValueText(n.lhs), " ", internal::Absl(OpText(n.op)), " ", ValueText(n.rhs), ")");
    case NodeKind::kIn: {
      if (!n.has_list) return absl::StrCat("(", ValueText(n.lhs), " in ", ValueText(n.rhs), ")");
      std::vector<std::string> items;
      for (const Value& v : n.list) items.push_back(ValueText(v));
      return absl::StrCat("(", ValueText(n.lhs), " in (", absl::StrJoin(items, ", "), "))");
    }
    case NodeKind::kTruth: return ValueText(n.lhs);
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// Binding: resolve columns and check types against a table.

enum class Type : uint8_t { kNumber, kText, kSet };

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kNumber: return "number";
    case Type::kText: return "text";
    case Type::kSet: return "text set";
  }
  return "?";
}

struct Operand {
  Type type = Type::kNumber;
  const double* numbers = nullptr;         // numeric column
  const std::string* texts = nullptr;      // text column
  const profile::TextSetColumn* set = nullptr;  // text-set column (Type::kSet, or count())
  bool count = false;                      // count(set): a number per row
  double constant = 0;                     // numeric literal
  std::string text;                        // string literal
  std::string label;                       // for messages: "numeric column 'x'", "string \"a\""

  bool is_constant() const { return numbers == nullptr && texts == nullptr && set == nullptr; }
};

struct Bound {
  NodeKind kind = NodeKind::kTruth;
  CmpOp op = CmpOp::kEq;
  Operand a, b;
  bool has_list = false;
  std::vector<double> numbers;      // list of numbers (sorted)
  std::vector<std::string> texts;   // list of strings
  std::vector<Bound> children;
};

absl::Status TypeError(size_t pos, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("type error at position ", pos + 1, ": ", internal::Absl(what)));
}

absl::StatusOr<Operand> BindValue(const Value& v, const ColumnSet& table) {
  Operand o;
  switch (v.kind) {
    case ValueKind::kNumber:
      o.constant = v.number;
      o.label = absl::StrCat("number ", ValueText(v));
      return o;
    case ValueKind::kString:
      o.type = Type::kText;
      o.text = v.text;
      o.label = absl::StrCat("string ", Printable(Quote(v.text), 40));
      return o;
    case ValueKind::kColumn:
    case ValueKind::kCount: break;
  }
  const ColumnSet::Column* column = table.Find(v.text);
  if (column == nullptr) {
    std::vector<std::string> names = table.names();
    const size_t shown = std::min<size_t>(names.size(), 30);
    std::string list = absl::StrJoin(names.begin(), names.begin() + static_cast<ptrdiff_t>(shown), ", ");
    if (shown < names.size()) absl::StrAppend(&list, ", ... (", names.size(), " columns)");
    return absl::InvalidArgumentError(absl::StrCat("unknown column '", Printable(v.text, 80), "' at position ",
                                                   v.pos + 1, "; the table has: ", names.empty() ? "no columns" : list));
  }
  const profile::ColumnKind kind = column->kind;
  if (v.kind == ValueKind::kCount) {
    if (kind != profile::ColumnKind::kTextSet) {
      return TypeError(v.pos, absl::StrCat("count() needs a text-set column; '", v.text, "' is ",
                                           internal::Absl(profile::ColumnKindName(kind))));
    }
    o.set = column->text_set;
    o.count = true;
    o.label = absl::StrCat("count(", v.text, ")");
    return o;
  }
  switch (kind) {
    case profile::ColumnKind::kNumeric:
      o.numbers = column->numeric.data();
      o.label = absl::StrCat("numeric column '", v.text, "'");
      break;
    case profile::ColumnKind::kText:
      o.type = Type::kText;
      o.texts = column->text.data();
      o.label = absl::StrCat("text column '", v.text, "'");
      break;
    case profile::ColumnKind::kTextSet:
      o.type = Type::kSet;
      o.set = column->text_set;
      o.label = absl::StrCat("text-set column '", v.text, "'");
      break;
  }
  return o;
}

absl::StatusOr<Bound> Bind(const AudienceNode& n, const ColumnSet& table) {
  Bound b;
  b.kind = n.kind;
  b.op = n.op;
  switch (n.kind) {
    case NodeKind::kOr:
    case NodeKind::kAnd:
    case NodeKind::kNot:
      for (const auto& c : n.children) {
        ONEID_ASSIGN_OR_RETURN(Bound child, Bind(*c, table));
        b.children.push_back(std::move(child));
      }
      return b;
    case NodeKind::kTruth: {
      ONEID_ASSIGN_OR_RETURN(b.a, BindValue(n.lhs, table));
      if (b.a.type != Type::kNumber) {
        return TypeError(n.lhs.pos, absl::StrCat(b.a.label, " is not a condition; compare it (== \"...\") or use 'in'"));
      }
      return b;
    }
    case NodeKind::kCompare: {
      ONEID_ASSIGN_OR_RETURN(b.a, BindValue(n.lhs, table));
      ONEID_ASSIGN_OR_RETURN(b.b, BindValue(n.rhs, table));
      const Operand* set = b.a.type == Type::kSet ? &b.a : b.b.type == Type::kSet ? &b.b : nullptr;
      if (set != nullptr) {
        return TypeError(n.pos, absl::StrCat("cannot compare ", set->label,
                                             "; test membership with \"value\" in column, or compare count(column)"));
      }
      if (b.a.type != b.b.type) {
        return TypeError(n.pos, absl::StrCat("cannot compare ", b.a.label, " (", internal::Absl(TypeName(b.a.type)),
                                             ") with ", b.b.label, " (", internal::Absl(TypeName(b.b.type)), ")"));
      }
      if (b.a.type == Type::kText && n.op != CmpOp::kEq && n.op != CmpOp::kNe) {
        return TypeError(n.pos, absl::StrCat("'", internal::Absl(OpText(n.op)), "' needs numbers; ", b.a.label, " and ",
                                             b.b.label, " compare with == or !="));
      }
      return b;
    }
    case NodeKind::kIn: {
      ONEID_ASSIGN_OR_RETURN(b.a, BindValue(n.lhs, table));
      if (n.has_list) {
        b.has_list = true;
        const bool list_is_text = n.list[0].kind == ValueKind::kString;
        if (b.a.type == Type::kSet || (b.a.type == Type::kText) != list_is_text) {
          return TypeError(n.pos, absl::StrCat("cannot look for ", b.a.label, " (", internal::Absl(TypeName(b.a.type)),
                                               ") in a list of ", list_is_text ? "strings" : "numbers"));
        }
        for (const Value& v : n.list) {
          if (list_is_text) {
            b.texts.push_back(v.text);
          } else {
            b.numbers.push_back(v.number);
          }
        }
        std::sort(b.numbers.begin(), b.numbers.end());
        return b;
      }
      ONEID_ASSIGN_OR_RETURN(b.b, BindValue(n.rhs, table));
      if (b.b.type != Type::kSet || b.b.count) {
        return TypeError(n.rhs.pos, absl::StrCat("'in' needs a text-set column or a list on its right, found ", b.b.label));
      }
      if (b.a.type != Type::kText) {
        return TypeError(n.lhs.pos, absl::StrCat("'in' a text-set column needs a string on its left, found ", b.a.label));
      }
      return b;
    }
  }
  return absl::InternalError("unknown node");
}

// ---------------------------------------------------------------------------------------------
// Evaluation, one block of rows at a time.

struct Scratch {
  std::vector<std::vector<uint8_t>> masks;   // one per nesting depth
  std::vector<std::vector<double>> numbers;  // count() values, two per depth
  uint8_t* Mask(size_t depth) {
    if (masks.size() <= depth) masks.resize(depth + 1, std::vector<uint8_t>(kBlockRows));
    return masks[depth].data();
  }
  double* Numbers(size_t slot) {
    if (numbers.size() <= slot) numbers.resize(slot + 1, std::vector<double>(kBlockRows));
    return numbers[slot].data();
  }
};

// NaN makes every comparison false: the ordered operators already are; == is; != is made so.
template <CmpOp kOp>
inline uint8_t Cmp(double x, double y) {
  if constexpr (kOp == CmpOp::kEq) return x == y;
  if constexpr (kOp == CmpOp::kNe) return static_cast<uint8_t>((x != y) & (x == x) & (y == y));
  if constexpr (kOp == CmpOp::kLt) return x < y;
  if constexpr (kOp == CmpOp::kLe) return x <= y;
  if constexpr (kOp == CmpOp::kGt) return x > y;
  if constexpr (kOp == CmpOp::kGe) return x >= y;
  return 0;
}

template <CmpOp kOp>
void CmpColConst(const double* x, double c, uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = Cmp<kOp>(x[i], c);
}
template <CmpOp kOp>
void CmpColCol(const double* x, const double* y, uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = Cmp<kOp>(x[i], y[i]);
}

template <typename Fn>
void DispatchOp(CmpOp op, Fn&& fn) {
  switch (op) {
    case CmpOp::kEq: fn(std::integral_constant<CmpOp, CmpOp::kEq>{}); break;
    case CmpOp::kNe: fn(std::integral_constant<CmpOp, CmpOp::kNe>{}); break;
    case CmpOp::kLt: fn(std::integral_constant<CmpOp, CmpOp::kLt>{}); break;
    case CmpOp::kLe: fn(std::integral_constant<CmpOp, CmpOp::kLe>{}); break;
    case CmpOp::kGt: fn(std::integral_constant<CmpOp, CmpOp::kGt>{}); break;
    case CmpOp::kGe: fn(std::integral_constant<CmpOp, CmpOp::kGe>{}); break;
  }
}

// The numbers of a numeric operand over rows [start, start + n): a pointer into the column, or
// count() values computed into scratch. nullptr for a constant.
const double* NumbersOf(const Operand& o, size_t start, size_t n, Scratch& scratch, size_t slot) {
  if (o.numbers != nullptr) return o.numbers + start;
  if (o.count) {
    double* out = scratch.Numbers(slot);
    const uint64_t* offsets = o.set->offsets.data() + start;
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<double>(offsets[i + 1] - offsets[i]);
    return out;
  }
  return nullptr;
}

bool SetHas(const profile::TextSetColumn& set, size_t row, std::string_view value) {
  for (uint64_t k = set.offsets[row]; k < set.offsets[row + 1]; ++k) {
    if (set.values[k] == value) return true;
  }
  return false;
}

void Eval(const Bound& b, size_t start, size_t n, uint8_t* out, Scratch& scratch, size_t depth) {
  switch (b.kind) {
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      const bool is_and = b.kind == NodeKind::kAnd;
      Eval(b.children[0], start, n, out, scratch, depth + 1);
      uint8_t* tmp = scratch.Mask(depth);
      for (size_t c = 1; c < b.children.size(); ++c) {
        // Skip the remaining children once the block is decided (all 0 for and, all 1 for or).
        size_t ones = 0;
        for (size_t i = 0; i < n; ++i) ones += out[i];
        if ((is_and && ones == 0) || (!is_and && ones == n)) return;
        Eval(b.children[c], start, n, tmp, scratch, depth + 1);
        if (is_and) {
          for (size_t i = 0; i < n; ++i) out[i] &= tmp[i];
        } else {
          for (size_t i = 0; i < n; ++i) out[i] |= tmp[i];
        }
      }
      return;
    }
    case NodeKind::kNot:
      Eval(b.children[0], start, n, out, scratch, depth + 1);
      for (size_t i = 0; i < n; ++i) out[i] ^= 1;
      return;
    case NodeKind::kTruth: {
      const double* x = NumbersOf(b.a, start, n, scratch, 2 * depth);
      if (x == nullptr) {
        std::fill(out, out + n, static_cast<uint8_t>(b.a.constant != 0 && !std::isnan(b.a.constant)));
        return;
      }
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>((x[i] != 0) & (x[i] == x[i]));
      return;
    }
    case NodeKind::kCompare: {
      if (b.a.type == Type::kText) {
        const bool eq = b.op == CmpOp::kEq;
        if (b.a.texts != nullptr && b.b.texts != nullptr) {
          for (size_t i = 0; i < n; ++i) out[i] = (b.a.texts[start + i] == b.b.texts[start + i]) == eq;
        } else if (b.a.texts != nullptr || b.b.texts != nullptr) {
          const std::string* col = b.a.texts != nullptr ? b.a.texts : b.b.texts;
          const std::string& c = b.a.texts != nullptr ? b.b.text : b.a.text;
          for (size_t i = 0; i < n; ++i) out[i] = (col[start + i] == c) == eq;
        } else {
          std::fill(out, out + n, static_cast<uint8_t>((b.a.text == b.b.text) == eq));
        }
        return;
      }
      const double* x = NumbersOf(b.a, start, n, scratch, 2 * depth);
      const double* y = NumbersOf(b.b, start, n, scratch, 2 * depth + 1);
      if (x != nullptr && y != nullptr) {
        DispatchOp(b.op, [&](auto op) { CmpColCol<decltype(op)::value>(x, y, out, n); });
      } else if (x != nullptr) {
        DispatchOp(b.op, [&](auto op) { CmpColConst<decltype(op)::value>(x, b.b.constant, out, n); });
      } else if (y != nullptr) {
        DispatchOp(Flip(b.op), [&](auto op) { CmpColConst<decltype(op)::value>(y, b.a.constant, out, n); });
      } else {
        uint8_t v = 0;
        DispatchOp(b.op, [&](auto op) { v = Cmp<decltype(op)::value>(b.a.constant, b.b.constant); });
        std::fill(out, out + n, v);
      }
      return;
    }
    case NodeKind::kIn: {
      if (b.has_list) {
        if (b.a.type == Type::kText) {
          for (size_t i = 0; i < n; ++i) {
            const std::string& v = b.a.texts != nullptr ? b.a.texts[start + i] : b.a.text;
            out[i] = std::find(b.texts.begin(), b.texts.end(), v) != b.texts.end();
          }
          return;
        }
        const double* x = NumbersOf(b.a, start, n, scratch, 2 * depth);
        if (x == nullptr) {
          std::fill(out, out + n, static_cast<uint8_t>(std::binary_search(b.numbers.begin(), b.numbers.end(), b.a.constant)));
          return;
        }
        if (b.numbers.size() <= 8) {
          std::fill(out, out + n, 0);
          for (double v : b.numbers) {
            for (size_t i = 0; i < n; ++i) out[i] |= static_cast<uint8_t>(x[i] == v);
          }
        } else {
          for (size_t i = 0; i < n; ++i) out[i] = std::binary_search(b.numbers.begin(), b.numbers.end(), x[i]);
        }
        return;
      }
      const profile::TextSetColumn& set = *b.b.set;
      for (size_t i = 0; i < n; ++i) {
        const std::string_view v = b.a.texts != nullptr ? std::string_view(b.a.texts[start + i]) : std::string_view(b.a.text);
        out[i] = SetHas(set, start + i, v);
      }
      return;
    }
  }
}

}  // namespace

Audience::~Audience() = default;

absl::StatusOr<Audience> Audience::Compile(std::string_view expression) {
  Parser parser(expression);
  ONEID_ASSIGN_OR_RETURN(std::unique_ptr<AudienceNode> root, parser.Parse());
  Audience audience;
  audience.expression_ = std::string(expression);
  audience.columns_ = parser.TakeColumns();
  audience.root_ = std::shared_ptr<const AudienceNode>(std::move(root));
  return audience;
}

std::string Audience::ToString() const { return NodeText(*root_); }

absl::Status Audience::Check(const profile::FeatureTable& table) const { return Check(ColumnSet(table)); }

absl::Status Audience::Check(const ColumnSet& columns) const { return Bind(*root_, columns).status(); }

absl::StatusOr<std::vector<uint8_t>> Audience::Evaluate(const profile::FeatureTable& table) const {
  return Evaluate(ColumnSet(table));
}

absl::StatusOr<std::vector<uint8_t>> Audience::Evaluate(const ColumnSet& table) const {
  ONEID_ASSIGN_OR_RETURN(const Bound bound, Bind(*root_, table));
  const size_t rows = table.num_rows();
  std::vector<uint8_t> out(rows);
  Scratch scratch;
  for (size_t start = 0; start < rows; start += kBlockRows) {
    Eval(bound, start, std::min(kBlockRows, rows - start), out.data() + start, scratch, 0);
  }
  return out;
}

absl::StatusOr<size_t> Audience::Count(const profile::FeatureTable& table) const {
  ONEID_ASSIGN_OR_RETURN(const std::vector<uint8_t> mask, Evaluate(table));
  size_t count = 0;
  for (uint8_t m : mask) count += m;
  return count;
}

absl::StatusOr<int64_t> EpochDayFromIso(std::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat("invalid date \"", Printable(text, 40), "\": expected YYYY-MM-DD"));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(text[i])) return bad();
  }
  const int y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  const unsigned m = static_cast<unsigned>((text[5] - '0') * 10 + (text[6] - '0'));
  const unsigned d = static_cast<unsigned>((text[8] - '0') * 10 + (text[9] - '0'));
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return bad();
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const unsigned max_day = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  if (d < 1 || d > max_day) return bad();
  return DaysFromCivil(y, m, d);
}

}  // namespace segment
}  // namespace v0
}  // namespace oneid
