"""Table specs of the bonded engine: its reference tables and the three files a zone service company
uploads (orders, payments, waybills), with Chinese and English headers for templates and imports."""

from __future__ import annotations

from qiankua.domain import CONFIDENCE_LEVELS
from qiankua.schema import ColumnSpec as C
from qiankua.schema import TableSpec

__all__ = [
    "CONSUMPTION_TAX",
    "EDITIONS",
    "IMPORT_VAT",
    "ORDERS",
    "PAYMENTS",
    "POSITIVE_LIST",
    "REMARK_KINDS_PATTERN",
    "RULES",
    "UPLOADS",
    "WAYBILLS",
]

_SRC = C(name="source_id", zh="来源编号", required=True)
_CONF = C(name="confidence", zh="可信度", required=True, choices=CONFIDENCE_LEVELS)
_NOTES = C(name="notes", zh="备注")
_WIN = (C(name="valid_from", zh="生效日", kind="date", required=True), C(name="valid_to", zh="失效日", kind="date"))

RULES = TableSpec(
    name="bonded_rules",
    title_zh="跨境电商零售进口限值与税收规则",
    title_en="CBEC retail import limits and tax rules",
    key=("rule_id",),
    columns=(
        C(name="rule_id", zh="规则编号", required=True),
        *_WIN,
        C(name="single_limit_cny", zh="单次交易限值(元)", kind="float", required=True, gt=0),
        C(name="annual_limit_cny", zh="年度交易限值(元)", kind="float", required=True, gt=0),
        C(name="duty_rate_in_limit", zh="限值内关税税率", kind="float", required=True, ge=0, le=1),
        C(name="tax_factor_in_limit", zh="限值内增值税消费税征收比例", kind="float", required=True, ge=0, le=1),
        C(name="single_item_over_limit", zh="单件超限", required=True, choices=("full_tax", "general_trade")),
        C(name="return_apply_days", zh="退货申请期限(天)", kind="int", ge=0),
        C(name="return_arrive_days", zh="退货运抵期限(天)", kind="int", ge=0),
        _SRC,
        _CONF,
        _NOTES,
    ),
)

IMPORT_VAT = TableSpec(
    name="cn_import_vat",
    title_zh="进口环节增值税率",
    title_en="China import VAT rates",
    columns=(
        C(name="hs_prefix", zh="税号前缀", pattern=r"\d{2,10}"),
        *_WIN,
        C(name="vat_rate", zh="增值税率", kind="float", required=True, ge=0, le=1),
        _SRC,
        _CONF,
        _NOTES,
    ),
)

CONSUMPTION_TAX = TableSpec(
    name="cn_consumption_tax",
    title_zh="进口环节消费税率",
    title_en="China import consumption tax",
    columns=(
        C(name="hs_prefix", zh="税号前缀", required=True, pattern=r"\d{2,10}"),
        *_WIN,
        C(name="ct_rate", zh="消费税率", kind="float", required=True, ge=0, le=0.99),
        C(name="min_price_per_ml_g", zh="起征单价(元/毫升或克)", kind="float", ge=0),
        C(name="min_price_per_piece", zh="起征单价(元/片或张)", kind="float", ge=0),
        _SRC,
        _CONF,
        _NOTES,
    ),
)

# a line's remark kinds: one or several of the four, joined with ";" (most binding first), e.g.
# "quantity_cap;bonded_only" (qiankua.bonded.remarks.KINDS)
REMARK_KINDS_PATTERN = r"(?:exclusion|bonded_only|name_restriction|quantity_cap)(?:\s*[;；,]\s*(?:exclusion|bonded_only|name_restriction|quantity_cap))*"

# the list's editions and the dates each was in force (valid_to exclusive, empty = still in force)
EDITIONS = TableSpec(
    name="positive_list_editions",
    title_zh="跨境电商零售进口商品清单版本",
    title_en="Editions of the CBEC retail import positive list",
    key=("edition",),
    columns=(
        C(name="edition", zh="版本", required=True),
        C(name="title_zh", zh="名称", required=True),
        C(name="announcement", zh="公告"),
        *_WIN,
        C(name="lines", zh="税号行数", kind="int", ge=1),
        _SRC,
        _CONF,
        _NOTES,
    ),
)

POSITIVE_LIST = TableSpec(
    name="positive_list",
    title_zh="跨境电商零售进口商品清单",
    title_en="CBEC retail import positive list",
    key=("hs_code", "edition"),
    columns=(
        C(name="hs_code", zh="税则号列", required=True, pattern=r"\d{8}", pad=8),
        C(name="name_zh", zh="商品名称", required=True),
        C(name="remark", zh="监管要求"),
        C(name="remark_type", zh="备注类型", pattern=REMARK_KINDS_PATTERN),
        C(name="qty_cap", zh="每人每年限量", kind="float", ge=0),
        C(name="qty_unit", zh="限量单位"),
        C(name="edition", zh="版本", required=True),
        _SRC,
        _CONF,
        _NOTES,
    ),
)

# ---- the uploaded files (checked column by column, vectorised, by qiankua.services.bonded) ---------
ORDERS = TableSpec(
    name="bonded_orders",
    title_zh="订单",
    title_en="Orders",
    key=("order_id", "line_no"),
    columns=(
        C(name="order_id", zh="订单编号", required=True),
        C(name="line_no", zh="商品序号", kind="int", ge=1),
        C(name="order_time", zh="下单时间", kind="datetime", required=True),
        C(name="buyer_name", zh="订购人姓名"),
        C(name="buyer_id_number", zh="订购人证件号码", required=True),
        C(name="hs_code", zh="商品编码", required=True, pattern=r"\d{8}(\d{2})?", pad=8),
        C(name="goods_name", zh="商品名称"),
        C(name="quantity", zh="数量", kind="int", required=True, ge=1),
        C(name="unit_price", zh="单价", kind="float", required=True, ge=0),
        C(name="freight", zh="运费", kind="float", ge=0),
        C(name="insurance", zh="保费", kind="float", ge=0),
        C(name="currency", zh="币制", required=True),
        C(name="tax_collected", zh="代扣税款", kind="float", ge=0),
        C(name="net_ml_g", zh="每件净含量(毫升或克)", kind="float", gt=0),
    ),
)

PAYMENTS = TableSpec(
    name="bonded_payments",
    title_zh="支付单",
    title_en="Payments",
    key=("order_id",),
    columns=(
        C(name="order_id", zh="订单编号", required=True),
        C(name="payment_no", zh="支付交易编号"),
        C(name="payer_id_number", zh="支付人证件号码", required=True),
        C(name="amount", zh="支付金额", kind="float", required=True, ge=0),
        C(name="currency", zh="币制", required=True),
        C(name="paid_time", zh="支付时间", kind="datetime"),
    ),
)

WAYBILLS = TableSpec(
    name="bonded_waybills",
    title_zh="运单",
    title_en="Waybills",
    key=("order_id",),
    columns=(
        C(name="order_id", zh="订单编号", required=True),
        C(name="waybill_no", zh="运单编号", required=True),
        C(name="consignee_name", zh="收货人姓名"),
        C(name="item_count", zh="件数", kind="int", ge=0),
    ),
)

UPLOADS = {"orders": ORDERS, "payments": PAYMENTS, "waybills": WAYBILLS}
