import pytest

from ingest.pipeline import ingest
from tests.conftest import shared


def test_plan_metadata(plan_doc):
    assert plan_doc.title == "“十四五”时期江西省科协系统深化改革重点任务方案（2021-2025）"
    assert plan_doc.issuer == "江西省科学技术协会"
    assert plan_doc.number == "赣科协字〔2021〕172号"
    assert plan_doc.date == "2021-12-22"


@pytest.mark.parametrize(
    "folder, name, date, issuer",
    [
        ("行政法", "科学技术普及法(2002-06-29).md", "2002-06-29", "全国人民代表大会常务委员会"),
        # adopted 2002, revised 2024: the version's date is the latest
        ("行政法", "科学技术普及法(2024-12-25).md", "2024-12-25", "全国人民代表大会常务委员会"),
        # amended by a decision whose long title holds 年 (未成年人): the date still counts
        ("行政法", "生物安全法(2024-04-26).md", "2024-04-26", "全国人民代表大会常务委员会"),
        # issued, revised and promulgated: the promulgation, not the later entry into force
        ("行政法规", "消费税暂行条例(2008-11-10).md", "2008-11-10", "国务院"),
    ],
)
def test_law_versions_date_and_issuer(folder, name, date, issuer):
    doc = ingest([shared("laws", folder, name)])[0]
    assert (doc.date, doc.issuer) == (date, issuer)


def test_local_regulation_issuer_names_its_place():
    path = shared("laws", "DLC", "广东地方法规", "地方性法规", "广东", "汕头经济特区科技创新条例(2022-05-30).md")
    doc = ingest([path])[0]
    assert (doc.issuer, doc.date) == ("汕头市人民代表大会常务委员会", "2022-05-30")


def test_a_closing_sentence_about_entry_into_force_is_not_a_version():
    doc = ingest([shared("laws", "行政法规", "不动产登记暂行条例(2019-03-24).md")])[0]
    # the last article says 本条例自2015年3月1日起施行……公布; the front matter says 2014-11-24 公布
    assert doc.date == "2014-11-24"
