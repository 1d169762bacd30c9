"""Canonical hashing of audit rows, shared by the writer and the verifier."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64

#: the fields that the hash covers, in a fixed order
HASHED_FIELDS = (
    "chain",
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "actor_role",
    "clinic_id",
    "patient_id",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "request_id",
    "ip",
    "detail",
)


def canonical(fields: Mapping[str, Any]) -> bytes:
    content = {name: fields[name] for name in HASHED_FIELDS}
    content["occurred_at"] = fields["occurred_at"].isoformat(timespec="microseconds")
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


def row_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(fields)).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place a chain does not verify."""

    chain: int
    seq: int
    row_id: int | None
    reason: str


def verify_rows(
    chain: int, rows: Iterable[Mapping[str, Any]], head: tuple[int, str] | None
) -> Break | None:
    """Check one chain's rows (ordered by seq) against each other and the stored head."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for row in rows:
        if row["seq"] != expected_seq:
            return Break(
                chain, expected_seq, row["id"], f"row {expected_seq} is missing or out of order"
            )
        if row["prev_hash"] != expected_prev:
            return Break(chain, row["seq"], row["id"], "previous-hash link does not match")
        if row_hash(row["prev_hash"], row) != row["hash"]:
            return Break(chain, row["seq"], row["id"], "content does not match its hash")
        expected_prev = row["hash"]
        expected_seq += 1
    last_seq = expected_seq - 1
    if head is not None and (head[0] != last_seq or head[1] != expected_prev):
        return Break(chain, last_seq + 1, None, "rows at the end of the chain are missing")
    return None
