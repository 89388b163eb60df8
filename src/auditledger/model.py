"""The ledger's records as closed Pydantic models, and enumerations with Chinese labels.

No I/O here; every other module may import this one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sys
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any, Generic, NamedTuple, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError, PydanticKnownError

from auditledger import i18n, labels
from auditledger.i18n import N_, _

R = TypeVar("R")

# Bump when a record's shape changes, so caches of validated records are rebuilt.
SCHEMA_VERSION = 6


class Choice(str, Enum):
    """An enumeration whose value is the English code written in files and JSON.

    Each member also carries a Chinese and an English label, and accepts the code,
    either label or one of its aliases on input (files and command line alike).
    """

    zh: str
    en: str
    aliases: tuple[str, ...]

    def __new__(cls, code: str, zh: str, en: str, *aliases: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.zh = zh
        member.en = en
        member.aliases = aliases
        return member

    def __reduce_ex__(self, protocol: object) -> tuple[Any, ...]:
        """Pickled by name, which unpickling looks up without calling the class (the read cache
        holds tens of thousands)."""
        return getattr, (type(self), self.name)

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        key = _fold(value)
        for member in cls:
            names = (member.value, member.zh, member.en, *member.aliases)
            if key in {_fold(name) for name in names}:
                return member
        return None

    @classmethod
    def parse(cls, value: str) -> Self:
        """The member for a code, label or alias; ValueError when there is none."""
        return cls(value)  # type: ignore[call-arg]  # Enum lookup, not __new__

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @classmethod
    def choices(cls) -> str:
        """The accepted codes with their labels in the language spoken, for hints:
        `immediate（立行立改）、phased（分阶段整改）` or `partial (partly rectified), rectified`
        (in English the code alone where the label only spells it out)."""
        if i18n.language() == "zh":
            return "、".join(f"{m.value}（{m.zh}）" for m in cls)
        return ", ".join(m.value if _fold(m.en) == m.value else f"{m.value} ({m.en})" for m in cls)

    def __str__(self) -> str:
        return str(self.value)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "_")


class Language(str, Enum):
    """Output language (a plain enumeration: its codes are its names)."""

    zh = "zh"
    en = "en"


class UnitKind(Choice):
    department = "department", "政府部门", "government department", "部门", "department"
    lower_government = "lower_government", "下级政府", "lower-level government"
    soe = "soe", "国有企业", "state-owned enterprise", "国企", "企业"
    other = "other", "其他", "other"


class RectificationType(Choice):
    immediate = "immediate", "立行立改", "immediate", "立即整改"
    phased = "phased", "分阶段整改", "phased", "分阶段"
    ongoing = "ongoing", "持续整改", "ongoing", "持续", "长期整改"


class Status(Choice):
    not_started = "not_started", "未整改", "not started"
    in_progress = "in_progress", "整改中", "in progress", "正在整改"
    partial = "partial", "部分整改", "partly rectified", "partly_rectified"
    rectified = "rectified", "已整改", "rectified", "完成整改", "已完成整改", "整改完成"
    closed = "closed", "已销号", "closed", "销号"

    @property
    def finished(self) -> bool:
        """Rectification is complete (已整改 or 已销号)."""
        return self in (Status.rectified, Status.closed)


class CauseLink(Choice):
    """The seven links (环节) in which the seed asks to look for a problem's cause."""

    policy_making = "policy_making", "政策制定", "policy making"
    rule_enforcement = "rule_enforcement", "制度执行", "rule enforcement"
    budget_management = "budget_management", "预算管理", "budget management"
    project_management = "project_management", "项目管理", "project management"
    performance_evaluation = "performance_evaluation", "绩效评价", "performance evaluation"
    oversight = "oversight", "监督检查", "oversight and inspection"
    accountability = "accountability", "责任落实", "accountability"


class AmountKind(Choice):
    violation = "violation", "违规金额", "irregular use", "违规"
    loss = "loss", "损失浪费金额", "loss and waste", "损失浪费"
    mismanagement = "mismanagement", "管理不规范金额", "non-standard management", "管理不规范"


class RectifyMethod(Choice):
    """How a rectified amount was rectified (整改方式)."""

    recovered = "recovered", "追缴资金", "funds recovered", "追缴"
    returned = "returned", "归还原渠道", "returned to original channel", "归还"
    reallocated = "reallocated", "统筹盘活", "idle funds put to use", "盘活"
    disbursed = "disbursed", "加快拨付", "disbursement accelerated", "拨付"
    taxes = "taxes", "退抵税费或补缴补发", "taxes and fees refunded or paid", "补缴补发"
    accounts = "accounts", "调整账表", "accounts adjusted", "调账"
    treasury = "treasury", "上缴国库", "paid into the treasury", "上缴", "缴库"
    other = "other", "其他", "other"


class ProminentReason(Choice):
    """Why a problem was selected as prominent (突出问题), after the seed's criteria."""

    prevalent = "prevalent", "普遍存在", "prevalent across units"
    recurring = "recurring", "反复出现", "recurring across years"
    nature = "nature", "问题性质", "nature of the problem"
    amount = "amount", "资金规模", "amount involved"
    record = "record", "以往整改情况", "past rectification record"
    public_concern = "public_concern", "代表和群众关心", "concern of deputies and the public"
    budget_focus = "budget_focus", "预算审查重点", "focus of budget review"


class Tag(Choice):
    """The tags the tool knows (the tracking plan scores them); a ledger may use others of its own."""

    public_concern = "public_concern", "代表和群众关心", "concern of deputies and the public"
    budget_focus = "budget_focus", "预算审查重点", "focus of budget review"


class SourceKind(Choice):
    audit_report = "audit_report", "审计工作报告", "audit work report"
    special_announcement = "special_announcement", "专项审计结果公告", "special audit announcement"


class TrackingMethod(Choice):
    """How the committee tracked a problem (跟踪检查), and the supervision actions it took."""

    seminar = "seminar", "座谈调研", "seminar and survey"
    briefing = "briefing", "听取汇报", "briefing"
    site_visit = "site_visit", "实地察看", "site visit"
    document_review = "document_review", "调阅资料", "document review"
    spot_check = "spot_check", "随机抽查", "random spot check"
    joint_audit = "joint_audit", "联合审计机关", "jointly with the audit office", "联合审计"
    special_inquiry = "special_inquiry", "专题询问", "special inquiry"
    interpellation = "interpellation", "质询", "interpellation"
    investigation = "investigation", "特定问题调查", "investigation of a specific question"
    talk = "talk", "约谈", "admonitory talk"
    inspection = "inspection", "督查", "inspection"
    referral = "referral", "移送纪检监察", "referral to discipline inspection"


class ResolutionKind(Choice):
    resolution = "resolution", "决议", "resolution"
    opinion = "opinion", "审议意见", "deliberation opinions"


class RecommendationStatus(Choice):
    """How the government answered an audit recommendation (审计建议)."""

    adopted = "adopted", "已采纳", "adopted", "采纳"
    partly = "partly", "部分采纳", "partly adopted"
    not_adopted = "not_adopted", "未采纳", "not adopted", "不采纳"
    in_progress = "in_progress", "正在研究", "under study", "研究中"


class HearingKind(Choice):
    report = "report", "听取审议整改情况报告", "hearing of the rectification report", "整改情况报告"
    unit = "unit", "听取责任单位报告", "hearing of a responsible unit", "单位报告"
    inquiry = "inquiry", "专题询问", "special inquiry", "询问"


class DeputyKind(Choice):
    """How a deputy (人大代表) takes part in the tracking."""

    liaison = "liaison", "联系代表", "liaison deputy"
    budget_liaison = "budget_liaison", "预算审查联系代表", "budget-review liaison deputy"
    proposer = "proposer", "提出相关议案建议代表", "deputy who proposed related motions"
    expert = "expert", "专业领域代表", "deputy with expertise in the field"


class VoteResult(Choice):
    satisfied = "satisfied", "满意", "satisfied"
    basically_satisfied = "basically_satisfied", "基本满意", "basically satisfied"
    unsatisfied = "unsatisfied", "不满意", "unsatisfied"


DEFAULT_CATEGORIES = (
    "财政管理",
    "部门预算执行",
    "重大政策落实",
    "重点民生资金",
    "重大项目",
    "国有企业资产",
    "金融资产",
    "行政事业性国有资产",
    "自然资源资产",
    "违纪违法问题线索",
)

DEFAULT_PLAN_WEIGHTS = {
    "prevalent": Decimal(2),
    "recurring": Decimal(3),
    "nature": Decimal(3),
    "amount": Decimal(2),
    "record": Decimal(1),
    "public_concern": Decimal(2),
    "budget_focus": Decimal(1),
}
DEFAULT_STATUS_SYNONYMS = {
    "已完成": Status.rectified,
    "完成": Status.rectified,
    "已整改到位": Status.rectified,
    "整改到位": Status.rectified,
    "已整改完成": Status.rectified,
    "基本完成": Status.partial,
    "基本整改": Status.partial,
    "部分完成": Status.partial,
    "正在推进": Status.in_progress,
    "推进中": Status.in_progress,
    "尚未整改": Status.not_started,
}
"""What units write for a status in the lists they send back, beyond the statuses' own labels."""
DEFAULT_METHOD_SYNONYMS = {
    "上缴财政": RectifyMethod.treasury,
    "收回资金": RectifyMethod.recovered,
    "归还原渠道资金": RectifyMethod.returned,
    "统筹盘活资金": RectifyMethod.reallocated,
    "盘活存量资金": RectifyMethod.reallocated,
    "拨付资金": RectifyMethod.disbursed,
    "补缴税费": RectifyMethod.taxes,
    "调账处理": RectifyMethod.accounts,
    "调整账务": RectifyMethod.accounts,
}
"""Headers of the 「其中」 columns of real lists that name a rectification method."""
DEFAULT_PLAN_METHODS = (
    TrackingMethod.special_inquiry,
    TrackingMethod.site_visit,
    TrackingMethod.seminar,
    TrackingMethod.document_review,
    TrackingMethod.spot_check,
)
DEFAULT_PLAN_METHOD_RULES = {
    "immediate": (TrackingMethod.document_review, TrackingMethod.spot_check),
    "phased": (TrackingMethod.briefing, TrackingMethod.site_visit),
    "ongoing": (TrackingMethod.seminar, TrackingMethod.briefing),
    "systemic": (TrackingMethod.seminar, TrackingMethod.special_inquiry),
    "recurring": (TrackingMethod.site_visit, TrackingMethod.special_inquiry),
    "prevalent": (TrackingMethod.spot_check, TrackingMethod.joint_audit),
    "lower_government": (TrackingMethod.site_visit,),
    "lawbreaking": (TrackingMethod.document_review, TrackingMethod.joint_audit),
    "public_concern": (TrackingMethod.seminar,),
}
"""Which tracking methods the plan proposes for which kind of prominent problem: its
rectification type, and what makes it prominent."""

# --- field types -------------------------------------------------------------------------

CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029"
NO_CONTROL_PATTERN = f"^[^{CONTROL_CHARACTERS}]*$"
"""Text holds no C0/C1 control character (but tab and line breaks) and no U+2028/U+2029.
A pattern, not a Python validator, so that validation stays in pydantic's core."""


def _number_to_text(value: Any) -> Any:
    # An audit office's number such as 15 is text, though YAML reads it as a number.
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[str, StringConstraints(min_length=1, pattern=NO_CONTROL_PATTERN)]
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=NO_CONTROL_PATTERN)
]
UNIT_ID_PATTERN = r"^[a-z][a-z0-9_-]{0,31}$"
PROBLEM_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
UnitId = Annotated[str, StringConstraints(pattern=UNIT_ID_PATTERN)]
RESERVED_NAME = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])$", re.IGNORECASE)
"""Names Windows reserves for devices, whatever the extension: a unit's file `2025/con.yaml`
could not be checked out there."""


def _not_reserved(value: str) -> str:
    if RESERVED_NAME.match(value):
        raise ValueError(
            _(
                "'{value}' is a name Windows reserves for a device (con, prn, aux, nul, com1-9, "
                "lpt1-9): the unit's files could not be checked out there; choose another id, e.g. {value}1"
            ).format(value=value)
        )
    return value


ProblemId = Annotated[
    str,
    BeforeValidator(_number_to_text),
    StringConstraints(pattern=PROBLEM_ID_PATTERN),
]
Year = Annotated[int, Field(ge=1949, le=2100)]  # dates stop at 2100 too (`Day`)
MAX_MONEY = Decimal(10) ** 12
"""The largest amount, in 万元 (10¹⁶ yuan: more than any budget)."""
MONEY_DIGITS = 15
"""Significant digits an amount may have: what a binary float (SQL, spreadsheets) keeps exactly."""


def _no_exponent(value: Any, info: ValidationInfo) -> Any:
    # Files and command lines write amounts as plain numbers; `1e999999999` is 15 characters
    # but 10**9 digits once printed. The reader leaves such numbers as text (`store`).
    if isinstance(value, str) and info.context is None and any(ch in value for ch in "eE"):
        raise PydanticCustomError("decimal_exponent", _("written with an exponent"))
    return value


MONEY_PLACES = 6


def _money_digits(value: Decimal, info: ValidationInfo) -> Decimal:
    # After the bounds: a value within them normalises cheaply. (Pydantic's `max_digits` with
    # `decimal_places=6` would allow only 9 digits before the point; its `decimal_places` is a
    # Python validator of its own, and this one call does both.) Records read back from the
    # read cache (`TRUSTED`) were checked when they were read from their file.
    if info.context is TRUSTED:
        return value
    _sign, digits, exponent = value.as_tuple()
    if isinstance(exponent, int) and exponent < -MONEY_PLACES and any(digits):
        trailing = len(digits) - len(bytes(digits).rstrip(b"\0"))  # places as written, then without zeros
        if -(exponent + trailing) > MONEY_PLACES:
            raise PydanticKnownError("decimal_max_places", {"decimal_places": MONEY_PLACES})
    if len(digits) > MONEY_DIGITS and len(value.normalize().as_tuple().digits) > MONEY_DIGITS:
        raise PydanticCustomError(
            "decimal_significant_digits",
            _("more than {digits} significant digits").format(digits=MONEY_DIGITS),
        )
    return value


TRUSTED: Any = ("trusted",)
"""The validation context of records read back from the read cache, checked when they were
read from their files: the Python validators of amounts let them through as they are."""


Money = Annotated[
    Decimal,
    BeforeValidator(_no_exponent),
    Field(ge=0, le=MAX_MONEY, allow_inf_nan=False),
    AfterValidator(_money_digits),
]
"""An amount in 万元 (10,000 yuan), kept exact to the cent (six decimal places); at most 10¹²
and 15 significant digits, so that every read path (printing, rounding, SQL) is safe."""
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Figure = Annotated[Decimal, BeforeValidator(_no_exponent), Field(max_digits=MONEY_DIGITS)]
"""A decimal of the settings (a share, a weight): written out, at most 15 digits."""

FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]
"""A date of the ledger: within 1990–2100, so that date arithmetic (a deadline plus six months,
the day after) never leaves what Python's dates can hold, and a mistyped year is caught."""


def money_from_text(text: str) -> Decimal | str:
    """An amount typed by a person: `1,234.56`, `1234.56万元` or `１２３４`; the text itself
    when it is no number or written with an exponent, for the model to refuse with its position."""
    cleaned = unicodedata.normalize("NFKC", text).strip().removesuffix("万元").replace(",", "").strip()
    if any(ch in cleaned for ch in "eE"):
        return text
    try:
        return Decimal(cleaned)
    except ArithmeticError:
        return text


ID_RULES = {
    UNIT_ID_PATTERN: N_("a lowercase ASCII letter, then up to 31 letters, digits, '-' or '_', e.g. czj"),
    PROBLEM_ID_PATTERN: N_("letters, digits, '.', '-' or '_', at most 40, e.g. 2023-017"),
}
"""What an id must be, by its pattern, for a hint (`use …`): translate with `_()` where shown."""
RECORD_ID_PATTERN = r"^\d{4}-[A-Z]\d{1,4}$"
TARGET_PATTERN = r"^(report|[a-z][a-z0-9_-]{0,31})$"
TAG_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
CHANGE_FIELD_PATTERN = r"^[a-z_]+(\.[a-z_]+)?$"
ACTION_PATTERN = r"^[a-z_]+$"
BUDGET_ITEM_PATTERN = r"^[0-9A-Za-z.-]{1,32}$"
PATTERN_RULES = {
    **ID_RULES,
    RECORD_ID_PATTERN: N_("a year, '-', a capital letter and a number, e.g. 2025-R1"),
    TARGET_PATTERN: N_("`report` or the id of a unit, e.g. czj"),
    TAG_PATTERN: N_(
        "a lowercase ASCII letter, then up to 31 lowercase letters, digits or '_', e.g. public_concern"
    ),
    CHANGE_FIELD_PATTERN: N_("the key of a field, e.g. deadline or rectified.recovered"),
    ACTION_PATTERN: N_("lowercase ASCII letters and '_', e.g. update"),
    BUDGET_ITEM_PATTERN: N_("up to 32 letters, digits, '.' or '-', e.g. 2120101"),
}
"""What a text of each pattern must be, in words (translate with `_()` where shown)."""


class Record(BaseModel):
    """A closed record: unknown keys are errors, and values are validated on assignment."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        defer_build=True,  # built on first validation: records read from the cache need none
        str_strip_whitespace=False,
        use_enum_values=False,
    )


@cache
def defaults(model: type[BaseModel]) -> dict[str, Any]:
    """Each field's default value (a factory's called once): compare with these, don't change them.
    Asking pydantic for a factory's default inspects the factory's signature every time, which
    made writing 10,000 imported problems take 25 s."""
    return {name: info.get_default(call_default_factory=True) for name, info in model.model_fields.items()}


# --- records -----------------------------------------------------------------------------


class LowerLedger(Record):
    """A lower-level committee's ledger (typically a git submodule), by path and jurisdiction."""

    path: Line = Field(description="Relative to this ledger's folder")
    name: Line = Field(description="The jurisdiction, e.g. 东山区")


class PercentRounding(str, Enum):
    """How a percentage drops its further digits: cut off (the central reports' 94%) or rounded half up."""

    truncate = "truncate"
    half_up = "half_up"


class FigureStyle(Record):
    """How figures read in the prose of a report (`figures:` in auditledger.yaml). The defaults
    are a city's or county's report: whole percentages cut off, no thousands separators in
    running text, 亿元 from 1 亿, exact amounts."""

    percent_digits: Annotated[int, Field(ge=0, le=2)] = Field(
        default=0, description="Decimal places of a percentage: 0 (94%), 1 (94.1%) or 2 (91.29%)"
    )
    percent_rounding: PercentRounding = Field(
        default=PercentRounding.truncate, description="truncate (94.9% → 94%) or half_up (95%)"
    )
    thousands_in_prose: bool = Field(
        default=False, description="Thousands separators in running text (8,600.60万元); tables keep them"
    )
    yi_from: Annotated[Figure, Field(gt=0)] = Field(
        default=Decimal(10000), description="Amounts from this many 万元 up read in 亿元"
    )
    wanyi_from: Annotated[Figure, Field(gt=0)] = Field(
        default=Decimal(10) ** 8, description="Amounts from this many 万元 up read in 万亿元"
    )
    approximate: bool = Field(
        default=False,
        description="Amounts in running text as whole numbers of their unit with 多 (5380多亿元)",
    )
    accountability_label: Line = Field(
        default="追责问责", description="How accountability reads: 追责问责 or 处理处分"
    )
    accountability_unit: Line = Field(default="人", description="人 or 人次")
    government_rules_label: Line | None = Field(
        default=None,
        description="What the government's own rules are called (default: 市级制度 for a 市, "
        "县级制度 for a 县, from `jurisdiction`)",
    )
    internal_rules_label: Line = Field(
        default="部门内部控制和财务管理等制度", description="What units' internal rules are called"
    )
    chinese_dates: bool = Field(default=True, description="Dates in running text as 2027年12月31日")


class TermTable(Record):
    """This ledger's additions to the recurrence matcher's dictionary (`data/terms.yaml`): a
    canonical term and the other ways reports write it. An existing term gets more aliases."""

    objects: dict[Line, list[Line]] = Field(
        default_factory=dict, description="What findings are about (对象), e.g. 医保基金: [医疗保障基金]"
    )
    natures: dict[Line, list[Line]] = Field(
        default_factory=dict, description="What is wrong (问题性质), e.g. 挤占挪用: [改变资金用途]"
    )


class Settings(Record):
    """`auditledger.yaml`: who keeps the ledger and how it is reported."""

    name: Line = Field(description="The body that keeps the ledger, e.g. 示例市人大常委会预算工作委员会")
    jurisdiction: Line | None = Field(default=None, description="e.g. 示例市")
    language: Language = Field(default=Language.zh, description="Report and output language")
    due_soon_days: Annotated[int, Field(ge=0, le=3650)] = Field(
        default=30, description="A deadline this many days ahead or fewer counts as due soon"
    )
    categories: list[Line] = Field(
        default_factory=lambda: list(DEFAULT_CATEGORIES),
        description="The usual problem categories, in report order",
    )
    report_back_months: Annotated[int, Field(ge=1, le=60)] = Field(
        default=6,
        description="Months within which the government reports how it implemented a resolution "
        "or handled deliberation opinions (the seed: 6)",
    )
    suggestion_months: Annotated[int, Field(ge=1, le=60)] = Field(
        default=3, description="Months within which a deputy's suggestion is answered"
    )
    vote_threshold: Annotated[Figure, Field(gt=0, le=1)] = Field(
        default=Decimal("0.5"),
        description="Share of ALL members whose votes decide a satisfaction vote (0.5 = half)",
    )
    vote_tie_passes: bool = Field(
        default=True, description="Whether votes of exactly the threshold share pass"
    )
    rereport_days: Annotated[int, Field(ge=1, le=3650)] = Field(
        default=60,
        description="Days after an unsatisfied vote by which the re-report is due, "
        "when the next meeting's date is not given",
    )
    disclosure_days: Annotated[int, Field(ge=1, le=3650)] = Field(
        default=30, description="Days after completion by which a rectification result is to be published"
    )
    plan_weights: dict[str, Annotated[Figure, Field(ge=0, le=100)]] = Field(
        default_factory=lambda: dict(DEFAULT_PLAN_WEIGHTS),
        description="Weights of the criteria that rank candidates for prominent problems "
        "(prevalent, recurring, nature, amount, record, public_concern, budget_focus)",
    )
    plan_methods: list[TrackingMethod] = Field(
        default_factory=lambda: list(DEFAULT_PLAN_METHODS),
        description="Tracking methods the plan proposes (专题询问, 实地察看, …)",
    )
    plan_method_rules: dict[str, list[TrackingMethod]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_PLAN_METHOD_RULES.items()},
        description="Methods the plan proposes per kind of prominent problem "
        f"({', '.join(DEFAULT_PLAN_METHOD_RULES)}); a kind given here replaces its default",
    )
    plan_bodies: dict[Line, Line] = Field(
        default_factory=dict,
        description="The committee body that tracks each problem category (e.g. 重点民生资金: "
        "社会建设委员会); other categories: the body that keeps the ledger",
    )
    lower: list[LowerLedger] = Field(
        default_factory=list, description="Lower-level ledgers supervised jointly (上下联动)"
    )
    terms: TermTable = Field(
        default_factory=TermTable,
        description="Objects and natures the recurrence matcher adds to its shipped dictionary",
    )
    asset_categories: list[Line] = Field(
        default_factory=lambda: ["国有企业资产", "金融资产", "行政事业性国有资产", "自然资源资产"],
        description="Categories that `report --kind assets` covers (国有资产), besides those "
        "that `asset_pattern` matches",
    )
    asset_pattern: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        default="国有资产|国有.*资产|国资|自然资源|金融资产|金融企业",
        description="A regular expression: categories it finds are state-owned-asset categories "
        "(国有资产, 企业国有资产, 国有企业资产, 行政事业性国有资产, 金融企业国有资产, 自然资源资产…)",
    )
    government: Line | None = Field(
        default=None,
        description="The government that delivers the rectification report (default: "
        "`jurisdiction` + 人民政府, e.g. 示例市人民政府)",
    )
    salutation: Line = Field(
        default="主任、各位副主任、秘书长、各位委员：",
        description="The salutation of a report to the standing committee",
    )
    figures: FigureStyle = Field(
        default_factory=lambda: FigureStyle(), description="How figures read in reports' prose"
    )
    status_synonyms: dict[Line, Status] = Field(
        default_factory=lambda: dict(DEFAULT_STATUS_SYNONYMS),
        description="Words units write for a status in returned lists (已完成: rectified), for import",
    )
    method_synonyms: dict[Line, RectifyMethod] = Field(
        default_factory=lambda: dict(DEFAULT_METHOD_SYNONYMS),
        description="Column names lists give a rectification method (上缴国库: recovered), for import",
    )
    templates: Line | None = Field(
        default=None,
        description="A folder of report templates, relative to the ledger folder, that replace "
        "the shipped ones file by file",
    )

    @field_validator("asset_pattern")
    @classmethod
    def _a_pattern(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(
                _("not a regular expression ({reason}); e.g. 国有资产|自然资源").format(reason=exc)
            ) from None
        return pattern

    def is_asset_category(self, category: str | None) -> bool:
        """Whether problems of `category` belong to the state-owned-assets report."""
        return bool(category) and (
            category in self.asset_categories or re.search(self.asset_pattern, category or "") is not None
        )

    @property
    def government_name(self) -> str:
        """Who delivers the rectification report: the setting, else the jurisdiction's 人民政府."""
        return self.government or f"{self.jurisdiction or ''}人民政府"

    @field_validator("plan_method_rules")
    @classmethod
    def _known_kinds(cls, rules: dict[str, list[TrackingMethod]]) -> dict[str, list[TrackingMethod]]:
        _only_known(rules, DEFAULT_PLAN_METHOD_RULES, N_("unknown kinds of problem {unknown}; use {known}"))
        return {**{k: list(v) for k, v in DEFAULT_PLAN_METHOD_RULES.items()}, **rules}

    @field_validator("plan_weights")
    @classmethod
    def _known_criteria(cls, weights: dict[str, Decimal]) -> dict[str, Decimal]:
        _only_known(weights, DEFAULT_PLAN_WEIGHTS, N_("unknown criteria {unknown}; use {known}"))
        return {**DEFAULT_PLAN_WEIGHTS, **weights}


def _only_known(given: Mapping[str, object], known: Mapping[str, object], message: str) -> None:
    """Refuse keys of a setting's mapping that are not among `known`, naming the known ones."""
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValueError(_(message).format(unknown=i18n.listed(unknown), known=i18n.listed(known)))


class Unit(Record):
    """A responsible unit (责任单位), lower-level government or supervising department."""

    id: Annotated[UnitId, AfterValidator(_not_reserved)]
    name: Line = Field(description="The unit's Chinese name")
    kind: UnitKind = UnitKind.department
    parent: UnitId | None = Field(default=None, description="Supervising department (主管部门)")
    aliases: list[Line] = Field(
        default_factory=list, description="Other names lists give the unit (e.g. 市财政局), for import"
    )


Value = str | int | Decimal | bool | date | list[Any] | dict[str, Any] | None
"""What a history entry records of a value: a scalar, a list, or a nested record's fields."""


class Change(Record):
    """One field's change, from old to new value. `field` may name a key of a mapping or a field
    of a nested record (`rectified.recovered`, `case.findings`). A change of a list field whose
    `old` is empty and whose `new` is one item added that item."""

    field: Annotated[str, StringConstraints(pattern=CHANGE_FIELD_PATTERN)]
    old: Value = None
    new: Value = None


class HistoryEntry(Record):
    """A dated change to a record, kept in the record itself, oldest first. `action` `create`
    marks when the record came into the ledger."""

    date: Day
    by: Line | None = None
    action: Annotated[str, StringConstraints(pattern=ACTION_PATTERN)] = "update"
    changes: list[Change] = Field(default_factory=list)
    note: Text | None = None


History = Annotated[
    list[HistoryEntry], Field(default_factory=list, description="Dated changes, oldest first")
]


class Disclosure(Record):
    """Where and when something was made public (信息公开)."""

    published: Day
    where: Line = Field(description="e.g. 示例市人大常委会网站")


class Report(Record):
    """A report heard by the standing committee."""

    title: Line | None = None
    heard_on: Day | None = Field(default=None, description="The day the committee heard it")
    cutoff: Day | None = Field(default=None, description="Data cut-off date (数据截止日期)")
    disclosure: Disclosure | None = Field(default=None, description="Its publication in full")
    history: History


class GovernmentReport(Report):
    """The government's rectification report (整改情况报告) as it is delivered to the standing
    committee: who delivers it, at which meeting, and the prose the staff write for it."""

    reporter: Line | None = Field(
        default=None, description="Who delivers it, for the byline, e.g. 示例市审计局局长 张明"
    )
    meeting: Line | None = Field(
        default=None,
        description="The meeting, for the byline, e.g. "
        "在示例市第十七届人民代表大会常务委员会第二十三次会议上 (default: from `heard_on` and the settings)",
    )
    salutation: Line | None = Field(
        default=None, description="The salutation line (default: the `salutation` setting)"
    )
    entrusted_by: Line | None = Field(
        default=None, description="On whose behalf it is delivered (default: the `government` setting)"
    )
    deployment: Text | None = Field(
        default=None, description="一、审计整改工作部署和成效: the staff's prose, one paragraph a line"
    )
    next_work: Text | None = Field(
        default=None, description="下一步工作: the staff's prose, one paragraph a line"
    )


RecordId = Annotated[str, StringConstraints(pattern=RECORD_ID_PATTERN)]
"""Ids of a year's records: 2025-R1 (resolution), 2025-S3 (suggestion), 2025-V1 (vote)."""


class Resolution(Record):
    """A resolution (决议) or deliberation opinions (审议意见) of the standing committee."""

    id: RecordId
    kind: ResolutionKind
    adopted: Day
    text: Text
    problems: list[ProblemId] = Field(default_factory=list)
    reported: Day | None = Field(
        default=None, description="When the government reported how it implemented it"
    )
    history: History


class Suggestion(Record):
    """A deputy's opinion or suggestion on the rectification (代表意见建议)."""

    id: RecordId
    deputy: Line
    text: Text
    received: Day
    problems: list[ProblemId] = Field(default_factory=list)
    answered: Day | None = Field(default=None, description="When the unit answered the deputy")
    copied: Day | None = Field(
        default=None, description="When the answer was copied to the budget working committee"
    )
    history: History


class Vote(Record):
    """A satisfaction vote (满意度测评) on the rectification report or on one unit's report."""

    id: RecordId
    date: Day
    target: Annotated[str, StringConstraints(pattern=TARGET_PATTERN)] = Field(
        description="`report` for the government's report, or the id of the unit evaluated"
    )
    members: Annotated[int, Field(ge=1)] = Field(description="All members of the standing committee")
    satisfied: Count
    basic: Count = Field(description="基本满意 votes")
    unsatisfied: Count
    void: Count = 0
    result: VoteResult
    sent_to_party: Day | None = Field(default=None, description="报送本级党委")
    copied_to_government: Day | None = Field(default=None, description="抄送本级政府")
    rereport_due: Day | None = Field(default=None, description="When the re-report is due")
    rereported: Day | None = None
    history: History

    @model_validator(mode="after")
    def _votes_fit_members(self) -> Self:
        cast = self.satisfied + self.basic + self.unsatisfied + self.void
        if cast > self.members:
            raise ValueError(
                _(
                    "{cast} votes were counted but there are only {members} members; "
                    "`satisfied` + `basic` + `unsatisfied` + `void` cannot be more than `members`"
                ).format(cast=cast, members=self.members)
            )
        return self


class Recommendation(Record):
    """An audit recommendation (审计建议) of the audit work report, mainly on institutions and
    mechanisms, and the government's answer."""

    id: RecordId
    text: Text
    problems: list[ProblemId] = Field(default_factory=list)
    units: list[UnitId] = Field(default_factory=list, description="The departments addressed")
    response: Text | None = None
    status: RecommendationStatus | None = None
    responded: Day | None = None
    history: History


class Attendee(Record):
    unit: UnitId
    head: Line | None = Field(
        default=None, description="The unit's head who attended (a name: left out of public reports)"
    )


class Question(Record):
    """A question asked at a hearing, to a unit, and its answer."""

    by: Line | None = Field(default=None, description="Who asked (left out of public reports)")
    to: UnitId
    text: Text
    problems: list[ProblemId] = Field(default_factory=list)
    answer: Text | None = None
    due: Day | None = Field(default=None, description="When a written answer promised at the hearing is due")
    answered: Day | None = None
    history: History


class Hearing(Record):
    """A hearing of the standing committee (听取和审议, 专题询问)."""

    id: RecordId
    date: Day
    kind: HearingKind
    attendees: list[Attendee] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    history: History


class YearMeta(Record):
    """`<year>/_year.yaml`: the audit year (年度), the reports on it, and what followed."""

    year: Year
    audit_report: Report | None = Field(default=None, description="审计工作报告")
    rectification_report: GovernmentReport | None = Field(default=None, description="整改情况报告")
    resolutions: list[Resolution] = Field(default_factory=list, description="决议和审议意见")
    suggestions: list[Suggestion] = Field(default_factory=list, description="代表意见建议")
    votes: list[Vote] = Field(default_factory=list, description="满意度测评")
    recommendations: list[Recommendation] = Field(default_factory=list, description="审计建议")
    hearings: list[Hearing] = Field(default_factory=list, description="听取和审议、专题询问")


class Source(Record):
    """Where a problem sits in the audit documents."""

    document: SourceKind = SourceKind.audit_report
    section: Line | None = Field(default=None, description="e.g. 二、（一）3")
    title: Line | None = Field(default=None, description="The announcement's title")


class Milestone(Record):
    """A dated step of a phased or ongoing rectification (时间表和路线图)."""

    due: Day
    text: Line
    done: Day | None = None


class Deputy(Record):
    name: Line
    kind: DeputyKind


class TrackingEntry(Record):
    """A dated check or supervision action on a problem (跟踪检查, 专题询问, 约谈, …)."""

    date: Day
    method: TrackingMethod
    finding: Text = Field(description="What was found or done")
    by: Line | None = None
    deputies: list[Deputy] = Field(default_factory=list, description="Deputies (人大代表) who took part")
    internal: bool = Field(default=False, description="Left out of published reports")


class Counterpart(Record):
    """The same problem in another level's ledger: the jurisdiction and its id there."""

    ledger: Line = Field(description="The other ledger's jurisdiction, e.g. 东山区 or 示例市")
    id: ProblemId


class TypicalCase(Record):
    """A problem chosen for in-depth analysis (典型案例), and what the analysis found."""

    reason: Text = Field(description="Why it was chosen")
    chosen: Day
    methods: list[TrackingMethod] = Field(
        default_factory=list, description="座谈调研, 实地察看, 调阅资料, 随机抽查"
    )
    causes: list[CauseLink] = Field(default_factory=list, description="The links where the causes lie")
    findings: Text | None = Field(default=None, description="What was found on site")
    conclusions: Text | None = None
    proposals: Text | None = None


class Problem(Record):
    """An audit-found problem (审计查出问题): one row of the ledger."""

    id: ProblemId
    audit_no: Annotated[Line | None, BeforeValidator(_number_to_text)] = Field(
        default=None, description="The audit office's own number (问题编号)"
    )
    year: Year = Field(description="The audit year (年度) of the audit work report")
    title: Line = Field(description="问题摘要")
    description: Text | None = Field(default=None, description="具体问题表述")
    source: Source | None = None
    category: Line | None = Field(default=None, description="问题类别")
    causes: list[CauseLink] = Field(default_factory=list, description="The links where the cause lies")
    cause_analysis: Text | None = None
    amount: Money = Field(default=Decimal(0), description="问题金额, 万元")
    amount_kind: AmountKind | None = None
    unit: UnitId = Field(description="Lead responsible unit (责任单位)")
    cooperating: list[UnitId] = Field(default_factory=list, description="配合单位")
    supervisor: UnitId | None = Field(default=None, description="Supervising department (主管部门)")
    responsible_person: Line | None = Field(default=None, description="责任人")
    lower_government: UnitId | None = Field(default=None, description="Lower-level government involved")
    prominent: bool = False
    prominent_reasons: list[ProminentReason] = Field(default_factory=list)
    systemic: bool = Field(default=False, description="体制机制性问题")
    recurring_from: list[ProblemId] = Field(default_factory=list, description="Earlier problems it repeats")
    tags: list[Annotated[str, StringConstraints(pattern=TAG_PATTERN)]] = Field(
        default_factory=list,
        description="Tags, e.g. public_concern (代表和群众关心), budget_focus (预算审查重点)",
    )
    type: RectificationType = Field(description="整改类型")
    deadline: Day = Field(description="整改时限")
    milestones: list[Milestone] = Field(default_factory=list)
    plan: Text | None = Field(default=None, description="整改方案")
    completion_standard: Text | None = Field(default=None, description="整改完成标准")
    measures: list[Text] = Field(default_factory=list, description="整改措施")
    status: Status = Status.not_started
    completed_on: Day | None = Field(default=None, description="整改完成时间")
    closed_on: Day | None = Field(default=None, description="销号时间")
    checked_by: Line | None = Field(default=None, description="Who checked it before closing")
    rectified: dict[RectifyMethod, Money] = Field(
        default_factory=dict, description="Rectified amount by method, 万元"
    )
    rules: list[Line] = Field(default_factory=list, description="Names of rules made or revised")
    rules_count: Count | None = Field(
        default=None,
        description="Rules made or revised (制定完善规章制度, 项) when more than are named",
    )
    rules_government: Count = Field(
        default=0,
        description="Of the rules made or revised, how many are the government's own (市级制度); "
        "the others are units' internal rules (内部控制和财务管理等制度)",
    )
    accountable: Count = Field(default=0, description="People held accountable (追责问责, 人)")
    evidence: list[Line] = Field(default_factory=list, description="Evidence (佐证材料), paths or references")
    reason: Text | None = Field(default=None, description="未整改到位原因")
    next_steps: Text | None = Field(default=None, description="下一步计划")
    round: Annotated[int, Field(ge=1)] = Field(
        default=1, description="Rectification round: 1, then one more each time it is reopened"
    )
    tracking: list[TrackingEntry] = Field(default_factory=list, description="跟踪检查记录")
    case: TypicalCase | None = Field(default=None, description="Chosen as a typical case (典型案例)")
    disclosure: Disclosure | None = Field(default=None, description="Publication of its result")
    counterpart: Counterpart | None = Field(
        default=None, description="The same problem in a lower- or upper-level ledger (上下联动)"
    )
    budget_department: UnitId | None = Field(
        default=None, description="The budget department (预算部门) it concerns"
    )
    budget_items: list[Annotated[str, StringConstraints(pattern=BUDGET_ITEM_PATTERN)]] = Field(
        default_factory=list, description="Budget item codes (预算项目编码) it concerns"
    )
    history: list[HistoryEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rules_count_covers_names(self) -> Self:
        if self.rules_count is not None and self.rules_count < len(self.rules):
            raise ValueError(
                _(
                    "`rules_count` is {count} but {named} rules are named; "
                    "make `rules_count` at least the number of names"
                ).format(count=self.rules_count, named=len(self.rules))
            )
        if self.rules_government > self.rules_made:
            raise ValueError(
                _(
                    "`rules_government` is {count} but only {made} rules are made or revised; "
                    "make it at most the number of rules"
                ).format(count=self.rules_government, made=self.rules_made)
            )
        return self

    @property
    def rules_made(self) -> int:
        """How many rules were made or revised."""
        return len(self.rules) if self.rules_count is None else self.rules_count

    @property
    def rectified_amount(self) -> Decimal:
        """The rectified amount over all methods, 万元."""
        return sum(self.rectified.values(), Decimal(0))


class UnitsFile(Record):
    """`units.yaml`."""

    units: list[Unit] = Field(default_factory=list)


class ProblemsFile(Record):
    """`<year>/<unit>.yaml`: one lead unit's problems of one audit year (the unit's 台账)."""

    problems: list[Problem] = Field(default_factory=list)


# --- the ledger as loaded ----------------------------------------------------------------


class Origin(NamedTuple):
    """Where a record came from: its file and its place inside it. (A named tuple: tens of
    thousands are made on every read.)"""

    path: Path
    pointer: tuple[str | int, ...] = ()


class Located(NamedTuple, Generic[R]):
    record: R
    origin: Origin


Dates = tuple[str, int, str, str, bool, str, str | None, bool, Sequence[tuple[int, str, str]]]
"""What `deadlines.watch` needs of a problem: id, audit year, unit, title, finished, deadline,
completed on, published, and each milestone not yet done as (number, due, text). Days are ISO
text, as the read cache keeps them: a province's 100,000 deadlines are compared as text (ISO
days order as their dates do) and only the few hundred distinct ones are made dates."""


def dates_of(problem: Problem) -> Dates:
    return (
        problem.id,
        problem.year,
        problem.unit,
        problem.title,
        problem.status.finished,
        problem.deadline.isoformat(),
        problem.completed_on.isoformat() if problem.completed_on else None,
        problem.disclosure is not None,
        tuple(
            (n, m.due.isoformat(), m.text)
            for n, m in enumerate(problem.milestones, start=1)
            if m.done is None
        ),
    )


class Row(NamedTuple):
    """A problem as `list` shows it, JSON-ready: codes for enumerations, ISO dates, amounts as
    exact decimal strings. The read cache keeps each file's rows (as plain tuples), so that
    listing problems unpacks none."""

    id: str
    year: int
    audit_no: str | None
    title: str
    unit: str
    category: str | None
    type: str
    status: str
    deadline: str
    amount: str
    rectified_amount: str
    prominent: bool
    systemic: bool
    cooperating: tuple[str, ...]
    completed_on: str | None


def money(value: Decimal) -> str:
    """An amount in 万元 as a decimal string that keeps every digit, never in exponent form."""
    return format(value, "f")


def row_of(problem: Problem) -> Row:
    return Row(
        problem.id,
        problem.year,
        problem.audit_no,
        problem.title,
        problem.unit,
        problem.category,
        problem.type.value,
        problem.status.value,
        problem.deadline.isoformat(),
        money(problem.amount),
        money(problem.rectified_amount),
        problem.prominent,
        problem.systemic,
        tuple(problem.cooperating),
        problem.completed_on.isoformat() if problem.completed_on else None,
    )


Key = tuple[str, int, str]
"""What finding a problem and checking links to it need: its id, audit year and lead unit."""


def key_of(problem: Problem) -> Key:
    # A file's problems mostly share a unit: one string for all, pickled and read back once.
    return (problem.id, problem.year, sys.intern(problem.unit))


def evidence_of(problem: Problem) -> tuple[str, ...]:
    return tuple(problem.evidence)


def links_of(problem: Problem) -> tuple[str, ...]:
    """The problems of earlier years this one recurs from (`recurring_from`)."""
    return tuple(problem.recurring_from)


Act = tuple[tuple[str | int, ...], str, date]
"""A day on which something is recorded to have been done: where that date is (a pointer
inside the record or file), what was done (in the language spoken, e.g. "milestone 1 done" or
"suggestion 2025-S2: Answered (`answered`)"), and the day."""


def acts_of(problem: Problem) -> Iterator[Act]:
    """Each day something is recorded to have been done to the problem: completion, closing,
    milestones done, tracking, choice as a typical case, publication, its history. Planned days
    (the deadline, milestones' `due`) are not acts: they may lie ahead."""
    if problem.completed_on is not None:
        yield ("completed_on",), labels.named("completed_on"), problem.completed_on
    if problem.closed_on is not None:
        yield ("closed_on",), labels.named("closed_on"), problem.closed_on
    for index, milestone in enumerate(problem.milestones):
        if milestone.done is not None:
            what = _("milestone {number} done").format(number=index + 1)
            yield ("milestones", index, "done"), what, milestone.done
    for index, tracked in enumerate(problem.tracking):
        yield ("tracking", index, "date"), _("tracking entry {number}").format(number=index + 1), tracked.date
    if problem.case is not None:
        yield ("case", "chosen"), _("typical case chosen"), problem.case.chosen
    if problem.disclosure is not None:
        yield ("disclosure", "published"), _("disclosure published"), problem.disclosure.published
    yield from history_acts(problem, (), "")


def history_acts(record: object, at: tuple[str | int, ...], owner: str) -> Iterator[Act]:
    """The days of a record's `history`, when the record has one (every record that changes is
    to carry one; read by attribute so that records without one yet are passed over). `owner`
    names the record in what was done ("vote 2025-V1"), or is empty."""
    entries: list[HistoryEntry] = getattr(record, "history", [])
    for index, entry in enumerate(entries):
        what = _of(owner, _("history entry {number}").format(number=index + 1))
        yield (*at, "history", index, "date"), what, entry.date


def _of(owner: str, act: str) -> str:
    """What was done to a record, named: "vote 2025-V1: history entry 1"."""
    return _("{owner}: {act}").format(owner=owner, act=act) if owner else act


REPORTS = {"audit_report": N_("audit work report"), "rectification_report": N_("rectification report")}
"""The reports of a year's file, by key, as messages name them (translate with `_()`)."""
RECORD_NAMES = {
    "problem": N_("problem {id}"),
    "unit": N_("unit {id}"),
    "resolution": N_("resolution {id}"),
    "opinion": N_("deliberation opinions {id}"),
    "suggestion": N_("suggestion {id}"),
    "vote": N_("vote {id}"),
    "recommendation": N_("recommendation {id}"),
    "hearing": N_("hearing {id}"),
}
"""Records by kind as messages name them: `_(RECORD_NAMES[kind]).format(id=…)`."""


def year_acts(meta: YearMeta) -> Iterator[Act]:
    """Each day something is recorded to have been done in a year's file: answers, copies,
    report-backs, votes and what followed them, publications, the records' histories. Planned
    days (hearings, `due`, `rereport_due`, `heard_on`, `cutoff`) are not acts."""
    for name in ("audit_report", "rectification_report"):
        report: Report | None = getattr(meta, name)
        if report is None:
            continue
        owner = _(REPORTS[name])
        if report.disclosure is not None:
            day = report.disclosure.published
            yield (name, "disclosure", "published"), _of(owner, _("disclosure published")), day
        yield from history_acts(report, (name,), owner)
    kinds: list[
        tuple[str, Sequence[Resolution | Suggestion | Vote | Recommendation | Hearing], tuple[str, ...]]
    ] = [
        ("resolutions", meta.resolutions, ("reported",)),
        ("suggestions", meta.suggestions, ("answered", "copied")),
        ("votes", meta.votes, ("date", "sent_to_party", "copied_to_government", "rereported")),
        ("recommendations", meta.recommendations, ("responded",)),
        ("hearings", meta.hearings, ()),
    ]
    for key, records, fields in kinds:
        for index, record in enumerate(records):
            yield from _dated_fields(record, (key, index), record_name(record), fields)
    for i, hearing in enumerate(meta.hearings):
        for j, question in enumerate(hearing.questions):
            owner = question_name(hearing.id, j + 1)
            yield from _dated_fields(question, ("hearings", i, "questions", j), owner, ("answered",))


def record_name(record: Resolution | Suggestion | Vote | Recommendation | Hearing) -> str:
    """A year's record as messages name it: "suggestion 2025-S2", "deliberation opinions 2025-R1"."""
    kinds = (Resolution, Suggestion, Vote, Recommendation, Hearing)
    kind = next(cls.__name__.lower() for cls in kinds if isinstance(record, cls))
    if getattr(record, "kind", None) is ResolutionKind.opinion:
        kind = "opinion"
    return _(RECORD_NAMES[kind]).format(id=record.id)


def question_name(hearing_id: str, number: int) -> str:
    """A hearing's question as messages name it: "question 1 of hearing 2025-H1"."""
    return _("question {number} of hearing {id}").format(number=number, id=hearing_id)


def _dated_fields(
    record: BaseModel, at: tuple[str | int, ...], owner: str, fields: tuple[str, ...]
) -> Iterator[Act]:
    for name in fields:
        day: date | None = getattr(record, name)
        if day is not None:
            yield (*at, name), _of(owner, labels.named(name)), day
    yield from history_acts(record, at, owner)


def latest_of(problem: Problem) -> date:
    """The latest day anything is recorded to have been done to the problem (`date.min` when
    nothing is): whether any of its acts lies after a day, without unpacking it. The days of
    `acts_of`, without the words that name them (made for 100,000 problems at a cold read)."""
    days = [problem.completed_on, problem.closed_on, *(m.done for m in problem.milestones)]
    days += [tracked.date for tracked in problem.tracking]
    days += [entry.date for entry in problem.history]
    if problem.case is not None:
        days.append(problem.case.chosen)
    if problem.disclosure is not None:
        days.append(problem.disclosure.published)
    return max((day for day in days if day is not None), default=date.min)


def sha_of(problem: Problem) -> str:
    """sha256 of the problem's data (not its file's text), for the digest of the as-of view:
    every field, set or left to its default, so that the same data has the same sha however
    it was made (read, or rebuilt as of a day)."""
    return hashlib.sha256(Problem.__pydantic_serializer__.to_json(problem)).hexdigest()


def record_json(problem: Problem) -> bytes:
    """The problem as JSON, with the fields it sets (not those it leaves to their defaults): as
    the read cache keeps it (a file's records are a JSON list of these). Not without the fields
    equal to their defaults: `amount: 0.00` equals the default 0, and would come back as 0."""
    return Problem.__pydantic_serializer__.to_json(problem, exclude_unset=True)


class Figures(NamedTuple):
    """What `stats` needs of a problem: its groups and its figures."""

    year: int
    unit: str
    category: str | None
    type: str
    causes: tuple[str, ...]
    finished: bool
    completed_on: date | None
    deadline: date
    amount: Decimal
    rectified: Decimal
    extensions: int
    recurring: bool


def figures_of(problem: Problem) -> Figures:
    return Figures(
        problem.year,
        problem.unit,
        problem.category,
        problem.type.value,
        tuple(cause.value for cause in problem.causes),
        problem.status.finished,
        problem.completed_on,
        problem.deadline,
        problem.amount,
        problem.rectified_amount,
        sum(1 for entry in problem.history if entry.action == "extend"),
        bool(problem.recurring_from),
    )


PARTS: dict[str, Callable[[Problem], Any]] = {
    "keys": key_of,
    "evidence": evidence_of,
    "links": links_of,
    "dates": dates_of,
    "rows": row_of,
    "latest": latest_of,
    "sha": sha_of,
    "figures": figures_of,
}
"""What is known of each problem in a file without the problem itself, by what needs it: an
edit the other files' keys, the evidence checks the evidence, the recurrence check the links,
the deadlines the dates, `list` the rows, the as-of view and the dates-in-the-future check the
latest act, the digest of the as-of view each problem's sha. The read cache keeps each part of
all files in a column of its own, read when first asked for (plain tuples: reading them costs
a fraction of the records). Change a part's shape: bump `loader.CACHE_FORMAT`."""


def part_json(name: str, values: tuple[Any, ...]) -> bytes:
    """A part of a file's problems as JSON, for the read cache: tuples as lists, dates as ISO text."""
    import orjson

    if name == "figures":  # amounts as exact text
        return orjson.dumps([(*v[:8], money(v.amount), money(v.rectified), *v[10:]) for v in values])
    return orjson.dumps([tuple(v) if name == "rows" else v for v in values])


_ISO_DAYS: dict[object, bool] = {}
"""Texts judged by `_iso_day`: a ledger's 100,000 deadlines share a few hundred days."""


def _iso_day(value: object) -> bool:
    """Whether a value is a day as ISO text (YYYY-MM-DD, as `date.isoformat` writes it); each
    distinct text is judged once (`_ISO_DAYS`)."""
    try:
        found = value.__class__ is str and dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        found = False
    if len(_ISO_DAYS) > 100_000:  # bounded, whatever a damaged cache holds
        _ISO_DAYS.clear()
    _ISO_DAYS[value] = found
    return found


def part_from_json(name: str, blob: bytes) -> tuple[Any, ...]:
    """A part read back from `part_json`, with its tuples and dates as `PARTS` made them."""
    import orjson

    found: list[Any] = orjson.loads(blob)
    day = dt.date.fromisoformat
    if name == "keys":
        return tuple((i, year, sys.intern(unit)) for i, year, unit in found)
    if name in ("evidence", "links"):
        return tuple(map(tuple, found))
    if name == "dates":  # as JSON gives them (lists unpack as tuples do), once their days hold
        known = _ISO_DAYS.get
        for _i, _year, _unit, _title, _finished, deadline, done, _published, milestones in found:
            if not (known(deadline) or _iso_day(deadline)) or (
                done is not None and not (known(done) or _iso_day(done))
            ):
                raise ValueError(f"not a day: {deadline!r}, {done!r}")
            for _number, due, _text in milestones:
                if not (known(due) or _iso_day(due)):
                    raise ValueError(f"not a day: {due!r}")
        return tuple(found)
    if name == "rows":
        return tuple(Row._make((*row[:13], tuple(row[13]), row[14])) for row in found)
    if name == "latest":
        return tuple(map(day, found))
    if name == "figures":
        return tuple(
            Figures._make(
                (*f[:6], day(f[6]) if f[6] else None, day(f[7]), Decimal(f[8]), Decimal(f[9]), *f[10:])
            )
            for f in found
        )
    return tuple(found)


class ProblemFile:
    """One file's valid problems: read, or still packed in the read cache (`load`), to be
    unpacked the first time they are asked for. Its `PARTS` are known either way (each may be
    packed in the cache until it is asked for, or made from the problems), so finding a problem
    by id, or checking an edit against the rest of the ledger, unpacks no other file."""

    __slots__ = ("_entries", "_load", "_parts", "path")

    def __init__(
        self,
        path: Path,
        entries: list[Located[Problem]] | None = None,
        *,
        load: Callable[[], list[Problem]] | None = None,
        parts: dict[str, tuple[Any, ...] | Callable[[], tuple[Any, ...]]] | None = None,
    ) -> None:
        self.path = path
        self._entries = entries
        self._load = load
        self._parts = parts or {}

    @property
    def entries(self) -> list[Located[Problem]]:
        if self._entries is None:
            assert self._load is not None
            self._entries = [
                Located(record, Origin(self.path, ("problems", i))) for i, record in enumerate(self._load())
            ]
            self._load = None
        return self._entries

    @property
    def unpacked(self) -> bool:
        return self._entries is not None

    def records(self) -> list[Problem]:
        """The file's problems, unpacked for this once when they are still packed, and not kept:
        for work that goes through a province's ledger a file at a time (`sql.build`)."""
        if self._entries is not None:
            return [entry.record for entry in self._entries]
        assert self._load is not None
        return self._load()

    def has(self, part: str) -> bool:
        """Whether the part has been made or read (else it is still packed in the cache, or
        not yet made)."""
        return part in self._parts and not callable(self._parts[part])

    def part(self, name: str) -> tuple[Any, ...]:
        """The part `name` of `PARTS` for each problem, in the file's order."""
        found = self._parts.get(name)
        if found is None:
            found = tuple(map(PARTS[name], (entry.record for entry in self.entries)))
        elif callable(found):
            found = found()
        self._parts[name] = found
        return found

    def packed(self) -> tuple[bytes, dict[str, bytes]]:
        """The file's problems as JSON (a list of `record_json`) and each of its parts as JSON
        (`part_json`), as the read cache keeps them."""
        records = b"[" + b",".join(record_json(entry.record) for entry in self.entries) + b"]"
        return records, {name: part_json(name, self.part(name)) for name in PARTS}

    def problem_keys(self) -> tuple[Key, ...]:
        return self.part("keys")

    def evidence(self) -> tuple[tuple[str, ...], ...]:
        return self.part("evidence")

    def dates(self) -> tuple[Dates, ...]:
        return self.part("dates")

    def rows(self) -> tuple[Row, ...]:
        return self.part("rows")

    def latest(self) -> tuple[date, ...]:
        return self.part("latest")

    def origin(self, index: int) -> Origin:
        """Where the file's `index`th valid problem is (valid records may sit among invalid ones)."""
        if self._entries is not None:
            return self._entries[index].origin
        return Origin(self.path, ("problems", index))


@dataclass(
    eq=False
)  # one ledger is one object: hashable by identity (`levels` keeps what it read per ledger)
class Ledger:
    """Every valid record of a ledger, each with its origin. Invalid records are left out
    (the loader reports them); duplicates are kept so that checks can report them."""

    root: Path
    settings: Settings
    settings_origin: Origin
    unit_entries: list[Located[Unit]] = field(default_factory=list)
    year_entries: list[Located[YearMeta]] = field(default_factory=list)
    problem_files: list[ProblemFile] = field(default_factory=list)
    digest: str = ""
    """sha256 over the ledger files read, their paths and contents: names the data a report
    was made from."""
    public: bool = False
    """Redacted for publication (`reports.public_ledger`)."""
    whole: Ledger | None = None
    """For a view of some files (`within`): the ledger they are part of."""
    as_of: date | None = None
    """For the ledger as it stood on a day (`asof.ledger_on`): that day."""
    left_out: tuple[str, ...] = ()
    """The errors of the records left out, which a document made anyway (`--allow-errors`) names."""

    def within(self, paths: Collection[Path]) -> Ledger:
        """A view of the records of these files only, that looks things up in the whole ledger:
        checks run on it report on these files alone, at the cost of their records."""
        wanted = frozenset(paths)

        def kept(entries: list[Located[R]]) -> list[Located[R]]:
            return [e for e in entries if e.origin.path in wanted]

        view = Ledger(
            self.root,
            self.settings,
            self.settings_origin,
            kept(self.unit_entries),
            kept(self.year_entries),
            [f for f in self.problem_files if f.path in wanted],
            self.digest,
            self.public,
            self,
            self.as_of,
            self.left_out,
        )
        for index in ("units", "years"):
            view.__dict__[index] = getattr(self, index)
        return view

    @property
    def everything(self) -> Ledger:
        """The whole ledger, also when this is a view of some files."""
        return self.whole or self

    @cached_property
    def problem_entries(self) -> list[Located[Problem]]:
        """Every valid problem with its origin, file by file (unpacks them all)."""
        return [entry for file in self.problem_files for entry in file.entries]

    @property
    def problem_count(self) -> int:
        return sum(len(file.problem_keys()) for file in self.problem_files)

    @cached_property
    def ids(self) -> dict[str, Key]:
        """Every problem id of the whole ledger, also for a view, with its `Key` (id, audit year,
        lead unit; the first's, for an id used twice): from the files' keys, unpacking none."""
        return self._indexes[0]

    @cached_property
    def _indexes(self) -> tuple[dict[str, Key], set[str]]:
        """`ids`, and the ids used more than once: one pass over the files' keys."""
        if self.whole is not None:
            return self.whole._indexes
        found: dict[str, Key] = {}
        reused: set[str] = set()
        for file in self.problem_files:
            for key in file.problem_keys():
                if key[0] in found:
                    reused.add(key[0])
                else:
                    found[key[0]] = key
        return found, reused

    @cached_property
    def reused_ids(self) -> dict[str, list[Origin]]:
        """Problem ids of the whole ledger used more than once, with each place they are used."""
        if self.whole is not None:
            return self.whole.reused_ids
        reused = self._indexes[1]
        found: dict[str, list[Origin]] = {}
        for file in self.problem_files if reused else ():
            for index, (ident, _year, _unit) in enumerate(file.problem_keys()):
                if ident in reused:
                    found.setdefault(ident, []).append(file.origin(index))
        return found

    def dates(self) -> Iterator[Dates]:
        """Each problem's `Dates`, from the files' dates parts: cached problems stay packed."""
        for file in self.problem_files:
            yield from file.dates()

    def figures(self) -> Iterator[Figures]:
        """Each problem's `Figures`, from the files' parts: cached problems stay packed."""
        for file in self.problem_files:
            yield from file.part("figures")

    def places(self, problem_id: str) -> list[tuple[ProblemFile, int]]:
        """Each file of the whole ledger that holds a problem with this id, and its place in
        the file's keys."""
        return [
            (file, index)
            for file in self.everything.problem_files
            for index, (ident, _year, _unit) in enumerate(file.problem_keys())
            if ident == problem_id
        ]

    @cached_property
    def units(self) -> dict[str, Unit]:
        """Units by id (the first of duplicates)."""
        found: dict[str, Unit] = {}
        for entry in self.unit_entries:
            found.setdefault(entry.record.id, entry.record)
        return found

    @cached_property
    def years(self) -> dict[int, YearMeta]:
        found: dict[int, YearMeta] = {}
        for entry in self.year_entries:
            found.setdefault(entry.record.year, entry.record)
        return found

    @cached_property
    def problems(self) -> list[Problem]:
        """All problems, sorted by year then id."""
        return sorted((e.record for e in self.problem_entries), key=lambda p: (p.year, p.id))

    def problems_of(self, year: int) -> list[Problem]:
        """The problems of one audit year, sorted by id: unpacks only the files that hold any."""
        found = [
            entry.record
            for file in self.problem_files
            if any(key[1] == year for key in file.problem_keys())
            for entry in file.entries
            if entry.record.year == year
        ]
        return sorted(found, key=lambda p: p.id)

    def rows(self) -> list[Row]:
        """Every problem's `Row`, sorted by year then id (from the cache: unpacks no problem)."""
        return sorted(
            (row for file in self.problem_files for row in file.rows()), key=lambda r: (r.year, r.id)
        )

    @property
    def audit_years(self) -> list[int]:
        """The audit years the problems are of (from the files' keys)."""
        return sorted({key[1] for file in self.problem_files for key in file.problem_keys()})

    @cached_property
    def problems_by_id(self) -> dict[str, Problem]:
        """Problems by id (the first of duplicates), of the whole ledger also for a view."""
        if self.whole is not None:
            return self.whole.problems_by_id
        found: dict[str, Problem] = {}
        for entry in self.problem_entries:
            found.setdefault(entry.record.id, entry.record)
        return found

    def origin_of(self, problem_id: str) -> Origin | None:
        places = self.places(problem_id)
        return places[0][0].origin(places[0][1]) if places else None

    def problem(self, problem_id: str) -> Problem | None:
        """The problem with this id (the first of duplicates), unpacking only its file."""
        places = self.places(problem_id)
        if not places:
            return None
        file, index = places[0]
        return file.entries[index].record

    def unit_name(self, unit_id: str) -> str:
        unit = self.units.get(unit_id)
        return unit.name if unit else unit_id

    def unit_short_name(self, unit_id: str) -> str:
        """The unit's name without the jurisdiction's, for narrow columns (示例市财政局 → 财政局)."""
        name = self.unit_name(unit_id)
        prefix = self.settings.jurisdiction
        return name.removeprefix(prefix) or name if prefix else name
