// pandas DataFrame columns <-> profile::FeatureTable, for the segment bindings. The Python layer
// (oneid/segment.py) decides each column's kind from its dtype and hands over a list of
// (name, kind, values):
//   "numeric"   a one-dimensional float64 NumPy array (NaN = undefined)
//   "text"      a sequence of str (None and NaN already replaced by "")
//   "text_set"  a sequence of sequences of str
// Rows get the OneIDs 1..n (positional): results are aligned with the frame by position. Private to
// the extension.
#ifndef ONEID_PYTHON_SRC_CONVERT_TABLE_H_
#define ONEID_PYTHON_SRC_CONVERT_TABLE_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <deque>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "convert.h"
#include "oneid/profile/feature_table.h"
#include "oneid/segment/column_set.h"

namespace oneid::python {

inline std::string CellText(py::handle cell, const std::string& column) {
  if (!py::isinstance<py::str>(cell)) {
    throw py::type_error("column '" + column + "': expected str cells, got " +
                         std::string(py::str(py::type::handle_of(cell).attr("__name__"))));
  }
  return cell.cast<std::string>();
}

// A numeric column's values as a C-contiguous 1-D float64 array (converted if need be).
inline py::array_t<double, py::array::c_style | py::array::forcecast> NumericColumnArray(py::handle values,
                                                                                         const std::string& name) {
  auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(values);
  if (!array || array.ndim() != 1) throw py::value_error("column '" + name + "': expected a 1-D float64 array");
  return array;
}

// Builds the table; must run with the GIL held.
inline profile::FeatureTable TableFromColumns(size_t rows, const py::list& columns) {
  std::vector<OneId> ids(rows);
  std::iota(ids.begin(), ids.end(), OneId{1});
  profile::FeatureTable table(std::move(ids));
  for (py::handle item : columns) {
    auto spec = item.cast<py::tuple>();
    if (spec.size() != 3) throw py::value_error("a column is (name, kind, values)");
    const std::string name = spec[0].cast<std::string>();
    const std::string kind = spec[1].cast<std::string>();
    py::handle values = spec[2];
    if (kind == "numeric") {
      const auto array = NumericColumnArray(values, name);
      const double* data = array.data();
      ThrowIfError(table.SetNumeric(name, std::vector<double>(data, data + array.shape(0))));
    } else if (kind == "text") {
      std::vector<std::string> texts;
      texts.reserve(rows);
      for (py::handle cell : values) texts.push_back(CellText(cell, name));
      ThrowIfError(table.SetText(name, std::move(texts)));
    } else if (kind == "text_set") {
      profile::TextSetColumn set;
      set.offsets.reserve(rows + 1);
      for (py::handle row : values) {
        for (py::handle cell : row) set.values.push_back(CellText(cell, name));
        set.offsets.push_back(set.values.size());
      }
      ThrowIfError(table.SetTextSet(name, std::move(set)));
    } else {
      throw py::value_error("column '" + name + "': unknown kind '" + kind + "'");
    }
  }
  return table;
}

// Column views for an audience, without building a FeatureTable: numeric columns are read in
// place from their (C-contiguous float64) arrays; text and text sets are copied into storage this
// object owns. Build with the GIL held; the views stay valid while this object lives.
class ColumnViews {
 public:
  ColumnViews(size_t rows, const py::list& columns) : set_(rows) {
    for (py::handle item : columns) {
      auto spec = item.cast<py::tuple>();
      if (spec.size() != 3) throw py::value_error("a column is (name, kind, values)");
      const std::string name = spec[0].cast<std::string>();
      const std::string kind = spec[1].cast<std::string>();
      py::handle values = spec[2];
      if (kind == "numeric") {
        auto array = NumericColumnArray(values, name);
        arrays_.push_back(array);
        ThrowIfError(set_.AddNumeric(name, absl::MakeConstSpan(array.data(), static_cast<size_t>(array.shape(0)))));
      } else if (kind == "text") {
        std::vector<std::string>& texts = texts_.emplace_back();
        for (py::handle cell : values) texts.push_back(CellText(cell, name));
        ThrowIfError(set_.AddText(name, absl::MakeConstSpan(texts)));
      } else if (kind == "text_set") {
        profile::TextSetColumn& set = sets_.emplace_back();
        for (py::handle row : values) {
          for (py::handle cell : row) set.values.push_back(CellText(cell, name));
          set.offsets.push_back(set.values.size());
        }
        ThrowIfError(set_.AddTextSet(name, &set));
      } else {
        throw py::value_error("column '" + name + "': unknown kind '" + kind + "'");
      }
    }
  }
  const segment::ColumnSet& set() const { return set_; }

 private:
  segment::ColumnSet set_;
  std::vector<py::array_t<double>> arrays_;          // keep the viewed arrays alive
  std::deque<std::vector<std::string>> texts_;       // deques: stable addresses
  std::deque<profile::TextSetColumn> sets_;
};

// The named columns of `table` as {name: float64 array | list of str | list of list of str}.
inline py::dict ColumnsToPython(const profile::FeatureTable& table, const std::vector<std::string>& names) {
  py::dict out;
  for (const std::string& name : names) {
    const profile::ColumnKind kind = ValueOrThrow(table.KindOf(name));
    if (kind == profile::ColumnKind::kNumeric) {
      absl::Span<const double> v = ValueOrThrow(table.Numeric(name));
      out[ToStr(name)] = ToNumpy(std::vector<double>(v.begin(), v.end()));
    } else if (kind == profile::ColumnKind::kText) {
      out[ToStr(name)] = ToStrList(ValueOrThrow(table.Text(name)));
    } else {
      const profile::TextSetColumn* set = ValueOrThrow(table.TextSet(name));
      py::list rows;
      for (size_t i = 0; i < set->rows(); ++i) rows.append(ToStrList(set->Row(i)));
      out[ToStr(name)] = rows;
    }
  }
  return out;
}

}  // namespace oneid::python

#endif  // ONEID_PYTHON_SRC_CONVERT_TABLE_H_
