"""The cross-report stages of a finished build, timed on its own tables:
``python benchmarks/cross_report.py PROCESSED OUT.json`` writes each stage's CPU seconds to OUT.json.

The stages get what the build keeps in memory for them (:data:`helpers.build.CROSS_REPORT_INPUTS`, of the
tokens only the content tokens' counting columns) and the build's recorded input files, so their cost is
measured apart from the per-report stages (``benchmarks/run.py`` runs this on the scale row's cold build).
"""

import json
import sys
import time
from pathlib import Path

from helpers.build import CROSS_REPORT_INPUTS, TOKEN_COUNTING_COLUMNS, load_corpus, stages
from helpers.processed_folder import build_info


def main(processed: Path, out: Path) -> None:
    tables = load_corpus(processed)
    frames = {name: tables[name] for name in CROSS_REPORT_INPUTS if name in tables}
    frames["tokens"] = frames["tokens"].loc[~frames["tokens"]["is_stopword"], TOKEN_COUNTING_COLUMNS]
    info = build_info(processed)
    inputs = {name: Path(file["path"]) for name, file in info["inputs"].items()}
    options = {"manifest": Path(info["manifest"]["path"]), "codebook": inputs["codebook"], "inputs": inputs}
    seconds = {}
    for stage in stages():
        start = time.process_time()
        frames |= stage(frames, options)
        seconds[stage.__name__.removesuffix("_stage")] = time.process_time() - start
    out.write_text(json.dumps(seconds), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
