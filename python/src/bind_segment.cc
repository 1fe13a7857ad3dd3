// Python bindings of the segment layer. Each def only forwards to the C++ call; conversions live in
// convert.h.
#include <pybind11/pybind11.h>

namespace oneid::python {

void BindSegment(pybind11::module_& m) {}

}  // namespace oneid::python
