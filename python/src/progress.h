// The `progress=` argument of the long calls: a Python callable (or None) bridged to a
// oneid::ProgressCallback that the library calls with the GIL released.
//
// The callback takes the GIL for each report (reports are rate-limited, see oneid/progress.h, so
// this is rare), checks for a pending signal (so Ctrl-C stops reporting at once) and calls the
// callable with (stage, done, total). If the callable raises, the exception is kept, later reports
// are skipped, and Rethrow() raises it once the library call has returned: the exception never
// unwinds through C++ code that does not expect it, and the object the call worked on is left as
// that call leaves it (a resolver batch is applied in full; it is not rolled back).
//
//   PyProgress progress(progress_arg);               // with the GIL, before releasing it
//   auto result = [&] { py::gil_scoped_release nogil; return Work(progress.callback()); }();
//   progress.Rethrow();                               // with the GIL again
#ifndef ONEID_PYTHON_SRC_PROGRESS_H_
#define ONEID_PYTHON_SRC_PROGRESS_H_

#include <pybind11/pybind11.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "oneid/progress.h"

namespace oneid::python {

namespace py = pybind11;

class PyProgress {
 public:
  // `arg` is None or a callable; anything else is a TypeError. (The public Python layer turns
  // progress=True into a callable that prints to stderr.)
  explicit PyProgress(py::object arg) {
    if (arg.is_none()) return;
    if (!PyCallable_Check(arg.ptr())) {
      throw py::type_error("progress must be None, a bool or a callable taking (stage, done, total)");
    }
    state_ = std::make_shared<State>();
    state_->fn = std::move(arg);
  }

  ProgressCallback callback() const {
    if (!state_) return {};
    return [state = state_](std::string_view stage, uint64_t done, uint64_t total) {
      if (state->failed.load(std::memory_order_relaxed)) return;
      py::gil_scoped_acquire gil;
      try {
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        state->fn(py::str(stage.data(), stage.size()), done, total);
      } catch (py::error_already_set& e) {
        state->error.emplace(std::move(e));
        state->failed.store(true, std::memory_order_relaxed);
      }
    };
  }

  // Raises what the callable raised, if it did. Call with the GIL held.
  void Rethrow() {
    if (!state_ || !state_->error.has_value()) return;
    py::error_already_set e = std::move(*state_->error);
    state_->error.reset();
    throw e;
  }

 private:
  struct State {
    py::object fn;
    std::optional<py::error_already_set> error;
    std::atomic<bool> failed{false};
  };
  std::shared_ptr<State> state_;
};

}  // namespace oneid::python

#endif  // ONEID_PYTHON_SRC_PROGRESS_H_
