// Python bindings of the score layer's customer-base (lifetime value) models: BG/NBD, MBG/NBD,
// Pareto/NBD, Gamma-Gamma, BG/BB, CLV and transaction summaries. Each def only forwards to the C++
// call; the few array conversions are the helpers at the top, the status mapping is convert.h's.
//
// The GIL is released for fits, batch predictions and summaries, always after the arguments have
// become C++ views of NumPy arrays that the caller's frame keeps alive, and never while a Python
// object is touched.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <type_traits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "convert.h"
#include "progress.h"
#include "oneid/score/beta_geo.h"
#include "oneid/score/beta_geo_beta_binom.h"
#include "oneid/score/covariate_models.h"
#include "oneid/score/customer_lifetime_value.h"
#include "oneid/score/fit_report.h"
#include "oneid/score/gamma_gamma.h"
#include "oneid/score/modified_beta_geo.h"
#include "oneid/score/pareto_nbd.h"
#include "oneid/score/prediction_intervals.h"
#include "oneid/score/purchase_history.h"
#include "oneid/score/transaction_summary.h"

namespace oneid::python {
namespace {

using namespace pybind11::literals;  // NOLINT(google-build-using-namespace): "name"_a

using score::BetaGeoBetaBinomModel;
using score::BetaGeoModel;
using score::FitOptions;
using score::FitReport;
using score::GammaGammaModel;
using score::ModifiedBetaGeoModel;
using score::ParetoNbdModel;

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Int64Array = py::array_t<int64_t, py::array::c_style | py::array::forcecast>;

absl::Span<const double> Span1d(const DoubleArray& a, const char* name) {
  if (a.ndim() != 1) {
    throw py::value_error(std::string(name) + " must be one-dimensional, got " + std::to_string(a.ndim()) +
                          " dimensions");
  }
  return {a.data(), static_cast<size_t>(a.shape(0))};
}

absl::Span<const double> OptionalSpan(const std::optional<DoubleArray>& a, const char* name) {
  return a ? Span1d(*a, name) : absl::Span<const double>();
}

FitOptions MakeFitOptions(int max_iterations, double gradient_tolerance, double l2_penalty) {
  FitOptions options;
  options.max_iterations = max_iterations;
  options.gradient_tolerance = gradient_tolerance;
  options.l2_penalty = l2_penalty;
  return options;
}

score::PurchaseHistoryView HistoryView(const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T,
                                       const std::optional<DoubleArray>& w) {
  return {Span1d(x, "frequency"), Span1d(t_x, "recency"), Span1d(T, "T"), OptionalSpan(w, "weights")};
}

score::DiscreteHistoryView DiscreteView(const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& n,
                                        const std::optional<DoubleArray>& w) {
  return {Span1d(x, "frequency"), Span1d(t_x, "recency"), Span1d(n, "n_periods"), OptionalSpan(w, "weights")};
}

// `t` (one horizon per customer, already broadcast by the Python layer) must match the histories
// and be finite and >= 0.
absl::Span<const double> Horizons(const DoubleArray& t, size_t n, const char* name) {
  absl::Span<const double> span = Span1d(t, name);
  if (span.size() != n) {
    throw py::value_error(std::string(name) + " has " + std::to_string(span.size()) + " rows but frequency has " +
                          std::to_string(n));
  }
  for (double v : span) {
    if (!std::isfinite(v) || v < 0) throw py::value_error(std::string(name) + " must be finite and >= 0");
  }
  return span;
}

// Runs a validated batch prediction without the GIL and hands the result to NumPy without a copy.
template <typename Fn>
py::array Batch(Fn&& fn) {
  absl::StatusOr<std::vector<double>> out = [&] {
    py::gil_scoped_release nogil;
    return fn();
  }();
  return ToNumpy(ValueOrThrow(std::move(out)));
}

py::dict ReportToDict(const FitReport& r) {
  return py::dict("status"_a = std::string(score::FitStatusName(r.status)),
                  "converged"_a = r.status == score::FitStatus::kConverged, "iterations"_a = r.iterations,
                  "log_likelihood"_a = r.log_likelihood, "gradient_norm"_a = r.gradient_norm,
                  "total_weight"_a = r.total_weight, "distinct_rows"_a = r.distinct_rows, "starts"_a = r.starts,
                  "used_fallback"_a = r.used_fallback, "covariance"_a = r.covariance,
                  "standard_errors"_a = r.standard_errors, "warnings"_a = r.warnings);
}

// A per-customer prediction f(h, x, t_x, T) over validated histories, h broadcast by Python.
template <typename Fn>
py::array HorizonBatch(const DoubleArray& h, const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T,
                       const char* name, Fn&& fn) {
  const score::PurchaseHistoryView view{Span1d(x, "frequency"), Span1d(t_x, "recency"), Span1d(T, "T"), {}};
  const absl::Span<const double> horizons = Horizons(h, view.frequency.size(), name);
  return Batch([&] {
    size_t i = 0;
    return score::MapHistories(view, [&](double xi, double txi, double Ti) { return fn(horizons[i++], xi, txi, Ti); });
  });
}

// P(X(t) = n) for pairs (n, t) of equal length.
template <typename Fn>
py::array ProbabilityOfCounts(const Int64Array& n, const DoubleArray& t, Fn&& fn) {
  if (n.ndim() != 1) throw py::value_error("n must be one-dimensional");
  const absl::Span<const double> horizons = Span1d(t, "t");
  if (static_cast<size_t>(n.shape(0)) != horizons.size()) throw py::value_error("n and t differ in length");
  std::vector<double> out(horizons.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if (!std::isfinite(horizons[i]) || horizons[i] < 0) throw py::value_error("t must be finite and >= 0");
    if (n.data()[i] < 0) throw py::value_error("n must be >= 0");
    out[i] = fn(static_cast<int>(n.data()[i]), horizons[i]);
  }
  return ToNumpy(std::move(out));
}

template <typename Model, typename View>
Model FitModel(const View& view, FitOptions options, const py::object& progress_arg) {
  PyProgress progress(progress_arg);
  options.progress = progress.callback();
  absl::StatusOr<Model> model = [&] {
    py::gil_scoped_release nogil;
    return Model::Fit(view, options);
  }();
  progress.Rethrow();
  return ValueOrThrow(std::move(model));
}

// The bindings every continuous-time transaction model shares.
template <typename Model, typename Class>
void BindTransactionModel(Class& cls) {
  cls.def_static(
         "fit",
         [](const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T, const std::optional<DoubleArray>& w,
            int max_iterations, double gradient_tolerance, double l2_penalty, const py::object& progress) {
           return FitModel<Model>(HistoryView(x, t_x, T, w), MakeFitOptions(max_iterations, gradient_tolerance, l2_penalty),
                                  progress);
         },
         "frequency"_a, "recency"_a, "T"_a, "weights"_a = py::none(), "max_iterations"_a = 1000,
         "gradient_tolerance"_a = 1e-7, "l2_penalty"_a = 0.0, "progress"_a = py::none(),
         "Maximum-likelihood fit (GIL released). progress: None or a callable(stage, done, total).")
      .def_property_readonly("report", [](const Model& m) { return ReportToDict(m.report()); })
      .def(
          "log_likelihood",
          [](const Model& m, const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T,
             const std::optional<DoubleArray>& w) { return ValueOrThrow(m.LogLikelihood(HistoryView(x, t_x, T, w))); },
          "frequency"_a, "recency"_a, "T"_a, "weights"_a = py::none())
      .def(
          "conditional_expected_purchases",
          [](const Model& m, const DoubleArray& t, const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T) {
            const score::PurchaseHistoryView view = HistoryView(x, t_x, T, std::nullopt);
            const absl::Span<const double> horizons = Horizons(t, view.frequency.size(), "t");
            // One horizon for everyone (the usual call): the library's batch, which evaluates the
            // 2F1 once per distinct (x, T) instead of once per customer.
            const bool one_horizon =
                !horizons.empty() && std::all_of(horizons.begin(), horizons.end(), [&](double h) { return h == horizons[0]; });
            return Batch([&] {
              if (one_horizon) return score::ConditionalExpectedPurchases(m, view, horizons[0]);
              size_t i = 0;
              return score::MapHistories(view, [&](double xi, double txi, double Ti) {
                return m.ConditionalExpectedPurchases(horizons[i++], xi, txi, Ti);
              });
            });
          },
          "t"_a, "frequency"_a, "recency"_a, "T"_a)
      .def(
          "probability_alive",
          [](const Model& m, const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T) {
            const score::PurchaseHistoryView view = HistoryView(x, t_x, T, std::nullopt);
            return Batch([&] {
              return score::MapHistories(view, [&](double xi, double txi, double Ti) { return m.ProbabilityAlive(xi, txi, Ti); });
            });
          },
          "frequency"_a, "recency"_a, "T"_a)
      .def(
          "expected_purchases",
          [](const Model& m, const DoubleArray& t) {
            const absl::Span<const double> horizons = Span1d(t, "t");
            for (double v : horizons) {
              if (!std::isfinite(v) || v < 0) throw py::value_error("t must be finite and >= 0");
            }
            std::vector<double> out(horizons.size());
            for (size_t i = 0; i < out.size(); ++i) out[i] = m.ExpectedPurchases(horizons[i]);
            return ToNumpy(std::move(out));
          },
          "t"_a)
      .def(
          "probability_no_purchase",
          [](const Model& m, const DoubleArray& h, const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T) {
            return HorizonBatch(h, x, t_x, T, "h", [&](double hi, double xi, double txi, double Ti) {
              return m.ProbabilityNoPurchase(hi, xi, txi, Ti);
            });
          },
          "h"_a, "frequency"_a, "recency"_a, "T"_a)
      .def(
          "probability_alive_at",
          [](const Model& m, const DoubleArray& t, const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T) {
            return HorizonBatch(t, x, t_x, T, "t", [&](double ti, double xi, double txi, double Ti) {
              return m.ProbabilityAliveAt(ti, xi, txi, Ti);
            });
          },
          "t"_a, "frequency"_a, "recency"_a, "T"_a)
      .def(
          "probability_alive_grid",
          [](const Model& m, int max_frequency, int max_recency) {
            // lifetimes' conditional_probability_alive_matrix: every (recency, frequency) cell at
            // T = max_recency, including cells no valid history has (the formula is applied as is).
            if (max_frequency < 0 || max_recency < 0) throw py::value_error("max_frequency and max_recency must be >= 0");
            py::array_t<double> out({max_recency + 1, max_frequency + 1});
            auto cells = out.mutable_unchecked<2>();
            for (int t_x = 0; t_x <= max_recency; ++t_x) {
              for (int x = 0; x <= max_frequency; ++x) cells(t_x, x) = m.ProbabilityAlive(x, t_x, max_recency);
            }
            return out;
          },
          "max_frequency"_a, "max_recency"_a)
      .def("save", &Model::Save, "The versioned text form.")
      .def_static("load", [](const std::string& text) { return ValueOrThrow(Model::Load(text)); }, "text"_a);
}

template <typename Model>
py::array Clv(const Model& transactions, const GammaGammaModel& spend, const DoubleArray& x, const DoubleArray& t_x,
              const DoubleArray& T, const DoubleArray& monetary_value, int months, double monthly_discount_rate,
              double periods_per_month) {
  const score::PurchaseHistoryView view = HistoryView(x, t_x, T, std::nullopt);
  const absl::Span<const double> m = Span1d(monetary_value, "monetary_value");
  const score::ClvOptions options{months, monthly_discount_rate, periods_per_month};
  return Batch([&] { return score::CustomerLifetimeValue(transactions, spend, view, m, options); });
}

py::dict IntervalsToDict(score::PredictionIntervals&& r) {
  return py::dict("level"_a = r.level, "estimate"_a = ToNumpy(std::move(r.estimate)), "lower"_a = ToNumpy(std::move(r.lower)),
                  "upper"_a = ToNumpy(std::move(r.upper)), "standard_error"_a = ToNumpy(std::move(r.standard_error)),
                  "total"_a = r.total, "total_lower"_a = r.total_lower, "total_upper"_a = r.total_upper,
                  "total_standard_error"_a = r.total_standard_error);
}

template <typename Fn>
py::dict IntervalsWithoutGil(Fn&& fn) {
  absl::StatusOr<score::PredictionIntervals> out = [&] {
    py::gil_scoped_release nogil;
    return fn();
  }();
  return IntervalsToDict(ValueOrThrow(std::move(out)));
}

template <typename Model>
void BindIntervals(py::module_& m) {
  m.def(
      "expected_purchases_intervals",
      [](const Model& model, double t, const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T, double level) {
        const score::PurchaseHistoryView view = HistoryView(x, t_x, T, std::nullopt);
        return IntervalsWithoutGil([&] { return score::ExpectedPurchasesIntervals(model, view, t, level); });
      },
      "model"_a, "t"_a, "frequency"_a, "recency"_a, "T"_a, "level"_a = 0.9);
  m.def(
      "probability_alive_intervals",
      [](const Model& model, const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T, double level) {
        const score::PurchaseHistoryView view = HistoryView(x, t_x, T, std::nullopt);
        return IntervalsWithoutGil([&] { return score::ProbabilityAliveIntervals(model, view, level); });
      },
      "model"_a, "frequency"_a, "recency"_a, "T"_a, "level"_a = 0.9);
  m.def(
      "customer_lifetime_value_intervals",
      [](const Model& model, const GammaGammaModel& spend, const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T,
         const DoubleArray& monetary_value, int months, double monthly_discount_rate, double periods_per_month,
         double level) {
        const score::PurchaseHistoryView view = HistoryView(x, t_x, T, std::nullopt);
        const absl::Span<const double> mv = Span1d(monetary_value, "monetary_value");
        const score::ClvOptions options{months, monthly_discount_rate, periods_per_month};
        return IntervalsWithoutGil([&] { return score::CustomerLifetimeValueIntervals(model, spend, view, mv, options, level); });
      },
      "transactions"_a, "spend"_a, "frequency"_a, "recency"_a, "T"_a, "monetary_value"_a, "months"_a,
      "monthly_discount_rate"_a, "periods_per_month"_a, "level"_a = 0.9);
}

using CovariateArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// A 2-D (customers x columns) array, or None for no covariates.
score::CovariateView CovariatesOf(const std::optional<CovariateArray>& z, const char* name) {
  if (!z) return {};
  if (z->ndim() != 2) throw py::value_error(std::string(name) + " covariates must be two-dimensional (customers x columns)");
  return {absl::Span<const double>(z->data(), static_cast<size_t>(z->size())), static_cast<size_t>(z->shape(1))};
}

template <typename Model>
void BindCovariateModel(py::module_& m, const char* name, const char* doc) {
  py::class_<Model>(m, name, doc)
      .def_static(
          "fit",
          [](const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T, const std::optional<CovariateArray>& zp,
             const std::optional<CovariateArray>& zd, const std::optional<DoubleArray>& w, int max_iterations,
             double gradient_tolerance, double l2_penalty) {
            const score::PurchaseHistoryView view = HistoryView(x, t_x, T, w);
            const score::CovariateView purchase = CovariatesOf(zp, "purchase"), dropout = CovariatesOf(zd, "dropout");
            const FitOptions options = MakeFitOptions(max_iterations, gradient_tolerance, l2_penalty);
            absl::StatusOr<Model> model = [&] {
              py::gil_scoped_release nogil;
              return Model::Fit(view, purchase, dropout, options);
            }();
            return ValueOrThrow(std::move(model));
          },
          "frequency"_a, "recency"_a, "T"_a, "purchase_covariates"_a = py::none(), "dropout_covariates"_a = py::none(),
          "weights"_a = py::none(), "max_iterations"_a = 1000, "gradient_tolerance"_a = 1e-7, "l2_penalty"_a = 0.0)
      .def_property_readonly("params",
                             [](const Model& self) {
                               const auto& p = self.params();
                               if constexpr (std::is_same_v<Model, score::BetaGeoCovariateModel>) {
                                 return py::dict("r"_a = p.r, "alpha"_a = p.alpha, "a"_a = p.a, "b"_a = p.b);
                               } else {
                                 return py::dict("r"_a = p.r, "alpha"_a = p.alpha, "s"_a = p.s, "beta"_a = p.beta);
                               }
                             })
      .def_property_readonly("purchase_coefficients", &Model::purchase_coefficients)
      .def_property_readonly("dropout_coefficients", &Model::dropout_coefficients)
      .def_property_readonly("standard_errors", &Model::standard_errors)
      .def_property_readonly("report", [](const Model& self) { return ReportToDict(self.report()); })
      .def(
          "conditional_expected_purchases",
          [](const Model& self, double t, const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T,
             const std::optional<CovariateArray>& zp, const std::optional<CovariateArray>& zd) {
            const score::PurchaseHistoryView view = HistoryView(x, t_x, T, std::nullopt);
            const score::CovariateView purchase = CovariatesOf(zp, "purchase"), dropout = CovariatesOf(zd, "dropout");
            return Batch([&] { return self.ConditionalExpectedPurchases(t, view, purchase, dropout); });
          },
          "t"_a, "frequency"_a, "recency"_a, "T"_a, "purchase_covariates"_a = py::none(), "dropout_covariates"_a = py::none())
      .def(
          "probability_alive",
          [](const Model& self, const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& T,
             const std::optional<CovariateArray>& zp, const std::optional<CovariateArray>& zd) {
            const score::PurchaseHistoryView view = HistoryView(x, t_x, T, std::nullopt);
            const score::CovariateView purchase = CovariatesOf(zp, "purchase"), dropout = CovariatesOf(zd, "dropout");
            return Batch([&] { return self.ProbabilityAlive(view, purchase, dropout); });
          },
          "frequency"_a, "recency"_a, "T"_a, "purchase_covariates"_a = py::none(), "dropout_covariates"_a = py::none());
}

py::dict SummaryToDict(score::TransactionSummary&& s) {
  py::dict out("customer"_a = ToNumpy(std::move(s.customer)), "frequency"_a = ToNumpy(std::move(s.frequency)),
               "recency"_a = ToNumpy(std::move(s.recency)), "T"_a = ToNumpy(std::move(s.age)),
               "monetary_value"_a = ToNumpy(std::move(s.monetary_value)));
  if (s.has_holdout) {
    out["frequency_holdout"] = ToNumpy(std::move(s.frequency_holdout));
    out["monetary_value_holdout"] = ToNumpy(std::move(s.monetary_value_holdout));
    out["duration_holdout"] = s.duration_holdout;
  }
  py::list row, field, reason;
  for (const score::TransactionRowError& e : s.errors) {
    row.append(e.row);
    field.append(e.field);
    reason.append(e.reason);
  }
  out["errors"] = py::dict("row"_a = row, "field"_a = field, "reason"_a = reason);
  out["rows_after_observation_end"] = s.rows_after_observation_end;
  return out;
}

}  // namespace

void BindScore(py::module_& m) {
  // -- BG/NBD -----------------------------------------------------------------------------------
  py::class_<BetaGeoModel> bg(m, "BetaGeoModel", "BG/NBD (Fader, Hardie & Lee 2005).");
  bg.def_static(
        "create",
        [](double r, double alpha, double a, double b) { return ValueOrThrow(BetaGeoModel::Create({r, alpha, a, b})); },
        "r"_a, "alpha"_a, "a"_a, "b"_a)
      .def_property_readonly("params", [](const BetaGeoModel& self) {
        const auto& p = self.params();
        return py::dict("r"_a = p.r, "alpha"_a = p.alpha, "a"_a = p.a, "b"_a = p.b);
      })
      .def(
          "probability_of_purchases",
          [](const BetaGeoModel& self, const Int64Array& n, const DoubleArray& t) {
            return ProbabilityOfCounts(n, t, [&](int ni, double ti) { return self.ProbabilityOfPurchases(ni, ti); });
          },
          "n"_a, "t"_a);
  BindTransactionModel<BetaGeoModel>(bg);

  // -- MBG/NBD ----------------------------------------------------------------------------------
  py::class_<ModifiedBetaGeoModel> mbg(m, "ModifiedBetaGeoModel", "MBG/NBD (Batislam et al. 2007).");
  mbg.def_static(
         "create",
         [](double r, double alpha, double a, double b) {
           return ValueOrThrow(ModifiedBetaGeoModel::Create({r, alpha, a, b}));
         },
         "r"_a, "alpha"_a, "a"_a, "b"_a)
      .def_property_readonly("params", [](const ModifiedBetaGeoModel& self) {
        const auto& p = self.params();
        return py::dict("r"_a = p.r, "alpha"_a = p.alpha, "a"_a = p.a, "b"_a = p.b);
      })
      .def(
          "probability_of_purchases",
          [](const ModifiedBetaGeoModel& self, const Int64Array& n, const DoubleArray& t) {
            return ProbabilityOfCounts(n, t, [&](int ni, double ti) { return self.ProbabilityOfPurchases(ni, ti); });
          },
          "n"_a, "t"_a);
  BindTransactionModel<ModifiedBetaGeoModel>(mbg);

  // -- Pareto/NBD -------------------------------------------------------------------------------
  py::class_<ParetoNbdModel> pnbd(m, "ParetoNbdModel", "Pareto/NBD (Schmittlein, Morrison & Colombo 1987).");
  pnbd.def_static(
          "create",
          [](double r, double alpha, double s, double beta) {
            return ValueOrThrow(ParetoNbdModel::Create({r, alpha, s, beta}));
          },
          "r"_a, "alpha"_a, "s"_a, "beta"_a)
      .def_property_readonly("params", [](const ParetoNbdModel& self) {
        const auto& p = self.params();
        return py::dict("r"_a = p.r, "alpha"_a = p.alpha, "s"_a = p.s, "beta"_a = p.beta);
      })
      .def(
          "conditional_probability_of_purchases",
          [](const ParetoNbdModel& self, const Int64Array& n, const DoubleArray& t, const DoubleArray& x,
             const DoubleArray& t_x, const DoubleArray& T) {
            if (n.ndim() != 1 || static_cast<size_t>(n.shape(0)) != static_cast<size_t>(x.shape(0))) {
              throw py::value_error("n must be one-dimensional with one entry per customer");
            }
            for (py::ssize_t i = 0; i < n.shape(0); ++i) {
              if (n.data()[i] < 0) throw py::value_error("n must be >= 0");
            }
            const int64_t* counts = n.data();
            size_t i = 0;
            return HorizonBatch(t, x, t_x, T, "t", [&](double ti, double xi, double txi, double Ti) {
              return self.ConditionalProbabilityOfPurchases(static_cast<int>(counts[i++]), ti, xi, txi, Ti);
            });
          },
          "n"_a, "t"_a, "frequency"_a, "recency"_a, "T"_a);
  BindTransactionModel<ParetoNbdModel>(pnbd);

  // -- Gamma-Gamma ------------------------------------------------------------------------------
  py::class_<GammaGammaModel>(m, "GammaGammaModel", "Gamma-Gamma spend model (Fader, Hardie & Lee 2005).")
      .def_static(
          "create", [](double p, double q, double v) { return ValueOrThrow(GammaGammaModel::Create({p, q, v})); }, "p"_a,
          "q"_a, "v"_a)
      .def_static(
          "fit",
          [](const DoubleArray& x, const DoubleArray& monetary_value, const std::optional<DoubleArray>& w,
             int max_iterations, double gradient_tolerance, double l2_penalty, const py::object& progress_arg,
             bool q_constraint) {
            const absl::Span<const double> xs = Span1d(x, "frequency"), ms = Span1d(monetary_value, "monetary_value");
            const absl::Span<const double> ws = OptionalSpan(w, "weights");
            PyProgress progress(progress_arg);
            FitOptions options = MakeFitOptions(max_iterations, gradient_tolerance, l2_penalty);
            options.progress = progress.callback();
            absl::StatusOr<GammaGammaModel> model = [&] {
              py::gil_scoped_release nogil;
              return GammaGammaModel::Fit(xs, ms, ws, options, q_constraint);
            }();
            progress.Rethrow();
            return ValueOrThrow(std::move(model));
          },
          "frequency"_a, "monetary_value"_a, "weights"_a = py::none(), "max_iterations"_a = 1000,
          "gradient_tolerance"_a = 1e-7, "l2_penalty"_a = 0.0, "progress"_a = py::none(), "q_constraint"_a = false)
      .def_property_readonly("params",
                             [](const GammaGammaModel& self) {
                               const auto& p = self.params();
                               return py::dict("p"_a = p.p, "q"_a = p.q, "v"_a = p.v);
                             })
      .def_property_readonly("report", [](const GammaGammaModel& self) { return ReportToDict(self.report()); })
      .def(
          "log_likelihood",
          [](const GammaGammaModel& self, const DoubleArray& x, const DoubleArray& monetary_value,
             const std::optional<DoubleArray>& w) {
            return ValueOrThrow(self.LogLikelihood(Span1d(x, "frequency"), Span1d(monetary_value, "monetary_value"),
                                                   OptionalSpan(w, "weights")));
          },
          "frequency"_a, "monetary_value"_a, "weights"_a = py::none())
      .def(
          "conditional_expected_average_profit",
          [](const GammaGammaModel& self, const DoubleArray& x, const DoubleArray& monetary_value) {
            const absl::Span<const double> xs = Span1d(x, "frequency"), ms = Span1d(monetary_value, "monetary_value");
            return Batch([&] { return self.ConditionalExpectedAverageProfit(xs, ms); });
          },
          "frequency"_a, "monetary_value"_a)
      .def("save", &GammaGammaModel::Save)
      .def_static("load", [](const std::string& text) { return ValueOrThrow(GammaGammaModel::Load(text)); }, "text"_a);

  // -- BG/BB ------------------------------------------------------------------------------------
  py::class_<BetaGeoBetaBinomModel>(m, "BetaGeoBetaBinomModel", "BG/BB (Fader, Hardie & Shang 2010).")
      .def_static(
          "create",
          [](double alpha, double beta, double gamma, double delta) {
            return ValueOrThrow(BetaGeoBetaBinomModel::Create({alpha, beta, gamma, delta}));
          },
          "alpha"_a, "beta"_a, "gamma"_a, "delta"_a)
      .def_static(
          "fit",
          [](const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& n, const std::optional<DoubleArray>& w,
             int max_iterations, double gradient_tolerance, double l2_penalty, const py::object& progress) {
            return FitModel<BetaGeoBetaBinomModel>(DiscreteView(x, t_x, n, w),
                                                   MakeFitOptions(max_iterations, gradient_tolerance, l2_penalty),
                                                   progress);
          },
          "frequency"_a, "recency"_a, "n_periods"_a, "weights"_a = py::none(), "max_iterations"_a = 1000,
          "gradient_tolerance"_a = 1e-7, "l2_penalty"_a = 0.0, "progress"_a = py::none())
      .def_property_readonly("params",
                             [](const BetaGeoBetaBinomModel& self) {
                               const auto& p = self.params();
                               return py::dict("alpha"_a = p.alpha, "beta"_a = p.beta, "gamma"_a = p.gamma,
                                               "delta"_a = p.delta);
                             })
      .def_property_readonly("report", [](const BetaGeoBetaBinomModel& self) { return ReportToDict(self.report()); })
      .def(
          "log_likelihood",
          [](const BetaGeoBetaBinomModel& self, const DoubleArray& x, const DoubleArray& t_x, const DoubleArray& n,
             const std::optional<DoubleArray>& w) { return ValueOrThrow(self.LogLikelihood(DiscreteView(x, t_x, n, w))); },
          "frequency"_a, "recency"_a, "n_periods"_a, "weights"_a = py::none())
      .def(
          "conditional_expected_purchases",
          [](const BetaGeoBetaBinomModel& self, const DoubleArray& m_periods, const DoubleArray& x, const DoubleArray& t_x,
             const DoubleArray& n) {
            const score::DiscreteHistoryView view = DiscreteView(x, t_x, n, std::nullopt);
            const absl::Span<const double> future = Horizons(m_periods, view.frequency.size(), "m_periods_in_future");
            return Batch([&] {
              size_t i = 0;
              return score::MapDiscreteHistories(view, [&](double xi, double txi, double ni) {
                return self.ConditionalExpectedPurchases(future[i++], xi, txi, ni);
              });
            });
          },
          "m_periods_in_future"_a, "frequency"_a, "recency"_a, "n_periods"_a)
      .def(
          "probability_alive",
          [](const BetaGeoBetaBinomModel& self, const DoubleArray& m_periods, const DoubleArray& x, const DoubleArray& t_x,
             const DoubleArray& n) {
            const score::DiscreteHistoryView view = DiscreteView(x, t_x, n, std::nullopt);
            const absl::Span<const double> future = Horizons(m_periods, view.frequency.size(), "m_periods_in_future");
            return Batch([&] {
              size_t i = 0;
              return score::MapDiscreteHistories(view, [&](double xi, double txi, double ni) {
                return self.ProbabilityAlive(future[i++], xi, txi, ni);
              });
            });
          },
          "m_periods_in_future"_a, "frequency"_a, "recency"_a, "n_periods"_a)
      .def(
          "expected_purchases",
          [](const BetaGeoBetaBinomModel& self, const DoubleArray& n) {
            const absl::Span<const double> periods = Span1d(n, "n");
            std::vector<double> out(periods.size());
            for (size_t i = 0; i < out.size(); ++i) {
              if (!std::isfinite(periods[i]) || periods[i] < 0) throw py::value_error("n must be finite and >= 0");
              out[i] = self.ExpectedPurchases(periods[i]);
            }
            return ToNumpy(std::move(out));
          },
          "n"_a)
      .def(
          "probability_of_transactions",
          [](const BetaGeoBetaBinomModel& self, const Int64Array& x, int n) {
            if (x.ndim() != 1) throw py::value_error("x must be one-dimensional");
            if (n < 0) throw py::value_error("n must be >= 0");
            std::vector<double> out(static_cast<size_t>(x.shape(0)));
            for (size_t i = 0; i < out.size(); ++i) out[i] = self.ProbabilityOfTransactions(static_cast<int>(x.data()[i]), n);
            return ToNumpy(std::move(out));
          },
          "x"_a, "n"_a)
      .def(
          "probability_no_purchase",
          [](const BetaGeoBetaBinomModel& self, const DoubleArray& m_periods, const DoubleArray& x, const DoubleArray& t_x,
             const DoubleArray& n) {
            const score::DiscreteHistoryView view = DiscreteView(x, t_x, n, std::nullopt);
            const absl::Span<const double> future = Horizons(m_periods, view.frequency.size(), "m_periods_in_future");
            for (double v : future) {
              if (v != std::floor(v)) throw py::value_error("m_periods_in_future must be whole numbers");
            }
            return Batch([&] {
              size_t i = 0;
              return score::MapDiscreteHistories(view, [&](double xi, double txi, double ni) {
                return self.ProbabilityNoPurchase(future[i++], xi, txi, ni);
              });
            });
          },
          "m_periods_in_future"_a, "frequency"_a, "recency"_a, "n_periods"_a)
      .def("save", &BetaGeoBetaBinomModel::Save)
      .def_static("load", [](const std::string& text) { return ValueOrThrow(BetaGeoBetaBinomModel::Load(text)); },
                  "text"_a);

  // -- CLV --------------------------------------------------------------------------------------
  m.def("customer_lifetime_value", &Clv<BetaGeoModel>, "transactions"_a, "spend"_a, "frequency"_a, "recency"_a, "T"_a,
        "monetary_value"_a, "months"_a, "monthly_discount_rate"_a, "periods_per_month"_a);
  m.def("customer_lifetime_value", &Clv<ModifiedBetaGeoModel>, "transactions"_a, "spend"_a, "frequency"_a, "recency"_a,
        "T"_a, "monetary_value"_a, "months"_a, "monthly_discount_rate"_a, "periods_per_month"_a);
  m.def("customer_lifetime_value", &Clv<ParetoNbdModel>, "transactions"_a, "spend"_a, "frequency"_a, "recency"_a, "T"_a,
        "monetary_value"_a, "months"_a, "monthly_discount_rate"_a, "periods_per_month"_a,
        "Discounted expected spend over `months` months (lifetimes' convention; see customer_lifetime_value.h).");

  // -- Covariates -------------------------------------------------------------------------------
  BindCovariateModel<score::BetaGeoCovariateModel>(m, "BetaGeoCovariateModel", "BG/NBD with time-invariant covariates.");
  BindCovariateModel<score::ParetoNbdCovariateModel>(m, "ParetoNbdCovariateModel",
                                                     "Pareto/NBD with time-invariant covariates.");

  py::class_<score::GammaGammaCovariateModel>(m, "GammaGammaCovariateModel", "Gamma-Gamma with spend covariates.")
      .def_static(
          "fit",
          [](const DoubleArray& x, const DoubleArray& monetary_value, const std::optional<CovariateArray>& z,
             const std::optional<DoubleArray>& w, int max_iterations, double gradient_tolerance, double l2_penalty) {
            const absl::Span<const double> xs = Span1d(x, "frequency"), ms = Span1d(monetary_value, "monetary_value");
            const absl::Span<const double> ws = OptionalSpan(w, "weights");
            const score::CovariateView spend = CovariatesOf(z, "spend");
            const FitOptions options = MakeFitOptions(max_iterations, gradient_tolerance, l2_penalty);
            absl::StatusOr<score::GammaGammaCovariateModel> model = [&] {
              py::gil_scoped_release nogil;
              return score::GammaGammaCovariateModel::Fit(xs, ms, spend, ws, options);
            }();
            return ValueOrThrow(std::move(model));
          },
          "frequency"_a, "monetary_value"_a, "spend_covariates"_a = py::none(), "weights"_a = py::none(),
          "max_iterations"_a = 1000, "gradient_tolerance"_a = 1e-7, "l2_penalty"_a = 0.0)
      .def_property_readonly("params",
                             [](const score::GammaGammaCovariateModel& self) {
                               const auto& p = self.params();
                               return py::dict("p"_a = p.p, "q"_a = p.q, "v"_a = p.v);
                             })
      .def_property_readonly("spend_coefficients", &score::GammaGammaCovariateModel::spend_coefficients)
      .def_property_readonly("standard_errors", &score::GammaGammaCovariateModel::standard_errors)
      .def_property_readonly("report", [](const score::GammaGammaCovariateModel& self) { return ReportToDict(self.report()); })
      .def(
          "conditional_expected_average_profit",
          [](const score::GammaGammaCovariateModel& self, const DoubleArray& x, const DoubleArray& monetary_value,
             const std::optional<CovariateArray>& z) {
            const absl::Span<const double> xs = Span1d(x, "frequency"), ms = Span1d(monetary_value, "monetary_value");
            const score::CovariateView spend = CovariatesOf(z, "spend");
            return Batch([&] { return self.ConditionalExpectedAverageProfit(xs, ms, spend); });
          },
          "frequency"_a, "monetary_value"_a, "spend_covariates"_a = py::none());

  // -- Intervals from parameter uncertainty -----------------------------------------------------
  BindIntervals<BetaGeoModel>(m);
  BindIntervals<ModifiedBetaGeoModel>(m);
  BindIntervals<ParetoNbdModel>(m);

  // -- Transaction summaries --------------------------------------------------------------------
  m.def(
      "summarize_transactions",
      [](const Int64Array& customer, const DoubleArray& day, const std::optional<DoubleArray>& amount,
         double calibration_end, double observation_end, double bucket_days, double bucket_origin, double unit_buckets) {
        if (customer.ndim() != 1) throw py::value_error("customer must be one-dimensional");
        score::TransactionLogView log;
        log.customer = absl::Span<const int64_t>(customer.data(), static_cast<size_t>(customer.shape(0)));
        log.day = Span1d(day, "date");
        log.amount = OptionalSpan(amount, "monetary_value");
        score::TransactionSummaryOptions options;
        options.calibration_end = calibration_end;
        options.observation_end = observation_end;
        options.bucket_days = bucket_days;
        options.bucket_origin = bucket_origin;
        options.unit_buckets = unit_buckets;
        absl::StatusOr<score::TransactionSummary> summary = [&] {
          py::gil_scoped_release nogil;
          return score::SummarizeTransactions(log, options);
        }();
        return SummaryToDict(ValueOrThrow(std::move(summary)));
      },
      "customer"_a, "day"_a, "amount"_a, "calibration_end"_a, "observation_end"_a, "bucket_days"_a, "bucket_origin"_a,
      "unit_buckets"_a, "Per-customer frequency/recency/T/monetary_value (and holdout) from a transaction log.");
}

}  // namespace oneid::python
