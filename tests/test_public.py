"""The public version scrubs contacts however they are written (issue 18, item 4): telephone
numbers, identity numbers and e-mail addresses with spaces, hyphens, dots, brackets, country
codes and full-width characters, embedded in Chinese text, never reach `report --public`,
while amounts, dates and problem ids stay; and no history names its authors."""

from __future__ import annotations

import json
import re
import tempfile
import textwrap
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CLI, SETTINGS, UNITS, YEAR, snapshot

KEPT = ["2025-007", "1,320.00万元", "2026-09-30"]
SEPARATORS = ["", "", "", " ", "-", ".", "－", "　", " - ", "—", "．"]
CHINESE = st.text(
    alphabet="财政局专项资金下达不及时问题整改联系电话邮箱身份证号，。、：", min_size=1, max_size=6
)


def wide(char: str) -> str:
    """The full-width form of an ASCII character (NFKC folds it back)."""
    return "　" if char == " " else chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char


@st.composite
def grouped(draw: st.DrawFn, digits: str) -> str:
    """`digits` as people write them: groups of any length, any separator between them."""
    return digits[0] + "".join(draw(st.sampled_from(SEPARATORS)) + d for d in digits[1:])


@st.composite
def widened(draw: st.DrawFn, text: str) -> str:
    """Some, all or none of the characters in their full-width form."""
    how = draw(st.sampled_from(["none", "all", "some"]))
    if how == "none":
        return text
    if how == "all":
        return "".join(map(wide, text))
    flags = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(wide(c) if f else c for c, f in zip(text, flags, strict=True))


def numbers(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


@st.composite
def contact(draw: st.DrawFn) -> tuple[str, str]:
    """(as written, what must not survive: its digits, or the address, without separators)."""
    kind = draw(st.sampled_from(["mobile", "landline", "id", "email"]))
    if kind == "mobile":
        digits = "1" + draw(st.sampled_from("3456789")) + draw(numbers(9))
        code = draw(st.sampled_from(["", "", "+86 ", "+86-", "0086 ", "0086-", "(+86)", "(+86) ", "+86"]))
        written = code + draw(grouped(digits))
    elif kind == "landline":
        area = "0" + draw(st.sampled_from("123456789")) + draw(numbers(draw(st.sampled_from([1, 2]))))
        number = draw(st.sampled_from("23456789")) + draw(numbers(draw(st.sampled_from([6, 7]))))
        digits = area[1:] + number
        if draw(st.booleans()):
            written = draw(st.sampled_from(["+86 ", "+86-", "0086 ", "(+86)"])) + area[1:]
        else:
            written = draw(st.sampled_from(["{}", "({})", "({}) "])).format(area)
        written += draw(st.sampled_from(["", "-", " "])) + draw(grouped(number))
    elif kind == "id":
        digits = draw(st.sampled_from("123456789")) + draw(numbers(16))
        check = draw(st.sampled_from("0123456789Xx"))
        written = draw(grouped(digits + check))
    else:
        local = draw(st.from_regex(r"[a-z][a-z0-9._]{0,8}[a-z0-9]", fullmatch=True))
        domain = draw(st.from_regex(r"[a-z][a-z0-9]{0,8}(\.[a-z]{2,4}){1,2}", fullmatch=True))
        written = local + draw(st.sampled_from(["@", "@", " @ "])) + domain
        digits = f"{local}@{domain}"
    return draw(widened(written)), squashed(digits)


def squashed(text: str) -> str:
    """Text folded by NFKC, lower case, without anything people put between digits."""
    return re.sub(r"[\s\-.()\\—]", "", unicodedata.normalize("NFKC", text)).lower()


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def ledger(root: Path, texts: list[str]) -> CLI:
    files = {
        "auditledger.yaml": SETTINGS,
        "units.yaml": UNITS,
        "2023/_year.yaml": YEAR,
        "2023/czj.yaml": f"""\
problems:
  - id: 2023-001
    year: 2023
    title: {q("问题" + KEPT[0] + texts[0] + "涉及" + KEPT[1] + "，于" + KEPT[2] + "前")}
    description: {q("。".join(texts))}
    category: 财政管理
    amount: 100.50
    unit: czj
    type: phased
    deadline: 2024-09-30
    status: in_progress
    measures: {json.dumps(texts, ensure_ascii=False)}
    reason: {q("；".join(texts))}
    next_steps: {q("，".join(texts))}
""",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return CLI(root)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(CHINESE, contact(), CHINESE), min_size=1, max_size=4))
def test_no_contact_survives_in_the_public_report_however_written(
    parts: list[tuple[str, tuple[str, str], str]],
) -> None:
    texts = [before + written + after for before, (written, _), after in parts]
    with tempfile.TemporaryDirectory() as folder:
        cli = ledger(Path(folder), texts)
        for args in ([], ["--format", "html"]):
            run = cli("report", "--year", "2023", "--as-of", "2024-12-31", "--public", *args)
            assert run.exit_code == 0, run.stderr
            shown = squashed(run.stdout)
            assert [secret for _, (_, secret), _ in parts if secret in shown] == []
            for kept in KEPT:
                assert kept in run.stdout


@pytest.mark.parametrize(
    "written",
    [
        "139 1234 5678",
        "139-1234-5678",
        "＋86 139 1234 5678",
        "１３９１２３４５６７８",
        "+86 (139) 1234-5678",
        "0086.139.1234.5678",
        "(0571) 8765 4321",
        "０５７１－８７６５４３２１",
        "+86 571 8765 4321",
        "110101 19900307 123X",
        "１１０１０１１９９００３０７１２３ｘ",
        "ｗａｎｇ＠ｅｘａｍｐｌｅ．ｇｏｖ．ｃｎ",
        "wang＠example.gov.cn",
    ],
)
def test_the_issue_s_contacts_are_scrubbed(make_ledger: Callable[..., Path], written: str) -> None:
    cli = ledger(make_ledger(), [f"经办人联系{written}，请核实"])
    before = snapshot(cli.root)
    internal = cli("report", "--year", "2023", "--as-of", "2024-12-31").stdout
    assert written in internal  # the test can fail: the internal report has it
    for args in ([], ["--format", "html"]):
        public = cli("report", "--year", "2023", "--as-of", "2024-12-31", "--public", *args)
        assert public.exit_code == 0, public.stderr
        assert written not in public.stdout and "联系［已隐去］，请核实" in public.stdout
        assert all(kept in public.stdout for kept in KEPT)
    assert snapshot(cli.root) == before


# --- the history of a year's records -----------------------------------------------------------

HISTORY = "history: [{date: 2024-12-01, by: 周经办, action: update, note: 王处长交办，电话13812345678}]"
YEAR_WITH_HISTORY = YEAR + textwrap.dedent(
    f"""\
    resolutions:
      - id: 2023-R1
        kind: opinion
        adopted: 2024-06-28
        text: 加快资金下达
        {HISTORY}
    votes:
      - id: 2023-V1
        date: 2024-12-24
        target: report
        members: 40
        satisfied: 30
        basic: 5
        unsatisfied: 1
        result: satisfied
        {HISTORY}
    hearings:
      - id: 2023-H1
        date: 2024-12-24
        kind: report
        questions:
          - to: czj
            text: 何时到位？
            {HISTORY}
        {HISTORY}
    """
)
TEMPLATE = """\
{% for r in report.resolutions %}R {{ r.resolution.history }}
{% endfor %}{% for v in report.votes %}V {{ v.vote.history }}
{% endfor %}{% for h in report.hearings %}H {{ h.hearing.history }}
{% for q in h.questions %}Q {{ q.question.history }}
{% endfor %}{% endfor %}"""


def test_the_history_of_a_year_s_records_names_nobody_in_public(
    make_ledger: Callable[..., Path], tmp_path: Path
) -> None:
    cli = CLI(make_ledger({"2023/_year.yaml": YEAR_WITH_HISTORY}))
    assert cli("check").exit_code == 0, cli("check").stdout
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "supervision.md.j2").write_text(TEMPLATE, encoding="utf-8")
    args = ["report", "--year", "2023", "--kind", "supervision", "--as-of", "2024-12-31"]
    args += ["--templates", str(templates)]
    internal = cli(*args)
    assert internal.exit_code == 0, internal.stderr
    assert internal.stdout.count("周经办") == 4  # the test can fail: each record shows its history
    public = cli(*args, "--public")
    assert public.exit_code == 0, public.stderr
    assert [w for w in ("周经办", "王处长", "13812345678") if w in public.stdout] == []
    assert public.stdout.count("2024, 12, 1") == 4 or public.stdout.count("2024-12-01") == 4


@pytest.mark.parametrize(
    "contact",
    [
        "139\u200b1234\u200b5678",
        "139  -  1234  -  5678",
        "139·1234·5678",
        "110105491231002",
        "张三@qq.com",
        "wang @ example . com",
        "wang@例子.中国",
    ],
)
def test_contacts_written_in_yet_other_ways_are_scrubbed(contact: str) -> None:
    from auditledger.reports import REDACTED, scrub

    text = scrub(f"联系人{contact}，问题金额1,320.00万元，2026-09-30前完成2025-007的整改。")
    assert REDACTED in text and contact not in text
    assert "1,320.00万元" in text and "2026-09-30" in text and "2025-007" in text
