// Python bindings of the score layer's RFM and churn models. Each def only forwards to the C++
// call; the array conversions this area needs (row-major float64 matrices, 1-D float64/uint64
// vectors) are the few helpers at the top, next to convert.h's shared status mapping.
//
// The GIL is released for fits, predictions, RFM scoring, labelling and evaluation, always after
// the arguments have become C++ views of NumPy arrays that the caller's frame keeps alive, and
// never while a Python object is touched.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "convert.h"
#include "oneid/score/churn_evaluation.h"
#include "oneid/score/churn_label.h"
#include "oneid/score/classifier.h"
#include "oneid/score/gradient_boosting.h"
#include "oneid/score/logistic_regression.h"
#include "oneid/score/rfm.h"

namespace oneid::python {
namespace {

using namespace pybind11::literals;  // NOLINT(google-build-using-namespace): "name"_a

using score::ClassifierFitReport;
using score::FeatureMatrix;
using score::GradientBoostingModel;
using score::GradientBoostingOptions;
using score::LogisticRegression;
using score::LogisticRegressionOptions;

// NumPy arrays as the C++ side wants them: forcecast + c_style convert (copy) only when the input
// is not already a C-contiguous array of that dtype.
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Uint64Array = py::array_t<uint64_t, py::array::c_style | py::array::forcecast>;

absl::Span<const double> Vector(const DoubleArray& a, const char* name) {
  if (a.ndim() != 1) {
    throw py::value_error(std::string(name) + " must be one-dimensional, got " + std::to_string(a.ndim()) +
                          " dimensions");
  }
  return {a.data(), static_cast<size_t>(a.shape(0))};
}

std::optional<DoubleArray> OptionalArray(const py::object& o) {
  if (o.is_none()) return std::nullopt;
  return DoubleArray::ensure(o);
}

// A row-major n x d view of a 2-D float64 array (no copy).
Eigen::Map<const FeatureMatrix> Matrix(const DoubleArray& a, const char* name) {
  if (a.ndim() != 2) {
    throw py::value_error(std::string(name) + " must be two-dimensional (n_customers x n_features), got " +
                          std::to_string(a.ndim()) + " dimensions");
  }
  return {a.data(), a.shape(0), a.shape(1)};
}

py::dict ReportToDict(const ClassifierFitReport& r) {
  return py::dict("status"_a = std::string(score::ClassifierFitStatusName(r.status)), "converged"_a = r.converged(),
                  "iterations"_a = r.iterations, "loss"_a = r.loss, "gradient_norm"_a = r.gradient_norm);
}

// Fit/PredictProba share their shape: convert, release the GIL, call, map the status.
template <typename Model>
py::dict Fit(Model& model, const DoubleArray& x, const DoubleArray& y, const py::object& weights) {
  const std::optional<DoubleArray> w = OptionalArray(weights);
  auto xm = Matrix(x, "X");
  auto yv = Vector(y, "y");
  absl::Span<const double> wv = w ? Vector(*w, "sample_weight") : absl::Span<const double>();
  absl::StatusOr<ClassifierFitReport> report;
  {
    py::gil_scoped_release nogil;
    report = model.Fit(xm, yv, wv);
  }
  return ReportToDict(ValueOrThrow(std::move(report)));
}

template <typename Model>
Eigen::VectorXd Predict(const Model& model, const DoubleArray& x) {
  auto xm = Matrix(x, "X");
  absl::StatusOr<Eigen::VectorXd> p;
  {
    py::gil_scoped_release nogil;
    p = model.PredictProba(xm);
  }
  return ValueOrThrow(std::move(p));
}

template <typename Model>
Model Load(const std::string& path) {
  absl::StatusOr<Model> model;
  {
    py::gil_scoped_release nogil;
    model = Model::Load(path);
  }
  return ValueOrThrow(std::move(model));
}

template <typename Model>
void Save(const Model& model, const std::string& path) {
  absl::Status status;
  {
    py::gil_scoped_release nogil;
    status = model.Save(path);
  }
  ThrowIfError(status);
}

py::dict RfmToDict(score::RfmResult&& r) {
  std::vector<int16_t> code(r.size());
  std::vector<uint8_t> segment(r.size());
  for (size_t i = 0; i < r.size(); ++i) {
    code[i] = static_cast<int16_t>(r.Code(i));
    segment[i] = static_cast<uint8_t>(r.segment[i]);
  }
  return py::dict("r_score"_a = ToNumpy(std::move(r.r)), "f_score"_a = ToNumpy(std::move(r.f)),
                  "m_score"_a = ToNumpy(std::move(r.m)), "rfm_score"_a = ToNumpy(std::move(code)),
                  "segment"_a = ToNumpy(std::move(segment)), "recency_edges"_a = r.recency_edges,
                  "frequency_edges"_a = r.frequency_edges, "monetary_edges"_a = r.monetary_edges);
}

py::dict EvaluationToDict(score::ChurnEvaluation&& e) {
  std::vector<int64_t> bin, count;
  std::vector<double> min_p, max_p, mean_p, observed;
  for (const score::CalibrationBin& b : e.calibration) {
    bin.push_back(b.bin);
    count.push_back(static_cast<int64_t>(b.count));
    min_p.push_back(b.min_predicted);
    max_p.push_back(b.max_predicted);
    mean_p.push_back(b.mean_predicted);
    observed.push_back(b.observed_rate);
  }
  py::dict calibration("bin"_a = ToNumpy(std::move(bin)), "count"_a = ToNumpy(std::move(count)),
                       "min_predicted"_a = ToNumpy(std::move(min_p)), "max_predicted"_a = ToNumpy(std::move(max_p)),
                       "mean_predicted"_a = ToNumpy(std::move(mean_p)),
                       "observed_rate"_a = ToNumpy(std::move(observed)));
  return py::dict("count"_a = e.count, "churn_rate"_a = e.churn_rate, "auc"_a = e.auc,
                  "lift_top_decile"_a = e.lift_top_decile, "brier"_a = e.brier,
                  "max_calibration_gap"_a = e.max_calibration_gap, "calibration"_a = calibration);
}

}  // namespace

void BindChurn(py::module_& m) {
  // ---------------------------------------------------------------------------------------------
  // RFM

  m.def("rfm_segment_names", [] {
    std::vector<std::string> names;
    for (int s = 0; s < score::kRfmSegmentCount; ++s) {
      names.emplace_back(score::RfmSegmentName(static_cast<score::RfmSegment>(s)));
    }
    return names;
  }, "The eleven RFM segment names, in the order of the codes rfm() returns.");

  m.def(
      "rfm",
      [](const DoubleArray& recency, const DoubleArray& frequency, const DoubleArray& monetary, int bins,
         std::vector<double> recency_edges, std::vector<double> frequency_edges, std::vector<double> monetary_edges) {
        auto r = Vector(recency, "recency");
        auto f = Vector(frequency, "frequency");
        auto mv = Vector(monetary, "monetary");
        score::RfmOptions options{bins, std::move(recency_edges), std::move(frequency_edges), std::move(monetary_edges)};
        absl::StatusOr<score::RfmResult> result;
        {
          py::gil_scoped_release nogil;
          result = score::ComputeRfm(r, f, mv, options);
        }
        return RfmToDict(ValueOrThrow(std::move(result)));
      },
      "recency"_a, "frequency"_a, "monetary"_a, "bins"_a = 5, "recency_edges"_a = std::vector<double>(),
      "frequency_edges"_a = std::vector<double>(), "monetary_edges"_a = std::vector<double>(),
      "R, F, M scores (uint8), rfm_score (100r+10f+m, int16), segment codes (uint8) and the edges used. "
      "ValueError naming field and row for NaN, infinite or negative values.");

  // ---------------------------------------------------------------------------------------------
  // Churn labels and evaluation

  m.def(
      "churn_labels",
      [](const Uint64Array& customer, const DoubleArray& day, double cutoff, double horizon_days) {
        if (customer.ndim() != 1) throw py::value_error("customer must be one-dimensional");
        absl::Span<const uint64_t> c(customer.data(), static_cast<size_t>(customer.shape(0)));
        auto d = Vector(day, "day");
        absl::StatusOr<score::ChurnLabels> labels;
        {
          py::gil_scoped_release nogil;
          labels = score::ChurnLabelsFromLog(c, d, {cutoff, horizon_days});
        }
        score::ChurnLabels l = ValueOrThrow(std::move(labels));
        return py::make_tuple(ToNumpy(std::move(l.customers)), ToNumpy(std::move(l.churned)));
      },
      "customer"_a, "day"_a, "cutoff"_a, "horizon_days"_a,
      "(customers uint64, churned uint8) for the customers with a purchase on or before the cut-off; "
      "churned = no purchase in (cutoff, cutoff + horizon_days].");

  m.def(
      "evaluate_churn",
      [](const DoubleArray& y_true, const DoubleArray& scores) {
        auto y = Vector(y_true, "y_true");
        auto s = Vector(scores, "scores");
        absl::StatusOr<score::ChurnEvaluation> e;
        {
          py::gil_scoped_release nogil;
          e = score::EvaluateChurn(y, s);
        }
        return EvaluationToDict(ValueOrThrow(std::move(e)));
      },
      "y_true"_a, "scores"_a,
      "AUC, lift at the top decile, Brier score and calibration deciles (columns) of churn scores.");

  // ---------------------------------------------------------------------------------------------
  // Models

  py::class_<LogisticRegression>(m, "LogisticRegression",
                                 "L2 logistic regression on standardised features (see logistic_regression.h).")
      .def(py::init([](double l2, bool fit_intercept, int max_iterations, double tolerance, int memory) {
             return LogisticRegression(LogisticRegressionOptions{l2, fit_intercept, max_iterations, tolerance, memory});
           }),
           "l2"_a = 1.0, "fit_intercept"_a = true, "max_iterations"_a = 500, "tolerance"_a = 1e-6, "memory"_a = 10)
      .def("fit", &Fit<LogisticRegression>, "X"_a, "y"_a, "sample_weight"_a = py::none(),
           "Fits; returns the fit report (status, converged, iterations, loss, gradient_norm).")
      .def("predict_proba", &Predict<LogisticRegression>, "X"_a, "P(y = 1) per row, float64.")
      .def("save", &Save<LogisticRegression>, "path"_a, "Writes the versioned text model atomically.")
      .def_static("load", &Load<LogisticRegression>, "path"_a, "Reads a model written by save().")
      .def_property_readonly("fitted", &LogisticRegression::fitted)
      .def_property_readonly("n_features", &LogisticRegression::num_features)
      // Copies, not views: a view would dangle once a later fit replaces the model's vectors.
      .def_property_readonly("coefficients", [](const LogisticRegression& lr) { return Eigen::VectorXd(lr.coefficients()); },
                             "Coefficients on the standardised features (a copy).")
      .def_property_readonly("intercept", &LogisticRegression::intercept)
      .def_property_readonly("means", [](const LogisticRegression& lr) { return Eigen::VectorXd(lr.means()); })
      .def_property_readonly("scales", [](const LogisticRegression& lr) { return Eigen::VectorXd(lr.scales()); })
      .def_property_readonly("l2", [](const LogisticRegression& lr) { return lr.options().l2; });

  py::class_<GradientBoostingModel>(m, "GradientBoosting",
                                    "XGBoost gradient-boosted trees (see gradient_boosting.h).")
      .def(py::init([](int num_rounds, double learning_rate, int max_depth, double min_child_weight, double subsample,
                       double colsample_bytree, double reg_lambda, double reg_alpha, int max_bin, int nthread,
                       uint64_t seed) {
             return GradientBoostingModel(GradientBoostingOptions{num_rounds, learning_rate, max_depth, min_child_weight,
                                                                  subsample, colsample_bytree, reg_lambda, reg_alpha,
                                                                  max_bin, nthread, seed});
           }),
           "num_rounds"_a = 200, "learning_rate"_a = 0.1, "max_depth"_a = 4, "min_child_weight"_a = 1.0,
           "subsample"_a = 1.0, "colsample_bytree"_a = 1.0, "reg_lambda"_a = 1.0, "reg_alpha"_a = 0.0,
           "max_bin"_a = 256, "nthread"_a = 0, "seed"_a = 0)
      .def("fit", &Fit<GradientBoostingModel>, "X"_a, "y"_a, "sample_weight"_a = py::none(),
           "Trains num_rounds trees; returns the fit report (loss = training log-loss).")
      .def("predict_proba", &Predict<GradientBoostingModel>, "X"_a, "P(y = 1) per row, float64.")
      .def("save", &Save<GradientBoostingModel>, "path"_a, "Writes XGBoost JSON atomically.")
      .def_static("load", &Load<GradientBoostingModel>, "path"_a, "Reads an XGBoost JSON or UBJSON model.")
      .def_property_readonly("fitted", &GradientBoostingModel::fitted)
      .def_property_readonly("n_features", &GradientBoostingModel::num_features)
      .def_property_readonly("num_boosted_rounds", &GradientBoostingModel::num_rounds);
}

}  // namespace oneid::python
