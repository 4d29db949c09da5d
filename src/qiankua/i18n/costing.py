"""Messages of the costing engine (landed cost and margin)."""

MESSAGES: dict[str, dict[str, str]] = {
    "costing.demo.step": {"zh": "计算目录商品在各市场的落地成本与利润率", "en": "Landed cost and margin of the catalogue across markets"},
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
    "costing.opt.dims": {"zh": "每件尺寸 长x宽x高（厘米），如 30x20x10", "en": "Unit dimensions LxWxH in cm, e.g. 30x20x10"},
    "costing.opt.quantity": {"zh": "每票件数", "en": "Units per consignment"},
    "costing.opt.market": {"zh": "目的市场（ISO 两字母代码）", "en": "Destination market (ISO alpha-2)"},
    "costing.opt.mode": {"zh": "海关监管方式 9610|9710|9810|0110", "en": "Customs mode 9610|9710|9810|0110"},
    "costing.opt.service": {"zh": "运输服务 postal|express|air|sea-lcl|sea-fcl|rail|truck", "en": "Service postal|express|air|sea-lcl|sea-fcl|rail|truck"},
    "costing.opt.platform": {"zh": "销售平台（amazon、aliexpress、shopee、lazada、direct、b2b）", "en": "Platform (amazon, aliexpress, shopee, lazada, direct, b2b)"},
    "costing.opt.price": {"zh": "含税售价（目的国货币，每件）", "en": "Tax-inclusive sale price per unit (destination currency)"},
    "costing.opt.target": {"zh": "目标利润率，如 0.25", "en": "Target margin, e.g. 0.25"},
    "costing.opt.date": {"zh": "发货日期 YYYY-MM-DD（决定适用规则与汇率）", "en": "Ship date YYYY-MM-DD (selects rules and FX)"},
    "costing.opt.fx": {"zh": "自定汇率：1 单位目的国货币 = ? 人民币", "en": "Your own FX rate: CNY per unit of destination currency"},
    "costing.opt.invoices": {"zh": "有增值税专用发票（可退税）；9610 默认无票（综试区无票免税）", "en": "Purchase VAT invoices held (rebate); 9610 defaults to no invoices (pilot-zone exemption)"},
    "costing.opt.batch": {"zh": "批量输入文件（CSV/Parquet）", "en": "Batch input file (CSV/Parquet)"},
    "costing.opt.out": {"zh": "批量输出文件（CSV/Parquet）", "en": "Batch output file (CSV/Parquet)"},
    "costing.quote.title": {"zh": "每件成本明细（{currency}）", "en": "Per-unit breakdown ({currency})"},
    "costing.quote.batch_done": {"zh": "已报价 {n} 行，写入 {out}", "en": "Quoted {n} rows, wrote {out}"},
}
