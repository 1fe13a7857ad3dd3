// ProfileBuilder: folding events into account accumulators and rolling them up per OneID.
// See include/oneid/profile/profile_builder.h and docs/profile.md.
#include "oneid/profile/profile_builder.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "oneid/internal/progress_meter.h"

namespace oneid {
inline namespace v0 {
namespace profile {

// ---------------------------------------------------------------------------------------------
// AccountMap.

AccountMap AccountMap::FromAssignments(const identity::Assignments& assignments) {
  AccountMap map;
  map.map_.reserve(assignments.account_ids.size());
  for (size_t i = 0; i < assignments.account_ids.size(); ++i) {
    if (assignments.oneids[i] != 0) map.map_[assignments.account_ids[i]] = assignments.oneids[i];
  }
  return map;
}

absl::StatusOr<AccountMap> AccountMap::Create(absl::Span<const std::string_view> account_ids,
                                              absl::Span<const OneId> oneids) {
  if (account_ids.size() != oneids.size()) {
    return absl::InvalidArgumentError(absl::StrCat("mapping: ", account_ids.size(), " account ids but ",
                                                   oneids.size(), " OneIDs"));
  }
  AccountMap map;
  map.map_.reserve(account_ids.size());
  for (size_t i = 0; i < account_ids.size(); ++i) {
    if (account_ids[i].empty()) {
      return absl::InvalidArgumentError(absl::StrCat("mapping row ", i, ", field account_id: is empty"));
    }
    if (oneids[i] == 0) {
      return absl::InvalidArgumentError(absl::StrCat("mapping row ", i, ", field oneid: 0 is not a OneID"));
    }
    auto [it, inserted] = map.map_.emplace(std::string(account_ids[i]), oneids[i]);
    if (!inserted && it->second != oneids[i]) {
      return absl::InvalidArgumentError(absl::StrCat("mapping row ", i, ", field oneid: account '",
                                                     internal::Absl(account_ids[i]), "' is mapped to both ",
                                                     it->second, " and ", oneids[i]));
    }
  }
  return map;
}

void AccountMap::Set(std::string_view account_id, OneId oneid) {
  if (oneid == 0) {
    auto it = map_.find(account_id);
    if (it != map_.end()) map_.erase(it);
    return;
  }
  map_[std::string(account_id)] = oneid;
}

// ---------------------------------------------------------------------------------------------
// Columns.

namespace {

enum Col : size_t {
  kFirstPurchaseDay,
  kLastPurchaseDay,
  kRecencyDays,
  kFrequency,
  kPurchaseDays,
  kMonetaryTotal,
  kMonetaryMean,
  kTenureDays,
  kIntervalMeanDays,
  kIntervalStdDays,
  kLastGapDays,
  kExpectedNextPurchaseDay,
  kDaysToNextPurchase,
  kChannelCountCol,
  kChannelShareFirst,
  kCouponShare = kChannelShareFirst + kChannelCount,
  kDiscountRate,
  kRefundRate,
  kRefundCount,
  kBehaviorFirst,  // one count per BehaviorKind except the points kinds
  kBrowseToBuy = kBehaviorFirst + 9,
  kCartToBuy,
  kDaysSinceLastInteraction,
  kPointsEarned,
  kPointsSpent,
  kPointsBalance,
  kSpend365d,
  kCbFrequency,
  kCbRecency,
  kCbT,
  kCbMonetary,
  kNumericCount
};

constexpr std::array<std::string_view, 9> kBehaviorColumns = {
    "browse_count",     "cart_count",       "favourite_count", "share_count", "store_visit_count",
    "coupons_claimed",  "coupons_redeemed", "service_tickets", "complaints"};

std::vector<std::string> NumericNames() {
  std::vector<std::string> names(kNumericCount);
  names[kFirstPurchaseDay] = "first_purchase_day";
  names[kLastPurchaseDay] = "last_purchase_day";
  names[kRecencyDays] = "recency_days";
  names[kFrequency] = "frequency";
  names[kPurchaseDays] = "purchase_days";
  names[kMonetaryTotal] = "monetary_total";
  names[kMonetaryMean] = "monetary_mean";
  names[kTenureDays] = "tenure_days";
  names[kIntervalMeanDays] = "interval_mean_days";
  names[kIntervalStdDays] = "interval_std_days";
  names[kLastGapDays] = "last_gap_days";
  names[kExpectedNextPurchaseDay] = "expected_next_purchase_day";
  names[kDaysToNextPurchase] = "days_to_next_purchase";
  names[kChannelCountCol] = "channel_count";
  for (size_t c = 0; c < kChannelCount; ++c) {
    names[kChannelShareFirst + c] = absl::StrCat("channel_share_", internal::Absl(ChannelName(static_cast<Channel>(c))));
  }
  names[kCouponShare] = "coupon_share";
  names[kDiscountRate] = "discount_rate";
  names[kRefundRate] = "refund_rate";
  names[kRefundCount] = "refund_count";
  for (size_t k = 0; k < kBehaviorColumns.size(); ++k) names[kBehaviorFirst + k] = std::string(kBehaviorColumns[k]);
  names[kBrowseToBuy] = "browse_to_buy";
  names[kCartToBuy] = "cart_to_buy";
  names[kDaysSinceLastInteraction] = "days_since_last_interaction";
  names[kPointsEarned] = "points_earned";
  names[kPointsSpent] = "points_spent";
  names[kPointsBalance] = "points_balance";
  names[kSpend365d] = "spend_365d";
  names[kCbFrequency] = "cb_frequency";
  names[kCbRecency] = "cb_recency";
  names[kCbT] = "cb_T";
  names[kCbMonetary] = "cb_monetary";
  return names;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Ratio(double num, double den) { return den == 0 ? kNaN : num / den; }

}  // namespace

std::vector<std::string> ProfileColumns::Numeric() { return NumericNames(); }

// ---------------------------------------------------------------------------------------------
// Builder.

absl::StatusOr<ProfileBuilder> ProfileBuilder::Create(ProfileOptions options) {
  absl::flat_hash_set<std::string> names;
  for (size_t i = 0; i < options.tiers.size(); ++i) {
    const TierRule& t = options.tiers[i];
    if (t.name.empty()) return absl::InvalidArgumentError(absl::StrCat("tier ", i, " has an empty name"));
    if (!names.insert(t.name).second) {
      return absl::InvalidArgumentError(absl::StrCat("tier name '", t.name, "' appears twice"));
    }
    if (!std::isfinite(t.min_spend_365d)) {
      return absl::InvalidArgumentError(absl::StrCat("tier '", t.name, "': threshold is not finite"));
    }
    if (i > 0 && t.min_spend_365d < options.tiers[i - 1].min_spend_365d) {
      return absl::InvalidArgumentError(absl::StrCat("tier '", t.name, "': thresholds must ascend; ",
                                                     t.min_spend_365d, " follows ",
                                                     options.tiers[i - 1].min_spend_365d));
    }
  }
  return ProfileBuilder(std::move(options));
}

uint32_t ProfileBuilder::SlotOf(std::string_view account_id) {
  auto it = slot_of_.find(account_id);
  if (it != slot_of_.end()) return it->second;
  const auto slot = static_cast<uint32_t>(slots_.size());
  slot_of_.emplace(std::string(account_id), slot);
  slots_.emplace_back();
  slots_.back().account_id = std::string(account_id);
  slots_.back().live = true;
  ++live_accounts_;
  return slot;
}

void ProfileBuilder::Touch(Accumulator& a, Timestamp t) {
  a.first_event = std::min(a.first_event, t);
  a.last_event = std::max(a.last_event, t);
  latest_event_ = std::max(latest_event_, t);
}

namespace {

constexpr uint32_t kUnknownSlot = UINT32_MAX;

// Table account codes -> builder slots, looked up once per distinct account; unknown accounts
// (not in the map) get kUnknownSlot and no slot is created for them.
template <typename Table, typename SlotFn>
std::vector<uint32_t> SlotsOf(const Table& table, const AccountMap& map, SlotFn&& slot_of) {
  const auto& dict = table.accounts().strings();
  std::vector<uint32_t> slots(dict.size(), kUnknownSlot);
  for (size_t code = 0; code < dict.size(); ++code) {
    if (map.Find(dict[code]) != 0) slots[code] = slot_of(dict[code]);
  }
  return slots;
}

void RejectUnknown(EventReport& report, size_t row, std::string_view account_id) {
  ++report.unknown_accounts;
  report.Reject(row, "account_id",
                absl::StrCat("account '", internal::Absl(account_id), "' is not in the identity map"));
}

void RejectLate(EventReport& report, size_t row, Timestamp t, Timestamp as_of) {
  ++report.after_as_of;
  report.Reject(row, "time",
                absl::StrCat(FormatTimestamp(t), " is after the observation date ", FormatTimestamp(as_of)));
}

}  // namespace

EventReport ProfileBuilder::AddOrders(const OrderTable& orders, const AccountMap& map) {
  EventReport report;
  const size_t n = orders.row_count();
  report.rows_read = n;
  // Slots are only created for accounts with at least one accepted row, so an account whose rows
  // are all late does not appear in the profiles with nothing.
  const std::vector<uint32_t> known = SlotsOf(orders, map, [](std::string_view) { return 0u; });
  std::vector<uint32_t> slot_of_code(known.size(), kUnknownSlot);
  // Per order: bit 0 counted as an order, bit 1 counted as a coupon order.
  std::vector<uint8_t> order_flags(orders.orders().size(), 0);
  std::vector<uint32_t> category_of_code(orders.categories().size(), kUnknownSlot);
  const Timestamp as_of = options_.as_of;
  internal::ProgressMeter meter(options_.progress, "profile: orders", n);
  for (size_t i = 0; i < n; ++i) {
    meter.Tick(i);
    const uint32_t code = orders.account_code(i);
    if (known[code] == kUnknownSlot) {
      RejectUnknown(report, orders.row_number(i), orders.account_id(i));
      continue;
    }
    const Timestamp t = orders.time(i);
    if (t > as_of) {
      RejectLate(report, orders.row_number(i), t, as_of);
      continue;
    }
    uint32_t slot = slot_of_code[code];
    if (slot == kUnknownSlot) slot = slot_of_code[code] = SlotOf(orders.account_id(i));
    Accumulator& a = slots_[slot];
    Touch(a, t);
    ++report.rows_accepted;
    const double amount = orders.amount(i);
    if (amount < 0) {
      a.refunded -= amount;
      ++a.refund_lines;
      continue;
    }
    a.gross += amount;
    a.discount += orders.discount(i);
    const uint32_t order = orders.order_code(i);
    uint8_t line_flags = 0;  // a line without an order id is an order of its own
    uint8_t& flags = order == OrderTable::kNoOrder ? line_flags : order_flags[order];
    if (!(flags & 1)) {
      flags |= 1;
      ++a.orders;
      ++a.channel_orders[static_cast<size_t>(orders.channel(i))];
    }
    if (orders.coupon_used(i) && !(flags & 2)) {
      flags |= 2;
      ++a.coupon_orders;
    }
    const auto day = static_cast<int32_t>(DayOf(t));
    if (!a.days.empty() && a.days.back().day == day) {
      a.days.back().gross += amount;
    } else {
      a.days.push_back({day, amount});
    }
    const uint32_t category = orders.category_code(i);
    if (category != StringDictionary::kNone) {
      uint32_t c = category_of_code[category];
      if (c == kUnknownSlot) c = category_of_code[category] = categories_.Intern(orders.categories()[category]);
      auto it = std::find_if(a.categories.begin(), a.categories.end(),
                             [c](const CategorySpend& s) { return s.category == c; });
      if (it == a.categories.end()) {
        a.categories.push_back({c, amount});
      } else {
        it->gross += amount;
      }
    }
  }
  meter.Finish();
  return report;
}

EventReport ProfileBuilder::AddBehavior(const BehaviorTable& behaviour, const AccountMap& map) {
  EventReport report;
  const size_t n = behaviour.row_count();
  report.rows_read = n;
  const std::vector<uint32_t> known = SlotsOf(behaviour, map, [](std::string_view) { return 0u; });
  std::vector<uint32_t> slot_of_code(known.size(), kUnknownSlot);
  const Timestamp as_of = options_.as_of;
  internal::ProgressMeter meter(options_.progress, "profile: behaviour", n);
  for (size_t i = 0; i < n; ++i) {
    meter.Tick(i);
    const uint32_t code = behaviour.account_code(i);
    if (known[code] == kUnknownSlot) {
      RejectUnknown(report, behaviour.row_number(i), behaviour.account_id(i));
      continue;
    }
    const Timestamp t = behaviour.time(i);
    if (t > as_of) {
      RejectLate(report, behaviour.row_number(i), t, as_of);
      continue;
    }
    uint32_t slot = slot_of_code[code];
    if (slot == kUnknownSlot) slot = slot_of_code[code] = SlotOf(behaviour.account_id(i));
    Accumulator& a = slots_[slot];
    Touch(a, t);
    ++report.rows_accepted;
    const BehaviorKind kind = behaviour.kind(i);
    ++a.behavior[static_cast<size_t>(kind)];
    if (kind == BehaviorKind::kPointsEarned) a.points_earned += behaviour.value(i);
    if (kind == BehaviorKind::kPointsSpent) a.points_spent += behaviour.value(i);
  }
  meter.Finish();
  return report;
}

absl::Status ProfileBuilder::SetAsOf(Timestamp as_of) {
  if (latest_event_ != INT64_MIN && latest_event_ > as_of) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot move the observation date to ", FormatTimestamp(as_of), ": an event of ",
                     FormatTimestamp(latest_event_), " has already been folded in"));
  }
  options_.as_of = as_of;
  return absl::OkStatus();
}

absl::Status ProfileBuilder::ForgetAccount(std::string_view account_id) {
  auto it = slot_of_.find(account_id);
  if (it == slot_of_.end()) {
    return absl::NotFoundError(absl::StrCat("no events are held for account '", internal::Absl(account_id), "'"));
  }
  // Clear and release the memory: the facts are gone, not merely hidden.
  slots_[it->second] = Accumulator{};
  slot_of_.erase(it);
  --live_accounts_;
  return absl::OkStatus();
}

size_t ProfileBuilder::ForgetAccountsNotIn(const AccountMap& current) {
  std::vector<std::string> gone;
  for (const auto& [account, slot] : slot_of_) {
    if (current.Find(account) == 0) gone.push_back(account);
  }
  for (const std::string& account : gone) ForgetAccount(account).IgnoreError();
  return gone.size();
}

size_t ProfileBuilder::MemoryBytes() const {
  size_t bytes = slots_.capacity() * sizeof(Accumulator) + categories_.MemoryBytes() +
                 slot_of_.capacity() * (sizeof(std::string) + sizeof(uint32_t) + 1);
  for (const Accumulator& a : slots_) {
    bytes += a.days.capacity() * sizeof(DaySpend) + a.categories.capacity() * sizeof(CategorySpend);
    bytes += a.account_id.capacity() > 15 ? 2 * a.account_id.capacity() : 0;  // in the slot map too
  }
  return bytes;
}

absl::StatusOr<FeatureTable> ProfileBuilder::Build(const AccountMap& current) const {
  // Group live accounts by their current OneID.
  std::vector<std::pair<OneId, uint32_t>> members;
  members.reserve(live_accounts_);
  for (size_t s = 0; s < slots_.size(); ++s) {
    if (!slots_[s].live) continue;
    const OneId id = current.Find(slots_[s].account_id);
    if (id != 0) members.emplace_back(id, static_cast<uint32_t>(s));
  }
  return RollUp(std::move(members));
}

absl::StatusOr<FeatureTable> ProfileBuilder::BuildPersons(absl::Span<const PersonAccounts> persons) const {
  std::vector<std::pair<OneId, uint32_t>> members;
  absl::flat_hash_set<OneId> seen;
  absl::flat_hash_map<std::string_view, OneId, internal::StringHash, internal::StringEq> owner;
  for (size_t i = 0; i < persons.size(); ++i) {
    const PersonAccounts& p = persons[i];
    if (p.oneid == 0) return absl::InvalidArgumentError(absl::StrCat("persons[", i, "]: OneID 0 is not a person"));
    if (!seen.insert(p.oneid).second) {
      return absl::InvalidArgumentError(absl::StrCat("persons[", i, "]: OneID ", p.oneid, " is listed twice"));
    }
    for (const std::string& account : p.account_ids) {
      const auto [it, inserted] = owner.emplace(account, p.oneid);
      if (!inserted && it->second != p.oneid) {
        return absl::InvalidArgumentError(absl::StrCat("persons[", i, "]: account '", internal::Absl(account),
                                                       "' is also listed under OneID ", it->second));
      }
      auto slot = slot_of_.find(account);
      // An account with no accepted event yet has no accumulator: it adds nothing to the person.
      if (inserted && slot != slot_of_.end()) members.emplace_back(p.oneid, slot->second);
    }
  }
  return RollUp(std::move(members));
}

absl::StatusOr<FeatureTable> ProfileBuilder::RollUp(std::vector<std::pair<OneId, uint32_t>> members) const {
  std::sort(members.begin(), members.end());
  std::vector<OneId> oneids;
  for (size_t i = 0; i < members.size(); ++i) {
    if (i == 0 || members[i].first != members[i - 1].first) oneids.push_back(members[i].first);
  }
  const size_t rows = oneids.size();
  std::vector<std::vector<double>> col(kNumericCount, std::vector<double>(rows, kNaN));
  std::vector<std::string> tier(rows);
  TextSetColumn top_categories, channels;
  top_categories.offsets.reserve(rows + 1);
  channels.offsets.reserve(rows + 1);
  const int64_t E = DayOf(options_.as_of);
  std::vector<DaySpend> days;
  std::vector<CategorySpend> cats;
  Accumulator p;
  size_t m = 0;
  internal::ProgressMeter meter(options_.progress, "profile: build", rows);
  for (size_t r = 0; r < rows; ++r) {
    meter.Tick(r);
    // Combine the person's accounts into `p`.
    p.first_event = INT64_MAX;
    p.last_event = INT64_MIN;
    p.gross = p.refunded = p.discount = p.points_earned = p.points_spent = 0;
    p.orders = p.coupon_orders = p.refund_lines = 0;
    p.channel_orders.fill(0);
    p.behavior.fill(0);
    days.clear();
    cats.clear();
    for (; m < members.size() && members[m].first == oneids[r]; ++m) {
      const Accumulator& a = slots_[members[m].second];
      p.first_event = std::min(p.first_event, a.first_event);
      p.last_event = std::max(p.last_event, a.last_event);
      p.gross += a.gross;
      p.refunded += a.refunded;
      p.discount += a.discount;
      p.points_earned += a.points_earned;
      p.points_spent += a.points_spent;
      p.orders += a.orders;
      p.coupon_orders += a.coupon_orders;
      p.refund_lines += a.refund_lines;
      for (size_t c = 0; c < kChannelCount; ++c) p.channel_orders[c] += a.channel_orders[c];
      for (size_t k = 0; k < kBehaviorKindCount; ++k) p.behavior[k] += a.behavior[k];
      days.insert(days.end(), a.days.begin(), a.days.end());
      cats.insert(cats.end(), a.categories.begin(), a.categories.end());
    }
    // Purchase days: sorted, one entry per day (lines of one day on several accounts collapse).
    std::sort(days.begin(), days.end(), [](const DaySpend& x, const DaySpend& y) { return x.day < y.day; });
    size_t w = 0;
    for (size_t i = 0; i < days.size(); ++i) {
      if (w > 0 && days[w - 1].day == days[i].day) {
        days[w - 1].gross += days[i].gross;
      } else {
        days[w++] = days[i];
      }
    }
    days.resize(w);

    auto set = [&](size_t c, double v) { col[c][r] = v; };
    const auto n_days = static_cast<double>(days.size());
    set(kFrequency, p.orders);
    set(kPurchaseDays, n_days);
    set(kMonetaryTotal, p.gross - p.refunded);
    set(kMonetaryMean, Ratio(p.gross - p.refunded, p.orders));
    set(kTenureDays, static_cast<double>(E - DayOf(p.first_event)));
    set(kDaysSinceLastInteraction, static_cast<double>(E - DayOf(p.last_event)));
    double spend_365 = 0;
    if (!days.empty()) {
      const double first = days.front().day, last = days.back().day;
      set(kFirstPurchaseDay, first);
      set(kLastPurchaseDay, last);
      set(kRecencyDays, static_cast<double>(E) - last);
      set(kCbFrequency, n_days - 1);
      set(kCbRecency, last - first);
      set(kCbT, static_cast<double>(E) - first);
      double repeat_spend = 0;
      for (size_t i = 1; i < days.size(); ++i) repeat_spend += days[i].gross;
      set(kCbMonetary, days.size() > 1 ? repeat_spend / (n_days - 1) : 0.0);
      if (days.size() > 1) {
        const double mean = (last - first) / (n_days - 1);
        double ss = 0;
        for (size_t i = 1; i < days.size(); ++i) {
          const double gap = days[i].day - days[i - 1].day;
          ss += (gap - mean) * (gap - mean);
        }
        set(kIntervalMeanDays, mean);
        set(kIntervalStdDays, std::sqrt(ss / (n_days - 1)));
        // The gap that ended with the latest purchase: the segment layer's "won back" test.
        set(kLastGapDays, last - days[days.size() - 2].day);
        set(kExpectedNextPurchaseDay, last + mean);
        set(kDaysToNextPurchase, last + mean - static_cast<double>(E));
      }
      for (const DaySpend& d : days) {
        if (d.day > E - 365) spend_365 += d.gross;
      }
    }
    set(kSpend365d, spend_365);
    size_t channel_count = 0;
    const size_t channels_begin = channels.values.size();
    for (size_t c = 0; c < kChannelCount; ++c) {
      channel_count += p.channel_orders[c] > 0;
      set(kChannelShareFirst + c, Ratio(p.channel_orders[c], p.orders));
      if (p.channel_orders[c] > 0) channels.values.emplace_back(ChannelName(static_cast<Channel>(c)));
    }
    // A text set is stored sorted by name (FeatureTable's convention), not in enum order.
    std::sort(channels.values.begin() + static_cast<std::ptrdiff_t>(channels_begin), channels.values.end());
    channels.offsets.push_back(channels.values.size());
    set(kChannelCountCol, static_cast<double>(channel_count));
    set(kCouponShare, Ratio(p.coupon_orders, p.orders));
    set(kDiscountRate, Ratio(p.discount, p.gross + p.discount));
    set(kRefundRate, Ratio(p.refunded, p.gross));
    set(kRefundCount, p.refund_lines);
    for (size_t k = 0; k < kBehaviorColumns.size(); ++k) set(kBehaviorFirst + k, p.behavior[k]);
    const double browse = p.behavior[static_cast<size_t>(BehaviorKind::kBrowse)];
    const double cart = p.behavior[static_cast<size_t>(BehaviorKind::kAddToCart)];
    set(kBrowseToBuy, Ratio(p.orders, browse));
    set(kCartToBuy, Ratio(p.orders, cart));
    set(kPointsEarned, p.points_earned);
    set(kPointsSpent, p.points_spent);
    set(kPointsBalance, p.points_earned - p.points_spent);
    if (!days.empty()) {
      for (const TierRule& t : options_.tiers) {
        if (spend_365 >= t.min_spend_365d) tier[r] = t.name;
      }
    }

    // Top categories by gross sales, ties by name so the choice does not depend on input order.
    std::sort(cats.begin(), cats.end(),
              [](const CategorySpend& x, const CategorySpend& y) { return x.category < y.category; });
    w = 0;
    for (size_t i = 0; i < cats.size(); ++i) {
      if (w > 0 && cats[w - 1].category == cats[i].category) {
        cats[w - 1].gross += cats[i].gross;
      } else {
        cats[w++] = cats[i];
      }
    }
    cats.resize(w);
    const size_t k = std::min(options_.top_categories, cats.size());
    std::partial_sort(cats.begin(), cats.begin() + static_cast<std::ptrdiff_t>(k), cats.end(),
                      [&](const CategorySpend& x, const CategorySpend& y) {
                        if (x.gross != y.gross) return x.gross > y.gross;
                        return categories_[x.category] < categories_[y.category];
                      });
    std::vector<std::string> chosen;
    for (size_t i = 0; i < k; ++i) chosen.emplace_back(categories_[cats[i].category]);
    std::sort(chosen.begin(), chosen.end());  // a text set is stored sorted
    for (std::string& c : chosen) top_categories.values.push_back(std::move(c));
    top_categories.offsets.push_back(top_categories.values.size());
  }
  meter.Finish();

  FeatureTable table(std::move(oneids));
  const std::vector<std::string> names = NumericNames();
  for (size_t c = 0; c < kNumericCount; ++c) {
    if (absl::Status s = table.SetNumeric(names[c], std::move(col[c])); !s.ok()) return s;
  }
  if (absl::Status s = table.SetText(std::string(ProfileColumns::kMemberTier), std::move(tier)); !s.ok()) return s;
  if (absl::Status s = table.SetTextSet(std::string(ProfileColumns::kTopCategories), std::move(top_categories));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = table.SetTextSet(std::string(ProfileColumns::kChannels), std::move(channels)); !s.ok()) {
    return s;
  }
  return table;
}

absl::StatusOr<FeatureTable> BuildProfiles(const OrderTable& orders, const BehaviorTable& behaviour,
                                           const AccountMap& map, const ProfileOptions& options,
                                           EventReport* report) {
  absl::StatusOr<ProfileBuilder> builder = ProfileBuilder::Create(options);
  if (!builder.ok()) return builder.status();
  EventReport r = builder->AddOrders(orders, map);
  r.Absorb(builder->AddBehavior(behaviour, map));
  if (report != nullptr) report->Absorb(r);
  return builder->Build(map);
}

}  // namespace profile
}  // namespace v0
}  // namespace oneid
