"""China customs 9610 export inventory list — CEB603 message (pure): the published field list as data,
one ``Inventory`` (``InventoryHead`` + ``InventoryList`` lines) per order, the XML in the unified CBEC
namespace, the rows of the Excel sheet agents key in, totals that reconcile with the orders, and the
waybill table for the carrier. Nothing is sent anywhere: the edges write files.

Field names and order: the GACC unified CBEC message set, namespace ``http://www.chinaport.gov.cn/ceb``,
version 1.0, as implemented in public client code (InventoryHead: onlymaker/taurus
``src/spec/_201809/InventoryHead.php``; InventoryList: the LCustoms PHP client; BaseTransfer and the
``CEB603Message`` wrapper as in published message samples). The official XSD was not read: confidence
``likely``. Codes the declaration agent assigns or that need a customs code table (enterprise, customs,
port, transport-mode, unit and country codes) come from the user's ``config``; a field left empty is
listed in ``missing``, never guessed.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

__all__ = [
    "BASE_TRANSFER_FIELDS",
    "CUSTOMS_CURRENCY",
    "HEAD_FIELDS",
    "LIST_FIELDS",
    "NS",
    "WAYBILL_COLUMNS",
    "Declaration",
    "build",
    "to_xml",
]

NS = "http://www.chinaport.gov.cn/ceb"
MESSAGE = "CEB603Message"
VERSION = "1.0"
SOURCE = (
    "GACC unified CBEC export inventory list CEB603 (namespace http://www.chinaport.gov.cn/ceb, v1.0) as in public "
    "client code: onlymaker/taurus InventoryHead.php, LCustoms InventoryList; research D3 (medium-high)"
)

# (element, zh label, en label) in message order
HEAD_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("guid", "系统唯一序号", "message guid"),
    ("appType", "报送类型", "application type"),
    ("appTime", "报送时间", "application time"),
    ("appStatus", "业务状态", "business status"),
    ("customsCode", "申报海关代码", "declaring customs code"),
    ("ebpCode", "电商平台代码", "e-commerce platform code"),
    ("ebpName", "电商平台名称", "e-commerce platform name"),
    ("orderNo", "订单编号", "order number"),
    ("logisticsCode", "物流企业代码", "logistics company code"),
    ("logisticsName", "物流企业名称", "logistics company name"),
    ("logisticsNo", "物流运单编号", "waybill number"),
    ("copNo", "企业内部编号", "enterprise reference"),
    ("preNo", "预录入编号", "pre-entry number"),
    ("ivtNo", "清单编号", "inventory number"),
    ("ieFlag", "出口标记", "import/export flag"),
    ("portCode", "出口口岸代码", "port code"),
    ("ieDate", "出口日期", "export date"),
    ("statisticsFlag", "申报业务类型", "statistics flag"),
    ("agentCode", "申报企业代码", "declaring agent code"),
    ("agentName", "申报企业名称", "declaring agent name"),
    ("ebcCode", "电商企业代码", "e-commerce enterprise code"),
    ("ebcName", "电商企业名称", "e-commerce enterprise name"),
    ("ownerCode", "生产销售单位代码", "owner code"),
    ("ownerName", "生产销售单位名称", "owner name"),
    ("iacCode", "区内企业代码", "in-zone enterprise code"),
    ("iacName", "区内企业名称", "in-zone enterprise name"),
    ("emsNo", "账册编号", "bonded account number"),
    ("tradeMode", "贸易方式", "trade mode"),
    ("trafMode", "运输方式", "transport mode"),
    ("trafName", "运输工具名称", "vessel / flight name"),
    ("voyageNo", "航班航次号", "voyage number"),
    ("billNo", "提运单号", "bill of lading / master AWB"),
    ("totalPackageNo", "总包号", "total package number"),
    ("loctNo", "监管场所代码", "supervision site code"),
    ("licenseNo", "许可证号", "licence number"),
    ("country", "运抵国（地区）", "destination country"),
    ("POD", "指运港代码", "port of destination"),
    ("freight", "运费", "freight"),
    ("fCurrency", "运费币制", "freight currency"),
    ("fFlag", "运费标志", "freight flag"),
    ("insuredFee", "保价费", "insurance"),
    ("iCurrency", "保费币制", "insurance currency"),
    ("iFlag", "保费标志", "insurance flag"),
    ("wrapType", "包装种类代码", "packing type"),
    ("packNo", "件数", "packages"),
    ("grossWeight", "毛重（公斤）", "gross weight kg"),
    ("netWeight", "净重（公斤）", "net weight kg"),
    ("note", "备注", "note"),
)
LIST_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("gnum", "商品序号", "line number"),
    ("itemNo", "企业商品货号", "item number"),
    ("itemName", "企业商品名称", "item name"),
    ("gcode", "商品编码", "HS code"),
    ("gname", "商品名称", "goods name"),
    ("gmodel", "商品规格型号", "model / specification"),
    ("barCode", "条码", "barcode"),
    ("country", "原产国（地区）", "origin country"),
    ("currency", "币制", "currency"),
    ("qty", "申报数量", "declared quantity"),
    ("qty1", "法定数量", "legal quantity"),
    ("unit", "申报计量单位", "declared unit"),
    ("unit1", "法定计量单位", "legal unit"),
    ("price", "单价", "unit price"),
    ("totalPrice", "总价", "total price"),
)
BASE_TRANSFER_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("copCode", "传输企业代码", "sender code"),
    ("copName", "传输企业名称", "sender name"),
    ("dxpMode", "报文传输模式", "transfer mode"),
    ("dxpId", "报文传输编号", "transfer id"),
    ("note", "备注", "note"),
)
# GACC customs currency codes as used in public CEB client code (a Java CustomsCurrencyCodeEnum and others;
# ECU/300 is the euro). likely, not read from the official code table: the agent checks them.
CUSTOMS_CURRENCY: dict[str, str] = {
    "HKD": "110",
    "JPY": "116",
    "MOP": "121",
    "MYR": "122",
    "PHP": "129",
    "SGD": "132",
    "THB": "136",
    "CNY": "142",
    "EUR": "300",
    "DKK": "302",
    "GBP": "303",
    "NOK": "326",
    "SEK": "330",
    "CHF": "331",
    "CAD": "501",
    "USD": "502",
    "AUD": "601",
    "NZD": "609",
}
# config keys (the user's enterprise and agent codes) that fill head fields directly
CONFIG_HEAD = (
    "appType",
    "appStatus",
    "customsCode",
    "ebpCode",
    "ebpName",
    "logisticsCode",
    "logisticsName",
    "portCode",
    "statisticsFlag",
    "agentCode",
    "agentName",
    "ebcCode",
    "ebcName",
    "ownerCode",
    "ownerName",
    "iacCode",
    "iacName",
    "emsNo",
    "trafMode",
    "trafName",
    "voyageNo",
    "billNo",
    "totalPackageNo",
    "loctNo",
    "licenseNo",
    "POD",
    "wrapType",
    "note",
)
# head fields the agent or customs fills later: left empty without being reported missing
LATER = (
    "preNo",
    "ivtNo",
    "iacCode",
    "iacName",
    "emsNo",
    "trafName",
    "voyageNo",
    "billNo",
    "totalPackageNo",
    "licenseNo",
    "POD",
    "note",
    "insuredFee",
    "iCurrency",
    "iFlag",
    "barCode",
    "statisticsFlag",
    "loctNo",
)
WAYBILL_COLUMNS = (
    "order_no",
    "waybill_no",
    "carrier",
    "recipient",
    "address",
    "city",
    "state",
    "postal_code",
    "country",
    "phone",
    "goods_description",
    "quantity",
    "gross_weight_kg",
    "declared_value",
    "currency",
    "platform",
)


@dataclass(slots=True)
class Declaration:
    """The inventories (one per order), what is missing, what was left out and why, and the totals."""

    inventories: list[dict[str, Any]]
    missing: dict[str, int]  # field -> number of orders where it is empty and must be filled
    skipped: list[dict[str, Any]]
    totals: dict[str, dict[str, float]]  # currency -> {"orders": goods value of the orders, "declared": Σ totalPrice}
    waybills: list[dict[str, Any]] = field(default_factory=list)


def build(
    lines: pl.DataFrame,
    products: pl.DataFrame,
    config: Mapping[str, Any],
    *,
    app_time: dt.datetime,
) -> Declaration:
    """Inventories for the accepted, mapped, priced order lines in ``lines``.

    ``products``: id, name_zh, name_en, hs6, cn_hs10, unit, unit_gross_kg, unit_net_kg. ``config``: head
    codes (:data:`CONFIG_HEAD`), ``country_codes`` {ISO2: customs country code}, ``origin_country_code``,
    ``unit_codes`` {product unit word: customs unit code}, ``legal_unit_code`` (unit of qty1, net kg),
    ``currency_codes`` (on top of :data:`CUSTOMS_CURRENCY`), ``traf_mode``.
    """
    prods = {r["id"]: r for r in products.to_dicts()}
    currency_codes = {**CUSTOMS_CURRENCY, **dict(config.get("currency_codes", {}))}
    country_codes = dict(config.get("country_codes", {}))
    unit_codes = dict(config.get("unit_codes", {}))
    skipped: list[dict[str, Any]] = []
    keep = []
    for r in lines.to_dicts():
        reason = None
        if r["status"] in ("pending", "cancelled"):
            reason = "not sold (unpaid or cancelled)"
        elif r.get("product_id") is None or r["product_id"] not in prods:
            reason = "SKU not mapped to a catalogue product"
        elif r.get("item_price") is None or r.get("currency") is None:
            reason = "no price (e.g. Amazon's shipping report carries none: import the All Orders report too)"
        if reason:
            skipped.append(
                {"platform": r["platform"], "order_id": r["order_id"], "item_id": r["item_id"], "reason": reason}
            )
        else:
            keep.append(r)
    orders: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in keep:
        orders.setdefault((r["platform"], r["order_id"]), []).append(r)
    inventories: list[dict[str, Any]] = []
    missing: dict[str, int] = {}
    totals: dict[str, dict[str, float]] = {}
    waybills: list[dict[str, Any]] = []
    for (platform, order_id), rows in orders.items():
        first = rows[0]
        ccy = first["currency"]
        ccode = currency_codes.get(ccy, "")
        gross = sum((prods[r["product_id"]].get("unit_gross_kg") or 0.0) * r["quantity"] for r in rows)
        nets = [prods[r["product_id"]].get("unit_net_kg") for r in rows]
        net = (
            sum((n or 0.0) * r["quantity"] for n, r in zip(nets, rows, strict=True))
            if all(n is not None for n in nets)
            else None
        )
        head: dict[str, str] = {k: "" for k, _, _ in HEAD_FIELDS}
        head.update({k: str(config[k]) for k in CONFIG_HEAD if config.get(k) not in (None, "")})
        head.setdefault("appType", "1")
        head["appType"] = head["appType"] or "1"  # 1 = new (2 change, 3 delete)
        head["appStatus"] = head["appStatus"] or "2"  # 2 = declare (1 = save only)
        head["guid"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"qiankua:ceb603:{platform}:{order_id}")).upper()
        head["appTime"] = app_time.strftime("%Y%m%d%H%M%S")
        head["orderNo"] = order_id
        head["logisticsNo"] = first.get("tracking_no") or ""
        head["copNo"] = f"{platform}-{order_id}"
        head["ieFlag"] = "E"
        ie_date = config.get("ie_date")
        head["ieDate"] = str(ie_date) if ie_date else first["order_date"].strftime("%Y%m%d")
        head["tradeMode"] = "9610"
        head["country"] = str(country_codes.get(first["ship_country"], ""))
        shipping = sum(r.get("shipping_price") or 0.0 for r in rows)
        head["freight"] = f"{shipping:.2f}"
        head["fCurrency"] = ccode
        head["fFlag"] = "3"  # 3 = total amount
        head["packNo"] = str(config.get("packNo", 1))
        head["grossWeight"] = f"{gross:.3f}".rstrip("0").rstrip(".") if gross else ""
        head["netWeight"] = f"{net:.3f}".rstrip("0").rstrip(".") if net else ""
        items = []
        declared = 0.0
        for n, r in enumerate(rows, start=1):
            p = prods[r["product_id"]]
            total = round((r["item_price"] or 0.0) - (r.get("discount") or 0.0), 2)
            declared += total
            hs10 = p.get("cn_hs10")
            items.append(
                {
                    "gnum": str(n),
                    "itemNo": r.get("sku") or r["product_id"],
                    "itemName": p.get("name_zh") or "",
                    "gcode": str(hs10) if hs10 else "",
                    "gname": p.get("name_zh") or "",
                    "gmodel": f"{p.get('unit') or ''}".strip(),
                    "barCode": "",
                    "country": str(config.get("origin_country_code", "")),
                    "currency": ccode,
                    "qty": str(r["quantity"]),
                    "qty1": f"{(p.get('unit_net_kg') or 0.0) * r['quantity']:.3f}".rstrip("0").rstrip(".")
                    if p.get("unit_net_kg")
                    else "",
                    "unit": str(unit_codes.get(str(p.get("unit") or "").split(" ")[0], "")),
                    "unit1": str(config.get("legal_unit_code", "")),
                    "price": f"{total / r['quantity']:.4f}" if r["quantity"] else "",
                    "totalPrice": f"{total:.2f}",
                }
            )
        goods = sum(round((r["item_price"] or 0.0) - (r.get("discount") or 0.0), 2) for r in rows)
        t = totals.setdefault(ccy, {"orders": 0.0, "declared": 0.0, "count": 0.0})
        t["orders"] = round(t["orders"] + goods, 2)
        t["declared"] = round(t["declared"] + declared, 2)
        t["count"] += 1
        for k, v in head.items():
            if v == "" and k not in LATER:
                missing[f"InventoryHead.{k}"] = missing.get(f"InventoryHead.{k}", 0) + 1
        for item in items:
            for k, v in item.items():
                if v == "" and k not in LATER:
                    missing[f"InventoryList.{k}"] = missing.get(f"InventoryList.{k}", 0) + 1
        inventories.append({"head": head, "lists": items, "platform": platform})
        waybills.append(
            {
                "order_no": order_id,
                "waybill_no": first.get("tracking_no") or "",
                "carrier": first.get("carrier") or "",
                "recipient": first.get("recipient") or "",
                "address": first.get("address") or "",
                "city": first.get("ship_city") or "",
                "state": first.get("ship_state") or "",
                "postal_code": first.get("ship_postal") or "",
                "country": first["ship_country"],
                "phone": first.get("phone") or "",
                "goods_description": "; ".join(prods[r["product_id"]].get("name_en") or "" for r in rows),
                "quantity": sum(r["quantity"] for r in rows),
                "gross_weight_kg": round(gross, 3),
                "declared_value": round(declared, 2),
                "currency": ccy,
                "platform": platform,
            }
        )
    return Declaration(inventories=inventories, missing=missing, skipped=skipped, totals=totals, waybills=waybills)


def to_xml(declaration: Declaration, config: Mapping[str, Any], *, message_guid: str | None = None) -> bytes:
    """The CEB603 message (UTF-8 XML, ``ceb:`` prefix on the published namespace) of every inventory."""
    ET.register_namespace("ceb", NS)

    def q(tag: str) -> str:
        return f"{{{NS}}}{tag}"

    guid = (
        message_guid
        or str(
            uuid.uuid5(
                uuid.NAMESPACE_URL, "qiankua:ceb603:" + ",".join(i["head"]["guid"] for i in declaration.inventories)
            )
        ).upper()
    )
    root = ET.Element(q(MESSAGE), {"guid": guid, "version": VERSION})
    for inv in declaration.inventories:
        node = ET.SubElement(root, q("Inventory"))
        head = ET.SubElement(node, q("InventoryHead"))
        for name, _, _ in HEAD_FIELDS:
            ET.SubElement(head, q(name)).text = inv["head"].get(name, "")
        for item in inv["lists"]:
            lst = ET.SubElement(node, q("InventoryList"))
            for name, _, _ in LIST_FIELDS:
                ET.SubElement(lst, q(name)).text = item.get(name, "")
    base = ET.SubElement(root, q("BaseTransfer"))
    for name, _, _ in BASE_TRANSFER_FIELDS:
        ET.SubElement(base, q(name)).text = str(config.get(name, "") or ("DXP" if name == "dxpMode" else ""))
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def sheet_rows(declaration: Declaration) -> tuple[list[str], list[list[str]]]:
    """Header (``中文 / element``) and one row per inventory line with its head fields repeated, for agents."""
    header = [f"{zh} / {name}" for name, zh, _ in HEAD_FIELDS] + [f"{zh} / {name}" for name, zh, _ in LIST_FIELDS]
    rows = []
    for inv in declaration.inventories:
        h = [inv["head"].get(n, "") for n, _, _ in HEAD_FIELDS]
        for item in inv["lists"]:
            rows.append(h + [item.get(n, "") for n, _, _ in LIST_FIELDS])
    return header, rows
