#include "oneid/segment/audience.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "oneid/profile/feature_table.h"
#include "testing/status_matchers.h"

namespace oneid::segment {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using profile::FeatureTable;
using profile::OneId;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

FeatureTable SmallTable() {
  FeatureTable t({1, 2, 3, 4, 5});
  EXPECT_OK(t.SetNumeric("monetary_score", {5, 4, 2, kNaN, 4}));
  EXPECT_OK(t.SetNumeric("p_alive", {0.1, 0.5, 0.2, 0.05, kNaN}));
  EXPECT_OK(t.SetNumeric("last_purchase", {20454, 20453, 20500, kNaN, 19000}));  // epoch days
  EXPECT_OK(t.SetNumeric("high_value", {1, 0, 1, 0, kNaN}));
  EXPECT_OK(t.SetText("member_tier", {"gold", "silver", "", "gold", "platinum"}));
  EXPECT_OK(t.SetTextSet("channels", {{"tmall", "douyin"}, {"pos"}, {}, {"douyin", "pos", "app"}, {"jd"}}));
  return t;
}

std::vector<uint8_t> Eval(std::string_view expr, const FeatureTable& t) {
  absl::StatusOr<Audience> a = Audience::Compile(expr);
  EXPECT_OK(a);
  if (!a.ok()) return {};
  absl::StatusOr<std::vector<uint8_t>> m = a->Evaluate(t);
  EXPECT_OK(m);
  return m.ok() ? *m : std::vector<uint8_t>{};
}

TEST(AudienceTest, ComparesNumbers) {
  const FeatureTable t = SmallTable();
  EXPECT_THAT(Eval("monetary_score >= 4", t), ElementsAre(1, 1, 0, 0, 1));
  EXPECT_THAT(Eval("monetary_score > 4", t), ElementsAre(1, 0, 0, 0, 0));
  EXPECT_THAT(Eval("monetary_score == 4", t), ElementsAre(0, 1, 0, 0, 1));
  EXPECT_THAT(Eval("monetary_score < 4", t), ElementsAre(0, 0, 1, 0, 0));
  EXPECT_THAT(Eval("monetary_score <= 4", t), ElementsAre(0, 1, 1, 0, 1));
  EXPECT_THAT(Eval("4 <= monetary_score", t), ElementsAre(1, 1, 0, 0, 1));
  EXPECT_THAT(Eval("-1 < monetary_score", t), ElementsAre(1, 1, 1, 0, 1));
  EXPECT_THAT(Eval("monetary_score > p_alive", t), ElementsAre(1, 1, 1, 0, 0));
}

TEST(AudienceTest, NanMakesEveryComparisonFalseButNotFlipsIt) {
  const FeatureTable t = SmallTable();
  EXPECT_THAT(Eval("monetary_score != 4", t), ElementsAre(1, 0, 1, 0, 0));
  EXPECT_THAT(Eval("not monetary_score == 4", t), ElementsAre(1, 0, 1, 1, 0));
  EXPECT_THAT(Eval("high_value", t), ElementsAre(1, 0, 1, 0, 0));
  EXPECT_THAT(Eval("not high_value", t), ElementsAre(0, 1, 0, 1, 1));
}

TEST(AudienceTest, CombinesWithAndOrNotAndParentheses) {
  const FeatureTable t = SmallTable();
  EXPECT_THAT(Eval("monetary_score >= 4 and p_alive < 0.3", t), ElementsAre(1, 0, 0, 0, 0));
  EXPECT_THAT(Eval("monetary_score >= 4 or p_alive < 0.3", t), ElementsAre(1, 1, 1, 1, 1));
  // and binds tighter than or
  EXPECT_THAT(Eval("p_alive < 0.06 or monetary_score == 4 and p_alive > 0.4", t), ElementsAre(0, 1, 0, 1, 0));
  EXPECT_THAT(Eval("(p_alive < 0.06 or monetary_score == 4) and p_alive > 0.4", t), ElementsAre(0, 1, 0, 0, 0));
  EXPECT_THAT(Eval("NOT (monetary_score >= 4) AND true", t), ElementsAre(0, 0, 1, 1, 0));
  EXPECT_THAT(Eval("false or not not high_value", t), ElementsAre(1, 0, 1, 0, 0));
}

TEST(AudienceTest, TextAndSets) {
  const FeatureTable t = SmallTable();
  EXPECT_THAT(Eval("member_tier == \"gold\"", t), ElementsAre(1, 0, 0, 1, 0));
  EXPECT_THAT(Eval("'gold' != member_tier", t), ElementsAre(0, 1, 1, 0, 1));
  EXPECT_THAT(Eval("member_tier == ''", t), ElementsAre(0, 0, 1, 0, 0));
  EXPECT_THAT(Eval("member_tier in (\"gold\", \"platinum\")", t), ElementsAre(1, 0, 0, 1, 1));
  EXPECT_THAT(Eval("member_tier not in (\"gold\", \"platinum\")", t), ElementsAre(0, 1, 1, 0, 0));
  EXPECT_THAT(Eval("\"douyin\" in channels", t), ElementsAre(1, 0, 0, 1, 0));
  EXPECT_THAT(Eval("\"douyin\" not in channels", t), ElementsAre(0, 1, 1, 0, 1));
  EXPECT_THAT(Eval("count(channels) >= 2", t), ElementsAre(1, 0, 0, 1, 0));
  EXPECT_THAT(Eval("monetary_score in (2, 5)", t), ElementsAre(1, 0, 1, 0, 0));
  EXPECT_THAT(Eval("`member_tier` == \"silver\"", t), ElementsAre(0, 1, 0, 0, 0));
}

TEST(AudienceTest, DatesAreEpochDays) {
  EXPECT_EQ(EpochDayFromIso("1970-01-01").value_or(-1), 0);
  ASSERT_OK_AND_ASSIGN(int64_t d, EpochDayFromIso("2026-01-01"));
  EXPECT_EQ(d, 20454);
  ASSERT_OK_AND_ASSIGN(int64_t leap, EpochDayFromIso("2024-02-29"));
  EXPECT_EQ(leap, 19782);
  EXPECT_THAT(EpochDayFromIso("2025-02-29"), StatusIs(absl::StatusCode::kInvalidArgument, "invalid date"));
  EXPECT_THAT(EpochDayFromIso("2025-13-01"), StatusIs(absl::StatusCode::kInvalidArgument, "YYYY-MM-DD"));
  const FeatureTable t = SmallTable();
  EXPECT_THAT(Eval("last_purchase >= date(\"2026-01-01\")", t), ElementsAre(1, 0, 1, 0, 0));
  ASSERT_OK_AND_ASSIGN(Audience a, Audience::Compile("last_purchase < date('2026-01-01')"));
  EXPECT_EQ(a.ToString(), "(last_purchase < date(\"2026-01-01\"))");
}

TEST(AudienceTest, ReportsColumnsOnceInOrder) {
  ASSERT_OK_AND_ASSIGN(Audience a, Audience::Compile("b > 1 and (a < 2 or b < 0) and \"x\" in c and count(d) > 0"));
  EXPECT_THAT(a.columns(), ElementsAre("b", "a", "c", "d"));
}

TEST(AudienceTest, SyntaxErrorsNamePositionAndExpectedToken) {
  using absl::StatusCode::kInvalidArgument;
  EXPECT_THAT(Audience::Compile("monetary_score >= "),
              StatusIs(kInvalidArgument, "position 19: expected a column, number, string or date, found the end"));
  EXPECT_THAT(Audience::Compile("monetary_score foo"),
              StatusIs(kInvalidArgument, "position 16: expected a comparison operator, 'in', 'and', 'or'"));
  EXPECT_THAT(Audience::Compile("(a > 1"), StatusIs(kInvalidArgument, "position 7: expected 'and', 'or' or ')', found the end"));
  EXPECT_THAT(Audience::Compile("a = 1"), StatusIs(kInvalidArgument, "position 3: expected an operator, found '='"));
  EXPECT_THAT(Audience::Compile("a > 1 && b"), StatusIs(kInvalidArgument, "position 7: "));
  EXPECT_THAT(Audience::Compile("a > 1 && b"), StatusIs(kInvalidArgument, "use 'and'"));
  EXPECT_THAT(Audience::Compile("name == \"abc"), StatusIs(kInvalidArgument, "position 9: unterminated string"));
  EXPECT_THAT(Audience::Compile(""), StatusIs(kInvalidArgument, "position 1: expected a condition"));
  EXPECT_THAT(Audience::Compile("a in 3"), StatusIs(kInvalidArgument, "position 6: expected a text-set column"));
  EXPECT_THAT(Audience::Compile("a in (1, \"x\")"), StatusIs(kInvalidArgument, "only numbers"));
  EXPECT_THAT(Audience::Compile("d > date(\"2026-02-30\")"), StatusIs(kInvalidArgument, "position 10: invalid date"));
  EXPECT_THAT(Audience::Compile("\"gold\""), StatusIs(kInvalidArgument, "a string is not a condition"));
  EXPECT_THAT(Audience::Compile("1 < \"a\""), StatusIs(kInvalidArgument, "type error at position 3"));
  EXPECT_THAT(Audience::Compile("1e999 > a"), StatusIs(kInvalidArgument, "out of range"));
  // The caret sits under the position.
  absl::Status s = Audience::Compile("a > 1 or or b").status();
  EXPECT_THAT(std::string(s.message()), HasSubstr("position 10"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("\n  a > 1 or or b\n           ^"));
}

TEST(AudienceTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '(');
  EXPECT_THAT(Audience::Compile(deep), StatusIs(absl::StatusCode::kInvalidArgument, "nested deeper than"));
  std::string nots;
  for (int i = 0; i < 10000; ++i) nots += "not ";
  EXPECT_THAT(Audience::Compile(nots + "a"), StatusIs(absl::StatusCode::kInvalidArgument, "nested deeper than"));
}

TEST(AudienceTest, UnknownColumnsAndTypeErrorsAreErrors) {
  using absl::StatusCode::kInvalidArgument;
  const FeatureTable t = SmallTable();
  auto eval = [&](std::string_view expr) {
    absl::StatusOr<Audience> a = Audience::Compile(expr);
    EXPECT_OK(a);
    return a->Evaluate(t).status();
  };
  EXPECT_THAT(eval("p_alive < 0.3 and chanel_count >= 2"),
              StatusIs(kInvalidArgument, "unknown column 'chanel_count' at position 19; the table has: monetary_score"));
  EXPECT_THAT(eval("member_tier > 3"), StatusIs(kInvalidArgument, "type error at position 1: cannot compare text column"));
  EXPECT_THAT(eval("member_tier < \"b\""), StatusIs(kInvalidArgument, "'<' needs numbers"));
  EXPECT_THAT(eval("p_alive == \"x\""), StatusIs(kInvalidArgument, "cannot compare numeric column 'p_alive'"));
  EXPECT_THAT(eval("channels == \"x\""), StatusIs(kInvalidArgument, "cannot compare text-set column 'channels'"));
  EXPECT_THAT(eval("\"x\" in member_tier"), StatusIs(kInvalidArgument, "position 8: 'in' needs a text-set column"));
  EXPECT_THAT(eval("3 in channels"), StatusIs(kInvalidArgument, "needs a string on its left"));
  EXPECT_THAT(eval("member_tier"), StatusIs(kInvalidArgument, "text column 'member_tier' is not a condition"));
  EXPECT_THAT(eval("count(member_tier) > 1"), StatusIs(kInvalidArgument, "count() needs a text-set column"));
  EXPECT_THAT(eval("member_tier in (1, 2)"), StatusIs(kInvalidArgument, "in a list of numbers"));
}

TEST(AudienceTest, CanonicalFormRoundTrips) {
  for (const char* expr : {"a >= 4 and b < 0.3 and count(c) >= 2", "\"douyin\" in channels or not x",
                           "t not in ('a', \"b\\\"q\")", "`odd name` == -2.5e-3", "(a or b) and (c or d)",
                           "`in` > 1", "date > date(\"1969-12-31\")"}) {
    ASSERT_OK_AND_ASSIGN(Audience a, Audience::Compile(expr));
    ASSERT_OK_AND_ASSIGN(Audience b, Audience::Compile(a.ToString()));
    EXPECT_EQ(a.ToString(), b.ToString()) << expr;
    EXPECT_EQ(a.columns(), b.columns()) << expr;
  }
}

// Random expressions over random columns (with NaN) against a row-by-row reference, on a table
// larger than one evaluation block.
struct RefNode {
  int kind;  // 0 compare col-const, 1 and, 2 or, 3 not, 4 truth
  int col = 0, op = 0;
  double c = 0;
  std::vector<RefNode> kids;
};

RefNode RandomTree(std::mt19937_64& rng, int depth) {
  RefNode n;
  n.kind = depth <= 0 ? (rng() % 5 == 0 ? 4 : 0) : static_cast<int>(rng() % 5);
  n.col = static_cast<int>(rng() % 3);
  n.op = static_cast<int>(rng() % 6);
  n.c = static_cast<double>(rng() % 7) - 1;
  if (n.kind == 1 || n.kind == 2) {
    const int k = 2 + static_cast<int>(rng() % 2);
    for (int i = 0; i < k; ++i) n.kids.push_back(RandomTree(rng, depth - 1));
  } else if (n.kind == 3) {
    n.kids.push_back(RandomTree(rng, depth - 1));
  }
  return n;
}

std::string TreeText(const RefNode& n) {
  static const char* kOps[] = {"==", "!=", "<", "<=", ">", ">="};
  const std::string col = "c" + std::to_string(n.col);
  switch (n.kind) {
    case 0: return col + " " + kOps[n.op] + " " + std::to_string(static_cast<int>(n.c));
    case 4: return col;
    case 3: return "not (" + TreeText(n.kids[0]) + ")";
    default: {
      std::string s = "(";
      for (size_t i = 0; i < n.kids.size(); ++i) s += (i ? (n.kind == 1 ? " and " : " or ") : "") + TreeText(n.kids[i]);
      return s + ")";
    }
  }
}

bool RefEval(const RefNode& n, const std::vector<std::vector<double>>& cols, size_t row) {
  const double x = cols[n.col][row];
  switch (n.kind) {
    case 0:
      if (std::isnan(x)) return false;
      switch (n.op) {
        case 0: return x == n.c;
        case 1: return x != n.c;
        case 2: return x < n.c;
        case 3: return x <= n.c;
        case 4: return x > n.c;
        default: return x >= n.c;
      }
    case 4: return !std::isnan(x) && x != 0;
    case 3: return !RefEval(n.kids[0], cols, row);
    case 1:
      for (const RefNode& k : n.kids) {
        if (!RefEval(k, cols, row)) return false;
      }
      return true;
    default:
      for (const RefNode& k : n.kids) {
        if (RefEval(k, cols, row)) return true;
      }
      return false;
  }
}

TEST(AudienceTest, MatchesRowByRowReferenceOnRandomExpressions) {
  std::mt19937_64 rng(20261124);
  const size_t rows = 10000;  // more than two blocks, with a partial last block
  std::vector<OneId> ids(rows);
  for (size_t i = 0; i < rows; ++i) ids[i] = i + 1;
  FeatureTable t(ids);
  std::vector<std::vector<double>> cols(3, std::vector<double>(rows));
  for (int c = 0; c < 3; ++c) {
    for (size_t i = 0; i < rows; ++i) {
      cols[c][i] = rng() % 11 == 0 ? kNaN : static_cast<double>(rng() % 6);
    }
    ASSERT_OK(t.SetNumeric("c" + std::to_string(c), cols[c]));
  }
  for (int trial = 0; trial < 300; ++trial) {
    const RefNode tree = RandomTree(rng, 1 + trial % 4);
    const std::string text = TreeText(tree);
    ASSERT_OK_AND_ASSIGN(Audience a, Audience::Compile(text));
    ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> mask, a.Evaluate(t));
    for (size_t i = 0; i < rows; ++i) {
      ASSERT_EQ(mask[i], RefEval(tree, cols, i) ? 1 : 0) << text << " row " << i;
    }
  }
}

// Fuzz: random bytes, random token soup and mutations of valid expressions never crash; each
// either compiles (and then round-trips) or fails with InvalidArgument naming a position.
void CheckCompileIsTotal(const std::string& input) {
  absl::StatusOr<Audience> a = Audience::Compile(input);
  if (a.ok()) {
    absl::StatusOr<Audience> again = Audience::Compile(a->ToString());
    ASSERT_OK(again) << "canonical form of '" << input << "' does not compile: " << a->ToString();
    ASSERT_EQ(again->ToString(), a->ToString()) << input;
    return;
  }
  ASSERT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument) << input;
  ASSERT_THAT(std::string(a.status().message()), HasSubstr("position ")) << input;
}

TEST(AudienceFuzzTest, RandomBytes) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    CheckCompileIsTotal(s);
  }
}

TEST(AudienceFuzzTest, RandomTokenSoup) {
  static const std::vector<std::string> kPieces = {
      "a", "b_c", "`x y`", "1", "-", "2.5", "1e3", ".5", "\"s\"", "'t'", "(", ")", ",", "==", "!=", "<",
      "<=", ">", ">=", "=", "!", "and", "or", "not", "in", "true", "false", "date", "date(\"2026-01-01\")",
      "count", "count(", "&", "|", " ", "\"", "`", "1e", "e5", "\\"};
  std::mt19937_64 rng(11);
  size_t compiled = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string s;
    const size_t n = 1 + rng() % 12;
    for (size_t k = 0; k < n; ++k) s += kPieces[rng() % kPieces.size()] + (rng() % 2 ? " " : "");
    CheckCompileIsTotal(s);
    compiled += Audience::Compile(s).ok();
  }
  EXPECT_GT(compiled, 0u);  // the soup reaches the valid side of the grammar too
}

TEST(AudienceFuzzTest, MutatedValidExpressions) {
  const std::string base =
      "monetary_score >= 4 and p_alive < 0.3 and (\"douyin\" in channels or count(channels) >= 2) and "
      "member_tier not in ('gold', 'silver') and last_purchase >= date(\"2026-01-01\")";
  const FeatureTable t = SmallTable();
  std::mt19937_64 rng(13);
  for (int i = 0; i < 3000; ++i) {
    std::string s = base;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s.erase(at, 1 + rng() % 3); break;
        case 1: s.insert(at, 1, "()\"'`=<>!,- a1"[rng() % 15]); break;
        default: s[at] = static_cast<char>(rng() % 128); break;
      }
    }
    CheckCompileIsTotal(s);
    absl::StatusOr<Audience> a = Audience::Compile(s);
    if (a.ok()) {
      // Evaluation is total too: a result or InvalidArgument with a position.
      absl::StatusOr<std::vector<uint8_t>> m = a->Evaluate(t);
      if (!m.ok()) {
        ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << s;
        ASSERT_THAT(std::string(m.status().message()), HasSubstr("position ")) << s;
      }
    }
  }
}

}  // namespace
}  // namespace oneid::segment
