// ProfileBuilder: folds orders and behaviour events into per-account accumulators and rolls them
// up, through the identity layer's account -> OneID map, into a FeatureTable keyed by OneID as of
// an explicit observation date.
//
//   ProfileOptions options;
//   options.as_of = *ParseObservationDate("2024-06-30");
//   absl::StatusOr<ProfileBuilder> builder = ProfileBuilder::Create(options);
//   AccountMap map = AccountMap::FromAssignments(resolver.GetAssignments());
//   absl::StatusOr<EventReport> r1 = builder->AddOrders(orders, map);      // bad rows -> report
//   absl::StatusOr<EventReport> r2 = builder->AddBehavior(behaviour, map);
//   absl::StatusOr<FeatureTable> profiles = builder->Build(map);
//   // later: more events, a merge, an erase...
//   builder->AddOrders(todays_orders, map);                      // folds in, no rebuild
//   builder->ForgetAccountsNotIn(new_map);                      // erased accounts' facts go
//   builder->Build(new_map);                                    // merged persons combine
//
// Why accounts, not persons, hold the accumulators: every accumulator here is mergeable (sums,
// counts, minima and maxima, a list of purchase days with their spend, spend per category), so a
// person's features are the roll-up of its accounts' accumulators. Keeping the finest grain makes
// both directions of identity change exact and cheap: a merge is re-keying (the two persons'
// accounts now roll up together), and a split or erase is re-keying too (an erased account's facts
// are deleted, which privacy law asks for anyway, and the remaining pieces roll up separately).
// Replaying the resolver's merge log onto person-level accumulators could do merges but never
// splits. Build costs one pass over the accounts, not over the events.
//
// The features (all numeric unless stated; "days" are whole UTC days; E is the epoch day of
// as_of; a purchase day is a day with at least one sale line; NaN means "not defined", never 0):
// see docs/profile.md for the full list with definitions, and ProfileColumns() for the names.
//
// Thread safety: const methods may run concurrently; Add*, SetAsOf and Forget* need exclusive
// access.
#ifndef ONEID_PROFILE_PROFILE_BUILDER_H_
#define ONEID_PROFILE_PROFILE_BUILDER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/identity/resolver.h"
#include "oneid/internal/strings.h"
#include "oneid/profile/events.h"
#include "oneid/profile/feature_table.h"
#include "oneid/progress.h"

namespace oneid {
inline namespace v0 {
namespace profile {

// The account -> OneID map events are re-keyed through.
class AccountMap {
 public:
  AccountMap() = default;
  // From the resolver's assignments (erased accounts are already absent there).
  static AccountMap FromAssignments(const identity::Assignments& assignments);
  // From parallel columns. InvalidArgument naming the row for a length mismatch, an empty account
  // id, a zero OneID, or an account listed twice with different OneIDs.
  static absl::StatusOr<AccountMap> Create(absl::Span<const std::string_view> account_ids,
                                           absl::Span<const OneId> oneids);
  // Adds or replaces one account's OneID (0 removes it).
  void Set(std::string_view account_id, OneId oneid);
  // The OneID of an account, 0 if unknown.
  OneId Find(std::string_view account_id) const {
    auto it = map_.find(account_id);
    return it == map_.end() ? 0 : it->second;
  }
  size_t size() const { return map_.size(); }

 private:
  internal::StringMap<OneId> map_;
};

// A member tier and the trailing-365-day spend that earns it.
struct TierRule {
  std::string name;
  double min_spend_365d = 0;
};

struct ProfileOptions {
  // The observation date: events after it are rejected, and every age is measured to its day.
  Timestamp as_of = 0;
  // How many categories the top_categories set holds (by gross sales; ties by name).
  size_t top_categories = 3;
  // Tiers, ascending by threshold. A person with at least one purchase ever gets the highest tier
  // whose threshold its spend_365d reaches; a person who never bought gets "".
  std::vector<TierRule> tiers = {{"member", 0}, {"silver", 2000}, {"gold", 8000}, {"platinum", 20000}};
  // Reports the stages "profile: orders", "profile: behaviour" (rows folded) and "profile: build"
  // (persons rolled up); see oneid/progress.h. Empty: no reporting.
  ProgressCallback progress;
};

// Column names of the table Build() returns, in order, so that callers need not spell them.
struct ProfileColumns {
  static std::vector<std::string> Numeric();  // every numeric column
  static constexpr std::string_view kMemberTier = "member_tier";        // text
  static constexpr std::string_view kTopCategories = "top_categories";  // text set
  static constexpr std::string_view kChannels = "channels";             // text set: purchase channels
};

// One person and its accounts, for ProfileBuilder::BuildPersons.
struct PersonAccounts {
  OneId oneid = 0;
  std::vector<std::string> account_ids;
};

class ProfileBuilder {
 public:
  // InvalidArgument for tiers that are not ascending, have empty or repeated names, or
  // non-finite thresholds.
  static absl::StatusOr<ProfileBuilder> Create(ProfileOptions options);

  // Folds order lines in. A row is rejected into the report (never silently dropped, never
  // stopping the batch) when its account is not in `map` (counted in unknown_accounts) or its time
  // is after as_of (counted in after_as_of). Orders are counted per table: lines sharing an
  // order_id within one table are one order, so an order's lines must arrive in one table.
  EventReport AddOrders(const OrderTable& orders, const AccountMap& map);
  EventReport AddBehavior(const BehaviorTable& behaviour, const AccountMap& map);

  // Moves the observation date. FailedPrecondition if an event already folded lies after it
  // (those facts cannot be taken back out of the accumulators).
  absl::Status SetAsOf(Timestamp as_of);
  Timestamp as_of() const { return options_.as_of; }
  const ProfileOptions& options() const { return options_; }

  // One row per OneID that has any accepted event on an account `current` maps, ascending by
  // OneID. Accounts the map no longer knows are left out (see ForgetAccountsNotIn).
  absl::StatusOr<FeatureTable> Build(const AccountMap& current) const;

  // The rows of only these persons, each with its current accounts (for instance the persons a
  // resolver batch touched, BatchReport::touched_oneids, with Resolver::AccountsOf): what a host
  // needs to re-profile after a small batch without rebuilding the base. Costs O(their accounts
  // and events), not O(base). Rows are ascending by OneID and equal to the same persons' rows of
  // Build() on the same map; a person none of whose accounts has an accepted event has no row.
  // InvalidArgument (naming the entry) for OneID 0, a OneID listed twice, or an account listed
  // under two OneIDs.
  absl::StatusOr<FeatureTable> BuildPersons(absl::Span<const PersonAccounts> persons) const;

  // Deletes everything known about an account (after an erase). NotFound if it has no facts.
  absl::Status ForgetAccount(std::string_view account_id);
  // Deletes the facts of every account `current` does not map; returns how many.
  size_t ForgetAccountsNotIn(const AccountMap& current);

  size_t account_count() const { return live_accounts_; }
  // Approximate heap bytes held by the accumulators.
  size_t MemoryBytes() const;

  struct DaySpend {
    int32_t day = 0;
    double gross = 0;  // sales (non-negative lines) on that day
  };
  struct CategorySpend {
    uint32_t category = 0;  // code in the builder's category dictionary
    double gross = 0;
  };
  // Everything known about one account; every field combines across accounts by sum, min, max or
  // union, which is what makes re-keying exact.
  struct Accumulator {
    Timestamp first_event = INT64_MAX;
    Timestamp last_event = INT64_MIN;
    double gross = 0;     // sum of sale lines
    double refunded = 0;  // sum of |refund lines|
    double discount = 0;  // sum of discounts on sale lines
    double points_earned = 0;
    double points_spent = 0;
    uint32_t orders = 0;
    uint32_t coupon_orders = 0;
    uint32_t refund_lines = 0;
    bool live = false;
    std::string account_id;
    std::array<uint32_t, kChannelCount> channel_orders{};
    std::array<uint32_t, kBehaviorKindCount> behavior{};
    std::vector<DaySpend> days;             // unsorted; consecutive lines of one day collapse
    std::vector<CategorySpend> categories;  // unsorted, one entry per category
  };

 private:
  explicit ProfileBuilder(ProfileOptions options) : options_(std::move(options)) {}
  uint32_t SlotOf(std::string_view account_id);
  // One row per distinct OneID of `members` (OneID, account slot) pairs, in OneID order.
  absl::StatusOr<FeatureTable> RollUp(std::vector<std::pair<OneId, uint32_t>> members) const;
  void Touch(Accumulator& a, Timestamp t);

  ProfileOptions options_;
  internal::StringMap<uint32_t> slot_of_;  // live account id -> slot
  std::vector<Accumulator> slots_;         // one per account ever seen; forgotten ones are cleared
  StringDictionary categories_;
  size_t live_accounts_ = 0;
  Timestamp latest_event_ = INT64_MIN;
};

// Re-keys events through `map` and builds their profiles as of `options.as_of` in one call; the
// report collects both tables' rejections (orders first, then behaviour).
absl::StatusOr<FeatureTable> BuildProfiles(const OrderTable& orders, const BehaviorTable& behaviour,
                                           const AccountMap& map, const ProfileOptions& options,
                                           EventReport* report = nullptr);

}  // namespace profile
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_PROFILE_PROFILE_BUILDER_H_
