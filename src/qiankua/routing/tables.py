"""Table specs of the routing reference tables (validated by ``qiankua.services.routing``)."""

from __future__ import annotations

from qiankua.domain import CONFIDENCE_LEVELS
from qiankua.schema import ColumnSpec as C
from qiankua.schema import TableSpec
from qiankua.vocabulary import FREIGHT_MODES

__all__ = ["ROUTING_TABLES"]

_SRC = C(name="source_id", zh="来源编号", required=True)
_CONF = C(name="confidence", zh="可信度", required=True, choices=CONFIDENCE_LEVELS)
_SCOPES = ("domestic", "international", "cross_border", "destination")
_MODES = FREIGHT_MODES

ROUTE_NODES = TableSpec(
    name="route_nodes",
    title_zh="线路节点",
    title_en="Route nodes",
    key=("node_id",),
    columns=(
        C(name="node_id", zh="节点编号", required=True),
        C(name="name_en", zh="英文名称", required=True),
        C(name="name_zh", zh="中文名称"),
        C(
            name="kind",
            zh="类型",
            required=True,
            choices=("airport", "seaport", "rail_terminal", "border_rail", "border_road", "delivery"),
        ),
        C(name="country", zh="国家", required=True, pattern=r"[A-Z]{2}"),
        C(name="market", zh="市场"),
        C(name="lon", zh="经度", kind="float", required=True, ge=-180, le=180),
        C(name="lat", zh="纬度", kind="float", required=True, ge=-90, le=90),
        _SRC,
        _CONF,
        C(name="notes", zh="备注"),
    ),
)
ROUTE_MARKETS = TableSpec(
    name="route_markets",
    title_zh="市场口岸",
    title_en="Market gateways",
    key=("iso2",),
    columns=(
        C(name="iso2", zh="国家代码", required=True, pattern=r"[A-Z]{2}"),
        C(name="delivery_node", zh="派送节点", required=True),
        C(name="air_gateway", zh="空运口岸", required=True),
        C(name="sea_gateway", zh="海运口岸"),
        C(name="sea_lane", zh="海运航线"),
        C(name="air_lane", zh="空运航线", required=True),
        C(name="post_zone", zh="小包分区", required=True),
        _SRC,
        _CONF,
        C(name="notes", zh="备注"),
    ),
)
ROUTE_ACCESS = TableSpec(
    name="route_access",
    title_zh="集货接驳",
    title_en="Access legs",
    key=("access_id",),
    columns=(
        C(name="access_id", zh="接驳编号", required=True),
        C(name="from_level", zh="起点层级", required=True, choices=("county", "prefecture")),
        C(
            name="within",
            zh="适用区划",
            required=True,
            pattern=r"\d{6}",
            help_en="adcode of the province or prefecture whose counties/prefecture points take this leg",
        ),
        C(name="to_node", zh="终点", required=True),
        C(name="label", zh="路段标签", required=True),
        C(name="services", zh="服务", required=True),
        C(name="co2_class", zh="排放类别", required=True),
        C(name="first_mile", zh="含揽收等待", kind="bool", required=True),
        _SRC,
        _CONF,
        C(name="notes", zh="备注"),
    ),
)
ROUTE_LINKS = TableSpec(
    name="route_links",
    title_zh="线路路段",
    title_en="Route links",
    key=("link_id",),
    columns=(
        C(name="link_id", zh="路段编号", required=True),
        C(name="from_node", zh="起点", required=True),
        C(name="to_node", zh="终点", required=True),
        C(name="mode", zh="方式", required=True, choices=("truck", "rail", "sea", "air", "post", "last_mile")),
        C(name="scope", zh="范围", required=True, choices=_SCOPES),
        C(name="lane", zh="航线", required=True),
        C(name="services", zh="服务", required=True),
        C(name="co2_class", zh="排放类别", required=True),
        C(name="distance_km", zh="距离(km)", kind="float", required=True, ge=0),
        C(name="distance_source", zh="距离来源", required=True),
        C(name="transit_hours", zh="运输时间(h)", kind="float", ge=0),
        C(name="transit_source", zh="时间来源"),
        C(name="dwell_hours", zh="附加停留(h)", kind="float", ge=0),
        _SRC,
        _CONF,
        C(name="notes", zh="备注"),
    ),
)
FREIGHT_RATES = TableSpec(
    name="freight_rates",
    title_zh="运价",
    title_en="Freight rates",
    key=("rate_id",),
    columns=(
        C(name="rate_id", zh="运价编号", required=True),
        C(name="service_id", zh="服务", required=True),
        C(name="mode", zh="方式", required=True, choices=_MODES),
        C(name="lane", zh="航线", required=True),
        C(name="name_en", zh="英文名称", required=True),
        C(name="name_zh", zh="中文名称", required=True),
        C(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
        *(
            C(name=n, zh=n, kind="float", ge=0)
            for n in (
                "per_kg",
                "per_wm",
                "per_tkm",
                "per_item",
                "per_shipment",
                "per_unit",
                "per_unit_km",
                "min_charge",
            )
        ),
        C(name="divisor", zh="体积重系数", kind="float", ge=100),
        C(name="min_chargeable_kg", zh="最低计费重", kind="float", ge=0),
        C(name="unit_type", zh="箱型/车型"),
        C(name="unit_capacity_kg", zh="载重(kg)", kind="float", ge=1),
        C(name="unit_capacity_m3", zh="容积(m3)", kind="float", ge=0.01),
        C(name="max_kg_per_item", zh="单件限重", kind="float", ge=0),
        C(name="max_kg_per_shipment", zh="单票限重", kind="float", ge=0),
        C(name="max_value_cny_per_item", zh="单件限值", kind="float", ge=0),
        C(name="transit_days", zh="时效(天)", kind="float", ge=0),
        C(name="cold_chain_ok", zh="可冷链", kind="bool", required=True),
        C(name="valid_from", zh="生效日期", kind="date", required=True),
        C(name="valid_to", zh="失效日期", kind="date"),
        _SRC,
        _CONF,
        C(name="notes", zh="备注"),
    ),
)
EMISSION_FACTORS = TableSpec(
    name="route_emission_factors",
    title_zh="排放因子",
    title_en="Emission factors",
    key=("co2_class",),
    columns=(
        C(name="co2_class", zh="排放类别", required=True),
        C(name="mode", zh="方式", required=True),
        C(name="vehicle_class", zh="车型", required=True),
        C(name="g_co2e_per_tkm_wtw", zh="gCO2e/吨公里(WTW)", kind="float", required=True, ge=0),
        C(name="low", zh="下限", kind="float", ge=0),
        C(name="high", zh="上限", kind="float", ge=0),
        C(name="basis", zh="依据"),
        _SRC,
        _CONF,
        C(name="notes", zh="备注"),
    ),
)
DWELL = TableSpec(
    name="route_dwell_times",
    title_zh="停留时间",
    title_en="Dwell times",
    key=("stage", "node_kind"),
    columns=(
        C(name="stage", zh="环节", required=True, choices=("export", "import", "transfer")),
        C(name="node_kind", zh="节点类型", required=True),
        C(name="hours", zh="小时", kind="float", required=True, ge=0),
        _SRC,
        _CONF,
        C(name="notes", zh="备注"),
    ),
)
PARAMS = TableSpec(
    name="route_params",
    title_zh="线路参数",
    title_en="Routing parameters",
    key=("key",),
    columns=(
        C(name="key", zh="参数", required=True),
        C(name="value", zh="值", kind="float", required=True),
        C(name="unit", zh="单位", required=True),
        _SRC,
        _CONF,
        C(name="notes", zh="备注"),
    ),
)
RULES = TableSpec(
    name="route_service_rules",
    title_zh="服务限制规则",
    title_en="Service rules",
    key=("rule_id",),
    columns=(
        C(name="rule_id", zh="规则编号", required=True),
        C(
            name="condition",
            zh="条件",
            required=True,
            choices=(
                "alcohol",
                "abv_over",
                "liquid",
                "battery",
                "battery_kg_per_piece_over",
                "cold_chain",
                "max_transit_days",
                "b2b",
                "fragile",
            ),
        ),
        C(name="threshold", zh="阈值", kind="float"),
        C(name="services", zh="适用服务", required=True),
        C(name="action", zh="动作", required=True, choices=("exclude", "warn")),
        C(name="reason_en", zh="英文原因", required=True),
        C(name="reason_zh", zh="中文原因", required=True),
        _SRC,
        _CONF,
    ),
)

ROUTING_TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        ROUTE_NODES,
        ROUTE_MARKETS,
        ROUTE_ACCESS,
        ROUTE_LINKS,
        FREIGHT_RATES,
        EMISSION_FACTORS,
        DWELL,
        PARAMS,
        RULES,
    )
}
