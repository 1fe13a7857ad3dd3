// BatchReport::touched_oneids and retired_oneids: a host that re-scores only the persons a batch
// touched must see every person whose accounts changed, and drop every OneID a merge retired.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/test_tables.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/synthetic.h"
#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

using ::oneid::identity::testing::SaltedConfig;
using ::oneid::identity::testing::Table;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(TouchedPersonsTest, NewPersonsAndAMergeAreTouchedAndTheAbsorbedOneIdIsRetired) {
  Resolver r = *Resolver::Create(SaltedConfig());
  ASSERT_OK_AND_ASSIGN(BatchReport first, r.AddBatch(Table({{.account_id = "pos:1", .phone = "13800138000"},
                                                            {.account_id = "mp:2", .unionid = "uA"},
                                                            {.account_id = "jd:3", .email = "z@x.cn"}})));
  EXPECT_THAT(first.touched_oneids, ElementsAre(1, 2, 3));
  EXPECT_THAT(first.retired_oneids, IsEmpty());

  // tmall:4 carries pos:1's phone and mp:2's UnionID: persons 1 and 2 become one (1 survives).
  ASSERT_OK_AND_ASSIGN(BatchReport second,
                       r.AddBatch(Table({{.account_id = "tmall:4", .phone = "+86 138 0013 8000", .unionid = "uA"}})));
  EXPECT_THAT(second.touched_oneids, ElementsAre(1));
  EXPECT_THAT(second.retired_oneids, ElementsAre(2));
  EXPECT_EQ(*r.CurrentOneId(2), 1u);

  // An account seen again with nothing new still counts as touched (its row may carry new facts
  // for the host, such as a new source); person 3 is untouched by the merge above.
  ASSERT_OK_AND_ASSIGN(BatchReport third, r.AddBatch(Table({{.account_id = "jd:3", .email = "z@x.cn"}})));
  EXPECT_THAT(third.touched_oneids, ElementsAre(3));
  EXPECT_THAT(third.retired_oneids, IsEmpty());
}

TEST(TouchedPersonsTest, AResplitTouchesTheSplitPersonAndEveryPiece) {
  Resolver r = *Resolver::Create(SaltedConfig());
  AccountTable first(testing::DefaultColumns());
  for (int i = 0; i < 15; ++i) {
    ASSERT_OK(first.AddRow("pos:" + std::to_string(i), "pos", {"13800138000", "", "", "", "", ""}));
  }
  ASSERT_OK(r.AddBatch(first));
  ASSERT_EQ(r.Stats().persons, 1u);
  // Ten more accounts make the phone junk: the one person splits into 25 (15 old pieces, 10 new).
  AccountTable second(testing::DefaultColumns());
  for (int i = 15; i < 25; ++i) {
    ASSERT_OK(second.AddRow("pos:" + std::to_string(i), "pos", {"13800138000", "", "", "", "", ""}));
  }
  ASSERT_OK_AND_ASSIGN(BatchReport report, r.AddBatch(second));
  ASSERT_EQ(r.Stats().persons, 25u);
  std::set<OneId> all;
  for (int i = 0; i < 25; ++i) all.insert(*r.OneIdOf("pos:" + std::to_string(i)));
  EXPECT_EQ(std::set<OneId>(report.touched_oneids.begin(), report.touched_oneids.end()), all);
  EXPECT_THAT(report.retired_oneids, IsEmpty());
}

// On realistic batches (formatting variants, shared devices, kiosk phones that turn junk): every
// person whose set of accounts differs from before the batch is touched, every OneID that named a
// person before and names none now is retired, and nothing else is listed as retired.
TEST(TouchedPersonsTest, CoversEveryChangedPersonOnGeneratedBatches) {
  SyntheticConfig config;
  config.people = 3000;
  config.seed = 11;
  const std::vector<SyntheticData> batches = GenerateOmniChannelBatches(config, 6);
  Resolver r = *Resolver::Create(SaltedConfig());
  std::map<OneId, std::set<std::string>> before;
  size_t merges = 0;
  for (const SyntheticData& batch : batches) {
    ASSERT_OK_AND_ASSIGN(BatchReport report, r.AddBatch(batch.accounts));
    const Assignments now = r.GetAssignments();
    std::map<OneId, std::set<std::string>> after;
    for (size_t i = 0; i < now.account_ids.size(); ++i) after[now.oneids[i]].insert(now.account_ids[i]);
    const std::set<OneId> touched(report.touched_oneids.begin(), report.touched_oneids.end());
    ASSERT_EQ(touched.size(), report.touched_oneids.size()) << "touched_oneids has repeats";
    for (const auto& [id, accounts] : after) {
      const auto old = before.find(id);
      if (old == before.end() || old->second != accounts) {
        EXPECT_TRUE(touched.contains(id)) << "batch " << report.batch << ": person " << id << " changed";
      }
    }
    for (OneId id : report.touched_oneids) EXPECT_TRUE(after.contains(id)) << "touched " << id << " is not current";
    for (const auto& [id, accounts] : before) {
      const bool gone = !after.contains(id);
      const bool listed = std::binary_search(report.retired_oneids.begin(), report.retired_oneids.end(), id);
      EXPECT_EQ(gone, listed) << "batch " << report.batch << ": OneID " << id;
    }
    for (OneId id : report.retired_oneids) EXPECT_TRUE(before.contains(id));
    merges += report.retired_oneids.size();
    // The persons a batch touches are a small part of the base once it is established.
    if (report.batch > 2) {
      EXPECT_LT(touched.size(), after.size());
    }
    before = std::move(after);
  }
  EXPECT_GT(merges, 0u) << "the generated batches should merge some earlier persons";
}

}  // namespace
}  // namespace oneid::identity
