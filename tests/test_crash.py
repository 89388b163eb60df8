"""The crash test: `auditledger track` killed with SIGKILL at random moments, again and again.
After every kill each ledger file parses and validates, and the problem holds either the
record before the write or the record after it, never half of one.

CI runs a short form; for a longer run:

    AUDITLEDGER_CRASH_RUNS=500 python -m pytest tests/test_crash.py
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from auditledger.loader import load
from tests.conftest import CLI

RUNS = int(os.environ.get("AUDITLEDGER_CRASH_RUNS", "16"))


def tracking_count(cli: CLI) -> int:
    ledger, diagnostics = load(cli.root)
    errors = [d.render() for d in diagnostics if d.is_error]
    assert errors == [], errors
    return len(ledger.problems_by_id["2023-001"].tracking)


def test_killed_writes_leave_old_or_new_never_half(small: CLI) -> None:
    rng = random.Random(int(os.environ.get("AUDITLEDGER_CRASH_SEED", "20261124")))
    command = [sys.executable, "-m", "auditledger", "--ledger", str(small.root), "track", "2023-001"]
    # How long one write takes here, so that the kills spread over the whole of it.
    started = time.monotonic()
    subprocess.run(
        [*command, "--method", "实地察看", "--finding", "calibration", "--date", "2024-08-01"], check=True
    )
    span = time.monotonic() - started
    count = tracking_count(small)
    outcomes = {"old": 0, "new": 0}
    for run in range(RUNS):
        process = subprocess.Popen(
            [*command, "--method", "实地察看", "--finding", f"run {run}", "--date", "2024-08-01"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 1.1) * span)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = tracking_count(small)
        assert after in (count, count + 1), f"run {run}: {count} records became {after}"
        outcomes["new" if after > count else "old"] += 1
        count = after
    print(f"crash test: {RUNS} kills, {outcomes['old']} left the old record, {outcomes['new']} the new")
    assert (
        small(
            "track", "2023-001", "--method", "实地察看", "--finding", "after", "--date", "2024-08-01"
        ).exit_code
        == 0
    )
    assert not list(small.root.rglob(".*.tmp"))  # the next edit swept up what the kills left
