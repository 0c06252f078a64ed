"""JSON Schemas of the records other systems read from the hub's topics, written to topics/schemas/.

They are the published contract of the envelope, status and dead-letter records; `python -m topics.schemas`
regenerates them after a deliberate change, and the contract tests fail on any undeliberate one.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from topics.envelope import DeadLetter, Envelope, StatusEvent

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
PUBLISHED: dict[str, type[BaseModel]] = {
    "envelope": Envelope,
    "status-event": StatusEvent,
    "dead-letter": DeadLetter,
}


def render(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(mode="serialization")
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_all() -> list[Path]:
    written = []
    for name, model in PUBLISHED.items():
        path = SCHEMA_DIR / f"{name}.schema.json"
        path.write_text(render(model), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(f"wrote {path}")
