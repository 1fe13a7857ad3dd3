#include "oneid/segment/tags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "oneid/segment/audience.h"
#include "oneid/segment/segment_table.h"
#include "testing/status_matchers.h"

namespace oneid::segment {
namespace {

using ::testing::ElementsAre;
using profile::FeatureTable;

std::vector<double> Col(const FeatureTable& t, const char* name) {
  absl::StatusOr<absl::Span<const double>> c = t.Numeric(name);
  EXPECT_OK(c);
  return c.ok() ? std::vector<double>(c->begin(), c->end()) : std::vector<double>{};
}

TEST(TagsTest, RulesAddZeroOneColumnsAndSeeEarlierTags) {
  FeatureTable t({1, 2, 3});
  ASSERT_OK(t.SetNumeric("clv", {10, 500, 900}));
  ASSERT_OK(t.SetTextSet("channels", {{"pos"}, {"douyin", "pos"}, {"tmall"}}));
  const std::vector<TagRule> rules = {
      {"rich", TagLayer::kValue, "clv >= 500", ""},
      {"douyin", TagLayer::kPreference, "\"douyin\" in channels", ""},
      {"rich_not_douyin", TagLayer::kValue, "rich and not douyin", ""},
  };
  ASSERT_OK_AND_ASSIGN(TagReport r, ApplyTags(t, rules));
  EXPECT_THAT(r.applied, ElementsAre("rich", "douyin", "rich_not_douyin"));
  EXPECT_THAT(Col(t, "rich"), ElementsAre(0, 1, 1));
  EXPECT_THAT(Col(t, "rich_not_douyin"), ElementsAre(0, 0, 1));
}

TEST(TagsTest, ErrorsNameTheTagAndAddNothing) {
  FeatureTable t({1});
  ASSERT_OK(t.SetNumeric("x", {1}));
  EXPECT_THAT(ApplyTags(t, {{"a", TagLayer::kRisk, "x > 0", ""}, {"b", TagLayer::kRisk, "x >", ""}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "tag 'b': syntax error at position 4"));
  EXPECT_FALSE(t.Has("a"));
  EXPECT_THAT(ApplyTags(t, {{"a", TagLayer::kRisk, "y > 0", ""}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "tag 'a': unknown column 'y'"));
  EXPECT_THAT(ApplyTags(t, {{"a", TagLayer::kRisk, "x > 0", ""}, {"a", TagLayer::kRisk, "x > 1", ""}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "duplicate tag name 'a'"));
  ASSERT_OK_AND_ASSIGN(TagReport r, ApplyTags(t, {{"a", TagLayer::kRisk, "y > 0", ""}}, MissingColumns::kSkip));
  EXPECT_TRUE(r.applied.empty());
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].reason, "needs column 'y', which the table lacks");
}

TEST(TagsTest, DefaultTagsCompileCoverAllLayersAndHaveDistinctNames) {
  std::set<TagLayer> layers;
  std::set<std::string> names;
  for (const TagRule& rule : DefaultTags()) {
    EXPECT_OK(Audience::Compile(rule.expression)) << rule.name;
    layers.insert(rule.layer);
    EXPECT_TRUE(names.insert(rule.name).second) << rule.name;
    ASSERT_OK_AND_ASSIGN(TagLayer back, TagLayerFromName(TagLayerName(rule.layer)));
    EXPECT_EQ(back, rule.layer);
  }
  EXPECT_EQ(layers.size(), 5u);
  EXPECT_THAT(TagLayerFromName("behavior"), StatusIs(absl::StatusCode::kInvalidArgument, "unknown tag layer"));
}

TEST(SegmentTableTest, LifecycleTiersAndDefaultTagsOnAPartialTable) {
  FeatureTable t({1, 2, 3, 4});
  ASSERT_OK(t.SetNumeric("frequency", {0, 1, 5, 8}));
  ASSERT_OK(t.SetNumeric("recency_days", {std::nan(""), 3, 200, 10}));
  ASSERT_OK(t.SetNumeric("tenure_days", {std::nan(""), 3, 500, 400}));
  ASSERT_OK(t.SetNumeric("interval_mean_days", {std::nan(""), std::nan(""), 30, 20}));
  ASSERT_OK(t.SetNumeric("last_gap_days", {std::nan(""), std::nan(""), 30, 20}));
  ASSERT_OK(t.SetNumeric("clv", {0, 50, 20, 900}));
  ASSERT_OK(t.SetTextSet("channels", {{}, {"douyin"}, {"pos", "tmall"}, {"pos"}}));
  ASSERT_OK_AND_ASSIGN(SegmentReport r, SegmentTable(t));
  ASSERT_OK_AND_ASSIGN(auto stage, t.Text("lifecycle_stage"));
  EXPECT_THAT(std::vector<std::string>(stage.begin(), stage.end()), ElementsAre("prospect", "new", "lost", "active"));
  EXPECT_THAT(Col(t, "lapsing"), ElementsAre(0, 0, 1, 0));
  EXPECT_THAT(Col(t, "new_customer"), ElementsAre(0, 1, 0, 0));
  EXPECT_THAT(Col(t, "omni_channel"), ElementsAre(0, 0, 1, 0));
  // clv deciles: 0 -> 1, 50 -> 6, 20 -> 3, 900 -> 8 (four rows: shares 0, .5, .25, .75).
  EXPECT_THAT(Col(t, "clv_decile"), ElementsAre(1, 6, 3, 8));
  EXPECT_THAT(Col(t, "low_value"), ElementsAre(1, 0, 1, 0));
  // p_alive, member_tier, scores, coupon_share and points are absent: those tags are skipped.
  std::set<std::string> skipped;
  for (const SkippedTag& s : r.tags.skipped) skipped.insert(s.name);
  EXPECT_TRUE(skipped.count("churn_risk"));
  EXPECT_TRUE(skipped.count("price_sensitive"));
  EXPECT_FALSE(skipped.count("lapsing"));
}

}  // namespace
}  // namespace oneid::segment
