"""The rest of the supervision: audit recommendations, typical cases, hearings and disclosure."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditledger.cli import app, command
from auditledger.cli.options import choice, choices, iso_date
from auditledger.cli.workflow import (
    DateOption,
    ProblemsOption,
    _add_record,
    _check_problems,
    _day,
    _edit_problem,
    _edit_year,
    _history_line,
    _update_record,
    _year_of,
)
from auditledger.diagnostics import AuditLedgerError
from auditledger.i18n import _

if TYPE_CHECKING:
    from datetime import date

    from auditledger.model import Ledger, YearMeta

recommendation_app = typer.Typer(
    help="Audit recommendations (审计建议) and their answers.", no_args_is_help=True
)
case_app = typer.Typer(help="Typical cases (典型案例) and their analysis.", no_args_is_help=True)
hearing_app = typer.Typer(
    help="Hearings (听取和审议, 专题询问), questions and answers.", no_args_is_help=True
)
app.add_typer(recommendation_app, name="recommendation")
app.add_typer(case_app, name="case")
app.add_typer(hearing_app, name="hearing")

UnitsOption = Annotated[list[str] | None, typer.Option("--unit", help="A unit it concerns; repeatable.")]


def _check_units(ledger: "Ledger", ids: list[str] | None, option: str) -> list[str]:
    from auditledger.queries import unit_ids

    return unit_ids(ledger, ids or (), option)


# --- recommendations ---------------------------------------------------------------------


@command("add", target=recommendation_app)
def recommendation_add(
    year: Annotated[int, typer.Option(help="The audit year of the audit work report.")],
    text: Annotated[str, typer.Option(help="The recommendation.")],
    problem: ProblemsOption = None,
    unit: UnitsOption = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Since when it stands, YYYY-MM-DD (default: the day the audit work report was heard).",
        ),
    ] = None,
) -> None:
    """Record an audit recommendation of the audit work report (审计建议)."""
    from auditledger.model import Recommendation

    fields = {"text": text, "problems": problem, "units": unit}

    def checked(ledger: "Ledger") -> dict[str, Any]:
        return {
            **fields,
            "problems": _check_problems(ledger, problem),
            "units": _check_units(ledger, unit, "--unit"),
        }

    def created(meta: "YearMeta") -> "date":
        """Recommendations are made in the audit work report: they date from its hearing."""
        report = meta.audit_report
        return _day(on) if on or not report or not report.heard_on else report.heard_on

    typer.echo(_add_record(year, "A", Recommendation, checked, created))


@command("update", target=recommendation_app)
def recommendation_update(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. 2025-A1")],
    response: Annotated[str | None, typer.Option(help="The government's answer.")] = None,
    status: Annotated[
        str | None, typer.Option(help="adopted (已采纳), partly, not_adopted or in_progress.")
    ] = None,
    on: DateOption = None,
) -> None:
    """Record the government's answer to an audit recommendation."""
    from auditledger.model import RecommendationStatus

    fields: dict[str, Any] = {
        "response": response,
        "status": choice(RecommendationStatus, status, "--status") if status else None,
    }
    day = _day(on)
    if response or status:
        fields["responded"] = day
    _update_record(record_id, fields, day)


# --- typical cases -----------------------------------------------------------------------


@command("add", target=case_app)
def case_add(
    problem_id: Annotated[str, typer.Argument(metavar="ID")],
    reason: Annotated[str, typer.Option(help="Why it is a typical case.")],
    on: DateOption = None,
) -> None:
    """Mark a problem as a typical case (典型案例) for in-depth analysis."""
    from auditledger import workflow

    day = _day(on)
    old, new = _edit_problem(problem_id, lambda p: workflow.choose_case(p, reason, day))
    typer.echo(_history_line(old, new))


@command("note", target=case_app)
def case_note(
    problem_id: Annotated[str, typer.Argument(metavar="ID")],
    method: Annotated[
        list[str] | None, typer.Option(help="座谈调研, 实地察看, 调阅资料, 随机抽查…; repeatable.")
    ] = None,
    cause: Annotated[
        list[str] | None, typer.Option(help="A link where the cause lies (政策制定…); repeatable.")
    ] = None,
    finding: Annotated[str | None, typer.Option(help="What was found on site.")] = None,
    conclusion: Annotated[str | None, typer.Option(help="Conclusions.")] = None,
    proposal: Annotated[str | None, typer.Option(help="Proposals.")] = None,
    on: DateOption = None,
) -> None:
    """Keep a typical case's analysis: methods, causes (seven links), findings, conclusions, proposals."""
    from auditledger import workflow
    from auditledger.model import CauseLink, TrackingMethod

    fields: dict[str, Any] = {
        "methods": choices(TrackingMethod, method, "--method"),
        "causes": choices(CauseLink, cause, "--cause"),
        "findings": finding,
        "conclusions": conclusion,
        "proposals": proposal,
    }
    day = _day(on)
    old, new = _edit_problem(problem_id, lambda p: workflow.note_case(p, fields, day))
    typer.echo(_history_line(old, new))


# --- hearings ----------------------------------------------------------------------------


@command("add", target=hearing_app)
def hearing_add(
    year: Annotated[int, typer.Option(help="The audit year it concerns.")],
    date: Annotated[str, typer.Option(help="The day of the hearing, YYYY-MM-DD.")],
    kind: Annotated[str, typer.Option(help="report (听取审议整改情况报告), unit or inquiry (专题询问).")],
    unit: UnitsOption = None,
    head: Annotated[
        list[str] | None, typer.Option(help="UNIT=NAME: who attended for a unit (its head); repeatable.")
    ] = None,
) -> None:
    """Record a hearing and the units that attended."""
    from auditledger.model import Hearing, HearingKind

    heads: dict[str, str] = {}
    for item in head or ():
        unit_id, sep, name = item.partition("=")
        if not sep or not name.strip():
            raise AuditLedgerError(
                _("--head: '{value}' is not UNIT=NAME").format(value=item), hint=_("e.g. --head czj=王局长")
            )
        heads[unit_id.strip()] = name.strip()
    day, hearing_kind = iso_date(date, "--date"), choice(HearingKind, kind, "--kind")

    def checked(ledger: "Ledger") -> dict[str, Any]:
        from auditledger.queries import unit_id

        by_id = {unit_id(ledger, u, "--head"): name for u, name in heads.items()}
        units = _check_units(ledger, unit, "--unit")
        units += [u for u in by_id if u not in units]
        attendees = [{"unit": u, "head": by_id.get(u)} for u in units]
        return {"date": day, "kind": hearing_kind, "attendees": attendees}

    typer.echo(_add_record(year, "H", Hearing, checked))


@command("question", target=hearing_app)
def hearing_question(
    hearing_id: Annotated[str, typer.Argument(metavar="ID", help="The hearing, e.g. 2025-H1")],
    to: Annotated[str, typer.Option("--to", help="The unit asked.")],
    text: Annotated[str, typer.Option(help="The question.")],
    by: Annotated[str | None, typer.Option(help="Who asked.")] = None,
    answer: Annotated[str | None, typer.Option(help="The answer given at the hearing.")] = None,
    due: Annotated[str | None, typer.Option(help="When a written answer is due, YYYY-MM-DD.")] = None,
    problem: ProblemsOption = None,
) -> None:
    """Record a question asked at a hearing, and its answer or the written answer promised."""
    from auditledger import workflow

    fields = {
        "to": to,
        "text": text,
        "by": by,
        "answer": answer,
        "due": iso_date(due, "--due") if due else None,
    }
    numbers: list[int] = []

    def change(meta: "YearMeta", ledger: "Ledger") -> "YearMeta":
        from auditledger.queries import unit_id

        asked = unit_id(ledger, to, "--to")
        new, number = workflow.add_question(
            meta, hearing_id, {**fields, "to": asked, "problems": _check_problems(ledger, problem)}
        )
        numbers.append(number)
        return new

    _edit_year(_year_of(hearing_id), change)
    typer.echo(f"{hearing_id}/Q{numbers[0]}")


@command("answer", target=hearing_app)
def hearing_answer(
    question_id: Annotated[str, typer.Argument(metavar="ID/QN", help="The question, e.g. 2025-H1/Q2")],
    text: Annotated[str, typer.Option(help="The written answer.")],
    on: DateOption = None,
) -> None:
    """Record the written answer to a question."""
    from auditledger import workflow

    hearing_id, _sep, number = question_id.partition("/Q")
    if not number.isdigit():
        raise AuditLedgerError(
            _("'{id}' is not a question id").format(id=question_id), hint=_("write it as 2025-H1/Q2")
        )
    day = _day(on)
    _edit_year(
        _year_of(hearing_id),
        lambda meta, _ledger: workflow.answer_question(meta, hearing_id, int(number), text, day),
    )
    typer.echo(_("answered {id}").format(id=question_id))


# --- disclosure --------------------------------------------------------------------------


@command("disclose")
def disclose(
    target: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A problem (2025-007) or a year's report (2025/rectification_report)."
        ),
    ],
    where: Annotated[str, typer.Option(help="Where it was published, e.g. 示例市人大常委会网站.")],
    on: DateOption = None,
) -> None:
    """Record that a rectification result or a report was made public (信息公开)."""
    from auditledger import workflow

    day = _day(on)
    year, _sep, report = target.partition("/")
    if report:
        if report not in ("audit_report", "rectification_report") or not year.isdigit():
            raise AuditLedgerError(
                _("'{target}' names no report").format(target=target),
                hint=_("write YEAR/audit_report or YEAR/rectification_report"),
            )
        _edit_year(int(year), lambda meta, _ledger: workflow.disclose_report(meta, report, day, where))
        typer.echo(_("{target} published {day} ({where})").format(target=target, day=day, where=where))
        return
    old, new = _edit_problem(target, lambda p: workflow.disclose(p, day, where))
    typer.echo(_history_line(old, new))
