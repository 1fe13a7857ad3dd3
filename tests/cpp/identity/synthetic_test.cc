#include "oneid/identity/synthetic.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "oneid/identity/account_table.h"

namespace oneid {
inline namespace v0 {
namespace identity {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::Ge;
using ::testing::Le;
using ::testing::SizeIs;

constexpr size_t kPhone = 0, kEmail = 1, kUnionid = 2, kOpenid = 3, kDevice = 4, kMemberCard = 5,
                 kBuyer = 6, kAlipay = 7;

const std::set<std::string_view> kPlaceholders = {
    "13800000000", "13888888888", "13900000000", "null", "none", "undefined", "unknown", "0",
    "test@test.com", "a@a.com", "null@null.com", "noreply@example.com", "test@example.com",
    "00000000-0000-0000-0000-000000000000"};

bool IsPlaceholder(std::string_view v) { return kPlaceholders.count(v) > 0; }

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The 11-digit national number of a phone cell in any of the generated formats, or "" if the
// cell is not one of them.
std::string NationalNumber(std::string_view v) {
  std::string digits;
  if (v.starts_with("+86 ")) {
    digits = v.substr(4);
  } else if (v.starts_with("0086-") || v.starts_with("+86-")) {
    std::string_view rest = v.substr(v.find('-') + 1);
    if (rest.size() != 13 || rest[3] != '-' || rest[8] != '-') return "";
    digits = std::string(rest.substr(0, 3)) + std::string(rest.substr(4, 4)) +
             std::string(rest.substr(9));
  } else if (v.size() == 13 && v[3] == ' ' && v[8] == ' ') {
    digits = std::string(v.substr(0, 3)) + std::string(v.substr(4, 4)) +
             std::string(v.substr(9));
  } else {
    digits = v;
  }
  return digits.size() == 11 && IsDigits(digits) ? digits : "";
}

bool IsValidLookingMobile(std::string_view n) {
  static const std::set<std::string_view> kPrefixes = {
      "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
      "150", "151", "152", "153", "155", "156", "157", "158", "159", "173",
      "175", "176", "177", "178", "180", "181", "182", "183", "184", "185",
      "186", "187", "188", "189", "191", "193", "195", "198", "199"};
  return n.size() == 11 && IsDigits(n) && kPrefixes.count(n.substr(0, 3)) > 0;
}

// What the normaliser should make of an email cell: trimmed and lower-cased.
std::string NormalizedEmail(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  std::string out(v);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

SyntheticConfig SmallConfig(uint64_t seed = 42, size_t people = 10000) {
  SyntheticConfig config;
  config.seed = seed;
  config.people = people;
  return config;
}

// A config with no planted junk, so every shared value would be a generator bug.
SyntheticConfig CleanConfig(size_t people = 20000) {
  SyntheticConfig config = SmallConfig(7, people);
  config.kiosk_phones_per_100k = 0;
  config.placeholder_share = 0;
  config.typo_rate = 0;
  config.family_device_share = 0;
  return config;
}

void ExpectSameData(const SyntheticData& a, const SyntheticData& b) {
  ASSERT_EQ(a.accounts.row_count(), b.accounts.row_count());
  ASSERT_EQ(a.accounts.column_count(), b.accounts.column_count());
  EXPECT_EQ(a.true_person, b.true_person);
  EXPECT_EQ(a.people, b.people);
  for (size_t r = 0; r < a.accounts.row_count(); ++r) {
    ASSERT_EQ(a.accounts.account_id(r), b.accounts.account_id(r)) << "row " << r;
    ASSERT_EQ(a.accounts.source(r), b.accounts.source(r)) << "row " << r;
    for (size_t c = 0; c < a.accounts.column_count(); ++c) {
      ASSERT_EQ(a.accounts.value(r, c), b.accounts.value(r, c)) << "row " << r << " col " << c;
    }
  }
}

// Persons per normalised phone number.
std::map<std::string, std::set<uint32_t>> PhoneOwners(const SyntheticData& data) {
  std::map<std::string, std::set<uint32_t>> owners;
  for (size_t r = 0; r < data.accounts.row_count(); ++r) {
    const std::string n = NationalNumber(data.accounts.value(r, kPhone));
    if (!n.empty()) owners[n].insert(data.true_person[r]);
  }
  return owners;
}

TEST(SyntheticTest, ColumnsAreExactlyTheDocumentedOnes) {
  const SyntheticData data = GenerateOmniChannel(SmallConfig(1, 100));
  EXPECT_THAT(data.accounts.columns(),
              ElementsAre(Field(&ColumnSpec::name, "phone"), Field(&ColumnSpec::name, "email"),
                          Field(&ColumnSpec::name, "unionid"), Field(&ColumnSpec::name, "openid"),
                          Field(&ColumnSpec::name, "device_id"),
                          Field(&ColumnSpec::name, "member_card"),
                          Field(&ColumnSpec::name, "buyer_id"),
                          Field(&ColumnSpec::name, "alipay")));
  for (const ColumnSpec& c : data.accounts.columns()) EXPECT_EQ(c.name, c.type);
}

TEST(SyntheticTest, RowCountAndGroundTruthAgree) {
  const SyntheticConfig config = SmallConfig();
  const SyntheticData data = GenerateOmniChannel(config);
  EXPECT_EQ(data.people, config.people);
  ASSERT_EQ(data.true_person.size(), data.accounts.row_count());
  // About 2.5 regular accounts per person plus a few hundred kiosk accounts.
  EXPECT_THAT(data.accounts.row_count(), Ge(22000u));
  EXPECT_THAT(data.accounts.row_count(), Le(28000u));
  std::vector<int> per_person(config.people, 0);
  for (uint32_t p : data.true_person) {
    ASSERT_LT(p, config.people);
    ++per_person[p];
  }
  size_t with_six_or_more = 0;
  for (int n : per_person) {
    EXPECT_GE(n, 1);
    with_six_or_more += n >= 6 ? 1 : 0;
  }
  // The geometric tail: about 8% of people have six or more accounts.
  EXPECT_GT(with_six_or_more, config.people / 25);
  EXPECT_LT(with_six_or_more, config.people / 6);
}

TEST(SyntheticTest, SameSeedGivesSameData) {
  ExpectSameData(GenerateOmniChannel(SmallConfig(123)), GenerateOmniChannel(SmallConfig(123)));
}

TEST(SyntheticTest, DifferentSeedsGiveDifferentData) {
  const SyntheticData a = GenerateOmniChannel(SmallConfig(1));
  const SyntheticData b = GenerateOmniChannel(SmallConfig(2));
  EXPECT_NE(a.true_person, b.true_person);
  size_t same_phone_cells = 0;
  const size_t rows = std::min(a.accounts.row_count(), b.accounts.row_count());
  for (size_t r = 0; r < rows; ++r) {
    same_phone_cells += !a.accounts.value(r, kPhone).empty() &&
                        a.accounts.value(r, kPhone) == b.accounts.value(r, kPhone);
  }
  EXPECT_LT(same_phone_cells, rows / 100);
  // Identifier values themselves depend on the seed, not only the row order.
  std::set<std::string_view> phones_a;
  for (size_t r = 0; r < a.accounts.row_count(); ++r) phones_a.insert(a.accounts.value(r, kPhone));
  size_t shared = 0;
  for (size_t r = 0; r < b.accounts.row_count(); ++r) {
    const std::string_view v = b.accounts.value(r, kPhone);
    shared += !v.empty() && !IsPlaceholder(v) && phones_a.count(v) > 0;
  }
  EXPECT_LT(shared, 50u);
}

TEST(SyntheticTest, AccountIdsAreUniqueAndNameTheirChannel) {
  const SyntheticData data = GenerateOmniChannel(SmallConfig());
  const std::map<std::string_view, std::string_view> prefix = {
      {"pos", "pos:"},          {"tmall", "tmall:"}, {"jd", "jd:"},  {"douyin", "douyin:"},
      {"miniprogram", "mp:"}, {"wecom", "wecom:"}, {"app", "app:"}};
  std::set<std::string_view> ids;
  std::map<std::string_view, size_t> per_source;
  for (size_t r = 0; r < data.accounts.row_count(); ++r) {
    const std::string_view id = data.accounts.account_id(r);
    EXPECT_TRUE(ids.insert(id).second) << "duplicate account id " << id;
    const auto it = prefix.find(data.accounts.source(r));
    ASSERT_NE(it, prefix.end()) << "unknown source " << data.accounts.source(r);
    EXPECT_TRUE(id.starts_with(it->second)) << id;
    EXPECT_TRUE(IsDigits(id.substr(it->second.size()))) << id;
    ++per_source[data.accounts.source(r)];
  }
  EXPECT_THAT(per_source, SizeIs(7));  // every channel is present
}

TEST(SyntheticTest, ChannelsCarryTheirIdentifiers) {
  const SyntheticData data = GenerateOmniChannel(SmallConfig());
  const AccountTable& t = data.accounts;
  std::map<std::pair<std::string_view, size_t>, size_t> filled;
  for (size_t r = 0; r < t.row_count(); ++r) {
    const std::string_view source = t.source(r);
    for (size_t c = 0; c < t.column_count(); ++c) filled[{source, c}] += !t.value(r, c).empty();
    if (source == "miniprogram") {
      EXPECT_FALSE(t.value(r, kOpenid).empty());
    }
    if (source == "wecom") {
      EXPECT_FALSE(t.value(r, kUnionid).empty());
    }
    if (source == "tmall") {
      EXPECT_TRUE(t.value(r, kBuyer).starts_with("tmall_nick_"));
    }
    if (source == "jd") {
      EXPECT_TRUE(t.value(r, kBuyer).starts_with("jd_pin_"));
    }
    if (source != "tmall" && source != "jd") {
      EXPECT_TRUE(t.value(r, kBuyer).empty());
    }
    if (source != "miniprogram") {
      EXPECT_TRUE(t.value(r, kOpenid).empty());
    }
    if (source != "miniprogram" && source != "wecom") {
      EXPECT_TRUE(t.value(r, kUnionid).empty());
    }
    if (source != "app" && source != "douyin") {
      EXPECT_TRUE(t.value(r, kDevice).empty());
    }
    const std::string_view alipay = t.value(r, kAlipay);
    if (!alipay.empty()) {
      EXPECT_TRUE(source == "pos" || source == "tmall") << source;
      EXPECT_TRUE(alipay.starts_with("2088") && alipay.size() == 16 && IsDigits(alipay));
    }
  }
  auto filled_count = [&](std::string_view source, size_t column) {
    return filled[{source, column}];
  };
  EXPECT_GT(filled_count("pos", kPhone), 0u);
  EXPECT_GT(filled_count("pos", kMemberCard), 0u);
  EXPECT_GT(filled_count("tmall", kPhone), 0u);
  EXPECT_GT(filled_count("douyin", kDevice), 0u);
  EXPECT_GT(filled_count("douyin", kPhone), 0u);
  EXPECT_GT(filled_count("miniprogram", kUnionid), 0u);
  EXPECT_GT(filled_count("miniprogram", kPhone), 0u);
  EXPECT_GT(filled_count("app", kDevice), 0u);
  EXPECT_GT(filled_count("app", kEmail), 0u);
  EXPECT_GT(filled_count("tmall", kAlipay), 0u);
}

TEST(SyntheticTest, OpenIdsAreScopedAndOnePerPersonPerApp) {
  const SyntheticData data = GenerateOmniChannel(SmallConfig());
  std::map<std::pair<uint32_t, std::string>, std::set<std::string_view>> per_person_app;
  std::map<std::string_view, std::set<uint32_t>> owners;
  std::set<std::string> apps;
  for (size_t r = 0; r < data.accounts.row_count(); ++r) {
    const std::string_view v = data.accounts.value(r, kOpenid);
    if (v.empty()) continue;
    const size_t colon = v.find(':');
    ASSERT_NE(colon, std::string_view::npos) << v;
    const std::string app(v.substr(0, colon));
    EXPECT_THAT(app, ::testing::MatchesRegex("wx_app[1-3]"));
    EXPECT_EQ(v.size() - colon - 1, 28u) << v;
    EXPECT_EQ(v[colon + 1], 'o') << v;
    apps.insert(app);
    per_person_app[{data.true_person[r], app}].insert(v);
    owners[v].insert(data.true_person[r]);
  }
  EXPECT_EQ(apps.size(), 3u);
  for (const auto& [key, values] : per_person_app) EXPECT_EQ(values.size(), 1u);
  for (const auto& [value, persons] : owners) EXPECT_EQ(persons.size(), 1u) << value;
}

TEST(SyntheticTest, UnionIdsIdentifyOnePersonEach) {
  const SyntheticData data = GenerateOmniChannel(SmallConfig());
  std::map<uint32_t, std::set<std::string_view>> per_person;
  std::map<std::string_view, std::set<uint32_t>> owners;
  for (size_t r = 0; r < data.accounts.row_count(); ++r) {
    const std::string_view v = data.accounts.value(r, kUnionid);
    if (v.empty() || IsPlaceholder(v)) continue;
    EXPECT_EQ(v.size(), 28u) << v;
    per_person[data.true_person[r]].insert(v);
    owners[v].insert(data.true_person[r]);
  }
  EXPECT_GT(per_person.size(), 1000u);
  for (const auto& [person, values] : per_person) EXPECT_EQ(values.size(), 1u);
  for (const auto& [value, persons] : owners) EXPECT_EQ(persons.size(), 1u);
}

TEST(SyntheticTest, AllPhoneFormatsArePresentAndValid) {
  const SyntheticData data = GenerateOmniChannel(SmallConfig());
  std::map<std::string, size_t> formats;
  for (size_t r = 0; r < data.accounts.row_count(); ++r) {
    const std::string_view v = data.accounts.value(r, kPhone);
    if (v.empty() || v == "null") continue;
    const std::string n = NationalNumber(v);
    ASSERT_FALSE(n.empty()) << "unexpected phone format: " << v;
    EXPECT_TRUE(IsValidLookingMobile(n)) << v;
    if (v.starts_with("+86 ")) {
      ++formats["+86 "];
    } else if (v.starts_with("0086-")) {
      ++formats["0086-"];
    } else if (v.starts_with("+86-")) {
      ++formats["+86-"];
    } else if (v.find(' ') != std::string_view::npos) {
      ++formats["spaced"];
    } else {
      ++formats["plain"];
    }
  }
  ASSERT_THAT(formats, SizeIs(5));
  // About 30% of phone cells are variants, split evenly over four forms.
  for (const auto& [format, count] : formats) {
    if (format == "plain") continue;
    EXPECT_GT(count * 25, formats["plain"]) << format;
  }
  EXPECT_GT(formats["plain"], formats["+86 "] * 4);
}

TEST(SyntheticTest, EmailVariantsArePresent) {
  const SyntheticData data = GenerateOmniChannel(SmallConfig(42, 30000));
  size_t upper = 0, spaced = 0, plain = 0;
  for (size_t r = 0; r < data.accounts.row_count(); ++r) {
    const std::string_view v = data.accounts.value(r, kEmail);
    if (v.empty() || IsPlaceholder(v)) continue;
    EXPECT_EQ(std::count(v.begin(), v.end(), '@'), 1) << v;
    if (v.front() == ' ' && v.back() == ' ') {
      ++spaced;
    } else if (NormalizedEmail(v) != v) {
      ++upper;
    } else {
      ++plain;
    }
  }
  EXPECT_GT(upper, 0u);
  EXPECT_GT(spaced, 0u);
  EXPECT_GT(plain, 4 * (upper + spaced));  // about 10% are variants
}

TEST(SyntheticTest, KioskPhonesAreSharedByManyPersons) {
  const SyntheticData data = GenerateOmniChannel(SmallConfig());
  size_t kiosks = 0;
  for (const auto& [number, persons] : PhoneOwners(data)) {
    if (persons.size() < 50 || IsPlaceholder(number)) continue;
    ++kiosks;
    EXPECT_TRUE(IsValidLookingMobile(number)) << number;
  }
  // 20 kiosks per 100k persons -> 2 for 10k.
  EXPECT_EQ(kiosks, 2u);
}

TEST(SyntheticTest, KioskCountScalesAndCanBeTurnedOff) {
  SyntheticConfig config = SmallConfig(3, 50000);
  size_t kiosks = 0;
  for (const auto& [number, persons] : PhoneOwners(GenerateOmniChannel(config))) {
    kiosks += persons.size() >= 50 && !IsPlaceholder(number);
  }
  EXPECT_EQ(kiosks, 10u);
  config.kiosk_phones_per_100k = 0;
  config.people = 10000;
  for (const auto& [number, persons] : PhoneOwners(GenerateOmniChannel(config))) {
    if (!IsPlaceholder(number)) {
      EXPECT_LT(persons.size(), 3u) << number;
    }
  }
}

TEST(SyntheticTest, PlaceholdersArePresent) {
  const SyntheticData data = GenerateOmniChannel(SmallConfig());
  std::map<size_t, size_t> placeholder_cells;
  for (size_t r = 0; r < data.accounts.row_count(); ++r) {
    for (size_t c : {kPhone, kEmail, kDevice, kMemberCard, kUnionid}) {
      placeholder_cells[c] += IsPlaceholder(data.accounts.value(r, c));
    }
  }
  EXPECT_GT(placeholder_cells[kPhone], 20u);
  EXPECT_GT(placeholder_cells[kMemberCard], 5u);
  EXPECT_GT(placeholder_cells[kUnionid], 5u);
  EXPECT_GT(placeholder_cells[kDevice], 0u);
  // A placeholder phone is typed for many different persons.
  bool shared_placeholder = false;
  for (const auto& [number, persons] : PhoneOwners(data)) {
    shared_placeholder |= number == "13800000000" && persons.size() >= 5;
  }
  EXPECT_TRUE(shared_placeholder);
}

TEST(SyntheticTest, FamilyDevicesAreSharedAcrossPersons) {
  SyntheticConfig config = CleanConfig();
  config.family_device_share = 0.3;
  const SyntheticData data = GenerateOmniChannel(config);
  std::map<std::string_view, std::set<uint32_t>> owners;
  for (size_t r = 0; r < data.accounts.row_count(); ++r) {
    const std::string_view v = data.accounts.value(r, kDevice);
    if (!v.empty()) owners[v].insert(data.true_person[r]);
  }
  size_t shared = 0;
  for (const auto& [device, persons] : owners) {
    EXPECT_LE(persons.size(), 4u) << "families have at most four members";
    shared += persons.size() >= 2;
  }
  EXPECT_GT(shared, 50u);
}

TEST(SyntheticTest, WithoutJunkNoValueIsSharedBetweenPersons) {
  const SyntheticData data = GenerateOmniChannel(CleanConfig());
  const AccountTable& t = data.accounts;
  for (size_t c = 0; c < t.column_count(); ++c) {
    std::map<std::string, uint32_t> owner;
    for (size_t r = 0; r < t.row_count(); ++r) {
      const std::string_view v = t.value(r, c);
      if (v.empty()) continue;
      std::string key(v);
      if (c == kPhone) key = NationalNumber(v);
      if (c == kEmail) key = NormalizedEmail(v);
      ASSERT_FALSE(key.empty()) << v;
      const auto [it, inserted] = owner.emplace(key, data.true_person[r]);
      EXPECT_EQ(it->second, data.true_person[r])
          << t.columns()[c].name << " value " << key << " has two owners";
    }
  }
}

TEST(SyntheticTest, TyposBreakLinksButKeepPhonesValid) {
  SyntheticConfig config = CleanConfig(5000);
  config.second_phone_share = 0;
  config.typo_rate = 0;
  auto distinct_phones_per_person = [](const SyntheticData& data) {
    std::map<uint32_t, std::set<std::string>> phones;
    for (size_t r = 0; r < data.accounts.row_count(); ++r) {
      const std::string n = NationalNumber(data.accounts.value(r, kPhone));
      if (!n.empty()) phones[data.true_person[r]].insert(n);
    }
    return phones;
  };
  for (const auto& [person, phones] : distinct_phones_per_person(GenerateOmniChannel(config))) {
    EXPECT_EQ(phones.size(), 1u) << "person " << person;
  }
  config.typo_rate = 1;
  size_t people_with_typos = 0;
  for (const auto& [person, phones] : distinct_phones_per_person(GenerateOmniChannel(config))) {
    for (const std::string& n : phones) EXPECT_TRUE(IsValidLookingMobile(n)) << n;
    people_with_typos += phones.size() >= 2;
  }
  EXPECT_GT(people_with_typos, 500u);
}

TEST(SyntheticTest, RowsAreShuffled) {
  const SyntheticData data = GenerateOmniChannel(SmallConfig());
  size_t adjacent_same_person = 0;
  for (size_t r = 1; r < data.true_person.size(); ++r) {
    adjacent_same_person += data.true_person[r] == data.true_person[r - 1];
  }
  EXPECT_LT(adjacent_same_person, data.true_person.size() / 100);
}

TEST(SyntheticTest, BatchesConcatenateToTheWholeData) {
  const SyntheticConfig config = SmallConfig(9, 3000);
  const SyntheticData whole = GenerateOmniChannel(config);
  const std::vector<SyntheticData> batches = GenerateOmniChannelBatches(config, 7);
  ASSERT_THAT(batches, SizeIs(7));
  size_t row = 0;
  for (const SyntheticData& batch : batches) {
    EXPECT_EQ(batch.people, config.people);
    EXPECT_EQ(batch.accounts.columns().size(), whole.accounts.columns().size());
    ASSERT_EQ(batch.true_person.size(), batch.accounts.row_count());
    const size_t expected = whole.accounts.row_count() / 7;
    EXPECT_THAT(batch.accounts.row_count(), ::testing::AnyOf(expected, expected + 1));
    for (size_t r = 0; r < batch.accounts.row_count(); ++r, ++row) {
      ASSERT_EQ(batch.accounts.account_id(r), whole.accounts.account_id(row));
      ASSERT_EQ(batch.accounts.source(r), whole.accounts.source(row));
      ASSERT_EQ(batch.true_person[r], whole.true_person[row]);
      for (size_t c = 0; c < batch.accounts.column_count(); ++c) {
        ASSERT_EQ(batch.accounts.value(r, c), whole.accounts.value(row, c));
      }
    }
  }
  EXPECT_EQ(row, whole.accounts.row_count());
}

TEST(SyntheticTest, BatchEdgeCases) {
  EXPECT_THAT(GenerateOmniChannelBatches(SmallConfig(1, 100), 0), SizeIs(0));
  const std::vector<SyntheticData> one = GenerateOmniChannelBatches(SmallConfig(1, 100), 1);
  ASSERT_THAT(one, SizeIs(1));
  ExpectSameData(one[0], GenerateOmniChannel(SmallConfig(1, 100)));
  // More batches than rows: the surplus batches are empty but well-formed.
  const std::vector<SyntheticData> many = GenerateOmniChannelBatches(SmallConfig(1, 2), 50);
  ASSERT_THAT(many, SizeIs(50));
  size_t rows = 0;
  for (const SyntheticData& b : many) {
    EXPECT_EQ(b.accounts.column_count(), 8u);
    rows += b.accounts.row_count();
  }
  EXPECT_EQ(rows, GenerateOmniChannel(SmallConfig(1, 2)).accounts.row_count());
}

TEST(SyntheticTest, TinyAndEmptyConfigs) {
  const SyntheticData empty = GenerateOmniChannel(SmallConfig(1, 0));
  EXPECT_EQ(empty.accounts.row_count(), 0u);
  EXPECT_EQ(empty.accounts.column_count(), 8u);
  EXPECT_TRUE(empty.true_person.empty());
  for (size_t people : {1, 2, 5, 50}) {
    const SyntheticData data = GenerateOmniChannel(SmallConfig(5, people));
    EXPECT_GE(data.accounts.row_count(), people);
    // Kiosks are capped at people / 20 accounts (at least 2, at most everyone).
    EXPECT_LE(data.accounts.row_count(), people * 31 + 2);
    for (uint32_t p : data.true_person) EXPECT_LT(p, people);
  }
}

TEST(SyntheticTest, KnobsOutOfRangeAreClamped) {
  SyntheticConfig config = SmallConfig(11, 500);
  config.mean_accounts_per_person = 0;  // read as 1
  config.mini_programs = 0;
  config.phone_share = 2;
  config.typo_rate = -1;
  config.kiosk_phones_per_100k = 0;
  config.channels = ChannelMix{.pos = 0, .tmall = 0, .jd = 0, .douyin = 0, .miniprogram = 1,
                               .wecom = 0, .app = 0};
  const SyntheticData data = GenerateOmniChannel(config);
  // One account each; with no mini-programs and every other weight zero, all are POS.
  EXPECT_EQ(data.accounts.row_count(), 500u);
  for (size_t r = 0; r < data.accounts.row_count(); ++r) {
    EXPECT_EQ(data.accounts.source(r), "pos");
  }
}

}  // namespace
}  // namespace identity
}  // namespace v0
}  // namespace oneid
