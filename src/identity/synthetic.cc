#include "oneid/identity/synthetic.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

#include "oneid/internal/progress_meter.h"

namespace oneid {
inline namespace v0 {
namespace identity {
namespace {

// The generator works in two passes. The first draws, person by person, a compact plan of every
// account (which identifiers it carries, in which variant, with which defect) and shuffles it;
// the second renders the plan into strings. Keeping the plan compact (24 bytes an account) and
// deriving every identifier from its owner's index through a bijection keeps 10M accounts within
// a few hundred MB and makes identifiers unique by construction instead of by luck: two persons
// only share a value where the generator plants it on purpose (families, kiosks, placeholders).

// ---------------------------------------------------------------------------------------------
// Randomness. std::*_distribution may differ between standard libraries; these helpers use only
// the raw std::mt19937_64 output (fixed by the standard) and integer arithmetic.

__extension__ using Uint128 = unsigned __int128;

// A probability as a threshold on 53 random bits: 0 never fires, 2^53 always does.
struct Probability {
  uint64_t threshold = 0;
};

Probability MakeProbability(double p) {
  if (!(p > 0)) return {0};  // also catches NaN
  if (p >= 1) return {uint64_t{1} << 53};
  return {static_cast<uint64_t>(p * static_cast<double>(uint64_t{1} << 53))};
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  // Uniform in [0, n) by Lemire's multiply-shift; the bias (< n / 2^64) is irrelevant here.
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((Uint128{Next()} * n) >> 64); }
  bool Chance(Probability p) { return (Next() >> 11) < p.threshold; }

 private:
  std::mt19937_64 engine_;
};

// splitmix64's finaliser: a bijection on 64-bit integers, so distinct inputs give distinct ids.
constexpr uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// ---------------------------------------------------------------------------------------------
// Channels and columns.

enum Channel : uint8_t { kPos, kTmall, kJd, kDouyin, kMiniprogram, kWecom, kApp, kChannelCount };

constexpr std::array<std::string_view, kChannelCount> kChannelSource = {
    "pos", "tmall", "jd", "douyin", "miniprogram", "wecom", "app"};
constexpr std::array<std::string_view, kChannelCount> kChannelIdPrefix = {
    "pos:", "tmall:", "jd:", "douyin:", "mp:", "wecom:", "app:"};

enum Column : uint8_t {
  kPhone,
  kEmail,
  kUnionid,
  kOpenid,
  kDevice,
  kMemberCard,
  kBuyer,
  kAlipay,
  kColumnCount
};

std::vector<ColumnSpec> SyntheticColumns() {
  return {{"phone", "phone"},         {"email", "email"},   {"unionid", "unionid"},
          {"openid", "openid"},       {"device_id", "device_id"},
          {"member_card", "member_card"}, {"buyer_id", "buyer_id"}, {"alipay", "alipay"}};
}

constexpr uint8_t Bit(Column c) { return static_cast<uint8_t>(1u << c); }

// Placeholders people and systems type when a field is mandatory but unknown. The phone ones are
// valid mobile numbers, which is exactly why they are dangerous.
constexpr std::array<std::string_view, 4> kPlaceholderPhones = {"13800000000", "13888888888",
                                                                "13900000000", "null"};
constexpr std::array<std::string_view, 6> kPlaceholderEmails = {
    "test@test.com", "a@a.com", "null@null.com", "noreply@example.com", "test@example.com",
    "null"};
constexpr std::array<std::string_view, 4> kPlaceholderDevices = {
    "00000000-0000-0000-0000-000000000000", "null", "unknown", "0"};
constexpr std::array<std::string_view, 3> kPlaceholderCards = {"0", "null", "none"};
constexpr std::array<std::string_view, 2> kPlaceholderUnionids = {"null", "undefined"};

// Mobile prefixes that libphonenumber has long accepted as valid CN mobiles (13x, 15x without
// 154, 17[35678], 18x, 19[13589]); newer ranges are left out so that phones stay valid under
// older metadata too.
constexpr std::array<uint16_t, 39> kMobilePrefixes = {
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
    173, 175, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 191, 193, 195, 198,
    199};
constexpr uint64_t kSubscriberSpace = 100'000'000;  // 8 digits after the prefix
constexpr uint64_t kPhoneSpace = kSubscriberSpace * kMobilePrefixes.size();

// Tags that keep the id spaces of different identifiers apart before mixing.
enum Tag : uint64_t {
  kTagUnionid = 1,
  kTagOpenid,
  kTagDevice,
  kTagBuyer,
  kTagEmail,
  kTagPlatform,
  kTagAux,
  kTagSalt
};
constexpr uint64_t MakeKey(Tag tag, uint64_t sub, uint64_t index) {
  return (static_cast<uint64_t>(tag) << 56) | (sub << 48) | index;
}

// ---------------------------------------------------------------------------------------------
// The plan.

enum PhoneSlot : uint8_t { kNoPhone, kPrimaryPhone, kSecondPhone, kKioskPhone };
enum DeviceSlot : uint8_t { kNoDevice, kOwnDevice, kSecondDevice, kFamilyDevice };

struct AccountPlan {
  uint32_t person = 0;
  uint32_t aux = 0;    // random bits for render-time choices (typo position, which placeholder)
  uint32_t group = 0;  // kiosk index for a kiosk phone, family index for a family device
  uint8_t channel = kPos;
  uint8_t app = 0;  // mini-program, 0-based
  uint8_t phone_slot = kNoPhone;
  uint8_t phone_format = 0;   // 0 canonical, 1..4 variants
  uint8_t email_variant = 0;  // 0 as is, 1 upper, 2 capitalised, 3 spaces
  uint8_t device_slot = kNoDevice;
  uint8_t present = 0;      // Bit(column) for every non-empty cell
  uint8_t placeholder = 0;  // cells holding a placeholder instead of the person's value
  uint8_t typo = 0;         // phone / email cells with a typo
};

struct Plan {
  std::vector<AccountPlan> accounts;
  size_t people = 0;
};

// A keyed pseudo-random permutation of [0, n), n <= 2^62: a 4-round balanced Feistel network on
// the smallest even number of bits that covers n, with cycle walking back into range. Identifier
// numbers come from it so that consecutive person indices get unrelated-looking phones and card
// numbers while distinct indices still get distinct numbers.
class Permutation {
 public:
  Permutation(uint64_t n, uint64_t key) : n_(n), key_(key) {
    while (half_bits_ < 31 && (uint64_t{1} << (2 * half_bits_)) < n) ++half_bits_;
    mask_ = (uint64_t{1} << half_bits_) - 1;
  }
  uint64_t operator()(uint64_t x) const {
    x %= n_;
    do {
      x = Round(x);
    } while (x >= n_);  // the domain is < 4n, so this ends after a few steps on average
    return x;
  }

 private:
  uint64_t Round(uint64_t x) const {
    uint64_t left = x >> half_bits_;
    uint64_t right = x & mask_;
    for (uint64_t r = 0; r < 4; ++r) {
      const uint64_t f = Mix64(right ^ (key_ + r * 0x9e3779b97f4a7c15ULL)) & mask_;
      const uint64_t next = left ^ f;
      left = right;
      right = next;
    }
    return (left << half_bits_) | right;
  }

  uint64_t n_;
  uint64_t key_;
  int half_bits_ = 1;
  uint64_t mask_ = 1;
};

// Per-seed bijections that turn indices into identifier values.
struct Keys {
  explicit Keys(uint64_t seed)
      : salt(Mix64(seed ^ MakeKey(kTagSalt, 0, 0))),
        phone(kPhoneSpace, Mix64(salt + 1)),
        card(10'000'000'000ULL, Mix64(salt + 2)),
        alipay(1'000'000'000'000ULL, Mix64(salt + 3)),
        email(1'000'000'000ULL, Mix64(salt + 4)) {}
  uint64_t salt;  // xor-ed into keys before mixing
  Permutation phone;
  Permutation card;
  Permutation alipay;
  Permutation email;
};

// Weighted channel choice as cumulative thresholds on 53 random bits.
struct ChannelSampler {
  std::array<uint64_t, kChannelCount> cumulative{};
  bool any = false;

  ChannelSampler(const ChannelMix& mix, uint32_t mini_programs) {
    std::array<double, kChannelCount> w = {mix.pos,         mix.tmall, mix.jd,  mix.douyin,
                                           mix.miniprogram, mix.wecom, mix.app};
    if (mini_programs == 0) w[kMiniprogram] = 0;
    double total = 0;
    for (double& x : w) {
      if (!(x > 0) || std::isinf(x)) x = 0;
      total += x;
    }
    any = total > 0;
    double running = 0;
    for (int c = 0; c < kChannelCount; ++c) {
      running += w[c];
      cumulative[c] = any ? MakeProbability(running / total).threshold : 0;
    }
    if (any) cumulative[kChannelCount - 1] = uint64_t{1} << 53;
  }

  Channel Draw(Rng& rng) const {
    if (!any) return kPos;
    const uint64_t u = rng.Next() >> 11;
    for (int c = 0; c < kChannelCount; ++c) {
      if (u < cumulative[c]) return static_cast<Channel>(c);
    }
    return kPos;
  }
};

// Per-channel presence rates, as documented on ChannelMix.
struct Rates {
  Probability pos_phone = MakeProbability(0.95), pos_card = MakeProbability(0.85),
              pos_email = MakeProbability(0.10), pos_alipay = MakeProbability(0.15);
  Probability tmall_phone = MakeProbability(0.60), tmall_alipay = MakeProbability(0.40);
  Probability jd_phone = MakeProbability(0.55);
  Probability douyin_device = MakeProbability(0.90), douyin_phone = MakeProbability(0.40);
  Probability mp_unionid = MakeProbability(0.85), mp_phone = MakeProbability(0.45);
  Probability wecom_phone = MakeProbability(0.10);
  Probability app_device = MakeProbability(0.95), app_phone = MakeProbability(0.75),
              app_email = MakeProbability(0.50), app_card = MakeProbability(0.30);
  Probability kiosk_card = MakeProbability(0.60);
  Probability use_second_phone = MakeProbability(0.20);
};

struct PersonTraits {
  bool phone = false;
  bool second_phone = false;
  bool email = false;
  bool alipay = false;
  bool second_device = false;
  bool family = false;
  uint32_t family_id = 0;
};

class Planner {
 public:
  explicit Planner(const SyntheticConfig& config)
      : config_(config),
        rng_(config.seed),
        sampler_(config.channels, std::min<uint32_t>(config.mini_programs, 64)),
        mini_programs_(std::min<uint32_t>(config.mini_programs, 64)),
        more_accounts_(MakeProbability(1.0 - 1.0 / std::max(1.0, config.mean_accounts_per_person))),
        phone_(MakeProbability(config.phone_share)),
        second_phone_(MakeProbability(config.second_phone_share)),
        email_(MakeProbability(config.email_share)),
        alipay_(MakeProbability(config.alipay_share)),
        second_device_(MakeProbability(config.second_device_share)),
        phone_variant_(MakeProbability(config.phone_variant_share)),
        email_variant_(MakeProbability(config.email_variant_share)),
        typo_(MakeProbability(config.typo_rate)),
        placeholder_(MakeProbability(config.placeholder_share)) {
    // A family is started by a person not yet in one with probability q; with families of 2.5
    // persons on average the share f of persons in families satisfies f = 2.5q / (1 + 1.5q).
    const double f = std::clamp(std::isnan(config.family_device_share) ? 0.0
                                                                       : config.family_device_share,
                                0.0, 1.0);
    family_start_ = MakeProbability(f / (2.5 - 1.5 * f));
  }

  Plan Run() {
    Plan plan;
    plan.people = config_.people;
    const double mean = std::max(1.0, config_.mean_accounts_per_person);
    plan.accounts.reserve(static_cast<size_t>(static_cast<double>(config_.people) * mean * 1.02) +
                          64);
    internal::ProgressMeter meter(config_.progress, "generate: people", config_.people);
    for (size_t p = 0; p < config_.people; ++p) {
      meter.Tick(p);
      PlanPerson(static_cast<uint32_t>(p), plan);
    }
    meter.Finish();
    PlanKiosks(plan);
    // Fisher-Yates, so that a person's accounts are spread over the table (and over batches).
    for (size_t i = plan.accounts.size(); i > 1; --i) {
      std::swap(plan.accounts[i - 1], plan.accounts[rng_.Below(i)]);
    }
    return plan;
  }

 private:
  PersonTraits DrawTraits(size_t person) {
    PersonTraits t;
    t.phone = rng_.Chance(phone_);
    t.second_phone = t.phone && rng_.Chance(second_phone_);
    t.email = rng_.Chance(email_);
    t.alipay = rng_.Chance(alipay_);
    t.second_device = rng_.Chance(second_device_);
    // Family members are consecutive person indices; indices carry no meaning, rows are shuffled.
    if (family_remaining_ == 0 && rng_.Chance(family_start_)) {
      const uint64_t u = rng_.Below(10);
      const size_t size = u < 6 ? 2 : (u < 9 ? 3 : 4);
      family_remaining_ = std::min(size, config_.people - person);
      family_id_ = family_count_++;
    }
    if (family_remaining_ > 0) {
      t.family = true;
      t.family_id = family_id_;
      --family_remaining_;
    }
    return t;
  }

  // Draws the channels of one person's regular accounts, honouring the per-person caps.
  void DrawChannels(std::vector<std::pair<Channel, uint8_t>>& out) {
    out.clear();
    size_t n = 1;
    while (n < std::max<uint32_t>(1, config_.max_accounts_per_person) &&
           rng_.Chance(more_accounts_)) {
      ++n;
    }
    std::array<uint32_t, kChannelCount> count{};
    const std::array<uint32_t, kChannelCount> cap = {UINT32_MAX, 2, 2, 2, mini_programs_, 1, 2};
    uint64_t apps_used = 0;
    for (size_t i = 0; i < n; ++i) {
      Channel c = kPos;
      bool found = false;
      // A person who has used up a channel simply draws again; after a few misses the account is
      // dropped rather than forced into POS, which would skew the channel mix for heavy users.
      for (int attempt = 0; attempt < 8 && !found; ++attempt) {
        c = sampler_.Draw(rng_);
        found = count[c] < cap[c];
      }
      if (!found) continue;
      ++count[c];
      uint8_t app = 0;
      if (c == kMiniprogram) {
        // The k-th mini-program this person has not used yet: one OpenID per person per app.
        uint64_t k = rng_.Below(mini_programs_ - (count[c] - 1));
        for (uint32_t a = 0; a < mini_programs_; ++a) {
          if (apps_used & (uint64_t{1} << a)) continue;
          if (k-- == 0) {
            app = static_cast<uint8_t>(a);
            break;
          }
        }
        apps_used |= uint64_t{1} << app;
      }
      out.emplace_back(c, app);
    }
  }

  void SetPhone(AccountPlan& a, const PersonTraits& t) {
    if (!t.phone) return;
    a.present |= Bit(kPhone);
    a.phone_slot =
        t.second_phone && rng_.Chance(rates_.use_second_phone) ? kSecondPhone : kPrimaryPhone;
    if (rng_.Chance(phone_variant_)) a.phone_format = static_cast<uint8_t>(1 + rng_.Below(4));
    if (rng_.Chance(placeholder_)) {
      a.placeholder |= Bit(kPhone);
    } else if (rng_.Chance(typo_)) {
      a.typo |= Bit(kPhone);
    }
  }

  void SetEmail(AccountPlan& a, const PersonTraits& t) {
    if (!t.email) return;
    a.present |= Bit(kEmail);
    if (rng_.Chance(email_variant_)) a.email_variant = static_cast<uint8_t>(1 + rng_.Below(3));
    if (rng_.Chance(placeholder_)) {
      a.placeholder |= Bit(kEmail);
    } else if (rng_.Chance(typo_)) {
      a.typo |= Bit(kEmail);
    }
  }

  void SetDevice(AccountPlan& a, const PersonTraits& t) {
    a.present |= Bit(kDevice);
    const uint64_t choices = 1 + (t.second_device ? 1 : 0) + (t.family ? 1 : 0);
    uint64_t k = rng_.Below(choices);
    if (k == 0) {
      a.device_slot = kOwnDevice;
    } else if (k == 1 && t.second_device) {
      a.device_slot = kSecondDevice;
    } else {
      a.device_slot = kFamilyDevice;
      a.group = t.family_id;
    }
    if (rng_.Chance(placeholder_)) a.placeholder |= Bit(kDevice);
  }

  void SetWithPlaceholder(AccountPlan& a, Column c) {
    a.present |= Bit(c);
    if (rng_.Chance(placeholder_)) a.placeholder |= Bit(c);
  }

  void PlanPerson(uint32_t person, Plan& plan) {
    const PersonTraits t = DrawTraits(person);
    DrawChannels(channels_);
    for (const auto& [channel, app] : channels_) {
      AccountPlan a;
      a.person = person;
      a.channel = channel;
      a.app = app;
      a.aux = static_cast<uint32_t>(rng_.Next() >> 32);
      switch (channel) {
        case kPos:
          if (rng_.Chance(rates_.pos_phone)) SetPhone(a, t);
          if (rng_.Chance(rates_.pos_card)) SetWithPlaceholder(a, kMemberCard);
          if (rng_.Chance(rates_.pos_email)) SetEmail(a, t);
          if (t.alipay && rng_.Chance(rates_.pos_alipay)) a.present |= Bit(kAlipay);
          break;
        case kTmall:
          a.present |= Bit(kBuyer);
          if (rng_.Chance(rates_.tmall_phone)) SetPhone(a, t);
          if (t.alipay && rng_.Chance(rates_.tmall_alipay)) a.present |= Bit(kAlipay);
          break;
        case kJd:
          a.present |= Bit(kBuyer);
          if (rng_.Chance(rates_.jd_phone)) SetPhone(a, t);
          break;
        case kDouyin:
          if (rng_.Chance(rates_.douyin_device)) SetDevice(a, t);
          if (rng_.Chance(rates_.douyin_phone)) SetPhone(a, t);
          break;
        case kMiniprogram:
          a.present |= Bit(kOpenid);
          if (rng_.Chance(rates_.mp_unionid)) SetWithPlaceholder(a, kUnionid);
          if (rng_.Chance(rates_.mp_phone)) SetPhone(a, t);
          break;
        case kWecom:
          SetWithPlaceholder(a, kUnionid);
          if (rng_.Chance(rates_.wecom_phone)) SetPhone(a, t);
          break;
        case kApp:
          if (rng_.Chance(rates_.app_device)) SetDevice(a, t);
          if (rng_.Chance(rates_.app_phone)) SetPhone(a, t);
          if (rng_.Chance(rates_.app_email)) SetEmail(a, t);
          if (rng_.Chance(rates_.app_card)) SetWithPlaceholder(a, kMemberCard);
          break;
        default:
          break;
      }
      plan.accounts.push_back(a);
    }
  }

  void PlanKiosks(Plan& plan) {
    const size_t people = config_.people;
    const double per_100k = config_.kiosk_phones_per_100k;
    if (people == 0 || !(per_100k > 0) || std::isinf(per_100k)) return;
    const auto kiosks =
        static_cast<size_t>(std::ceil(per_100k * static_cast<double>(people) / 100000.0));
    uint32_t lo = config_.kiosk_min_accounts;
    uint32_t hi = config_.kiosk_max_accounts;
    if (lo > hi) std::swap(lo, hi);
    const size_t cap = std::min(people, std::max<size_t>(2, people / 20));
    std::vector<uint32_t> chosen;
    for (size_t k = 0; k < kiosks; ++k) {
      const size_t count = std::min<size_t>(cap, lo + rng_.Below(uint64_t{hi} - lo + 1));
      // Distinct persons per kiosk: `count` is at most a twentieth of the persons (or at most
      // all of them for tiny sets), so rejection sampling ends quickly.
      chosen.clear();
      while (chosen.size() < count) {
        const auto person = static_cast<uint32_t>(rng_.Below(people));
        if (std::find(chosen.begin(), chosen.end(), person) != chosen.end()) continue;
        chosen.push_back(person);
        AccountPlan a;
        a.person = person;
        a.channel = kPos;
        a.aux = static_cast<uint32_t>(rng_.Next() >> 32);
        a.present = Bit(kPhone);
        a.phone_slot = kKioskPhone;
        a.group = static_cast<uint32_t>(k);
        if (rng_.Chance(phone_variant_)) a.phone_format = static_cast<uint8_t>(1 + rng_.Below(4));
        if (rng_.Chance(rates_.kiosk_card)) SetWithPlaceholder(a, kMemberCard);
        plan.accounts.push_back(a);
      }
    }
  }

  const SyntheticConfig& config_;
  Rng rng_;
  ChannelSampler sampler_;
  uint32_t mini_programs_;
  Rates rates_;
  Probability more_accounts_, phone_, second_phone_, email_, alipay_, second_device_,
      phone_variant_, email_variant_, typo_, placeholder_, family_start_;
  size_t family_remaining_ = 0;
  uint32_t family_id_ = 0;
  uint32_t family_count_ = 0;
  std::vector<std::pair<Channel, uint8_t>> channels_;
};

// ---------------------------------------------------------------------------------------------
// Rendering.

// A fixed-capacity text buffer; every rendered value is far below its capacity.
class Text {
 public:
  void Clear() { size_ = 0; }
  void Put(char c) { data_[size_++] = c; }
  void Put(std::string_view s) {
    for (char c : s) data_[size_++] = c;
  }
  void PutDecimal(uint64_t v, int min_digits = 1) {
    char tmp[24];
    int n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n < min_digits) tmp[n++] = '0';
    while (n > 0) data_[size_++] = tmp[--n];
  }
  // All 64 bits in `digits` characters of `alphabet` (most significant first).
  void PutRadix(uint64_t v, std::string_view alphabet, int digits) {
    const uint64_t base = alphabet.size();
    for (int i = digits - 1; i >= 0; --i) {
      data_[size_ + i] = alphabet[v % base];
      v /= base;
    }
    size_ += digits;
  }
  char* data() { return data_.data(); }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_.data(), size_}; }

 private:
  std::array<char, 96> data_{};
  size_t size_ = 0;
};

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kBase36 = "0123456789abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kHexUpper = "0123456789ABCDEF";
constexpr std::string_view kHexLower = "0123456789abcdef";

constexpr std::array<std::string_view, 20> kSurnames = {
    "zhang", "wang", "li",  "liu", "chen", "yang", "huang", "zhao", "wu",  "zhou",
    "xu",    "sun",  "ma",  "zhu", "hu",   "guo",  "he",    "lin",  "luo", "gao"};
constexpr std::array<std::string_view, 20> kGivenNames = {
    "wei", "fang", "na",   "min", "jing", "li",  "qiang", "lei",  "jun", "yang",
    "yong", "yan", "jie", "tao",  "ming", "chao", "xiu",  "xia",  "ping", "hui"};
// Weights out of 100: QQ mail and NetEase dominate Chinese consumer email.
constexpr std::array<std::pair<std::string_view, int>, 9> kEmailDomains = {{{"qq.com", 35},
                                                                            {"163.com", 20},
                                                                            {"126.com", 10},
                                                                            {"gmail.com", 8},
                                                                            {"outlook.com", 7},
                                                                            {"sina.com", 5},
                                                                            {"foxmail.com", 5},
                                                                            {"hotmail.com", 5},
                                                                            {"icloud.com", 5}}};

class Renderer {
 public:
  explicit Renderer(const SyntheticConfig& config)
      : keys_(config.seed), people_(config.people) {}

  void Render(const Plan& plan, size_t begin, size_t end, SyntheticData& out, internal::ProgressMeter& meter) {
    out.accounts = AccountTable(SyntheticColumns());
    out.accounts.Reserve(end - begin);
    out.true_person.clear();
    out.true_person.reserve(end - begin);
    out.people = plan.people;
    std::array<std::string_view, kColumnCount> views;
    for (size_t i = begin; i < end; ++i) {
      meter.Tick(i);
      const AccountPlan& a = plan.accounts[i];
      for (int c = 0; c < kColumnCount; ++c) {
        cells_[c].Clear();
        if (a.present & Bit(static_cast<Column>(c))) RenderCell(a, static_cast<Column>(c));
        views[c] = cells_[c].view();
      }
      id_.Clear();
      id_.Put(kChannelIdPrefix[a.channel]);
      id_.PutDecimal(10'000'000 + next_id_[a.channel]++);
      // The row always has one value per column, so AddRow cannot fail.
      out.accounts.AddRow(id_.view(), kChannelSource[a.channel], views).IgnoreError();
      out.true_person.push_back(a.person);
    }
  }

 private:
  uint64_t Unique(Tag tag, uint64_t sub, uint64_t index) const {
    return Mix64(MakeKey(tag, sub, index) ^ keys_.salt);
  }
  uint64_t AuxBits(const AccountPlan& a, Column c) const {
    return Mix64(MakeKey(kTagAux, c, a.aux) ^ keys_.salt);
  }

  template <size_t N>
  static void PutPlaceholder(Text& t, const std::array<std::string_view, N>& list, uint64_t bits) {
    t.Put(list[bits % N]);
  }

  void RenderCell(const AccountPlan& a, Column c) {
    Text& t = cells_[c];
    const bool placeholder = a.placeholder & Bit(c);
    switch (c) {
      case kPhone:
        if (placeholder) return PutPlaceholder(t, kPlaceholderPhones, AuxBits(a, c));
        return RenderPhone(a, t);
      case kEmail:
        if (placeholder) return PutPlaceholder(t, kPlaceholderEmails, AuxBits(a, c));
        return RenderEmail(a, t);
      case kUnionid:
        if (placeholder) return PutPlaceholder(t, kPlaceholderUnionids, AuxBits(a, c));
        return RenderWechatId(t, Unique(kTagUnionid, 0, a.person), Unique(kTagPlatform, 0, 0));
      case kOpenid:
        t.Put("wx_app");
        t.PutDecimal(a.app + 1);
        t.Put(':');
        return RenderWechatId(t, Unique(kTagOpenid, a.app, a.person),
                              Unique(kTagPlatform, 1 + a.app, 0));
      case kDevice:
        if (placeholder) return PutPlaceholder(t, kPlaceholderDevices, AuxBits(a, c));
        return RenderDevice(a, t);
      case kMemberCard:
        if (placeholder) return PutPlaceholder(t, kPlaceholderCards, AuxBits(a, c));
        t.Put("66");
        return t.PutDecimal(keys_.card(a.person),
                            10);
      case kBuyer:
        t.Put(a.channel == kJd ? "jd_pin_" : "tmall_nick_");
        return t.PutRadix(Unique(kTagBuyer, a.channel, a.person), kBase36, 13);
      case kAlipay:
        t.Put("2088");
        return t.PutDecimal(keys_.alipay(a.person), 12);
      default:
        return;
    }
  }

  // The 11 digits of phone number `index` (person, people + person for a second phone,
  // 2 * people + kiosk for a kiosk), distinct for distinct indices below kPhoneSpace.
  std::array<char, 11> PhoneDigits(uint64_t index) const {
    std::array<char, 11> d{};
    for (int attempt = 0;; ++attempt) {
      const uint64_t number = keys_.phone(index);
      const uint16_t prefix = kMobilePrefixes[number % kMobilePrefixes.size()];
      const uint64_t subscriber = number / kMobilePrefixes.size();
      d[0] = '1';
      d[1] = static_cast<char>('0' + prefix / 10 % 10);
      d[2] = static_cast<char>('0' + prefix % 10);
      uint64_t s = subscriber;
      for (int i = 10; i >= 3; --i) {
        d[i] = static_cast<char>('0' + s % 10);
        s /= 10;
      }
      // Never hand a real person a placeholder number by accident: the few indices that map to
      // one are moved to the top of the index space, which the generator never reaches.
      const std::string_view v(d.data(), d.size());
      bool is_placeholder = false;
      for (size_t p = 0; p + 1 < kPlaceholderPhones.size(); ++p) {
        is_placeholder |= v == kPlaceholderPhones[p];
      }
      if (!is_placeholder || attempt > 8) return d;
      index = kPhoneSpace - 1 - static_cast<uint64_t>(attempt);
    }
  }

  void RenderPhone(const AccountPlan& a, Text& t) const {
    uint64_t index = a.person;
    if (a.phone_slot == kSecondPhone) index = people_ + a.person;
    if (a.phone_slot == kKioskPhone) index = 2 * uint64_t{people_} + a.group;
    std::array<char, 11> d = PhoneDigits(index);
    if (a.typo & Bit(kPhone)) {
      // A subscriber digit replaced by another: still a valid mobile, but someone else's.
      const uint64_t bits = AuxBits(a, kPhone);
      const size_t pos = 3 + bits % 8;
      const int shift = 1 + static_cast<int>((bits >> 8) % 9);
      d[pos] = static_cast<char>('0' + (d[pos] - '0' + shift) % 10);
    }
    const std::string_view v(d.data(), d.size());
    // Groups of 3-4-4 digits, as people write them: "138 0013 8000", "138-0013-8000".
    auto put_grouped = [&](char separator) {
      t.Put(v.substr(0, 3));
      t.Put(separator);
      t.Put(v.substr(3, 4));
      t.Put(separator);
      t.Put(v.substr(7));
    };
    switch (a.phone_format) {
      case 1:  // "138 0013 8000"
        put_grouped(' ');
        break;
      case 2:  // "+86 13800138000"
        t.Put("+86 ");
        t.Put(v);
        break;
      case 3:  // "0086-138-0013-8000"
        t.Put("0086-");
        put_grouped('-');
        break;
      case 4:  // "+86-138-0013-8000"
        t.Put("+86-");
        put_grouped('-');
        break;
      default:  // "13800138000"
        t.Put(v);
    }
  }

  void RenderEmail(const AccountPlan& a, Text& t) const {
    const uint64_t h = Unique(kTagEmail, 0, a.person);
    // The number is a bijection of the person index, so local parts never collide.
    const uint64_t number = keys_.email(a.person);
    int pick = static_cast<int>(h % 100);
    size_t domain = 0;
    while (pick >= kEmailDomains[domain].second) pick -= kEmailDomains[domain++].second;
    const bool spaces = a.email_variant == 3;
    if (spaces) t.Put(' ');
    const size_t local_begin = t.size();
    if (domain == 0) {
      t.PutDecimal(100'000 + number);  // a QQ number
    } else {
      const std::string_view surname = kSurnames[(h >> 8) % kSurnames.size()];
      const std::string_view given = kGivenNames[(h >> 16) % kGivenNames.size()];
      switch ((h >> 24) % 3) {
        case 0:  // zhangwei
          t.Put(surname);
          t.Put(given);
          break;
        case 1:  // zhang.wei
          t.Put(surname);
          t.Put('.');
          t.Put(given);
          break;
        default:  // wei_zhang
          t.Put(given);
          t.Put('_');
          t.Put(surname);
      }
      t.PutDecimal(number);
    }
    const size_t local_end = t.size();
    t.Put('@');
    t.Put(kEmailDomains[domain].first);
    if (a.typo & Bit(kEmail)) {
      const uint64_t bits = AuxBits(a, kEmail);
      char& ch = t.data()[local_begin + bits % (local_end - local_begin)];
      const int shift = static_cast<int>((bits >> 16) % 9);
      if (ch >= '0' && ch <= '9') {
        ch = static_cast<char>('0' + (ch - '0' + 1 + shift) % 10);
      } else if (ch >= 'a' && ch <= 'z') {
        ch = static_cast<char>('a' + (ch - 'a' + 1 + shift) % 26);
      } else {
        ch = 'x';
      }
    }
    char* begin = t.data() + local_begin;
    char* end = t.data() + t.size();
    if (a.email_variant == 1) {
      std::transform(begin, end, begin, [](char c) {
        return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
      });
    } else if (a.email_variant == 2 && *begin >= 'a' && *begin <= 'z') {
      *begin = static_cast<char>(*begin - 'a' + 'A');
    }
    if (spaces) t.Put(' ');
  }

  // WeChat ids are 28 characters: 'o', five characters fixed per issuing platform or app, and 22
  // that look random. The first 11 of those encode all 64 bits of `unique`, so ids are distinct.
  static void RenderWechatId(Text& t, uint64_t unique, uint64_t platform) {
    t.Put('o');
    t.PutRadix(platform >> 34, kBase64Url, 5);
    t.PutRadix(unique, kBase64Url, 11);
    t.PutRadix(Mix64(unique), kBase64Url, 11);
  }

  void RenderDevice(const AccountPlan& a, Text& t) const {
    uint64_t index = a.person;
    if (a.device_slot == kSecondDevice) index = people_ + a.person;
    if (a.device_slot == kFamilyDevice) index = 2 * uint64_t{people_} + a.group;
    const uint64_t hi = Unique(kTagDevice, 0, index);
    const uint64_t lo = Mix64(hi);
    if (lo & 1) {
      // An iOS IDFA: an upper-case UUID "8-4-4-4-12"; the first 64 bits carry the unique part.
      t.PutRadix(hi >> 32, kHexUpper, 8);
      t.Put('-');
      t.PutRadix((hi >> 16) & 0xffff, kHexUpper, 4);
      t.Put('-');
      t.PutRadix(hi & 0xffff, kHexUpper, 4);
      t.Put('-');
      t.PutRadix(lo >> 48, kHexUpper, 4);
      t.Put('-');
      t.PutRadix(lo & 0xffffffffffffULL, kHexUpper, 12);
    } else {
      // An Android ID: 16 lower-case hex digits.
      t.PutRadix(hi, kHexLower, 16);
    }
  }

  Keys keys_;
  size_t people_;
  std::array<Text, kColumnCount> cells_;
  Text id_;
  std::array<uint64_t, kChannelCount> next_id_{};
};

}  // namespace

SyntheticData GenerateOmniChannel(const SyntheticConfig& config) {
  const Plan plan = Planner(config).Run();
  SyntheticData data;
  internal::ProgressMeter meter(config.progress, "generate: accounts", plan.accounts.size());
  Renderer(config).Render(plan, 0, plan.accounts.size(), data, meter);
  meter.Finish();
  return data;
}

std::vector<SyntheticData> GenerateOmniChannelBatches(const SyntheticConfig& config,
                                                      size_t batches) {
  std::vector<SyntheticData> out;
  if (batches == 0) return out;
  const Plan plan = Planner(config).Run();
  out.resize(batches);
  // One renderer for all batches, so account ids continue from batch to batch.
  Renderer renderer(config);
  const size_t rows = plan.accounts.size();
  internal::ProgressMeter meter(config.progress, "generate: accounts", rows);
  for (size_t b = 0; b < batches; ++b) {
    // Batch b holds rows [b * rows / batches, (b + 1) * rows / batches); the products fit in
    // 128 bits whatever the sizes.
    const auto begin = static_cast<size_t>(Uint128{b} * rows / batches);
    const auto end = static_cast<size_t>(Uint128{b + 1} * rows / batches);
    renderer.Render(plan, begin, end, out[b], meter);
  }
  meter.Finish();
  return out;
}

}  // namespace identity
}  // namespace v0
}  // namespace oneid
