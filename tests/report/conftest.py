"""Small hand-built report sections shaped like the engines' (names from the built-in catalogue)."""

import polars as pl
import pytest

from qiankua.reference import load_reference
from qiankua.report.model import BarChart, Section, Table


@pytest.fixture(scope="session")
def ref():
    return load_reference()


@pytest.fixture(scope="session")
def engine_like_sections(ref):
    moutai = ref.product("moutai-feitian-53-500ml").name_zh
    silver = ref.product("leishan-miao-silver-necklace").name_zh
    margins = pl.DataFrame(
        {
            "product_id": ["moutai-feitian-53-500ml", "leishan-miao-silver-necklace"],
            "name_zh": [moutai, silver],
            "US": ["36%", "-12%"],
            "SG": ["46%", "51%*"],
            "MX": ["-35%", "n/a"],
        }
    )
    top = pl.DataFrame(
        {
            "rank": [1, 2, 3],
            "product": [silver, moutai, moutai],
            "market": ["SG", "SA", "US"],
            "score": [0.84, 0.8, 0.7],
            "margin": ["n/a", "40%", "n/a"],
            "stability": [0.98, 0.9, 0.5],
            "feasible": [True, False, True],
        }
    )
    routes = pl.DataFrame(
        {
            "product": [moutai, moutai],
            "county": ["520382", "520382"],
            "market": ["DE", "US"],
            "route": ["truck_container > air_general > dest_container via CN-CAN", "none"],
            "main_mode": ["air", None],
            "cost_cny": [13991.37, None],
            "days": [4.6, None],
            "kg_co2e": [1684.4, None],
            "recommended": [True, False],
            "confidence": ["unconfirmed", "unconfirmed"],
        }
    )
    exporters = pl.DataFrame(
        {
            "id": ["a", "b"],
            "standalone_cny": [100.0, 300.0],
            "share_cny": [60.0, 140.0],
            "saving_pct": [40.0, 53.3],
        }
    )
    wide = pl.DataFrame({f"c{i}": [float(i)] * 30 for i in range(28)})
    return [
        Section(
            key="costing",
            title_zh="落地成本与利润率",
            title_en="Landed cost and margin",
            figures=[("报价 quotes", "6"), ("比例 share", "19%")],
            tables=[Table(name="margins", frame=margins)],
        ),
        Section(
            key="routing",
            title_zh="线路规划",
            title_en="Route planning",
            tables=[Table(name="推荐线路 recommended", frame=routes, confidence_column="confidence")],
        ),
        Section(
            key="opportunity",
            title_zh="机会",
            title_en="Opportunities",
            tables=[Table(name="opportunity_top20", frame=top), Table(name="wide_grid", frame=wide)],
            recommendations=[("银项圈 → 新加坡", "silver → Singapore")],
            charts=[BarChart(title="t", labels=["a"], values=[1.0])],
        ),
        Section(
            key="pooling",
            title_zh="拼货",
            title_en="Pooling",
            tables=[Table(name="pool_exporters", frame=exporters)],
        ),
    ]
