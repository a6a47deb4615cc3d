"""Notebook 06 the way JupyterLab runs it: a real Jupyter server (jupyter_server, headless, on a free port)
starts the project's registered kernel for ``notebooks/06_explore.ipynb`` through its REST API, in the
``notebooks/`` folder, and every cell is executed over the kernel's websocket; then the widgets are driven as
the browser drives them (comm messages that set a value or click a button) and the data their kernel-side
callbacks computed is checked against the processed tables.
"""

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import httpx
import nbformat
import pandas as pd
import pytest
import websocket

from helpers.config import FIGURES_ENV, KERNEL_NAME, NOTEBOOKS_DIR, PROCESSED_ENV, PROJ_ROOT

pytestmark = pytest.mark.slow
NOTEBOOK = NOTEBOOKS_DIR / "06_explore.ipynb"
TOKEN = uuid.uuid4().hex
TIMEOUT = 120  # seconds for one cell or message


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, processed_root):
    """``jupyter server`` rooted at the project (as ``make lab``) whose kernels read the session's processed
    folder; stopped at the end. Yields its base URL."""
    home = tmp_path_factory.mktemp("jupyter")
    port = free_port()
    env = os.environ | {
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        PROCESSED_ENV: str(processed_root),
        FIGURES_ENV: str(home / "figures"),
    }
    args = [f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1"]
    args += [
        "--ServerApp.open_browser=False",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={PROJ_ROOT}",
        "--ServerApp.allow_root=True",  # CI runs as root
    ]
    log_path = home / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", *args], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert process.poll() is None, f"jupyter server exited: {log_path.read_text()[-2000:]}"
            assert time.monotonic() < deadline, f"jupyter server not up: {log_path.read_text()[-2000:]}"
            try:
                if httpx.get(f"{url}/api/status", params={"token": TOKEN}).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Kernel:
    """The kernel of a server session, spoken to over its websocket channels as JupyterLab does."""

    def __init__(self, url: str, kernel_id: str):
        self.session = uuid.uuid4().hex
        ws_url = url.replace("http", "ws", 1)
        self.ws = websocket.create_connection(
            f"{ws_url}/api/kernels/{kernel_id}/channels?session_id={self.session}&token={TOKEN}",
            timeout=TIMEOUT,
        )

    def request(self, msg_type: str, content: dict) -> list[dict]:
        """Send one shell request; return the iopub messages it caused, up to the kernel going idle."""
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "username": "test",
            "session": self.session,
            "date": datetime.now(UTC).isoformat(),
            "version": "5.3",
        }
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content}
        self.ws.send(json.dumps({**message, "channel": "shell", "buffers": []}))
        replies = []
        while True:
            reply = json.loads(self.ws.recv())
            if reply["channel"] != "iopub" or reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
                return replies
            replies.append(reply)

    def execute(self, code: str) -> list[dict]:
        """Run ``code``; its outputs (stream, display_data, execute_result); fails on an error."""
        replies = self.request("execute_request", {"code": code, "silent": False, "store_history": True})
        errors = [r["content"] for r in replies if r["msg_type"] == "error"]
        assert not errors, f"{code[:200]}\n→ {errors[0]['ename']}: {errors[0]['evalue']}"
        return [r for r in replies if r["msg_type"] in ("stream", "display_data", "execute_result")]

    def value(self, expression: str):
        """The JSON value of ``expression`` evaluated in the kernel."""
        outputs = self.execute(f"import json as _json\nprint(_json.dumps({expression}, default=str))")
        return json.loads("".join(o["content"]["text"] for o in outputs if o["msg_type"] == "stream"))

    def comm(self, widget: str, data: dict) -> None:
        """A message from the front end to ``widget``'s model (what a browser sends when a user acts)."""
        self.request("comm_msg", {"comm_id": self.value(f"{widget}.model_id"), "data": data})

    def set_value(self, widget: str, value) -> None:
        self.comm(widget, {"method": "update", "state": {"value": value}, "buffer_paths": []})

    def click(self, button: str) -> None:
        self.comm(button, {"method": "custom", "content": {"event": "click"}})


@pytest.fixture(scope="module")
def kernel(server):
    """A session for notebook 06 with the project's kernel; every code cell executed, in order."""
    response = httpx.post(
        f"{server}/api/sessions",
        params={"token": TOKEN},
        json={
            "path": NOTEBOOK.relative_to(PROJ_ROOT).as_posix(),
            "name": NOTEBOOK.name,
            "type": "notebook",
            "kernel": {"name": KERNEL_NAME},
        },
        timeout=TIMEOUT,
    )
    session = response.json()
    assert response.status_code == 201, session
    assert session["kernel"]["name"] == KERNEL_NAME
    kernel = Kernel(server, session["kernel"]["id"])
    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    kernel.outputs = {cell.source: kernel.execute(cell.source) for cell in cells}
    yield kernel
    kernel.ws.close()
    httpx.delete(f"{server}/api/sessions/{session['id']}", params={"token": TOKEN})


def outputs_of(kernel, source_start: str) -> list[dict]:
    """The outputs of the cell whose source starts with ``source_start``."""
    return next(o for s, o in kernel.outputs.items() if s.startswith(source_start))


def html_of(outputs: list[dict]) -> str:
    return "".join(o["content"].get("data", {}).get("text/html", "") for o in outputs)


def markdown_of(outputs: list[dict]) -> str:
    return "".join(o["content"].get("data", {}).get("text/markdown", "") for o in outputs)


def test_notebook_runs_in_the_notebooks_folder_with_widgets_and_tables(kernel, corpus):
    assert kernel.value("__import__('os').getcwd()") == str(NOTEBOOKS_DIR)  # JupyterLab's working folder
    reports = corpus["reports"]
    summary = markdown_of(outputs_of(kernel, "n_labelled = "))
    assert summary.startswith(f"{len(reports)} reports in {reports.region.nunique()} groups by `region`")
    widget = outputs_of(kernel, "term_explorer = ")
    bundle = next(o["content"]["data"] for o in widget if o["msg_type"] == "execute_result")
    assert "application/vnd.jupyter.widget-view+json" in bundle  # a live widget in JupyterLab …
    assert "frequency per group" in bundle["text/html"]  # … with its static first view for exports
    keyness = html_of(outputs_of(kernel, 'interactive_table(keyness, "Keyness'))
    assert "<table" in keyness and "Keyness" in keyness


def test_term_box_callback_recounts_the_typed_term(kernel, corpus):
    frequencies, reports = corpus["frequencies"], corpus["reports"]
    shown = kernel.value("term_explorer.term.value")
    totals = frequencies.loc[frequencies.term != shown].groupby("term")["count"].sum()
    term = totals.sort_values(ascending=False).index[0]  # another term than the first view's
    expected = frequencies[frequencies.term == term].merge(reports[["report_id", "region"]])
    expected = expected.groupby("region")["count"].sum()

    kernel.set_value("term_explorer.term", term)

    by_group = pd.DataFrame(kernel.value("term_explorer.tables['by_group'].to_dict('records')"))
    assert by_group.group.tolist() == list(dict.fromkeys(reports.region))
    assert by_group["count"].tolist() == [int(expected.get(g, 0)) for g in by_group.group]
    kwic = kernel.value("term_explorer.tables['kwic'].to_dict('list')")
    lines = [line for column in kwic.values() for line in column if line]
    assert lines and all(f"【{term}】" in line for line in lines)
    assert f"{term}: frequency per group" in kernel.value("term_explorer.html")  # the view shown changed


def test_theme_browser_callbacks_filter_and_page(kernel, corpus):
    coded = corpus["sentence_themes"]
    theme = coded.theme.value_counts().sort_index().idxmax()  # the theme with the most sentences
    expected = coded.loc[coded.theme == theme, ["report_id", "sentence_id"]].values.tolist()
    size = kernel.value("theme_browser.page_size")
    assert len(expected) > size  # there is a second page to turn to

    kernel.set_value("theme_browser.theme", theme)
    sentences = kernel.value("theme_browser.tables['sentences'].to_dict('records')")
    assert [[r["report_id"], r["sentence_id"]] for r in sentences] == expected
    pages = -(-len(expected) // size)
    assert kernel.value("theme_browser.page_label.value").startswith(f"page 1 of {pages}")

    kernel.click("theme_browser.next")
    shown = kernel.value("theme_browser.tables['page'].to_dict('records')")
    assert [[r["report_id"], r["sentence_id"]] for r in shown] == expected[size : 2 * size]
    assert kernel.value("theme_browser.page_label.value").startswith(f"page 2 of {pages}")
