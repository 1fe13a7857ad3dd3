#include "identity/test_tables.h"
#include "oneid/identity/resolver.h"
#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

using ::oneid::identity::testing::SaltedConfig;
using ::oneid::identity::testing::Table;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// Two persons wrongly bridged by one account: erasing the bridge restores both, each with the
// OneID it had before the merge.
TEST(EraseTest, ErasingABridgeAccountRestoresBothPersons) {
  Resolver r = *Resolver::Create(SaltedConfig());
  ASSERT_OK(r.AddBatch(Table({{.account_id = "pos:1", .phone = "13800138000"},
                              {.account_id = "tmall:2", .email = "bob@example.com"}})));
  const OneId ann = *r.OneIdOf("pos:1"), bob = *r.OneIdOf("tmall:2");
  ASSERT_OK(r.AddBatch(Table({{.account_id = "app:3", .phone = "13800138000", .email = "bob@example.com"}})));
  ASSERT_EQ(*r.OneIdOf("tmall:2"), ann);

  ASSERT_OK_AND_ASSIGN(EraseReport erased, r.EraseAccount("app:3"));
  EXPECT_EQ(erased.oneid_before, ann);
  EXPECT_THAT(erased.oneids_after, UnorderedElementsAre(ann, bob));
  EXPECT_EQ(*r.OneIdOf("pos:1"), ann);
  EXPECT_EQ(*r.OneIdOf("tmall:2"), bob);
  EXPECT_EQ(*r.CurrentOneId(bob), bob);  // no longer an alias
  EXPECT_THAT(r.OneIdOf("app:3"), StatusIs(absl::StatusCode::kNotFound, "unknown account"));
  EXPECT_EQ(r.Stats().accounts_erased, 1u);

  const std::vector<MergeEvent> log = r.MergeLog();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].account_id, "<erased>");  // the merge is still logged, without the erased id
  EXPECT_EQ(log[1].kind, LogEventKind::kSplit);
  EXPECT_EQ(log[1].cause, "erase account");

  // The tombstone keeps the erased account out.
  ASSERT_OK_AND_ASSIGN(BatchReport again, r.AddBatch(Table({{.account_id = "app:3", .phone = "13800138000"}})));
  EXPECT_EQ(again.rows_rejected, 1u);
  EXPECT_EQ(again.errors[0].reason, "account was erased; it cannot be ingested again");
}

TEST(EraseTest, ErasingTheOnlyAccountRetiresTheOneId) {
  Resolver r = *Resolver::Create(SaltedConfig());
  ASSERT_OK(r.AddBatch(Table({{.account_id = "pos:1", .phone = "13800138000"}})));
  const OneId id = *r.OneIdOf("pos:1");
  ASSERT_OK_AND_ASSIGN(EraseReport erased, r.EraseAccount("pos:1"));
  EXPECT_TRUE(erased.oneids_after.empty());
  EXPECT_THAT(r.CurrentOneId(id), StatusIs(absl::StatusCode::kNotFound, "erased"));
  EXPECT_EQ(r.Stats().persons, 0u);
  EXPECT_EQ(r.MergeLog().back().kind, LogEventKind::kRetire);
  // The phone is not erased (only the account was): a new account with it is a new person.
  ASSERT_OK(r.AddBatch(Table({{.account_id = "pos:2", .phone = "13800138000"}})));
  EXPECT_NE(*r.OneIdOf("pos:2"), id);
}

TEST(EraseTest, ErasingAValueSplitsWhatItLinkedAndTombstonesIt) {
  Resolver r = *Resolver::Create(SaltedConfig());
  ASSERT_OK(r.AddBatch(Table({{.account_id = "pos:1", .phone = "13800138000", .email = "ann@example.com"},
                              {.account_id = "app:2", .email = "ann@example.com"},
                              {.account_id = "tmall:3", .phone = "13800138000"}})));
  ASSERT_EQ(r.Stats().persons, 1u);
  ASSERT_OK_AND_ASSIGN(EraseReport erased, r.EraseValue("email", " ANN@example.com"));
  EXPECT_EQ(erased.oneids_after.size(), 2u);
  EXPECT_EQ(*r.OneIdOf("pos:1"), *r.OneIdOf("tmall:3"));
  EXPECT_NE(*r.OneIdOf("pos:1"), *r.OneIdOf("app:2"));
  EXPECT_EQ(*r.OneIdOf("pos:1"), erased.oneid_before);  // the oldest account keeps the OneID
  // The email comes back in a later batch: it is refused, so it cannot re-link.
  ASSERT_OK_AND_ASSIGN(BatchReport again, r.AddBatch(Table({{.account_id = "jd:4", .email = "ann@example.com"},
                                                            {.account_id = "jd:5", .email = "ann@example.com"}})));
  EXPECT_NE(*r.OneIdOf("jd:4"), *r.OneIdOf("jd:5"));
  ASSERT_FALSE(again.refused.empty());
  EXPECT_EQ(again.refused[0].reason, RefusalReason::kErased);
  EXPECT_EQ(again.refused[0].value, "(erased)");
  EXPECT_THAT(r.EraseValue("email", "ann@example.com"), StatusIs(absl::StatusCode::kNotFound, ""));
}

TEST(EraseTest, ErasingAValueRemovesItsTextFromExplanationsAndLogs) {
  Resolver r = *Resolver::Create(SaltedConfig());
  ASSERT_OK(r.AddBatch(Table({{.account_id = "a:1", .phone = "13800138000"},
                              {.account_id = "b:2", .email = "ann@example.com"}})));
  ASSERT_OK(r.AddBatch(Table({{.account_id = "c:3", .phone = "13800138000", .email = "ann@example.com"}})));
  ASSERT_OK(r.EraseValue("phone", "13800138000"));
  for (const MergeEvent& e : r.MergeLog()) EXPECT_EQ(e.value.find("138"), std::string::npos) << e.value;
  ASSERT_OK_AND_ASSIGN(LinkPath path, r.Explain("b:2", "c:3"));
  EXPECT_EQ(path.steps[0].type, "email");
  EXPECT_THAT(r.Explain("a:1", "c:3"), StatusIs(absl::StatusCode::kFailedPrecondition, ""));
}

TEST(EraseTest, GuardsAreReappliedWhenAPersonIsSplit) {
  // After the bridge is erased, a link that a guard refused before may not come back wrongly:
  // pieces are re-resolved with the same guards.
  Resolver r = *Resolver::Create(SaltedConfig());
  ASSERT_OK(r.AddBatch(Table({{.account_id = "mp:1", .phone = "13800138000", .unionid = "uA"},
                              {.account_id = "mp:2", .phone = "13800138000", .unionid = "uB"},
                              {.account_id = "pos:3", .phone = "13800138000", .member_card = "c1"},
                              {.account_id = "pos:4", .member_card = "c1"}})));
  ASSERT_OK(r.EraseAccount("pos:3"));
  EXPECT_NE(*r.OneIdOf("mp:1"), *r.OneIdOf("mp:2"));
  EXPECT_NE(*r.OneIdOf("pos:4"), *r.OneIdOf("mp:1"));
  EXPECT_THAT(*r.AccountsOf(*r.OneIdOf("mp:1")), ElementsAre("mp:1"));
}

TEST(EraseTest, EraseNeedsASalt) {
  Resolver r = *Resolver::Create(DefaultIdentityConfig());
  ASSERT_OK(r.AddBatch(Table({{.account_id = "a:1", .phone = "13800138000"}})));
  EXPECT_THAT(r.EraseAccount("a:1"), StatusIs(absl::StatusCode::kFailedPrecondition, "salt"));
  EXPECT_THAT(r.EraseValue("phone", "13800138000"), StatusIs(absl::StatusCode::kFailedPrecondition, "salt"));
  Resolver salted = *Resolver::Create(SaltedConfig());
  EXPECT_THAT(salted.EraseAccount("nobody"), StatusIs(absl::StatusCode::kNotFound, ""));
  EXPECT_THAT(salted.EraseValue("fax", "1"), StatusIs(absl::StatusCode::kInvalidArgument, "unknown identifier type"));
  EXPECT_THAT(salted.EraseValue("phone", "12"), StatusIs(absl::StatusCode::kInvalidArgument, ""));
}

}  // namespace
}  // namespace oneid::identity
