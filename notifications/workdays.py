"""Kept for imports inside notifications; the one implementation is workcal.calendar.Workdays."""

from workcal.calendar import SHANGHAI, Workdays, local_date, start_of_day

__all__ = ["SHANGHAI", "Workdays", "local_date", "start_of_day"]
