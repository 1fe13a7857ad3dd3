// GradientBoostingModel: gradient-boosted trees for churn through XGBoost's C API (Debian's
// libxgboost-dev), saved as XGBoost JSON so that Python's `xgboost` loads the same model.
//
//   oneid::score::GradientBoostingModel model({.num_rounds = 300, .max_depth = 4});
//   absl::StatusOr<ClassifierFitReport> report = model.Fit(x, y);     // y: 0/1
//   absl::StatusOr<Eigen::VectorXd> p = model.PredictProba(x_later);
//   absl::Status saved = model.Save("churn.json");
//   // Python: xgboost.Booster(model_file="churn.json").predict(xgboost.DMatrix(x_later)) == p
//
// The objective is "binary:logistic" with the "hist" tree method. NaN features are missing values
// (XGBoost learns a default direction per split); infinities are refused. XGBoost computes in
// float32, so features are rounded to float on the way in, exactly as Python's xgboost does.
//
// Why XGBoost and not our own trees: it is the reference implementation analysts compare against,
// the model file is the artefact a Python team can audit and reuse, and Debian ships it.
//
// Format. Save writes XGBoost's own JSON (it carries XGBoost's version; XGBoost keeps reading
// older JSON models), to a temporary file renamed over `path`. Name the file "*.json": XGBoost's
// readers choose the format by extension. Load reads any XGBoost JSON or UBJSON model.
//
// Errors from XGBoost come back as absl::Status carrying the C function's name and
// XGBGetLastError()'s text: Internal during training or prediction, DataLoss for a model file
// XGBoost cannot parse. The model is move-only (it owns a BoosterHandle).
//
// Thread safety: const methods may be called from several threads; predictions on one model are
// serialised internally (XGBoost's DMatrix prediction keeps a per-booster cache). Fit needs
// exclusive access.
#ifndef ONEID_SCORE_GRADIENT_BOOSTING_H_
#define ONEID_SCORE_GRADIENT_BOOSTING_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "Eigen/Core"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/score/classifier.h"

namespace oneid {
inline namespace v0 {
namespace score {

// XGBoost's parameters of the same names (eta is learning_rate).
struct GradientBoostingOptions {
  int num_rounds = 200;
  double learning_rate = 0.1;
  int max_depth = 4;
  double min_child_weight = 1.0;
  double subsample = 1.0;
  double colsample_bytree = 1.0;
  double reg_lambda = 1.0;
  double reg_alpha = 0.0;
  int max_bin = 256;
  int nthread = 0;    // 0: all cores
  uint64_t seed = 0;
};

class GradientBoostingModel {
 public:
  explicit GradientBoostingModel(GradientBoostingOptions options = {});
  GradientBoostingModel(GradientBoostingModel&&) noexcept;
  GradientBoostingModel& operator=(GradientBoostingModel&&) noexcept;
  ~GradientBoostingModel();

  // Trains num_rounds trees. InvalidArgument (row, column, reason) for bad input as
  // LogisticRegression::Fit, except that NaN features are allowed (missing); for invalid options.
  // FitReport: iterations = rounds, loss = weighted mean training log-loss; boosting has no
  // convergence test, so the status is kConverged unless the loss is not finite.
  absl::StatusOr<ClassifierFitReport> Fit(const FeatureMatrixView& x, absl::Span<const double> y,
                                          absl::Span<const double> weights = {});

  // P(y = 1) per row. FailedPrecondition before a fit or load; InvalidArgument for a column count
  // other than the model's or an infinite feature.
  absl::StatusOr<Eigen::VectorXd> PredictProba(const FeatureMatrixView& x) const;

  absl::Status Save(const std::string& path) const;
  // NotFound if the file cannot be opened; DataLoss if XGBoost cannot read it.
  static absl::StatusOr<GradientBoostingModel> Load(const std::string& path);

  bool fitted() const;
  size_t num_features() const;
  int num_rounds() const;  // boosted rounds held by the model
  const GradientBoostingOptions& options() const { return options_; }

 private:
  struct Booster;
  GradientBoostingOptions options_;
  std::unique_ptr<Booster> booster_;
};

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_GRADIENT_BOOSTING_H_
