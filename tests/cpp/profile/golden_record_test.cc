#include "oneid/profile/golden_record.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace oneid::profile {
namespace {

using ::testing::ElementsAre;

Timestamp T(const char* text) { return *ParseTimestamp(text); }

std::string Golden(const FeatureTable& t, const char* attribute, OneId id) {
  return std::string((*t.Text(attribute))[*t.RowOf(id)]);
}

class GoldenRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(GoldenRecordBuilder b, GoldenRecordBuilder::Create(DefaultGoldenRecordConfig()));
    builder_.emplace(std::move(b));
    // pos:1 and tm:1 are one person after a merge; app:2 is another.
    ASSERT_OK(builder_->Add("tm:1", "tmall", "name", "zw_1988", T("2024-03-01")));
    ASSERT_OK(builder_->Add("pos:1", "pos", "name", "Zhang Wei", T("2023-01-01")));
    ASSERT_OK(builder_->Add("tm:1", "tmall", "city", "Hangzhou", T("2024-03-01")));
    ASSERT_OK(builder_->Add("pos:1", "pos", "city", "Shanghai", T("2023-01-01")));
    ASSERT_OK(builder_->Add("pos:1", "pos", "gender", "F", T("2023-01-01")));
    ASSERT_OK(builder_->Add("tm:1", "tmall", "gender", "M", T("2024-03-01")));
    ASSERT_OK(builder_->Add("mp:1", "miniprogram", "gender", "F", T("2022-01-01")));
    ASSERT_OK(builder_->Add("pos:1", "pos", "member_tier", "gold", T("2023-01-01")));
    ASSERT_OK(builder_->Add("tm:1", "tmall", "member_tier", "silver", T("2024-03-01")));
    ASSERT_OK(builder_->Add("app:2", "app", "birthday", "1990-02-03", T("2024-01-01")));
    ASSERT_OK(builder_->Add("app:2", "app", "name", "", T("2024-01-01")));  // unknown: ignored
    apart_.Set("pos:1", 1);
    apart_.Set("tm:1", 3);
    apart_.Set("mp:1", 4);
    apart_.Set("app:2", 2);
    merged_ = apart_;
    merged_.Set("tm:1", 1);
    merged_.Set("mp:1", 1);
  }
  std::optional<GoldenRecordBuilder> builder_;
  AccountMap apart_, merged_;
};

TEST_F(GoldenRecordTest, EachRuleChoosesAsDocumented) {
  ASSERT_OK_AND_ASSIGN(FeatureTable t, builder_->Build(merged_));
  EXPECT_THAT(t.oneids(), ElementsAre(1, 2));
  EXPECT_EQ(Golden(t, "name", 1), "Zhang Wei");    // POS is trusted over Tmall, though older
  EXPECT_EQ(Golden(t, "city", 1), "Hangzhou");     // the most recent
  EXPECT_EQ(Golden(t, "gender", 1), "F");          // two accounts say F, one says M
  EXPECT_EQ(Golden(t, "member_tier", 1), "gold");  // a merge never demotes
  EXPECT_EQ(Golden(t, "birthday", 1), "");
  EXPECT_EQ(Golden(t, "birthday", 2), "1990-02-03");
  EXPECT_EQ(Golden(t, "name", 2), "");
}

TEST_F(GoldenRecordTest, SplitAndEraseAreReflected) {
  ASSERT_OK_AND_ASSIGN(FeatureTable apart, builder_->Build(apart_));
  EXPECT_THAT(apart.oneids(), ElementsAre(1, 2, 3, 4));
  EXPECT_EQ(Golden(apart, "name", 3), "zw_1988");
  EXPECT_EQ(Golden(apart, "member_tier", 3), "silver");
  ASSERT_OK(builder_->ForgetAccount("pos:1"));
  EXPECT_THAT(builder_->ForgetAccount("pos:1"), StatusIs(absl::StatusCode::kNotFound, "pos:1"));
  ASSERT_OK_AND_ASSIGN(FeatureTable erased, builder_->Build(merged_));
  EXPECT_EQ(Golden(erased, "name", 1), "zw_1988");
  EXPECT_EQ(Golden(erased, "member_tier", 1), "silver");
  EXPECT_EQ(Golden(erased, "city", 1), "Hangzhou");
}

TEST_F(GoldenRecordTest, NewerValuesReplaceOlderOnesOfTheSameAccount) {
  ASSERT_OK(builder_->Add("tm:1", "tmall", "city", "Beijing", T("2024-05-01")));
  ASSERT_OK(builder_->Add("tm:1", "tmall", "city", "Xi'an", T("2020-01-01")));  // older: ignored
  ASSERT_OK_AND_ASSIGN(FeatureTable t, builder_->Build(merged_));
  EXPECT_EQ(Golden(t, "city", 1), "Beijing");
}

TEST_F(GoldenRecordTest, BadInputIsRefused) {
  EXPECT_THAT(builder_->Add("", "pos", "name", "x", 0), StatusIs(absl::StatusCode::kInvalidArgument, "account_id"));
  EXPECT_THAT(builder_->Add("a", "pos", "shoe_size", "42", 0),
              StatusIs(absl::StatusCode::kInvalidArgument, "'shoe_size' is not a configured golden attribute"));
  EXPECT_THAT(builder_->Add("a", "pos", "member_tier", "diamond", 0),
              StatusIs(absl::StatusCode::kInvalidArgument, "'diamond' is not one of its ranks"));
  GoldenRecordConfig config;
  config.rules = {{"tier", SurvivorshipRule::kHighestRank, {}, {}}};
  EXPECT_THAT(GoldenRecordBuilder::Create(config), StatusIs(absl::StatusCode::kInvalidArgument, "needs a list of ranks"));
  config.rules = {{"a", SurvivorshipRule::kMostRecent, {}, {}}, {"a", SurvivorshipRule::kMostRecent, {}, {}}};
  EXPECT_THAT(GoldenRecordBuilder::Create(config), StatusIs(absl::StatusCode::kInvalidArgument, "twice"));
  EXPECT_EQ(SurvivorshipRuleName(SurvivorshipRule::kHighestRank), "highest_rank");
}

}  // namespace
}  // namespace oneid::profile
