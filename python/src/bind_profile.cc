// Python bindings of the profile layer: building profiles from event columns and generating events.
// Each def only forwards to the C++ call; the column plumbing is below, with the GIL held, and the
// build itself runs with the GIL released.
//
// Columns arrive as the Python layer (oneid/profile.py) prepares them:
//   string columns  either (codes: int32 array, categories: list) for a pandas categorical — no
//                   per-row string work at all — or any 1-D sequence of cells, factorised here
//   time            int64 seconds since the epoch, INT64_MIN for NaT
//   numbers         float64 arrays; coupon_used a uint8 array
// Results go back as NumPy arrays that view the FeatureTable's columns (no copy): each array holds
// a capsule that owns the table.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "convert.h"
#include "progress.h"
#include "oneid/identity/synthetic.h"
#include "oneid/internal/strings.h"
#include "oneid/profile/event_generator.h"
#include "oneid/profile/events.h"
#include "oneid/profile/feature_table.h"
#include "oneid/profile/profile_builder.h"

namespace oneid::python {
namespace {

using namespace pybind11::literals;  // NOLINT(google-build-using-namespace): "name"_a

using profile::CodedStrings;
using profile::FeatureTable;
using profile::Timestamp;

template <typename T>
using Array = py::array_t<T, py::array::c_style | py::array::forcecast>;

// Storage behind one CodedStrings: the dictionary views and the codes.
struct CodedColumn {
  std::vector<std::string_view> dictionary;
  std::vector<int32_t> codes;
  CodedStrings View() const { return {dictionary, codes}; }
};

// (codes, categories) or a sequence of cells -> dictionary form. Missing cells get code -1.
CodedColumn Coded(const py::handle& column, PinnedColumns& pinned, const std::string& name) {
  CodedColumn out;
  if (column.is_none()) return out;
  if (py::isinstance<py::tuple>(column) && py::len(column) == 2) {
    py::tuple pair = py::reinterpret_borrow<py::tuple>(column);
    Array<int32_t> codes = pair[0].cast<Array<int32_t>>();
    if (codes.ndim() != 1) throw py::value_error("column " + name + ": codes must be one-dimensional");
    out.dictionary = pinned.Views(pair[1], "column " + name + " categories");
    out.codes.assign(codes.data(), codes.data() + codes.size());
    return out;
  }
  const std::vector<std::string_view> cells = pinned.Views(column, "column " + name);
  absl::flat_hash_map<absl::string_view, int32_t> seen;
  out.codes.resize(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].empty()) {
      out.codes[i] = -1;
      continue;
    }
    auto [it, inserted] = seen.emplace(internal::Absl(cells[i]), static_cast<int32_t>(out.dictionary.size()));
    if (inserted) out.dictionary.push_back(cells[i]);
    out.codes[i] = it->second;
  }
  return out;
}

template <typename T>
absl::Span<const T> SpanOf(const std::optional<Array<T>>& a, const char* name) {
  if (!a.has_value()) return {};
  if (a->ndim() != 1) throw py::value_error(std::string("column ") + name + " must be one-dimensional");
  return absl::Span<const T>(a->data(), static_cast<size_t>(a->size()));
}

std::optional<Array<double>> Doubles(const py::dict& d, const char* name) {
  if (!d.contains(name) || d[name].is_none()) return std::nullopt;
  return d[name].cast<Array<double>>();
}

py::object Get(const py::dict& d, const char* name) {
  if (!d.contains(name)) return py::none();
  return py::reinterpret_borrow<py::object>(d[name]);
}

py::dict ReportToDict(const profile::EventReport& r) {
  py::list row, field, reason;
  for (const identity::RowError& e : r.errors) {
    row.append(e.row);
    field.append(ToStr(e.field));
    reason.append(ToStr(e.reason));
  }
  return py::dict("rows_read"_a = r.rows_read, "rows_accepted"_a = r.rows_accepted,
                  "rows_rejected"_a = r.rows_rejected, "unknown_accounts"_a = r.unknown_accounts,
                  "after_as_of"_a = r.after_as_of,
                  "errors"_a = py::dict("row"_a = row, "field"_a = field, "reason"_a = reason));
}

// A NumPy view of a column owned by `table` (kept alive by the capsule).
py::array View(const std::shared_ptr<const FeatureTable>& table, absl::Span<const double> column) {
  auto* owner = new std::shared_ptr<const FeatureTable>(table);
  py::capsule keep(owner, [](void* p) { delete static_cast<std::shared_ptr<const FeatureTable>*>(p); });
  return py::array_t<double>(static_cast<py::ssize_t>(column.size()), column.data(), keep);
}

// Builds profiles. `orders` and `behaviour` are dicts of prepared columns (see the file comment)
// or None. Returns (columns, report).
py::tuple BuildProfiles(const py::object& orders, const py::object& behaviour, const py::handle& map_accounts,
                        const Array<int64_t>& map_oneids, Timestamp as_of, size_t top_categories,
                        const std::optional<std::vector<std::pair<std::string, double>>>& tiers,
                        const py::object& progress_arg) {
  PyProgress progress(progress_arg);
  PinnedColumns pinned;
  profile::ProfileOptions options;
  options.progress = progress.callback();
  options.as_of = as_of;
  options.top_categories = top_categories;
  if (tiers.has_value()) {
    options.tiers.clear();
    for (const auto& [name, threshold] : *tiers) options.tiers.push_back({name, threshold});
  }
  // Mapping.
  const std::vector<std::string_view> accounts = pinned.Views(map_accounts, "mapping account_id");
  if (map_oneids.ndim() != 1) throw py::value_error("mapping oneid must be one-dimensional");
  std::vector<OneId> oneids(static_cast<size_t>(map_oneids.size()));
  for (size_t i = 0; i < oneids.size(); ++i) {
    const int64_t v = map_oneids.data()[i];
    if (v < 0) throw py::value_error("mapping row " + std::to_string(i) + ", field oneid: negative OneID");
    oneids[i] = static_cast<OneId>(v);
  }
  // Orders.
  CodedColumn o_account, o_channel, o_order, o_store, o_category;
  std::optional<Array<int64_t>> o_time;
  std::optional<Array<double>> o_amount, o_discount;
  std::optional<Array<uint8_t>> o_coupon;
  profile::OrderColumns oc;
  if (!orders.is_none()) {
    const py::dict d = orders.cast<py::dict>();
    o_account = Coded(Get(d, "account_id"), pinned, "account_id");
    o_channel = Coded(Get(d, "channel"), pinned, "channel");
    o_order = Coded(Get(d, "order_id"), pinned, "order_id");
    o_store = Coded(Get(d, "store"), pinned, "store");
    o_category = Coded(Get(d, "category"), pinned, "category");
    o_time = d["time"].cast<Array<int64_t>>();
    o_amount = Doubles(d, "amount");
    o_discount = Doubles(d, "discount");
    if (d.contains("coupon_used") && !d["coupon_used"].is_none()) o_coupon = d["coupon_used"].cast<Array<uint8_t>>();
    oc = {o_account.View(), o_channel.View(), o_order.View(), o_store.View(), o_category.View(),
          SpanOf(o_time, "time"), SpanOf(o_amount, "amount"), SpanOf(o_discount, "discount"),
          SpanOf(o_coupon, "coupon_used"), 0};
  }
  // Behaviour.
  CodedColumn b_account, b_channel, b_kind;
  std::optional<Array<int64_t>> b_time;
  std::optional<Array<double>> b_value;
  profile::BehaviorColumns bc;
  if (!behaviour.is_none()) {
    const py::dict d = behaviour.cast<py::dict>();
    b_account = Coded(Get(d, "account_id"), pinned, "account_id");
    b_channel = Coded(Get(d, "channel"), pinned, "channel");
    b_kind = Coded(Get(d, "kind"), pinned, "kind");
    b_time = d["time"].cast<Array<int64_t>>();
    b_value = Doubles(d, "value");
    bc = {b_account.View(), b_channel.View(), b_kind.View(), SpanOf(b_time, "time"), SpanOf(b_value, "value"), 0};
  }
  const bool has_orders = !orders.is_none(), has_behaviour = !behaviour.is_none();

  profile::EventReport order_report, behaviour_report;
  absl::StatusOr<FeatureTable> table = [&]() -> absl::StatusOr<FeatureTable> {
    py::gil_scoped_release nogil;
    absl::StatusOr<profile::AccountMap> map = profile::AccountMap::Create(accounts, oneids);
    if (!map.ok()) return map.status();
    absl::StatusOr<profile::ProfileBuilder> builder = profile::ProfileBuilder::Create(options);
    if (!builder.ok()) return builder.status();
    if (has_orders) {
      profile::OrderTable table;
      profile::EventReport read;
      if (absl::Status s = table.Append(oc, read); !s.ok()) return absl::InvalidArgumentError(absl::StrCat("orders: ", s.message()));
      profile::EventReport folded = builder->AddOrders(table, *map);
      // Rows the table refused were read but never reached the builder.
      order_report = folded;
      order_report.rows_read = read.rows_read;
      order_report.rows_rejected += read.rows_rejected;
      order_report.errors.insert(order_report.errors.begin(), read.errors.begin(), read.errors.end());
    }
    if (has_behaviour) {
      profile::BehaviorTable table;
      profile::EventReport read;
      if (absl::Status s = table.Append(bc, read); !s.ok()) return absl::InvalidArgumentError(absl::StrCat("behaviour: ", s.message()));
      profile::EventReport folded = builder->AddBehavior(table, *map);
      behaviour_report = folded;
      behaviour_report.rows_read = read.rows_read;
      behaviour_report.rows_rejected += read.rows_rejected;
      behaviour_report.errors.insert(behaviour_report.errors.begin(), read.errors.begin(), read.errors.end());
    }
    return builder->Build(*map);
  }();
  progress.Rethrow();
  auto shared = std::make_shared<const FeatureTable>(ValueOrThrow(std::move(table)));

  py::dict columns;
  std::vector<int64_t> ids(shared->oneids().begin(), shared->oneids().end());
  columns["oneid"] = ToNumpy(std::move(ids));
  for (const std::string& name : profile::ProfileColumns::Numeric()) {
    columns[ToStr(name)] = View(shared, *shared->Numeric(name));
  }
  columns[ToStr(profile::ProfileColumns::kMemberTier)] = ToStrList(*shared->Text(profile::ProfileColumns::kMemberTier));
  for (std::string_view set : {profile::ProfileColumns::kTopCategories, profile::ProfileColumns::kChannels}) {
    const profile::TextSetColumn* c = *shared->TextSet(set);
    // Few distinct values (categories, channels) over many rows: one str object each, shared.
    absl::flat_hash_map<absl::string_view, py::object> strs;
    py::list rows(c->rows());
    for (size_t r = 0; r < c->rows(); ++r) {
      const auto row = c->Row(r);
      py::tuple t(row.size());
      for (size_t k = 0; k < row.size(); ++k) {
        auto [it, inserted] = strs.try_emplace(internal::Absl(row[k]));
        if (inserted) it->second = ToStr(row[k]);
        t[k] = it->second;
      }
      rows[r] = std::move(t);
    }
    columns[ToStr(set)] = rows;
  }
  return py::make_tuple(columns, py::dict("orders"_a = ReportToDict(order_report),
                                          "behaviour"_a = ReportToDict(behaviour_report)));
}

// Moves a span's contents into an owned NumPy array (one copy: the generated tables die here).
template <typename Out, typename T>
py::array Copy(absl::Span<const T> values) {
  std::vector<Out> v(values.begin(), values.end());
  return ToNumpy(std::move(v));
}

// A dictionary-encoded column as (codes int32 with -1 for missing, categories list).
py::tuple CodedToPython(absl::Span<const uint32_t> codes, const profile::StringDictionary& dict) {
  std::vector<int32_t> out(codes.size());
  for (size_t i = 0; i < codes.size(); ++i) {
    out[i] = codes[i] == profile::StringDictionary::kNone ? -1 : static_cast<int32_t>(codes[i]);
  }
  return py::make_tuple(ToNumpy(std::move(out)), ToStrList(dict.strings()));
}

py::list ChannelNames() {
  py::list names;
  for (size_t c = 0; c < profile::kChannelCount; ++c) names.append(ToStr(profile::ChannelName(static_cast<profile::Channel>(c))));
  return names;
}

py::list KindNames() {
  py::list names;
  for (size_t k = 0; k < profile::kBehaviorKindCount; ++k) {
    names.append(ToStr(profile::BehaviorKindName(static_cast<profile::BehaviorKind>(k))));
  }
  return names;
}

// Generates accounts and their events. Returns (accounts columns, truth, orders, behaviour), the
// event tables as dicts of columns with dictionary-encoded strings as (codes, categories).
py::tuple GenerateEvents(identity::SyntheticConfig people_config, profile::EventGeneratorConfig config,
                         const py::object& progress_arg) {
  PyProgress progress(progress_arg);
  people_config.progress = progress.callback();
  config.progress = progress.callback();
  struct Out {
    identity::SyntheticData people;
    profile::GeneratedEvents events;
  };
  auto out = std::make_unique<Out>();
  {
    py::gil_scoped_release nogil;
    out->people = identity::GenerateOmniChannel(people_config);
    out->events = profile::GenerateEvents(out->people, config);
  }
  progress.Rethrow();
  const profile::OrderTable& o = out->events.orders;
  const profile::BehaviorTable& b = out->events.behaviour;
  py::dict orders;
  orders["order_id"] = CodedToPython(o.order_codes(), o.orders());
  orders["account_id"] = CodedToPython(o.account_codes(), o.accounts());
  orders["time"] = Copy<int64_t>(o.times());
  orders["channel"] = Copy<uint8_t>(absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(o.channels().data()), o.channels().size()));
  orders["store"] = CodedToPython(o.store_codes(), o.stores());
  orders["category"] = CodedToPython(o.category_codes(), o.categories());
  orders["amount"] = Copy<double>(o.amounts());
  orders["discount"] = Copy<double>(o.discounts());
  orders["coupon_used"] = Copy<uint8_t>(o.coupons());
  py::dict behaviour;
  behaviour["account_id"] = CodedToPython(b.account_codes(), b.accounts());
  behaviour["time"] = Copy<int64_t>(b.times());
  behaviour["channel"] = Copy<uint8_t>(absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(b.channels().data()), b.channels().size()));
  behaviour["kind"] = Copy<uint8_t>(absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(b.kinds().data()), b.kinds().size()));
  behaviour["value"] = Copy<double>(b.values());
  py::tuple people = SyntheticToPython(std::move(out->people));
  return py::make_tuple(people[0], people[1], orders, behaviour);
}

}  // namespace

void BindProfile(py::module_& m) {
  py::class_<profile::EventGeneratorConfig>(m, "EventGeneratorConfig", "Knobs of the event generator.")
      .def(py::init<>())
      .def_readwrite("seed", &profile::EventGeneratorConfig::seed)
      .def_readwrite("start", &profile::EventGeneratorConfig::start, "Seconds since the epoch (UTC).")
      .def_readwrite("end", &profile::EventGeneratorConfig::end, "Seconds since the epoch (UTC).")
      .def_readwrite("purchases_per_year", &profile::EventGeneratorConfig::purchases_per_year)
      .def_readwrite("purchase_rate_shape", &profile::EventGeneratorConfig::purchase_rate_shape)
      .def_readwrite("dropout_mean", &profile::EventGeneratorConfig::dropout_mean)
      .def_readwrite("extra_lines_mean", &profile::EventGeneratorConfig::extra_lines_mean)
      .def_readwrite("line_amount_median", &profile::EventGeneratorConfig::line_amount_median)
      .def_readwrite("coupon_propensity", &profile::EventGeneratorConfig::coupon_propensity)
      .def_readwrite("refund_rate", &profile::EventGeneratorConfig::refund_rate)
      .def_readwrite("browse_per_order", &profile::EventGeneratorConfig::browse_per_order)
      .def_readwrite("cart_per_order", &profile::EventGeneratorConfig::cart_per_order)
      .def_readwrite("never_buyer_browse", &profile::EventGeneratorConfig::never_buyer_browse)
      .def_readwrite("points_spend_share", &profile::EventGeneratorConfig::points_spend_share);

  m.def("build_profiles", &BuildProfiles, "orders"_a, "behaviour"_a, "map_accounts"_a, "map_oneids"_a, "as_of"_a,
        "top_categories"_a = 3, "tiers"_a = py::none(), "progress"_a = py::none(),
        "Builds per-OneID profiles from prepared event columns; returns (columns, report).");
  m.def("generate_events", &GenerateEvents, "people"_a, "config"_a, "progress"_a = py::none(),
        "Generates accounts and their orders and behaviour; returns (accounts, truth, orders, behaviour).");
  m.attr("PROFILE_CHANNELS") = ChannelNames();
  m.attr("BEHAVIOR_KINDS") = KindNames();
}

}  // namespace oneid::python
