import pytest

from ingest.model import IngestError
from ingest.readers.text import decode

TEXT = "一、总体要求\n（一）加强科协组织建设。责任部室（单位）：组人部。\n"


def test_utf8_with_and_without_bom():
    assert decode(TEXT.encode("utf-8")) == (TEXT, "utf-8")
    assert decode(b"\xef\xbb\xbf" + TEXT.encode("utf-8")) == (TEXT, "utf-8-sig")


def test_gbk_and_gb18030_detected():
    assert decode(TEXT.encode("gbk")) == (TEXT, "gb18030")
    rare = TEXT + "𠀀"  # outside GBK, inside GB18030
    assert decode(rare.encode("gb18030")) == (rare, "gb18030")


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary\x00" * 20, "binary"),
        (bytes(range(0x80, 0x100)) * 8, "encoding"),
    ],
)
def test_bad_bytes_give_one_line_errors(raw, message):
    with pytest.raises(IngestError) as err:
        decode(raw, "x.txt")
    assert message in str(err.value) and "\n" not in str(err.value)
