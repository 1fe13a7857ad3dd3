// Zero-copy string columns through the Arrow C Data Interface.
//
// A pandas Series with an Arrow-backed string dtype (pandas' default `str` dtype when pyarrow is
// installed, or `string[pyarrow]`, or `pd.ArrowDtype(pa.string())`), a pyarrow Array or
// ChunkedArray, or any other object exporting `__arrow_c_stream__` / `__arrow_c_array__`, is read
// as Arrow arrays: every cell becomes a std::string_view into the Arrow data buffer, without a
// Python object per cell. The imported arrays are owned (and released) by ArrowColumns.
//
// The ABI structs below are copied from the Arrow C Data Interface specification
// (https://arrow.apache.org/docs/format/CDataInterface.html), which is designed to be copied:
// Debian 12 packages no Arrow C++.
#ifndef ONEID_PYTHON_ARROW_COLUMNS_H_
#define ONEID_PYTHON_ARROW_COLUMNS_H_

#include <pybind11/pybind11.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE
struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};
struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};
#endif  // ARROW_C_DATA_INTERFACE
#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE
struct ArrowArrayStream {
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);
  void (*release)(struct ArrowArrayStream*);
  void* private_data;
};
#endif  // ARROW_C_STREAM_INTERFACE
}

namespace oneid::python {

namespace py = pybind11;

class ArrowColumns {
 public:
  ArrowColumns() = default;
  ArrowColumns(const ArrowColumns&) = delete;
  ArrowColumns& operator=(const ArrowColumns&) = delete;
  ~ArrowColumns() {
    for (auto& array : arrays_) {
      if (array->release != nullptr) array->release(array.get());
    }
  }

  // Views of every cell of `column` if it is an Arrow-backed string column (nulls become ""),
  // or nullopt: the caller then reads it as Python objects. Throws only for a broken producer.
  std::optional<std::vector<std::string_view>> TryViews(py::handle column) {
    if (!IsArrowStringColumn(column)) return std::nullopt;
    if (py::hasattr(column, "__arrow_c_stream__")) return StreamViews(column);
    return ArrayViews(column);
  }

 private:
  // Arrow-backed: a pandas Series only when its dtype is Arrow storage (otherwise pandas would
  // convert object cells through pyarrow, with other rules for floats and surrogates); any
  // other exporter (pyarrow, polars...) as it is. The format is checked per array below.
  static bool IsArrowStringColumn(py::handle column) {
    const bool stream = py::hasattr(column, "__arrow_c_stream__");
    if (!stream && !py::hasattr(column, "__arrow_c_array__")) return false;
    const std::string module = py::str(py::type::of(column).attr("__module__"));
    if (module.rfind("pandas", 0) != 0) return true;
    if (!py::hasattr(column, "dtype")) return false;
    py::object dtype = column.attr("dtype");
    const std::string dtype_type = py::str(py::type::of(dtype).attr("__name__"));
    if (dtype_type == "StringDtype") {
      return py::hasattr(dtype, "storage") && py::str(dtype.attr("storage")).cast<std::string>() == "pyarrow";
    }
    if (dtype_type == "ArrowDtype") {
      const std::string arrow_type = py::str(dtype.attr("pyarrow_dtype"));
      return arrow_type == "string" || arrow_type == "large_string";
    }
    return false;
  }

  static bool StringFormat(const ArrowSchema& schema, bool& large) {
    if (schema.dictionary != nullptr || schema.format == nullptr) return false;
    if (std::strcmp(schema.format, "u") == 0) {
      large = false;
      return true;
    }
    if (std::strcmp(schema.format, "U") == 0) {
      large = true;
      return true;
    }
    return false;
  }

  template <typename T>
  static T* CapsulePointer(py::handle capsule, const char* name) {
    void* p = PyCapsule_GetPointer(capsule.ptr(), name);
    if (p == nullptr) throw py::error_already_set();
    return static_cast<T*>(p);
  }

  // Appends views of `array`'s cells; takes ownership of `array` (moved out of the caller's struct).
  void Append(ArrowArray& source, bool large, std::vector<std::string_view>& views) {
    auto array = std::make_unique<ArrowArray>(source);
    source.release = nullptr;  // moved: the producer's struct no longer owns it
    const ArrowArray& a = *array;
    arrays_.push_back(std::move(array));
    if (a.n_buffers < 3) throw py::value_error("Arrow string array with fewer than 3 buffers");
    const auto* validity = static_cast<const uint8_t*>(a.buffers[0]);
    const char* data = static_cast<const char*>(a.buffers[2]);
    const size_t n = static_cast<size_t>(a.length);
    views.reserve(views.size() + n);
    for (size_t i = 0; i < n; ++i) {
      const size_t k = static_cast<size_t>(a.offset) + i;
      if (a.null_count != 0 && validity != nullptr && !(validity[k / 8] & (1u << (k % 8)))) {
        views.emplace_back();
        continue;
      }
      int64_t begin, end;
      if (large) {
        const auto* offsets = static_cast<const int64_t*>(a.buffers[1]);
        begin = offsets[k];
        end = offsets[k + 1];
      } else {
        const auto* offsets = static_cast<const int32_t*>(a.buffers[1]);
        begin = offsets[k];
        end = offsets[k + 1];
      }
      views.emplace_back(end > begin ? data + begin : "", static_cast<size_t>(end - begin));
    }
  }

  std::optional<std::vector<std::string_view>> StreamViews(py::handle column) {
    py::object capsule = column.attr("__arrow_c_stream__")();
    auto* exported = CapsulePointer<ArrowArrayStream>(capsule, "arrow_array_stream");
    ArrowArrayStream stream = *exported;
    exported->release = nullptr;  // moved out, per the PyCapsule protocol
    struct StreamGuard {
      ArrowArrayStream* s;
      ~StreamGuard() {
        if (s->release != nullptr) s->release(s);
      }
    } guard{&stream};
    ArrowSchema schema{};
    if (stream.get_schema(&stream, &schema) != 0) throw py::value_error("Arrow stream: get_schema failed");
    bool large = false;
    const bool strings = StringFormat(schema, large);
    if (schema.release != nullptr) schema.release(&schema);
    if (!strings) return std::nullopt;
    std::vector<std::string_view> views;
    while (true) {
      ArrowArray chunk{};
      if (stream.get_next(&stream, &chunk) != 0) {
        const char* why = stream.get_last_error != nullptr ? stream.get_last_error(&stream) : nullptr;
        throw py::value_error(std::string("Arrow stream: get_next failed: ") + (why ? why : "?"));
      }
      if (chunk.release == nullptr) break;  // end of stream
      Append(chunk, large, views);
    }
    return views;
  }

  std::optional<std::vector<std::string_view>> ArrayViews(py::handle column) {
    py::tuple capsules = column.attr("__arrow_c_array__")();
    auto* schema = CapsulePointer<ArrowSchema>(capsules[0], "arrow_schema");
    auto* exported = CapsulePointer<ArrowArray>(capsules[1], "arrow_array");
    bool large = false;
    if (!StringFormat(*schema, large)) return std::nullopt;
    std::vector<std::string_view> views;
    Append(*exported, large, views);  // moves the array out of the capsule
    return views;
  }

  std::vector<std::unique_ptr<ArrowArray>> arrays_;
};

}  // namespace oneid::python

#endif  // ONEID_PYTHON_ARROW_COLUMNS_H_
