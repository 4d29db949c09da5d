"""Messages of the orders module (``qiankua orders …``, the orders page)."""

MESSAGES: dict[str, dict[str, str]] = {
    "orders.help": {
        "zh": "平台订单：导入订单报表、SKU 对应、每单真实毛利、9610 清单与运单数据",
        "en": "Platform orders: import order reports, map SKUs, true margin per order, 9610 lists and waybill data",
    },
    "orders.import.help": {
        "zh": "导入亚马逊、速卖通、Temu、TikTok Shop、Shopee 订单导出（CSV/TSV/XLSX，中英文表头）；"
        "重复上传不会重复计入；任一文件有误则整体不写入",
        "en": "Import Amazon, AliExpress, Temu, TikTok Shop and Shopee order exports (CSV/TSV/XLSX, Chinese or "
        "English headers); re-uploads are not counted twice; any bad file and nothing is written",
    },
    "orders.arg.files": {"zh": "订单导出文件（可多个）", "en": "Order export file(s)"},
    "orders.opt.platform": {
        "zh": "平台：auto 按表头自动识别，或 amazon/aliexpress/temu/tiktok/shopee/mapped（自定义列映射）",
        "en": "Platform: auto (detect from the headers) or amazon/aliexpress/temu/tiktok/shopee/mapped (column map)",
    },
    "orders.opt.map": {
        "zh": "列映射文件（YAML/JSON：platform、columns {字段: 表头}、statuses），导入后按平台记住",
        "en": "Column map (YAML/JSON: platform, columns {field: header}, statuses); remembered per platform",
    },
    "orders.opt.currency": {
        "zh": "文件没有币种列时的币种（如 Temu、TikTok、Shopee 导出），ISO 代码如 USD",
        "en": "Currency of files without a currency column (Temu, TikTok, Shopee exports), ISO code e.g. USD",
    },
    "orders.opt.tz": {
        "zh": "不带时区的时间所用时区（如 Asia/Shanghai；默认 UTC）",
        "en": "Time zone of times written without an offset (e.g. Asia/Shanghai; default UTC)",
    },
    "orders.import.ok": {
        "zh": "新增 {new} 行，更新 {updated} 行，重复 {duplicates} 行（未重复计入）；销售记录 {sales_rows} 行",
        "en": "{new} new line(s), {updated} updated, {duplicates} duplicate(s) (not counted twice); "
        "{sales_rows} sales row(s)",
    },
    "orders.unmapped": {"zh": "未对应到产品的订单行：{n}", "en": "Order lines not mapped to a product: {n}"},
    "orders.map.hint": {
        "zh": "确认对应：qiankua orders map 平台 SKU 产品编号（之后自动记住）",
        "en": "Confirm a mapping: qiankua orders map PLATFORM SKU PRODUCT_ID (remembered from then on)",
    },
    "orders.map.help": {
        "zh": "确认平台 SKU/ASIN/标题对应的目录产品（可附报价：价格、币种、日期），并应用到已导入订单",
        "en": "Confirm the catalogue product of a platform SKU/ASIN/title (optionally with the quote: price, "
        "currency, date) and apply it to stored orders",
    },
    "orders.arg.platform": {"zh": "平台（如 amazon）", "en": "Platform (e.g. amazon)"},
    "orders.arg.key": {
        "zh": "平台 SKU（或 ASIN、标题，见 --kind）",
        "en": "Platform SKU (or ASIN or title, see --kind)",
    },
    "orders.arg.product": {"zh": "目录产品编号", "en": "Catalogue product id"},
    "orders.opt.kind": {"zh": "键的类型：sku、asin 或 title", "en": "Key kind: sku, asin or title"},
    "orders.opt.quoted_price": {"zh": "报价单价（买家含税价）", "en": "Quoted unit price (buyer's price)"},
    "orders.opt.quoted_currency": {"zh": "报价币种（默认订单币种）", "en": "Quote currency (default: the order's)"},
    "orders.opt.quoted_on": {"zh": "报价日期 YYYY-MM-DD", "en": "Quote date YYYY-MM-DD"},
    "orders.map.ok": {
        "zh": "已记住 {mappings} 条对应，更新 {lines_updated} 行订单",
        "en": "{mappings} mapping(s) remembered, {lines_updated} order line(s) updated",
    },
    "orders.margin.help": {
        "zh": "每单真实毛利：按订单日期、币种和目的地用成本引擎计算落地成本，与报价逐项对比（汇率、费率档、关税…）；亏损订单在前",
        "en": "True margin per order: landed cost from the costing engine on the order's date, currency and "
        "destination, against the quote line by line (FX, fee tier, duty …); orders that lost money first",
    },
    "orders.opt.from": {"zh": "起始日期 YYYY-MM-DD（含）", "en": "From date YYYY-MM-DD (inclusive)"},
    "orders.opt.to": {"zh": "截止日期 YYYY-MM-DD（含）", "en": "To date YYYY-MM-DD (inclusive)"},
    "orders.opt.quoted_on_all": {
        "zh": "与该日报价对比（同一价格，按该日汇率与税费规则）",
        "en": "Compare with a quote on this date (same price, that day's rates and rules)",
    },
    "orders.opt.mode": {
        "zh": "海关监管方式（默认 9610；亚马逊 FBA 订单按 9810）",
        "en": "Customs mode (default 9610; Amazon FBA lines 9810)",
    },
    "orders.opt.service": {"zh": "运输服务（默认 postal 邮政小包）", "en": "Transport service (default postal)"},
    "orders.col.file": {"zh": "文件", "en": "file"},
    "orders.col.layout": {"zh": "格式", "en": "layout"},
    "orders.col.basis": {"zh": "格式依据", "en": "basis"},
    "orders.col.lines": {"zh": "行数", "en": "lines"},
    "orders.col.title": {"zh": "商品标题", "en": "title"},
    "orders.col.suggest": {"zh": "建议对应（相似度）", "en": "suggestions (score)"},
    "orders.col.order": {"zh": "订单", "en": "order"},
    "orders.col.product": {"zh": "产品", "en": "product"},
    "orders.col.market": {"zh": "市场", "en": "market"},
    "orders.col.platform": {"zh": "平台", "en": "platform"},
    "orders.col.status": {"zh": "状态", "en": "status"},
    "orders.col.revenue": {"zh": "收入（元）", "en": "revenue CNY"},
    "orders.col.profit": {"zh": "利润（元）", "en": "profit CNY"},
    "orders.col.margin": {"zh": "毛利率", "en": "margin"},
    "orders.col.quoted": {"zh": "报价毛利率", "en": "quoted margin"},
    "orders.col.week": {"zh": "周", "en": "week"},
    "orders.basis.documented": {"zh": "官方文档", "en": "documented"},
    "orders.basis.inferred": {"zh": "推断（请核对）", "en": "inferred (check)"},
    "orders.basis.user map": {"zh": "自定义映射", "en": "your column map"},
    "orders.margin.title": {
        "zh": "每单毛利：{priced}/{lines} 行已计算，亏损 {losing} 行，收入 {revenue_cny} 元，利润 {profit_cny} 元",
        "en": "Margin per order: {priced}/{lines} lines priced, {losing} lost money, revenue CNY {revenue_cny}, "
        "profit CNY {profit_cny}",
    },
    "orders.margin.note": {
        "zh": "注：成本来自成本引擎（税率、运价多为引用或估算，见 --json 中的 flags）；未对应或无价格的行列出但不计算。",
        "en": "Note: costs come from the costing engine (rates cited or estimated, see flags in --json); unmapped "
        "or unpriced lines are listed, not priced.",
    },
    "orders.none": {
        "zh": "该期间没有订单（先 qiankua orders import）",
        "en": "No orders in the period (run qiankua orders import first)",
    },
    "orders.mstatus.ok": {"zh": "已计算", "en": "priced"},
    "orders.mstatus.incomplete": {"zh": "数据不全", "en": "incomplete data"},
    "orders.mstatus.no_rule": {"zh": "无规则", "en": "no rule on file"},
    "orders.mstatus.not_sold": {"zh": "未成交/已取消", "en": "unpaid / cancelled"},
    "orders.mstatus.unmapped": {"zh": "未对应产品", "en": "not mapped"},
    "orders.mstatus.no_price": {"zh": "无价格", "en": "no price"},
    "orders.mstatus.no_fx": {"zh": "无汇率", "en": "no FX rate"},
    "orders.mstatus.market_not_on_file": {"zh": "市场无资料", "en": "market not on file"},
    "orders.declare.help": {
        "zh": "生成 9610 出口申报清单（CEB603 XML + Excel）及承运商运单数据 CSV；仅生成文件，不发送",
        "en": "Write the 9610 export inventory list (CEB603 XML + Excel) and the carrier's waybill CSV; files "
        "only, nothing is sent",
    },
    "orders.opt.out": {"zh": "输出目录", "en": "Output directory"},
    "orders.opt.config": {
        "zh": "企业与申报代码（YAML/JSON：ebpCode、ebcCode、logisticsCode、customsCode、portCode、agentCode、"
        "country_codes、unit_codes …）",
        "en": "Enterprise and declaration codes (YAML/JSON: ebpCode, ebcCode, logisticsCode, customsCode, portCode, "
        "agentCode, country_codes, unit_codes …)",
    },
    "orders.declare.ok": {
        "zh": "已生成 {orders} 单、{lines} 行清单：",
        "en": "Wrote {orders} order(s), {lines} line(s):",
    },
    "orders.declare.totals": {
        "zh": "{ccy}：订单货值 {orders}，清单总价 {declared}",
        "en": "{ccy}: orders' goods value {orders}, declared total {declared}",
    },
    "orders.declare.missing": {"zh": "待填字段：{fields}", "en": "Fields to fill: {fields}"},
    "orders.declare.skipped": {
        "zh": "{n} 行未列入（见 --json 的 skipped）",
        "en": "{n} line(s) left out (see skipped in --json)",
    },
    # web page
    "orders.page.title": {"zh": "订单与毛利", "en": "Orders and margins"},
    "orders.page.sample": {
        "zh": "示例数据（虚构）：载入示例订单文件，值均为编造",
        "en": "Sample data (made up): load the sample order files; every value is made up",
    },
    "orders.page.drop": {"zh": "拖入订单导出文件（CSV/TSV/XLSX）", "en": "Drop order export files (CSV/TSV/XLSX)"},
    "orders.page.currency": {"zh": "无币种列时的币种", "en": "Currency when the file has none"},
    "orders.page.imported": {"zh": "已导入", "en": "Imported"},
    "orders.page.mapping": {"zh": "确认 SKU 对应", "en": "Confirm SKU mappings"},
    "orders.page.confirm": {"zh": "确认", "en": "Confirm"},
    "orders.page.dashboard": {"zh": "毛利看板", "en": "Margin dashboard"},
    "orders.page.by_product": {"zh": "按产品", "en": "By product"},
    "orders.page.by_market": {"zh": "按市场", "en": "By market"},
    "orders.page.by_platform": {"zh": "按平台", "en": "By platform"},
    "orders.page.by_week": {"zh": "按周", "en": "By week"},
    "orders.page.losing": {"zh": "亏损订单（在前）", "en": "Orders that lost money (first)"},
    "orders.page.downloads": {"zh": "下载 9610 清单与运单数据", "en": "Download 9610 list and waybill data"},
    "orders.page.declare": {"zh": "生成文件", "en": "Generate files"},
    "orders.page.none": {"zh": "还没有订单：拖入文件或载入示例", "en": "No orders yet: drop files or load the sample"},
    # demo, report, invoices, low-value rules
    "orders.demo.step": {
        "zh": "订单毛利：示例订单（虚构）逐单核算、对照报价……",
        "en": "Order margins: the sample orders (made up) priced one by one against the quote…",
    },
    "orders.v.v_price": {"zh": "售价与报价不同", "en": "price differs from the quote"},
    "orders.v.v_fx": {"zh": "汇率变动", "en": "FX moved"},
    "orders.v.v_product": {"zh": "产品成本变化", "en": "product cost changed"},
    "orders.v.v_logistics": {"zh": "物流估算变化", "en": "logistics estimate changed"},
    "orders.v.v_logistics_invoiced": {"zh": "物流：账单与估算之差", "en": "logistics: invoiced vs estimated"},
    "orders.v.v_duty": {"zh": "关税（含起征点、消费税）", "en": "duty (de minimis, excise)"},
    "orders.v.v_vat": {"zh": "进口增值税/GST", "en": "import VAT/GST"},
    "orders.v.v_fees": {"zh": "平台费（佣金档位、支付、退货）", "en": "platform fees (fee tier, payment, returns)"},
    "orders.v.v_rebate": {"zh": "出口退税", "en": "export rebate"},
    "orders.v.v_refund": {"zh": "退款", "en": "refund"},
    "orders.duty_basis.tariff": {"zh": "按税率征税", "en": "tariff duty"},
    "orders.duty_basis.de_minimis": {"zh": "低于起征点免税", "en": "under the de minimis"},
    "orders.duty_basis.flat": {"zh": "小额包裹统一税率", "en": "flat rate for small parcels"},
    "orders.collector.border": {"zh": "进境时缴纳", "en": "paid at the border"},
    "orders.collector.platform": {"zh": "平台代收", "en": "collected by the platform"},
    "orders.collector.seller": {"zh": "卖家申报缴纳", "en": "collected by the seller"},
    "orders.invoice.matched": {"zh": "已匹配", "en": "matched"},
    "orders.invoice.no_order": {"zh": "找不到对应订单或运单", "en": "no order or waybill with this number"},
    "orders.invoice.not_priced": {
        "zh": "订单未核算（取消、未对应产品等）",
        "en": "its order is not priced (cancelled, not mapped …)",
    },
    "orders.invoice.no_fx": {"zh": "账单日无该币种汇率", "en": "no FX rate for its currency on its date"},
    "orders.invoices.summary": {
        "zh": "承运商账单：{matched}/{lines} 行已匹配（{matched_cny} 元，按账单计物流成本）；未匹配 {unmatched_count} 行",
        "en": "Carrier invoices: {matched}/{lines} line(s) matched (CNY {matched_cny}, logistics as invoiced); "
        "{unmatched_count} unmatched",
    },
    "orders.invoices.hint": {
        "zh": "导入承运商账单：qiankua data import 文件 --table carrier_invoices（模板：qiankua data template carrier_invoices）",
        "en": "Import carrier invoices: qiankua data import FILE --table carrier_invoices (template: qiankua data "
        "template carrier_invoices)",
    },
    "orders.low_value.line": {
        "zh": "{order}：订单货值 {value} {ccy}，{regime} 起征点 {threshold} {ccy} → {basis}，增值税 {collector}",
        "en": "{order}: order value {ccy} {value}, {regime} de minimis {ccy} {threshold} → {basis}, VAT {collector}",
    },
    "orders.platform.temu": {"zh": "Temu", "en": "Temu"},
    "orders.platform.tiktok": {"zh": "TikTok Shop", "en": "TikTok Shop"},
    "orders.platform.mapped": {"zh": "自定义格式", "en": "own layout"},
    "orders.col.low_value": {"zh": "低值规则", "en": "low-value rule"},
    "orders.col.logistics": {"zh": "物流成本", "en": "logistics"},
    "orders.logistics.invoiced": {"zh": "按账单", "en": "invoiced"},
    "orders.logistics.estimated": {"zh": "估算", "en": "estimated"},
    "orders.col.why": {"zh": "与报价的差异", "en": "variance to the quote"},
}
