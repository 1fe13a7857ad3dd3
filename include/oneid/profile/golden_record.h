// GoldenRecordBuilder: one "golden" value per person for attributes that several accounts hold
// differently (name, birthday, city, gender, the CRM's member tier), chosen by survivorship rules.
//
//   GoldenRecordBuilder golden = *GoldenRecordBuilder::Create(DefaultGoldenRecordConfig());
//   golden.Add("pos:1", "pos", "name", "Zhang Wei", *ParseTimestamp("2023-05-01")).IgnoreError();
//   golden.Add("tm:7", "tmall", "name", "zw_1988", *ParseTimestamp("2024-02-01")).IgnoreError();
//   FeatureTable g = *golden.Build(map);   // name = "Zhang Wei": POS is the more trusted source
//
// Like ProfileBuilder, values are kept per *account* and chosen per person when Build runs with the
// current account -> OneID map, so a merge simply widens the set of candidates and an erase
// (ForgetAccount) removes the account's values for good.
//
// Rules (ties are broken in the order listed, finally by the smaller value, so the choice never
// depends on input order):
//   kMostTrustedSource  the value from the most trusted source (`source_trust`, most trusted
//                       first; unlisted sources rank below all listed ones), then the most recent
//   kMostRecent         the most recently updated value, then the most trusted source
//   kMostFrequent       the value held by the most accounts, then the most recent
//   kHighestRank        the highest value in `ranks` (ascending): a merge never demotes a member
//                       tier; values outside `ranks` are refused by Add
#ifndef ONEID_PROFILE_GOLDEN_RECORD_H_
#define ONEID_PROFILE_GOLDEN_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "oneid/internal/strings.h"
#include "oneid/profile/events.h"
#include "oneid/profile/feature_table.h"
#include "oneid/profile/profile_builder.h"

namespace oneid {
inline namespace v0 {
namespace profile {

enum class SurvivorshipRule : uint8_t { kMostTrustedSource, kMostRecent, kMostFrequent, kHighestRank };
std::string_view SurvivorshipRuleName(SurvivorshipRule rule);

struct AttributeRule {
  std::string attribute;  // also the output column name
  SurvivorshipRule rule = SurvivorshipRule::kMostRecent;
  std::vector<std::string> source_trust;  // most trusted first
  std::vector<std::string> ranks;         // kHighestRank: allowed values, ascending
};

struct GoldenRecordConfig {
  std::vector<AttributeRule> rules;
};

// name and birthday: most trusted source (pos, app, miniprogram, wecom, tmall, jd, douyin: a
// cashier checks an ID card, a marketplace nick is not a name); city: most recent (people move);
// gender: most frequent; member_tier: highest rank of member, silver, gold, platinum.
GoldenRecordConfig DefaultGoldenRecordConfig();

class GoldenRecordBuilder {
 public:
  // InvalidArgument for an empty or repeated attribute, or kHighestRank without ranks.
  static absl::StatusOr<GoldenRecordBuilder> Create(GoldenRecordConfig config);

  // Records that `account_id` (from `source`) holds `value` for `attribute` as of `updated`. An
  // account holds one value per attribute: a newer Add replaces an older one, an older one is
  // ignored. An empty value means "unknown" and is ignored. InvalidArgument (naming the field) for
  // an empty account id, an unconfigured attribute, or a kHighestRank value outside its ranks.
  absl::Status Add(std::string_view account_id, std::string_view source, std::string_view attribute,
                   std::string_view value, Timestamp updated);

  // One text column per configured attribute ("" where no account of the person has a value),
  // one row per OneID of `current` with any value, ascending.
  absl::StatusOr<FeatureTable> Build(const AccountMap& current) const;

  // Deletes every value of an account (after an erase). NotFound if it has none.
  absl::Status ForgetAccount(std::string_view account_id);

 private:
  struct Value {
    uint32_t attribute = 0;
    uint32_t source_rank = 0;  // position in the attribute's trust list; larger = less trusted
    uint32_t value_rank = 0;   // kHighestRank: position in ranks
    Timestamp updated = 0;
    std::string value;
  };
  explicit GoldenRecordBuilder(GoldenRecordConfig config) : config_(std::move(config)) {}

  GoldenRecordConfig config_;
  internal::StringMap<std::vector<Value>> values_;  // account -> its current values
};

}  // namespace profile
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_PROFILE_GOLDEN_RECORD_H_
