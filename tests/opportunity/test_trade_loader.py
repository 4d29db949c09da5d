"""BACI and UN Comtrade files in their published layouts -> user.trade_flows."""

import zipfile

import pytest

from qiankua.exceptions import DataError
from qiankua.store import Store, trade

# BACI yearly file: header t,i,j,k,v,q; numeric country codes; v in thousand USD; q in tonnes,
# padded "NA" where missing; HS6 codes keep their leading zero (as in the V202401+ releases)
BACI_2023 = (
    "t,i,j,k,v,q\n"
    "2023,156,842,090210,578.6,120.5\n"
    "2023,156,826,090210,37.7,           NA\n"
    "2023,276,842,220890,1200.25,300.0\n"
    "2023,156,842,90230,4.1,1.0\n"
    "2023,999,842,711311,1.0,0.001\n"
)
BACI_2022 = "t,i,j,k,v,q\n2022,156,842,090210,500.0,110.0\n"
COUNTRIES = (
    "country_code,country_name,country_iso2,country_iso3\n"
    "156,China,CN,CHN\n276,Germany,DE,DEU\n826,United Kingdom,GB,GBR\n842,USA,US,USA\n"
)
COUNTRIES_OLD = (
    "country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha\n"
    "156,China,China,CN,CHN\n842,USA,USA,US,USA\n"
)


def _zip(tmp_path, files):
    path = tmp_path / "BACI_HS22_V202501.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def _named(store):
    return [
        tuple(r.values())
        for r in trade.named_flows(store)
        .order_by("source", "year", "value_usd")
        .drop("source")
        .to_pyarrow()
        .to_pylist()
    ]


def test_baci_zip_loads_codes_and_names(tmp_path):
    path = _zip(
        tmp_path,
        {
            "BACI_HS22_Y2023_V202501.csv": BACI_2023,
            "BACI_HS22_Y2022_V202501.csv": BACI_2022,
            "country_codes_V202501.csv": COUNTRIES,
            "product_codes_HS22_V202501.csv": "code,description\n",
        },
    )
    with Store(tmp_path / "db.duckdb") as store:
        result = trade.load_baci(store, path, [2023])
        assert result.rows == 5 and result.years == [2023] and result.unmapped_codes == ["999"]
        # stored as BACI codes them: integer countries and HS6 (the fast group-by keys)
        rows = store._db.execute(
            'SELECT year, exporter, importer, hs6, value_usd, quantity_t FROM "user".trade_flows '
            "ORDER BY value_usd DESC"
        ).fetchall()
        assert rows[0] == (2023, 276, 842, 220890, 1200250.0, 300.0)
        assert trade.country_codes(store) == {"CHN": 156, "DEU": 276, "GBR": 826, "USA": 842, "N999": 999}
        named = _named(store)
        assert named[-1] == (2023, "DEU", "USA", "220890", 1200250.0, 300.0)
        assert (2023, "CHN", "USA", "090210", 578600.0, 120.5) in named
        assert (2023, "CHN", "GBR", "090210", pytest.approx(37700.0), None) in named
        assert any(r[3] == "090230" for r in named)  # a 5-digit k gets its leading zero back
        assert any(r[1] == "N999" for r in named)
        # reloading the same year replaces, never duplicates; another year adds
        trade.load_baci(store, path, [2023])
        trade.load_baci(store, path, [2022])
        assert store.row_count("trade_flows") == 6
        assert trade.trade_years(store) == [2022, 2023]


def test_one_code_space_across_sources(tmp_path):
    # Comtrade first: USA gets its ISO numeric code 840; BACI's USA (842) is then recoded to 840
    path = tmp_path / "comtrade.csv"
    path.write_text(COMTRADE_API, encoding="utf-8")
    baci = _zip(tmp_path, {"BACI_HS22_Y2022_V202501.csv": BACI_2022, "country_codes_V202501.csv": COUNTRIES})
    with Store(tmp_path / "db.duckdb") as store:
        trade.load_comtrade(store, path)
        trade.load_baci(store, baci, [2022])
        codes = trade.country_codes(store)
        assert codes["USA"] == 840 and codes["CHN"] == 156 and len(set(codes.values())) == len(codes)
        assert _named(store) == [
            (2022, "CHN", "USA", "090210", 500000.0, 110.0),
            (2023, "CHN", "USA", "090210", 600000.0, 120.5),
        ]
        assert store._db.execute('SELECT DISTINCT importer FROM "user".trade_flows').fetchall() == [(840,)]


def test_text_keyed_store_is_migrated_to_codes(tmp_path):
    with Store(tmp_path / "db.duckdb") as store:
        store._db.execute(
            'CREATE TABLE "user".trade_flows (source VARCHAR, year INTEGER, exporter VARCHAR, '
            "importer VARCHAR, hs6 VARCHAR, value_usd DOUBLE, quantity_t DOUBLE)"
        )
        store._db.execute("INSERT INTO \"user\".trade_flows VALUES ('baci', 2023, 'CHN', 'XKX', '090210', 5.0, NULL)")
        assert _named(store) == [(2023, "CHN", "XKX", "090210", 5.0, None)]
        codes = trade.country_codes(store)
        assert codes["CHN"] == 156 and codes["XKX"] >= 1000  # no ISO numeric code: next free from 1000


def test_baci_bare_csv_with_old_country_file(tmp_path):
    csv_path = tmp_path / "BACI_HS22_Y2022_V202501.csv"
    csv_path.write_text(BACI_2022, encoding="utf-8")
    (tmp_path / "country_codes_V202201.csv").write_text(COUNTRIES_OLD, encoding="utf-8")
    data = trade.read_baci(csv_path)
    assert data.flows.to_pylist() == [
        {"year": 2022, "exporter": 156, "importer": 842, "hs6": 90210, "value_usd": 500000.0, "quantity_t": 110.0}
    ]
    assert data.countries.to_pylist() == [{"code": 156, "iso3": "CHN"}, {"code": 842, "iso3": "USA"}]
    assert data.unmapped == []


@pytest.mark.parametrize(
    "files, message",
    [
        (
            {"BACI_HS22_Y2023_V202501.csv": "year,exporter\n2023,156\n", "country_codes_V202501.csv": COUNTRIES},
            "expected BACI header",
        ),
        ({"BACI_HS22_Y2023_V202501.csv": BACI_2023}, "country_codes"),
        ({"readme.txt": "x"}, "no BACI_HS"),
    ],
)
def test_baci_bad_files_are_rejected(tmp_path, files, message):
    path = _zip(tmp_path, files)
    with pytest.raises(DataError, match=message):
        trade.read_baci(path)


def test_baci_missing_year(tmp_path):
    path = _zip(tmp_path, {"BACI_HS22_Y2023_V202501.csv": BACI_2023, "country_codes_V202501.csv": COUNTRIES})
    with pytest.raises(DataError, match="2023"):
        trade.read_baci(path, [2019])


# UN Comtrade API (comtradeapicall getFinalData) layout, abridged to the columns used plus neighbours
COMTRADE_API = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,"
    "partnerCode,partnerISO,partnerDesc,cmdCode,cmdDesc,netWgt,fobvalue,cifvalue,primaryValue\n"
    "C,A,20230101,2023,52,2023,842,USA,USA,M,Import,156,CHN,China,090210,Green tea,120500,,600000,600000\n"
    "C,A,20230101,2023,52,2023,842,USA,USA,M,Import,0,W00,World,090210,Green tea,900000,,3000000,3000000\n"
    "C,A,20230101,2023,52,2023,842,USA,USA,M,Import,156,CHN,China,0902,Tea,,,700000,700000\n"
    "C,A,20230101,2023,52,2023,156,CHN,China,X,Export,842,USA,USA,090210,Green tea,,550000,,550000\n"
)
COMTRADE_LEGACY = (
    "Classification\tYear\tPeriod\tPeriod Desc.\tAggregate Level\tIs Leaf Code\tTrade Flow Code\tTrade Flow\t"
    "Reporter Code\tReporter\tReporter ISO\tPartner Code\tPartner\tPartner ISO\tCommodity Code\tCommodity\t"
    "Qty Unit Code\tQty Unit\tQty\tNetweight (kg)\tTrade Value (US$)\tFlag\n"
    "H5\t2019\t2019\t2019\t6\t1\t2\tExport\t156\tChina\tCHN\t826\tUnited Kingdom\tGBR\t090210\tGreen tea\t8\tkg\t"
    "1000\t1000\t25000\t0\n"
)


def test_comtrade_api_layout_uses_import_reports(tmp_path):
    path = tmp_path / "comtrade.csv"
    path.write_text(COMTRADE_API, encoding="utf-8")
    table = trade.read_comtrade(path)
    assert table.to_pylist() == [
        {
            "year": 2023,
            "exporter": "CHN",
            "importer": "USA",
            "hs6": "090210",
            "value_usd": 600000.0,
            "quantity_t": 120.5,
        }
    ]
    with Store(tmp_path / "db.duckdb") as store:
        assert trade.load_comtrade(store, path).rows == 1


def test_comtrade_legacy_tab_layout(tmp_path):
    path = tmp_path / "comtrade.tsv"
    path.write_text(COMTRADE_LEGACY, encoding="utf-8")
    assert trade.read_comtrade(path).to_pylist() == [
        {"year": 2019, "exporter": "CHN", "importer": "GBR", "hs6": "090210", "value_usd": 25000.0, "quantity_t": 1.0}
    ]


def test_comtrade_wrong_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match="not a UN Comtrade CSV"):
        trade.read_comtrade(path)
