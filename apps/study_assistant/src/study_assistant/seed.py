"""What `strata seed` adds for Study Assistant: proportions, the app's rules between columns, and a demo session.

The demo study session (`DEMO_SESSION_ID`) has one topic per entry of
`DEMO_TOPICS` and one paragraph chunk per topic, tagged with that topic, whose
embedding is `demo_query(n)`. So `nearest_chunks(session, DEMO_SESSION_ID,
demo_query(n))` returns topic n's paragraph first, and `chunks_for_topic`
returns it too: a known answer to try retrieval against.
"""

import uuid
from typing import Any

import numpy as np
from sqlalchemy import text
from strata.seed import Generated, SeedContext

from study_assistant.models import EMBEDDING_DIMENSIONS

DEMO_EMAIL = "demo@study.example"
DEMO_SESSION_ID = uuid.UUID("01940000-0000-7000-8000-000000000001")
DEMO_TOPICS = ("Indexes", "Joins", "Transactions")

ROWS = {
    "profiles": 10,
    "study_sessions": 20,
    "documents": 60,
    "topics": 100,
    "chats": 120,
    "messages": 600,
    "document_chunks": 400,
}


def demo_query(topic: int) -> list[float]:
    """The embedding of topic `topic`'s demo paragraph: a unit vector along one axis."""
    vector = np.zeros(EMBEDDING_DIMENSIONS, dtype=np.float32)
    vector[topic] = 1.0
    return [float(x) for x in vector]


def _chat_types(chats: Generated) -> None:
    """A chat with a topic is a TOPIC chat; one without is the session's GENERAL chat."""
    chats.columns["type"] = ["TOPIC" if topic else "GENERAL" for topic in chats.columns["topic_id"]]


def _chunk_types(chunks: Generated) -> None:
    """Chunks without a parent are SECTIONs; their children are PARAGRAPHs."""
    chunks.columns["type"] = ["PARAGRAPH" if parent else "SECTION" for parent in chunks.columns["parent_chunk_id"]]


ADJUST = {"chats": _chat_types, "document_chunks": _chunk_types}


def seed(ctx: SeedContext) -> None:
    if ctx.connection.execute(text("SELECT 1 FROM study_sessions WHERE id = :i"), {"i": DEMO_SESSION_ID}).first():
        return
    profile = ctx.add("profiles", email=DEMO_EMAIL)
    session = ctx.add("study_sessions", id=DEMO_SESSION_ID, profile_id=profile["id"], title="Demo: SQL in depth")
    ctx.add("chats", session_id=session["id"], type="GENERAL", topic_id=None)
    document = ctx.add(
        "documents", session_id=session["id"], file_name="sql-in-depth.pdf", processing_status="COMPLETED"
    )
    section = ctx.add(
        "document_chunks", document_id=document["id"], session_id=session["id"], type="SECTION", parent_chunk_id=None
    )
    for number, title in enumerate(DEMO_TOPICS):
        topic = ctx.add("topics", session_id=session["id"], title=title, order_index=number)
        ctx.add("chats", session_id=session["id"], type="TOPIC", topic_id=topic["id"])
        paragraph: dict[str, Any] = {
            "document_id": document["id"],
            "session_id": session["id"],
            "parent_chunk_id": section["id"],
            "type": "PARAGRAPH",
            "chunk_text": f"{title}: the demo paragraph for topic {number}.",
            "embedding": demo_query(number),
            "related_topic_ids": [topic["id"]],
        }
        ctx.add("document_chunks", **paragraph)
