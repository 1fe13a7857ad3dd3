// Survivorship of golden attributes. See include/oneid/profile/golden_record.h.
#include "oneid/profile/golden_record.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace oneid {
inline namespace v0 {
namespace profile {

std::string_view SurvivorshipRuleName(SurvivorshipRule rule) {
  switch (rule) {
    case SurvivorshipRule::kMostTrustedSource: return "most_trusted_source";
    case SurvivorshipRule::kMostRecent: return "most_recent";
    case SurvivorshipRule::kMostFrequent: return "most_frequent";
    case SurvivorshipRule::kHighestRank: return "highest_rank";
  }
  return "unknown";
}

GoldenRecordConfig DefaultGoldenRecordConfig() {
  const std::vector<std::string> trust = {"pos", "app", "miniprogram", "wecom", "tmall", "jd", "douyin"};
  GoldenRecordConfig config;
  config.rules = {
      {"name", SurvivorshipRule::kMostTrustedSource, trust, {}},
      {"birthday", SurvivorshipRule::kMostTrustedSource, trust, {}},
      {"city", SurvivorshipRule::kMostRecent, trust, {}},
      {"gender", SurvivorshipRule::kMostFrequent, trust, {}},
      {"member_tier", SurvivorshipRule::kHighestRank, trust, {"member", "silver", "gold", "platinum"}},
  };
  return config;
}

absl::StatusOr<GoldenRecordBuilder> GoldenRecordBuilder::Create(GoldenRecordConfig config) {
  absl::flat_hash_set<std::string> seen;
  for (const AttributeRule& r : config.rules) {
    if (r.attribute.empty()) return absl::InvalidArgumentError("a golden attribute needs a name");
    if (!seen.insert(r.attribute).second) {
      return absl::InvalidArgumentError(absl::StrCat("golden attribute '", r.attribute, "' is configured twice"));
    }
    if (r.rule == SurvivorshipRule::kHighestRank && r.ranks.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("golden attribute '", r.attribute,
                                                     "': highest_rank needs a list of ranks"));
    }
  }
  return GoldenRecordBuilder(std::move(config));
}

absl::Status GoldenRecordBuilder::Add(std::string_view account_id, std::string_view source,
                                      std::string_view attribute, std::string_view value, Timestamp updated) {
  if (account_id.empty()) return absl::InvalidArgumentError("field account_id: is empty");
  uint32_t a = 0;
  while (a < config_.rules.size() && config_.rules[a].attribute != attribute) ++a;
  if (a == config_.rules.size()) {
    return absl::InvalidArgumentError(absl::StrCat("field attribute: '", internal::Absl(attribute),
                                                   "' is not a configured golden attribute"));
  }
  if (value.empty()) return absl::OkStatus();
  const AttributeRule& rule = config_.rules[a];
  Value v;
  v.attribute = a;
  v.updated = updated;
  v.value = std::string(value);
  v.source_rank = static_cast<uint32_t>(
      std::find(rule.source_trust.begin(), rule.source_trust.end(), source) - rule.source_trust.begin());
  if (rule.rule == SurvivorshipRule::kHighestRank) {
    auto it = std::find(rule.ranks.begin(), rule.ranks.end(), value);
    if (it == rule.ranks.end()) {
      return absl::InvalidArgumentError(absl::StrCat("field ", rule.attribute, ": '", internal::Absl(value),
                                                     "' is not one of its ranks"));
    }
    v.value_rank = static_cast<uint32_t>(it - rule.ranks.begin());
  }
  std::vector<Value>& held = values_[account_id];
  for (Value& old : held) {
    if (old.attribute == a) {
      if (updated >= old.updated) old = std::move(v);
      return absl::OkStatus();
    }
  }
  held.push_back(std::move(v));
  return absl::OkStatus();
}

absl::Status GoldenRecordBuilder::ForgetAccount(std::string_view account_id) {
  auto it = values_.find(account_id);
  if (it == values_.end()) {
    return absl::NotFoundError(absl::StrCat("no golden values are held for account '", internal::Absl(account_id), "'"));
  }
  values_.erase(it);
  return absl::OkStatus();
}

absl::StatusOr<FeatureTable> GoldenRecordBuilder::Build(const AccountMap& current) const {
  std::vector<std::pair<OneId, const std::vector<Value>*>> members;
  for (const auto& [account, values] : values_) {
    const OneId id = current.Find(account);
    if (id != 0 && !values.empty()) members.emplace_back(id, &values);
  }
  std::sort(members.begin(), members.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<OneId> oneids;
  for (size_t i = 0; i < members.size(); ++i) {
    if (i == 0 || members[i].first != members[i - 1].first) oneids.push_back(members[i].first);
  }
  const size_t n_attr = config_.rules.size();
  std::vector<std::vector<std::string>> columns(n_attr, std::vector<std::string>(oneids.size()));
  std::vector<std::vector<const Value*>> candidates(n_attr);
  size_t m = 0;
  for (size_t r = 0; r < oneids.size(); ++r) {
    for (auto& c : candidates) c.clear();
    for (; m < members.size() && members[m].first == oneids[r]; ++m) {
      for (const Value& v : *members[m].second) candidates[v.attribute].push_back(&v);
    }
    for (size_t a = 0; a < n_attr; ++a) {
      if (candidates[a].empty()) continue;
      const SurvivorshipRule rule = config_.rules[a].rule;
      // How often each value occurs (kMostFrequent).
      std::map<std::string_view, size_t> frequency;
      if (rule == SurvivorshipRule::kMostFrequent) {
        for (const Value* v : candidates[a]) ++frequency[v->value];
      }
      // `better(x, y)`: x wins over y.
      auto better = [&](const Value* x, const Value* y) {
        switch (rule) {
          case SurvivorshipRule::kMostTrustedSource:
            if (x->source_rank != y->source_rank) return x->source_rank < y->source_rank;
            if (x->updated != y->updated) return x->updated > y->updated;
            break;
          case SurvivorshipRule::kMostRecent:
            if (x->updated != y->updated) return x->updated > y->updated;
            if (x->source_rank != y->source_rank) return x->source_rank < y->source_rank;
            break;
          case SurvivorshipRule::kMostFrequent: {
            const size_t fx = frequency[x->value], fy = frequency[y->value];
            if (fx != fy) return fx > fy;
            if (x->updated != y->updated) return x->updated > y->updated;
            break;
          }
          case SurvivorshipRule::kHighestRank:
            if (x->value_rank != y->value_rank) return x->value_rank > y->value_rank;
            break;
        }
        return x->value < y->value;
      };
      const Value* best = candidates[a].front();
      for (const Value* v : candidates[a]) {
        if (better(v, best)) best = v;
      }
      columns[a][r] = best->value;
    }
  }
  FeatureTable table(std::move(oneids));
  for (size_t a = 0; a < n_attr; ++a) {
    if (absl::Status s = table.SetText(config_.rules[a].attribute, std::move(columns[a])); !s.ok()) return s;
  }
  return table;
}

}  // namespace profile
}  // namespace v0
}  // namespace oneid
