"""Messages of the route planner (``qiankua route``, demo step)."""

MESSAGES: dict[str, dict[str, str]] = {
    "routing.demo.step": {
        "zh": "线路规划：三种产品到五个市场……",
        "en": "Route planning: three products to five markets…",
    },
    "routing.route.help": {
        "zh": "从贵州县到目标市场的线路：成本/时效/碳排放帕累托集合、推荐线路与被排除的服务",
        "en": "Routes from a Guizhou county to a market: the cost / time / CO2e Pareto set, the recommended route "
        "and the excluded services",
    },
    "routing.opt.from": {
        "zh": "起运县：6位行政区划代码、中文或英文名（如 520123、修文县、Xiuwen）",
        "en": "Origin county: 6-digit adcode or Chinese or English name (e.g. 520123, 修文县, Xiuwen)",
    },
    "routing.opt.to": {"zh": "目标市场 ISO 两字母代码（如 DE）", "en": "Market ISO alpha-2 code (e.g. DE)"},
    "routing.opt.weight": {"zh": "整票毛重（公斤）", "en": "Gross weight of the shipment in kg"},
    "routing.opt.volume": {
        "zh": "体积（立方米；指定产品时默认按箱规计算）",
        "en": "Volume in m3 (default from the product's carton when --product is given)",
    },
    "routing.opt.pieces": {"zh": "件数（箱/包裹数）", "en": "Number of pieces (cartons or parcels)"},
    "routing.opt.product": {
        "zh": "产品编号（带入酒精、液体、电池、鲜活冷链、易碎等限制）",
        "en": "Product id (brings its alcohol, liquid, battery, fresh/cold-chain, fragile flags)",
    },
    "routing.opt.b2b": {
        "zh": "海外仓补货（B2B，只走货运）",
        "en": "Overseas-warehouse replenishment (B2B, freight only)",
    },
    "routing.opt.weights": {
        "zh": "推荐线路的权重（成本/时效/碳排放）",
        "en": "Weights of the recommended route (cost / time / CO2e)",
    },
    "routing.title": {
        "zh": "{origin} → {market}，{kg} 公斤：帕累托线路",
        "en": "{origin} → {market}, {kg} kg: Pareto routes",
    },
    "routing.col.route": {"zh": "线路", "en": "route"},
    "routing.col.mode": {"zh": "主运输方式", "en": "main mode"},
    "routing.col.leg_mode": {"zh": "运输方式", "en": "mode"},
    "routing.col.days": {"zh": "天", "en": "days"},
    "routing.col.confidence": {"zh": "可信度", "en": "confidence"},
    "routing.col.service": {"zh": "服务", "en": "service"},
    "routing.col.reason": {"zh": "原因", "en": "reason"},
    "routing.recommended": {"zh": "推荐线路（★）各段：", "en": "Legs of the recommended route (★):"},
    "routing.excluded": {"zh": "被排除的服务", "en": "Excluded services"},
    "routing.none": {"zh": "没有可行线路（见被排除的服务）", "en": "No feasible route (see the excluded services)"},
    "routing.estimates": {
        "zh": "注：多数运价为估算（未证实），请用 `qiankua data import --table freight_quotes` 导入自己的报价覆盖。",
        "en": "Note: most rates are estimates (unconfirmed); import your own quotes with "
        "`qiankua data import --table freight_quotes` to override them.",
    },
}
