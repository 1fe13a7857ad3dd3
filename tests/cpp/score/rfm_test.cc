#include "oneid/score/rfm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <set>
#include <vector>

#include "absl/status/status.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// The definition, computed the slow way: a row's score is set by how many rows lie strictly below.
std::vector<uint8_t> BruteForceScores(const std::vector<double>& x, int bins, bool inverse) {
  const size_t n = x.size();
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    size_t below = 0;
    for (size_t j = 0; j < n; ++j) below += inverse ? (x[j] > x[i]) : (x[j] < x[i]);
    out[i] = static_cast<uint8_t>(1 + (static_cast<size_t>(bins) * below) / n);
  }
  return out;
}

TEST(RfmTest, DistinctValuesGiveEqualQuintiles) {
  std::vector<double> recency, frequency, monetary;
  for (int i = 0; i < 10; ++i) {
    recency.push_back(i);            // 0 is the most recent
    frequency.push_back(i + 1);
    monetary.push_back(100.0 * (10 - i));
  }
  ASSERT_OK_AND_ASSIGN(RfmResult rfm, ComputeRfm(recency, frequency, monetary));
  EXPECT_THAT(rfm.r, ElementsAre(5, 5, 4, 4, 3, 3, 2, 2, 1, 1));
  EXPECT_THAT(rfm.f, ElementsAre(1, 1, 2, 2, 3, 3, 4, 4, 5, 5));
  EXPECT_THAT(rfm.m, ElementsAre(5, 5, 4, 4, 3, 3, 2, 2, 1, 1));
  EXPECT_EQ(rfm.Code(0), 515);
  EXPECT_THAT(rfm.frequency_edges, ElementsAre(2, 4, 6, 8));
  EXPECT_THAT(rfm.recency_edges, ElementsAre(2, 4, 6, 8));
}

TEST(RfmTest, TiesNeverSplitAndGoToTheLowerBin) {
  // Six of ten customers bought once: they share F = 1; the next value's score counts them all.
  std::vector<double> frequency = {1, 1, 1, 1, 1, 1, 2, 2, 3, 9};
  std::vector<double> zeros(frequency.size(), 0.0);
  ASSERT_OK_AND_ASSIGN(RfmResult rfm, ComputeRfm(zeros, frequency, zeros));
  EXPECT_THAT(rfm.f, ElementsAre(1, 1, 1, 1, 1, 1, 4, 4, 5, 5));
  // All recencies tie: everyone gets the lowest score of the group, R = 1.
  EXPECT_THAT(rfm.r, ElementsAreArray(std::vector<uint8_t>(10, 1)));
  EXPECT_THAT(rfm.m, ElementsAreArray(std::vector<uint8_t>(10, 1)));
}

TEST(RfmTest, MatchesBruteForceOnRandomDataWithTies) {
  std::mt19937_64 rng(20261124);
  for (int trial = 0; trial < 60; ++trial) {
    const int bins = 2 + trial % 8;
    const size_t n = 1 + rng() % 400;
    std::geometric_distribution<int> purchases(0.4);
    std::uniform_int_distribution<int> days(0, 90);
    std::lognormal_distribution<double> spend(4.0, 1.0);
    std::vector<double> r(n), f(n), m(n);
    for (size_t i = 0; i < n; ++i) {
      r[i] = days(rng);
      f[i] = 1 + purchases(rng);
      m[i] = trial % 3 == 0 ? std::round(spend(rng) / 10) * 10 : spend(rng);  // some tied spends
    }
    RfmOptions options;
    options.bins = bins;
    ASSERT_OK_AND_ASSIGN(RfmResult rfm, ComputeRfm(r, f, m, options));
    ASSERT_EQ(rfm.r, BruteForceScores(r, bins, /*inverse=*/true)) << "trial " << trial;
    ASSERT_EQ(rfm.f, BruteForceScores(f, bins, /*inverse=*/false)) << "trial " << trial;
    ASSERT_EQ(rfm.m, BruteForceScores(m, bins, /*inverse=*/false)) << "trial " << trial;
    // Scoring again with the reported edges reproduces every score.
    RfmOptions again = options;
    again.recency_edges = rfm.recency_edges;
    again.frequency_edges = rfm.frequency_edges;
    again.monetary_edges = rfm.monetary_edges;
    ASSERT_OK_AND_ASSIGN(RfmResult replay, ComputeRfm(r, f, m, again));
    ASSERT_EQ(replay.r, rfm.r);
    ASSERT_EQ(replay.f, rfm.f);
    ASSERT_EQ(replay.m, rfm.m);
  }
}

TEST(RfmTest, ExplicitEdgesAreRightClosedAndRecencyIsInverse) {
  RfmOptions options;
  options.bins = 3;
  options.recency_edges = {30, 90};     // < 30 days: R=3, 30..89: R=2, >= 90: R=1
  options.frequency_edges = {1, 4};     // 1: F=1, 2..4: F=2, 5+: F=3
  options.monetary_edges = {100, 100};  // a repeated edge leaves bin 2 empty
  std::vector<double> r = {0, 29.5, 30, 89, 90, 400};
  std::vector<double> f = {1, 2, 4, 5, 0, 10};
  std::vector<double> m = {50, 100, 100.5, 0, 1e6, 99};
  ASSERT_OK_AND_ASSIGN(RfmResult rfm, ComputeRfm(r, f, m, options));
  EXPECT_THAT(rfm.r, ElementsAre(3, 3, 2, 2, 1, 1));
  EXPECT_THAT(rfm.f, ElementsAre(1, 2, 2, 3, 1, 3));
  EXPECT_THAT(rfm.m, ElementsAre(1, 1, 3, 1, 3, 1));
}

TEST(RfmTest, SegmentGridCoversEveryCellAndEveryName) {
  std::set<RfmSegment> seen;
  for (int r = 1; r <= 5; ++r) {
    for (int f = 1; f <= 5; ++f) {
      for (int m = 1; m <= 5; ++m) seen.insert(RfmSegmentOf(r, f, m));
    }
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kRfmSegmentCount));
  EXPECT_EQ(RfmSegmentOf(5, 5, 5), RfmSegment::kChampions);
  EXPECT_EQ(RfmSegmentOf(5, 5, 4), RfmSegment::kChampions);  // FM = 4
  EXPECT_EQ(RfmSegmentOf(4, 5, 4), RfmSegment::kLoyal);
  EXPECT_EQ(RfmSegmentOf(4, 5, 5), RfmSegment::kChampions);
  EXPECT_EQ(RfmSegmentOf(3, 4, 4), RfmSegment::kLoyal);
  EXPECT_EQ(RfmSegmentOf(5, 3, 2), RfmSegment::kPotentialLoyalist);
  EXPECT_EQ(RfmSegmentOf(5, 1, 1), RfmSegment::kNew);
  EXPECT_EQ(RfmSegmentOf(5, 1, 2), RfmSegment::kNew);  // FM = floor(1.5) = 1
  EXPECT_EQ(RfmSegmentOf(4, 1, 1), RfmSegment::kPromising);
  EXPECT_EQ(RfmSegmentOf(3, 3, 3), RfmSegment::kNeedAttention);
  EXPECT_EQ(RfmSegmentOf(3, 2, 1), RfmSegment::kAboutToSleep);
  EXPECT_EQ(RfmSegmentOf(2, 4, 3), RfmSegment::kAtRisk);
  EXPECT_EQ(RfmSegmentOf(1, 5, 5), RfmSegment::kCantLoseThem);
  EXPECT_EQ(RfmSegmentOf(2, 1, 2), RfmSegment::kHibernating);
  EXPECT_EQ(RfmSegmentOf(1, 1, 1), RfmSegment::kLost);
  EXPECT_EQ(RfmSegmentName(RfmSegment::kCantLoseThem), "Can't Lose Them");
  EXPECT_EQ(RfmSegmentName(RfmSegment::kPotentialLoyalist), "Potential Loyalist");
}

TEST(RfmTest, SegmentsOfOtherBinCountsUseTheFiveScale) {
  RfmOptions options;
  options.bins = 9;
  std::vector<double> r, f, m;
  for (int i = 0; i < 9; ++i) {
    r.push_back(i);
    f.push_back(9 - i);
    m.push_back(9 - i);
  }
  ASSERT_OK_AND_ASSIGN(RfmResult rfm, ComputeRfm(r, f, m, options));
  EXPECT_EQ(rfm.r[0], 9);
  EXPECT_EQ(rfm.segment[0], RfmSegment::kChampions);
  EXPECT_EQ(rfm.r[8], 1);
  EXPECT_EQ(rfm.segment[8], RfmSegment::kLost);
  // Two bins: the low bin is 1 on the five-point scale, not its middle.
  options.bins = 2;
  ASSERT_OK_AND_ASSIGN(RfmResult two, ComputeRfm(std::vector<double>{0, 100}, std::vector<double>{10, 1},
                                                 std::vector<double>{500, 1}, options));
  EXPECT_EQ(two.segment[0], RfmSegment::kChampions);
  EXPECT_EQ(two.segment[1], RfmSegment::kLost);
}

TEST(RfmTest, ErrorsNameFieldRowAndReason) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> ok = {1, 2, 3};
  EXPECT_THAT(ComputeRfm(ok, std::vector<double>{1, nan, 3}, ok),
              StatusIs(absl::StatusCode::kInvalidArgument, "frequency[1] is NaN"));
  EXPECT_THAT(ComputeRfm(std::vector<double>{1, 2, -4}, ok, ok),
              StatusIs(absl::StatusCode::kInvalidArgument, "recency[2] is negative"));
  EXPECT_THAT(ComputeRfm(ok, ok, std::vector<double>{std::numeric_limits<double>::infinity(), 1, 1}),
              StatusIs(absl::StatusCode::kInvalidArgument, "monetary[0] is infinite"));
  EXPECT_THAT(ComputeRfm(ok, std::vector<double>{1, 2}, ok),
              StatusIs(absl::StatusCode::kInvalidArgument, "differ in length (3, 2, 3)"));
  RfmOptions options;
  options.bins = 10;
  EXPECT_THAT(ComputeRfm(ok, ok, ok, options), StatusIs(absl::StatusCode::kInvalidArgument, "bins must be in 2..9"));
  options.bins = 3;
  options.monetary_edges = {5};
  EXPECT_THAT(ComputeRfm(ok, ok, ok, options),
              StatusIs(absl::StatusCode::kInvalidArgument, "monetary_edges has 1 values; bins = 3 needs 2"));
  options.monetary_edges = {5, 4};
  EXPECT_THAT(ComputeRfm(ok, ok, ok, options),
              StatusIs(absl::StatusCode::kInvalidArgument, "monetary_edges[1] (4) is below"));
}

TEST(RfmTest, EmptyInputGivesEmptyResult) {
  ASSERT_OK_AND_ASSIGN(RfmResult rfm, ComputeRfm({}, {}, {}));
  EXPECT_EQ(rfm.size(), 0u);
  EXPECT_THAT(QuantileEdges({}, 5), StatusIs(absl::StatusCode::kInvalidArgument, "empty"));
}

}  // namespace
}  // namespace oneid::score
