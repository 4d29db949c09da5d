"""The one list of each vocabulary the engines, CLI, API schemas and web forms share, with zh/en labels.

Add a customs mode, a service or a unit here and every edge that offers a choice picks it up.
"""

from __future__ import annotations

from qiankua.domain import CONFIDENCE_LEVELS

__all__ = ["CATEGORY_GROUPS", "CONFIDENCE_LEVELS", "FEE_GROUPS", "LABELS", "MODES", "SERVICES", "SPECIFIC_UNITS",
           "label"]

# customs modes a quote can use (9610 B2C parcels, 9710 B2B on a platform, 9810 overseas warehouse, 0110 general)
MODES: tuple[str, ...] = ("9610", "9710", "9810", "0110")
# transport services a quote can price
SERVICES: tuple[str, ...] = ("postal", "express", "air", "sea-lcl", "sea-fcl", "rail", "truck")
# units a specific (per-quantity) tariff is charged on: net kg, litre of product, litre of pure alcohol, item
SPECIFIC_UNITS: tuple[str, ...] = ("kg", "liter", "lpa", "item")
# product category -> (platform fee category group, is food for a reduced VAT rate)
CATEGORY_GROUPS: dict[str, tuple[str, bool]] = {
    "tea": ("grocery", True), "condiment": ("grocery", True), "fruit_fresh": ("grocery", True),
    "fruit_processed": ("grocery", True), "food_other": ("grocery", True), "herbal": ("grocery", False),
    "baijiu": ("other", False), "silver_jewellery": ("jewellery", False), "textile_craft": ("home", False),
    "bamboo_craft": ("home", False), "lacquer_craft": ("home", False), "instrument": ("other", False),
}
FEE_GROUPS: tuple[str, ...] = ("grocery", "jewellery", "home", "other")

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "mode": {"9610": ("9610 跨境电商 B2C 直邮", "9610 B2C parcels"), "9710": ("9710 跨境电商 B2B 直接出口", "9710 B2B direct export"),
             "9810": ("9810 跨境电商出口海外仓", "9810 export to an overseas warehouse"),
             "0110": ("0110 一般贸易", "0110 general trade")},
    "service": {"postal": ("邮政小包", "postal"), "express": ("国际快递", "express"), "air": ("空运", "air freight"),
                "sea-lcl": ("海运拼箱", "sea LCL"), "sea-fcl": ("海运整箱", "sea FCL"), "rail": ("铁路", "rail"),
                "truck": ("公路", "truck")},
    "specific_unit": {"kg": ("每公斤净重", "per net kg"), "liter": ("每升", "per litre"),
                      "lpa": ("每升纯酒精", "per litre of pure alcohol"), "item": ("每件", "per item")},
    "confidence": {"confirmed": ("已确认", "confirmed"), "likely": ("较可靠", "likely"),
                   "unconfirmed": ("未确认", "unconfirmed")},
    "category": {"tea": ("茶叶", "tea"), "condiment": ("调味品", "condiments"), "fruit_fresh": ("鲜果", "fresh fruit"),
                 "fruit_processed": ("果制品", "processed fruit"), "food_other": ("其他食品", "other food"),
                 "herbal": ("中药材", "herbal"), "baijiu": ("白酒", "baijiu"), "silver_jewellery": ("银饰", "silver jewellery"),
                 "textile_craft": ("织绣蜡染", "textile crafts"), "bamboo_craft": ("竹编", "bamboo crafts"),
                 "lacquer_craft": ("漆器", "lacquerware"), "instrument": ("乐器", "instruments")},
}


def label(kind: str, value: str, lang: str) -> str:
    """The zh or en label of a vocabulary value (the value itself when it has none)."""
    pair = LABELS.get(kind, {}).get(value)
    return value if pair is None else pair[0 if lang == "zh" else 1]
