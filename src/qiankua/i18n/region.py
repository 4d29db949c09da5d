"""Messages of the regional evaluation (``qiankua region``, the /region page)."""

MESSAGES: dict[str, dict[str, str]] = {
    "region.help": {
        "zh": "区域评价：各省（及贵州各县）数字基础与跨境电商的耦合协调度、等级、障碍因子和差距",
        "en": "Regional evaluation: coupling coordination of digital foundations and CBEC for every province "
        "(and Guizhou's counties), its band, obstacle factors and gaps",
    },
    "region.evaluate.help": {
        "zh": "按年份评价各地区：熵权（或熵权-TOPSIS）子系统指数、修正耦合度 C 与传统 C、综合指数 T、协调度 D、"
        "等级、排名、障碍度、D 的变化以及贵州与全国中位省份和西部最佳省份的差距分解",
        "en": "Evaluate every area and year: entropy (or entropy-TOPSIS) subsystem indices, corrected and traditional "
        "coupling C, comprehensive index T, coordination D, band, rank, obstacle degrees, change of D, and "
        "Guizhou's gap to the national median and the best western province by indicator",
    },
    "region.coupling.help": {
        "zh": "用您自己的子系统得分计算耦合协调度：修正 C、传统 C、T、D 与等级",
        "en": "Coupling coordination for your own subsystem scores: corrected C, traditional C, T, D and the band",
    },
    "region.indicators.help": {"zh": "列出区域评价指标体系", "en": "List the regional indicator system"},
    "region.coverage.help": {
        "zh": "内置区域面板的覆盖情况：每个指标的年份、地区数和数值个数（缺失即缺失）",
        "en": "What the built-in regional panel covers: years, areas and cells per indicator (missing stays missing)",
    },
    "region.coverage.title": {"zh": "内置区域面板覆盖情况", "en": "Built-in regional panel coverage"},
    "region.col.years": {"zh": "年份", "en": "Years"},
    "region.col.areas": {"zh": "地区数", "en": "Areas"},
    "region.col.cells": {"zh": "数值个数", "en": "Cells"},
    "region.import_nbs.help": {
        "zh": "从国家统计局「分省年度数据」导入一个指标到您的区域面板：用网站下载的文件（CSV/Excel），"
        "或联网时用国家统计局指标代码直接查询；单位须与指标一致，全部成功才写入",
        "en": "Import one indicator of the NBS provincial annual data (分省年度数据) into your regional panel: "
        "from the file the site lets you download (CSV/Excel) or, online, by the NBS indicator code; the unit must "
        "be the indicator's; all or nothing",
    },
    "region.opt.indicator": {
        "zh": "区域指标名（见 qiankua region indicators）",
        "en": "Indicator (see qiankua region indicators)",
    },
    "region.opt.nbs_file": {
        "zh": "data.stats.gov.cn 下载的分省年度数据文件（CSV 或 Excel）",
        "en": "The 分省年度数据 file downloaded from data.stats.gov.cn (CSV or Excel)",
    },
    "region.opt.nbs_code": {
        "zh": "国家统计局指标代码（联网查询，如网站指标树中的代码）",
        "en": "NBS indicator code (online query; the code of the site's indicator tree)",
    },
    "region.opt.nbs_url": {
        "zh": "查询地址（默认国家统计局 easyquery 接口）",
        "en": "Query address (default: the NBS easyquery endpoint)",
    },
    "region.import_nbs.ok": {
        "zh": "已导入 {indicator}：{rows} 个数值，{areas} 个地区，{first}–{last} 年",
        "en": "Imported {indicator}: {rows} values, {areas} areas, {first}-{last}",
    },
    "region.indicators.title": {"zh": "区域评价指标体系", "en": "Regional indicator system"},
    "region.opt.level": {"zh": "评价层级：province（省）或 county（县）", "en": "Level: province or county"},
    "region.opt.years": {"zh": "年份或区间，如 2015-2024", "en": "A year or a range, e.g. 2015-2024"},
    "region.opt.method": {
        "zh": "子系统得分方法：entropy（熵权加权指数，默认）或 topsis（熵权-TOPSIS 贴近度）",
        "en": "Subsystem score: entropy (entropy-weighted index, default) or topsis (entropy-TOPSIS closeness)",
    },
    "region.opt.subsystem_weights": {
        "zh": "子系统权重 a,b（和为 1，默认 0.5,0.5），用于综合指数 T",
        "en": "Subsystem weights a,b for T (sum to 1; default 0.5,0.5)",
    },
    "region.opt.weights": {
        "zh": "自定义指标权重，如 broadband_users=0.3,express_parcels=0.2（子系统内归一；未给出的指标权重为 0）",
        "en": "Your own indicator weights, e.g. broadband_users=0.3,express_parcels=0.2 (normalised within each "
        "subsystem; indicators not named weigh 0)",
    },
    "region.opt.impute": {
        "zh": "缺失值填补（仅在您要求时）：none（不填补，默认）、linear（同一地区年份间线性插值，仅内部缺口）、"
        "nearest（最近年份）；填补的结果均标注",
        "en": "Fill missing cells only when asked: none (default), linear (interpolate within an area over the years, "
        "interior gaps only) or nearest (nearest observed year); every affected result is flagged",
    },
    "region.opt.u": {
        "zh": "子系统得分（0–1），逗号分隔，如 0.32,0.29",
        "en": "Subsystem scores in [0, 1], comma-separated, e.g. 0.32,0.29",
    },
    "region.opt.ab": {"zh": "子系统权重，如 0.5,0.5（和为 1）", "en": "Subsystem weights, e.g. 0.5,0.5 (sum to 1)"},
    "region.title": {
        "zh": "{year} 年数字基础与跨境电商耦合协调度",
        "en": "Digital foundations x CBEC coordination, {year}",
    },
    "region.col.rank": {"zh": "名次", "en": "Rank"},
    "region.col.area": {"zh": "地区", "en": "Area"},
    "region.col.digital": {"zh": "数字基础指数", "en": "Digital index"},
    "region.col.cbec": {"zh": "跨境电商指数", "en": "CBEC index"},
    "region.col.c_traditional": {"zh": "传统 C", "en": "Traditional C"},
    "region.col.band": {"zh": "协调等级", "en": "Band"},
    "region.col.reference": {"zh": "比较对象", "en": "Compared with"},
    "region.col.indicator": {"zh": "指标", "en": "Indicator"},
    "region.col.contribution": {"zh": "对 T 差距的贡献", "en": "Contribution to the gap in T"},
    "region.col.subsystem": {"zh": "子系统", "en": "Subsystem"},
    "region.col.direction": {"zh": "方向", "en": "Direction"},
    "region.col.unit": {"zh": "单位", "en": "Unit"},
    "region.col.obstacle": {"zh": "障碍度", "en": "Obstacle degree"},
    "region.col.coverage": {"zh": "数据覆盖", "en": "Coverage"},
    "region.col.weight": {"zh": "权重", "en": "Weight"},
    "region.col.change": {"zh": "D 的变化", "en": "Change of D"},
    "region.subsystem.digital": {"zh": "数字基础", "en": "Digital foundations"},
    "region.subsystem.cbec": {"zh": "跨境电商与外贸", "en": "CBEC and trade"},
    "region.direction.benefit": {"zh": "正向", "en": "benefit"},
    "region.direction.cost": {"zh": "逆向", "en": "cost"},
    "region.gap.title": {
        "zh": "贵州与比较对象的综合指数 T 差距（按指标分解，正值表示贵州落后）",
        "en": "Guizhou's gap in T to the references, by indicator (positive: Guizhou behind)",
    },
    "region.coupling.result": {
        "zh": "修正耦合度 C = {c}（传统 C = {ct}），综合指数 T = {t}，协调度 D = {d}：{band}",
        "en": "Corrected coupling C = {c} (traditional C = {ct}), T = {t}, D = {d}: {band}",
    },
    "region.demo.step": {"zh": "区域评价：各省耦合协调度……", "en": "Regional evaluation: provincial coordination…"},
    "region.page.title": {
        "zh": "区域评价：大数据强、跨境电商弱？",
        "en": "Regional evaluation: big data strong, CBEC weak?",
    },
    "region.page.intro": {
        "zh": "每个点是一个省份（贵州突出显示，轨迹为历年变化）：横轴数字基础指数，纵轴跨境电商指数。"
        "耦合协调度 D 越高，两者越协调。",
        "en": "Each point is a province (Guizhou highlighted, trails show the years): digital index across, CBEC "
        "index up. The higher the coordination degree D, the better the two go together.",
    },
    "region.page.scatter": {"zh": "数字基础与跨境电商（悖论图）", "en": "Digital vs CBEC (the paradox chart)"},
    "region.page.ranking": {"zh": "耦合协调度排名", "en": "Coordination ranking"},
    "region.page.obstacles": {
        "zh": "主要障碍因子（最新年份，前三）",
        "en": "Main obstacle factors (latest year, top 3)",
    },
    "region.page.gap": {"zh": "贵州差距分解", "en": "Guizhou's gap, by indicator"},
    "region.page.coverage": {"zh": "数据覆盖情况", "en": "Data coverage"},
    "region.page.empty": {
        "zh": "还没有可评价的面板数据：请在数据页导入「区域指标面板」。",
        "en": "No panel to evaluate yet: import a 'Regional indicator panel' on the data page.",
    },
    "region.page.jargon": {
        "zh": "熵权：按指标数据的离散程度自动定权，差异越大的指标权重越高。耦合协调度 D：两个子系统既要都高、又要彼此接近，"
        "D 才高。障碍度：该指标与最优值的差距在总差距中的占比。",
        "en": "Entropy weight: weights set by how much an indicator varies across areas. Coordination degree D: high "
        "only when both subsystems are high and close to each other. Obstacle degree: the indicator's share of "
        "the total shortfall from the best values.",
    },
}
