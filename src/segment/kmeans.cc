// k-means; see include/oneid/segment/kmeans.h for the algorithm and its guarantees.
#include "oneid/segment/kmeans.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "columns.h"
#include "oneid/internal/status_macros.h"

namespace oneid {
inline namespace v0 {
namespace segment {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr Eigen::Index kBlock = 2048;  // rows per block: the block x k distance matrix stays in cache

// SplitMix64: small, fast and identical on every platform (std:: distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  size_t Below(size_t n) { return static_cast<size_t>(Uniform() * static_cast<double>(n)); }

 private:
  uint64_t state_;
};

int ThreadCount(int requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

// Runs fn(block) for every block index in [0, blocks) on up to `threads` threads.
template <typename Fn>
void ParallelBlocks(Eigen::Index blocks, int threads, Fn&& fn) {
  const int t = static_cast<int>(std::min<Eigen::Index>(threads, blocks));
  if (t <= 1) {
    for (Eigen::Index b = 0; b < blocks; ++b) fn(b);
    return;
  }
  std::atomic<Eigen::Index> next{0};
  auto work = [&] {
    for (Eigen::Index b = next.fetch_add(1); b < blocks; b = next.fetch_add(1)) fn(b);
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(t - 1));
  for (int i = 1; i < t; ++i) pool.emplace_back(work);
  work();
  for (std::thread& th : pool) th.join();
}

struct Assignment {
  std::vector<int32_t> labels;
  VectorXd distance;  // squared distance to the assigned centre
  MatrixXd sums;      // k x d
  VectorXd counts;    // k
  double inertia = 0;
  size_t changed = 0;
};

// Assigns every row of z to its nearest centre and accumulates per-cluster sums, block by block;
// partial results are combined in block order (deterministic for any thread count).
void Assign(const MatrixXd& z, const VectorXd& row_norms, const MatrixXd& centers, int threads, Assignment& a) {
  const Eigen::Index n = z.rows(), d = z.cols(), k = centers.rows();
  const Eigen::Index blocks = (n + kBlock - 1) / kBlock;
  const VectorXd center_norms = centers.rowwise().squaredNorm();
  std::vector<MatrixXd> sums(static_cast<size_t>(blocks));
  std::vector<VectorXd> counts(static_cast<size_t>(blocks));
  std::vector<double> inertia(static_cast<size_t>(blocks));
  std::vector<size_t> changed(static_cast<size_t>(blocks));
  if (a.labels.size() != static_cast<size_t>(n)) a.labels.assign(static_cast<size_t>(n), -1);
  a.distance.resize(n);
  ParallelBlocks(blocks, threads, [&](Eigen::Index b) {
    const Eigen::Index start = b * kBlock, m = std::min(kBlock, n - start);
    // scores(c, i) = ||c||^2 - 2 x_i.c ; the argmin over c is the nearest centre. Centres by rows
    // of the block, so each row's k scores are contiguous for the argmin.
    MatrixXd scores = centers * z.middleRows(start, m).transpose();
    scores *= -2.0;
    scores.colwise() += center_norms;
    MatrixXd& s = sums[static_cast<size_t>(b)];
    VectorXd& cnt = counts[static_cast<size_t>(b)];
    s.setZero(k, d);
    cnt.setZero(k);
    double block_inertia = 0;
    size_t block_changed = 0;
    for (Eigen::Index i = 0; i < m; ++i) {
      const double* row = scores.col(i).data();
      Eigen::Index best = 0;
      double best_score = row[0];
      for (Eigen::Index c = 1; c < k; ++c) {
        if (row[c] < best_score) {
          best_score = row[c];
          best = c;
        }
      }
      const double dist = std::max(0.0, row_norms[start + i] + best_score);  // rounding can dip below 0
      a.distance[start + i] = dist;
      int32_t& label = a.labels[static_cast<size_t>(start + i)];
      block_changed += label != static_cast<int32_t>(best);
      label = static_cast<int32_t>(best);
      cnt[best] += 1;
      block_inertia += dist;
    }
    // Column by column: sequential reads of the column-major block.
    for (Eigen::Index j = 0; j < d; ++j) {
      const double* col = z.col(j).data() + start;
      for (Eigen::Index i = 0; i < m; ++i) s(a.labels[static_cast<size_t>(start + i)], j) += col[i];
    }
    inertia[static_cast<size_t>(b)] = block_inertia;
    changed[static_cast<size_t>(b)] = block_changed;
  });
  a.sums.setZero(k, d);
  a.counts.setZero(k);
  a.inertia = 0;
  a.changed = 0;
  for (size_t b = 0; b < static_cast<size_t>(blocks); ++b) {
    a.sums += sums[b];
    a.counts += counts[b];
    a.inertia += inertia[b];
    a.changed += changed[b];
  }
}

// Greedy k-means++. The distances from every row to all candidates of a step come from one
// matrix product per block of rows (||x||^2 - 2 x.c + ||c||^2), so a step reads the data once
// rather than once per candidate.
MatrixXd SeedPlusPlus(const MatrixXd& z, const VectorXd& row_norms, int k, Rng& rng, int threads) {
  const Eigen::Index n = z.rows(), d = z.cols();
  const Eigen::Index blocks = (n + kBlock - 1) / kBlock;
  MatrixXd centers(k, d);
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  // dist(i, t) = min(closest[i], squared distance from row i to candidate t).
  auto distances = [&](const MatrixXd& candidates, const VectorXd* closest, MatrixXd& dist) {
    const Eigen::Index t = candidates.rows();
    const MatrixXd candidates_t = candidates.transpose();
    const VectorXd cand_norms = candidates.rowwise().squaredNorm();
    dist.resize(n, t);
    ParallelBlocks(blocks, threads, [&](Eigen::Index b) {
      const Eigen::Index start = b * kBlock, m = std::min(kBlock, n - start);
      const MatrixXd cross = z.middleRows(start, m) * candidates_t;
      for (Eigen::Index c = 0; c < t; ++c) {
        for (Eigen::Index i = 0; i < m; ++i) {
          double v = std::max(0.0, row_norms[start + i] - 2 * cross(i, c) + cand_norms[c]);
          if (closest != nullptr) v = std::min(v, (*closest)[start + i]);
          dist(start + i, c) = v;
        }
      }
    });
  };
  centers.row(0) = z.row(static_cast<Eigen::Index>(rng.Below(static_cast<size_t>(n))));
  MatrixXd dist;
  distances(centers.topRows(1), nullptr, dist);
  VectorXd closest = dist.col(0);
  std::vector<double> cumulative(static_cast<size_t>(n));
  MatrixXd candidates(trials, d);
  std::vector<Eigen::Index> picked(static_cast<size_t>(trials));
  for (int c = 1; c < k; ++c) {
    std::partial_sum(closest.data(), closest.data() + n, cumulative.begin());
    for (int t = 0; t < trials; ++t) {
      const double target = rng.Uniform() * cumulative.back();
      auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
      picked[static_cast<size_t>(t)] = std::min<Eigen::Index>(it - cumulative.begin(), n - 1);
      candidates.row(t) = z.row(picked[static_cast<size_t>(t)]);
    }
    distances(candidates, &closest, dist);
    int best = 0;
    double best_potential = std::numeric_limits<double>::infinity();
    for (int t = 0; t < trials; ++t) {
      const double p = dist.col(t).sum();
      if (p < best_potential) {
        best_potential = p;
        best = t;
      }
    }
    centers.row(c) = candidates.row(best);
    closest = dist.col(best);
  }
  return centers;
}

struct Run {
  MatrixXd centers;
  std::vector<int32_t> labels;
  double inertia = std::numeric_limits<double>::infinity();
  int iterations = 0;
  bool converged = false;
};

Run Lloyd(const MatrixXd& z, const VectorXd& row_norms, MatrixXd centers, const KMeansOptions& o, double tol,
          int threads) {
  const Eigen::Index k = centers.rows();
  Run run;
  Assignment a;
  for (int iter = 1; iter <= o.max_iterations; ++iter) {
    Assign(z, row_norms, centers, threads, a);
    run.iterations = iter;
    if (iter > 1 && a.changed == 0) {
      run.converged = true;
      break;
    }
    MatrixXd next = centers;
    std::vector<Eigen::Index> far;  // rows already used to refill empty clusters
    for (Eigen::Index c = 0; c < k; ++c) {
      if (a.counts[c] > 0) {
        next.row(c) = a.sums.row(c) / a.counts[c];
        continue;
      }
      // An empty cluster takes the point farthest from its centre (not taken yet).
      Eigen::Index pick = 0;
      double best = -1;
      for (Eigen::Index i = 0; i < z.rows(); ++i) {
        if (a.distance[i] > best && std::find(far.begin(), far.end(), i) == far.end()) {
          best = a.distance[i];
          pick = i;
        }
      }
      far.push_back(pick);
      next.row(c) = z.row(pick);
    }
    const double shift = (next - centers).squaredNorm();
    centers = std::move(next);
    if (shift <= tol) {
      run.converged = true;
      break;
    }
  }
  // Labels and inertia consistent with the final centres.
  Assign(z, row_norms, centers, threads, a);
  run.centers = std::move(centers);
  run.labels = std::move(a.labels);
  run.inertia = a.inertia;
  return run;
}

absl::Status CheckFinite(const Eigen::Ref<const MatrixXd>& x, const std::vector<std::string>& names, bool allow_nan) {
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double v = x(i, j);
      if (std::isfinite(v) || (allow_nan && std::isnan(v))) continue;
      return absl::InvalidArgumentError(absl::StrCat(
          "row ", i, ", column '", names[static_cast<size_t>(j)], "': ", std::isnan(v) ? "NaN" : "infinite value",
          std::isnan(v) ? "; drop or fill the row, or use nan_policy='impute_mean'" : " cannot be clustered"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status KMeansOptions::Validate() const {
  if (n_clusters < 1) return absl::InvalidArgumentError(absl::StrCat("n_clusters must be >= 1, got ", n_clusters));
  if (n_init < 1) return absl::InvalidArgumentError(absl::StrCat("n_init must be >= 1, got ", n_init));
  if (max_iterations < 1) {
    return absl::InvalidArgumentError(absl::StrCat("max_iterations must be >= 1, got ", max_iterations));
  }
  if (!(tolerance >= 0)) return absl::InvalidArgumentError(absl::StrCat("tolerance must be >= 0, got ", tolerance));
  if (threads < 0) return absl::InvalidArgumentError(absl::StrCat("threads must be >= 0, got ", threads));
  if (initial_centers.has_value() && initial_centers->rows() != n_clusters) {
    return absl::InvalidArgumentError(absl::StrCat("initial_centers has ", initial_centers->rows(),
                                                   " rows; expected n_clusters = ", n_clusters));
  }
  return absl::OkStatus();
}

absl::Status KMeans::FitStatistics(const Eigen::Ref<const MatrixXd>& x) {
  const Eigen::Index d = x.cols();
  mean_.resize(d);
  stats_std_.resize(d);
  scale_.setOnes(d);
  for (Eigen::Index j = 0; j < d; ++j) {
    double sum = 0, count = 0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (!std::isnan(x(i, j))) {
        sum += x(i, j);
        ++count;
      }
    }
    if (count == 0) {
      return absl::InvalidArgumentError(absl::StrCat("column '", feature_names_[static_cast<size_t>(j)],
                                                     "' has no value to impute from (all NaN)"));
    }
    const double mean = sum / count;
    double ss = 0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (!std::isnan(x(i, j))) ss += (x(i, j) - mean) * (x(i, j) - mean);
    }
    mean_[j] = mean;
    stats_std_[j] = std::sqrt(ss / count);
    if (options_.standardize && stats_std_[j] > 0) scale_[j] = stats_std_[j];
  }
  return absl::OkStatus();
}

absl::StatusOr<MatrixXd> KMeans::Transform(const Eigen::Ref<const MatrixXd>& x) const {
  if (x.cols() != mean_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("expected ", mean_.size(), " features (as in fit), got ", x.cols()));
  }
  ONEID_RETURN_IF_ERROR(CheckFinite(x, feature_names_, options_.nan_policy == NanPolicy::kImputeMean));
  MatrixXd z = x;
  for (Eigen::Index j = 0; j < z.cols(); ++j) {
    auto col = z.col(j).array();
    col = col.isNaN().select(mean_[j], col);  // imputation (only NaN reaches here under kImputeMean)
    if (options_.standardize) col = (col - mean_[j]) / scale_[j];
  }
  return z;
}

absl::StatusOr<KMeansReport> KMeans::Fit(const Eigen::Ref<const MatrixXd>& x, std::vector<std::string> feature_names) {
  ONEID_RETURN_IF_ERROR(options_.Validate());
  fitted_ = false;
  if (feature_names.empty()) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) feature_names.push_back(absl::StrCat("feature ", j));
  }
  if (feature_names.size() != static_cast<size_t>(x.cols())) {
    return absl::InvalidArgumentError(absl::StrCat(feature_names.size(), " feature names for ", x.cols(), " features"));
  }
  if (x.cols() == 0) return absl::InvalidArgumentError("no features to cluster on");
  if (x.rows() < options_.n_clusters) {
    return absl::InvalidArgumentError(absl::StrCat(x.rows(), " rows cannot form n_clusters = ", options_.n_clusters,
                                                   " clusters"));
  }
  if (options_.initial_centers.has_value() && options_.initial_centers->cols() != x.cols()) {
    return absl::InvalidArgumentError(absl::StrCat("initial_centers has ", options_.initial_centers->cols(),
                                                   " columns; the data has ", x.cols()));
  }
  feature_names_ = std::move(feature_names);
  ONEID_RETURN_IF_ERROR(FitStatistics(x));
  ONEID_ASSIGN_OR_RETURN(const MatrixXd z, Transform(x));
  const VectorXd row_norms = z.rowwise().squaredNorm();
  // scikit-learn's tolerance: relative to the mean variance of the clustered features.
  double mean_variance = 0;
  for (Eigen::Index j = 0; j < z.cols(); ++j) {
    const double mean = z.col(j).mean();
    mean_variance += (z.col(j).array() - mean).square().sum() / static_cast<double>(z.rows());
  }
  mean_variance /= static_cast<double>(z.cols());
  const double tol = options_.tolerance * mean_variance;
  const int threads = ThreadCount(options_.threads);

  Run best;
  const int inits = options_.initial_centers.has_value() ? 1 : options_.n_init;
  for (int init = 0; init < inits; ++init) {
    MatrixXd start;
    if (options_.initial_centers.has_value()) {
      start = *options_.initial_centers;
      ONEID_RETURN_IF_ERROR(CheckFinite(start, feature_names_, false));
      if (options_.standardize) start = (start.rowwise() - mean_).array().rowwise() / scale_.array();
    } else {
      Rng rng(options_.seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(init) + 1);
      start = SeedPlusPlus(z, row_norms, options_.n_clusters, rng, threads);
    }
    Run run = Lloyd(z, row_norms, std::move(start), options_, tol, threads);
    if (run.inertia < best.inertia) {
      report_.best_init = init;
      best = std::move(run);
    }
  }
  centers_ = std::move(best.centers);
  labels_ = std::move(best.labels);
  report_.inertia = best.inertia;
  report_.iterations = best.iterations;
  report_.outcome = best.converged ? KMeansOutcome::kConverged : KMeansOutcome::kMaxIterations;
  fitted_ = true;
  return report_;
}

absl::StatusOr<KMeansReport> KMeans::Fit(const profile::FeatureTable& table, const std::vector<std::string>& columns) {
  for (const std::string& c : columns) {
    ONEID_RETURN_IF_ERROR(detail::RequireNumeric(table, c, "k-means feature").status());
  }
  ONEID_ASSIGN_OR_RETURN(MatrixXd x, table.ToMatrix(columns));
  return Fit(x, columns);
}

absl::StatusOr<MatrixXd> KMeans::ClusteringSpace(const Eigen::Ref<const MatrixXd>& x) const {
  if (!fitted_) return absl::FailedPreconditionError("KMeans is not fitted; call Fit first");
  return Transform(x);
}

absl::StatusOr<std::vector<int32_t>> KMeans::Predict(const Eigen::Ref<const MatrixXd>& x) const {
  ONEID_ASSIGN_OR_RETURN(const MatrixXd z, ClusteringSpace(x));
  Assignment a;
  Assign(z, z.rowwise().squaredNorm(), centers_, ThreadCount(options_.threads), a);
  return std::move(a.labels);
}

MatrixXd KMeans::centers() const {
  if (!fitted_) return {};
  if (!options_.standardize) return centers_;
  return ((centers_.array().rowwise() * scale_.array()).rowwise() + mean_.array()).matrix();
}

std::vector<ClusterSummary> KMeans::Summarize(int top_features) const {
  std::vector<ClusterSummary> out;
  if (!fitted_) return out;
  const MatrixXd c = centers();
  std::vector<size_t> sizes(static_cast<size_t>(c.rows()));
  for (int32_t l : labels_) ++sizes[static_cast<size_t>(l)];
  for (Eigen::Index k = 0; k < c.rows(); ++k) {
    ClusterSummary s;
    s.cluster = static_cast<int>(k);
    s.size = sizes[static_cast<size_t>(k)];
    s.share = labels_.empty() ? 0 : static_cast<double>(s.size) / static_cast<double>(labels_.size());
    for (Eigen::Index j = 0; j < c.cols(); ++j) s.centroid.push_back(c(k, j));
    std::vector<std::pair<std::string, double>> diffs;
    for (Eigen::Index j = 0; j < c.cols(); ++j) {
      const double sd = stats_std_[j] > 0 ? stats_std_[j] : 1.0;
      diffs.emplace_back(feature_names_[static_cast<size_t>(j)], (c(k, j) - mean_[j]) / sd);
    }
    std::stable_sort(diffs.begin(), diffs.end(),
                     [](const auto& a, const auto& b) { return std::fabs(a.second) > std::fabs(b.second); });
    diffs.resize(std::min<size_t>(diffs.size(), static_cast<size_t>(std::max(0, top_features))));
    s.top_features = std::move(diffs);
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<double> Silhouette(const Eigen::Ref<const MatrixXd>& x, absl::Span<const int32_t> labels,
                                  size_t sample_size, uint64_t seed) {
  if (labels.size() != static_cast<size_t>(x.rows())) {
    return absl::InvalidArgumentError(absl::StrCat(labels.size(), " labels for ", x.rows(), " rows"));
  }
  const size_t n = labels.size();
  // A deterministic sample without replacement (partial Fisher-Yates).
  std::vector<size_t> rows(n);
  std::iota(rows.begin(), rows.end(), size_t{0});
  const size_t m = std::min(n, sample_size);
  Rng rng(seed ^ 0x5151ull);
  for (size_t i = 0; i < m && m < n; ++i) std::swap(rows[i], rows[i + rng.Below(n - i)]);
  rows.resize(m);
  std::sort(rows.begin(), rows.end());
  int32_t max_label = -1;
  for (size_t r : rows) {
    if (labels[r] < 0) return absl::InvalidArgumentError(absl::StrCat("row ", r, ": negative label ", labels[r]));
    max_label = std::max(max_label, labels[r]);
  }
  const size_t k = static_cast<size_t>(max_label + 1);
  std::vector<size_t> sizes(k);
  for (size_t r : rows) ++sizes[static_cast<size_t>(labels[r])];
  if (std::count_if(sizes.begin(), sizes.end(), [](size_t s) { return s > 0; }) < 2) {
    return absl::InvalidArgumentError("the silhouette needs at least 2 clusters in the sample");
  }
  MatrixXd s(static_cast<Eigen::Index>(m), x.cols());
  for (size_t i = 0; i < m; ++i) s.row(static_cast<Eigen::Index>(i)) = x.row(static_cast<Eigen::Index>(rows[i]));
  const VectorXd norms = s.rowwise().squaredNorm();
  const MatrixXd gram = s * s.transpose();
  double total = 0;
  std::vector<double> sum_to(k);
  for (size_t i = 0; i < m; ++i) {
    std::fill(sum_to.begin(), sum_to.end(), 0.0);
    for (size_t j = 0; j < m; ++j) {
      const auto ii = static_cast<Eigen::Index>(i), jj = static_cast<Eigen::Index>(j);
      const double d2 = std::max(0.0, norms[ii] + norms[jj] - 2 * gram(ii, jj));
      sum_to[static_cast<size_t>(labels[rows[j]])] += i == j ? 0.0 : std::sqrt(d2);
    }
    const size_t own = static_cast<size_t>(labels[rows[i]]);
    if (sizes[own] <= 1) continue;  // alone in its cluster: 0
    const double a = sum_to[own] / static_cast<double>(sizes[own] - 1);
    double b = std::numeric_limits<double>::infinity();
    for (size_t c = 0; c < k; ++c) {
      if (c != own && sizes[c] > 0) b = std::min(b, sum_to[c] / static_cast<double>(sizes[c]));
    }
    const double denom = std::max(a, b);
    total += denom > 0 ? (b - a) / denom : 0.0;
  }
  return total / static_cast<double>(m);
}

absl::StatusOr<std::vector<KChoice>> ChooseK(const Eigen::Ref<const MatrixXd>& x, const std::vector<int>& ks,
                                             KMeansOptions options, size_t silhouette_sample) {
  std::vector<KChoice> out;
  options.initial_centers.reset();
  for (int k : ks) {
    if (k < 2) return absl::InvalidArgumentError(absl::StrCat("ChooseK: k must be >= 2, got ", k));
    options.n_clusters = k;
    KMeans km(options);
    ONEID_ASSIGN_OR_RETURN(KMeansReport report, km.Fit(x));
    ONEID_ASSIGN_OR_RETURN(MatrixXd z, km.ClusteringSpace(x));
    ONEID_ASSIGN_OR_RETURN(double silhouette, Silhouette(z, km.labels(), silhouette_sample, options.seed));
    out.push_back({k, report.inertia, silhouette, report});
  }
  return out;
}

}  // namespace segment
}  // namespace v0
}  // namespace oneid
