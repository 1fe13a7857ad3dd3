#include "oneid/segment/triggers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "testing/status_matchers.h"

namespace oneid::segment {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

profile::FeatureTable Table() {
  profile::FeatureTable t({11, 12, 13, 14});
  EXPECT_OK(t.SetNumeric("recency_days", {48, 10, 100, kNaN}));
  EXPECT_OK(t.SetNumeric("interval_mean_days", {21, 21, 21, kNaN}));
  EXPECT_OK(t.SetNumeric("p_alive", {0.9, 0.21, 0.05, kNaN}));
  EXPECT_OK(t.SetNumeric("points_expiring", {1200, 0, 300, 50}));
  EXPECT_OK(t.SetNumeric("points_expiry_days", {9, 3, 40, 1}));
  EXPECT_OK(t.SetNumeric("cart_abandoned_days", {kNaN, 1, 5, 0.5}));
  EXPECT_OK(t.SetNumeric("cart_value", {kNaN, 349, 10, kNaN}));
  return t;
}

TEST(TriggersTest, FiresWithReadableReasons) {
  TriggerConfig config;
  config.cart_value_column = "cart_value";
  ASSERT_OK_AND_ASSIGN(std::vector<FiredTrigger> fired, FireTriggers(Table(), config));
  ASSERT_EQ(fired.size(), 7u);
  EXPECT_EQ(fired[0].oneid, 11u);
  EXPECT_EQ(fired[0].kind, TriggerKind::kDueToRepurchase);
  EXPECT_EQ(fired[0].reason, "no purchase for 48 days; usual interval 21 days");
  EXPECT_EQ(fired[1].reason, "1200 points expire in 9 days");
  EXPECT_EQ(fired[2].row, 1u);
  EXPECT_EQ(fired[2].reason, "P(alive) 0.21 is below 0.30");
  EXPECT_EQ(fired[3].reason, "cart worth 349.00 abandoned 1 day ago");
  // Row 2: 100 days is past 3 x 21, a win-back case rather than a repurchase reminder.
  EXPECT_EQ(fired[4].row, 2u);
  EXPECT_EQ(fired[4].kind, TriggerKind::kAtRisk);
  EXPECT_EQ(fired[5].reason, "50 points expire in 1 day");
  EXPECT_EQ(TriggerKindName(fired[5].kind), "points_expiring");
  EXPECT_EQ(fired[6].reason, "cart abandoned 0.5 days ago");  // no cart value for this row
}

TEST(TriggersTest, SwitchesAndMissingColumns) {
  profile::FeatureTable t = Table();
  TriggerConfig config;
  config.p_alive_column = "palive";
  EXPECT_THAT(FireTriggers(t, config), StatusIs(absl::StatusCode::kInvalidArgument,
                                                "TriggerConfig.p_alive_column: unknown column 'palive'"));
  config.at_risk = false;
  config.points_expiring = false;
  config.cart_abandoned = false;
  ASSERT_OK_AND_ASSIGN(std::vector<FiredTrigger> fired, FireTriggers(t, config));
  ASSERT_EQ(fired.size(), 1u);
  config.repurchase_factor = 2.5;
  ASSERT_OK_AND_ASSIGN(fired, FireTriggers(t, config));
  EXPECT_TRUE(fired.empty());
  config.p_alive_threshold = 2;
  EXPECT_THAT(FireTriggers(t, config), StatusIs(absl::StatusCode::kInvalidArgument, "p_alive_threshold = 2"));
}

}  // namespace
}  // namespace oneid::segment
