"""The workbench's pages and forms as a Starlette application (`create_app`).

Every request reads the ledger afresh through the loader (whose cache re-reads only the files
that changed, so a hand edit shows on the next request) and the as-of view; every form goes
through `edits.change_problem` / `edits.change_year` with the functions of `workflow` the
command line calls, so a change is validated, locked and written atomically the same way, and
refused with the same words.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
import markupsafe
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from auditledger import edits, i18n, reports, store, workflow
from auditledger.deadlines import Due, Level, watch
from auditledger.diagnostics import AuditLedgerError, did_you_mean
from auditledger.documents import refused_for_errors
from auditledger.i18n import _, ngettext
from auditledger.labels import field_label
from auditledger.model import (
    FIRST_DAY,
    LAST_DAY,
    Ledger,
    Problem,
    RectificationType,
    RectifyMethod,
    Row,
    Status,
    TrackingMethod,
    YearMeta,
    defaults,
    money_from_text,
)
from auditledger.parsing import choice, iso_date

HERE = Path(__file__).resolve().parent
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SESSION_COOKIE = "auditledger_session"
TOKEN_COOKIE = "auditledger_token"
LANG_COOKIE = "auditledger_lang"
MAX_UPLOAD = 50 * 1024 * 1024
"""The largest evidence file a form takes (50 MB)."""

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
"""Every page of the workbench: its own style sheet, no script, forms only to itself."""
DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
"""A rendered report (its style is inline; the document's own policy narrows it to its hash)."""


@dataclass
class Workbench:
    """How the workbench was started."""

    root: Path
    edit: bool = False
    token: str | None = None
    """Every request carries it (query `token=`, then a cookie); None: bound to this computer only."""
    author: str | None = None
    """`--git-commit NAME`: each change is one commit by NAME."""
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    snapshots: dict[tuple[str, str], Path] = field(default_factory=dict)
    """Git revisions already written out (`at=` of every page), by revision and HEAD."""

    def csrf(self, session: str) -> str:
        return hmac.new(self.secret, session.encode(), hashlib.sha256).hexdigest()


class Refused(Exception):
    """A request the workbench turns away before reading anything: status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- one request -------------------------------------------------------------------------


@dataclass
class View:
    """What one request reads: the ledger as it stood on `day` (at git revision `at`)."""

    request: Request
    bench: Workbench
    day: date
    at: str | None
    lang: str
    ledger: Ledger
    errors: int
    session: str
    kept: dict[str, str]
    """The query parameters every link keeps: as_of, at, lang."""
    refusal: list[str] = field(default_factory=list)
    """Why the change sent was refused (shown at the top of the page)."""
    status: int = 200

    def link(self, path: str, **extra: Any) -> str:
        params = {**self.kept, **{k: str(v) for k, v in extra.items() if v not in (None, "", False)}}
        return path + ("?" + urlencode(params) if params else "")

    @property
    def editable(self) -> bool:
        """Forms are shown: started with --edit, and the page shows the working tree."""
        return self.bench.edit and self.at is None


def _guard(request: Request, bench: Workbench) -> None:
    """The token rule, and no other site's page reading this one (DNS rebinding)."""
    if bench.token is None:
        host = (request.url.hostname or "").strip("[]")
        if host not in LOCAL_HOSTS:
            raise Refused(403, _("this workbench answers only on this computer (127.0.0.1)"))
        return
    given = (
        request.query_params.get("token")
        or request.cookies.get(TOKEN_COOKIE)
        or request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    )
    if not given or not hmac.compare_digest(given.encode(), bench.token.encode()):
        raise Refused(401, _("this workbench needs its token: open the address printed when it started"))


def _session(request: Request) -> str:
    found = request.cookies.get(SESSION_COOKIE, "")
    return found if len(found) == 43 else secrets.token_urlsafe(32)


def _read(bench: Workbench, at: str | None) -> Path:
    """The ledger's folder: the working tree, or a revision written out from git, kept while
    the repository's HEAD stays where it was (HEAD~1 or a day names another commit after a
    commit)."""
    if at is None:
        return bench.root
    key = (at, store.git_head(bench.root))
    if key not in bench.snapshots:
        bench.snapshots[key] = store.git_snapshot(bench.root, at)
    return bench.snapshots[key]


def _open(request: Request, bench: Workbench, session: str) -> View:
    from auditledger.asof import ledger_on
    from auditledger.loader import load

    query = request.query_params
    asked = query.get("lang") or request.cookies.get(LANG_COOKIE)
    at = query.get("at") or None
    as_of = query.get("as_of") or None
    if asked in i18n.LANGUAGES:
        i18n.use(asked)  # before anything can be refused
    root = _read(bench, at)
    ledger, diagnostics = load(root, disk=False)
    lang = asked if asked in i18n.LANGUAGES else ledger.settings.language.value
    i18n.use(lang)
    day = iso_date(as_of, _("as of")) if as_of else date.today()
    kept = {k: v for k, v in (("as_of", as_of), ("at", at), ("lang", query.get("lang"))) if v}
    errors = sum(d.is_error for d in diagnostics)
    return View(request, bench, day, at, lang, ledger_on(ledger, day), errors, session, kept)


# --- rendering ---------------------------------------------------------------------------

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.globals.update(_=lambda message: i18n._(message), ngettext=lambda s, p, n: i18n.ngettext(s, p, n))


def _html(view: View | None, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    from auditledger import __version__

    context["view"] = view
    if view is not None:
        context.update(
            money=_money,
            money_text=lambda text: _money(Decimal(text)),
            shown=lambda value, name="", model=None: _shown(view, value, name, model),
            due_label=lambda row: _due_label(view, row),
            kind_label=lambda kind: _kind_label(view, kind),
            unit_name=view.ledger.unit_name,
            csrf=view.bench.csrf(view.session),
        )
    if view is not None:
        context["commits"] = store.recent_commits(view.bench.root)
    page = _ENV.get_template(template).render(version=__version__, lang=i18n.language(), **context)
    response = HTMLResponse(page, status_code=view.status if view is not None and view.refusal else status)
    _secure(response, PAGE_POLICY)
    if view is not None:
        response.set_cookie(SESSION_COOKIE, view.session, httponly=True, samesite="strict")
        if view.bench.token is not None and view.request.query_params.get("token") == view.bench.token:
            response.set_cookie(TOKEN_COOKIE, view.bench.token, httponly=True, samesite="strict")
        if view.request.query_params.get("lang") in i18n.LANGUAGES:
            response.set_cookie(LANG_COOKIE, view.lang, httponly=True, samesite="strict")
    return response


def _secure(response: Response, policy: str) -> None:
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"


def _money(value: Decimal) -> str:
    from auditledger.render.format import money

    return money(value)


def _shown(view: View, value: Any, name: str, model: type[Any] | None) -> str:
    from auditledger.render.text import shown

    return shown(value, view.lang, field=name, model=model, ledger=view.ledger)


def _kind_label(view: View, kind: str) -> str:
    from auditledger.render.format import KINDS

    return KINDS[kind][0 if view.lang == "zh" else 1]


def _due_label(view: View, row: Due) -> str:
    """Overdue or due soon in words, not colour alone: 逾期 12 天 / 还有 3 天."""
    from auditledger.render.format import REASONS

    days = row.days_overdue
    if days > 0:
        text = ngettext("{count} day overdue", "{count} days overdue", days).format(count=days)
    elif days == 0:
        text = _("due today")
    else:
        text = ngettext("due in {count} day", "due in {count} days", -days).format(count=-days)
    if row.reason is not None:
        text += " — " + REASONS[row.reason][0 if view.lang == "zh" else 1]
    return text


def _error_page(view: View | None, status: int, lines: list[str], back: str | None = None) -> HTMLResponse:
    return _html(view, "refused.html", status, lines=lines, back=back)


# --- the endpoints -----------------------------------------------------------------------

Page = Callable[[View], Response]
Change = Callable[[View, FormData], str]


_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="auditledger-workbench")
"""Every read and write of the ledger runs here, one at a time: the language spoken is one
setting of the process, and yaml-rs (the native parser) has crashed the interpreter when
called from a new thread after another that called it had ended."""


async def _in_worker(work: Callable[[], Response]) -> Response:
    return await asyncio.get_running_loop().run_in_executor(_WORKER, work)


def page(build: Page) -> Callable[[Request], Awaitable[Response]]:
    """A page: the token rule, the ledger read as of the day asked, an error said as a page."""

    def respond(request: Request) -> Response:
        bench: Workbench = request.app.state.bench
        try:
            _guard(request, bench)
        except Refused as refused:
            return _plain_refusal(refused)
        session = _session(request)
        try:
            view = _open(request, bench, session)
        except AuditLedgerError as exc:
            return _error_page(None, 400, exc.lines(), back="/")
        try:
            return build(view)
        except AuditLedgerError as exc:
            return _error_page(view, 404 if isinstance(exc, Missing) else 400, exc.lines(), view.link("/"))

    async def endpoint(request: Request) -> Response:
        return await _in_worker(lambda: respond(request))

    return endpoint


def change(act: Change, again: Page) -> Callable[[Request], Awaitable[Response]]:
    """A form: the token rule, read-only refusal, CSRF, then the change. A refused change shows
    the form's page (`again`) as the ledger is now, with the same words the command line says
    at its top; nothing is written."""

    def respond(request: Request, form: FormData) -> Response:
        bench: Workbench = request.app.state.bench
        try:
            _guard(request, bench)
        except Refused as refused:
            return _plain_refusal(refused)
        session = request.cookies.get(SESSION_COOKIE, "")
        try:
            view = _open(request, bench, session or _session(request))
        except AuditLedgerError as exc:
            return _error_page(None, 400, exc.lines(), back="/")
        back = str(form.get("back") or "/")
        back = back if back.startswith("/") and not back.startswith(("//", "/\\")) else "/"
        if not bench.edit:
            message = _(
                "the workbench is read-only: start it with `auditledger serve --edit` to make changes"
            )
            return _error_page(view, 403, [message], back)
        sent = str(form.get("csrf") or "")
        if not session or not hmac.compare_digest(sent.encode(), bench.csrf(session).encode()):
            message = _(
                "the form is not from this workbench's page (CSRF check); reload the page and try again"
            )
            return _error_page(view, 403, [message], back)
        if view.at is not None:
            return _error_page(view, 400, [_("a past revision cannot be changed; leave out at=")], back)
        try:
            where = act(view, form)
        except AuditLedgerError as exc:
            # the form's page again, as the ledger is now, the refusal at its top
            view.refusal, view.status = exc.lines(), 409 if isinstance(exc, edits.ChangedSince) else 400
            try:
                return again(view)
            except AuditLedgerError:
                return _error_page(view, view.status, view.refusal, back)
        return RedirectResponse(where, status_code=303)

    async def endpoint(request: Request) -> Response:
        try:
            _guard(request, request.app.state.bench)  # nothing of a refused request is read
        except Refused as refused:
            return _plain_refusal(refused)
        async with request.form(max_part_size=MAX_UPLOAD) as form:
            return await _in_worker(lambda: respond(request, form))

    return endpoint


async def _not_found(request: Request, exc: Exception) -> Response:
    """No such page (or not with this method): said with the policy every page carries."""
    status = int(getattr(exc, "status_code", 404))
    return _plain_refusal(Refused(status, _("no such page: {path}").format(path=request.url.path)))


def _plain_refusal(refused: Refused) -> Response:
    response = HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>auditledger</title><p>{_escape(refused.message)}</p>",
        status_code=refused.status,
    )
    _secure(response, PAGE_POLICY)
    return response


def _escape(text: str) -> str:
    return str(markupsafe.escape(text))


class Missing(AuditLedgerError):
    """A page of something the ledger does not hold (404)."""


# --- the pages ---------------------------------------------------------------------------


def dashboard(view: View) -> Response:
    from auditledger.stats import By, group, totals

    ledger, day = view.ledger, view.day
    due = watch(ledger, day)
    # most overdue first, then what falls due first: the dashboard shows the first SHOWN_DUE
    overdue = sorted((d for d in due if d.level is Level.overdue), key=lambda d: (-d.days_overdue, d.id))
    soon = sorted((d for d in due if d.level is Level.due_soon), key=lambda d: (d.due, d.id))
    kinds: dict[str, list[int]] = {}
    units: dict[str, list[int]] = {}
    for row in due:
        at = 0 if row.level is Level.overdue else 1
        kinds.setdefault(row.kind.value, [0, 0])[at] += 1
        units.setdefault(row.unit or "", [0, 0])[at] += 1
    types = group(ledger, By.type, day, lang=view.lang)
    total = totals(types, ledger, day)
    return _html(
        view,
        "dashboard.html",
        overdue=overdue[:SHOWN_DUE],
        soon=soon[:SHOWN_DUE],
        overdue_count=len(overdue),
        soon_count=len(soon),
        kinds=sorted(kinds.items()),
        units=sorted(units.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0])),
        types=types,
        total=total,
        years=_years(ledger),
    )


def _years(ledger: Ledger) -> list[int]:
    return sorted({*ledger.years, *(row.year for row in ledger.rows())})


FILTERS = ("year", "unit", "status", "type", "category")
PAGE_ROWS = 200
"""Problems on one page of the list."""
SHOWN_DUE = 100
"""Overdue (and due-soon) items the dashboard lists; it counts them all."""


def problem_list(view: View) -> Response:
    from auditledger.queries import Filter, audit_years, category_names, select, unit_ids

    ledger, query = view.ledger, view.request.query_params
    given = {name: [v for v in query.getlist(name) if v] for name in FILTERS}
    years: list[int] = []
    for value in given["year"]:
        if not value.isdigit():
            raise AuditLedgerError(_("year: '{value}' is not a year").format(value=value))
        years.append(int(value))
    criteria = Filter(
        years=audit_years(ledger, years, _("year")),
        units=unit_ids(ledger, given["unit"], _("unit")),
        statuses=[choice(Status, v, _("status")) for v in given["status"]],
        types=[choice(RectificationType, v, _("type")) for v in given["type"]],
        categories=category_names(ledger, given["category"], _("category")),
        prominent=True if query.get("prominent") else None,
        unfinished=bool(query.get("unfinished")),
    )
    rows = select(ledger.rows(), criteria)
    search = query.get("q", "").strip()
    if search:
        rows = _searched(ledger, rows, search)
    number = query.get("page", "1")
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    if not number.isdigit() or not 1 <= int(number) <= pages:
        raise AuditLedgerError(
            _("page: '{value}' is not a page of this list").format(value=number),
            hint=_("the list has {count} pages").format(count=pages),
        )
    at = int(number)
    others = [(k, v) for k, v in query.multi_items() if k not in ("page", *view.kept)]
    return _html(
        view,
        "problems.html",
        rows=rows[(at - 1) * PAGE_ROWS : at * PAGE_ROWS],
        total=len(rows),
        first=(at - 1) * PAGE_ROWS + 1,
        page=at,
        pages=pages,
        page_link=lambda n: (
            view.link("/problems") + ("&" if view.kept else "?") + urlencode([*others, ("page", n)])
        ),
        given=given,
        search=search,
        prominent=bool(query.get("prominent")),
        unfinished=bool(query.get("unfinished")),
        years=_years(ledger),
        units=sorted(ledger.units.values(), key=lambda u: u.id),
        statuses=list(Status),
        types=list(RectificationType),
        categories=sorted({r.category for r in ledger.rows() if r.category}),
    )


def _searched(ledger: Ledger, rows: list[Row], search: str) -> list[Row]:
    """The search box: rows with every word in the id, the title or the full text (ignoring case);
    the full texts are read (every problem unpacked) only when a title does not answer."""
    words = search.casefold().split()
    texts: dict[str, str] | None = None
    found = []
    for row in rows:
        head = f"{row.id} {row.title}".casefold()
        if all(w in head for w in words):
            found.append(row)
            continue
        if texts is None:
            texts = {p.id: (p.description or "").casefold() for p in ledger.problems}
        full = f"{head} {texts.get(row.id, '')}"
        if all(w in full for w in words):
            found.append(row)
    return found


SHOWN_APART = frozenset({"milestones", "tracking", "history", "id", "title"})


def problem_page(view: View) -> Response:
    ledger = view.ledger
    ident = view.request.path_params["id"]
    problem = ledger.problem(ident)
    if problem is None:
        raise Missing(
            _("no problem with id '{id}' on {day}").format(id=ident, day=view.day),
            hint=did_you_mean(ident, ledger.ids) or _("see the problem list for the ids"),
        )
    fields = [
        (field_label(name, view.lang, Problem), name, getattr(problem, name))
        for name, default in defaults(Problem).items()
        if name not in SHOWN_APART and (getattr(problem, name) != default or name in ("status", "amount"))
    ]
    origin = view.ledger.origin_of(ident)
    stamp = edits.stamp_of(origin.path) if origin is not None and view.editable else ""
    return _html(
        view,
        "problem.html",
        problem=problem,
        fields=fields,
        history=_timeline(view, problem.history),
        due=[d for d in watch(ledger, view.day) if d.id.split("/")[0] == problem.id],
        stamp=stamp,
        saved=bool(view.request.query_params.get("saved")),
        today=date.today(),
        statuses=list(Status),
        methods=list(RectifyMethod),
        tracking_methods=list(TrackingMethod),
        open_milestones=[n for n, m in enumerate(problem.milestones, 1) if m.done is None],
        first=FIRST_DAY,
        last=LAST_DAY,
    )


def _timeline(view: View, history: Iterable[Any], model: type[Any] | None = None) -> list[tuple[date, str]]:
    """A record's history, newest first, each entry as the command line's `show` words it."""
    from auditledger.render.text import history_line

    return [
        (entry.date, history_line(entry, view.lang, model=model, ledger=view.ledger))
        for entry in reversed(list(history))
    ]


def unit_page(view: View) -> Response:
    ledger = view.ledger
    ident = view.request.path_params["id"]
    unit = ledger.units.get(ident)
    if unit is None:
        raise Missing(
            _("no unit with id '{id}'").format(id=ident),
            hint=did_you_mean(ident, ledger.units) or _("see the problem list for the units"),
        )
    lead = [r for r in ledger.rows() if r.unit == ident]
    cooperating = sorted(
        (p for p in ledger.problems if ident in p.cooperating or p.supervisor == ident),
        key=lambda p: (p.year, p.id),
    )
    due = [d for d in watch(ledger, view.day) if d.unit == ident]
    return _html(view, "unit.html", unit=unit, lead=lead, cooperating=cooperating, due=due)


def year_page(view: View) -> Response:
    ledger = view.ledger
    year = int(view.request.path_params["year"])
    meta = ledger.years.get(year)
    rows = [r for r in ledger.rows() if r.year == year]
    if meta is None and not rows:
        raise Missing(
            _("no year {year} in the ledger").format(year=year),
            hint=_("years in the ledger: {years}").format(years=i18n.listed(map(str, _years(ledger)))),
        )
    path = edits.year_file(ledger.root, year)
    day = view.day
    return _html(
        view,
        "year.html",
        year=year,
        meta=meta or YearMeta(year=year),
        count=len(rows),
        open_count=sum(r.status not in ("rectified", "closed") for r in rows),
        resolutions=reports.resolution_lines(ledger, meta, day),
        votes=reports.vote_lines(ledger, meta, day),
        hearings=reports.hearing_lines(ledger, meta, day),
        recommendations=reports.recommendation_lines(ledger, meta),
        # the year's own deadlines (resolutions, answers, votes, the reports' publication); the
        # problems' own are on their pages and the dashboard
        due=[
            d
            for d in watch(ledger, day)
            if d.year == year and d.id.split("/")[0] not in ledger.problems_by_id
        ],
        stamp=edits.stamp_of(path) if view.editable else "",
        record_fields=lambda record: _record_fields(view, record),
        timeline=lambda record: _timeline(view, record.history, type(record)),
        saved=bool(view.request.query_params.get("saved")),
        today=date.today(),
    )


def _record_fields(view: View, record: BaseModel) -> list[tuple[str, str]]:
    model = type(record)
    return [
        (field_label(name, view.lang, model), _shown(view, getattr(record, name), name, model))
        for name, default in defaults(model).items()
        if name not in ("history", "questions", "attendees") and getattr(record, name) != default
    ]


def check_page(view: View) -> Response:
    from auditledger.levels import checked
    from auditledger.loader import load

    ledger, diagnostics = load(view.ledger.root, today=view.day)
    _lowers, diagnostics = checked(ledger, diagnostics, view.day)
    errors = [d for d in diagnostics if d.is_error]
    warnings = [d for d in diagnostics if not d.is_error]
    return _html(view, "check.html", errors=errors, warnings=warnings)


def reports_page(view: View) -> Response:
    return _html(
        view,
        "reports.html",
        years=_years(view.ledger)[::-1],  # the latest year first
        kinds=[k for k in reports.DOCUMENTS if k is not reports.Kind.unit],
        downloads=DOWNLOADS,
        units=sorted(view.ledger.units.values(), key=lambda u: u.id),
        kind_name=_report_name,
        unit_kind=reports.Kind.unit,
    )


def _report_name(kind: reports.Kind) -> str:
    names = {
        reports.Kind.rectification: _("rectification report (整改情况报告)"),
        reports.Kind.supervision: _("the committee's supervision report (跟踪监督报告)"),
        reports.Kind.notice: _("reminders to the units (督办通知)"),
        reports.Kind.unit: _("a unit's responsibility list (整改责任清单)"),
        reports.Kind.plan_status: _("status for a hearing"),
        reports.Kind.cases: _("typical cases (典型案例)"),
        reports.Kind.budget_review: _("for the budget review"),
        reports.Kind.assets: _("state-owned assets (国有资产)"),
    }
    return names[kind]


@dataclass(frozen=True)
class Download:
    """A format a report is downloaded in. A format `report` learns (e.g. docx) is one more
    entry in `DOWNLOADS`, with the function that makes its bytes."""

    format: str
    """The file's suffix, as `report --format` names it."""
    media: str
    name: str
    """As the link shows it."""
    make: Callable[[Ledger, reports.Kind, int, str | None, date, str], bytes]
    """(ledger, kind, year, unit, as-of day, language) → the document's bytes."""


def _text_document(fmt: str) -> Callable[[Ledger, reports.Kind, int, str | None, date, str], bytes]:
    """A report rendered with the templates, as `report --format md|html|docx` renders it (Word:
    the HTML made a Word document, on the committee's reference.docx when there is one)."""
    word = fmt == "docx"

    def make(ledger: Ledger, kind: reports.Kind, year: int, unit: str | None, day: date, lang: str) -> bytes:
        from auditledger.documents import own_templates, provenance_of, template_folders
        from auditledger.render.report import Format, render

        folders = template_folders(ledger)
        page = Format.html if word else Format(fmt)
        provenance = provenance_of(ledger, day, own_templates(folders, kind, page, word=word))
        data = reports.document(ledger, kind, year, provenance, unit)
        text = render(data, kind, page, lang, folders)
        if word:
            from auditledger.render.word import reference_in, to_docx

            return to_docx(text, reference_in(folders))
        return text.encode("utf-8")

    return make


WORD_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOWNLOADS: tuple[Download, ...] = (
    Download("md", "text/markdown; charset=utf-8", "Markdown", _text_document("md")),
    Download("html", "text/html; charset=utf-8", "HTML", _text_document("html")),
    Download("docx", WORD_MEDIA, "Word", _text_document("docx")),
)


def report_document(view: View) -> Response:
    """A report of the year in one of `DOWNLOADS`, viewed or downloaded (`download=1`); the
    format is the path's suffix, or `format=` (the unit form, which names the unit too)."""
    params, query = view.request.path_params, view.request.query_params
    year = int(params["year"])
    fmt = params.get("format") or query.get("format") or "html"
    found = {d.format: d for d in DOWNLOADS}
    try:
        kind = reports.Kind(params["kind"])
    except ValueError:
        kind = None
    if kind not in reports.DOCUMENTS or fmt not in found:
        raise Missing(_("no such report: {name}").format(name=f"{params['kind']}.{fmt}"))
    assert kind is not None
    ledger = _strict(view)
    unit = None
    if kind is reports.Kind.unit:
        from auditledger.queries import unit_id

        unit = unit_id(ledger, query.get("unit", ""), _("unit"))
    download = found[fmt]
    data = download.make(ledger, kind, year, unit, view.day, view.lang)
    name = f"{year}-{kind.value}{'-' + unit if unit else ''}.{fmt}"
    return _download(data, download.media, name, query.get("download"))


def _strict(view: View) -> Ledger:
    """The ledger for a document: with errors in it, a document would be wrong, so none is made."""
    if view.errors:
        raise refused_for_errors(view.errors, _("fix them: the check page lists them"))
    return view.ledger


def _download(data: bytes, media: str, name: str, attachment: str | None) -> Response:
    response = Response(data, media_type=media)
    how = "attachment" if attachment or not media.startswith(("text/html", "text/markdown")) else "inline"
    response.headers["Content-Disposition"] = f"{how}; filename*=UTF-8''{quote(name)}"
    if media.startswith("text/markdown") and how == "inline":
        response.headers["Content-Type"] = "text/plain; charset=utf-8"
    _secure(response, DOCUMENT_POLICY)
    return response


def spreadsheet(view: View) -> Response:
    """The year's problem list, responsibility list and status list as an .xlsx workbook (`export`)."""
    from auditledger.interchange import exporting
    from auditledger.interchange.sheets import xlsx_bytes

    year = int(view.request.path_params["year"])
    ledger = _strict(view)
    problems = [p for p in ledger.problems if p.year == year]
    if not problems:
        raise Missing(_("no problems of {year} to export").format(year=year))
    sheets = exporting.workbook_sheets(ledger, problems, year, view.day)
    data = xlsx_bytes(sheets, exporting.baseline(ledger, problems))
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(data, media, f"{year}.xlsx", "1")


# --- the forms ---------------------------------------------------------------------------


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    if isinstance(value, UploadFile) or value is None:
        return None
    return value.strip() or None


def _day(form: FormData, name: str, label: str) -> date | None:
    value = _text(form, name)
    return iso_date(value, label) if value else None


def _count(form: FormData, name: str, label: str) -> int | None:
    value = _text(form, name)
    if value is None:
        return None
    if not value.isdigit():
        raise AuditLedgerError(
            _("{option}: '{value}' is not a valid value").format(option=label, value=value),
            hint=_("write a whole number, e.g. 3"),
        )
    return int(value)


def _edit_problem(
    view: View,
    form: FormData,
    act: Callable[[Ledger, Problem], Problem],
    attachments: list[tuple[Path, bytes]] | None = None,
) -> str:
    """Change the problem of the page through `edits.change_problem`, refused if its file changed
    since the page was read; commit it with --git-commit. The page to show next."""
    ident = view.request.path_params["id"]
    old, new, ledger, path = edits.change_problem(
        view.bench.root, ident, act, stamp=str(form.get("stamp") or ""), attachments=attachments or ()
    )
    if view.bench.author:
        from auditledger.render.text import history_line

        entry = next((e for e in new.history if e not in old.history), new.history[-1])
        line = history_line(entry, ledger.settings.language.value, ledger=ledger)
        files = [path, *(p for p, _data in attachments or ())]
        store.git_commit(view.bench.root, files, f"{new.id} {line}", view.bench.author)
    return view.link(f"/problems/{quote(ident)}", saved=1) + "#history"


def _by(view: View, form: FormData) -> str | None:
    return _text(form, "by") or view.bench.author


def update_form(view: View, form: FormData) -> str:
    """`auditledger update`: status, amounts, a measure, counts, reason, next steps."""
    status = _text(form, "status")
    amount = _text(form, "rectified_amount")
    request = workflow.Update(
        status=choice(Status, status, _("status")) if status else None,
        rectified_amount=money_from_text(amount) if amount is not None else None,
        method=choice(RectifyMethod, _text(form, "method") or "other", _("method")),
        measure=_text(form, "measure"),
        rules=_count(form, "rules", _("rules")),
        accountable=_count(form, "accountable", _("accountable")),
        reason=_text(form, "reason"),
        next_steps=_text(form, "next_steps"),
    )
    day = _day(form, "date", _("date")) or date.today()
    by, note = _by(view, form), _text(form, "note")
    return _edit_problem(view, form, lambda _ledger, p: workflow.update(p, request, day, by, note))


def extend_form(view: View, form: FormData) -> str:
    """`auditledger extend`: a new deadline with its reason and approver."""
    to = _day(form, "to", _("new deadline"))
    reason, approver = _text(form, "reason"), _text(form, "approved_by")
    if to is None or not reason or not approver:
        raise AuditLedgerError(
            _("an extension needs the new deadline, the reason and who approved it"),
            hint=_("fill in all three"),
        )
    day = _day(form, "date", _("date")) or date.today()
    return _edit_problem(view, form, lambda _ledger, p: workflow.extend(p, to, reason, approver, day))


def milestone_form(view: View, form: FormData) -> str:
    """`auditledger milestone`: add one (due, text), or mark one done."""
    by = _by(view, form)
    done = _day(form, "done", _("done on"))
    if done is not None:
        number = _count(form, "number", _("milestone"))
        return _edit_problem(view, form, lambda _ledger, p: workflow.finish_milestone(p, done, number, by))
    due, text = _day(form, "due", _("due")), _text(form, "text")
    if due is None or not text:
        raise AuditLedgerError(
            _("give the due date and the text to add a milestone, or the day one was done to finish it")
        )
    day = _day(form, "date", _("date")) or date.today()
    return _edit_problem(view, form, lambda _ledger, p: workflow.add_milestone(p, due, text, day, by))


def track_form(view: View, form: FormData) -> str:
    """`auditledger track`: a tracking check or supervision action."""
    entry = {
        "date": _day(form, "date", _("date")) or date.today(),
        "method": _text(form, "method") or "",
        "finding": _text(form, "finding") or "",
        "by": _by(view, form),
        "internal": bool(form.get("internal")),
    }
    return _edit_problem(view, form, lambda _ledger, p: workflow.track(p, entry))


def evidence_form(view: View, form: FormData) -> str:
    """Upload a 佐证材料 file into the ledger's `evidence/<year>/<id>/` folder and add it to the
    problem's evidence, in one write."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise AuditLedgerError(_("choose a file to upload"))
    name = PurePosixPath(upload.filename.replace("\\", "/")).name.strip()
    if not name or name.startswith(".") or any(ord(ch) < 32 for ch in name):
        raise AuditLedgerError(
            _("'{name}' cannot be a file name in the ledger").format(name=upload.filename),
            hint=_("rename the file and upload it again"),
        )
    if upload.size is not None and upload.size > MAX_UPLOAD:
        raise AuditLedgerError(
            _("the file is larger than {size} MB").format(size=MAX_UPLOAD // (1024 * 1024)),
            hint=_("keep large evidence elsewhere and name it in the evidence instead"),
        )
    problem = edits.find_problem(view.ledger, view.request.path_params["id"])
    relative = f"evidence/{problem.year}/{problem.id}/{name}"
    target = view.bench.root / relative
    if target.exists():
        raise AuditLedgerError(
            _("{path} already exists in the ledger").format(path=relative),
            hint=_("rename the file and upload it again"),
        )
    data = upload.file.read()
    request = workflow.Update(evidence=relative)
    day = _day(form, "date", _("date")) or date.today()
    by, note = _by(view, form), _text(form, "note")
    return _edit_problem(
        view, form, lambda _ledger, p: workflow.update(p, request, day, by, note), [(target, data)]
    )


def answer_form(view: View, form: FormData) -> str:
    """`auditledger hearing answer` (a question's written answer) or `suggestion update` (a
    deputy answered, the answer copied)."""
    year = int(view.request.path_params["year"])
    record = _text(form, "record") or ""
    day = _day(form, "date", _("date")) or date.today()
    if "/Q" in record:
        hearing, _sep, number = record.partition("/Q")
        text = _text(form, "text")
        if not number.isdigit() or not text:
            raise AuditLedgerError(_("write the answer to question {id}").format(id=record))

        def act(meta: YearMeta, _ledger: Ledger) -> YearMeta:
            return workflow.answer_question(meta, hearing, int(number), text, day)

    else:
        fields = {
            "answered": _day(form, "answered", _("answered")),
            "copied": _day(form, "copied", _("copied")),
        }

        def act(meta: YearMeta, _ledger: Ledger) -> YearMeta:
            return workflow.update_year_record(meta, record, fields, day)

    if edits.year_of(record) != year:
        raise AuditLedgerError(_("'{id}' is not a record of {year}").format(id=record, year=year))
    edits.change_year(view.bench.root, year, act, stamp=str(form.get("stamp") or ""))
    if view.bench.author:
        message = _("{id}: answer recorded").format(id=record)
        store.git_commit(
            view.bench.root, [edits.year_file(view.bench.root, year)], message, view.bench.author
        )
    return view.link(f"/years/{year}", saved=1)


# --- the application ---------------------------------------------------------------------


async def style(request: Request) -> Response:
    """The one style sheet, shipped in the package (no CDN)."""
    try:
        _guard(request, request.app.state.bench)
    except Refused as refused:
        return _plain_refusal(refused)
    response = Response((HERE / "static" / "style.css").read_bytes(), media_type="text/css; charset=utf-8")
    _secure(response, PAGE_POLICY)
    response.headers["Cache-Control"] = "max-age=3600"
    return response


def create_app(bench: Workbench) -> Starlette:
    routes = [
        Route("/", page(dashboard)),
        Route("/problems", page(problem_list)),
        Route("/problems/{id}", page(problem_page)),
        Route("/problems/{id}/update", change(update_form, problem_page), methods=["POST"]),
        Route("/problems/{id}/extend", change(extend_form, problem_page), methods=["POST"]),
        Route("/problems/{id}/milestone", change(milestone_form, problem_page), methods=["POST"]),
        Route("/problems/{id}/track", change(track_form, problem_page), methods=["POST"]),
        Route("/problems/{id}/evidence", change(evidence_form, problem_page), methods=["POST"]),
        Route("/units/{id}", page(unit_page)),
        Route("/years/{year:int}", page(year_page)),
        Route("/years/{year:int}/answer", change(answer_form, year_page), methods=["POST"]),
        Route("/check", page(check_page)),
        Route("/reports", page(reports_page)),
        Route("/reports/{year:int}/{kind}.{format}", page(report_document)),
        Route("/reports/{year:int}/{kind}", page(report_document)),
        Route("/export/{year:int}.xlsx", page(spreadsheet)),
        Route("/static/style.css", style),
    ]
    app = Starlette(routes=routes, exception_handlers={404: _not_found, 405: _not_found})
    app.state.bench = bench
    return app


def address(host: str, port: int, token: str | None) -> str:
    """The address to open, with the token when there is one."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def needs_token(host: str) -> bool:
    """Any address but this computer's own is reachable by others: it needs a token."""
    return host not in LOCAL_HOSTS


__all__ = ["DOWNLOADS", "Workbench", "address", "create_app", "needs_token"]
