#include "oneid/profile/profile_builder.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "oneid/identity/account_table.h"
#include "oneid/identity/identifier_type.h"
#include "oneid/identity/resolver.h"
#include "testing/status_matchers.h"

namespace oneid::profile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Timestamp T(const char* text) { return *ParseTimestamp(text); }
double Day(const char* date) { return static_cast<double>(DayOf(T(date))); }

// The hand-computed scenario of docs/profile.md, as of 2024-06-30 (end of day):
//   person 1 = pos:1 + tm:1: orders o1 (2 lines, pos, 06-01), o2 (tmall, 06-01 evening: same
//     purchase day), o3 (tmall, 06-11), o4 (pos, 06-25), a refund of 50 on 06-15; browse x4 (first
//     05-20), add_to_cart x2 (last 06-28), points +100 -30, one complaint.
//   person 2 = app:2: one order on 06-29.
//   person 3 = mp:3: one browse on 06-30, no purchase.
struct Scenario {
  OrderTable orders;
  BehaviorTable behaviour;
  AccountMap map;
  Scenario() {
    auto add = [&](const char* order, const char* account, const char* time, Channel ch, const char* cat,
                   double amount, double discount = 0, bool coupon = false) {
      ASSERT_OK(orders.AddRow({.order_id = order, .account_id = account, .time = T(time), .channel = ch,
                               .category = cat, .amount = amount, .discount = discount, .coupon_used = coupon}));
    };
    add("o1", "pos:1", "2024-06-01T10:00:00", Channel::kPos, "shoes", 100, 10, true);
    add("o1", "pos:1", "2024-06-01T10:00:00", Channel::kPos, "bags", 50);
    add("o2", "tm:1", "2024-06-01T20:00:00", Channel::kTmall, "shoes", 30);
    add("o3", "tm:1", "2024-06-11T09:00:00", Channel::kTmall, "bags", 200);
    add("", "tm:1", "2024-06-15T09:00:00", Channel::kTmall, "bags", -50);
    add("o4", "pos:1", "2024-06-25T18:00:00", Channel::kPos, "tops", 20);
    add("o5", "app:2", "2024-06-29T08:00:00", Channel::kApp, "tops", 60);
    auto event = [&](const char* account, const char* time, Channel ch, BehaviorKind kind, double value = 0) {
      ASSERT_OK(behaviour.AddRow(account, T(time), ch, kind, value));
    };
    event("pos:1", "2024-05-20", Channel::kApp, BehaviorKind::kBrowse);
    for (int i = 0; i < 3; ++i) event("tm:1", "2024-06-10", Channel::kTmall, BehaviorKind::kBrowse);
    event("tm:1", "2024-06-10", Channel::kTmall, BehaviorKind::kAddToCart);
    event("tm:1", "2024-06-28", Channel::kTmall, BehaviorKind::kAddToCart);
    event("pos:1", "2024-06-02", Channel::kPos, BehaviorKind::kPointsEarned, 100);
    event("tm:1", "2024-06-12", Channel::kTmall, BehaviorKind::kPointsSpent, 30);
    event("tm:1", "2024-06-16", Channel::kTmall, BehaviorKind::kComplaint);
    event("mp:3", "2024-06-30T12:00:00", Channel::kMiniprogram, BehaviorKind::kBrowse);
    map.Set("pos:1", 1);
    map.Set("tm:1", 1);
    map.Set("app:2", 2);
    map.Set("mp:3", 3);
  }
};

ProfileOptions Options() {
  ProfileOptions options;
  options.as_of = *ParseObservationDate("2024-06-30");
  options.top_categories = 2;
  options.tiers = {{"member", 0}, {"silver", 300}, {"gold", 1000}};
  return options;
}

double Get(const FeatureTable& table, const std::string& column, OneId id) {
  const size_t row = *table.RowOf(id);
  return (*table.Numeric(column))[row];
}

std::vector<std::string> Set(const FeatureTable& table, std::string_view column, OneId id) {
  auto row = (*table.TextSet(column))->Row(*table.RowOf(id));
  return {row.begin(), row.end()};
}

// Every numeric column equal (NaN equals NaN), and the text columns equal.
void ExpectSameTables(const FeatureTable& a, const FeatureTable& b) {
  ASSERT_EQ(a.oneids(), b.oneids());
  ASSERT_EQ(a.ColumnNames(), b.ColumnNames());
  for (const std::string& name : a.NumericColumnNames()) {
    auto x = *a.Numeric(name);
    auto y = *b.Numeric(name);
    for (size_t i = 0; i < x.size(); ++i) {
      if (std::isnan(x[i])) {
        EXPECT_TRUE(std::isnan(y[i])) << name << " row " << i;
      } else {
        EXPECT_NEAR(x[i], y[i], 1e-9 * (1 + std::fabs(x[i]))) << name << " row " << i;
      }
    }
  }
  EXPECT_TRUE(std::equal((*a.Text("member_tier")).begin(), (*a.Text("member_tier")).end(),
                         (*b.Text("member_tier")).begin()));
  for (std::string_view set : {ProfileColumns::kTopCategories, ProfileColumns::kChannels}) {
    EXPECT_EQ((*a.TextSet(set))->values, (*b.TextSet(set))->values) << set;
    EXPECT_EQ((*a.TextSet(set))->offsets, (*b.TextSet(set))->offsets) << set;
  }
}

TEST(ProfileBuilderTest, EveryFeatureOnAHandComputedCase) {
  Scenario s;
  ASSERT_OK_AND_ASSIGN(ProfileBuilder builder, ProfileBuilder::Create(Options()));
  EventReport orders = builder.AddOrders(s.orders, s.map);
  EventReport behaviour = builder.AddBehavior(s.behaviour, s.map);
  EXPECT_EQ(orders.rows_accepted, 7u);
  EXPECT_EQ(behaviour.rows_accepted, 10u);
  EXPECT_EQ(orders.rows_rejected + behaviour.rows_rejected, 0u);
  ASSERT_OK_AND_ASSIGN(FeatureTable t, builder.Build(s.map));
  ASSERT_THAT(t.oneids(), ElementsAre(1, 2, 3));
  EXPECT_EQ(t.ColumnNames().size(), ProfileColumns::Numeric().size() + 3);

  // Person 1. Purchase days 06-01 (180), 06-11 (200), 06-25 (20); gaps 10 and 14.
  EXPECT_EQ(Get(t, "first_purchase_day", 1), Day("2024-06-01"));
  EXPECT_EQ(Get(t, "last_purchase_day", 1), Day("2024-06-25"));
  EXPECT_EQ(Get(t, "recency_days", 1), 5);
  EXPECT_EQ(Get(t, "frequency", 1), 4);  // o1, o2, o3, o4; the refund is not an order
  EXPECT_EQ(Get(t, "purchase_days", 1), 3);
  EXPECT_EQ(Get(t, "monetary_total", 1), 350);  // 400 sales - 50 refunded
  EXPECT_EQ(Get(t, "monetary_mean", 1), 87.5);
  EXPECT_EQ(Get(t, "tenure_days", 1), 41);  // first browse 05-20
  EXPECT_EQ(Get(t, "interval_mean_days", 1), 12);
  EXPECT_EQ(Get(t, "interval_std_days", 1), 2);
  EXPECT_EQ(Get(t, "last_gap_days", 1), 14);  // 06-11 -> 06-25
  EXPECT_EQ(Get(t, "expected_next_purchase_day", 1), Day("2024-07-07"));
  EXPECT_EQ(Get(t, "days_to_next_purchase", 1), 7);
  EXPECT_EQ(Get(t, "channel_count", 1), 2);
  EXPECT_EQ(Get(t, "channel_share_pos", 1), 0.5);
  EXPECT_EQ(Get(t, "channel_share_tmall", 1), 0.5);
  EXPECT_EQ(Get(t, "channel_share_app", 1), 0);
  EXPECT_EQ(Get(t, "coupon_share", 1), 0.25);
  EXPECT_DOUBLE_EQ(Get(t, "discount_rate", 1), 10.0 / 410.0);
  EXPECT_EQ(Get(t, "refund_rate", 1), 0.125);
  EXPECT_EQ(Get(t, "refund_count", 1), 1);
  EXPECT_EQ(Get(t, "browse_count", 1), 4);
  EXPECT_EQ(Get(t, "cart_count", 1), 2);
  EXPECT_EQ(Get(t, "complaints", 1), 1);
  EXPECT_EQ(Get(t, "service_tickets", 1), 0);
  EXPECT_EQ(Get(t, "browse_to_buy", 1), 1);  // 4 orders / 4 browses
  EXPECT_EQ(Get(t, "cart_to_buy", 1), 2);    // 4 orders / 2 carts
  EXPECT_EQ(Get(t, "days_since_last_interaction", 1), 2);  // add_to_cart on 06-28
  EXPECT_EQ(Get(t, "points_earned", 1), 100);
  EXPECT_EQ(Get(t, "points_spent", 1), 30);
  EXPECT_EQ(Get(t, "points_balance", 1), 70);
  EXPECT_EQ(Get(t, "spend_365d", 1), 400);
  EXPECT_EQ(Get(t, "cb_frequency", 1), 2);
  EXPECT_EQ(Get(t, "cb_recency", 1), 24);
  EXPECT_EQ(Get(t, "cb_T", 1), 29);
  EXPECT_EQ(Get(t, "cb_monetary", 1), 110);  // (200 + 20) / 2 repeat days
  EXPECT_EQ((*t.Text("member_tier"))[0], "silver");
  EXPECT_THAT(Set(t, ProfileColumns::kTopCategories, 1), ElementsAre("bags", "shoes"));  // 250, 130 (tops 20)
  EXPECT_THAT(Set(t, ProfileColumns::kChannels, 1), ElementsAre("pos", "tmall"));

  // Person 2: one purchase; intervals undefined, lifetimes-style stats 0 / 0 / T.
  EXPECT_EQ(Get(t, "recency_days", 2), 1);
  EXPECT_EQ(Get(t, "cb_frequency", 2), 0);
  EXPECT_EQ(Get(t, "cb_recency", 2), 0);
  EXPECT_EQ(Get(t, "cb_T", 2), 1);
  EXPECT_EQ(Get(t, "cb_monetary", 2), 0);
  EXPECT_TRUE(std::isnan(Get(t, "interval_mean_days", 2)));
  EXPECT_TRUE(std::isnan(Get(t, "interval_std_days", 2)));
  EXPECT_TRUE(std::isnan(Get(t, "last_gap_days", 2)));
  EXPECT_TRUE(std::isnan(Get(t, "expected_next_purchase_day", 2)));
  EXPECT_TRUE(std::isnan(Get(t, "browse_to_buy", 2)));
  EXPECT_EQ(Get(t, "coupon_share", 2), 0);
  EXPECT_EQ(Get(t, "channel_share_app", 2), 1);
  EXPECT_EQ((*t.Text("member_tier"))[1], "member");

  // Person 3: behaviour only. Purchase features undefined, counts zero.
  EXPECT_TRUE(std::isnan(Get(t, "first_purchase_day", 3)));
  EXPECT_TRUE(std::isnan(Get(t, "recency_days", 3)));
  EXPECT_TRUE(std::isnan(Get(t, "monetary_mean", 3)));
  EXPECT_TRUE(std::isnan(Get(t, "cb_T", 3)));
  EXPECT_TRUE(std::isnan(Get(t, "refund_rate", 3)));
  EXPECT_TRUE(std::isnan(Get(t, "channel_share_pos", 3)));
  EXPECT_EQ(Get(t, "frequency", 3), 0);
  EXPECT_EQ(Get(t, "monetary_total", 3), 0);
  EXPECT_EQ(Get(t, "browse_to_buy", 3), 0);
  EXPECT_EQ(Get(t, "days_since_last_interaction", 3), 0);
  EXPECT_EQ(Get(t, "tenure_days", 3), 0);
  EXPECT_EQ(Get(t, "channel_count", 3), 0);
  EXPECT_EQ((*t.Text("member_tier"))[2], "");
  EXPECT_THAT(Set(t, ProfileColumns::kChannels, 3), IsEmpty());

  ASSERT_OK_AND_ASSIGN(Eigen::MatrixXd x, t.ToMatrix({"frequency", "monetary_total"}));
  EXPECT_EQ(x(0, 1), 350);
  EXPECT_GT(builder.MemoryBytes(), 0u);
  EXPECT_EQ(builder.account_count(), 4u);
}

TEST(ProfileBuilderTest, UnknownAccountsAndLateEventsAreCountedAndListed) {
  Scenario s;
  ASSERT_OK(s.orders.AddRow({.order_id = "o9", .account_id = "ghost:9", .time = T("2024-06-01"), .amount = 5}));
  ASSERT_OK(s.orders.AddRow({.order_id = "o8", .account_id = "pos:1", .time = T("2024-07-01"), .amount = 5}));
  ASSERT_OK(s.behaviour.AddRow("ghost:9", T("2024-06-01"), Channel::kApp, BehaviorKind::kBrowse));
  ASSERT_OK(s.behaviour.AddRow("mp:3", T("2024-07-02"), Channel::kApp, BehaviorKind::kBrowse));
  ASSERT_OK(s.behaviour.AddRow("late:4", T("2024-07-02"), Channel::kApp, BehaviorKind::kBrowse));
  s.map.Set("late:4", 4);
  ASSERT_OK_AND_ASSIGN(ProfileBuilder builder, ProfileBuilder::Create(Options()));
  EventReport r = builder.AddOrders(s.orders, s.map);
  EXPECT_EQ(r.rows_read, 9u);
  EXPECT_EQ(r.rows_accepted, 7u);
  EXPECT_EQ(r.rows_rejected, 2u);
  EXPECT_EQ(r.unknown_accounts, 1u);
  EXPECT_EQ(r.after_as_of, 1u);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].row, 7u);
  EXPECT_EQ(r.errors[0].field, "account_id");
  EXPECT_THAT(r.errors[0].reason, HasSubstr("'ghost:9' is not in the identity map"));
  EXPECT_EQ(r.errors[1].row, 8u);
  EXPECT_EQ(r.errors[1].field, "time");
  EXPECT_THAT(r.errors[1].reason, HasSubstr("2024-07-01T00:00:00Z is after the observation date 2024-06-30T23:59:59Z"));
  EventReport b = builder.AddBehavior(s.behaviour, s.map);
  EXPECT_EQ(b.unknown_accounts, 1u);
  EXPECT_EQ(b.after_as_of, 2u);
  ASSERT_OK_AND_ASSIGN(FeatureTable t, builder.Build(s.map));
  // late:4 had only a late event: no row, rather than a row of nothing.
  EXPECT_THAT(t.oneids(), ElementsAre(1, 2, 3));
  EXPECT_EQ(Get(t, "frequency", 1), 4);
}

TEST(ProfileBuilderTest, IncrementalFoldingEqualsOneBuild) {
  Scenario s;
  ASSERT_OK_AND_ASSIGN(FeatureTable once, BuildProfiles(s.orders, s.behaviour, s.map, Options()));
  // The same events in three pieces (an order's lines stay together), behaviour first.
  OrderTable a, b;
  for (size_t i = 0; i < s.orders.row_count(); ++i) {
    OrderLine line{.order_id = s.orders.order_code(i) == OrderTable::kNoOrder ? std::string_view()
                                                                                : s.orders.orders()[s.orders.order_code(i)],
                   .account_id = s.orders.account_id(i), .time = s.orders.time(i), .channel = s.orders.channel(i),
                   .category = s.orders.categories()[s.orders.category_code(i)], .amount = s.orders.amount(i),
                   .discount = s.orders.discount(i), .coupon_used = s.orders.coupon_used(i)};
    ASSERT_OK((i < 3 ? a : b).AddRow(line));
  }
  ASSERT_OK_AND_ASSIGN(ProfileBuilder builder, ProfileBuilder::Create(Options()));
  builder.AddBehavior(s.behaviour, s.map);
  ASSERT_OK_AND_ASSIGN(FeatureTable partial, builder.Build(s.map));
  EXPECT_EQ(Get(partial, "frequency", 1), 0);
  builder.AddOrders(b, s.map);
  builder.AddOrders(a, s.map);
  ASSERT_OK_AND_ASSIGN(FeatureTable folded, builder.Build(s.map));
  ExpectSameTables(once, folded);
}

TEST(ProfileBuilderTest, MergeCombinesPersonsAndSplitSeparatesThem) {
  Scenario s;
  AccountMap apart = s.map;
  apart.Set("tm:1", 7);  // before the merge, tm:1 was a person of its own
  ASSERT_OK_AND_ASSIGN(ProfileBuilder builder, ProfileBuilder::Create(Options()));
  builder.AddOrders(s.orders, apart);
  builder.AddBehavior(s.behaviour, apart);
  ASSERT_OK_AND_ASSIGN(FeatureTable before, builder.Build(apart));
  EXPECT_THAT(before.oneids(), ElementsAre(1, 2, 3, 7));
  EXPECT_EQ(Get(before, "frequency", 1), 2);  // o1, o4
  EXPECT_EQ(Get(before, "frequency", 7), 2);  // o2, o3
  EXPECT_EQ(Get(before, "points_balance", 1), 100);
  EXPECT_EQ(Get(before, "points_balance", 7), -30);
  // The resolver merges 7 into 1: re-keying combines them exactly as if they had always been one.
  ASSERT_OK_AND_ASSIGN(FeatureTable merged, builder.Build(s.map));
  ASSERT_OK_AND_ASSIGN(FeatureTable reference, BuildProfiles(s.orders, s.behaviour, s.map, Options()));
  ExpectSameTables(reference, merged);
  // And a split re-separates them.
  ASSERT_OK_AND_ASSIGN(FeatureTable split, builder.Build(apart));
  ExpectSameTables(before, split);
}

TEST(ProfileBuilderTest, EraseThroughTheResolverRemovesTheAccountsFacts) {
  identity::IdentityConfig config = identity::DefaultIdentityConfig();
  config.salt = "test-salt";
  ASSERT_OK_AND_ASSIGN(identity::Resolver resolver, identity::Resolver::Create(config));
  identity::AccountTable accounts({{"phone", "phone"}});
  ASSERT_OK(accounts.AddRow("pos:1", "pos", {"13800138000"}));
  ASSERT_OK(accounts.AddRow("tm:1", "tmall", {"+86 138 0013 8000"}));
  ASSERT_OK(accounts.AddRow("app:2", "app", {"13900139001"}));
  ASSERT_OK(accounts.AddRow("mp:3", "miniprogram", {"13700137002"}));
  ASSERT_OK(resolver.AddBatch(accounts));
  Scenario s;
  AccountMap map = AccountMap::FromAssignments(resolver.GetAssignments());
  ASSERT_EQ(map.Find("pos:1"), map.Find("tm:1"));
  ASSERT_OK_AND_ASSIGN(ProfileBuilder builder, ProfileBuilder::Create(Options()));
  builder.AddOrders(s.orders, map);
  builder.AddBehavior(s.behaviour, map);
  const OneId person = map.Find("pos:1");
  ASSERT_OK_AND_ASSIGN(FeatureTable before, builder.Build(map));
  EXPECT_EQ(Get(before, "frequency", person), 4);

  ASSERT_OK(resolver.EraseAccount("tm:1"));
  AccountMap after = AccountMap::FromAssignments(resolver.GetAssignments());
  EXPECT_EQ(builder.ForgetAccountsNotIn(after), 1u);
  EXPECT_EQ(builder.account_count(), 3u);
  EXPECT_THAT(builder.ForgetAccount("tm:1"), StatusIs(absl::StatusCode::kNotFound, "tm:1"));
  ASSERT_OK_AND_ASSIGN(FeatureTable erased, builder.Build(after));
  const OneId survivor = after.Find("pos:1");
  EXPECT_EQ(Get(erased, "frequency", survivor), 2);          // o1, o4 only
  EXPECT_EQ(Get(erased, "monetary_total", survivor), 170);   // the tmall refund went with tm:1
  EXPECT_EQ(Get(erased, "points_balance", survivor), 100);
  EXPECT_THAT(Set(erased, ProfileColumns::kChannels, survivor), ElementsAre("pos"));
  // Even with the old map the erased account's facts are gone, not hidden.
  ASSERT_OK_AND_ASSIGN(FeatureTable with_old_map, builder.Build(map));
  EXPECT_EQ(Get(with_old_map, "frequency", person), 2);
}

TEST(ProfileBuilderTest, SetAsOfRefusesToMoveBeforeFoldedEvents) {
  Scenario s;
  ASSERT_OK_AND_ASSIGN(ProfileBuilder builder, ProfileBuilder::Create(Options()));
  builder.AddOrders(s.orders, s.map);
  EXPECT_THAT(builder.SetAsOf(T("2024-06-20")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "2024-06-29T08:00:00Z has already been folded"));
  ASSERT_OK(builder.SetAsOf(*ParseObservationDate("2024-07-10")));
  ASSERT_OK_AND_ASSIGN(FeatureTable t, builder.Build(s.map));
  EXPECT_EQ(Get(t, "recency_days", 1), 15);
  EXPECT_EQ(Get(t, "cb_T", 1), 39);
  EXPECT_EQ(Get(t, "days_to_next_purchase", 1), -3);  // overdue
}

TEST(ProfileBuilderTest, TiersFollowTrailingYearSpend) {
  OrderTable orders;
  ASSERT_OK(orders.AddRow({.order_id = "old", .account_id = "a", .time = T("2023-07-01"), .amount = 5000}));
  ASSERT_OK(orders.AddRow({.order_id = "new", .account_id = "a", .time = T("2023-07-02"), .amount = 400}));
  AccountMap map;
  map.Set("a", 1);
  ASSERT_OK_AND_ASSIGN(FeatureTable t, BuildProfiles(orders, BehaviorTable(), map, Options()));
  // The window is the 365 days E-364 .. E, i.e. 2023-07-02 .. 2024-06-30 (2024 is a leap year):
  // 2023-07-01 is just outside it.
  EXPECT_EQ(Get(t, "spend_365d", 1), 400);
  EXPECT_EQ((*t.Text("member_tier"))[0], "silver");
}

TEST(ProfileBuilderTest, CreateValidatesTiers) {
  ProfileOptions options = Options();
  options.tiers = {{"gold", 100}, {"silver", 50}};
  EXPECT_THAT(ProfileBuilder::Create(options), StatusIs(absl::StatusCode::kInvalidArgument, "must ascend"));
  options.tiers = {{"", 0}};
  EXPECT_THAT(ProfileBuilder::Create(options), StatusIs(absl::StatusCode::kInvalidArgument, "empty name"));
  options.tiers = {{"a", 0}, {"a", 1}};
  EXPECT_THAT(ProfileBuilder::Create(options), StatusIs(absl::StatusCode::kInvalidArgument, "twice"));
}

TEST(AccountMapTest, CreateValidatesRows) {
  std::vector<std::string_view> ids = {"a", "b", "a"};
  EXPECT_THAT(AccountMap::Create(ids, std::vector<OneId>{1, 2}),
              StatusIs(absl::StatusCode::kInvalidArgument, "3 account ids but 2"));
  EXPECT_THAT(AccountMap::Create(ids, std::vector<OneId>{1, 0, 1}),
              StatusIs(absl::StatusCode::kInvalidArgument, "row 1, field oneid"));
  EXPECT_THAT(AccountMap::Create(ids, std::vector<OneId>{1, 2, 3}),
              StatusIs(absl::StatusCode::kInvalidArgument, "mapped to both 1 and 3"));
  ASSERT_OK_AND_ASSIGN(AccountMap map, AccountMap::Create(ids, std::vector<OneId>{1, 2, 1}));
  EXPECT_EQ(map.size(), 2u);
  EXPECT_EQ(map.Find("b"), 2u);
  EXPECT_EQ(map.Find("zzz"), 0u);
}

}  // namespace
}  // namespace oneid::profile
