"""The command line in the user's language: chosen before a command runs (global `--lang`,
else $AUDITLEDGER_LANG, else the ledger's `language`, else Chinese), then applied to every help
text, to the help's own words and to the parser's messages, which Typer writes in English.

`LedgerGroup` is the root command: it chooses the language, translates the command tree it is
about to run, and turns the parser's mistakes into one line of ours. `extract_help` gives Babel
the help texts, which live in docstrings and `help=` arguments, for the catalog.
May import: i18n, places, diagnostics.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import typer
import typer.core
from typer._click.core import Command, Context
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer._click.formatting import HelpFormatter
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param

from auditledger import i18n, places
from auditledger.diagnostics import AuditLedgerError
from auditledger.i18n import N_, _

GLOBAL_OPTIONS_WITH_VALUE = ("--ledger", "-L", "--lang")
HELP_OPTIONS = ["-h", "--help"]

# Typer's own few words go through gettext: send them to our catalog, which holds them.
typer.core._ = i18n._  # type: ignore[attr-defined]
TYPER_WORDS = (
    N_("Options"),
    N_("Arguments"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("Aborted!"),
    N_("(dynamic)"),
)


def global_options(argv: Sequence[str]) -> tuple[dict[str, str], str | None]:
    """The global options' values before the command word (`--ledger DIR`, `--lang=en`), and
    the command word."""
    found: dict[str, str] = {}
    words = iter(argv)
    for word in words:
        name, equals, value = word.partition("=")
        if name in GLOBAL_OPTIONS_WITH_VALUE:
            value = value if equals else next(words, "")
            found["--ledger" if name == "-L" else name] = value
        elif not word.startswith("-"):
            return found, word
    return found, None


def choose(argv: Sequence[str]) -> None:
    """Speak the language the command asks for, the environment says, or the ledger declares."""
    given, _command = global_options(argv)
    ledger = given.get("--ledger")
    language, source = places.chosen_language(given.get("--lang"), Path(ledger) if ledger else None)
    i18n.use(language, source=source)


def unknown_environment_language() -> AuditLedgerError | None:
    """$AUDITLEDGER_LANG set to a language there is no catalog for."""
    value = os.environ.get(i18n.ENVIRONMENT)
    if value is None or value == "" or value in i18n.LANGUAGES:
        return None
    return AuditLedgerError(
        _("{variable}: '{value}' is not a language of auditledger").format(
            variable=i18n.ENVIRONMENT, value=value
        ),
        hint=_("set it to zh or en, or unset it"),
    )


def unreadable_worker_count() -> AuditLedgerError | None:
    """$AUDITLEDGER_WORKERS set to something that is not a number of processes."""
    from auditledger import memo

    value = memo.unreadable_workers()
    if value is None:
        return None
    return AuditLedgerError(
        _("{variable}: '{value}' is not a number of processes").format(
            variable=memo.WORKERS_VARIABLE, value=value
        ),
        hint=_("set it to 0 to read in one process, or to a number of processes, or unset it"),
    )


def cells(text: str) -> int:
    """Columns the text takes on a terminal: a Chinese character takes two."""
    if text.isascii():  # most of a help's words: one column a character
        return len(text)
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text
    )


_WIDE = "\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_TOKEN = re.compile(rf"`[^`\s][^`]*`\s*|[^\s{_WIDE}]+\s*|.\s*")
_NO_LINE_START = set("，。、；：？！）》」』】”’,.;:?!)%（(")
_NO_LINE_END = set("（《「『【“‘(")


def wrap(text: str, width: int, indent: str = "", first: str | None = None) -> list[str]:
    """One paragraph broken into lines of at most `width` columns: between words, and between
    Chinese characters (never before a closing punctuation mark)."""
    tokens: list[str] = []
    for token in _TOKEN.findall(" ".join(text.split())):
        if tokens and (token[0] in _NO_LINE_START or tokens[-1][-1] in _NO_LINE_END):
            tokens[-1] += token
        else:
            tokens.append(token)
    lines: list[str] = []
    line = first if first is not None else indent
    used = cells(line)
    start = len(line)
    for token in tokens:
        size = cells(token.rstrip())
        if used + size > width and len(line) > start:
            lines.append(line.rstrip())
            line, used = indent, cells(indent)
            start = len(line)
        line += token
        used += cells(token)
    lines.append(line.rstrip())
    return lines


def paragraphs(text: str) -> list[str]:
    """A help text's paragraphs, each one line; lines of Chinese join without a space."""
    found = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        joined = ""
        for line in lines:
            if joined and not (cells(joined[-1]) == 2 and cells(line[0]) == 2):
                joined += " "
            joined += line
        found.append(joined)
    return found


class LedgerFormatter(HelpFormatter):
    """Help in the language being spoken, with type names a person reads, laid out by the
    columns characters take (a Chinese character takes two)."""

    TYPE_NAMES: ClassVar[dict[str, str]] = {
        "str": N_("text"),
        "int": N_("number"),
        "float": N_("number"),
        "dir": N_("folder"),
        "file": N_("file"),
        "path": N_("path"),
    }
    _TYPE = re.compile(r"<(?:list\[)?(str|int|float|dir|file|path)(?: range)?\]?>")
    USAGE_WORDS: ClassVar[dict[str, str]] = {
        "[OPTIONS]": N_("[OPTIONS]"),
        "COMMAND [ARGS]...": N_("COMMAND [ARGS]..."),
    }

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for words, message in self.USAGE_WORDS.items():
            args = args.replace(words, _(message))
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        titled = _("{heading}:").format(heading=heading)
        self.write(f"{'':>{self.current_indent}}{titled}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for number, paragraph in enumerate(paragraphs(text)):
            if number:
                self.write("\n")
            self.write("\n".join(wrap(paragraph, self.width, indent)) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        named = [
            (self._TYPE.sub(lambda m: f"<{_(self.TYPE_NAMES[m[1]])}>", term), text) for term, text in rows
        ]
        first_col = min(max((cells(term) for term, _text in named), default=0), col_max) + col_spacing
        pad = " " * (first_col + self.current_indent)
        for term, text in named:
            head = f"{'':>{self.current_indent}}{term}"
            if not text:
                self.write(head + "\n")
                continue
            if cells(term) <= first_col - col_spacing:
                head += " " * (first_col - cells(term))
            else:
                self.write(head + "\n")
                head = pad
            lines: list[str] = []
            for paragraph in paragraphs(text):
                lines += wrap(paragraph, self.width, pad, head if not lines else None)
            self.write("\n".join(lines) + "\n")


class LedgerContext(Context):
    formatter_class = LedgerFormatter


def commands(root: Command) -> Iterator[Command]:
    """The command and every command under it."""
    yield root
    if isinstance(root, typer.core.TyperGroup):
        for sub in root.commands.values():
            yield from commands(sub)


def help_texts(root: Command) -> Iterator[tuple[object, str, str]]:
    """Every help text of the tree, as (owner, attribute, text): commands' help, short help and
    epilog, and each option's and argument's help, the `-h` option's included."""
    for command in commands(root):
        for attribute in ("help", "short_help", "epilog"):
            text = getattr(command, attribute, None)
            if text:
                yield command, attribute, text
        helper = command.get_help_option(SimpleNamespace(help_option_names=HELP_OPTIONS))  # type: ignore[arg-type]
        for param in [*command.params, *([helper] if helper is not None else [])]:
            text = getattr(param, "help", None)
            if text:
                yield param, "help", text


def translate(root: Command) -> None:
    """Put the tree's help in the language being spoken (the tree is built for one run)."""
    for owner, attribute, text in list(help_texts(root)):
        setattr(owner, attribute, _(text))
    for command in commands(root):
        command.context_class = LedgerContext
        helper = command.get_help_option(SimpleNamespace(help_option_names=HELP_OPTIONS))  # type: ignore[arg-type]
        for param in [*command.params, *([helper] if helper is not None else [])]:
            if isinstance(param, typer.core.TyperArgument) and param.metavar is None and param.name:
                param.metavar = param.name.upper()  # an argument to type, as usage lines name them
            if isinstance(param, typer.core._TyperParameter) and param._runtime_param is None:
                param._runtime_param = Deferred.of(param)
        if command.help and not command.short_help:
            command.short_help = summary(command.help)


@dataclass(frozen=True)
class Deferred(RuntimeParam):
    """A parameter's conversion, built by Typer when a value comes to convert. Typer builds a
    pydantic TypeAdapter for every parameter it reads, even one that was not given, so that
    `auditledger check --help` imported pydantic (40 ms) to read the global options' absent
    values; an absent value (None) is now taken as it is, as Typer's own conversion takes it."""

    descriptor: TypeDescriptor

    @classmethod
    def of(cls, param: typer.core._TyperParameter) -> Deferred:
        found = param.type_descriptor
        return cls(parameter_info=found.parameter_info, annotation=found.annotation, descriptor=found)

    def _coerce_value(self, value: Any, param: typer.core._TyperParameter, ctx: Context) -> Any:
        built = build_runtime_param(self.descriptor)
        param._runtime_param = built
        return built._coerce_value(value, param=param, ctx=ctx)


def summary(text: str) -> str:
    """A help text's first sentence, for the list of commands (whole: the list wraps it,
    where Click would cut it at 45 characters, which is 90 columns of Chinese)."""
    first = paragraphs(text)[0] if text.strip() else ""
    return re.split(r"(?<=[.;:])\s+(?=\S)|(?<=[。；：])", first, maxsplit=1)[0].rstrip(".。；;：: ")


def extract_help(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[Any]:
    """A Babel extractor (see babel.cfg) for the file that builds the command line: its own
    messages, then every help text of the command line, as Typer builds them from docstrings
    and `help=`."""
    from babel.messages.extract import extract_python

    from auditledger.cli import app

    yield from extract_python(fileobj, keywords, comment_tags, options)
    seen: set[str] = set()
    for _owner, _attribute, text in help_texts(typer.main.get_command(app)):
        if text not in seen:
            seen.add(text)
            yield 0, None, text, []


# The parser's mistakes, said again in our words -----------------------------------------


def _hint(ctx: Context | None) -> str:
    if ctx is None:
        return ""
    return _("run '{command} -h' for help").format(command=ctx.command_path)


def _option(exc: UsageError) -> str:
    hint = getattr(exc, "param_hint", None)
    param = getattr(exc, "param", None)
    if hint is None and param is not None and exc.ctx is not None:
        hint = param.get_error_hint()
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    return str(hint or "").replace("'", "")


def _value(exc: BadParameter) -> str | None:
    from pydantic import ValidationError  # only when a value was wrong: pydantic is slow to load

    cause = exc.__cause__
    if isinstance(cause, ValidationError):
        errors = cause.errors()
        if errors:
            value = errors[0].get("input")
            return None if value is None else str(value)
    found = re.match(r"(?:Value )?'(.*)' is not", exc.message)
    return found[1] if found else None


def _choices(exc: BadParameter) -> list[str]:
    param = exc.param
    choices = getattr(getattr(param, "type_descriptor", None), "choices", None)
    return [str(getattr(c, "value", c)) for c in choices or ()]


_PATH = re.compile(
    r"(File|Directory|Dir|Path) '(.*)' "
    r"(does not exist|is a file|is a directory|is not readable|is not writable)\.",
    re.IGNORECASE,
)
_PATH_MESSAGES = {
    "does not exist": N_("{option}: '{path}' does not exist"),
    "is a file": N_("{option}: '{path}' is a file, not a folder"),
    "is a directory": N_("{option}: '{path}' is a folder, not a file"),
    "is not readable": N_("{option}: '{path}' cannot be read"),
    "is not writable": N_("{option}: '{path}' cannot be written"),
}


def _bad_parameter(exc: BadParameter) -> tuple[str, str]:
    option = _option(exc)
    if isinstance(exc, MissingParameter):
        if exc.param_type == "argument" or (
            exc.param is not None and exc.param.param_type_name == "argument"
        ):
            return _("missing argument {argument}").format(argument=option), ""
        return _("missing option {option}").format(option=option), ""
    path = _PATH.search(exc.message)
    if path:
        return _(_PATH_MESSAGES[path[3]]).format(option=option, path=path[2]), ""
    value = _value(exc)
    choices = _choices(exc)
    if value is not None and choices:
        return (
            _("{option}: '{value}' is not a valid value").format(option=option, value=value),
            _("use one of: {choices}").format(choices=i18n.listed(choices)),
        )
    if value is not None and "integer" in exc.message:
        return _("{option}: '{value}' is not a whole number").format(option=option, value=value), ""
    if value is not None:
        return _("{option}: '{value}' is not a valid value").format(option=option, value=value), ""
    return _("{option}: {message}").format(option=option, message=exc.message), ""


_COMMAND = re.compile(r"No such command '(.*)'\.(?: Did you mean (.*)\?)?$")
_EXTRA = re.compile(r"Got unexpected extra argument\(s\) \((.*)\)$")


def mistake(exc: UsageError) -> AuditLedgerError:
    """The parser's mistake as one line of ours, with a hint: how to get help, or the fix."""
    help_hint = _hint(exc.ctx)
    message, hint = exc.format_message(), ""
    if isinstance(exc, NoSuchOption):
        message = _("no such option: {option}").format(option=exc.option_name)
        if exc.possibilities:
            hint = _("did you mean {options}?").format(options=", ".join(sorted(exc.possibilities)))
    elif isinstance(exc, BadParameter):
        message, hint = _bad_parameter(exc)
    elif isinstance(exc, BadOptionUsage):
        if "does not take a value" in exc.message:
            message = _("{option} takes no value").format(option=exc.option_name)
        elif "requires" in exc.message:
            message = _("{option} needs a value").format(option=exc.option_name)
    elif found := _COMMAND.match(exc.message):
        message = _("no such command: '{command}'").format(command=found[1])
        if found[2]:
            named = re.sub(r"'([^']*)'", i18n.pick(r"“\1”", r"'\1'"), found[2])
            hint = _("did you mean {commands}?").format(commands=named)
    elif exc.message == "Missing command.":
        message = _("missing command")
    elif found := _EXTRA.match(exc.message):
        message = _("unexpected extra arguments: {arguments}").format(arguments=found[1])
    if hint and help_hint:
        hint = _("{message}; {hint}").format(message=hint, hint=help_hint)
    return AuditLedgerError(message, hint=hint or help_hint)


def undecodable(argv: list[str]) -> AuditLedgerError | None:
    """An argument whose bytes are not UTF-8 (Python keeps them as lone surrogates, which no
    file, report or terminal can take): refused before any command runs."""
    for position, word in enumerate(argv, start=1):
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:
            shown = word.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            return AuditLedgerError(
                _("argument {position} ({shown}) is not UTF-8 text").format(
                    position=position, shown=repr(shown)
                ),
                hint=_("set the terminal to UTF-8 (e.g. LANG=C.UTF-8) and type it again"),
            )
    return None


class LedgerGroup(typer.core.TyperGroup):
    """The root command: chooses the language, translates the tree, says the parser's
    mistakes in one line."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        import sys

        argv = list(sys.argv[1:] if args is None else args)
        choose(argv)
        wrong = undecodable(argv)
        if wrong is not None:
            for line in wrong.lines():
                typer.echo(line, err=True)
            raise SystemExit(wrong.exit_code)
        translate(self)
        return super().main(argv, *rest, **options)

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        with _said():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Context) -> Any:
        with _said():
            return super().invoke(ctx)


@contextlib.contextmanager
def _said() -> Iterator[None]:
    """Turns a parser's mistake into our one line and exit 2."""
    try:
        yield
    except NoArgsIsHelpError:
        raise
    except UsageError as exc:
        for line in mistake(exc).lines():
            typer.echo(line, err=True)
        raise typer.Exit(exc.exit_code) from None
