"""Correspondence analysis against a solution computed by hand and a published one."""

import numpy as np
import pandas as pd
import pytest

from helpers.correspondence import correspondence, group_table, top_rows

# Greenacre's smoking table (staff group × smoking): Greenacre (1984), used by R's ca package as `smoke`.
SMOKE = pd.DataFrame(
    [[4, 2, 3, 2], [4, 3, 7, 4], [25, 10, 12, 4], [18, 24, 33, 13], [10, 6, 7, 2]],
    index=["SM", "JM", "SE", "JE", "SC"],
    columns=["none", "light", "medium", "heavy"],
)
# Principal inertias published for it (Greenacre 2017, ch. 4; R ca::ca(smoke)), to the digits printed there.
PUBLISHED_EIGENVALUES = [0.07476, 0.01002, 0.00041]


def by_hand(table: pd.DataFrame):
    """CA through the SVD of the standardized residuals, written out: eigenvalues, row and column principal
    coordinates."""
    p = table.to_numpy(float) / table.to_numpy().sum()
    r, c = p.sum(axis=1), p.sum(axis=0)
    s = (p - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    u, sigma, vt = np.linalg.svd(s, full_matrices=False)
    k = min(p.shape) - 1
    rows = u * sigma / np.sqrt(r)[:, None]  # F = D_r^{-1/2} U Σ
    cols = vt.T * sigma / np.sqrt(c)[:, None]  # G = D_c^{-1/2} V Σ
    return sigma[:k] ** 2, rows[:, :k], cols[:, :k]


def test_eigenvalues_and_coordinates_agree_with_the_svd_by_hand_up_to_sign():
    eig, rows, cols = by_hand(SMOKE)
    result = correspondence(SMOKE, n_axes=3, row_kind="staff")
    np.testing.assert_allclose(result.inertia["eigenvalue"], eig, atol=1e-6)
    np.testing.assert_allclose(result.inertia["eigenvalue"], PUBLISHED_EIGENVALUES, atol=6e-6)
    assert result.total_inertia == pytest.approx(eig.sum(), abs=1e-9)
    points = result.coordinates
    for k in range(3):
        ours_r = points.loc[points.kind == "staff", f"dim_{k + 1}"].to_numpy()
        ours_c = points.loc[points.kind == "group", f"dim_{k + 1}"].to_numpy()
        sign = np.sign(ours_c @ cols[:, k])  # one sign per axis, shared by rows and columns
        np.testing.assert_allclose(ours_r, sign * rows[:, k], atol=1e-6)
        np.testing.assert_allclose(ours_c, sign * cols[:, k], atol=1e-6)


def test_contributions_and_qualities_add_up():
    points = correspondence(SMOKE, n_axes=3, row_kind="staff").coordinates
    for kind in ("staff", "group"):
        part = points[points.kind == kind]
        np.testing.assert_allclose(part[["ctr_1", "ctr_2", "ctr_3"]].sum(), 1.0, atol=1e-9)
        np.testing.assert_allclose(part[["cos2_1", "cos2_2", "cos2_3"]].sum(axis=1), 1.0, atol=1e-9)
    # the group with the largest |coordinate| lies on the positive side of each axis
    groups = points[points.kind == "group"]
    for k in (1, 2, 3):
        assert groups[f"dim_{k}"].iloc[groups[f"dim_{k}"].abs().argmax()] > 0


def test_two_groups_give_one_axis_and_one_group_gives_nothing():
    two = correspondence(SMOKE.iloc[:, :2])
    assert list(two.inertia["axis"]) == [1]
    assert "dim_2" not in two.coordinates.columns
    one = correspondence(SMOKE.iloc[:, :1])
    assert one.inertia.empty and one.coordinates.empty


def test_group_table_sums_reports_of_a_group_and_top_rows_rule():
    counts = pd.DataFrame(
        {
            "report_id": ["a", "a", "b", "b", "c", "c", "d"],
            "term": ["x", "y", "x", "z", "y", "z", "x"],
            "count": [5, 1, 2, 3, 4, 1, 9],
        }
    )
    groups = pd.Series({"a": "G2", "b": "G2", "c": "G1"})  # report d has no group: left out
    table = group_table(counts, "term", groups)
    assert list(table.columns) == ["G2", "G1"]
    assert table.loc["x"].tolist() == [7, 0] and table.loc["y"].tolist() == [1, 4]
    # totals x 7, y 5, z 4: min_count 5 keeps x and y; n=1 keeps the most frequent only
    assert list(top_rows(table, n=10, min_count=5).index) == ["x", "y"]
    assert list(top_rows(table, n=1, min_count=1).index) == ["x"]
