// The private extension module `oneid._core`. The public API is python/oneid/__init__.py; each
// area of the library is bound in its own translation unit (pybind11 FAQ: it cuts build time).
#include <pybind11/pybind11.h>

#include <chrono>
#include <string>

#include "gil_probe.h"
#include "oneid/version.h"

namespace oneid::python {
void BindIdentity(pybind11::module_& m);
void BindKeys(pybind11::module_& m);
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
  oneid::python::BindKeys(m);
  oneid::python::BindProfile(m);
  oneid::python::BindScore(m);
  oneid::python::BindChurn(m);
  oneid::python::BindSegment(m);

  // Test-only: the probe that proves add_batch runs without the GIL (see gil_probe.h).
  using oneid::python::GilProbe;
  m.def(
      "_gil_probe_arm",
      [](double timeout_seconds) {
        GilProbe::Instance().Arm(std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000)));
      },
      pybind11::arg("timeout_seconds"), "Test-only: arm the GIL probe that add_batch waits in.");
  m.def("_gil_probe_release", [] { GilProbe::Instance().Release(); }, "Test-only: let the waiting call go on.");
  m.def(
      "_gil_probe_state",
      [] {
        switch (GilProbe::Instance().state()) {
          case GilProbe::State::kIdle: return std::string("idle");
          case GilProbe::State::kArmed: return std::string("armed");
          case GilProbe::State::kWaiting: return std::string("waiting");
          case GilProbe::State::kReleased: return std::string("released");
          case GilProbe::State::kTimedOut: return std::string("timed out");
        }
        return std::string("unknown");
      },
      "Test-only: idle, armed, waiting, released or timed out.");
  m.def("_gil_probe_reset", [] { GilProbe::Instance().Reset(); }, "Test-only: disarm the probe.");
}
