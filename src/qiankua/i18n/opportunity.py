"""Messages of the opportunity module (zh / en)."""

MESSAGES: dict[str, dict[str, str]] = {
    "opportunity.demo.step": {"zh": "产品×市场机会排序…", "en": "Ranking product x market opportunities…"},
    "opportunity.help": {
        "zh": "产品×市场机会：首要看出口潜力（美元，ITC EPI：供给×需求×便利，附已实现与未实现部分）；"
        "多指标评分（限权 TOPSIS）为第二视角，附准入要求、稳定性与中英文理由。",
        "en": "Product x market opportunities: export potential in USD first (ITC EPI: supply x demand x ease, "
        "with realised and unrealised parts); a capped-weight TOPSIS score as the second view, with "
        "market-entry requirements, rank stability and reasons in zh and en.",
    },
    "opportunity.opt.product": {"zh": "产品编号（可重复）", "en": "product id (repeatable)"},
    "opportunity.opt.market": {"zh": "市场 ISO 两位代码（可重复）", "en": "market ISO alpha-2 (repeatable)"},
    "opportunity.opt.weights": {
        "zh": "自定义权重 name=w,...（覆盖熵权；指标：demand growth china_share rca province_rca tariff margin "
        "route_cost route_days ecommerce_rank culture compliance）",
        "en": "user weights name=w,... overriding entropy weights (criteria: demand growth china_share rca "
        "province_rca tariff margin route_cost route_days ecommerce_rank culture compliance)",
    },
    "opportunity.opt.top": {"zh": "输出前 N 名（也是稳定性的 k）", "en": "show the top N (also the k of stability)"},
    "opportunity.opt.engine": {"zh": "计算引擎：duckdb（默认）或 spark", "en": "engine: duckdb (default) or spark"},
    "opportunity.opt.met": {
        "zh": "已满足的要求编号（如 mer-009），不再阻断",
        "en": "requirement id already met (e.g. mer-009): no longer blocks",
    },
    "opportunity.opt.seed": {"zh": "稳定性抽样随机种子", "en": "random seed of the stability sampling"},
    "opportunity.title": {"zh": "产品×市场机会", "en": "Product x market opportunities"},
    "opportunity.col.feasible": {"zh": "可行", "en": "feasible"},
    "opportunity.opt.revision": {"zh": "HS 版本，如 HS22", "en": "HS revision, e.g. HS22"},
    "opportunity.opt.release": {"zh": "BACI 发布版本，如 V202501", "en": "BACI release, e.g. V202501"},
    "opportunity.opt.url": {"zh": "改用此下载地址", "en": "download URL override"},
    "opportunity.opt.hs_prefix": {"zh": "HS 编码（2/4/6 位）", "en": "HS code (2/4/6 digits)"},
    "opportunity.col.product": {"zh": "产品", "en": "product"},
    "opportunity.col.market": {"zh": "市场", "en": "market"},
    "opportunity.col.score": {"zh": "得分", "en": "score"},
    "opportunity.col.potential": {"zh": "潜力（美元）", "en": "potential USD"},
    "opportunity.col.margin": {"zh": "毛利率", "en": "margin"},
    "opportunity.col.stability": {"zh": "稳定性", "en": "stability"},
    "opportunity.col.reasons": {"zh": "理由", "en": "reasons"},
    "opportunity.col.n_a": {"zh": "暂缺", "en": "n/a"},
    "opportunity.weights_line": {
        "zh": "权重（{weighting}，单项上限 {cap}）：{weights}",
        "en": "weights ({weighting}, cap {cap}): {weights}",
    },
    "opportunity.recommendation": {
        "zh": "{product} → {market}（{iso2}）：得分 {score:.2f}，权重扰动下 {stability:.0f}% 的抽样仍居前 {k} 名，"
        "潜力 {potential}，数据可信度 {conf}",
        "en": "{product} -> {market} ({iso2}): score {score:.2f}, in the top {k} in {stability:.0f}% of weight draws, "
        "potential {potential}, data confidence {conf}",
    },
    "opportunity.recommendation.no_potential": {"zh": "未估算", "en": "not estimated"},
    "opportunity.recommendation.first": {"zh": "；先办：{req}（{auth}）", "en": "; first: {req} ({auth})"},
    "opportunity.recommendation.more": {"zh": "，另有 {more} 项要求", "en": ", and {more} more requirement(s)"},
    "opportunity.conf.confirmed": {"zh": "已证实", "en": "confirmed"},
    "opportunity.conf.likely": {"zh": "较可信", "en": "likely"},
    "opportunity.conf.unconfirmed": {"zh": "未证实", "en": "unconfirmed"},
    "opportunity.crit.demand": {"zh": "进口需求", "en": "import demand"},
    "opportunity.crit.growth": {"zh": "需求增长", "en": "demand growth"},
    "opportunity.crit.china_share": {"zh": "中国份额", "en": "China's share"},
    "opportunity.crit.rca": {"zh": "中国显示性比较优势", "en": "China's RCA"},
    "opportunity.crit.province_rca": {"zh": "贵州显示性比较优势", "en": "Guizhou's RCA"},
    "opportunity.crit.tariff": {"zh": "关税", "en": "tariff"},
    "opportunity.crit.margin": {"zh": "典型零售价下的毛利率", "en": "margin at typical retail price"},
    "opportunity.crit.route_cost": {"zh": "运输成本", "en": "route cost"},
    "opportunity.crit.route_days": {"zh": "运输天数", "en": "route days"},
    "opportunity.crit.ecommerce_rank": {
        "zh": "电商成熟度（UNCTAD B2C 排名）",
        "en": "online readiness (UNCTAD B2C rank)",
    },
    "opportunity.crit.culture": {"zh": "文化价值（非遗/地理标志）", "en": "cultural value (ICH / GI)"},
    "opportunity.crit.compliance": {"zh": "合规负担", "en": "compliance burden"},
    "opportunity.reason.demand.for": {"zh": "进口需求大：{v}", "en": "large import demand: {v}"},
    "opportunity.reason.demand.against": {"zh": "进口需求小：{v}", "en": "small import demand: {v}"},
    "opportunity.reason.growth.for": {"zh": "需求增长快：{v}", "en": "growing demand: {v}"},
    "opportunity.reason.growth.against": {"zh": "需求增长慢或下降：{v}", "en": "weak or falling demand: {v}"},
    "opportunity.reason.china_share.for": {"zh": "中国产品已占 {v}", "en": "China already supplies {v}"},
    "opportunity.reason.china_share.against": {"zh": "中国份额低：{v}", "en": "China's share is low: {v}"},
    "opportunity.reason.rca.for": {
        "zh": "中国在该产品上有比较优势（RCA {v}）",
        "en": "China has a comparative advantage (RCA {v})",
    },
    "opportunity.reason.rca.against": {
        "zh": "中国比较优势弱（RCA {v}）",
        "en": "China's comparative advantage is weak (RCA {v})",
    },
    "opportunity.reason.province_rca.for": {
        "zh": "贵州有比较优势（RCA {v}）",
        "en": "Guizhou has a comparative advantage (RCA {v})",
    },
    "opportunity.reason.province_rca.against": {
        "zh": "贵州比较优势弱（RCA {v}）",
        "en": "Guizhou's comparative advantage is weak (RCA {v})",
    },
    "opportunity.reason.tariff.for": {"zh": "关税低：{v}", "en": "low tariff: {v}"},
    "opportunity.reason.tariff.against": {"zh": "关税高：{v}", "en": "high tariff: {v}"},
    "opportunity.reason.margin.for": {"zh": "典型零售价下毛利率 {v}", "en": "margin {v} at typical retail"},
    "opportunity.reason.margin.against": {"zh": "典型零售价下毛利率仅 {v}", "en": "thin margin {v} at typical retail"},
    "opportunity.reason.route_cost.for": {"zh": "运费低：{v}", "en": "cheap route: {v}"},
    "opportunity.reason.route_cost.against": {"zh": "运费高：{v}", "en": "costly route: {v}"},
    "opportunity.reason.route_days.for": {"zh": "运输快：{v}", "en": "fast route: {v}"},
    "opportunity.reason.route_days.against": {"zh": "运输慢：{v}", "en": "slow route: {v}"},
    "opportunity.reason.ecommerce_rank.for": {
        "zh": "电商成熟度高（UNCTAD B2C 排名 {v}）",
        "en": "high online readiness (UNCTAD B2C {v})",
    },
    "opportunity.reason.ecommerce_rank.against": {
        "zh": "电商成熟度低（UNCTAD B2C 排名 {v}）",
        "en": "low online readiness (UNCTAD B2C {v})",
    },
    "opportunity.reason.culture.for": {
        "zh": "文化价值高：非遗/地理标志（{v}）",
        "en": "heritage appeal: ICH / GI ({v})",
    },
    "opportunity.reason.culture.against": {"zh": "无非遗或地理标志（{v}）", "en": "no heritage or GI status ({v})"},
    "opportunity.reason.compliance.for": {"zh": "准入要求少（负担 {v}）", "en": "few entry requirements (burden {v})"},
    "opportunity.reason.compliance.against": {
        "zh": "准入要求多（负担 {v}）",
        "en": "heavy entry requirements (burden {v})",
    },
    "opportunity.margin.no_price": {
        "zh": "该组合无典型零售价（请导入销售记录，或补充有出处的零售价数据），毛利率指标不可用",
        "en": "no typical retail price for this pair (import your sales, or add a cited retail_price figure)",
    },
    "opportunity.reason.missing": {
        "zh": "无数据（按中位数计）：{name}",
        "en": "no data (counted at the median): {name}",
    },
    "opportunity.reason.proxy_tag": {"zh": "【代理值】", "en": " [proxy]"},
    "opportunity.reason.blocker": {"zh": "暂不可行：{req}（{auth}）", "en": "not currently feasible: {req} ({auth})"},
    "opportunity.note.baci": {
        "zh": "内置需求数据稀疏（仅茶叶有完整进口国表），缺失处以人口代理并标注；导入 CEPII BACI（qiankua data fetch baci --year Y）可得完整的需求、增长、中国份额与 RCA。",
        "en": "Built-in demand figures are sparse (a full importer table exists only for tea); gaps use a "
        "population proxy, flagged as such. Import CEPII BACI (qiankua data fetch baci --year Y) for the "
        "full picture: demand, growth, China's share and RCA.",
    },
    "opportunity.report.intro": {
        "zh": "首要视角为出口潜力（美元，ITC EPI：供给×需求×便利），并列已实现出口与未实现部分；第二视角按限权 "
        "TOPSIS 对产品×市场打分（0–1，任一指标权重不超过上限，对同一产品各市场取值相同的指标不参与选市场）；"
        "阻断性准入要求使组合“暂不可行”而不是降低得分；稳定性为权重按 Dirichlet 扰动后仍在前 20 名的概率。",
        "en": "The headline is the export potential in USD (ITC EPI: supply x demand x ease) with realised "
        "exports and the unrealised part beside it; the second view scores pairs 0-1 by TOPSIS with capped "
        "weights (no criterion above the cap; criteria that are the same for every market of a product do "
        "not choose the market); a blocking entry requirement marks a pair not currently feasible instead of "
        "lowering its score; stability is the probability of staying in the top 20 when the weights are "
        "perturbed (Dirichlet).",
    },
    "opportunity.report.heat_note": {
        "zh": "热力表：每格为得分，▁░▒▓█ 由低到高，✗ 表示被准入要求阻断；列为可行得分最高的 12 个市场。",
        "en": "Heat table: each cell is the score, shaded ░▒▓█ from low to high, ✗ = blocked by an entry "
        "requirement; columns are the 12 markets with the best feasible score.",
    },
    "opportunity.note.product_level": {
        "zh": "以下指标对同一产品的所有市场取值相同，不能决定市场，只用于产品排序：{names}。",
        "en": "These criteria are the same for every market of a product, so they cannot decide the market; "
        "they rank products only: {names}.",
    },
    "opportunity.headline.title": {
        "zh": "出口潜力（美元）：HS 品目 × 市场",
        "en": "Export potential (USD): HS line x market",
    },
    "opportunity.headline.none": {
        "zh": "没有任何组合能估计出口潜力（缺少供给份额或需求数据）；请导入 BACI 贸易数据。",
        "en": "No pair has an export potential estimate (supply share or demand missing); import BACI trade data.",
    },
    "opportunity.headline.not_estimated": {
        "zh": "未估计潜力：HS {hs6}（{products}）— {why}",
        "en": "potential not estimated: HS {hs6} ({products}) — {why}",
    },
    "opportunity.headline.why.supply": {
        "zh": "无中国在该品目世界出口中的份额数据（需贸易数据）",
        "en": "no China share of world supply of this line (needs trade data)",
    },
    "opportunity.headline.why.demand": {
        "zh": "这些市场无需求数据（无引用进口额，亦无人口代理）",
        "en": "no demand figure for these markets (no cited imports, no population proxy)",
    },
    "opportunity.headline.line": {
        "zh": "HS {line} → {market}：潜力 {potential}，已实现 {realised}，未实现 {unrealised}；本省产品：{products}",
        "en": "HS {line} -> {market}: potential {potential}, realised {realised}, unrealised {unrealised}; "
        "products: {products}",
    },
    "opportunity.headline.unknown": {"zh": "未知", "en": "unknown"},
    "opportunity.opt.weighting": {
        "zh": "权重方法：blend（默认，熵权与等权各半）、entropy、critic、equal",
        "en": "weighting: blend (default: half entropy, half equal), entropy, critic, equal",
    },
    "opportunity.opt.weight_cap": {
        "zh": "任一指标权重上限（默认 0.30）",
        "en": "no criterion above this share of the weight (default 0.30)",
    },
    "opportunity.fetch.help": {"zh": "下载贸易数据（需联网）", "en": "download trade data (needs the internet)"},
    "opportunity.fetch.baci.help": {
        "zh": "下载 CEPII BACI 年度双边贸易（HS6）并导入数据库",
        "en": "download CEPII BACI bilateral trade (HS6) and load it",
    },
    "opportunity.fetch.comtrade.help": {
        "zh": "用 comtradeapicall 下载 UN Comtrade 某 HS 编码某年数据并导入",
        "en": "download UN Comtrade data for one HS code and year (comtradeapicall) and load it",
    },
    "opportunity.fetch.file": {
        "zh": "已下载的文件（跳过下载）",
        "en": "an already downloaded file (skips the download)",
    },
    "opportunity.fetch.ok": {
        "zh": "已导入 {rows} 行（{source}，年份 {years}）",
        "en": "loaded {rows} rows ({source}, years {years})",
    },
}
