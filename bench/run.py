"""The benchmark: whole `auditledger` processes on synthetic ledgers of 1,000, 10,000 and 50,000
problems (200 units, 5 years), cold (no read cache) and warm, each figure the median of several
runs, with the peak memory of each; the peers (taskwarrior, hledger, beancount) on data of the
same size when they are installed. Prints a table and writes bench/results.json.

    python bench/run.py                  # 1,000 / 10,000 / 50,000
    python bench/run.py --sizes 1000,10000 --runs 3

Not a test: nothing here asserts a time. The targets are printed beside what was measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
AS_OF = "2026-11-24"
UPDATED = "2023-00007"
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
"""The problem the benchmark's `update` edits."""
TOOL = [sys.executable, "-m", "auditledger"]
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""As installed for users: Python keeps the compiled modules (some sandboxes turn that off,
which adds 0.1 s of compiling to every run)."""


@dataclass
class Figure:
    what: str
    size: int
    mode: str
    seconds: float
    rss_mb: float
    target: str = ""


def timed(command: list[str], runs: int, before: list[str] | None = None, env: dict[str, str] | None = None,
          setup: object = None) -> tuple[float, float]:
    """Median seconds and peak RSS (MB) of `command` over `runs` whole-process runs."""
    seconds, peaks = [], []
    for _ in range(runs):
        if callable(setup):
            setup()
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
            # A forked child's peak RSS starts at this (large) process's: GNU time, small,
            # starts the command and reports its own peak (KB) instead, when it is installed.
            wrapper = [GNU_TIME, "-f", "%M", "-o", rss.name] if GNU_TIME else []
            started = time.perf_counter()
            process = subprocess.Popen([*wrapper, *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       env={**ENVIRONMENT, **(env or {})})
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - started
            code = os.waitstatus_to_exitcode(status)
            reported = rss.read().split()  # the peak last, after any "Command exited with ..."
        if code not in (0, 1):
            message = process.stderr.read().decode() if process.stderr else ""
            raise SystemExit(f"failed: {' '.join(command)}\n{message}")
        seconds.append(elapsed)
        peaks.append(int(reported[-1]) / 1024 if GNU_TIME and reported else usage.ru_maxrss / 1024)
    return statistics.median(seconds), max(peaks)


def ledger(size: int) -> Path:
    root = DATA / f"ledger-{size}"
    if not (root / "auditledger.yaml").exists():
        sys.path.insert(0, str(HERE))
        from generate import generate

        print(f"generating {size} problems in {root} ...", flush=True)
        generate(size, root)
        subprocess.run([*TOOL, "--ledger", str(root), "check"], check=True, stdout=subprocess.DEVNULL)
    return root


def spreadsheet(size: int) -> tuple[Path, Path]:
    """A 10,000-row 问题清单 and an empty ledger with the same units to import it into."""
    import openpyxl

    source = ledger(size)
    book_path = DATA / f"import-{size}.xlsx"
    if not book_path.exists():
        rng = random.Random(7)
        units = [line.split("name: ")[1] for line in (source / "units.yaml").read_text(encoding="utf-8").splitlines()
                 if "name: " in line]
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["序号", "问题标题", "具体问题表述", "问题类别", "涉及金额（万元）", "责任单位", "整改类型", "整改期限"])
        for n in range(1, size + 1):
            sheet.append([n, f"专项资金分配下达不及时{n}", "经审计，部分项目资金滞留，影响使用效益。", "财政管理",
                          rng.randrange(100, 10**6) / 100, rng.choice(units), rng.choice(["立行立改", "分阶段整改"]),
                          date(2027, 6, 30) - timedelta(days=rng.randrange(300))])
        book.save(book_path)
    return book_path, source


def fresh_import_target(source: Path) -> Path:
    target = DATA / "import-target"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in ("auditledger.yaml", "units.yaml"):
        shutil.copy(source / name, target / name)
    return target


def drop_cache(root: Path) -> None:
    shutil.rmtree(root / ".auditledger", ignore_errors=True)


TARGETS_10K = {
    "--help": "≤ 0.15 s",
    "check": "warm ≤ hledger check; cold ≤ 3 s",
    "list --format json": "warm ≤ hledger check",
    "overdue": "warm ≤ task overdue, ≤ 0.4 s",
    "report --format md": "warm ≤ 1 s",
    "report --format html": "warm ≤ 1 s",
    "update": "≤ 0.4 s",
    "import 10,000 rows": "≤ 20 s",
}


def measure(size: int, runs: int) -> list[Figure]:
    root = ledger(size)
    base = [*TOOL, "--ledger", str(root)]
    commands = {
        "check": [*base, "check"],
        "list --format json": [*base, "list", "--format", "json"],
        "overdue": [*base, "overdue", "--as-of", AS_OF],
        "report --format md": [*base, "report", "--year", "2023", "--as-of", AS_OF],
        "report --format html": [*base, "report", "--year", "2023", "--as-of", AS_OF, "--format", "html"],
    }
    figures = []
    for what, command in commands.items():
        target = TARGETS_10K.get(what, "") if size == 10_000 else ""
        if size == 50_000 and what == "overdue":
            target = "warm ≤ 1.5 s, ≤ 500 MB"
        cold = timed(command, runs, setup=lambda: drop_cache(root))
        subprocess.run(command, stdout=subprocess.DEVNULL, check=False)  # warm the cache
        warm = timed(command, runs)
        figures += [Figure(what, size, "cold", *cold, target), Figure(what, size, "warm", *warm, target)]
        print(f"{size:>6} {what:<22} cold {cold[0]:6.2f} s  warm {warm[0]:6.2f} s  {warm[1]:5.0f} MB", flush=True)
    counter = iter(range(10**6))

    def update() -> list[str]:
        return [*base, "update", UPDATED, "--next-steps", f"第{next(counter)}次更新", "--date", AS_OF]

    # Each run edits the problem's file as it was: its text and modification time are put back
    # after each, so that runs do not pile history entries into it.
    edited = next(p for p in sorted((root / "2023").glob("*.yaml")) if f"id: {UPDATED}\n" in p.read_text("utf-8"))
    original, stat = edited.read_bytes(), edited.stat()
    seconds, peaks = [], []
    for _ in range(runs):
        try:
            s, m = timed(update(), 1)
        finally:
            edited.write_bytes(original)
            os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        seconds.append(s)
        peaks.append(m)
    figures.append(Figure("update", size, "warm", statistics.median(seconds), max(peaks),
                          TARGETS_10K["update"] if size == 10_000 else ""))
    print(f"{size:>6} {'update':<22} warm {figures[-1].seconds:6.2f} s", flush=True)
    return figures


def measure_import(size: int) -> Figure:
    book, source = spreadsheet(size)
    target = fresh_import_target(source)
    command = [*TOOL, "--ledger", str(target), "import", str(book), "--year", "2026", "--date", AS_OF]
    seconds, rss = timed(command, 1)
    print(f"{size:>6} {'import':<22}      {seconds:6.2f} s  {rss:5.0f} MB", flush=True)
    return Figure(f"import {size:,} rows", size, "cold", seconds, rss, TARGETS_10K["import 10,000 rows"])


# --- peers -------------------------------------------------------------------------------


def task_command(size: int) -> list[str] | None:
    """`task overdue` on `size` generated tasks (made the first time), if taskwarrior is installed."""
    if not shutil.which("task"):
        return None
    folder = DATA / f"task-{size}"
    rc = folder / "taskrc"
    if not (folder / "pending.data").exists():
        folder.mkdir(parents=True, exist_ok=True)
        rc.write_text(f"data.location={folder}\nverbose=nothing\nconfirmation=no\n", encoding="utf-8")
        rng = random.Random(3)
        tasks = [{"description": f"专项资金分配下达不及时 {n}", "status": "pending", "entry": "20240101T000000Z",
                  "due": (date(2022, 1, 1) + timedelta(days=rng.randrange(1800))).strftime("%Y%m%dT000000Z"),
                  "uuid": f"00000000-0000-4000-8000-{n:012d}", "project": f"u{n % 200:03d}"} for n in range(size)]
        source = folder / "tasks.json"
        source.write_text("\n".join(json.dumps(t) for t in tasks), encoding="utf-8")
        subprocess.run(["task", f"rc:{rc}", "import", str(source)], check=True, capture_output=True)
    return ["task", f"rc:{rc}", "rc.gc=off", "overdue"]


def peer_taskwarrior(size: int, runs: int) -> Figure | None:
    command = task_command(size)
    if command is None:
        return None
    seconds, rss = timed(command, 5)
    return Figure("peer: task overdue", size, "warm", seconds, rss)


def hledger_command(size: int) -> list[str] | None:
    """`hledger check` on a journal of `size` generated transactions, if hledger is installed."""
    if not shutil.which("hledger"):
        return None
    journal = DATA / f"hledger-{size}.journal"
    if not journal.exists():
        rng = random.Random(5)
        lines = []
        for n in range(size):
            day = date(2021, 1, 1) + timedelta(days=n * 1800 // size)
            lines += [f"{day.isoformat()} 专项资金 {n}", f"    expenses:u{rng.randrange(200):03d}  {rng.randrange(1, 10**6) / 100:.2f} CNY",
                      "    assets:bank", ""]
        journal.write_text("\n".join(lines), encoding="utf-8")
    return ["hledger", "-f", str(journal), "check"]


def peer_hledger(size: int, runs: int) -> Figure | None:
    command = hledger_command(size)
    if command is None:
        return None
    seconds, rss = timed(command, 5)
    return Figure("peer: hledger check", size, "warm", seconds, rss)


def peer_beancount(size: int, runs: int) -> Figure | None:
    if not shutil.which("bean-check"):
        return None
    path = DATA / f"beancount-{size}.beancount"
    if not path.exists():
        rng = random.Random(6)
        lines = ["2020-01-01 open Assets:Bank CNY", *(f"2020-01-01 open Expenses:U{u:03d} CNY" for u in range(200)), ""]
        for n in range(size):
            day = date(2021, 1, 1) + timedelta(days=n * 1800 // size)
            lines += [f'{day.isoformat()} * "专项资金 {n}"', f"  Expenses:U{rng.randrange(200):03d}  {rng.randrange(1, 10**6) / 100:.2f} CNY",
                      "  Assets:Bank", ""]
        path.write_text("\n".join(lines), encoding="utf-8")
    seconds, rss = timed(["bean-check", str(path)], max(runs, 3))
    return Figure("peer: bean-check", size, "warm", seconds, rss)


def baseline(runs: int) -> list[Figure]:
    bare = timed([sys.executable, "-c", "import typer, pydantic, rich, ruamel.yaml, jinja2"], 7)
    helped = timed([*TOOL, "--help"], 7)
    print(f"bare Python importing typer, pydantic, rich, ruamel.yaml, jinja2: {bare[0]:.2f} s; --help {helped[0]:.2f} s")
    return [
        Figure("bare Python + typer, pydantic, rich, ruamel, jinja2", 0, "", *bare),
        Figure("--help", 0, "", *helped, TARGETS_10K["--help"]),
    ]


def table(figures: list[Figure]) -> str:
    rows = ["| what | problems | cache | median (s) | peak RSS (MB) | target at 10,000 (50,000) |", "|---|---:|---|---:|---:|---|"]
    for f in figures:
        rows.append(f"| {f.what} | {f.size or ''} | {f.mode} | {f.seconds:.2f} | {f.rss_mb:.0f} | {f.target} |")
    return "\n".join(rows)


HEAD_TO_HEAD = (("overdue", task_command), ("check", hledger_command), ("list --format json", hledger_command))
"""Ours against the peer the issue sets it against."""


def head_to_head(size: int, runs: int) -> list[dict[str, object]]:
    """Each of our warm commands and its peer run by turns, `runs` times each: on a machine whose
    speed drifts by 10-20 % from minute to minute, the ratio of two figures measured minutes
    apart says little; measured by turns, both see the same machine."""
    root = ledger(size)
    ours = {
        "overdue": ["overdue", "--as-of", AS_OF],
        "check": ["check"],
        "list --format json": ["list", "--format", "json"],
    }
    found = []
    for what, peer in HEAD_TO_HEAD:
        theirs = peer(size)
        if theirs is None:
            continue
        command = [*TOOL, "--ledger", str(root), *ours[what]]
        subprocess.run(command, stdout=subprocess.DEVNULL, check=False)  # warm the cache
        a, b = [], []
        for _ in range(runs):
            a.append(timed(command, 1)[0])
            b.append(timed(theirs, 1)[0])
        mine, other = statistics.median(a), statistics.median(b)
        found.append({"size": size, "ours": what, "peer": " ".join(theirs[:1] + theirs[-1:]), "ours_s": mine,
                      "peer_s": other, "ratio": mine / other})
        print(f"{size:>6} by turns: {what:<20} {mine:5.2f} s  {theirs[0]} {other:5.2f} s  ratio {mine / other:.2f}",
              flush=True)
    return found


def ratios(figures: list[Figure]) -> list[str]:
    def find(what: str, size: int, mode: str = "warm") -> Figure | None:
        return next((f for f in figures if f.what == what and f.size == size and f.mode == mode), None)

    lines = []
    for size in sorted({f.size for f in figures if f.size}):
        for ours, peer in (("overdue", "peer: task overdue"), ("check", "peer: hledger check"),
                           ("list --format json", "peer: hledger check"), ("check", "peer: bean-check")):
            a, b = find(ours, size), find(peer, size)
            if a and b:
                lines.append(f"{size:>6}: warm `{ours}` / `{peer.removeprefix('peer: ')}` = {a.seconds / b.seconds:.2f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (3 above 10,000 problems)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    import auditledger

    # compiled once here, so that no figure includes compiling the tool's modules
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(auditledger.__file__).parent)],
                   env=ENVIRONMENT, check=True)
    figures = baseline(args.runs)
    turns: list[dict[str, object]] = []
    for size in sizes:
        runs = args.runs if size <= 10_000 else min(args.runs, 3)
        figures += measure(size, runs)
        if size == 10_000:
            figures.append(measure_import(size))
        for peer in (peer_taskwarrior, peer_hledger, peer_beancount):
            found = peer(size, runs)
            if found:
                figures.append(found)
                print(f"{size:>6} {found.what:<22} {found.seconds:6.2f} s", flush=True)
        turns += head_to_head(size, 11 if size <= 10_000 else 5)
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    report = table(figures)
    print()
    print(f"Machine: {machine}")
    print(report)
    for line in ratios(figures):
        print(line)
    print("By turns (ours, the peer, ours, ...; medians):")
    for t in turns:
        print(f"{t['size']:>6}: `{t['ours']}` {t['ours_s']:.2f} s / `{t['peer']}` {t['peer_s']:.2f} s = {t['ratio']:.2f}")
    (HERE / "results.json").write_text(
        json.dumps({"machine": machine, "date": date.today().isoformat(), "figures": [f.__dict__ for f in figures],
                    "ratios": ratios(figures), "by_turns": turns}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
