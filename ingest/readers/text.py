"""Plain text and Markdown: detect the encoding and decode."""

from __future__ import annotations

from ..model import IngestError

# Tried in order; GB18030 is a superset of GBK and GB2312, so one attempt covers all three.
_ENCODINGS = ("utf-8", "gb18030")


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.05


def _plausible_chinese(text: str) -> bool:
    """GB18030 decodes almost any byte string; reject results that are mostly rare glyphs."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    if cjk == 0:
        return True
    common = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fa5")
    odd = sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff" or "\u3400" <= ch <= "\u4dbf")
    return odd <= cjk * 0.02 and common > 0


def decode(raw: bytes, name: str = "input") -> tuple[str, str]:
    """Return (text, encoding name). Raises IngestError with a one-line message."""
    if not raw.strip():
        raise IngestError(f"{name}: 文件为空 (empty file)")
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise IngestError(f"{name}: UTF-8 BOM but invalid UTF-8 at byte {exc.start + 3}") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise IngestError(f"{name}: invalid UTF-16 text") from None
    if _looks_binary(raw):
        raise IngestError(f"{name}: 不是文本文件 (binary content, not text)")
    for encoding in _ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" or _plausible_chinese(text):
            return text, encoding
    raise IngestError(f"{name}: 无法识别的文本编码 (unknown encoding: not UTF-8 or GB18030/GBK)")


def read_text(raw: bytes, name: str, _rules: dict) -> tuple[str, str]:
    return decode(raw, name)
