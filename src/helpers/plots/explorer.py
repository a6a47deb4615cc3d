"""The chart of the term explorer (``build/html/explorer.html``): a scattertext-style Vega-Lite scatter.

It draws what :func:`helpers.explorer_html.term_points` computed and computes nothing: one point per term for
the group picked in the chart's drop-down (parameter ``group``), at the term's rate per 10,000 content tokens
in the other groups pooled (x) and in the group (y), both on a symlog scale so that zero stays on the axes;
colour is keyness.csv's ``log_ratio`` (binary log of the group's rate over the others', Hardie 2014), red for
terms the group over-uses, blue for terms it under-uses; a ringed point is ``distinctive``. The tooltip shows
counts, rates, the test (G² or Fisher), G² and the BH q-value. The search box (parameter ``search``) fades
every term that does not contain the typed text and labels those that do. Built with Altair, returned as a
Vega-Lite specification (a dict) that :mod:`helpers.explorer_html` embeds with Vega's JavaScript inline.
"""

import altair as alt
import pandas as pd

FONT_FAMILY = "Explorer CJK"  # the @font-face of the page: the packaged CJK font, cut to the page's text
TICKS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000]  # per 10,000: at most 10,000
TOOLTIP = [
    ("term", "N"),
    ("group", "N"),
    ("count_target", "Q"),
    ("count_reference", "Q"),
    ("per_10k_target", "Q"),
    ("per_10k_reference", "Q"),
    ("log_ratio", "Q"),
    ("test", "N"),
    ("g2", "Q"),
    ("q_value", "Q"),
    ("distinctive", "N"),
]


def term_chart(points: pd.DataFrame, groups: list[str], width: int = 760, height: int = 520) -> dict:
    """The Vega-Lite specification of the explorer's scatter (columns of ``points`` as in
    :func:`helpers.explorer_html.term_points`; ``groups`` in drop-down order, the first shown first)."""
    group = alt.param(
        name="group",
        value=groups[0],
        bind=alt.binding_select(options=groups, name="group vs the rest ", element="#controls"),
    )
    search = alt.param(
        name="search",
        value="",
        bind=alt.binding(input="search", placeholder="type a term", name="search ", element="#controls"),
    )
    matches = "search != '' && indexof(datum.term, search) >= 0"
    limit = max(1.0, float(points[["per_10k_target", "per_10k_reference"]].max().max()))
    scale = alt.Scale(type="symlog", domain=[0, 1.5 * limit], nice=False)  # room for the labels at the top
    ticks = alt.Axis(values=[t for t in TICKS if t <= limit])
    x = alt.X("per_10k_reference:Q", scale=scale, axis=ticks, title="per 10,000 content tokens, other groups")
    y = alt.Y("per_10k_target:Q", scale=scale, axis=ticks, title="per 10,000 content tokens, this group")
    base = alt.Chart(alt.Data(values=points.to_dict("records"))).transform_filter("datum.group == group")
    dots = (
        base.mark_circle()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "log_ratio:Q",
                scale=alt.Scale(scheme="redblue", domainMid=0, reverse=True),
                title="log ratio",
                legend=alt.Legend(orient="bottom"),
            ),
            opacity=alt.condition(f"search == '' || {matches}", alt.value(0.9), alt.value(0.12)),
            size=alt.condition(matches, alt.value(160), alt.value(45)),
            stroke=alt.condition("datum.distinctive", alt.value("black"), alt.value(None)),
            tooltip=[alt.Tooltip(f"{name}:{kind}") for name, kind in TOOLTIP],
        )
        .add_params(group, search)
    )
    right_half = "scale('x', datum.per_10k_reference) > width / 2"  # labels there point left, staying inside
    labels = (
        base.transform_filter(matches)
        .mark_text(
            align=alt.expr(f"{right_half} ? 'right' : 'left'"),
            dx=alt.expr(f"{right_half} ? -8 : 8"),
            fontSize=15,
        )
        .encode(x=x, y=y, text="term:N")
    )
    chart = (dots + labels).properties(width=width, height=height, title="Terms: this group against the rest")
    return chart.configure(font=FONT_FAMILY).to_dict()
