"""A recall-against-latency chart as a small, dependency-free SVG (latency on a log scale)."""

import math
from typing import Any

WIDTH, HEIGHT, MARGIN = 640, 400, 60
COLOURS = {"hnsw vector": "#1f77b4", "hnsw halfvec": "#ff7f0e", "exact": "#2ca02c"}


def svg_start(width: int, height: int, title: str) -> list[str]:
    """The opening of a chart: the SVG element, a white background and the title (every chart starts so)."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="14">{title}</text>',
    ]


def recall_latency_svg(points: list[dict[str, Any]], title: str) -> str:
    """`points`: dicts with series, label, recall and p50_ms; x is recall@10, y is p50 latency (ms)."""
    xs = [float(p["recall"]) for p in points]
    ys = [float(p["p50_ms"]) for p in points]
    x_low, x_high = min(0.8, min(xs)), 1.0
    y_low = 10.0 ** math.floor(math.log10(max(min(ys), 1e-3)))
    y_high = 10.0 ** math.ceil(math.log10(max(ys)))

    def x(value: float) -> float:
        return MARGIN + (value - x_low) / (x_high - x_low) * (WIDTH - 2 * MARGIN)

    def y(value: float) -> float:
        share = (math.log10(value) - math.log10(y_low)) / (math.log10(y_high) - math.log10(y_low))
        return HEIGHT - MARGIN - share * (HEIGHT - 2 * MARGIN)

    parts = [
        *svg_start(WIDTH, HEIGHT, title),
        f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" y2="{HEIGHT - MARGIN}" stroke="black"/>',
        f'<line x1="{MARGIN}" y1="{MARGIN}" x2="{MARGIN}" y2="{HEIGHT - MARGIN}" stroke="black"/>',
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 20}" text-anchor="middle">recall@10</text>',
        f'<text x="16" y="{HEIGHT / 2}" transform="rotate(-90 16 {HEIGHT / 2})" text-anchor="middle">'
        "p50 latency (ms, log scale)</text>",
    ]
    for step in range(6):
        value = x_low + (x_high - x_low) * step / 5
        parts.append(f'<text x="{x(value)}" y="{HEIGHT - MARGIN + 16}" text-anchor="middle">{value:.2f}</text>')
    decade = y_low
    while decade <= y_high:
        for tick in (decade, 2 * decade, 5 * decade):
            if tick <= y_high:
                parts.append(f'<text x="{MARGIN - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:g}</text>')
                parts.append(
                    f'<line x1="{MARGIN}" y1="{y(tick):.1f}" x2="{WIDTH - MARGIN}" y2="{y(tick):.1f}" stroke="#eee"/>'
                )
        decade *= 10
    for series in dict.fromkeys(p["series"] for p in points):
        members = sorted((p for p in points if p["series"] == series), key=lambda p: p["recall"])
        colour = COLOURS.get(series, "#555")
        path = " ".join(f"{x(p['recall']):.1f},{y(p['p50_ms']):.1f}" for p in members)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for n, p in enumerate(members):
            parts.append(f'<circle cx="{x(p["recall"]):.1f}" cy="{y(p["p50_ms"]):.1f}" r="4" fill="{colour}"/>')
            offset = -8 if n % 2 == 0 else 16  # alternate above and below, so close points stay readable
            parts.append(f'<text x="{x(p["recall"]) - 10:.1f}" y="{y(p["p50_ms"]) + offset:.1f}">{p["label"]}</text>')
    for row, series in enumerate(dict.fromkeys(p["series"] for p in points)):
        top = MARGIN + 16 * row
        parts.append(
            f'<rect x="{MARGIN + 10}" y="{top - 9}" width="10" height="10" fill="{COLOURS.get(series, "#555")}"/>'
        )
        parts.append(f'<text x="{MARGIN + 26}" y="{top}">{series}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
