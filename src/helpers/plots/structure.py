"""Figures of the structure views: correspondence-analysis maps (notebooks 02, 03), co-occurrence networks
and the topic model (07).

Labels never overlap (:func:`_place_labels`): they are placed in order of importance — groups first, then
rows by their contribution to the map, or nodes by frequency — each at the first of a fixed list of positions
around its point that is free, and hidden when none is, so what is dropped is the least important and the
figure is deterministic. A group's label is never dropped: when no near position is free it is moved farther
out, on rings of growing radius, with a thin leader line to its marker. (``adjustText`` was tried first: it
took minutes for 150 labels on a 2-core machine and still left overlaps.)
"""

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib import pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.ticker import LogLocator, NullFormatter, StrMethodFormatter
from matplotlib.transforms import Bbox

from ..config import SEED
from .style import FIG_WIDTH, NEUTRAL, group_colors

ROW_COLOR = "#5A5A5A"
SHARED = "#D9D9D9"  # a node distinctive of no group
N_LABELS = 30
MARKER = 9  # size (points) of a group marker that labels keep clear of
# Label positions tried (points from the point): centred, right/left/above/below, diagonals, then farther
OFFSETS = [(0, 0)] + [
    (f * dx, f * dy)
    for f in (9, 18)
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))
]
# Farther positions for labels that must be shown (with a leader line): 16 directions, rings of 30–150 points
FAR_OFFSETS = [
    (round(r * np.cos(a), 1), round(r * np.sin(a), 1))
    for r in range(30, 151, 12)
    for a in np.linspace(0, 2 * np.pi, 16, endpoint=False)
]


def _place_labels(
    ax: plt.Axes, labels: list[tuple[float, float, str, dict]], avoid=(), required: int = 0
) -> int:
    """Label points without overlap: ``labels`` are ``(x, y, text, text kwargs)`` in order of importance.

    Each label is tried centred on its point, then at ``OFFSETS`` around it, then beside the point (its near
    end next to it, so a long label at the frame's edge fits inside); it takes the first position whose box
    overlaps no label placed before it nor a marker at the data points ``avoid`` (a square of ``MARKER``
    points), and stays inside the axes; it is hidden when there is none (deterministic; the figure's layout
    must be final). The first ``required`` labels also try ``FAR_OFFSETS``, drawn with a
    leader line. Labels get a white halo. Returns the number hidden.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    scale = fig.dpi / 72
    half = MARKER * scale / 2
    kept = [
        Bbox.from_extents(u - half, v - half, u + half, v + half) for u, v in ax.transData.transform(avoid)
    ]
    hidden = 0
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for n, (x, y, label, style) in enumerate(labels):
        text = ax.annotate(label, (x, y), xytext=(0, 0), textcoords="offset points", ha="center", va="center")
        text.update({"zorder": 5, "path_effects": halo} | style)
        box = text.get_window_extent(renderer)
        side = box.width / scale / 2 + 6  # beside the point: the label's near end 6 points from it
        beside = [(sx * side, dy) for dy in (0, 9, -9) for sx in (1, -1)]  # long labels at the frame's edge
        for dx, dy in OFFSETS + beside + (FAR_OFFSETS if n < required else []):
            moved = box.translated(dx * scale, dy * scale)
            inside = (
                frame.x0 <= moved.x0
                and moved.x1 <= frame.x1
                and frame.y0 <= moved.y0
                and moved.y1 <= frame.y1
            )
            if inside and not any(moved.overlaps(other) for other in kept):
                text.set_position((dx, dy))
                if (dx, dy) in FAR_OFFSETS:  # a far position: a leader line from the label to its point
                    line = {"arrowstyle": "-", "color": style.get("color", NEUTRAL), "lw": 0.6, "shrinkB": 4}
                    ax.annotate("", (x, y), xytext=(dx, dy), textcoords="offset points", arrowprops=line)
                kept.append(moved)
                break
        else:
            text.set_visible(False)
            hidden += 1
    return hidden


def ca_map(
    coordinates: pd.DataFrame,
    inertia: pd.DataFrame,
    groups: list[str],
    title: str,
    n_labels: int = N_LABELS,
) -> plt.Figure:
    """The CA map (symmetric biplot): rows as grey dots (area ∝ mass), groups as coloured triangles.

    Labelled: every group, and the ``n_labels`` rows contributing most to the map (``ctr_plane``). With one
    axis (two groups) the map is a strip: x = the axis, y = the row's count (log scale). ``coordinates`` and
    ``inertia`` are :class:`helpers.correspondence.CAResult` tables; ``groups`` gives the colour order.
    """
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 0.75 * FIG_WIDTH))
    if inertia.empty:
        ax.text(
            0.5, 0.5, "Correspondence analysis needs at least two groups", ha="center", transform=ax.transAxes
        )
        ax.set_axis_off()
        return fig
    colors = group_colors(groups)
    two_d = "dim_2" in coordinates.columns
    rows = coordinates[coordinates["kind"] != "group"]
    cols = coordinates[coordinates["kind"] == "group"]
    share = inertia.set_index("axis")["share"]

    def y_of(frame):
        return frame["dim_2"] if two_d else frame["count"]

    ax.scatter(rows["dim_1"], y_of(rows), s=800 * rows["mass"] + 6, color=ROW_COLOR, alpha=0.35, lw=0)
    if two_d:
        ax.axhline(0, color=NEUTRAL, lw=0.5)
        ax.scatter(
            cols["dim_1"], cols["dim_2"], marker="^", s=90, c=[colors[g] for g in cols["label"]], zorder=3
        )
        ax.set_ylabel(f"Axis 2 ({share[2]:.1%} of inertia)")
    else:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))  # 1, 2, 5, 10, 20, 50 … as plain numbers
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        for g, x in zip(cols["label"], cols["dim_1"], strict=True):
            ax.axvline(x, color=colors[g], lw=1.5)
        ax.set_ylabel("Count in the corpus (log scale)")
    ax.axvline(0, color=NEUTRAL, lw=0.5)
    ax.set_xlabel(f"Axis 1 ({share[1]:.1%} of inertia)")
    top_y = ax.get_ylim()[1]
    group_y = cols["dim_2"] if two_d else [top_y] * len(cols)
    bold = {"fontsize": 10, "fontweight": "bold"}
    labels = [
        (x, y, g, bold | {"color": colors[g]})
        for g, x, y in zip(cols["label"], cols["dim_1"], group_y, strict=True)
    ]
    best = rows.sort_values(["ctr_plane", "label"], ascending=[False, True]).head(n_labels)
    labels += [
        (x, y, t, {"fontsize": 9, "color": "#222222"})
        for t, x, y in zip(best["label"], best["dim_1"], y_of(best), strict=True)
    ]
    ax.set_title(f"{title}\n", fontsize=11)  # the second line is written once the labels are placed
    fig.tight_layout()
    avoid = np.column_stack([cols["dim_1"], group_y]) if two_d else ()
    hidden = _place_labels(ax, labels, avoid=avoid, required=len(cols))
    note = f"labelled: every group and the {len(best)} rows contributing most"
    ax.set_title(f"{title}\n{note}" + (f" ({hidden} hidden to avoid overlap)" if hidden else ""), fontsize=11)
    return fig


def network_figure(
    nodes: pd.DataFrame, edges: pd.DataFrame, groups: list[str], title: str, seed: int = SEED
) -> plt.Figure:
    """The co-occurrence network: node area ∝ frequency, fill = the group the term is most distinctive of
    (light grey: none), edge width ∝ Jaccard, solid dark edges inside a community, dashed light ones between
    two communities (membership: the nodes table's ``community``). Labels sit beside their node when there is
    room. Layout: Fruchterman–Reingold (``networkx.spring_layout``, seeded)."""
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 0.8 * FIG_WIDTH))
    ax.set_axis_off()
    if edges.empty:
        ax.text(0.5, 0.5, "No pair of terms shares a sentence", ha="center", transform=ax.transAxes)
        return fig
    graph = nx.Graph()
    graph.add_nodes_from(nodes["term"])
    graph.add_weighted_edges_from(edges[["source", "target", "jaccard"]].itertuples(index=False))
    pos = nx.spring_layout(graph, weight="weight", seed=seed, k=1.6 / np.sqrt(len(nodes)))
    community = dict(zip(nodes["term"], nodes["community"], strict=True))
    colors = group_colors(groups)
    for e in edges.itertuples():
        (x0, y0), (x1, y1) = pos[e.source], pos[e.target]
        same = community[e.source] == community[e.target]
        style = {"color": "#7A7A7A", "ls": "-"} if same else {"color": "#BBBBBB", "ls": "--"}
        ax.plot([x0, x1], [y0, y1], lw=0.8 + 3 * e.jaccard, zorder=1, **style)
    xy = np.array([pos[t] for t in nodes["term"]])
    fill = [colors.get(g, SHARED) if g else SHARED for g in nodes["group"]]
    size = 60 + 900 * nodes["frequency"] / nodes["frequency"].max()
    ax.scatter(xy[:, 0], xy[:, 1], s=size, c=fill, edgecolors="white", linewidths=0.8, zorder=3)
    present = [g for g in groups if g in set(nodes["group"])]
    handles = [
        Line2D([], [], marker="o", ls="", color=colors[g], label=f"distinctive of {g}") for g in present
    ]
    handles.append(Line2D([], [], marker="o", ls="", color=SHARED, label="distinctive of no group"))
    handles.append(Line2D([], [], color="#7A7A7A", label="edge within a community"))
    handles.append(Line2D([], [], color="#BBBBBB", ls="--", label="edge between communities"))
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0), fontsize=8, frameon=False, ncols=4
    )
    n_comm = nodes["community"].nunique()
    sub = f"{len(nodes)} terms, {len(edges)} strongest Jaccard edges, {n_comm} communities"
    ax.set_title(f"{title}\n{sub}", fontsize=11)
    fig.tight_layout()
    order = nodes.sort_values(["frequency", "term"], ascending=[False, True])
    labels = [(*pos[t], t, {"fontsize": 9}) for t in order["term"]]
    hidden = _place_labels(ax, labels, avoid=xy)
    if hidden:
        ax.set_title(f"{title}\n{sub}; {hidden} label(s) hidden to avoid overlap", fontsize=11)
    return fig


def k_choice_figure(grid: pd.DataFrame) -> plt.Figure:
    """Coherence (UMass) and held-out log-likelihood per word for each k of the grid; the chosen k marked."""
    fig, axes = plt.subplots(1, 2, figsize=(FIG_WIDTH, 3.4))
    chosen = grid[grid["chosen"]]
    for ax, col, name in zip(
        axes,
        ["coherence", "heldout_ll"],
        ["Semantic coherence (UMass)", "Held-out log-likelihood per word"],
        strict=True,
    ):
        ax.plot(grid["k"], grid[col], marker="o", color=ROW_COLOR)
        ax.scatter(chosen["k"], chosen[col], s=160, facecolors="none", edgecolors="#D55E00", lw=2, zorder=3)
        ax.set_xticks(grid["k"])
        ax.set_xlabel("number of topics k")
        ax.set_title(name, fontsize=11)
    axes[0].set_ylabel("higher is better")
    k = int(chosen["k"].iloc[0])
    fig.suptitle(f"Choosing the number of topics: k = {k} (circled) has the best sum of the two ranks")
    fig.tight_layout()
    return fig


def prevalence_figure(prev: pd.DataFrame, labels: pd.Series, groups: list[str]) -> plt.Figure:
    """Topic prevalence per group: one panel per topic (title: its label), one row per group (named on the
    left), the mean topic share as a dot with its 95% interval; the dashed line is the topic's share over all
    modelled sentences (group means weighted by ``n_docs``). Readable from 2 to about 40 groups."""
    colors = group_colors(groups)
    present = [g for g in groups if g in set(prev["group"])]
    topics = sorted(prev["topic"].unique())
    cols = min(4, len(topics))
    rows = -(-len(topics) // cols)
    height = max(1.4, 0.19 * len(present) + 0.9)
    fig, axes = plt.subplots(
        rows, cols, figsize=(FIG_WIDTH, height * rows + 0.6), sharex=True, sharey=True, squeeze=False
    )
    for ax in axes.ravel()[len(topics) :]:
        ax.set_axis_off()
    y = {g: i for i, g in enumerate(present)}
    for ax, t in zip(axes.ravel(), topics, strict=False):
        part = prev[prev["topic"] == t]
        overall = (part["prevalence"] * part["n_docs"]).sum() / part["n_docs"].sum()
        ax.axvline(overall, color=NEUTRAL, lw=0.8, ls="--", zorder=1)
        for row in part.itertuples():
            c = colors[row.group]
            ax.plot([row.lo, row.hi], [y[row.group]] * 2, color=c, lw=1.4, solid_capstyle="butt")
            ax.plot(row.prevalence, y[row.group], "o", ms=4, color=c, zorder=3)
        ax.set_title(labels[t], fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        ax.tick_params(axis="y", labelsize=8 if len(present) > 12 else 9)
        ax.grid(axis="y", color="#EEEEEE", lw=0.6)
    axes[0, 0].set_yticks(range(len(present)), present)
    axes[0, 0].set_ylim(len(present) - 0.5, -0.5)  # first group on top
    axes[0, 0].set_xlim(left=0)
    fig.supxlabel(
        "mean topic share of the group's sentences (95% bootstrap interval; dashed: all groups)", fontsize=10
    )
    fig.suptitle("Topic prevalence by group (DMR topic model)")
    fig.tight_layout()
    return fig


def topic_terms_figure(terms: pd.DataFrame, n: int = 8) -> plt.Figure:
    """Small multiples: each topic's ``n`` most probable terms (bars = probability)."""
    topics = list(dict.fromkeys(terms["topic"]))
    cols = min(4, len(topics))
    rows = -(-len(topics) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(FIG_WIDTH, (0.3 * n + 0.8) * rows), squeeze=False)
    for ax in axes.ravel()[len(topics) :]:
        ax.set_axis_off()
    for ax, t in zip(axes.ravel(), topics, strict=False):
        part = terms[(terms["topic"] == t) & (terms["rank"] <= n)].iloc[::-1]
        ax.barh(part["prob_term"], part["prob"], color=ROW_COLOR)
        ax.set_title(part["label"].iloc[0], fontsize=10)
        ax.tick_params(axis="x", labelsize=7)
        ax.tick_params(axis="y", labelsize=9)
    fig.suptitle("Most probable terms per topic (title: top terms by FREX)")
    fig.tight_layout()
    return fig
