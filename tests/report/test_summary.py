"""The report's one-page summary (issue 20 item 9): names not codes, figures taken from the sections."""

import datetime as dt

from qiankua.report.summary import parse_percent, summary_section


def test_parse_percent():
    assert parse_percent("39%") == (0.39, False)
    assert parse_percent("'-35%") == (-0.35, False)
    assert parse_percent("51%*") == (0.51, True)
    assert parse_percent("n/a") is None
    assert parse_percent(0.3) is None


def test_summary_names_products_markets_and_routes_in_chinese(ref, engine_like_sections):
    s = summary_section(ref, engine_like_sections, on=dt.date(2026, 12, 1))
    assert s.key == "summary"
    titles = [b.title for b in s.blocks]
    assert titles[:4] == [
        "一、卖什么、卖到哪里、利润多少",
        "二、走哪条线路",
        "三、拼货能省多少",
        "四、先办哪些认证与准入",
    ]
    text = "\n".join(line for b in s.blocks for line in b.lines)
    # the blocked pair (Moutai -> SA) is left out; the feasible ones are named in Chinese with their margin
    assert "沙特" not in text.split("二、")[0]
    sell = s.blocks[0].lines
    assert sell[0].startswith(ref.product("leishan-miao-silver-necklace").name_zh + " → 新加坡")
    assert "直邮利润率 51%（部分税率缺失" in sell[0]
    assert sell[1].startswith(ref.product("moutai-feitian-53-500ml").name_zh + " → 美国") and "36%" in sell[1]
    # grid line: 5 quotes, 3 complete (36%, -12%, 46%, -35% are complete; 51%* is not) -> 4 complete
    assert "9610 直邮报价 5 组" in sell[2] and "完整的 4 组中 2 组" in sell[2] and "2 组亏损" in sell[2]
    route = s.blocks[1].lines[0]
    assert "德国 空运（经广州白云国际机场） 5 天、13,991 元" in route and "美国 无可行线路" in route
    pool = s.blocks[2].lines[0]
    assert "2 家" in pool and "400 元" in pool and "节省 200 元（50%）" in pool and "40%–53%" in pool
    # no raw codes: no ISO market codes or service ids in the summary text
    for code in ("SG", "US", "DE", "air_general", "CN-CAN", "moutai-feitian"):
        assert code not in text


def test_summary_certification_table_puts_blockers_first(ref, engine_like_sections):
    s = summary_section(ref, engine_like_sections, on=dt.date(2026, 12, 1))
    certify = s.blocks[3]
    assert certify.table is not None
    frame = certify.table.frame
    # Moutai (HS 2208, food-registration scope) to the US needs the FDA registration: named, with its authority
    us = frame.filter(frame["market"] == "美国")
    assert us.height >= 1 and "FDA" in us["authority"].to_list()
    assert set(frame["severity"]) <= {"禁止/须许可（阻断）", "须注册", "须认证", "标签要求"}


def test_summary_without_engine_sections_is_empty_not_invented(ref):
    s = summary_section(ref, [])
    assert s.blocks == []
