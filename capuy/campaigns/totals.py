"""The per-node sums of valid contributions (``ContributionTotal``), kept and rebuilt.

``add_to_totals`` runs in the contribution services' transaction, after the campaign row is
locked, so two receipts never race on the same sum. ``rebuild_contribution_totals`` recomputes
the sums from the receipts (after a bulk load, or to check them).
"""

from __future__ import annotations

from django.db import connection

from .choices import ContributionStatus
from .models import Contribution, ContributionTotal


def _tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(ContributionTotal._meta.db_table), quote(Contribution._meta.db_table)


def add_to_totals(campaign_id: int, org_path: str, amount: int, count: int) -> None:
    """Add ``amount`` đồng and ``count`` receipts to the sum at ``org_path`` (negative to undo)."""
    totals, _ = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {totals} (campaign_id, org_path, received, contributions) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (campaign_id, org_path) DO UPDATE SET "
            f"received = {totals}.received + excluded.received, "
            f"contributions = {totals}.contributions + excluded.contributions",
            [campaign_id, org_path, amount, count],
        )


def rebuild_contribution_totals(campaign_id: int | None = None) -> int:
    """Recompute the sums from the valid receipts (one campaign, or all); return the rows."""
    totals, contributions = _tables()
    where = "" if campaign_id is None else " AND campaign_id = %s"
    params = [] if campaign_id is None else [campaign_id]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {totals} WHERE 1 = 1{where}", params)
        cursor.execute(
            f"INSERT INTO {totals} (campaign_id, org_path, received, contributions) "
            f"SELECT campaign_id, org_path, SUM(amount), COUNT(*) FROM {contributions} "
            f"WHERE status = %s{where} GROUP BY campaign_id, org_path",
            [ContributionStatus.VALID, *params],
        )
        return cursor.rowcount
