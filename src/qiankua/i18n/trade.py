"""Messages of the product space (``qiankua trade complexity`` / ``diversify``)."""

MESSAGES: dict[str, dict[str, str]] = {
    "trade.help": {
        "zh": "产品空间与经济复杂度：RCA、邻近度、密度、ECI/PCI、COI/COG；贵州还能新增哪些产品",
        "en": "Product space and economic complexity: RCA, proximity, density, ECI/PCI, COI/COG; what Guizhou could add",
    },
    "trade.complexity.help": {
        "zh": "对任意 地区×产品×年份 出口表计算 RCA、M、密度、ECI、PCI、多样性、普遍性、COI、COG"
        "（按哈佛增长实验室 ecomplexity 的口径）；--json 每个 地区×产品×年份 输出一行",
        "en": "RCA, M, density, ECI, PCI, diversity, ubiquity, COI and COG for any location x product x year export "
        "table (Harvard Growth Lab ecomplexity conventions); --json prints one row per location x product x year",
    },
    "trade.opt.file": {"zh": "出口表（CSV 或 XLSX）", "en": "Export table (CSV or XLSX)"},
    "trade.opt.location_col": {"zh": "地区列名（国家、省或县）", "en": "Location column (country, province or county)"},
    "trade.opt.product_col": {"zh": "产品列名（如 HS 编码）", "en": "Product column (e.g. HS code)"},
    "trade.opt.year_col": {"zh": "年份列名", "en": "Year column"},
    "trade.opt.value_col": {"zh": "出口额列名", "en": "Export value column"},
    "trade.opt.rca": {
        "zh": "显示性比较优势阈值：RCA 大于该值记为 M=1（默认 1）",
        "en": "RCA threshold: M = 1 where RCA exceeds it (default 1)",
    },
    "trade.complexity.year": {
        "zh": "{year} 年：{locations} 个地区 × {products} 种产品（剔除出口为零的 {dropped} 个）",
        "en": "{year}: {locations} locations x {products} products ({dropped} with zero exports left out)",
    },
    "trade.complexity.title": {
        "zh": "{year} 年经济复杂度（ECI 由高到低）",
        "en": "Economic complexity {year} (ECI, highest first)",
    },
    "trade.complexity.more": {
        "zh": "共 {n} 行（地区×产品×年份）；用 --json 输出全部指标",
        "en": "{n} rows (location x product x year); --json prints every measure",
    },
    "trade.col.location": {"zh": "地区", "en": "location"},
    "trade.col.diversity": {"zh": "多样性", "en": "diversity"},
    "trade.col.product": {"zh": "产品", "en": "product"},
    "trade.col.density": {"zh": "密度（邻近度）", "en": "density"},
    "trade.col.demand": {"zh": "需求（表内出口总额，美元）", "en": "demand (table exports, USD)"},
    "trade.col.score": {"zh": "综合分", "en": "score"},
    "trade.diversify.help": {
        "zh": "贵州（或其他地区）还能新增哪些产品：按与现有能力的密度、产品复杂度 PCI 和需求排序，"
        "数据来自导入的“地区分产品出口”表，并说明数据覆盖",
        "en": "What Guizhou (or another region) could add: products ranked by density to its current capabilities, "
        "product complexity (PCI) and demand, from the imported regional exports table, with its coverage",
    },
    "trade.opt.region": {
        "zh": "地区（表中名称，默认 Guizhou/贵州）",
        "en": "Region (as named in the table; default Guizhou)",
    },
    "trade.opt.year": {"zh": "年份（默认该地区最新年份）", "en": "Year (default: the region's latest)"},
    "trade.opt.top": {"zh": "列出前几名", "en": "How many products to list"},
    "trade.opt.weights": {
        "zh": "综合分权重（密度/PCI/需求，按候选产品百分位加权，自动归一）",
        "en": "Score weights (density / PCI / demand, on percentile ranks among candidates; normalised)",
    },
    "trade.coverage.no_data": {
        "zh": "没有地区分产品出口数据：qiankua 未内置任何省级分产品出口数字。请导入（如海关总署分省 HS 统计）："
        "qiankua data template region_exports，然后 qiankua data import 文件 --table region_exports",
        "en": "No regional exports by product: qiankua ships no provincial export-by-product figures. Import your own "
        "(e.g. GACC provincial statistics by HS): qiankua data template region_exports, then "
        "qiankua data import FILE --table region_exports",
    },
    "trade.coverage.region_missing": {
        "zh": "导入的地区分产品出口表中没有“{region}”",
        "en": "The imported regional exports table has no region {region!r}",
    },
    "trade.coverage.region_year_missing": {
        "zh": "导入的表中没有“{region}”{year} 年的数据",
        "en": "The imported table has no rows for {region} in {year}",
    },
    "trade.coverage.single_region": {
        "zh": "{year} 年表中只有一个地区：产品空间需要多个地区（如全国各省）",
        "en": "Only one region in {year}: the product space needs several (e.g. all provinces)",
    },
    "trade.coverage.ok": {
        "zh": "{region} {year} 年：产品空间基于导入的地区分产品出口表",
        "en": "{region} {year}: product space from the imported regional exports table",
    },
    "trade.coverage.summary": {
        "zh": "覆盖：{year} 年 {regions} 个地区 × {products} 种产品；表外的地区和产品未纳入。来源：{sources}",
        "en": "Coverage: {regions} regions x {products} products in {year}; regions and products outside the table "
        "are not seen. Sources: {sources}",
    },
    "trade.diversify.profile": {
        "zh": "{region}：ECI {eci}，具有比较优势的产品 {diversity} 种；尚未形成优势的候选产品 {candidates} 种",
        "en": "{region}: ECI {eci}, {diversity} products with RCA above the threshold; {candidates} candidates",
    },
    "trade.diversify.title": {
        "zh": "{region} 还能新增什么（{year} 年）",
        "en": "What could {region} add ({year})",
    },
    "trade.diversify.method": {
        "zh": "综合分 = 候选产品中的百分位加权：密度 {density}、PCI {pci}、需求 {demand}；"
        "需求为表内各地区该产品出口总额",
        "en": "Score = weighted percentile ranks among candidates: density {density}, PCI {pci}, demand {demand}; "
        "demand is the product's total exports over the table's regions",
    },
}
