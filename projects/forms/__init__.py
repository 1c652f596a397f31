"""The company's eleven form kinds (process.md's last table). Importing this package registers
them with approvals.kinds; their approval chains are data, seeded by approvals migration 0004."""

from . import closeout, contract, initiation, quotation  # noqa: F401

KIND_ORDER = (
    "initiation",
    "presales",
    "early_start",
    "quotation",
    "budget",
    "budget_change",
    "contract",
    "commission",
    "evaluation",
    "final_accounts",
    "handover",
)
