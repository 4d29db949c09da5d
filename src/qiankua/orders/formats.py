"""The platform order-export layouts qiankua reads, as data: header aliases per canonical field,
the headers that identify a layout, how statuses and times are written, and where the layout is from.

``documented``: column names from the platform's own published documentation. ``inferred``: the
platform publishes no export layout; the names are those seen in public third-party parsers of the
seller-centre export (and the Chinese headers of the Chinese-language seller centres), so a real file
may differ: the generic mapped reader (``mapped``) takes any layout with a small column map.

Headers are compared after :func:`norm_header` (lower case, NFKC, ``-``/``_`` as spaces, spaces collapsed),
so ``amazon-order-id``, ``Amazon Order ID`` and ``amazon_order_id`` are one header. An alias ending in ``*``
matches any header starting with it (Temu's ``ship postal code (Must be shipped to …)``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["CANONICAL", "FORMATS", "PLATFORMS", "STATUSES", "OrderFormat", "norm_header"]

# the canonical order-line fields every reader produces (money in the line's currency)
CANONICAL: tuple[str, ...] = (
    "order_id",
    "item_id",
    "order_time",
    "status",
    "item_status",
    "fulfilment",
    "sku",
    "asin",
    "title",
    "quantity",
    "quantity_shipped",
    "currency",
    "unit_price",
    "item_price",
    "item_tax",
    "shipping_price",
    "shipping_tax",
    "discount",
    "ship_discount",
    "refund",
    "order_total",
    "ship_country",
    "ship_state",
    "ship_city",
    "ship_postal",
    "recipient",
    "address1",
    "address2",
    "address3",
    "phone",
    "tracking_no",
    "carrier",
)
MONEY = (
    "unit_price",
    "item_price",
    "item_tax",
    "shipping_price",
    "shipping_tax",
    "discount",
    "ship_discount",
    "refund",
    "order_total",
)
# the normalised statuses of an order line; "accepted" lines feed sales, margins and declarations
STATUSES: tuple[str, ...] = (
    "pending",
    "unshipped",
    "partially_shipped",
    "shipped",
    "delivered",
    "cancelled",
    "refunded",
    "returned",
)
ACCEPTED: tuple[str, ...] = ("unshipped", "partially_shipped", "shipped", "delivered", "refunded", "returned")
PLATFORMS: tuple[str, ...] = ("amazon", "aliexpress", "temu", "tiktok", "shopee", "mapped")


def norm_header(text: object) -> str:
    """A header as compared: NFKC, lower case, ``-``/``_`` as spaces, whitespace collapsed, BOM dropped."""
    s = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "").lower()
    s = re.sub(r"[-_]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderFormat:
    """One export layout of one platform."""

    name: str
    platform: str
    title_zh: str
    title_en: str
    basis: str  # "documented" or "inferred"
    source: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    signatures: tuple[frozenset[str], ...]  # any one set of headers, all present, identifies the layout
    statuses: dict[str, str] = field(default_factory=dict)  # normalised raw status -> canonical
    day_first: bool = False  # ambiguous numeric dates are DD/MM/YYYY (else MM/DD/YYYY)
    item_price_is_total: bool = True  # item_price is the line total (price x quantity), else the unit price
    order_level: tuple[str, ...] = ()  # money fields written once per order and repeated on each line
    skip_description_row: bool = False  # a second header row describing the columns (TikTok)


def _aliases(*names: str) -> tuple[str, ...]:
    return tuple(norm_header(n) if not n.endswith("*") else norm_header(n[:-1]) + "*" for n in names)


_AMAZON_STATUS = {
    "pending": "pending",
    "pendingavailability": "pending",
    "pending availability": "pending",
    "unshipped": "unshipped",
    "partiallyshipped": "partially_shipped",
    "partially shipped": "partially_shipped",
    "shipping": "unshipped",
    "shipped": "shipped",
    "shipped delivered to buyer": "delivered",
    "shipped   delivered to buyer": "delivered",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "unfulfillable": "cancelled",
    "invoiceunconfirmed": "unshipped",
}

AMAZON_ORDERS = OrderFormat(
    name="amazon_orders",
    platform="amazon",
    title_zh="亚马逊 全部订单报告（按下单/更新日期）",
    title_en="Amazon All Orders report (by order date / last update)",
    basis="documented",
    source="https://developer-docs.amazon.com/sp-api/docs/order-reports-attributes "
    "(GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL / _BY_LAST_UPDATE_GENERAL)",
    columns={
        "order_id": _aliases("amazon-order-id"),
        "order_time": _aliases("purchase-date"),
        "status": _aliases("order-status"),
        "item_status": _aliases("item-status"),
        "fulfilment": _aliases("fulfillment-channel"),
        "title": _aliases("product-name"),
        "sku": _aliases("sku"),
        "asin": _aliases("asin"),
        "quantity": _aliases("quantity"),
        "currency": _aliases("currency"),
        "item_price": _aliases("item-price"),
        "item_tax": _aliases("item-tax"),
        "shipping_price": _aliases("shipping-price"),
        "shipping_tax": _aliases("shipping-tax"),
        "discount": _aliases("item-promotion-discount"),
        "ship_discount": _aliases("ship-promotion-discount"),
        "ship_city": _aliases("ship-city"),
        "ship_state": _aliases("ship-state"),
        "ship_postal": _aliases("ship-postal-code"),
        "ship_country": _aliases("ship-country"),
    },
    required=("order_id", "order_time", "sku", "quantity", "ship_country"),
    signatures=(frozenset(_aliases("amazon-order-id", "purchase-date", "sku")),),
    statuses=_AMAZON_STATUS,
)

AMAZON_SHIPPING = OrderFormat(
    name="amazon_shipping",
    platform="amazon",
    title_zh="亚马逊 待处理订单发货报告",
    title_en="Amazon actionable-orders shipping report",
    basis="documented",
    source="https://developer-docs.amazon.com/sp-api/docs/order-tracking-reports-attributes "
    "(GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING); this report carries no prices",
    columns={
        "order_id": _aliases("order-id"),
        # order-item-id is not used as the key: the All Orders report has none, and both reports of one
        # order must land on the same lines (keyed by SKU), the later adding what the earlier lacked
        "order_time": _aliases("purchase-date"),
        "title": _aliases("product-name"),
        "sku": _aliases("sku"),
        "quantity": _aliases("quantity-purchased"),
        "quantity_shipped": _aliases("quantity-shipped"),
        "recipient": _aliases("recipient-name"),
        "address1": _aliases("ship-address-1"),
        "address2": _aliases("ship-address-2"),
        "address3": _aliases("ship-address-3"),
        "phone": _aliases("buyer-phone-number"),
        "ship_city": _aliases("ship-city"),
        "ship_state": _aliases("ship-state"),
        "ship_postal": _aliases("ship-postal-code"),
        "ship_country": _aliases("ship-country"),
    },
    required=("order_id", "order_time", "sku", "quantity", "ship_country"),
    signatures=(frozenset(_aliases("order-id", "order-item-id", "quantity-to-ship")),),
)

ALIEXPRESS = OrderFormat(
    name="aliexpress",
    platform="aliexpress",
    title_zh="速卖通 订单导出（推断格式）",
    title_en="AliExpress order export (inferred layout)",
    basis="inferred",
    source="AliExpress Open Platform order fields (orderId, gmtCreate, orderStatus, productList: productId, skuCode, "
    "productName, productCount, productUnitPrice, currencyCode, logisticsAmount) flattened one row per product as "
    "ERPs export them; Chinese headers of the Chinese seller centre assumed; no published CSV layout found",
    columns={
        "order_id": _aliases("order id", "orderid", "订单号"),
        "item_id": _aliases("child id", "childid", "子订单号"),
        "order_time": _aliases("gmt create", "gmtcreate", "order time", "下单时间"),
        "status": _aliases("order status", "orderstatus", "订单状态"),
        "sku": _aliases("sku code", "skucode", "商品编码", "商家编码"),
        "asin": _aliases("product id", "productid", "产品id", "商品id"),
        "title": _aliases("product name", "productname", "产品名称", "商品名称"),
        "quantity": _aliases("product count", "productcount", "数量", "产品数量"),
        "unit_price": _aliases("product unit price", "productunitprice", "单价", "产品单价"),
        "currency": _aliases("currency code", "currencycode", "currency", "币种"),
        "shipping_price": _aliases("logistics amount", "logisticsamount", "运费"),
        "refund": _aliases("refund amount", "退款金额"),
        "ship_country": _aliases("buyer country", "country", "收货国家", "国家"),
        "ship_city": _aliases("city", "城市"),
        "ship_postal": _aliases("zip", "邮编"),
        "recipient": _aliases("contact person", "收货人"),
        "address1": _aliases("address", "详细地址"),
        "phone": _aliases("phone", "电话"),
        "tracking_no": _aliases("logistics no", "物流单号", "运单号"),
        "carrier": _aliases("logistics service", "物流服务", "物流方式"),
    },
    required=("order_id", "order_time", "quantity", "unit_price", "ship_country"),
    signatures=(
        frozenset(_aliases("order id", "gmt create", "product count")),
        frozenset(_aliases("orderid", "gmtcreate", "productcount")),
        frozenset(_aliases("订单号", "下单时间", "产品数量")),
    ),
    statuses={
        "place_order_success": "pending",
        "place order success": "pending",
        "wait_seller_send_goods": "unshipped",
        "wait seller send goods": "unshipped",
        "seller_part_send_goods": "partially_shipped",
        "seller part send goods": "partially_shipped",
        "wait_buyer_accept_goods": "shipped",
        "wait buyer accept goods": "shipped",
        "finish": "delivered",
        "in_cancel": "cancelled",
        "in cancel": "cancelled",
        "等待买家付款": "pending",
        "等待您发货": "unshipped",
        "部分发货": "partially_shipped",
        "等待买家收货": "shipped",
        "已完成": "delivered",
        "订单关闭": "cancelled",
        "已取消": "cancelled",
        "已退款": "refunded",
    },
    item_price_is_total=False,
    order_level=("shipping_price", "refund"),
)

TEMU = OrderFormat(
    name="temu",
    platform="temu",
    title_zh="Temu 订单导出（推断格式）",
    title_en="Temu order export (inferred layout)",
    basis="inferred",
    source="headers of the Temu seller-centre order CSV as read by a public open-source order-import tool "
    "(Order ID, order status, Order item ID, order item status, contribution sku, SKU ID, quantity purchased, "
    "goods base price, retail price total …); Temu publishes no export layout",
    columns={
        "order_id": _aliases("order id", "订单号"),
        "item_id": _aliases("order item id", "子订单号"),
        "status": _aliases("order status", "订单状态"),
        "item_status": _aliases("order item status", "子订单状态"),
        "title": _aliases("product name", "商品名称"),
        "sku": _aliases("contribution sku", "货品sku", "sku货号"),
        "asin": _aliases("sku id", "skuid"),
        "quantity": _aliases("quantity purchased", "购买数量"),
        "quantity_shipped": _aliases("quantity shipped", "已发货数量"),
        "unit_price": _aliases("goods base price", "申报价格", "商品基础价格"),
        "shipping_price": _aliases("shipping cost", "运费"),
        "currency": _aliases("currency", "币种"),
        "order_time": _aliases("purchase date", "下单时间"),
        "recipient": _aliases("recipient name", "收件人"),
        "phone": _aliases("recipient phone number", "收件人电话"),
        "address1": _aliases("ship address 1", "地址1"),
        "address2": _aliases("ship address 2", "地址2"),
        "address3": _aliases("ship address 3", "地址3"),
        "ship_city": _aliases("ship city", "城市"),
        "ship_state": _aliases("ship state", "州/省"),
        "ship_postal": _aliases("ship postal code*", "邮编"),
        "ship_country": _aliases("ship country", "国家"),
        "tracking_no": _aliases("tracking number", "运单号"),
        "carrier": _aliases("carrier", "物流商"),
    },
    required=("order_id", "item_id", "order_time", "quantity", "unit_price", "ship_country"),
    signatures=(
        frozenset(_aliases("order id", "order item id", "contribution sku")),
        frozenset(_aliases("订单号", "子订单号", "货品sku")),
    ),
    statuses={
        "unshipped": "unshipped",
        "to ship": "unshipped",
        "shipped": "shipped",
        "delivered": "delivered",
        "canceled": "cancelled",
        "cancelled": "cancelled",
        "refunded": "refunded",
        "待发货": "unshipped",
        "已发货": "shipped",
        "已签收": "delivered",
        "已取消": "cancelled",
        "已退款": "refunded",
    },
    item_price_is_total=False,
    order_level=("shipping_price",),
)

TIKTOK = OrderFormat(
    name="tiktok",
    platform="tiktok",
    title_zh="TikTok Shop 订单导出 OrderSKUList（推断格式）",
    title_en="TikTok Shop order export OrderSKUList (inferred layout)",
    basis="inferred",
    source="headers of the TikTok Shop seller-centre 'OrderSKUList' export as typed in public open-source tools "
    "(Order ID, Order Status, Seller SKU, Quantity, SKU Unit Original Price, SKU Subtotal Before/After Discount, "
    "SKU Platform/Seller Discount, Shipping Fee After Discount, Taxes, Order Amount, Order Refund Amount, "
    "Created Time DD/MM/YYYY); statuses from the Open API (UNPAID … CANCELLED, unofficial schema)",
    columns={
        "order_id": _aliases("order id", "订单编号", "订单号"),
        "status": _aliases("order status", "订单状态"),
        "item_status": _aliases("cancelation/return type", "取消/退货类型"),
        "sku": _aliases("seller sku", "卖家sku"),
        "asin": _aliases("sku id", "sku id"),
        "title": _aliases("product name", "商品名称"),
        "quantity": _aliases("quantity", "数量"),
        "quantity_returned": _aliases("sku quantity of return", "退货数量"),
        "unit_price": _aliases("sku unit original price", "sku单价"),
        "subtotal_before": _aliases("sku subtotal before discount", "折扣前小计"),
        "platform_discount": _aliases("sku platform discount", "平台折扣"),
        "discount": _aliases("sku seller discount", "卖家折扣"),
        "subtotal_after": _aliases("sku subtotal after discount", "折扣后小计"),
        "shipping_price": _aliases("shipping fee after discount", "折扣后运费"),
        "item_tax": _aliases("taxes", "税费"),
        "order_total": _aliases("order amount", "订单金额"),
        "refund": _aliases("order refund amount", "退款金额"),
        "currency": _aliases("currency", "币种"),
        "order_time": _aliases("created time", "创建时间"),
        "tracking_no": _aliases("tracking id", "物流单号"),
        "carrier": _aliases("shipping provider name", "物流商"),
        "recipient": _aliases("recipient", "收件人"),
        "phone": _aliases("phone #", "电话"),
        "ship_country": _aliases("country", "国家"),
        "ship_state": _aliases("province", "省/州"),
        "ship_city": _aliases("city", "city", "城市"),
        "address1": _aliases("detail address", "详细地址"),
        "address2": _aliases("additional address information", "附加地址"),
        "ship_postal": _aliases("zipcode", "邮编"),
    },
    required=("order_id", "sku", "quantity", "unit_price", "order_time", "ship_country"),
    signatures=(
        frozenset(_aliases("order id", "seller sku", "sku unit original price")),
        frozenset(_aliases("订单编号", "卖家sku", "sku单价")),
    ),
    statuses={
        "unpaid": "pending",
        "on hold": "pending",
        "awaiting shipment": "unshipped",
        "to ship": "unshipped",
        "partially shipping": "partially_shipped",
        "awaiting collection": "unshipped",
        "in transit": "shipped",
        "shipped": "shipped",
        "delivered": "delivered",
        "completed": "delivered",
        "cancelled": "cancelled",
        "canceled": "cancelled",
        "待付款": "pending",
        "待发货": "unshipped",
        "已发货": "shipped",
        "运输中": "shipped",
        "已送达": "delivered",
        "已完成": "delivered",
        "已取消": "cancelled",
    },
    day_first=True,
    item_price_is_total=False,
    order_level=("shipping_price", "refund", "order_total", "item_tax"),
    skip_description_row=True,
)

SHOPEE = OrderFormat(
    name="shopee",
    platform="shopee",
    title_zh="Shopee 订单导出（推断格式）",
    title_en="Shopee order export (inferred layout)",
    basis="inferred",
    source="Shopee seller-centre order export headers as mapped by public open-source tools (Order ID, Order Status, "
    "SKU Reference No., Parent SKU Reference No., Product Name, Quantity, Deal Price, Order Creation Date, "
    "Tracking Number); Open API v2 get_order_detail field names (item_sku, recipient_address) — no published CSV layout",
    columns={
        "order_id": _aliases("order id", "订单编号", "no. pesanan"),
        "status": _aliases("order status", "订单状态", "status pesanan"),
        "item_status": _aliases("cancel reason", "取消原因"),
        "sku": _aliases(
            "sku reference no.", "商品选项货号", "nomor referensi sku", "parent sku reference no.", "主商品货号"
        ),
        "title": _aliases("product name", "商品名称", "nama produk"),
        "quantity": _aliases("quantity", "数量", "jumlah"),
        "quantity_returned": _aliases("returned quantity", "退货数量"),
        "unit_price": _aliases("deal price", "商品活动价格", "harga setelah diskon"),
        "shipping_price": _aliases("buyer paid shipping fee", "买家支付的运费"),
        "refund": _aliases("refund amount", "退款金额"),
        "currency": _aliases("currency", "币种"),
        "order_time": _aliases("order creation date", "订单成立日期", "订单成立时间", "waktu pesanan dibuat"),
        "tracking_no": _aliases("tracking number*", "物流单号*", "no. resi"),
        "carrier": _aliases("shipping option", "寄送方式", "opsi pengiriman"),
        "recipient": _aliases("receiver name", "收件者姓名"),
        "phone": _aliases("phone number", "收件者电话"),
        "address1": _aliases("delivery address", "收件地址"),
        "ship_city": _aliases("city", "城市"),
        "ship_state": _aliases("province", "省/州"),
        "ship_postal": _aliases("zip code", "邮政编码"),
        "ship_country": _aliases("country", "国家"),
    },
    required=("order_id", "quantity", "unit_price", "order_time", "ship_country"),
    signatures=(
        frozenset(_aliases("order id", "order creation date", "deal price")),
        frozenset(_aliases("订单编号", "订单成立日期", "商品活动价格")),
        frozenset(_aliases("订单编号", "订单成立时间", "商品活动价格")),
    ),
    statuses={
        "unpaid": "pending",
        "to ship": "unshipped",
        "shipping": "shipped",
        "shipped": "shipped",
        "completed": "delivered",
        "cancelled": "cancelled",
        "return/refund": "refunded",
        "待付款": "pending",
        "待出货": "unshipped",
        "运送中": "shipped",
        "已完成": "delivered",
        "不成立": "cancelled",
        "已取消": "cancelled",
        "退货/退款": "refunded",
    },
    item_price_is_total=False,
    order_level=("shipping_price", "refund"),
)

FORMATS: dict[str, OrderFormat] = {
    f.name: f for f in (AMAZON_ORDERS, AMAZON_SHIPPING, ALIEXPRESS, TEMU, TIKTOK, SHOPEE)
}

# generic statuses a mapped file may use (English and Chinese), on top of a platform's own
GENERIC_STATUSES: dict[str, str] = {
    **{s: s for s in STATUSES},
    "canceled": "cancelled",
    "partially shipped": "partially_shipped",
    "paid": "unshipped",
    "completed": "delivered",
    "待付款": "pending",
    "待发货": "unshipped",
    "部分发货": "partially_shipped",
    "已发货": "shipped",
    "已签收": "delivered",
    "已完成": "delivered",
    "已取消": "cancelled",
    "已退款": "refunded",
    "已退货": "returned",
}
