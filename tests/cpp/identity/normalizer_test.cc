#include "oneid/identity/normalizer.h"

#include <random>

#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Normalizer MakeCn() { return *Normalizer::Create("CN"); }

TEST(NormalizerTest, ChinesePhoneFormatsAreOneNumber) {
  Normalizer n = MakeCn();
  for (const char* raw : {"13800138000", "138 0013 8000", "+86 13800138000", "0086-138-0013-8000",
                          "+86-138-0013-8000", "(+86) 138.0013.8000", " 138 0013 8000\t",
                          "\xE3\x80\x80" "13800138000"}) {
    absl::StatusOr<std::string> e164 = n.NormalizePhone(raw);
    ASSERT_OK(e164);
    EXPECT_EQ(*e164, "+8613800138000") << raw;
  }
}

TEST(NormalizerTest, LandlinesAndForeignNumbersGoThroughTheFullParser) {
  Normalizer n = MakeCn();
  ASSERT_OK_AND_ASSIGN(std::string shanghai, n.NormalizePhone("021-6234 5678"));
  EXPECT_EQ(shanghai, "+862162345678");
  ASSERT_OK_AND_ASSIGN(std::string us, n.NormalizePhone("+1 650 253 0000"));
  EXPECT_EQ(us, "+16502530000");
  ASSERT_OK_AND_ASSIGN(std::string hk, n.NormalizePhone("+852 6123 4567"));
  EXPECT_EQ(hk, "+85261234567");
}

TEST(NormalizerTest, InvalidPhonesAreRejectedWithAReasonThatHidesTheValue) {
  Normalizer n = MakeCn();
  for (const char* raw : {"12345", "abc", "+999 1234567", "1380013800", "138001380001234567", "", "+"}) {
    absl::StatusOr<std::string> e164 = n.NormalizePhone(raw);
    EXPECT_THAT(e164, StatusIs(absl::StatusCode::kInvalidArgument, "")) << raw;
    if (!e164.ok() && std::string(raw).size() > 3) {
      EXPECT_THAT(std::string(e164.status().message()), Not(HasSubstr(raw)));
    }
  }
  EXPECT_THAT(n.NormalizePhone(std::string(1 << 20, '1')),
              StatusIs(absl::StatusCode::kInvalidArgument, "too long"));
}

TEST(NormalizerTest, OtherDefaultRegion) {
  ASSERT_OK_AND_ASSIGN(Normalizer us, Normalizer::Create("US"));
  ASSERT_OK_AND_ASSIGN(std::string e164, us.NormalizePhone("(650) 253-0000"));
  EXPECT_EQ(e164, "+16502530000");
  EXPECT_THAT(Normalizer::Create("XX"), StatusIs(absl::StatusCode::kInvalidArgument, "unknown phone region"));
}

// The fast path is an accelerator only: on every input it accepts, libphonenumber's full parser
// must give the same E.164 string, and inputs it cannot prove valid fall through to the parser.
TEST(NormalizerTest, FastPathAgreesWithLibphonenumber) {
  Normalizer fast = MakeCn();
  Normalizer full = MakeCn();
  std::mt19937_64 rng(7);
  const char* prefixes[] = {"", "+86", "0086", "+86 ", "86"};
  int agreed = 0;
  for (int i = 0; i < 20000; ++i) {
    const int length = 5 + static_cast<int>(rng() % 9);  // national numbers of 5..13 digits
    std::string digits;
    digits.push_back(static_cast<char>('1' + rng() % 9));
    for (int k = 1; k < length; ++k) digits.push_back(static_cast<char>('0' + rng() % 10));
    if (i % 2 == 0) digits = "1" + std::to_string(30 + rng() % 70) + digits.substr(0, 8);  // mobile-like
    const std::string raw = std::string(prefixes[rng() % 5]) + digits;
    absl::StatusOr<std::string> a = fast.NormalizePhone(raw);
    absl::StatusOr<std::string> b = full.NormalizePhoneWithFullParser(raw);
    ASSERT_EQ(a.ok(), b.ok()) << raw << " fast=" << a.status() << " full=" << b.status();
    if (a.ok()) {
      ASSERT_EQ(*a, *b) << raw;
      ++agreed;
    }
  }
  EXPECT_GT(agreed, 5000);
  EXPECT_GT(fast.phone_fast_path_count(), 3000u);
}

TEST(NormalizerTest, FastPathRefusesWhatTheFullParserRefuses) {
  // Found by tests/fuzz/normalizer_fuzzer: the fast path once read tabs as separators and made a
  // number of this, which libphonenumber refuses.
  const Normalizer n = *Normalizer::Create("CN");
  const std::string raw = "81300804\t\t\t\t00";
  EXPECT_FALSE(n.NormalizePhoneWithFullParser(raw).ok());
  EXPECT_THAT(n.NormalizePhone(raw), StatusIs(absl::StatusCode::kInvalidArgument, ""));
}

TEST(NormalizerTest, Email) {
  Normalizer n = MakeCn();
  ASSERT_OK_AND_ASSIGN(std::string e, n.NormalizeEmail("  Ann.Lee@Example.COM "));
  EXPECT_EQ(e, "ann.lee@example.com");
  for (const char* bad : {"", "   ", "no-at-sign", "a@b", "@example.com", "a@@example.com", "a b@example.com",
                          "a@example.com.", "a@.example.com"}) {
    EXPECT_THAT(n.NormalizeEmail(bad), StatusIs(absl::StatusCode::kInvalidArgument, "")) << bad;
  }
  EXPECT_THAT(n.NormalizeEmail(std::string(300, 'a') + "@example.com"),
              StatusIs(absl::StatusCode::kInvalidArgument, "254"));
}

TEST(NormalizerTest, TokensAndScopedTokens) {
  Normalizer n = MakeCn();
  ASSERT_OK_AND_ASSIGN(std::string t, n.NormalizeToken("  uAbC123 "));
  EXPECT_EQ(t, "uAbC123");  // tokens are case-sensitive
  EXPECT_THAT(n.NormalizeToken("a\x01" "b"), StatusIs(absl::StatusCode::kInvalidArgument, "control"));
  ASSERT_OK_AND_ASSIGN(std::string s, n.NormalizeScopedToken(" wx_app1 : oXyZ "));
  EXPECT_EQ(s, "wx_app1:oXyZ");
  EXPECT_THAT(n.NormalizeScopedToken("oXyZ"), StatusIs(absl::StatusCode::kInvalidArgument, "scope:token"));
  EXPECT_THAT(n.NormalizeScopedToken(":oXyZ"), StatusIs(absl::StatusCode::kInvalidArgument, "empty scope"));
  EXPECT_THAT(n.NormalizeScopedToken("wx:"), StatusIs(absl::StatusCode::kInvalidArgument, "empty token"));
}

TEST(NormalizerTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xE5\xBC\xA0\xE4\xB8\x89"));  // 张三
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));          // emoji
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));                  // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));              // surrogate
  EXPECT_FALSE(IsValidUtf8("\xE5\xBC"));                  // truncated
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));          // above U+10FFFF
}

}  // namespace
}  // namespace oneid::identity
