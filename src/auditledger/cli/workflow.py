"""Commands of the rectification workflow: update, extend, milestone, track, sample, overdue,
resolution, suggestion, evaluate, vote."""

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditledger.cli import app, command, state
from auditledger.cli.browse import WithLowerOption
from auditledger.cli.options import (
    AsOfOption,
    AtOption,
    LangOption,
    TableFormat,
    TextFormat,
    choice,
    day_or_today,
    iso_date,
    language_of,
)
from auditledger.diagnostics import AuditLedgerError
from auditledger.i18n import _, language

if TYPE_CHECKING:
    from auditledger.model import Ledger, Problem, YearMeta

DateOption = Annotated[
    str | None, typer.Option("--date", help="The day it happened, YYYY-MM-DD (default: today).")
]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who did it (a unit or a person); kept in the history.")
]


def _day(value: str | None, option: str = "--date") -> date:
    return day_or_today(value, option)


def _edit_problem(problem_id: str, change: Callable[["Problem"], "Problem"]) -> tuple["Problem", "Problem"]:
    return _edit_problem_in(problem_id, lambda _ledger, problem: change(problem))


def _edit_problem_in(
    problem_id: str, change: Callable[["Ledger", "Problem"], "Problem"]
) -> tuple["Problem", "Problem"]:
    """Change a problem by a function of the ledger (to resolve what options name) and the problem."""
    from auditledger import edits

    old, new, _ledger, _path = edits.change_problem(state().root(), problem_id, change)
    return old, new


def _problem(ledger: "Ledger", problem_id: str) -> "Problem":
    from auditledger import edits

    return edits.find_problem(ledger, problem_id)


def _edit_year(year: int, change: Callable[["YearMeta", "Ledger"], "YearMeta"]) -> "YearMeta":
    from auditledger import edits

    return edits.change_year(state().root(), year, change)[0]


def _year_of(record_id: str) -> int:
    from auditledger import edits

    return edits.year_of(record_id)


def _history_line(old: "Problem", new: "Problem", ledger: "Ledger | None" = None) -> str:
    """The history entry an edit added, in a line (a change reported late is not the last),
    with its values as people write them (`render.text.history_line`)."""
    from auditledger.render.text import history_line

    entry = next((e for e in new.history if e not in old.history), new.history[-1])
    return f"{new.id} {history_line(entry, ledger=ledger)}"


# --- problems ----------------------------------------------------------------------------


@command("update")
def update(
    problem_id: Annotated[str, typer.Argument(metavar="ID")],
    status: Annotated[str | None, typer.Option(help="New status, code or label (e.g. 已整改).")] = None,
    rectified_amount: Annotated[
        str | None, typer.Option(help="Rectified amount in 万元 for --method (cumulative).")
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            help="How it was rectified: recovered (追缴资金), returned, "
            "reallocated, disbursed, taxes, accounts, other."
        ),
    ] = "other",
    measure: Annotated[str | None, typer.Option(help="A rectification measure taken (added).")] = None,
    rules: Annotated[int | None, typer.Option(help="Rules made or revised, in all.")] = None,
    accountable: Annotated[int | None, typer.Option(help="People held accountable, in all.")] = None,
    evidence: Annotated[
        str | None, typer.Option(help="Evidence (佐证材料), a path or reference (added).")
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why it is not finished; required to reopen.")] = None,
    next_steps: Annotated[str | None, typer.Option(help="Next steps (下一步计划).")] = None,
    prominent: Annotated[
        bool | None,
        typer.Option(
            "--prominent/--not-prominent",
            help="Confirm it as a prominent problem (突出问题), with --reason saying why; or drop it.",
        ),
    ] = None,
    recurring_from: Annotated[
        list[str] | None, typer.Option(help="An earlier problem it repeats (confirms a match); repeatable.")
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            help="A tag: public_concern (代表和群众关心), budget_focus (预算审查重点) or one the ledger "
            "already uses; repeatable."
        ),
    ] = None,
    budget_department: Annotated[
        str | None, typer.Option(help="The budget department (预算部门) it concerns, a unit's id or name.")
    ] = None,
    budget_item: Annotated[
        list[str] | None, typer.Option(help="A budget item code (预算项目编码) it concerns; repeatable.")
    ] = None,
    counterpart: Annotated[
        str | None,
        typer.Option(
            help="LEDGER:ID, the same problem in a lower- or upper-level ledger, e.g. 东山区:2025-001."
        ),
    ] = None,
    on: DateOption = None,
    by: ByOption = None,
    note: Annotated[str | None, typer.Option(help="A note for the history entry.")] = None,
) -> None:
    """Update a problem's rectification, prominence or links; appends one dated history entry."""
    from auditledger import workflow
    from auditledger.model import RectifyMethod, Status, money_from_text

    request = workflow.Update(
        status=choice(Status, status, "--status") if status else None,
        rectified_amount=money_from_text(rectified_amount) if rectified_amount is not None else None,
        method=choice(RectifyMethod, method, "--method"),
        measure=measure,
        rules=rules,
        accountable=accountable,
        evidence=evidence,
        reason=reason,
        next_steps=next_steps,
        prominent=prominent,
        recurring_from=tuple(recurring_from or ()),
        tags=tuple(tag or ()),
        counterpart=_counterpart(counterpart),
        budget_department=budget_department,
        budget_items=tuple(budget_item or ()),
    )
    day = _day(on)

    read: list[Ledger] = []  # the ledger edited, whose units the confirmation names

    def change(ledger: "Ledger", problem: "Problem") -> "Problem":
        from auditledger.queries import tag_codes, unit_id

        read.append(ledger)
        named = dataclasses.replace(
            request,
            tags=tuple(tag_codes(ledger, request.tags)),
            budget_department=unit_id(ledger, budget_department, "--budget-department")
            if budget_department is not None
            else None,
        )
        return workflow.update(problem, named, day, by, note)

    old, new = _edit_problem_in(problem_id, change)
    typer.echo(_history_line(old, new, read[-1]))


def _counterpart(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    ledger, sep, ident = value.rpartition(":")
    if not sep or not ledger.strip() or not ident.strip():
        raise AuditLedgerError(
            _("--counterpart: '{value}' is not LEDGER:ID").format(value=value),
            hint=_("e.g. --counterpart 东山区:2025-001"),
        )
    return ledger.strip(), ident.strip()


@command("extend")
def extend(
    problem_id: Annotated[str, typer.Argument(metavar="ID")],
    to: Annotated[str, typer.Option("--to", help="The new deadline, YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option(help="Why the deadline moves.")],
    approved_by: Annotated[str, typer.Option(help="Who approved the extension.")],
    on: DateOption = None,
) -> None:
    """Extend a problem's deadline (整改时限); the old deadline stays in the history."""
    from auditledger import workflow

    new_deadline, day = iso_date(to, "--to"), _day(on)
    old, new = _edit_problem(problem_id, lambda p: workflow.extend(p, new_deadline, reason, approved_by, day))
    typer.echo(_history_line(old, new))


@command("milestone")
def milestone(
    problem_id: Annotated[str, typer.Argument(metavar="ID")],
    due: Annotated[str | None, typer.Option(help="Add a milestone due on this date (with --text).")] = None,
    text: Annotated[str | None, typer.Option(help="What the milestone achieves.")] = None,
    done: Annotated[str | None, typer.Option(help="Mark a milestone done on this date.")] = None,
    number: Annotated[
        int | None, typer.Option(help="Which milestone --done marks (default: the first open).")
    ] = None,
    on: DateOption = None,
    by: ByOption = None,
) -> None:
    """Add a milestone to a phased or ongoing problem, or mark one done (时间表和路线图)."""
    from auditledger import workflow

    if done is not None:
        day = iso_date(done, "--done")
        old, new = _edit_problem(problem_id, lambda p: workflow.finish_milestone(p, day, number, by))
    elif due is not None and text:
        due_day, day = iso_date(due, "--due"), _day(on)
        old, new = _edit_problem(problem_id, lambda p: workflow.add_milestone(p, due_day, text, day, by))
    else:
        raise AuditLedgerError(
            _("give --due DATE --text TEXT to add a milestone, or --done DATE to finish one")
        )
    typer.echo(_history_line(old, new))


@command("track")
def track(
    problem_id: Annotated[str, typer.Argument(metavar="ID")],
    method: Annotated[
        str,
        typer.Option(
            help="How: seminar, briefing, site_visit, document_review, spot_check or joint_audit; "
            "or a supervision action: special_inquiry, interpellation, investigation, talk, "
            "inspection or referral (the Chinese names are accepted too, e.g. 实地察看)."
        ),
    ],
    on: Annotated[str, typer.Option("--date", help="Date of the check, YYYY-MM-DD.")],
    finding: Annotated[str, typer.Option(help="What was found or done.")],
    by: ByOption = None,
    internal: Annotated[bool, typer.Option("--internal", help="Keep it out of published reports.")] = False,
    deputy: Annotated[
        list[str] | None,
        typer.Option(
            help="NAME=KIND, a deputy (人大代表) who took part; KIND is liaison, budget_liaison, "
            "proposer or expert (or its Chinese name, e.g. 联系代表); repeatable."
        ),
    ] = None,
) -> None:
    """Record a tracking check or supervision action (跟踪检查) on a problem."""
    from auditledger import workflow
    from auditledger.model import DeputyKind

    deputies = []
    for item in deputy or ():
        name, sep, kind = item.partition("=")
        if not sep or not name.strip():
            raise AuditLedgerError(
                _("--deputy: '{value}' is not NAME=KIND").format(value=item),
                hint=_("e.g. --deputy 王建国=联系代表"),
            )
        deputies.append({"name": name.strip(), "kind": choice(DeputyKind, kind.strip(), "--deputy")})
    entry = {
        "date": iso_date(on, "--date"),
        "method": method,
        "finding": finding,
        "by": by,
        "deputies": deputies,
        "internal": internal,
    }
    _old, new = _edit_problem(problem_id, lambda p: workflow.track(p, entry))
    record = new.tracking[-1]
    typer.echo(
        _("{id} {date} {method}: {finding}").format(
            id=new.id, date=record.date, method=record.method.label(language()), finding=record.finding
        )
    )


@command("sample")
def sample(
    year: Annotated[int, typer.Option(help="Audit year to draw from.")],
    count: Annotated[int, typer.Option(min=1, help="How many problems (per unit with --by unit).")],
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same draw.")],
    by: Annotated[str | None, typer.Option(help="`unit`: draw --count from each unit.")] = None,
    output_format: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
    as_of: AsOfOption = None,
    at: AtOption = None,
    lang: LangOption = None,
) -> None:
    """Draw problems at random for spot checks (随机抽查), reproducibly."""
    from auditledger.cli.browse import emit_problems, read_ledger
    from auditledger.queries import audit_years, draw

    if by not in (None, "unit"):
        raise AuditLedgerError(
            _("--by: '{value}' is not supported").format(value=by), hint=_("use --by unit")
        )
    ledger = read_ledger(_day(as_of, "--as-of"), at=at)
    audit_years(ledger, [year])
    pool = [r for r in ledger.rows() if r.year == year]
    emit_problems(ledger, draw(pool, count, seed, by_unit=by == "unit"), output_format, lang)


# --- deadlines ---------------------------------------------------------------------------


@command("overdue")
def overdue(
    as_of: AsOfOption = None,
    at: AtOption = None,
    within: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Also list what falls due within this many days (default: the ledger's due_soon_days).",
        ),
    ] = None,
    unit: Annotated[
        list[str] | None, typer.Option(help="Only this unit, its id or name (czj, 财政局); repeatable.")
    ] = None,
    year: Annotated[list[int] | None, typer.Option(help="Only this audit year; repeatable.")] = None,
    output_format: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
    fail: Annotated[bool, typer.Option("--fail", help="Exit 1 when anything is overdue.")] = False,
    lang: LangOption = None,
    with_lower: WithLowerOption = False,
) -> None:
    """What is overdue or due soon: problems, milestones, resolutions, opinions, suggestions, votes,
    answers promised at hearings, publication."""
    from auditledger.cli.browse import levels_of, read_ledger
    from auditledger.deadlines import Due, Level, watch
    from auditledger.memo import no_collection
    from auditledger.queries import audit_years, unit_ids
    from auditledger.render.tabular import json_bytes, to_csv

    day = _day(as_of, "--as-of")
    ledger = read_ledger(day, at=at, with_lower=with_lower)
    ledgers = [level for _name, level in levels_of(ledger, with_lower)]
    unit, year = unit_ids(ledgers, unit or ()), audit_years(ledgers, year or ())

    def wanted(level: "Ledger") -> "list[Due]":
        found = watch(level, day, within)
        if not unit and not year:
            return found
        return [d for d in found if (not unit or d.unit in unit) and (not year or d.year in year)]

    with no_collection():  # a province's 100,000 deadlines, and the rows that show them
        found = [(name, level, wanted(level)) for name, level in levels_of(ledger, with_lower)]
        rows = [d for _name, _level, due in found for d in due]
        if output_format is TableFormat.json:
            fields = Due._fields  # orjson writes the dates and codes as `Due.to_json` does
            typer.echo(
                json_bytes(
                    [
                        {"jurisdiction": n, **dict(zip(fields, d, strict=True))}
                        if with_lower
                        else dict(zip(fields, d, strict=True))
                        for n, _level, due in found
                        for d in due
                    ]
                ),
                nl=False,
            )
        elif output_format is TableFormat.csv:
            columns = ["kind", "id", "year", "unit", "due", "days_overdue", "level", "what"]
            records = [{"jurisdiction": n, **d.to_json()} for n, _level, due in found for d in due]
            typer.echo(to_csv(records, (["jurisdiction"] if with_lower else []) + columns), nl=False)
        else:
            from auditledger.render.text import emit, overdue_table

            language = language_of(lang, ledger)
            for name, level, due in found:
                if with_lower:
                    typer.echo(f"【{name}】")
                emit(overdue_table(level, due, day, language))
    if fail and any(d.level is Level.overdue for d in rows):
        raise typer.Exit(1)


# --- the year's records ------------------------------------------------------------------

resolution_app = typer.Typer(
    help="Resolutions (决议) and deliberation opinions (审议意见).", no_args_is_help=True
)
suggestion_app = typer.Typer(
    help="Deputies' suggestions (代表意见建议) and their answers.", no_args_is_help=True
)
vote_app = typer.Typer(help="Follow-up of satisfaction votes (满意度测评).", no_args_is_help=True)
app.add_typer(resolution_app, name="resolution")
app.add_typer(suggestion_app, name="suggestion")
app.add_typer(vote_app, name="vote")

ProblemsOption = Annotated[
    list[str] | None, typer.Option("--problem", help="A problem it concerns; repeatable.")
]


def _check_problems(ledger: "Ledger", ids: list[str] | None) -> list[str]:
    for problem_id in ids or ():
        _problem(ledger, problem_id)
    return list(ids or ())


def _add_record(
    year: int,
    letter: str,
    model: type[Any],
    fields: dict[str, Any] | Callable[["Ledger"], dict[str, Any]],
    created: date | Callable[["YearMeta"], date] | None = None,
) -> str:
    """Add a record to the year's metadata and return its id. `fields` is a mapping whose
    `problems` are checked, or a function of the ledger that checks what it names itself;
    `created` (or a function of the year's metadata that names it), for a record with no date
    of its own, starts its history."""
    from auditledger import workflow

    added: list[str] = []

    def change(meta: "YearMeta", ledger: "Ledger") -> "YearMeta":
        if callable(fields):
            given = fields(ledger)
        else:
            given = {**fields, "problems": _check_problems(ledger, fields.get("problems"))}
        day = created(meta) if callable(created) else created
        new, ident = workflow.add_year_record(meta, letter, given, model, day)
        added.append(ident)
        return new

    _edit_year(year, change)
    return added[0]


def _update_record(record_id: str, fields: dict[str, Any], on: date | None = None) -> None:
    """Change a year's record: each date it sets is an event of that day in its history, other
    fields change on `on` (default today)."""
    from auditledger import workflow

    day = on or _day(None)
    _edit_year(
        _year_of(record_id), lambda meta, _ledger: workflow.update_year_record(meta, record_id, fields, day)
    )
    typer.echo(_("updated {id}").format(id=record_id))


@command("year")
def year_dates(
    year: Annotated[int, typer.Argument(help="The audit year (年度), e.g. 2025.")],
    cutoff: Annotated[
        str | None,
        typer.Option(
            help="Data cut-off of the rectification report (数据截止日期); `report` defaults to it."
        ),
    ] = None,
    audit_heard: Annotated[
        str | None, typer.Option(help="When the committee heard the audit work report.")
    ] = None,
    report_heard: Annotated[
        str | None, typer.Option(help="When the committee heard the rectification report.")
    ] = None,
    audit_title: Annotated[str | None, typer.Option(help="The audit work report's title.")] = None,
    report_title: Annotated[str | None, typer.Option(help="The rectification report's title.")] = None,
) -> None:
    """Set the year's dates in _year.yaml: the cut-off and when the two reports were heard; with no
    option, print them."""
    from auditledger import workflow

    given = {
        ("rectification_report", "cutoff"): iso_date(cutoff, "--cutoff") if cutoff else None,
        ("audit_report", "heard_on"): iso_date(audit_heard, "--audit-heard") if audit_heard else None,
        ("rectification_report", "heard_on"): iso_date(report_heard, "--report-heard")
        if report_heard
        else None,
        ("audit_report", "title"): audit_title,
        ("rectification_report", "title"): report_title,
    }
    changes = {key: value for key, value in given.items() if value is not None}
    if changes:
        meta = _edit_year(year, lambda meta, _ledger: workflow.set_report_fields(meta, changes))
    else:
        from auditledger.cli.browse import read_ledger

        found = read_ledger().years.get(year)
        if found is None:
            raise AuditLedgerError(
                _("no _year.yaml for {year}").format(year=year),
                hint=_("set its dates: auditledger year {year} --cutoff YYYY-MM-DD").format(year=year),
            )
        meta = found
    audit, rectification = meta.audit_report, meta.rectification_report
    typer.echo(
        _("{year} audit work report (audit_report): heard {heard}").format(
            year=year, heard=audit.heard_on if audit and audit.heard_on else "—"
        )
    )
    typer.echo(
        _("{year} rectification report (rectification_report): heard {heard}, cut-off {cutoff}").format(
            year=year,
            heard=rectification.heard_on if rectification and rectification.heard_on else "—",
            cutoff=rectification.cutoff if rectification and rectification.cutoff else "—",
        )
    )


@command("add", target=resolution_app)
def resolution_add(
    year: Annotated[int, typer.Option(help="Audit year the resolution concerns.")],
    kind: Annotated[str, typer.Option(help="resolution (决议) or opinion (审议意见).")],
    adopted: Annotated[str, typer.Option(help="Date adopted, YYYY-MM-DD.")],
    text: Annotated[str, typer.Option(help="Its text or summary.")],
    problem: ProblemsOption = None,
) -> None:
    """Record a resolution or deliberation opinions; the government reports back within 6 months."""
    from auditledger.model import Resolution

    fields = {"kind": kind, "adopted": iso_date(adopted, "--adopted"), "text": text, "problems": problem}
    typer.echo(_add_record(year, "R", Resolution, fields))


@command("update", target=resolution_app)
def resolution_update(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. 2025-R1")],
    reported: Annotated[str, typer.Option(help="When the government reported back, YYYY-MM-DD.")],
) -> None:
    """Record that the government reported how it implemented a resolution or opinions."""
    _update_record(record_id, {"reported": iso_date(reported, "--reported")})


@command("add", target=suggestion_app)
def suggestion_add(
    year: Annotated[int, typer.Option(help="Audit year it concerns.")],
    deputy: Annotated[str, typer.Option(help="The deputy (代表) who made it.")],
    text: Annotated[str, typer.Option(help="The suggestion.")],
    received: Annotated[str, typer.Option(help="Date received, YYYY-MM-DD.")],
    problem: ProblemsOption = None,
) -> None:
    """Record a deputy's suggestion; it is answered within 3 months and the answer copied to the committee."""
    from auditledger.model import Suggestion

    fields = {
        "deputy": deputy,
        "text": text,
        "received": iso_date(received, "--received"),
        "problems": problem,
    }
    typer.echo(_add_record(year, "S", Suggestion, fields))


@command("update", target=suggestion_app)
def suggestion_update(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. 2025-S1")],
    answered: Annotated[str | None, typer.Option(help="When the deputy was answered.")] = None,
    copied: Annotated[
        str | None, typer.Option(help="When the answer was copied to the budget working committee.")
    ] = None,
) -> None:
    """Record the answer to a suggestion and its copy to the budget working committee."""
    _update_record(
        record_id,
        {
            "answered": iso_date(answered, "--answered") if answered else None,
            "copied": iso_date(copied, "--copied") if copied else None,
        },
    )


@command("evaluate")
def evaluate(
    year: Annotated[int, typer.Option(help="Audit year of the report voted on.")],
    target: Annotated[str, typer.Option(help="`report`, or the id of the unit whose report was voted on.")],
    members: Annotated[int, typer.Option(min=1, help="ALL members of the standing committee.")],
    satisfied: Annotated[int, typer.Option(min=0, help="满意 votes.")],
    basic: Annotated[int, typer.Option(min=0, help="基本满意 votes.")],
    unsatisfied: Annotated[int, typer.Option(min=0, help="不满意 votes.")],
    void: Annotated[int, typer.Option(min=0, help="Void ballots (no choice, or two).")] = 0,
    on: DateOption = None,
    next_meeting: Annotated[
        str | None,
        typer.Option(
            help="Date of the next meeting, when the re-report "
            "is due after 不满意 (default: rereport_days later)."
        ),
    ] = None,
    sent_to_party: Annotated[
        str | None, typer.Option(help="When the result was sent to the party committee.")
    ] = None,
    copied_to_government: Annotated[
        str | None, typer.Option(help="When it was copied to the government.")
    ] = None,
    output_format: Annotated[TextFormat, typer.Option("--format")] = TextFormat.text,
) -> None:
    """Record a satisfaction vote (满意度测评) and print its result by the ledger's rule."""
    from auditledger import workflow
    from auditledger.model import Vote
    from auditledger.render.tabular import to_json

    fields: dict[str, Any] = {
        "date": _day(on),
        "target": target,
        "members": members,
        "satisfied": satisfied,
        "basic": basic,
        "unsatisfied": unsatisfied,
        "void": void,
        "sent_to_party": iso_date(sent_to_party, "--sent-to-party") if sent_to_party else None,
        "copied_to_government": iso_date(copied_to_government, "--copied-to-government")
        if copied_to_government
        else None,
    }
    meeting = iso_date(next_meeting, "--next-meeting") if next_meeting else None
    recorded: list[Vote] = []

    def change(meta: "YearMeta", ledger: "Ledger") -> "YearMeta":
        if target != "report" and target not in ledger.units:
            raise AuditLedgerError(
                _("--target: '{value}' is neither `report` nor a unit id").format(value=target)
            )
        counted = workflow.vote(ledger.settings, fields, meeting)
        new, _ident = workflow.add_year_record(meta, "V", counted, Vote)
        recorded.append(new.votes[-1])
        return new

    _edit_year(year, change)
    vote = recorded[0]
    if output_format is TextFormat.json:
        typer.echo(to_json(vote.model_dump(mode="json")), nl=False)
    else:
        counted = {
            "id": vote.id,
            "result": vote.result.label(language()),
            "satisfied": vote.satisfied,
            "basic": vote.basic,
            "unsatisfied": vote.unsatisfied,
            "void": vote.void,
            "members": vote.members,
        }
        if vote.rereport_due:
            line = _(
                "{id}: {result} — satisfied {satisfied}, basically satisfied {basic}, unsatisfied "
                "{unsatisfied}, void {void}, of {members} members; re-report due {due}"
            ).format(**counted, due=vote.rereport_due)
        else:
            line = _(
                "{id}: {result} — satisfied {satisfied}, basically satisfied {basic}, unsatisfied "
                "{unsatisfied}, void {void}, of {members} members"
            ).format(**counted)
        typer.echo(line)


@command("update", target=vote_app)
def vote_update(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. 2025-V1")],
    sent_to_party: Annotated[
        str | None, typer.Option(help="When the result was sent to the party committee.")
    ] = None,
    copied_to_government: Annotated[
        str | None, typer.Option(help="When it was copied to the government.")
    ] = None,
    rereported: Annotated[
        str | None, typer.Option(help="When the government re-reported after 不满意.")
    ] = None,
) -> None:
    """Record what followed a vote: sent to the party committee, copied, re-reported."""
    dates = {
        "sent_to_party": sent_to_party,
        "copied_to_government": copied_to_government,
        "rereported": rereported,
    }
    _update_record(
        record_id, {k: iso_date(v, f"--{k.replace('_', '-')}") if v else None for k, v in dates.items()}
    )
