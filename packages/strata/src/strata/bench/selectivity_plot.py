"""A recall-against-selectivity chart (selectivity on a log scale) as a small, dependency-free SVG.

One line per series; a series named "<variant> · <data>" gets its variant's
colour, and a dashed line for every data set after the first, so two
distributions of one variant read as a pair.
"""

import math
from typing import Any

from strata.bench.plot import svg_start

WIDTH, HEIGHT, MARGIN = 860, 440, 60
LEGEND = 280  # room on the right for the series names
PALETTE = ("#d62728", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def recall_selectivity_svg(points: list[dict[str, Any]], title: str) -> str:
    """`points`: dicts with series, selectivity (a share, 0-1) and recall; x is selectivity, y is recall@10."""
    shares = [float(p["selectivity"]) for p in points]
    x_low = 10.0 ** math.floor(math.log10(min(shares)))
    x_high = 10.0 ** math.ceil(math.log10(max(shares)))

    def x(value: float) -> float:
        share = (math.log10(value) - math.log10(x_low)) / (math.log10(x_high) - math.log10(x_low))
        return MARGIN + share * (WIDTH - 2 * MARGIN - LEGEND)

    def y(value: float) -> float:
        return HEIGHT - MARGIN - value * (HEIGHT - 2 * MARGIN)

    parts = [
        *svg_start(WIDTH, HEIGHT, title),
        f'<text x="{(WIDTH - LEGEND) / 2}" y="{HEIGHT - 20}" text-anchor="middle">'
        "share of rows passing the filter (log scale)</text>",
        f'<text x="16" y="{HEIGHT / 2}" transform="rotate(-90 16 {HEIGHT / 2})" text-anchor="middle">recall@10</text>',
    ]
    for step in range(6):
        value = step / 5
        parts.append(f'<line x1="{MARGIN}" y1="{y(value)}" x2="{x(x_high)}" y2="{y(value)}" stroke="#eee"/>')
        parts.append(f'<text x="{MARGIN - 6}" y="{y(value) + 4}" text-anchor="end">{value:.1f}</text>')
    decade = x_low
    while decade <= x_high:
        parts.append(f'<text x="{x(decade):.1f}" y="{HEIGHT - MARGIN + 16}" text-anchor="middle">{decade:.1%}</text>')
        decade *= 10
    variants = list(dict.fromkeys(str(p["series"]).split(" · ")[0] for p in points))
    datasets = list(dict.fromkeys(str(p["series"]).split(" · ")[-1] for p in points))
    for row, series in enumerate(dict.fromkeys(p["series"] for p in points)):
        variant, data = str(series).split(" · ")[0], str(series).split(" · ")[-1]
        colour = PALETTE[variants.index(variant) % len(PALETTE)]
        dash = ' stroke-dasharray="6 4"' if datasets.index(data) else ""
        members = sorted((p for p in points if p["series"] == series), key=lambda p: float(p["selectivity"]))
        path = " ".join(f"{x(float(p['selectivity'])):.1f},{y(float(p['recall'])):.1f}" for p in members)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for p in members:
            cx, cy = x(float(p["selectivity"])), y(float(p["recall"]))
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{colour}"/>')
        top = MARGIN + 16 * row
        parts.append(f'<line x1="{WIDTH - LEGEND}" y1="{top - 4}" x2="{WIDTH - LEGEND + 20}" y2="{top - 4}" ')
        parts[-1] += f'stroke="{colour}" stroke-width="2"{dash}/>'
        parts.append(f'<text x="{WIDTH - LEGEND + 25}" y="{top}" font-size="10">{series}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
