"""Deterministic, realistic Chinese names for the demo city's enterprises."""

from __future__ import annotations

import random

PREFIXES = [
    "长春",
    "吉林",
    "北方",
    "东北",
    "长白",
    "松花江",
    "净月",
    "北湖",
    "汽开",
    "新区",
    "南湖",
    "伊通河",
]
WORDS = [
    "华信",
    "启明",
    "博远",
    "中科",
    "精工",
    "睿智",
    "天元",
    "恒通",
    "瑞丰",
    "鼎新",
    "星辰",
    "卓越",
    "蓝海",
    "金桥",
    "智联",
    "宏图",
    "正源",
    "创维",
    "远航",
    "聚能",
    "晨光",
    "云帆",
    "同心",
    "嘉禾",
    "思源",
    "领航",
    "光华",
    "鸿达",
    "安泰",
    "明德",
    "德润",
    "通达",
    "弘毅",
    "长风",
    "万象",
    "和谐",
    "奥瑞",
    "赛维",
    "科瑞",
    "迈达",
    "凯斯",
    "英华",
    "泰和",
    "联创",
    "众诚",
    "盛世",
    "尚品",
    "致远",
]
INDUSTRIES: list[tuple[str, list[str]]] = [
    ("新一代信息技术", ["信息技术", "软件", "数据科技", "智能科技", "网络科技", "电子"]),
    ("高端装备制造", ["智能装备", "精密机械", "机器人", "数控技术", "航空装备"]),
    ("新材料", ["新材料", "复合材料", "碳纤维", "光电材料"]),
    ("生物", ["生物科技", "生物医药", "基因技术", "医疗器械", "制药"]),
    ("新能源汽车", ["汽车电子", "新能源汽车科技", "动力电池", "智能网联"]),
    ("新能源", ["新能源", "光伏科技", "氢能科技"]),
    ("节能环保", ["环保科技", "节能技术", "水处理技术"]),
    ("数字创意", ["数字文化", "动漫科技", "创意设计"]),
    ("相关服务业", ["检测技术", "科技服务", "技术咨询"]),
]
SUFFIXES = ["有限公司", "股份有限公司", "有限责任公司"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅志文斌鹏飞宇浩然晨阳欣怡子涵博雅思远"
)


def enterprise_name(rng: random.Random, used: set[str]) -> tuple[str, str]:
    """A unique enterprise name and its strategic emerging industry."""
    while True:
        industry, trades = rng.choice(INDUSTRIES)
        name = (
            rng.choice(PREFIXES)
            + rng.choice(WORDS)
            + rng.choice(WORDS[::-1])
            + rng.choice(trades)
            + rng.choice(SUFFIXES)
        )
        if name not in used:
            used.add(name)
            return name, industry


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
