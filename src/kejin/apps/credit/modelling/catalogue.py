"""The scorecard's features: code, Chinese label, group, and the plain-Chinese reason a feature
gives when it costs an enterprise points. Pure Python: the training, the scoring and the pages share
this one list (GLOSSARY names in code, Chinese for people)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

TAX_GRADES: dict[str, int] = {"A": 5, "B": 4, "M": 3, "C": 2, "D": 1}
TAX_GRADE_OF: dict[int, str] = {v: k for k, v in TAX_GRADES.items()}
OUTCOME = "default"
OUTCOME_ALIASES = ("default", "违约", "是否违约", "outcome")


@dataclass(frozen=True)
class Feature:
    code: str
    label: str
    group: str
    unit: str
    describe: Callable[[float], str]
    missing_text: str

    def reason(self, value: float | None) -> str:
        """Why this feature cost points, in plain Chinese."""
        return self.missing_text if value is None else self.describe(value)

    def shown(self, value: float | None) -> str:
        """The value as a person reads it."""
        if value is None:
            return "缺失"
        if self.code == "tax_grade":
            return TAX_GRADE_OF.get(int(value), f"{value:g}")
        if self.code in ("hnte", "tech_sme", "dishonest", "abnormal"):
            return "是" if value >= 1 else "否"
        if self.unit in ("次", "天", "家", "人"):
            return f"{value:.0f}{self.unit}"
        if self.unit == "万元":
            return f"{value:,.1f}万元"
        return f"{value:.1f}{self.unit}"


def _n(v: float) -> int:
    return round(v)


def _flag(yes: str, no: str) -> Callable[[float], str]:
    return lambda v: yes if v >= 1 else no


FEATURES: tuple[Feature, ...] = (
    Feature(
        "years_in_business",
        "成立年限",
        "企业概况",
        "年",
        lambda v: f"成立年限{v:.1f}年，未达最优档",
        "缺少企业成立日期（缺失数据，按缺失组计分）",
    ),
    Feature(
        "revenue",
        "上年营业收入",
        "财务状况",
        "万元",
        lambda v: f"上年营业收入{v:,.0f}万元，规模未达最优档",
        "缺少上年财务数据（缺失数据，按缺失组计分）",
    ),
    Feature(
        "revenue_growth",
        "营业收入增长率",
        "财务状况",
        "%",
        lambda v: f"营业收入同比{v:+.1f}%，增长未达最优档",
        "缺少连续两年的营业收入（缺失数据，按缺失组计分）",
    ),
    Feature(
        "rd_intensity",
        "研发投入强度",
        "创新能力",
        "%",
        lambda v: f"研发投入强度{v:.1f}%（研发费用占营业收入），未达最优档",
        "缺少研发费用或营业收入数据（缺失数据，按缺失组计分）",
    ),
    Feature(
        "profit_margin",
        "净利润率",
        "财务状况",
        "%",
        lambda v: f"净利润率{v:.1f}%，盈利能力未达最优档",
        "缺少净利润或营业收入数据（缺失数据，按缺失组计分）",
    ),
    Feature(
        "lenders_12m",
        "近12个月平台借款机构数",
        "负债情况",
        "家",
        lambda v: (
            f"近12个月在平台向{_n(v)}家机构借款（多头借贷）"
            if v >= 2
            else f"近12个月平台借款机构{_n(v)}家，未达最优档"
        ),
        "缺少平台借款数据（缺失数据，按缺失组计分）",
    ),
    Feature(
        "hnte",
        "高新技术企业",
        "创新能力",
        "",
        _flag("高新技术企业资质对评分的贡献有限", "未持有有效的高新技术企业证书"),
        "缺少高新技术企业认定信息（缺失数据，按缺失组计分）",
    ),
    Feature(
        "tech_sme",
        "科技型中小企业",
        "创新能力",
        "",
        _flag("科技型中小企业入库对评分的贡献有限", "未入库科技型中小企业"),
        "缺少科技型中小企业评价信息（缺失数据，按缺失组计分）",
    ),
    Feature(
        "tax_grade",
        "纳税信用等级",
        "纳税信用",
        "",
        lambda v: f"纳税信用等级为{TAX_GRADE_OF.get(_n(v), '?')}级",
        "没有纳税信用等级记录（缺失数据，按缺失组计分）",
    ),
    Feature(
        "headcount_trend",
        "社保缴纳人数12个月变化",
        "社会保险",
        "%",
        lambda v: (
            f"社保缴纳人数较12个月前减少{abs(v):.0f}%"
            if v < 0
            else f"社保缴纳人数较12个月前仅增长{v:.0f}%"
        ),
        "缺少连续12个月的社保缴纳记录（缺失数据，按缺失组计分）",
    ),
    Feature(
        "court_cases_36m",
        "近36个月涉诉及被执行案件",
        "司法信息",
        "次",
        lambda v: f"近36个月有{_n(v)}起涉诉或被执行案件",
        "缺少司法数据（缺失数据，按缺失组计分）",
    ),
    Feature(
        "dishonest",
        "失信被执行人",
        "司法信息",
        "",
        _flag("当前被列入失信被执行人名单", "未被列入失信被执行人名单"),
        "缺少失信被执行人数据（缺失数据，按缺失组计分）",
    ),
    Feature(
        "penalties_36m",
        "近36个月行政处罚",
        "行政处罚",
        "次",
        lambda v: f"近36个月受到{_n(v)}次行政处罚",
        "缺少行政处罚数据（缺失数据，按缺失组计分）",
    ),
    Feature(
        "abnormal",
        "经营异常名录",
        "经营异常",
        "",
        _flag("当前被列入经营异常名录", "未被列入经营异常名录"),
        "缺少经营异常名录数据（缺失数据，按缺失组计分）",
    ),
    Feature(
        "utility_arrears_12m",
        "近12个月水电气欠费",
        "公用事业缴费",
        "次",
        lambda v: f"近12个月有{_n(v)}次水电气欠费",
        "缺少公用事业缴费数据（缺失数据，按缺失组计分）",
    ),
    Feature(
        "max_dpd_12m",
        "近12个月平台贷款最长逾期天数",
        "平台还款记录",
        "天",
        lambda v: (
            f"近12个月有逾期记录（最长逾期{_n(v)}天）"
            if v > 0
            else "近12个月平台还款记录较少，按时还款对评分的贡献有限"
        ),
        "平台上没有该企业近12个月的还款记录（缺失数据，按缺失组计分）",
    ),
    Feature(
        "overdue_count_12m",
        "近12个月平台逾期次数",
        "平台还款记录",
        "次",
        lambda v: f"近12个月在平台逾期{_n(v)}次",
        "平台上没有该企业近12个月的还款记录（缺失数据，按缺失组计分）",
    ),
)
BY_CODE: dict[str, Feature] = {f.code: f for f in FEATURES}
CODES: tuple[str, ...] = tuple(BY_CODE)


def feature(code: str) -> Feature:
    return BY_CODE[code]


def column_aliases() -> dict[str, str]:
    """Accepted CSV headers (code or Chinese label) → feature code, plus the outcome column."""
    aliases = {f.code: f.code for f in FEATURES} | {f.label: f.code for f in FEATURES}
    return aliases | dict.fromkeys(OUTCOME_ALIASES, OUTCOME)
