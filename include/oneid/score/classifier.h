// What the churn classifiers (LogisticRegression, GradientBoostingModel) share: the feature-matrix
// view they take, and the report a fit returns.
//
// A fit's numerical outcome is a result, not an error (Eigen's info(), mlpack): a fit that stops at
// its iteration limit or meets a non-finite loss still returns a FitReport that says so, and the
// model holds the last parameters. Bad input (NaN, ragged sizes, a label that is not 0 or 1) is an
// InvalidArgument status naming row, column and reason.
#ifndef ONEID_SCORE_CLASSIFIER_H_
#define ONEID_SCORE_CLASSIFIER_H_

#include <cstdint>
#include <string_view>

#include "Eigen/Core"

namespace oneid {
inline namespace v0 {
namespace score {

// Features, one row per customer: a row-major view (NumPy's default layout), never copied.
using FeatureMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using FeatureMatrixView = Eigen::Ref<const FeatureMatrix>;

enum class ClassifierFitStatus : uint8_t {
  kConverged,       // the convergence test passed
  kNoConvergence,   // stopped at the iteration limit
  kNumericalIssue,  // the loss or gradient became non-finite, or the line search failed
};

// "converged", "no_convergence", "numerical_issue".
inline std::string_view ClassifierFitStatusName(ClassifierFitStatus status) {
  switch (status) {
    case ClassifierFitStatus::kConverged: return "converged";
    case ClassifierFitStatus::kNoConvergence: return "no_convergence";
    case ClassifierFitStatus::kNumericalIssue: return "numerical_issue";
  }
  return "unknown";
}

struct ClassifierFitReport {
  ClassifierFitStatus status = ClassifierFitStatus::kConverged;
  int iterations = 0;          // optimiser iterations (logistic) or boosting rounds (trees)
  double loss = 0.0;           // the objective at the end (see each model for its definition)
  double gradient_norm = 0.0;  // logistic regression: the final gradient's 2-norm; trees: 0

  bool converged() const { return status == ClassifierFitStatus::kConverged; }
};

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_CLASSIFIER_H_
