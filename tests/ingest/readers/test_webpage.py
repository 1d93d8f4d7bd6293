import pytest

from ingest.lexicon import load_lexicon
from ingest.model import IngestError
from ingest.pipeline import ingest
from ingest.readers.webpage import is_html, read_html

RULES = load_lexicon().formats["html"]

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>关于印发科普工作方案的通知_政策文件_某省人民政府门户网站</title>
<meta name="PubDate" content="2024-03-05 10:00">
<script>var menu = "一、不是正文";</script><style>p {{ color: red }}</style></head>
<body class="page-header-fixed">
<div class="top-header"><h1>某省人民政府</h1>
<ul class="main-nav"><li><a href="/">首页</a></li><li><a href="/zc">政策文件</a></li></ul></div>
<div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/zc">政策</a></div>
<table class="info"><tr><td>发文机关：</td><td>某省科学技术协会</td><td>发文字号：</td><td>某科协发〔2024〕3号</td></tr>
<tr><td>成文日期：</td><td>2024年03月01日</td></tr></table>
<div class="article">{heading}
<div id="zoom"><p>各设区市科协：</p><p>一、总体要求</p>
<p>（一）加强科普工作，推动科学技术普及，提升公民科学素质。责任部室（单位）：普及部。</p>
<p>（二）实施<b>“科普中国”</b>行动，建设科普阵地和科普队伍。责任部室（单位）：普及部、学会部。</p>
<p>某省科学技术协会<br>2024年3月1日</p></div></div>
<div class="share-bar"><a href="#">分享到微信</a></div>
<footer><p>版权所有：某省人民政府办公厅 网站地图 联系我们</p></footer>
<div class="foot-links"><a href="/a">相关链接一</a><a href="/b">相关链接二</a></div>
</body></html>"""
HEADING = "<h1>关于印发科普工作方案的通知</h1>"


def _page(heading: str = HEADING, charset: str = "utf-8") -> bytes:
    encoding = "gb18030" if charset == "gb2312" else charset
    return PAGE.format(heading=heading, charset=charset).encode(encoding)


def test_main_text_only_with_title_and_fields():
    raw = _page()
    assert is_html(raw)
    text, encoding = read_html(raw, "page.html", RULES)
    assert encoding == "utf-8"
    assert text.split("\n") == [
        "# 关于印发科普工作方案的通知",
        "发文机关：某省科学技术协会",
        "发文字号：某科协发〔2024〕3号",
        "成文日期：2024年03月01日",
        "发布日期：2024-03-05 10:00",
        "各设区市科协：",
        "一、总体要求",
        "（一）加强科普工作，推动科学技术普及，提升公民科学素质。责任部室（单位）：普及部。",
        "（二）实施“科普中国”行动，建设科普阵地和科普队伍。责任部室（单位）：普及部、学会部。",
        "某省科学技术协会",
        "2024年3月1日",
    ]
    for noise in ("首页", "不是正文", "版权所有", "分享", "相关链接", "某省人民政府门户网站", "color"):
        assert noise not in text


def test_title_from_the_title_element_when_there_is_no_heading():
    text, _ = read_html(_page(heading=""), "page.html", RULES)
    assert text.split("\n")[0] == "# 关于印发科普工作方案的通知"


def test_declared_gb2312_page_becomes_a_document_with_metadata(tmp_path):
    path = tmp_path / "notice.htm"
    path.write_bytes(_page(charset="gb2312"))
    doc = ingest([path])[0]
    assert (doc.format, doc.encoding) == ("html", "gb18030")
    assert doc.title == "关于印发科普工作方案的通知"
    assert (doc.issuer, doc.number, doc.date) == ("某省科学技术协会", "某科协发〔2024〕3号", "2024-03-01")
    assert [u.departments for u in doc.units if u.is_task] == [["普及部"], ["普及部", "学会部"]]
    programmes = {m.surface for m in doc.mentions if m.type == "Programme"}
    assert "科普中国" in programmes
    for m in doc.mentions:
        span = doc.source_span(m.start, m.end)
        assert doc.original[span.start : span.end] == doc.text[m.start : m.end]


def test_a_page_without_text_is_refused_in_one_line(tmp_path):
    path = tmp_path / "empty.html"
    path.write_bytes(b"<html><head><title>x</title><script>var a=1;</script></head><body><nav>home</nav></body></html>")
    with pytest.raises(IngestError, match="no main text") as err:
        ingest([path])
    assert "\n" not in str(err.value)
