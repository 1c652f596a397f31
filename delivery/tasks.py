"""Thin Celery wrappers around delivery services."""

from celery import shared_task

from .services import daily_scan


@shared_task(name="delivery.tasks.delivery_daily_scan")
def delivery_daily_scan():
    return daily_scan()
