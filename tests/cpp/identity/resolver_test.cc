#include "oneid/identity/resolver.h"

#include "identity/test_tables.h"
#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

using ::oneid::identity::testing::Row;
using ::oneid::identity::testing::SaltedConfig;
using ::oneid::identity::testing::Table;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Resolver MakeResolver() { return *Resolver::Create(SaltedConfig()); }

OneId Id(const Resolver& r, std::string_view account) {
  absl::StatusOr<OneId> id = r.OneIdOf(account);
  EXPECT_TRUE(id.ok()) << id.status();
  return id.ok() ? *id : 0;
}

TEST(ResolverTest, AccountsSharingAPhoneInAnyFormatAreOnePerson) {
  Resolver r = MakeResolver();
  ASSERT_OK_AND_ASSIGN(BatchReport report,
                       r.AddBatch(Table({{.account_id = "pos:1", .phone = "138 0013 8000"},
                                         {.account_id = "mp:2", .phone = "+86 13800138000"},
                                         {.account_id = "jd:3", .phone = "0086-138-0013-8000"},
                                         {.account_id = "jd:4", .phone = "13900139000"}})));
  EXPECT_EQ(report.rows_accepted, 4u);
  EXPECT_EQ(report.persons_new, 2u);
  EXPECT_EQ(Id(r, "pos:1"), Id(r, "mp:2"));
  EXPECT_EQ(Id(r, "pos:1"), Id(r, "jd:3"));
  EXPECT_NE(Id(r, "pos:1"), Id(r, "jd:4"));
  EXPECT_EQ(Id(r, "pos:1"), 1u);  // OneIDs are issued in arrival order
  EXPECT_EQ(r.Stats().persons, 2u);
}

TEST(ResolverTest, LinksAreTransitiveAcrossIdentifierTypes) {
  Resolver r = MakeResolver();
  ASSERT_OK(r.AddBatch(Table({{.account_id = "pos:1", .phone = "13800138000"},
                              {.account_id = "app:2", .phone = "13800138000", .email = "ann@example.com"},
                              {.account_id = "tmall:3", .email = "ANN@example.com "},
                              {.account_id = "wecom:4", .email = "ann@example.com", .unionid = "uA"},
                              {.account_id = "mp:5", .unionid = "uA", .openid = "wx1:o1"}})));
  for (const char* a : {"app:2", "tmall:3", "wecom:4", "mp:5"}) EXPECT_EQ(Id(r, "pos:1"), Id(r, a)) << a;
}

TEST(ResolverTest, GuardRefusesASecondUnionIdAndSaysWhy) {
  Resolver r = MakeResolver();
  ASSERT_OK_AND_ASSIGN(BatchReport report,
                       r.AddBatch(Table({{.account_id = "mp:1", .phone = "13800138000", .unionid = "uA"},
                                         {.account_id = "mp:2", .phone = "13800138000", .unionid = "uB"}})));
  EXPECT_NE(Id(r, "mp:1"), Id(r, "mp:2"));
  EXPECT_EQ(report.links_refused, 1u);
  ASSERT_EQ(report.refused.size(), 1u);
  EXPECT_EQ(report.refused[0].reason, RefusalReason::kMaxPerPerson);
  EXPECT_EQ(report.refused[0].type, "phone");
  EXPECT_EQ(report.refused[0].value, "+8613800138000");
  EXPECT_THAT(report.refused[0].detail, HasSubstr("unionid"));
}

TEST(ResolverTest, StrongIdentifiersLinkFirstWithinABatch) {
  // Rows arrive phone-first, but the UnionID links (priority 100) are made before the phone
  // (priority 60), so the shared phone is the link that gets refused, not a UnionID link.
  Resolver r = MakeResolver();
  ASSERT_OK(r.AddBatch(Table({{.account_id = "pos:1", .phone = "13800138000"},
                              {.account_id = "mp:2", .phone = "13800138000", .unionid = "uA"},
                              {.account_id = "mp:3", .phone = "13800138000", .unionid = "uB"},
                              {.account_id = "wecom:4", .unionid = "uB"}})));
  EXPECT_EQ(Id(r, "mp:3"), Id(r, "wecom:4"));
  EXPECT_NE(Id(r, "mp:2"), Id(r, "mp:3"));
}

TEST(ResolverTest, OpenIdsAreLimitedPerApp) {
  Resolver r = MakeResolver();
  ASSERT_OK_AND_ASSIGN(BatchReport report,
                       r.AddBatch(Table({{.account_id = "mp:1", .phone = "13800138000", .openid = "wx1:oA"},
                                         {.account_id = "mp:2", .phone = "13800138000", .openid = "wx2:oB"},
                                         {.account_id = "mp:3", .phone = "13800138000", .openid = "wx1:oC"}})));
  EXPECT_EQ(Id(r, "mp:1"), Id(r, "mp:2"));  // one OpenID in each of two apps is fine
  EXPECT_NE(Id(r, "mp:1"), Id(r, "mp:3"));  // a second OpenID in app wx1 is not
  EXPECT_EQ(report.links_refused, 1u);
  // The same token in two apps is two values.
  ASSERT_OK(r.AddBatch(Table({{.account_id = "mp:9", .openid = "wx2:oA"}})));
  EXPECT_NE(Id(r, "mp:9"), Id(r, "mp:1"));
}

TEST(ResolverTest, ValuesSharedByTooManyAccountsAreJunk) {
  Resolver r = MakeResolver();
  AccountTable table(testing::DefaultColumns());
  for (int i = 0; i < 25; ++i) {
    // A store's kiosk phone typed in for 25 different shoppers.
    const std::string id = "pos:" + std::to_string(i);
    const std::string card = "card" + std::to_string(i);
    ASSERT_OK(table.AddRow(id, "pos", {"021-6234 5678", "", "", "", "", card}));
  }
  ASSERT_OK_AND_ASSIGN(BatchReport report, r.AddBatch(table));
  EXPECT_EQ(report.values_junk, 1u);
  EXPECT_EQ(report.persons_new, 25u);
  ASSERT_FALSE(report.refused.empty());
  EXPECT_EQ(report.refused[0].reason, RefusalReason::kJunkValue);
  EXPECT_THAT(report.refused[0].detail, HasSubstr("held by 25 accounts"));
  EXPECT_EQ(r.Stats().values_junk, 1u);
}

TEST(ResolverTest, AValueThatBecomesJunkLaterUnlinksWhatItLinked) {
  Resolver r = MakeResolver();
  AccountTable first(testing::DefaultColumns());
  for (int i = 0; i < 15; ++i) {
    ASSERT_OK(first.AddRow("pos:" + std::to_string(i), "pos", {"13800138000", "", "", "", "", ""}));
  }
  ASSERT_OK(first.AddRow("app:x", "app", {"13800138000", "x@example.com", "", "", "", ""}));
  ASSERT_OK(r.AddBatch(first));
  EXPECT_EQ(r.Stats().persons, 1u);
  const OneId before = Id(r, "pos:0");

  AccountTable second(testing::DefaultColumns());
  for (int i = 15; i < 25; ++i) {
    ASSERT_OK(second.AddRow("pos:" + std::to_string(i), "pos", {"13800138000", "", "", "", "", ""}));
  }
  ASSERT_OK(second.AddRow("tmall:y", "tmall", {"", "x@example.com", "", "", "", ""}));
  ASSERT_OK_AND_ASSIGN(BatchReport report, r.AddBatch(second));
  EXPECT_EQ(report.values_junk, 1u);
  EXPECT_EQ(report.persons_resplit, 1u);
  EXPECT_EQ(r.Stats().persons, 26u);  // 25 shoppers at the till, and app:x with tmall:y
  EXPECT_EQ(Id(r, "pos:0"), before);  // the oldest account keeps the OneID
  EXPECT_EQ(Id(r, "tmall:y"), Id(r, "app:x"));  // links through other values survive
  EXPECT_NE(Id(r, "pos:1"), Id(r, "pos:2"));
}

TEST(ResolverTest, MergeLogSinceReturnsTheTailAndStatsSurviveASnapshot) {
  Resolver r = *Resolver::Create(testing::SaltedConfig());
  ASSERT_OK(r.AddBatch(Table({{.account_id = "pos:1", .phone = "13800138000"},
                              {.account_id = "tmall:2", .email = "bob@example.com"}})));
  ASSERT_OK(r.AddBatch(Table({{.account_id = "app:3", .phone = "13800138000", .email = "bob@example.com"}})));
  const size_t seen = r.Stats().merge_log_entries;
  ASSERT_EQ(seen, 1u);
  ASSERT_OK(r.EraseAccount("app:3"));
  const std::vector<MergeEvent> all = r.MergeLog();
  const std::vector<MergeEvent> tail = r.MergeLogSince(seen);
  ASSERT_EQ(tail.size(), all.size() - seen);
  EXPECT_EQ(tail[0].kind, all[seen].kind);
  EXPECT_EQ(tail[0].cause, "erase account");
  EXPECT_EQ(r.MergeLogSince(0).size(), all.size());
  EXPECT_TRUE(r.MergeLogSince(all.size()).empty());
  EXPECT_TRUE(r.MergeLogSince(all.size() + 7).empty());

  const ResolverStats before = r.Stats();
  ASSERT_OK_AND_ASSIGN(Resolver loaded, Resolver::LoadSnapshotBytes(r.SnapshotBytes(), testing::SaltedConfig()));
  const ResolverStats after = loaded.Stats();
  EXPECT_EQ(after.accounts, before.accounts);
  EXPECT_EQ(after.accounts_erased, 1u);
  EXPECT_EQ(after.values_junk, before.values_junk);
  EXPECT_EQ(after.persons, before.persons);
}

TEST(ResolverTest, BlocklistedValuesLinkNothing) {
  Resolver r = MakeResolver();
  ASSERT_OK_AND_ASSIGN(BatchReport report,
                       r.AddBatch(Table({{.account_id = "a:1", .email = "TEST@test.com"},
                                         {.account_id = "a:2", .email = "test@test.com"},
                                         {.account_id = "a:3", .unionid = "null"},
                                         {.account_id = "a:4", .unionid = "NULL"}})));
  EXPECT_EQ(report.values_blocklisted, 3u);  // "NULL" is a distinct token: tokens are case-sensitive
  EXPECT_NE(Id(r, "a:1"), Id(r, "a:2"));
  EXPECT_EQ(report.refused[0].reason, RefusalReason::kBlocklisted);
}

TEST(ResolverTest, BadRowsAndFieldsAreReportedAndTheBatchGoesOn) {
  Resolver r = MakeResolver();
  ASSERT_OK_AND_ASSIGN(BatchReport report,
                       r.AddBatch(Table({{.account_id = "", .phone = "13800138000"},
                                         {.account_id = "bad\xFF", .phone = "13800138000"},
                                         {.account_id = "ok:1", .phone = "12345", .email = "ann@example.com"},
                                         {.account_id = "ok:2", .phone = "13800138000", .email = "not-an-email"},
                                         {.account_id = "ok:3", .email = "bad\xC0\xAF@x.com"}})));
  EXPECT_EQ(report.rows_read, 5u);
  EXPECT_EQ(report.rows_rejected, 2u);
  EXPECT_EQ(report.rows_accepted, 3u);
  EXPECT_EQ(report.fields_rejected, 3u);
  ASSERT_EQ(report.errors.size(), 5u);
  EXPECT_EQ(report.errors[0].row, 0u);
  EXPECT_EQ(report.errors[0].field, "account_id");
  EXPECT_TRUE(report.errors[0].row_rejected);
  EXPECT_EQ(report.errors[1].reason, "invalid UTF-8");
  EXPECT_EQ(report.errors[2].row, 2u);
  EXPECT_EQ(report.errors[2].field, "phone");
  EXPECT_FALSE(report.errors[2].row_rejected);
  EXPECT_THAT(report.errors[3].reason, HasSubstr("'@'"));
  EXPECT_OK(r.OneIdOf("ok:1"));  // the account is kept without its bad phone
  EXPECT_THAT(r.OneIdOf(""), StatusIs(absl::StatusCode::kNotFound, "unknown account"));
}

TEST(ResolverTest, ABatchOfTheWrongShapeChangesNothing) {
  Resolver r = MakeResolver();
  AccountTable table(std::vector<ColumnSpec>{{"wechat", "wechat_id"}});
  ASSERT_OK(table.AddRow("a:1", "", {"x"}));
  EXPECT_THAT(r.AddBatch(table), StatusIs(absl::StatusCode::kInvalidArgument, "'wechat_id', which is not configured"));
  AccountBatchView view;
  view.columns = {{"phone", "phone"}};
  view.account_ids = {"a:1", "a:2"};
  view.values = {{"13800138000"}};
  EXPECT_THAT(r.AddBatch(view), StatusIs(absl::StatusCode::kInvalidArgument, "1 values for 2 rows"));
  EXPECT_EQ(r.Stats().accounts, 0u);
  EXPECT_EQ(r.Stats().batches, 0u);
}

TEST(ResolverTest, OneIdsAreStableAcrossBatchesAndMergesAreLogged) {
  Resolver r = MakeResolver();
  ASSERT_OK(r.AddBatch(Table({{.account_id = "pos:1", .phone = "13800138000"},
                              {.account_id = "tmall:2", .email = "ann@example.com"}})));
  const OneId a = Id(r, "pos:1"), b = Id(r, "tmall:2");
  ASSERT_NE(a, b);
  ASSERT_OK(r.AddBatch(Table({{.account_id = "pos:9", .phone = "13900139000"}})));
  EXPECT_EQ(Id(r, "pos:1"), a);  // unrelated batches do not disturb OneIDs
  ASSERT_OK_AND_ASSIGN(BatchReport report,
                       r.AddBatch(Table({{.account_id = "app:3", .phone = "13800138000", .email = "ann@example.com"}})));
  EXPECT_EQ(report.persons_merged, 1u);
  EXPECT_EQ(report.persons_new, 0u);
  EXPECT_EQ(Id(r, "tmall:2"), a);  // the older OneID survives
  EXPECT_EQ(*r.CurrentOneId(b), a);
  const std::vector<MergeEvent> log = r.MergeLog();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, LogEventKind::kMerge);
  EXPECT_EQ(log[0].survivor, a);
  EXPECT_EQ(log[0].absorbed, b);
  EXPECT_EQ(log[0].batch, 3u);
  EXPECT_EQ(log[0].account_id, "app:3");
  EXPECT_FALSE(log[0].type.empty());
  EXPECT_THAT(*r.AccountsOf(b), ElementsAre("pos:1", "tmall:2", "app:3"));
}

TEST(ResolverTest, AnAccountSeenAgainGainsItsNewIdentifiers) {
  Resolver r = MakeResolver();
  ASSERT_OK(r.AddBatch(Table({{.account_id = "app:1", .phone = "13800138000"},
                              {.account_id = "tmall:2", .email = "ann@example.com"}})));
  ASSERT_OK_AND_ASSIGN(BatchReport report,
                       r.AddBatch(Table({{.account_id = "app:1", .phone = "13800138000", .email = "ann@example.com"}})));
  EXPECT_EQ(report.accounts_updated, 1u);
  EXPECT_EQ(report.accounts_new, 0u);
  EXPECT_EQ(Id(r, "app:1"), Id(r, "tmall:2"));
}

TEST(ResolverTest, ExplainGivesTheShortestLinkingChain) {
  Resolver r = MakeResolver();
  ASSERT_OK(r.AddBatch(Table({{.account_id = "pos:1", .phone = "13800138000"},
                              {.account_id = "app:2", .phone = "13800138000", .email = "ann@example.com"},
                              {.account_id = "tmall:3", .email = "ann@example.com", .device_id = "d1"},
                              {.account_id = "douyin:4", .device_id = "d1"},
                              {.account_id = "jd:5", .phone = "13900139000"}})));
  ASSERT_OK_AND_ASSIGN(LinkPath path, r.Explain("pos:1", "douyin:4"));
  ASSERT_EQ(path.steps.size(), 3u);
  EXPECT_EQ(path.steps[0].from_account, "pos:1");
  EXPECT_EQ(path.steps[0].type, "phone");
  EXPECT_EQ(path.steps[0].value, "+8613800138000");
  EXPECT_EQ(path.steps[0].to_account, "app:2");
  EXPECT_EQ(path.steps[1].type, "email");
  EXPECT_EQ(path.steps[2].type, "device_id");
  EXPECT_EQ(path.steps[2].to_account, "douyin:4");
  EXPECT_EQ(path.oneid, Id(r, "pos:1"));
  ASSERT_OK_AND_ASSIGN(LinkPath self, r.Explain("pos:1", "pos:1"));
  EXPECT_TRUE(self.steps.empty());
  EXPECT_THAT(r.Explain("pos:1", "jd:5"), StatusIs(absl::StatusCode::kFailedPrecondition, "different persons"));
  EXPECT_THAT(r.Explain("pos:1", "nope"), StatusIs(absl::StatusCode::kNotFound, "unknown account 'nope'"));
}

TEST(ResolverTest, HashingModeKeepsNoRawValues) {
  Resolver r = *Resolver::Create(SaltedConfig(/*hash_values=*/true));
  ASSERT_OK_AND_ASSIGN(BatchReport report,
                       r.AddBatch(Table({{.account_id = "mp:1", .phone = "13800138000", .unionid = "uA"},
                                         {.account_id = "mp:2", .phone = "13800138000", .unionid = "uB"},
                                         {.account_id = "mp:3", .phone = "13800138000", .email = "x"}})));
  ASSERT_FALSE(report.refused.empty());
  for (const RefusedLink& refusal : report.refused) {
    EXPECT_EQ(refusal.value.find("138"), std::string::npos) << refusal.value;
  }
  for (const RowError& error : report.errors) EXPECT_EQ(error.reason.find("x"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(LinkPath path, r.Explain("mp:1", "mp:3"));
  ASSERT_EQ(path.steps.size(), 1u);
  EXPECT_THAT(path.steps[0].value, HasSubstr("sha256:"));
}

TEST(ResolverTest, ConfigIsValidated) {
  IdentityConfig config = DefaultIdentityConfig();
  config.types.push_back(config.types[0]);
  EXPECT_THAT(Resolver::Create(config), StatusIs(absl::StatusCode::kInvalidArgument, "defined twice"));
  config = DefaultIdentityConfig();
  config.hash_values = true;
  EXPECT_THAT(Resolver::Create(config), StatusIs(absl::StatusCode::kInvalidArgument, "salt"));
  config = DefaultIdentityConfig();
  config.default_region = "ZZ";
  EXPECT_THAT(Resolver::Create(config), StatusIs(absl::StatusCode::kInvalidArgument, "unknown phone region"));
}

}  // namespace
}  // namespace oneid::identity
