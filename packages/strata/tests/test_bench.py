"""The bench report: tables, Markdown and the plot are written from results; unknown names are refused."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from strata.bench import Result, measure
from strata.bench.builtin import _against
from strata.bench.registry import discover, select
from strata.bench.report import save
from strata.errors import StrataError


def test_measure_reports_median_and_spread_of_real_runs() -> None:
    calls: list[int] = []
    stats = measure(lambda: calls.append(1), repeat=5, setup=lambda: calls.append(0))
    assert calls == [0, 1] * 5
    assert stats.runs == 5
    assert stats.low <= stats.median <= stats.high


def test_every_benchmark_the_issue_names_is_registered() -> None:
    assert {"load", "knn", "cascade", "keys", "testdb"} <= set(discover())


def test_an_unknown_benchmark_is_named_with_the_choices() -> None:
    with pytest.raises(StrataError, match=r"^unknown benchmark nope; available: load, knn, cascade, keys, testdb"):
        select(["nope"])


def test_save_writes_json_markdown_and_a_plot(tmp_path: Path) -> None:
    result = Result("knn", "kNN", {"rows": 10}, rows=[{"variant": "exact", "p50 ms": 3.0}], notes=["a note"])
    result.series["curve"] = [
        {"series": "exact", "label": "exact", "recall": 1.0, "p50_ms": 3.0},
        {"series": "hnsw vector", "label": "ef 40", "recall": 0.95, "p50_ms": 1.0},
        {"series": "hnsw vector", "label": "ef 100", "recall": 0.98, "p50_ms": 1.5},
    ]
    written = save(tmp_path, [result], {"machine": "test"})
    assert sorted(p.name for p in written) == ["knn-recall-latency.svg", "results.json", "results.md"]
    assert json.loads((tmp_path / "results.json").read_text())["results"][0]["rows"] == [
        {"variant": "exact", "p50 ms": 3.0}
    ]
    assert "| variant | p50 ms |" in (tmp_path / "results.md").read_text()
    svg = ET.fromstring((tmp_path / "knn-recall-latency.svg").read_text())
    circles = svg.findall("{http://www.w3.org/2000/svg}circle")
    assert len(circles) == 3


def test_a_pooled_clone_slower_than_a_plain_one_reads_as_more_not_as_a_fraction_less() -> None:
    """A note that said "0.6 times less" read as a gain; a loss must say "more"."""
    assert _against(plain=10.0, pooled=2.0).startswith("5.0× less")
    assert _against(plain=6.0, pooled=10.0).startswith("1.7× more")
