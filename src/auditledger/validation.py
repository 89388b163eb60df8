"""What is wrong with a value a record refused, in the language spoken: one message per pydantic
error type, filled in from the error's context, where pydantic would say it in English.

`describe(error)` takes one error of `ValidationError.errors()` and returns the clause the
loader puts after the field and the value ("input should be a valid integer, …"); in English it
is pydantic's own message with a lowercase first letter. Our own validators' messages (a
`ValueError`, a `PydanticCustomError`) are translated where they are raised and pass through.
May import: model, i18n.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from auditledger import i18n
from auditledger.i18n import N_, _, ngettext
from auditledger.model import PATTERN_RULES

MESSAGES: dict[str, str] = {
    "missing": N_("field required"),
    "extra_forbidden": N_("extra inputs are not permitted"),
    "model_type": N_("input should be a valid dictionary or instance of {class_name}"),
    "model_attributes_type": N_("input should be a valid dictionary or object to extract fields from"),
    "dict_type": N_("input should be a valid dictionary"),
    "list_type": N_("input should be a valid list"),
    "tuple_type": N_("input should be a valid tuple"),
    "set_type": N_("input should be a valid set"),
    "invalid_key": N_("keys should be strings"),
    "none_required": N_("input should be None"),
    "string_type": N_("input should be a valid string"),
    "string_unicode": N_("input should be a valid string, unable to parse raw data as a unicode string"),
    "string_not_ascii": N_("string should contain only ASCII characters"),
    "string_pattern_mismatch": N_("string should match pattern '{pattern}'"),
    "int_type": N_("input should be a valid integer"),
    "int_parsing": N_("input should be a valid integer, unable to parse string as an integer"),
    "int_parsing_size": N_("unable to parse input string as an integer, exceeded maximum size"),
    "int_from_float": N_("input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("input should be a valid number"),
    "float_parsing": N_("input should be a valid number, unable to parse string as a number"),
    "bool_type": N_("input should be a valid boolean"),
    "bool_parsing": N_("input should be a valid boolean, unable to interpret input"),
    "decimal_type": N_("decimal input should be an integer, float, string or Decimal object"),
    "decimal_parsing": N_("input should be a valid decimal"),
    "finite_number": N_("input should be a finite number"),
    "greater_than": N_("input should be greater than {gt}"),
    "greater_than_equal": N_("input should be greater than or equal to {ge}"),
    "less_than": N_("input should be less than {lt}"),
    "less_than_equal": N_("input should be less than or equal to {le}"),
    "multiple_of": N_("input should be a multiple of {multiple_of}"),
    "enum": N_("input should be {expected}"),
    "literal_error": N_("input should be {expected}"),
    "date_type": N_("input should be a valid date"),
    "date_parsing": N_("input should be a valid date in the format YYYY-MM-DD, {error}"),
    "date_from_datetime_parsing": N_("input should be a valid date or datetime, {error}"),
    "date_from_datetime_inexact": N_(
        "datetimes provided to dates should have zero time - e.g. be exact dates"
    ),
    "datetime_type": N_("input should be a valid datetime"),
    "datetime_parsing": N_("input should be a valid datetime, {error}"),
    "datetime_from_date_parsing": N_("input should be a valid datetime or date, {error}"),
    "recursion_loop": N_("recursion error - cyclic reference detected"),
    "frozen_instance": N_("instance is frozen"),
}
"""Pydantic's message for each error type our records can raise, as pydantic words it (first
letter lowercased), with the error's context as placeholders. The plural messages
(`string_too_short`, `string_too_long`, `decimal_max_digits`, `decimal_max_places`,
`decimal_whole_digits`) are in `_counted`; `value_error` and our own custom errors carry their
message; any other type is shown in pydantic's words."""

DATE_ERRORS: dict[str, str] = {
    text: text
    for text in (
        N_("input is too short"),
        N_("input is too long"),
        N_("invalid character in year"),
        N_("invalid character in month"),
        N_("invalid character in day"),
        N_("invalid date separator, expected `-`"),
        N_("month value is outside expected range of 1-12"),
        N_("day value is outside expected range"),
        N_("hour value is outside expected range of 0-23"),
        N_("minute value is outside expected range of 0-59"),
        N_("second value is outside expected range of 0-59"),
        N_("invalid datetime separator, expected `T`, `t`, `_` or space"),
        N_("unexpected extra characters at the end of the input"),
        N_("timezone offset must be less than 24 hours"),
        N_("invalid timezone hour"),
        N_("dates after 9999 are not supported as unix timestamps"),
    )
}
"""Why a date did not parse, as the parser inside pydantic (speedate) says it: the common ones,
to translate; others are shown in its words."""


def describe(error: Mapping[str, Any]) -> str:
    """What is wrong with the value of one pydantic error (an item of `ValidationError.errors()`),
    in the language spoken: the clause after "'x' is not valid (…)"."""
    kind: str = error["type"]
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", ""))  # our validators' own message, translated where raised
    counted = _counted(kind, ctx)
    if counted is not None:
        return counted
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in PATTERN_RULES:
        return _("should be {rule}").format(rule=_(PATTERN_RULES[ctx["pattern"]]))
    template = MESSAGES.get(kind)
    if template is None or not _fits(template, ctx):
        return _lowered(str(error.get("msg", "")))  # our custom errors' messages are translated
    values = {name: _shown(value) for name, value in ctx.items()}
    if "expected" in values:
        values["expected"] = _alternatives(values["expected"])
    if "error" in values and kind.startswith(("date", "datetime")):
        reason = values["error"]
        values["error"] = _(DATE_ERRORS[reason]) if reason in DATE_ERRORS else reason
    return _(template).format(**values)


def _counted(kind: str, ctx: Mapping[str, Any]) -> str | None:
    """The messages that count something, in the singular or plural the number needs."""
    if kind == "string_too_short" and "min_length" in ctx:
        n = int(ctx["min_length"])
        return ngettext(
            "string should have at least {count} character",
            "string should have at least {count} characters",
            n,
        ).format(count=n)
    if kind == "string_too_long" and "max_length" in ctx:
        n = int(ctx["max_length"])
        return ngettext(
            "string should have at most {count} character",
            "string should have at most {count} characters",
            n,
        ).format(count=n)
    if kind == "decimal_max_digits" and "max_digits" in ctx:
        n = int(ctx["max_digits"])
        return ngettext(
            "decimal input should have no more than {count} digit in total",
            "decimal input should have no more than {count} digits in total",
            n,
        ).format(count=n)
    if kind == "decimal_max_places" and "decimal_places" in ctx:
        n = int(ctx["decimal_places"])
        return ngettext(
            "decimal input should have no more than {count} decimal place",
            "decimal input should have no more than {count} decimal places",
            n,
        ).format(count=n)
    if kind == "decimal_whole_digits" and "whole_digits" in ctx:
        n = int(ctx["whole_digits"])
        return ngettext(
            "decimal input should have no more than {count} digit before the decimal point",
            "decimal input should have no more than {count} digits before the decimal point",
            n,
        ).format(count=n)
    return None


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _fits(template: str, ctx: Mapping[str, Any]) -> bool:
    """Whether the error's context has every value the message names."""
    return all(name in ctx for name in _PLACEHOLDER.findall(template))


def _shown(value: Any) -> str:
    """A value of an error's context as people write it: a bound, a date, a pattern."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    found = _DECIMAL.fullmatch(text)  # pydantic shows a Decimal bound as its repr
    return found[1] if found and i18n.language() == "zh" else text


_DECIMAL = re.compile(r"Decimal\('([-0-9.E+]+)'\)")


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _alternatives(expected: str) -> str:
    """Pydantic's list of the values expected (`'a', 'b' or 'c'`), joined as the language
    joins alternatives."""
    items = _QUOTED.findall(expected)
    if i18n.language() != "zh" or not items:
        return expected
    return "、".join(f"“{item}”" for item in items)


def _lowered(message: str) -> str:
    return message[0].lower() + message[1:] if message else message
