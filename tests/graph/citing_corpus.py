"""A small corpus of short synthetic documents that cite each other: two versions of one law, a
notice that cites it under another spelling and asks for the revised text, and a plan that rests
on the notice, cites the law plainly and names a title no document of the corpus has."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

OLD_LAW = """# 中华人民共和国示范促进法

2001年3月1日 第九届全国人民代表大会常务委员会第二十次会议通过

## 第一章 总则

第一条 为了促进示范工作，制定本法。

第二条 国家支持示范工作。
"""

NEW_LAW = """# 中华人民共和国示范促进法

2001年3月1日 第九届全国人民代表大会常务委员会第二十次会议通过

2023年6月1日 第十四届全国人民代表大会常务委员会第三次会议修订

## 第一章 总则

第一条 为了促进示范工作，推动高质量发展，制定本法。

第二条 国家支持示范工作，鼓励社会参与。
"""

NOTICE = """# 示范工作实施方案

2022年5月10日

## 一、工作任务

1. 完善示范制度。根据修订后的《示范促进法》，制定配套办法。责任部室（单位）：普及部。

2. 建设示范基地。依托“科创中国”平台建设基地。责任部室（单位）：学会部。
"""

PLAN = (
    "# 示范基地建设计划\n\n2024年2月1日\n\n## 一、重点任务\n\n"
    "1. 落实方案要求。为落实《示范工作实施方案》，开展基地评估。"
    "参照《中华人民共和国 示范促进法》组织宣传，并编写《未收录条例》解读材料。"
    "责任部室（单位）：普及部、学会部。\n"
)

FILES = {
    "law-2001.md": OLD_LAW,
    "law-2023.md": NEW_LAW,
    "notice.md": NOTICE,
    "plan.md": PLAN,
}


def write_corpus(folder: Path) -> Path:
    """The four documents as files under ``folder``; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def build_citing_graph(folder: Path) -> nx.MultiDiGraph:
    """The corpus written under ``folder``, ingested and built into a graph (no search index)."""
    from graph.build import build_graph
    from ingest.lexicon import load_lexicon
    from ingest.pipeline import ingest
    from ingest.resolve import resolve

    lexicon = load_lexicon()
    docs = ingest([str(write_corpus(folder))], lexicon)
    return build_graph(docs, resolve(docs, lexicon), lexicon)
