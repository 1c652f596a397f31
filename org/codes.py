"""The codes of roles and departments that the policy names, in one place.

Departments and roles are data (org/migrations/0002_seed_organisation, edited in the admin); the
codes are their stable keys. Code that means "the finance department" or "the GM role" says
`Dept.FIN` or `RoleCode.GM`, never a string literal, so a search finds every use of a rule.
"""

from enum import StrEnum


class RoleCode(StrEnum):
    GM = "GM"  # 总经理
    SALES_DIR = "SALES_DIR"  # 销售总监
    COST_DIR = "COST_DIR"  # 成本总监
    TECH_LEAD = "TECH_LEAD"  # 技术团队负责人
    SALES = "SALES"  # 销售人员
    PRESALES = "PRESALES"  # 售前工程师
    PM = "PM"  # 项目经理
    FINANCE = "FINANCE"  # 财务人员
    PMO = "PMO"  # 项目管理专员


class Dept(StrEnum):
    GM = "GM"  # 总经理室
    GMO = "GMO"  # 总经办
    SALES_DIR = "SALES_DIR"  # 销售管理部
    COST_DIR = "COST_DIR"  # 成本管理部
    TECH_LEAD = "TECH_LEAD"  # 技术团队
    MKT = "MKT"  # 市场部
    CS = "CS"  # 客户服务部
    TS = "TS"  # 技术服务部
    BD = "BD"  # 商务拓展部
    FIN = "FIN"  # 财务部
    PMO = "PMO"  # 项目管理部
    ADMIN = "ADMIN"  # 综合管理部
    DEV = "DEV"  # 软件开发部


# Roles whose holders see every form and project (also stored as Role.sees_all_forms).
DIRECTOR_ROLES = (RoleCode.GM, RoleCode.SALES_DIR, RoleCode.COST_DIR, RoleCode.TECH_LEAD)
# The month-end cost report goes to the cost director and the GM [§4].
MONTHLY_REPORT_ROLES = (RoleCode.COST_DIR, RoleCode.GM)
