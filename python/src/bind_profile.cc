// Python bindings of the profile layer. Each def only forwards to the C++ call; conversions live in
// convert.h.
#include <pybind11/pybind11.h>

namespace oneid::python {

void BindProfile(pybind11::module_& m) {}

}  // namespace oneid::python
