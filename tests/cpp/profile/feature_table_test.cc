#include "oneid/profile/feature_table.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace oneid::profile {
namespace {

using ::testing::ElementsAre;

TEST(FeatureTableTest, ColumnsOfEveryKindRoundTrip) {
  FeatureTable table({11, 22, 33});
  ASSERT_OK(table.SetNumeric("frequency", {3, 0, 7}));
  ASSERT_OK(table.SetText("member_tier", {"gold", "", "silver"}));
  ASSERT_OK(table.SetTextSet("channels", {{"tmall", "pos", "tmall"}, {}, {"douyin"}}));

  EXPECT_THAT(table.ColumnNames(), ElementsAre("frequency", "member_tier", "channels"));
  EXPECT_THAT(table.NumericColumnNames(), ElementsAre("frequency"));
  ASSERT_OK_AND_ASSIGN(auto frequency, table.Numeric("frequency"));
  EXPECT_THAT(std::vector<double>(frequency.begin(), frequency.end()), ElementsAre(3, 0, 7));
  ASSERT_OK_AND_ASSIGN(auto tier, table.Text("member_tier"));
  EXPECT_EQ(tier[2], "silver");
  ASSERT_OK_AND_ASSIGN(const TextSetColumn* channels, table.TextSet("channels"));
  // A set: the repeated "tmall" is kept once and the row is sorted.
  EXPECT_THAT(std::vector<std::string>(channels->Row(0).begin(), channels->Row(0).end()),
              ElementsAre("pos", "tmall"));
  EXPECT_TRUE(channels->Row(1).empty());
  EXPECT_TRUE(channels->Contains(2, "douyin"));
  EXPECT_FALSE(channels->Contains(0, "douyin"));
  ASSERT_OK_AND_ASSIGN(size_t row, table.RowOf(33));
  EXPECT_EQ(row, 2u);
  EXPECT_GT(table.MemoryBytes(), 3 * sizeof(double));
}

TEST(FeatureTableTest, ReplacingAColumnMayChangeItsKindAndKeepsItsPosition) {
  FeatureTable table({1, 2});
  ASSERT_OK(table.SetNumeric("a", {1, 2}));
  ASSERT_OK(table.SetNumeric("b", {3, 4}));
  ASSERT_OK(table.SetText("a", {"x", "y"}));
  EXPECT_THAT(table.ColumnNames(), ElementsAre("a", "b"));
  ASSERT_OK_AND_ASSIGN(ColumnKind kind, table.KindOf("a"));
  EXPECT_EQ(kind, ColumnKind::kText);
  EXPECT_THAT(table.Numeric("a"), StatusIs(absl::StatusCode::kInvalidArgument, "is text"));
}

TEST(FeatureTableTest, ToMatrixCopiesNamedColumnsInOrder) {
  FeatureTable table({1, 2, 3});
  ASSERT_OK(table.SetNumeric("x", {1, 2, 3}));
  ASSERT_OK(table.SetNumeric("y", {4, 5, std::numeric_limits<double>::quiet_NaN()}));
  ASSERT_OK_AND_ASSIGN(Eigen::MatrixXd m, table.ToMatrix({"y", "x"}));
  ASSERT_EQ(m.rows(), 3);
  ASSERT_EQ(m.cols(), 2);
  EXPECT_EQ(m(1, 0), 5);
  EXPECT_TRUE(std::isnan(m(2, 0)));
  EXPECT_EQ(m(2, 1), 3);
}

TEST(FeatureTableTest, MutableNumericWritesThrough) {
  FeatureTable table({1, 2});
  ASSERT_OK(table.SetNumeric("points", {10, 20}));
  ASSERT_OK_AND_ASSIGN(absl::Span<double> points, table.MutableNumeric("points"));
  points[1] = 25;
  ASSERT_OK_AND_ASSIGN(auto read, table.Numeric("points"));
  EXPECT_EQ(read[1], 25);
}

TEST(FeatureTableTest, ErrorsNameTheColumnAndTheProblem) {
  FeatureTable table({1, 2});
  EXPECT_THAT(table.SetNumeric("short", {1}),
              StatusIs(absl::StatusCode::kInvalidArgument, "column short has 1 rows; the table has 2"));
  EXPECT_THAT(table.SetNumeric("", {1, 2}), StatusIs(absl::StatusCode::kInvalidArgument, ""));
  ASSERT_OK(table.SetNumeric("recency_days", {1, 2}));
  EXPECT_THAT(table.Numeric("recency"),
              StatusIs(absl::StatusCode::kNotFound, "unknown column 'recency'; the table has: recency_days"));
  EXPECT_THAT(table.ToMatrix({"recency_days", "nope"}), StatusIs(absl::StatusCode::kNotFound, ""));
  EXPECT_THAT(table.RowOf(99), StatusIs(absl::StatusCode::kNotFound, ""));
  TextSetColumn broken;
  broken.offsets = {0, 2};
  broken.values = {"a"};
  EXPECT_THAT(table.SetTextSet("bad", broken), StatusIs(absl::StatusCode::kInvalidArgument, ""));
}

TEST(FeatureTableTest, CreateRejectsZeroAndDuplicateOneIds) {
  EXPECT_THAT(FeatureTable::Create({1, 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, "row 1, field oneid"));
  EXPECT_THAT(FeatureTable::Create({5, 6, 5}),
              StatusIs(absl::StatusCode::kInvalidArgument, "already appears at row 0"));
  ASSERT_OK_AND_ASSIGN(FeatureTable ok, FeatureTable::Create({5, 6}));
  EXPECT_EQ(ok.num_rows(), 2u);
}

}  // namespace
}  // namespace oneid::profile
