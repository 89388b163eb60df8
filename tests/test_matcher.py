"""The recurrence matcher (issue 23): precision and recall on the labelled evaluation set,
agreement on object AND nature, its explanation, the ledger's own terms, 普遍存在 across units,
and jieba loaded only by the commands that match."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from auditledger.recurrence import Matcher, Terms, evaluate
from tests.conftest import CLI
from tests.matcher_set import PARTS, labelled, pairs

FLOOR = 0.85


def test_the_set_is_large_and_hard_enough() -> None:
    every = [p for part in PARTS for p in pairs(part)]
    assert len(every) >= 150
    assert sum(p["kind"] in ("object", "nature") for p in every) >= 60
    assert all(p["same"] is (p["kind"] == "reworded") for p in every)
    assert len({(p["a"], p["b"]) for p in every}) == len(every)  # no pair twice


def test_precision_and_recall_on_the_evaluation_set() -> None:
    figures = {}
    every = [pair for part in PARTS for pair in labelled(part)]
    for name, part in [*((part, labelled(part)) for part in PARTS), ("all", every)]:
        result = evaluate(part)
        figures[name] = result
        print(
            f"matcher on {name} ({result.pairs} pairs): precision {result.precision:.3f}, "
            f"recall {result.recall:.3f}"
        )
    whole = figures["all"]
    assert whole.precision >= FLOOR and whole.recall >= FLOOR, whole.wrong


def test_shared_words_alone_never_match() -> None:
    matcher = Matcher(Terms.shipped())
    # the same unit, the same words 仍然存在 and 问题, but different objects and natures
    assert matcher.compare("医保基金违规结算问题仍然存在", "学生资助资金发放不精准问题仍然存在") is None
    # the same object, another nature; the same nature, another object
    assert matcher.compare("政府债券资金闲置", "政府债券资金被挪用") is None
    assert matcher.compare("政府债券资金闲置", "养老服务补贴资金闲置") is None


def test_synonyms_and_old_names_agree_and_say_why() -> None:
    matcher = Matcher(Terms.shipped())
    moved = matcher.compare("专项资金被挪用", "专项经费改变资金用途用于日常公用经费")
    assert moved is not None and moved.why() == "对象：专项资金；性质：挤占挪用"
    held = matcher.compare("滞留惠农补贴", "截留耕地地力保护补贴")
    assert held is not None and held.natures == ("截留",) and held.objects == ("惠农补贴",)
    renamed = matcher.compare("财政专项扶贫资金闲置", "衔接推进乡村振兴补助资金结存未使用")
    assert renamed is not None and renamed.why(zh=False) == "object: 乡村振兴资金; nature: 闲置"


def test_rarer_shared_words_score_higher() -> None:
    both = "医保基金违规结算，定点药店，公立医院"
    rare, common = "医保基金违规结算，定点药店", "医保基金违规结算，公立医院"
    matcher = Matcher(Terms.shipped(), [both, rare, common, *["公立医院"] * 6])
    assert matcher.weight("定点药店") > matcher.weight("公立医院")
    with_rare, with_common = matcher.compare(both, rare), matcher.compare(both, common)
    assert with_rare is not None and with_common is not None
    assert with_rare.score > with_common.score >= 0.5
    assert with_rare.shared[0] == "定点药店"


UNITS = """units:
  - {id: czj, name: 测试市财政局}
  - {id: ybj, name: 测试市医疗保障局}
  - {id: wjw, name: 测试市卫生健康委员会}
  - {id: yy, name: 测试市第一人民医院, parent: wjw}
"""


def problem(ident: str, title: str, unit: str) -> str:
    year = ident[:4]
    return (
        f"  - {{id: {ident}, year: {year}, title: {title}, amount: 10, unit: {unit}, "
        f"type: immediate, deadline: {int(year) + 1}-09-30}}\n"
    )


@pytest.fixture
def across(make_ledger: Callable[..., Path]) -> CLI:
    files: dict[str, str | None] = {
        "units.yaml": UNITS,
        "2022/_year.yaml": "year: 2022\n",
        "2023/_year.yaml": "year: 2023\n",
        "2022/wjw.yaml": "problems:\n" + problem("2022-001", "公立医院违规收费", "wjw"),
        "2022/czj.yaml": "problems:\n" + problem("2022-002", "专项资金被挪用", "czj"),
        "2023/yy.yaml": "problems:\n" + problem("2023-001", "公立医院超标准收费、重复收费", "yy"),
        "2023/ybj.yaml": "problems:\n" + problem("2023-002", "医保资金改变用途用于平衡预算", "ybj"),
        "2023/czj.yaml": "problems:\n" + problem("2023-003", "医疗保障基金被挤占", "czj"),
    }
    return CLI(make_ledger(files))


def test_recurrence_at_the_unit_or_its_supervisor_and_prevalence_across_units(across: CLI) -> None:
    found = json.loads(across("recurring", "--format", "json").stdout)
    pairs_found = {(m["id"], m["recurs_from"]): m for m in found}
    # the hospital's supervisor had the same problem last year: a recurrence, with its reasons
    assert set(pairs_found) == {("2023-001", "2022-001")}
    assert pairs_found["2023-001", "2022-001"]["objects"] == ["定点医药机构"]
    assert pairs_found["2023-001", "2022-001"]["natures"] == ["违规收费"]
    shown = across("recurring", "--lang", "zh").stdout
    assert "对象：定点医药机构；性质：违规收费" in shown
    # two units misused the medical insurance fund in 2023: widespread (普遍存在), not recurring
    plan = across("plan", "--year", "2023", "--as-of", "2024-06-30", "--format", "json").stdout
    prevalent = json.loads(plan)["prevalent"]
    assert prevalent == [
        {
            "object": "医保基金",
            "nature": "挤占挪用",
            "units": ["czj", "ybj"],
            "problems": ["2023-002", "2023-003"],
        }
    ]


def test_a_ledger_adds_its_own_terms(across: CLI) -> None:
    before = json.loads(across("recurring", "--format", "json").stdout)
    assert ("2023-003", "2022-002") not in {(m["id"], m["recurs_from"]) for m in before}
    settings = across.root / "auditledger.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "terms:\n  objects:\n    专项资金: [医疗保障基金]\n",
        encoding="utf-8",
    )
    assert across("check").exit_code == 0
    after = json.loads(across("recurring", "--format", "json").stdout)
    assert ("2023-003", "2022-002") in {(m["id"], m["recurs_from"]) for m in after}


def test_terms_of_a_ledger_must_be_lists(across: CLI) -> None:
    settings = across.root / "auditledger.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "terms:\n  natures:\n    闲置: 沉淀\n", encoding="utf-8"
    )
    run = across("check")
    assert run.exit_code == 1 and "auditledger.yaml:" in run.stdout and "terms" in run.stdout


PROBE = """
import sys
from auditledger.memo import main
sys.argv = ["auditledger", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("JIEBA" if "jieba" in sys.modules else "NO-JIEBA", file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "loads"),
    [
        (("list",), False),
        (("overdue", "--as-of", "2026-11-24"), False),
        (("report", "--year", "2025", "--as-of", "2026-11-24"), False),
        (("recurring", "--as-of", "2026-11-24"), True),
        (("plan", "--year", "2025", "--as-of", "2026-11-24"), True),
    ],
)
def test_only_commands_that_match_load_jieba(sample: CLI, args: tuple[str, ...], loads: bool) -> None:
    env = {**os.environ, "AUDITLEDGER_LEDGER": str(sample.root), "AUDITLEDGER_NO_CACHE": "1"}
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=False
    )
    assert run.stderr.strip().endswith("JIEBA" if loads else "NO-JIEBA"), run.stderr


def test_every_way_of_writing_a_term_belongs_to_one_term() -> None:
    terms = Terms.shipped()
    for table in (terms.objects, terms.natures):
        owner: dict[str, str] = {}
        for term, aliases in table.items():
            for alias in (term, *aliases):
                assert owner.setdefault(alias, term) == term, (alias, owner[alias], term)
    assert set(terms.broader) <= set(terms.objects) and set(terms.broader.values()) <= set(terms.objects)
