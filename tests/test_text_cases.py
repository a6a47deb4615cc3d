"""Text as it really arrives, through the real CLI (`python -m helpers build` in a subprocess).

`tests/cases/<name>/` holds the reported failing inputs, each with a README giving the right value, which the
tests here assert. Cases that change a project file (user dictionary, manifest of the seeds) run in a copy of
the project made for the test (the package is imported from the copy), so the repository is never edited.
"""

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from cli import cli_build

from helpers.__main__ import main
from helpers.config import DATA_DIR, PROJ_ROOT, USER_DICT
from helpers.outputs import LOCK, current
from helpers.segment import read_user_dict
from helpers.store import table_path
from helpers.textio import UTF8_BOM

CASES = Path(__file__).parent / "cases"
# Cases built with the project as it is, all in one build (one report each): case folder → its manifest.
PLAIN = {
    name: CASES / name / "manifest.csv"
    for name in (
        "zero_width_space",
        "html_entities",
        "fullwidth_forms",
        "corner_bracket_quotes",
        "traditional_authorship_zhu",
    )
}


def run_build(manifest: Path, out: Path, src: Path = PROJ_ROOT / "src") -> subprocess.CompletedProcess:
    """`python -m helpers build --manifest … --out … --force` with the package from ``src``."""
    return cli_build(manifest, out, "--force", env={"PYTHONPATH": str(src)})


def table(out: Path, name: str) -> pd.DataFrame:
    """Table ``name`` as text, in whichever format it is stored (the cases name tables by their CSV names)."""
    path = table_path(current(out), name)
    if path.suffix == ".parquet":
        return pd.read_parquet(path).astype(str)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def rows(out: Path, name: str, report: str) -> pd.DataFrame:
    frame = table(out, name)
    return frame[frame.report_id == report].reset_index(drop=True)


def combined_manifest(cases: dict[str, Path], folder: Path) -> Path:
    """One manifest for several one-report cases: each manifest's folder is copied to ``folder/<case>``, its
    row re-pointed there and its ``report_id`` made the case's name (one build instead of one per case)."""
    lines = []
    for case, manifest in cases.items():
        shutil.copytree(manifest.parent, folder / case)
        ((row,),) = [list(csv.DictReader(io.StringIO(manifest.read_text("utf-8-sig"))))]
        lines.append(row | {"report_id": case, "file": f"{case}/{row['file']}"})
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(lines[0]))
        writer.writeheader()
        writer.writerows(lines)
    return folder / "manifest.csv"


def project_copy(folder: Path) -> Path:
    """A copy of the package and its data files (not the processed data) in ``folder``; returns its root."""
    folder.mkdir(parents=True)
    shutil.copy(PROJ_ROOT / "pyproject.toml", folder / "pyproject.toml")
    shutil.copytree(
        PROJ_ROOT / "src" / "helpers",
        folder / "src" / "helpers",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for sub in ("dictionaries", "codebook", "validation", "raw"):
        shutil.copytree(DATA_DIR / sub, folder / "data" / sub)
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Every plain case built at once, through the CLI: the output folder (report_id = case name)."""
    root = tmp_path_factory.mktemp("cases")
    result = run_build(combined_manifest(PLAIN, root), root / "out")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no warnings
    return root / "out"


def test_zero_width_space_is_removed_and_the_theme_found(built):
    themes = rows(built, "sentence_themes", "zero_width_space")
    assert themes[["sentence_id", "theme", "matched_terms"]].values.tolist() == [
        ["0", "integration", "党建引领"],
        ["1", "integration", "党建引领"],
    ]
    assert "\u200b" not in set(rows(built, "frequencies", "zero_width_space").term)
    log = rows(built, "normalization_log", "zero_width_space")
    assert log[log.before == "\u200b"][["step", "after", "count"]].values.tolist() == [["invisible", "", "2"]]


def test_html_entities_are_decoded_before_normalization(built):
    sentences = rows(built, "sentences", "html_entities").text
    assert any("打造党建品牌“红色驿站”，推动" in s for s in sentences)
    assert not sentences.str.contains("&|；|nbsp").any()
    assert rows(built, "practices", "html_entities")[["practice", "pattern"]].values.tolist() == [
        ["红色驿站", "quoted"]
    ]
    assert not {"nbsp", "ldquo", "rdquo"} & set(rows(built, "frequencies", "html_entities").term)


def test_fullwidth_letters_digits_and_signs_are_folded(built):
    assert rows(built, "reports", "fullwidth_forms").published[0] == "2024-12-03T09:15"
    numbers = rows(built, "numbers", "fullwidth_forms")
    assert ["2.5", "亿", "资金"] in numbers[["value", "unit", "measure"]].values.tolist()
    assert "5G" in set(rows(built, "tokens", "fullwidth_forms").token)
    themes = rows(built, "sentence_themes", "fullwidth_forms")
    assert themes[(themes.sentence_id == "1") & (themes.theme == "digitization")].matched_terms.tolist() == [
        "5G|智慧|数字"
    ]
    assert "，" in rows(built, "sentences", "fullwidth_forms").text[0]  # Chinese full-width punctuation stays


def test_corner_bracket_quotes_are_direct_speech(built):
    quotes = rows(built, "quotes", "corner_bracket_quotes")
    columns = ["speaker", "role", "speech_verb", "direct", "text"]
    assert quotes[columns].values.tolist() == [
        ["林志明", "党支部书记", "说", "True", "我们把支部建在生产线上，党员带头攻关，产量提升了两成。"],
        ["张伟", "党委书记", "表示", "True", "要让党建成为企业发展的红色动力。"],
    ]


def test_authorship_zhu_stays_and_the_particle_converts(built):
    text = "".join(rows(built, "sentences", "traditional_authorship_zhu").text)
    assert (text.count("原著"), text.count("编著"), text.count("着")) == (3, 1, 0)
    assert {"原著", "编著"} <= set(rows(built, "tokens", "traditional_authorship_zhu").token)
    log = rows(built, "normalization_log", "traditional_authorship_zhu")
    assert log[(log.step == "script") & (log.before == "著")].empty


def test_gbk_manifest_gets_one_line_naming_gb18030_whose_fix_works(tmp_path):
    case = CASES / "gbk_manifest"
    result = run_build(case / "manifest.csv", tmp_path / "out")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "manifest.csv" in result.stderr and "GB18030" in result.stderr and "福建" in result.stderr
    assert "CP1252" not in result.stderr
    # The fix the line names (iconv -f GB18030 -t UTF-8) gives 福建 and an ISO date.
    shutil.copy(case / "report_a.txt", tmp_path / "report_a.txt")
    (tmp_path / "manifest.csv").write_text((case / "manifest.csv").read_bytes().decode("gb18030"), "utf-8")
    assert run_build(tmp_path / "manifest.csv", tmp_path / "out").returncode == 0
    reports = table(tmp_path / "out", "reports")
    assert (reports.region_zh[0], reports.published[0]) == ("福建", "2025-01-08")


@pytest.fixture(scope="module")
def dictionaries_built(tmp_path_factory) -> Path:
    """One build in a project copy whose files are saved as editors save them: every dictionary and the
    codebook with a BOM; the user dictionary = the BOM case's head (its BOM glued to the first entry), the
    original file, the punctuation case's line and our entries with Extension characters and a middle dot.
    Reports: the two user-dictionary cases and our Extension-character names (report_id = case)."""
    root = project_copy(tmp_path_factory.mktemp("dictionaries") / "project")
    folder = root / "data" / "dictionaries"
    for name in ("stopwords_domain.txt", "entity_list.csv", "not_practices.csv", "script_phrases.txt"):
        (folder / name).write_bytes(UTF8_BOM + (folder / name).read_bytes())
    codebook = root / "data" / "codebook" / "themes.yml"
    codebook.write_bytes(UTF8_BOM + codebook.read_bytes())
    (folder / "userdict.txt").write_bytes(
        (CASES / "userdict_bom" / "userdict_head_with_bom.txt").read_bytes()
        + USER_DICT.read_bytes()
        + (CASES / "userdict_punctuation" / "userdict_line.txt").read_bytes()
        + (CASES / "composed" / "userdict_extra.txt").read_bytes()
    )
    cases = {
        "userdict_bom": CASES / "userdict_bom" / "manifest.csv",
        "userdict_punctuation": CASES / "userdict_punctuation" / "manifest.csv",
        "ext_names": CASES / "composed" / "manifest_ext.csv",
    }
    out = root / "out"
    result = run_build(combined_manifest(cases, root / "corpus"), out, root / "src")
    assert result.returncode == 0, result.stderr
    return out


def test_userdict_with_a_bom_keeps_its_first_entry(dictionaries_built):
    tokens = rows(dictionaries_built, "tokens", "userdict_bom")
    assert tokens[tokens.token == "红色驿站"].pos.tolist() == ["nz"]


def test_userdict_original_file_with_a_bom_is_read_as_without(tmp_path):
    path = tmp_path / "userdict.txt"
    path.write_bytes(UTF8_BOM + USER_DICT.read_bytes())  # the BOM before the first line, a `#` comment
    assert read_user_dict(path) == read_user_dict(USER_DICT)


def test_userdict_entry_with_punctuation_matches(dictionaries_built):
    tokens = rows(dictionaries_built, "tokens", "userdict_punctuation")
    assert tokens[tokens.token == "红色·驿站"].pos.tolist() == ["nz"]


def test_report_without_content_words_is_left_out_in_one_line(tmp_path, capsys):
    """The one rule for reports too short to analyse: left out like a report no reader can read — one warning
    line naming the file, a row in excluded.csv, the others analysed (no inf); --strict makes it fatal."""
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA_DIR / "raw", corpus)
    case = CASES / "no_content_words"
    shutil.copy(case / "short_notice.txt", corpus / "short_notice.txt")
    row = (case / "manifest_row.csv").read_text("utf-8").splitlines()[1]
    manifest = corpus / "manifest.csv"
    manifest.write_text(manifest.read_text("utf-8-sig") + row + "\n", "utf-8")
    result = run_build(manifest, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"warning: {corpus / 'short_notice.txt'}: no content words")
    assert "too short to analyse" in line
    assert table(tmp_path / "out", "excluded").report_id.tolist() == ["short_notice"]
    assert "short_notice" not in set(table(tmp_path / "out", "reports").report_id)
    assert not table(tmp_path / "out", "keyness").isin(["inf", "-inf", "nan"]).any().any()
    assert main(["build", "--strict", "--manifest", str(manifest), "--out", str(tmp_path / "strict")]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "short_notice.txt" in line and "too short to analyse" in line
    strict = tmp_path / "strict"
    assert not strict.exists() or [p.name for p in strict.iterdir()] == [LOCK]  # nothing written but the lock


# --- Inputs we composed (tests/cases/composed/), expected values written before the first run ---------------


@pytest.fixture(scope="module")
def composed(tmp_path_factory) -> Path:
    """One CLI build of the composed reports: messy web text, HK and TW traditional, other encodings."""
    out = tmp_path_factory.mktemp("composed") / "out"
    result = run_build(CASES / "composed" / "manifest.csv", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return out


def test_invisible_characters_and_references_in_other_positions(composed):
    tokens = set(rows(composed, "tokens", "mess_web").token)
    assert {"数字党建", "非公企业", "党建引领"} <= tokens  # U+2060, a BOM and a soft hyphen inside them
    practices = rows(composed, "practices", "mess_web")
    assert practices[["practice", "pattern"]].values.tolist() == [
        ["双亮", "quoted"],  # &#8220; &#8221;
        ["红色引擎", "quoted"],  # twice escaped &amp;ldquo;
        ["先锋驿站", "quoted"],  # hex &#x201C;
    ]
    log = rows(composed, "normalization_log", "mess_web")
    assert log[log.step == "invisible"]["count"].astype(int).sum() == 3
    assert set(log[log.step == "entity"].after) == {"“", "”", "&"}  # &amp; first, then &ldquo;
    assert not rows(composed, "sentences", "mess_web").text.str.contains("&|[\u2060\ufeff\u00ad]").any()


def test_fullwidth_in_dates_percent_and_latin(composed):
    numbers = rows(composed, "numbers", "mess_web")
    assert numbers.value.astype(float).tolist() == [2025, 4, 3.5]
    assert numbers[["unit", "type"]].values.tolist() == [["年", "date"], ["个", "count"], ["%", "percent"]]
    assert "AI" in set(rows(composed, "tokens", "mess_web").token)
    assert "，" in rows(composed, "sentences", "mess_web").text.iloc[-1]


def test_hong_kong_text_detected_with_corner_quotes_nested(composed):
    report = rows(composed, "reports", "quotes_hk")
    assert report[["script", "convention"]].values.tolist() == [["traditional", "traditional_hk"]]
    text = "".join(rows(composed, "sentences", "quotes_hk").text)
    assert "卫生" in text and "线上" in text and "摸得着" in text and not set("「」『』衞綫") & set(text)
    quotes = rows(composed, "quotes", "quotes_hk")
    assert quotes[["speaker", "role", "speech_verb", "direct", "text"]].values.tolist()[0] == [
        "陈大文",
        "党委书记",
        "表示",
        "True",
        "我们要把‘党建+服务’落到实处，让员工看得见、摸得着。",
    ]
    practices = rows(composed, "practices", "quotes_hk")
    assert ["红色驿站", "quoted"] in practices[["practice", "pattern"]].values.tolist()
    assert ["党建+服务", "党建+"] in practices[["practice", "pattern"]].values.tolist()


def test_big5_taiwan_report_keeps_authorship_zhu(composed):
    report = rows(composed, "reports", "tw_big5")
    assert report[["encoding", "script", "convention"]].values.tolist() == [
        ["Big5", "traditional_tw", "traditional_tw"]
    ]
    text = "".join(rows(composed, "sentences", "tw_big5").text)
    assert "编著" in text and "原著" in text and "看着" in text


def test_encodings_and_spreadsheet_dates(composed):
    reports = table(composed, "reports").set_index("report_id")
    assert reports.loc[["gb_report", "utf16_report", "short_gbk", "mess_web"], "encoding"].tolist() == [
        "GB18030",
        "UTF-16",
        "GB18030",
        "UTF-8",
    ]
    assert reports.loc[["gb_report", "utf16_report", "short_gbk"], "published"].tolist() == [
        "2025-01-08",
        "2025-01-08",
        "2025-01-08T14:20",
    ]
    assert reports.loc["gb_report", "title"] == "园区党建工作交流会召开"


def test_outputs_open_in_excel_in_any_locale(composed):
    """Every CSV starts with the UTF-8 byte-order mark."""
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in composed.glob("*.csv"))


def test_extension_characters_in_names_and_a_dotted_entry(dictionaries_built):
    tokens = rows(dictionaries_built, "tokens", "ext_names")
    assert ["王𠮷", "nr"] in tokens[["token", "pos"]].values.tolist()
    assert ["𪚥达科技", "nt"] in tokens[["token", "pos"]].values.tolist()
    assert ["党员·先锋岗", "nz"] in tokens[["token", "pos"]].values.tolist()
    quotes = rows(dictionaries_built, "quotes", "ext_names")
    assert quotes[["speaker", "organisation", "role", "direct"]].values.tolist() == [
        ["王𠮷", "𪚥达科技", "党支部书记", "False"],
        ["王𠮷", "𪚥达科技", "党支部书记", "True"],
    ]
    entities = rows(dictionaries_built, "entities", "ext_names")
    assert ["𪚥达科技", "organisation"] in entities[["entity", "type"]].values.tolist()
    assert rows(dictionaries_built, "reports", "ext_names").authors.tolist() == ["赵㐂"]
