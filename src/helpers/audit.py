"""The normalization audit trail: every change as (step, before, after, count)."""

from collections import Counter

import pandas as pd

LOG_COLUMNS = ["report_id", "step", "before", "after", "count"]


class AuditLog:
    """Collects changes in the order first seen; identical changes add up their counts."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, str]] = Counter()

    def add(self, step: str, before: str, after: str, count: int = 1) -> None:
        if count:
            self.counts[(step, before, after)] += count

    def frame(self, report_id: str) -> pd.DataFrame:
        rows = [(report_id, *key, n) for key, n in self.counts.items()]
        return pd.DataFrame(rows, columns=LOG_COLUMNS)
