// The private extension module `oneid._core`. The public API is python/oneid/__init__.py; each
// area of the library is bound in its own translation unit (pybind11 FAQ: it cuts build time).
#include <pybind11/pybind11.h>

#include "oneid/version.h"

namespace oneid::python {
void BindIdentity(pybind11::module_& m);
void BindProfile(pybind11::module_& m);
void BindScore(pybind11::module_& m);
void BindChurn(pybind11::module_& m);
void BindSegment(pybind11::module_& m);
}  // namespace oneid::python

PYBIND11_MODULE(_core, m) {
  m.doc() = "oneid's C++ core. Private: use the `oneid` package.";
  m.attr("__version__") = ONEID_VERSION_STRING;
  // In the order data flows: identity -> profile -> score -> segment.
  oneid::python::BindIdentity(m);
  oneid::python::BindProfile(m);
  oneid::python::BindScore(m);
  oneid::python::BindChurn(m);
  oneid::python::BindSegment(m);
}
