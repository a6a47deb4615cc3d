"""Test corpora composed from the seed texts and from short reports written for the tests.

``write_multigroup(folder, seed_tables, n_reports)`` writes a corpus folder (reports + ``manifest.csv``) of
``n_reports`` (≥ 8) reports in groups named here, never the seeds' regions:

- the two seed reports, byte-identical and under their own ids (so their hand labels apply), in groups
  ``Alpha`` (the OCR page) and ``Beta`` (the traditional-script web page);
- two reports written for the tests (``OWN``, web pages, simplified), in ``Gamma``; the second is
  republished under another title, outlet and date with one paragraph dropped (``gamma_own_1_repost``): a
  near-duplicate of the first;
- the rest (``composed_00`` …) are web pages whose body is a deterministic selection of the seeds'
  normalized body paragraphs (report ``k`` takes paragraphs ``k, k + 11, k + 22 …`` of the pooled list, so
  two reports share few), in the groups ``COMPOSED_GROUPS`` in turn.

The 8-report corpus has the groups Alpha (2 reports), Beta (2), Gamma (3), Delta (1), in that order; the
30-report corpus has 8 groups of 3–5 reports.

Only the two seeds have hand labels. The extra column ``level`` is a second grouping variable, empty for
one report (its ``(missing)`` group).
"""

import shutil
from pathlib import Path

import pandas as pd

from helpers.config import MANIFEST
from helpers.manifest import COLUMNS, read_manifest

COMPOSED_GROUPS = ("Alpha", "Beta", "Delta", "Epsilon", "Zeta", "Eta", "Theta")
OWN = [
    (
        "县域社会组织党建插上数字翅膀",
        [
            "近年来，某县把社会组织党建工作搬上“云端”，建起覆盖全县的党建信息平台，让党员管理从纸质台账走向数据看板。",
            "平台上线后，全县一百多家社会组织的党员信息、组织生活记录和活动照片都能实时查看，县委社会工作部据此开展精准指导。",
            "“过去开会要跑好几趟，现在手机上就能完成学习打卡。”一家行业协会的党支部书记说，线上学习让分散的党员重新聚在一起。",
            "与此同时，县里每年举办党务工作者培训班，邀请高校教师讲授组织建设和社会治理课程，培养了一批懂业务、会做群众工作的骨干。",
            "针对社会组织人员流动大的特点，县里推行“党建指导员”制度，选派机关干部结对联系，帮助新成立的组织建立党的工作小组。",
            "一些协会把党建活动和会员服务结合起来，组织党员志愿者为小微企业提供政策咨询，党建成效体现在服务发展上。",
            "下一步，该县将继续推进数字化建设，把平台延伸到村级社会组织，让党的组织覆盖和工作覆盖更加扎实。",
        ],
    ),
    (
        "园区非公企业以党建聚人才促发展",
        [
            "在某市经济开发区，一家新材料企业的党支部把技术攻关小组建在生产一线，党员工程师带头承担最难的课题。",
            "企业负责人介绍，近三年公司引进的青年技术人才中，有三分之一在党支部的帮助下入了党，成为研发团队的骨干力量。",
            "园区党工委为非公企业搭建人才服务平台，定期组织人才沙龙和技能比武，让优秀员工在比学赶超中脱颖而出。",
            "“党建工作做实了就是生产力。”园区党工委负责人表示，党组织和企业管理层双向进入、交叉任职，推动党建与经营深度融合。",
            "为了留住人才，企业党支部还牵头设立了导师帮带制度，一名老党员带两名新员工，帮助他们尽快熟悉岗位。",
            "园区还利用智慧党建系统，把各企业党组织的活动开展情况和党员发挥作用情况汇总分析，为下一步工作提供依据。",
            "目前，园区规模以上非公企业党组织覆盖率持续提高，党建引领企业发展的路子越走越宽。",
        ],
    ),
]


def web_page(title: str, paragraphs: list[str], date: str, source: str) -> str:
    """A news web page saved as text, as the ``web_page`` reader expects: one paragraph per line."""
    lines = ["示例新闻网>>党建>>地方", "", title, "", f"{date}    来源:{source}", ""]
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    return "\n".join([*lines, "(责编:王五、赵六)", ""])


def seed_paragraphs(seed_tables: dict[str, pd.DataFrame]) -> list[str]:
    """The seeds' normalized body paragraphs that end a sentence, in corpus order."""
    blocks = seed_tables["blocks"]
    body = blocks[blocks.kind == "body"].text.astype(str)
    return [t for t in body if t.endswith(("。", "！", "？", "”"))]


def write_multigroup(folder: Path, seed_tables: dict[str, pd.DataFrame], n_reports: int = 8) -> Path:
    """Write the corpus into ``folder``; return its manifest path (see the module docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = read_manifest(MANIFEST)
    rows = []

    def add(report_id, file, region, fmt, script, level, source="", published=""):
        rows.append([report_id, file, region, "", fmt, script, source, published, "", level])

    for seed, region in zip(seeds, ["Alpha", "Beta"], strict=True):
        shutil.copy(seed.path, folder / seed.path.name)
        add(seed.report_id, seed.path.name, region, seed.format, seed.script, "city")
    (title, paras), (title2, paras2) = OWN
    pages = {
        "gamma_own_1": web_page(title, paras, "2024年05月12日08:30", "示例日报"),
        "gamma_own_1_repost": web_page(f"{title}（转载）", paras[:-1], "2024年05月14日10:05", "示例晚报"),
        "gamma_own_2": web_page(title2, paras2, "2023年11月02日16:20", "示例经济报"),
    }
    levels = {"gamma_own_1": "county", "gamma_own_1_repost": "county", "gamma_own_2": ""}
    for report_id, page in pages.items():
        (folder / f"{report_id}.txt").write_text(page, encoding="utf-8")
        add(report_id, f"{report_id}.txt", "Gamma", "web_page", "simplified", levels[report_id])
    pool = seed_paragraphs(seed_tables)
    for k in range(n_reports - len(rows)):
        group = COMPOSED_GROUPS[k % len(COMPOSED_GROUPS)]
        picked = [pool[(k + 11 * j) % len(pool)] for j in range(5)]
        report_id = f"composed_{k:02d}"
        page = web_page(
            f"第{k + 1}篇 两新党建工作综述", picked, f"2024年0{k % 9 + 1}月1{k % 10}日09:00", "示例网"
        )
        (folder / f"{report_id}.txt").write_text(page, encoding="utf-8")
        add(report_id, f"{report_id}.txt", group, "web_page", "simplified", ("city", "province")[k % 2])
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "level"])
    frame.to_csv(folder / "manifest.csv", index=False, encoding="utf-8", lineterminator="\n")
    return folder / "manifest.csv"
