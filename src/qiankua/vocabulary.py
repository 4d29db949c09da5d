"""The one list of each vocabulary the engines, CLI, API schemas and web forms share, with zh/en labels.

Add a customs mode, a service, a platform or an engine here and every edge that offers a choice picks
it up: the CLI's options, the API's enums (OpenAPI), the web forms. ``tests/test_vocabulary.py`` fails
when an edge offers a value this module lacks, or a value here has no zh or en label.

This module imports nothing but :mod:`qiankua.domain` (``qiankua.schema`` and the engines import it).
"""

from __future__ import annotations

from dataclasses import dataclass

# how sure we are of a figure (domain.Confidence has the same values): confirmed = an official source states it,
# likely = a credible secondary source or a copy of the official one, unconfirmed = an estimate or unclear
CONFIDENCE_LEVELS: tuple[str, ...] = ("confirmed", "likely", "unconfirmed")
# the modes of a freight leg or a freight quote, as the routing engine and the freight_quotes table name them
FREIGHT_MODES: tuple[str, ...] = ("truck", "rail", "sea_fcl", "sea_lcl", "air", "post", "express", "last_mile", "other")

__all__ = [
    "CATEGORY_GROUPS",
    "CONFIDENCE_LEVELS",
    "DEFAULT_MODE",
    "DEFAULT_PLATFORM",
    "DEFAULT_SERVICE",
    "ENGINES",
    "FEE_GROUPS",
    "FILE_FORMATS",
    "FREIGHT_MODES",
    "IMPORT_MODES",
    "IMPORT_TABLES",
    "LABELS",
    "MODES",
    "OPPORTUNITY_WEIGHTINGS",
    "PLATFORMS",
    "REGION_IMPUTATION",
    "REGION_LEVELS",
    "REGION_METHODS",
    "ROUTING_SERVICE",
    "SERVICES",
    "SPECIFIC_UNITS",
    "TRADE_BACKENDS",
    "Engine",
    "engine",
    "label",
]

# customs modes a quote can use (9610 B2C parcels, 9710 B2B on a platform, 9810 overseas warehouse, 0110 general)
MODES: tuple[str, ...] = ("9610", "9710", "9810", "0110")
DEFAULT_MODE = "9610"
# transport services a quote can price
SERVICES: tuple[str, ...] = ("postal", "express", "air", "sea-lcl", "sea-fcl", "rail", "truck")
DEFAULT_SERVICE = "postal"
# the routing engine names its main-leg modes in snake case and calls postal "post": the one bridge
# from a quote's service to routing's main-leg preference (services.routing reads it)
ROUTING_SERVICE: dict[str, str] = {
    "postal": "post",
    "express": "express",
    "air": "air",
    "sea-lcl": "sea_lcl",
    "sea-fcl": "sea_fcl",
    "rail": "rail",
    "truck": "truck",
}
# sales platforms the built-in channel fee table prices (reference/data/channel_fees.csv); a user's own
# fee rows (``user.fees``) may add others, which a quote accepts by name
PLATFORMS: tuple[str, ...] = ("aliexpress", "amazon", "b2b", "direct", "lazada", "shopee")
DEFAULT_PLATFORM = "aliexpress"
# units a specific (per-quantity) tariff is charged on: net kg, litre of product, litre of pure alcohol, item
SPECIFIC_UNITS: tuple[str, ...] = ("kg", "liter", "lpa", "item")
# how the opportunity ranking's second view weighs its criteria (qiankua.opportunity.scoring)
OPPORTUNITY_WEIGHTINGS: tuple[str, ...] = ("blend", "entropy", "critic", "equal")
DEFAULT_WEIGHTING = "blend"
# regional evaluation (qiankua.region): the level of the areas, the subsystem score, imputation on request
REGION_LEVELS: tuple[str, ...] = ("province", "county")
REGION_METHODS: tuple[str, ...] = ("entropy", "topsis")
REGION_IMPUTATION: tuple[str, ...] = ("none", "linear", "nearest")
# product category -> (platform fee category group, is food for a reduced VAT rate)
CATEGORY_GROUPS: dict[str, tuple[str, bool]] = {
    "tea": ("grocery", True),
    "condiment": ("grocery", True),
    "fruit_fresh": ("grocery", True),
    "fruit_processed": ("grocery", True),
    "food_other": ("grocery", True),
    "herbal": ("grocery", False),
    "baijiu": ("other", False),
    "silver_jewellery": ("jewellery", False),
    "textile_craft": ("home", False),
    "bamboo_craft": ("home", False),
    "lacquer_craft": ("home", False),
    "instrument": ("other", False),
}
FEE_GROUPS: tuple[str, ...] = ("grocery", "jewellery", "home", "other")
# the user tables a file can be imported into, in the order the edges offer them; their columns, titles
# and templates are the specs in ``qiankua.schema.USER_TABLES`` (which imports this module, so the
# names are listed here and a test keeps the two equal)
IMPORT_TABLES: tuple[str, ...] = (
    "products",
    "freight_quotes",
    "shipments",
    "sales",
    "fx_rates",
    "tariffs",
    "excise",
    "fees",
    "region_panel",
    "region_exports",
    "warehouse_rates",
    "positive_list",
    "carrier_invoices",
)
# append: duplicate keys are errors; upsert: replace rows by key; replace: the whole table
IMPORT_MODES: tuple[str, ...] = ("append", "upsert", "replace")
FILE_FORMATS: tuple[str, ...] = ("xlsx", "csv")
# where the opportunity ranking computes its trade indicators
TRADE_BACKENDS: tuple[str, ...] = ("duckdb", "spark")


@dataclass(frozen=True, slots=True, kw_only=True)
class Engine:
    """An engine the edges serve: ``qiankua.services.<name>`` (use cases), ``qiankua.commands.<name>``
    (CLI), ``qiankua.i18n.<name>`` (messages), a web page at ``page`` and API routes when present."""

    name: str
    zh: str
    en: str
    page: str | None = None


ENGINES: tuple[Engine, ...] = (
    Engine(name="costing", zh="报价", en="Quote", page="/quote"),
    Engine(name="routing", zh="线路", en="Routes", page="/routes"),
    Engine(name="opportunity", zh="机会", en="Opportunities", page="/opportunities"),
    Engine(name="pooling", zh="拼货", en="Pooling", page="/pooling"),
    Engine(name="region", zh="区域评价", en="Regional evaluation", page="/region"),
    Engine(name="warehouse", zh="海外仓", en="Overseas warehouse", page="/warehouse"),
    Engine(name="bonded", zh="保税进口", en="Bonded import", page="/bonded"),
    Engine(name="trade", zh="产品空间", en="Product space"),
    Engine(name="orders", zh="订单", en="Orders", page="/orders"),
    Engine(name="scenarios", zh="方案", en="Scenarios", page="/scenarios"),  # saved scenarios (issue 20 item 8)
)


def engine(name: str) -> Engine:
    """The registry entry of engine ``name``."""
    for item in ENGINES:
        if item.name == name:
            return item
    raise KeyError(f"Unknown engine {name!r}; expected one of {', '.join(e.name for e in ENGINES)}.")


LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "mode": {
        "9610": ("9610 跨境电商 B2C 直邮", "9610 B2C parcels"),
        "9710": ("9710 跨境电商 B2B 直接出口", "9710 B2B direct export"),
        "9810": ("9810 跨境电商出口海外仓", "9810 export to an overseas warehouse"),
        "0110": ("0110 一般贸易", "0110 general trade"),
    },
    "service": {
        "postal": ("邮政小包", "postal"),
        "express": ("国际快递", "express"),
        "air": ("空运", "air freight"),
        "sea-lcl": ("海运拼箱", "sea LCL"),
        "sea-fcl": ("海运整箱", "sea FCL"),
        "rail": ("铁路", "rail"),
        "truck": ("公路", "truck"),
    },
    "platform": {
        "aliexpress": ("速卖通 AliExpress", "AliExpress"),
        "amazon": ("亚马逊 Amazon", "Amazon"),
        "b2b": ("B2B 平台", "B2B platform"),
        "direct": ("独立站 / 直销", "own shop / direct"),
        "lazada": ("来赞达 Lazada", "Lazada"),
        "shopee": ("虾皮 Shopee", "Shopee"),
    },
    "specific_unit": {
        "kg": ("每公斤净重", "per net kg"),
        "liter": ("每升", "per litre"),
        "lpa": ("每升纯酒精", "per litre of pure alcohol"),
        "item": ("每件", "per item"),
    },
    "confidence": {
        "confirmed": ("已证实", "confirmed"),
        "likely": ("较可信", "likely"),
        "unconfirmed": ("未证实", "unconfirmed"),
    },
    "category": {
        "tea": ("茶叶", "tea"),
        "condiment": ("调味品", "condiments"),
        "fruit_fresh": ("鲜果", "fresh fruit"),
        "fruit_processed": ("果制品", "processed fruit"),
        "food_other": ("其他食品", "other food"),
        "herbal": ("中药材", "herbal"),
        "baijiu": ("白酒", "baijiu"),
        "silver_jewellery": ("银饰", "silver jewellery"),
        "textile_craft": ("织绣蜡染", "textile crafts"),
        "bamboo_craft": ("竹编", "bamboo crafts"),
        "lacquer_craft": ("漆器", "lacquerware"),
        "instrument": ("乐器", "instruments"),
    },
    "fee_group": {
        "grocery": ("食品杂货", "grocery"),
        "jewellery": ("珠宝首饰", "jewellery"),
        "home": ("家居", "home"),
        "other": ("其他", "other"),
    },
    "import_mode": {
        "append": ("追加（键重复即报错）", "append (duplicate keys are errors)"),
        "upsert": ("按键覆盖", "upsert (replace by key)"),
        "replace": ("整表替换", "replace (whole table)"),
    },
    "file_format": {"xlsx": ("Excel (XLSX)", "Excel (XLSX)"), "csv": ("CSV (UTF-8)", "CSV (UTF-8)")},
    "trade_backend": {"duckdb": ("内嵌 DuckDB", "embedded DuckDB"), "spark": ("Apache Spark 集群", "Apache Spark")},
    "engine": {e.name: (e.zh, e.en) for e in ENGINES},
    "weighting": {
        "blend": ("熵权与等权各半（默认）", "half entropy, half equal (default)"),
        "entropy": ("熵权", "entropy"),
        "critic": ("CRITIC 权重", "CRITIC"),
        "equal": ("等权", "equal"),
    },
    "region_level": {"province": ("省级", "provinces"), "county": ("县级", "counties")},
    "region_method": {"entropy": ("熵权指数", "entropy-weighted index"), "topsis": ("熵权-TOPSIS", "entropy-TOPSIS")},
    "region_imputation": {
        "none": ("不填补", "no imputation"),
        "linear": ("线性插值", "linear interpolation"),
        "nearest": ("最近年份", "nearest year"),
    },
}

# which vocabulary each label kind names (the test checks both directions); the import tables' titles
# are their specs' ``title_zh`` / ``title_en`` in ``qiankua.schema``
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "mode": MODES,
    "service": SERVICES,
    "platform": PLATFORMS,
    "specific_unit": SPECIFIC_UNITS,
    "confidence": CONFIDENCE_LEVELS,
    "category": tuple(CATEGORY_GROUPS),
    "fee_group": FEE_GROUPS,
    "import_mode": IMPORT_MODES,
    "file_format": FILE_FORMATS,
    "trade_backend": TRADE_BACKENDS,
    "engine": tuple(e.name for e in ENGINES),
    "weighting": OPPORTUNITY_WEIGHTINGS,
    "region_level": REGION_LEVELS,
    "region_method": REGION_METHODS,
    "region_imputation": REGION_IMPUTATION,
}


def label(kind: str, value: str, lang: str) -> str:
    """The zh or en label of a vocabulary value (the value itself when it has none)."""
    pair = LABELS.get(kind, {}).get(value)
    return value if pair is None else pair[0 if lang == "zh" else 1]


def options(kind: str, lang: str) -> dict[str, str]:
    """``{value: label}`` of a vocabulary in its order, for a form's select."""
    return {value: label(kind, value, lang) for value in VOCABULARIES[kind]}


# ---- names shown on pages that are not choices of a form (issue 20 item 3: no raw code on a page)
# the routing engine's services (``service_id`` of route_links / freight_rates) and legs' modes
ROUTE_SERVICES: tuple[str, ...] = (
    "parcel_pickup",
    "truck_ltl",
    "truck_container",
    "truck_ltl_xb",
    "truck_container_xb",
    "rail_cn_fcl",
    "rail_cn_lcl",
    "rail_cer_fcl",
    "rail_cer_lcl",
    "rail_laos_fcl",
    "rail_laos_lcl",
    "sea_fcl_20",
    "sea_fcl_40",
    "sea_lcl",
    "air_general",
    "post_tracked",
    "express",
    "dest_ltl",
    "dest_container",
)
LEG_MODES: tuple[str, ...] = ("truck", "rail", "sea", "air", "post", "express", "last_mile", "*")
# accounts of a multi-user server (qiankua account, /api/v1/admin/accounts)
ACCOUNT_ROLES: tuple[str, ...] = ("member", "admin")
ACCOUNT_ACTIONS: tuple[str, ...] = ("add", "disable", "enable", "reset-password", "revoke-sessions", "remove")
# demand forecast methods (qiankua.warehouse.forecast: auto picks by the Syntetos-Boylan class)
FORECAST_METHODS: tuple[str, ...] = (
    "auto", "ses", "seasonal_es", "ets", "theta", "croston", "sba", "tsb", "adida", "imapa",
)  # fmt: skip
# where a pool's shipments come from (the demo week or the user's stored shipments)
POOL_SOURCES: tuple[str, ...] = ("demo", "stored")
# what a saved scenario holds (qiankua.services.scenarios)
SCENARIO_KINDS: tuple[str, ...] = ("quote", "route", "opportunity", "pooling")
# a quote's status and a market-entry requirement's severity (costing.STATUS, opportunity.requirements.SEVERITIES)
QUOTE_STATUSES: tuple[str, ...] = ("ok", "incomplete", "no_rule")
SEVERITIES: tuple[str, ...] = ("blocker", "registration", "certification", "labelling")
MARKET_REGIONS: tuple[str, ...] = (
    "east_asia",
    "southeast_asia",
    "south_asia",
    "central_asia",
    "west_asia",
    "europe",
    "north_america",
    "latin_america",
    "oceania",
    "africa",
)
LABELS.update(
    {
        # zh names as reference/data/freight_rates.csv names them (name_zh), without the lane
        "route_service": {
            "parcel_pickup": ("县域快递揽收", "county parcel pickup"),
            "truck_ltl": ("国内零担汽运", "truck LTL"),
            "truck_container": ("国内整车汽运", "container truck"),
            "truck_ltl_xb": ("跨境零担汽运", "cross-border truck LTL"),
            "truck_container_xb": ("跨境整车汽运", "cross-border container truck"),
            "rail_cn_fcl": ("国内铁路整箱", "domestic rail FCL"),
            "rail_cn_lcl": ("国内铁路拼箱", "domestic rail LCL"),
            "rail_cer_fcl": ("中欧班列整箱", "China-Europe rail FCL"),
            "rail_cer_lcl": ("中欧班列拼箱", "China-Europe rail LCL"),
            "rail_laos_fcl": ("中老铁路整箱", "China-Laos rail FCL"),
            "rail_laos_lcl": ("中老铁路拼箱", "China-Laos rail LCL"),
            "sea_fcl_20": ("海运整箱20尺", "sea FCL 20 ft"),
            "sea_fcl_40": ("海运整箱40尺", "sea FCL 40 ft"),
            "sea_lcl": ("海运拼箱", "sea LCL"),
            "air_general": ("空运", "air freight"),
            "post_tracked": ("邮政/电商小包", "tracked postal parcel"),
            "express": ("国际快递", "international express"),
            "dest_ltl": ("目的地零担派送", "destination LTL delivery"),
            "dest_container": ("目的地整柜派送", "destination container delivery"),
        },
        "account_role": {"member": ("成员", "member"), "admin": ("管理员", "administrator")},
        "account_action": {
            "add": ("添加账户", "add"),
            "disable": ("停用", "disable"),
            "enable": ("启用", "enable"),
            "reset-password": ("重置密码", "reset password"),
            "revoke-sessions": ("结束全部会话", "end all sessions"),
            "remove": ("删除账户", "remove"),
        },
        "forecast_method": {
            "auto": ("自动（按需求类型选择）", "automatic (by demand class)"),
            "ses": ("简单指数平滑", "simple exponential smoothing"),
            "seasonal_es": ("季节性指数平滑", "seasonal exponential smoothing"),
            "ets": ("自动 ETS 模型", "automatic ETS"),
            "theta": ("Theta 法", "Theta"),
            "croston": ("Croston 法", "Croston"),
            "sba": ("Croston-SBA 修正", "Croston SBA"),
            "tsb": ("TSB 法", "TSB"),
            "adida": ("ADIDA 聚合法", "ADIDA"),
            "imapa": ("IMAPA 多重聚合法", "IMAPA"),
        },
        "pool_source": {"demo": ("演示周数据", "demo week"), "stored": ("已导入的货件", "stored shipments")},
        "scenario_kind": {
            "quote": ("报价", "quote"),
            "route": ("线路", "route"),
            "opportunity": ("选品", "opportunity"),
            "pooling": ("拼货", "pooling"),
        },
        # the mode of a routing leg or link (route_links.mode; "*" = a rule over every mode)
        "leg_mode": {
            "truck": ("公路", "road"),
            "rail": ("铁路", "rail"),
            "sea": ("海运", "sea"),
            "air": ("空运", "air"),
            "post": ("邮政", "post"),
            "express": ("国际快递", "express"),
            "last_mile": ("尾程派送", "last mile"),
            "*": ("所有方式", "all modes"),
        },
        "freight_mode": {
            "truck": ("公路", "truck"),
            "rail": ("铁路", "rail"),
            "sea_fcl": ("海运整箱", "sea FCL"),
            "sea_lcl": ("海运拼箱", "sea LCL"),
            "air": ("空运", "air"),
            "post": ("邮政小包", "post"),
            "express": ("国际快递", "express"),
            "last_mile": ("尾程派送", "last mile"),
            "other": ("其他", "other"),
        },
        "quote_status": {
            "ok": ("数据完整", "complete"),
            "incomplete": ("数据不全", "incomplete"),
            "no_rule": ("无法报价", "cannot quote"),
        },
        # markets.region (schema.py's choices)
        "market_region": {
            "east_asia": ("东亚", "East Asia"),
            "southeast_asia": ("东南亚", "Southeast Asia"),
            "south_asia": ("南亚", "South Asia"),
            "central_asia": ("中亚", "Central Asia"),
            "west_asia": ("西亚", "West Asia"),
            "europe": ("欧洲", "Europe"),
            "north_america": ("北美", "North America"),
            "latin_america": ("拉美", "Latin America"),
            "oceania": ("大洋洲", "Oceania"),
            "africa": ("非洲", "Africa"),
        },
        "severity": {
            "blocker": ("禁止/须许可（阻断）", "blocker"),
            "registration": ("须注册", "registration"),
            "certification": ("须认证", "certification"),
            "labelling": ("标签要求", "labelling"),
        },
    }
)
VOCABULARIES.update(
    {
        "route_service": ROUTE_SERVICES,
        "freight_mode": FREIGHT_MODES,
        "leg_mode": LEG_MODES,
        "scenario_kind": SCENARIO_KINDS,
        "account_role": ACCOUNT_ROLES,
        "account_action": ACCOUNT_ACTIONS,
        "forecast_method": FORECAST_METHODS,
        "pool_source": POOL_SOURCES,
        "quote_status": QUOTE_STATUSES,
        "severity": SEVERITIES,
        "market_region": MARKET_REGIONS,
    }
)
