// Python bindings of the score layer's customer-base (lifetime value) models. Each def only forwards to the C++ call; conversions live in
// convert.h.
#include <pybind11/pybind11.h>

namespace oneid::python {

void BindScore(pybind11::module_& m) {}

}  // namespace oneid::python
