"""Walk every chain and report the first row that does not verify."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kapcare.audit.chain import Break, verify_rows
from kapcare.audit.models import AuditEvent, ChainHead

_VALUES = (
    "id",
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
    "prev_hash",
    "hash",
)


def _rows(chain: int) -> Iterator[dict[str, Any]]:
    yield from (
        AuditEvent.objects.filter(chain=chain).order_by("seq").values(*_VALUES).iterator(2000)
    )


def verify_all() -> tuple[int, list[Break]]:
    """Return the number of rows checked and the first break of each broken chain."""
    heads = {h.chain: (h.seq, h.hash) for h in ChainHead.objects.all()}
    chains = set(heads) | set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    breaks: list[Break] = []
    checked = 0
    for chain in sorted(chains):
        counted = _Counter(_rows(chain))
        result = verify_rows(chain, counted, heads.get(chain, (0, "0" * 64)))
        checked += counted.count
        if result is not None:
            breaks.append(result)
    return checked, breaks


class _Counter:
    def __init__(self, rows: Iterator[dict[str, Any]]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self._rows:
            self.count += 1
            yield row
