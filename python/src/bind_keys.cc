// Binding of identity::ValueKeyer: a column of raw cells -> the resolver's value keys, returned as
// Arrow-ready buffers (int64 offsets, UTF-8 bytes, validity) so that the Spark route builds a
// pyarrow large_string array without a Python object per cell.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "convert.h"
#include "oneid/identity/value_keyer.h"

namespace oneid::python {
namespace {

using namespace pybind11::literals;  // NOLINT(google-build-using-namespace): "name"_a

py::dict KeysOf(const identity::ValueKeyer& keyer, const std::string& type_name, const py::handle& values) {
  const size_t type = ValueOrThrow(keyer.TypeIndex(type_name));
  PinnedColumns pinned;
  const std::vector<std::string_view> cells = pinned.Views(values, "values");
  std::vector<int64_t> offsets(cells.size() + 1, 0);
  std::vector<uint8_t> valid(cells.size(), 0), blocklisted(cells.size(), 0);
  std::string data;
  {
    py::gil_scoped_release nogil;  // `pinned` keeps every cell alive
    for (size_t i = 0; i < cells.size(); ++i) {
      // A cell the normaliser rejects has no key, as it has no value in the resolver (which
      // reports it as a field error).
      absl::StatusOr<std::optional<identity::ValueKeyOf>> key = keyer.Key(type, cells[i]);
      if (key.ok() && key->has_value()) {
        data.append((*key)->text);
        valid[i] = 1;
        blocklisted[i] = (*key)->blocklisted ? 1 : 0;
      }
      offsets[i + 1] = static_cast<int64_t>(data.size());
    }
  }
  py::array_t<uint8_t> bytes(static_cast<py::ssize_t>(data.size()));
  std::copy(data.begin(), data.end(), bytes.mutable_data());
  py::dict out;
  out["offsets"] = ToNumpy<int64_t>(std::move(offsets));
  out["data"] = bytes;
  out["valid"] = ToNumpy<uint8_t>(std::move(valid)).attr("astype")("bool");
  out["blocklisted"] = ToNumpy<uint8_t>(std::move(blocklisted)).attr("astype")("bool");
  return out;
}

}  // namespace

void BindKeys(py::module_& m) {
  py::class_<identity::ValueKeyer>(m, "ValueKeyer",
                                   "The resolver's value keys (normalised text, or sha256:<hex> when hashing).")
      .def(py::init([](const std::optional<std::vector<IdentifierType>>& types, std::string default_region,
                       bool hash_values, const py::object& salt) {
             return ValueOrThrow(
                 identity::ValueKeyer::Create(MakeConfig(types, std::move(default_region), hash_values, salt)));
           }),
           "types"_a = py::none(), "default_region"_a = "CN", "hash_values"_a = false, "salt"_a = py::none())
      .def("keys", &KeysOf, "type"_a, "values"_a,
           "Keys of a column of cells: dict of offsets (int64), data (uint8), valid and blocklisted (bool).");
}

}  // namespace oneid::python
