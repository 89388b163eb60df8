"""The `serve` command: the workbench in a local browser (`auditledger.web`)."""

from typing import Annotated

import typer

from auditledger.cli import command, state
from auditledger.diagnostics import AuditLedgerError
from auditledger.i18n import _


@command("serve")
def serve(
    port: Annotated[int, typer.Option(min=1, max=65535, help="The port to listen on.")] = 8765,
    host: Annotated[
        str,
        typer.Option(
            help="The address to listen on: 127.0.0.1 (this computer only). Any other address "
            "needs a token, --token or one made up and printed at start."
        ),
    ] = "127.0.0.1",
    edit: Annotated[
        bool, typer.Option("--edit", help="Allow the everyday changes; without it every change is refused.")
    ] = False,
    token: Annotated[
        str | None, typer.Option(help="A secret every request must carry (the address printed has it).")
    ] = None,
    git_commit: Annotated[
        str | None,
        typer.Option(
            "--git-commit", metavar="NAME", help="Make each change one git commit by NAME (with --edit)."
        ),
    ] = None,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the workbench in the browser.")] = False,
) -> None:
    """Browse the ledger in a local web page, and with --edit make the everyday changes (工作台)."""
    import secrets

    from auditledger import memo

    memo.long_lived()  # it reads the ledger again and again: nothing read is frozen

    try:
        import uvicorn

        from auditledger.web.app import Workbench, address, create_app, needs_token
    except ImportError as exc:
        raise AuditLedgerError(
            _("the workbench needs Starlette and uvicorn: {reason}").format(reason=exc),
            hint=_("install them: pip install 'auditledger[serve]'"),
        ) from None
    if git_commit is not None and not edit:
        raise AuditLedgerError(_("--git-commit needs --edit"), hint=_("add --edit to make changes"))
    if git_commit is not None and not git_commit.strip():
        raise AuditLedgerError(_("--git-commit: give the name the commits are made by"))
    root = state().root()
    if token is None and needs_token(host):
        token = secrets.token_urlsafe(24)
    if git_commit is not None:
        from auditledger import store

        store.git_commit_possible(root)
    bench = Workbench(root, edit=edit, token=token, author=git_commit)
    url = address(host, port, token)
    typer.echo(_("auditledger workbench for {root}: {url}").format(root=root, url=url), err=True)
    typer.echo(
        _("changes allowed (--edit)") if edit else _("read-only: start with --edit to make changes"), err=True
    )
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, [url]).start()  # once the server listens
    uvicorn.run(create_app(bench), host=host, port=port, log_level="warning")
