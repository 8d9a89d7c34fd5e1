"""The text encoding of an export, decided from its bytes (no charset guessing).

BOMs first (UTF-8, UTF-32, UTF-16 LE/BE as Excel writes "Unicode text"), then UTF-16
without a BOM (every other byte NUL), then strict UTF-8, then UTF-8 mixed with
cp1252 (rows a Windows program appended to a UTF-8 export: each part is read in its
own encoding), then cp1252 and finally latin-1. Charset guessers are not used: they
read French cp1252 as cp1250 ("crème" becomes "crčme"). cp1252 is tried before
latin-1 because latin-1 maps bytes 0x80-0x9F to control characters no shop writes.

``is_binary`` tells text from binary data that merely decodes (any bytes are latin-1).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

SNIFF_BYTES = 1 << 20
# Share of control characters (other than tab, line ends, NUL) above which "text" is binary.
BINARY_SHARE = 0.02
MIXED_UTF8_CP1252 = "utf-8+cp1252"
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                             rb"|[\xf0-\xf4][\x80-\xbf]{3}")


# Control characters other than tab, line ends (LF, VT, FF, CR) and NUL; the replacement
# character stands for bytes that did not decode.
_CONTROL = re.compile("[\x01-\x08\x0e-\x1f\ufffd]")


def is_binary(text: str) -> bool:
    """Control characters (not tab, CR, LF, FF, VT or NUL) or undecodable bytes in bulk."""
    if not text:
        return False
    sample = text[:200_000]
    bad = len(_CONTROL.findall(sample))  # one C scan, not a Python step per character
    return bad > BINARY_SHARE * len(sample)


def looks_like_text(head: bytes) -> bool:
    """No NUL in the first 4 KiB, or a UTF-16 BOM (a workbook named .csv has NULs)."""
    return b"\x00" not in head[:4096] or head[:2] in (b"\xff\xfe", b"\xfe\xff")


def detect_encoding(path: Path, head: bytes, *, whole_file: bool = False) -> str:
    """BOM, else UTF-16 by its NULs, else strict UTF-8, else UTF-8 + cp1252, else cp1252,
    else latin-1.

    UTF-8 is checked on the first megabyte unless ``whole_file``: pyarrow validates
    UTF-8 in every column it reads, and a failure there re-runs this on the whole file.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le-bom"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be-bom"
    if len(head) > 3 and head[1:20:2].count(0) >= 8 and head[0:20:2].count(0) == 0:
        return "utf-16-le"
    if len(head) > 3 and head[0:20:2].count(0) >= 8 and head[1:20:2].count(0) == 0:
        return "utf-16-be"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        if whole_file:
            with path.open("rb") as fh:
                while chunk := fh.read(16 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        else:
            decoder.decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    whole = path.read_bytes()
    if _UTF8_MULTIBYTE.search(whole):
        # Valid UTF-8 beside bytes that are not: rows appended by a cp1252 program to a
        # UTF-8 export. Each part is read in its own encoding ("Crème" and "Café" both).
        return MIXED_UTF8_CP1252
    try:
        whole.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as cp1252 (else latin-1)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    try:
        return bad.decode("cp1252"), exc.end
    except UnicodeDecodeError:
        return bad.decode("latin-1"), exc.end


codecs.register_error("ppdesk-cp1252", _cp1252_fallback)


def python_codec(encoding: str) -> str:
    """The Python codec for an encoding name this module returns (BOM variants: utf-16)."""
    return {"utf-16-le-bom": "utf-16", "utf-16-be-bom": "utf-16"}.get(encoding, encoding)


def decode_sample(head: bytes, encoding: str) -> str:
    """The first bytes as text; a character cut at the sample's end is dropped."""
    if encoding == MIXED_UTF8_CP1252:
        return head.decode("utf-8", errors="ppdesk-cp1252").lstrip("\ufeff")
    return head.decode(python_codec(encoding), errors="ignore").lstrip("\ufeff")
