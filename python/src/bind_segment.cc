// Python bindings of the segment layer: configuration structs, SegmentTable, Audience, KMeans,
// silhouette / choose-k and triggers. Each def forwards to one C++ call; DataFrame columns arrive
// through convert_table.h. The GIL is released for the calls that scale with the data (audience
// evaluation, segmenting, k-means fit/predict, choose-k, triggers), after the arguments are
// converted and without touching Python objects.
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convert.h"
#include "convert_table.h"
#include "oneid/segment/audience.h"
#include "oneid/segment/kmeans.h"
#include "oneid/segment/lifecycle.h"
#include "oneid/segment/segment_table.h"
#include "oneid/segment/tags.h"
#include "oneid/segment/triggers.h"
#include "oneid/segment/value_tier.h"

namespace oneid::python {
namespace {

using namespace pybind11::literals;  // NOLINT(google-build-using-namespace): "name"_a

namespace seg = oneid::segment;

seg::MissingColumns MissingFromName(const std::string& name) {
  if (name == "skip") return seg::MissingColumns::kSkip;
  if (name == "error") return seg::MissingColumns::kError;
  throw py::value_error("missing_tag_columns must be 'skip' or 'error', got '" + name + "'");
}

seg::NanPolicy NanPolicyFromName(const std::string& name) {
  if (name == "error") return seg::NanPolicy::kError;
  if (name == "impute_mean") return seg::NanPolicy::kImputeMean;
  throw py::value_error("nan_policy must be 'error' or 'impute_mean', got '" + name + "'");
}

py::tuple SegmentColumns(size_t rows, const py::list& columns, const std::optional<seg::LifecycleConfig>& lifecycle,
                         const std::optional<seg::ValueTierConfig>& value_tiers, const std::vector<seg::TagRule>& tags,
                         const std::string& missing) {
  profile::FeatureTable table = TableFromColumns(rows, columns);
  seg::SegmentConfig config;
  config.lifecycle = lifecycle;
  config.value_tiers = value_tiers;
  config.tags = tags;
  config.missing_tag_columns = MissingFromName(missing);
  absl::StatusOr<seg::SegmentReport> report;
  {
    py::gil_scoped_release nogil;
    report = seg::SegmentTable(table, config);
  }
  ThrowIfError(report.status());
  py::list skipped;
  for (const seg::SkippedTag& s : report->tags.skipped) skipped.append(py::make_tuple(ToStr(s.name), ToStr(s.reason)));
  return py::make_tuple(ColumnsToPython(table, report->columns_added), skipped);
}

py::array EvaluateAudience(const seg::Audience& audience, size_t rows, const py::list& columns) {
  const ColumnViews views(rows, columns);
  absl::StatusOr<std::vector<uint8_t>> mask;
  {
    py::gil_scoped_release nogil;
    mask = audience.Evaluate(views.set());
  }
  return ToNumpy<bool>(ValueOrThrow(std::move(mask)));
}

py::dict FireTriggerColumns(size_t rows, const py::list& columns, const seg::TriggerConfig& config) {
  const profile::FeatureTable table = TableFromColumns(rows, columns);
  absl::StatusOr<std::vector<seg::FiredTrigger>> fired;
  {
    py::gil_scoped_release nogil;
    fired = seg::FireTriggers(table, config);
  }
  ThrowIfError(fired.status());
  std::vector<int64_t> row;
  py::list kind, reason;
  for (const seg::FiredTrigger& f : *fired) {
    row.push_back(static_cast<int64_t>(f.row));
    kind.append(ToStr(seg::TriggerKindName(f.kind)));
    reason.append(ToStr(f.reason));
  }
  return py::dict("row"_a = ToNumpy(std::move(row)), "trigger"_a = kind, "reason"_a = reason);
}

seg::KMeans MakeKMeans(int n_clusters, int n_init, int max_iter, double tol, uint64_t seed, bool standardize,
                       const std::string& nan_policy, int threads, std::optional<Eigen::MatrixXd> init) {
  seg::KMeansOptions o;
  o.n_clusters = n_clusters;
  o.n_init = n_init;
  o.max_iterations = max_iter;
  o.tolerance = tol;
  o.seed = seed;
  o.standardize = standardize;
  o.nan_policy = NanPolicyFromName(nan_policy);
  o.threads = threads;
  o.initial_centers = std::move(init);
  ThrowIfError(o.Validate());
  return seg::KMeans(std::move(o));
}

py::list SummaryToPython(const std::vector<seg::ClusterSummary>& summary) {
  py::list out;
  for (const seg::ClusterSummary& s : summary) {
    py::list top;
    for (const auto& [name, diff] : s.top_features) top.append(py::make_tuple(ToStr(name), diff));
    out.append(py::dict("cluster"_a = s.cluster, "size"_a = s.size, "share"_a = s.share, "centroid"_a = s.centroid,
                        "top_features"_a = top));
  }
  return out;
}

}  // namespace

void BindSegment(py::module_& m) {
  py::class_<seg::LifecycleConfig>(m, "LifecycleConfig", "Columns and thresholds of the lifecycle rules.")
      .def(py::init<>())
      .def_readwrite("orders_column", &seg::LifecycleConfig::orders_column)
      .def_readwrite("recency_column", &seg::LifecycleConfig::recency_column)
      .def_readwrite("tenure_column", &seg::LifecycleConfig::tenure_column)
      .def_readwrite("interval_column", &seg::LifecycleConfig::interval_column)
      .def_readwrite("previous_gap_column", &seg::LifecycleConfig::previous_gap_column)
      .def_readwrite("new_days", &seg::LifecycleConfig::new_days)
      .def_readwrite("active_days", &seg::LifecycleConfig::active_days)
      .def_readwrite("lost_days", &seg::LifecycleConfig::lost_days)
      .def_readwrite("relative", &seg::LifecycleConfig::relative)
      .def_readwrite("active_factor", &seg::LifecycleConfig::active_factor)
      .def_readwrite("lost_factor", &seg::LifecycleConfig::lost_factor)
      .def_readwrite("min_days", &seg::LifecycleConfig::min_days)
      .def_readwrite("max_days", &seg::LifecycleConfig::max_days)
      .def_readwrite("output_column", &seg::LifecycleConfig::output_column);

  py::class_<seg::ValueTierConfig>(m, "ValueTierConfig", "Value column, named tier cuts and output columns.")
      .def(py::init<>())
      .def_readwrite("value_column", &seg::ValueTierConfig::value_column)
      .def_property(
          "tiers",
          [](const seg::ValueTierConfig& c) {
            py::list out;
            for (const seg::NamedTier& t : c.tiers) out.append(py::make_tuple(t.name, t.cut));
            return out;
          },
          [](seg::ValueTierConfig& c, const std::vector<std::pair<std::string, double>>& tiers) {
            c.tiers.clear();
            for (const auto& [name, cut] : tiers) c.tiers.push_back({name, cut});
          })
      .def_readwrite("cuts_are_quantiles", &seg::ValueTierConfig::cuts_are_quantiles)
      .def_readwrite("decile_column", &seg::ValueTierConfig::decile_column)
      .def_readwrite("tier_column", &seg::ValueTierConfig::tier_column);

  py::class_<seg::TagRule>(m, "TagRule", "A named audience rule that adds a 0/1 column.")
      .def(py::init([](std::string name, const std::string& layer, std::string expression, std::string description) {
             return seg::TagRule{std::move(name), ValueOrThrow(seg::TagLayerFromName(layer)), std::move(expression),
                                 std::move(description)};
           }),
           "name"_a, "layer"_a, "expression"_a, "description"_a = "")
      .def_readwrite("name", &seg::TagRule::name)
      .def_property(
          "layer", [](const seg::TagRule& r) { return std::string(seg::TagLayerName(r.layer)); },
          [](seg::TagRule& r, const std::string& layer) { r.layer = ValueOrThrow(seg::TagLayerFromName(layer)); })
      .def_readwrite("expression", &seg::TagRule::expression)
      .def_readwrite("description", &seg::TagRule::description)
      .def("__repr__", [](const seg::TagRule& r) {
        return "TagRule(" + std::string(py::repr(py::str(r.name))) + ", '" + std::string(seg::TagLayerName(r.layer)) +
               "', " + std::string(py::repr(py::str(r.expression))) + ")";
      });
  m.def("default_tags", &seg::DefaultTags, "The default tag set (see oneid/segment/tags.h).");

  py::class_<seg::TriggerConfig>(m, "TriggerConfig", "Switches, columns and thresholds of the triggers.")
      .def(py::init<>())
      .def_readwrite("due_to_repurchase", &seg::TriggerConfig::due_to_repurchase)
      .def_readwrite("recency_column", &seg::TriggerConfig::recency_column)
      .def_readwrite("interval_column", &seg::TriggerConfig::interval_column)
      .def_readwrite("repurchase_factor", &seg::TriggerConfig::repurchase_factor)
      .def_readwrite("repurchase_max_factor", &seg::TriggerConfig::repurchase_max_factor)
      .def_readwrite("at_risk", &seg::TriggerConfig::at_risk)
      .def_readwrite("p_alive_column", &seg::TriggerConfig::p_alive_column)
      .def_readwrite("p_alive_threshold", &seg::TriggerConfig::p_alive_threshold)
      .def_readwrite("points_expiring", &seg::TriggerConfig::points_expiring)
      .def_readwrite("points_column", &seg::TriggerConfig::points_column)
      .def_readwrite("points_days_column", &seg::TriggerConfig::points_days_column)
      .def_readwrite("points_window_days", &seg::TriggerConfig::points_window_days)
      .def_readwrite("cart_abandoned", &seg::TriggerConfig::cart_abandoned)
      .def_readwrite("cart_days_column", &seg::TriggerConfig::cart_days_column)
      .def_readwrite("cart_value_column", &seg::TriggerConfig::cart_value_column)
      .def_readwrite("cart_window_days", &seg::TriggerConfig::cart_window_days);

  m.def("segment_columns", &SegmentColumns, "rows"_a, "columns"_a, "lifecycle"_a, "value_tiers"_a, "tags"_a,
        "missing_tag_columns"_a,
        "Lifecycle, value tiers and tags over (name, kind, values) columns; returns (new columns, skipped tags).");
  m.def("fire_triggers", &FireTriggerColumns, "rows"_a, "columns"_a, "config"_a,
        "Fired triggers as columns row, trigger, reason.");

  py::class_<seg::Audience>(m, "Audience", "A compiled audience expression.")
      .def(py::init([](const std::string& expression) { return ValueOrThrow(seg::Audience::Compile(expression)); }),
           "expression"_a)
      .def_property_readonly("expression", &seg::Audience::expression)
      .def_property_readonly("columns", &seg::Audience::columns)
      .def("canonical", &seg::Audience::ToString, "The fully parenthesised form of the compiled expression.")
      .def("evaluate", &EvaluateAudience, "rows"_a, "columns"_a, "A boolean array, one per row.")
      .def("__repr__", [](const seg::Audience& a) { return "Audience(" + std::string(py::repr(py::str(a.expression()))) + ")"; });

  py::class_<seg::KMeans>(m, "KMeans", "k-means with k-means++ seeding and restarts.")
      .def(py::init(&MakeKMeans), "n_clusters"_a = 8, "n_init"_a = 4, "max_iter"_a = 300, "tol"_a = 1e-4, "seed"_a = 0,
           "standardize"_a = true, "nan_policy"_a = "error", "threads"_a = 0, "init"_a = std::nullopt)
      .def(
          "fit",
          [](seg::KMeans& km, const Eigen::Ref<const Eigen::MatrixXd>& x, std::vector<std::string> names) {
            absl::StatusOr<seg::KMeansReport> r;
            {
              py::gil_scoped_release nogil;
              r = km.Fit(x, std::move(names));
            }
            ThrowIfError(r.status());
          },
          "x"_a, "feature_names"_a = std::vector<std::string>{})
      .def(
          "predict",
          [](const seg::KMeans& km, const Eigen::Ref<const Eigen::MatrixXd>& x) {
            absl::StatusOr<std::vector<int32_t>> labels;
            {
              py::gil_scoped_release nogil;
              labels = km.Predict(x);
            }
            return ToNumpy(ValueOrThrow(std::move(labels)));
          },
          "x"_a)
      .def_property_readonly("fitted", &seg::KMeans::fitted)
      .def_property_readonly("labels", [](const seg::KMeans& km) { return ToNumpy(std::vector<int32_t>(km.labels())); })
      .def_property_readonly("centers", &seg::KMeans::centers)
      .def_property_readonly("inertia", &seg::KMeans::inertia)
      .def_property_readonly("iterations", [](const seg::KMeans& km) { return km.report().iterations; })
      .def_property_readonly("converged",
                             [](const seg::KMeans& km) { return km.report().outcome == seg::KMeansOutcome::kConverged; })
      .def_property_readonly("feature_names", &seg::KMeans::feature_names)
      .def("summary", [](const seg::KMeans& km, int top) { return SummaryToPython(km.Summarize(top)); }, "top_features"_a = 3);

  m.def(
      "silhouette",
      [](const Eigen::Ref<const Eigen::MatrixXd>& x, std::vector<int32_t> labels, size_t sample_size, uint64_t seed) {
        absl::StatusOr<double> s;
        {
          py::gil_scoped_release nogil;
          s = seg::Silhouette(x, labels, sample_size, seed);
        }
        return ValueOrThrow(std::move(s));
      },
      "x"_a, "labels"_a, "sample_size"_a = 2000, "seed"_a = 0);
  m.def(
      "choose_k",
      [](const Eigen::Ref<const Eigen::MatrixXd>& x, const std::vector<int>& ks, int n_init, uint64_t seed,
         bool standardize, const std::string& nan_policy, size_t sample_size) {
        seg::KMeansOptions o;
        o.n_init = n_init;
        o.seed = seed;
        o.standardize = standardize;
        o.nan_policy = NanPolicyFromName(nan_policy);
        absl::StatusOr<std::vector<seg::KChoice>> choices;
        {
          py::gil_scoped_release nogil;
          choices = seg::ChooseK(x, ks, o, sample_size);
        }
        ThrowIfError(choices.status());
        py::list out;
        for (const seg::KChoice& c : *choices) {
          out.append(py::dict("k"_a = c.k, "inertia"_a = c.inertia, "silhouette"_a = c.silhouette,
                              "iterations"_a = c.report.iterations));
        }
        return out;
      },
      "x"_a, "ks"_a, "n_init"_a = 4, "seed"_a = 0, "standardize"_a = true, "nan_policy"_a = "error",
      "sample_size"_a = 2000);
}

}  // namespace oneid::python
