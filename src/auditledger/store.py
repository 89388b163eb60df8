"""The only module that touches YAML and the disk.

Reads go through ruamel's C-backed safe loader (floats as exact Decimals, dates left as text
for the model to parse with a position); line numbers are found afterwards, and only for
files that have diagnostics. Writes load the one file being changed in round-trip mode,
change the loaded mapping in place (comments, key order and quoting survive), and replace
the file atomically under the ledger's lock. May import: model, diagnostics, i18n.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import hashlib
import io
import itertools
import os
import re
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, DocumentStartEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver

from auditledger import i18n, memo
from auditledger.diagnostics import AuditLedgerError, Diagnostic, Pointer
from auditledger.i18n import N_, _
from auditledger.model import defaults

STATE_DIR = ".auditledger"
"""Lock and cache files live here, under the ledger root; git ignores it."""
LOCK_TIMEOUT = 10.0
MAX_FILE_BYTES = 16 * 1024 * 1024

# --- fast reads --------------------------------------------------------------------------


MAX_NUMBER_CHARS = 40
MAX_NUMBER_DIGITS = 15
"""Digits a binary float holds exactly: longer numbers are read by the careful parser."""
"""Longer numbers are no amount or count of a ledger; they are handed to the model as text."""


class _ReadConstructor(SafeConstructor):
    """Safe construction with exact amounts and dates left for the model to check."""

    def construct_yaml_float(self, node: Any) -> Any:
        text = str(node.value).replace("_", "")
        if "e" in text or "E" in text or len(text) > MAX_NUMBER_CHARS:
            # `1e999999999` is 15 bytes but 10**9 digits once printed or made an int: left as
            # text, it is refused by the model with its position before anything expands it.
            return text
        try:
            return Decimal(text)
        except InvalidOperation:
            return text  # .inf, .nan: the model refuses them with a position

    def construct_yaml_int(self, node: Any) -> Any:
        text = str(node.value)
        if len(text) > MAX_NUMBER_CHARS:
            return text  # Python refuses ints of over 4,300 digits with a bare ValueError
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        # `2024-13-01` would raise a bare ValueError without a line; as text the model
        # reports it at its position.
        return str(node.value)


_ReadConstructor.add_constructor("tag:yaml.org,2002:float", _ReadConstructor.construct_yaml_float)
_ReadConstructor.add_constructor("tag:yaml.org,2002:int", _ReadConstructor.construct_yaml_int)
_ReadConstructor.add_constructor("tag:yaml.org,2002:timestamp", _ReadConstructor.construct_yaml_timestamp)


class _Resolver(VersionedResolver):
    """YAML 1.2's implicit types, as ruamel's C-backed loader always applies them (it does
    not see a `%YAML` directive). Ruamel finds that out again for every scalar through two
    failing attribute lookups: a quarter of the time of parsing a ledger."""

    @property
    def processing_version(self) -> Any:
        return YAML_VERSION


YAML_VERSION = (1, 2)


def _reader() -> YAML:
    yaml = YAML(typ="safe", pure=False)
    yaml.Constructor = _ReadConstructor
    yaml.Resolver = _Resolver
    return yaml


class Unsafe(Exception):
    """A path that is not a regular file of the ledger, or one too large to be one."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


_KINDS = {
    stat.S_IFCHR: N_("not read: it is a character device, not a regular file"),
    stat.S_IFBLK: N_("not read: it is a block device, not a regular file"),
    stat.S_IFIFO: N_("not read: it is a FIFO (named pipe), not a regular file"),
    stat.S_IFSOCK: N_("not read: it is a socket, not a regular file"),
}
"""Why a path is not read, by the kind of file it is."""

_REASONS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
    errno.EEXIST: N_("File exists"),
    errno.EBUSY: N_("Device or resource busy"),
    errno.ENAMETOOLONG: N_("File name too long"),
    errno.ELOOP: N_("Too many levels of symbolic links"),
    errno.EIO: N_("Input/output error"),
    errno.EMFILE: N_("Too many open files"),
    errno.ENOTEMPTY: N_("Directory not empty"),
    getattr(errno, "EDQUOT", errno.ENOSPC): N_("Disk quota exceeded"),
}
"""The system's words for the usual reasons a file cannot be read or written, to translate."""


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, as the system says it (`Permission denied`), in the
    language spoken when the system's words are the usual ones."""
    said = exc.strerror or str(exc)
    known = _REASONS.get(exc.errno or 0)
    if known is not None and said == known and i18n.language() != "en":
        return _(known)
    return said


_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NON_BLOCKING = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
"""Windows' C library opens a file descriptor in text mode unless told otherwise: CR LF would
be read as LF and a byte 0x1A would end the file (a YAML file's bytes, the cache key, the
cache's records)."""
READ_CHUNK = 1 << 20


def read_bytes(path: Path, *, follow: bool = False, limit: int | None = None) -> bytes:
    """The bytes of a regular file, read without following a symbolic link (unless `follow`)
    and without waiting on a FIFO, stopping once more than `limit` (MAX_FILE_BYTES) bytes come:
    a device or a link to one reports size 0 and never ends. Unsafe with a diagnostic when the
    path is a link, a device, a FIFO or a socket, or too large; OSError when it cannot be read."""
    limit = MAX_FILE_BYTES if limit is None else limit
    flags = os.O_RDONLY | _BINARY | _NON_BLOCKING | getattr(os, "O_CLOEXEC", 0)
    flags |= 0 if follow else _NO_FOLLOW
    if not follow and not _NO_FOLLOW and path.is_symlink():  # no O_NOFOLLOW on this platform
        raise Unsafe(symlink_diagnostic(path))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) and not follow and path.is_symlink():
            raise Unsafe(symlink_diagnostic(path)) from exc
        raise
    try:
        found = os.fstat(fd)
        if stat.S_ISDIR(found.st_mode):
            raise IsADirectoryError(errno.EISDIR, _("it is a folder, not a file"), str(path))
        if not stat.S_ISREG(found.st_mode):
            why = _KINDS.get(stat.S_IFMT(found.st_mode), N_("not read: it is not a regular file"))
            raise Unsafe(
                Diagnostic(
                    path,
                    None,
                    None,
                    "not-a-file",
                    _(why),
                    _("remove it: a ledger holds only regular YAML files"),
                )
            )
        if _NON_BLOCKING:
            os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(READ_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise Unsafe(
            Diagnostic(
                path,
                None,
                None,
                "file-too-large",
                _("the file is more than {limit} bytes").format(limit=limit),
                _("split it, or check that it is a ledger file"),
            )
        )
    return b"".join(chunks)


def symlink_diagnostic(path: Path, what: Literal["file", "folder"] = "file") -> Diagnostic:
    """`symlink`: a ledger file or folder (`what`) that is a symbolic link is not read."""
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    if what == "folder":
        message = _(
            "not read: the folder is a symbolic link (to {target}), and a ledger reads only its own "
            "folders and regular files"
        )
        hint = _("replace the link with the folder itself, or remove it")
    else:
        message = _(
            "not read: the file is a symbolic link (to {target}), and a ledger reads only its own "
            "folders and regular files"
        )
        hint = _("replace the link with the file itself, or remove it")
    return Diagnostic(path, None, None, "symlink", message.format(target=target), hint)


def read_text(path: Path, *, follow: bool = False) -> tuple[str | None, list[Diagnostic]]:
    """The file's text, or a diagnostic saying why it cannot be read (see `read_bytes`)."""
    try:
        raw = read_bytes(path, follow=follow)
    except Unsafe as exc:
        return None, [exc.diagnostic]
    except OSError as exc:
        return None, [
            Diagnostic(
                path,
                None,
                None,
                "unreadable",
                os_reason(exc),
                _("check that the file exists and can be read"),
            )
        ]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Diagnostic(
                path,
                line,
                None,
                "encoding",
                _("the file is not UTF-8 text"),
                _("save it as UTF-8 (GB18030 files must be converted)"),
            )
        ]


MAX_DEPTH = 32
"""Deepest nesting of mappings and lists a ledger file may have (a problem needs about 5)."""
CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


def _line_starts(body: str) -> Callable[[str], bool]:
    """Whether a line of a text starts with what `body` matches. As two searches, for the text's
    start and after each line end, it is several times quicker than one with `^`: a pattern that
    starts with a fixed character is looked for character by character only where that is."""
    first, after = re.compile(body, re.M), re.compile(rf"\n(?:{body})", re.M)
    return lambda text: bool(first.match(text) or after.search(text))


_MARK = re.compile(r"[&*!][^\s,\[\]{}]")
_DOCUMENT = _line_starts(r"(?:---|\.\.\.)(?:\s|$)")
_INDENT = _line_starts(rf"[ ]{{{MAX_DEPTH},}}\S|(?:[ ]*[-?:][ ]+){{{MAX_DEPTH // 2},}}")


def _suspect(text: str) -> bool:
    """An anchor, alias or tag, a document marker, or nesting deep by its indentation."""
    marked = ("&" in text or "*" in text or "!" in text) and _MARK.search(text)
    return bool(marked) or _DOCUMENT(text) or _INDENT(text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def screen(path: Path, text: str) -> list[Diagnostic]:
    """Refuse what a ledger file never needs before the C loader sees it: anchors and aliases
    (an alias bomb expands when the data is walked, not when it is parsed), tags beyond YAML's
    core types (`!!python/...`, custom tags), several documents in one file, and nesting deeper
    than MAX_DEPTH (the C loader crashes the interpreter on very deep nesting).

    Only files that a quick textual test finds suspect are walked event by event; the events
    come from the C parser, which keeps no recursion and stops at the first offence.
    """
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        col = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        return [
            Diagnostic(
                path,
                line,
                col,
                "control-character",
                _("the file holds the invisible control character U+{code}").format(
                    code=f"{ord(control.group()):04X}"
                ),
                _("delete it (it often comes from text pasted from another program)"),
            )
        ]
    brackets = text.count("[") + text.count("{")
    if brackets <= MAX_DEPTH and not _suspect(text):
        return []
    depth, documents = 0, 0
    try:
        for event in YAML(typ="safe", pure=False).parse(text):
            mark = event.start_mark
            where = (mark.line + 1, mark.column + 1)
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                return [
                    Diagnostic(
                        path,
                        *where,
                        "yaml-alias",
                        _("anchors and aliases (&name, *name) are not allowed in a ledger file"),
                        _("write the value out in full where it is used"),
                    )
                ]
            tag = getattr(event, "tag", None)
            if tag is not None and _full_tag(tag) not in CORE_TAGS:
                return [
                    Diagnostic(
                        path,
                        *where,
                        "yaml-tag",
                        _("the tag {tag} is not allowed in a ledger file").format(tag=_short_tag(tag)),
                        _("remove the tag: ledger files hold plain text, numbers, dates, lists and mappings"),
                    )
                ]
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return [
                        Diagnostic(
                            path,
                            *where,
                            "multi-document",
                            _("the file holds more than one YAML document"),
                            _("remove the `---` line and merge the documents, or split them into files"),
                        )
                    ]
            elif isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return [
                        Diagnostic(
                            path,
                            *where,
                            "yaml-depth",
                            _("lists and mappings are nested more than {depth} deep").format(depth=MAX_DEPTH),
                            _("a ledger file needs only a few levels; check the indentation and brackets"),
                        )
                    ]
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except MarkedYAMLError as exc:
        return [_yaml_diagnostic(path, exc, text)]
    except (YAMLError, ValueError) as exc:
        return [_syntax_diagnostic(path, exc)]
    return []


_YAML_TAGS = "tag:yaml.org,2002:"


def _full_tag(tag: str) -> str:
    return _YAML_TAGS + tag[2:] if tag.startswith("!!") else tag


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML_TAGS) if tag.startswith(_YAML_TAGS) else tag


_NUMBER = r"([-+]?\.?[0-9][0-9_.eE+-]*)[ \t]*(?:#.*)?\r?$"
_VALUES = tuple(re.compile(rf"{lead}[ \t]*{_NUMBER}", re.M) for lead in (": ", ":\t", "- ", "-\t", "\n"))
_FIRST_VALUE = re.compile(rf"[ \t]*{_NUMBER}", re.M)
"""A plain scalar that may be a number: alone after a key or a list's dash, or alone on its
line (a value written below its key), before a comment or the line's end (CR LF too). One
pattern per way it may start (each starts with a fixed character, so is quick to look for;
one pattern for all took twice their time), and one for the text's first line."""
_INF_NAN = re.compile(r"\.(?:inf|nan)\b", re.I)
_SURROGATE = re.compile(r"\\[uU]0{0,4}[dD][89a-fA-F]")
"""An escaped UTF-16 surrogate (`"\\ud800"`), which ruamel refuses and yaml-rs pairs."""


def _needs_care(text: str) -> bool:
    """Whether the native parser might read `text` otherwise than ruamel's: where a number may
    be read differently — an exponent (`1e6` must stay text, for the model to refuse), `.inf`,
    `.nan`, underscores, more digits than a binary float holds (`0.30000000000000001` is not
    0.3), trailing zeros (`1234.50` is kept as written) — and where the two are known to differ
    otherwise: tags, flow collections (`[…]`, `{…}`), a text without a final line end (block
    scalars at its end), block scalars that keep their final line ends (`|+`), escaped
    surrogates. Numbers are looked for only where a value may stand (`_VALUES`)."""
    if "!" in text or "[" in text or "{" in text or not text.endswith("\n"):
        return True
    if "|+" in text or ">+" in text or _INF_NAN.search(text) or _SURROGATE.search(text):
        return True
    first = _FIRST_VALUE.match(text)
    found = (value.findall(text) for value in _VALUES)
    for token in itertools.chain(first.groups() if first else (), *found):
        if "e" in token or "E" in token or "_" in token:
            return True
        if "." in token and token.endswith(("0", ".")):
            return True
        if len(token) > MAX_NUMBER_DIGITS and sum(ch.isdigit() for ch in token) > MAX_NUMBER_DIGITS:
            return True
    return False


class _Differs(ValueError):
    """Native data that the careful parser would give otherwise: read with it instead."""


def _exact(data: Any) -> Any:
    """The native parser's data as the careful parser gives it: every float as the exact
    decimal it was written as (`_needs_care` keeps out the texts where the two differ); a key
    that is a number or null, or an empty block scalar (`"\\n"` natively, `""` carefully),
    sends the text to the careful parser."""
    # By exact type: the native parser makes plain dicts, lists, floats, strings, ints, bools and
    # None, and a ledger of 100,000 problems has millions of values to look at.
    kind = type(data)
    if kind is dict:
        for key, value in data.items():
            inner = type(value)
            if inner is dict or inner is list or inner is float:
                data[key] = _exact(value)
            elif inner is str and value == "\n":
                raise _Differs("an empty block scalar")
            if key is None or type(key) is float:
                raise _Differs("a number or null as a key")
        return data
    if kind is list:
        if "\n" in data:
            raise _Differs("an empty block scalar")
        return [_exact(item) if type(item) in _CONTAINERS else item for item in data]
    if kind is float:
        return Decimal(repr(data))
    return data


_CONTAINERS = frozenset((dict, list, float))


def _native_load(text: str) -> Any:
    """Parse with yaml-rs (Rust, ten times libyaml's speed): dates left as text, duplicate
    keys an error. Raises on anything it refuses; the careful parser then says where."""
    import yaml_rs

    return _exact(yaml_rs.loads(text, parse_datetime=False))


def parse(path: Path, text: str) -> tuple[Any, list[Diagnostic]]:
    """Parse YAML text into plain Python data, after `screen`: with the native parser when the
    text is well formed and holds no number it would read differently; else with ruamel's,
    which also says where a file goes wrong."""
    refused = screen(path, text)
    if refused:
        return None, refused
    body = text.removeprefix("\ufeff")  # a byte order mark starts many files saved on Windows
    if "\ufeff" not in body and not _needs_care(body):
        with contextlib.suppress(Exception):
            return _native_load(body), []
    try:
        return _reader().load(text), []
    except MarkedYAMLError as exc:
        return None, [_yaml_diagnostic(path, exc, text)]
    except (YAMLError, RecursionError, ValueError) as exc:
        return None, [_syntax_diagnostic(path, exc)]


def _syntax_diagnostic(path: Path, exc: Exception) -> Diagnostic:
    """`yaml-syntax` for an error the parser gives without a position."""
    lines = str(exc).splitlines()
    return Diagnostic(path, None, None, "yaml-syntax", lines[0] if lines else "", _("fix the YAML syntax"))


def _yaml_diagnostic(path: Path, exc: MarkedYAMLError, text: str = "") -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    problem = (exc.problem or exc.context or YAML_PROBLEMS["invalid YAML"]).strip()
    if "duplicate key" in problem:
        duplicate = _DUPLICATE.match(problem)
        if duplicate is not None:  # the parser quotes the values as Python prints them: left out
            problem = _('the key "{key}" appears twice in this mapping').format(key=duplicate[1])
        return Diagnostic(
            path, line, col, "duplicate-key", problem, _("remove or rename one of the two keys")
        )
    lines = text.splitlines()
    if line is not None and line <= len(lines) and "\t" in lines[line - 1][: (col or 1)]:
        return Diagnostic(
            path,
            line,
            col,
            "yaml-syntax",
            _("a tab indents this line"),
            _("indent with spaces: YAML does not allow tabs"),
        )
    return Diagnostic(
        path,
        line,
        col,
        "yaml-syntax",
        _(YAML_PROBLEMS[problem]) if problem in YAML_PROBLEMS else problem,
        _("fix the YAML syntax at this position (indentation, quotes, colons)"),
    )


YAML_PROBLEMS: dict[str, str] = {
    text: text
    for text in (
        N_("invalid YAML"),
        N_("mapping values are not allowed in this context"),
        N_("block sequence entries are not allowed in this context"),
        N_("did not find expected key"),
        N_("did not find expected '-' indicator"),
        N_("did not find expected ',' or ']'"),
        N_("did not find expected ',' or '}'"),
        N_("did not find expected node content"),
        N_("did not find expected <document start>"),
        N_("could not find expected ':'"),
        N_("found unexpected end of stream"),
        N_("found character that cannot start any token"),
        N_("found unknown escape character"),
        N_("found undefined tag handle"),
        N_("found a tab character that violates indentation"),
        N_("found a tab character where an indentation space is expected"),
        N_("found unexpected ':'"),
        N_("found duplicate %YAML directive"),
    )
}
"""What the YAML parser says of the usual mistakes, in its words, to translate; others are
shown as it says them."""

_DUPLICATE = re.compile(r'found duplicate key "(.*?)" with value ')


def locate(text: str, pointers: Sequence[Pointer]) -> dict[Pointer, tuple[int, int]]:
    """1-based (line, col) of each pointer, as near as the file allows.

    A pointer that ends in a mapping key points at the key; one that names something
    missing points at the deepest part that exists.
    """
    try:
        root = YAML(typ="safe", pure=False).compose(text)
    except (YAMLError, RecursionError, ValueError):
        return {}
    found: dict[Pointer, tuple[int, int]] = {}
    # Each mapping's keys, indexed once: many pointers into one mapping (10,000 unknown keys
    # in a record) must not each scan all of its keys. The first of equal keys wins, as before.
    keys: dict[int, dict[str, tuple[Node, Node]]] = {}
    for pointer in pointers:
        node: Node | None = root
        mark = root.start_mark if root is not None else None
        for step in pointer:
            if isinstance(node, MappingNode):
                index = keys.get(id(node))
                if index is None:
                    index = keys[id(node)] = {}
                    for key, value in node.value:
                        index.setdefault(str(key.value), (key, value))
                match = index.get(str(step))
                if match is None:
                    break
                mark, node = match[0].start_mark, match[1]
            elif isinstance(node, SequenceNode) and isinstance(step, int):
                if not 0 <= step < len(node.value):
                    break
                node = node.value[step]
                mark = node.start_mark
            else:
                break
        if mark is not None:
            found[pointer] = (mark.line + 1, mark.column + 1)
    return found


# --- round-trip documents ----------------------------------------------------------------


class _Representer(RoundTripRepresenter):
    def ignore_aliases(self, data: Any) -> bool:
        # A value used twice (a deadline also named in a history entry) is written out twice:
        # ledger files never hold anchors and aliases, and `screen` refuses them.
        return True

    def represent_decimal(self, data: Decimal) -> Any:
        text = format(data, "f")
        tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
        return self.represent_scalar(tag, text)


_Representer.add_representer(Decimal, _Representer.represent_decimal)


def _round_trip() -> YAML:
    """The canonical layout: 2-space mappings, list dashes indented 2, long lines kept whole."""
    yaml = YAML()
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _lf(text: str) -> str:
    """Text with CRLF line ends as LF (a lone CR, which YAML also reads as a line end, too)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


@dataclass
class Document:
    """One YAML file loaded for editing: its original bytes and its round-trip data."""

    path: Path
    original: bytes | None
    data: Any

    @classmethod
    def load(cls, path: Path) -> Document:
        """The file for editing. CRLF line ends are read as LF (ruamel would keep the CR in
        comment lines, and `dumps` would double it); `dumps` puts them back."""
        text = ""
        try:
            raw = read_bytes(path)
            text = _lf(raw.decode("utf-8-sig"))
            refused = screen(path, text)
            if refused:
                raise AuditLedgerError(
                    _("cannot edit {path}: {reason}").format(path=path, reason=refused[0].message),
                    hint=_("run `auditledger check` and fix the file first"),
                )
            return cls(path, raw, _round_trip().load(text))
        except Unsafe as exc:
            raise AuditLedgerError(
                _("cannot edit {path}: {reason}").format(path=path, reason=exc.diagnostic.message),
                hint=exc.diagnostic.hint,
            ) from exc
        except (OSError, UnicodeDecodeError, YAMLError, ValueError, RecursionError) as exc:
            if isinstance(exc, OSError):
                reason = os_reason(exc)
            elif isinstance(exc, MarkedYAMLError):  # what `check` says of it
                reason = _yaml_diagnostic(path, exc, text).message
            elif isinstance(exc, UnicodeDecodeError):
                reason = _("the file is not UTF-8 text")
            else:
                reason = str(exc)
            raise AuditLedgerError(
                _("cannot edit {path}: {reason}").format(path=path, reason=reason).splitlines()[0],
                hint=_("run `auditledger check` and fix the file first"),
            ) from exc

    @classmethod
    def new(cls, path: Path, header: Sequence[str], data: Mapping[str, Any] | BaseModel) -> Document:
        """A file that does not exist yet, with comment lines on top."""
        mapping = to_yaml(data)
        if header:
            mapping.yaml_set_start_comment("\n".join(header))
        return cls(path, None, mapping)

    def dumps(self, canonical: bool = False) -> str:
        """The document as text, with the original file's BOM and CRLF line ends if it had them,
        so that an edit changes only the lines it means to; `canonical`: LF and no BOM."""
        out = io.StringIO()
        _round_trip().dump(self.data, out)
        text = out.getvalue()
        if canonical:
            return text
        if self.original is not None and b"\r\n" in self.original:
            text = text.replace("\n", "\r\n")
        if self.original is not None and self.original.startswith(b"\xef\xbb\xbf"):
            text = "\ufeff" + text
        return text


def edit_item(
    path: Path, key: str, ident: str, edit: Callable[[CommentedMap], None]
) -> tuple[str, bytes] | None:
    """The file's text with one record of its `key` list (the one whose id is `ident`) edited
    round-trip, and the file's bytes as read; every other line kept as it is. None when the
    record's lines cannot be cut out cleanly or do not read back in place: the caller edits
    the whole document instead.

    Reading a file round-trip costs about 6 ms per kilobyte; a unit's file of 50 problems
    takes a quarter of a second, of which this reads one problem's share."""
    try:
        raw = read_bytes(path)
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, Unsafe):
        return None
    crlf = "\r" in text
    if crlf:  # CRLF throughout is edited as LF and put back; mixed line ends are not cut
        text = text.replace("\r\n", "\n")
        if "\r" in text or text.count("\n") != raw.count(b"\r\n"):
            return None
    if screen(path, text):
        return None
    try:
        root = YAML(typ="safe", pure=False).compose(text)
    except (YAMLError, RecursionError, ValueError):
        return None
    if not isinstance(root, MappingNode):
        return None
    items = next((v for k, v in root.value if k.value == key), None)
    if not isinstance(items, SequenceNode) or items.flow_style:
        return None
    index = next(
        (
            i
            for i, item in enumerate(items.value)
            if isinstance(item, MappingNode)
            and any(k.value == "id" and v.value == ident for k, v in item.value)
        ),
        None,
    )
    if index is None:
        return None
    lines = text.splitlines(keepends=True)
    item = items.value[index]
    first = item.start_mark.line
    last = items.value[index + 1].start_mark.line if index + 1 < len(items.value) else item.end_mark.line
    # Comment lines after the record that are not indented into it head what follows (the
    # next problem, or the rest of the file): they stay where they are, outside the edit.
    while last > first + 1 and _heads_next(lines[last - 1]):
        last -= 1
    if (
        item.end_mark.column not in (0, 2)
        or not lines[first].startswith("  - ")
        or item.start_mark.column != 4
    ):
        return None
    # The record's lines (with the comments below it, which ruamel keeps with it), a
    # one-item list at the same indentation as in the file.
    try:
        piece = _round_trip().load("".join(lines[first:last]))
    except (YAMLError, ValueError, RecursionError):  # the lines do not stand on their own
        return None
    if not isinstance(piece, CommentedSeq) or len(piece) != 1 or not isinstance(piece[0], CommentedMap):
        return None
    edit(piece[0])
    out = io.StringIO()
    _round_trip().dump(piece, out)
    edited = "".join(lines[:first]) + out.getvalue() + "".join(lines[last:])
    # The other lines are the file's own: the record must read back alone and in its place.
    record, found = parse(path, out.getvalue())
    after, found_after = parse(path, edited)
    if (
        found
        or found_after
        or not isinstance(record, list)
        or not isinstance(after, dict)
        or not isinstance(after.get(key), list)
        or len(after[key]) != len(items.value)
        or after[key][index] != record[0]
    ):
        return None
    if crlf:
        edited = edited.replace("\n", "\r\n")
    return ("\ufeff" if raw.startswith(b"\xef\xbb\xbf") else "") + edited, raw


def _heads_next(line: str) -> bool:
    """A blank line, or a comment line indented less than a record's keys (4 spaces)."""
    stripped = line.lstrip(" ")
    return not stripped.strip() or (stripped.startswith("#") and len(line) - len(stripped) < 4)


def canonical(path: Path) -> tuple[str, bytes] | AuditLedgerError | None:
    """The file in the canonical layout, with its original bytes, when that differs from the
    file; None when it is canonical already; the error when it cannot be formatted. The
    layout changes only the form: a file whose data would change is not formatted."""
    try:
        document = Document.load(path)
    except AuditLedgerError as exc:
        return exc
    text = document.dumps(canonical=True)
    original = document.original or b""
    if text.encode("utf-8") == original:
        return None
    before, _found = parse(path, original.decode("utf-8-sig"))
    after, found = parse(path, text)
    if found or before != after:
        return AuditLedgerError(
            _("{path}: formatting would change its data").format(path=path), hint=_("please report this file")
        )
    return text, original


def dumps(data: Any) -> str:
    """Plain data as YAML in the canonical layout (for generated files)."""
    out = io.StringIO()
    _round_trip().dump(to_yaml(data), out)
    return out.getvalue()


ALWAYS_WRITTEN = frozenset({"status", "amount", "kind"})
"""Fields written even when they hold their default, so a reader sees them."""


def record_data(record: BaseModel) -> dict[str, Any]:
    """A record as it is written: its fields in order, those holding their default left out
    but for ALWAYS_WRITTEN. Nested records stay records, so that each is written by the same
    rule wherever it sits."""
    data: dict[str, Any] = {}
    for name, default in defaults(type(record)).items():
        value = getattr(record, name)
        if name in ALWAYS_WRITTEN or value != default:
            data[name] = value
    return data


def to_yaml(value: Any) -> Any:
    """Plain data (models, enums, Decimals, dates) as ruamel round-trip nodes."""
    if isinstance(value, BaseModel):
        value = record_data(value)
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[to_yaml(key)] = to_yaml(item)
        return mapping
    if isinstance(value, list | tuple):
        return CommentedSeq(to_yaml(item) for item in value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str | int | Decimal | date | bool) or value is None:
        return value
    raise TypeError(f"cannot write {type(value).__name__} to YAML")


def update_record(mapping: CommentedMap, old: BaseModel, new: BaseModel) -> None:
    """Change a loaded mapping in place so it holds `new`, touching only changed fields.

    Unchanged keys keep their text, quoting and comments; a list that only grew gets the
    new items appended; a new key goes after its predecessor in field order.
    """
    before, after = record_data(old), record_data(new)
    order = list(type(new).model_fields)
    following = _take_following_comment(mapping)
    for key in order:
        if key in after and (key not in before or before[key] != after[key] or key not in mapping):
            _set_key(mapping, key, before.get(key), after[key], order)
        elif key in before and key not in after and key in mapping:
            del mapping[key]
    if following is not None:
        _put_following_comment(mapping, following)


def _last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel keeps the comment lines that follow `node`: the comment slot of its last
    value, of the last value of that, and so on (a comment belongs to the node before it)."""
    found: tuple[Any, Any, int] | None = None
    while isinstance(node, CommentedMap | CommentedSeq) and len(node) and not node.fa.flow_style():
        if isinstance(node, CommentedMap):
            key: Any = list(node)[-1]
            found = (node, key, 2)
        else:
            key = len(node) - 1
            found = (node, key, 0)
        node = node[key]
    return found


def _take_following_comment(mapping: CommentedMap) -> Any:
    """Detach the comment lines after a record (those heading the next record or the rest of
    the file) and give their token; the end-of-line comment of the last value stays."""
    slot = _last_slot(mapping)
    if slot is None:
        return None
    node, key, index = slot
    entry = node.ca.items.get(key)
    token = entry[index] if entry is not None and len(entry) > index else None
    if token is None or not isinstance(token.value, str) or "\n" not in token.value:
        return None
    same_line, below = token.value.split("\n", 1)
    if not below:
        return None
    if same_line:
        kept = copy.copy(token)
        kept.value = same_line + "\n"
        entry[index] = kept
    else:
        entry[index] = None
    token.value = "\n" + below
    return token


def _put_following_comment(mapping: CommentedMap, token: Any) -> None:
    """Attach comment lines taken by `_take_following_comment` after the record's last value."""
    slot = _last_slot(mapping)
    if slot is None:
        return
    node, key, index = slot
    entry = node.ca.items.setdefault(key, [None, None, None, None] if index == 2 else [None, None])
    current = entry[index]
    if current is not None and isinstance(current.value, str):
        token.value = current.value.rstrip("\n") + token.value
    entry[index] = token


def _set_key(mapping: CommentedMap, key: str, old: Any, new: Any, order: list[str]) -> None:
    current = mapping.get(key)
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and isinstance(current, CommentedSeq)
        and len(current) == len(old)
        and new[: len(old)] == old
    ):
        current.extend(to_yaml(item) for item in new[len(old) :])
        return
    if key in mapping:
        mapping[key] = to_yaml(new)
        return
    position = 0
    for earlier in order[: order.index(key)]:
        if earlier in mapping:
            position = list(mapping).index(earlier) + 1
    mapping.insert(position, key, to_yaml(new))


# --- the read cache ------------------------------------------------------------------------

CACHE_DIR = "cache"
RACY_SECONDS = 2.0
"""A file changed this recently may change again within the same mtime tick: not cached."""
CACHE_KEY_FILE = memo.KEY_FILE


@dataclass(frozen=True)
class Stamp:
    """What identifies a file's content for the cache, as git's index does: size, modification
    and change times, inode. A same-size edit whose old modification time is put back
    (`cp -p`, `touch -r`, `tar x`) still moves the change time, which no one can set.

    `doubt`: the file changed within RACY_SECONDS of the stamp, so a further change within the
    same clock tick might leave every field as it is. A stamp in doubt equals only another in
    doubt, and the cache then compares the file's content hash (`Cache.get`); once out of the
    window it no longer equals the stored stamp, and the file is read and stored anew."""

    size: int
    mtime_ns: int
    ctime_ns: int = 0
    inode: int = 0
    doubt: bool = False

    @classmethod
    def of(cls, path: Path) -> Stamp | None:
        """The file's stamp; None when it is not a regular file (a link is not followed)."""
        try:
            found = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(found.st_mode):
            return None
        changed = max(found.st_mtime_ns, found.st_ctime_ns)
        doubt = time.time_ns() - changed < RACY_SECONDS * 1e9
        return cls(found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, doubt)

    def racy(self) -> bool:
        return time.time_ns() - self.mtime_ns < RACY_SECONDS * 1e9


def cache_secret() -> bytes | None:
    """This user's key for signing cache files (`~/.cache/auditledger/cache-key`, readable by
    the user only), made anew when it is missing, damaged, not the user's own or open to others;
    None when there is nowhere safe to keep it (no home folder, not writable, or a folder that
    another user owns or may write to). Two processes making it at once each use their own: the
    loser's entries are rebuilt."""
    try:
        path = memo.key_path()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _own(os.lstat(path.parent), private=False):
            return None
        secret = memo.read_secret(path)
        if secret is not None:
            return secret
        secret = os.urandom(SECRET_BYTES)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-key.")  # mode 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(secret)
        os.replace(tmp, path)
        return secret
    except (OSError, RuntimeError, KeyError):  # no home folder, not writable, or a link
        return None


_own = memo.own


SECRET_BYTES = memo.SECRET_BYTES


class Cached(NamedTuple):
    """A file's entry as a read finds it: the sha256 of its text, its parts (each a function
    that gives the part's JSON, fetched for every file at once on first use) and a function
    that gives the JSON of what was read; None when it can no longer be read."""

    sha: str
    parts: Mapping[str, Callable[[], bytes | None]] | None
    fetch: Callable[[], bytes | None]


CACHE_FILE = "cache.sqlite"
CACHE_SCHEMA = """\
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (name TEXT PRIMARY KEY, stamp TEXT NOT NULL, sha TEXT NOT NULL, records BLOB NOT NULL,
    {parts});
CREATE TABLE checks (name TEXT PRIMARY KEY, sha TEXT NOT NULL, found BLOB NOT NULL)"""
"""The cache's tables: each ledger file's stamp, text's sha256, validated records and the parts of
its records (`model.PARTS`) as JSON, one column each; and what the checks found, per file."""
CACHE_TIMEOUT = 0.5
"""Seconds a read waits for another's write to the cache before it goes on without writing."""


def _stamp_text(stamp: Stamp) -> str:
    return f"{stamp.size}:{stamp.mtime_ns}:{stamp.ctime_ns}:{stamp.inode}:{int(stamp.doubt)}"


class Cache:
    """Validated records of the ledger's files in one SQLite database,
    `.auditledger/cache/cache.sqlite`: per file, the stamp it was stored for (`Stamp`), the
    sha256 of its text, its records as JSON and each part of them (`model.PARTS`) as JSON in a
    column of its own, so that a read that needs only the deadlines of every problem reads one
    column; and the checks' findings per file, for the file's text and the ledger's shape.

    It is never trusted with code: it holds data only (JSON, validated again when used), and a
    database not made by this user's tool (its `owner` row is an HMAC with the user's key) or of
    another shape is deleted and made anew. A database that cannot be read is the same as none.
    Deleting the folder changes no result, only speed. Readers write it without the ledger's
    lock; SQLite's own locking keeps them apart, and a read that would wait long does not write.
    """

    def __init__(self, root: Path, key: str, secret: bytes) -> None:
        self.root, self.key, self.secret = root, key, secret
        self.folder = root / STATE_DIR / CACHE_DIR
        self.path = self.folder / CACHE_FILE
        self._db: Any = None
        self._broken = False
        self._stored: dict[str, tuple[str, str]] | None = None
        """Every file's stored (stamp, sha), read at once."""
        self._columns: dict[str, dict[str, bytes]] = {}
        self.used: set[str] = set()
        self.fresh: dict[str, tuple[str, str, bytes, dict[str, bytes] | None]] = {}
        self._verified: set[str] = set()
        """Entries whose stamp is in doubt and whose file's content hash matched."""
        self._new = False
        """Made by this read, and not yet in write-ahead-log mode (`_create`)."""

    @classmethod
    def open(cls, root: Path, key: str) -> Cache | None:
        """The ledger's cache; None when there is no key, or when the cache folder is not this
        user's own or others may write to it (then it is neither read nor written)."""
        secret = cache_secret()
        if secret is None:
            return None
        cache = cls(root, key, secret)
        try:
            found = os.lstat(cache.folder)
        except FileNotFoundError:
            return cache
        except OSError:
            return None
        return cache if _own(found, private=False) else None

    def _owner(self, inode: int) -> str:
        """The owner row: an HMAC with the user's key of the tool's version, the ledger's folder
        and the database file's inode. A copy of the user's own cache (in an archive of the
        ledger sent back and forth, say) is another file, and is not trusted."""
        import hmac

        where = os.path.realpath(self.root)
        return hmac.digest(
            self.secret, f"auditledger cache\0{self.key}\0{where}\0{inode}".encode(), "sha256"
        ).hex()

    def _connect(self, create: bool) -> Any:
        """The database, checked to be this tool's for this version, or None (made anew when
        `create`). Any doubt about the file deletes it."""
        if self._db is not None or self._broken:
            return self._db
        import sqlite3

        try:
            found = os.lstat(self.path)
        except FileNotFoundError:
            found = None
        except OSError:
            self._broken = True
            return None
        if found is not None and not (stat.S_ISREG(found.st_mode) and _own(found, private=False)):
            self._discard()
        elif found is not None:
            try:
                db = sqlite3.connect(self.path, timeout=CACHE_TIMEOUT, isolation_level=None)
                db.execute("PRAGMA trusted_schema = OFF")
                # The schema first: until it is known to be ours, `meta` may be a view that never
                # ends (a recursive one), and nothing else is read.
                shape = db.execute(
                    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
                ).fetchall()
                if [row[0] for row in shape] == self._schema():
                    owner = db.execute("SELECT value FROM meta WHERE key = 'owner'").fetchone()
                    if owner == (self._owner(found.st_ino),):
                        self._db = db
                        return db
                db.close()
            except sqlite3.Error:
                pass
            self._discard()
        if not create:
            return None
        return self._create()

    @staticmethod
    def _schema() -> list[str]:
        from auditledger.model import PARTS

        columns = ", ".join(f"part_{name} BLOB" for name in PARTS)
        return [statement.strip() for statement in CACHE_SCHEMA.format(parts=columns).split(";")]

    def _create(self) -> Any:
        import sqlite3

        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the user's alone
            db = sqlite3.connect(self.path, timeout=CACHE_TIMEOUT, isolation_level=None)
            # Filled first with a rollback journal, which for a new database holds next to
            # nothing (a write-ahead log would hold all it is filled with, then copy it over);
            # the write-ahead log after that (`save`), for reads that go on while another writes.
            db.execute("PRAGMA journal_mode = DELETE")
            db.execute("PRAGMA synchronous = NORMAL")
            self._new = True
            db.execute("BEGIN IMMEDIATE")
            if db.execute("SELECT count(*) FROM sqlite_master").fetchone() != (0,):
                db.execute("ROLLBACK")  # another read made it meanwhile: use theirs next time
                db.close()
                self._broken = True
                return None
            for statement in self._schema():
                db.execute(statement)
            db.execute("INSERT INTO meta VALUES ('owner', ?)", (self._owner(os.stat(self.path).st_ino),))
            db.execute("COMMIT")
        except (OSError, sqlite3.Error):
            self._broken = True
            return None
        with contextlib.suppress(OSError):  # the files of the cache before it was a database
            for old in self.folder.rglob("*.pickle"):
                old.unlink()
        self._db = db
        return db

    def _discard(self) -> None:
        """Delete the database: damaged, made by another tool or version, or not the user's."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def _query(self, sql: str, *args: Any) -> list[Any]:
        """Rows of a read; none when the database cannot be read (it is then deleted)."""
        import sqlite3

        db = self._connect(create=False)
        if db is None:
            return []
        try:
            rows: list[Any] = db.execute(sql, args).fetchall()
            return rows
        except sqlite3.OperationalError:  # busy (another read writes it): not damaged
            return []
        except sqlite3.Error:
            self._fail()
            return []

    def _fail(self) -> None:
        with contextlib.suppress(Exception):
            self._db.close()
        self._db, self._broken = None, True
        self._discard()

    def _name(self, path: Path) -> str:
        return relative_name(self.root, path)

    def stored(self) -> dict[str, tuple[str, str]]:
        """Each file's stored stamp and sha256, by name."""
        if self._stored is None:
            self._stored = {
                name: (stamp, sha) for name, stamp, sha in self._query("SELECT name, stamp, sha FROM files")
            }
        return self._stored

    def _column(self, part: str) -> dict[str, bytes]:
        if part not in self._columns:
            self._columns[part] = dict(self._query(f"SELECT name, part_{part} FROM files"))
        return self._columns[part]

    def _part(self, part: str, name: str) -> bytes | None:
        return self._column(part).get(name)

    def _records(self, name: str) -> bytes | None:
        found = self._query("SELECT records FROM files WHERE name = ?", name)
        return found[0][0] if found else None

    def get(self, path: Path, stamp: Stamp | None) -> Cached | None:
        """The sha256 of the file's text and what was read from it, if stored for `stamp`."""
        if stamp is None:
            return None
        name = self._name(path)
        fresh = self.fresh.get(name)
        if fresh is not None:
            found: tuple[str, str] | None = fresh[:2]
        else:
            found = self.stored().get(name)
        if found is None or found[0] != _stamp_text(stamp):
            return None
        sha = found[1]
        if stamp.doubt and name not in self._verified:
            text, _ = read_text(path)
            if text is None or text_sha(text) != sha:
                return None
            self._verified.add(name)
        self.used.add(name)
        if fresh is not None:
            records, parts = fresh[2], fresh[3]
            return Cached(
                sha,
                {k: partial(lambda v: v, v) for k, v in parts.items()} if parts else None,
                partial(lambda v: v, records),
            )
        from auditledger.model import PARTS

        parts_of = {part: partial(self._part, part, name) for part in PARTS}
        return Cached(sha, parts_of, partial(self._records, name))

    def put(
        self, path: Path, stamp: Stamp | None, sha: str, records: bytes, parts: dict[str, bytes] | None = None
    ) -> None:
        """Keep what was read from a file (its records' JSON, and its parts' when a problem
        file) for its stamp; not when the file changed just now (it may change again unseen)."""
        if stamp is not None and not stamp.racy():
            self.fresh[self._name(path)] = (_stamp_text(stamp), sha, records, parts)

    def save(self, paths: Sequence[Path]) -> None:
        """Store what this read made, and forget the files that are gone, in one transaction."""
        names = {self._name(p) for p in paths}
        stale = set(self.stored()) - names if not self._broken else set()
        if not self.fresh and not stale:
            return
        import sqlite3

        from auditledger.model import PARTS

        db = self._connect(create=True)
        if db is None:
            return
        columns = ", ".join(f"part_{name}" for name in PARTS)
        marks = ", ".join("?" for _ in range(4 + len(PARTS)))
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("DELETE FROM files WHERE name = ?", [(n,) for n in sorted(stale)])
            db.executemany("DELETE FROM checks WHERE name = ?", [(n,) for n in sorted(stale)])
            db.executemany(
                f"INSERT OR REPLACE INTO files (name, stamp, sha, records, {columns}) VALUES ({marks})",
                [
                    (name, stamp, sha, records, *((parts or {}).get(part) for part in PARTS))
                    for name, (stamp, sha, records, parts) in sorted(self.fresh.items())
                ],
            )
            db.execute("COMMIT")
            if not self._logged(db):
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # into the database: no second copy beside it
        except sqlite3.OperationalError:  # another read writes: it stores the same, or this next time
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        except sqlite3.Error:
            self._fail()

    def _logged(self, db: Any) -> bool:
        """A database this read made, filled now: in write-ahead-log mode from here on."""
        if self._new:
            db.execute("PRAGMA journal_mode = WAL")
            self._new = False
            return True
        return False

    def held(self) -> set[str]:
        """The names of the files the cache holds an entry for."""
        return set(self.stored()) | set(self.fresh)

    def checks(self) -> dict[str, tuple[str, bytes]]:
        """What the checks found, by file name (the empty name: the ledger's shape), each with
        the sha256 it was found for."""
        return {name: (sha, found) for name, sha, found in self._query("SELECT name, sha, found FROM checks")}

    def put_checks(self, found: Mapping[str, tuple[str, bytes]], *, whole: bool) -> None:
        """Store the checks' findings for these files; `whole`: for every file (others go)."""
        import sqlite3

        db = self._connect(create=True)
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            if whole:
                db.execute("DELETE FROM checks")
            db.executemany(
                "INSERT OR REPLACE INTO checks VALUES (?, ?, ?)",
                [(name, sha, blob) for name, (sha, blob) in sorted(found.items())],
            )
            db.execute("COMMIT")
            self._logged(db)
        except sqlite3.OperationalError:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        except sqlite3.Error:
            self._fail()

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(Exception):
                self._db.close()
            self._db = None


KEPT_DATABASE = "query.sqlite"
KEPT_TABLE = "_kept_for"


def kept_database(root: Path, key: str, fill: Callable[[Any], object]) -> Any:
    """A read-only connection to a database kept in the cache folder for `key` (the ledger's
    tables for `query`, for one view of the ledger): the one there when it was made by this
    user's tool for this key, else one made now by `fill` (into a temporary file, then moved in
    place). None when there is no safe place to keep it (the caller then builds in memory)."""
    import hmac
    import sqlite3

    secret = cache_secret()
    folder = root / STATE_DIR / CACHE_DIR
    if secret is None:
        return None
    mark = hmac.digest(secret, key.encode("utf-8"), "sha256").hex()
    path = folder / KEPT_DATABASE
    try:
        found = os.lstat(folder)
        if not _own(found, private=False):
            return None
        kept = os.lstat(path)
        if stat.S_ISREG(kept.st_mode) and _own(kept, private=False):
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                db.execute("PRAGMA trusted_schema = OFF")
                # Tables and indexes only, before anything is read: a view may never end.
                kinds = db.execute("SELECT DISTINCT type FROM sqlite_master").fetchall()
                if {kind for (kind,) in kinds} <= {"table", "index"} and db.execute(
                    f"SELECT mark FROM {KEPT_TABLE} LIMIT 2"
                ).fetchall() == [(mark,)]:
                    return db
            except sqlite3.Error:
                pass
            db.close()
    except OSError:
        pass
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _own(os.lstat(folder), private=False):
            return None
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".query.", suffix=".tmp")
        os.close(fd)
        try:
            db = sqlite3.connect(tmp)
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            fill(db)
            db.execute(f"CREATE TABLE {KEPT_TABLE} (mark TEXT NOT NULL)")
            db.execute(f"INSERT INTO {KEPT_TABLE} VALUES (?)", (mark,))
            db.commit()
            db.close()
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except (OSError, sqlite3.Error):
        return None


# --- where data came from ----------------------------------------------------------------


def read_mapping(path: Path) -> dict[str, str]:
    """A small YAML mapping of text to text (an import's column mapping)."""
    text, found = read_text(path, follow=True)  # a file the user named, not a ledger file
    if text is not None:
        data, found = parse(path, text)
        if not found and isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
            return {str(k): v for k, v in data.items()}
    message = (
        _("{path}: not a mapping of column headers to field names ({diagnostic})").format(
            path=path, diagnostic=found[0].render()
        )
        if found
        else _("{path}: not a mapping of column headers to field names").format(path=path)
    )
    raise AuditLedgerError(message, hint=_("write one `表头: field` per line, e.g. `问题概述: title`"))


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest(root: Path, shas: Mapping[Path, str]) -> str:
    """sha256 over the files' paths (relative to `root`) and the sha256 of their texts, in path order."""
    sha = hashlib.sha256()
    for path in sorted(shas, key=lambda p: p.as_posix()):
        try:
            name = relative_name(root, path)
        except ValueError:  # not under the root
            name = path.as_posix()
        sha.update(name.encode("utf-8") + b"\0" + shas[path].encode("ascii") + b"\0")
    return sha.hexdigest()


def relative_name(root: Path, path: Path) -> str:
    """`path` relative to `root`, written with '/'; by its text when it starts with the root's
    (pathlib's relative_to costs more than the rest of a warm read of a thousand files)."""
    text, prefix = str(path), str(root)
    if text.startswith(prefix) and text[len(prefix) : len(prefix) + 1] == os.sep:
        name = text[len(prefix) + 1 :]
        return name if os.sep == "/" else name.replace(os.sep, "/")
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.resolve().relative_to(root.resolve()).as_posix()


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise AuditLedgerError(
            _("cannot run git: {reason}").format(reason=exc), hint=_("install git")
        ) from exc


def git_checkout(root: Path, revision: str, into: Path) -> Path:
    """The ledger folder as it was at `revision`, written out under `into`; its root there."""
    import tarfile

    prefix = _git(root, "rev-parse", "--show-prefix")
    if prefix.returncode != 0:
        raise AuditLedgerError(
            _("{root} is not in a git repository").format(root=root),
            hint=_("the ledger's history is read from git"),
        )
    # A revision is verified as a commit before git sees it anywhere else, so that a value such
    # as `--output=FILE` is never taken for an option of `git archive`.
    resolved = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    commit = resolved.stdout.decode("ascii", "replace").strip()
    if resolved.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40,64}", commit):
        raise AuditLedgerError(
            _("git cannot read revision '{revision}': no such commit, branch or tag").format(
                revision=revision
            ),
            hint=_("name a commit, branch or tag, e.g. HEAD~1"),
        )
    archive = _git(root, "archive", "--format=tar", commit, "--", ".")
    if archive.returncode != 0:
        message = archive.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AuditLedgerError(
            _("git cannot read revision '{revision}': {reason}").format(
                revision=revision, reason=message[-1] if message else _("unknown error")
            ),
            hint=_("name a commit, branch or tag, e.g. HEAD~1"),
        )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into  # git archive names entries relative to the folder it runs in


def git_head(root: Path) -> str:
    """The commit HEAD names ("" outside git or before the first commit)."""
    found = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    return found.stdout.decode("ascii", "replace").strip() if found.returncode == 0 else ""


def recent_commits(root: Path, count: int = 20) -> list[tuple[str, str, str]]:
    """The latest commits of the ledger's repository as (short id, day, subject), newest first;
    none outside git."""
    found = _git(root, "log", f"-{count}", "--date=short", "--format=%h%x09%ad%x09%s", "--", ".")
    if found.returncode != 0:
        return []
    lines = found.stdout.decode("utf-8", "replace").splitlines()
    return [(parts[0], parts[1], parts[2]) for line in lines if len(parts := line.split("\t", 2)) == 3]


def git_commit_possible(root: Path) -> None:
    """Refuse at start what `git_commit` could not do: a ledger outside git."""
    if _git(root, "rev-parse", "--show-prefix").returncode != 0:
        raise AuditLedgerError(
            _("{root} is not in a git repository").format(root=root),
            hint=_("run `git init` in the ledger's folder, or leave out --git-commit"),
        )


def git_commit(root: Path, paths: Sequence[Path], message: str, author: str) -> str:
    """Commit exactly `paths` (files of the ledger just written) as one commit by `author`,
    whatever else is staged or changed; returns the commit's id."""
    git_commit_possible(root)
    names = [str(path) for path in paths]
    email = "auditledger@localhost"
    added = _git(root, "add", "--", *names)
    done = _git(
        root,
        "-c", f"user.name={author}",
        "-c", f"user.email={email}",
        "commit", "--quiet", "--no-verify", f"--author={author} <{email}>",
        "-m", message, "--only", "--", *names,
    )  # fmt: skip
    if added.returncode != 0 or done.returncode != 0:
        reason = (added.stderr or done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
        raise AuditLedgerError(
            _("the change was written but git did not commit it: {reason}").format(
                reason=reason[-1] if reason else _("unknown error")
            ),
            hint=_("commit it yourself with git"),
        )
    return _git(root, "rev-parse", "HEAD").stdout.decode().strip()


_SNAPSHOTS: list[tempfile.TemporaryDirectory[str]] = []
"""Ledgers written out from git (`git_snapshot`); removed at exit."""

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def git_snapshot(root: Path, revision: str) -> Path:
    """The ledger as committed at `revision` (a commit, branch or tag, or a day YYYY-MM-DD for
    the last commit on or before it), written out to a temporary folder that goes at exit; the
    working tree is not touched."""
    if _git(root, "rev-parse", "--show-prefix").returncode != 0:
        raise AuditLedgerError(
            _("--at {revision}: the ledger {root} is not in a git repository").format(
                revision=revision, root=root
            ),
            hint=_("--at reads the ledger as committed in git; without git, leave it out"),
        )
    if ISO_DAY.match(revision):
        try:
            date.fromisoformat(revision)
        except ValueError:
            raise AuditLedgerError(
                _("--at {revision}: not a valid day").format(revision=revision),
                hint=_("write a day as YYYY-MM-DD, e.g. 2026-09-30"),
            ) from None
        found = _git(root, "rev-list", "-1", f"--before={revision} 23:59:59", "HEAD")
        if found.returncode != 0 or not found.stdout.strip():
            raise AuditLedgerError(
                _("--at {revision}: no commit of the ledger on or before that day").format(revision=revision),
                hint=_("`git log` lists the commits and their dates"),
            )
        revision = found.stdout.decode().strip()
    resolved = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    if not revision or revision.startswith("-") or resolved.returncode != 0:
        raise AuditLedgerError(
            _("--at '{revision}': git knows no such commit, branch or tag here").format(revision=revision),
            hint=_(
                "name a commit, branch or tag (e.g. HEAD~1, v2025) or a day YYYY-MM-DD "
                "(a tag that looks like a day is taken as the day)"
            ),
        )
    commit = resolved.stdout.decode().strip()
    if _git(root, "cat-file", "-e", f"{commit}:./").returncode != 0:
        raise AuditLedgerError(
            _("--at {revision}: the ledger's folder did not exist in that commit ({commit})").format(
                revision=revision, commit=commit[:12]
            ),
            hint=_("name a later commit"),
        )
    folder = tempfile.TemporaryDirectory(prefix="auditledger-at-")
    _SNAPSHOTS.append(folder)
    return git_checkout(root, commit, Path(folder.name).resolve())


# --- writing files -----------------------------------------------------------------------


def write_atomic(path: Path, text: str | bytes, *, expected: bytes | None, follow: bool = False) -> None:
    """Replace `path` with `text` so that a crash leaves the old file or the new, never half,
    and a change made to the file by hand while the command ran is never lost.

    `expected` is the file's content when it was read for editing (None for a new file). The
    file is compared with it before anything is written and again right before the rename
    (a new file is linked into place, which fails if one appeared meanwhile); after the rename
    the old file, still held by a hard link, is compared once more, catching a write by a
    program that had it open: then it is put back. Any of these refuses the write (exit 2).
    `follow`: `path` may be a symbolic link (an output the user named, not a ledger file).
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    tmp: Path | None = None
    try:
        _unchanged(path, expected, follow)
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = path.stat().st_mode & 0o7777 if expected is not None else _default_mode()
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if expected is None:
            _link_new(tmp, path, follow)
        else:
            _replace_unchanged(tmp, path, expected, data, follow)
        tmp = None
        _fsync_dir(path.parent)
    except OSError as exc:
        raise AuditLedgerError(
            _("could not write {path}: {reason}").format(path=path, reason=os_reason(exc)),
            hint=_("free disk space or fix permissions; the file was left as it was"),
        ) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _changed(path: Path) -> AuditLedgerError:
    return AuditLedgerError(
        _("{path} changed on disk while it was being edited").format(path=path),
        hint=_("run the command again; nothing was written"),
    )


def _current(path: Path, follow: bool) -> bytes | None:
    """The file's bytes now, None when there is no file."""
    try:
        return read_bytes(path, follow=follow)
    except FileNotFoundError:
        return None
    except Unsafe as exc:
        raise AuditLedgerError(
            _("cannot write {path}: {reason}").format(path=path, reason=exc.diagnostic.message),
            hint=exc.diagnostic.hint,
        ) from exc


def _unchanged(path: Path, expected: bytes | None, follow: bool) -> None:
    if _current(path, follow) != expected:
        raise _changed(path)


def _link_new(tmp: Path, path: Path, follow: bool) -> None:
    """Put a new file in place, unless a file appeared there meanwhile."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise _changed(path) from None
    except OSError:  # no hard links here (some network and FAT file systems)
        _unchanged(path, None, follow)
        os.replace(tmp, path)
        return
    tmp.unlink()


HANDOFF_SECONDS = 0.005
"""How long after a rename the old file is watched for a write by a program that had it open."""


def _replace_unchanged(tmp: Path, path: Path, expected: bytes, data: bytes, follow: bool) -> None:
    """Rename `tmp` over `path` if `path` still holds `expected`; afterwards check that no
    program wrote to the old file meanwhile, and put it back if one did."""
    held: Path | None = None
    if not (follow and path.is_symlink()):
        held = tmp.with_name(tmp.name.removesuffix(".tmp") + ".old.tmp")
        try:
            os.link(path, held)
        except OSError:  # no hard links here: the comparison before the rename must do
            held = None
    try:
        if held is not None and os.lstat(held).st_ino != os.lstat(path).st_ino:
            raise _changed(path)  # replaced by another file since the link was made
        if _current(held or path, follow) != expected:
            raise _changed(path)
        os.replace(tmp, path)
        if held is not None:
            time.sleep(HANDOFF_SECONDS)  # a program that opened the old file just before writes now
        if held is None or read_bytes(held) == expected:
            return
        # A program that had the file open wrote to it after the comparison: its change would
        # be lost with the old file, so the old file goes back, if nothing changed ours since.
        if _current(path, follow) == data:
            os.replace(held, path)
            held = None
            raise _changed(path)
        kept = held.with_name(held.name.removesuffix(".old.tmp") + ".kept")
        os.replace(held, kept)
        held = None
        raise AuditLedgerError(
            _(
                "{path} changed on disk while it was being written; the version with that change "
                "is kept as {kept}"
            ).format(path=path, kept=kept),
            hint=_("compare the two files, merge the change into {name}, and delete {kept}").format(
                name=path.name, kept=kept.name
            ),
        )
    finally:
        if held is not None:
            with contextlib.suppress(OSError):
                held.unlink()


# --- writing several files as one --------------------------------------------------------

JOURNAL = "journal.json"
"""The journal of a write of several files under way, in the state folder (see `write_all`)."""
KILL_BEFORE_RENAME = "AUDITLEDGER_TEST_KILL_BEFORE_RENAME"
"""For the crash tests only: a number N makes the process kill itself before the Nth rename
of a write of several files (one more than the files: before the journal is removed)."""


@dataclass
class _Staged:
    """One file of a write of several: its new content in a temporary file beside it, and the
    old content held under another name (a hard link, or a copy without hard links)."""

    path: Path
    data: bytes
    expected: bytes | None
    tmp: Path
    held: Path | None = None
    linked: bool = False  # `held` is a hard link to the file, not a copy
    renamed: bool = False


def write_all(root: Path, writes: Sequence[tuple[Path, str | bytes, bytes | None]]) -> None:
    """Write several files so that the ledger ends either as it was or with every file new,
    whatever stops the command: call it under `locked(root)`.

    Each `(path, text, expected)` is as for `write_atomic`. Every new file is staged first (a
    fsynced temporary file in its folder) and every old one held under another name (a hard
    link); a journal naming them all (`.auditledger/journal.json`) is fsynced; then the files
    are renamed into place and the journal removed. A refusal or an error midway puts the
    renamed files back; a crash leaves the journal, and the next command that takes the lock
    (`locked`, which every write and, when a journal is there, every read takes) finishes the
    write or undoes it (`recover`). A hand edit made meanwhile is refused as `write_atomic` does.
    """
    pending = [
        (path, text.encode("utf-8") if isinstance(text, str) else text, expected)
        for path, text, expected in writes
    ]
    pending = [(path, data, expected) for path, data, expected in pending if data != expected]
    if len(pending) <= 1:  # one rename is atomic by itself
        for path, data, expected in pending:
            write_atomic(path, data, expected=expected)
        return
    staged: list[_Staged] = []
    made: list[Path] = []
    current = pending[0][0]
    try:
        for path, data, expected in pending:
            current = path
            _unchanged(path, expected, False)
            made += _make_folders(path.parent)
            staged.append(_stage(path, data, expected))
        for folder in {s.path.parent for s in staged}:
            _fsync_dir(folder)
        _write_journal(root, staged, made)
    except OSError as exc:
        _discard(staged, made)
        raise AuditLedgerError(
            _("could not write {path}: {reason}").format(path=current, reason=os_reason(exc)),
            hint=_("free disk space or fix permissions; the ledger was left as it was"),
        ) from exc
    except AuditLedgerError:
        _discard(staged, made)
        raise
    try:
        for number, item in enumerate(staged, 1):
            current = item.path
            _crash_point(number)
            _rename_staged(item)
        for folder in {s.path.parent for s in staged}:
            _fsync_dir(folder)
        for item in staged:  # a program that had an old file open and wrote to it meanwhile
            if item.linked and item.held is not None and read_bytes(item.held) != item.expected:
                current = item.path
                raise _changed(item.path)
    except (OSError, AuditLedgerError) as exc:
        error = (
            exc
            if isinstance(exc, AuditLedgerError)
            else AuditLedgerError(
                _("could not write {path}: {reason}").format(path=current, reason=os_reason(exc)),
                hint=_("free disk space or fix permissions; the ledger was left as it was"),
            )
        )
        try:
            kept = _roll_back(staged, made)
        except OSError as again:
            raise AuditLedgerError(
                _("could not write {path}: {reason}; putting the files back failed too: {again}").format(
                    path=current,
                    reason=error.message if isinstance(exc, AuditLedgerError) else os_reason(exc),
                    again=os_reason(again),
                ),
                hint=_("the next auditledger command undoes the write ({journal})").format(
                    journal=root / STATE_DIR / JOURNAL
                ),
            ) from exc
        _remove_journal(root)
        if kept:
            raise AuditLedgerError(
                _("{message}; the version of {files} with a change made meanwhile is kept beside it").format(
                    message=error.message, files=i18n.listed(str(k) for k in kept)
                ),
                hint=_("compare the files, merge the change, and delete the kept copy"),
            ) from exc
        raise error from exc
    _crash_point(len(staged) + 1)
    _remove_journal(root)
    _discard(staged, [])


def _make_folders(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; the ones created, outermost first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def _stage(path: Path, data: bytes, expected: bytes | None) -> _Staged:
    """The new content of `path` in a temporary file beside it, its old content held."""
    mode = path.stat().st_mode & 0o7777 if expected is not None else _default_mode()
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    item = _Staged(path, data, expected, Path(tmp_name))
    try:
        _fill(item, fd, mode)
    except BaseException:
        _discard([item], [])
        raise
    return item


def _fill(item: _Staged, fd: int, mode: int) -> None:
    path, data, expected = item.path, item.data, item.expected
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(item.tmp, mode)
    if expected is None:
        return
    item.held = item.tmp.with_name(item.tmp.name.removesuffix(".tmp") + ".old.tmp")
    try:
        os.link(path, item.held)
        item.linked = True
    except OSError:  # no hard links here: keep a copy of the old content to put back
        with open(item.held, "xb") as handle:
            handle.write(expected)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(item.held, mode)
    if _current(item.held, False) != expected:  # changed before the link was made
        raise _changed(path)


def _rename_staged(item: _Staged) -> None:
    """Put one staged file in place, unless its file changed since it was read."""
    if item.expected is None:
        _link_new(item.tmp, item.path, False)
    else:
        assert item.held is not None
        if item.linked and os.lstat(item.held).st_ino != os.lstat(item.path).st_ino:
            raise _changed(item.path)
        if _current(item.held if item.linked else item.path, False) != item.expected:
            raise _changed(item.path)
        os.replace(item.tmp, item.path)
    item.renamed = True


def _roll_back(staged: list[_Staged], made: list[Path]) -> list[Path]:
    """Put back the old files of the renamed ones; the paths whose new file was changed by
    someone meanwhile are left, with their old version kept as `NAME.kept` beside them."""
    kept = []
    for item in reversed(staged):
        if not item.renamed:
            continue
        if _current(item.path, False) != item.data:
            if item.held is not None:
                target = item.path.with_name(item.path.name + ".kept")
                os.replace(item.held, target)
                kept.append(target)
            continue
        if item.held is None:
            item.path.unlink()
        else:
            os.replace(item.held, item.path)
            item.held = None
        item.renamed = False
    for folder in {s.path.parent for s in staged}:
        _fsync_dir(folder)
    _discard(staged, made)
    return kept


def _discard(staged: list[_Staged], made: list[Path]) -> None:
    """Remove the temporary files of a write, and the folders it created if they are empty."""
    for item in staged:
        for leftover in (item.tmp, item.held):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    leftover.unlink()
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _crash_point(number: int) -> None:
    wanted = os.environ.get(KILL_BEFORE_RENAME)
    if wanted and wanted.isdigit() and int(wanted) == number:
        import signal

        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
        os._exit(137)  # pragma: no cover - where SIGKILL does not exist


def _name(root: Path, path: Path) -> str:
    """A path in the journal: relative to the ledger root (a write of several files writes
    only inside the ledger). Both made absolute first: the temporary files are named absolute,
    and a ledger named by a relative path (`init rd/demo`) is not."""
    return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()


def _sha(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _write_journal(root: Path, staged: list[_Staged], made: list[Path]) -> None:
    import json

    record = {
        "version": 1,
        "folders": [_name(root, f) for f in made],
        "files": [
            {
                "path": _name(root, s.path),
                "tmp": _name(root, s.tmp),
                "held": None if s.held is None else _name(root, s.held),
                "old": _sha(s.expected),
                "new": _sha(s.data),
            }
            for s in staged
        ],
    }
    folder = root / STATE_DIR
    folder.mkdir(exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{JOURNAL}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(json.dumps(_signed(record), ensure_ascii=False, indent=1).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, folder / JOURNAL)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(folder)


def _remove_journal(root: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (root / STATE_DIR / JOURNAL).unlink()
    _fsync_dir(root / STATE_DIR)


def journal_pending(root: Path) -> bool:
    """Whether a write of several files was interrupted (or is under way) in this ledger."""
    return (root / STATE_DIR / JOURNAL).exists()


def settle(root: Path) -> None:
    """Before a read without the lock: when a journal says a write of several files is under
    way or was interrupted, wait for the lock, so that the write is finished or undone first
    and the ledger is read before or after it, never halfway."""
    if journal_pending(root):
        with locked(root):
            pass


def recover(root: Path) -> str | None:
    """Finish or undo the write of several files that the journal names, under the lock:
    finished when every file not yet renamed still has its staged new content and is as it
    was; else undone when every renamed file can get its old content back; else refused.
    Returns what was done ("finished", "undone"), None when there was no journal."""
    import json

    journal = root / STATE_DIR / JOURNAL
    for leftover in (root / STATE_DIR).glob(f".{JOURNAL}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()
    try:
        raw = read_bytes(journal)
    except FileNotFoundError:
        return None
    except Unsafe as exc:
        raise _unrecoverable(journal, exc.diagnostic.message) from exc
    except OSError as exc:
        raise _unrecoverable(journal, os_reason(exc)) from exc
    try:
        record = _verified(json.loads(raw))
        entries = [
            (
                _inside(root, item["path"]),
                _inside(root, item["tmp"]),
                None if item["held"] is None else _inside(root, item["held"]),
                item["old"],
                item["new"],
            )
            for item in record["files"]
        ]
        folders = [_inside(root, name) for name in record["folders"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise _unrecoverable(journal, _("it cannot be read ({reason})").format(reason=exc)) from exc

    def sha_of(path: Path | None) -> str | None:
        if path is None:
            return None
        try:
            return _sha(read_bytes(path))
        except FileNotFoundError:
            return None
        except Unsafe as exc:
            reason = exc.diagnostic.message
            raise _unrecoverable(
                journal, _("{path} cannot be read ({reason})").format(path=path, reason=reason)
            ) from exc
        except OSError as exc:
            reason = os_reason(exc)
            raise _unrecoverable(
                journal, _("{path} cannot be read ({reason})").format(path=path, reason=reason)
            ) from exc

    states = [(path, tmp, held, old, new, sha_of(path)) for path, tmp, held, old, new in entries]
    if all(now == new or (now == old and sha_of(tmp) == new) for _, tmp, _, old, new, now in states):
        done = "finished"
        for path, tmp, _held, _old, new, now in states:
            if now != new:
                if not path.parent.is_dir():
                    path.parent.mkdir(parents=True)
                os.replace(tmp, path)
    elif all(
        now == old or (now == new and (old is None or sha_of(held) == old))
        for _, _, held, old, new, now in states
    ):
        done = "undone"
        for path, _tmp, held, old, _new, now in states:
            if now != old:
                if held is None:
                    path.unlink()
                else:
                    os.replace(held, path)
        for folder in reversed(folders):
            with contextlib.suppress(OSError):
                folder.rmdir()
    else:
        changed = [str(path) for path, _tmp, _held, old, new, now in states if now not in (old, new)]
        raise _unrecoverable(
            journal,
            _("files changed since: {files}").format(files=i18n.listed(changed))
            if changed
            else _("files changed since: the staged new files are gone"),
        )
    for folder in {path.parent for path, *_rest in states if path.parent.is_dir()}:
        _fsync_dir(folder)
    for _path, tmp, held, *_rest in states:
        for leftover in (tmp, held) if held is not None else (tmp,):
            with contextlib.suppress(OSError):
                leftover.unlink()
    _remove_journal(root)
    return done


def _journal_mac(record: Any) -> str | None:
    import hmac
    import json

    secret = cache_secret()
    if secret is None:
        return None
    body = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hmac.new(secret, b"auditledger journal\n" + body, "sha256").hexdigest()


def _signed(record: dict[str, Any]) -> dict[str, Any]:
    """The journal as written: signed with this user's key (the read cache's), so that a journal
    that came with the ledger (committed, copied) is never acted on."""
    return {"journal": record, "hmac": _journal_mac(record)}


def _verified(data: Any) -> Any:
    import hmac

    expected = _journal_mac(data.get("journal")) if isinstance(data, dict) else None
    given = data.get("hmac") if isinstance(data, dict) else None
    if expected is None or not isinstance(given, str) or not hmac.compare_digest(expected, given):
        raise ValueError(
            _("it was not written by auditledger for this user (copied or committed with the ledger?)")
        )
    return data["journal"]


def _inside(root: Path, name: Any) -> Path:
    """A path the journal names, which must lie in the ledger: relative, and reached through no
    symbolic link (a committed link could otherwise lead a write anywhere)."""
    if not isinstance(name, str) or not name or name.startswith("/") or ".." in name.split("/"):
        raise ValueError(_("'{name}' is not a path inside the ledger").format(name=name))
    path = root / name
    if os.path.realpath(path) != os.path.join(os.path.realpath(root), *name.split("/")):
        raise ValueError(_("'{name}' leads out of the ledger through a symbolic link").format(name=name))
    return path


def _unrecoverable(journal: Path, why: str) -> AuditLedgerError:
    return AuditLedgerError(
        _("a write of several files was interrupted and cannot be finished or undone: {why}").format(why=why),
        hint=_(
            "compare the files named in {journal} with git (`git status`), fix them, then delete {journal}"
        ).format(journal=journal),
    )


def make_folder(path: Path) -> None:
    """Create a folder (and its parents) for a new ledger."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AuditLedgerError(
            _("could not create {path}: {reason}").format(path=path, reason=os_reason(exc)),
            hint=_("choose another folder"),
        ) from exc


def is_folder(path: Path) -> bool:
    """Whether `path` is a folder (following symlinks)."""
    return path.is_dir()


def write_output(path: Path, text: str | bytes, ledger: Path | None = None) -> None:
    """Write a report or an export (not a ledger file): atomically, replacing whatever is there.
    Into a folder that exists: a mistyped folder is an error, not a tree of new folders. Never
    over the ledger's own files (`ledger`: its root): its YAML files, a year folder's files or
    its state folder, which only edits write, under the lock."""
    if ledger is not None:
        real, root = Path(os.path.realpath(path)), Path(os.path.realpath(ledger))
        if real.is_relative_to(root):
            parts = real.relative_to(root).parts
            if (
                real.suffix.lower() in (".yaml", ".yml")
                or parts[0] == STATE_DIR
                or (len(parts) > 1 and re.fullmatch(r"\d{4}", parts[0]))
            ):
                raise AuditLedgerError(
                    _("will not write {path}: it is one of the ledger's own files or folders").format(
                        path=path
                    ),
                    hint=_(
                        "choose an --output outside the ledger's YAML files, year folders and "
                        "{state}/, e.g. a reports/ folder"
                    ).format(state=STATE_DIR),
                )
    if not path.parent.is_dir():
        raise AuditLedgerError(
            _("could not write {path}: the folder {folder} does not exist").format(
                path=path, folder=path.parent
            ),
            hint=_("create the folder first, or choose another --output"),
        )
    if os.path.exists(path) and not os.path.isfile(path):
        raise AuditLedgerError(
            _("could not write {path}: it is not a regular file (a folder, a device or a FIFO)").format(
                path=path
            ),
            hint=_("choose another --output"),
        )
    # An output is replaced whatever it holds (it may be larger than any ledger file): a
    # temporary file beside it, synced, then renamed over it, with its mode kept.
    data = text.encode("utf-8") if isinstance(text, str) else text
    path = Path(os.path.realpath(path))  # through a link, to the file it names
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode) if os.path.exists(path) else _default_mode()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    except OSError as exc:
        raise AuditLedgerError(
            _("could not write {path}: {reason}").format(path=path, reason=os_reason(exc)),
            hint=_("choose another --output"),
        ) from exc


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def locked(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the ledger's write lock: a separate lock file, since data files get replaced.
    A second writer waits up to `timeout` (LOCK_TIMEOUT) seconds, then gives up."""
    from filelock import FileLock, Timeout

    lock_path = root / STATE_DIR / "lock"
    lock = FileLock(lock_path, timeout=LOCK_TIMEOUT if timeout is None else timeout)
    try:
        lock_path.parent.mkdir(exist_ok=True)
        lock.acquire()
    except Timeout as exc:
        raise AuditLedgerError(
            _("another auditledger command is writing this ledger (lock {lock})").format(lock=lock_path),
            hint=_("wait and retry; if no other command runs, delete {lock}").format(lock=lock_path),
        ) from exc
    except OSError as exc:
        raise AuditLedgerError(
            _("cannot take the ledger's lock {lock}: {reason}").format(lock=lock_path, reason=os_reason(exc)),
            hint=_("check that the ledger folder is writable"),
        ) from exc
    try:
        recover(root)  # before the leftovers go: a journal names some of them
        remove_leftovers(root)
        yield
    finally:
        lock.release()


def remove_leftovers(root: Path) -> list[Path]:
    """Delete the temporary files that writes killed midway left behind (`.NAME.XXXX.tmp`
    beside ledger files). Call only under the lock: then no write is under way."""
    removed: list[Path] = []
    try:
        folders = [root, *(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))]
    except OSError:
        return removed
    for folder in folders:
        for leftover in folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()
                removed.append(leftover)
    return removed


def package_data(name: str) -> Any:
    """A YAML data file shipped inside the package (`auditledger/data/NAME`), parsed; a broken
    one is the program's fault, so it raises."""
    from importlib.resources import files

    text = files("auditledger").joinpath("data", name).read_text(encoding="utf-8")
    data, errors = parse(Path(name), text)
    if errors:
        raise AuditLedgerError(errors[0].render())
    return data
