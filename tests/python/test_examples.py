"""The analyst example runs end to end on the installed package and draws its figures."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "analyst", "analyst_workflow.py")


@pytest.mark.skipif(not os.path.exists(EXAMPLE), reason="run from a source checkout")
def test_analyst_workflow_goes_from_raw_csvs_to_segments_and_figures(tmp_path):
    out = tmp_path / "analyst"
    run = subprocess.run([sys.executable, EXAMPLE, "--people", "3000", "--out", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    for line in ("-> OneIDs", "profiles", "BG/NBD", "churn: trained on", "model check: BG/NBD RMSE", "lifecycle:"):
        assert line in run.stdout, run.stdout
    auc = float(run.stdout.split("AUC ")[1].split(",")[0])
    assert auc > 0.6, run.stdout
    for figure in ("tracking.png", "rfm_heatmap.png", "segments.png", "clv.png"):
        path = out / figure
        assert path.exists() and path.stat().st_size > 10_000, figure
    assert (out / "segments.csv").stat().st_size > 0
    assert (out / "model_calibration.csv").stat().st_size > 0
