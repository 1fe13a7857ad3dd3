#include "oneid/profile/event_generator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "oneid/identity/synthetic.h"
#include "oneid/profile/profile_builder.h"
#include "testing/status_matchers.h"

namespace oneid::profile {
namespace {

identity::SyntheticData People(size_t n) {
  identity::SyntheticConfig config;
  config.people = n;
  config.seed = 11;
  return identity::GenerateOmniChannel(config);
}

// The truth as a map: account -> person + 1.
AccountMap TruthMap(const identity::SyntheticData& people) {
  AccountMap map;
  for (size_t r = 0; r < people.accounts.row_count(); ++r) {
    map.Set(people.accounts.account_id(r), people.true_person[r] + 1);
  }
  return map;
}

TEST(EventGeneratorTest, IsDeterministicAndKeyedByThePeoplesAccounts) {
  const identity::SyntheticData people = People(2000);
  EventGeneratorConfig config;
  config.seed = 5;
  const GeneratedEvents a = GenerateEvents(people, config);
  const GeneratedEvents b = GenerateEvents(people, config);
  ASSERT_GT(a.orders.row_count(), 1000u);
  ASSERT_GT(a.behaviour.row_count(), a.orders.row_count());
  ASSERT_EQ(a.orders.row_count(), b.orders.row_count());
  for (size_t i = 0; i < a.orders.row_count(); ++i) {
    ASSERT_EQ(a.orders.account_id(i), b.orders.account_id(i));
    ASSERT_EQ(a.orders.time(i), b.orders.time(i));
    ASSERT_EQ(a.orders.amount(i), b.orders.amount(i));
  }
  config.seed = 6;
  EXPECT_NE(GenerateEvents(people, config).orders.row_count(), a.orders.row_count());

  std::map<std::string, std::string, std::less<>> source_of;
  for (size_t r = 0; r < people.accounts.row_count(); ++r) {
    source_of[std::string(people.accounts.account_id(r))] = std::string(people.accounts.source(r));
  }
  size_t refunds = 0, coupons = 0;
  for (size_t i = 0; i < a.orders.row_count(); ++i) {
    auto it = source_of.find(a.orders.account_id(i));
    ASSERT_NE(it, source_of.end());
    EXPECT_EQ(it->second, ChannelName(a.orders.channel(i)));  // an account's orders come from its channel
    EXPECT_GE(a.orders.time(i), config.start);
    EXPECT_LE(a.orders.time(i), config.end);
    refunds += a.orders.amount(i) < 0;
    coupons += a.orders.coupon_used(i);
  }
  EXPECT_GT(refunds, 0u);
  EXPECT_GT(coupons, 0u);
  std::set<BehaviorKind> kinds;
  for (size_t i = 0; i < a.behaviour.row_count(); ++i) {
    ASSERT_TRUE(source_of.contains(a.behaviour.account_id(i)));
    EXPECT_LE(a.behaviour.time(i), config.end);
    kinds.insert(a.behaviour.kind(i));
  }
  EXPECT_EQ(kinds.size(), kBehaviorKindCount);
}

TEST(EventGeneratorTest, PurchaseRatesAreHeterogeneousWithDropout) {
  const identity::SyntheticData people = People(3000);
  EventGeneratorConfig config;
  const GeneratedEvents events = GenerateEvents(people, config);
  ProfileOptions options;
  options.as_of = config.end;
  const AccountMap truth = TruthMap(people);
  EventReport report;
  ASSERT_OK_AND_ASSIGN(FeatureTable t, BuildProfiles(events.orders, events.behaviour, truth, options, &report));
  EXPECT_EQ(report.rows_rejected, 0u);
  auto frequency = *t.Numeric("frequency");
  std::vector<double> f(frequency.begin(), frequency.end());
  std::sort(f.begin(), f.end());
  const size_t buyers = static_cast<size_t>(std::count_if(f.begin(), f.end(), [](double x) { return x > 0; }));
  EXPECT_GT(buyers, t.num_rows() / 2);
  EXPECT_LT(buyers, t.num_rows());           // some people only browse
  EXPECT_GE(f.back(), 10 * f[f.size() / 2]);  // a long tail of heavy buyers
  auto channels = *t.Numeric("channel_count");
  EXPECT_GT(*std::max_element(channels.begin(), channels.end()), 1);
}

// Folding the generated events in pieces (orders split by order, behaviour by row) gives exactly
// the table of one build.
TEST(EventGeneratorTest, IncrementalBuildEqualsFullBuildOnGeneratedData) {
  const identity::SyntheticData people = People(1500);
  const GeneratedEvents events = GenerateEvents(people, EventGeneratorConfig{});
  ProfileOptions options;
  options.as_of = EventGeneratorConfig{}.end;
  const AccountMap truth = TruthMap(people);
  ASSERT_OK_AND_ASSIGN(FeatureTable once, BuildProfiles(events.orders, events.behaviour, truth, options));

  OrderTable even, odd;
  const OrderTable& o = events.orders;
  for (size_t i = 0; i < o.row_count(); ++i) {
    const OrderLine line{.order_id = o.orders()[o.order_code(i)], .account_id = o.account_id(i), .time = o.time(i),
                         .channel = o.channel(i), .store = o.store_code(i) == StringDictionary::kNone ? "" : o.stores()[o.store_code(i)],
                         .category = o.categories()[o.category_code(i)], .amount = o.amount(i),
                         .discount = o.discount(i), .coupon_used = o.coupon_used(i)};
    ASSERT_OK((o.order_code(i) % 2 ? odd : even).AddRow(line));
  }
  ASSERT_OK_AND_ASSIGN(ProfileBuilder builder, ProfileBuilder::Create(options));
  builder.AddOrders(odd, truth);
  builder.AddBehavior(events.behaviour, truth);
  builder.AddOrders(even, truth);
  ASSERT_OK_AND_ASSIGN(FeatureTable folded, builder.Build(truth));
  ASSERT_EQ(once.oneids(), folded.oneids());
  for (const std::string& name : once.NumericColumnNames()) {
    auto x = *once.Numeric(name);
    auto y = *folded.Numeric(name);
    for (size_t i = 0; i < x.size(); ++i) {
      if (std::isnan(x[i])) {
        ASSERT_TRUE(std::isnan(y[i])) << name << " row " << i;
      } else {
        ASSERT_NEAR(x[i], y[i], 1e-9 * (1 + std::fabs(x[i]))) << name << " row " << i;
      }
    }
  }
  EXPECT_EQ((*once.TextSet("top_categories"))->values, (*folded.TextSet("top_categories"))->values);
}

}  // namespace
}  // namespace oneid::profile
