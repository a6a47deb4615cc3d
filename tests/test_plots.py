"""The plotting layer: only ``helpers.plots`` draws; one group palette, stable by group order."""

import ast
import json
import re
from pathlib import Path

from helpers.config import NOTEBOOKS_DIR, PROJ_ROOT
from helpers.plots.style import GROUP_PALETTE, group_colors

PACKAGE = PROJ_ROOT / "src" / "helpers"
DRAWING = re.compile(r"^(matplotlib|wordcloud)(\.|$)")


def _imports(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module or "")
    return names


def test_only_the_plotting_layer_imports_matplotlib_or_wordcloud():
    analysis = [p for p in PACKAGE.rglob("*.py") if "plots" not in p.relative_to(PACKAGE).parts]
    notebooks = {
        nb: "\n".join(
            c["source"] if isinstance(c["source"], str) else "".join(c["source"])
            for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"
        )
        for nb in sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    }
    sources = {p: p.read_text(encoding="utf-8") for p in analysis} | notebooks
    offenders = {
        str(Path(p).relative_to(PROJ_ROOT)): sorted(n for n in _imports(s) if DRAWING.match(n))
        for p, s in sources.items()
    }
    assert len(analysis) > 10 and notebooks
    assert {p: n for p, n in offenders.items() if n} == {}


def test_group_colours_follow_group_order_and_extend_past_the_seeds():
    groups = [f"g{i}" for i in range(len(GROUP_PALETTE) + 2)]
    colors = group_colors(groups)
    assert list(colors) == groups
    assert len(set(colors.values())) == len(GROUP_PALETTE)  # all distinct until the palette repeats
    assert colors["g0"] == colors[f"g{len(GROUP_PALETTE)}"]
    # the same group keeps its colour whatever the other names are; order decides, duplicates collapse
    assert group_colors(["b", "a", "b"]) == {"b": GROUP_PALETTE[0], "a": GROUP_PALETTE[1]}
    assert group_colors(["x", "y"]) == dict(zip(["x", "y"], GROUP_PALETTE[:2], strict=True))
