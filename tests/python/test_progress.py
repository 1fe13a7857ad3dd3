"""The progress= argument of the long calls: a callable sees each stage from 0 to its total,
progress=True writes an in-place line to stderr, a raising callable's exception comes out of the
call (after the C++ work, with the GIL handled), and reporting never changes a result."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

import oneid
from gil_probe import assert_runs_without_gil


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []
        self.threads: set[int] = set()

    def __call__(self, stage: str, done: int, total: int) -> None:
        assert isinstance(stage, str) and isinstance(done, int) and isinstance(total, int)
        self.threads.add(threading.get_ident())
        self.calls.append((stage, done, total))

    def stages(self) -> list[str]:
        out: list[str] = []
        for stage, _, _ in self.calls:
            if not out or out[-1] != stage:
                out.append(stage)
        return out

    def check(self, stage: str, total: int | None = None) -> int:
        """The contract of one stage: starts at 0, monotone, ends once at done == total."""
        calls = [(d, t) for s, d, t in self.calls if s == stage]
        assert len(calls) >= 2, (stage, calls)
        assert calls[0][0] == 0
        dones = [d for d, _ in calls]
        assert dones == sorted(dones), (stage, dones)
        assert calls[-1][0] == calls[-1][1]
        if total is not None:
            assert calls[-1][1] == total
        return calls[-1][1]


class Boom(Exception):
    pass


def _raise_at_start(stage: str, done: int, total: int) -> None:
    raise Boom(f"stop at {stage} {done}")


@pytest.fixture(scope="module")
def accounts() -> pd.DataFrame:
    df, _ = oneid.generate_accounts(people=3000, seed=3)
    return df


def test_add_batch_reports_each_stage_and_resolves_the_same(accounts: pd.DataFrame) -> None:
    quiet = oneid.Resolver()
    quiet.add_batch(accounts)
    r = Recorder()
    loud = oneid.Resolver()
    report = loud.add_batch(accounts, progress=r)
    assert r.stages() == ["resolve: accounts", "resolve: links"]
    r.check("resolve: accounts", len(accounts))
    assert r.check("resolve: links") > report.rows_accepted
    assert r.threads == {threading.get_ident()}  # called on the caller's thread
    pd.testing.assert_frame_equal(quiet.assignments(), loud.assignments())


def test_progress_true_writes_an_in_place_line_to_stderr(accounts: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    oneid.Resolver().add_batch(accounts, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "\rresolve: accounts:" in captured.err
    assert f"100.0% {len(accounts)}/{len(accounts)}" in captured.err
    assert captured.err.endswith("\n")
    # One finished line per stage.
    assert captured.err.count("\n") == 2
    oneid.Resolver().add_batch(accounts, progress=False)
    assert capsys.readouterr().err == ""


def test_a_raising_callable_propagates_after_the_batch(accounts: pd.DataFrame) -> None:
    r = oneid.Resolver()
    with pytest.raises(Boom, match="stop at resolve: accounts 0"):
        r.add_batch(accounts, progress=_raise_at_start)
    # The batch itself ran to the end (it is not rolled back) and the resolver is usable.
    assert r.stats()["accounts"] == len(accounts)
    assert r.oneid_of(accounts["account_id"].iloc[0]) > 0

    calls: list[int] = []

    def fail_later(stage: str, done: int, total: int) -> None:
        calls.append(done)
        if stage == "resolve: links":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        oneid.Resolver().add_batch(accounts, progress=fail_later)
    # Reports stop at the first exception: no call after it.
    assert calls[-1] == 0


def test_bad_progress_argument_is_a_type_error(accounts: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match="progress"):
        oneid.Resolver().add_batch(accounts, progress="yes")
    with pytest.raises(TypeError, match="progress"):
        oneid._core.Resolver().add_batch([], None, [], [], 42)


def test_generators_report_and_generate_the_same() -> None:
    r = Recorder()
    a, truth_a = oneid.generate_accounts(people=2000, seed=5, progress=r)
    b, truth_b = oneid.generate_accounts(people=2000, seed=5)
    pd.testing.assert_frame_equal(a, b)
    np.testing.assert_array_equal(truth_a, truth_b)
    r.check("generate: people", 2000)
    r.check("generate: accounts", len(a))

    e = Recorder()
    loud = oneid.generate_events(people=1500, seed=2, progress=e)
    quiet = oneid.generate_events(people=1500, seed=2)
    assert e.stages() == ["generate: people", "generate: accounts", "generate: events"]
    e.check("generate: events", 1500)
    pd.testing.assert_frame_equal(loud["orders"], quiet["orders"])

    with pytest.raises(Boom):
        oneid.generate_events(people=100, seed=2, progress=_raise_at_start)


def test_build_profiles_reports_each_table_and_the_build() -> None:
    data = oneid.generate_events(people=1500, seed=4)
    mapping = pd.DataFrame({"account_id": data["accounts"]["account_id"], "oneid": data["truth"].astype(np.int64) + 1})
    quiet = oneid.build_profiles(data, mapping, as_of="2024-12-31")
    r = Recorder()
    loud = oneid.build_profiles(data, mapping, as_of="2024-12-31", progress=r)
    assert r.stages() == ["profile: orders", "profile: behaviour", "profile: build"]
    r.check("profile: orders", len(data["orders"]))
    r.check("profile: behaviour", len(data["behaviour"]))
    r.check("profile: build", len(loud))
    pd.testing.assert_frame_equal(quiet, loud)
    with pytest.raises(Boom):
        oneid.build_profiles(data, mapping, as_of="2024-12-31", progress=_raise_at_start)


def _bg_nbd_sample(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Customers drawn from BG/NBD (r 0.5, alpha 5, a 0.8, b 2.5) and their mean spend drawn from
    Gamma-Gamma (p 6, q 4, v 15), so that both models are identified and their fits converge."""
    rng = np.random.default_rng(seed)
    x, t_x, T, m = (np.zeros(n) for _ in range(4))
    for i in range(n):
        lam, p = rng.gamma(0.5, 1 / 5.0), rng.beta(0.8, 2.5)
        age = rng.uniform(20, 60)
        t = last = 0.0
        count = 0
        while True:
            t += rng.exponential(1 / lam)
            if t > age:
                break
            count, last = count + 1, t
            if rng.uniform() < p:
                break
        nu = rng.gamma(4.0, 1 / 15.0)
        x[i], t_x[i], T[i] = count, last, age
        m[i] = rng.gamma(6.0 * count, 1 / nu) / count if count else 0.0
    return x, t_x, T, m


def test_model_fits_report_likelihood_evaluations() -> None:
    x, t_x, T, m = _bg_nbd_sample(3000, 1)
    r = Recorder()
    loud = oneid.BetaGeo().fit(x, t_x, T, progress=r)
    quiet = oneid.BetaGeo().fit(x, t_x, T)
    assert r.stages() == ["fit"]
    assert r.check("fit") >= loud.fit_report_["iterations"]
    assert loud.params_ == quiet.params_
    with pytest.raises(Boom):
        oneid.BetaGeo().fit(x, t_x, T, progress=_raise_at_start)

    repeat = x > 0
    g = Recorder()
    oneid.GammaGamma().fit(x[repeat], m[repeat], progress=g)
    assert g.stages() == ["fit"] and g.check("fit") > 0


def test_a_reporting_call_releases_the_gil_between_reports(accounts: pd.DataFrame) -> None:
    # A call with a progress callable runs without the GIL (proved by the probe, which only this
    # thread can release), takes it only to report, and neither side deadlocks.
    recorder = Recorder()
    r = oneid.Resolver()
    assert_runs_without_gil(lambda: r.add_batch(accounts, progress=recorder))
    assert recorder.stages() == ["resolve: accounts", "resolve: links"], "progress was still reported"
    assert r.stats()["accounts"] == len(accounts)
