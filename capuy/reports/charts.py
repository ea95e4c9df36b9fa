"""Server-drawn bar charts: geometry computed here, drawn as inline SVG by
``reports/_bar_chart.html`` / ``reports/_hbar_chart.html``. Every bar carries the link to the
rows behind it, so the chart is as clickable as the tables (no JavaScript chart library).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capuy.core.vntext import format_number

LEVEL_COLORS = {"tinh": "#b3131b", "huyen": "#e0822b", "xa": "#2b7bb9"}
STATUS_COLORS = {
    "moi": "#6c757d",
    "tai_cho": "#198754",
    "huong_dan": "#20a4b5",
    "chuyen": "#e0a800",
    "dang_gq": "#0d6efd",
    "da_gq": "#157347",
    "ngoai_tq": "#343a40",
}


@dataclass
class Segment:
    value: int
    label: str
    color: str
    url: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0

    @property
    def text(self) -> str:
        return format_number(self.value)


@dataclass
class Bar:
    label: str
    segments: list[Segment]
    url: str = ""
    x: float = 0
    y: float = 0
    width: float = 0
    total_text: str = ""

    @property
    def total(self) -> int:
        return sum(s.value for s in self.segments)


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    legend: list[tuple[str, str]] = field(default_factory=list)  # (label, color)
    width: int = 640
    height: int = 240
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (position, label)
    max_value: int = 0
    testid: str = ""


def _nice_max(value: int) -> int:
    """The top of a four-step axis: 4 × a 1-2-5 step, so every tick is a whole number."""
    quarter = max(value, 1) / 4
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if step >= quarter:
                return 4 * step
        magnitude *= 10


def vertical(chart: Chart, *, left: int = 40, bottom: int = 28, top: int = 12) -> Chart:
    """Stacked vertical bars (e.g. attendances by month and level)."""
    plot_h = chart.height - bottom - top
    chart.max_value = _nice_max(max((b.total for b in chart.bars), default=0))
    slot = (chart.width - left - 8) / max(len(chart.bars), 1)
    for index, bar in enumerate(chart.bars):
        bar.x = left + index * slot + slot * 0.15
        bar.width = slot * 0.7
        y = top + plot_h
        for segment in bar.segments:
            segment.height = plot_h * segment.value / chart.max_value
            y -= segment.height
            segment.x, segment.y, segment.width = bar.x, y, bar.width
        bar.y = y
        bar.total_text = format_number(bar.total)
    chart.ticks = [
        (top + plot_h * (1 - fraction), format_number(round(chart.max_value * fraction)))
        for fraction in (0, 0.25, 0.5, 0.75, 1)
    ]
    return chart


def horizontal(chart: Chart, *, label_width: int = 220, row: int = 26) -> Chart:
    """Horizontal stacked bars, one row per item (e.g. by district, concerns by status)."""
    chart.height = row * max(len(chart.bars), 1) + 8
    chart.max_value = max((b.total for b in chart.bars), default=0) or 1
    plot_w = chart.width - label_width - 60
    for index, bar in enumerate(chart.bars):
        bar.y = 4 + index * row
        x = label_width
        for segment in bar.segments:
            segment.width = plot_w * segment.value / chart.max_value
            segment.x, segment.y, segment.height = x, bar.y + 3, row - 8
            x += segment.width
        bar.x = x
        bar.total_text = format_number(bar.total)
    return chart
