// Gradient-boosted trees through XGBoost's C API. Every C call goes through Check(), which turns
// a non-zero return into an absl::Status with the call's name and XGBGetLastError().
#include "oneid/score/gradient_boosting.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "classifier_checks.h"
#include "oneid/internal/status_macros.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace {

absl::Status Check(int rc, const char* call, absl::StatusCode code = absl::StatusCode::kInternal) {
  if (rc == 0) return absl::OkStatus();
  const char* message = XGBGetLastError();
  return absl::Status(code, absl::StrCat(call, " failed: ", message != nullptr ? message : "(no message)"));
}

struct DMatrixDeleter {
  void operator()(void* handle) const { XGDMatrixFree(handle); }
};
using DMatrix = std::unique_ptr<void, DMatrixDeleter>;

// A DMatrix over `x` without an intermediate copy: XGBoost reads the float64 array through the
// __array_interface__ protocol (the same path Python's xgboost takes for a NumPy array) and
// rounds to float32 itself. NaN is the missing value.
absl::StatusOr<DMatrix> MakeDMatrix(const FeatureMatrixView& x, int nthread) {
  const std::string array = absl::StrCat(
      "{\"data\": [", reinterpret_cast<uintptr_t>(x.data()), ", true], \"shape\": [", x.rows(), ", ", x.cols(),
      "], \"strides\": [", x.outerStride() * static_cast<Eigen::Index>(sizeof(double)), ", ", sizeof(double),
      "], \"typestr\": \"<f8\", \"version\": 3}");
  const std::string config = absl::StrCat("{\"missing\": NaN, \"nthread\": ", nthread, "}");
  DMatrixHandle handle = nullptr;
  ONEID_RETURN_IF_ERROR(Check(XGDMatrixCreateFromDense(array.c_str(), config.c_str(), &handle),
                              "XGDMatrixCreateFromDense"));
  return DMatrix(handle);
}

absl::Status SetFloatInfo(DMatrixHandle m, const char* field, absl::Span<const double> values) {
  std::vector<float> f(values.begin(), values.end());
  return Check(XGDMatrixSetFloatInfo(m, field, f.data(), f.size()), "XGDMatrixSetFloatInfo");
}

absl::Status CheckOptions(const GradientBoostingOptions& o) {
  auto bad = [](const char* name, double v, const char* rule) {
    return absl::InvalidArgumentError(absl::StrCat(name, " must be ", rule, ", got ", v));
  };
  if (o.num_rounds < 1) return bad("num_rounds", o.num_rounds, ">= 1");
  if (!(o.learning_rate > 0 && o.learning_rate <= 1)) return bad("learning_rate", o.learning_rate, "in (0, 1]");
  if (o.max_depth < 1) return bad("max_depth", o.max_depth, ">= 1");
  if (!(o.min_child_weight >= 0) || !std::isfinite(o.min_child_weight)) return bad("min_child_weight", o.min_child_weight, ">= 0");
  if (!(o.subsample > 0 && o.subsample <= 1)) return bad("subsample", o.subsample, "in (0, 1]");
  if (!(o.colsample_bytree > 0 && o.colsample_bytree <= 1)) return bad("colsample_bytree", o.colsample_bytree, "in (0, 1]");
  if (!(o.reg_lambda >= 0) || !std::isfinite(o.reg_lambda)) return bad("reg_lambda", o.reg_lambda, ">= 0");
  if (!(o.reg_alpha >= 0) || !std::isfinite(o.reg_alpha)) return bad("reg_alpha", o.reg_alpha, ">= 0");
  if (o.max_bin < 2) return bad("max_bin", o.max_bin, ">= 2");
  if (o.nthread < 0) return bad("nthread", o.nthread, ">= 0");
  return absl::OkStatus();
}

// XGBoost 2 and later write the intercept as a vector ("base_score":"[5.15E-1]", one value per
// target); Debian's 1.7 reads that field as a scalar and silently falls back to 0.5, shifting every
// prediction. A single-target vector is rewritten to the scalar 1.7 expects; anything else is
// left for XGBoost to judge.
void ScalarBaseScore(std::string& json) {
  static constexpr std::string_view kKey = "\"base_score\":\"[";
  const size_t at = json.find(kKey);
  if (at == std::string::npos) return;
  const size_t open = at + kKey.size() - 1;
  const size_t close = json.find("]\"", open);
  if (close == std::string::npos || json.find(',', open) < close) return;
  json.erase(close, 1);
  json.erase(open, 1);
}

std::string Str(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.17g", v);
  return buffer;
}

}  // namespace

struct GradientBoostingModel::Booster {
  BoosterHandle handle = nullptr;
  size_t num_features = 0;
  int rounds = 0;
  // XGBoost's DMatrix prediction writes a per-booster cache, so calls on one booster take turns.
  mutable std::mutex predict_mutex;

  ~Booster() {
    if (handle != nullptr) XGBoosterFree(handle);
  }

  absl::Status Set(const char* name, const std::string& value) {
    return Check(XGBoosterSetParam(handle, name, value.c_str()), "XGBoosterSetParam", absl::StatusCode::kInvalidArgument);
  }

  // Reads the feature count and rounds back from XGBoost (after training or loading).
  absl::Status Describe() {
    bst_ulong features = 0;
    ONEID_RETURN_IF_ERROR(Check(XGBoosterGetNumFeature(handle, &features), "XGBoosterGetNumFeature"));
    num_features = static_cast<size_t>(features);
    return Check(XGBoosterBoostedRounds(handle, &rounds), "XGBoosterBoostedRounds");
  }
};

GradientBoostingModel::GradientBoostingModel(GradientBoostingOptions options) : options_(options) {}
GradientBoostingModel::GradientBoostingModel(GradientBoostingModel&&) noexcept = default;
GradientBoostingModel& GradientBoostingModel::operator=(GradientBoostingModel&&) noexcept = default;
GradientBoostingModel::~GradientBoostingModel() = default;

bool GradientBoostingModel::fitted() const { return booster_ != nullptr; }
size_t GradientBoostingModel::num_features() const { return booster_ ? booster_->num_features : 0; }
int GradientBoostingModel::num_rounds() const { return booster_ ? booster_->rounds : 0; }

absl::StatusOr<ClassifierFitReport> GradientBoostingModel::Fit(const FeatureMatrixView& x, absl::Span<const double> y,
                                                               absl::Span<const double> weights) {
  ONEID_RETURN_IF_ERROR(CheckOptions(options_));
  ONEID_RETURN_IF_ERROR(detail::CheckTrainingData(x, y, weights, /*allow_missing=*/true));
  ONEID_ASSIGN_OR_RETURN(DMatrix train, MakeDMatrix(x, options_.nthread));
  ONEID_RETURN_IF_ERROR(SetFloatInfo(train.get(), "label", y));
  if (!weights.empty()) ONEID_RETURN_IF_ERROR(SetFloatInfo(train.get(), "weight", weights));

  auto booster = std::make_unique<Booster>();
  DMatrixHandle cache[] = {train.get()};
  ONEID_RETURN_IF_ERROR(Check(XGBoosterCreate(cache, 1, &booster->handle), "XGBoosterCreate"));
  ONEID_RETURN_IF_ERROR(booster->Set("objective", "binary:logistic"));
  ONEID_RETURN_IF_ERROR(booster->Set("tree_method", "hist"));
  ONEID_RETURN_IF_ERROR(booster->Set("eta", Str(options_.learning_rate)));
  ONEID_RETURN_IF_ERROR(booster->Set("max_depth", std::to_string(options_.max_depth)));
  ONEID_RETURN_IF_ERROR(booster->Set("min_child_weight", Str(options_.min_child_weight)));
  ONEID_RETURN_IF_ERROR(booster->Set("subsample", Str(options_.subsample)));
  ONEID_RETURN_IF_ERROR(booster->Set("colsample_bytree", Str(options_.colsample_bytree)));
  ONEID_RETURN_IF_ERROR(booster->Set("lambda", Str(options_.reg_lambda)));
  ONEID_RETURN_IF_ERROR(booster->Set("alpha", Str(options_.reg_alpha)));
  ONEID_RETURN_IF_ERROR(booster->Set("max_bin", std::to_string(options_.max_bin)));
  ONEID_RETURN_IF_ERROR(booster->Set("nthread", std::to_string(options_.nthread)));
  ONEID_RETURN_IF_ERROR(booster->Set("seed", std::to_string(options_.seed)));
  // XGBoost prints warnings to stderr by default; a library should stay quiet.
  ONEID_RETURN_IF_ERROR(booster->Set("verbosity", "0"));
  for (int round = 0; round < options_.num_rounds; ++round) {
    ONEID_RETURN_IF_ERROR(Check(XGBoosterUpdateOneIter(booster->handle, round, train.get()), "XGBoosterUpdateOneIter"));
  }
  ONEID_RETURN_IF_ERROR(booster->Describe());
  booster_ = std::move(booster);

  ONEID_ASSIGN_OR_RETURN(Eigen::VectorXd p, PredictProba(x));
  double loss = 0, total = 0;
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    const auto row = static_cast<size_t>(i);
    const double w = weights.empty() ? 1.0 : weights[row];
    // float32 probabilities can round to exactly 0 or 1; clip as scikit-learn's log_loss does.
    const double pi = std::clamp(p[i], 1e-15, 1 - 1e-15);
    loss -= w * (y[row] * std::log(pi) + (1 - y[row]) * std::log1p(-pi));
    total += w;
  }
  ClassifierFitReport report;
  report.iterations = booster_->rounds;
  report.loss = loss / total;
  report.status = std::isfinite(report.loss) ? ClassifierFitStatus::kConverged : ClassifierFitStatus::kNumericalIssue;
  return report;
}

absl::StatusOr<Eigen::VectorXd> GradientBoostingModel::PredictProba(const FeatureMatrixView& x) const {
  if (!booster_) return absl::FailedPreconditionError("PredictProba before Fit or Load");
  if (static_cast<size_t>(x.cols()) != booster_->num_features) {
    return absl::InvalidArgumentError(
        absl::StrCat("x has ", x.cols(), " columns but the model was fitted on ", booster_->num_features));
  }
  ONEID_RETURN_IF_ERROR(detail::CheckFeatures(x, /*allow_missing=*/true));
  ONEID_ASSIGN_OR_RETURN(DMatrix data, MakeDMatrix(x, options_.nthread));
  std::lock_guard<std::mutex> lock(booster_->predict_mutex);
  const char* config = R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  ONEID_RETURN_IF_ERROR(Check(XGBoosterPredictFromDMatrix(booster_->handle, data.get(), config, &shape, &dim, &result),
                              "XGBoosterPredictFromDMatrix"));
  bst_ulong size = 1;
  for (bst_ulong k = 0; k < dim; ++k) size *= shape[k];
  if (size != static_cast<bst_ulong>(x.rows())) {
    return absl::InternalError(absl::StrCat("XGBoost returned ", size, " predictions for ", x.rows(), " rows"));
  }
  Eigen::VectorXd p(x.rows());
  for (Eigen::Index i = 0; i < p.size(); ++i) p[i] = result[i];
  return p;
}

absl::Status GradientBoostingModel::Save(const std::string& path) const {
  if (!booster_) return absl::FailedPreconditionError("Save before Fit or Load");
  bst_ulong length = 0;
  const char* bytes = nullptr;
  {
    std::lock_guard<std::mutex> lock(booster_->predict_mutex);  // the buffer is the booster's own
    ONEID_RETURN_IF_ERROR(Check(XGBoosterSaveModelToBuffer(booster_->handle, R"({"format": "json"})", &length, &bytes),
                                "XGBoosterSaveModelToBuffer"));
    const std::string temp = path + ".tmp";
    {
      std::ofstream file(temp, std::ios::binary | std::ios::trunc);
      if (!file) return absl::PermissionDeniedError(absl::StrCat("cannot write ", temp));
      file.write(bytes, static_cast<std::streamsize>(length));
      file.flush();
      if (!file) return absl::DataLossError(absl::StrCat("writing ", temp, " failed"));
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
      std::remove(temp.c_str());
      return absl::PermissionDeniedError(absl::StrCat("cannot rename ", temp, " to ", path));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<GradientBoostingModel> GradientBoostingModel::Load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (!bytes.empty() && bytes.front() == '{') ScalarBaseScore(bytes);
  auto booster = std::make_unique<Booster>();
  ONEID_RETURN_IF_ERROR(Check(XGBoosterCreate(nullptr, 0, &booster->handle), "XGBoosterCreate"));
  ONEID_RETURN_IF_ERROR(Check(XGBoosterLoadModelFromBuffer(booster->handle, bytes.data(), bytes.size()),
                              "XGBoosterLoadModelFromBuffer", absl::StatusCode::kDataLoss));
  ONEID_RETURN_IF_ERROR(booster->Describe());
  if (booster->num_features == 0) {
    return absl::DataLossError(absl::StrCat(path, " holds an XGBoost model without features"));
  }
  GradientBoostingModel model;
  model.booster_ = std::move(booster);
  return model;
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
