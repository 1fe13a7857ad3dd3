#include "oneid/segment/value_tier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "testing/status_matchers.h"

namespace oneid::segment {
namespace {

using ::testing::ElementsAre;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(ValueTierTest, DecilesOfTwentyValues) {
  std::vector<double> v(20);
  for (int i = 0; i < 20; ++i) v[i] = 100 - i;  // descending, so row 0 is the most valuable
  ASSERT_OK_AND_ASSIGN(ValueTiers t, ComputeValueTiers(v));
  EXPECT_EQ(t.decile[0], 10);
  EXPECT_EQ(t.decile[1], 10);
  EXPECT_EQ(t.decile[2], 9);
  EXPECT_EQ(t.decile[19], 1);
  EXPECT_EQ(t.tier[0], "platinum");  // top 5%: share 19/20 = 0.95
  EXPECT_EQ(t.tier[1], "gold");
  EXPECT_EQ(t.tier[3], "gold");      // 16 of 20 below: share 0.8
  EXPECT_EQ(t.tier[4], "silver");    // share 0.75
  EXPECT_EQ(t.tier[19], "bronze");
}

TEST(ValueTierTest, TiesShareADecileAndNanStaysNan) {
  ASSERT_OK_AND_ASSIGN(ValueTiers t, ComputeValueTiers(std::vector<double>{5, 5, 5, 5, 1, kNaN}));
  EXPECT_TRUE(std::isnan(t.decile[5]));
  EXPECT_EQ(t.tier[5], "");
  EXPECT_EQ(t.decile[4], 1);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(t.decile[i], 3);  // below = 1 of 5 -> 1 + floor(2)
}

TEST(ValueTierTest, MatchesBruteForceDeciles) {
  std::mt19937_64 rng(3);
  std::vector<double> v(997);
  for (double& x : v) x = static_cast<double>(rng() % 50);
  ASSERT_OK_AND_ASSIGN(ValueTiers t, ComputeValueTiers(v));
  for (size_t i = 0; i < v.size(); ++i) {
    size_t below = 0;
    for (double y : v) below += y < v[i];
    EXPECT_EQ(t.decile[i], 1 + std::floor(10.0 * static_cast<double>(below) / static_cast<double>(v.size())));
  }
}

TEST(ValueTierTest, ValueCuts) {
  ValueTierConfig config;
  config.cuts_are_quantiles = false;
  config.tiers = {{"vip", 5000}, {"regular", 100}};
  ASSERT_OK_AND_ASSIGN(ValueTiers t, ComputeValueTiers(std::vector<double>{9000, 5000, 4999, 100, 99}, config));
  EXPECT_THAT(t.tier, ElementsAre("vip", "vip", "regular", "regular", ""));
}

TEST(ValueTierTest, AddsColumnsAndValidates) {
  profile::FeatureTable table({1, 2, 3});
  ASSERT_OK(table.SetNumeric("clv", {10, 20, 30}));
  ASSERT_OK(AddValueTiers(table));
  ASSERT_OK_AND_ASSIGN(auto deciles, table.Numeric("clv_decile"));
  EXPECT_THAT(std::vector<double>(deciles.begin(), deciles.end()), ElementsAre(1, 4, 7));
  ValueTierConfig config;
  config.tiers = {{"a", 0.5}, {"b", 0.9}};
  EXPECT_THAT(AddValueTiers(table, config), StatusIs(absl::StatusCode::kInvalidArgument, "cuts must decrease"));
  config.tiers = {{"a", 1.5}};
  EXPECT_THAT(AddValueTiers(table, config), StatusIs(absl::StatusCode::kInvalidArgument, "[0, 1]"));
  config = {};
  config.value_column = "ltv";
  EXPECT_THAT(AddValueTiers(table, config), StatusIs(absl::StatusCode::kInvalidArgument, "unknown column 'ltv'"));
}

}  // namespace
}  // namespace oneid::segment
