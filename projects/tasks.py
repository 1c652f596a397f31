"""Periodic work of projects: the 统计看板 snapshot (projects.dashboard)."""

from celery import shared_task

from . import dashboard


@shared_task(name="projects.tasks.dashboard_snapshot_build")
def dashboard_snapshot_build() -> int | None:
    """Build the dashboard's snapshot now; returns its id, or None when another build was
    already going on (beat's next run catches up)."""
    snap = dashboard.snapshot_refresh()
    return snap.pk if snap is not None else None
