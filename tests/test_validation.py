"""`validation.describe`: what pydantic says of a refused value, in the language spoken. In
English it is pydantic's own message (first letter lowercased), so nothing changes for English
readers but the words of a pattern we can name."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from pydantic_core import PydanticKnownError

from auditledger import validation
from auditledger.model import TAG_PATTERN, Problem

CONTEXTS: dict[str, dict[str, Any]] = {
    "model_type": {"class_name": "Milestone"},
    "string_pattern_mismatch": {"pattern": "^x$"},
    "greater_than": {"gt": 0},
    "greater_than_equal": {"ge": 1949},
    "less_than": {"lt": 5},
    "less_than_equal": {"le": "2100-12-31"},
    "multiple_of": {"multiple_of": 2},
    "enum": {"expected": "'a', 'b' or 'c'"},
    "literal_error": {"expected": "'x' or 'y'"},
    "date_parsing": {"error": "input is too short"},
    "date_from_datetime_parsing": {"error": "invalid character in year"},
    "datetime_parsing": {"error": "input is too short"},
    "datetime_from_date_parsing": {"error": "input is too short"},
    "string_too_short": {"min_length": 1},
    "string_too_long": {"max_length": 500},
    "decimal_max_digits": {"max_digits": 15},
    "decimal_max_places": {"decimal_places": 1},
    "decimal_whole_digits": {"whole_digits": 3},
}


@pytest.mark.parametrize("kind", sorted(set(validation.MESSAGES) | set(CONTEXTS)))
def test_english_is_pydantic_s_own_message(kind: str) -> None:
    ctx = CONTEXTS.get(kind)
    message = PydanticKnownError(kind, ctx).message()  # type: ignore[arg-type]
    error = {"type": kind, "ctx": ctx, "msg": message}
    assert validation.describe(error) == message[0].lower() + message[1:]


def test_a_pattern_we_know_is_said_in_words() -> None:
    with pytest.raises(ValidationError) as caught:
        Problem.model_validate(
            {"id": "1", "year": 2023, "title": "t", "unit": "czj", "type": "immediate",
             "deadline": "2024-01-01", "tags": ["Bad"]}
        )  # fmt: skip
    error = caught.value.errors()[0]
    assert error["ctx"]["pattern"] == TAG_PATTERN
    assert validation.describe(error).startswith("should be a lowercase ASCII letter")


def test_our_own_messages_pass_through() -> None:
    with pytest.raises(ValidationError) as caught:
        Problem.model_validate(
            {"id": "1", "year": 2023, "title": "t", "unit": "czj", "type": "immediate",
             "deadline": "2024-01-01", "amount": "1e5"}
        )  # fmt: skip
    assert validation.describe(caught.value.errors()[0]) == "written with an exponent"
