"""What `strata seed` gives Course Supporter: a course's shape, and its JSONB as the pipeline writes it.

A course has about five modules of four lessons; a lesson three concepts
(with 1536-d embeddings) and two exercises.
"""

from random import Random

from strata.seed import RowInfo

ROWS = {
    "courses": 5,
    "source_materials": 15,
    "slide_video_mappings": 60,
    "modules": 25,
    "lessons": 100,
    "concepts": 300,
    "exercises": 200,
    "llm_calls": 200,
}


def _slide_range(rng: Random, row: RowInfo) -> dict[str, int]:
    first = rng.randint(1, 40)
    return {"from": first, "to": first + rng.randint(1, 12)}


def _slide_references(rng: Random, row: RowInfo) -> list[int]:
    return sorted(rng.sample(range(1, 60), rng.randint(1, 4)))


VALUES = {"lessons.slide_range": _slide_range, "concepts.slide_references": _slide_references}
