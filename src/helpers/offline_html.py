"""Executed notebook → an HTML page that works offline (opened from ``file://`` with no network).

nbconvert's ``lab`` template loads require.js, MathJax and mermaid from a CDN and, once a notebook holds
widgets, the widget manager too. The ``offline`` template (``templates/offline/``) drops those scripts:
the notebooks hold no LaTeX or mermaid, tables made with itables carry their JavaScript inline, and every
widget output is exported as the static ``text/html`` view displayed with it (``helpers.explore.show``).
"""

import threading
from pathlib import Path

TEMPLATE_DIR = Path(__file__).parent / "templates"
# nbconvert's HTML priority without the widget view (it needs the CDN widget manager) and JavaScript outputs.
DISPLAY_PRIORITY = [
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
]


_local = threading.local()  # one exporter per thread: it compiles its templates once, and is not thread-safe


def notebook_html(nb) -> str:
    """The HTML page of an executed ``nbformat`` notebook, with no script or style loaded from the network."""
    if not hasattr(_local, "exporter"):
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        config = Config({"NbConvertBase": {"display_data_priority": DISPLAY_PRIORITY}})
        _local.exporter = HTMLExporter(
            config=config, template_name="offline", extra_template_basedirs=[str(TEMPLATE_DIR)]
        )
    return _local.exporter.from_notebook_node(nb)[0]
