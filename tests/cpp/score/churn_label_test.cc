#include "oneid/score/churn_label.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

using ::testing::ElementsAre;

TEST(ChurnLabelTest, WindowIsOpenAtTheCutoffAndClosedAtTheHorizon) {
  // cutoff 100, H 30: the window is (100, 130].
  std::vector<uint64_t> customer = {7, 7, 3, 3, 5, 5, 9, 11, 11, 12};
  std::vector<double> day = {90, 130, 100, 131, 50, 100.5, 101, 10, 200, 100};
  ASSERT_OK_AND_ASSIGN(ChurnLabels labels, ChurnLabelsFromLog(customer, day, {.cutoff = 100, .horizon_days = 30}));
  // 9 first bought after the cut-off: not eligible. 3 bought on the cut-off day (before it, for
  // the features) and next after the window: churned. 7 bought on the last day of the window.
  EXPECT_THAT(labels.customers, ElementsAre(3, 5, 7, 11, 12));
  EXPECT_THAT(labels.churned, ElementsAre(1, 0, 0, 1, 1));
}

TEST(ChurnLabelTest, PerCustomerLabelAgreesWithTheLog) {
  ChurnLabelOptions options{.cutoff = 10, .horizon_days = 5};
  ASSERT_OK_AND_ASSIGN(std::optional<bool> a, ChurnLabelOf(std::vector<double>{12, 3}, options));
  EXPECT_EQ(a, std::optional<bool>(false));
  ASSERT_OK_AND_ASSIGN(std::optional<bool> b, ChurnLabelOf(std::vector<double>{10, 15.5}, options));
  EXPECT_EQ(b, std::optional<bool>(true));
  ASSERT_OK_AND_ASSIGN(std::optional<bool> c, ChurnLabelOf(std::vector<double>{11}, options));
  EXPECT_EQ(c, std::nullopt);
  ASSERT_OK_AND_ASSIGN(std::optional<bool> d, ChurnLabelOf({}, options));
  EXPECT_EQ(d, std::nullopt);
}

TEST(ChurnLabelTest, ErrorsNameRowAndField) {
  std::vector<uint64_t> customer = {1, 2};
  EXPECT_THAT(ChurnLabelsFromLog(customer, std::vector<double>{1, std::numeric_limits<double>::quiet_NaN()},
                                 {.cutoff = 5, .horizon_days = 3}),
              StatusIs(absl::StatusCode::kInvalidArgument, "day[1] is NaN"));
  EXPECT_THAT(ChurnLabelsFromLog(customer, std::vector<double>{1}, {.cutoff = 5, .horizon_days = 3}),
              StatusIs(absl::StatusCode::kInvalidArgument, "customer has 2 rows but day has 1"));
  EXPECT_THAT(ChurnLabelsFromLog(customer, std::vector<double>{1, 2}, {.cutoff = 5, .horizon_days = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, "horizon_days must be finite and > 0"));
  EXPECT_THAT(ChurnLabelOf(std::vector<double>{1}, {.cutoff = std::numeric_limits<double>::infinity()}),
              StatusIs(absl::StatusCode::kInvalidArgument, "cutoff must be finite"));
}

}  // namespace
}  // namespace oneid::score
