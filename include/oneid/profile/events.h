// Events: the facts a profile is built from. Orders arrive as order lines (a sale line has a
// non-negative amount; a refund is a line with a negative amount) and behaviour as typed events
// (browse, add to cart, favourite, share, store visit, coupon claimed or redeemed, service ticket,
// complaint, points earned or spent). Both are keyed by the *account* that produced them, not by
// OneID: the profile builder re-keys them through the identity layer's account -> OneID map, so
// the same event files stay valid when persons merge or split.
//
//   OrderTable orders;
//   absl::Status s = orders.AddRow({.order_id = "o1", .account_id = "pos:1",
//                                   .time = *ParseTimestamp("2024-03-05 10:20:00"),
//                                   .channel = Channel::kPos, .category = "shoes",
//                                   .amount = 399.0, .coupon_used = true});
//   BehaviorTable behaviour;
//   s = behaviour.AddRow("mp:9", *ParseTimestamp("2024-03-04"), Channel::kMiniprogram,
//                        BehaviorKind::kAddToCart);
//   EventReport report;
//   absl::StatusOr<OrderTable> more = ReadOrdersCsv(csv_text, report);  // bad rows -> report
//
// Tables are columnar; string columns (account, order, store, category) are dictionary-encoded,
// so 10M lines of 2M accounts hold 2M account strings and 10M 32-bit codes, and re-keying looks
// each distinct account up once.
//
// Time is `Timestamp`: whole seconds since 1970-01-01T00:00:00 UTC. Days are UTC calendar days
// numbered from 1970-01-01 (day 0), the "epoch days" that date columns of a FeatureTable hold.
#ifndef ONEID_PROFILE_EVENTS_H_
#define ONEID_PROFILE_EVENTS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/identity/batch_report.h"
#include "oneid/internal/strings.h"

namespace oneid {
inline namespace v0 {
namespace profile {

using Timestamp = int64_t;  // seconds since 1970-01-01T00:00:00 UTC
inline constexpr int64_t kSecondsPerDay = 86400;

// The UTC day (epoch day) that holds `t`; floor division, so times before 1970 work too.
constexpr int64_t DayOf(Timestamp t) {
  return t >= 0 ? t / kSecondsPerDay : -((-t + kSecondsPerDay - 1) / kSecondsPerDay);
}

// Parses an ISO 8601 timestamp in UTC: "YYYY-MM-DD", "YYYY-MM-DDThh:mm[:ss[.fff]]" (a space may
// replace the T), optionally followed by "Z" or an offset "+hh:mm" / "-hh:mm" (converted to UTC).
// A bare date is its midnight. Fractions of a second are truncated. Years 1900-2999 only, so that a
// typo such as "20240-01-01" is an error rather than a date in the far future. InvalidArgument
// otherwise, saying what was wrong.
absl::StatusOr<Timestamp> ParseTimestamp(std::string_view text);
// An observation date: as ParseTimestamp, except that a bare date means the *end* of that day
// (23:59:59), so "as of 2024-06-30" includes everything that happened on June 30.
absl::StatusOr<Timestamp> ParseObservationDate(std::string_view text);
// "YYYY-MM-DDThh:mm:ssZ" and "YYYY-MM-DD".
std::string FormatTimestamp(Timestamp t);
std::string FormatDay(int64_t epoch_day);
// The epoch day of a civil date (proleptic Gregorian), and back.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// Channels an event can come from. The set is closed: an event naming any other channel is
// rejected, because a typo ("tmal") would otherwise become a channel of its own in every share.
enum class Channel : uint8_t { kPos, kTmall, kJd, kDouyin, kMiniprogram, kWecom, kApp, kWeb };
inline constexpr size_t kChannelCount = 8;
// "pos", "tmall", "jd", "douyin", "miniprogram", "wecom", "app", "web".
std::string_view ChannelName(Channel channel);
// Exact, lower-case names as ChannelName gives them; nullopt for anything else.
std::optional<Channel> ParseChannel(std::string_view name);

enum class BehaviorKind : uint8_t {
  kBrowse,
  kAddToCart,
  kFavourite,
  kShare,
  kStoreVisit,
  kCouponClaimed,
  kCouponRedeemed,
  kServiceTicket,
  kComplaint,
  kPointsEarned,  // value: points earned (> 0)
  kPointsSpent,   // value: points spent (> 0)
};
inline constexpr size_t kBehaviorKindCount = 11;
// "browse", "add_to_cart", "favourite", "share", "store_visit", "coupon_claimed",
// "coupon_redeemed", "service_ticket", "complaint", "points_earned", "points_spent".
std::string_view BehaviorKindName(BehaviorKind kind);
std::optional<BehaviorKind> ParseBehaviorKind(std::string_view name);

// Interned strings: each distinct string gets a dense 32-bit code in order of first appearance.
class StringDictionary {
 public:
  uint32_t Intern(std::string_view text);
  // The code of `text`, or kNone.
  uint32_t Find(std::string_view text) const;
  static constexpr uint32_t kNone = UINT32_MAX;
  std::string_view operator[](uint32_t code) const { return strings_[code]; }
  size_t size() const { return strings_.size(); }
  const std::vector<std::string>& strings() const { return strings_; }
  size_t MemoryBytes() const;
  // When this dictionary is empty, takes `distinct` (which must hold distinct strings, as a pandas
  // categorical's categories do) as its entries, code i for entry i, without hashing them: the
  // hash index is built by the first Intern. Returns false and changes nothing otherwise.
  bool AdoptIfEmpty(absl::Span<const std::string_view> distinct);

 private:
  void BuildIndex();
  std::vector<std::string> strings_;
  internal::StringMap<uint32_t> codes_;
  bool indexed_ = true;  // false after AdoptIfEmpty until the first Intern
};

// What reading or folding a batch of events did. Every rejected row is counted and, up to
// `max_listed`, listed with its row, field and reason; the counts are always exact.
struct EventReport {
  size_t rows_read = 0;
  size_t rows_accepted = 0;
  size_t rows_rejected = 0;
  size_t unknown_accounts = 0;  // rejected rows whose account the identity map does not know
  size_t after_as_of = 0;       // rejected rows dated after the observation date
  std::vector<identity::RowError> errors;
  size_t max_listed = 10000;

  // Records a rejected row.
  void Reject(size_t row, std::string field, std::string reason);
  // Adds another report's counts and errors (for example the CSV reader's to the builder's).
  void Absorb(const EventReport& other);
};

// One order line, as AddRow takes it.
struct OrderLine {
  std::string_view order_id = {};   // lines of one order share it; "" makes the line its own order
  std::string_view account_id = {};  // required
  Timestamp time = 0;
  Channel channel = Channel::kPos;
  std::string_view store = {};     // optional (POS store code, shop name)
  std::string_view category = {};  // optional item category
  double amount = 0;            // paid for the line; negative for a refund line
  double discount = 0;          // discount granted on the line, >= 0
  bool coupon_used = false;
};

// A string column in dictionary form, as a pandas categorical holds it: row i is
// dictionary[codes[i]], and a negative code is a missing value. Dictionary entries must be
// distinct (a categorical's are): a repeated order id would count as two orders.
struct CodedStrings {
  absl::Span<const std::string_view> dictionary;
  absl::Span<const int32_t> codes;
  bool present() const { return !codes.empty(); }
};

// A time that is missing (pandas NaT, an unparseable cell converted upstream).
inline constexpr Timestamp kMissingTime = INT64_MIN;

// Whole columns of order lines, for bulk appends (the Python binding, generators). Optional
// columns may be left empty: order_id (each line its own order), store, category, discount (0),
// coupon_used (false).
struct OrderColumns {
  CodedStrings account_id, channel, order_id, store, category;
  absl::Span<const Timestamp> time;
  absl::Span<const double> amount, discount;
  absl::Span<const uint8_t> coupon_used;
  // What errors call row i: first_row_number + i.
  size_t first_row_number = 0;
};

struct BehaviorColumns {
  CodedStrings account_id, channel, kind;
  absl::Span<const Timestamp> time;
  absl::Span<const double> value;  // optional: 0
  size_t first_row_number = 0;
};

// Columnar order lines.
class OrderTable {
 public:
  // Appends a line. InvalidArgument naming the field when: the account id is empty, the amount is
  // NaN or infinite, the discount is NaN, infinite or negative. The table is then unchanged.
  // `row_number` is what errors call this row (a CSV line, say); by default its index.
  absl::Status AddRow(const OrderLine& line, size_t row_number = kAutoRow);
  static constexpr size_t kAutoRow = static_cast<size_t>(-1);
  void Reserve(size_t rows);
  // Appends whole columns. Each dictionary entry is interned once, not each row. A bad row (empty
  // or missing account, missing time, unknown channel, NaN or infinite amount, bad discount) is
  // rejected into `report` with its row number and field and the rest are appended; rows_read and
  // rows_accepted count the rows. InvalidArgument (nothing appended) if a required column is
  // absent or the columns differ in length.
  absl::Status Append(const OrderColumns& columns, EventReport& report);

  size_t row_count() const { return times_.size(); }
  uint32_t account_code(size_t row) const { return account_codes_[row]; }
  uint32_t order_code(size_t row) const { return order_codes_[row]; }  // kNoOrder for ""
  uint32_t store_code(size_t row) const { return store_codes_[row]; }
  uint32_t category_code(size_t row) const { return category_codes_[row]; }
  std::string_view account_id(size_t row) const { return accounts_[account_codes_[row]]; }
  Timestamp time(size_t row) const { return times_[row]; }
  Channel channel(size_t row) const { return channels_[row]; }
  double amount(size_t row) const { return amounts_[row]; }
  double discount(size_t row) const { return discounts_[row]; }
  bool coupon_used(size_t row) const { return coupons_[row] != 0; }
  size_t row_number(size_t row) const { return row_numbers_[row]; }
  static constexpr uint32_t kNoOrder = StringDictionary::kNone;

  // Whole columns (codes index the dictionaries below; kNone marks a missing order, store or
  // category), for zero-copy export.
  absl::Span<const uint32_t> account_codes() const { return account_codes_; }
  absl::Span<const uint32_t> order_codes() const { return order_codes_; }
  absl::Span<const uint32_t> store_codes() const { return store_codes_; }
  absl::Span<const uint32_t> category_codes() const { return category_codes_; }
  absl::Span<const Timestamp> times() const { return times_; }
  absl::Span<const Channel> channels() const { return channels_; }
  absl::Span<const double> amounts() const { return amounts_; }
  absl::Span<const double> discounts() const { return discounts_; }
  absl::Span<const uint8_t> coupons() const { return coupons_; }

  const StringDictionary& accounts() const { return accounts_; }
  const StringDictionary& orders() const { return orders_; }
  const StringDictionary& stores() const { return stores_; }
  const StringDictionary& categories() const { return categories_; }
  // Heap bytes held (column capacity and dictionaries).
  size_t MemoryBytes() const;

 private:
  StringDictionary accounts_, orders_, stores_, categories_;
  std::vector<uint32_t> account_codes_, order_codes_, store_codes_, category_codes_;
  std::vector<Timestamp> times_;
  std::vector<double> amounts_, discounts_;
  std::vector<Channel> channels_;
  std::vector<uint8_t> coupons_;
  std::vector<size_t> row_numbers_;
};

// Columnar behaviour events.
class BehaviorTable {
 public:
  // Appends an event. InvalidArgument naming the field when the account id is empty, the value is
  // NaN or infinite, or a points event has a value that is not positive.
  absl::Status AddRow(std::string_view account_id, Timestamp time, Channel channel, BehaviorKind kind,
                      double value = 0, size_t row_number = kAutoRow);
  static constexpr size_t kAutoRow = static_cast<size_t>(-1);
  void Reserve(size_t rows);
  // As OrderTable::Append: bad rows (also unknown kinds, bad values) go to `report`.
  absl::Status Append(const BehaviorColumns& columns, EventReport& report);

  size_t row_count() const { return times_.size(); }
  uint32_t account_code(size_t row) const { return account_codes_[row]; }
  std::string_view account_id(size_t row) const { return accounts_[account_codes_[row]]; }
  Timestamp time(size_t row) const { return times_[row]; }
  Channel channel(size_t row) const { return channels_[row]; }
  BehaviorKind kind(size_t row) const { return kinds_[row]; }
  double value(size_t row) const { return values_[row]; }
  size_t row_number(size_t row) const { return row_numbers_[row]; }
  const StringDictionary& accounts() const { return accounts_; }
  absl::Span<const uint32_t> account_codes() const { return account_codes_; }
  absl::Span<const Timestamp> times() const { return times_; }
  absl::Span<const Channel> channels() const { return channels_; }
  absl::Span<const BehaviorKind> kinds() const { return kinds_; }
  absl::Span<const double> values() const { return values_; }
  size_t MemoryBytes() const;

 private:
  StringDictionary accounts_;
  std::vector<uint32_t> account_codes_;
  std::vector<Timestamp> times_;
  std::vector<Channel> channels_;
  std::vector<BehaviorKind> kinds_;
  std::vector<double> values_;
  std::vector<size_t> row_numbers_;
};

// Reads order lines from CSV (RFC 4180 quoting; first line is the header, columns in any order).
// Required columns: account_id, time, channel, amount. Optional: order_id, store, category,
// discount (empty = 0), coupon_used ("1"/"0", "true"/"false", "yes"/"no", empty = false).
// A row with the wrong field count, malformed quoting, an unparseable time or number, a NaN or
// infinite amount, an unknown channel or a bad coupon flag is rejected into `report` (row = CSV
// line number, field = column name) and reading goes on. A missing required column is an error.
absl::StatusOr<OrderTable> ReadOrdersCsv(std::string_view csv_text, EventReport& report);
absl::StatusOr<OrderTable> ReadOrdersCsvFile(const std::string& path, EventReport& report);

// Reads behaviour events from CSV. Required: account_id, time, channel, kind; optional: value
// (empty = 0). Unknown kinds are rejected like unknown channels.
absl::StatusOr<BehaviorTable> ReadBehaviorCsv(std::string_view csv_text, EventReport& report);
absl::StatusOr<BehaviorTable> ReadBehaviorCsvFile(const std::string& path, EventReport& report);

}  // namespace profile
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_PROFILE_EVENTS_H_
