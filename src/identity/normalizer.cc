#include "oneid/identity/normalizer.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <charconv>
#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "oneid/internal/strings.h"

namespace oneid {
inline namespace v0 {
namespace identity {
namespace detail {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

// Phone numbers longer than this are rejected before libphonenumber sees them (its own limit is
// 250 characters; no real number written with separators comes near 64).
constexpr size_t kMaxPhoneLength = 64;

class PhoneParser {
 public:
  explicit PhoneParser(std::string region) : region_(std::move(region)) {
    util_ = PhoneNumberUtil::GetInstance();
    country_code_ = util_->GetCountryCodeForRegion(region_);
    country_code_digits_ = std::to_string(country_code_);
    // The fast path reads "00<cc>..." as an international number only where the full parser does
    // the same; learn that from libphonenumber instead of assuming it.
    PhoneNumber example;
    if (util_->GetExampleNumber(region_, &example)) {
      std::string national = std::to_string(example.national_number());
      PhoneNumber via_00;
      if (util_->Parse("00" + country_code_digits_ + national, region_, &via_00) ==
              PhoneNumberUtil::NO_PARSING_ERROR &&
          via_00.country_code() == country_code_ &&
          via_00.national_number() == example.national_number()) {
        double_zero_is_international_ = true;
      }
    }
  }

  bool known_region() const { return country_code_ != 0; }

  absl::StatusOr<std::string> Normalize(std::string_view raw) {
    if (raw.size() > kMaxPhoneLength) {
      return absl::InvalidArgumentError("too long for a phone number");
    }
    if (std::string out; TryFastPath(raw, out)) {
      ++fast_count_;
      return out;
    }
    // Inputs the fast path leaves to the full parser repeat in real data (a store's landline typed
    // into thousands of tills; the same foreign number on every order), and each full parse costs
    // ~10 us of regular expressions. Remember the verdict per raw string, in a bounded memo that
    // starts over when it is full, so memory stays capped whatever the input.
    if (auto it = full_parse_memo_.find(raw); it != full_parse_memo_.end()) {
      ++full_count_;
      return it->second;
    }
    absl::StatusOr<std::string> result = FullParse(raw);
    if (full_parse_memo_.size() >= kMaxFullParseMemo) full_parse_memo_.clear();
    full_parse_memo_.emplace(std::string(raw), result);
    return result;
  }

  absl::StatusOr<std::string> FullParse(std::string_view raw) {
    ++full_count_;
    if (raw.size() > kMaxPhoneLength) {
      return absl::InvalidArgumentError("too long for a phone number");
    }
    PhoneNumber number;
    const auto error = util_->Parse(std::string(raw), region_, &number);
    switch (error) {
      case PhoneNumberUtil::NO_PARSING_ERROR: break;
      case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
        return absl::InvalidArgumentError("unknown country code in phone number");
      case PhoneNumberUtil::NOT_A_NUMBER:
        return absl::InvalidArgumentError("not a phone number");
      case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
      case PhoneNumberUtil::TOO_SHORT_NSN:
        return absl::InvalidArgumentError("phone number too short");
      case PhoneNumberUtil::TOO_LONG_NSN:
        return absl::InvalidArgumentError("phone number too long");
    }
    if (!util_->IsValidNumber(number)) {
      return absl::InvalidArgumentError(
          absl::StrCat("not a valid phone number (default region ", region_, ")"));
    }
    std::string out;
    util_->Format(number, PhoneNumberUtil::E164, &out);
    return out;
  }

  size_t fast_count() const { return fast_count_; }
  size_t full_count() const { return full_count_; }

 private:
  // Accepts digits with common separators, optionally led by '+<cc>' or '00<cc>' for the default
  // region's own country code. Returns false (caller falls back to the full parser) for anything
  // else, including every number it cannot prove valid.
  bool TryFastPath(std::string_view raw, std::string& out) {
    char digits[kMaxPhoneLength];
    size_t n = 0;
    bool plus = false;
    for (char c : raw) {
      if (c >= '0' && c <= '9') {
        digits[n++] = c;
      } else if (c == '+' && n == 0 && !plus) {
        plus = true;
      } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
        // libphonenumber's own punctuation. Not tabs: it refuses them, and the fast path must
        // never accept what the full parser refuses (found by fuzzing).
        continue;
      } else {
        return false;  // letters, extensions, full-width digits...: the full parser decides
      }
    }
    std::string_view all(digits, n);
    std::string_view national;
    if (plus) {
      if (!all.starts_with(country_code_digits_)) return false;
      national = all.substr(country_code_digits_.size());
    } else if (all.starts_with("00")) {
      if (!double_zero_is_international_ || !all.substr(2).starts_with(country_code_digits_)) {
        return false;
      }
      national = all.substr(2 + country_code_digits_.size());
    } else {
      national = all;
    }
    // A leading 0 is a trunk prefix (or an Italian-style leading zero): the full parser knows the
    // region's rules for it.
    if (national.size() < 4 || national.size() > 17 || national.front() == '0') return false;
    if (!IsValidNational(national)) return false;
    out.reserve(1 + country_code_digits_.size() + national.size());
    out.clear();  // clear + push_back, not assign("+"): GCC 12 reports a false -Wrestrict on it
    out.push_back('+');
    out.append(country_code_digits_);
    out.append(national);
    return true;
  }

  // libphonenumber's validity patterns depend on the length of the national number and its
  // leading digits (at most the first seven: operators' prefix blocks), so the answer is memoised
  // per (length, first seven digits).
  bool IsValidNational(std::string_view national) {
    const size_t prefix_len = std::min<size_t>(7, national.size());
    uint32_t key = static_cast<uint32_t>(national.size());
    for (size_t i = 0; i < prefix_len; ++i) key = key * 10 + static_cast<uint32_t>(national[i] - '0');
    key = key * 8 + static_cast<uint32_t>(prefix_len);
    if (const int known = valid_by_prefix_.Find(key); known >= 0) return known == 1;
    uint64_t value = 0;
    std::from_chars(national.data(), national.data() + national.size(), value);
    PhoneNumber number;
    number.set_country_code(country_code_);
    number.set_national_number(value);
    const bool valid = util_->IsValidNumber(number);
    valid_by_prefix_.Insert(key, valid);
    return valid;
  }

  // The memo of IsValidNational: (length, prefix) keys below 2^31 (length <= 17, seven digits,
  // prefix length <= 7: under 1.5e9) with their verdict, packed into one 4-byte slot each
  // (key << 1 | valid; 0 = empty, and a key is never 0 since prefix_len >= 4), open addressing with
  // linear probing. A probe costs one cache miss; a node-free hash map of 16-byte pairs and
  // separate control bytes cost two, and the memo was 6-8% of resolving a batch by perf.
  class PrefixMemo {
   public:
    // 1 valid, 0 invalid, -1 not known yet.
    int Find(uint32_t key) const {
      if (slots_.empty()) return -1;
      for (size_t i = Home(key);; i = (i + 1) & mask_) {
        const uint32_t slot = slots_[i];
        if (slot == 0) return -1;
        if (slot >> 1 == key) return static_cast<int>(slot & 1);
      }
    }
    void Insert(uint32_t key, bool valid) {  // key not present
      if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
      Place((key << 1) | (valid ? 1u : 0u));
      ++size_;
    }

   private:
    size_t Home(uint32_t key) const { return static_cast<size_t>((key * 0x9E3779B1u) >> shift_); }
    void Place(uint32_t slot) {
      size_t i = Home(slot >> 1);
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = slot;
    }
    void Grow() {
      std::vector<uint32_t> old(std::max<size_t>(1024, slots_.size() * 2), 0);
      old.swap(slots_);
      mask_ = slots_.size() - 1;
      shift_ = 32 - std::countr_zero(slots_.size());
      for (uint32_t slot : old) {
        if (slot != 0) Place(slot);
      }
    }
    std::vector<uint32_t> slots_;
    size_t size_ = 0;
    size_t mask_ = 0;
    int shift_ = 32;
  };

  std::string region_;
  const PhoneNumberUtil* util_ = nullptr;
  int country_code_ = 0;
  std::string country_code_digits_;
  bool double_zero_is_international_ = false;
  PrefixMemo valid_by_prefix_;
  static constexpr size_t kMaxFullParseMemo = 1 << 16;  // entries; raw values are <= 64 bytes
  internal::StringMap<absl::StatusOr<std::string>> full_parse_memo_;
  size_t fast_count_ = 0;
  size_t full_count_ = 0;
};

}  // namespace detail

namespace {

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view TrimSpace(std::string_view s) {
  // Also trims the ideographic space U+3000 (E3 80 80), common in text typed on Chinese keyboards.
  while (true) {
    if (!s.empty() && IsAsciiSpace(s.front())) { s.remove_prefix(1); continue; }
    if (!s.empty() && IsAsciiSpace(s.back())) { s.remove_suffix(1); continue; }
    if (s.starts_with("\xE3\x80\x80")) { s.remove_prefix(3); continue; }
    if (s.ends_with("\xE3\x80\x80")) { s.remove_suffix(3); continue; }
    return s;
  }
}

bool HasControlOrSpace(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F || c == ' ') return true;
  }
  return false;
}

constexpr size_t kMaxTokenLength = 512;
constexpr size_t kMaxEmailLength = 254;  // RFC 5321 path limit

}  // namespace

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) { ++i; continue; }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

absl::StatusOr<Normalizer> Normalizer::Create(std::string_view default_region) {
  auto parser = std::make_unique<detail::PhoneParser>(std::string(default_region));
  if (!parser->known_region()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown phone region '", internal::Absl(default_region), "' (want ISO 3166 alpha-2, e.g. CN)"));
  }
  return Normalizer(std::move(parser));
}

Normalizer::Normalizer(std::unique_ptr<detail::PhoneParser> phone) : phone_(std::move(phone)) {}
Normalizer::Normalizer(Normalizer&&) noexcept = default;
Normalizer& Normalizer::operator=(Normalizer&&) noexcept = default;
Normalizer::~Normalizer() = default;

absl::StatusOr<std::string> Normalizer::Normalize(IdentifierKind kind, std::string_view raw) const {
  switch (kind) {
    case IdentifierKind::kPhone: return NormalizePhone(raw);
    case IdentifierKind::kEmail: return NormalizeEmail(raw);
    case IdentifierKind::kOpaqueToken: return NormalizeToken(raw);
    case IdentifierKind::kScopedToken: return NormalizeScopedToken(raw);
  }
  return absl::InternalError("unknown identifier kind");
}

absl::StatusOr<std::string> Normalizer::NormalizePhone(std::string_view raw) const {
  return phone_->Normalize(TrimSpace(raw));
}

absl::StatusOr<std::string> Normalizer::NormalizePhoneWithFullParser(std::string_view raw) const {
  return phone_->FullParse(TrimSpace(raw));
}

absl::StatusOr<std::string> Normalizer::NormalizeEmail(std::string_view raw) const {
  std::string_view trimmed = TrimSpace(raw);
  if (trimmed.empty()) return absl::InvalidArgumentError("empty email");
  if (trimmed.size() > kMaxEmailLength) return absl::InvalidArgumentError("email longer than 254 bytes");
  if (HasControlOrSpace(trimmed)) return absl::InvalidArgumentError("email contains spaces or control characters");
  const size_t at = trimmed.find('@');
  if (at == std::string_view::npos) return absl::InvalidArgumentError("email has no '@'");
  if (trimmed.find('@', at + 1) != std::string_view::npos) return absl::InvalidArgumentError("email has more than one '@'");
  if (at == 0) return absl::InvalidArgumentError("email has nothing before '@'");
  const std::string_view domain = trimmed.substr(at + 1);
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' ||
      domain.find('.') == std::string_view::npos) {
    return absl::InvalidArgumentError("email domain is not a dotted host name");
  }
  // Case: domains are case-insensitive by definition and every large mailbox provider treats the
  // local part the same way, so the whole address is lower-cased (ASCII only; non-ASCII bytes are
  // kept as they are).
  return absl::AsciiStrToLower(internal::Absl(trimmed));
}

absl::StatusOr<std::string> Normalizer::NormalizeToken(std::string_view raw) const {
  std::string_view trimmed = TrimSpace(raw);
  if (trimmed.empty()) return absl::InvalidArgumentError("empty token");
  if (trimmed.size() > kMaxTokenLength) return absl::InvalidArgumentError("token longer than 512 bytes");
  for (unsigned char c : trimmed) {
    if (c < 0x20 || c == 0x7F) return absl::InvalidArgumentError("token contains control characters");
  }
  return std::string(trimmed);
}

absl::StatusOr<std::string> Normalizer::NormalizeScopedToken(std::string_view raw) const {
  std::string_view trimmed = TrimSpace(raw);
  const size_t colon = trimmed.find(':');
  if (colon == std::string_view::npos) {
    return absl::InvalidArgumentError("scoped token must be written 'scope:token' (e.g. app id:OpenID)");
  }
  const std::string_view scope = TrimSpace(trimmed.substr(0, colon));
  const std::string_view token = TrimSpace(trimmed.substr(colon + 1));
  if (scope.empty()) return absl::InvalidArgumentError("scoped token has an empty scope");
  if (token.empty()) return absl::InvalidArgumentError("scoped token has an empty token");
  if (trimmed.size() > kMaxTokenLength) return absl::InvalidArgumentError("token longer than 512 bytes");
  for (unsigned char c : trimmed) {
    if (c < 0x20 || c == 0x7F) return absl::InvalidArgumentError("token contains control characters");
  }
  return absl::StrCat(internal::Absl(scope), ":", internal::Absl(token));
}

size_t Normalizer::phone_fast_path_count() const { return phone_->fast_count(); }
size_t Normalizer::phone_full_parse_count() const { return phone_->full_count(); }

}  // namespace identity
}  // namespace v0
}  // namespace oneid
