"""Saved scenarios (issue 20 item 8): run a quote, a route plan, an opportunity ranking or a pool, keep its
inputs and result per user in their DuckDB file, reload it, delete it, compare two or three side by side.

The result stored is the document the CLI's ``--json`` and the API return for the same inputs, so a
reloaded scenario shows what was shown when it was saved. :func:`compare` lines up the inputs (marking
the fields that differ) and each kind's headline figures (margin, cost, days, CO2e, saving …), naming
the best value of each where "best" has a direction.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from qiankua.exceptions import InvalidInputError, UnknownReferenceError
from qiankua.i18n import default_lang, t
from qiankua.vocabulary import SCENARIO_KINDS

__all__ = ["KINDS", "compare", "delete", "list_scenarios", "load", "run", "save"]

KINDS: tuple[str, ...] = SCENARIO_KINDS
MAX_COMPARE = 3
_NAME_MAX = 120


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise InvalidInputError(t("scenario.error.kind", default_lang(), kind=kind, kinds=", ".join(KINDS)))


def run(kind: str, inputs: dict[str, Any], db: Path | None) -> dict[str, Any]:
    """The result document of ``kind`` for ``inputs`` (the same as the API's for that use case)."""
    _check_kind(kind)
    use_db = db if db is not None and Path(db).is_file() else None
    if kind == "quote":
        from qiankua.services.quoting import quote

        return quote(inputs, use_db)
    if kind == "route":
        from qiankua.services.routes_view import plan_routes

        return plan_routes(inputs, db=use_db)
    if kind == "opportunity":
        from qiankua.services.engines_view import rank_opportunities

        doc = rank_opportunities(inputs, db=use_db)
        doc.pop("cells", None)  # every pair's score: large, and the ranking's entries already hold the top
        return doc
    from qiankua.services.engines_view import pool_shipments, pool_stored

    source = inputs.get("source", "demo")
    limit = float(inputs.get("time_limit_s", 1.0))
    seed = int(inputs.get("seed", 1))
    if source == "stored":
        return pool_stored(use_db, time_limit_s=limit, seed=seed)
    if source != "demo":
        raise InvalidInputError(t("scenario.error.pool_source", default_lang(), source=source))
    return pool_shipments(None, None, time_limit_s=limit, seed=seed)


def _store(db: Path, *, write: bool) -> Any:
    from qiankua.store import Store

    return Store(db, read_only=not write)


def save(
    db: Path,
    owner: str,
    kind: str,
    name: str,
    inputs: dict[str, Any],
    result: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Save a scenario (running it first when ``result`` is None); returns it with its id."""
    from qiankua.services.accounts import db_lock
    from qiankua.store.scenarios import ScenarioStore

    _check_kind(kind)
    name = (name or "").strip()
    if not name or len(name) > _NAME_MAX:
        raise InvalidInputError(t("scenario.error.name", default_lang(), max=_NAME_MAX))
    if not isinstance(inputs, dict):
        raise InvalidInputError(t("scenario.error.inputs", default_lang()))
    doc = run(kind, inputs, db) if result is None else result
    with db_lock(db), _store(db, write=True) as store:
        new_id = ScenarioStore(store).add(owner=owner, kind=kind, name=name, inputs=inputs, result=doc)
    return load(db, owner, new_id)


def list_scenarios(db: Path, owner: str, kind: str | None = None) -> dict[str, Any]:
    """``{"scenarios": [...]}``: the owner's scenarios, newest first, with inputs and headline figures."""
    from qiankua.services.accounts import db_lock
    from qiankua.store.scenarios import ScenarioStore

    if kind is not None:
        _check_kind(kind)
    if not Path(db).is_file():
        return {"scenarios": []}
    with db_lock(db), _store(db, write=False) as store:
        rows = ScenarioStore(store).list(owner=owner, kind=kind, results=True)
    for row in rows:
        row["metrics"] = metrics(row["kind"], row.pop("result"))
    return {"scenarios": rows}


def load(db: Path, owner: str, scenario_id: int) -> dict[str, Any]:
    """One scenario with inputs, result and headline figures; a missing id is :class:`UnknownReferenceError` (404 in the API)."""
    from qiankua.services.accounts import db_lock
    from qiankua.store.scenarios import ScenarioStore

    got = None
    if Path(db).is_file():
        with db_lock(db), _store(db, write=False) as store:
            got = ScenarioStore(store).get(owner=owner, scenario_id=scenario_id)
    if got is None:
        raise UnknownReferenceError(t("scenario.error.missing", default_lang(), id=scenario_id))
    got["metrics"] = metrics(got["kind"], got["result"])
    return got


def delete(db: Path, owner: str, scenario_id: int) -> dict[str, Any]:
    from qiankua.services.accounts import db_lock
    from qiankua.store.scenarios import ScenarioStore

    gone = False
    if Path(db).is_file():
        with db_lock(db), _store(db, write=True) as store:
            gone = ScenarioStore(store).delete(owner=owner, scenario_id=scenario_id)
    if not gone:
        raise UnknownReferenceError(t("scenario.error.missing", default_lang(), id=scenario_id))
    return {"ok": True, "deleted": scenario_id}


# ---------------------------------------------------------------------------- headline figures per kind

# (key, direction): +1 higher is better, -1 lower is better, 0 no ranking
Metric = tuple[str, int, Callable[[dict[str, Any]], Any]]


def _get(doc: dict[str, Any], *path: str | int) -> Any:
    cur: Any = doc
    for p in path:
        if isinstance(cur, dict):
            cur = cur.get(p)
        elif isinstance(cur, list) and isinstance(p, int) and -len(cur) <= p < len(cur):
            cur = cur[p]
        else:
            return None
    return cur


def _recommended(doc: dict[str, Any]) -> dict[str, Any]:
    routes = doc.get("routes") or []
    return next((r for r in routes if r.get("recommended")), routes[0] if routes else {})


def _min_of(doc: dict[str, Any], key: str) -> Any:
    values = [r.get(key) for r in doc.get("routes") or [] if r.get(key) is not None]
    return min(values) if values else None


def _top_pair(doc: dict[str, Any]) -> Any:
    entries = doc.get("ranking") or []
    e = next((e for e in entries if e.get("feasible")), None)
    return None if e is None else f"{e.get('product')} → {e.get('market')}"


_METRICS: dict[str, list[Metric]] = {
    "quote": [
        ("status", 0, lambda d: d.get("status")),
        ("currency", 0, lambda d: d.get("currency")),
        ("price", 0, lambda d: _get(d, "per_unit", "price")),
        ("landed_cost", -1, lambda d: _get(d, "per_unit", "landed_cost")),
        ("total_cost", -1, lambda d: _get(d, "per_unit", "total_cost")),
        ("profit", 1, lambda d: _get(d, "per_unit", "profit")),
        ("margin", 1, lambda d: _get(d, "per_unit", "margin")),
        ("break_even_price", -1, lambda d: d.get("break_even_price")),
        ("route", 0, lambda d: _get(d, "route", "label_zh")),
        ("days", -1, lambda d: _get(d, "route", "days")),
        ("kg_co2e", -1, lambda d: _get(d, "route", "kg_co2e")),
        ("requirements", -1, lambda d: len(d.get("requirements") or [])),
    ],
    "route": [
        ("routes", 1, lambda d: len(d.get("routes") or [])),
        ("route", 0, lambda d: _recommended(d).get("label_zh") or _recommended(d).get("label")),
        ("cost_cny", -1, lambda d: _recommended(d).get("cost_cny")),
        ("days", -1, lambda d: _recommended(d).get("days")),
        ("kg_co2e", -1, lambda d: _recommended(d).get("kg_co2e")),
        ("cheapest_cny", -1, lambda d: _min_of(d, "cost_cny")),
        ("fastest_days", -1, lambda d: _min_of(d, "days")),
        ("excluded", 0, lambda d: len(d.get("excluded") or [])),
    ],
    "opportunity": [
        ("pairs", 0, lambda d: len(d.get("ranking") or [])),
        ("top_pair", 0, _top_pair),
        ("top_score", 1, lambda d: _get(d, "ranking", 0, "score")),
    ],
    "pooling": [
        ("exporters", 0, lambda d: len(d.get("exporters") or [])),
        ("standalone_cny", 0, lambda d: d.get("total_standalone_cny")),
        ("pooled_cny", -1, lambda d: d.get("total_pooled_cny")),
        ("saving_cny", 1, lambda d: d.get("total_saving_cny")),
        ("in_core", 0, lambda d: d.get("in_core")),
    ],
}


def metrics(kind: str, result: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The headline figures of one result: ``[{key, label_zh, label_en, value}]``."""
    out = []
    for key, _direction, get in _METRICS.get(kind, []):
        try:
            value = get(result or {})
        except (TypeError, AttributeError, KeyError):
            value = None
        out.append(
            {
                "key": key,
                "label_zh": t(f"scenario.metric.{key}", "zh"),
                "label_en": t(f"scenario.metric.{key}", "en"),
                "value": value,
            }
        )
    return out


def compare(db: Path, owner: str, ids: list[int]) -> dict[str, Any]:
    """Two or three scenarios side by side: inputs (``differs`` marks a field not equal in all) and
    headline figures (``best`` = the index of the best value where a figure has a direction, else None)."""
    unique = list(dict.fromkeys(ids))
    if not 2 <= len(unique) <= MAX_COMPARE:
        raise InvalidInputError(t("scenario.error.compare_n", default_lang(), max=MAX_COMPARE, n=len(unique)))
    items = [load(db, owner, i) for i in unique]
    kinds = {s["kind"] for s in items}
    fields = list(dict.fromkeys(k for s in items for k in (s["inputs"] or {})))
    inputs = []
    for f in fields:
        values = [(s["inputs"] or {}).get(f) for s in items]
        inputs.append({"field": f, "values": values, "differs": any(v != values[0] for v in values)})
    rows = []
    if len(kinds) == 1:
        kind = next(iter(kinds))
        for i, (key, direction, _get_metric) in enumerate(_METRICS[kind]):
            values = [s["metrics"][i]["value"] for s in items]
            numbers = [v if isinstance(v, int | float) and not isinstance(v, bool) else None for v in values]
            best = None
            if (
                direction
                and sum(v is not None for v in numbers) >= 2
                and len({v for v in numbers if v is not None}) > 1
            ):
                candidates = [(v, j) for j, v in enumerate(numbers) if v is not None]
                best = (max if direction > 0 else min)(candidates)[1]
            rows.append(
                {
                    "key": key,
                    "label_zh": items[0]["metrics"][i]["label_zh"],
                    "label_en": items[0]["metrics"][i]["label_en"],
                    "values": values,
                    "best": best,
                }
            )
    return {
        "kind": next(iter(kinds)) if len(kinds) == 1 else "mixed",
        "scenarios": [{k: s[k] for k in ("id", "kind", "name", "created_at")} for s in items],
        "inputs": inputs,
        "metrics": rows,
    }
