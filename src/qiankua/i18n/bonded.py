"""Messages of the bonded retail import (1210) checks (``qiankua bonded …``)."""

MESSAGES: dict[str, dict[str, str]] = {
    "bonded.help": {
        "zh": "保税进口（1210 网购保税）：订单校验、综合税、年度额度台账、正面清单",
        "en": "Bonded retail import (1210): order checks, composite tax, the annual quota ledger, the positive list",
    },
    "bonded.check.help": {
        "zh": "校验当天订单（可附支付单、运单；CSV GBK/UTF-8 或 XLSX）：逐单放行或退单及原因、应代扣税款、额度台账（同一文件重复提交不重复计算）",
        "en": "Check the day's orders (with payments and waybills; CSV GBK/UTF-8 or XLSX): accepted or rejected with "
        "the reason, the tax to withhold, the quota ledger (re-submitting a file changes nothing)",
    },
    "bonded.tax.help": {
        "zh": "单笔订单税款：关税、增值税、消费税、合计、通道（cbec 跨境电商 / general_trade 一般贸易）及原因",
        "en": "Tax of one order: duty, VAT, consumption tax, total, channel (cbec / general_trade) and reason",
    },
    "bonded.quota.help": {
        "zh": "查询订购人本年度已用额度与剩余额度（证件号只做加盐哈希，不存储、不显示明文）",
        "en": "A buyer's annual quota used and left (the identity number is only hashed, never stored or shown)",
    },
    "bonded.returns.help": {
        "zh": "登记撤单/退货（order_id, event=cancel|return, event_date[, arrived_date]），符合规定的恢复额度",
        "en": "Record cancellations and returns (order_id, event=cancel|return, event_date[, arrived_date]); "
        "those within the rules restore the quota",
    },
    "bonded.template.help": {
        "zh": "上传模板：orders（订单）、payments（支付单）或 waybills（运单），中文或英文表头，含一行示例",
        "en": "Upload template: orders, payments or waybills, with Chinese or English headers and a sample row",
    },
    "bonded.opt.kind": {"zh": "orders、payments 或 waybills", "en": "orders, payments or waybills"},
    "bonded.opt.lang": {"zh": "表头语言 zh 或 en", "en": "header language, zh or en"},
    "bonded.opt.format": {"zh": "csv 或 xlsx", "en": "csv or xlsx"},
    "bonded.opt.out_template": {"zh": "保存到此文件", "en": "write to this file"},
    "bonded.opt.orders": {"zh": "订单文件", "en": "orders file"},
    "bonded.opt.payments": {"zh": "支付单文件", "en": "payments file"},
    "bonded.opt.waybills": {"zh": "运单文件", "en": "waybills file"},
    "bonded.opt.out": {
        "zh": "结果另存为 CSV 或 XLSX（含可申报的放行订单表）",
        "en": "write the results to CSV or XLSX (with the declaration-ready accepted orders)",
    },
    "bonded.opt.dry_run": {"zh": "只校验，不写入台账", "en": "check only, write nothing to the ledger"},
    "bonded.opt.value": {
        "zh": "完税价格（元，含运费、保费）",
        "en": "dutiable price in CNY (incl. freight and insurance)",
    },
    "bonded.opt.hs": {"zh": "商品编码（8 或 10 位）", "en": "CN tariff code (8 or 10 digits)"},
    "bonded.opt.vat": {"zh": "增值税率（如 0.13）", "en": "VAT rate (e.g. 0.13)"},
    "bonded.opt.ct": {"zh": "消费税率（如 0.15）", "en": "consumption tax rate (e.g. 0.15)"},
    "bonded.opt.duty": {
        "zh": "关税税率（单件超限全额征税时用）",
        "en": "duty rate (used when one item above the limit is taxed in full)",
    },
    "bonded.opt.items": {"zh": "订单商品件数", "en": "number of items in the order"},
    "bonded.opt.used": {"zh": "本年度已用额度（元）", "en": "annual quota already used (CNY)"},
    "bonded.opt.buyer": {"zh": "订购人身份证号（只做哈希）", "en": "buyer's identity number (hashed only)"},
    "bonded.opt.year": {"zh": "年度", "en": "year"},
    "bonded.opt.date": {"zh": "日期 YYYY-MM-DD（默认今天）", "en": "date YYYY-MM-DD (default today)"},
    "bonded.col.status": {"zh": "结果", "en": "status"},
    "bonded.col.reason": {"zh": "原因", "en": "reason"},
    "bonded.col.tax": {"zh": "税款", "en": "tax"},
    "bonded.summary": {
        "zh": "共 {orders} 单：放行 {accepted}，退单 {rejected}，此前已处理 {already}；申报货值 {value} 元，代扣税款 {tax} 元",
        "en": "{orders} orders: {accepted} accepted, {rejected} rejected, {already} decided before; declared value CNY {value}, tax CNY {tax}",
    },
    "bonded.coverage": {
        "zh": "正面清单：共载入 {lines} 行，其中 2022 版 {lines_2022} 行（2022 版共 {total} 行）{note}",
        "en": "Positive list: {lines} lines loaded, {lines_2022} of them of the 2022 edition ({total} lines){note}",
    },
    "bonded.coverage.partial": {
        "zh": "；内置清单不完整，未列入的商品标为“未核实”，请用 `qiankua data import --table positive_list` 导入官方附件",
        "en": "; the built-in list is partial: goods not in it are flagged unverified — import the official attachment with "
        "`qiankua data import --table positive_list`",
    },
    "bonded.tax.line": {
        "zh": "关税 {duty}，增值税 {vat}，消费税 {ct}，合计 {total} 元；通道 {channel}（{reason}）",
        "en": "duty {duty}, VAT {vat}, consumption tax {ct}, total CNY {total}; channel {channel} ({reason})",
    },
    "bonded.quota.line": {
        "zh": "{buyer} {year} 年：额度 {limit} 元，已用 {used} 元，剩余 {left} 元",
        "en": "{buyer} {year}: limit CNY {limit}, used {used}, left {left}",
    },
    "bonded.returns.line": {"zh": "已恢复额度 {n} 单", "en": "{n} orders restored"},
    # reasons and warnings of a decision (codes of qiankua.bonded: engine flags and quota.REASONS)
    "bonded.reason.within_limits": {
        "zh": "限值内（关税 0，增值税、消费税按 70%）",
        "en": "within limits (duty 0, VAT and CT at 70%)",
    },
    "bonded.reason.single_item_full_tax": {
        "zh": "单件超过单次限值，按货物税率全额征税并计入年度额度",
        "en": "one item above the single limit: full goods-rate tax, counted in the annual total",
    },
    "bonded.reason.over_single_limit": {
        "zh": "超过单次交易限值（按一般贸易）",
        "en": "over the single-transaction limit (general trade)",
    },
    "bonded.reason.over_annual_limit": {
        "zh": "超过个人年度交易限值（按一般贸易）",
        "en": "over the buyer's annual limit (general trade)",
    },
    "bonded.reason.over_quantity_cap": {
        "zh": "超过正面清单每人限购数量",
        "en": "over the positive list's per-person quantity cap",
    },
    "bonded.reason.lines_disagree": {"zh": "同一订单各行订购人不一致", "en": "the order's lines name different buyers"},
    "bonded.reason.not_on_list": {"zh": "商品不在正面清单内", "en": "product not on the positive list"},
    "bonded.reason.no_vat_rate": {"zh": "无该税号的增值税率", "en": "no VAT rate for the tariff code"},
    "bonded.reason.payment_missing": {"zh": "缺支付单", "en": "payment missing"},
    "bonded.reason.payer_not_buyer": {"zh": "支付人与订购人不一致", "en": "payer is not the buyer"},
    "bonded.reason.amount_mismatch": {"zh": "支付金额与订单金额不符", "en": "paid amount differs from the order"},
    "bonded.reason.waybill_missing": {"zh": "缺运单", "en": "waybill missing"},
    "bonded.reason.goods_mismatch": {"zh": "运单件数与订单不符", "en": "waybill item count differs from the order"},
    "bonded.reason.no_rule_in_force": {
        "zh": "下单日无有效的跨境电商零售进口规则",
        "en": "no 1210 rule in force on the order date",
    },
    "bonded.reason.list_unverified": {
        "zh": "未核实是否在正面清单（内置清单不完整）",
        "en": "positive list not verified (the built-in list is partial)",
    },
    "bonded.reason.list_outdated": {
        "zh": "所用正面清单版本在订单日期已被新版取代（新版未载入），请导入当时施行的版本",
        "en": "the positive-list edition used had been replaced by a newer one on the order's date (not loaded): "
        "import the edition then in force",
    },
    "bonded.list_import.help": {
        "zh": "导入正面清单的一个版本（官方附件原样或模板），只替换该版本的行，其他版本保留",
        "en": "import one edition of the positive list (the official attachment as published, or the template), "
        "replacing that edition's lines only; the other editions stay",
    },
    "bonded.opt.list_file": {
        "zh": "清单文件（xlsx/csv，UTF-8 或 GBK）",
        "en": "the list file (xlsx/csv, UTF-8 or GBK)",
    },
    "bonded.opt.edition": {
        "zh": "文件未注明版本的行所属版本：2016、2018、2019 或 2022（默认最新版 2022）",
        "en": "the edition of rows that do not name one: 2016, 2018, 2019 or 2022 (default: the newest, 2022)",
    },
    "bonded.list_import.done": {
        "zh": "已导入 {rows} 行（版本 {editions}），替换原有 {replaced} 行",
        "en": "{rows} rows imported (edition {editions}), replacing {replaced} stored rows",
    },
    "bonded.kind.exclusion": {"zh": "排除", "en": "exclusion"},
    "bonded.kind.bonded_only": {"zh": "仅限网购保税", "en": "bonded import only"},
    "bonded.kind.name_restriction": {"zh": "限定品名", "en": "name restriction"},
    "bonded.kind.quantity_cap": {"zh": "每人每年限量", "en": "per-person yearly cap"},
    "bonded.origin.user": {"zh": "用户导入（完整）", "en": "imported by the user (complete)"},
    "bonded.origin.built_in": {"zh": "内置（部分）", "en": "built in (partial)"},
    "bonded.origin.none": {"zh": "未载入", "en": "not loaded"},
    "bonded.coverage.edition": {
        "zh": "{edition} 版（{valid}）：已载入 {lines} 行{total}，{origin}{kinds}",
        "en": "{edition} edition ({valid}): {lines} lines loaded{total}, {origin}{kinds}",
    },
    "bonded.coverage.used": {
        "zh": "本批订单所用版本：{used}",
        "en": "Editions used for these orders: {used}",
    },
    "bonded.coverage.used_one": {
        "zh": "{edition} 版 {orders} 单{stale}",
        "en": "{edition}: {orders} orders{stale}",
    },
    "bonded.coverage.stale": {
        "zh": "（订单日期时已被取代，距其生效 {age} 天）",
        "en": " (already replaced on the order dates; {age} days after it took effect)",
    },
    "bonded.coverage.none": {
        "zh": "无版本 {orders} 单（订单日期早于所有已载入版本）",
        "en": "no edition: {orders} orders (dated before every loaded edition)",
    },
    "bonded.report.cover.by_edition": {"zh": "正面清单分版本", "en": "positive list by edition"},
    "bonded.reason.list_remark": {
        "zh": "正面清单有监管要求，请核对",
        "en": "the positive list sets a condition: check it",
    },
    "bonded.reason.ct_assumed_high_end": {
        "zh": "未填净含量，按高档化妆品计消费税",
        "en": "no net content given: consumption tax assumed (high-end cosmetics)",
    },
    "bonded.status.accepted": {"zh": "放行", "en": "accepted"},
    "bonded.status.rejected": {"zh": "退单", "en": "rejected"},
    "bonded.channel.cbec": {"zh": "跨境电商零售进口", "en": "CBEC retail import"},
    "bonded.channel.general_trade": {"zh": "一般贸易", "en": "general trade"},
    # the web page (/bonded)
    "bonded.page.title": {"zh": "保税进口（1210）订单校验", "en": "Bonded retail import (1210): order checks"},
    "bonded.page.intro": {
        "zh": "上传当天的订单、支付单、运单（CSV GBK/UTF-8 或 XLSX）：逐单放行或退单并说明原因，计算应代扣税款，"
        "登记订购人年度额度。同一文件重复提交不会重复计算；证件号只做加盐哈希。",
        "en": "Upload the day's orders, payments and waybills (CSV GBK/UTF-8 or XLSX): each order accepted or "
        "rejected with the reason, the tax to withhold, and the buyers' annual quota ledger. Re-submitting a "
        "file changes nothing; identity numbers are only stored as salted hashes.",
    },
    "bonded.page.orders": {"zh": "订单文件（必填）", "en": "orders file (required)"},
    "bonded.page.payments": {"zh": "支付单文件", "en": "payments file"},
    "bonded.page.waybills": {"zh": "运单文件", "en": "waybills file"},
    "bonded.file.orders": {"zh": "订单", "en": "orders"},
    "bonded.file.payments": {"zh": "支付单", "en": "payments"},
    "bonded.file.waybills": {"zh": "运单", "en": "waybills"},
    "bonded.page.templates": {"zh": "下载模板", "en": "Templates"},
    "bonded.page.dry_run": {"zh": "只校验，不写入台账", "en": "check only, do not write the ledger"},
    "bonded.page.check": {"zh": "校验", "en": "Check"},
    "bonded.page.need_orders": {"zh": "请先上传订单文件", "en": "Upload the orders file first"},
    "bonded.page.received": {"zh": "已收到 {name}", "en": "received {name}"},
    "bonded.page.summary": {"zh": "当日汇总", "en": "Day's summary"},
    "bonded.page.chart": {"zh": "按结果与原因的订单数", "en": "Orders by outcome and reason"},
    "bonded.page.lang_zh": {"zh": "中文表头", "en": "Chinese headers"},
    "bonded.page.lang_en": {"zh": "英文表头", "en": "English headers"},
    "bonded.page.rejections": {"zh": "退单原因", "en": "Reasons for rejection"},
    "bonded.page.results": {"zh": "逐单结果", "en": "Orders"},
    "bonded.page.shown": {"zh": "显示前 {n} 单（共 {total} 单）", "en": "first {n} of {total} orders shown"},
    "bonded.page.download": {"zh": "下载可申报清单（放行订单）", "en": "Download the declaration-ready table"},
    "bonded.page.download_all": {"zh": "下载全部结果", "en": "Download all results"},
    "bonded.page.dry_note": {"zh": "试算：未写入台账", "en": "dry run: nothing written to the ledger"},
    "bonded.col.order": {"zh": "订单编号", "en": "order"},
    "bonded.col.value": {"zh": "完税价格（元）", "en": "dutiable value (CNY)"},
    "bonded.col.channel": {"zh": "通道", "en": "channel"},
    "bonded.col.warnings": {"zh": "提示", "en": "warnings"},
    "bonded.sum.orders": {"zh": "订单", "en": "orders"},
    "bonded.sum.accepted": {"zh": "放行", "en": "accepted"},
    "bonded.sum.rejected": {"zh": "退单", "en": "rejected"},
    "bonded.sum.already": {"zh": "此前已处理", "en": "decided before"},
    "bonded.sum.value": {"zh": "申报货值（元）", "en": "declared value (CNY)"},
    "bonded.sum.tax": {"zh": "代扣税款（元）", "en": "tax withheld (CNY)"},
    "bonded.sum.buyers": {"zh": "订购人", "en": "buyers"},
    # the report section (qiankua.report.bonded) and the demo step
    "bonded.demo.step": {
        "zh": "保税进口（1210）：校验内置示例订单（当日汇总）…",
        "en": "Bonded import (1210): checking the built-in sample orders (the day's summary)…",
    },
    "bonded.report.title": {"zh": "保税进口（1210）当日汇总", "en": "Bonded retail import (1210): the day's summary"},
    "bonded.report.intro": {
        "zh": "当天订单逐单校验（三单比对、单次与年度限值、正面清单）后的放行与退单及原因、应代扣的关税、增值税和消费税、"
        "订购人年度额度使用情况，以及正面清单的载入范围。订购人只计数，不列出。",
        "en": "The day's orders after their checks (order/payment/waybill match, single and annual limits, the "
        "positive list): accepted and rejected with the reasons, the duty, VAT and consumption tax to withhold, "
        "how much of their annual quota the buyers have used, and how much of the positive list is loaded. "
        "Buyers are counted, never listed.",
    },
    "bonded.report.tax.duty": {"zh": "关税", "en": "duty"},
    "bonded.report.tax.vat": {"zh": "增值税", "en": "VAT"},
    "bonded.report.tax.consumption_tax": {"zh": "消费税", "en": "consumption tax"},
    "bonded.report.tax.total_tax": {"zh": "合计", "en": "total"},
    "bonded.report.band.none": {"zh": "尚未使用", "en": "none used yet"},
    "bonded.report.band.under_25": {"zh": "不足 25%", "en": "under 25%"},
    "bonded.report.band.25_50": {"zh": "25%–50%", "en": "25%–50%"},
    "bonded.report.band.50_75": {"zh": "50%–75%", "en": "50%–75%"},
    "bonded.report.band.75_100": {"zh": "75% 以上（未用满）", "en": "75% or more (not full)"},
    "bonded.report.band.full": {"zh": "已用满", "en": "full"},
    "bonded.report.cover.lines": {
        "zh": "已载入的 2022 版行数（2022 版总行数）",
        "en": "2022 edition lines loaded (2022 edition: all lines)",
    },
    "bonded.report.cover.share": {"zh": "占 2022 版比例", "en": "share of the 2022 edition"},
    "bonded.report.cover.editions": {"zh": "所载入行的版本", "en": "editions of the lines loaded"},
    "bonded.report.cover.complete": {"zh": "是否为完整的官方清单", "en": "complete official list"},
    "bonded.report.cover.unverified": {
        "zh": "未能核实是否在清单内的订单",
        "en": "orders whose goods could not be checked against the list",
    },
    "bonded.report.yes": {"zh": "是", "en": "yes"},
    "bonded.report.no": {"zh": "否", "en": "no"},
    "bonded.report.note.rules": {
        "zh": "限值内关税为 0，增值税和消费税按法定应纳税额的 70% 征收，计税价格为实际交易价格（含运费、保费）；"
        "单件不可分割商品超过单次限值而年度额度仍有余量的，按货物税率全额征税并计入年度交易总额；其余超限订单按一般贸易处理。",
        "en": "Within the limits duty is 0 and VAT and consumption tax are 70% of the statutory amount, on the "
        "transaction price incl. freight and insurance; a single indivisible item above the single limit with "
        "room in the annual limit pays full goods-rate tax and counts toward the annual total; other orders over "
        "a limit go to general trade.",
    },
    "bonded.report.note.privacy": {
        "zh": "订购人证件号只以加盐哈希保存，本报告不列出任何订购人。",
        "en": "Buyers' identity numbers are only kept as salted hashes; this report lists no buyer.",
    },
    "bonded.report.note.unknown_tax": {
        "zh": "{n} 单放行订单的税额未知（如单件超限全额征税而未给出该商品的关税税率），未计入合计。",
        "en": "Accepted orders with an unknown tax: {n} (e.g. one item above the limit taxed in full without the "
        "goods' duty rate); they are left out of the totals.",
    },
    "bonded.report.rec.top": {
        "zh": "最常见的退单原因：{reason}（{n} 单）",
        "en": "Most frequent reason for rejection: {reason} (orders: {n})",
    },
    "bonded.report.rec.spread": {
        "zh": "退单 {n} 单，分属 {k} 种原因，见“按原因”表",
        "en": "Rejected orders: {n}, for {k} different reasons (see the table by reason)",
    },
    "bonded.report.rec.annual": {
        "zh": "{n} 位订购人当天因超过年度限值被退单，其后续订单须按一般贸易处理",
        "en": "Buyers refused an order today for the annual limit: {n}; their further orders go to general trade",
    },
    "bonded.report.rec.list": {
        "zh": "内置正面清单不完整：请用 `qiankua data import --table positive_list` 导入官方附件，以便逐单核对",
        "en": "The built-in positive list is partial: import the official attachment with "
        "`qiankua data import --table positive_list` so that every order is checked against it",
    },
}
