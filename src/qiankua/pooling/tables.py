"""Table specs for the pooling engine's reference tables (parsed and validated by the service)."""

from __future__ import annotations

from qiankua.domain import CONFIDENCE_LEVELS
from qiankua.schema import ColumnSpec as C
from qiankua.schema import TableSpec

_SRC = C(name="source_id", zh="来源编号", required=True)
_CONF = C(name="confidence", zh="可信度", required=True, choices=CONFIDENCE_LEVELS)

ROAD = TableSpec(
    name="pooling_road",
    title_zh="道路近似参数",
    title_en="Road approximation",
    key=("param",),
    columns=(
        C(
            name="param",
            zh="参数",
            required=True,
            choices=(
                "circuity_expressway",
                "circuity_county",
                "county_leg_max_km",
                "speed_expressway_kmh",
                "speed_county_kmh",
                "stop_minutes",
            ),
        ),
        C(name="value", zh="数值", kind="float", required=True, ge=0),
        C(name="unit", zh="单位", required=True),
        _SRC,
        _CONF,
        C(name="notes", zh="备注"),
    ),
)

LOAD_UNITS = TableSpec(
    name="pooling_load_units",
    title_zh="装载单元",
    title_en="Load units",
    key=("unit_id",),
    columns=(
        C(name="unit_id", zh="编号", required=True),
        C(name="kind", zh="类型", required=True, choices=("container", "pallet", "uld")),
        C(name="name_en", zh="英文名称", required=True),
        C(name="name_zh", zh="中文名称", required=True),
        C(name="l_cm", zh="内长(cm)", kind="float", required=True, ge=1),
        C(name="w_cm", zh="内宽(cm)", kind="float", required=True, ge=1),
        C(name="h_cm", zh="内高(cm)", kind="float", required=True, ge=1),
        C(name="max_kg", zh="最大载重(kg)", kind="float", required=True, ge=1),
        _SRC,
        _CONF,
        C(name="notes", zh="备注"),
    ),
)

VEHICLES = TableSpec(
    name="pooling_vehicles",
    title_zh="提货车辆",
    title_en="Pickup vehicles",
    key=("vehicle_id",),
    columns=(
        C(name="vehicle_id", zh="车型编号", required=True),
        C(name="name_en", zh="英文名称", required=True),
        C(name="name_zh", zh="中文名称", required=True),
        C(name="capacity_kg", zh="载重(kg)", kind="float", required=True, ge=1),
        C(name="capacity_m3", zh="容积(m3)", kind="float", required=True, ge=0.01),
        C(name="count", zh="数量", kind="int", required=True, ge=1),
        C(name="cost_per_km_cny", zh="每公里成本(元)", kind="float", required=True, ge=0),
        C(name="cost_per_hour_cny", zh="每小时成本(元)", kind="float", ge=0),
        C(name="fixed_cost_cny", zh="出车固定成本(元)", kind="float", ge=0),
        C(name="depot_hub", zh="车场枢纽", required=True),
        _SRC,
        _CONF,
        C(name="notes", zh="备注"),
    ),
)

LINEHAUL = TableSpec(
    name="pooling_linehaul",
    title_zh="干线运价选项",
    title_en="Line-haul options",
    key=("market", "mode", "load_unit"),
    columns=(
        C(name="market", zh="目的市场", required=True, pattern=r"[A-Z]{2}"),
        C(name="mode", zh="方式", required=True, choices=("LCL", "FCL", "air")),
        C(name="load_unit", zh="柜型", choices=("20GP", "40GP", "40HC")),
        C(name="per_wm", zh="拼箱每计费吨", kind="float", ge=0),
        C(name="min_wm", zh="最低计费吨", kind="float", ge=0),
        C(name="per_container", zh="每柜价格", kind="float", ge=0),
        C(name="per_kg", zh="每计费公斤", kind="float", ge=0),
        C(name="divisor", zh="体积重系数", kind="float", ge=1000, le=10000),
        C(name="currency", zh="币种", required=True, pattern=r"[A-Z]{3}"),
        C(name="precarriage_cny_per_wm", zh="前程每计费吨(元)", kind="float", ge=0),
        C(name="precarriage_cny_per_container", zh="前程每柜(元)", kind="float", ge=0),
        C(name="precarriage_cny_per_kg", zh="前程每公斤(元)", kind="float", ge=0),
        C(name="transit_days", zh="时效(天)", kind="float", ge=0),
        C(name="valid_from", zh="生效日期", kind="date", required=True),
        C(name="valid_to", zh="失效日期", kind="date"),
        _SRC,
        _CONF,
        C(name="notes", zh="备注"),
    ),
)

POOLING_TABLES = {t.name: t for t in (ROAD, LOAD_UNITS, VEHICLES, LINEHAUL)}
