"""`auditledger check`'s answer remembered, and given again without loading anything.

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
from collections.abc import Sequence
from pathlib import Path

from auditledger import __version__, places

KEY_FILE = Path("auditledger") / "cache-key"
SECRET_BYTES = 32
STATE_DIR = ".auditledger"
CACHE_DIR = "cache"
MEMO_FILE = "check.json"
RACY_SECONDS = 2.0
YEAR_FOLDER = re.compile(r"^\d{4}$")
TOOL_FILES = ("checks.py", "loader.py", "model.py", "store.py", "memo.py", "diagnostics.py")
"""The tool's files whose change (an upgrade, a development checkout) makes an answer stale."""
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
    if since is not None and max(found.st_mtime_ns, found.st_ctime_ns) >= since:
        raise ValueError(path)
    return [found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino]


def ledger_state(root: Path, since: int | None = None) -> list[object]:
    """Every file the loader reads, as the year folders list them, with its stamp. ValueError
    for anything unusual (a link, a folder that cannot be listed, a file changed just now or,
    with `since`, while the answer was being made)."""
    import fnmatch

    found: list[object] = [
        [name, _stamp(root / name, since)] for name in (places.SETTINGS_FILE, "units.yaml")
    ]
    with os.scandir(root) as entries:
        folders = sorted(
            e.name for e in entries if YEAR_FOLDER.match(e.name) and (e.is_symlink() or e.is_dir())
        )
    for folder in folders:
        if os.path.islink(root / folder):
            raise ValueError(folder)
        with os.scandir(root / folder) as entries:
            names = sorted(
                e.name
                for e in entries
                if not e.name.startswith(".") and fnmatch.fnmatchcase(e.name, "*.y*ml")
            )
        found += [[f"{folder}/{name}", _stamp(root / folder / name, since)] for name in names]
    return found


def _tool_state() -> list[object]:
    here = Path(__file__).parent
    return [__version__, *(_stamp_quietly(here / name) for name in TOOL_FILES)]


def _stamp_quietly(path: Path) -> list[int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return [found.st_size, found.st_mtime_ns]


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
    import hashlib
    import json

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
    return hashlib.sha256(json.dumps(material, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def evidence_state(paths: Sequence[Path]) -> list[list[object]]:
    """Each evidence file's real path and whether it exists: what the evidence checks saw."""
    return [[str(p), os.path.realpath(p), os.path.exists(p)] for p in paths]


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
    import tempfile

    try:
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
        path = _memo_path(root)
        if not own(os.lstat(path.parent), private=False):
            return
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".check.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_sign(secret, payload).encode("ascii") + b"\n" + payload)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    except (OSError, ValueError):
        return


def forget(root: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(_memo_path(root))


def recall(root: Path, language: str, day: datetime.date) -> tuple[str, int] | None:
    """`check`'s answer, when it was kept for the ledger as it is now; else None."""
    import hmac
    import json

    try:
        secret = read_secret(key_path())
        path = _memo_path(root)
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
        found = json.loads(payload)
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
        name, equals, value = word.partition("=")
        if name not in allowed or name in options:
            return None
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        options[name] = value
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
    if asked is None:
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
    sys.stdout.write(text)
    sys.stdout.flush()
    return code


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


def main() -> None:
    """The console script: `check`'s remembered answer, else the command line in full."""
    code = answer(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from auditledger.cli import main as everything

    everything()
