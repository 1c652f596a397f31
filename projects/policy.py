"""The policy's working-day deadlines as data: one PolicyDeadline row per deadline (admin 制度时限),
next to the approval steps' time limits (approvals.ChainStepTemplate.sla_days).

    from projects.policy import deadline_days
    deadline_days(DeadlineCode.FINAL_ACCOUNTS)   # 5 unless an admin changed it [§27]

Seeded by migration projects/0007_policy_deadlines with the values of the policy (DEFAULTS).
The table is read with one query and cached in the process for CACHE_SECONDS; saving or deleting
a row clears the cache at once in this process (other processes see it within CACHE_SECONDS; the
reminder sweep reloads at the start of every run). When the table is empty (a test that flushed
it) DEFAULTS stand in. Every page therefore costs at most one query for the deadlines, however
many it shows.
"""

import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from .models import DeadlineCode, PolicyDeadline

CACHE_SECONDS = 30
# Emitted (core.events) when an admin changes a deadline's working days; payload code, old, new.
DEADLINE_CHANGED = "policy.deadline_changed"


@dataclass(frozen=True)
class Rule:
    code: str
    working_days: int
    clause: str
    description: str  # a seeded default is a lazy translation


# The policy as written: the seed of migration 0005 and the stand-in for an empty table.
DEFAULTS = (
    Rule(
        DeadlineCode.COMMISSION_ISSUE.value,
        3,
        "§22",
        _("自合同审批通过之日起算，委托书首次提交即为办理。"),
    ),
    Rule(
        DeadlineCode.COMMISSION_APPROVE.value,
        2,
        "§22",
        _("自委托书提交（办理）之日起算，审批通过即为完成。"),
    ),
    Rule(
        DeadlineCode.FINAL_ACCOUNTS.value,
        5,
        "§27",
        _("自全部款项收回（最后一笔回款日期）起算，决算表首次提交即为完成。"),
    ),
    Rule(
        DeadlineCode.BUDGET_CHANGE_NOTICE.value,
        1,
        "§18",
        _("自预算变更批准之日起算，告知相关人员即为完成。"),
    ),
)


class _PolicyDeadlines:
    def __init__(self):
        self._rules: dict[str, Rule] | None = None
        self._loaded = 0.0

    def clear(self, **_kwargs):
        self._rules = None

    def rules(self) -> dict[str, Rule]:
        """{code: Rule} for every deadline; a code without a row keeps its default."""
        rules = self._rules
        if rules is None or time.monotonic() - self._loaded > CACHE_SECONDS:
            rows = {
                code: Rule(code, days, clause, description)
                for code, days, clause, description in PolicyDeadline.objects.values_list(
                    "code", "working_days", "clause", "description"
                )
            }
            rules = {rule.code: rows.get(rule.code, rule) for rule in DEFAULTS}
            if rows:  # an empty table (flushed by a test) is not remembered
                self._rules, self._loaded = rules, time.monotonic()
        return rules

    def days(self, code) -> int:
        return self.rules()[str(code)].working_days


policy_deadlines = _PolicyDeadlines()


def deadline_days(code) -> int:
    """The working days the policy allows for the deadline `code` (a DeadlineCode)."""
    return policy_deadlines.days(code)


def connect_signals():
    post_save.connect(
        policy_deadlines.clear, sender=PolicyDeadline, dispatch_uid="projects.pd.save"
    )
    post_delete.connect(
        policy_deadlines.clear, sender=PolicyDeadline, dispatch_uid="projects.pd.del"
    )
