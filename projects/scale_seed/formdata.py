"""Form data of every kind for the scale seed, in the canonical stored shape (see
approvals.fields): money as "1234.50", dates as ISO strings, people and files as ids."""

from datetime import timedelta
from decimal import Decimal

from .people import DELIVERY_DEPTS

CLIENTS = ("某市信息中心", "某省人民医院", "某区政务服务中心", "某大学", "某物流集团", "某地铁公司")
WORDS = ("智慧园区", "机房改造", "政务云", "一卡通", "安防监控", "综合布线", "数据中心", "视频会议")
CONCLUSIONS = ("excellent", "good", "pass")


def m(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


class FormData:
    """ctx: users {username: id}, depts {code: id}, files [attachment ids], today (date)."""

    def __init__(self, rng, ctx):
        self.rng = rng
        self.ctx = ctx

    def day(self, offset_days):
        return (self.ctx["today"] + timedelta(days=offset_days)).isoformat()

    def build(self, kind, project):
        return getattr(self, kind)(project)

    def initiation(self, p):
        r = self.rng
        return {
            "project_name": p["name"],
            "client_name": p["client_name"],
            "client_address": f"{p['client_name']}人民路 {r.randint(1, 999)} 号",
            "client_contact": "刘主任",
            "client_phone": f"0571-{r.randint(10000000, 99999999)}",
            "summary": "网络、机房与业务系统集成。",
            "estimated_amount": m(p["amount"]),
            "client_funding": "财政资金已落实。",
            "success_rate": m(r.choice((30, 50, 70, 90))),
            "expected_sign_date": self.day(r.randint(30, 180)),
            "feasibility": "客户需求明确，技术方案成熟。",
            "presales_budget": m(r.randint(5, 80) * 1000),
            "is_special": p["amount"] > 5_000_000,
        }

    def presales(self, p):
        u = self.ctx["users"]
        return {
            "work_content": "方案编写与现场调研",
            "required_by": self.day(self.rng.randint(5, 30)),
            "presales_lead": u["presales"],
            "presales_team": sorted({u["presales"], u["ts_lead"]}),
        }

    def early_start(self, p):
        r = self.rng
        return {
            "duration_days": r.randint(5, 60),
            "man_days": m(r.randint(10, 200)),
            "man_day_cost": m(r.choice((1200, 1500, 1800))),
            "expected_sign_date": self.day(r.randint(10, 90)),
            "risk_owner": "销售部承担",
            "arrangement": "开发部先行进场，完成机房勘察。",
        }

    def quotation(self, p):
        amount = Decimal(p["amount"])
        return {
            "estimate_report": self.ctx["files"][0],
            "list_price": m(amount),
            "implementation_man_days": m(self.rng.randint(20, 400)),
            "maintenance_man_days": m(self.rng.randint(5, 60)),
            "purchase_cost": m(amount * Decimal("0.4")),
            "sales_expense": m(amount * Decimal("0.02")),
            "quote_amount": m(amount * Decimal("0.9")),
        }

    def _costs(self, p):
        amount = Decimal(p["amount"])
        return m(amount * Decimal("0.5")), m(amount * Decimal("0.05")), m(amount * Decimal("0.05"))

    def _split(self, codes=("MKT", "DEV")):
        d = self.ctx["depts"]
        share = m(Decimal(100) / len(codes))
        rows = [{"department": d[c], "ratio": share} for c in codes]
        rows[-1]["ratio"] = m(Decimal(100) - Decimal(share) * (len(codes) - 1))
        return rows

    def budget(self, p):
        impl, mgmt, maint = self._costs(p)
        return {
            "implementation_cost": impl,
            "management_cost": mgmt,
            "maintenance_cost": maint,
            "performance_split": self._split(),
        }

    def budget_change(self, p):
        return {**self.budget(p), "reason": "客户追加需求，实施范围扩大。"}

    def contract(self, p):
        amount = Decimal(p["contract_amount"])
        half = (amount / 2).quantize(Decimal("0.01"))
        return {
            "contract_no": f"HT-{p['number']}",
            "contract_amount": m(amount),
            "sign_date": self.day(-self.rng.randint(1, 300)),
            "payment_terms": [
                {"milestone": "合同签订", "amount": m(half), "due_date": self.day(10)},
                {"milestone": "竣工验收", "amount": m(amount - half), "due_date": self.day(90)},
            ],
            "contract_file": self.ctx["files"][-1],
        }

    def commission(self, p):
        u = self.ctx["users"]
        return {
            "man_days": m(self.rng.randint(20, 300)),
            "start_date": self.day(3),
            "end_date": self.day(120),
            "implementation_fee": self._costs(p)[0],
            "project_manager": p["pm"],
            "members": list(p["members"]),
            "dept_manager": u["dev_mgr"],
            # The team is drawn from the delivery department(s) (People.DELIVERY_DEPTS).
            "performance_split": self._split(DELIVERY_DEPTS),
        }

    def evaluation(self, p):
        return {
            "conclusion": self.rng.choice(CONCLUSIONS),
            "score": m(self.rng.randint(60, 98)),
            "opinion": "实施过程规范，客户满意。",
        }

    def final_accounts(self, p):
        amount = Decimal(p["contract_amount"])
        impl, mgmt, maint = (Decimal(v) for v in self._costs(p))
        costs = impl + mgmt + maint
        return {
            "contract_amount": m(amount),
            "received_amount": m(amount),
            "costs": [
                {"category": "实施成本", "amount": m(impl)},
                {"category": "过程管理成本", "amount": m(mgmt)},
                {"category": "维护成本", "amount": m(maint)},
            ],
            "gross_profit": m(amount - costs),
            "performance_split": self._split(),
            "sales_commission": m(max(amount - costs, Decimal(0)) * Decimal("0.03")),
        }

    def handover(self, p):
        return {
            "items": [
                {"name": "竣工文档", "type": "文档", "count": 3},
                {"name": "设备清单", "type": "表格", "count": 1},
            ],
            "archive": self.ctx["files"][0],
        }
