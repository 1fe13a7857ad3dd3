// LogisticRegression: L2-penalised logistic regression for churn, fitted by L-BFGS (LBFGSpp) on an
// analytic gradient, with the standardisation of the features inside the model.
//
//   oneid::score::LogisticRegression model({.l2 = 1.0});
//   absl::StatusOr<ClassifierFitReport> report = model.Fit(x, y);    // x: n x d, y: 0/1
//   absl::StatusOr<Eigen::VectorXd> p = model.PredictProba(x_later); // P(y = 1)
//   absl::Status saved = model.Save("churn.lr");
//   absl::StatusOr<LogisticRegression> again = LogisticRegression::Load("churn.lr");
//
// Model. Each feature is standardised with the mean and the population standard deviation (ddof 0,
// as sklearn's StandardScaler) of the training rows, unweighted; a constant feature keeps scale 1.
// These are stored with the coefficients, so prediction takes raw features. With z_i the
// standardised row, P(y = 1 | x_i) = sigmoid(intercept + z_i . beta).
//
// Objective. With sample weights w_i (default 1) and W = sum w_i, the fit minimises
//   L(beta, b) = (1 / W) [ sum_i w_i logloss_i + (l2 / 2) ||beta||^2 ],
// the intercept b unpenalised. That is scikit-learn's LogisticRegression(penalty="l2", C=1/l2)
// fitted on the standardised features (sklearn minimises C sum_i w_i logloss_i + ||beta||^2 / 2,
// the same minimiser); dividing by W keeps the gradient's scale independent of n, so one tolerance
// serves every data size. FitReport::loss is L at the end.
//
// Convergence: ||grad L||_2 <= tolerance, or a line search that can no longer lower L in double
// precision while ||grad L||_2 <= sqrt(machine epsilon) max(1, |L|) (a tolerance below that floor
// cannot be met more closely). The fit stops at max_iterations otherwise (kNoConvergence); a
// failed line search above the floor or a non-finite value is kNumericalIssue. The model keeps
// the last parameters in every case, and FitReport::gradient_norm says how close it got.
//
// Thread safety: const methods may run concurrently; Fit needs exclusive access.
#ifndef ONEID_SCORE_LOGISTIC_REGRESSION_H_
#define ONEID_SCORE_LOGISTIC_REGRESSION_H_

#include <cstddef>
#include <string>

#include "Eigen/Core"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/score/classifier.h"

namespace oneid {
inline namespace v0 {
namespace score {

struct LogisticRegressionOptions {
  double l2 = 1.0;             // penalty strength on the standardised coefficients (sklearn C = 1/l2); >= 0
  bool fit_intercept = true;
  int max_iterations = 500;    // L-BFGS iterations
  double tolerance = 1e-6;     // on the gradient's 2-norm of the mean objective
  int memory = 10;             // L-BFGS correction pairs
};

class LogisticRegression {
 public:
  explicit LogisticRegression(LogisticRegressionOptions options = {});

  // Fits on rows of `x` with labels `y` (0 or 1) and optional non-negative `weights` (empty: all
  // 1). InvalidArgument naming row, column and reason for non-finite features, labels that are
  // not 0/1, bad weights, mismatched sizes, no rows, or a single class; invalid options too.
  absl::StatusOr<ClassifierFitReport> Fit(const FeatureMatrixView& x, absl::Span<const double> y,
                                          absl::Span<const double> weights = {});

  // P(y = 1) per row. FailedPrecondition before a fit; InvalidArgument for a column count other
  // than the fit's or a non-finite feature (naming row and column).
  absl::StatusOr<Eigen::VectorXd> PredictProba(const FeatureMatrixView& x) const;

  // Writes the model (options, standardisation, coefficients) in a versioned text format with
  // every double in round-trip precision, to a temporary file renamed over `path`.
  absl::Status Save(const std::string& path) const;
  // NotFound if the file cannot be opened; InvalidArgument for a foreign file or a newer version;
  // DataLoss for a truncated or malformed one.
  static absl::StatusOr<LogisticRegression> Load(const std::string& path);

  bool fitted() const { return fitted_; }
  size_t num_features() const { return static_cast<size_t>(coef_.size()); }
  const LogisticRegressionOptions& options() const { return options_; }
  // Coefficients on the standardised features, and the intercept.
  const Eigen::VectorXd& coefficients() const { return coef_; }
  double intercept() const { return intercept_; }
  // The stored standardisation: z = (x - mean) / scale.
  const Eigen::VectorXd& means() const { return mean_; }
  const Eigen::VectorXd& scales() const { return scale_; }

  // The format Save writes; Load refuses newer ones.
  static constexpr int kFormatVersion = 1;

 private:
  LogisticRegressionOptions options_;
  bool fitted_ = false;
  Eigen::VectorXd coef_;
  double intercept_ = 0.0;
  Eigen::VectorXd mean_;
  Eigen::VectorXd scale_;
};

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_LOGISTIC_REGRESSION_H_
