"""Answers of the read commands remembered, and given again without loading anything.

A warm `check` of an unchanged ledger spent most of its time starting Python and importing
typer and pydantic to print what it printed the time before. `check` now stores its text
output and exit code (`remember`) under a key of everything the answer depends on: the ledger's
files as they are on disk (names and stamps, as the read cache keys them), the day, the
language, where the ledger was named from, the tool's own files, and the evidence files the
ledger names (their real paths and whether they exist). The console script asks `recall`
first: when the command line is a plain `check` and the key is the same, the answer is printed
and nothing else is imported.

Nothing is trusted that this user's tool did not write: the memo is signed with the user's
cache key (HMAC-SHA256) and kept in the ledger's cache folder, which must be the user's own.
Any doubt — a file changed within the last two seconds, a symbolic link or anything unusual in
the ledger, another option, `AUDITLEDGER_NO_CACHE` — and the command runs in full.

The other read commands (`READ_COMMANDS`: overdue, list, stats, show, query, report…) are
remembered the same way, one signed file each under the cache's `answers` folder: the key is
the command line as given, the working folder, the day, the language, the variables that
change what is printed, whether the output is a terminal, and the tool's files; the answer
keeps the state of what the command read (the ledger's files, and what it noted with `note`:
lower-level ledgers, template folders) and is given only while that is the same. A command
line that writes a file (`--output`), reads a git revision (`--at`) or asks for help is
never remembered.

Light on purpose: imports nothing of the project but `places`, and the standard library's
modules only when they are needed (every command starts here; `--help` must stay quick).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from auditledger import __version__, places

KEY_FILE = Path("auditledger") / "cache-key"
SECRET_BYTES = 32
STATE_DIR = ".auditledger"
CACHE_DIR = "cache"
MEMO_FILE = "check.json"
RACY_SECONDS = 2.0
YEAR_FOLDER = re.compile(r"^\d{4}$")
ANSWERS_DIR = "answers"
MOST_ANSWERS = 64
"""Remembered answers of other read commands, one signed file each; the oldest go beyond this."""
MOST_TEXT = 64 << 20
"""An answer longer than this (bytes, stdout and stderr) is not remembered: `overdue --format
json` of 100,000 problems prints 27 MB."""
READ_COMMANDS = ("overdue", "list", "stats", "show", "query", "report", "recurring", "rollup", "plan")
"""Commands that only read the ledger and print: their answer is remembered like `check`'s."""
NOT_REMEMBERED = ("--output", "-o", "--at", "--templates", "--help", "-h", "--debug", "--version", "-")
"""Options (and `-`, standard input) under which an answer is not remembered: a file written,
a git revision that moves, a template folder named on the command line, help."""
WRITES_A_FILE = ("docx", "--format=docx")
"""A Word document is written to a file of its own even without --output: never remembered."""
UNSTABLE_SQL = re.compile(
    r"now|random|current_|\b(?:date|time|datetime|julianday|unixepoch|strftime|timediff)\s*\(", re.IGNORECASE
)
"""What makes a `query` statement's answer change with no change to the ledger: the clock
(`date('now')`, `time()`, `CURRENT_TIMESTAMP`; SQLite's date functions read the clock when
given no day) or chance (`random()`). Looked for in the statement without its comments and
quoting (`"time"()`, `[time]()`, `time/**/()` call the clock too); and SQLite's authorizer
says which functions a statement calls (`sql.UNSTABLE_FUNCTIONS`, `unstable`), whatever their
spelling."""
_SQL_NOISE = re.compile(r"--[^\n]*|/\*.*?(?:\*/|$)|[\"`\[\]]", re.DOTALL)
"""Comments and the quotes of identifiers, which SQLite reads past."""
_KEEP = [True]
"""Whether the running command's answer may be remembered (`unstable`)."""


def unstable() -> None:
    """The running command's answer changes with the clock or by chance: it is not remembered."""
    _KEEP[0] = False


ENVIRONMENT = (
    *("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM", "TZ", "LANG", "LC_ALL"),
    *("TTY_COMPATIBLE", "TTY_INTERACTIVE"),
)
"""Variables (besides every AUDITLEDGER_*) that can change what a command prints."""
READ: list[list[str]] = []
"""What the running command read besides its ledger: `["ledger", path]` for a lower-level
ledger, `["folder", path]` for a template folder (`note`); a remembered answer depends on them."""
GC_THRESHOLD = 50_000
"""Objects allocated between the cycle collector's youngest passes (Python's default: 700)."""
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NON_BLOCKING = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def own(found: os.stat_result, *, private: bool) -> bool:
    """Whether what `found` describes can be trusted: this user's, a regular file or a folder
    (not a link), and writable by no one else (`private`: nor readable)."""
    kind = stat.S_IFMT(found.st_mode)
    if kind not in (stat.S_IFREG, stat.S_IFDIR):
        return False
    if not hasattr(os, "getuid"):  # Windows: ownership and modes are ACLs, not checked here
        return True
    return found.st_uid == os.getuid() and not found.st_mode & (0o077 if private else 0o022)


def key_path() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / KEY_FILE


def read_secret(path: Path) -> bytes | None:
    """The user's cache key at `path`, when it is theirs alone and whole; else None."""
    if not own(os.lstat(path.parent), private=False):
        return None
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | _BINARY | _NO_FOLLOW | _NON_BLOCKING)
        try:
            if own(os.fstat(fd), private=True):
                secret = os.read(fd, SECRET_BYTES + 1)
                if len(secret) == SECRET_BYTES:
                    return secret
        finally:
            os.close(fd)
    return None


COARSE_NS = 16_000_000
"""How far a file system's times may lag the clock `time.time_ns` reads: the kernel stamps files
with a coarse clock (a tick of 1 to 10 ms on Linux, 15.6 ms on Windows). A change this long
before a command started may have been made while it ran."""


def _changed_since(found: os.stat_result, since: int | None) -> bool:
    return since is not None and max(found.st_mtime_ns, found.st_ctime_ns) >= since - COARSE_NS


def _folder_stamp(path: Path, since: int | None = None) -> list[int]:
    """A folder's times and inode: they move when a file in it is added, deleted or renamed
    (which leaves no stamp of the file behind). ValueError when it changed at or after `since`."""
    found = os.lstat(path)
    if _changed_since(found, since):
        raise ValueError(path)
    return [found.st_mtime_ns, found.st_ctime_ns, found.st_ino]


def _stamp(path: Path, since: int | None = None) -> list[int] | None:
    """The file's size, times and inode; None when it is missing. ValueError when it is not a
    regular file, was modified too recently to be told from a further change (its change time,
    which no one can set back, is part of the stamp), or changed at or after `since` (ns)."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(found.st_mode):
        raise ValueError(path)
    if time.time_ns() - found.st_mtime_ns < RACY_SECONDS * 1e9:  # as the read cache (`store.Stamp`)
        raise ValueError(path)
    if _changed_since(found, since):
        raise ValueError(path)
    return _stat(found)


def _stat(found: os.stat_result) -> list[int]:
    """A file's stamp: size, times and inode (a file edited with its modification time put back
    still has a new change time)."""
    return [found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino]


def ledger_state(root: Path, since: int | None = None) -> list[object]:
    """Every file the loader reads, as the year folders list them, and every other YAML file
    beside the settings (data a ledger adds: a dictionary, say), with its stamp. ValueError for
    anything unusual (a link, a folder that cannot be listed, a file changed just now or, with
    `since`, while the answer was being made)."""
    return [[name, _stamp(root / name, since)] for name in _listed(root)]


def _listed(root: Path) -> list[str]:
    """The names of the files `ledger_state` stamps, from the ledger's root, as listed now."""
    import fnmatch

    with os.scandir(root) as entries:
        listed = list(entries)
    beside = {places.SETTINGS_FILE, "units.yaml"}
    beside.update(e.name for e in listed if fnmatch.fnmatchcase(e.name, "*.y*ml"))
    found = sorted(beside)
    folders = sorted(e.name for e in listed if YEAR_FOLDER.match(e.name) and (e.is_symlink() or e.is_dir()))
    for folder in folders:
        if os.path.islink(root / folder):
            raise ValueError(folder)
        with os.scandir(root / folder) as entries:
            names = sorted(
                e.name
                for e in entries
                if not e.name.startswith(".") and fnmatch.fnmatchcase(e.name, "*.y*ml")
            )
        found += [f"{folder}/{name}" for name in names]
    return found


LISTED: dict[str, list[str] | None] = {}
"""Each ledger the running command loads, with its files as listed when the loading began
(`loading`): a file deleted or added while the command ran leaves no stamp to tell, but the
listing differs (`_still_listed`)."""


def loading(root: Path) -> None:
    """The loader begins to read the ledger at `root`: note its files as they are listed now
    (in a command run from the console, whose answer may be remembered)."""
    if not SHORT_LIVED:
        return
    try:
        LISTED[os.path.abspath(root)] = _listed(root)
    except (OSError, ValueError):
        LISTED[os.path.abspath(root)] = None


def _still_listed(roots: Sequence[Path | str]) -> None:
    """ValueError when one of these ledgers, loaded by the command, lists other files than when
    the loading began."""
    for root in map(os.path.abspath, roots):
        if root in LISTED and ((names := LISTED[root]) is None or _listed(Path(root)) != names):
            raise ValueError(root)


LIBRARIES = (
    *("typer", "click", "rich", "jinja2", "markupsafe", "pydantic", "pydantic_core", "orjson", "docx"),
    *("yaml_rs", "_ruamel_yaml"),
)
"""Libraries whose upgrade can change what a command reads or prints: their stamps are part of
the tool's."""


def _tool_state() -> list[object]:
    """The version, every file of the package (code, catalogs, the shipped dictionary and
    templates) with its stamp, Python's version and the stamps of the libraries that print: an
    upgrade or an edit of a development checkout makes every answer stale."""
    import importlib.util

    libraries: list[object] = []
    for name in LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec is not None else None
            libraries.append([name, _stat(os.stat(origin)) if origin else None])
        except (ImportError, ValueError, OSError):
            libraries.append([name, None])
    return [__version__, sys.version, libraries, _folder_state(Path(__file__).parent)]


def _folder_state(folder: Path, since: int | None = None) -> list[object]:
    """The folder's own stamp and each file under it with its stamp (`_stat`). With `since`
    (ns), ValueError for a file changed just now, or a file or folder changed at or after it,
    as `_stamp`."""
    try:
        found: list[object] = [_folder_stamp(folder, since)]
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "__pycache__":
                found.append([entry.name, _folder_state(Path(entry.path), since)])
        else:
            try:
                stamp = os.stat(entry.path, follow_symlinks=False)
            except OSError:
                continue
            if since is not None and (
                time.time_ns() - stamp.st_mtime_ns < RACY_SECONDS * 1e9 or _changed_since(stamp, since)
            ):
                raise ValueError(entry.path)
            found.append([entry.name, *_stat(stamp)])
    return found


def note(kind: str, path: Path) -> None:
    """Record that the running command read `path` (a lower-level `ledger`, or a template
    `folder`) besides its own ledger: its remembered answer depends on it."""
    entry = [kind, os.path.abspath(path)]
    if entry not in READ:
        READ.append(entry)


def key(
    root: Path,
    language: str,
    day: datetime.date,
    evidence: Sequence[Sequence[object]],
    lowers: Sequence[str] = (),
    since: int | None = None,
) -> str:
    """What a `check` of the ledger at `root` (as named: its findings print paths so) depends on,
    with the lower-level ledgers it checks too."""

    material = {
        "cwd": os.getcwd(),
        "root": str(root),
        "language": language,
        "day": day.isoformat(),
        "files": ledger_state(root, since),
        "lowers": [[lower, ledger_state(Path(lower), since)] for lower in lowers],
        "tool": _tool_state(),
        "evidence": [list(e) for e in evidence],
    }
    return _digest(material)


def _digest(material: Mapping[str, Any]) -> str:
    """sha256 of a key's material as JSON; paths that are not UTF-8 (a folder named in other
    bytes) keep their bytes."""
    import hashlib
    import json

    text = json.dumps(material, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def evidence_state(paths: Sequence[Path]) -> list[list[object]]:
    """Each evidence file's real path and whether it exists: what the evidence checks saw."""
    return [[str(p), os.path.realpath(p), os.path.exists(p)] for p in paths]


def _settled(paths: Sequence[Path], since: int) -> None:
    """ValueError when an evidence file, or the folder it is (or would be) in, changed at or
    after `since` (ns): the checks may have seen it as it was before (a file that arrived while
    they ran, or went)."""
    for path in paths:
        place = Path(os.path.abspath(path))
        with contextlib.suppress(FileNotFoundError):
            if _changed_since(os.lstat(place), since):
                raise ValueError(place)
        for folder in place.parents:  # the nearest folder there is
            try:
                _folder_stamp(folder, since)
            except FileNotFoundError:
                continue
            break


def _memo_path(root: Path) -> Path:
    return root / STATE_DIR / CACHE_DIR / MEMO_FILE


def _sign(secret: bytes, payload: bytes) -> str:
    import hmac

    return hmac.digest(secret, payload, "sha256").hex()


def remember(
    root: Path,
    secret: bytes,
    language: str,
    day: datetime.date,
    evidence: list[Path],
    lowers: list[Path],
    text: str,
    code: int,
    started: int,
) -> None:
    """Keep `check`'s answer for the ledger (and its lower-level ledgers) as it is now; nothing
    when a file is in doubt or changed after the check `started` (ns: it may not have seen it)."""
    import json

    try:
        _settled(evidence, started)
        _still_listed([root, *lowers])
        state = evidence_state(evidence)
        names = [str(lower) for lower in lowers]
        payload = json.dumps(
            {
                "key": key(root, language, day, state, names, started),
                "evidence": state,
                "lowers": names,
                "text": text,
                "code": code,
            },
            ensure_ascii=False,
        ).encode("utf-8")
        _write_signed(_memo_path(root), secret, payload)
    except (OSError, ValueError):
        return


def _write_signed(path: Path, secret: bytes, payload: bytes) -> None:
    """`payload` under its signature at `path`, replaced whole; nothing when the folder is not
    the user's own."""
    import tempfile

    if not own(os.lstat(path.parent), private=False):
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".memo.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_sign(secret, payload).encode("ascii") + b"\n" + payload)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _read_signed(path: Path) -> object:
    """What `_write_signed` kept at `path`, when it is the user's own and signed with their
    key; else None."""
    import hmac
    import json

    secret = read_secret(key_path())
    if secret is None or not own(os.lstat(path.parent), private=False):
        return None
    fd = os.open(path, os.O_RDONLY | _BINARY | _NO_FOLLOW | _NON_BLOCKING)
    try:
        if not own(os.fstat(fd), private=False):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            signature, _, payload = handle.read(64 << 20).partition(b"\n")
    finally:
        os.close(fd)
    if not hmac.compare_digest(signature, _sign(secret, payload).encode("ascii")):
        return None
    return json.loads(payload)


def forget(root: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(_memo_path(root))


def recall(root: Path, language: str, day: datetime.date) -> tuple[str, int] | None:
    """`check`'s answer, when it was kept for the ledger as it is now; else None."""
    try:
        found: Any = _read_signed(_memo_path(root))
        if not isinstance(found, dict):
            return None
        evidence = found["evidence"]
        if evidence_state([Path(p) for p, _real, _exists in evidence]) != evidence:
            return None
        if found["key"] != key(root, language, day, evidence, [str(lower) for lower in found["lowers"]]):
            return None
        return str(found["text"]), int(found["code"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def plain_check(argv: Sequence[str]) -> tuple[Path | None, str | None, datetime.date] | None:
    """`(--ledger, --lang, the day)` when the command line is `check`, with at most these global
    options and `--as-of DAY`; None for any other command line."""
    options: dict[str, str] = {}
    rest = list(argv)
    allowed: tuple[str, ...] = ("--ledger", "--lang")
    while rest:
        word = rest.pop(0)
        if word == "check" and "check" not in options:
            options["check"], allowed = "", ("--as-of",)
            continue
        if not _take(word, rest, allowed, options):
            return None
    if "check" not in options:
        return None
    try:
        day = (
            datetime.date.fromisoformat(options["--as-of"]) if "--as-of" in options else datetime.date.today()
        )
    except ValueError:
        return None
    ledger = options.get("--ledger")
    return (Path(ledger) if ledger is not None else None), options.get("--lang"), day


def _take(word: str, rest: list[str], allowed: tuple[str, ...], options: dict[str, str]) -> bool:
    """Put the option `word` (`-L` for `--ledger`) and its value (after `=`, else the next
    word, taken from `rest`) into `options`; False when it is not `allowed`, is given twice or
    lacks its value."""
    name, equals, value = word.partition("=")
    name = "--ledger" if name == "-L" else name
    if name not in allowed or name in options or not (equals or rest):
        return False
    options[name] = value if equals else rest.pop(0)
    return True


def spoken(option: str | None, root: Path | None) -> str | None:
    """The language `check` would speak (`places.chosen_language`); None when the command line
    would refuse what it was given (an option or $AUDITLEDGER_LANG that is no language)."""
    environment = os.environ.get(places.LANGUAGE_VARIABLE)
    if (option is not None and option not in places.LANGUAGES) or (
        option is None and environment and environment not in places.LANGUAGES
    ):
        return None
    return places.chosen_language(option, root)[0]


def answer(argv: Sequence[str]) -> int | None:
    """Print `check`'s remembered answer and give its exit code, when the command line is a
    plain `check` of a ledger whose answer is remembered for how it is now; else None."""
    if os.environ.get("AUDITLEDGER_NO_CACHE") or any(k.endswith("_COMPLETE") for k in os.environ):
        return None
    asked = plain_check(argv)
    if asked is None or unreadable_workers() is not None:  # the command line says what is wrong
        return None
    explicit, option, day = asked
    root, _named = places.search_root(explicit)
    language = spoken(option, explicit) if root is not None else None
    if root is None or language is None:
        return None
    found = recall(root, language, day)
    if found is None:
        return None
    text, code = found
    utf8_output()
    return _given(lambda: sys.stdout.write(text), code)


def _given(write: Callable[[], object], code: int) -> int:
    """`code`, once a remembered answer is written (`write`); 1 when its reader has gone (a
    pipe to `head` that closed), as a command run in full ends, without a traceback."""
    try:
        write()
        sys.stdout.flush()
    except OSError:
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


WORKERS_VARIABLE = "AUDITLEDGER_WORKERS"
"""How many processes read the problem files that are not cached (`loader`)."""


def unreadable_workers() -> str | None:
    """$AUDITLEDGER_WORKERS when it is set to something that is not a number of processes."""
    value = os.environ.get(WORKERS_VARIABLE, "").strip()
    return None if value == "" or (value.isascii() and value.isdigit()) else value


def few_collections() -> None:
    """Let the cycle collector pass rarely. Reading a ledger allocates hundreds of thousands of
    objects that live to the end, and no cycles worth collecting: at the default thresholds the
    collector's passes over them took most of a warm read (0.68 s of 0.8 s for 10,000
    problems); importing the command line (Typer's and ours) paid 1.5 ms of passes too."""
    import gc

    global SHORT_LIVED
    SHORT_LIVED = True
    gc.set_threshold(GC_THRESHOLD, 20, 20)


SHORT_LIVED = False
"""A command run from the console, which ends when its answer is printed: what it reads may be
frozen out of the collector's sight (`loader`). Not a process that lives on (tests, the
workbench: `long_lived`), where what is frozen is never collected, garbage included."""


@contextlib.contextmanager
def no_collection() -> Iterator[None]:
    """For work that allocates hundreds of thousands of objects that all live on and form no
    cycles (reading a ledger; a province's 100,000 deadlines and the rows of their table): the
    garbage collector's passes over them cost more than the work itself. Afterwards, in a
    command run from the console (`SHORT_LIVED`), they are moved out of its sight (`gc.freeze`);
    they are still freed when no longer referenced. Not in a process that lives on (the test
    suite, the workbench): what is frozen is never collected, and each read froze the garbage
    cycles made since the one before (the test suite grew to 2 GB)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if SHORT_LIVED:
            gc.freeze()
        if enabled:
            gc.enable()


def long_lived() -> None:
    """This process lives on and reads the ledger again and again (the workbench)."""
    global SHORT_LIVED
    SHORT_LIVED = False


def utf8_output() -> None:
    """Standard output and error never fail on a character their encoding lacks (a title with
    䶮 on a console with code page 936 ended in UnicodeEncodeError, exit 70). Redirected to a
    file or a pipe, a stream writes UTF-8 whatever the code page or PYTHONIOENCODING say (what
    the JSON output always was; Notepad, WPS and Excel's import read it); on a terminal, it
    keeps the terminal's encoding and writes a replacement character for what it cannot show.
    A stream's own lenient handling (surrogateescape, backslashreplace) is kept."""
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):  # none (pythonw), or replaced by a caller
            continue
        errors = "replace" if stream.errors == "strict" else stream.errors
        try:
            if stream.isatty():
                stream.reconfigure(errors=errors)
            else:
                stream.reconfigure(encoding="utf-8", errors=errors)
        except (OSError, ValueError):  # closed, or not a stream that can change
            continue


# --- the answers of the other read commands -----------------------------------------------


class Request:
    """A read command's command line as far as a remembered answer goes: where the ledger was
    named from, the global `--lang`, the command and its words as given, and the day; with the
    ledger's root and the answer's key once `where` found them (before the command runs: it
    may change the environment, e.g. set COLUMNS)."""

    def __init__(self, ledger: Path | None, language: str | None, words: list[str], day: datetime.date):
        self.ledger, self.language, self.words, self.day = ledger, language, words, day
        self.root: Path | None = None
        self.key = ""

    def where(self) -> bool:
        """Find the ledger's root and the answer's key; False when in doubt."""
        root, _named = places.search_root(self.ledger)
        language = spoken(self.language, self.ledger) if root is not None else None
        if root is None or language is None:
            return False
        self.root, self.key = root, _request_key(self, root, language)
        return True


def read_request(argv: Sequence[str]) -> Request | None:
    """The request when the command line is one of `READ_COMMANDS` with the global options
    `--ledger`/`-L` and `--lang` before it and none of `NOT_REMEMBERED`; else None."""
    rest = list(argv)
    options: dict[str, str] = {}
    while rest and rest[0].startswith("-"):
        if not _take(rest.pop(0), rest, ("--ledger", "--lang"), options):
            return None
    if not rest or rest[0] not in READ_COMMANDS:
        return None
    if rest[0] == "query" and any(UNSTABLE_SQL.search(_SQL_NOISE.sub("", word)) for word in rest[1:]):
        return None
    try:
        "".join(rest).encode("utf-8")
    except UnicodeEncodeError:  # an argument that was not UTF-8: the command line says so
        return None
    day = datetime.date.today()
    for at, word in enumerate(rest):
        name, equals, value = word.partition("=")
        if name in NOT_REMEMBERED or name.startswith(("--output", "-o")) or word in WRITES_A_FILE:
            return None
        if name == "--as-of":
            if not equals:
                value = rest[at + 1] if at + 1 < len(rest) else ""
            try:
                day = datetime.date.fromisoformat(value)
            except ValueError:
                return None
    ledger = options.get("--ledger")
    return Request(Path(ledger) if ledger is not None else None, options.get("--lang"), rest, day)


def _request_key(request: Request, root: Path, language: str) -> str:
    """Which answer file holds the answer to `request`: everything of it but the files read."""

    material = {
        "cwd": os.getcwd(),
        "root": str(root),
        "language": language,
        "day": request.day.isoformat(),
        "words": request.words,
        "environment": sorted(
            (k, v) for k, v in os.environ.items() if k.startswith("AUDITLEDGER_") or k in ENVIRONMENT
        ),
        "terminal": [_is_terminal(sys.stdout), _is_terminal(sys.stderr), _terminal_size()],
        "today": datetime.date.today().isoformat(),  # dates after it are errors, whatever --as-of says
        "encoding": [getattr(sys.stdout, "encoding", None), getattr(sys.stderr, "encoding", None)],
        "tool": _tool_state(),
    }
    return _digest(material)


def _terminal_size() -> list[int] | None:
    """The terminal's columns and lines, which lay out tables printed on it."""
    try:
        size = os.get_terminal_size(sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):
        return None
    return [size.columns, size.lines]


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def _read_state(root: Path, read: Sequence[Sequence[str]], since: int | None = None) -> list[object]:
    """The ledger's files and what else the command read (`READ`), as they are now."""
    state: list[object] = [ledger_state(root, since)]
    for kind, path in read:
        if kind == "ledger":
            state.append([path, ledger_state(Path(path), since) if os.path.isdir(path) else None])
        else:
            state.append([path, _folder_state(Path(path), since)])
    return state


def _answer_path(root: Path, request_key: str) -> Path:
    return root / STATE_DIR / CACHE_DIR / ANSWERS_DIR / f"{request_key}.answer"


def recall_answer(request: Request) -> tuple[memoryview, memoryview, int] | None:
    """`(stdout, stderr, exit code)` kept for `request` while nothing it read has changed. The
    state is compared first, from the answer's first line: a stale answer (after an edit) costs
    no reading of its text (megabytes for `overdue` of a province)."""
    import hmac
    import json

    root = request.root
    if root is None:
        return None
    try:
        secret = read_secret(key_path())
        path = _answer_path(root, request.key)
        if secret is None or not own(os.lstat(path.parent), private=False):
            return None
        fd = os.open(path, os.O_RDONLY | _BINARY | _NO_FOLLOW | _NON_BLOCKING)
        with os.fdopen(fd, "rb") as handle:
            if not own(os.fstat(fd), private=False):
                return None
            signature = handle.readline(80).rstrip(b"\n")
            head = handle.readline(MOST_TEXT)
            found = json.loads(head)
            if found["words"] != request.words:
                return None
            if found["state"] != json_like(_read_state(root, found["read"])):
                return None
            body = handle.read(MOST_TEXT + 1)
        if not hmac.compare_digest(signature, _sign(secret, head + body).encode("ascii")):
            return None
        out = int(found["out"])
        text = memoryview(body)  # not copied: `overdue` of a province is tens of megabytes
        return text[:out], text[out:], int(found["code"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def json_like(value: object) -> object:
    """`value` as it reads back from JSON (tuples become lists)."""
    import json

    return json.loads(json.dumps(value, ensure_ascii=False))


def remember_answer(
    request: Request, out_text: Callable[[], bytes], err_text: Callable[[], bytes], code: int, started: int
) -> None:
    """Keep the answer the command gave (as printed: its bytes, asked for only when it is kept),
    unless something it read changed after it `started` (ns) or is in doubt (the first command
    after an edit: nothing is copied); the oldest answers beyond `MOST_ANSWERS` go."""
    import json

    from auditledger import store  # loaded already: the command ran

    root = request.root
    secret = store.cache_secret()
    if root is None or secret is None:
        return
    try:
        folder = root / STATE_DIR / CACHE_DIR / ANSWERS_DIR
        if not (root / STATE_DIR / CACHE_DIR).is_dir():
            return
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, 0o700)
        read = list(READ)
        _still_listed([root, *(path for kind, path in read if kind == "ledger")])
        head = {"words": request.words, "read": read, "state": _read_state(root, read, started)}
        out, err = out_text(), err_text()
        head.update(out=len(out), code=code)
        body = out + err
        if len(body) > MOST_TEXT:
            return
        # the head is one line (JSON escapes line ends), the text after it as it was printed
        payload = json.dumps(head).encode("ascii") + b"\n" + body
        _write_signed(_answer_path(root, request.key), secret, payload)
        kept = sorted(folder.glob("*.answer"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-MOST_ANSWERS]:
            with contextlib.suppress(OSError):
                os.unlink(old)
    except (OSError, ValueError):
        return


class _Copy:
    """A standard stream that keeps a copy, in bytes, of what is written through it, as text or
    to its binary buffer (where `typer.echo` sends bytes)."""

    def __init__(
        self, stream: Any, parts: list[str | bytes] | None = None, failed: list[bool] | None = None
    ) -> None:
        self._stream = stream
        self.parts: list[str | bytes] = [] if parts is None else parts
        """What was written, text as it was given: encoded only if the answer is kept (`text`)."""
        self.failed = [False] if failed is None else failed  # a write or flush that raised
        encoding, errors = getattr(stream, "encoding", None), getattr(stream, "errors", None)
        self.codec = (encoding or "utf-8", errors or "strict")

    def text(self) -> bytes:
        """What was written, as printed (bytes)."""
        encoding, errors = self.codec
        parts = self.parts
        return b"".join(part if isinstance(part, bytes) else part.encode(encoding, errors) for part in parts)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError:
            self.failed[0] = True
            raise

    def write(self, data: Any) -> int:
        try:
            written = self._stream.write(data)
        except OSError:  # a closed pipe (not click's probe, which writes bytes to a text stream)
            self.failed[0] = True
            raise
        if isinstance(data, str):
            self.parts.append(data)
        elif isinstance(data, (bytes, bytearray)):
            self.parts.append(bytes(data))
        return int(written or 0)

    @property
    def buffer(self) -> _Copy:
        copy = _Copy(self._stream.buffer, self.parts, self.failed)
        copy.codec = self.codec
        return copy

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _run_remembering(request: Request) -> None:
    """Run the command line in full, copying what it prints, and keep its answer."""
    from auditledger.cli import main as everything

    started = time.time_ns()
    _KEEP[0] = True
    READ.clear()
    utf8_output()
    out, err = _Copy(sys.stdout), _Copy(sys.stderr)
    real = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    code: object = 0
    try:
        everything()
    except SystemExit as done:
        code = done.code
    finally:
        sys.stdout, sys.stderr = real
    if (code is None or code in (0, 1)) and not out.failed[0] and not err.failed[0] and _KEEP[0]:
        remember_answer(request, out.text, err.text, 1 if code else 0, started)
    sys.exit(code)  # type: ignore[arg-type]


def main() -> None:
    """The console script: a remembered answer, else the command line in full."""
    argv = sys.argv[1:]
    few_collections()  # before the command line is imported
    in_doubt = os.environ.get("AUDITLEDGER_NO_CACHE") or any(k.endswith("_COMPLETE") for k in os.environ)
    request: Request | None = None
    try:
        code = answer(argv)
        if code is not None:
            sys.exit(code)
        request = None if in_doubt else read_request(argv)
        if request is not None and not request.where():
            request = None
    except (OSError, ValueError):  # the working folder is gone, say: the command line says what it can
        request = None
    if request is not None:
        found = recall_answer(request)
        if found is not None:
            out, err, code = found
            sys.exit(_given(lambda: (sys.stdout.buffer.write(out), sys.stderr.buffer.write(err)), code))
        _run_remembering(request)
    from auditledger.cli import main as everything

    everything()
