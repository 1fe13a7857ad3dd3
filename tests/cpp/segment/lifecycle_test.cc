#include "oneid/segment/lifecycle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "testing/status_matchers.h"

namespace oneid::segment {
namespace {

using ::testing::ElementsAre;
using profile::FeatureTable;
using S = LifecycleStage;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Rows: never bought, bought once 10 days ago, weekly shopper seen 5 / 20 / 40 days ago, no
// interval seen 100 / 200 days ago, and a weekly shopper back after a 60-day gap.
FeatureTable Table() {
  FeatureTable t({1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_OK(t.SetNumeric("frequency", {0, 1, 10, 10, 10, 3, 3, 10}));
  EXPECT_OK(t.SetNumeric("recency_days", {kNaN, 10, 5, 20, 40, 100, 200, 3}));
  EXPECT_OK(t.SetNumeric("tenure_days", {kNaN, 10, 300, 300, 300, 400, 400, 300}));
  EXPECT_OK(t.SetNumeric("interval_mean_days", {kNaN, kNaN, 7, 7, 7, kNaN, kNaN, 7}));
  EXPECT_OK(t.SetNumeric("last_gap_days", {kNaN, kNaN, 7, 7, 7, 50, 50, 60}));
  return t;
}

TEST(LifecycleTest, DefaultRules) {
  const FeatureTable t = Table();
  ASSERT_OK_AND_ASSIGN(auto stages, AssignLifecycle(t));
  // weekly: active <= 14 (2 x 7 clamped up to min 14), lost > 28; fixed: active 90, lost 180.
  EXPECT_THAT(stages, ElementsAre(S::kProspect, S::kNew, S::kActive, S::kSleeping, S::kLost, S::kSleeping, S::kLost,
                                  S::kWonBack));
}

TEST(LifecycleTest, FixedThresholdsWhenNotRelative) {
  const FeatureTable t = Table();
  LifecycleConfig config;
  config.relative = false;
  ASSERT_OK_AND_ASSIGN(auto stages, AssignLifecycle(t, config));
  // Everybody on 90 / 180: the weekly shopper absent 40 days is active; a 60-day gap is not lost.
  EXPECT_THAT(stages, ElementsAre(S::kProspect, S::kNew, S::kActive, S::kActive, S::kActive, S::kSleeping, S::kLost,
                                  S::kActive));
}

TEST(LifecycleTest, OptionalColumnsCanBeDropped) {
  const FeatureTable t = Table();
  LifecycleConfig config;
  config.tenure_column = "";
  config.previous_gap_column = "";
  config.interval_column = "";
  ASSERT_OK_AND_ASSIGN(auto stages, AssignLifecycle(t, config));
  EXPECT_THAT(stages, ElementsAre(S::kProspect, S::kNew, S::kActive, S::kActive, S::kActive, S::kSleeping, S::kLost,
                                  S::kActive));
}

TEST(LifecycleTest, LimitsAreClamped) {
  LifecycleConfig config;
  EXPECT_EQ(LimitsFor(config, 1).active_days, 14);
  EXPECT_EQ(LimitsFor(config, 30).active_days, 60);
  EXPECT_EQ(LimitsFor(config, 30).lost_days, 120);
  EXPECT_EQ(LimitsFor(config, 200).lost_days, 365);
  EXPECT_EQ(LimitsFor(config, kNaN).lost_days, 180);
}

TEST(LifecycleTest, AddsTextColumn) {
  FeatureTable t = Table();
  ASSERT_OK(AddLifecycle(t));
  ASSERT_OK_AND_ASSIGN(auto names, t.Text("lifecycle_stage"));
  EXPECT_EQ(names[0], "prospect");
  EXPECT_EQ(names[7], "won_back");
}

TEST(LifecycleTest, Errors) {
  FeatureTable t = Table();
  LifecycleConfig config;
  config.recency_column = "recency";
  EXPECT_THAT(AssignLifecycle(t, config), StatusIs(absl::StatusCode::kInvalidArgument,
                                                   "LifecycleConfig.recency_column: unknown column 'recency'"));
  ASSERT_OK(t.SetText("tier", {"", "", "", "", "", "", "", ""}));
  config = {};
  config.tenure_column = "tier";
  EXPECT_THAT(AssignLifecycle(t, config), StatusIs(absl::StatusCode::kInvalidArgument, "must be numeric, it is text"));
  config = {};
  config.lost_days = 10;
  EXPECT_THAT(AssignLifecycle(t, config), StatusIs(absl::StatusCode::kInvalidArgument, "lost_days = 10: must be >= active_days"));
  config = {};
  config.new_days = kNaN;
  EXPECT_THAT(AssignLifecycle(t, config), StatusIs(absl::StatusCode::kInvalidArgument, "new_days"));
}

}  // namespace
}  // namespace oneid::segment
