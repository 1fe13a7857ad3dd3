// A test-only probe that proves a binding really releases the GIL while the library works.
//
// Python arms the probe, starts the call in a thread and, once the probe reports "waiting", calls
// release. The call, with the GIL released, waits inside the probe until that release arrives. If
// the binding kept the GIL, the Python thread could not run to release it: the probe gives up after
// its timeout and reports "timed out", so the test fails at once instead of relying on timing or on
// how fast the machine is, and never deadlocks. Disarmed (the default), WaitIfArmed() is one
// relaxed atomic load.
//
//   state: "idle" -> arm() -> "armed" -> call reaches the probe -> "waiting"
//          -> release() -> "released"   (or, with no release before the timeout, "timed out")
#ifndef ONEID_PYTHON_SRC_GIL_PROBE_H_
#define ONEID_PYTHON_SRC_GIL_PROBE_H_

#include <atomic>
#include <chrono>
#include <thread>

namespace oneid::python {

class GilProbe {
 public:
  enum class State : int { kIdle, kArmed, kWaiting, kReleased, kTimedOut };

  static GilProbe& Instance() {
    static GilProbe probe;
    return probe;
  }

  void Arm(std::chrono::milliseconds timeout) {
    timeout_ms_.store(timeout.count(), std::memory_order_relaxed);
    release_.store(false, std::memory_order_relaxed);
    state_.store(State::kArmed, std::memory_order_release);
  }

  void Release() { release_.store(true, std::memory_order_release); }

  // Called by a binding with the GIL released, at the start of the work it proves released.
  void WaitIfArmed() {
    State armed = State::kArmed;
    if (state_.load(std::memory_order_relaxed) != State::kArmed ||
        !state_.compare_exchange_strong(armed, State::kWaiting)) {
      return;
    }
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_.load(std::memory_order_relaxed));
    while (!release_.load(std::memory_order_acquire)) {
      if (std::chrono::steady_clock::now() >= deadline) {
        state_.store(State::kTimedOut, std::memory_order_release);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    state_.store(State::kReleased, std::memory_order_release);
  }

  State state() const { return state_.load(std::memory_order_acquire); }

  void Reset() { state_.store(State::kIdle, std::memory_order_release); }

 private:
  std::atomic<State> state_{State::kIdle};
  std::atomic<bool> release_{false};
  std::atomic<long long> timeout_ms_{0};
};

}  // namespace oneid::python

#endif  // ONEID_PYTHON_SRC_GIL_PROBE_H_
