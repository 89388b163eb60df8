"""Reports rendered from Jinja templates to Markdown or HTML. May import: model, reports, render.charts.

Every value a template prints is escaped for its format: HTML by Jinja's autoescape, Markdown by
`md_escape`, applied to every expression through the environment's `finalize`. Templates are
looked up in the `--templates` folder, then the ledger's `templates` setting, then the shipped
ones, file by file. Templates that come with a ledger are data, not code: every template runs in
Jinja's immutable sandbox, which refuses to reach Python's internals.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime
import decimal
import hashlib
import os
import re
import signal
import stat
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.sandbox
from markupsafe import Markup
from pydantic import BaseModel

from auditledger import memo
from auditledger.diagnostics import AuditLedgerError, display_path
from auditledger.i18n import _
from auditledger.model import Choice, FigureStyle
from auditledger.planning import CRITERION_NAMES
from auditledger.render import charts
from auditledger.render.format import (
    counted,
    due_kind,
    due_state,
    government_rules_label,
    left_out_intro,
    money,
    ordinal,
    pct,
    people,
    prose_amount,
    prose_day,
    punctuation,
    share_rate,
    words,
)
from auditledger.reports import Kind


class Format(str, Enum):
    md = "md"
    html = "html"


def shipped_templates() -> Path:
    """The templates inside the installed package, or the repository's `templates/` when the
    package runs from a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(_("auditledger's templates are missing from the installation"))


# --- Markdown escaping -------------------------------------------------------------------

_MD_PUNCTUATION = re.compile(r"([\\`*_\[\]|~#$])")
_MD_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n|\u2028|\u2029)[ \t]*")
_MD_LINE_START = re.compile(r"^(\s*)([-+*]|=+|\d{1,9}[.)])(?=\s|$)")


_MD_ANY = re.compile(r"[\\`*_\[\]|~#$&<>\r\n\u2028\u2029]|" + _MD_LINE_START.pattern)
"""Whatever any of the rules below would change: most values hold none of it (ids, dates and
amounts start with a digit, but are no list marker: they are not looked at twice)."""


def md_escape(value: Any) -> str:
    """Text that Markdown shows as written: inline markup, HTML and table pipes escaped, line
    breaks as `<br>` so that a value never ends a paragraph, a list item or a table row."""
    if isinstance(value, Markup):
        return str(value)
    text = str(value)
    if not _MD_ANY.search(text):
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_PUNCTUATION.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(_escape_marker, text)
    return _MD_BREAK.sub("<br>", text)


def _escape_marker(match: re.Match[str]) -> str:
    """A list marker or setext underline at the start of a value, made literal."""
    space, marker = match.groups()
    if marker[-1] in ".)":
        return space + marker[:-1] + "\\" + marker[-1]
    return space + "\\" + marker


def _finalize_md(value: Any) -> str:
    return "" if value is None else md_escape(value)


def _finalize_html(value: Any) -> Any:
    return "" if value is None else value


# --- the environment ---------------------------------------------------------------------


class _Loader(jinja2.FileSystemLoader):
    """Jinja's file loader, reading only regular files that lie in their folder: a template
    that is a symbolic link (committed with a ledger, it could lead to any file, which the
    report would then print), a device or a FIFO is refused, never read."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            path = os.path.join(folder, *pieces)
            if not os.path.lexists(path):
                continue
            real = os.path.realpath(path)
            if real != os.path.join(os.path.realpath(folder), *pieces) or not stat.S_ISREG(
                os.lstat(real).st_mode
            ):
                raise AuditLedgerError(
                    _(
                        "{path}: template-unsafe: not read: a template must be a regular file in its "
                        "folder, not a symbolic link, a device or a FIFO"
                    ).format(path=display_path(Path(path))),
                    hint=_("replace it with the template file itself, or remove it"),
                )
            break
        return super().get_source(environment, template)


def environment(
    output: Format,
    lang: str,
    folders: Sequence[Path],
    style: FigureStyle | None = None,
    jurisdiction: str = "",
) -> jinja2.Environment:
    """A Jinja environment that looks in `folders` first, then in the shipped templates.

    It is sandboxed for every template, shipped or not: a ledger's template may extend or import
    the shipped ones, so they must share one environment. The sandbox checks every attribute a
    template reads; its answers are remembered per type and name (`_Sandbox.is_safe_attribute`),
    else they were most of a large report's time."""
    html = output is Format.html
    for folder in (*folders, shipped_templates()):
        memo.note("folder", folder)
    style = style or FigureStyle()
    env = _Sandbox(
        loader=_Loader([*folders, shipped_templates()]),
        bytecode_cache=_compiled_templates(output),
        undefined=jinja2.StrictUndefined,
        autoescape=html,
        finalize=_finalize_html if html else _finalize_md,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        money=money,
        pct=pct,
        rate=lambda value: share_rate(value, style),
        amount=lambda value: prose_amount(value, style, lang),
        day=lambda value: prose_day(value, style, lang),
        people=lambda count: people(count, style, lang),
        due_kind=lambda kind: due_kind(kind, lang),
        due_state=lambda row: due_state(row, lang),
        label=lambda value: value.label(lang) if isinstance(value, Choice) else str(value),
        iso=lambda value: value.isoformat() if value else "—",
        ordinal=lambda value: ordinal(value, lang),
        n=lambda count, noun: counted(count, noun, lang),
        criterion=lambda name: CRITERION_NAMES[name][0 if lang == "zh" else 1],
    )
    env.globals.update(
        t=words(lang),
        p=punctuation(lang),
        lang=lang,
        zh=lang == "zh",
        html=html,
        left_out_warning=left_out_intro,
        rules_labels=(government_rules_label(style, jurisdiction), style.internal_rules_label),
    )
    return env


_MOST_ITEMS = 1_000_000
"""The longest string or list a template may make by `*`, and the largest exponent it may use,
so that a template of a few bytes cannot fill the memory (`{{ "x" * 10**12 }}`)."""


_MOST_BITS = 1_000_000
"""The largest integer (in bits) a template's `**` may make."""
_WIDE = re.compile(r"\d{5,}|\*")
"""A width or precision of five digits or more (or given by `*`) in a format: a template of a
few bytes could make a string of gigabytes (`"{:>1000000000}"`, `"%.*f"`)."""
_SIZED_FILTERS = ("center", "indent", "wordwrap", "truncate", "format")
"""Filters whose numbers (or format) size the text they make."""


def _bounded(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10_000:
                raise jinja2.exceptions.SecurityError(
                    _("the filter {name} is asked for too large a size").format(name=name)
                )
            if name == "format" and isinstance(value, str) and _WIDE.search(value):
                raise jinja2.exceptions.SecurityError(_("a format in a template may not ask for that width"))
        return original(*args, **kwargs)

    bounded.jinja_pass_arg = getattr(original, "jinja_pass_arg", None)  # type: ignore[attr-defined]
    return bounded


_SIZING = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs", "replace", "join"})
"""Methods of a text (and filters) whose arguments size the text they make."""


def _too_long(name: str, text: str | bytes, args: Sequence[Any], kwargs: dict[str, Any]) -> bool:
    """Whether `text.name(*args, **kwargs)` would make a text of more than `_MOST_ITEMS`
    characters (`join`'s items already a list). A call that Python refuses is left to it."""
    try:
        if name in ("ljust", "rjust", "center", "zfill"):
            width = args[0] if args else kwargs.get("width", 0)
            return isinstance(width, int) and width > _MOST_ITEMS
        if name == "expandtabs":
            size = args[0] if args else kwargs.get("tabsize", 8)
            tabs = text.count("\t") if isinstance(text, str) else text.count(b"\t")
            return isinstance(size, int) and len(text) + tabs * size > _MOST_ITEMS
        if name == "replace":
            old, new = args[0], args[1]
            count = args[2] if len(args) > 2 else kwargs.get("count", -1)
            times = text.count(old) if old else len(text) + 1
            if isinstance(count, int) and count >= 0:
                times = min(times, count)
            return len(text) + times * (len(new) - len(old)) > _MOST_ITEMS
        if name == "join":
            items = args[0]
            parts = sum(len(item) for item in items if isinstance(item, str | bytes))
            return parts + len(text) * max(len(items) - 1, 0) > _MOST_ITEMS
    except (IndexError, TypeError, AttributeError):
        return False
    return False


def _sized(method: Callable[..., Any]) -> Callable[..., Any]:
    """A text's method that sizes what it makes (`ljust`, `replace`, `join`…), refused more than
    `_MOST_ITEMS` characters: a template of a few bytes could fill the memory
    (`{{ "x".ljust(10**9) }}`). Given when the method is read, as Jinja gives `str.format`, so
    that a filter calling it is bounded too."""
    name, text = method.__name__, method.__self__  # type: ignore[attr-defined]

    def sized(*args: Any, **kwargs: Any) -> Any:
        if name == "join" and args and not isinstance(args[0], list | tuple):
            args = (list(args[0]), *args[1:])
        if _too_long(name, text, args, kwargs):
            raise _text_too_long()
        return method(*args, **kwargs)

    return sized


def _text_too_long() -> jinja2.exceptions.SecurityError:
    return jinja2.exceptions.SecurityError(_("a template may not make a text that long"))


def _bounded_text(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """The filter `replace` or `join`, refused a text longer than `_MOST_ITEMS` characters."""

    def bounded(eval_ctx: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        if name == "replace" and _too_long(name, str(value), args, kwargs):
            raise _text_too_long()
        if name == "join":
            value = list(value)
            joiner = args[0] if args else kwargs.get("d", "")
            if isinstance(joiner, str) and _too_long(name, joiner, [value], {}):
                raise _text_too_long()
        return original(eval_ctx, value, *args, **kwargs)

    bounded.jinja_pass_arg = getattr(original, "jinja_pass_arg", None)  # type: ignore[attr-defined]
    return bounded


_PLAIN_VALUES = frozenset(
    {str, int, float, bool, type(None), decimal.Decimal, datetime.date, datetime.datetime, list, tuple, dict}
)
"""Values an attribute lookup in a template returns without asking the sandbox (`_Sandbox.getattr`)."""
_DICT_NAMES = frozenset(dir(dict))
_MODEL_NAMES = frozenset(name for name in dir(BaseModel) if not name.startswith("_"))
"""What pydantic gives every record besides its fields (`model_fields`, `model_copy`, `copy`,
`json`…): never a template's. Through `model_fields`, pydantic's `FieldInfo.apply_typevars_map`
evaluates any text as Python."""


def _pydantic_internal(obj: Any, attribute: str) -> bool:
    """Whether `obj.attribute` is pydantic's, not the ledger's: a name of pydantic's on a record
    or a record's class, or anything of an object of pydantic's own (a FieldInfo, a schema)."""
    if isinstance(obj, BaseModel) or (isinstance(obj, type) and issubclass(obj, BaseModel)):
        return attribute in _MODEL_NAMES
    return type(obj).__module__.partition(".")[0] in ("pydantic", "pydantic_core")


class _PlainTypes(dict[type, bool]):
    """Whether a value of a type is given at once by `_Sandbox.getattr`: a plain value, or data
    that is no function, method, code, frame or generator: a record (a pydantic model), a
    document's part (a dataclass), a code (an enumeration's member), a macro (called only as
    the sandbox allows). Attributes read from it are asked of the sandbox in their turn."""

    def __missing__(self, kind: type) -> bool:
        plain = self[kind] = (
            kind in _PLAIN_VALUES
            or issubclass(kind, Enum | BaseModel | jinja2.runtime.Macro)
            or dataclasses.is_dataclass(kind)
        )
        return plain


class _Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's sandbox (no attributes starting with `_`, no internals of functions, frames or
    code, no changing lists or dicts), with `*` and `**` kept to sizes a report can use."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.pop("lipsum", None)  # makes text of any size
        for name in _SIZED_FILTERS:
            self.filters[name] = _bounded(name, self.filters[name])
        for name in ("replace", "join"):
            self.filters[name] = _bounded_text(name, self.filters[name])
        self._safe: dict[tuple[type, str], bool] = {}
        self._plain = _PlainTypes()
        self._quick: dict[str, bool] = {}  # names that may be given at once (`getattr`)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja's answer, remembered: it depends on the attribute's name and the object's type
        alone (isinstance tests), and a report asks it for every field of every problem; at
        20,000 problems it was two thirds of the time a report took."""
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value) and not _pydantic_internal(
                obj, attr
            )
        return safe

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`obj.attribute`; a plain value (text, number, date, None, a list, tuple or dict, a
        record, a code: `_PlainTypes`) under a name not starting with `_` is given at once, and
        so is a dict's item under a name that is not a dict's method (as Jinja looks it up:
        the attribute, else the item). The sandbox refuses only names starting with `_`, and
        attributes whose values are functions, methods, code, frames or generators' internals:
        never a plain value. Everything else is asked of it. A report of 20,000 problems reads
        some 1.5 million attributes."""
        quick = self._quick.get(attribute)
        if quick is None:  # a name of the templates': a few hundred
            quick = self._quick[attribute] = not attribute.startswith("_") and attribute not in _MODEL_NAMES
        if quick:
            if type(obj) is dict and attribute not in _DICT_NAMES:
                if attribute in obj and self._plain[type(value := obj[attribute])]:
                    return value
            else:
                try:
                    value = getattr(obj, attribute)
                except AttributeError:
                    pass
                else:
                    if self._plain[type(value)]:
                        return value
        elif attribute in _MODEL_NAMES and _pydantic_internal(obj, attribute):
            return self.unsafe_undefined(obj, attribute)  # refused before it is read
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """`obj[argument]`; where that is not an item, Jinja reads the attribute: pydantic's own
        are refused before they are read (`getattr`)."""
        if isinstance(argument, str) and argument in _MODEL_NAMES and _pydantic_internal(obj, argument):
            return self.unsafe_undefined(obj, argument)
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`str.format` in a template, refused a width that would make a giant string; a text's
        method that sizes what it makes, bounded likewise (`_sized`)."""
        if not isinstance(value, types.MethodType | types.BuiltinMethodType):
            return None  # Jinja's own first test, without a call: asked for every attribute
        if value.__name__ in _SIZING and isinstance(getattr(value, "__self__", None), str | bytes):
            return _sized(value)
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        spec = str(getattr(value, "__self__", ""))
        if _WIDE.search("".join(re.findall(r"\{[^{}]*\}", spec))):
            raise jinja2.exceptions.SecurityError(_("a format in a template may not ask for that width"))
        return wrapped

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 1000:
            raise jinja2.exceptions.SecurityError(
                _("the exponent {exponent} is too large for a template").format(exponent=right)
            )
        if (
            operator == "**"
            and isinstance(left, int)
            and isinstance(right, int)
            and left.bit_length() * right > _MOST_BITS
        ):
            raise jinja2.exceptions.SecurityError(_("the power is too large for a template"))
        if operator == "*":
            sizes = [
                len(value) * other
                for value, other in ((left, right), (right, left))
                if isinstance(value, str | list | tuple) and isinstance(other, int)
            ]
            if any(size > _MOST_ITEMS for size in sizes):
                raise jinja2.exceptions.SecurityError(
                    _("a template may not repeat a text or list that often")
                )
        return super().call_binop(context, operator, left, right)


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates, in a folder of this user's that Jinja checks is private, each keyed
    by the template's path and checked against its source. A cache that cannot be written is
    no error: the template is compiled again next time."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _compiled_templates(output: Format) -> jinja2.BytecodeCache | None:
    """One cache per output format: Jinja keys compiled templates by path alone, and the same
    template (`_text.j2`) compiles to other code under HTML's autoescaping than under Markdown's
    escaping."""
    try:
        # "sandbox": code compiled for the sandbox routes every call and `*` through it;
        # code compiled by an unsandboxed version must never be loaded in its place.
        return _CompiledTemplates(pattern=f"__auditledger_sandbox_{output.value}_%s.cache")
    except (OSError, RuntimeError):  # no private temporary folder to be had
        return None


RENDER_SECONDS = 60
"""How long rendering may take (a template's loops can be made to run for ever)."""


class _TooLong(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop what runs in this block after `seconds` (where the platform has interval timers
    and this is the main thread; elsewhere no limit)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise _TooLong

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render(data: Any, kind: Kind, output: Format, lang: str, folders: Sequence[Path] = ()) -> str:
    """The report `data` rendered with the `<kind>.<format>.j2` template, its figures read in the
    style of the ledger's `figures` setting (carried by the report's heading)."""
    heading = getattr(data, "heading", None)
    env = environment(
        output,
        lang,
        folders,
        getattr(heading, "style", None),
        getattr(heading, "jurisdiction", ""),
    )
    try:
        with _time_limit(RENDER_SECONDS):
            text = _render(env, data, kind, output, lang)
    except _TooLong:
        raise AuditLedgerError(
            _("template-slow: rendering the {kind} document took more than {seconds} s").format(
                kind=kind.value, seconds=RENDER_SECONDS
            ),
            hint=_("a template's loops run too long: simplify the ledger's templates"),
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise AuditLedgerError(
            f"{exc.filename or exc.name}:{exc.lineno}: template-syntax: {exc.message}",
            hint=_("fix the template (see templates/README.md)"),
        ) from None
    except AuditLedgerError:
        raise
    except jinja2.TemplateNotFound as exc:
        raise AuditLedgerError(
            _("template {name} not found").format(name=exc.name),
            hint=_("copy it from the shipped templates into your folder"),
        ) from None
    except jinja2.exceptions.SecurityError as exc:
        raise AuditLedgerError(
            f"{_place(exc)}template-unsafe: {(exc.message or str(exc)).rstrip('.')}",
            hint=_(
                "a template may use the report's data and the filters in templates/README.md, "
                "nothing of Python's internals; remove this from the template"
            ),
        ) from None
    except jinja2.UndefinedError as exc:
        raise AuditLedgerError(
            _("{where}template error: {message}").format(where=_place(exc), message=exc.message),
            hint=_("a template uses a name the report does not have; see templates/README.md"),
        ) from None
    except UnicodeDecodeError as exc:
        raise AuditLedgerError(
            _("a template is not UTF-8 text ({reason} at byte {start})").format(
                reason=exc.reason, start=exc.start
            ),
            hint=_("save the templates as UTF-8"),
        ) from None
    except Exception as exc:
        where = _template_frame(exc)
        if where is None or Path(where[0]).is_relative_to(shipped_templates()):
            raise  # a fault of auditledger's own, not of a ledger's template
        raise AuditLedgerError(
            _("{where}template error: {message}").format(
                where=_place(exc), message=f"{type(exc).__name__}: {exc}"
            ),
            hint=_("fix the template (see templates/README.md)"),
        ) from None
    if output is Format.md:  # blank lines left by template tags; values never hold raw newlines
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The template file and line where `exc` was raised: Jinja rewrites the traceback so that
    each template's frame names its file and line."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__jinja_exception__") is exc:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _place(exc: BaseException) -> str:
    """`file:line: ` of the template that raised `exc`, when the traceback tells."""
    where = _template_frame(exc)
    return f"{display_path(Path(where[0]))}:{where[1]}: " if where else ""


def templates_digest(folders: Sequence[Path], kind: Kind, output: Format) -> str | None:
    """sha256 over the templates from `folders` (which take the place of shipped ones) that the
    document `kind` in `output` uses, by name and text; None when it uses none of them, so that a
    document made with the shipped templates says nothing of them.

    The templates used are found as Jinja finds them: from the document's own template through
    every `extends`, `import` and `include`, shipped templates included (one of them may import
    a template the ledger replaces). A name computed while rendering could be any template:
    then every template in `folders` counts."""
    env = environment(output, "zh", folders)
    own = _Loader(list(folders))
    assert env.loader is not None
    wanted = [f"{kind.value}.{output.value}.j2", *(["_report.css"] if output is Format.html else [])]
    seen: set[str] = set()
    used: dict[str, str] = {}
    while wanted:
        name = wanted.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source, filename, _uptodate = env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            continue  # rendering says so
        except UnicodeDecodeError as exc:
            path = next((folder / name for folder in folders if (folder / name).is_file()), Path(name))
            raise AuditLedgerError(
                _("{path}: a template is not UTF-8 text ({reason} at byte {start})").format(
                    path=display_path(path), reason=exc.reason, start=exc.start
                ),
                hint=_("save the templates as UTF-8"),
            ) from None
        if filename is None or not Path(filename).is_relative_to(shipped_templates()):
            used[name] = source
        if name.endswith(".css"):
            continue
        try:
            references = list(jinja2.meta.find_referenced_templates(env.parse(source, name, filename)))
        except jinja2.TemplateSyntaxError:
            continue  # rendering says where
        wanted += [r for r in references if r is not None]
        if None in references:
            wanted += own.list_templates()
    if not used:
        return None
    found = hashlib.sha256()
    for name in sorted(used):
        data = used[name].encode("utf-8")
        found.update(f"{name}\0{len(data)}\0".encode())
        found.update(data)
    return found.hexdigest()


def _render(env: jinja2.Environment, data: Any, kind: Kind, output: Format, lang: str) -> str:
    context: dict[str, Any] = {"report": data}
    if output is Format.html:
        style = env.get_template("_report.css").render()
        sha = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
        context.update(
            style=Markup(style),
            csp=f"default-src 'none'; style-src 'sha256-{sha}'; img-src data:; "
            "base-uri 'none'; form-action 'none'",
            charts=charts.for_report(data, lang),
        )
    return env.get_template(f"{kind.value}.{output.value}.j2").render(context)
