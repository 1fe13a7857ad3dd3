#include "oneid/identity/quality.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace oneid {
inline namespace v0 {
namespace identity {
namespace {

using ::testing::DoubleEq;

PairwiseQuality Evaluate(const std::vector<uint64_t>& predicted,
                         const std::vector<uint64_t>& truth) {
  absl::StatusOr<PairwiseQuality> q = EvaluatePairwise(predicted, truth);
  EXPECT_OK(q);
  return q.ok() ? *q : PairwiseQuality{};
}

// The definition, pair by pair.
PairwiseQuality BruteForce(const std::vector<uint64_t>& predicted,
                           const std::vector<uint64_t>& truth) {
  PairwiseQuality q;
  const size_t n = predicted.size();
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      const bool p = predicted[i] == predicted[j];
      const bool t = truth[i] == truth[j];
      q.predicted_pairs += p;
      q.true_pairs += t;
      q.correct_pairs += p && t;
    }
  }
  return q;
}

TEST(QualityTest, PerfectClusteringWithDifferentLabels) {
  // Same partition, different label values: only equality of labels matters.
  const PairwiseQuality q = Evaluate({7, 7, 9, 9, 9, 100}, {1, 1, 2, 2, 2, 3});
  EXPECT_EQ(q.true_pairs, 4u);  // 1 + 3 + 0
  EXPECT_EQ(q.predicted_pairs, 4u);
  EXPECT_EQ(q.correct_pairs, 4u);
  EXPECT_THAT(q.precision, DoubleEq(1));
  EXPECT_THAT(q.recall, DoubleEq(1));
  EXPECT_THAT(q.f1, DoubleEq(1));
  EXPECT_EQ(q.largest_cluster, 3u);
  EXPECT_EQ(q.predicted_clusters, 3u);
  EXPECT_EQ(q.true_clusters, 3u);
}

TEST(QualityTest, AllMergedHasFullRecallAndLowPrecision) {
  const PairwiseQuality q = Evaluate({5, 5, 5, 5, 5, 5}, {1, 1, 2, 2, 2, 3});
  EXPECT_EQ(q.predicted_pairs, 15u);  // 6 choose 2
  EXPECT_EQ(q.true_pairs, 4u);
  EXPECT_EQ(q.correct_pairs, 4u);
  EXPECT_THAT(q.precision, DoubleEq(4.0 / 15));
  EXPECT_THAT(q.recall, DoubleEq(1));
  EXPECT_THAT(q.f1, DoubleEq(2 * (4.0 / 15) / (4.0 / 15 + 1)));
  EXPECT_EQ(q.largest_cluster, 6u);
  EXPECT_EQ(q.predicted_clusters, 1u);
  EXPECT_EQ(q.true_clusters, 3u);
}

TEST(QualityTest, AllSplitHasNoPredictedPairs) {
  const PairwiseQuality q = Evaluate({1, 2, 3, 4, 5, 6}, {1, 1, 2, 2, 2, 3});
  EXPECT_EQ(q.predicted_pairs, 0u);
  EXPECT_EQ(q.correct_pairs, 0u);
  EXPECT_EQ(q.true_pairs, 4u);
  EXPECT_THAT(q.precision, DoubleEq(1));  // by convention: nothing was wrongly merged
  EXPECT_THAT(q.recall, DoubleEq(0));
  EXPECT_THAT(q.f1, DoubleEq(0));
  EXPECT_EQ(q.largest_cluster, 1u);
  EXPECT_EQ(q.predicted_clusters, 6u);
}

TEST(QualityTest, HandComputedMixedCase) {
  // Predicted {0,1,2} {3,4} {5}; truth {0,1} {2,3,4} {5}.
  // Predicted pairs 3 + 1 = 4; true pairs 1 + 3 = 4; correct: (0,1) and (3,4).
  const PairwiseQuality q = Evaluate({1, 1, 1, 2, 2, 3}, {10, 10, 20, 20, 20, 30});
  EXPECT_EQ(q.predicted_pairs, 4u);
  EXPECT_EQ(q.true_pairs, 4u);
  EXPECT_EQ(q.correct_pairs, 2u);
  EXPECT_THAT(q.precision, DoubleEq(0.5));
  EXPECT_THAT(q.recall, DoubleEq(0.5));
  EXPECT_THAT(q.f1, DoubleEq(0.5));
  EXPECT_EQ(q.largest_cluster, 3u);
}

TEST(QualityTest, OverMergeOfOneBlobShowsQuadratically) {
  // 100 singletons wrongly merged into one blob, next to 100 correct pairs.
  std::vector<uint64_t> predicted, truth;
  for (uint64_t i = 0; i < 100; ++i) {
    predicted.push_back(0);
    truth.push_back(1000 + i);
  }
  for (uint64_t i = 0; i < 100; ++i) {
    predicted.insert(predicted.end(), {1 + i, 1 + i});
    truth.insert(truth.end(), {i, i});
  }
  const PairwiseQuality q = Evaluate(predicted, truth);
  EXPECT_EQ(q.predicted_pairs, 4950u + 100u);
  EXPECT_EQ(q.correct_pairs, 100u);
  EXPECT_THAT(q.precision, DoubleEq(100.0 / 5050));
  EXPECT_THAT(q.recall, DoubleEq(1));
  EXPECT_EQ(q.largest_cluster, 100u);
}

TEST(QualityTest, NoTruePairsMeansFullRecall) {
  const PairwiseQuality q = Evaluate({1, 1, 2}, {1, 2, 3});
  EXPECT_EQ(q.true_pairs, 0u);
  EXPECT_THAT(q.recall, DoubleEq(1));
  EXPECT_THAT(q.precision, DoubleEq(0));
  EXPECT_THAT(q.f1, DoubleEq(0));
}

TEST(QualityTest, EmptyInputIsPerfectByConvention) {
  const PairwiseQuality q = Evaluate({}, {});
  EXPECT_THAT(q.precision, DoubleEq(1));
  EXPECT_THAT(q.recall, DoubleEq(1));
  EXPECT_THAT(q.f1, DoubleEq(1));
  EXPECT_EQ(q.true_pairs, 0u);
  EXPECT_EQ(q.predicted_pairs, 0u);
  EXPECT_EQ(q.correct_pairs, 0u);
  EXPECT_EQ(q.largest_cluster, 0u);
  EXPECT_EQ(q.predicted_clusters, 0u);
  EXPECT_EQ(q.true_clusters, 0u);
}

TEST(QualityTest, SingleRow) {
  const PairwiseQuality q = Evaluate({3}, {4});
  EXPECT_THAT(q.f1, DoubleEq(1));
  EXPECT_EQ(q.largest_cluster, 1u);
  EXPECT_EQ(q.predicted_clusters, 1u);
  EXPECT_EQ(q.true_clusters, 1u);
}

TEST(QualityTest, ExtremeLabelValues) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  const PairwiseQuality q = Evaluate({0, kMax, kMax, 0}, {kMax, 0, 0, 1});
  EXPECT_EQ(q.predicted_pairs, 2u);
  EXPECT_EQ(q.true_pairs, 1u);
  EXPECT_EQ(q.correct_pairs, 1u);
}

TEST(QualityTest, SizeMismatchIsInvalidArgument) {
  const std::vector<uint64_t> a = {1, 2, 3};
  const std::vector<uint64_t> b = {1, 2};
  EXPECT_THAT(EvaluatePairwise(a, b),
              StatusIs(absl::StatusCode::kInvalidArgument, "predicted has 3"));
  EXPECT_THAT(EvaluatePairwise(b, a),
              StatusIs(absl::StatusCode::kInvalidArgument, "truth has 3"));
  EXPECT_THAT(EvaluatePairwise({}, b),
              StatusIs(absl::StatusCode::kInvalidArgument, ""));
}

TEST(QualityTest, SwappingArgumentsSwapsPrecisionAndRecall) {
  const std::vector<uint64_t> a = {1, 1, 1, 2, 2, 3, 3, 3, 3};
  const std::vector<uint64_t> b = {1, 1, 2, 2, 2, 2, 3, 3, 4};
  const PairwiseQuality ab = Evaluate(a, b);
  const PairwiseQuality ba = Evaluate(b, a);
  EXPECT_THAT(ab.precision, DoubleEq(ba.recall));
  EXPECT_THAT(ab.recall, DoubleEq(ba.precision));
  EXPECT_THAT(ab.f1, DoubleEq(ba.f1));
}

TEST(QualityTest, MatchesBruteForceOnRandomLabelings) {
  std::mt19937_64 rng(20240601);
  for (int trial = 0; trial < 40; ++trial) {
    // From few large clusters to many small ones, so both sides see collisions and singletons.
    const size_t n = 1 + rng() % 300;
    const uint64_t predicted_labels = 1 + rng() % (trial % 4 == 0 ? 5 : n);
    const uint64_t true_labels = 1 + rng() % (trial % 3 == 0 ? 8 : n);
    std::vector<uint64_t> predicted(n), truth(n);
    for (size_t i = 0; i < n; ++i) {
      // Spread the label values over 64 bits: only equality may matter.
      predicted[i] = (rng() % predicted_labels) * 0x9e3779b97f4a7c15ULL;
      truth[i] = (rng() % true_labels) * 0xbf58476d1ce4e5b9ULL + 17;
    }
    const PairwiseQuality want = BruteForce(predicted, truth);
    const PairwiseQuality got = Evaluate(predicted, truth);
    SCOPED_TRACE(::testing::Message() << "trial " << trial << ", n=" << n);
    EXPECT_EQ(got.predicted_pairs, want.predicted_pairs);
    EXPECT_EQ(got.true_pairs, want.true_pairs);
    EXPECT_EQ(got.correct_pairs, want.correct_pairs);
    const double precision =
        want.predicted_pairs == 0 ? 1.0 : double(want.correct_pairs) / want.predicted_pairs;
    const double recall = want.true_pairs == 0 ? 1.0 : double(want.correct_pairs) / want.true_pairs;
    EXPECT_THAT(got.precision, DoubleEq(precision));
    EXPECT_THAT(got.recall, DoubleEq(recall));
    if (precision + recall > 0) {
      EXPECT_THAT(got.f1, DoubleEq(2 * precision * recall / (precision + recall)));
    }
    EXPECT_LE(got.largest_cluster, n);
    EXPECT_GE(got.largest_cluster, 1u);
  }
}

}  // namespace
}  // namespace identity
}  // namespace v0
}  // namespace oneid
