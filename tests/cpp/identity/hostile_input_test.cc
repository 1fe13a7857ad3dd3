// Hostile identity data: inputs built to crash the resolver, exhaust its memory or merge everyone
// into one person. Nothing may crash, guards must hold, memory must stay bounded and every
// rejected row must be reported.
#include <algorithm>
#include <string>
#include <vector>

#include "identity/test_tables.h"
#include "oneid/identity/resolver.h"
#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

using ::oneid::identity::testing::SaltedConfig;

#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kScale = 100'000;  // the sanitizer build is ~10x slower; the shape is what matters
#else
constexpr size_t kScale = 1'000'000;
#endif

size_t LargestPerson(const Resolver& r) {
  const Assignments map = r.GetAssignments();
  std::vector<OneId> ids = map.oneids;
  std::sort(ids.begin(), ids.end());
  size_t best = 0;
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j < ids.size() && ids[j] == ids[i]) ++j;
    best = std::max(best, j - i);
    i = j;
  }
  return best;
}

TEST(HostileInputTest, OneValueSharedByAMillionAccountsLinksNobody) {
  AccountTable table({{"phone", "phone"}, {"email", "email"}});
  table.Reserve(kScale);
  for (size_t i = 0; i < kScale; ++i) {
    const std::string id = "kiosk:" + std::to_string(i);
    const std::vector<std::string_view> values = {"021-6888 8888", ""};
    ASSERT_OK(table.AddRow(id, "pos", values));
  }
  Resolver r = *Resolver::Create(SaltedConfig());
  ASSERT_OK_AND_ASSIGN(BatchReport report, r.AddBatch(table));
  EXPECT_EQ(report.rows_accepted, kScale);
  EXPECT_EQ(report.values_junk, 1u);
  EXPECT_EQ(r.Stats().persons, kScale);
  EXPECT_EQ(LargestPerson(r), 1u);
  // Memory stays per-account, not per pair: well under 200 bytes an account here.
  EXPECT_LT(r.Stats().memory_bytes, kScale * 200);
}

TEST(HostileInputTest, AChainBuiltToFormAGiantPersonIsCutByTheGuards) {
  // Each account shares one value with the previous account and one with the next, through every
  // identifier type in turn: without guards all of them would be one person.
  const std::vector<std::string> types = {"phone", "email", "unionid", "device_id", "member_card",
                                          "buyer_id", "alipay"};
  std::vector<ColumnSpec> columns;
  for (const std::string& t : types) {
    columns.push_back({t + "#a", t});
    columns.push_back({t + "#b", t});
  }
  AccountTable table(columns);
  const size_t n = kScale / 10;
  auto value = [](const std::string& type, size_t k) -> std::string {
    if (type == "phone") return "139" + std::string(8 - std::min<size_t>(8, std::to_string(k).size()), '0') + std::to_string(k);
    if (type == "email") return "u" + std::to_string(k) + "@chain.example";
    return type + "-" + std::to_string(k);
  };
  for (size_t i = 0; i < n; ++i) {
    std::vector<std::string> cells(columns.size());
    const size_t t = i % types.size();
    cells[2 * t] = value(types[t], i);
    cells[2 * t + 1] = value(types[t], i + 1);
    // ...and the next type's value that the following account holds, so the chain crosses types.
    const size_t u = (i + 1) % types.size();
    cells[2 * u] = value(types[u], i + 1);
    std::vector<std::string_view> views(cells.begin(), cells.end());
    ASSERT_OK(table.AddRow("chain:" + std::to_string(i), "app", views));
  }
  Resolver r = *Resolver::Create(SaltedConfig());
  ASSERT_OK_AND_ASSIGN(BatchReport report, r.AddBatch(table));
  EXPECT_EQ(report.rows_accepted, n);
  EXPECT_GT(report.links_refused, 0u);
  // The guards cap every type, so a person can hold only a few dozen accounts of this chain.
  EXPECT_LE(LargestPerson(r), 64u) << "refused " << report.links_refused;
}

TEST(HostileInputTest, HugeInvalidAndInjectionLikeValuesAreRejectedOrKeptInert) {
  AccountTable table({{"phone", "phone"}, {"email", "email"}, {"unionid", "unionid"}});
  const std::string megabyte(1 << 20, 'x');
  const std::string bad_utf8 = "u\xff\xfe\xc0\x80";
  struct Case {
    std::string account, phone, email, unionid;
  };
  const std::vector<Case> cases = {
      {"big:1", megabyte, "", ""},                                  // 1 MB phone
      {"big:2", "", megabyte + "@x.com", ""},                        // 1 MB email
      {"big:3", "", "", megabyte},                                   // 1 MB token
      {megabyte, "13800138000", "", ""},                             // 1 MB account id
      {"utf:1", "", bad_utf8 + "@x.com", bad_utf8},                  // invalid UTF-8
      {"sql:1", "", "x'); DROP TABLE accounts;--@x.com", "' OR 1=1 --"},
      {"csv:1", "", "=HYPERLINK(\"http://evil\")@x.com", "=cmd|' /C calc'!A0"},
      {"look:1", "", "\xd0\xb0nn@example.com", ""},                  // Cyrillic 'а' look-alike
      {"look:2", "", "ann@example.com", ""},
      {"nul:1", "", std::string("ann\0x@example.com", 17), ""},
  };
  for (const Case& c : cases) {
    const std::vector<std::string_view> values = {c.phone, c.email, c.unionid};
    ASSERT_OK(table.AddRow(c.account, "app", values));
  }
  Resolver r = *Resolver::Create(SaltedConfig());
  ASSERT_OK_AND_ASSIGN(BatchReport report, r.AddBatch(table));
  EXPECT_EQ(report.rows_read, cases.size());
  // The 1 MB account id is refused as a row; every other bad cell is a reported field error.
  EXPECT_EQ(report.rows_rejected, 1u);
  EXPECT_GE(report.fields_rejected, 4u);
  EXPECT_EQ(report.rows_accepted + report.rows_rejected, cases.size());
  for (const RowError& e : report.errors) {
    EXPECT_FALSE(e.reason.empty());
    EXPECT_LT(e.reason.size(), 200u) << "an error message must not echo a huge value";
  }
  // A look-alike address is a different address: it must not link to the genuine one.
  ASSERT_OK_AND_ASSIGN(OneId genuine, r.OneIdOf("look:2"));
  ASSERT_OK_AND_ASSIGN(OneId lookalike, r.OneIdOf("look:1"));
  EXPECT_NE(genuine, lookalike);
  // Injection-looking values are plain data: stored and compared, never interpreted.
  EXPECT_OK(r.OneIdOf("sql:1"));
  EXPECT_OK(r.OneIdOf("csv:1"));
  EXPECT_LT(r.Stats().memory_bytes, 64u << 20);
}

}  // namespace
}  // namespace oneid::identity
