"""Product space and economic complexity for any location x product x year table (issue 16 item 2).

Measures, per year, on the location x product matrix of export values ``X`` (countries, provinces or
counties; HS products or any product code):

- RCA (Balassa): ``RCA_cp = (X_cp / X_c) / (X_p / X)``; presence ``M_cp = 1`` when ``RCA_cp > threshold``
  (strictly greater, as the Stata ``ecomplexity`` command; the Python package uses ``>=``; the two differ
  only on an RCA exactly equal to the threshold).
- diversity ``k_c = sum_p M_cp``, ubiquity ``k_p = sum_c M_cp``.
- proximity by minimum conditional probability ``phi_pp' = sum_c M_cp M_cp' / max(k_p, k_p')`` with a zero
  diagonal (Stata ``proxdiscrete``: ``... - I(Np)``).
- density ``d_cp = sum_p' M_cp' phi_pp' / sum_p' phi_pp'``.
- ECI and PCI by the eigenvector method: ``PCI`` is the eigenvector of
  ``Mtilde_pp' = sum_c M_cp M_cp' / (k_c k_p)`` for the second-largest eigenvalue, ``ECI_c = sum_p M_cp PCI_p
  / k_c``; the sign makes ECI correlate positively with diversity. Standardisation as the Growth Lab
  ``ecomplexity`` command: ECI and PCI both use ECI's mean and standard deviation, COG is divided by that
  standard deviation, COI is z-scored. The mean and standard deviation are those Stata's ``summarize`` gives
  on the long table (one row per location x product, sample standard deviation), so that the results agree
  with the published Stata output; the Python package uses the population standard deviation over locations
  (a factor ``sqrt(C / (C - 1/P))`` apart).
- COI ``sum_p d_cp (1 - M_cp) PCI_p`` and COG ``(1 - M_cp) sum_p' (1 - M_cp') phi_p'p PCI_p' / sum_p'' phi_p'p''``
  with the unstandardised PCI, as the Stata ``coicog``.

The eigenvector is computed on the smaller side of the bipartite matrix with a symmetric solver: the
non-zero eigenvalues of ``Mtilde`` (products) and of its location twin are the same, and both matrices are
similar to symmetric ones, so ``numpy.linalg.eigh`` on a ``min(C, P)`` square replaces a general
eigen-solver on ``P x P``; any positive rescaling of the eigenvector cancels in the standardisation.

Density and COG never form the ``P x P`` proximity matrix (see :class:`_ProductSpace`): with the products
in ascending order of ubiquity, ``max(k_p, k_p')`` is the ubiquity of the later one, and the co-occurrence
``sum_c M_cp M_cp'`` factorises through the locations, so running sums over blocks of products give
``phi @ A`` in ``O(R C P)`` operations and ``O(P)`` memory instead of ``O(R P^2)`` and ``P^2`` (200 locations x
5,000 products: about 5x fewer floating-point operations and no 200 MB matrix per year); the results are those
of the dense products up to rounding (within 1e-13 of each measure's scale). :attr:`YearComplexity.proximity` forms the matrix
when it is asked for. BLAS runs on one thread while a year is computed (:class:`_OneBlasThread`).

Locations or products whose total export value in a year is zero (or missing) take no part in that year,
as in the reference implementation; they are reported in :attr:`YearComplexity.dropped_locations` /
``dropped_products``. Rows of the same location x product x year are summed (e.g. several partners).

Pure: numpy and polars (and threadpoolctl, when installed, to hold BLAS to one thread).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from qiankua.exceptions import InvalidInputError

__all__ = [
    "COLUMNS",
    "ComplexityResult",
    "YearComplexity",
    "complexity",
    "complexity_matrix",
    "proximity_edges",
]

# one row per location x product x year, in this order (the CLI's and the API's keys)
COLUMNS: tuple[str, ...] = (
    "year",
    "location",
    "product",
    "export_value",
    "rca",
    "m",
    "density",
    "eci",
    "pci",
    "diversity",
    "ubiquity",
    "coi",
    "cog",
)

F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class YearComplexity:
    """The measures of one year on its location x product matrix (rows ``locations``, columns ``products``)."""

    year: Any
    locations: tuple[str, ...]
    products: tuple[str, ...]
    export_value: F64  # C x P (0 where the input had no row)
    rca: F64  # C x P
    m: NDArray[np.int8]  # C x P, 0/1
    diversity: NDArray[np.int64]  # C
    ubiquity: NDArray[np.int64]  # P
    density: F64  # C x P
    eci: F64  # C (NaN where diversity is 0)
    pci: F64  # P (NaN where ubiquity is 0)
    coi: F64  # C
    cog: F64  # C x P
    eigenvalue: float  # the second-largest eigenvalue used (NaN when none)
    dropped_locations: tuple[str, ...] = ()
    dropped_products: tuple[str, ...] = ()

    @property
    def proximity(self) -> F64:
        """P x P, symmetric, zero diagonal (formed on each access: 200 MB at 5,000 products)."""
        return _proximity(self.m.astype(bool), self.ubiquity.astype(np.float64))

    def frame(self) -> pl.DataFrame:
        """One row per location x product, with the :data:`COLUMNS` keys."""
        c, p = self.rca.shape
        at_c = np.repeat(np.arange(c, dtype=np.uint32), p)
        at_p = np.tile(np.arange(p, dtype=np.uint32), c)
        return pl.DataFrame(
            [
                pl.Series("year", [self.year]).new_from_index(0, c * p) if c * p else pl.Series("year", []),
                pl.Series("location", self.locations, dtype=pl.String).gather(at_c),
                pl.Series("product", self.products, dtype=pl.String).gather(at_p),
                pl.Series("export_value", self.export_value.ravel()),
                pl.Series("rca", self.rca.ravel()),
                pl.Series("m", self.m.ravel(), dtype=pl.Int8),
                pl.Series("density", self.density.ravel()),
                pl.Series("eci", np.repeat(self.eci, p)),
                pl.Series("pci", np.tile(self.pci, c)),
                pl.Series("diversity", np.repeat(self.diversity, p), dtype=pl.Int64),
                pl.Series("ubiquity", np.tile(self.ubiquity, c), dtype=pl.Int64),
                pl.Series("coi", np.repeat(self.coi, p)),
                pl.Series("cog", self.cog.ravel()),
            ]
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplexityResult:
    """All years: :attr:`years` in ascending order and the long :meth:`frame`."""

    years: tuple[YearComplexity, ...]
    rca_threshold: float
    input_rows: int
    merged_rows: int = 0  # input rows summed into another of the same location x product x year
    notes: tuple[str, ...] = field(default=())

    def frame(self) -> pl.DataFrame:
        frames = [y.frame() for y in self.years]
        if not frames:
            return pl.DataFrame(schema=dict.fromkeys(COLUMNS, pl.Float64))
        return pl.concat(frames, how="vertical_relaxed")

    def year(self, year: Any) -> YearComplexity:
        for item in self.years:
            if item.year == year:
                return item
        raise InvalidInputError(f"No year {year!r} in the table; it has {[y.year for y in self.years]}.")

    def summary(self) -> dict[str, Any]:
        return {
            "rca_threshold": self.rca_threshold,
            "input_rows": self.input_rows,
            "merged_rows": self.merged_rows,
            "years": [
                {
                    "year": y.year,
                    "locations": len(y.locations),
                    "products": len(y.products),
                    "eigenvalue": y.eigenvalue,
                    "dropped_locations": list(y.dropped_locations),
                    "dropped_products": list(y.dropped_products),
                }
                for y in self.years
            ],
        }


# ---------------------------------------------------------------------------- one matrix


def _stata_moments(values: F64, repeat: int) -> tuple[float, float]:
    """Mean and sample standard deviation Stata's ``summarize`` gives when each of ``values`` (NaN ignored)
    occurs ``repeat`` times in the long table."""
    finite = values[np.isfinite(values)]
    n = finite.size * repeat
    if n < 2:
        return float("nan"), float("nan")
    mean = float(finite.mean())
    ss = float(((finite - mean) ** 2).sum()) * repeat
    return mean, float(np.sqrt(ss / (n - 1)))


def _proximity(m: NDArray[np.bool_], ubiquity: F64, block: int = 512) -> F64:
    """Co-occurrence over the larger ubiquity, zero diagonal (P x P, float64).

    The counts are exact integers, so they are formed in float32 (twice the speed) and divided in
    float64 in row blocks (no P x P temporary); a pair of products with ubiquity 0 gets 0.
    """
    m32 = m.astype(np.float32)
    counts = m32.T @ m32
    u = np.maximum(ubiquity, 1.0)
    p = u.size
    phi = np.empty((p, p), dtype=np.float64)
    for i in range(0, p, block):
        j = min(i + block, p)
        np.divide(counts[i:j], np.maximum(u[i:j, None], u[None, :]), out=phi[i:j])
    np.fill_diagonal(phi, 0.0)
    return phi


@cache
def _blas_controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController  # installed with statsforecast
    except ImportError:  # pragma: no cover - then BLAS keeps its own thread count
        return None
    return ThreadpoolController()


class _OneBlasThread:
    """BLAS on one thread while a year is computed (a context manager; re-entrant and thread-safe).

    The matrix products here are small (at most ``2C x C`` by a block of products); on a loaded machine
    OpenBLAS's second thread spins waiting for the first: measured on the shared 2-core machine at load
    average 11-13, the products of one year of 200 x 5,000 took 5-10x the CPU time and 4-10x the wall time
    with two BLAS threads. BLAS has no per-call thread count, so the limit is process-wide (threadpoolctl):
    the first caller in sets it, the last one out restores the original count.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._limiter: Any = None

    def __enter__(self) -> None:
        with self._lock:
            controller = _blas_controller()
            if self._users == 0 and controller is not None:
                self._limiter = controller.limit(limits=1, user_api="blas")
            self._users += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0 and self._limiter is not None:
                self._limiter.restore_original_limits()
                self._limiter = None


_one_blas_thread = _OneBlasThread()


class _ProductSpace:
    """``phi @ A`` for any ``P x R`` matrix ``A`` without forming the ``P x P`` proximity ``phi``.

    Everything here is in product-major layout (products are rows) and in the order :attr:`order`: the
    products by ascending ubiquity ``k`` (ubiquity 0 counts as 1, as in :func:`_proximity`). For products
    ``i`` before ``j``, ``max(k_i, k_j) = k_j``; after ``j``, it is ``k_i``. With ``counts = M^T M``::

        (phi A)_j = (1 / k_j) sum_{i<j} counts_ji A_i + sum_{i>j} counts_ji (A_i / k_i)

    and ``sum_{i<j} counts_ji A_i = M_j^T (sum_{i<j} M_i A_i)`` (``M_i`` the column of product ``i``): a
    running ``C x R`` sum over blocks of products, forwards for the first term and backwards for the second;
    pairs inside one block use the block's own proximity (exact co-occurrence counts, formed in float32 as
    integers < 2^24, divided in float64 as :func:`_proximity` does). Ties in ubiquity give the same ``max``
    either way. Operations ``O(R C P + R B P)`` instead of ``O(R P^2)``; memory ``O(R C + P B)``.
    """

    def __init__(self, mf: F64, ubiquity: F64, block: int = 128) -> None:
        self.order = np.argsort(ubiquity, kind="stable")
        self.k = np.maximum(ubiquity[self.order], 1.0)
        self.mt = np.ascontiguousarray(mf.T)[self.order]  # P x C, sorted
        self.blocks: list[tuple[int, int, F64]] = []  # start, stop, the block's own proximity (B x B)
        for i in range(0, self.k.size, block):
            j = min(i + block, self.k.size)
            m32 = self.mt[i:j].astype(np.float32)
            phi = (m32 @ m32.T).astype(np.float64)
            phi /= np.maximum.outer(self.k[i:j], self.k[i:j])
            np.fill_diagonal(phi, 0.0)
            self.blocks.append((i, j, phi))

    def times(self, a: F64) -> F64:
        """``phi @ a`` for ``a`` (P x R, sorted order); ``a`` is overwritten."""
        out = np.empty_like(a)
        run = np.zeros((self.mt.shape[1], a.shape[1]))  # sum over the blocks before of M_i A_i
        for i, j, phi in self.blocks:
            mj, block = self.mt[i:j], out[i:j]
            np.matmul(mj, run, out=block)
            block /= self.k[i:j, None]
            block += phi @ a[i:j]
            run += mj.T @ a[i:j]
        a /= self.k[:, None]
        run.fill(0.0)  # now the sum over the blocks after of M_i A_i / k_i
        for i, j, _ in reversed(self.blocks):
            mj = self.mt[i:j]
            out[i:j] += mj @ run
            run += mj.T @ a[i:j]
        return out


def _second_eigenvector(mv: F64, d: F64, u: F64) -> tuple[F64, float]:
    """``kp`` (products) of the second-largest eigenvalue of ``Mtilde`` for the valid sub-matrix ``mv``."""
    c, p = mv.shape
    b = mv / np.sqrt(d)[:, None] / np.sqrt(u)[None, :]  # D_c^-1/2 M D_p^-1/2
    if c <= p:
        vals, vecs = np.linalg.eigh(b @ b.T)  # similar to the location matrix
        kc = vecs[:, -2] / np.sqrt(d)
        kp: F64 = (mv.T @ kc) / u
    else:
        vals, vecs = np.linalg.eigh(b.T @ b)  # similar to Mtilde itself
        kp = vecs[:, -2] / np.sqrt(u)
    return kp, float(vals[-2])


def complexity_matrix(
    values: NDArray[Any],
    *,
    locations: Sequence[str],
    products: Sequence[str],
    year: Any = None,
    rca_threshold: float = 1.0,
) -> YearComplexity:
    """The measures of one location x product matrix of export values (rows locations).

    Locations and products with a zero total are dropped first (listed in the result). Raises
    :class:`InvalidInputError` on a negative or non-finite value or a shape that does not match the names.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2 or x.shape != (len(locations), len(products)):
        raise InvalidInputError(
            f"Expected a {len(locations)} x {len(products)} matrix (locations x products), got shape {x.shape}."
        )
    if not np.isfinite(x).all() or (x < 0).any():
        raise InvalidInputError("Expected finite export values >= 0 in the matrix.")
    if not np.isfinite(rca_threshold) or rca_threshold < 0:
        raise InvalidInputError(f"Expected an RCA threshold >= 0, got {rca_threshold!r}.")
    keep_c = x.sum(axis=1) > 0
    keep_p = x.sum(axis=0) > 0
    dropped_c = tuple(str(n) for n, k in zip(locations, keep_c, strict=True) if not k)
    dropped_p = tuple(str(n) for n, k in zip(products, keep_p, strict=True) if not k)
    x = x[keep_c][:, keep_p]
    locs = tuple(str(n) for n, k in zip(locations, keep_c, strict=True) if k)
    prods = tuple(str(n) for n, k in zip(products, keep_p, strict=True) if k)
    c, p = x.shape

    with _one_blas_thread, np.errstate(divide="ignore", invalid="ignore"):
        row = x.sum(axis=1)
        col = x.sum(axis=0)
        rca = x / row[:, None]
        rca /= (col / col.sum())[None, :]
        m = rca > rca_threshold
        mf = m.astype(np.float64)
        diversity = mf.sum(axis=1)
        ubiquity = mf.sum(axis=0)

        space = _ProductSpace(mf, ubiquity)
        order = space.order
        rowsum_s = space.times(np.ones((p, 1)))[:, 0]  # proximity.sum(axis=1), sorted

        # ECI / PCI on the locations and products with at least one M = 1
        valid_c = diversity > 0
        valid_p = ubiquity > 0
        eci = np.full(c, np.nan)
        pci = np.full(p, np.nan)
        eigenvalue = float("nan")
        if valid_c.sum() >= 2 and valid_p.sum() >= 2:
            mv = mf if valid_c.all() and valid_p.all() else mf[valid_c][:, valid_p]
            kp, eigenvalue = _second_eigenvector(mv, diversity[valid_c], ubiquity[valid_p])
            kc = (mv @ kp) / diversity[valid_c]
            corr = np.corrcoef(diversity[valid_c], kc)[0, 1]
            sign = 1.0 if corr > 0 else -1.0  # Stata: 2*(corr > 0) - 1
            eci[valid_c] = sign * kc
            pci[valid_p] = sign * kp

        # density and the COG sum share one product with phi (symmetric), in the sorted product-major layout
        pci_s = np.where(np.isfinite(pci), pci, 0.0)[order]
        weight = pci_s / rowsum_s
        weight[~np.isfinite(weight)] = 0.0
        notm_t = 1.0 - space.mt
        a = np.empty((p, 2 * c))
        a[:, :c] = space.mt
        np.multiply(notm_t, weight[:, None], out=a[:, c:])
        stacked = space.times(a)
        density_t = stacked[:, :c]
        density_t /= rowsum_s[:, None]  # NaN where a product has no proximity to any other
        cog_t = stacked[:, c:]
        cog_t *= notm_t
        gain = density_t * notm_t
        gain[rowsum_s == 0] = 0.0  # NaN density: no proximity to any other product
        coi = pci_s @ gain
        density, cog = np.empty((c, p)), np.empty((c, p))
        density[:, order] = density_t.T
        cog[:, order] = cog_t.T
        coi[~valid_c] = np.nan

        eci_mean, eci_sd = _stata_moments(eci, p)
        coi_mean, coi_sd = _stata_moments(coi, p)
        eci_z, pci_z = (eci - eci_mean) / eci_sd, (pci - eci_mean) / eci_sd
        coi_z, cog_z = (coi - coi_mean) / coi_sd, cog / eci_sd
    return YearComplexity(
        year=year,
        locations=locs,
        products=prods,
        export_value=x,
        rca=rca,
        m=m.astype(np.int8),
        diversity=diversity.astype(np.int64),
        ubiquity=ubiquity.astype(np.int64),
        density=density,
        eci=eci_z,
        pci=pci_z,
        coi=coi_z,
        cog=cog_z,
        eigenvalue=eigenvalue,
        dropped_locations=dropped_c,
        dropped_products=dropped_p,
    )


# ---------------------------------------------------------------------------- a long table


def complexity(
    table: pl.DataFrame,
    *,
    location: str = "location",
    product: str = "product",
    year: str | None = "year",
    value: str = "export_value",
    rca_threshold: float = 1.0,
) -> ComplexityResult:
    """The measures for every year of a long table (one row per location x product x year).

    ``year=None`` treats the table as one period. Missing values count as no export; duplicate
    location x product x year rows are summed. Raises :class:`InvalidInputError` naming the first bad row
    (1-based, in table order) and column.
    """
    cols = [location, product, value] + ([year] if year else [])
    missing = [c for c in cols if c not in table.columns]
    if missing:
        raise InvalidInputError(f"Expected columns {cols}; missing {missing} (the table has {list(table.columns)}).")
    frame = table.select(
        pl.col(location).cast(pl.String).alias("_loc"),
        pl.col(product).cast(pl.String).alias("_prod"),
        (pl.col(year) if year else pl.lit(None)).alias("_year"),
        pl.col(value).cast(pl.Float64, strict=False).alias("_val"),
        pl.col(value).alias("_raw"),
    ).with_row_index("_row", offset=1)
    bad = frame.filter(
        (pl.col("_val").is_null() & pl.col("_raw").is_not_null())
        | (pl.col("_val") < 0)
        | pl.col("_val").is_infinite()
        | pl.col("_val").is_nan()
    )
    if bad.height:
        first = bad.row(0, named=True)
        raise InvalidInputError(
            f"Row {first['_row']}, column {value!r}: expected an export value >= 0, got {first['_raw']!r}."
        )
    for name, key in ((location, "_loc"), (product, "_prod")) + (((year, "_year"),) if year else ()):
        nulls = frame.filter(pl.col(key).is_null())
        if nulls.height:
            raise InvalidInputError(f"Row {nulls['_row'][0]}, column {name!r}: expected a value, got an empty cell.")

    # names coded once over the whole table (sorted, so every year's subset keeps the sorted order)
    loc_names = frame["_loc"].unique().sort()
    prod_names = frame["_prod"].unique().sort()
    coded = frame.select(
        "_year",
        pl.col("_loc").cast(pl.Enum(loc_names)).to_physical().alias("_li"),
        pl.col("_prod").cast(pl.Enum(prod_names)).to_physical().alias("_pi"),
        pl.col("_val").fill_null(0.0),
    )
    parts = sorted(coded.partition_by("_year", as_dict=True).items(), key=lambda kv: _sort_key(kv[0][0]))

    def one_year(item: tuple[tuple[Any, ...], pl.DataFrame]) -> tuple[YearComplexity, int]:
        (yr,), part = item
        li, locs = _recode(part["_li"].to_numpy(), loc_names)
        pi, prods = _recode(part["_pi"].to_numpy(), prod_names)
        cell = li * len(prods) + pi
        size = len(locs) * len(prods)
        flat = np.bincount(cell, weights=part["_val"].to_numpy(), minlength=size)
        merged = part.height - int(np.count_nonzero(np.bincount(cell, minlength=size)))
        matrix = flat.reshape(len(locs), len(prods))
        year_result = complexity_matrix(matrix, locations=locs, products=prods, year=yr, rca_threshold=rca_threshold)
        return year_result, merged

    # one year after the other: running years in parallel threads was measured 3-6x slower (OpenBLAS calls
    # from several threads contend even with one BLAS thread each)
    done = [one_year(item) for item in parts]
    return ComplexityResult(
        years=tuple(y for y, _ in done),
        rca_threshold=rca_threshold,
        input_rows=table.height,
        merged_rows=sum(n for _, n in done),
    )


def _recode(codes: NDArray[Any], names: pl.Series) -> tuple[NDArray[np.int64], list[str]]:
    """Codes into ``names`` -> codes into the (sorted) names that occur, and those names."""
    present = np.bincount(codes, minlength=len(names)) > 0
    index = np.cumsum(present) - 1
    used = np.flatnonzero(present)
    return index[codes], names.gather(used).to_list()


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, value) if value is not None else (1, 0)


def proximity_edges(year: YearComplexity, *, min_proximity: float = 0.0) -> pl.DataFrame:
    """The product space of one year as an edge list ``product_1, product_2, proximity`` (upper triangle)."""
    i, j = np.triu_indices(len(year.products), k=1)
    w = year.proximity[i, j]
    keep = w > min_proximity
    names = np.asarray(year.products, dtype=object)
    return pl.DataFrame(
        {"product_1": names[i[keep]], "product_2": names[j[keep]], "proximity": w[keep]},
        schema={"product_1": pl.String, "product_2": pl.String, "proximity": pl.Float64},
    )
