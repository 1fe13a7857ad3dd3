// ValueKeyer must key values exactly as the resolver interns them: the Spark route groups cells by
// these keys before any resolver runs, so a difference would change who is linked.
#include "oneid/identity/value_keyer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "oneid/identity/resolver.h"
#include "identity/test_tables.h"
#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

using ::oneid::identity::testing::SaltedConfig;
using ::oneid::identity::testing::Table;

std::string KeyText(const ValueKeyer& keyer, const char* type, const char* raw) {
  absl::StatusOr<std::optional<ValueKeyOf>> key = keyer.Key(keyer.TypeIndex(type).value(), raw);
  EXPECT_TRUE(key.ok()) << key.status();
  return key.ok() && key->has_value() ? (*key)->text : "<none>";
}

TEST(ValueKeyerTest, SpellingsOfOneValueShareAKey) {
  ASSERT_OK_AND_ASSIGN(ValueKeyer keyer, ValueKeyer::Create(DefaultIdentityConfig()));
  EXPECT_EQ(KeyText(keyer, "phone", "138 0013 8000"), "+8613800138000");
  EXPECT_EQ(KeyText(keyer, "phone", "0086-138-0013-8000"), "+8613800138000");
  EXPECT_EQ(KeyText(keyer, "email", " Ann@Example.COM "), "ann@example.com");
  EXPECT_EQ(KeyText(keyer, "openid", "wx_app1 : oAbc"), "wx_app1:oAbc");
}

TEST(ValueKeyerTest, EmptyAndBlankCellsHaveNoKeyAndBadOnesSayWhy) {
  ASSERT_OK_AND_ASSIGN(ValueKeyer keyer, ValueKeyer::Create(DefaultIdentityConfig()));
  const size_t phone = keyer.TypeIndex("phone").value();
  for (const char* blank : {"", "   "}) {
    ASSERT_OK_AND_ASSIGN(std::optional<ValueKeyOf> none, keyer.Key(phone, blank));
    EXPECT_FALSE(none.has_value()) << "'" << blank << "'";
  }
  EXPECT_THAT(keyer.Key(phone, "12"), StatusIs(absl::StatusCode::kInvalidArgument, ""));
  EXPECT_THAT(keyer.Key(phone, "\xff\xfe"), StatusIs(absl::StatusCode::kInvalidArgument, "UTF-8"));
  EXPECT_THAT(keyer.TypeIndex("fax"), StatusIs(absl::StatusCode::kNotFound, "fax"));
  EXPECT_THAT(keyer.Key(99, "x"), StatusIs(absl::StatusCode::kOutOfRange, "below"));
}

TEST(ValueKeyerTest, BlocklistIsNormalisedLikeValues) {
  ASSERT_OK_AND_ASSIGN(ValueKeyer keyer, ValueKeyer::Create(DefaultIdentityConfig()));
  ASSERT_OK_AND_ASSIGN(auto placeholder, keyer.Key(keyer.TypeIndex("phone").value(), "+86 138 0000 0000"));
  ASSERT_TRUE(placeholder.has_value());
  EXPECT_TRUE(placeholder->blocklisted);
  ASSERT_OK_AND_ASSIGN(auto real, keyer.Key(keyer.TypeIndex("phone").value(), "13800138000"));
  ASSERT_TRUE(real.has_value());
  EXPECT_FALSE(real.value().blocklisted);
}

// In hashing mode the key is the text the resolver shows for the value (here in the refusal of a
// value that turned junk), so keys and reports can be joined.
TEST(ValueKeyerTest, HashedKeyIsWhatTheResolverShows) {
  IdentityConfig config = SaltedConfig(/*hash_values=*/true);
  for (IdentifierType& t : config.types) {
    if (t.name == "device_id") t.max_accounts_per_value = 1;
  }
  ASSERT_OK_AND_ASSIGN(ValueKeyer keyer, ValueKeyer::Create(config));
  ASSERT_OK_AND_ASSIGN(Resolver r, Resolver::Create(config));
  ASSERT_OK_AND_ASSIGN(BatchReport report, r.AddBatch(Table({{.account_id = "a", .device_id = "kiosk-7"},
                                                             {.account_id = "b", .device_id = "kiosk-7"}})));
  ASSERT_EQ(report.refused.size(), 1u);
  EXPECT_EQ(report.refused[0].value, KeyText(keyer, "device_id", "kiosk-7"));
  EXPECT_THAT(KeyText(keyer, "device_id", "kiosk-7"), ::testing::StartsWith("sha256:"));
  EXPECT_NE(KeyText(keyer, "device_id", "kiosk-7"), KeyText(keyer, "member_card", "kiosk-7"));
}

}  // namespace
}  // namespace oneid::identity
