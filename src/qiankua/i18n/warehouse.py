"""Messages of the overseas-warehouse module (``qiankua warehouse …``, API, web page, report)."""

MESSAGES: dict[str, dict[str, str]] = {
    "warehouse.demo.step": {
        "zh": "海外仓决策：样例销售记录 × 内置产品目录……",
        "en": "Overseas warehouse: sample sales history x built-in catalogue…",
    },
    "warehouse.help": {
        "zh": "海外仓（9810）、直邮（9610）还是 B2B（9710）：需求预测、库存策略与渠道决策",
        "en": "Overseas warehouse (9810), direct parcel (9610) or B2B (9710): forecasts, stock policy and the decision",
    },
    "warehouse.plan.help": {
        "zh": "按 SKU × 市场：预测、三种渠道单位成本、盈亏平衡销量、推荐与补货计划",
        "en": "Per SKU x market: forecast, unit cost of each channel, break-even volumes, recommendation and "
        "replenishment plan",
    },
    "warehouse.policy.help": {
        "zh": "库存策略计算器：安全库存、再订货点、订货上限与经济订货批量（EOQ）",
        "en": "Stock policy calculator: safety stock, reorder point, order-up-to level and EOQ",
    },
    "warehouse.newsvendor.help": {
        "zh": "报童模型（正态需求）：一次性备货（如第四季度旺季）的订货量与期望成本",
        "en": "Newsvendor (normal demand): one-shot season order (e.g. Q4) and its expected cost",
    },
    "warehouse.forecast.help": {
        "zh": "单条序列的需求预测：需求类型判定、模型选择、滚动回测（MASE、偏差）与预测区间",
        "en": "Forecast one series: demand class, model choice, rolling-origin back-test (MASE, bias) and intervals",
    },
    "warehouse.opt.sku": {"zh": "产品编号（默认全部）", "en": "Product id (default: all)"},
    "warehouse.opt.market": {"zh": "市场 ISO 两字母代码（默认全部）", "en": "Market ISO alpha-2 code (default: all)"},
    "warehouse.opt.service_level": {
        "zh": "目标服务水平（周期服务水平，0.5–0.999）",
        "en": "Target service level (cycle service level, 0.5-0.999)",
    },
    "warehouse.opt.fill_rate": {
        "zh": "服务水平按满足率（fill rate）理解，而非周期服务水平",
        "en": "Read the service level as a fill rate instead of a cycle service level",
    },
    "warehouse.opt.mean_demand": {"zh": "每期平均需求（件）", "en": "Mean demand per period (units)"},
    "warehouse.opt.sd_demand": {"zh": "每期需求标准差（件）", "en": "Standard deviation of demand per period"},
    "warehouse.opt.lead_time": {"zh": "平均补货提前期（期数，与需求同单位）", "en": "Mean lead time (periods)"},
    "warehouse.opt.lead_time_sd": {"zh": "提前期标准差（期数）", "en": "Standard deviation of the lead time"},
    "warehouse.opt.holding_cost": {
        "zh": "单位年持有成本（每件每年）",
        "en": "Holding cost per unit per year",
    },
    "warehouse.opt.order_cost": {"zh": "每次发货固定成本", "en": "Fixed cost per shipment (order)"},
    "warehouse.opt.order_qty": {"zh": "每次发货数量（默认 EOQ）", "en": "Shipment size Q (default: EOQ)"},
    "warehouse.opt.periods_per_year": {"zh": "每年期数（日=365，月=12）", "en": "Periods per year (day 365, month 12)"},
    "warehouse.opt.mean": {"zh": "旺季需求均值（件）", "en": "Mean season demand (units)"},
    "warehouse.opt.sd": {"zh": "旺季需求标准差（件）", "en": "Standard deviation of season demand"},
    "warehouse.opt.unit_holding": {
        "zh": "每件剩余成本（季末卖不掉）",
        "en": "Cost per unit left over at the end of the season",
    },
    "warehouse.opt.unit_shortage": {"zh": "每件缺货成本（少卖的毛利）", "en": "Cost per unit short (lost margin)"},
    "warehouse.opt.series": {
        "zh": "按期的需求量，逗号分隔（如 0,0,3,1,0,2）",
        "en": "Demand per period, comma-separated (e.g. 0,0,3,1,0,2)",
    },
    "warehouse.opt.method": {
        "zh": "预测方法：auto（按需求类型自动选择）、ses、seasonal_es、ets、theta、croston、sba、tsb、adida、imapa",
        "en": "Method: auto (chosen by demand class), ses, seasonal_es, ets, theta, croston, sba, tsb, adida, imapa",
    },
    "warehouse.opt.h": {"zh": "预测期数", "en": "Forecast horizon (periods)"},
    "warehouse.opt.discount": {"zh": "资金年折现率（库存占用成本）", "en": "Annual discount rate for cash in stock"},
    "warehouse.opt.sales": {
        "zh": "销售记录文件（CSV/XLSX；默认用数据库中的 sales 表，没有则用内置样例）",
        "en": "Sales file (CSV/XLSX; default: the database's sales table, else the bundled sample)",
    },
    "warehouse.col.item": {"zh": "项目", "en": "item"},
    "warehouse.col.value": {"zh": "数值", "en": "value"},
    "warehouse.policy.title": {"zh": "库存策略", "en": "Stock policy"},
    "warehouse.newsvendor.title": {"zh": "报童模型", "en": "Newsvendor"},
    "warehouse.forecast.title": {
        "zh": "预测：{klass} 需求，方法 {method}",
        "en": "Forecast: {klass} demand, method {method}",
    },
    "warehouse.r.sigma_lead_time": {"zh": "提前期内需求标准差", "en": "sd of lead-time demand"},
    "warehouse.r.safety_stock": {"zh": "安全库存", "en": "safety stock"},
    "warehouse.r.reorder_point": {"zh": "再订货点 s", "en": "reorder point s"},
    "warehouse.r.order_qty": {"zh": "每次发货量 Q", "en": "shipment size Q"},
    "warehouse.r.eoq": {"zh": "经济订货批量 EOQ", "en": "EOQ"},
    "warehouse.r.order_up_to": {"zh": "订货上限 S（定期盘点）", "en": "order-up-to level S (periodic review)"},
    "warehouse.r.review_period": {"zh": "盘点周期 R", "en": "review period R"},
    "warehouse.r.z": {"zh": "安全系数 z/k", "en": "safety factor z/k"},
    "warehouse.r.critical_ratio": {"zh": "临界比", "en": "critical ratio"},
    "warehouse.r.expected_leftover": {"zh": "期望剩余", "en": "expected leftover"},
    "warehouse.r.expected_shortage": {"zh": "期望缺货", "en": "expected shortage"},
    "warehouse.r.expected_cost": {"zh": "期望成本", "en": "expected cost"},
    "warehouse.r.mase": {"zh": "回测 MASE（模型 / 季节性朴素）", "en": "back-test MASE (model / seasonal naive)"},
    "warehouse.r.bias": {"zh": "回测偏差", "en": "back-test bias"},
    "warehouse.r.fallback": {"zh": "序列太短，改用规则：", "en": "Series too short; fallback rule:"},
    "warehouse.r.step": {"zh": "期", "en": "step"},
    "warehouse.r.point": {"zh": "点预测", "en": "point"},
    "warehouse.class.smooth": {"zh": "平稳", "en": "smooth"},
    "warehouse.class.erratic": {"zh": "波动", "en": "erratic"},
    "warehouse.class.intermittent": {"zh": "间断", "en": "intermittent"},
    "warehouse.class.lumpy": {"zh": "块状", "en": "lumpy"},
    # plan
    "warehouse.plan.title": {"zh": "海外仓决策：{sku} → {market}", "en": "Warehouse decision: {sku} → {market}"},
    "warehouse.plan.sample": {
        "zh": "注意：销售记录为内置【合成样例】数据（非真实销售），仅供演示。",
        "en": "Note: the sales history is the bundled SYNTHETIC SAMPLE (not real sales), for demonstration only.",
    },
    "warehouse.ch.9610": {"zh": "9610 直邮包裹", "en": "9610 direct parcel"},
    "warehouse.ch.9810_fba": {"zh": "9810 海外仓（亚马逊 FBA）", "en": "9810 overseas warehouse (Amazon FBA)"},
    "warehouse.ch.9810_3pl": {"zh": "9810 海外仓（第三方仓）", "en": "9810 overseas warehouse (3PL)"},
    "warehouse.ch.9710": {"zh": "9710 B2B 直接出口", "en": "9710 B2B direct export"},
    "warehouse.col.channel": {"zh": "渠道", "en": "channel"},
    "warehouse.col.unit_cost": {"zh": "单位成本（元/件）", "en": "unit cost (CNY/unit)"},
    "warehouse.col.margin": {"zh": "单位毛利（元/件）", "en": "margin (CNY/unit)"},
    "warehouse.col.breakeven": {"zh": "相对 9610 的盈亏平衡月销量", "en": "break-even monthly units vs 9610"},
    "warehouse.col.flags": {"zh": "估算依据", "en": "estimates"},
    "warehouse.rec": {
        "zh": "推荐：{channel}（预测月销量 {units}）",
        "en": "Recommended: {channel} (forecast {units} units/month)",
    },
    "warehouse.replenish": {
        "zh": "补货：安全库存 {ss}，再订货点 {rop}，每次发 {q} 件，约每 {days} 天一次（{route}，{lt} 天）",
        "en": "Replenishment: safety stock {ss}, reorder point {rop}, ship {q} units about every {days} days "
        "({route}, {lt} days)",
    },
    "warehouse.sim": {
        "zh": "模拟验证：周期服务水平 {csl}（目标 {target}），满足率 {fill}，平均在库 {stock} 件",
        "en": "Simulation: cycle service {csl} (target {target}), fill rate {fill}, average stock {stock} units",
    },
    "warehouse.sim_cal": {
        "zh": "按模拟校准的再订货点：{rop}（模拟周期服务水平 {csl}）",
        "en": "Reorder point calibrated by simulation: {rop} (simulated cycle service {csl})",
    },
    "warehouse.none": {"zh": "没有可评估的 SKU × 市场", "en": "No SKU x market to assess"},
    # web page
    "warehouse.page.title": {"zh": "海外仓还是直邮", "en": "Overseas warehouse or direct parcel"},
    "warehouse.page.intro": {
        "zh": "按 SKU × 市场比较 9610 直邮、9810 海外仓（FBA / 第三方仓）与 9710 B2B 的单位成本，"
        "给出盈亏平衡销量、推荐与补货计划。",
        "en": "Per SKU x market: unit cost of 9610 parcels, 9810 warehouse (FBA / 3PL) and 9710 B2B, the "
        "break-even volumes, the recommendation and the replenishment plan.",
    },
    "warehouse.page.run": {"zh": "计算", "en": "Run"},
    "warehouse.page.pair": {"zh": "SKU × 市场", "en": "SKU x market"},
    "warehouse.page.cost_chart": {
        "zh": "单位成本随月销量变化（虚线为盈亏平衡点）",
        "en": "Unit cost vs monthly volume (dashed: break-even points)",
    },
    "warehouse.page.stock_chart": {
        "zh": "在库预测（模拟均值与 10%–90% 区间）",
        "en": "Stock projection (simulated mean and 10-90 % band)",
    },
    "warehouse.page.volume": {"zh": "月销量（件）", "en": "monthly units"},
    "warehouse.page.day": {"zh": "天", "en": "day"},
    "warehouse.page.units": {"zh": "件", "en": "units"},
    "warehouse.report.title": {
        "zh": "海外仓还是直邮（9610 / 9810 / 9710）",
        "en": "Warehouse or parcel (9610/9810/9710)",
    },
}

# why a channel could not be costed (``decision.missing`` codes)
MESSAGES.update(
    {
        "warehouse.missing.no_parcel_quote": {
            "zh": "没有该产品到该市场的 9610 报价（成本引擎）",
            "en": "no 9610 quote (costing) for this product and market",
        },
        "warehouse.missing.no_fba_card": {
            "zh": "该市场暂无亚马逊 FBA 费卡（缺失，不按 0 计）",
            "en": "no Amazon FBA fee card for this market (a gap, not zero)",
        },
        "warehouse.missing.no_bulk_quote": {"zh": "没有 9810 报价（成本引擎）", "en": "no 9810 quote (costing)"},
        "warehouse.missing.3pl_incomplete": {
            "zh": "第三方仓价目表不全（如尾程派送价），请导入自己的价目表（warehouse_rates）",
            "en": "3PL price list incomplete (e.g. last mile); import your own (table warehouse_rates)",
        },
    }
)

# the estimates a result rests on (``flags``): ``[area:]kind:code``
FLAG_KINDS: dict[str, tuple[str, str]] = {
    "missing": ("缺失", "missing"),
    "stale": ("已过期（沿用最近一期）", "out of date (newest used)"),
    "estimate": ("估算", "estimate"),
    "assumed": ("假设", "assumed"),
    "infeasible": ("不可行", "infeasible"),
    "user": ("用户数据", "your data"),
}
FLAG_CODES: dict[str, tuple[str, str]] = {
    "b2b_price": ("B2B 批发价（请给出 b2b_price_ratio）", "B2B wholesale price (pass b2b_price_ratio)"),
    "customs_broker_fee": ("报关代理费（无数据）", "customs broker fee (none on file)"),
    "formal_entry_fees": ("正式报关费用（该市场无数据）", "formal-entry fees (none on file for this market)"),
    "linehaul_rates": ("头程运价多为估算", "line-haul rates are mostly estimates"),
    "unit_package_from_carton": ("单件包装尺寸按箱规折算", "unit package size derived from the carton"),
    "3pl_last_mile": ("第三方仓尾程派送价", "3PL last-mile price"),
    "3pl_pick_pack": ("第三方仓拣货打包价", "3PL pick-pack price"),
    "3pl_storage_first_band_for_all_ages": ("第三方仓仓储按首个库龄段计", "3PL storage at its first age band"),
    "fba_card": ("亚马逊 FBA 费卡", "Amazon FBA fee card"),
    "fba_tier": ("亚马逊 FBA 尺寸分段", "Amazon FBA size tier"),
    "fba_weight_row": ("亚马逊 FBA 重量段", "Amazon FBA weight row"),
    "price_band": ("售价档（未知，按 10–50 美元档）", "price band (unknown price: $10-50 band)"),
    "fx_stale": ("汇率已过期（沿用最新汇率）", "FX rate out of date (newest used)"),
    "unconfirmed_rules": ("报价含未证实规则", "the quote rests on unconfirmed rules"),
    "3pl_rates": ("第三方仓价目表", "3PL price list"),
    "no_invoice_exemption": ("无票免税（跨境电商综试区）", "VAT exemption without invoices (CBEC pilot zone)"),
    "us-mpf-fy2026": ("美国商品处理费 MPF（2026 财年费率）", "US merchandise processing fee (FY2026 amounts)"),
    "us-hmf": ("美国港口维护费 HMF", "US harbor maintenance fee"),
}


def flag_text(flag: str, lang: str) -> str:
    """A result flag (e.g. ``entry:stale:us-mpf-fy2026``) in words; an unknown code is shown as it is."""
    i = 0 if lang == "zh" else 1
    parts = flag.split(":")
    for j, part in enumerate(parts):
        if part in FLAG_KINDS:
            kind, rest = FLAG_KINDS[part][i], parts[j + 1 :]
            code = rest[0] if rest else ""
            tail = ":".join(rest[1:])
            words = FLAG_CODES[code][i] if code in FLAG_CODES else ":".join(rest)
            return (
                f"{kind}：{words}" + (f"（{tail}）" if tail and code in FLAG_CODES else "")
                if i == 0
                else (f"{kind}: {words}" + (f" ({tail})" if tail and code in FLAG_CODES else ""))
            )
        if part in FLAG_CODES:
            return FLAG_CODES[part][i]
    return flag
