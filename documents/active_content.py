"""Finds active content in an upload, so that validation can refuse it: web page code in an image (in its
bytes and in its PNG text chunks, inflated), and in a PDF JavaScript, automatic or launching actions,
embedded files, rich media and XFA forms (in the raw bytes, names' #xx escapes undone, and in every object
pypdf can read, object streams included). All work is bounded; what cannot be checked within the bounds
is reported as too complex, never waved through.

Refusing rather than rewriting is a decision (README, "Upload rules"): a rewritten PDF is a document the
applicant never saw, and a refusal tells them how to make a clean one (print it to a new PDF, or scan it)."""

from __future__ import annotations

import re
import struct
import time
import zlib
from enum import StrEnum


class Finding(StrEnum):
    IMAGE_MARKUP = "image_markup"
    IMAGE_UNCHECKABLE = "image_uncheckable"
    PDF_ACTIVE = "pdf_active"
    PDF_TOO_COMPLEX = "pdf_too_complex"
    PDF_ENCRYPTED = "pdf_encrypted"


# Bytes kept from the end of one chunk for the next, so a match across a chunk boundary is still found;
# longer than any match of the patterns below (every quantifier in them is bounded).
CARRY = 1024

# --- images -------------------------------------------------------------------------------------------

# Before matching, bytes are lower-cased and every run of HTML whitespace becomes one space, so padding
# cannot push a tag past the carry and no pattern needs an unbounded quantifier or IGNORECASE. Each pattern
# starts with a literal, which lets the regex engine skip ahead: about 0.1 s for a 10 MB photo.
_LOWER_AND_SPACE = bytes.maketrans(b"\t\n\x0c\rABCDEFGHIJKLMNOPQRSTUVWXYZ", b"    abcdefghijklmnopqrstuvwxyz")
_SPACE_RUN = re.compile(b"  +")

# Elements of 4+ letters: a tag name this long followed by a space, "/" or ">" does not occur by chance in
# compressed pixel data (about once in 10^12 bytes each).
_LONG_TAGS = (
    b"script|iframe|frameset|frame|object|embed|applet|html|head|body|style|meta|link|base|form|input|button"
    b"|textarea|select|option|video|audio|source|track|math|details|dialog|marquee|template|image|animate"
    b"|animatemotion|animatetransform|foreignobject|noscript|noembed|noframes|isindex|plaintext|listing"
    b"|portal|picture|canvas|keygen|label|fieldset|handler|listener|table|span|title"
)
# Elements of 3 letters count with an attribute only ("<img src=", "<svg onload="): "<img " alone turns up
# by chance in about one 10 MB photo in two thousand, and a bare <img> or <svg> runs nothing.
_SHORT_TAGS = b"img|svg|set|use|div|nav|pre|var|map|col|del|ins|sub|sup|kbd|bdo|bdi|dfn|wbr|dir|rtc"
# Shorter elements (a, b, p, br, ...) form by chance too often to count alone; a link is caught by its
# href, and any of them by an event handler or a script URL.
_SCHEME_END = b" ?(?::|&colon;|&#0{0,8}58;?|&#x0{0,8}3a;?)"
_MARKUP = (
    re.compile(
        b"<(?: ?/? ?(?:" + _LONG_TAGS + b")(?=[ />])"
        b"| ?(?:" + _SHORT_TAGS + b")[ /]{1,8}[a-z][a-z0-9:_-]{0,40} ?="
        b"| ?a[ /](?:[^<>]{0,200}?[ /\"'])?(?:xlink:)?href ?="
        b"|[a-z][a-z0-9-]{0,20}:script(?=[ />])"
        b"|!doctype html"
        b"|\\?xml-stylesheet)"
    ),
    # script URLs; URL parsers drop tabs and newlines inside the scheme, so a space may stand between letters
    re.compile(b"j(?: ?a ?v ?a ?s ?c ?r ?i ?p ?t" + _SCHEME_END + b")"),
    re.compile(b"v(?: ?b ?s ?c ?r ?i ?p ?t" + _SCHEME_END + b")"),
)
# An event-handler attribute (onerror=, onload=, onmouseover= ...) wherever it stands, after a space, "/" or
# a quote (checked per match: a look-behind would cost the literal prefix).
_EVENT_HANDLER = re.compile(b"on[a-z]{3,40} ?=")
_BEFORE_ATTRIBUTE = frozenset(b" /\"'")


def _normalise(data: bytes) -> bytes:
    return _SPACE_RUN.sub(b" ", data.translate(_LOWER_AND_SPACE))


def _markup_in(window: bytes) -> bool:
    """`window` is normalised."""
    if any(pattern.search(window) for pattern in _MARKUP):
        return True
    return any(m.start() > 0 and window[m.start() - 1] in _BEFORE_ATTRIBUTE for m in _EVENT_HANDLER.finditer(window))


def has_markup(data: bytes) -> bool:
    """Whether `data` holds web page code: an HTML tag, an event-handler attribute or a script URL."""
    return _markup_in(_normalise(data))


class ImageScanner:
    """Fed an image's bytes chunk by chunk; `found` once web page code turned up anywhere in them."""

    def __init__(self) -> None:
        self.found: Finding | None = None
        self._carry = b""

    def feed(self, chunk: bytes) -> None:
        if self.found:
            return
        window = _SPACE_RUN.sub(b" ", self._carry + chunk.translate(_LOWER_AND_SPACE))
        if _markup_in(window):
            self.found = Finding.IMAGE_MARKUP
        self._carry = window[-CARRY:]


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_MAX_CHUNKS = 100_000  # a real PNG has a few dozen; an encoder writing tiny IDAT chunks, a few thousand
PNG_TEXT_MAX_INFLATED = 4 * 1024 * 1024  # text of all zTXt/iTXt chunks together, once inflated


def _inflate_bounded(data: bytes, limit: int) -> bytes | None:
    """At most `limit` bytes of a zlib stream; None if it holds more (the caller refuses that)."""
    inflater = zlib.decompressobj()
    out = b""
    for start in range(0, len(data), 16384):
        try:
            out += inflater.decompress(data[start : start + 16384], limit + 1 - len(out))
        except zlib.error:
            break  # what inflated before the damage is still checked
        if len(out) > limit:
            return None
    return out


def png_text_finding(file) -> Finding | None:
    """Inflate the compressed text chunks (zTXt, and iTXt with its compression flag set) of a PNG and look
    for web page code in them; plain tEXt/iTXt text is already in the bytes the scanner read. Seeks over
    every other chunk, so the pixels are not read again."""
    budget = PNG_TEXT_MAX_INFLATED
    file.seek(len(PNG_SIGNATURE))
    for _ in range(PNG_MAX_CHUNKS):
        header = file.read(8)
        if len(header) < 8:
            return None
        length, kind = struct.unpack(">I4s", header)
        if kind in (b"zTXt", b"iTXt"):
            data = file.read(length)
            _keyword, _, rest = data.partition(b"\0")
            compressed = b""
            if kind == b"zTXt":
                compressed = rest[1:]  # after the compression method byte
            elif rest[:1] == b"\x01":  # iTXt: flag, method, language\0, translated keyword\0, text
                parts = rest[2:].split(b"\0", 2)
                compressed = parts[2] if len(parts) == 3 else b""
            if compressed:
                text = _inflate_bounded(compressed, budget)
                if text is None:
                    return Finding.IMAGE_UNCHECKABLE
                budget -= len(text)
                if has_markup(text):
                    return Finding.IMAGE_MARKUP
            file.seek(4, 1)  # CRC
        else:
            file.seek(length + 4, 1)
        if kind == b"IEND":
            return None
    return Finding.IMAGE_UNCHECKABLE


# --- PDF: the raw bytes ---------------------------------------------------------------------------------

_PDF_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_PDF_NAME = re.compile(rb"/(" + _PDF_REGULAR + rb"{0,127})")
# In a stream body, where most bytes are compressed data, only names that might matter are looked at.
_PDF_NAME_IN_STREAM = re.compile(
    rb"/(?=" + _PDF_REGULAR + rb"{0,127}#|JavaScript|Launch|Embedded|RichMedia|SubmitForm|ImportData|GoTo"
    rb"|OnInstantiate|FileAttachment|OpenAction)"
)
_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# "stream" as a keyword (not "endstream", not part of a word; checked per match); its body runs to
# "endstream".
_PDF_STREAM = re.compile(rb"stream(?![A-Za-z])")
_PDF_ENDSTREAM = re.compile(rb"endstream")
_PDF_SKIP = re.compile(rb"(?:[\x00\t\n\x0c\r ]|%[^\r\n]{0,200}[\r\n])*")
_PDF_COUNTS = re.compile(rb"^(?:Size|N)[\x00\t\n\x0c\r ]*(\d{1,12})")
_PDF_INDEX = re.compile(rb"^Index[\x00\t\n\x0c\r ]*\[([\d\x00\t\n\x0c\r ]{0,400})\]")

# Names that mean code, actions that leave the document, embedded files or XFA. The short ones count only
# outside stream bodies: "/JS" and a delimiter occur by chance in compressed data about once in 250 MB,
# which over a year of scanned PDFs would refuse some; five letters or more, about never.
_PDF_ACTIVE_NAMES = {
    b"JavaScript",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"RichMediaExecute",
    b"RichMediaContent",
    b"SubmitForm",
    b"ImportData",
    b"GoToR",
    b"GoToE",
    b"OnInstantiate",
    b"FileAttachment",
}
_PDF_ACTIVE_SHORT_NAMES = {b"JS", b"AA", b"EF", b"XFA"}


# The names a lone GoTo action to a page may hold.
_PDF_GOTO_NAMES = frozenset(
    (b"S", b"GoTo", b"D", b"Type", b"Action", b"XYZ", b"Fit", b"FitH", b"FitV", b"FitR", b"FitB", b"FitBH", b"FitBV")
)


def _is_open_action(data: bytes, pos: int) -> bool:
    """Whether the /OpenAction whose name ends at `pos` is followed by an action dictionary other than a lone
    GoTo (which, like a destination array, only opens the document at a page). A reference is left to the
    object walk."""
    skipped = _PDF_SKIP.match(data, pos)
    start = skipped.end() if skipped else pos
    if data[start : start + 2] != b"<<":
        return False
    end = data.find(b">>", start + 2, start + 400)
    if end < 0 or b"<<" in data[start + 2 : end]:
        return True  # a long or nested dictionary is no lone GoTo
    names = {_unescape(name) for name in _PDF_NAME.findall(data, start + 2, end)}
    return not ({b"S", b"GoTo"} <= names <= _PDF_GOTO_NAMES)


def _unescape(name: bytes) -> bytes:
    """A name's bytes with its #xx escapes undone: /J#61vaScript is /JavaScript."""
    return _PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name) if b"#" in name else name


class PdfRawScanner:
    """Fed a PDF's bytes chunk by chunk; `found` when a name of active content appears, however escaped
    (`/J#61vaScript`), or an /OpenAction is followed by an action dictionary. Also notes the largest object
    count any trailer or cross-reference stream declares, so a PDF too big to walk is refused before pypdf
    spends time on it."""

    def __init__(self) -> None:
        self.found: Finding | None = None
        self.declared_objects = 0
        self._carry = b""
        self._in_stream = False

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        data = self._carry + chunk
        # Everything before `limit` is decided now; a token starting there or later waits for more bytes.
        limit = len(data) if final else max(0, len(data) - CARRY)
        pos = 0
        while pos < limit and not self.found:
            keyword = self._next_keyword(data, pos)
            if keyword is None or keyword.start() >= limit:
                self._scan(data, pos, limit, in_stream=self._in_stream)
                pos = limit
            else:
                self._scan(data, pos, keyword.start(), in_stream=self._in_stream)
                self._in_stream = not self._in_stream
                pos = keyword.end()
        self._carry = data[pos:]

    def close(self) -> None:
        """Scan what the last chunk left over."""
        self.feed(b"", final=True)

    def _next_keyword(self, data: bytes, pos: int) -> re.Match[bytes] | None:
        if self._in_stream:
            return _PDF_ENDSTREAM.search(data, pos)
        for match in _PDF_STREAM.finditer(data, pos):
            if match.start() == 0 or not data[match.start() - 1 : match.start()].isalpha():
                return match
        return None

    def _scan(self, data: bytes, start: int, end: int, *, in_stream: bool) -> None:
        for candidate in (_PDF_NAME_IN_STREAM if in_stream else _PDF_NAME).finditer(data, start):
            if candidate.start() >= end:
                return
            match = _PDF_NAME.match(data, candidate.start()) if in_stream else candidate
            if match is None:  # pragma: no cover - a name may be empty, so a "/" always matches
                continue
            name = _unescape(match.group(1))
            if name in _PDF_ACTIVE_NAMES or (not in_stream and name in _PDF_ACTIVE_SHORT_NAMES):
                self.found = Finding.PDF_ACTIVE
                return
            if name == b"OpenAction" and _is_open_action(data, match.end()):
                self.found = Finding.PDF_ACTIVE
                return
            if not in_stream and name in (b"Size", b"N", b"Index"):
                self._note_count(data[match.start() + 1 : match.start() + 420])

    def _note_count(self, text: bytes) -> None:
        if counted := _PDF_COUNTS.match(text):
            self.declared_objects = max(self.declared_objects, int(counted.group(1)))
        elif index := _PDF_INDEX.match(text):
            numbers = [int(n) for n in index.group(1).split() if n.isdigit()]
            self.declared_objects = max(self.declared_objects, sum(numbers[1::2]))


# --- PDF: every object, through pypdf -------------------------------------------------------------------

# Keys whose presence alone means active content: a JavaScript action's code, the document's JavaScript
# name tree, additional (automatic) actions, embedded files, XFA forms, rich media, 3D scripts.
_ACTIVE_KEYS = {
    "/JS",
    "/JavaScript",
    "/AA",
    "/EmbeddedFiles",
    "/EF",
    "/XFA",
    "/RichMediaContent",
    "/RichMediaSettings",
    "/OnInstantiate",
}
# Action types (/S) that run code, start programs, send data, or open other files.
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
    "/RichMediaExecute",
}
_ACTIVE_SUBTYPES = {"/FileAttachment", "/RichMedia"}
_ACTIVE_TYPES = {"/EmbeddedFile"}


class _TooComplex(Exception):
    pass


def _is_active_dictionary(item, resolve) -> bool:
    keys = set(item)
    if keys & _ACTIVE_KEYS:
        return True

    def name(key: str) -> str:  # a value may itself be a reference, as viewers allow
        value = resolve(dict.get(item, key))
        return str(value) if isinstance(value, str) else ""

    if name("/S") in _ACTIVE_ACTIONS or name("/Subtype") in _ACTIVE_SUBTYPES or name("/Type") in _ACTIVE_TYPES:
        return True
    if "/OpenAction" in keys:
        from pypdf.generic import DictionaryObject

        action = resolve(dict.__getitem__(item, "/OpenAction"))
        # A destination ([page /Fit]) only opens the document at a page; so does a lone GoTo action. Any other
        # action would run as the document opens.
        if isinstance(action, DictionaryObject) and (
            str(resolve(dict.get(action, "/S"))) != "/GoTo" or "/Next" in action
        ):
            return True
    return False


def pdf_object_finding(file, *, max_objects: int, seconds: float) -> Finding | None:
    """Walk every object of the PDF that pypdf can read: the trailer, each entry of the cross-reference
    (objects inside object streams too), what they refer to, and what pypdf met on the way. None when
    nothing active is found, or when pypdf cannot read the file at all (the raw scan then stands alone, as
    before this check existed)."""
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import FileNotDecryptedError, LimitReachedError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    deadline = time.monotonic() + seconds
    file.seek(0)
    try:
        reader = PdfReader(file, strict=False, xref_stream_maximum_entries=max_objects)
    except Exception as error:  # pypdf raises many kinds on a damaged file
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, LimitReachedError):
                return Finding.PDF_TOO_COMPLEX
            cause = cause.__cause__ or cause.__context__
        return None
    try:
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            return Finding.PDF_ENCRYPTED
    except Exception:
        return Finding.PDF_ENCRYPTED

    seen: set[tuple[int, int]] = set()

    def resolve(value):
        if not isinstance(value, IndirectObject):
            return value
        if time.monotonic() > deadline:
            raise _TooComplex
        try:
            return value.get_object()
        except FileNotDecryptedError:
            raise
        except (LimitReachedError, RecursionError):
            raise _TooComplex
        except Exception:
            return None  # an object pypdf cannot read is left to the raw scan

    references = [(idnum, generation) for generation, entries in reader.xref.items() for idnum in entries]
    references += [(idnum, 0) for idnum in reader.xref_objStm]
    if len(references) > max_objects:
        return Finding.PDF_TOO_COMPLEX
    stack: list = [reader.trailer] + [IndirectObject(idnum, gen, reader) for idnum, gen in references]
    nodes, max_nodes = 0, max_objects * 50
    try:
        # pypdf parses a whole object stream at its first use, out of reach of the clock below: count what
        # the object streams declare first.
        declared = 0
        for number in {stream_number for stream_number, _ in reader.xref_objStm.values()}:
            object_stream = resolve(IndirectObject(number, 0, reader))
            count = resolve(dict.get(object_stream, "/N")) if isinstance(object_stream, DictionaryObject) else 0
            declared += max(int(count), 0) if isinstance(count, int) else 0
            if declared > max_objects:
                return Finding.PDF_TOO_COMPLEX
        while True:
            if not stack:
                # Objects pypdf parsed along the way but no cross-reference entry names (the rest of an
                # object stream, objects found by its repair) are walked too.
                stack = [obj for key, obj in list(reader.resolved_objects.items()) if (key[1], key[0]) not in seen]
                seen.update((key[1], key[0]) for key in list(reader.resolved_objects))
                if not stack:
                    return None
            item = stack.pop()
            nodes += 1
            if nodes > max_nodes:
                return Finding.PDF_TOO_COMPLEX
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in seen:
                    continue
                seen.add(key)
                if len(seen) > max_objects:
                    return Finding.PDF_TOO_COMPLEX
                item = resolve(item)
            if isinstance(item, DictionaryObject):
                if _is_active_dictionary(item, resolve):
                    return Finding.PDF_ACTIVE
                stack.extend(dict.values(item))
            elif isinstance(item, ArrayObject):
                stack.extend(list.__iter__(item))
    except FileNotDecryptedError:
        return Finding.PDF_ENCRYPTED
    except (_TooComplex, RecursionError):
        return Finding.PDF_TOO_COMPLEX
