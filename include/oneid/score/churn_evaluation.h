// Evaluation of churn scores on a later period: AUC, lift at the top decile, Brier score and a
// calibration table.
//
//   // y: 1 = churned within the horizon after cut-off 2; p: the model's churn probabilities from
//   // features as of cut-off 2 (the model was trained on cut-off 1).
//   absl::StatusOr<ChurnEvaluation> e = oneid::score::EvaluateChurn(y, p);
//   e->auc, e->lift_top_decile, e->brier, e->calibration[0].observed_rate
//
// Scores are any vector where higher means "more likely to churn": a model's probability, or an
// unsupervised baseline such as 1 - P(alive) from the customer-base models (BG/NBD, Pareto/NBD),
// which needs no churn labels at all. AUC and lift depend only on the order of the scores, so any
// monotone transform gives the same values. The Brier score and the calibration table treat scores
// as probabilities and need them in [0, 1]; EvaluateChurn leaves them out (NaN, empty) otherwise.
//
// Ties. AUC counts a tied (churner, stayer) pair as one half (mid-ranks; scikit-learn's
// roc_auc_score). Lift takes the top ceil(n / 10) rows; a tied group straddling that cut counts
// with its mean churn rate for the part inside, which is the expectation over random tie-breaking,
// so the result never depends on the input order.
#ifndef ONEID_SCORE_CHURN_EVALUATION_H_
#define ONEID_SCORE_CHURN_EVALUATION_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace oneid {
inline namespace v0 {
namespace score {

// Area under the ROC curve: P(score of a random churner > score of a random stayer), ties 1/2.
// InvalidArgument for mismatched sizes, labels other than 0/1, NaN scores (naming the row), or a
// single class.
absl::StatusOr<double> RocAuc(absl::Span<const double> y_true, absl::Span<const double> scores);

// Churn rate among the top `fraction` of scores divided by the overall churn rate. 1 is no better
// than random. InvalidArgument as RocAuc, for fraction outside (0, 1], or no churner at all.
absl::StatusOr<double> LiftAtTop(absl::Span<const double> y_true, absl::Span<const double> scores,
                                 double fraction = 0.1);

// Mean squared difference between probability and outcome. InvalidArgument as RocAuc (one class
// is allowed) and for probabilities outside [0, 1].
absl::StatusOr<double> BrierScore(absl::Span<const double> y_true, absl::Span<const double> probabilities);

// One row of the calibration table.
struct CalibrationBin {
  int bin = 0;                  // 1..bins, by increasing probability
  size_t count = 0;
  double min_predicted = 0.0;
  double max_predicted = 0.0;
  double mean_predicted = 0.0;
  double observed_rate = 0.0;   // share of churners in the bin
};

// Rows split into `bins` groups of (near) equal size by predicted probability, with the rule of
// RFM scores (rfm.h): ties never split, they go to the lower bin; empty bins are left out.
// InvalidArgument as BrierScore and for bins < 2.
absl::StatusOr<std::vector<CalibrationBin>> CalibrationTable(absl::Span<const double> y_true,
                                                             absl::Span<const double> probabilities,
                                                             int bins = 10);

struct ChurnEvaluation {
  size_t count = 0;
  double churn_rate = 0.0;
  double auc = 0.0;
  double lift_top_decile = 0.0;
  double brier = 0.0;                       // NaN when the scores are not probabilities
  std::vector<CalibrationBin> calibration;  // deciles; empty when the scores are not probabilities
  // Largest |mean_predicted - observed_rate| over the calibration bins (NaN if there are none).
  double max_calibration_gap = 0.0;
};

// All of the above in one call. InvalidArgument as RocAuc.
absl::StatusOr<ChurnEvaluation> EvaluateChurn(absl::Span<const double> y_true, absl::Span<const double> scores);

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_CHURN_EVALUATION_H_
