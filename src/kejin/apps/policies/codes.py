"""The support measures a program can run (RULES §7), with the seed clause of each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureCode(models.TextChoices):
    INTEREST_SUBSIDY = "interest_subsidy", _("科技型中小企业贷款贴息（十三）")
    LISTING_STAGE = "listing_stage", _("上市分阶段奖励（十五）")
    NEEQ_STAGE = "neeq_stage", _("新三板挂牌分阶段补助（十六）")
    REGIONAL_EQUITY = "regional_equity", _("区域性股权交易中心挂牌资助（十六）")
    LOCAL_BROKER = "local_broker", _("本省券商辅导本地企业挂牌资助（十六）")
    MNA_FEES = "mna_fees", _("并购中介服务费资助（十五）")
    BOND_INTEREST = "bond_interest", _("债券贴息（十七）")
    MAKER_SPACE = "maker_space", _("众创空间补助（二十二）")
    COMPETITION = "competition", _("创新创业大赛资助（二十二）")
    PARK = "park", _("科技金融产业园区扶持奖励（十九）")
    TALENT = "talent", _("高层次金融人才补贴（二十五）")


CLAUSE_OF: dict[str, str] = {
    MeasureCode.INTEREST_SUBSIDY: "十三",
    MeasureCode.LISTING_STAGE: "十五",
    MeasureCode.NEEQ_STAGE: "十六",
    MeasureCode.REGIONAL_EQUITY: "十六",
    MeasureCode.LOCAL_BROKER: "十六",
    MeasureCode.MNA_FEES: "十五",
    MeasureCode.BOND_INTEREST: "十七",
    MeasureCode.MAKER_SPACE: "二十二",
    MeasureCode.COMPETITION: "二十二",
    MeasureCode.PARK: "十九",
    MeasureCode.TALENT: "二十五",
}


class MilestoneKind(models.TextChoices):
    """Capital-market milestones an enterprise (or its broker) records with evidence."""

    SHARE_REFORM = "share_reform", _("完成股份制改造（上市）")
    TUTORING = "tutoring", _("与券商签订上市辅导协议")
    FILING_ACCEPTED = "filing_accepted", _("上市申报材料获受理")
    LISTING = "listing", _("成功上市")
    NEEQ_SHARE_REFORM = "neeq_share_reform", _("完成股份改制（新三板）")
    NEEQ_TUTORING = "neeq_tutoring", _("与券商签订新三板挂牌辅导协议")
    NEEQ_QUOTATION = "neeq_quotation", _("新三板挂牌")
    REGIONAL_EQUITY_QUOTATION = "regional_equity_quotation", _("区域性股权交易中心挂牌")


ACTION_LABELS: dict[str, str] = {
    "created": "创建申报（草稿）",
    "proposed_by_batch": "平台测算生成（免申即享）",
    "submitted": "提交申报",
    "resubmitted": "修改后重新提交",
    "district_approved": "区级初审通过",
    "district_returned": "区级初审退回修改",
    "district_rejected": "区级初审不予通过",
    "city_proposed": "市级复审拟同意",
    "city_returned": "市级复审退回修改",
    "city_rejected": "市级复审不予通过",
    "city_approved": "市级审批通过，资金已占用",
    "notice_opened": "进入公示",
    "objection_filed": "公示期收到异议",
    "objection_resolved": "异议处理",
    "objection_upheld": "异议成立，不予奖补",
    "approved": "公示期满，批准",
    "paid": "拨付",
    "withdrawn": "申报单位撤回",
}
