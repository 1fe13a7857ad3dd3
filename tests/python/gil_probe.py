"""Proves that a binding call runs without the GIL, exactly and without timing.

The call waits inside oneid's test-only GIL probe (python/src/gil_probe.h) until this thread
releases it. This thread can only do so if the call has released the GIL; if it had not, the probe
gives up after its timeout and reports "timed out", so a regression fails quickly and never hangs.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

from oneid import _core

PROBE_TIMEOUT_S = 30.0


def assert_runs_without_gil(call: Callable[[], Any]) -> Any:
    """Runs `call` in a thread and asserts that it reached the probe with the GIL released."""
    result: dict[str, Any] = {}

    def work() -> None:
        try:
            result["value"] = call()
        except BaseException as e:  # surfaced below
            result["error"] = e

    _core._gil_probe_arm(PROBE_TIMEOUT_S)
    try:
        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        # This loop runs only while the worker does not hold the GIL.
        deadline = time.monotonic() + 2 * PROBE_TIMEOUT_S
        while _core._gil_probe_state() == "armed" and worker.is_alive() and time.monotonic() < deadline:
            time.sleep(0.001)
        reached = _core._gil_probe_state()
        _core._gil_probe_release()
        worker.join(timeout=2 * PROBE_TIMEOUT_S)
        final = _core._gil_probe_state()
    finally:
        _core._gil_probe_reset()
    assert not worker.is_alive(), "the call did not finish after the probe released it"
    assert reached in ("waiting", "timed out"), f"the call never reached the GIL probe (state {reached!r})"
    assert final == "released", f"the call kept the GIL: the probe {final} while this thread waited to release it"
    if "error" in result:
        raise result["error"]
    return result.get("value")
