// Event tables, time parsing and the event CSV readers. See include/oneid/profile/events.h.
#include "oneid/profile/events.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <deque>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"

namespace oneid {
inline namespace v0 {
namespace profile {

// ---------------------------------------------------------------------------------------------
// Time.

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`.
bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

absl::Status BadTime(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("'", internal::Absl(text), "' is not an ISO 8601 time: ", internal::Absl(why)));
}

// Parses; `date_only` tells whether the text had no time of day.
absl::StatusOr<Timestamp> Parse(std::string_view text, bool& date_only) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return BadTime(text, "empty");
  int year = 0, month = 0, day = 0;
  if (!Digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, month) || s[7] != '-' ||
      !Digits(s, 8, 2, day)) {
    return BadTime(text, "expected YYYY-MM-DD");
  }
  if (year < 1900 || year > 2999) return BadTime(text, "year outside 1900-2999");
  if (month < 1 || month > 12) return BadTime(text, "month outside 1-12");
  if (day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month))) {
    return BadTime(text, "no such day in that month");
  }
  int64_t seconds = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * kSecondsPerDay;
  date_only = s.size() == 10;
  if (date_only) return seconds;
  size_t pos = 10;
  if (s[pos] != 'T' && s[pos] != ' ' && s[pos] != 't') return BadTime(text, "expected 'T' or ' ' after the date");
  ++pos;
  int hour = 0, minute = 0, second = 0;
  if (!Digits(s, pos, 2, hour) || pos + 2 >= s.size() || s[pos + 2] != ':' || !Digits(s, pos + 3, 2, minute)) {
    return BadTime(text, "expected hh:mm after the date");
  }
  pos += 5;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, second)) return BadTime(text, "expected two digits of seconds");
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      const size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
      if (pos == start) return BadTime(text, "expected digits after the decimal point");
    }
  }
  if (hour > 23 || minute > 59 || second > 60) return BadTime(text, "time of day out of range");
  seconds += hour * 3600 + minute * 60 + std::min(second, 59);
  if (pos < s.size()) {
    if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return seconds;
    if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos] == '+' ? 1 : -1;
      int oh = 0, om = 0;
      if (!Digits(s, pos + 1, 2, oh)) return BadTime(text, "expected a UTC offset +hh:mm");
      size_t after = pos + 3;
      if (after < s.size() && s[after] == ':') ++after;
      if (!Digits(s, after, 2, om) || after + 2 != s.size() || oh > 23 || om > 59) {
        return BadTime(text, "expected a UTC offset +hh:mm");
      }
      return seconds - sign * (oh * 3600 + om * 60);
    }
    return BadTime(text, "unexpected text after the time");
  }
  return seconds;
}

}  // namespace

absl::StatusOr<Timestamp> ParseTimestamp(std::string_view text) {
  bool date_only = false;
  return Parse(text, date_only);
}

absl::StatusOr<Timestamp> ParseObservationDate(std::string_view text) {
  bool date_only = false;
  absl::StatusOr<Timestamp> t = Parse(text, date_only);
  if (t.ok() && date_only) return *t + kSecondsPerDay - 1;
  return t;
}

std::string FormatDay(int64_t epoch_day) {
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(epoch_day, y, m, d);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buffer;
}

std::string FormatTimestamp(Timestamp t) {
  const int64_t day = DayOf(t);
  const int64_t rest = t - day * kSecondsPerDay;
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "T%02lld:%02lld:%02lldZ", static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  return FormatDay(day) + buffer;
}

// ---------------------------------------------------------------------------------------------
// Names.

namespace {
constexpr std::array<std::string_view, kChannelCount> kChannelNames = {
    "pos", "tmall", "jd", "douyin", "miniprogram", "wecom", "app", "web"};
constexpr std::array<std::string_view, kBehaviorKindCount> kKindNames = {
    "browse",          "add_to_cart",    "favourite", "share",         "store_visit",  "coupon_claimed",
    "coupon_redeemed", "service_ticket", "complaint", "points_earned", "points_spent"};
}  // namespace

std::string_view ChannelName(Channel channel) {
  const auto i = static_cast<size_t>(channel);
  return i < kChannelCount ? kChannelNames[i] : std::string_view("?");
}

std::optional<Channel> ParseChannel(std::string_view name) {
  for (size_t i = 0; i < kChannelCount; ++i) {
    if (kChannelNames[i] == name) return static_cast<Channel>(i);
  }
  return std::nullopt;
}

std::string_view BehaviorKindName(BehaviorKind kind) {
  const auto i = static_cast<size_t>(kind);
  return i < kBehaviorKindCount ? kKindNames[i] : std::string_view("?");
}

std::optional<BehaviorKind> ParseBehaviorKind(std::string_view name) {
  for (size_t i = 0; i < kBehaviorKindCount; ++i) {
    if (kKindNames[i] == name) return static_cast<BehaviorKind>(i);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Dictionary, report, tables.

bool StringDictionary::AdoptIfEmpty(absl::Span<const std::string_view> distinct) {
  if (!strings_.empty()) return false;
  strings_.assign(distinct.begin(), distinct.end());
  indexed_ = strings_.empty();
  return true;
}

void StringDictionary::BuildIndex() {
  codes_.reserve(strings_.size());
  for (size_t i = 0; i < strings_.size(); ++i) codes_.emplace(strings_[i], static_cast<uint32_t>(i));
  indexed_ = true;
}

uint32_t StringDictionary::Intern(std::string_view text) {
  if (!indexed_) BuildIndex();
  auto it = codes_.find(text);
  if (it != codes_.end()) return it->second;
  const auto code = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(text);
  codes_.emplace(std::string(text), code);
  return code;
}

uint32_t StringDictionary::Find(std::string_view text) const {
  if (!indexed_) {
    // Not indexed yet (adopted): a scan keeps Find const and thread-safe; Intern builds the index.
    for (size_t i = 0; i < strings_.size(); ++i) {
      if (strings_[i] == text) return static_cast<uint32_t>(i);
    }
    return kNone;
  }
  auto it = codes_.find(text);
  return it == codes_.end() ? kNone : it->second;
}

size_t StringDictionary::MemoryBytes() const {
  size_t bytes = strings_.capacity() * sizeof(std::string);
  for (const std::string& s : strings_) bytes += s.capacity() > 15 ? 2 * s.capacity() : 0;
  return bytes + codes_.capacity() * (sizeof(std::string) + sizeof(uint32_t) + 1);
}

void EventReport::Reject(size_t row, std::string field, std::string reason) {
  ++rows_rejected;
  if (errors.size() < max_listed) errors.push_back({row, std::move(field), std::move(reason), true});
}

void EventReport::Absorb(const EventReport& other) {
  rows_read += other.rows_read;
  rows_accepted += other.rows_accepted;
  rows_rejected += other.rows_rejected;
  unknown_accounts += other.unknown_accounts;
  after_as_of += other.after_as_of;
  for (const identity::RowError& e : other.errors) {
    if (errors.size() >= max_listed) break;
    errors.push_back(e);
  }
}

namespace {
absl::Status FieldError(std::string_view field, std::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("field ", internal::Absl(field), ": ", internal::Absl(reason)));
}
}  // namespace

absl::Status OrderTable::AddRow(const OrderLine& line, size_t row_number) {
  if (line.account_id.empty()) return FieldError("account_id", "is empty");
  if (!std::isfinite(line.amount)) return FieldError("amount", "is not a finite number (NaN or infinite)");
  if (!std::isfinite(line.discount)) return FieldError("discount", "is not a finite number (NaN or infinite)");
  if (line.discount < 0) return FieldError("discount", "is negative");
  if (static_cast<size_t>(line.channel) >= kChannelCount) return FieldError("channel", "is not a known channel");
  row_numbers_.push_back(row_number == kAutoRow ? times_.size() : row_number);
  account_codes_.push_back(accounts_.Intern(line.account_id));
  order_codes_.push_back(line.order_id.empty() ? kNoOrder : orders_.Intern(line.order_id));
  store_codes_.push_back(line.store.empty() ? StringDictionary::kNone : stores_.Intern(line.store));
  category_codes_.push_back(line.category.empty() ? StringDictionary::kNone : categories_.Intern(line.category));
  times_.push_back(line.time);
  amounts_.push_back(line.amount);
  discounts_.push_back(line.discount);
  channels_.push_back(line.channel);
  coupons_.push_back(line.coupon_used ? 1 : 0);
  return absl::OkStatus();
}

void OrderTable::Reserve(size_t rows) {
  for (auto* v : {&account_codes_, &order_codes_, &store_codes_, &category_codes_}) v->reserve(rows);
  times_.reserve(rows);
  amounts_.reserve(rows);
  discounts_.reserve(rows);
  channels_.reserve(rows);
  coupons_.reserve(rows);
  row_numbers_.reserve(rows);
}

size_t OrderTable::MemoryBytes() const {
  return accounts_.MemoryBytes() + orders_.MemoryBytes() + stores_.MemoryBytes() + categories_.MemoryBytes() +
         4 * sizeof(uint32_t) * account_codes_.capacity() + sizeof(Timestamp) * times_.capacity() +
         2 * sizeof(double) * amounts_.capacity() + 2 * channels_.capacity() + sizeof(size_t) * row_numbers_.capacity();
}

absl::Status BehaviorTable::AddRow(std::string_view account_id, Timestamp time, Channel channel, BehaviorKind kind,
                                   double value, size_t row_number) {
  if (account_id.empty()) return FieldError("account_id", "is empty");
  if (static_cast<size_t>(channel) >= kChannelCount) return FieldError("channel", "is not a known channel");
  if (static_cast<size_t>(kind) >= kBehaviorKindCount) return FieldError("kind", "is not a known event kind");
  if (!std::isfinite(value)) return FieldError("value", "is not a finite number (NaN or infinite)");
  if ((kind == BehaviorKind::kPointsEarned || kind == BehaviorKind::kPointsSpent) && !(value > 0)) {
    return FieldError("value", "a points event needs a positive number of points");
  }
  row_numbers_.push_back(row_number == kAutoRow ? times_.size() : row_number);
  account_codes_.push_back(accounts_.Intern(account_id));
  times_.push_back(time);
  channels_.push_back(channel);
  kinds_.push_back(kind);
  values_.push_back(value);
  return absl::OkStatus();
}

void BehaviorTable::Reserve(size_t rows) {
  account_codes_.reserve(rows);
  times_.reserve(rows);
  channels_.reserve(rows);
  kinds_.reserve(rows);
  values_.reserve(rows);
  row_numbers_.reserve(rows);
}

size_t BehaviorTable::MemoryBytes() const {
  return accounts_.MemoryBytes() + sizeof(uint32_t) * account_codes_.capacity() +
         sizeof(Timestamp) * times_.capacity() + 2 * channels_.capacity() + sizeof(double) * values_.capacity() +
         sizeof(size_t) * row_numbers_.capacity();
}

// ---------------------------------------------------------------------------------------------
// Bulk appends.

namespace {

// Checks a coded column's length and codes against its dictionary.
absl::Status CheckCoded(const CodedStrings& c, size_t rows, std::string_view name, bool required) {
  if (!c.present()) {
    if (required) return absl::InvalidArgumentError(absl::StrCat("column ", internal::Absl(name), " is required"));
    return absl::OkStatus();
  }
  if (c.codes.size() != rows) {
    return absl::InvalidArgumentError(absl::StrCat("column ", internal::Absl(name), " has ", c.codes.size(),
                                                   " rows, the time column has ", rows));
  }
  for (size_t i = 0; i < rows; ++i) {
    if (c.codes[i] >= static_cast<int64_t>(c.dictionary.size())) {
      return absl::InvalidArgumentError(absl::StrCat("column ", internal::Absl(name), " row ", i, ": code ",
                                                     c.codes[i], " is outside its dictionary of ",
                                                     c.dictionary.size()));
    }
  }
  return absl::OkStatus();
}

template <typename T>
absl::Status CheckLength(absl::Span<const T> column, size_t rows, std::string_view name, bool required) {
  if (column.empty() && (!required || rows == 0)) return absl::OkStatus();
  if (column.size() != rows) {
    return absl::InvalidArgumentError(absl::StrCat("column ", internal::Absl(name), " has ", column.size(),
                                                   " rows, the time column has ", rows));
  }
  return absl::OkStatus();
}

// Dictionary entry -> table code, interned once per entry (kNone for "").
std::vector<uint32_t> Recode(const CodedStrings& c, StringDictionary& dict) {
  std::vector<uint32_t> out(c.dictionary.size());
  if (dict.AdoptIfEmpty(c.dictionary)) {
    // The common case (one bulk append into a new table): codes carry over, nothing is hashed.
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = c.dictionary[i].empty() ? StringDictionary::kNone : static_cast<uint32_t>(i);
    }
    return out;
  }
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = c.dictionary[i].empty() ? StringDictionary::kNone : dict.Intern(c.dictionary[i]);
  }
  return out;
}

uint32_t CodeAt(const CodedStrings& c, const std::vector<uint32_t>& recoded, size_t row) {
  if (!c.present() || c.codes[row] < 0) return StringDictionary::kNone;
  return recoded[static_cast<size_t>(c.codes[row])];
}

// Channel per dictionary entry; nullopt for an unknown one.
std::vector<std::optional<Channel>> ChannelsOf(const CodedStrings& c) {
  std::vector<std::optional<Channel>> out(c.dictionary.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = ParseChannel(c.dictionary[i]);
  return out;
}

std::string CellText(const CodedStrings& c, size_t row) {
  if (c.codes[row] < 0) return "(missing)";
  std::string_view v = c.dictionary[static_cast<size_t>(c.codes[row])];
  return absl::StrCat("'", internal::Absl(v.substr(0, 40)), v.size() > 40 ? "...'" : "'");
}

constexpr char kChannelList[] = "expected pos, tmall, jd, douyin, miniprogram, wecom, app or web";

// The fields every event row has, checked the same way for orders and behaviour.
struct CommonFields {
  uint32_t account = StringDictionary::kNone;
  Channel channel = Channel::kPos;
};

// The row's account code and channel, or nullopt after rejecting the row into `report`.
std::optional<CommonFields> CheckCommonFields(const CodedStrings& account_id, const std::vector<uint32_t>& accounts,
                                              absl::Span<const Timestamp> time, const CodedStrings& channel_column,
                                              const std::vector<std::optional<Channel>>& channels, size_t i,
                                              size_t row, EventReport& report) {
  const uint32_t account = CodeAt(account_id, accounts, i);
  if (account == StringDictionary::kNone) {
    report.Reject(row, "account_id", "is empty or missing");
    return std::nullopt;
  }
  if (time[i] == kMissingTime) {
    report.Reject(row, "time", "is missing or not a parseable time");
    return std::nullopt;
  }
  const std::optional<Channel> channel =
      channel_column.codes[i] < 0 ? std::nullopt : channels[static_cast<size_t>(channel_column.codes[i])];
  if (!channel) {
    report.Reject(row, "channel", absl::StrCat("unknown channel ", CellText(channel_column, i), "; ", kChannelList));
    return std::nullopt;
  }
  return CommonFields{account, *channel};
}

}  // namespace

absl::Status OrderTable::Append(const OrderColumns& c, EventReport& report) {
  const size_t rows = c.time.size();
  if (absl::Status s = CheckCoded(c.account_id, rows, "account_id", true); !s.ok()) return s;
  if (absl::Status s = CheckCoded(c.channel, rows, "channel", true); !s.ok()) return s;
  if (absl::Status s = CheckCoded(c.order_id, rows, "order_id", false); !s.ok()) return s;
  if (absl::Status s = CheckCoded(c.store, rows, "store", false); !s.ok()) return s;
  if (absl::Status s = CheckCoded(c.category, rows, "category", false); !s.ok()) return s;
  if (absl::Status s = CheckLength(c.amount, rows, "amount", true); !s.ok()) return s;
  if (absl::Status s = CheckLength(c.discount, rows, "discount", false); !s.ok()) return s;
  if (absl::Status s = CheckLength(c.coupon_used, rows, "coupon_used", false); !s.ok()) return s;
  const std::vector<uint32_t> accounts = Recode(c.account_id, accounts_);
  const std::vector<uint32_t> orders = Recode(c.order_id, orders_);
  const std::vector<uint32_t> stores = Recode(c.store, stores_);
  const std::vector<uint32_t> categories = Recode(c.category, categories_);
  const std::vector<std::optional<Channel>> channels = ChannelsOf(c.channel);
  Reserve(row_count() + rows);
  report.rows_read += rows;
  for (size_t i = 0; i < rows; ++i) {
    const size_t row = c.first_row_number + i;
    const std::optional<CommonFields> common =
        CheckCommonFields(c.account_id, accounts, c.time, c.channel, channels, i, row, report);
    if (!common) continue;
    const double amount = c.amount[i];
    if (!std::isfinite(amount)) {
      report.Reject(row, "amount", "is not a finite number (NaN or infinite)");
      continue;
    }
    const double discount = c.discount.empty() ? 0.0 : c.discount[i];
    if (!std::isfinite(discount)) {
      report.Reject(row, "discount", "is not a finite number (NaN or infinite)");
      continue;
    }
    if (discount < 0) {
      report.Reject(row, "discount", "is negative");
      continue;
    }
    row_numbers_.push_back(row);
    account_codes_.push_back(common->account);
    order_codes_.push_back(CodeAt(c.order_id, orders, i));
    store_codes_.push_back(CodeAt(c.store, stores, i));
    category_codes_.push_back(CodeAt(c.category, categories, i));
    times_.push_back(c.time[i]);
    amounts_.push_back(amount);
    discounts_.push_back(discount);
    channels_.push_back(common->channel);
    coupons_.push_back(!c.coupon_used.empty() && c.coupon_used[i] ? 1 : 0);
    ++report.rows_accepted;
  }
  return absl::OkStatus();
}

absl::Status BehaviorTable::Append(const BehaviorColumns& c, EventReport& report) {
  const size_t rows = c.time.size();
  if (absl::Status s = CheckCoded(c.account_id, rows, "account_id", true); !s.ok()) return s;
  if (absl::Status s = CheckCoded(c.channel, rows, "channel", true); !s.ok()) return s;
  if (absl::Status s = CheckCoded(c.kind, rows, "kind", true); !s.ok()) return s;
  if (absl::Status s = CheckLength(c.value, rows, "value", false); !s.ok()) return s;
  const std::vector<uint32_t> accounts = Recode(c.account_id, accounts_);
  const std::vector<std::optional<Channel>> channels = ChannelsOf(c.channel);
  std::vector<std::optional<BehaviorKind>> kinds(c.kind.dictionary.size());
  for (size_t i = 0; i < kinds.size(); ++i) kinds[i] = ParseBehaviorKind(c.kind.dictionary[i]);
  Reserve(row_count() + rows);
  report.rows_read += rows;
  for (size_t i = 0; i < rows; ++i) {
    const size_t row = c.first_row_number + i;
    const std::optional<CommonFields> common =
        CheckCommonFields(c.account_id, accounts, c.time, c.channel, channels, i, row, report);
    if (!common) continue;
    const std::optional<BehaviorKind> kind = c.kind.codes[i] < 0 ? std::nullopt : kinds[c.kind.codes[i]];
    if (!kind) {
      report.Reject(row, "kind", absl::StrCat("unknown event kind ", CellText(c.kind, i)));
      continue;
    }
    const double value = c.value.empty() ? 0.0 : c.value[i];
    if (!std::isfinite(value)) {
      report.Reject(row, "value", "is not a finite number (NaN or infinite)");
      continue;
    }
    if ((*kind == BehaviorKind::kPointsEarned || *kind == BehaviorKind::kPointsSpent) && !(value > 0)) {
      report.Reject(row, "value", "a points event needs a positive number of points");
      continue;
    }
    row_numbers_.push_back(row);
    account_codes_.push_back(common->account);
    times_.push_back(c.time[i]);
    channels_.push_back(common->channel);
    kinds_.push_back(*kind);
    values_.push_back(value);
    ++report.rows_accepted;
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// CSV.

namespace {

// Splits RFC 4180 records. Unquoted fields are views into the text (the common case costs no
// copy); quoted fields are unescaped into storage owned by the reader until the next record.
class CsvRecords {
 public:
  explicit CsvRecords(std::string_view text) : text_(text) {
    if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);  // Excel's UTF-8 BOM
  }
  bool done() const { return pos_ >= text_.size(); }
  size_t line() const { return line_; }

  // False on malformed quoting, with `error` set; the rest of that line is skipped.
  bool Next(std::vector<std::string_view>& fields, std::string& error) {
    fields.clear();
    unescaped_.clear();
    while (true) {
      if (pos_ < text_.size() && text_[pos_] == '"') {
        std::string value;
        ++pos_;
        bool closed = false;
        while (pos_ < text_.size()) {
          const char c = text_[pos_++];
          if (c == '"') {
            if (pos_ < text_.size() && text_[pos_] == '"') {
              value.push_back('"');
              ++pos_;
            } else {
              closed = true;
              break;
            }
          } else {
            if (c == '\n') ++line_;
            value.push_back(c);
          }
        }
        if (!closed) {
          error = "quoted field is not closed before the end of the file";
          return false;
        }
        unescaped_.push_back(std::move(value));
        fields.push_back(unescaped_.back());
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
        if (pos_ >= text_.size()) return true;
        if (text_[pos_] == '\n') {
          ++pos_;
          ++line_;
          return true;
        }
        error = "text after a closing quote";
        SkipLine();
        return false;
      }
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n') ++pos_;
      std::string_view field = text_.substr(start, pos_ - start);
      if (pos_ < text_.size() && text_[pos_] == ',') {
        fields.push_back(field);
        ++pos_;
        continue;
      }
      if (!field.empty() && field.back() == '\r') field.remove_suffix(1);
      fields.push_back(field);
      if (pos_ < text_.size()) {
        ++pos_;
        ++line_;
      }
      return true;
    }
  }

 private:
  void SkipLine() {
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    if (pos_ < text_.size()) {
      ++pos_;
      ++line_;
    }
  }
  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
  std::deque<std::string> unescaped_;  // deque: views into earlier elements stay valid
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses a decimal number; "nan"/"inf" are parsed (so that the caller can say "not finite").
bool ParseNumber(std::string_view text, double& out) {
  text = Trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool ParseFlag(std::string_view text, bool& out) {
  text = Trim(text);
  if (text.empty() || text == "0" || text == "false" || text == "False" || text == "FALSE" || text == "no") {
    out = false;
    return true;
  }
  if (text == "1" || text == "true" || text == "True" || text == "TRUE" || text == "yes") {
    out = true;
    return true;
  }
  return false;
}

// The header's column positions; -1 for an absent optional column.
struct Header {
  std::vector<std::string> names;
  absl::StatusOr<int> Require(std::string_view name, std::string_view what) const {
    const int i = Find(name);
    if (i < 0) {
      return absl::InvalidArgumentError(absl::StrCat(internal::Absl(what), " CSV: the header has no '",
                                                     internal::Absl(name), "' column"));
    }
    return i;
  }
  int Find(std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
};

absl::StatusOr<Header> ReadHeader(CsvRecords& records, std::string_view what) {
  std::vector<std::string_view> fields;
  std::string error;
  if (records.done() || !records.Next(fields, error)) {
    return absl::InvalidArgumentError(absl::StrCat(internal::Absl(what), " CSV: cannot read the header line",
                                                   error.empty() ? "" : ": ", error));
  }
  Header header;
  for (std::string_view f : fields) header.names.emplace_back(Trim(f));
  return header;
}

// Reads records one by one, counting rows and rejecting malformed ones; calls `row(fields, line)`
// for each well-formed record.
template <typename RowFn>
void ForEachRecord(CsvRecords& records, const Header& header, EventReport& report, RowFn&& row) {
  std::vector<std::string_view> fields;
  std::string error;
  while (!records.done()) {
    const size_t line = records.line();
    if (!records.Next(fields, error)) {
      ++report.rows_read;
      report.Reject(line, "(row)", absl::StrCat("malformed CSV: ", error));
      continue;
    }
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    ++report.rows_read;
    if (fields.size() != header.names.size()) {
      report.Reject(line, "(row)",
                    absl::StrCat("has ", fields.size(), " fields, the header has ", header.names.size()));
      continue;
    }
    row(fields, line);
  }
}

absl::StatusOr<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", internal::Absl(what), " file '", path, "'"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("error reading '", path, "'"));
  return std::move(buffer).str();
}

std::string Quoted(std::string_view text) {
  constexpr size_t kMax = 40;
  return absl::StrCat("'", internal::Absl(text.substr(0, kMax)), text.size() > kMax ? "...'" : "'");
}

}  // namespace

absl::StatusOr<OrderTable> ReadOrdersCsv(std::string_view csv_text, EventReport& report) {
  CsvRecords records(csv_text);
  absl::StatusOr<Header> header = ReadHeader(records, "orders");
  if (!header.ok()) return header.status();
  absl::StatusOr<int> account = header->Require("account_id", "orders");
  absl::StatusOr<int> time = header->Require("time", "orders");
  absl::StatusOr<int> channel = header->Require("channel", "orders");
  absl::StatusOr<int> amount = header->Require("amount", "orders");
  for (const auto* s : {&account, &time, &channel, &amount}) {
    if (!s->ok()) return s->status();
  }
  const int order = header->Find("order_id"), store = header->Find("store"), category = header->Find("category"),
            discount = header->Find("discount"), coupon = header->Find("coupon_used");
  OrderTable table;
  ForEachRecord(records, *header, report, [&](const std::vector<std::string_view>& f, size_t line) {
    OrderLine l;
    l.account_id = Trim(f[*account]);
    if (l.account_id.empty()) return report.Reject(line, "account_id", "is empty");
    absl::StatusOr<Timestamp> t = ParseTimestamp(f[*time]);
    if (!t.ok()) return report.Reject(line, "time", std::string(t.status().message()));
    l.time = *t;
    std::optional<Channel> c = ParseChannel(Trim(f[*channel]));
    if (!c) {
      return report.Reject(line, "channel",
                           absl::StrCat("unknown channel ", Quoted(f[*channel]),
                                        "; expected pos, tmall, jd, douyin, miniprogram, wecom, app or web"));
    }
    l.channel = *c;
    if (!ParseNumber(f[*amount], l.amount)) {
      return report.Reject(line, "amount", absl::StrCat(Quoted(f[*amount]), " is not a number"));
    }
    if (!std::isfinite(l.amount)) return report.Reject(line, "amount", "is not a finite number (NaN or infinite)");
    if (discount >= 0 && !Trim(f[discount]).empty()) {
      if (!ParseNumber(f[discount], l.discount)) {
        return report.Reject(line, "discount", absl::StrCat(Quoted(f[discount]), " is not a number"));
      }
    }
    if (coupon >= 0 && !ParseFlag(f[coupon], l.coupon_used)) {
      return report.Reject(line, "coupon_used",
                           absl::StrCat(Quoted(f[coupon]), " is not a flag (1/0, true/false, yes/no)"));
    }
    if (order >= 0) l.order_id = Trim(f[order]);
    if (store >= 0) l.store = Trim(f[store]);
    if (category >= 0) l.category = Trim(f[category]);
    if (absl::Status s = table.AddRow(l, line); !s.ok()) {
      // AddRow names the field first: "field discount: is negative".
      std::string_view message = internal::Std(s.message());
      std::string field = "(row)";
      if (message.starts_with("field ")) {
        const size_t colon = message.find(':');
        field = std::string(message.substr(6, colon - 6));
        message.remove_prefix(std::min(message.size(), colon + 2));
      }
      return report.Reject(line, std::move(field), std::string(message));
    }
    ++report.rows_accepted;
  });
  return table;
}

absl::StatusOr<BehaviorTable> ReadBehaviorCsv(std::string_view csv_text, EventReport& report) {
  CsvRecords records(csv_text);
  absl::StatusOr<Header> header = ReadHeader(records, "behaviour");
  if (!header.ok()) return header.status();
  absl::StatusOr<int> account = header->Require("account_id", "behaviour");
  absl::StatusOr<int> time = header->Require("time", "behaviour");
  absl::StatusOr<int> channel = header->Require("channel", "behaviour");
  absl::StatusOr<int> kind = header->Require("kind", "behaviour");
  for (const auto* s : {&account, &time, &channel, &kind}) {
    if (!s->ok()) return s->status();
  }
  const int value = header->Find("value");
  BehaviorTable table;
  ForEachRecord(records, *header, report, [&](const std::vector<std::string_view>& f, size_t line) {
    const std::string_view account_id = Trim(f[*account]);
    if (account_id.empty()) return report.Reject(line, "account_id", "is empty");
    absl::StatusOr<Timestamp> t = ParseTimestamp(f[*time]);
    if (!t.ok()) return report.Reject(line, "time", std::string(t.status().message()));
    std::optional<Channel> c = ParseChannel(Trim(f[*channel]));
    if (!c) {
      return report.Reject(line, "channel",
                           absl::StrCat("unknown channel ", Quoted(f[*channel]),
                                        "; expected pos, tmall, jd, douyin, miniprogram, wecom, app or web"));
    }
    std::optional<BehaviorKind> k = ParseBehaviorKind(Trim(f[*kind]));
    if (!k) {
      return report.Reject(line, "kind",
                           absl::StrCat("unknown event kind ", Quoted(f[*kind]),
                                        "; expected browse, add_to_cart, favourite, share, store_visit, "
                                        "coupon_claimed, coupon_redeemed, service_ticket, complaint, "
                                        "points_earned or points_spent"));
    }
    double v = 0;
    if (value >= 0 && !Trim(f[value]).empty() && !ParseNumber(f[value], v)) {
      return report.Reject(line, "value", absl::StrCat(Quoted(f[value]), " is not a number"));
    }
    if (absl::Status s = table.AddRow(account_id, *t, *c, *k, v, line); !s.ok()) {
      std::string_view message = internal::Std(s.message());
      std::string field = "(row)";
      if (message.starts_with("field ")) {
        const size_t colon = message.find(':');
        field = std::string(message.substr(6, colon - 6));
        message.remove_prefix(std::min(message.size(), colon + 2));
      }
      return report.Reject(line, std::move(field), std::string(message));
    }
    ++report.rows_accepted;
  });
  return table;
}

absl::StatusOr<OrderTable> ReadOrdersCsvFile(const std::string& path, EventReport& report) {
  absl::StatusOr<std::string> text = ReadFile(path, "orders");
  if (!text.ok()) return text.status();
  return ReadOrdersCsv(*text, report);
}

absl::StatusOr<BehaviorTable> ReadBehaviorCsvFile(const std::string& path, EventReport& report) {
  absl::StatusOr<std::string> text = ReadFile(path, "behaviour");
  if (!text.ok()) return text.status();
  return ReadBehaviorCsv(*text, report);
}

}  // namespace profile
}  // namespace v0
}  // namespace oneid
