// KMeans: Lloyd's k-means with k-means++ seeding, several restarts and standardised features,
// deterministic for a seed (whatever the thread count), with a per-cluster summary and a helper to
// choose k from inertia and silhouette.
//
//   KMeansOptions options;
//   options.n_clusters = 6;
//   options.seed = 42;
//   KMeans km(options);
//   absl::StatusOr<KMeansReport> r = km.Fit(table, {"recency_days", "frequency", "monetary_total"});
//   km.labels();                 // cluster of each training row
//   km.centers();                // k x d, in the columns' own units
//   km.Summarize(3);             // size, centroid, the 3 most distinguishing features per cluster
//
// Algorithm. Features are standardised (mean 0, population standard deviation 1; a constant
// feature keeps scale 1) unless `standardize` is false. Seeding is greedy k-means++ (Arthur &
// Vassilvitskii; 2 + floor(ln k) candidate centres per step, the one that lowers the potential
// most is kept, as scikit-learn does). Each Lloyd step computes squared distances as
// ||x||^2 - 2 x.c + ||c||^2, the cross term as one matrix product per block of rows (Eigen GEMM),
// and sums each block's points per cluster; blocks run on `threads` threads and their partial
// sums are added in block order, so the result does not depend on the thread count. A cluster
// that empties takes the point farthest from its centre. A run stops when no label changes or
// when the centres move (sum of squared shifts) by at most tolerance x the mean feature variance
// (scikit-learn's rule), or after max_iterations. Of n_init runs the one with the lowest inertia
// wins.
//
// NaN. nan_policy kError (the default) refuses a NaN with InvalidArgument naming the row and the
// column; kImputeMean replaces it with the column's mean over the training rows (the same means
// are used by Predict). Infinite values are always an error.
//
// Inertia is the sum of squared distances to the nearest centre in the space that was clustered
// (standardised units when `standardize` is set, raw units otherwise, which is what
// scikit-learn's `inertia_` reports on the same matrix).
#ifndef ONEID_SEGMENT_KMEANS_H_
#define ONEID_SEGMENT_KMEANS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "Eigen/Core"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/profile/feature_table.h"

namespace oneid {
inline namespace v0 {
namespace segment {

enum class NanPolicy : uint8_t { kError, kImputeMean };

struct KMeansOptions {
  int n_clusters = 8;
  int n_init = 4;
  int max_iterations = 300;
  double tolerance = 1e-4;
  uint64_t seed = 0;
  bool standardize = true;
  NanPolicy nan_policy = NanPolicy::kError;
  int threads = 0;  // 0: std::thread::hardware_concurrency()
  // Start from these centres (k x d, in the features' own units) instead of k-means++; n_init is
  // then 1.
  std::optional<Eigen::MatrixXd> initial_centers;

  // InvalidArgument naming the field.
  [[nodiscard]] absl::Status Validate() const;
};

enum class KMeansOutcome : uint8_t { kConverged, kMaxIterations };

struct KMeansReport {
  KMeansOutcome outcome = KMeansOutcome::kConverged;
  int iterations = 0;  // of the winning run
  int best_init = 0;   // which restart won
  double inertia = 0;
};

struct ClusterSummary {
  int cluster = 0;
  size_t size = 0;
  double share = 0;
  std::vector<double> centroid;  // original units, one per feature
  // (feature, standardised difference of the cluster mean from the overall mean), largest
  // absolute difference first.
  std::vector<std::pair<std::string, double>> top_features;
};

class KMeans {
 public:
  KMeans() = default;
  explicit KMeans(KMeansOptions options) : options_(std::move(options)) {}

  // Fits on the rows of `x` (n samples x d features). `feature_names` (optional, d names) appear
  // in error messages and summaries; without them features are "feature 0", "feature 1", ...
  // InvalidArgument on bad options, fewer rows than clusters, NaN (under kError) or infinity.
  [[nodiscard]] absl::StatusOr<KMeansReport> Fit(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                 std::vector<std::string> feature_names = {});
  // Fits on the named numeric columns of a table.
  [[nodiscard]] absl::StatusOr<KMeansReport> Fit(const profile::FeatureTable& table,
                                                 const std::vector<std::string>& columns);

  // The nearest centre of each row. FailedPrecondition before Fit; InvalidArgument on a width
  // other than the training width, or NaN/infinity as in Fit.
  [[nodiscard]] absl::StatusOr<std::vector<int32_t>> Predict(const Eigen::Ref<const Eigen::MatrixXd>& x) const;

  // `x` in the clustered space (imputed, and standardised with the training statistics when
  // `standardize` is set). Errors as Predict.
  [[nodiscard]] absl::StatusOr<Eigen::MatrixXd> ClusteringSpace(const Eigen::Ref<const Eigen::MatrixXd>& x) const;

  bool fitted() const { return fitted_; }
  const KMeansOptions& options() const { return options_; }
  const std::vector<int32_t>& labels() const { return labels_; }
  // k x d, original units.
  Eigen::MatrixXd centers() const;
  double inertia() const { return report_.inertia; }
  const KMeansReport& report() const { return report_; }
  const std::vector<std::string>& feature_names() const { return feature_names_; }

  // One summary per cluster with the `top_features` most distinguishing features.
  std::vector<ClusterSummary> Summarize(int top_features = 3) const;

 private:
  absl::StatusOr<Eigen::MatrixXd> Transform(const Eigen::Ref<const Eigen::MatrixXd>& x) const;
  absl::Status FitStatistics(const Eigen::Ref<const Eigen::MatrixXd>& x);

  KMeansOptions options_;
  bool fitted_ = false;
  std::vector<std::string> feature_names_;
  Eigen::RowVectorXd mean_;        // per feature, over the training rows (NaN skipped)
  Eigen::RowVectorXd scale_;       // standard deviation (1 when constant or not standardising)
  Eigen::RowVectorXd stats_std_;   // standard deviation, for the summary
  Eigen::MatrixXd centers_;        // k x d, in the clustered space
  std::vector<int32_t> labels_;
  KMeansReport report_;
};

// Mean silhouette of `labels` over the rows of `x` (distances in the given space), computed on a
// deterministic sample of at most `sample_size` rows (O(sample^2 d)). A point alone in its cluster
// (within the sample) scores 0. InvalidArgument with fewer than 2 clusters in the sample.
[[nodiscard]] absl::StatusOr<double> Silhouette(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                absl::Span<const int32_t> labels, size_t sample_size = 2000,
                                                uint64_t seed = 0);

struct KChoice {
  int k = 0;
  double inertia = 0;
  double silhouette = 0;  // on the sample, in the clustered space
  KMeansReport report;
};

// Fits k-means for each k in `ks` (each >= 2) with `options` otherwise, and reports inertia and
// silhouette so a caller can look for the elbow or the best silhouette.
[[nodiscard]] absl::StatusOr<std::vector<KChoice>> ChooseK(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                           const std::vector<int>& ks, KMeansOptions options = {},
                                                           size_t silhouette_sample = 2000);

}  // namespace segment
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SEGMENT_KMEANS_H_
