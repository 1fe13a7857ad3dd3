// ProfileBuilder::BuildPersons: re-profiling only the persons a batch touched gives the same rows
// as a full Build, and every person the batch did not touch keeps the row it had.
#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/synthetic.h"
#include "oneid/profile/event_generator.h"
#include "oneid/profile/profile_builder.h"
#include "testing/status_matchers.h"

namespace oneid::profile {
namespace {

using ::testing::HasSubstr;

// Row `id` of `a` equals row `id` of `b` in every column (NaN equals NaN).
void ExpectSameRow(const FeatureTable& a, const FeatureTable& b, OneId id) {
  ASSERT_OK_AND_ASSIGN(const size_t ra, a.RowOf(id));
  ASSERT_OK_AND_ASSIGN(const size_t rb, b.RowOf(id));
  for (const std::string& name : a.NumericColumnNames()) {
    const double x = (*a.Numeric(name))[ra], y = (*b.Numeric(name))[rb];
    if (std::isnan(x)) {
      EXPECT_TRUE(std::isnan(y)) << "OneID " << id << " " << name;
    } else {
      EXPECT_NEAR(x, y, 1e-9 * (1 + std::fabs(x))) << "OneID " << id << " " << name;
    }
  }
  EXPECT_EQ((*a.Text(ProfileColumns::kMemberTier))[ra], (*b.Text(ProfileColumns::kMemberTier))[rb]);
  for (std::string_view set : {ProfileColumns::kTopCategories, ProfileColumns::kChannels}) {
    const auto x = (*a.TextSet(set))->Row(ra), y = (*b.TextSet(set))->Row(rb);
    EXPECT_EQ(std::vector<std::string>(x.begin(), x.end()), std::vector<std::string>(y.begin(), y.end()))
        << "OneID " << id << " " << set;
  }
}

std::vector<PersonAccounts> AccountsOf(const identity::Resolver& resolver, const std::vector<OneId>& ids) {
  std::vector<PersonAccounts> persons;
  for (OneId id : ids) persons.push_back({id, *resolver.AccountsOf(id)});
  return persons;
}

TEST(BuildPersonsTest, TouchedPersonsRebuiltAloneEqualAFullBuildAndTheRestIsUnchanged) {
  identity::SyntheticConfig people_config;
  people_config.people = 4000;
  people_config.seed = 3;
  const std::vector<identity::SyntheticData> batches = identity::GenerateOmniChannelBatches(people_config, 4);
  ASSERT_OK_AND_ASSIGN(identity::Resolver resolver, identity::Resolver::Create(identity::DefaultIdentityConfig()));
  for (size_t b = 0; b + 1 < batches.size(); ++b) ASSERT_OK(resolver.AddBatch(batches[b].accounts));
  const AccountMap before = AccountMap::FromAssignments(resolver.GetAssignments());
  ASSERT_OK_AND_ASSIGN(identity::BatchReport last, resolver.AddBatch(batches.back().accounts));
  const AccountMap after = AccountMap::FromAssignments(resolver.GetAssignments());
  ASSERT_GT(last.retired_oneids.size(), 0u) << "the last batch should merge earlier persons";

  // Events of every account (all batches' people), folded once: accumulators are per account, so
  // the fold does not depend on which map the rows were accepted through.
  identity::SyntheticData everyone = batches.front();
  for (size_t b = 1; b < batches.size(); ++b) {
    const auto& t = batches[b].accounts;
    for (size_t r = 0; r < t.row_count(); ++r) {
      std::vector<std::string_view> values;
      for (size_t c = 0; c < t.column_count(); ++c) values.push_back(t.value(r, c));
      ASSERT_OK(everyone.accounts.AddRow(t.account_id(r), t.source(r), values));
      everyone.true_person.push_back(batches[b].true_person[r]);
    }
  }
  const GeneratedEvents events = GenerateEvents(everyone, EventGeneratorConfig{});
  ProfileOptions options;
  options.as_of = EventGeneratorConfig{}.end;
  ASSERT_OK_AND_ASSIGN(ProfileBuilder builder, ProfileBuilder::Create(options));
  const EventReport orders = builder.AddOrders(events.orders, after);
  const EventReport behaviour = builder.AddBehavior(events.behaviour, after);
  ASSERT_EQ(orders.rows_rejected, 0u);
  ASSERT_EQ(behaviour.rows_rejected, 0u);

  ASSERT_OK_AND_ASSIGN(const FeatureTable old_rows, builder.Build(before));
  ASSERT_OK_AND_ASSIGN(const FeatureTable full, builder.Build(after));
  ASSERT_OK_AND_ASSIGN(const FeatureTable touched, builder.BuildPersons(AccountsOf(resolver, last.touched_oneids)));
  ASSERT_GT(touched.num_rows(), 0u);
  ASSERT_LT(touched.num_rows(), full.num_rows() / 2) << "a daily batch should touch a minority";
  EXPECT_EQ(touched.ColumnNames(), full.ColumnNames());
  for (OneId id : touched.oneids()) ExpectSameRow(touched, full, id);
  size_t unchanged = 0;
  for (OneId id : full.oneids()) {
    if (std::binary_search(last.touched_oneids.begin(), last.touched_oneids.end(), id)) continue;
    ExpectSameRow(full, old_rows, id);  // an untouched person's row is the row it had
    ++unchanged;
  }
  EXPECT_GT(unchanged, touched.num_rows());
  for (OneId id : last.retired_oneids) EXPECT_FALSE(full.RowOf(id).ok()) << "retired OneID " << id;
}

TEST(BuildPersonsTest, PersonsWithoutEventsHaveNoRowAndBadListsAreRefused) {
  ProfileOptions options;
  options.as_of = *ParseObservationDate("2024-06-30");
  ASSERT_OK_AND_ASSIGN(ProfileBuilder builder, ProfileBuilder::Create(options));
  OrderTable orders;
  ASSERT_OK(orders.AddRow({.order_id = "o1", .account_id = "pos:1", .time = *ParseTimestamp("2024-06-01"),
                           .channel = Channel::kPos, .category = "shoes", .amount = 80}));
  AccountMap map;
  map.Set("pos:1", 7);
  map.Set("mp:2", 9);
  builder.AddOrders(orders, map);
  ASSERT_OK_AND_ASSIGN(FeatureTable rows, builder.BuildPersons({{9, {"mp:2"}}, {7, {"pos:1", "tm:never-seen"}}}));
  EXPECT_EQ(rows.oneids(), std::vector<OneId>{7});
  EXPECT_EQ((*rows.Numeric("monetary_total"))[0], 80);
  EXPECT_THAT(builder.BuildPersons({{0, {"pos:1"}}}).status().message(), HasSubstr("persons[0]: OneID 0"));
  EXPECT_THAT(builder.BuildPersons({{7, {"pos:1"}}, {7, {}}}).status().message(), HasSubstr("listed twice"));
  EXPECT_THAT(builder.BuildPersons({{7, {"pos:1"}}, {8, {"pos:1"}}}).status().message(),
              HasSubstr("persons[1]: account 'pos:1' is also listed under OneID 7"));
  ASSERT_OK_AND_ASSIGN(FeatureTable none, builder.BuildPersons({}));
  EXPECT_EQ(none.num_rows(), 0u);
}

}  // namespace
}  // namespace oneid::profile
