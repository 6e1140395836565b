"""A result with a selectivity series gets a recall-against-selectivity plot: a line per series, a dot per point."""

import xml.etree.ElementTree as ET
from pathlib import Path

from strata.bench import Result
from strata.bench.report import save

SVG = "{http://www.w3.org/2000/svg}"


def test_save_plots_recall_against_selectivity(tmp_path: Path) -> None:
    result = Result("filtered", "filtered kNN", {"rows": 10})
    result.series["selectivity"] = [
        {"series": f"{variant} · {data}", "selectivity": share, "recall": recall, "p50_ms": 1.0}
        for variant, recall in (("strict", 0.99), ("off", 0.2))
        for data in ("clustered", "text-like")
        for share in (0.5, 0.1, 0.01, 0.001)
    ]
    written = save(tmp_path, [result], {"machine": "test"})
    assert tmp_path / "filtered-recall-selectivity.svg" in written
    svg = ET.fromstring((tmp_path / "filtered-recall-selectivity.svg").read_text())
    lines = svg.findall(f"{SVG}polyline")
    assert len(lines) == 4
    assert len(svg.findall(f"{SVG}circle")) == 16
    dashed = [line.get("stroke-dasharray") is not None for line in lines]
    assert dashed == [False, True, False, True]  # the second data set of each variant is dashed
    colours = [line.get("stroke") for line in lines]
    assert colours[0] == colours[1] != colours[2] == colours[3]
    labels = [t.text for t in svg.findall(f"{SVG}text")]
    assert {"0.1%", "1.0%", "10.0%", "100.0%"} <= set(labels)


def test_a_result_without_the_series_gets_no_selectivity_plot(tmp_path: Path) -> None:
    written = save(tmp_path, [Result("keys", "keys", {})], {"machine": "test"})
    assert not any(path.name.endswith("recall-selectivity.svg") for path in written)
