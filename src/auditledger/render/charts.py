"""Charts as inline SVG: plain markup with no script and no style attributes, so that a strict
Content-Security-Policy allows them and they print as sharp as the text. May import: reports,
render.format.

Geometry is computed with Decimal like every figure, so the same data always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from markupsafe import Markup, escape

from auditledger.render.format import money
from auditledger.render.format import words as catalogue
from auditledger.reports import (
    AssetsReport,
    NoticeReport,
    Overall,
    PlanStatus,
    RectificationReport,
    SupervisionReport,
    UnitReport,
)

WIDTH = 640
LABEL_WIDTH = 140
VALUE_WIDTH = 180
BAR_HEIGHT = 18
ROW_HEIGHT = 28
DONE = "#3b7d4f"
OPEN = "#c8553d"
INK = "#222222"
FONT = (
    "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','WenQuanYi Zen Hei',sans-serif"
)


@dataclass(frozen=True)
class Bar:
    label: str
    done: Decimal
    open: Decimal
    note: str
    """Printed after the bar, e.g. `12/14`."""


def _opening(title: str, height: int) -> list[str]:
    """The start of a chart: its size, accessible name and title line."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}" font-size="12" fill="{INK}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]


def _x(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def stacked(title: str, bars: Sequence[Bar], legend: tuple[str, str]) -> Markup:
    """Horizontal bars, each split into a done part and an open part, scaled to the largest."""
    top = 46
    height = top + ROW_HEIGHT * len(bars) + 8
    scale_to = max((b.done + b.open for b in bars), default=Decimal(0)) or Decimal(1)
    span = Decimal(WIDTH - LABEL_WIDTH - VALUE_WIDTH)
    parts = [
        *_opening(title, height),
        f'<rect x="{LABEL_WIDTH}" y="26" width="10" height="10" fill="{DONE}"/>',
        f'<text x="{LABEL_WIDTH + 14}" y="35">{escape(legend[0])}</text>',
        f'<rect x="{LABEL_WIDTH + 110}" y="26" width="10" height="10" fill="{OPEN}"/>',
        f'<text x="{LABEL_WIDTH + 124}" y="35">{escape(legend[1])}</text>',
    ]
    for index, bar in enumerate(bars):
        y = top + index * ROW_HEIGHT
        done = span * bar.done / scale_to
        rest = span * bar.open / scale_to
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 13}" text-anchor="end">{escape(_clip(bar.label))}</text>'
        )
        if bar.done:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{_x(done)}" height="{BAR_HEIGHT}" fill="{DONE}"/>'
            )
        if bar.open:
            parts.append(
                f'<rect x="{_x(LABEL_WIDTH + done)}" y="{y}" width="{_x(rest)}" '
                f'height="{BAR_HEIGHT}" fill="{OPEN}"/>'
            )
        parts.append(f'<text x="{_x(LABEL_WIDTH + done + rest + 6)}" y="{y + 13}">{escape(bar.note)}</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _clip(text: str, limit: int = 11) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _types(overall: Overall, lang: str, words: dict[str, str]) -> Markup:
    bars = [
        Bar(line.type.label(lang), Decimal(line.share.done), Decimal(line.share.open), _ratio(line.share))
        for line in overall.by_type
    ]
    return stacked(words["chart_types"], bars, (words["done"], words["open"]))


def _ratio(share: Any) -> str:
    percent = share.percent
    return f"{share.done}/{share.count}" + (f" ({percent}%)" if percent is not None else "")


def _amounts(overall: Overall, words: dict[str, str]) -> Markup:
    bar = Bar(
        words["total"],
        overall.rectified,
        overall.outstanding,
        f"{money(overall.rectified)} / {money(overall.rectified + overall.outstanding)}",
    )
    return stacked(words["chart_amounts"], [bar], (words["rectified_short"], words["outstanding_short"]))


def trend(title: str, points: Sequence[tuple[str, Decimal]], unit: str) -> Markup:
    """A line across years: one point per year, its value printed above it."""
    height, left, top, bottom = 220, 50, 40, 30
    span_x = Decimal(WIDTH - left - 30)
    span_y = Decimal(height - top - bottom)
    highest = max((v for _, v in points), default=Decimal(0)) or Decimal(1)
    step = span_x / max(len(points) - 1, 1)
    coords = [
        (Decimal(left) + step * i, Decimal(top) + span_y - span_y * value / highest)
        for i, (_, value) in enumerate(points)
    ]
    parts = [
        *_opening(title, height),
        f'<line x1="{left}" y1="{top + span_y}" x2="{WIDTH - 20}" y2="{top + span_y}" stroke="#999999"/>',
    ]
    if len(coords) > 1:
        path = " ".join(f"{_x(x)},{_x(y)}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{DONE}" stroke-width="2"/>')
    for (name, value), (x, y) in zip(points, coords, strict=True):
        parts += [
            f'<circle cx="{_x(x)}" cy="{_x(y)}" r="4" fill="{DONE}"/>',
            f'<text x="{_x(x)}" y="{_x(y - 10)}" text-anchor="middle">{escape(f"{value}{unit}")}</text>',
            f'<text x="{_x(x)}" y="{height - 10}" text-anchor="middle">{escape(name)}</text>',
        ]
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _stats(page: Any, words: dict[str, str]) -> dict[str, Markup]:
    bars = [
        Bar(row.label, Decimal(row.done), Decimal(row.problems - row.done), f"{row.done}/{row.problems}")
        for row in page.rows[:TOP_GROUPS]
    ]
    found = {"groups": stacked(words["chart_groups"], bars, (words["done"], words["open"]))}
    if page.by == "year" and len(page.rows) > 1:
        found["trend"] = trend(
            words["chart_trend"], [(row.label, row.completion or Decimal(0)) for row in page.rows], "%"
        )
    return found


TOP_GROUPS = 15


def for_report(data: Any, lang: str) -> dict[str, Markup]:
    """The charts a report's HTML shows, by name."""
    words = catalogue(lang)
    if isinstance(data, RectificationReport):
        units = [
            Bar(u.short_name, Decimal(u.share.done), Decimal(u.share.open), _ratio(u.share))
            for u in data.top_units
        ]
        return {
            "types": _types(data.overall, lang, words),
            "units": stacked(words["chart_units"], units, (words["done"], words["open"]))
            if units
            else Markup(),
            "amounts": _amounts(data.overall, words),
        }
    if isinstance(data, PlanStatus):
        return {"types": _types(data.overall, lang, words), "amounts": _amounts(data.overall, words)}
    if hasattr(data, "rows") and hasattr(data, "by"):
        return _stats(data, words)
    if isinstance(data, SupervisionReport):
        return {"types": _types(data.overall, lang, words)}
    if isinstance(data, UnitReport | AssetsReport | NoticeReport) or not hasattr(data, "overall"):
        return {}
    raise TypeError(f"no charts for {type(data).__name__}")
