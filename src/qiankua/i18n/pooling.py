"""Messages of the pooling engine (zh / en)."""

MESSAGES = {
    "pooling.demo.step": {
        "zh": "拼货发运：规划提货路线、装箱与成本分摊…",
        "en": "Pooling: planning pickups, loading and the cost split…",
    },
    "pooling.pool.help": {
        "zh": "为多家小微出口企业拼货：提货路线（PyVRP）、装箱、拼箱/整箱/空运选择、公平分摊（Shapley）与核心检验。FILE 为与 `data import --table shipments` 相同格式的货物表。",
        "en": "Pool many small exporters' shipments: pickup routes (PyVRP), loading, LCL/FCL/air choice, a fair split (Shapley) and a core check. FILE is a shipments sheet in the `data import --table shipments` format.",
    },
    "pooling.opt.time_limit": {
        "zh": "提货路线求解时间上限（秒）",
        "en": "time limit for the pickup routing solver (seconds)",
    },
    "pooling.opt.max_iterations": {
        "zh": "路线搜索迭代上限（先到者停止；按迭代停止时同一种子结果完全可复现）",
        "en": "iteration budget of the routing search (whichever of time and iterations comes first; stopped by iterations, the same seed gives the same plan)",
    },
    "pooling.opt.seed": {"zh": "随机种子（同一种子结果可复现）", "en": "random seed (same seed, same result)"},
    "pooling.opt.method": {
        "zh": "分摊方法：shapley / volume（按体积）/ standalone（按单独成本）",
        "en": "split method: shapley / volume / standalone (proportional to stand-alone cost)",
    },
    "pooling.opt.fidelity": {
        "zh": "联盟成本精度：fast（快速）或 full（完整模型）",
        "en": "coalition cost fidelity: fast or full",
    },
    "pooling.opt.vehicles": {
        "zh": "车辆表（CSV/XLSX，列同 pooling_vehicles.csv，不含来源/可信度）；缺省用内置示例车队",
        "en": "vehicles sheet (CSV/XLSX, columns of pooling_vehicles.csv without source/confidence); default: the built-in sample fleet",
    },
    "pooling.opt.matrix": {
        "zh": "距离时间矩阵（列 from,to,km,hours；地点为 depot 或县级代码）；缺省用大圆距离×绕行系数",
        "en": "distance/time matrix (columns from,to,km,hours; sites 'depot' or county adcodes); default: great circle x circuity",
    },
    "pooling.arg.file": {
        "zh": "货物表 CSV / XLSX；省略时使用已导入数据库的货物（data import --table shipments）",
        "en": "shipments CSV / XLSX; omitted: the shipments already imported into the store (data import --table shipments)",
    },
    "pooling.store.empty": {
        "zh": "数据库中没有已导入的货物；请给出货物表文件，或先运行 `qiankua data import FILE --table shipments`。",
        "en": "No shipments in the store; give a shipments FILE or run `qiankua data import FILE --table shipments` first.",
    },
    "pooling.title": {"zh": "拼货结果", "en": "Pool result"},
    "pooling.total": {
        "zh": "单独发运合计 {standalone} 元；拼货 {pooled} 元；节省 {saving} 元",
        "en": "stand-alone total CNY {standalone}; pooled CNY {pooled}; saving CNY {saving}",
    },
    "pooling.core.in": {
        "zh": "分摊方案在核心内：没有任何企业组合退出后更省。",
        "en": "The split is in the core: no group of members would do better by leaving.",
    },
    "pooling.core.out": {
        "zh": "分摊方案不在核心内：{who} 单独成团可少付 {amount} 元。",
        "en": "The split is not in the core: {who} would pay CNY {amount} less on their own.",
    },
    "pooling.confidence": {
        "zh": "结果依赖的数据可信度：{level}（含估计值，见说明）",
        "en": "Data confidence behind this result: {level} (includes estimates; see notes)",
    },
}
