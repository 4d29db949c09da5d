"""Build the routing reference tables (run once by a maintainer; the CSVs are shipped).

    uv run --with airportsdata python scripts/build_route_data.py

Writes into src/qiankua/reference/data/:
  route_nodes.csv    extra nodes: Chinese air/road gateways, foreign gateways, one delivery node per market
  route_markets.csv  per market: delivery node, air and sea gateway, rate lanes (post zone, air lane, sea lane)
  route_links.csv    physical links with distance (searoute 1.6.0 for sea, great circle for air,
                     documented or great circle x circuity for road/rail) and documented transit hours

Sea distances are computed here once with searoute 1.6.0 (offline) so that no query pays for it.
Airport coordinates come from airportsdata (MIT), port coordinates from searoute's ports.geojson.
Everything else (rates, dwell, emission factors, rules, params) is hand-entered from
../shared/research/logistics*.md|csv in the other route_*.csv / freight_rates.csv tables.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import airportsdata
import searoute as sr

DATA = Path(__file__).resolve().parents[1] / "src" / "qiankua" / "reference" / "data"

# market -> (main air gateway IATA, sea gateway UN/LOCODE or "" for none, note)
# Choice of gateway = the market's main international cargo airport / container port (project convention);
# landlocked markets use a neighbouring port and a truck leg.
MARKETS = {
    "AE": ("DXB", "AEJEA"),
    "AT": ("VIE", "DEHAM"),
    "AU": ("SYD", "AUSYD"),
    "BD": ("DAC", "BDCGP"),
    "BE": ("BRU", "BEANR"),
    "BG": ("SOF", "BGVAR"),
    "BN": ("BWN", "BNMUA"),
    "BR": ("GRU", "BRSSZ"),
    "BY": ("MSQ", "LTKLJ"),
    "CA": ("YVR", "CAVAN"),
    "CH": ("ZRH", "NLRTM"),
    "CL": ("SCL", "CLSAI"),
    "CY": ("LCA", "CYLMS"),
    "CZ": ("PRG", "DEHAM"),
    "DE": ("FRA", "DEHAM"),
    "DK": ("CPH", "DKAAR"),
    "EE": ("TLL", "EETLL"),
    "EG": ("CAI", "EGALY"),
    "ES": ("MAD", "ESVLC"),
    "FI": ("HEL", "FIHEL"),
    "FR": ("CDG", "FRLEH"),
    "GB": ("LHR", "GBFXT"),
    "GR": ("ATH", "GRPIR"),
    "HR": ("ZAG", "HRRJK"),
    "HU": ("BUD", "SIKOP"),
    "ID": ("CGK", "IDJKT"),
    "IE": ("DUB", "IEDUB"),
    "IL": ("TLV", "ILHFA"),
    "IN": ("DEL", "INNSA"),
    "IT": ("MXP", "ITGOA"),
    "JP": ("NRT", "JPTYO"),
    "KE": ("NBO", "KEMBA"),
    "KH": ("KTI", "KHKOS"),
    "KR": ("ICN", "KRPUS"),
    "KW": ("KWI", "KWSWK"),
    "KZ": ("ALA", ""),
    "LA": ("VTE", ""),
    "LT": ("VNO", "LTKLJ"),
    "LU": ("LUX", "BEANR"),
    "LV": ("RIX", "LVRIX"),
    "MM": ("RGN", "MMRGN"),
    "MT": ("MLA", "MTMAR"),
    "MX": ("MEX", "MXZLO"),
    "MY": ("KUL", "MYPKG"),
    "NG": ("LOS", "NGAPP"),
    "NL": ("AMS", "NLRTM"),
    "NO": ("OSL", "NOOSL"),
    "NZ": ("AKL", "NZAKL"),
    "PE": ("LIM", "PECLL"),
    "PH": ("MNL", "PHMNL"),
    "PK": ("KHI", "PKKHI"),
    "PL": ("WAW", "PLGDN"),
    "PT": ("LIS", "PTSIE"),
    "QA": ("DOH", "QAHMD"),
    "RO": ("OTP", "ROCND"),
    "RU": ("SVO", "RULED"),
    "SA": ("RUH", "SAJED"),
    "SE": ("ARN", "SEGOT"),
    "SG": ("SIN", "SGSIN"),
    "SI": ("LJU", "SIKOP"),
    "SK": ("BTS", "DEHAM"),
    "TH": ("BKK", "THLCH"),
    "TR": ("IST", "TRAMR"),
    "US": ("LAX", "USLAX"),
    "VN": ("HAN", "VNHPH"),
    "ZA": ("JNB", "ZADUR"),
}

# rate lanes (project convention; proxies flagged in freight_rates.csv notes)
SEA_LANE = {  # by market
    **{
        m: "north_europe"
        for m in [
            "AT",
            "BE",
            "BY",
            "CH",
            "CZ",
            "DE",
            "DK",
            "EE",
            "FI",
            "FR",
            "GB",
            "IE",
            "LT",
            "LU",
            "LV",
            "NL",
            "NO",
            "PL",
            "SE",
            "SK",
            "RU",
        ]
    },
    **{
        m: "mediterranean" for m in ["BG", "CY", "EG", "ES", "GR", "HR", "HU", "IL", "IT", "MT", "PT", "RO", "SI", "TR"]
    },
    **{m: "southeast_asia" for m in ["BN", "ID", "KH", "MM", "MY", "PH", "SG", "TH", "VN"]},
    "US": "us_west",
    "CA": "us_west",
    "MX": "us_west",
}
REGION_AIR = {
    "north_america": "north_america",
    "europe": "europe",
    "southeast_asia": "asia",
    "east_asia": "asia",
    "latin_america": "north_america",
    "africa": "north_america",
}
REGION_POST = {
    "north_america": "us",
    "europe": "eu",
    "southeast_asia": "asean",
    "east_asia": "asean",
    "latin_america": "us",
    "africa": "us",
}

CN_SEA_PORTS = ["CNQZH", "CNFAN", "CNNSA", "CNYTN", "HKHKG", "CNSZX"]
CN_AIRPORTS = {"CAN": "CN-CAN", "HKG": "HK-HKG-AIR"}
KWE_DIRECT = ["BKK", "RGN", "DAC", "CCU", "DEL", "KHI", "SVO"]  # logistics.md 1e
EU = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
]

ROAD_CIRCUITY = 1.25  # route_params road_expressway
RAIL_CIRCUITY = 1.45  # route_params rail_cn
SEA_SPEED_KN = 16


def gc_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    from haversine import haversine

    return haversine((lat1, lon1), (lat2, lon2))


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write(name: str, header: list[str], rows: list[dict[str, object]]) -> None:
    with (DATA / name).open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, header, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r[k]) for k in header})


def main() -> None:
    airports = airportsdata.load("IATA")
    ports_path = Path(os.path.dirname(sr.__file__)) / "data" / "ports.geojson"
    ports = {f["properties"]["port"]: f for f in json.loads(ports_path.read_text())["features"]}
    markets = {r["iso2"]: r for r in read("markets.csv")}
    hubs = {r["hub_id"]: r for r in read("hubs.csv")}
    assert set(markets) == set(MARKETS), set(markets) ^ set(MARKETS)

    nodes: list[dict[str, object]] = []
    # the Chinese names of foreign gateways are entered by hand in route_nodes.csv (no source gives them):
    # a rebuild keeps them
    kept_zh = (
        {r["node_id"]: r["name_zh"] for r in read("route_nodes.csv")} if (DATA / "route_nodes.csv").exists() else {}
    )
    coords: dict[str, tuple[float, float]] = {h: (float(r["lon"]), float(r["lat"])) for h, r in hubs.items()}

    def add_node(
        node_id: str,
        name_en: str,
        name_zh: str,
        kind: str,
        country: str,
        lon: float,
        lat: float,
        market: str,
        source_id: str,
        confidence: str,
        notes: str = "",
    ) -> None:
        if node_id in coords and node_id not in hubs:
            return
        if node_id in hubs:
            return
        coords[node_id] = (lon, lat)
        name_zh = name_zh or kept_zh.get(node_id, "")  # hand-entered names (rt-nodes-names-zh) survive a rebuild
        nodes.append(
            dict(
                node_id=node_id,
                name_en=name_en,
                name_zh=name_zh,
                kind=kind,
                country=country,
                market=market,
                lon=round(lon, 6),
                lat=round(lat, 6),
                source_id=source_id,
                confidence=confidence,
                notes=notes,
            )
        )

    for iata, node in CN_AIRPORTS.items():
        a = airports[iata]
        add_node(
            node,
            a["name"],
            {"CAN": "广州白云国际机场", "HKG": "香港国际机场"}[iata],
            "airport",
            "CN" if iata == "CAN" else "HK",
            a["lon"],
            a["lat"],
            "",
            "rt-airportsdata",
            "likely",
            "long-haul air gateway for Guizhou e-commerce (research 1e: truck to CAN/HKG then long haul)",
        )
    add_node(
        "CN-PXG",
        "Pingxiang / Youyiguan road border crossing",
        "凭祥友谊关口岸",
        "border_road",
        "CN",
        106.75,
        22.01,
        "",
        "rt-nodes-research",
        "unconfirmed",
        "coords EST +-10 km (approximate position of the Youyiguan crossing); road to Vietnam",
    )
    for iata in KWE_DIRECT:
        a = airports[iata]
        add_node(
            f"AP-{iata}",
            a["name"],
            "",
            "airport",
            a["country"],
            a["lon"],
            a["lat"],
            "",
            "rt-airportsdata",
            "likely",
            "foreign air gateway",
        )
    market_rows = []
    for iso2, (iata, port) in sorted(MARKETS.items()):
        m = markets[iso2]
        a = airports[iata]
        add_node(
            f"AP-{iata}",
            a["name"],
            "",
            "airport",
            a["country"],
            a["lon"],
            a["lat"],
            "",
            "rt-airportsdata",
            "likely",
            "foreign air gateway",
        )
        if port:
            p = ports[port]
            lon, lat = p["geometry"]["coordinates"]
            add_node(
                port,
                p["properties"]["name"],
                "",
                "seaport",
                port[:2],
                lon,
                lat,
                "",
                "rt-nodes-searoute-ports",
                "likely",
                "foreign sea gateway (searoute ports.geojson)",
            )
        add_node(
            f"DLV-{iso2}",
            f"{m['name_en']} delivery ({a['city']})",
            f"{m['name_zh']}（目的地派送）",
            "delivery",
            iso2,
            a["lon"],
            a["lat"],
            iso2,
            "rt-airportsdata;rt-nodes-convention",
            "unconfirmed",
            f"delivery node placed at the main gateway city {a['city']} (airport position); "
            "distribution beyond it is not modelled",
        )
        market_rows.append(
            dict(
                iso2=iso2,
                delivery_node=f"DLV-{iso2}",
                air_gateway=f"AP-{iata}",
                sea_gateway=port or None,
                sea_lane=SEA_LANE.get(iso2, "other") if port else None,
                air_lane=REGION_AIR.get(m["region"], "other"),
                post_zone=REGION_POST.get(m["region"], "other"),
                source_id="rt-markets-convention",
                confidence="unconfirmed",
                notes=(
                    "landlocked: sea via neighbouring port " + port
                    if port and port[:2] != iso2
                    else ("no sea gateway (landlocked)" if not port else "")
                ),
            )
        )

    links: list[dict[str, object]] = []

    def link(
        a: str,
        b: str,
        mode: str,
        services: str,
        co2_class: str,
        *,
        km: float | None = None,
        km_source: str = "",
        hours: float | None = None,
        hours_source: str = "",
        lane: str = "*",
        scope: str = "domestic",
        dwell_hours: float = 0.0,
        source_id: str = "rt-route-convention",
        confidence: str = "unconfirmed",
        notes: str = "",
    ) -> None:
        (lo1, la1), (lo2, la2) = coords[a], coords[b]
        gc = gc_km(lo1, la1, lo2, la2)
        if km is None:
            if mode == "air":
                km, km_source = gc + 95, "great circle + 95 km (GLEC / EN 16258)"
            elif mode == "rail":
                km, km_source = gc * RAIL_CIRCUITY, f"great circle {gc:.0f} km x rail circuity {RAIL_CIRCUITY}"
            else:
                km = max(gc * ROAD_CIRCUITY, 30.0)
                km_source = f"great circle {gc:.0f} km x road circuity {ROAD_CIRCUITY} (min 30 km)"
        links.append(
            dict(
                link_id=f"{a}>{b}:{mode}",
                from_node=a,
                to_node=b,
                mode=mode,
                scope=scope,
                lane=lane,
                services=services,
                co2_class=co2_class,
                distance_km=round(km, 1),
                distance_source=km_source,
                transit_hours=None if hours is None else round(hours, 1),
                transit_source=hours_source,
                dwell_hours=dwell_hours,
                source_id=source_id,
                confidence=confidence,
                notes=notes,
            )
        )

    road = "truck_ltl;truck_container"
    # ---- domestic trunk: Guiyang hubs -> gateways
    link(
        "CN-GY-GYS",
        "CNQZH",
        "rail",
        "rail_cn_fcl;rail_cn_lcl",
        "rail_electric_cn",
        km=950,
        km_source="EST 900-1,000 km via Liuzhou-Nanning (research 1a)",
        hours=60,
        hours_source="EST 48-72 h terminal to terminal (research 1a)",
        source_id="rt-links-research",
        notes="scheduled Guiyang South -> Beibu Gulf container train since 2025-04-15",
    )
    link(
        "CN-GY-DLY",
        "CNQZH",
        "rail",
        "rail_cn_fcl;rail_cn_lcl",
        "rail_electric_cn",
        km=950,
        km_source="EST 900-1,000 km via Liuzhou-Nanning (research 1a)",
        hours=60,
        hours_source="EST 48-72 h terminal to terminal (research 1a)",
        source_id="rt-links-research",
        notes="Guiyang-Qinzhou regular direct train from Dulaying since 2022-04",
    )
    link(
        "CN-GY-GYS",
        "CNFAN",
        "rail",
        "rail_cn_fcl;rail_cn_lcl",
        "rail_electric_cn",
        hours_source="speed from route_params rail_cn_kmh",
        source_id="rt-links-research",
        notes="planned routes to Fangchenggang (research 1a)",
    )
    link(
        "CN-GY-DLY",
        "CNNSA",
        "rail",
        "rail_cn_fcl;rail_cn_lcl",
        "rail_electric_cn",
        km=1200,
        km_source="gzport 2022-09: 1,200 km",
        hours=48,
        hours_source="gzport 2022-09: ~48 h terminal to terminal",
        source_id="rt-links-gzport",
        confidence="confirmed",
    )
    link(
        "CN-GY-DLY",
        "CN-CQ-TJC",
        "rail",
        "rail_cn_fcl;rail_cn_lcl",
        "rail_electric_cn",
        km=400,
        km_source="EST 350-460 km (research 1b)",
        hours=24,
        hours_source="EST ~1 day (research 1b)",
        source_id="rt-links-research",
    )
    link(
        "CN-GY-DLY",
        "CN-CD-QBJ",
        "rail",
        "rail_cn_fcl;rail_cn_lcl",
        "rail_electric_cn",
        hours_source="speed from route_params rail_cn_kmh",
        source_id="rt-links-research",
    )
    link(
        "CN-GY-DLY",
        "CN-KM-WJY",
        "rail",
        "rail_cn_fcl;rail_cn_lcl",
        "rail_electric_cn",
        km=600,
        km_source="EST 550-650 km (research 1c)",
        hours=30,
        hours_source="EST 1-1.5 days (research 1c)",
        source_id="rt-links-research",
    )
    link(
        "CN-DY",
        "CN-GY-GYS",
        "rail",
        "rail_cn_fcl;rail_cn_lcl",
        "rail_electric_cn",
        hours_source="speed from route_params rail_cn_kmh",
    )
    for g in [
        "CNQZH",
        "CNFAN",
        "CNNSA",
        "CNYTN",
        "HKHKG",
        "CNSZX",
        "CN-CAN",
        "HK-HKG-AIR",
        "CN-PXG",
        "CN-KM-WJY",
        "CN-CQ-TJC",
        "CN-CD-QBJ",
    ]:
        link(
            "CN-GY-DLY",
            g,
            "truck",
            road,
            "truck_heavy",
            hours_source="speed from route_params truck_kmh",
            source_id="rt-links-research",
            notes="road km EST great circle x 1.20-1.30 (research 1d)",
        )
    link("CN-KM-WJY", "CN-MHN", "truck", road, "truck_heavy", hours_source="speed from route_params truck_kmh")

    # ---- international: sea (searoute 1.6.0, computed once here)
    foreign_ports = sorted({p for _, p in MARKETS.values() if p})
    sea_rows = []
    for a in CN_SEA_PORTS:
        for b in foreign_ports:
            (lo1, la1), (lo2, la2) = coords[a], coords[b]
            feat = sr.searoute((lo1, la1), (lo2, la2), units="km")
            km = float(feat["properties"]["length"])
            sea_rows.append((a, b, km))
    lanes_of_port: dict[str, set[str]] = {}
    for iso2, (_, port) in MARKETS.items():
        if port:
            lanes_of_port.setdefault(port, set()).add(SEA_LANE.get(iso2, "other"))
    for a, b, km in sea_rows:
        lane = sorted(lanes_of_port[b])[0]
        short = lane == "southeast_asia"
        link(
            a,
            b,
            "sea",
            "sea_fcl_20;sea_fcl_40;sea_lcl",
            "sea_feeder" if short else "sea_deep",
            km=km,
            km_source="computed with searoute 1.6.0",
            scope="international",
            lane=lane,
            hours_source=f"distance / {SEA_SPEED_KN} kn (route_params sea_speed_kn)",
            source_id="rt-searoute-1.6.0",
            confidence="likely",
            dwell_hours=120.0 if a in ("CNQZH", "CNFAN") and not short else 0.0,
            notes=(
                "transhipment via Shekou/Singapore (+3-7 days, dwell table)"
                if a in ("CNQZH", "CNFAN") and not short
                else ""
            ),
        )
    # ---- international: air
    for iso2, (iata, _) in sorted(MARKETS.items()):
        lane = REGION_AIR.get(markets[iso2]["region"], "other")
        for cn in CN_AIRPORTS.values():
            km = gc_km(*coords[cn], *coords[f"AP-{iata}"]) + 95
            link(
                cn,
                f"AP-{iata}",
                "air",
                "air_general",
                "air_belly_long" if km >= 1500 else "air_belly_short",
                scope="international",
                lane=lane,
                hours_source="speed from route_params air_kmh",
                confidence="likely",
            )
    for iata in KWE_DIRECT:
        node = f"AP-{iata}"
        iso2 = airports[iata]["country"]
        lane = REGION_AIR.get(markets[iso2]["region"], "other")
        km = gc_km(*coords["CNKWE"], *coords[node]) + 95
        link(
            "CNKWE",
            node,
            "air",
            "air_general",
            "air_freighter_long" if km >= 4000 else "air_freighter_short",
            scope="international",
            lane=lane,
            hours_source="speed from route_params air_kmh",
            source_id="rt-links-research",
            confidence="likely",
            notes="KWE international cargo route (research 1e); rate is the hub-lane proxy",
        )
    # ---- international rail
    link(
        "CN-CQ-TJC",
        "DE-DUI",
        "rail",
        "rail_cer_fcl;rail_cer_lcl",
        "rail_diesel",
        scope="international",
        lane="europe_chongqing",
        hours=315,
        hours_source="X8011 Chongqing-Duisburg ~315 h (China News Service 2024-06)",
        source_id="rt-links-research",
        confidence="likely",
    )
    link(
        "CN-CD-QBJ",
        "PL-MAL",
        "rail",
        "rail_cer_fcl;rail_cer_lcl",
        "rail_diesel",
        scope="international",
        lane="europe_chengdu",
        hours=13 * 24,
        hours_source="Chengdu-Malaszewicze ~13 days (jikelogistics 2023)",
        source_id="rt-links-research",
    )
    link(
        "CN-GY-DLY",
        "RU-VRS",
        "rail",
        "rail_cer_fcl;rail_cer_lcl",
        "rail_diesel",
        scope="international",
        lane="europe_guiyang",
        hours=15 * 24,
        hours_source="Guiyang-Moscow Vorsino ~15 days (People's Daily 2021-11)",
        source_id="rt-links-research",
        confidence="likely",
    )
    link(
        "CN-GY-DLY",
        "BY-ZHD",
        "rail",
        "rail_cer_fcl;rail_cer_lcl",
        "rail_diesel",
        km=11650,
        km_source="~11,650 km (Guiyang bonded zone, 2026-02 repost)",
        scope="international",
        lane="europe_guiyang",
        hours=15 * 24,
        hours_source="~15 days (2026-02 repost)",
        source_id="rt-links-research",
        confidence="likely",
    )
    link(
        "CN-KM-WJY",
        "LA-VTE-S",
        "rail",
        "rail_laos_fcl;rail_laos_lcl",
        "rail_electric_cn",
        km=1035,
        km_source="Kunming-Vientiane 1,035 km (People's Daily 2023-04)",
        scope="international",
        lane="laos",
        hours=26,
        hours_source="Lancang-Mekong Express 26 h (People's Daily 2022-03)",
        source_id="rt-links-research",
        confidence="confirmed",
    )
    # ---- cross-border road
    link(
        "CN-PXG",
        "DLV-VN",
        "truck",
        "truck_ltl_xb;truck_container_xb",
        "truck_heavy",
        scope="cross_border",
        hours_source="speed from route_params truck_kmh",
        notes="Youyiguan -> Hanoi",
    )
    link(
        "CN-MHN",
        "DLV-LA",
        "truck",
        "truck_ltl_xb;truck_container_xb",
        "truck_heavy",
        scope="cross_border",
        hours_source="speed from route_params truck_kmh",
        notes="Mohan/Boten -> Vientiane",
    )
    link(
        "LA-VTE-S",
        "DLV-TH",
        "truck",
        "truck_ltl_xb;truck_container_xb",
        "truck_heavy",
        scope="cross_border",
        hours_source="speed from route_params truck_kmh",
        notes="Vientiane -> Bangkok by road (the rail transload option has no rate on file)",
    )
    # ---- small parcels from the KWE international mail exchange office
    for iso2 in sorted(MARKETS):
        zone = REGION_POST.get(markets[iso2]["region"], "other")
        km = gc_km(*coords["CNKWE"], *coords[f"DLV-{iso2}"]) + 95
        link(
            "CNKWE",
            f"DLV-{iso2}",
            "post",
            "post_tracked;express",
            "air_belly_long" if km >= 1500 else "air_belly_short",
            km=km,
            km_source="great circle + 95 km (GLEC); parcels assumed to fly",
            scope="international",
            lane=zone,
            hours_source="service transit days (freight_rates)",
        )
    # ---- destination: gateway -> delivery node (last mile / warehouse replenishment)
    dest = "dest_ltl;dest_container"
    for iso2, (iata, port) in sorted(MARKETS.items()):
        link(
            f"AP-{iata}",
            f"DLV-{iso2}",
            "last_mile",
            dest,
            "truck_heavy",
            scope="destination",
            hours_source="speed from route_params truck_kmh",
        )
        if port:
            link(
                port,
                f"DLV-{iso2}",
                "last_mile",
                dest,
                "truck_heavy",
                scope="destination",
                hours_source="speed from route_params truck_kmh",
            )
    for terminal, targets in (
        ("DE-DUI", EU),
        ("PL-MAL", EU),
        ("RU-VRS", ["RU"]),
        ("BY-ZHD", ["BY"]),
        ("LA-VTE-S", ["LA"]),
    ):
        for iso2 in targets:
            link(
                terminal,
                f"DLV-{iso2}",
                "last_mile",
                dest,
                "truck_heavy",
                scope="destination",
                hours_source="speed from route_params truck_kmh",
                notes="EU customs union: cleared once at the rail terminal" if iso2 in EU else "",
            )
    for iata in KWE_DIRECT:
        iso2 = airports[iata]["country"]
        if f"AP-{iata}" != f"AP-{MARKETS[iso2][0]}":
            link(
                f"AP-{iata}",
                f"DLV-{iso2}",
                "last_mile",
                dest,
                "truck_heavy",
                scope="destination",
                hours_source="speed from route_params truck_kmh",
            )

    write(
        "route_nodes.csv",
        [
            "node_id",
            "name_en",
            "name_zh",
            "kind",
            "country",
            "market",
            "lon",
            "lat",
            "source_id",
            "confidence",
            "notes",
        ],
        nodes,
    )
    write(
        "route_markets.csv",
        [
            "iso2",
            "delivery_node",
            "air_gateway",
            "sea_gateway",
            "sea_lane",
            "air_lane",
            "post_zone",
            "source_id",
            "confidence",
            "notes",
        ],
        market_rows,
    )
    write(
        "route_links.csv",
        [
            "link_id",
            "from_node",
            "to_node",
            "mode",
            "scope",
            "lane",
            "services",
            "co2_class",
            "distance_km",
            "distance_source",
            "transit_hours",
            "transit_source",
            "dwell_hours",
            "source_id",
            "confidence",
            "notes",
        ],
        links,
    )
    print(f"nodes={len(nodes)} markets={len(market_rows)} links={len(links)} sea_pairs={len(sea_rows)}")


if __name__ == "__main__":
    main()
