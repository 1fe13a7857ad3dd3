// Synthetic omni-channel account data with ground truth, for tests, benchmarks and demos.
//
// Real customer data cannot be shipped or shared, yet identity resolution is only worth measuring
// on data with the traps real data has: one shopper's POS, Tmall, JD, Douyin, mini-program, WeCom
// and app accounts; phones written five ways; upper-cased emails; typos that break a link; family
// tablets shared by several people; store kiosk phones typed into hundreds of POS accounts; and
// placeholders such as "13800000000" or "test@test.com". The generator plants all of these at
// documented rates and records which person really owns each row, so a resolver's output can be
// scored with EvaluatePairwise() (quality.h).
//
//   oneid::identity::SyntheticConfig config;
//   config.people = 100000;
//   config.seed = 7;
//   oneid::identity::SyntheticData data = oneid::identity::GenerateOmniChannel(config);
//   // data.accounts has ~253k rows; data.true_person[row] is the owner of each row.
//
// Output is a pure function of the configuration: the same seed gives the same bytes on every
// platform and standard library (the generator uses std::mt19937_64, whose output the standard
// fixes, and its own integer-only distributions).
#ifndef ONEID_IDENTITY_SYNTHETIC_H_
#define ONEID_IDENTITY_SYNTHETIC_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "oneid/identity/account_table.h"
#include "oneid/progress.h"

namespace oneid {
inline namespace v0 {
namespace identity {

// Relative weights of the channels a person's accounts are drawn from. They need not sum to one;
// a zero weight removes the channel, and if every weight is zero every account is a POS account.
// Per-channel caps keep the draws realistic (at most one account per mini-program, one WeCom
// contact, two app installs, two Douyin, two Tmall and two JD accounts per person; POS accounts
// are uncapped because every store may register the shopper again), so a capped channel's share
// comes out a little below its weight. The percentages below are per account and apply when the
// owner has that identifier at all (a person without an email never gets one on an app account).
struct ChannelMix {
  double pos = 0.24;          // store POS / CRM: phone (95%), member card (85%), email (10%),
                              // Alipay (15%)
  double tmall = 0.20;        // buyer_id (always), phone (60%), Alipay (40%)
  double jd = 0.10;           // buyer_id (always), phone (55%)
  double douyin = 0.10;       // device_id (90%), phone (40%)
  double miniprogram = 0.20;  // openid (always), unionid (85%), phone (45%)
  double wecom = 0.07;        // unionid (always), phone (10%)
  double app = 0.09;          // device_id (95%), phone (75%), email (50%), member card (30%)
};

// Knobs of the generator. Every probability is clamped to [0, 1]. The defaults are meant to look
// like a mid-size Chinese retail brand; rates are per cell unless stated otherwise.
struct SyntheticConfig {
  uint64_t seed = 42;
  // Number of real persons. Rows come out at about `people * mean_accounts_per_person` plus the
  // kiosk accounts. Identifier spaces (phone numbers, email numbers) are sized for up to 10^9
  // persons; beyond that values are no longer guaranteed distinct.
  size_t people = 10000;

  // Accounts per person are 1 + a geometric count, so most people have one or two accounts and a
  // long tail has six or more (about 8% at the default mean), as in real CRM exports. Values
  // below 1 are read as 1.
  double mean_accounts_per_person = 2.5;
  // Upper bound on the regular (non-kiosk) accounts of one person.
  uint32_t max_accounts_per_person = 30;
  ChannelMix channels;
  // Number of WeChat mini-programs the brand runs; each gives its own OpenID scope "wx_appN"
  // (N from 1). At most 64 are used; 0 removes the mini-program channel.
  uint32_t mini_programs = 3;

  // Share of persons with a mobile number at all, and of those with a second one (work phone,
  // old SIM). A second phone is used on about 20% of the person's phone-carrying accounts.
  double phone_share = 0.97;
  double second_phone_share = 0.08;
  // Share of persons with an email address (QQ mail numbers, 163.com, Gmail and so on).
  double email_share = 0.35;
  // Share of persons with an Alipay account that a channel may record.
  double alipay_share = 0.6;
  // Share of device-carrying persons with a second phone or tablet of their own.
  double second_device_share = 0.3;

  // Share of phone cells written in one of the non-canonical forms "138 0013 8000",
  // "+86 13800138000", "0086-138-0013-8000" or "+86-138-0013-8000" (equally likely) instead of
  // "13800138000". These must link after normalisation; a resolver that compares raw strings
  // loses recall on them.
  double phone_variant_share = 0.3;
  // Share of email cells upper-cased, capitalised or wrapped in spaces; these must link too.
  double email_variant_share = 0.1;
  // Share of phone and email cells with one typo: a digit of the phone's subscriber part or a
  // character of the email's local part replaced by another. The result is still a well-formed
  // value but no longer links to its owner, so typos cost recall that no resolver can win back.
  double typo_rate = 0.01;

  // About this share of persons belong to a family (two to four persons, 2.5 on average) that
  // shares one tablet or phone: its device id appears on accounts of several persons, an
  // over-merge trap for any resolver that trusts device ids blindly.
  double family_device_share = 0.03;

  // Store kiosk phones: valid mobile numbers that cashiers type into POS accounts of many
  // different shoppers. This many kiosk phones per 100,000 persons (rounded up, so any positive
  // value gives at least one), each typed into a uniform number of POS accounts in
  // [kiosk_min_accounts, kiosk_max_accounts], capped at people / 20 (at least 2) so that small
  // data sets are not dominated by kiosk rows. Each kiosk account is an extra POS account of a
  // distinct random person; 60% of them also carry that person's member card.
  double kiosk_phones_per_100k = 20;
  uint32_t kiosk_min_accounts = 50;
  uint32_t kiosk_max_accounts = 300;

  // Share of cells whose value is replaced by a placeholder of its type: "13800000000",
  // "13888888888", "13900000000" or "null" for phones; "test@test.com", "a@a.com", "null" and
  // the like for emails; the all-zero IDFA, "null", "unknown" or "0" for device ids; "0", "null"
  // or "none" for member cards and "null" or "undefined" for UnionIDs. Applies to phone, email,
  // device_id, member_card and unionid cells (kiosk phones excluded).
  double placeholder_share = 0.005;

  // Reports the stages "generate: people" (persons planned) and "generate: accounts" (rows
  // written, over all batches); see oneid/progress.h. It never changes what is generated.
  ProgressCallback progress;
};

// Generated accounts with their ground truth.
//
// `accounts` has the source column set to the channel ("pos", "tmall", "jd", "douyin",
// "miniprogram", "wecom", "app"), account ids unique across the whole data set ("pos:10000042",
// "mp:10000007", ...), and these identifier columns, in this order, each named after its type:
// phone, email, unionid, openid ("wx_app1:o..." scoped per mini-program), device_id,
// member_card, buyer_id ("tmall_nick_..." or "jd_pin_..."), alipay. Rows are shuffled, so a
// person's accounts are not adjacent.
struct SyntheticData {
  AccountTable accounts;
  // One entry per row of `accounts`: the index in [0, people) of the person who owns the row.
  std::vector<uint32_t> true_person;
  // Number of persons in the whole data set (also in each batch of a batched generation).
  size_t people = 0;
};

// Generates the data set described by `config`. Deterministic in `config`. A million persons
// (2.5M rows) take about a second on one core and 1 GB, nearly all of it the AccountTable's
// std::string cells.
SyntheticData GenerateOmniChannel(const SyntheticConfig& config);

// The same rows as GenerateOmniChannel(config), in the same order, split into `batches`
// consecutive tables of near-equal size (sizes differ by at most one row), for incremental
// resolution: a person's accounts are spread over several batches, so later batches must merge
// into persons built by earlier ones. Account ids are unique across all batches. Returns an empty
// vector when `batches` is 0; batches beyond the row count are empty tables with the same columns.
std::vector<SyntheticData> GenerateOmniChannelBatches(const SyntheticConfig& config,
                                                      size_t batches);

}  // namespace identity
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_IDENTITY_SYNTHETIC_H_
