// Input checks the churn classifiers share. Private to src/score.
#ifndef ONEID_SRC_SCORE_CLASSIFIER_CHECKS_H_
#define ONEID_SRC_SCORE_CLASSIFIER_CHECKS_H_

#include <cmath>
#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "oneid/score/classifier.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {

// Every feature finite, or (allow_missing) NaN as "missing"; infinities are always refused.
inline absl::Status CheckFeatures(const FeatureMatrixView& x, bool allow_missing) {
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double* row = x.row(i).data();
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const double v = row[j];
      if (std::isfinite(v)) continue;
      if (std::isnan(v) && allow_missing) continue;
      return absl::InvalidArgumentError(absl::StrCat("x[", i, ", ", j, "] is ", std::isnan(v) ? "NaN" : "infinite"));
    }
  }
  return absl::OkStatus();
}

inline absl::Status CheckTrainingData(const FeatureMatrixView& x, absl::Span<const double> y,
                                      absl::Span<const double> weights, bool allow_missing) {
  const auto n = static_cast<size_t>(x.rows());
  if (n == 0) return absl::InvalidArgumentError("no training rows");
  if (y.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("x has ", n, " rows but y has ", y.size()));
  }
  if (!weights.empty() && weights.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("x has ", n, " rows but weights has ", weights.size()));
  }
  if (absl::Status s = CheckFeatures(x, allow_missing); !s.ok()) return s;
  double weight_of[2] = {0, 0};
  for (size_t i = 0; i < n; ++i) {
    if (y[i] != 0.0 && y[i] != 1.0) {
      return absl::InvalidArgumentError(absl::StrCat("y[", i, "] is ", y[i], "; labels must be 0 or 1"));
    }
    const double w = weights.empty() ? 1.0 : weights[i];
    if (!std::isfinite(w) || w < 0) {
      return absl::InvalidArgumentError(absl::StrCat("weights[", i, "] is ", w, "; weights must be finite and >= 0"));
    }
    weight_of[y[i] == 1.0] += w;
  }
  if (weight_of[0] <= 0 || weight_of[1] <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("y has a single class (positive weight on label ",
                                                   weight_of[0] > 0 ? 0 : 1, " only); a classifier needs both"));
  }
  return absl::OkStatus();
}

}  // namespace detail
}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SRC_SCORE_CLASSIFIER_CHECKS_H_
