"""The benchmark of issue 20: whole `auditledger` processes on generated ledgers of 10,000, 50,000
and 100,000 problems (200 units, 5 years, bench/generate.py), beside the floors (interpreter
start, importing the libraries, PyYAML's C parser on the same files, reading their bytes) and the
peers (taskwarrior, hledger, beancount, on data of the same size) when they are installed.

Each of our commands is run by turns with its peer or floor (ours, theirs, ours, theirs, ...):
the speed of this kind of machine drifts by 10-20 % from minute to minute, and by turns both
see the same machine. A figure is the median of the rounds (5 unless --runs says otherwise, or
fewer when a command's rounds outlast --budget); "by turns" is the median of the per-round
ratios ours / theirs. Peak memory is GNU time's %M (the largest process's peak RSS).

    python bench/run.py                                # 10k, 50k, 100k: about 22 minutes today
    python bench/run.py --sizes 10k --runs 3           # one size
    python bench/run.py --sizes 1000 --runs 1          # a smoke run, about 15 s
    python bench/run.py --data /tmp/b --only check-cold,overdue-changed

Ledgers and the peers' data are made the first time in --data (bench/.data), one folder per
size (10k, 100k, ...). Prints a table, and writes it to bench/RESULTS.md and every run to
bench/results.json (or to --results DIR). Not a test: nothing here asserts a time; the targets
of issue 20 are printed beside what was measured.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2026-11-24"
"""The day every command judges by (generate.py dates nothing after it)."""
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
PYTHON = sys.executable
TOOL = [PYTHON, "-m", "auditledger"]
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""As installed for users: Python keeps the compiled modules (some sandboxes turn that off,
which adds 0.1 s of compiling to every run)."""
LIBRARIES = "typer, pydantic, rich, ruamel.yaml, jinja2"
KEYS = {
    "help",
    "check-cold",
    "check-warm",
    "overdue-json",
    "overdue-changed",
    "query",
    "stats",
    "report-html",
    "export-xlsx",
}
"""Our commands, as --only names them."""
RACY_SECONDS = 3.0
"""The tool may not trust a file's stamps for 2 s after it is written: a warm run waits 3 s."""


# --- one process -------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    cpu: float
    """User and system seconds of the process and the children it waited for."""
    peak_mb: float


def run_once(command: list[str]) -> Run:
    """Run `command` as a whole process, its output thrown away; fail loudly if it fails."""
    with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        # A forked child's peak RSS starts at this (large) process's: GNU time, small, starts
        # the command and reports the command's own peak (KB) instead.
        wrapper = [GNU_TIME, "-f", "%M", "-o", rss.name] if GNU_TIME else []
        started = time.perf_counter()
        process = subprocess.Popen(
            [*wrapper, *command], stdout=subprocess.DEVNULL, stderr=errors, env=ENVIRONMENT
        )
        _, status, usage = os.wait4(process.pid, 0)  # usage counts the children waited for
        seconds = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait
        if code != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"failed ({code}): {' '.join(command)}\n{message}")
        reported = rss.read().split()
    peak = int(reported[-1]) / 1024 if GNU_TIME and reported else usage.ru_maxrss / 1024
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak)


def run_all(commands: list[list[str]]) -> Run:
    """Several processes one after another, as one figure: times added, the highest peak."""
    runs = [run_once(command) for command in commands]
    return Run(sum(r.seconds for r in runs), sum(r.cpu for r in runs), max(r.peak_mb for r in runs))


# --- what is measured --------------------------------------------------------------------


@dataclass
class Measure:
    key: str
    """Short and stable: for --only, results.json and the targets."""
    what: str
    kind: str
    """ours, peer or floor."""
    commands: list[list[str]]
    """Usually one; run one after another, they make one figure."""
    before: Callable[[], None] | None = None
    """Untimed, immediately before every run (drop the cache, edit a file)."""
    warm_up: bool | Callable[[], None] = False
    """Run once, untimed, before the rounds (or call this instead)."""
    after: Callable[[], None] | None = None
    """Untimed, once the rounds are over (put an edited file back)."""
    short: str = ""
    """Its name beside a ratio (`what` if empty)."""


@dataclass
class Row:
    """What one measure gave at one size."""

    key: str
    what: str
    kind: str
    size: int
    """Problems; 0 for what does not depend on the ledger."""
    runs: list[Run]
    turns: dict[str, float] = field(default_factory=dict)
    """Partner's key -> median of the per-round ratios ours / partner's."""
    partners: dict[str, str] = field(default_factory=dict)
    """Partner's key -> its short name."""

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.runs)


def by_turns(size: int, subject: Measure, partners: list[Measure], rounds: int, budget: float) -> list[Row]:
    """`subject` and its partners run by turns, `rounds` times each, or fewer once `budget`
    seconds have gone (one round at least)."""
    group = [subject, *partners]
    for measure in group:
        if callable(measure.warm_up):
            measure.warm_up()
        elif measure.warm_up:
            run_all(measure.commands)
    runs: dict[str, list[Run]] = {m.key: [] for m in group}
    started = time.monotonic()
    try:
        for _ in range(rounds):
            for measure in group:
                if measure.before:
                    measure.before()
                runs[measure.key].append(run_all(measure.commands))
            if time.monotonic() - started > budget:
                break
    finally:
        for measure in group:
            if measure.after:
                measure.after()
    rows = [Row(m.key, m.what, m.kind, size, runs[m.key]) for m in group]
    ours = runs[subject.key]
    for partner in partners:
        theirs = runs[partner.key]
        rows[0].turns[partner.key] = statistics.median(
            a.seconds / b.seconds for a, b in zip(ours, theirs, strict=True)
        )
        rows[0].partners[partner.key] = partner.short or partner.what
    for row in rows:
        print(f"{label(size):>5}  {describe(row)}", flush=True)
    return rows


def describe(row: Row) -> str:
    turns = ", ".join(f"{ratio:.2f}x {row.partners[key]}" for key, ratio in row.turns.items())
    text = f"{row.what:<44} {row.median:7.3f} s  CPU {row.cpu:7.3f} s  {row.peak_mb:5.0f} MB"
    text += f"  ({len(row.runs)} rounds)"
    return f"{text}  by turns {turns}" if turns else text


# --- the ledgers and the peers' data -----------------------------------------------------


def label(size: int) -> str:
    if size == 0:
        return "-"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    return int(text[:-1]) * 1000 if text.endswith("k") else int(text)


def ledger(data: Path, size: int) -> Path:
    """The generated ledger of `size` problems, made the first time (100,000 take about 100 s)."""
    root = data / label(size)
    if not (root / "auditledger.yaml").exists():
        sys.path.insert(0, str(HERE))
        from generate import generate

        print(f"generating {size:,} problems in {root} ...", flush=True)
        partial = root.with_name(root.name + ".partial")  # an interrupted run leaves no half ledger
        shutil.rmtree(partial, ignore_errors=True)
        generate(size, partial)
        partial.rename(root)
    return root


def ledger_files(root: Path) -> list[str]:
    """Every YAML file of the ledger, as the tool reads them (not its cache)."""
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found += [os.path.join(folder, f) for f in sorted(files) if f.endswith((".yaml", ".yml"))]
    return found


def years(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name.isdigit())


def task_command(data: Path, size: int) -> list[str] | None:
    """`task overdue` on `size` generated tasks (made the first time), if taskwarrior is installed."""
    if not shutil.which("task"):
        return None
    folder = data / f"task-{label(size)}"
    rc = folder / "taskrc"
    if not (folder / "pending.data").exists():
        folder.mkdir(parents=True, exist_ok=True)
        rc.write_text(f"data.location={folder}\nverbose=nothing\nconfirmation=no\n", encoding="utf-8")
        rng = random.Random(3)
        tasks = [
            {
                "description": f"专项资金分配下达不及时 {n}",
                "status": "pending",
                "entry": "20240101T000000Z",
                "due": (date(2022, 1, 1) + timedelta(days=rng.randrange(1800))).strftime("%Y%m%dT000000Z"),
                "uuid": f"00000000-0000-4000-8000-{n:012d}",
                "project": f"u{n % 200:03d}",
            }
            for n in range(size)
        ]
        source = folder / "tasks.json"
        source.write_text("\n".join(json.dumps(t) for t in tasks), encoding="utf-8")
        subprocess.run(["task", f"rc:{rc}", "import", str(source)], check=True, capture_output=True)
    return ["task", f"rc:{rc}", "rc.gc=off", "overdue"]


def hledger_command(data: Path, size: int) -> list[str] | None:
    """`hledger check` on a journal of `size` generated transactions, if hledger is installed."""
    if not shutil.which("hledger"):
        return None
    journal = data / f"hledger-{label(size)}.journal"
    if not journal.exists():
        rng = random.Random(5)
        lines = []
        for n in range(size):
            day = date(2021, 1, 1) + timedelta(days=n * 1800 // size)
            amount = rng.randrange(1, 10**6) / 100
            lines += [f"{day} 专项资金 {n}", f"    expenses:u{rng.randrange(200):03d}  {amount:.2f} CNY"]
            lines += ["    assets:bank", ""]
        journal.write_text("\n".join(lines), encoding="utf-8")
    return ["hledger", "-f", str(journal), "check"]


def beancount_command(data: Path, size: int) -> list[str] | None:
    """`bean-check` on a file of `size` generated transactions, if beancount is installed."""
    if not shutil.which("bean-check"):
        return None
    path = data / f"beancount-{label(size)}.beancount"
    if not path.exists():
        rng = random.Random(6)
        lines = ["2020-01-01 open Assets:Bank CNY"]
        lines += [f"2020-01-01 open Expenses:U{u:03d} CNY" for u in range(200)] + [""]
        for n in range(size):
            day = date(2021, 1, 1) + timedelta(days=n * 1800 // size)
            amount = rng.randrange(1, 10**6) / 100
            lines += [f'{day} * "专项资金 {n}"', f"  Expenses:U{rng.randrange(200):03d}  {amount:.2f} CNY"]
            lines += ["  Assets:Bank", ""]
        path.write_text("\n".join(lines), encoding="utf-8")
    return ["bean-check", str(path)]


# --- the measures ------------------------------------------------------------------------

PYYAML_PARSE = """\
import sys, yaml
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
"""


def has_pyyaml() -> bool:
    return (
        subprocess.run([PYTHON, "-c", "import yaml; yaml.CSafeLoader"], capture_output=True).returncode == 0
    )


def ours(
    key: str,
    what: str,
    command: list[str],
    *,
    warm_up: bool = False,
    before: Callable[[], None] | None = None,
    after: Callable[[], None] | None = None,
) -> Measure:
    return Measure(key, what, "ours", [command], before=before, warm_up=warm_up, after=after)


def floor(key: str, short: str, command: list[str]) -> Measure:
    return Measure(key, f"floor: {short}", "floor", [command], short=short)


def peer(key: str, short: str, command: list[str]) -> Measure:
    return Measure(key, f"peer: {short}", "peer", [command], short=short)


Group = tuple[Measure, list[Measure]]
"""One of our commands and the peers and floors it runs by turns with."""


def startup() -> Group:
    """`--help`, and the floors of every command: the interpreter, and importing the libraries."""
    return ours("help", "--help", [*TOOL, "--help"]), [
        floor("python", "python -c pass", [PYTHON, "-c", "pass"]),
        floor("imports", f"import {LIBRARIES}", [PYTHON, "-c", f"import {LIBRARIES}"]),
    ]


def groups(data: Path, size: int, scratch: Path) -> list[Group]:
    """Our commands on the ledger of `size` problems, each with its peers or floors."""
    root = ledger(data, size)
    tool = [*TOOL, "--ledger", str(root)]
    files = ledger_files(root)
    year = years(root)[len(years(root)) // 2]

    def drop_cache() -> None:
        shutil.rmtree(root / ".auditledger", ignore_errors=True)

    floors = [floor("cat", "reading the bytes (cat)", ["cat", *files])]
    if has_pyyaml():
        floors.insert(0, floor("pyyaml", "PyYAML CSafeLoader parse", [PYTHON, "-c", PYYAML_PARSE, *files]))
    check = [*tool, "check", "--as-of", AS_OF]
    checkers = [
        peer(key, short, command)
        for key, short, command in (
            ("hledger", "hledger check", hledger_command(data, size)),
            ("bean-check", "bean-check", beancount_command(data, size)),
        )
        if command
    ]
    task = task_command(data, size)

    # Before each run of `overdue` one problem file gets a new comment line: the first run
    # after an edit, as a user's, inside the seconds in which the cache may not trust the
    # file's stamps. Its partner is the same command warm again: once those seconds have
    # passed, and after a run (untimed) that caches the edit. The next command, once the
    # file is put back, waits for them too.
    edited = next(p for p in sorted((root / year).glob("*.yaml")) if not p.name.startswith("_"))
    original = edited.read_bytes()
    edits = iter(range(1, 10**6))
    edited_at = 0.0

    def edit() -> None:
        nonlocal edited_at
        with edited.open("a", encoding="utf-8") as f:
            f.write(f"# bench: edited before overdue, round {next(edits)}\n")
        edited_at = time.monotonic()

    def settle() -> None:
        time.sleep(max(0.0, edited_at + RACY_SECONDS - time.monotonic()))

    def rewarm() -> None:
        settle()
        run_once(overdue)

    def put_back() -> None:
        nonlocal edited_at
        edited.write_bytes(original)
        edited_at = time.monotonic()
        settle()

    overdue = [*tool, "overdue", "--as-of", AS_OF]
    changed = ours("overdue-changed", "overdue, one file just changed", overdue, warm_up=True, before=edit)
    changed.after = put_back
    unchanged = ours("overdue-warm", "overdue, warm again after the edit", overdue, before=rewarm)
    unchanged.short = "warm overdue"

    query = [*tool, "query", "select count(*) from problems", "--as-of", AS_OF]
    stats = [*tool, "stats", "--as-of", AS_OF]
    report = [*tool, "report", "--year", year, "--format", "html", "--as-of", AS_OF]

    # A warm read command answers as it answered last time while nothing it read has changed
    # (the remembered answers). Its partner works the answer out again from the read cache, as a
    # question not asked before (another --as-of, --unit, …) would: the answers are forgotten,
    # untimed, before each of its runs.
    def forget_answers() -> None:
        shutil.rmtree(root / ".auditledger" / "cache" / "answers", ignore_errors=True)

    def warm(key: str, what: str, command: list[str], partners: list[Measure]) -> Group:
        computed = ours(f"{key}-computed", f"{what}, worked out again", command, before=forget_answers)
        computed.short = "worked out again"
        return ours(key, f"{what}, warm", command, warm_up=True), [*partners, computed]

    return [
        (ours("check-cold", "check, cold (no cache)", check, before=drop_cache), floors),
        (ours("check-warm", "check, warm", check, warm_up=True), checkers),
        warm(
            "overdue-json",
            "overdue --format json",
            [*overdue, "--format", "json"],
            [peer("task", "task overdue", task)] if task else [],
        ),
        (changed, [unchanged]),
        warm("query", "query 'select count(*) …'", query, []),
        warm("stats", "stats", stats, []),
        warm("report-html", f"report --format html --year {year}", report, []),
        (export(tool, root, scratch), []),
    ]


def export(tool: list[str], root: Path, scratch: Path) -> Measure:
    """`export --format xlsx` of every problem: year by year, one process each, added up; or in
    one process, if the command exports the whole ledger when given no --year."""
    whole = [*tool, "export", "--format", "xlsx", "-o", str(scratch / "export.xlsx"), "--as-of", AS_OF]
    each = [[*whole, "--year", year] for year in years(root)]
    measure = Measure("export-xlsx", f"export --format xlsx, {len(each)} years one by one", "ours", each)

    def warm_up() -> None:
        try:
            run_once(whole)
        except SystemExit:  # --year is required: warm the cache only
            run_once([*tool, "check", "--as-of", AS_OF])
        else:
            measure.commands, measure.what = [whole], "export --format xlsx, all years"

    measure.warm_up = warm_up
    return measure


# --- targets (issue 20) ------------------------------------------------------------------


@dataclass
class Target:
    text: str
    seconds: float | None = None
    ratio: tuple[str, float] | None = None
    """Partner's key, the highest by-turns ratio."""
    peak_mb: float | None = None

    def met(self, row: Row) -> str:
        verdicts = []
        if self.seconds is not None:
            verdicts.append(row.median <= self.seconds)
        if self.ratio is not None:
            partner, limit = self.ratio
            if partner not in row.turns:
                return "n/a"  # the peer is not installed
            verdicts.append(row.turns[partner] <= limit)
        if self.peak_mb is not None:
            verdicts.append(row.peak_mb <= self.peak_mb)
        return "yes" if all(verdicts) else "no"


TARGETS: dict[tuple[str, int | None], Target] = {
    ("help", None): Target("≤ 0.08 s", seconds=0.08),
    ("check-cold", 100_000): Target("≤ 0.5× PyYAML parse, ≤ 400 MB", ratio=("pyyaml", 0.5), peak_mb=400),
    ("check-warm", None): Target("≤ 0.1 s", seconds=0.1),
    ("overdue-json", 10_000): Target("≤ 0.5× task overdue", ratio=("task", 0.5)),
    ("overdue-json", 100_000): Target("≤ 0.4 s", seconds=0.4),
    ("overdue-changed", 100_000): Target("≤ 1 s", seconds=1),
    ("query", 100_000): Target("≤ 0.3 s", seconds=0.3),
    ("stats", 100_000): Target("≤ 0.5 s", seconds=0.5),
    ("report-html", 100_000): Target("≤ 2 s", seconds=2),
    ("export-xlsx", 100_000): Target("≤ 30 s", seconds=30),
}
"""(measure, size) -> target; a size of None: at every size."""


def target(row: Row) -> Target | None:
    return TARGETS.get((row.key, row.size)) or TARGETS.get((row.key, None))


# --- the table -----------------------------------------------------------------------------


def growth(row: Row, rows: list[Row]) -> str:
    """Median at this size / median at the smallest size measured, beside the linear bound."""
    sizes = sorted({r.size for r in rows if r.key == row.key and r.size})
    if not row.size or row.size == sizes[0]:
        return ""
    first = next(r for r in rows if r.key == row.key and r.size == sizes[0])
    times, bound = row.median / first.median, row.size / sizes[0]
    flag = " **super-linear**" if times > bound and row.kind == "ours" else ""  # the target is ours
    return f"{times:.1f}× (linear {bound:.0f}×){flag}"


def table(rows: list[Row]) -> str:
    lines = [
        "| what | problems | rounds | median (s) | CPU (s) | peak (MB) | by turns | target | met | growth |",
        "|---|---:|---:|---:|---:|---:|---|---|---|---|",
    ]
    for row in rows:
        goal = target(row)
        turns = "; ".join(f"{ratio:.2f}× {row.partners[k]}" for k, ratio in row.turns.items())
        cells = [
            row.what if row.kind == "ours" else f"*{row.what}*",
            f"{row.size:,}" if row.size else "",
            str(len(row.runs)),
            f"{row.median:.3f}",
            f"{row.cpu:.3f}",
            f"{row.peak_mb:.0f}",
            turns,
            goal.text if goal else "",
            goal.met(row) if goal else "",
            growth(row, rows),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def output(command: list[str]) -> str:
    """The first line `command` prints, or "" if it fails or is not installed."""
    try:
        done = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        return ""
    lines = (done.stdout or done.stderr).strip().splitlines() if done.returncode == 0 else []
    return lines[0] if lines else ""


def versions() -> dict[str, str]:
    """What was measured: the tool (its commit) and the peers."""
    import auditledger

    git = ["git", "-C", str(Path(auditledger.__file__).parent)]
    commit = output([*git, "log", "-1", "--format=%h", "--", "."]) or "?"  # the code's, not bench's
    changed = " with changes" if output([*git, "status", "--porcelain", "--", "."]) else ""
    found = {
        "Python": platform.python_version(),
        "auditledger": f"{auditledger.__version__} at {commit}{changed}",
    }
    for name, command in (
        ("PyYAML", [PYTHON, "-c", "import yaml; print(yaml.__version__)"]),
        ("taskwarrior", ["task", "--version"]),
        ("hledger", ["hledger", "--version"]),
        ("beancount", ["bean-check", "--version"]),
    ):
        if version := output(command):
            words = version.split()  # "hledger 1.25, linux-x86_64", "Beancount 3.2.3"
            found[name] = " ".join(words[1:]) if words[0].lower() == name.lower() else version
    return found


def machine() -> str:
    model = ""
    if Path("/proc/cpuinfo").exists():
        names = [
            line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")
        ]
        model = names[0].split(":", 1)[1].strip() + ", " if names else ""
    return f"{model}{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}"


@dataclass
class Occasion:
    """What the figures were measured on and with."""

    command: str
    day: str
    machine: str
    versions: dict[str, str]
    load: list[float] = field(default_factory=list)
    """The 1-minute load average before and after: another process busy on the machine shows."""

    def __str__(self) -> str:
        names = "; ".join(f"{name} {version}" for name, version in self.versions.items())
        load = " before, ".join(f"{x:.2f}" for x in self.load)
        return (
            f"`{self.command}`, {self.day}\n\n"
            f"- machine: {self.machine}; load average {load} after\n"
            f"- measured: {names}\n"
            f"- every command judges as of {AS_OF} (`--as-of`)"
        )


def markdown(rows: list[Row], occasion: Occasion) -> str:
    return f"""# Benchmark results

{occasion}

{table(rows)}

Medians of the rounds, each a whole process; *italic* rows are floors and peers. CPU is user +
system seconds, peak the largest process's peak RSS (GNU time %M). By turns: our command and
its partners run one after the other in every round; the figure is the median of the per-round
ratios ours / theirs. Growth: the median at this size over the median at the smallest size
measured, beside the growth of the data. Targets are issue 20's; "n/a" where the peer that a
target names is not installed.
"""


def record(rows: list[Row], occasion: Occasion) -> str:
    """results.json: every run of every row, with the occasion."""
    found = {**occasion.__dict__, "as_of": AS_OF, "rows": []}
    for row in rows:
        goal = target(row)
        found["rows"].append(
            {
                "key": row.key,
                "what": row.what,
                "kind": row.kind,
                "size": row.size,
                "median_s": row.median,
                "cpu_s": row.cpu,
                "peak_mb": row.peak_mb,
                "by_turns": row.turns,
                "partners": row.partners,
                "target": goal.text if goal else None,
                "met": goal.met(row) if goal else None,
                "runs": [run.__dict__ for run in row.runs],
            }
        )
    return json.dumps(found, ensure_ascii=False, indent=2) + "\n"


def recorded(path: Path) -> tuple[list[Row], Occasion]:
    """The rows and occasion of a results.json, to write its table again."""
    found = json.loads(path.read_text(encoding="utf-8"))
    occasion = Occasion(found["command"], found["day"], found["machine"], found["versions"], found["load"])
    rows = []
    for r in found["rows"]:
        runs = [Run(**run) for run in r["runs"]]
        rows.append(
            Row(r["key"], r["what"], r["kind"], r["size"], runs, r["by_turns"], r.get("partners", {}))
        )
    whats = {(r.key, r.size): r.what for r in rows}
    for row in rows:  # written before partners were kept: their names from their own rows
        for key in row.turns:
            row.partners.setdefault(key, whats.get((key, row.size), key).split(": ")[-1])
    return rows, occasion


# --- main --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="10k,50k,100k", help="problems, comma-separated (default: 10k,50k,100k)"
    )
    parser.add_argument("--runs", type=int, default=5, help="rounds per command (default: 5)")
    parser.add_argument(
        "--budget", type=float, default=300, help="seconds after which rounds stop (default: 300)"
    )
    parser.add_argument(
        "--data", type=Path, default=HERE / ".data", help="ledgers, peers' data (bench/.data)"
    )
    parser.add_argument(
        "--only",
        help=f"comma-separated, of {', '.join(sorted(KEYS))} (default: all)",
    )
    parser.add_argument(
        "--results", type=Path, default=HERE, help="where results.json and RESULTS.md go (bench/)"
    )
    parser.add_argument(
        "--render", type=Path, help="measure nothing: write RESULTS.md from this results.json"
    )
    args = parser.parse_args()
    if args.render:
        rows, occasion = recorded(args.render)
        (args.results / "RESULTS.md").write_text(markdown(rows, occasion), encoding="utf-8")
        return
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    only = set(args.only.split(",")) if args.only else None
    if only and (unknown := only - KEYS):
        parser.error(f"--only: no such command: {', '.join(sorted(unknown))}")
    args.data.mkdir(parents=True, exist_ok=True)
    import auditledger

    # compiled once here, so that no figure includes compiling the tool's modules
    package = str(Path(auditledger.__file__).parent)
    subprocess.run([PYTHON, "-m", "compileall", "-q", package], env=ENVIRONMENT, check=True)
    occasion = Occasion(
        command=" ".join(["python", "bench/run.py", *sys.argv[1:]]),
        day=date.today().isoformat(),
        machine=machine(),
        versions=versions(),
        load=[os.getloadavg()[0]],
    )
    print(
        f"measuring auditledger from {Path(auditledger.__file__).parent}: {occasion.versions['auditledger']}"
    )
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="auditledger-bench-") as scratch:
        plan = [(0, startup())]
        for size in sizes:
            plan += [(size, group) for group in groups(args.data, size, Path(scratch))]
        for size, (subject, partners) in plan:
            if only is None or subject.key in only:
                rows += by_turns(size, subject, partners, args.runs, args.budget)
    occasion.load.append(os.getloadavg()[0])
    print()
    print(table(rows))
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "RESULTS.md").write_text(markdown(rows, occasion), encoding="utf-8")
    (args.results / "results.json").write_text(record(rows, occasion), encoding="utf-8")


if __name__ == "__main__":
    main()
