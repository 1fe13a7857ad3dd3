// Logistic regression: the objective and its analytic gradient, minimised by LBFGSpp (Debian's
// liblbfgspp-dev, header-only over Eigen). See logistic_regression.h for the model.
#include "oneid/score/logistic_regression.h"

#include <LBFGS.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "classifier_checks.h"
#include "oneid/internal/status_macros.h"
#include "oneid/internal/atomic_file.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace {

constexpr char kMagic[] = "oneid-logistic-regression";

// log(1 + e^z) without overflow.
inline double Softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }
inline double Sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

// The mean penalised log-loss over standardised features, evaluated without materialising the
// standardised matrix: with v = beta / scale, z_i = x_i . v + (b - mean . v), and the gradient
// folds the centring back in. Rows are processed in blocks so that each block of x is read once
// per evaluation for both z and x^T r (one pass over memory instead of two).
class Objective {
 public:
  Objective(const FeatureMatrixView& x, absl::Span<const double> y, absl::Span<const double> weights,
            const Eigen::VectorXd& mean, const Eigen::VectorXd& scale, double l2, bool fit_intercept)
      : x_(x), y_(y), weights_(weights), mean_(mean), scale_(scale), l2_(l2), fit_intercept_(fit_intercept) {
    total_weight_ = 0;
    if (weights_.empty()) {
      total_weight_ = static_cast<double>(y_.size());
    } else {
      for (double w : weights_) total_weight_ += w;
    }
  }

  // theta = [beta (d), b]; returns L and writes its gradient.
  double operator()(const Eigen::VectorXd& theta, Eigen::VectorXd& grad) {
    const Eigen::Index d = x_.cols();
    const Eigen::VectorXd beta = theta.head(d);
    const double b = fit_intercept_ ? theta[d] : 0.0;
    const Eigen::VectorXd v = beta.cwiseQuotient(scale_);
    const double offset = b - mean_.dot(v);

    Eigen::VectorXd xtr = Eigen::VectorXd::Zero(d);
    double loss = 0, residual_sum = 0;
    constexpr Eigen::Index kBlock = 2048;
    Eigen::VectorXd z(kBlock);
    const Eigen::Index n = x_.rows();
    for (Eigen::Index start = 0; start < n; start += kBlock) {
      const Eigen::Index rows = std::min(kBlock, n - start);
      auto block = x_.middleRows(start, rows);
      z.head(rows).noalias() = block * v;
      for (Eigen::Index k = 0; k < rows; ++k) {
        const auto i = static_cast<size_t>(start + k);
        const double zi = z[k] + offset;
        const double w = weights_.empty() ? 1.0 : weights_[i];
        loss += w * (Softplus(zi) - y_[i] * zi);
        const double r = w * (Sigmoid(zi) - y_[i]);
        z[k] = r;  // reuse the buffer for the residuals
        residual_sum += r;
      }
      xtr.noalias() += block.transpose() * z.head(rows);
    }
    const double inv_w = 1.0 / total_weight_;
    const double value = (loss + 0.5 * l2_ * beta.squaredNorm()) * inv_w;
    if (value < best_) {
      best_ = value;
      ++improvements_;
    }
    grad.resize(theta.size());
    grad.head(d) = ((xtr - mean_ * residual_sum).cwiseQuotient(scale_) + l2_ * beta) * inv_w;
    if (fit_intercept_) grad[d] = residual_sum * inv_w;
    return value;
  }

  // Evaluations that lowered the objective: the accepted steps, when the solver cannot say.
  int improvements() const { return improvements_; }

 private:
  const FeatureMatrixView& x_;
  absl::Span<const double> y_;
  absl::Span<const double> weights_;
  const Eigen::VectorXd& mean_;
  const Eigen::VectorXd& scale_;
  double l2_;
  bool fit_intercept_;
  double total_weight_ = 0;
  double best_ = std::numeric_limits<double>::infinity();
  int improvements_ = 0;
};

absl::Status CheckOptions(const LogisticRegressionOptions& o) {
  if (!std::isfinite(o.l2) || o.l2 < 0) return absl::InvalidArgumentError(absl::StrCat("l2 must be finite and >= 0, got ", o.l2));
  if (o.max_iterations < 1) {
    return absl::InvalidArgumentError(absl::StrCat("max_iterations must be >= 1, got ", o.max_iterations));
  }
  if (!(o.tolerance > 0)) return absl::InvalidArgumentError(absl::StrCat("tolerance must be > 0, got ", o.tolerance));
  if (o.memory < 1) return absl::InvalidArgumentError(absl::StrCat("memory must be >= 1, got ", o.memory));
  return absl::OkStatus();
}

std::string FormatDouble(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.17g", v);
  return buffer;
}

// Reads the model's text format: one "key values..." line per field, in a fixed order.
class Reader {
 public:
  explicit Reader(std::istream& in) : in_(in) {}

  absl::Status Key(const char* key) {
    std::string word;
    if (!(in_ >> word)) return absl::DataLossError(absl::StrCat("model file ends before '", key, "'"));
    if (word != key) return absl::DataLossError(absl::StrCat("expected '", key, "' in the model file, found '", word, "'"));
    return absl::OkStatus();
  }
  absl::StatusOr<double> Double(const char* what) {
    std::string word;
    if (!(in_ >> word)) return absl::DataLossError(absl::StrCat("model file ends inside '", what, "'"));
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(word.c_str(), &end);
    if (end != word.c_str() + word.size() || errno == ERANGE || !std::isfinite(v)) {
      return absl::DataLossError(absl::StrCat("'", what, "' holds '", word, "', not a finite number"));
    }
    return v;
  }
  absl::StatusOr<long> Integer(const char* what) {
    ONEID_ASSIGN_OR_RETURN(double v, Double(what));
    if (v != std::trunc(v) || std::fabs(v) > 1e9) {
      return absl::DataLossError(absl::StrCat("'", what, "' holds ", v, ", not an integer"));
    }
    return static_cast<long>(v);
  }
  absl::StatusOr<Eigen::VectorXd> Vector(const char* key, Eigen::Index size) {
    ONEID_RETURN_IF_ERROR(Key(key));
    Eigen::VectorXd v(size);
    for (Eigen::Index j = 0; j < size; ++j) {
      ONEID_ASSIGN_OR_RETURN(v[j], Double(key));
    }
    return v;
  }

 private:
  std::istream& in_;
};

}  // namespace

LogisticRegression::LogisticRegression(LogisticRegressionOptions options) : options_(options) {}

absl::StatusOr<ClassifierFitReport> LogisticRegression::Fit(const FeatureMatrixView& x, absl::Span<const double> y,
                                                            absl::Span<const double> weights) {
  ONEID_RETURN_IF_ERROR(CheckOptions(options_));
  ONEID_RETURN_IF_ERROR(detail::CheckTrainingData(x, y, weights, /*allow_missing=*/false));

  const Eigen::Index d = x.cols();
  const auto n = static_cast<double>(x.rows());
  // Mean and population standard deviation, unweighted (StandardScaler's convention), in one
  // row-major pass over blocks (a column-at-a-time pass would stride through the whole matrix once
  // per feature). Sums are taken about the first row so that large offsets cost no precision.
  const Eigen::RowVectorXd shift = x.row(0);
  Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(d), sum_squares = Eigen::RowVectorXd::Zero(d);
  constexpr Eigen::Index kStatsBlock = 4096;
  for (Eigen::Index start = 0; start < x.rows(); start += kStatsBlock) {
    const Eigen::Index rows = std::min(kStatsBlock, x.rows() - start);
    const FeatureMatrix centred = x.middleRows(start, rows).rowwise() - shift;
    sum += centred.colwise().sum();
    sum_squares += centred.array().square().matrix().colwise().sum();
  }
  Eigen::VectorXd mean = (shift + sum / n).transpose();
  Eigen::VectorXd scale(d);
  for (Eigen::Index j = 0; j < d; ++j) {
    const double m = sum[j] / n;
    const double var = std::max(0.0, sum_squares[j] / n - m * m);
    // A constant column carries no information; scale 1 keeps its (zero) coefficient finite. The
    // threshold treats a variance at rounding level of the column's magnitude as constant.
    const double magnitude = std::max(1.0, std::fabs(mean[j]));
    scale[j] = var > 1e-24 * magnitude * magnitude ? std::sqrt(var) : 1.0;
  }

  Objective objective(x, y, weights, mean, scale, options_.l2, options_.fit_intercept);
  LBFGSpp::LBFGSParam<double> param;
  param.m = options_.memory;
  param.epsilon = options_.tolerance;
  param.epsilon_rel = 0;
  param.max_iterations = options_.max_iterations;
  LBFGSpp::LBFGSSolver<double> solver(param);

  const Eigen::Index p = d + (options_.fit_intercept ? 1 : 0);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(p);
  if (options_.fit_intercept) {
    // Start from the intercept-only optimum (the log-odds of the base rate): fewer iterations.
    double positive = 0, total = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      const double w = weights.empty() ? 1.0 : weights[i];
      positive += w * y[i];
      total += w;
    }
    theta[d] = std::log(positive / (total - positive));
  }

  ClassifierFitReport report;
  double loss = 0;
  bool line_search_failed = false;
  try {
    report.iterations = solver.minimize(objective, theta, loss);
  } catch (const std::exception&) {
    // LBFGSpp signals a failed line search by throwing; theta holds its last point. Whether that
    // point is good enough is decided below from the gradient, like any other end.
    line_search_failed = true;
    report.iterations = std::max(0, objective.improvements() - 1);  // the first evaluation is the start
  }
  Eigen::VectorXd grad(p);
  loss = objective(theta, grad);
  report.loss = loss;
  report.gradient_norm = grad.norm();
  if (!std::isfinite(loss) || !std::isfinite(report.gradient_norm) || !theta.allFinite()) {
    report.status = ClassifierFitStatus::kNumericalIssue;
  } else if (report.gradient_norm <= options_.tolerance) {
    report.status = ClassifierFitStatus::kConverged;
  } else if (line_search_failed) {
    // A line search fails when no step lowers the objective in double precision. Near the
    // optimum that happens once |grad|^2 / curvature drops below eps |L|, i.e. at a gradient of
    // about sqrt(eps) max(1, |L|): the optimum is then reached as well as doubles can tell, and a
    // tolerance below that floor is met in substance. Farther away it is a genuine failure.
    const double floor = std::sqrt(std::numeric_limits<double>::epsilon()) * std::max(1.0, std::fabs(loss));
    report.status = report.gradient_norm <= floor ? ClassifierFitStatus::kConverged
                                                  : ClassifierFitStatus::kNumericalIssue;
  } else {
    report.status = ClassifierFitStatus::kNoConvergence;
  }

  coef_ = theta.head(d);
  intercept_ = options_.fit_intercept ? theta[d] : 0.0;
  mean_ = std::move(mean);
  scale_ = std::move(scale);
  fitted_ = true;
  return report;
}

absl::StatusOr<Eigen::VectorXd> LogisticRegression::PredictProba(const FeatureMatrixView& x) const {
  if (!fitted_) return absl::FailedPreconditionError("PredictProba before Fit");
  if (x.cols() != coef_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("x has ", x.cols(), " columns but the model was fitted on ", coef_.size()));
  }
  ONEID_RETURN_IF_ERROR(detail::CheckFeatures(x, /*allow_missing=*/false));
  const Eigen::VectorXd v = coef_.cwiseQuotient(scale_);
  const double offset = intercept_ - mean_.dot(v);
  Eigen::VectorXd z = x * v;
  for (Eigen::Index i = 0; i < z.size(); ++i) z[i] = Sigmoid(z[i] + offset);
  return z;
}

absl::Status LogisticRegression::Save(const std::string& path) const {
  if (!fitted_) return absl::FailedPreconditionError("Save before Fit");
  std::ostringstream out;
  out << kMagic << '\n' << "version " << kFormatVersion << '\n';
  out << "l2 " << FormatDouble(options_.l2) << '\n';
  out << "fit_intercept " << (options_.fit_intercept ? 1 : 0) << '\n';
  out << "max_iterations " << options_.max_iterations << '\n';
  out << "tolerance " << FormatDouble(options_.tolerance) << '\n';
  out << "memory " << options_.memory << '\n';
  out << "features " << coef_.size() << '\n';
  out << "intercept " << FormatDouble(intercept_) << '\n';
  auto vector = [&out](const char* key, const Eigen::VectorXd& v) {
    out << key;
    for (double e : v) out << ' ' << FormatDouble(e);
    out << '\n';
  };
  vector("coefficients", coef_);
  vector("mean", mean_);
  vector("scale", scale_);
  out << "end\n";

  // Written beside the target, made durable and renamed over it: a crash never leaves half a model.
  return internal::WriteFileAtomically(path, out.str());
}

absl::StatusOr<LogisticRegression> LogisticRegression::Load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::string magic;
  file >> magic;
  if (magic != kMagic) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a oneid logistic regression model"));
  }
  Reader in(file);
  ONEID_RETURN_IF_ERROR(in.Key("version"));
  ONEID_ASSIGN_OR_RETURN(long version, in.Integer("version"));
  if (version < 1 || version > kFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat(path, " has format version ", version,
                                                   "; this build reads versions 1..", kFormatVersion));
  }
  LogisticRegressionOptions options;
  ONEID_RETURN_IF_ERROR(in.Key("l2"));
  ONEID_ASSIGN_OR_RETURN(options.l2, in.Double("l2"));
  ONEID_RETURN_IF_ERROR(in.Key("fit_intercept"));
  ONEID_ASSIGN_OR_RETURN(long fit_intercept, in.Integer("fit_intercept"));
  options.fit_intercept = fit_intercept != 0;
  ONEID_RETURN_IF_ERROR(in.Key("max_iterations"));
  ONEID_ASSIGN_OR_RETURN(long max_iterations, in.Integer("max_iterations"));
  options.max_iterations = static_cast<int>(max_iterations);
  ONEID_RETURN_IF_ERROR(in.Key("tolerance"));
  ONEID_ASSIGN_OR_RETURN(options.tolerance, in.Double("tolerance"));
  ONEID_RETURN_IF_ERROR(in.Key("memory"));
  ONEID_ASSIGN_OR_RETURN(long memory, in.Integer("memory"));
  options.memory = static_cast<int>(memory);
  ONEID_RETURN_IF_ERROR(in.Key("features"));
  ONEID_ASSIGN_OR_RETURN(long features, in.Integer("features"));
  // A corrupt count must not turn into a huge allocation.
  if (features < 0 || features > (1 << 24)) {
    return absl::DataLossError(absl::StrCat(path, ": implausible feature count ", features));
  }
  ONEID_RETURN_IF_ERROR(in.Key("intercept"));
  ONEID_ASSIGN_OR_RETURN(double intercept, in.Double("intercept"));
  ONEID_ASSIGN_OR_RETURN(Eigen::VectorXd coef, in.Vector("coefficients", features));
  ONEID_ASSIGN_OR_RETURN(Eigen::VectorXd mean, in.Vector("mean", features));
  ONEID_ASSIGN_OR_RETURN(Eigen::VectorXd scale, in.Vector("scale", features));
  ONEID_RETURN_IF_ERROR(in.Key("end"));
  if (absl::Status s = CheckOptions(options); !s.ok()) {
    return absl::DataLossError(absl::StrCat(path, ": ", s.message()));
  }
  for (Eigen::Index j = 0; j < features; ++j) {
    if (!(scale[j] > 0)) return absl::DataLossError(absl::StrCat(path, ": scale[", j, "] is not positive"));
  }
  LogisticRegression model(options);
  model.coef_ = std::move(coef);
  model.intercept_ = intercept;
  model.mean_ = std::move(mean);
  model.scale_ = std::move(scale);
  model.fitted_ = true;
  return model;
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
