// Tag rules; see include/oneid/segment/tags.h.
#include "oneid/segment/tags.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "oneid/internal/status_macros.h"
#include "oneid/internal/strings.h"
#include "oneid/segment/audience.h"

namespace oneid {
inline namespace v0 {
namespace segment {

std::string_view TagLayerName(TagLayer layer) {
  switch (layer) {
    case TagLayer::kValue: return "value";
    case TagLayer::kNeed: return "need";
    case TagLayer::kBehaviour: return "behaviour";
    case TagLayer::kPreference: return "preference";
    case TagLayer::kRisk: return "risk";
  }
  return "unknown";
}

absl::StatusOr<TagLayer> TagLayerFromName(std::string_view name) {
  for (TagLayer layer : {TagLayer::kValue, TagLayer::kNeed, TagLayer::kBehaviour, TagLayer::kPreference, TagLayer::kRisk}) {
    if (TagLayerName(layer) == name) return layer;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown tag layer '", internal::Absl(name),
                                                 "'; expected value, need, behaviour, preference or risk"));
}

std::vector<TagRule> DefaultTags() {
  using L = TagLayer;
  return {
      {"high_value", L::kValue, "clv_decile >= 9", "top fifth by customer lifetime value"},
      {"low_value", L::kValue, "clv_decile <= 3", "bottom 30% by customer lifetime value"},
      {"big_basket", L::kValue, "monetary_score >= 5", "top RFM monetary score"},
      {"repeat_buyer", L::kNeed, "frequency >= 2", "bought more than once"},
      {"new_customer", L::kNeed, "lifecycle_stage == \"new\"", "first purchase recently"},
      {"omni_channel", L::kBehaviour, "count(channels) >= 2", "buys in two or more channels"},
      {"frequent_buyer", L::kBehaviour, "frequency_score >= 4", "top two RFM frequency scores"},
      {"member", L::kBehaviour, "member_tier != \"\"", "holds a membership tier"},
      {"douyin_shopper", L::kPreference, "\"douyin\" in channels", "buys on Douyin"},
      {"store_shopper", L::kPreference, "\"pos\" in channels", "buys in stores"},
      {"online_only", L::kPreference, "count(channels) >= 1 and \"pos\" not in channels", "never buys in stores"},
      {"churn_risk", L::kRisk, "p_alive < 0.3 and frequency >= 1", "a buyer the model thinks has probably left"},
      {"lapsing", L::kRisk, "lifecycle_stage in (\"sleeping\", \"lost\")", "sleeping or lost"},
      {"price_sensitive", L::kRisk, "coupon_share >= 0.5", "half or more of orders used a coupon"},
      {"points_expiring", L::kRisk, "points_expiring > 0", "has loyalty points about to expire"},
  };
}

absl::StatusOr<TagReport> ApplyTags(profile::FeatureTable& table, const std::vector<TagRule>& rules,
                                    MissingColumns missing) {
  // Compile everything first: a typo in the tenth rule must not leave nine new columns behind.
  std::vector<Audience> compiled;
  compiled.reserve(rules.size());
  absl::flat_hash_set<std::string> names;
  for (size_t i = 0; i < rules.size(); ++i) {
    const TagRule& rule = rules[i];
    if (rule.name.empty()) return absl::InvalidArgumentError(absl::StrCat("tag rule ", i, ": a tag needs a name"));
    if (!names.insert(rule.name).second) {
      return absl::InvalidArgumentError(absl::StrCat("tag rule ", i, ": duplicate tag name '", rule.name, "'"));
    }
    absl::StatusOr<Audience> audience = Audience::Compile(rule.expression);
    if (!audience.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("tag '", rule.name, "': ", audience.status().message()));
    }
    compiled.push_back(*std::move(audience));
  }
  TagReport report;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (missing == MissingColumns::kSkip) {
      bool skip = false;
      for (const std::string& column : compiled[i].columns()) {
        if (!table.Has(column)) {
          report.skipped.push_back({rules[i].name, absl::StrCat("needs column '", column, "', which the table lacks")});
          skip = true;
          break;
        }
      }
      if (skip) continue;
    }
    absl::StatusOr<std::vector<uint8_t>> mask = compiled[i].Evaluate(table);
    if (!mask.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("tag '", rules[i].name, "': ", mask.status().message()));
    }
    std::vector<double> values(mask->begin(), mask->end());
    ONEID_RETURN_IF_ERROR(table.SetNumeric(rules[i].name, std::move(values)));
    report.applied.push_back(rules[i].name);
  }
  return report;
}

}  // namespace segment
}  // namespace v0
}  // namespace oneid
