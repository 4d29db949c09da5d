"""The /warehouse page: chart options from a plan document, and the page in a real browser."""

from qiankua.web.warehouse_page import cost_chart_options, stock_chart_options


class _Page:
    lang = "en"

    def t(self, key: str, **values: object) -> str:
        from qiankua.i18n import t

        return t(key, self.lang, **values)


ITEM = {
    "monthly_volume": 80.0,
    "decision": {
        "curve": {"volume": [1.0, 10.0, 100.0], "9610": [100.0, 100.0, 100.0], "9810_fba": [900.0, 150.0, 90.0]},
        "break_even": {"9810_fba": 42.5},
    },
    "replenishment": {"stock_projection": {"day": [0, 1], "mean": [10.0, 8.0], "p10": [9.0, 6.0], "p90": [11.0, 9.5]}},
}


def test_cost_chart_marks_break_even_and_forecast():
    opts = cost_chart_options(_Page(), ITEM)
    assert opts["xAxis"]["type"] == "log" and len(opts["series"]) == 2
    marks = opts["series"][0]["markLine"]["data"]
    assert [m["xAxis"] for m in marks] == [42.5, 80.0]
    assert marks[0]["lineStyle"]["type"] == "dashed"


def test_stock_chart_band_is_p10_to_p90():
    opts = stock_chart_options(_Page(), ITEM)
    lo, band, mean = (s["data"] for s in opts["series"])
    assert lo == [9.0, 6.0] and band == [2.0, 3.5] and mean == [10.0, 8.0]
