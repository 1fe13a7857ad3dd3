// Every conversion between Python objects and oneid's C++ types, so that the bindings only forward:
// absl::Status -> Python exceptions, Python arguments -> identifier types and configuration, column
// cells -> string views, and C++ results -> Python dicts, lists and NumPy arrays. Private to the
// extension; no public oneid header includes pybind11.
#ifndef ONEID_PYTHON_SRC_CONVERT_H_
#define ONEID_PYTHON_SRC_CONVERT_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "arrow_columns.h"
#include "oneid/identity/account_table.h"
#include "oneid/identity/batch_report.h"
#include "oneid/identity/identifier_type.h"
#include "oneid/identity/merge_log.h"
#include "oneid/identity/quality.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/synthetic.h"

namespace oneid::python {

namespace py = pybind11;

using identity::IdentifierType;
using identity::IdentityConfig;
using identity::OneId;

// ---------------------------------------------------------------------------------------------
// Errors. One mapping for the whole module (pybind11_abseil's convention), with C++'s message text
// unchanged: InvalidArgument -> ValueError, NotFound -> KeyError, everything else -> RuntimeError.

inline void ThrowIfError(const absl::Status& status) {
  if (status.ok()) return;
  std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: throw py::value_error(message);
    case absl::StatusCode::kNotFound: throw py::key_error(message);
    default: throw std::runtime_error(message);
  }
}

template <typename T>
T ValueOrThrow(absl::StatusOr<T>&& result) {
  ThrowIfError(result.status());
  return *std::move(result);
}

// ---------------------------------------------------------------------------------------------
// Identifier types: kinds travel as the names IdentifierKindName() gives them, limits as
// `int | None` (None is kUnlimited).

inline identity::IdentifierKind KindFromName(std::string_view name) {
  using identity::IdentifierKind;
  for (IdentifierKind kind : {IdentifierKind::kPhone, IdentifierKind::kEmail,
                              IdentifierKind::kOpaqueToken, IdentifierKind::kScopedToken}) {
    if (identity::IdentifierKindName(kind) == name) return kind;
  }
  throw py::value_error("unknown identifier kind '" + std::string(name) +
                        "'; expected 'phone', 'email', 'token' or 'scoped_token'");
}

inline uint32_t LimitFromPython(const std::optional<int64_t>& limit, const char* what) {
  if (!limit.has_value()) return identity::kUnlimited;
  if (*limit < 0 || *limit > static_cast<int64_t>(identity::kUnlimited)) {
    throw py::value_error(std::string(what) + " must be a non-negative 32-bit integer or None, got " +
                          std::to_string(*limit));
  }
  return static_cast<uint32_t>(*limit);
}

inline std::optional<int64_t> LimitToPython(uint32_t limit) {
  if (limit == identity::kUnlimited) return std::nullopt;
  return limit;
}

// A list of str from any iterable of str (a lone str is refused: it would be read as characters).
inline std::vector<std::string> StringsFrom(const py::handle& iterable, const char* what) {
  if (py::isinstance<py::str>(iterable) || py::isinstance<py::bytes>(iterable)) {
    throw py::type_error(std::string(what) + " must be an iterable of str, not a single string");
  }
  std::vector<std::string> out;
  for (py::handle item : py::iter(iterable)) {
    if (!py::isinstance<py::str>(item)) {
      throw py::type_error(std::string(what) + " must contain only str, got " +
                           std::string(py::str(py::type::handle_of(item).attr("__name__"))));
    }
    out.push_back(item.cast<std::string>());
  }
  return out;
}

inline IdentifierType MakeIdentifierType(std::string name, const std::string& kind,
                                         std::optional<int64_t> max_per_person,
                                         std::optional<int64_t> max_accounts_per_value, int32_t priority,
                                         const py::iterable& blocklist) {
  IdentifierType type;
  type.name = std::move(name);
  type.kind = KindFromName(kind);
  type.max_per_person = LimitFromPython(max_per_person, "max_per_person");
  type.max_accounts_per_value = LimitFromPython(max_accounts_per_value, "max_accounts_per_value");
  type.priority = priority;
  type.blocklist = StringsFrom(blocklist, "blocklist");
  return type;
}

// IdentifierType('phone', kind='phone', max_per_person=3, ...), valid Python.
inline std::string IdentifierTypeRepr(const IdentifierType& t) {
  auto limit = [](uint32_t v) { return v == identity::kUnlimited ? std::string("None") : std::to_string(v); };
  return "IdentifierType(" + std::string(py::repr(py::str(t.name))) + ", kind='" +
         std::string(identity::IdentifierKindName(t.kind)) + "', max_per_person=" + limit(t.max_per_person) +
         ", max_accounts_per_value=" + limit(t.max_accounts_per_value) +
         ", priority=" + std::to_string(t.priority) +
         ", blocklist=" + std::string(py::repr(py::cast(t.blocklist))) + ")";
}

inline bool SameType(const IdentifierType& a, const IdentifierType& b) {
  return a.name == b.name && a.kind == b.kind && a.max_per_person == b.max_per_person &&
         a.max_accounts_per_value == b.max_accounts_per_value && a.priority == b.priority &&
         a.blocklist == b.blocklist;
}

// `salt` is None, str (its UTF-8 bytes) or bytes.
inline std::string SaltFrom(const py::object& salt) {
  if (salt.is_none()) return {};
  if (py::isinstance<py::bytes>(salt)) return salt.cast<std::string>();
  if (py::isinstance<py::str>(salt)) return salt.cast<std::string>();
  throw py::type_error("salt must be str, bytes or None");
}

// The configuration the Python constructor describes: default types unless `types` is given.
inline IdentityConfig MakeConfig(const std::optional<std::vector<IdentifierType>>& types,
                                 std::string default_region, bool hash_values, const py::object& salt,
                                 uint32_t threads = 0) {
  IdentityConfig config = identity::DefaultIdentityConfig();
  config.threads = threads;
  if (types.has_value()) config.types = *types;
  config.default_region = std::move(default_region);
  config.hash_values = hash_values;
  config.salt = SaltFrom(salt);
  return config;
}

// ---------------------------------------------------------------------------------------------
// Column cells -> std::string_view, without copying text.
//
// An Arrow-backed string column (pandas' `str` dtype with pyarrow installed, `string[pyarrow]`,
// `pd.ArrowDtype(pa.string())`, a pyarrow Array or ChunkedArray) is read through the Arrow C Data
// Interface (arrow_columns.h): views into the Arrow buffers, nulls missing, no Python object per
// cell.
//
// Any other column is a one-dimensional sequence (pandas Series, NumPy array, list). It is first copied
// into a private NumPy object array: that copies pointers, not text, and pins every cell object so
// that nothing another thread does to the caller's frame can free a string while the GIL is
// released. Cells then become views:
//   str                 -> its UTF-8 buffer (PyUnicode_AsUTF8AndSize; cached by the str object)
//   bytes               -> its buffer, as raw bytes
//   None, NaN, pd.NA, pd.NaT -> "" (a missing value)
//   a float that is a whole number -> its integer digits ("13800138000", not "13800138000.0"),
//                          because pandas stores an integer column with gaps as float64
//   anything else (int, ...) -> str(cell), owned here
//   a str that is not encodable as UTF-8 (lone surrogates) -> its bytes with the surrogates
//                          kept, which the resolver reports as invalid UTF-8 instead of failing
// Views stay valid while this object lives; it must be destroyed with the GIL held.
class PinnedColumns {
 public:
  PinnedColumns() {
    try {
      py::module_ pandas = py::module_::import("pandas");
      missing_.push_back(pandas.attr("NA"));
      missing_.push_back(pandas.attr("NaT"));
    } catch (const py::error_already_set&) {
      // Without pandas there are no pandas sentinels to recognise.
    }
  }

  std::vector<std::string_view> Views(py::handle column, const std::string& what) {
    if (std::optional<std::vector<std::string_view>> arrow = arrow_.TryViews(column)) return std::move(*arrow);
    py::object numpy = py::module_::import("numpy");
    py::array cells = numpy.attr("array")(column, py::arg("dtype") = "object", py::arg("copy") = true);
    if (cells.ndim() != 1) {
      throw py::value_error(what + " must be one-dimensional, got " + std::to_string(cells.ndim()) +
                            " dimensions");
    }
    arrays_.push_back(cells);
    const auto n = static_cast<size_t>(cells.shape(0));
    const auto stride = cells.strides(0);
    const char* base = static_cast<const char*>(cells.data());
    std::vector<std::string_view> views(n);
    for (size_t i = 0; i < n; ++i) {
      PyObject* cell = *reinterpret_cast<PyObject* const*>(base + static_cast<py::ssize_t>(i) * stride);
      views[i] = View(cell);
    }
    return views;
  }

 private:
  std::string_view View(PyObject* cell) {
    if (PyUnicode_Check(cell)) {
      Py_ssize_t size = 0;
      const char* data = PyUnicode_AsUTF8AndSize(cell, &size);
      if (data != nullptr) return {data, static_cast<size_t>(size)};
      PyErr_Clear();
      return Own(EncodeKeepingSurrogates(cell));
    }
    if (IsMissing(cell)) return {};
    if (PyBytes_Check(cell)) {
      return {PyBytes_AS_STRING(cell), static_cast<size_t>(PyBytes_GET_SIZE(cell))};
    }
    if (PyFloat_Check(cell)) {
      const double v = PyFloat_AS_DOUBLE(cell);
      if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) {
        return Own(std::to_string(static_cast<long long>(v)));
      }
    }
    py::object text = py::reinterpret_steal<py::object>(PyObject_Str(cell));
    if (!text) throw py::error_already_set();
    return Own(EncodeKeepingSurrogates(text.ptr()));
  }

  bool IsMissing(PyObject* cell) const {
    if (cell == Py_None) return true;
    if (PyFloat_Check(cell) && std::isnan(PyFloat_AS_DOUBLE(cell))) return true;
    for (const py::object& sentinel : missing_) {
      if (cell == sentinel.ptr()) return true;
    }
    return false;
  }

  static std::string EncodeKeepingSurrogates(PyObject* str) {
    py::object bytes = py::reinterpret_steal<py::object>(
        PyUnicode_AsEncodedString(str, "utf-8", "surrogatepass"));
    if (!bytes) throw py::error_already_set();
    return std::string(PyBytes_AS_STRING(bytes.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(bytes.ptr())));
  }

  std::string_view Own(std::string text) { return owned_.emplace_back(std::move(text)); }

  std::vector<py::object> missing_;
  std::vector<py::object> arrays_;  // private object arrays whose cells back the views
  std::deque<std::string> owned_;   // text of cells that are not str or bytes (stable addresses)
  ArrowColumns arrow_;              // Arrow arrays whose buffers back the views of Arrow columns
};

// ---------------------------------------------------------------------------------------------
// C++ results -> Python.

// UTF-8 from the resolver is valid (it rejects anything else on the way in); "surrogateescape"
// makes the conversion total anyway.
inline py::str ToStr(std::string_view text) {
  PyObject* str = PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "surrogateescape");
  if (str == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(str);
}

// A list of str, one per element of `texts` (anything iterable whose elements convert to
// std::string_view).
template <typename Range>
py::list ToStrList(const Range& texts) {
  py::list out(static_cast<size_t>(std::size(texts)));
  size_t i = 0;
  for (const auto& text : texts) {
    PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i++), ToStr(std::string_view(text)).release().ptr());
  }
  return out;
}

// Moves a vector into a NumPy array without copying its elements. `Out` may differ from `T` only
// in signedness (OneIDs are uint64 in C++ and int64 in pandas; real OneIDs are far below 2^63).
template <typename Out = void, typename T>
auto ToNumpy(std::vector<T>&& values) {
  using Element = std::conditional_t<std::is_void_v<Out>, T, Out>;
  static_assert(sizeof(Element) == sizeof(T) && std::is_integral_v<Element> == std::is_integral_v<T>,
                "ToNumpy reinterprets elements; they must have the same size and category");
  auto* owner = new std::vector<T>(std::move(values));
  py::capsule free_owner(owner, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<Element>(static_cast<py::ssize_t>(owner->size()),
                              reinterpret_cast<const Element*>(owner->data()), free_owner);
}

// ---------------------------------------------------------------------------------------------
// Identity results -> Python: small results as dicts and lists, tables as {column: list or array}
// for the Python layer to wrap in DataFrames.

inline py::list LinkPathToList(const identity::LinkPath& path) {
  py::list steps;
  for (const identity::LinkStep& s : path.steps) {
    steps.append(py::dict(py::arg("from_account") = ToStr(s.from_account), py::arg("type") = ToStr(s.type),
                          py::arg("value") = ToStr(s.value), py::arg("to_account") = ToStr(s.to_account)));
  }
  return steps;
}

inline py::dict StatsToDict(const identity::ResolverStats& s) {
  return py::dict(py::arg("accounts") = s.accounts, py::arg("accounts_erased") = s.accounts_erased,
                  py::arg("values") = s.values, py::arg("values_junk") = s.values_junk,
                  py::arg("persons") = s.persons, py::arg("merge_log_entries") = s.merge_log_entries,
                  py::arg("batches") = s.batches, py::arg("memory_bytes") = s.memory_bytes);
}

inline py::dict QualityToDict(const identity::PairwiseQuality& q) {
  return py::dict(py::arg("precision") = q.precision, py::arg("recall") = q.recall, py::arg("f1") = q.f1,
                  py::arg("true_pairs") = q.true_pairs, py::arg("predicted_pairs") = q.predicted_pairs,
                  py::arg("correct_pairs") = q.correct_pairs, py::arg("largest_cluster") = q.largest_cluster,
                  py::arg("predicted_clusters") = q.predicted_clusters, py::arg("true_clusters") = q.true_clusters);
}

// The account -> OneID map as (list of str, int64 array). Consumes `a`.
inline py::tuple AssignmentsToPython(identity::Assignments&& a) {
  py::list ids = ToStrList(a.account_ids);
  a.account_ids = {};
  return py::make_tuple(ids, ToNumpy<int64_t>(std::move(a.oneids)));
}

inline py::dict EraseReportToDict(identity::EraseReport&& report) {
  py::list after;
  for (OneId id : report.oneids_after) after.append(id);
  return py::dict(py::arg("oneid_before") = report.oneid_before, py::arg("oneids_after") = after,
                  py::arg("accounts_erased") = report.accounts_erased,
                  py::arg("accounts_affected") = report.accounts_affected);
}

// The merge log as columns; kind, type, value, account_id and cause as str, the rest int64.
inline py::dict MergeLogColumns(std::vector<identity::MergeEvent>&& log) {
  const size_t n = log.size();
  py::list kind(n), type(n), value(n), account_id(n), cause(n);
  std::vector<int64_t> batch(n), survivor(n), absorbed(n);
  for (size_t i = 0; i < n; ++i) {
    const identity::MergeEvent& e = log[i];
    kind[i] = ToStr(identity::LogEventKindName(e.kind));
    batch[i] = static_cast<int64_t>(e.batch);
    survivor[i] = static_cast<int64_t>(e.survivor);
    absorbed[i] = static_cast<int64_t>(e.absorbed);
    type[i] = ToStr(e.type);
    value[i] = ToStr(e.value);
    account_id[i] = ToStr(e.account_id);
    cause[i] = ToStr(e.cause);
  }
  return py::dict(py::arg("kind") = kind, py::arg("batch") = ToNumpy(std::move(batch)),
                  py::arg("survivor") = ToNumpy(std::move(survivor)), py::arg("absorbed") = ToNumpy(std::move(absorbed)),
                  py::arg("type") = type, py::arg("value") = value, py::arg("account_id") = account_id, py::arg("cause") = cause);
}

// Rejected rows and fields as columns: row, field, reason, row_rejected.
inline py::dict ErrorColumns(const identity::BatchReport& report) {
  py::list row, field, reason, rejected;
  for (const identity::RowError& e : report.errors) {
    row.append(e.row);
    field.append(ToStr(e.field));
    reason.append(ToStr(e.reason));
    rejected.append(e.row_rejected);
  }
  return py::dict(py::arg("row") = row, py::arg("field") = field, py::arg("reason") = reason, py::arg("row_rejected") = rejected);
}

// Refused links as columns: batch, account_id, type, value, reason, detail.
inline py::dict RefusedColumns(const identity::BatchReport& report) {
  py::list batch, account_id, type, value, reason, detail;
  for (const identity::RefusedLink& l : report.refused) {
    batch.append(l.batch);
    account_id.append(ToStr(l.account_id));
    type.append(ToStr(l.type));
    value.append(ToStr(l.value));
    reason.append(ToStr(identity::RefusalReasonName(l.reason)));
    detail.append(ToStr(l.detail));
  }
  return py::dict(py::arg("batch") = batch, py::arg("account_id") = account_id, py::arg("type") = type, py::arg("value") = value,
                  py::arg("reason") = reason, py::arg("detail") = detail);
}

// Columns (account_id, source, then the identifier columns in table order) as lists of str, and
// the truth as a uint32 array. Consumes `data`.
inline py::tuple SyntheticToPython(identity::SyntheticData&& data) {
  const identity::AccountTable& table = data.accounts;
  const size_t rows = table.row_count();
  const py::str empty = ToStr("");
  auto column = [&](auto&& cell) {
    py::list out(rows);
    for (size_t i = 0; i < rows; ++i) {
      const std::string_view text = cell(i);
      py::str value = empty;
      if (!text.empty()) value = ToStr(text);
      PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), value.release().ptr());
    }
    return out;
  };
  py::dict columns;
  columns["account_id"] = column([&](size_t i) { return table.account_id(i); });
  {
    // Sources repeat (a handful of channels): share one str per channel.
    py::list out(rows);
    std::vector<std::pair<std::string, py::str>> seen;
    for (size_t i = 0; i < rows; ++i) {
      const std::string_view source = table.source(i);
      py::str* found = nullptr;
      for (auto& [text, obj] : seen) {
        if (text == source) found = &obj;
      }
      if (found == nullptr) found = &seen.emplace_back(std::string(source), ToStr(source)).second;
      PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), py::str(*found).release().ptr());
    }
    columns["source"] = out;
  }
  for (size_t c = 0; c < table.column_count(); ++c) {
    columns[ToStr(table.columns()[c].name)] = column([&](size_t i) { return table.value(i, c); });
  }
  data.accounts = identity::AccountTable();  // free the C++ strings before the next conversion
  py::array truth = ToNumpy(std::move(data.true_person));
  return py::make_tuple(columns, truth);
}

}  // namespace oneid::python

#endif  // ONEID_PYTHON_SRC_CONVERT_H_
