"""Correspondence analysis (CA) of a contingency table: terms × groups or themes × groups.

CA places the rows (terms or themes) and the columns (groups) of a table of counts on one plane: a row near a
group is over-represented in that group, rows near the origin are used alike everywhere. It decomposes the
table's inertia (its χ² statistic divided by the grand total) into axes; the share of inertia of an axis says
how much of the difference between groups it shows.

Computation (Greenacre 2017, *Correspondence Analysis in Practice*, 3rd ed., ch. 4 and appendix A): with
P = N / n, row masses r, column masses c and D_r, D_c their diagonal matrices, the standardized residuals
S = D_r^{-1/2} (P − r cᵀ) D_c^{-1/2} are decomposed as S = U Σ Vᵀ; the principal inertias (eigenvalues) are
σ_k², the row principal coordinates F = D_r^{-1/2} U Σ, the column principal coordinates G = D_c^{-1/2} V Σ
(a symmetric map: both in principal coordinates), the contribution of row i to axis k is r_i f_ik² / σ_k² and
its squared cosine (quality) f_ik² / Σ_k f_ik². The decomposition is done by ``prince.CA`` (full SVD from
scipy); each axis is oriented so that the group with the largest absolute coordinate is on the positive side.

Input tables come from the build's sparse counts (``frequencies.csv``: report × term counts;
``theme_summary.csv``: coded sentences per report × theme), summed over the reports of each group — never from
the token table. With fewer than two groups (or rows) there is nothing to decompose: the tables are empty.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import prince

N_TERMS = 150  # terms kept for the term map: the most frequent ones…
MIN_COUNT = 3  # …among those occurring at least this often in the corpus
N_AXES = 2


@dataclass(frozen=True)
class CAResult:
    """``inertia``: one row per axis — ``axis`` (1..), ``eigenvalue`` (principal inertia), ``share`` (of the
    total inertia, 0–1), ``cumulative``. ``coordinates``: one row per row then per column of the table —
    ``kind`` (the row kind, e.g. ``term``, or ``group``), ``label``, ``count`` (marginal total), ``mass``
    (share of the grand total), then per axis k: ``dim_k`` (principal coordinate), ``ctr_k`` (contribution to
    the axis, 0–1, summing to 1 within a kind), ``cos2_k`` (squared cosine: how well the axis shows it);
    ``ctr_plane`` (contribution to the plane of the axes, weighted by their eigenvalues). ``total_inertia``:
    Σ of all eigenvalues (= χ² / n)."""

    inertia: pd.DataFrame
    coordinates: pd.DataFrame
    total_inertia: float


def group_table(counts: pd.DataFrame, key: str, groups: pd.Series) -> pd.DataFrame:
    """Rows × groups table of counts from a long per-report table.

    ``counts``: ``report_id``, ``key`` (e.g. ``term``), ``count``. ``groups``: the group of each report
    (index ``report_id``). Rows sorted by ``key``, columns in order of first appearance in ``groups``; reports
    not in ``groups`` are left out.
    """
    rows = counts.assign(group=counts["report_id"].map(groups)).dropna(subset=["group"])
    table = rows.pivot_table(index=key, columns="group", values="count", aggfunc="sum", fill_value=0)
    columns = [g for g in dict.fromkeys(groups) if g in table.columns]
    return table.reindex(columns=columns).sort_index().astype(int)


def top_rows(table: pd.DataFrame, n: int = N_TERMS, min_count: int = MIN_COUNT) -> pd.DataFrame:
    """The rule for the term map: the ``n`` rows with the largest total among those with a total of at least
    ``min_count`` (ties broken by label), in that order. Frequency, not distinctiveness, selects them, so the
    map is not built to show differences."""
    total = table.sum(axis=1)
    kept = total[total >= min_count]
    order = kept.reset_index().set_axis(["label", "total"], axis=1)
    order = order.sort_values(["total", "label"], ascending=[False, True]).head(n)
    return table.loc[order["label"]]


def correspondence(table: pd.DataFrame, n_axes: int = N_AXES, row_kind: str = "term") -> CAResult:
    """CA of a rows × columns table of non-negative counts (rows and columns with a zero total are dropped).

    Returns a :class:`CAResult` with at most ``n_axes`` axes (a table with 2 columns has only one).
    """
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    axes = min(n_axes, min(table.shape) - 1)
    if axes < 1:
        empty = pd.DataFrame(columns=["axis", "eigenvalue", "share", "cumulative"])
        return CAResult(empty, pd.DataFrame(columns=["kind", "label", "count", "mass"]), 0.0)
    x = table.astype(float)
    ca = prince.CA(n_components=axes, engine="scipy").fit(x)
    eig = np.asarray(ca.eigenvalues_)[:axes]
    total = float(ca.total_inertia_)
    rows = _points(ca.row_coordinates(x), ca.row_contributions_, x, row_kind, axes)
    cols = _points(ca.column_coordinates(x), ca.column_contributions_, x.T, "group", axes)
    points = pd.concat([rows, cols], ignore_index=True)
    for k in range(1, axes + 1):  # orientation: the most extreme group on the positive side
        g = cols[f"dim_{k}"]
        if g.iloc[int(np.argmax(g.abs().to_numpy()))] < 0:
            points[f"dim_{k}"] = -points[f"dim_{k}"]
    points["ctr_plane"] = sum(points[f"ctr_{k}"] * eig[k - 1] for k in range(1, axes + 1)) / eig.sum()
    inertia = pd.DataFrame(
        {
            "axis": np.arange(1, axes + 1),
            "eigenvalue": eig,
            "share": eig / total,
            "cumulative": np.cumsum(eig) / total,
        }
    )
    return CAResult(inertia, points, total)


def _points(coords, contributions, x: pd.DataFrame, kind: str, axes: int) -> pd.DataFrame:
    """The rows of ``x`` as points; cos² = f_ik² / d_i², d_i² = Σ_j (p_ij / r_i − c_j)² / c_j the squared
    χ² distance of the profile to the centroid (all axes, not only those kept)."""
    f = coords.to_numpy()[:, :axes]
    count = x.sum(axis=1)
    centroid = x.sum(axis=0).to_numpy() / count.sum()
    d2 = (((x.to_numpy() / count.to_numpy()[:, None]) - centroid) ** 2 / centroid).sum(axis=1)[:, None]
    cos2 = np.divide(f**2, d2, out=np.zeros_like(f), where=d2 > 0)
    out = pd.DataFrame(
        {
            "kind": kind,
            "label": count.index.astype(str),
            "count": count.to_numpy().astype(int),
            "mass": (count / count.sum()).to_numpy(),
        }
    )
    for k in range(axes):
        out[f"dim_{k + 1}"] = f[:, k]
    for k in range(axes):
        out[f"ctr_{k + 1}"] = contributions.to_numpy()[:, k]
    for k in range(axes):
        out[f"cos2_{k + 1}"] = cos2[:, k]
    return out.reset_index(drop=True)
