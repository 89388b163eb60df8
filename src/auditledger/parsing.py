"""Values a person typed (an option, a form field) as the program's values; a bad one is one
clear error. Shared by the command line and the workbench. May import: diagnostics, i18n, model
(inside the functions: parsing options loads no pydantic at start-up).
"""

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from auditledger.diagnostics import AuditLedgerError
from auditledger.i18n import _

if TYPE_CHECKING:
    from auditledger.model import Choice

C = TypeVar("C", bound="Choice")


def choice(cls: type[C], value: str, option: str) -> C:
    """A code, Chinese label or alias as an enumeration member."""
    try:
        return cls.parse(value)
    except ValueError:
        raise AuditLedgerError(
            _("{option}: '{value}' is not a valid value").format(option=option, value=value),
            hint=_("use one of: {choices}").format(choices=cls.choices()),
        ) from None


def choices(cls: type[C], values: Sequence[str] | None, option: str) -> list[C]:
    return [choice(cls, value, option) for value in values or ()]


def iso_date(value: str, option: str) -> date:
    """A day typed on the command line, within the years a ledger's dates lie in (1990–2100):
    `--as-of 9999-12-31` would otherwise end in an overflow of date arithmetic."""
    from auditledger.model import FIRST_DAY, LAST_DAY

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise AuditLedgerError(
            _("{option}: '{value}' is not a valid date").format(option=option, value=value),
            hint=_("write dates as YYYY-MM-DD, e.g. 2024-06-30"),
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise AuditLedgerError(
            _("{option}: {value} is not between {first} and {last}").format(
                option=option, value=value, first=FIRST_DAY, last=LAST_DAY
            ),
            hint=_("correct the year: a ledger's dates lie within 1990–2100"),
        )
    return day
