#include "oneid/profile/events.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace oneid::profile {
namespace {

using ::testing::HasSubstr;

TEST(TimeTest, ParsesDatesAndTimesInUtc) {
  ASSERT_OK_AND_ASSIGN(Timestamp epoch, ParseTimestamp("1970-01-01"));
  EXPECT_EQ(epoch, 0);
  ASSERT_OK_AND_ASSIGN(Timestamp t, ParseTimestamp("2024-03-05T10:20:30"));
  EXPECT_EQ(t, DaysFromCivil(2024, 3, 5) * 86400 + 10 * 3600 + 20 * 60 + 30);
  ASSERT_OK_AND_ASSIGN(Timestamp space, ParseTimestamp("2024-03-05 10:20:30.125Z"));
  EXPECT_EQ(space, t);
  ASSERT_OK_AND_ASSIGN(Timestamp minutes, ParseTimestamp("2024-03-05T10:20"));
  EXPECT_EQ(minutes, t - 30);
  // 18:20:30 in Beijing (+08:00) is 10:20:30 UTC.
  ASSERT_OK_AND_ASSIGN(Timestamp offset, ParseTimestamp("2024-03-05T18:20:30+08:00"));
  EXPECT_EQ(offset, t);
  EXPECT_EQ(FormatTimestamp(t), "2024-03-05T10:20:30Z");
  EXPECT_EQ(FormatDay(DayOf(t)), "2024-03-05");
  EXPECT_EQ(DaysFromCivil(2026, 1, 1), 20454);  // the segment layer's documented example
  EXPECT_EQ(DayOf(-1), -1);
}

TEST(TimeTest, ObservationDateIsTheEndOfThatDay) {
  ASSERT_OK_AND_ASSIGN(Timestamp as_of, ParseObservationDate("2024-06-30"));
  EXPECT_EQ(FormatTimestamp(as_of), "2024-06-30T23:59:59Z");
  ASSERT_OK_AND_ASSIGN(Timestamp exact, ParseObservationDate("2024-06-30T12:00:00"));
  EXPECT_EQ(FormatTimestamp(exact), "2024-06-30T12:00:00Z");
}

TEST(TimeTest, RejectsMalformedTimesWithAReason) {
  EXPECT_THAT(ParseTimestamp(""), StatusIs(absl::StatusCode::kInvalidArgument, "empty"));
  EXPECT_THAT(ParseTimestamp("05/03/2024"), StatusIs(absl::StatusCode::kInvalidArgument, "YYYY-MM-DD"));
  EXPECT_THAT(ParseTimestamp("2024-02-30"), StatusIs(absl::StatusCode::kInvalidArgument, "no such day"));
  EXPECT_THAT(ParseTimestamp("2023-13-01"), StatusIs(absl::StatusCode::kInvalidArgument, "month"));
  EXPECT_THAT(ParseTimestamp("0024-01-01"), StatusIs(absl::StatusCode::kInvalidArgument, "year"));
  EXPECT_THAT(ParseTimestamp("2024-01-01T25:00"), StatusIs(absl::StatusCode::kInvalidArgument, "out of range"));
  EXPECT_THAT(ParseTimestamp("2024-01-01x"), StatusIs(absl::StatusCode::kInvalidArgument, "'T'"));
  EXPECT_THAT(ParseTimestamp("2024-01-01T10:00+8"), StatusIs(absl::StatusCode::kInvalidArgument, "offset"));
  EXPECT_OK(ParseTimestamp("2024-02-29"));  // a leap day
}

TEST(NamesTest, ChannelsAndKindsRoundTrip) {
  for (size_t c = 0; c < kChannelCount; ++c) {
    const auto channel = static_cast<Channel>(c);
    EXPECT_EQ(ParseChannel(ChannelName(channel)), channel);
  }
  for (size_t k = 0; k < kBehaviorKindCount; ++k) {
    const auto kind = static_cast<BehaviorKind>(k);
    EXPECT_EQ(ParseBehaviorKind(BehaviorKindName(kind)), kind);
  }
  EXPECT_FALSE(ParseChannel("Tmall").has_value());
  EXPECT_FALSE(ParseBehaviorKind("purchase").has_value());
}

TEST(OrderTableTest, AddRowInternsStringsAndValidates) {
  OrderTable table;
  ASSERT_OK(table.AddRow({.order_id = "o1", .account_id = "pos:1", .time = 100, .channel = Channel::kPos,
                          .store = "s1", .category = "shoes", .amount = 10}));
  ASSERT_OK(table.AddRow({.order_id = "o1", .account_id = "pos:1", .time = 100, .channel = Channel::kPos,
                          .category = "bags", .amount = -4, .coupon_used = true}));
  EXPECT_EQ(table.row_count(), 2u);
  EXPECT_EQ(table.accounts().size(), 1u);
  EXPECT_EQ(table.order_code(0), table.order_code(1));
  EXPECT_EQ(table.category_code(0) == table.category_code(1), false);
  EXPECT_TRUE(table.coupon_used(1));
  EXPECT_EQ(table.row_number(1), 1u);

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_THAT(table.AddRow({.account_id = "", .amount = 1}),
              StatusIs(absl::StatusCode::kInvalidArgument, "field account_id: is empty"));
  EXPECT_THAT(table.AddRow({.account_id = "a", .amount = nan}),
              StatusIs(absl::StatusCode::kInvalidArgument, "field amount: is not a finite number"));
  EXPECT_THAT(table.AddRow({.account_id = "a", .amount = inf}),
              StatusIs(absl::StatusCode::kInvalidArgument, "field amount"));
  EXPECT_THAT(table.AddRow({.account_id = "a", .amount = 1, .discount = -1}),
              StatusIs(absl::StatusCode::kInvalidArgument, "field discount: is negative"));
  EXPECT_THAT(table.AddRow({.account_id = "a", .amount = 1, .discount = nan}),
              StatusIs(absl::StatusCode::kInvalidArgument, "field discount"));
  EXPECT_EQ(table.row_count(), 2u);  // failed appends leave the table unchanged
}

TEST(BehaviorTableTest, AddRowValidates) {
  BehaviorTable table;
  ASSERT_OK(table.AddRow("mp:1", 5, Channel::kMiniprogram, BehaviorKind::kBrowse));
  ASSERT_OK(table.AddRow("mp:1", 6, Channel::kMiniprogram, BehaviorKind::kPointsEarned, 50));
  EXPECT_THAT(table.AddRow("mp:1", 6, Channel::kApp, BehaviorKind::kPointsSpent, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, "field value: a points event needs a positive"));
  EXPECT_THAT(table.AddRow("mp:1", 6, Channel::kApp, BehaviorKind::kShare,
                           std::numeric_limits<double>::infinity()),
              StatusIs(absl::StatusCode::kInvalidArgument, "field value"));
  EXPECT_THAT(table.AddRow("", 6, Channel::kApp, BehaviorKind::kShare),
              StatusIs(absl::StatusCode::kInvalidArgument, "account_id"));
  EXPECT_EQ(table.row_count(), 2u);
  EXPECT_EQ(table.kind(1), BehaviorKind::kPointsEarned);
  EXPECT_EQ(table.value(1), 50);
}

// Every kind of bad row: rejected with its CSV line, the column and a reason; reading goes on.
TEST(ReadOrdersCsvTest, RejectsEveryBadRowAndKeepsTheRest) {
  const std::string csv =
      "order_id,account_id,time,channel,store,category,amount,discount,coupon_used\n"  // line 1
      "o1,pos:1,2024-03-05 10:00:00,pos,s1,shoes,399,20,1\n"                             // 2 ok
      "o2,pos:1,yesterday,pos,s1,shoes,10,,0\n"                                          // 3 time
      "o3,tm:2,2024-03-05,tmal,,bags,10,,\n"                                             // 4 channel
      "o4,tm:2,2024-03-05,tmall,,bags,nan,,\n"                                           // 5 NaN
      "o5,tm:2,2024-03-05,tmall,,bags,inf,,\n"                                           // 6 inf
      "o6,tm:2,2024-03-05,tmall,,bags,12abc,,\n"                                         // 7 number
      "o7,tm:2,2024-03-05,tmall,,bags,12,-3,\n"                                          // 8 discount
      "o8,tm:2,2024-03-05,tmall,,bags,12,,maybe\n"                                       // 9 flag
      "o9,tm:2,2024-03-05\n"                                                             // 10 fields
      "o10,,2024-03-05,tmall,,bags,12,,\n"                                               // 11 account
      "\"o11,x\",\"tm:2\",2024-03-06,tmall,\"a \"\"b\"\"\",bags,-5,,true\n"             // 12 ok
      "o12,tm:2,\"2024-03-06\"x,tmall,,bags,1,,\n";                                      // 13 quote
  EventReport report;
  ASSERT_OK_AND_ASSIGN(OrderTable table, ReadOrdersCsv(csv, report));
  EXPECT_EQ(report.rows_read, 12u);
  EXPECT_EQ(report.rows_accepted, 2u);
  EXPECT_EQ(report.rows_rejected, 10u);
  ASSERT_EQ(table.row_count(), 2u);
  EXPECT_EQ(table.amount(0), 399);
  EXPECT_EQ(table.discount(0), 20);
  EXPECT_TRUE(table.coupon_used(0));
  EXPECT_EQ(table.orders()[table.order_code(1)], "o11,x");
  EXPECT_EQ(table.stores()[table.store_code(1)], "a \"b\"");
  EXPECT_EQ(table.amount(1), -5);
  EXPECT_EQ(table.row_number(1), 12u);
  ASSERT_EQ(report.errors.size(), 10u);
  auto expect_error = [&](size_t i, size_t row, const std::string& field, const std::string& reason) {
    EXPECT_EQ(report.errors[i].row, row) << i;
    EXPECT_EQ(report.errors[i].field, field) << i;
    EXPECT_THAT(report.errors[i].reason, HasSubstr(reason)) << i;
    EXPECT_TRUE(report.errors[i].row_rejected);
  };
  expect_error(0, 3, "time", "not an ISO 8601 time");
  expect_error(1, 4, "channel", "unknown channel 'tmal'");
  expect_error(2, 5, "amount", "not a finite number");
  expect_error(3, 6, "amount", "not a finite number");
  expect_error(4, 7, "amount", "'12abc' is not a number");
  expect_error(5, 8, "discount", "is negative");
  expect_error(6, 9, "coupon_used", "'maybe' is not a flag");
  expect_error(7, 10, "(row)", "has 3 fields, the header has 9");
  expect_error(8, 11, "account_id", "is empty");
  expect_error(9, 13, "(row)", "text after a closing quote");
}

TEST(ReadOrdersCsvTest, MissingRequiredColumnIsAnError) {
  EventReport report;
  EXPECT_THAT(ReadOrdersCsv("account_id,time,channel\n", report),
              StatusIs(absl::StatusCode::kInvalidArgument, "no 'amount' column"));
  EXPECT_THAT(ReadOrdersCsv("", report), StatusIs(absl::StatusCode::kInvalidArgument, "header"));
  EXPECT_THAT(ReadOrdersCsvFile("/nonexistent/orders.csv", report), StatusIs(absl::StatusCode::kNotFound, "cannot open"));
}

TEST(ReadBehaviorCsvTest, RejectsUnknownKindsAndBadValues) {
  const std::string csv =
      "account_id,time,channel,kind,value\r\n"
      "mp:1,2024-03-01,miniprogram,browse,\r\n"
      "mp:1,2024-03-01,miniprogram,purchase,\r\n"
      "mp:1,2024-03-01,miniprogram,points_earned,-5\r\n"
      "mp:1,2024-03-01,miniprogram,points_earned,abc\r\n"
      "mp:1,2024-03-01,fax,browse,\r\n"
      "mp:1,2024-03-01 08:00,app,points_spent,30\r\n";
  EventReport report;
  ASSERT_OK_AND_ASSIGN(BehaviorTable table, ReadBehaviorCsv(csv, report));
  EXPECT_EQ(report.rows_read, 6u);
  EXPECT_EQ(report.rows_rejected, 4u);
  ASSERT_EQ(table.row_count(), 2u);
  EXPECT_EQ(table.kind(1), BehaviorKind::kPointsSpent);
  EXPECT_EQ(table.value(1), 30);
  ASSERT_EQ(report.errors.size(), 4u);
  EXPECT_EQ(report.errors[0].field, "kind");
  EXPECT_THAT(report.errors[0].reason, HasSubstr("unknown event kind 'purchase'"));
  EXPECT_EQ(report.errors[1].field, "value");
  EXPECT_THAT(report.errors[1].reason, HasSubstr("positive"));
  EXPECT_EQ(report.errors[2].field, "value");
  EXPECT_EQ(report.errors[3].field, "channel");
  EXPECT_EQ(report.errors[3].row, 6u);
  EXPECT_THAT(ReadBehaviorCsv("account_id,time,channel\n", report),
              StatusIs(absl::StatusCode::kInvalidArgument, "no 'kind' column"));
}

// The bulk path the Python binding uses: dictionary-encoded columns; bad rows go to the report.
TEST(OrderTableTest, AppendColumnsRejectsBadRowsAndKeepsTheRest) {
  const std::vector<std::string_view> accounts = {"pos:1", "", "tm:2"};
  const std::vector<int32_t> account_codes = {0, 0, 1, -1, 2, 0, 2};
  const std::vector<std::string_view> channels = {"pos", "fax", "tmall"};
  const std::vector<int32_t> channel_codes = {0, 0, 0, 0, 1, 0, 2};
  const std::vector<std::string_view> orders = {"o1", "o2"};
  const std::vector<int32_t> order_codes = {0, 0, 1, 1, 1, -1, 1};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Timestamp> times = {10, kMissingTime, 10, 10, 10, 10, 12};
  const std::vector<double> amounts = {5, 5, 5, 5, 5, nan, -2};
  const std::vector<double> discounts = {0, 0, 0, 0, 0, 0, 0};
  const std::vector<uint8_t> coupons = {1, 0, 0, 0, 0, 0, 0};
  OrderColumns c;
  c.account_id = {accounts, account_codes};
  c.channel = {channels, channel_codes};
  c.order_id = {orders, order_codes};
  c.time = times;
  c.amount = amounts;
  c.discount = discounts;
  c.coupon_used = coupons;
  c.first_row_number = 100;
  OrderTable table;
  EventReport report;
  ASSERT_OK(table.Append(c, report));
  EXPECT_EQ(report.rows_read, 7u);
  EXPECT_EQ(report.rows_accepted, 2u);
  EXPECT_EQ(report.rows_rejected, 5u);
  ASSERT_EQ(table.row_count(), 2u);
  EXPECT_TRUE(table.coupon_used(0));
  EXPECT_EQ(table.account_id(1), "tm:2");
  EXPECT_EQ(table.channel(1), Channel::kTmall);
  EXPECT_EQ(table.row_number(1), 106u);
  ASSERT_EQ(report.errors.size(), 5u);
  EXPECT_EQ(report.errors[0].row, 101u);
  EXPECT_EQ(report.errors[0].field, "time");
  EXPECT_EQ(report.errors[1].field, "account_id");  // "" in the dictionary
  EXPECT_EQ(report.errors[2].field, "account_id");  // code -1: missing
  EXPECT_EQ(report.errors[3].field, "channel");
  EXPECT_THAT(report.errors[3].reason, HasSubstr("unknown channel 'fax'"));
  EXPECT_EQ(report.errors[4].field, "amount");

  // A second append interns into the dictionaries the first one adopted.
  const std::vector<std::string_view> more_accounts = {"tm:2", "app:3"};
  const std::vector<int32_t> more_codes = {1, 0};
  OrderColumns more;
  more.account_id = {more_accounts, more_codes};
  const std::vector<int32_t> more_channels = {0, 0};
  more.channel = {channels, more_channels};
  const std::vector<Timestamp> more_times = {20, 21};
  const std::vector<double> more_amounts = {1, 2};
  more.time = more_times;
  more.amount = more_amounts;
  ASSERT_OK(table.Append(more, report));
  ASSERT_EQ(table.row_count(), 4u);
  EXPECT_EQ(table.account_id(2), "app:3");
  EXPECT_EQ(table.account_code(3), table.account_code(1));  // "tm:2" again, same code
  EXPECT_EQ(table.accounts().size(), 4u);                    // pos:1, "", tm:2, app:3

  // Shape errors change nothing.
  const std::vector<double> short_amounts = {1};
  c.amount = short_amounts;
  EXPECT_THAT(table.Append(c, report), StatusIs(absl::StatusCode::kInvalidArgument, "column amount has 1 rows"));
  const std::vector<int32_t> bad_codes = {0, 0, 0, 0, 9, 0, 0};
  c.amount = amounts;
  c.channel = {channels, bad_codes};
  EXPECT_THAT(table.Append(c, report), StatusIs(absl::StatusCode::kInvalidArgument, "outside its dictionary"));
  c.channel = {};
  EXPECT_THAT(table.Append(c, report), StatusIs(absl::StatusCode::kInvalidArgument, "column channel is required"));
  EXPECT_EQ(table.row_count(), 4u);
}

TEST(BehaviorTableTest, AppendColumnsRejectsUnknownKindsAndBadValues) {
  const std::vector<std::string_view> accounts = {"mp:1"};
  const std::vector<int32_t> account_codes = {0, 0, 0, 0};
  const std::vector<std::string_view> channels = {"miniprogram"};
  const std::vector<int32_t> channel_codes = {0, 0, 0, 0};
  const std::vector<std::string_view> kinds = {"browse", "purchase", "points_spent"};
  const std::vector<int32_t> kind_codes = {0, 1, 2, 2};
  const std::vector<Timestamp> times = {1, 2, 3, 4};
  const std::vector<double> values = {0, 0, 0, 25};
  BehaviorColumns c;
  c.account_id = {accounts, account_codes};
  c.channel = {channels, channel_codes};
  c.kind = {kinds, kind_codes};
  c.time = times;
  c.value = values;
  BehaviorTable table;
  EventReport report;
  ASSERT_OK(table.Append(c, report));
  ASSERT_EQ(table.row_count(), 2u);
  EXPECT_EQ(table.kind(1), BehaviorKind::kPointsSpent);
  ASSERT_EQ(report.errors.size(), 2u);
  EXPECT_EQ(report.errors[0].field, "kind");
  EXPECT_THAT(report.errors[0].reason, HasSubstr("'purchase'"));
  EXPECT_EQ(report.errors[1].field, "value");
}

TEST(StringDictionaryTest, AdoptedEntriesKeepTheirCodesAndIndexLazily) {
  StringDictionary dict;
  const std::vector<std::string_view> distinct = {"b", "", "a"};
  ASSERT_TRUE(dict.AdoptIfEmpty(distinct));
  EXPECT_EQ(dict.Find("a"), 2u);  // found by a scan before any index exists
  EXPECT_EQ(dict.Find("zz"), StringDictionary::kNone);
  EXPECT_EQ(dict.Intern("b"), 0u);  // builds the index
  EXPECT_EQ(dict.Intern("c"), 3u);
  EXPECT_EQ(dict.Find("c"), 3u);
  EXPECT_FALSE(dict.AdoptIfEmpty(distinct));
  EXPECT_EQ(dict.size(), 4u);
}

TEST(EventReportTest, ListsAtMostMaxListedButCountsAll) {
  EventReport report;
  report.max_listed = 2;
  for (int i = 0; i < 5; ++i) report.Reject(i, "time", "bad");
  EXPECT_EQ(report.rows_rejected, 5u);
  EXPECT_EQ(report.errors.size(), 2u);
  EventReport total;
  total.Absorb(report);
  EXPECT_EQ(total.rows_rejected, 5u);
  EXPECT_EQ(total.errors.size(), 2u);
}

}  // namespace
}  // namespace oneid::profile
