"""The `auditledger` command line: parse, call one function, render, set the exit code.

Every command runs inside one error boundary: a user mistake prints one line (or the
diagnostics) and exits non-zero, never a traceback. May import anything.
"""

import copy
import functools
import gc
import inspect
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.models import CommandInfo, TyperInfo

from auditledger import __version__
from auditledger.cli.language import (
    LedgerGroup,
    global_options,
    unknown_environment_language,
    unreadable_worker_count,
)
from auditledger.cli.options import Lang
from auditledger.diagnostics import AuditLedgerError
from auditledger.i18n import N_, _
from auditledger.memo import few_collections, utf8_output

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="auditledger",
    help=N_("A ledger of audit-found problems and their rectification."),
    cls=LedgerGroup,
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

INTERNAL_ERROR = 70


@dataclass
class State:
    ledger: Path | None = None
    debug: bool = False

    def root(self) -> Path:
        from auditledger.loader import find_root

        return find_root(self.ledger)


_state = State()


def state() -> State:
    """The global options of the running command."""
    return _state


def _version(value: bool) -> None:
    if value:
        typer.echo(f"auditledger {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ledger: Annotated[
        Path | None,
        typer.Option(
            "--ledger",
            "-L",
            help="The ledger folder (default: $AUDITLEDGER_LEDGER, "
            "./ledgers, or the nearest folder upwards holding auditledger.yaml).",
            file_okay=False,
        ),
    ] = None,
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            help="Language of messages, help, tables and documents (default: $AUDITLEDGER_LANG, "
            "which documents do not follow; else the ledger's setting; else zh).",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of internal errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    global _state
    _state = State(ledger=ledger, debug=debug)
    wrong = unknown_environment_language() if lang is None else None
    if (wrong := wrong or unreadable_worker_count()) is not None:
        for line in wrong.lines():
            typer.echo(line, err=True)
        raise typer.Exit(wrong.exit_code)


def command(name: str | None = None, target: typer.Typer | None = None, **kwargs: Any) -> Callable[[F], F]:
    """Register a command (on `app`, or on the sub-command group `target`) inside the error boundary."""

    def register(function: F) -> F:
        @functools.wraps(function)
        def guarded(*args: Any, **kw: Any) -> Any:
            try:
                return function(*args, **kw)
            except AuditLedgerError as exc:
                for line in exc.lines():
                    typer.echo(line, err=True)
                raise typer.Exit(exc.exit_code) from None
            except (typer.Exit, typer.Abort, typer.BadParameter, KeyboardInterrupt):
                raise
            except BrokenPipeError:
                # the reader stopped reading (`auditledger list | head`): nothing more to say
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                raise typer.Exit(1) from None
            except Exception as exc:
                if state().debug:
                    raise
                typer.echo(
                    _(
                        "auditledger: internal error ({error}); this is a bug: please report it "
                        "with the command you ran, and run it again with --debug for the traceback"
                    ).format(error=f"{type(exc).__name__}: {exc}"),
                    err=True,
                )
                raise typer.Exit(INTERNAL_ERROR) from None

        (target or app).command(name, **kwargs)(guarded)
        return function

    return register


def invoked(argv: list[str]) -> str | None:
    """The command (or command group) named in `argv`, skipping the global options."""
    return global_options(argv)[1]


def only(name: str | None) -> None:
    """Keep on `app` just the command or group `name`, when it is one: Typer inspects the
    signature of every registered command at each start, which is most of a command's start-up.
    When the line names none (`auditledger --help`, a mistyped command), every command is kept
    as the list of commands shows it, by name and help, without reading its parameters."""
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if commands or groups:
        app.registered_commands, app.registered_groups = commands, groups
    else:
        app.registered_commands = [_listed(c) for c in app.registered_commands]
        app.registered_groups = [_listed_group(g) for g in app.registered_groups]


def _listed(command: CommandInfo) -> CommandInfo:
    """`command` as the list of commands shows it: its name, help and flags, no parameters."""
    assert command.callback is not None
    shown = copy.copy(command)
    shown.name = command.name or typer.main.get_command_name(command.callback.__name__)
    if command.help is None:
        shown.help = inspect.getdoc(command.callback)
    shown.callback = _not_run
    return shown


def _listed_group(group: TyperInfo) -> TyperInfo:
    """A group of commands as the list of commands shows it (`_listed`)."""
    assert group.typer_instance is not None
    shown, commands = copy.copy(group), copy.copy(group.typer_instance)
    commands.registered_commands = [_listed(c) for c in commands.registered_commands]
    commands.registered_groups = [_listed_group(g) for g in commands.registered_groups]
    shown.typer_instance = commands
    return shown


def _not_run() -> None:
    """A listed command (`_listed`) is never run: the line that runs one names it."""
    raise AssertionError("a command kept only for the list of commands was run")


def main() -> None:
    """The console script."""
    utf8_output()
    few_collections()
    # What start-up made (Typer's modules and ours, thousands of objects) lives to the end: out
    # of the collector's sight, neither its passes nor its last one at exit go over it again
    # (that last one was 5 ms of `--help`).
    gc.freeze()
    everything = app.registered_commands, app.registered_groups
    if not any(key.endswith("_COMPLETE") for key in os.environ):  # completion needs them all
        only(invoked(sys.argv[1:]))
    try:
        app(prog_name="auditledger")
    finally:
        app.registered_commands, app.registered_groups = everything


# The command modules register themselves on `app` when imported.
import auditledger.cli.analysis  # noqa: E402
import auditledger.cli.browse  # noqa: E402
import auditledger.cli.interchange  # noqa: E402
import auditledger.cli.ledger  # noqa: E402
import auditledger.cli.oversight  # noqa: E402
import auditledger.cli.report  # noqa: E402
import auditledger.cli.serve  # noqa: E402
import auditledger.cli.workflow  # noqa: E402, F401

__all__ = ["app", "command", "main", "state"]
