"""Bad alumina-chain events: one clear line and exit 2 from ``alusim run``, nothing written."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("event, expect", [
    ("{type: supply_disruption, origin: XX, share: 0.5, duration_months: 3, start: 2025-09}",
     "unknown bauxite origin 'XX'"),
    ("{type: supply_disruption, origin: GN, share: 1.5, duration_months: 3, start: 2025-09}", "share"),
    ("{type: supply_disruption, origin: GN, share: -0.1, start: 2025-09}", "share"),
    ("{type: export_ban, country: ID, product: copper, start: 2025-09}", "product"),
    ("{type: export_ban, country: XX, product: bauxite, start: 2025-09}", "unknown bauxite origin"),
    ("{type: supply_disruption, target: {province: Atlantis}, share: 0.2, start: 2025-09}", "selects no refinery"),
])
def test_bad_alumina_events_exit_2_with_one_line_and_write_nothing(tmp_path, event, expect):
    store = tmp_path / "store"
    out = tmp_path / "out"
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(f"name: x\nstart: 2025-01\nend: 2025-12\nevents:\n  - {event}\n")
    proc = subprocess.run([sys.executable, "-m", "alusim", "run", str(scenario), "--out", str(out), "--paths", "4"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**__import__("os").environ, "ALUSIM_STORE": str(store)})
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and expect in lines[0], proc.stderr
    assert not out.exists()
    assert not (store / "runs").exists() or not any((store / "runs").iterdir())
