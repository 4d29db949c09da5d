"""Warehouse use cases: the calculators (policy, newsvendor, forecast) and the plan per SKU x market.

One request builder per use case (``*_FIELDS`` and :func:`_fields`) is shared by the CLI, the API
and the web page: each edge collects the same plain fields and calls the function here, which
returns the one JSON-ready document (``--json`` output == API response).
"""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from qiankua.exceptions import InvalidInputError

__all__ = [
    "FORECAST_FIELDS",
    "NEWSVENDOR_FIELDS",
    "PLAN_FIELDS",
    "POLICY_FIELDS",
    "forecast_calc",
    "newsvendor_calc",
    "plan",
    "policy_calc",
]

POLICY_FIELDS: dict[str, Any] = {
    "mean_demand": None,
    "sd_demand": None,
    "lead_time": None,
    "lead_time_sd": 0.0,
    "service_level": 0.95,
    "fill_rate": False,
    "holding_cost": None,
    "order_cost": None,
    "order_qty": None,
    "periods_per_year": 365.0,
}
NEWSVENDOR_FIELDS: dict[str, Any] = {"mean": None, "sd": None, "unit_holding": None, "unit_shortage": None}
FORECAST_FIELDS: dict[str, Any] = {"series": None, "method": "auto", "h": 6, "season_length": 12}
PLAN_FIELDS: dict[str, Any] = {
    "sku": None,
    "market": None,
    "service_level": 0.95,
    "date": None,
    "discount_rate": 0.10,
    "sales_file": None,
    "b2b_price_ratio": None,
    "n_paths": 300,
}


def _fields(given: dict[str, Any], spec: dict[str, Any], required: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(given) - set(spec)
    if unknown:
        raise InvalidInputError(f"Unknown field(s) {', '.join(sorted(unknown))}; expected {', '.join(spec)}.")
    out = {k: (given[k] if given.get(k) is not None else default) for k, default in spec.items()}
    for name in required:
        if out[name] is None:
            raise InvalidInputError(f"Expected `{name}`.")
    for name, value in out.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidInputError(f"Expected a finite number for `{name}`, got {value}.")
    return out


def _bad(exc: ValueError) -> InvalidInputError:
    return InvalidInputError(str(exc))


def policy_calc(fields: dict[str, Any]) -> dict[str, Any]:
    """``qiankua warehouse policy``: safety stock, reorder point, order-up-to level and EOQ."""
    from qiankua.warehouse.policy import policy

    f = _fields(fields, POLICY_FIELDS, ("mean_demand", "sd_demand", "lead_time"))
    try:
        result = policy(
            mean_demand=float(f["mean_demand"]),
            sd_demand=float(f["sd_demand"]),
            lead_time=float(f["lead_time"]),
            lead_time_sd=float(f["lead_time_sd"]),
            service_level=float(f["service_level"]),
            kind="fill" if f["fill_rate"] else "cycle",
            holding_cost=None if f["holding_cost"] is None else float(f["holding_cost"]),
            order_cost=None if f["order_cost"] is None else float(f["order_cost"]),
            order_qty=None if f["order_qty"] is None else float(f["order_qty"]),
            periods_per_year=float(f["periods_per_year"]),
        )
    except ValueError as exc:
        raise _bad(exc) from exc
    return {
        "ok": True,
        "inputs": f,
        "result": asdict(result),
        "formulas": {
            "sigma_lead_time": "sqrt(L * sd^2 + d^2 * sL^2)",
            "safety_stock": "z * sigma_L (cycle service) or k * sigma_L with sigma_L * G(k) = (1 - fill) * Q",
            "reorder_point": "d * L + safety_stock",
            "order_up_to": "d * (R + L) + z * sigma_(R+L)",
            "eoq": "sqrt(2 * D * S / H)",
        },
        "sources": [
            "Chopra & Meindl, Supply Chain Management (safety inventory, cycle inventory)",
            "Silver, Pyke & Peterson, Inventory Management and Production Planning and Scheduling, 3rd ed., ch. 7",
        ],
    }


def newsvendor_calc(fields: dict[str, Any]) -> dict[str, Any]:
    """``qiankua warehouse newsvendor``: one-shot season order quantity and its expected cost."""
    from qiankua.warehouse.policy import newsvendor_normal

    f = _fields(fields, NEWSVENDOR_FIELDS, tuple(NEWSVENDOR_FIELDS))
    try:
        result = newsvendor_normal(
            mean=float(f["mean"]),
            sd=float(f["sd"]),
            unit_holding=float(f["unit_holding"]),
            unit_shortage=float(f["unit_shortage"]),
        )
    except ValueError as exc:
        raise _bad(exc) from exc
    return {
        "ok": True,
        "inputs": f,
        "result": asdict(result),
        "formulas": {
            "order_qty": "mu + z * sigma, Phi(z) = cu / (cu + co)",
            "expected_cost": "co * E[(Q - D)+] + cu * E[(D - Q)+]",
        },
        "sources": ["Nahmias, Production and Operations Analysis, newsvendor with normal demand"],
    }


def parse_series(text: str | list[Any]) -> list[float]:
    """``"0,0,3,1"`` (or a list) as non-negative numbers; the error names the bad position."""
    items = text.split(",") if isinstance(text, str) else list(text)
    values = []
    for i, item in enumerate(items, start=1):
        try:
            value = float(str(item).strip())
        except ValueError:
            raise InvalidInputError(f"`series` item {i}: expected a number, got {item!r}.") from None
        if not math.isfinite(value) or value < 0:
            raise InvalidInputError(f"`series` item {i}: expected a non-negative number, got {item!r}.")
        values.append(value)
    if not values:
        raise InvalidInputError("Expected at least one number in `series`.")
    return values


def forecast_calc(fields: dict[str, Any]) -> dict[str, Any]:
    """``qiankua warehouse forecast``: classify, forecast and back-test one series."""
    from qiankua.warehouse.forecast import METHODS, forecast_series

    f = _fields(fields, FORECAST_FIELDS, ("series",))
    values = parse_series(f["series"])
    if f["method"] not in METHODS:
        raise InvalidInputError(f"Expected `method` to be one of {', '.join(METHODS)}, got {f['method']!r}.")
    try:
        result = forecast_series(values, h=int(f["h"]), method=str(f["method"]), season_length=int(f["season_length"]))
    except ValueError as exc:
        raise _bad(exc) from exc
    doc = asdict(result)
    doc["lower"] = {str(k): v for k, v in result.lower.items()}
    doc["upper"] = {str(k): v for k, v in result.upper.items()}
    return {"ok": True, "inputs": {**f, "series": values}, "result": doc}


# ------------------------------------------------------------------------------ the plan

SAMPLE_FILE = Path(__file__).resolve().parents[1] / "reference" / "data" / "warehouse_sample_sales.csv"
PARCEL_SERVICE = "postal"
BULK_SERVICE = "sea-lcl"
LINEHAUL_UNITS = (50, 200, 1000, 5000)
HORIZON = 6
CARTON_UNITS_DEFAULT = 1


def _date_shape(text: str) -> str:
    """The written form of a date (digits -> 9, runs collapsed), e.g. 2026-01-05 -> 9-9-9."""
    import re

    return re.sub(r"9+", "9", re.sub(r"\d", "9", text.strip()))


def _check_date_forms(vf: Any, file: str) -> None:
    """One date form per file: ``2026-01-05`` next to ``2026/1/5`` or ``05.01.2026`` is refused."""
    from qiankua.exceptions import CellIssue, ImportValidationError
    from qiankua.schema import normalise_header, table_spec

    spec = table_spec("sales")
    names = {normalise_header(c.name) for c in spec.columns if c.name == "order_date"} | {
        normalise_header(c.zh) for c in spec.columns if c.name == "order_date"
    }
    for sheet in vf.sheets:
        idx = next((i for i, h in enumerate(sheet.header) if normalise_header(str(h)) in names), None)
        if idx is None:
            continue
        first: str | None = None
        for number, values in sheet.rows:
            raw = values[idx] if idx < len(values) else None
            if raw is None or raw == "" or not isinstance(raw, str):
                continue
            shape = _date_shape(raw)
            if first is None:
                first = shape
            elif shape != first:
                issue = CellIssue(file=file, sheet=sheet.name, row=number, column=str(sheet.header[idx]), value=raw,
                                  reason=f"date written as {shape!r} while earlier rows use {first!r}; use one date form "
                                  "(e.g. YYYY-MM-DD) for the whole column")  # fmt: skip
                raise ImportValidationError(
                    f"{file}: the date column mixes several formats; nothing was read.", [issue]
                )


def load_sales(sales_file: str | Path | None, db: Path | None, ref: Any, products: set[str]) -> tuple[Any, str]:
    """Sales as a frame and where they came from: ``file`` (validated, nothing written), ``database``
    (the user's ``sales`` table) or ``sample`` (the bundled SYNTHETIC history)."""
    import polars as pl

    if sales_file is not None:
        from qiankua.exceptions import CellIssue, ImportValidationError
        from qiankua.store.importer import validate_file

        path = Path(sales_file)
        if not path.is_file():
            raise InvalidInputError(f"Sales file {str(path)!r} not found.")
        vf = validate_file(path, "sales", ref, known_products=products)
        if vf.issues:
            raise ImportValidationError(f"{path.name}: {len(vf.issues)} bad cells; nothing was read.", vf.issues)
        _check_date_forms(vf, path.name)
        frame = vf.frame
        where = vf.where
        months = frame.select(pl.col("order_date").dt.truncate("1mo").alias("m"))["m"]
        present = sorted(set(months.to_list()))
        if present:
            span = pl.date_range(present[0], present[-1], interval="1mo", eager=True).to_list()
            missing = [m for m in span if m not in set(present)]
            if missing:
                after = next(m for m in present if m > missing[0])
                i = int(months.to_list().index(after))
                sheet, row = where.row(i)
                issue = CellIssue(file=path.name, sheet=sheet, row=row, column="order_date", value=str(after),
                                  reason=f"gap: no sales at all from {missing[0]:%Y-%m} to {missing[-1]:%Y-%m} before this "
                                  "row; the history must be continuous (add the missing months' orders)")  # fmt: skip
                raise ImportValidationError(f"{path.name}: the sales history has a gap; nothing was read.", [issue])
        return frame, "file"
    if db is not None and Path(db).is_file():
        from qiankua.store import Store

        with Store(db, read_only=True) as store:
            frame = store.frame("sales")
        if frame.height:
            return frame, "database"
    frame = pl.read_csv(SAMPLE_FILE, try_parse_dates=True)
    return frame, "sample"


def monthly(sales: Any, last_month: Any = None) -> Any:
    """Units per (product, market) and month, zero-filled from each series' first month to the last
    month of the whole history; the series id is ``product|market``."""
    import polars as pl

    m = sales.with_columns(pl.col("order_date").dt.truncate("1mo").alias("month"))
    end = last_month or m["month"].max()
    agg = m.group_by("product_id", "market", "month").agg(pl.col("quantity").sum().cast(pl.Float64).alias("y"))
    starts = agg.group_by("product_id", "market").agg(pl.col("month").min().alias("start"))
    grid = starts.with_columns(pl.date_ranges("start", pl.lit(end), interval="1mo").alias("month")).explode("month")
    full = grid.join(agg, on=["product_id", "market", "month"], how="left").with_columns(pl.col("y").fill_null(0.0))
    full = full.sort("product_id", "market", "month").with_columns(
        (pl.col("product_id") + "|" + pl.col("market")).alias("series_id"),
        pl.int_range(pl.len()).over("product_id", "market").alias("t"),
    )
    return full


def _fx(currency: str, on: Any, db: Path | None) -> float:
    if currency == "CNY":
        return 1.0
    from qiankua.services.routing import fx_table

    return fx_table(on, (currency,), db)[currency]


def _quote(ref: Any, db: Path | None, **req: Any) -> dict[str, Any] | None:
    from qiankua.services.costing import quote_many

    result = quote_many([req], ref, db=db)[0].to_dict()
    return result if result.get("ok") and result.get("status") == "ok" else None


def _linehaul(product: Any, market: str, on: Any) -> tuple[list[Any], float, list[str]]:
    """Consignment cost and days for several shipment sizes (routing engine, b2b freight)."""
    from qiankua.services.routing import logistics_for_quote
    from qiankua.warehouse.channels import LineHaulPoint

    points = []
    flags: list[str] = []
    days = []
    for units in LINEHAUL_UNITS:
        upc = max(int(product.units_per_carton or 1), 1)
        cartons = math.ceil(units / upc)
        c = product.carton
        vol = cartons * c.length_cm * c.width_cm * c.height_cm / 1e6
        kg = cartons * c.gross_kg
        r = logistics_for_quote(origin=product.origin_adcode, market=market, weight_kg=kg, volume_m3=vol,
                                pieces=cartons, product_id=product.id, service=BULK_SERVICE, on=on, b2b=True,
                                product=product)  # fmt: skip
        if not r.get("feasible"):
            flags.append(f"infeasible:linehaul_{units}")
            continue
        points.append(LineHaulPoint(units=float(units), cost_cny=float(r["logistics_cny"]), days=float(r["days"])))
        days.append(float(r["days"]))
        if r.get("confidence") == "unconfirmed":
            flags.append("estimate:linehaul_rates")
    return points, (float(np.std(days)) if days else 0.0), sorted(set(flags))


np: Any = None  # numpy, imported on first use (kept out of the CLI's start-up)


def plan_document(f: dict[str, Any], db: Path | None) -> dict[str, Any]:
    """Build the plan document (see :func:`plan`)."""
    global np
    import datetime as dt

    import numpy
    import polars as pl

    np = numpy
    from qiankua.services.products import user_catalogue
    from qiankua.warehouse.channels import ChannelInputs, EntryFee, WarehouseFees
    from qiankua.warehouse.decision import decide
    from qiankua.warehouse.fees import entry_fees, fba_fee, storage_rate, threepl_rates
    from qiankua.warehouse.forecast import forecast_table, sample_paths
    from qiankua.warehouse.policy import newsvendor_normal, policy
    from qiankua.warehouse.simulate import calibrate_reorder_point, monthly_to_periods, simulate

    level = float(f["service_level"])
    if not 0.5 <= level < 1:
        raise InvalidInputError(f"Expected `service_level` in [0.5, 1), got {level}.")
    rate = float(f["discount_rate"])
    if not 0 <= rate <= 1:
        raise InvalidInputError(f"Expected `discount_rate` between 0 and 1, got {rate}.")
    catalogue = user_catalogue(db)
    ref = catalogue.ref
    products = set(ref.products["id"].to_list())
    sales, origin = load_sales(f["sales_file"], db, ref, products)
    if f["sku"]:
        if f["sku"] not in products:
            ref.product(str(f["sku"]))  # raises with the nearest ids
        sales = sales.filter(pl.col("product_id") == f["sku"])
    if f["market"]:
        market = str(f["market"]).upper()
        if market not in set(ref.market_codes):
            raise InvalidInputError(
                f"Unknown market {f['market']!r}; expected an ISO alpha-2 code of the markets table."
            )
        sales = sales.filter(pl.col("market") == market)
    on = dt.date.fromisoformat(f["date"]) if f["date"] else dt.date.today()
    doc: dict[str, Any] = {
        "ok": True,
        "date": on,
        "sales_source": origin,
        "synthetic_sample": origin == "sample",
        "service_level": level,
        "discount_rate": rate,
        "items": [],
    }
    if sales.height == 0:
        return doc
    series = monthly(sales)
    fc = forecast_table(series.select("series_id", "t", "y"), h=HORIZON)
    tables = {n: pl.read_csv(Path(ref.data_dir) / f"{n}.csv", infer_schema=False)
              for n in ("warehouse_fba_fees", "warehouse_fba_tiers", "warehouse_fees")}  # fmt: skip
    for sid in fc.summary["series_id"].to_list():
        sku, market = sid.split("|")
        product = ref.product(sku)
        s = fc.series(sid)
        hist = series.filter(pl.col("series_id") == sid)
        lines = sales.filter((pl.col("product_id") == sku) & (pl.col("market") == market))
        currency = str(lines["currency"].mode().sort()[0])
        price = float((lines["unit_price"].cast(pl.Float64) * lines["quantity"]).sum() / lines["quantity"].sum())
        platform = str(lines["channel"].mode().sort()[0])
        flags: list[str] = []
        missing: dict[str, str] = {}
        volume = float(np.mean(s.point[:3]))
        sd_month = float(np.std(s.errors)) if s.errors else math.sqrt(max(volume, 1e-9))
        fx = _fx(currency, on, db)
        q = {"market": market, "product_id": sku, "date": on, "price": price}
        parcel = _quote(ref, db, **q, quantity=1, mode="9610", service=PARCEL_SERVICE, platform=platform)
        bulk = _quote(ref, db, **q, quantity=500, mode="9810", service=BULK_SERVICE, platform=platform)
        b2b_price = None if f["b2b_price_ratio"] is None else price * float(f["b2b_price_ratio"])
        b2b = _quote(ref, db, **{**q, "price": b2b_price or price}, quantity=500, mode="9710", service=BULK_SERVICE,
                     platform="b2b")  # fmt: skip
        if parcel is None:
            missing["9610"] = "no_parcel_quote"
        if b2b_price is None:
            flags.append("missing:b2b_price")
        if product.carton is None:
            raise InvalidInputError(
                f"Product {sku!r} has no carton size; add carton_l_cm/w/h and carton_gross_kg to your products table."
            )
        points, lt_sd, lflags = _linehaul(product, market, on)
        flags += lflags
        uv = product.unit_value
        unit_cny = float(uv.amount) * (1.0 if uv.currency == "CNY" else _fx(uv.currency, on, db))
        c = product.carton
        dims = (c.length_cm, c.width_cm, c.height_cm)
        upc = max(int(product.units_per_carton or 1), 1)
        unit_vol = dims[0] * dims[1] * dims[2] / 1e6 / upc
        unit_dims = tuple(d / upc ** (1 / 3) for d in dims)
        fba = fba_fee(tables["warehouse_fba_fees"], tables["warehouse_fba_tiers"], tables["warehouse_fees"],
                      market=market, dims_cm=unit_dims, weight_kg=float(product.unit_gross_kg), price=price, on=on)  # fmt: skip
        flags += [f"fba:{x}" for x in fba.flags]
        flags.append("estimate:unit_package_from_carton")
        warehouses: dict[str, WarehouseFees] = {}
        fba_fx = 1.0 if fba.currency in (None, currency) else _fx(str(fba.currency), on, db) / fx
        st_fba, st_cur, sflags = storage_rate(tables["warehouse_fees"], market=market, warehouse="fba", on=on)
        flags += [f"fba:{x}" for x in sflags]
        st_fx = 1.0 if st_cur in (None, currency) else _fx(str(st_cur), on, db) / fx
        warehouses["fba"] = WarehouseFees(
            fulfilment=None if fba.fee is None else fba.fee * fba_fx,
            storage_per_m3_month=None if st_fba is None else st_fba * st_fx,
        )
        if fba.fee is None:
            missing["9810_fba"] = "no_fba_card"
        tp: dict[str, Any] = threepl_rates(
            tables["warehouse_fees"], market=market, weight_kg=float(product.unit_gross_kg), on=on
        )
        st_3pl, _st3_cur, s3flags = storage_rate(tables["warehouse_fees"], market=market, warehouse="3pl", on=on)
        flags += [f"3pl:{x}" for x in [*tp["flags"], *s3flags]]
        tp_fx = 1.0 if tp["currency"] in (None, currency) else _fx(str(tp["currency"]), on, db) / fx
        warehouses["3pl"] = WarehouseFees(
            fulfilment=None if tp["pick_pack"] is None else float(tp["pick_pack"]) * tp_fx,
            storage_per_m3_month=None if st_3pl is None else st_3pl * tp_fx,
            receiving=None if tp["receiving_per_carton"] is None else float(tp["receiving_per_carton"]) * tp_fx / upc,
            last_mile=None if tp["last_mile"] is None else float(tp["last_mile"]) * tp_fx,
        )
        mine = _user_3pl(db, market, float(product.unit_gross_kg), on)
        if mine is not None:  # the user's own 3PL price list replaces the built-in schedule
            cur_fx = 1.0 if mine["currency"] == currency else _fx(str(mine["currency"]), on, db) / fx
            tp = {**mine, "flags": [f"user:3pl_rates:{mine['provider']}"]}
            st_3pl, tp_fx = mine["storage_m3_month"], cur_fx
            flags.append(f"user:3pl_rates:{mine['provider']}")
            warehouses["3pl"] = WarehouseFees(
                fulfilment=None if mine["pick_pack"] is None else mine["pick_pack"] * cur_fx,
                storage_per_m3_month=None if st_3pl is None else st_3pl * cur_fx,
                receiving=None if mine["receiving_per_carton"] is None else mine["receiving_per_carton"] * cur_fx / upc,
                last_mile=None if mine["last_mile"] is None else mine["last_mile"] * cur_fx,
            )
        if tp["last_mile"] is None or tp["pick_pack"] is None or st_3pl is None:
            missing["9810_3pl"] = "3pl_incomplete"
        mode = "sea" if BULK_SERVICE.startswith("sea") else BULK_SERVICE
        efees, eflags = entry_fees(tables["warehouse_fees"], market=market, mode=mode, on=on)
        flags += [f"entry:{x}" for x in eflags]
        entry = tuple(
            EntryFee(name=str(e["name"]), rate=float(e["rate"]),
                     minimum=e["minimum"] * (_fx(str(e["currency"]), on, db) / fx) if e["minimum"] is not None else None,
                     maximum=e["maximum"] * (_fx(str(e["currency"]), on, db) / fx) if e["maximum"] is not None else None)
            for e in efees
        )  # fmt: skip
        if not efees:
            flags.append("missing:formal_entry_fees")
        flags.append("missing:customs_broker_fee")
        bulk_var = None
        if bulk is not None:
            logistics = pu(bulk, "first_mile") + pu(bulk, "line_haul") + pu(bulk, "last_mile")
            bulk_var = pu(bulk, "total_cost") - logistics
            flags += [f"costing:{x}" for x in bulk.get("flags", [])]
            if bulk.get("unconfirmed"):
                flags.append("costing:unconfirmed_rules")
        else:
            missing["9810_fba"] = missing.get("9810_fba", "no_bulk_quote")
        inp = ChannelInputs(
            sku=sku, market=market, currency=currency, fx=fx, price=price, unit_cost_cny=unit_cny,
            unit_volume_m3=unit_vol, customs_value=(bulk or {}).get("customs_value_cny", unit_cny) / fx if bulk else unit_cny / fx,
            parcel_cost_cny=None if parcel is None else pu(parcel, "total_cost"),
            parcel_logistics_cny=0.0 if parcel is None else pu(parcel, "line_haul") + pu(parcel, "first_mile") + pu(parcel, "last_mile"),
            parcel_days=None if parcel is None else (parcel.get("route") or {}).get("days"),
            bulk_variable_cny=bulk_var, linehaul=tuple(points), lead_time_sd_days=lt_sd, entry_fees=entry,
            warehouses=warehouses,
            b2b_cost_cny=None if b2b is None else pu(b2b, "total_cost"), b2b_price=b2b_price,
            discount_rate=rate, demand_cv=sd_month / max(volume, 1e-9), z=_z(level), flags=tuple(sorted(set(flags))),
        )  # fmt: skip
        decision = decide(inp, volume, missing=missing)
        item = {
            "sku": sku,
            "market": market,
            "platform": platform,
            "currency": currency,
            "price": price,
            "fx_cny_per_unit": fx,
            "synthetic_sample": origin == "sample",
            "history": {"months": [str(m) for m in hist["month"].to_list()], "units": hist["y"].to_list()},
            "forecast": _forecast_doc(s),
            "monthly_volume": volume,
            "decision": _decision_doc(decision),
            "flags": list(inp.flags),
        }
        wh = decision.recommended if (decision.recommended or "").startswith("9810") else _best_warehouse(decision)
        if wh is not None and wh in decision.channels:
            lines_ = decision.channels[wh]["lines"]
            lead = float(lines_["lead_days"])
            qty = float(lines_["shipment_qty"])
            daily = volume / (365.0 / 12)
            sd_daily = sd_month / math.sqrt(365.0 / 12)
            pol = policy(mean_demand=daily, sd_demand=sd_daily, lead_time=lead, lead_time_sd=lt_sd, service_level=level,
                         order_qty=max(qty, 1.0))  # fmt: skip
            paths = monthly_to_periods(sample_paths(s, n_paths=int(f["n_paths"]), seed=1), periods_per_month=30, seed=1)
            sim = simulate(paths, lead_time=lead, lead_time_sd=lt_sd, reorder_point=pol.reorder_point,
                           order_qty=max(qty, 1.0), warmup=0, seed=1)  # fmt: skip
            # the reorder point the simulation needs for the target (undershoot, monthly shocks): shown next to the formula's
            s_sim, sim_cal = calibrate_reorder_point(paths, target=level, order_qty=max(qty, 1.0), lead_time=lead,
                                                     lead_time_sd=lt_sd, low=pol.reorder_point * 0.5,
                                                     high=pol.reorder_point + 4 * pol.sigma_lead_time + 1, seed=1)  # fmt: skip
            landed = unit_cny + float(lines_["linehaul"]) + float(lines_["entry"])
            q4 = _q4(s, hist, on, decision.channels[wh], unit_cny, rate)
            item["replenishment"] = {
                "channel": wh,
                "route": {"service": BULK_SERVICE, "lead_days": lead, "lead_days_sd": lt_sd},
                "policy": asdict(pol),
                "ship_every_days": max(qty, 1.0) / max(daily, 1e-9),
                "simulation": {k: v for k, v in asdict(sim).items() if not k.startswith("on_hand_")},
                "reorder_point_simulated": {
                    "reorder_point": s_sim,
                    "cycle_service": sim_cal.cycle_service,
                    "fill_rate": sim_cal.fill_rate,
                    "average_on_hand": sim_cal.average_on_hand,
                    "rule": "smallest reorder point whose simulated cycle service reaches the target (same paths)",
                },
                "stock_projection": {
                    "day": list(range(sim.periods)),
                    "mean": sim.on_hand_mean,
                    "p10": sim.on_hand_p10,
                    "p90": sim.on_hand_p90,
                },
                "cash_in_stock_cny": {
                    "unit_landed_cny": landed,
                    "in_transit_avg": daily * lead * landed,
                    "on_hand_avg": sim.average_on_hand * landed,
                    "on_hand_mean_by_day": [v * landed for v in sim.on_hand_mean],
                },
                "newsvendor_q4": q4,
            }
            if q4 is not None:
                nv = newsvendor_normal(**q4["inputs"])
                q4["result"] = asdict(nv)
        doc["items"].append(item)
    return doc


def _user_3pl(db: Path | None, market: str, weight_kg: float, on: Any) -> dict[str, Any] | None:
    """The user's imported 3PL price list (``user.warehouse_rates``) for ``market`` on ``on``: the first
    provider's rows in force; storage per m3 and month (a per-day rate x 365/12, its youngest age band)."""
    if db is None or not Path(db).is_file():
        return None
    import polars as pl

    from qiankua.store import Store

    with Store(db, read_only=True) as store:
        rows = store.frame("warehouse_rates")
    rows = rows.filter(
        (pl.col("market") == market)
        & (pl.col("valid_from") <= on)
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") > on))
    )
    if rows.height == 0:
        return None
    provider = sorted(rows["provider"].unique().to_list())[0]
    rows = rows.filter(pl.col("provider") == provider)

    def first(fee: str, *, by_weight: bool = False) -> float | None:
        part = rows.filter(pl.col("fee") == fee)
        if by_weight:
            part = part.filter(pl.col("weight_to_kg").is_null() | (pl.col("weight_to_kg") >= weight_kg))
            part = part.sort("weight_to_kg", nulls_last=True)
        else:
            part = part.sort("age_from_days", nulls_last=False)
        return None if part.height == 0 else float(part["amount"][0])

    day, month = first("storage_m3_day"), first("storage_m3_month")
    return {
        "provider": provider,
        "currency": rows["currency"][0],
        "receiving_per_carton": first("receiving_carton"),
        "pick_pack": first("pick_pack_unit", by_weight=True),
        "last_mile": first("last_mile_unit", by_weight=True),
        "storage_m3_month": month if month is not None else (None if day is None else day * 365.0 / 12),
    }


def pu(row: dict[str, Any], key: str) -> float:
    """A per-unit CNY line of a costing quote document."""
    return float(row["per_unit_cny"][key])


def _z(level: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(level)


def _best_warehouse(decision: Any) -> str | None:
    options = [(v["unit_cost_cny"], k) for k, v in decision.channels.items() if k.startswith("9810")]
    return min(options)[1] if options else None


def _q4(s: Any, hist: Any, on: Any, channel: dict[str, Any], unit_cny: float, rate: float) -> dict[str, Any] | None:
    """Newsvendor inputs for the Oct-Dec season covered by the forecast: mean = forecast units over the
    season's months, sd from the back-test errors; leftover cost = a year of storage + cash, shortage =
    the margin per unit."""
    import datetime as dt

    last = hist["month"].max()
    months = []
    for i in range(len(s.point)):
        y, m = divmod(last.month + i, 12)
        months.append(dt.date(last.year + y, m + 1, 1))
    idx = [i for i, m in enumerate(months) if m.month in (10, 11, 12)]
    if not idx or channel.get("margin_cny") is None:
        return None
    mean = float(sum(s.point[i] for i in idx))
    sd_m = float(np.std(s.errors)) if s.errors else math.sqrt(max(mean / len(idx), 1e-9))
    lines = channel["lines"]
    vol_m = max(1e-9, float(lines["shipment_qty"]))
    storage_year = float(lines["storage"]) * 12 if vol_m else 0.0
    return {
        "months": [str(months[i]) for i in idx],
        "inputs": {
            "mean": mean,
            "sd": sd_m * math.sqrt(len(idx)),
            "unit_holding": storage_year + unit_cny * rate,
            "unit_shortage": max(float(channel["margin_cny"]), 0.0),
        },
        "rule": "leftover = one more year of storage + cash on the unit cost; shortage = lost margin per unit",
    }


def _forecast_doc(s: Any) -> dict[str, Any]:
    d = asdict(s)
    d["lower"] = {str(k): v for k, v in s.lower.items()}
    d["upper"] = {str(k): v for k, v in s.upper.items()}
    return d


def _decision_doc(d: Any) -> dict[str, Any]:
    return {
        "recommended": d.recommended,
        "reasons": list(d.reasons),
        "channels": d.channels,
        "missing": d.missing,
        "break_even": d.break_even,
        "curve": d.curve,
        "sensitivity": list(d.sensitivity),
    }


def plan(fields: dict[str, Any], db: Path | None = None) -> dict[str, Any]:
    """``qiankua warehouse plan``: per SKU x market, the forecast, the unit cost and margin of each channel
    (9610 / 9810 FBA / 9810 3PL / 9710), the break-even volumes, the recommendation with its reasons
    and sensitivity, and a replenishment plan checked by simulation. Sales come from ``sales_file``,
    else the database's ``sales`` table, else the bundled SYNTHETIC sample (``synthetic_sample`` true)."""
    return plan_document(_fields(fields, PLAN_FIELDS, ()), db)


def plan_pairs(db: Path | None = None) -> dict[str, Any]:
    """The SKU x market pairs the plan can assess (from the database's sales, else the synthetic sample)."""
    import polars as pl

    from qiankua.services.products import user_catalogue

    ref = user_catalogue(db).ref
    sales, origin = load_sales(None, db, ref, set(ref.products["id"].to_list()))
    # the best-selling pair first: the page opens on it
    pairs = (
        sales.group_by("product_id", "market")
        .agg(pl.col("quantity").sum().alias("units"))
        .sort(["units", "product_id", "market"], descending=[True, False, False])
        .select("product_id", "market")
    )
    return {"sales_source": origin, "synthetic_sample": origin == "sample", "pairs": pairs.rows()}


def demo_plan(ref: Any = None, store: Any = None) -> dict[str, Any]:
    """The demo's warehouse plan: every pair of the bundled SYNTHETIC sample on a fixed date."""
    return plan({"date": DEMO_DATE, "b2b_price_ratio": None, "n_paths": 200}, None)


DEMO_DATE = "2026-12-01"
