#include "oneid/identity/account_table.h"

#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

using ::testing::HasSubstr;

TEST(AccountTableTest, AddRowChecksTheColumnCount) {
  AccountTable table({{"phone", "phone"}, {"email", "email"}});
  EXPECT_OK(table.AddRow("a:1", "pos", {"138", "x@y.com"}));
  EXPECT_THAT(table.AddRow("a:2", "pos", {"138"}), StatusIs(absl::StatusCode::kInvalidArgument, "1 identifier values"));
  EXPECT_EQ(table.row_count(), 1u);
}

TEST(AccountTableTest, CsvWithQuotesBomAndTypedColumns) {
  const std::string csv =
      "\xEF\xBB\xBF" "account_id,source,phone,phone#2,email\r\n"
      "pos:1,pos,138 0013 8000,,\"Ann, Lee\"\"s\"\r\n"
      "\"app:2\",app,,+86 139,\"multi\nline\"\n"
      "\n";
  BatchReport report;
  ASSERT_OK_AND_ASSIGN(AccountTable table, ReadAccountsCsv(csv, report));
  ASSERT_EQ(table.row_count(), 2u);
  EXPECT_EQ(report.rows_read, 2u);
  EXPECT_EQ(table.columns()[1].name, "phone#2");
  EXPECT_EQ(table.columns()[1].type, "phone");
  EXPECT_EQ(table.value(0, 2), "Ann, Lee\"s");
  EXPECT_EQ(table.account_id(1), "app:2");
  EXPECT_EQ(table.value(1, 2), "multi\nline");
  EXPECT_EQ(table.source(1), "app");
  EXPECT_EQ(table.row_number(0), 2u);  // CSV line numbers, header is line 1
}

TEST(AccountTableTest, BadCsvRowsAreRejectedWithLineAndReason) {
  const std::string csv =
      "account_id,phone\n"
      "a:1,13800138000\n"
      "a:2,138,extra\n"
      "a:3,\"unterminated\" junk\n"
      "a:\xFF,13800138000\n"
      "a:5,13900139000\n";
  BatchReport report;
  ASSERT_OK_AND_ASSIGN(AccountTable table, ReadAccountsCsv(csv, report));
  EXPECT_EQ(table.row_count(), 2u);
  EXPECT_EQ(report.rows_read, 5u);
  EXPECT_EQ(report.rows_rejected, 3u);
  ASSERT_EQ(report.errors.size(), 3u);
  EXPECT_EQ(report.errors[0].row, 3u);
  EXPECT_THAT(report.errors[0].reason, HasSubstr("3 fields, the header has 2"));
  EXPECT_EQ(report.errors[1].row, 4u);
  EXPECT_THAT(report.errors[1].reason, HasSubstr("malformed CSV"));
  EXPECT_EQ(report.errors[2].row, 5u);
  EXPECT_EQ(report.errors[2].field, "account_id");
  EXPECT_EQ(report.errors[2].reason, "invalid UTF-8");
  EXPECT_EQ(table.row_number(1), 6u);
}

TEST(AccountTableTest, HeaderErrors) {
  BatchReport report;
  EXPECT_THAT(ReadAccountsCsv("", report), StatusIs(absl::StatusCode::kInvalidArgument, "header"));
  EXPECT_THAT(ReadAccountsCsv("id,phone\n1,2\n", report),
              StatusIs(absl::StatusCode::kInvalidArgument, "no 'account_id' column"));
  EXPECT_THAT(ReadAccountsCsv("account_id,,phone\n", report),
              StatusIs(absl::StatusCode::kInvalidArgument, "has no name"));
  EXPECT_THAT(ReadAccountsCsvFile("/nonexistent/file.csv", report), StatusIs(absl::StatusCode::kNotFound, ""));
}

TEST(AccountTableTest, UnterminatedQuoteAtEndOfFileIsOneRejectedRow) {
  BatchReport report;
  ASSERT_OK_AND_ASSIGN(AccountTable table, ReadAccountsCsv("account_id,phone\na:1,\"1380013", report));
  EXPECT_EQ(table.row_count(), 0u);
  EXPECT_EQ(report.rows_rejected, 1u);
  EXPECT_THAT(report.errors[0].reason, HasSubstr("not closed"));
}

}  // namespace
}  // namespace oneid::identity
