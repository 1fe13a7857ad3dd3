#include "oneid/segment/kmeans.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "testing/status_matchers.h"

namespace oneid::segment {
namespace {

using Eigen::MatrixXd;

// `per` points around each of `centres` (rows), spread `sd`, in a fixed order; truth[i] is the blob.
MatrixXd Blobs(const MatrixXd& centres, int per, double sd, uint64_t seed, std::vector<int>* truth) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, sd);
  MatrixXd x(centres.rows() * per, centres.cols());
  for (Eigen::Index c = 0; c < centres.rows(); ++c) {
    for (int p = 0; p < per; ++p) {
      const Eigen::Index i = c * per + p;
      for (Eigen::Index j = 0; j < x.cols(); ++j) x(i, j) = centres(c, j) + noise(rng);
      if (truth) truth->push_back(static_cast<int>(c));
    }
  }
  return x;
}

// Textbook Lloyd: nested loops, no tricks, same stopping rule on label changes.
void NaiveLloyd(const MatrixXd& x, MatrixXd& centres, std::vector<int>& labels, double& inertia) {
  const Eigen::Index n = x.rows(), k = centres.rows();
  labels.assign(static_cast<size_t>(n), -1);
  for (int iter = 0; iter < 300; ++iter) {
    bool changed = false;
    inertia = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      int best = 0;
      double best_d = std::numeric_limits<double>::infinity();
      for (Eigen::Index c = 0; c < k; ++c) {
        const double d = (x.row(i) - centres.row(c)).squaredNorm();
        if (d < best_d) {
          best_d = d;
          best = static_cast<int>(c);
        }
      }
      changed |= labels[static_cast<size_t>(i)] != best;
      labels[static_cast<size_t>(i)] = best;
      inertia += best_d;
    }
    if (!changed) return;
    MatrixXd sums = MatrixXd::Zero(k, x.cols());
    std::vector<int> counts(static_cast<size_t>(k));
    for (Eigen::Index i = 0; i < n; ++i) {
      sums.row(labels[static_cast<size_t>(i)]) += x.row(i);
      ++counts[static_cast<size_t>(labels[static_cast<size_t>(i)])];
    }
    for (Eigen::Index c = 0; c < k; ++c) {
      if (counts[static_cast<size_t>(c)] > 0) centres.row(c) = sums.row(c) / counts[static_cast<size_t>(c)];
    }
  }
}

TEST(KMeansTest, MatchesNaiveLloydFromTheSameStart) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(0, 1);
  MatrixXd x(3000, 5);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) x(i, j) = g(rng) + (i % 3) * 1.5 * (j == i % 5);
  }
  MatrixXd start = x.topRows(6);
  MatrixXd naive_centres = start;
  std::vector<int> naive_labels;
  double naive_inertia = 0;
  NaiveLloyd(x, naive_centres, naive_labels, naive_inertia);

  KMeansOptions o;
  o.n_clusters = 6;
  o.standardize = false;
  o.tolerance = 0;  // stop only when no label changes, like the reference
  o.initial_centers = start;
  o.threads = 3;
  KMeans km(o);
  ASSERT_OK_AND_ASSIGN(KMeansReport r, km.Fit(x));
  EXPECT_EQ(r.outcome, KMeansOutcome::kConverged);
  EXPECT_NEAR(km.inertia(), naive_inertia, 1e-9 * naive_inertia);
  EXPECT_LT((km.centers() - naive_centres).cwiseAbs().maxCoeff(), 1e-9);
  for (size_t i = 0; i < naive_labels.size(); ++i) ASSERT_EQ(km.labels()[i], naive_labels[i]) << i;
}

TEST(KMeansTest, RecoversPlantedClustersOnDifferentScales) {
  // Four blobs; the second feature is in the thousands (money), the first in days: standardising
  // keeps either from dominating.
  MatrixXd centres(4, 3);
  centres << 10, 1000, 1, 10, 5000, 5, 90, 1000, 5, 90, 5000, 1;
  std::vector<int> truth;
  MatrixXd x = Blobs(centres, 500, 0.0, 1, &truth);
  std::mt19937_64 rng(2);
  std::normal_distribution<double> g(0, 1);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    x(i, 0) += 5 * g(rng);
    x(i, 1) += 300 * g(rng);
    x(i, 2) += 0.5 * g(rng);
  }
  KMeansOptions o;
  o.n_clusters = 4;
  o.seed = 9;
  KMeans km(o);
  ASSERT_OK(km.Fit(x, {"recency_days", "monetary_total", "frequency"}));
  // Every planted blob maps to one found cluster and vice versa.
  std::map<int, std::set<int>> found_of;
  for (size_t i = 0; i < truth.size(); ++i) found_of[truth[i]].insert(km.labels()[i]);
  std::set<int> used;
  for (auto& [blob, found] : found_of) {
    EXPECT_EQ(found.size(), 1u) << "blob " << blob;
    used.insert(*found.begin());
  }
  EXPECT_EQ(used.size(), 4u);
  // Centres come back in original units, and the summary explains the clusters.
  const std::vector<ClusterSummary> summary = km.Summarize(2);
  ASSERT_EQ(summary.size(), 4u);
  for (const ClusterSummary& s : summary) {
    EXPECT_EQ(s.size, 500u);
    EXPECT_DOUBLE_EQ(s.share, 0.25);
    ASSERT_EQ(s.top_features.size(), 2u);
    EXPECT_GE(std::fabs(s.top_features[0].second), std::fabs(s.top_features[1].second));
    bool near_a_centre = false;
    for (Eigen::Index c = 0; c < 4; ++c) {
      near_a_centre |= std::fabs(s.centroid[0] - centres(c, 0)) < 2 && std::fabs(s.centroid[1] - centres(c, 1)) < 100;
    }
    EXPECT_TRUE(near_a_centre);
  }
  // New points land in the cluster of their blob.
  ASSERT_OK_AND_ASSIGN(std::vector<int32_t> p, km.Predict(centres));
  for (int c = 0; c < 4; ++c) EXPECT_EQ(p[static_cast<size_t>(c)], km.labels()[static_cast<size_t>(c * 500)]);
}

TEST(KMeansTest, DeterministicForASeedWhateverTheThreadCount) {
  MatrixXd centres = MatrixXd::Random(5, 4) * 3;
  MatrixXd x = Blobs(centres, 1500, 1.0, 3, nullptr);
  KMeansOptions o;
  o.n_clusters = 5;
  o.seed = 123;
  o.threads = 1;
  KMeans a(o);
  ASSERT_OK(a.Fit(x));
  o.threads = 4;
  KMeans b(o);
  ASSERT_OK(b.Fit(x));
  EXPECT_EQ(a.labels(), b.labels());
  EXPECT_EQ(a.inertia(), b.inertia());
  EXPECT_TRUE(a.centers() == b.centers());
  o.seed = 124;
  KMeans c(o);
  ASSERT_OK(c.Fit(x));
  EXPECT_GT(c.inertia(), 0);
}

TEST(KMeansTest, MoreRestartsNeverRaiseInertia) {
  MatrixXd x = Blobs(MatrixXd::Random(8, 3) * 2, 200, 1.0, 4, nullptr);
  double previous = std::numeric_limits<double>::infinity();
  for (int n_init : {1, 3, 6}) {
    KMeansOptions o;
    o.n_clusters = 8;
    o.n_init = n_init;
    o.seed = 77;
    KMeans km(o);
    ASSERT_OK(km.Fit(x));
    EXPECT_LE(km.inertia(), previous + 1e-9);
    previous = km.inertia();
  }
}

TEST(KMeansTest, NanIsAnErrorNamingRowAndColumnOrImputed) {
  MatrixXd x = Blobs(MatrixXd::Random(2, 2) * 5, 20, 0.5, 6, nullptr);
  x(7, 1) = std::nan("");
  KMeansOptions o;
  o.n_clusters = 2;
  KMeans km(o);
  EXPECT_THAT(km.Fit(x, {"recency_days", "frequency"}),
              StatusIs(absl::StatusCode::kInvalidArgument, "row 7, column 'frequency': NaN"));
  o.nan_policy = NanPolicy::kImputeMean;
  KMeans imputed(o);
  ASSERT_OK(imputed.Fit(x, {"recency_days", "frequency"}));
  EXPECT_EQ(imputed.labels().size(), 40u);
  x(3, 0) = std::numeric_limits<double>::infinity();
  EXPECT_THAT(imputed.Fit(x), StatusIs(absl::StatusCode::kInvalidArgument, "row 3, column 'feature 0': infinite"));
}

TEST(KMeansTest, Errors) {
  MatrixXd x = MatrixXd::Random(5, 2);
  KMeansOptions o;
  o.n_clusters = 6;
  EXPECT_THAT(KMeans(o).Fit(x), StatusIs(absl::StatusCode::kInvalidArgument, "5 rows cannot form n_clusters = 6"));
  o.n_clusters = 0;
  EXPECT_THAT(KMeans(o).Fit(x), StatusIs(absl::StatusCode::kInvalidArgument, "n_clusters must be >= 1"));
  KMeans unfitted;
  EXPECT_THAT(unfitted.Predict(x), StatusIs(absl::StatusCode::kFailedPrecondition, "not fitted"));
  o.n_clusters = 2;
  KMeans km(o);
  ASSERT_OK(km.Fit(x));
  EXPECT_THAT(km.Predict(MatrixXd::Random(3, 3)), StatusIs(absl::StatusCode::kInvalidArgument, "expected 2 features"));
}

TEST(KMeansTest, FitsOnTableColumns) {
  profile::FeatureTable t({1, 2, 3, 4});
  ASSERT_OK(t.SetNumeric("a", {0, 0.1, 10, 10.1}));
  ASSERT_OK(t.SetText("tier", {"", "", "", ""}));
  KMeansOptions o;
  o.n_clusters = 2;
  KMeans km(o);
  ASSERT_OK(km.Fit(t, {"a"}));
  EXPECT_EQ(km.labels()[0], km.labels()[1]);
  EXPECT_NE(km.labels()[0], km.labels()[2]);
  EXPECT_THAT(km.Fit(t, {"a", "tier"}), StatusIs(absl::StatusCode::kInvalidArgument, "must be numeric"));
}

TEST(SilhouetteTest, MatchesBruteForceAndChooseKFindsPlantedK) {
  std::vector<int> truth;
  MatrixXd centres(3, 2);
  centres << 0, 0, 10, 0, 0, 10;
  MatrixXd x = Blobs(centres, 40, 1.0, 8, &truth);
  std::vector<int32_t> labels(truth.begin(), truth.end());
  ASSERT_OK_AND_ASSIGN(double s, Silhouette(x, labels, 1000));
  double expected = 0;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    std::vector<double> sum(3);
    std::vector<int> cnt(3);
    for (Eigen::Index j = 0; j < x.rows(); ++j) {
      if (i == j) continue;
      sum[static_cast<size_t>(truth[static_cast<size_t>(j)])] += (x.row(i) - x.row(j)).norm();
      ++cnt[static_cast<size_t>(truth[static_cast<size_t>(j)])];
    }
    const int own = truth[static_cast<size_t>(i)];
    const double a = sum[static_cast<size_t>(own)] / cnt[static_cast<size_t>(own)];
    double b = 1e300;
    for (int c = 0; c < 3; ++c) {
      if (c != own) b = std::min(b, sum[static_cast<size_t>(c)] / cnt[static_cast<size_t>(c)]);
    }
    expected += (b - a) / std::max(a, b);
  }
  expected /= static_cast<double>(x.rows());
  EXPECT_NEAR(s, expected, 1e-9);

  KMeansOptions o;
  o.seed = 1;
  ASSERT_OK_AND_ASSIGN(std::vector<KChoice> choices, ChooseK(x, {2, 3, 4, 5}, o));
  ASSERT_EQ(choices.size(), 4u);
  int best = 0;
  for (size_t i = 1; i < choices.size(); ++i) {
    EXPECT_LE(choices[i].inertia, choices[i - 1].inertia * 1.0001);
    if (choices[i].silhouette > choices[static_cast<size_t>(best)].silhouette) best = static_cast<int>(i);
  }
  EXPECT_EQ(choices[static_cast<size_t>(best)].k, 3);
  EXPECT_THAT(ChooseK(x, {1}, o), StatusIs(absl::StatusCode::kInvalidArgument, "k must be >= 2"));
}

}  // namespace
}  // namespace oneid::segment
