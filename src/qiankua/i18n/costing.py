"""Messages of the costing engine (landed cost and margin)."""

MESSAGES: dict[str, dict[str, str]] = {
    "costing.demo.step": {
        "zh": "计算目录商品在各市场的落地成本与利润率",
        "en": "Landed cost and margin of the catalogue across markets",
    },
    "costing.quote.help": {
        "zh": "落地成本与利润报价：关税、进口增值税（谁代收）、消费税、物流、平台费、汇率、出口退税、保本价与目标利润率售价。"
        "用 --product 或 --hs/--value/--value-currency；--batch 文件 --out 文件 做批量。",
        "en": "Landed cost and margin quote: duty, import VAT (and who collects it), excise, logistics, platform fees, FX, "
        "export rebate, break-even price and price for a target margin. Use --product or --hs/--value/--value-currency; "
        "--batch FILE --out FILE for tables.",
    },
    "costing.opt.product": {"zh": "产品编号（见 qiankua catalog）", "en": "Product id (see `qiankua catalog`)"},
    "costing.opt.hs": {"zh": "HS 编码（6 位）", "en": "HS code (6 digits)"},
    "costing.opt.value": {"zh": "申报货值（每件）", "en": "Declared value per unit"},
    "costing.opt.value_currency": {"zh": "申报货值币种", "en": "Currency of the declared value"},
    "costing.opt.weight": {"zh": "每件毛重（公斤）", "en": "Gross weight per unit (kg)"},
    "costing.opt.dims": {
        "zh": "每件尺寸 长x宽x高（厘米），如 30x20x10",
        "en": "Unit dimensions LxWxH in cm, e.g. 30x20x10",
    },
    "costing.opt.quantity": {"zh": "每票件数", "en": "Units per consignment"},
    "costing.opt.market": {"zh": "目的市场（ISO 两字母代码）", "en": "Destination market (ISO alpha-2)"},
    "costing.opt.mode": {"zh": "海关监管方式 9610|9710|9810|0110", "en": "Customs mode 9610|9710|9810|0110"},
    "costing.opt.service": {
        "zh": "运输服务 postal|express|air|sea-lcl|sea-fcl|rail|truck",
        "en": "Service postal|express|air|sea-lcl|sea-fcl|rail|truck",
    },
    "costing.opt.platform": {
        "zh": "销售平台（amazon、aliexpress、shopee、lazada、direct、b2b）",
        "en": "Platform (amazon, aliexpress, shopee, lazada, direct, b2b)",
    },
    "costing.opt.price": {
        "zh": "含税售价（目的国货币，每件）",
        "en": "Tax-inclusive sale price per unit (destination currency)",
    },
    "costing.opt.target": {"zh": "目标利润率，如 0.25", "en": "Target margin, e.g. 0.25"},
    "costing.opt.date": {
        "zh": "发货日期 YYYY-MM-DD（决定适用规则与汇率）",
        "en": "Ship date YYYY-MM-DD (selects rules and FX)",
    },
    "costing.opt.fx": {
        "zh": "自定汇率：1 单位目的国货币 = ? 人民币",
        "en": "Your own FX rate: CNY per unit of destination currency",
    },
    "costing.opt.invoices": {
        "zh": "有增值税专用发票（可退税）；9610 默认无票（综试区无票免税）",
        "en": "Purchase VAT invoices held (rebate); 9610 defaults to no invoices (pilot-zone exemption)",
    },
    "costing.opt.batch": {"zh": "批量输入文件（CSV/Parquet）", "en": "Batch input file (CSV/Parquet)"},
    "costing.opt.out": {"zh": "批量输出文件（CSV/Parquet）", "en": "Batch output file (CSV/Parquet)"},
    "costing.quote.title": {"zh": "每件成本明细（{currency}）", "en": "Per-unit breakdown ({currency})"},
    "costing.quote.status": {
        "zh": "状态：{status} · 进口增值税代收方：{collector} · 可信度：{confidence}",
        "en": "Status: {status} · import VAT collected by: {collector} · confidence: {confidence}",
    },
    "costing.quote.line": {"zh": "项目", "en": "Line"},
    "costing.quote.confidence": {"zh": "（{confidence}）", "en": " ({confidence})"},
    "costing.quote.reason": {"zh": "原因：{reason}", "en": "Reason: {reason}"},
    "costing.collector.border": {"zh": "海关（入境时）", "en": "customs (at the border)"},
    "costing.collector.platform": {"zh": "平台", "en": "the platform"},
    "costing.collector.seller": {"zh": "卖家（已登记）", "en": "the seller (registered)"},
    "costing.quote.route": {
        "zh": "所用线路：{label}（{days} 天，{co2} kg CO₂e，{confidence}）",
        "en": "Route used: {label} ({days} days, {co2} kg CO₂e, {confidence})",
    },
    "costing.quote.route_fallback": {
        "zh": "未走线路规划：运费按参考运价表估算。",
        "en": "No planned route: logistics priced from the fallback rate table.",
    },
    "costing.quote.excluded": {
        "zh": "所选物流服务（{service}）不能运送此产品，运费仅为参考估算，请改选其他服务。线路规划排除的服务：",
        "en": "The chosen service ({service}) cannot carry this product; the logistics figure is only an estimate. "
        "Choose another service. Services the route planner excludes:",
    },
    "costing.quote.requirements": {
        "zh": "市场准入要求（{n} 项，阻断项在前）：",
        "en": "Market-entry requirements ({n}, blockers first):",
    },
    "costing.quote.requirements_none": {
        "zh": "  内置数据中没有适用于此产品和市场的准入要求。",
        "en": "  No market-entry requirement in the built-in data applies to this product and market.",
    },
    "costing.quote.blocked": {
        "zh": "有未满足的准入阻断项：满足之前不能合法销售（机会页同样标为被阻断）。",
        "en": "An open market-entry blocker: the product cannot be sold there until it is met "
        "(the opportunities page marks the pair blocked too).",
    },
    "costing.quote.batch_done": {"zh": "已报价 {n} 行，写入 {out}", "en": "Quoted {n} rows, wrote {out}"},
    # ---- flags on a quote (one per qiankua.costing.FLAGS)
    "costing.flag.tariff_rate_missing": {
        "zh": "关税税率缺失（按 0 计入）",
        "en": "tariff rate not on file (counted as 0)",
    },
    "costing.flag.layer_rate_missing": {
        "zh": "附加关税（如美国对华加征）税率缺失（按 0 计入）",
        "en": "additional duty layer rate not on file (counted as 0)",
    },
    "costing.flag.excise_missing": {
        "zh": "消费税（酒类）税率缺失（按 0 计入）",
        "en": "excise rate not on file (counted as 0)",
    },
    "costing.flag.vat_food_rate_missing": {
        "zh": "食品优惠增值税率缺失（按标准税率计）",
        "en": "reduced food VAT rate not on file (standard rate used)",
    },
    "costing.flag.logistics_missing": {
        "zh": "该服务到此市场的运价缺失（按 0 计入）",
        "en": "no freight rate for this service and market (counted as 0)",
    },
    "costing.flag.last_mile_missing": {
        "zh": "尾程派送费缺失（按 0 计入）",
        "en": "last-mile rate not on file (counted as 0)",
    },
    "costing.flag.fee_missing": {
        "zh": "平台佣金规则缺失（按 0 计入）",
        "en": "platform commission not on file (counted as 0)",
    },
    "costing.flag.payment_fee_missing": {
        "zh": "支付手续费缺失（按 0 计入）",
        "en": "payment fee not on file (counted as 0)",
    },
    "costing.flag.rebate_missing": {
        "zh": "出口退税率缺失（按 0 计入）",
        "en": "export rebate rate not on file (counted as 0)",
    },
    "costing.flag.no_invoice_exemption": {
        "zh": "无票免税（9610 综试区政策），不退税",
        "en": "no purchase invoices: VAT-exempt export without rebate (9610 pilot-zone rule)",
    },
    "costing.flag.fx_stale": {
        "zh": "汇率为最新可得数据，早于报价日期",
        "en": "FX rate is the newest on file, older than the quote date",
    },
    "costing.flag.unconfirmed_rule": {
        "zh": "用到未经官方确认的数据",
        "en": "uses a figure not confirmed by an official source",
    },
    "costing.flag.target_at_threshold": {
        "zh": "目标利润率售价恰在起征点附近",
        "en": "target price sits at a tax threshold",
    },
    "costing.flag.target_unreachable": {"zh": "目标利润率无法达到", "en": "target margin cannot be reached"},
    "costing.flag.indonesia_mfn_list_not_checked": {
        "zh": "印尼低值包裹：未核对是否在 MFN 特定商品清单内",
        "en": "Indonesia low-value parcel: the MFN special-goods list was not checked",
    },
    "costing.missing.no_tariff_row": {
        "zh": "HS {hs} 在{market}没有任何关税规则：关税按 0 计入并标出；可在“数据”页导入自己的税率",
        "en": "no tariff row covers HS {hs} in {market}: duty is counted as 0 and flagged; "
        "you can import your own rate on the Data page",
    },
    "costing.missing.tariff": {"zh": "关税税率缺失", "en": "tariff rate not on file"},
    "costing.missing.hs_not_on_file": {
        "zh": "HS {hs} 不在内置数据、您的产品或您的税率中，未报价：请核对编码，或在“数据”页导入使用该编码的产品或税率",
        "en": "HS {hs} is not on file (built-in data, your products or your tariff rows), so nothing was priced: "
        "check the code, or import a product or tariff rows with it on the Data page",
    },
    "costing.duty_range": {
        "zh": "关税区间（按候选税号 {lines}）：{low} – {high} {currency}",
        "en": "duty range over the candidate lines ({lines}): {low} – {high} {currency}",
    },
    "costing.quote.fx": {
        "zh": "汇率：1 {currency} = {rate} 人民币（{source}，{as_of}，{confidence}）",
        "en": "FX: 1 {currency} = {rate} CNY ({source}, {as_of}, {confidence})",
    },
    # one per qiankua.fx.SOURCES (plus the CLI's --fx-rate override)
    "costing.fx_source.none": {"zh": "无来源", "en": "no source"},
    "costing.fx_source.identity": {"zh": "人民币", "en": "CNY"},
    "costing.fx_source.user": {"zh": "我的汇率", "en": "your rate"},
    "costing.fx_source.ecb": {"zh": "欧洲央行参考汇率", "en": "ECB reference rate"},
    "costing.fx_source.peg": {"zh": "官方联系汇率", "en": "official peg"},
    "costing.fx_source.reference": {"zh": "官方参考汇率", "en": "official reference rate"},
    "costing.fx_source.override": {"zh": "手动指定", "en": "your --fx-rate"},
}
