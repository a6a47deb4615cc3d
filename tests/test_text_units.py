"""Normalization kinds in process: the one-to-many script list, convention detection, refusals in one line.

The script list (`tests/cases/script/one_to_many.tsv`) was written with its expected simplified forms before
the first run; the refusals go through the CLI entry point in process (the subprocess path is covered by
`test_text_cases.py`).
"""

from pathlib import Path

import pandas as pd
import pytest

from helpers.__main__ import main
from helpers.audit import AuditLog
from helpers.errors import InputError
from helpers.normalize import clean
from helpers.outputs import LOCK
from helpers.script import detect_convention, read_phrases, to_simplified
from helpers.segment import use_dictionaries
from helpers.validation import read_labels

CASES = Path(__file__).parent / "cases"
HEADER = "report_id,file,region,region_zh,format,script,source,published,url,encoding\n"


def one_to_many() -> list[tuple[str, str, str]]:
    lines = (CASES / "script" / "one_to_many.tsv").read_text("utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize(("convention", "traditional", "simplified"), one_to_many())
def test_one_to_many_characters_in_context(convention, traditional, simplified):
    assert to_simplified(traditional, f"traditional_{convention}") == simplified
    assert to_simplified(traditional, "traditional") == simplified  # whichever convention is detected


def test_the_list_is_long_enough():
    assert len(one_to_many()) >= 30


@pytest.mark.parametrize(
    ("text", "convention"),
    [
        ("社區衞生服務中心在綫上啓動。", "traditional_hk"),
        ("在這裏，他們看着大家。", "traditional_hk"),
        ("社區衛生服務中心在線上啟動。", "traditional_tw"),
        ("在這裡，他們看著大家。", "traditional_tw"),
        ("企業發展。", "traditional_tw"),  # no variant either way: the default
    ],
)
def test_convention_is_detected_from_variant_characters(text, convention):
    assert detect_convention(text) == convention


def test_a_bad_phrase_line_is_refused_with_its_line(tmp_path):
    path = tmp_path / "phrases.txt"
    path.write_text("# comment\n原著 原著\n編著\n", "utf-8")
    with pytest.raises(InputError, match="line 3"):
        read_phrases(path)


def test_kinds_are_counted_in_the_log():
    log = AuditLog()
    text = clean("Ａ&lt;Ｂ\u200b「好」２．５", log)
    assert text == "A<B“好”2.5"
    steps = log.frame("r").groupby("step")["count"].sum().to_dict()
    assert steps == {"entity": 1, "invisible": 1, "fullwidth": 5, "quotes": 2}


def run(tmp_path: Path, rows: str, files: dict[str, bytes], capsys) -> tuple[int, list[str]]:
    (tmp_path / "manifest.csv").write_text(HEADER + rows, "utf-8")
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    code = main(["build", "--manifest", str(tmp_path / "manifest.csv"), "--out", str(tmp_path / "out")])
    return code, capsys.readouterr().err.strip().splitlines()


WEB = "党建>>基层动态\n分享\n\n{title}\n\n王华\n\n{body}\n"
SHORT = {
    "title_only": WEB.format(title="简短通知", body=""),
    "stopwords_only": WEB.format(title="简短通知", body="我们也是这样的。\n\n他们也是如此。"),
    "numbers_only": WEB.format(title="简短通知", body="１２３，４５６。\n\n789！"),
}


@pytest.mark.parametrize("case", list(SHORT))
def test_report_too_short_to_analyse_is_refused_in_one_line(case, tmp_path, capsys):
    row = f"{case},{case}.txt,Anhui,安徽,web_page,simplified,,,,\n"
    code, err = run(tmp_path, row, {f"{case}.txt": SHORT[case].encode()}, capsys)
    assert code == 2 and len(err) == 1
    assert f"{case}.txt" in err[0] and "too short to analyse" in err[0]
    out = tmp_path / "out"
    assert not out.exists() or [p.name for p in out.iterdir()] == [LOCK]  # nothing written but the lock


@pytest.mark.parametrize("published", ["2025-13-01", "2025/2/30", "next week"])
def test_a_published_value_that_is_not_a_date_is_refused(published, tmp_path, capsys):
    row = f"r,r.txt,Anhui,安徽,web_page,simplified,,{published},,\n"
    code, err = run(tmp_path, row, {}, capsys)
    assert code == 2 and len(err) == 1 and "published" in err[0] and published in err[0]


def test_an_ambiguous_encoding_names_both_readings_and_the_column_fixes_it(tmp_path, capsys):
    data = "福建\n".encode("gbk")  # also valid Big5
    row = "r,r.txt,Fujian,福建,web_page,simplified,,,,\n"
    code, err = run(tmp_path, row, {"r.txt": data}, capsys)
    assert code == 2 and len(err) == 1
    assert "r.txt" in err[0] and "GB18030" in err[0] and "Big5" in err[0] and "福建" in err[0]
    assert "`encoding` column" in err[0]
    with pytest.raises(InputError, match="too short"):  # read as GB18030: it is then too short, not garbled
        main(["--debug", "build", "--manifest", str(_with_encoding(tmp_path)), "--out", str(tmp_path / "o")])


def _with_encoding(folder: Path) -> Path:
    manifest = folder / "manifest.csv"
    manifest.write_text(HEADER + "r,r.txt,Fujian,福建,web_page,simplified,,,,GB18030\n", "utf-8")
    return manifest


def test_labels_saved_by_excel_in_a_chinese_locale_are_read(tmp_path):
    """Hand labels edited in Excel and saved as "CSV" in a Chinese locale are GB18030, without a BOM."""
    row = {"sentence_key": "k1", "report_id": "r", "coder": "甲", "sample": "main", "weight": "1"}
    text = "坚持党建引领，推动企业数字化转型，培养技术骨干人才。"
    frame = pd.DataFrame([row | {"held_out_for": "", "text": text, "integration": "1"}])
    path = tmp_path / "theme_labels.csv"
    path.write_bytes(frame.to_csv(index=False).encode("gb18030"))
    labels = read_labels(["integration"], path)
    assert (labels.coder[0], labels.text[0], labels.integration[0]) == ("甲", text, 1)


def test_too_short_is_judged_with_the_corpus_folders_own_stopwords(tmp_path, capsys):
    """A corpus folder's stopwords_domain.txt decides what a content word is, also for the too-short rule."""
    body = "园区召开党建工作座谈会。\n\n企业党组织书记参加。"
    row = "notice,notice.txt,Anhui,安徽,web_page,simplified,,,,\n"
    files = {"notice.txt": WEB.format(title="通知", body=body).encode()}
    try:
        assert run(tmp_path, row, files, capsys)[0] == 0
        words = ["园区", "召开", "党建工作", "座谈会", "企业", "党组织", "书记", "参加", "党建", "工作"]
        (tmp_path / "stopwords_domain.txt").write_text("\n".join(words) + "\n", "utf-8")
        code, err = run(tmp_path, row, files, capsys)
        assert code == 2 and "notice.txt" in err[0] and "too short to analyse" in err[0]
    finally:
        use_dictionaries()
