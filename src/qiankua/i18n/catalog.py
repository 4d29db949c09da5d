"""The message catalog: key -> {"zh": …, "en": …}.

Core messages live here; each engine keeps its own in ``qiankua/i18n/<engine>.py``
(a ``MESSAGES`` dict, keys prefixed with the engine name), merged in by
:func:`qiankua.i18n.messages`.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # ---- app
    "app.help": {
        "zh": "黔跨：贵州跨境电商决策平台——落地成本、线路、选品与拼货。",
        "en": "qiankua: cross-border e-commerce decisions for Guizhou — landed cost, routes, products, pooling.",
    },
    "app.lang": {
        "zh": "界面语言 zh 或 en（默认取自系统区域设置）",
        "en": "Language zh or en (default from the locale)",
    },
    "app.db": {
        "zh": "DuckDB 数据库文件（默认 $QIANKUA_HOME/qiankua.duckdb 或 ./qiankua.duckdb）",
        "en": "DuckDB file (default $QIANKUA_HOME/qiankua.duckdb or ./qiankua.duckdb)",
    },
    "app.debug": {"zh": "出错时显示完整堆栈", "en": "Show the full traceback on errors"},
    "cli.arg.import_file": {"zh": "要导入的文件（CSV / XLSX / XLS）", "en": "the file to import (CSV / XLSX / XLS)"},
    "cli.opt.home": {
        "zh": "数据目录 QIANKUA_HOME（账户库与各机构的 orgs/<机构>/ 数据）",
        "en": "QIANKUA_HOME (accounts, orgs/<org>/)",
    },
    "cli.opt.org": {"zh": "机构编号，如 danzhai-coop", "en": "organisation id, e.g. danzhai-coop"},
    "cli.opt.admin": {"zh": "设为本机构管理员", "en": "administrator of the organisation"},
    # the issues table of a refused input (commands.common._fail)
    "cli.issue.file": {"zh": "文件", "en": "file"},
    "cli.issue.sheet": {"zh": "工作表", "en": "sheet"},
    "cli.issue.row": {"zh": "行", "en": "row"},
    "cli.issue.column": {"zh": "列", "en": "column"},
    "cli.issue.value": {"zh": "值", "en": "value"},
    "cli.issue.reason": {"zh": "原因", "en": "reason"},
    "cli.issue.more": {"zh": "… 另有 {n} 条（用 --json 查看全部）", "en": "… {n} more (use --json for all)"},
    # `data list` / `data validate`: headers, the store's schemas, the tables without a spec
    "data.col.schema": {"zh": "分区", "en": "Schema"},
    "data.col.table": {"zh": "表", "en": "Table"},
    "data.col.rows": {"zh": "行数", "en": "Rows"},
    "data.schema.user": {"zh": "用户数据", "en": "user data"},
    "data.schema.meta": {"zh": "系统记录", "en": "system records"},
    "data.schema.ref": {"zh": "参考数据", "en": "reference data"},
    "data.table.imports": {"zh": "导入记录", "en": "Import log"},
    "data.table.fx_ecb": {"zh": "欧洲央行汇率历史", "en": "ECB rate history"},
    "data.table.fx_updates": {"zh": "汇率更新记录", "en": "FX update log"},
    # column headers of the catalog and markets tables (with web.col.* for id, name, category, hs6, origin)
    "cli.col.unit_value_cny": {"zh": "单位货值（人民币）", "en": "Unit value (CNY)"},
    "cli.col.iso2": {"zh": "代码", "en": "Code"},
    "cli.col.currency": {"zh": "币种", "en": "Currency"},
    "cli.col.region": {"zh": "区域", "en": "Region"},
    "cli.col.fta": {"zh": "自贸协定", "en": "FTAs"},
    "cli.col.unctad_b2c_rank": {"zh": "联合国贸发会议 B2C 电商指数排名", "en": "UNCTAD B2C e-commerce rank"},
    "opt.json": {"zh": "只在标准输出打印一个 JSON 文档", "en": "Print one JSON document on stdout"},
    # options every edge offers (the CLI's help for fields of qiankua.services.requests)
    "opportunity.opt.samples": {
        "zh": "稳定性抽样次数（与 API、网页相同，默认 200）",
        "en": "samples of the stability check (as in the API and the web; default 200)",
    },
    "costing.opt.sensitivity": {"zh": "附 ±20% 敏感性分析表", "en": "Add the ±20% sensitivity table"},
    "error.input": {"zh": "输入或数据有误", "en": "Bad input or data"},
    "error.internal": {"zh": "内部错误（加 --debug 查看堆栈）", "en": "Internal error (use --debug for the traceback)"},
    # ---- data commands
    "data.help": {
        "zh": "参考数据与用户数据：校验、导入、模板、导出",
        "en": "Reference and user data: validate, import, templates, export",
    },
    "data.validate.help": {
        "zh": "校验内置参考数据（结构、引用完整性、来源覆盖）",
        "en": "Validate the built-in reference data (schemas, references, provenance)",
    },
    "data.validate.store": {
        "zh": "同时按当前导入规则检查数据库中的用户数据（--db 指定）",
        "en": "Also check the user's data in the store (--db) against today's import rules",
    },
    "data.validate.ok": {"zh": "参考数据校验通过", "en": "Reference data are valid"},
    "data.validate.bad": {"zh": "参考数据有 {n} 个问题", "en": "Reference data have {n} issue(s)"},
    "data.import.help": {
        "zh": "导入 CSV（UTF-8/GBK）或 XLSX 到数据库；任何一格出错则整体不写入",
        "en": "Import a CSV (UTF-8/GBK) or XLSX into the database; any bad cell and nothing is written",
    },
    "data.import.ok": {
        "zh": "已导入 {rows} 行到 {table}（{file}）",
        "en": "Imported {rows} row(s) into {table} ({file})",
    },
    "data.import.bad": {
        "zh": "{file}：发现 {n} 个问题，未导入任何数据",
        "en": "{file}: {n} problem(s); nothing was imported",
    },
    "data.import.table": {"zh": "目标表", "en": "Target table"},
    "data.import.mode": {
        "zh": "append 追加（键重复即报错）、upsert 按键覆盖、replace 整表替换",
        "en": "append (duplicate keys are errors), upsert (replace by key) or replace (whole table)",
    },
    "data.import.sheet": {
        "zh": "只导入该工作表（默认：所有表头匹配的工作表）",
        "en": "Import only this sheet (default: every sheet whose headers match)",
    },
    "data.template.help": {
        "zh": "生成带中英文表头的空白模板",
        "en": "Write an empty template with Chinese and English headers",
    },
    "data.template.ok": {"zh": "模板已写入 {path}", "en": "Template written to {path}"},
    "data.export.help": {
        "zh": "导出表为 CSV/XLSX（已防公式注入）",
        "en": "Export a table as CSV/XLSX (formula injection neutralised)",
    },
    "data.export.ok": {"zh": "已导出 {rows} 行到 {path}", "en": "Exported {rows} row(s) to {path}"},
    "data.export.ref": {
        "zh": "导出内置参考表（而非用户表）",
        "en": "Export a built-in reference table (not a user table)",
    },
    "data.import.as_of": {
        "zh": "官方税则文件（USITC HTS、英国全球关税、WITS）的生效日期 YYYY-MM-DD（文件未注明时必填）",
        "en": "Date an official tariff schedule (USITC HTS, UK Global Tariff, WITS) applies from, YYYY-MM-DD "
        "(needed when the file does not say)",
    },
    "data.coverage.help": {
        "zh": "数据覆盖：目录商品在各市场报价所需的税率、运价等是否有来源、可信度如何、缺哪些",
        "en": "Data coverage: which rates a quote of the catalogue needs in each market are sourced, "
        "how well, and which are missing",
    },
    "data.coverage.markets": {
        "zh": "市场代码，逗号分隔（默认 24 个主要市场）",
        "en": "Market codes, comma-separated (default: the 24 headline markets)",
    },
    "data.coverage.date": {"zh": "日期 YYYY-MM-DD（默认今天）", "en": "Date YYYY-MM-DD (default today)"},
    "data.coverage.market": {"zh": "市场", "en": "market"},
    "data.coverage.title": {
        "zh": "{date} 数据覆盖（每格：已证实/较可信/未证实 的 HS 税目数，红色为缺失）",
        "en": "Data coverage on {date} (each cell: HS lines confirmed/likely/unconfirmed, red = missing)",
    },
    "data.coverage.totals": {
        "zh": "共 {cells} 格：已证实 {confirmed}，较可信 {likely}，未证实 {unconfirmed}，缺失 {missing}",
        "en": "{cells} cells: {confirmed} confirmed, {likely} likely, {unconfirmed} unconfirmed, {missing} missing",
    },
    "data.update.help": {
        "zh": "从官方来源更新参考数据（需联网）",
        "en": "Refresh reference data from the official source (needs the internet)",
    },
    "data.update.fx.help": {
        "zh": "下载欧洲央行（ECB）最新汇率历史并存入数据库；此后报价使用最新汇率",
        "en": "Download the current ECB exchange-rate history into the database; quotes then use the newest rates",
    },
    "data.update.fx.url": {
        "zh": "汇率历史的下载地址（默认 ECB 官方 eurofxref-hist.zip）",
        "en": "Where to download the history from (default: ECB's eurofxref-hist.zip)",
    },
    "data.update.fx.file": {
        "zh": "改为读取本地已下载的 eurofxref-hist.zip 或 .csv",
        "en": "Read an already downloaded eurofxref-hist.zip or .csv instead",
    },
    "data.update.fx.ok": {
        "zh": "已更新汇率：{rows} 条，最新日期 {newest}（来源 {source}）",
        "en": "FX updated: {rows} rates, newest {newest} (from {source})",
    },
    "data.list.help": {"zh": "列出数据库中的表及行数", "en": "List the database tables and their row counts"},
    "opt.format": {"zh": "文件格式 xlsx 或 csv", "en": "File format xlsx or csv"},
    "opt.out": {"zh": "输出路径", "en": "Output path"},
    # ---- catalog / markets
    "catalog.help": {"zh": "列出内置贵州产品目录", "en": "List the built-in Guizhou product catalogue"},
    "catalog.category": {"zh": "按品类筛选", "en": "Filter by category"},
    "markets.help": {"zh": "列出目标市场", "en": "List the target markets"},
    "markets.region": {"zh": "按区域筛选", "en": "Filter by region"},
    # ---- demo / serve
    "demo.help": {
        "zh": "构建数据库，在内置贵州数据上运行全部引擎，生成 out/report.html 与 out/report.xlsx",
        "en": "Build the database, run every engine on the built-in Guizhou data, write out/report.html and out/report.xlsx",
    },
    "demo.out": {"zh": "报告输出目录", "en": "Directory for the reports"},
    "demo.step.validate": {"zh": "校验参考数据", "en": "Validating reference data"},
    "demo.step.store": {"zh": "写入嵌入式数据库", "en": "Loading the embedded database"},
    "demo.step.report": {"zh": "生成报告", "en": "Writing the reports"},
    "demo.done": {"zh": "完成：{html} 与 {xlsx}", "en": "Done: {html} and {xlsx}"},
    "demo.recommendations": {
        "zh": "首要建议（产品线 × 市场：先按出口潜力，再按得分）",
        "en": "Top recommendations (product line x market: by export potential, then by score)",
    },
    "serve.help": {
        "zh": "启动网页应用与 REST API（http://127.0.0.1:8080）",
        "en": "Start the web app and REST API (http://127.0.0.1:8080)",
    },
    # ---- report
    "report.title": {"zh": "黔跨 · 贵州跨境电商分析报告", "en": "qiankua · Guizhou cross-border e-commerce report"},
    "report.generated": {"zh": "生成时间", "en": "Generated"},
    "report.catalogue": {"zh": "产品目录", "en": "Product catalogue"},
    "report.markets": {"zh": "目标市场", "en": "Target markets"},
    "report.origins": {"zh": "产地分布", "en": "Where the products come from"},
    "report.sources": {"zh": "数据来源与可信度", "en": "Sources and confidence"},
    "report.headline": {"zh": "要点", "en": "Headlines"},
    "report.flag.unconfirmed": {"zh": "未证实", "en": "unconfirmed"},
    "report.flag.likely": {"zh": "较可信", "en": "likely"},
    "report.flag.confirmed": {"zh": "已证实", "en": "confirmed"},
    "report.footer": {
        "zh": "每个数字都标注可信度（已证实 / 较可信 / 未证实），来源见“数据来源与可信度”一节。",
        "en": "Every figure carries its confidence (confirmed / likely / unconfirmed); the sources are listed under 'Sources and confidence'.",
    },
    # ---- maps (report/maps.py: the report's county map, the web's route and pool maps)
    "report.map.nodes": {"zh": "节点", "en": "nodes"},
    "report.map.pickups": {"zh": "提货点", "en": "pickups"},
    "report.map.depot": {"zh": "集货仓", "en": "depot"},
    "report.map.no_lane": {
        "zh": "虚线：无航道数据，按大圆航线示意：{legs}",
        "en": "Dashed: no sea lane data, drawn as a great circle: {legs}",
    },
    "report.map.sep": {"zh": "；", "en": "; "},
}
