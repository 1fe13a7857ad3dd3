// Privacy, checked on bytes: with hashing on, no raw identifier (in any written form, nor its
// normalised form) appears in anything the resolver hands out or writes: batch reports (errors and
// refusals), the merge log, explanations, snapshots. The salt is never written. And an erased
// value leaves no trace in any output, in plain mode too.
#include <string>
#include <vector>

#include "identity/test_tables.h"
#include "oneid/identity/resolver.h"
#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

using ::oneid::identity::testing::SaltedConfig;
using ::oneid::identity::testing::Table;

// Everything a host could log, store or show, as one blob of bytes.
std::string Outputs(const Resolver& r, const std::vector<BatchReport>& reports,
                    const std::vector<std::pair<std::string, std::string>>& explain_pairs) {
  std::string blob;
  for (const BatchReport& report : reports) {
    for (const RowError& e : report.errors) blob += e.field + "\n" + e.reason + "\n";
    for (const RefusedLink& l : report.refused) blob += l.type + "\n" + l.value + "\n" + l.detail + "\n";
  }
  for (const MergeEvent& e : r.MergeLog()) blob += e.type + "\n" + e.value + "\n" + e.cause + "\n";
  for (const auto& [a, b] : explain_pairs) {
    absl::StatusOr<LinkPath> path = r.Explain(a, b);
    if (path.ok()) {
      for (const LinkStep& s : path->steps) blob += s.type + "\n" + s.value + "\n";
    } else {
      blob += std::string(path.status().message()) + "\n";
    }
  }
  blob += r.SnapshotBytes();
  return blob;
}

// The raw values of the batch and the forms they normalise to.
const std::vector<std::string> kSecrets = {
    "13800138000", "+8613800138000", "8613800138000", "138 0013 8000", "13900139000", "+8613900139000",
    "ann@example.com", "Ann@Example.COM", "zoe@example.com", "oUnionAnnSecret1", "oUnionAnnSecret2",
    "wx_app1:oOpenIdAnn", "oOpenIdAnn", "device-ann-77", "bad-phone-99x"};

TEST(PrivacyTest, HashingModeLeaksNoIdentifierIntoAnyOutput) {
  IdentityConfig config = SaltedConfig(/*hash_values=*/true);
  Resolver r = *Resolver::Create(config);
  std::vector<BatchReport> reports;
  // Links (shared phone/email), a refused link (two UnionIDs), a rejected field (bad phone); the
  // second batch's account joins two existing persons, which is a logged merge.
  ASSERT_OK_AND_ASSIGN(BatchReport b1, r.AddBatch(Table({
      {.account_id = "pos:1", .phone = "138 0013 8000", .unionid = "oUnionAnnSecret1"},
      {.account_id = "mp:2", .phone = "+86 13800138000", .email = "Ann@Example.COM", .openid = "wx_app1:oOpenIdAnn"},
      {.account_id = "app:3", .email = "ann@example.com", .unionid = "oUnionAnnSecret2", .device_id = "device-ann-77"},
      {.account_id = "app:4", .phone = "bad-phone-99x", .email = "zoe@example.com"},
      {.account_id = "tm:6", .phone = "13900139000"},
  })));
  reports.push_back(b1);
  ASSERT_OK_AND_ASSIGN(BatchReport b2, r.AddBatch(Table({
      {.account_id = "jd:5", .phone = "13900139000", .email = "zoe@example.com"},
  })));
  reports.push_back(b2);
  ASSERT_FALSE(b1.refused.empty()) << "the test needs a refused link";
  ASSERT_FALSE(b1.errors.empty()) << "the test needs a rejected field";
  ASSERT_FALSE(r.MergeLog().empty()) << "the test needs merges";

  const std::string blob = Outputs(r, reports, {{"pos:1", "mp:2"}, {"mp:2", "app:3"}, {"app:4", "jd:5"}, {"pos:1", "jd:5"}});
  for (const std::string& secret : kSecrets) {
    EXPECT_EQ(blob.find(secret), std::string::npos) << "'" << secret << "' leaked";
  }
  EXPECT_EQ(blob.find(config.salt), std::string::npos) << "the salt was written";
}

TEST(PrivacyTest, AnErasedValueLeavesNoTraceInPlainMode) {
  Resolver r = *Resolver::Create(SaltedConfig(/*hash_values=*/false));
  std::vector<BatchReport> reports;
  ASSERT_OK_AND_ASSIGN(BatchReport b1, r.AddBatch(Table({
      {.account_id = "pos:1", .phone = "13800138000"},
      {.account_id = "mp:2", .phone = "13800138000", .email = "ann@example.com"},
      {.account_id = "app:3", .email = "ann@example.com"},
  })));
  ASSERT_OK(r.EraseValue("email", "Ann@Example.com"));
  // The same value, offered again, is refused through its salted tombstone and not echoed.
  ASSERT_OK_AND_ASSIGN(BatchReport b2, r.AddBatch(Table({{.account_id = "web:4", .email = "ann@example.com"}})));
  reports.push_back(b1);  // b1 predates the erase: the host must drop what it logged before
  reports.clear();
  reports.push_back(b2);
  const std::string blob = Outputs(r, reports, {{"pos:1", "mp:2"}, {"mp:2", "app:3"}, {"app:3", "web:4"}});
  EXPECT_EQ(blob.find("ann@example.com"), std::string::npos);
  EXPECT_NE(blob.find("+8613800138000"), std::string::npos) << "plain mode keeps values that were not erased";
  ASSERT_OK_AND_ASSIGN(OneId web, r.OneIdOf("web:4"));
  ASSERT_OK_AND_ASSIGN(OneId app, r.OneIdOf("app:3"));
  EXPECT_NE(web, app) << "an erased value must not link again";
}

}  // namespace
}  // namespace oneid::identity
