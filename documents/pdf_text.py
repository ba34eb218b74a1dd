"""Give WeasyPrint PDFs a correct text layer for Thai (and other complex scripts).

Why this exists
---------------
WeasyPrint 70.0 lays Thai out correctly, but text *extracted* from its PDFs
(``pdftotext``, copy/paste, search, screen readers) is wrong: SARA AM (U+0E33)
comes back as SARA AA, tone marks are moved or duplicated, "น้ำ" becomes "นา".

Cause: HarfBuzz shapes some Thai clusters into several glyphs (SARA AM ->
NIKHAHIT + SARA AA, tone marks repositioned, ...), and WeasyPrint builds the
font's ToUnicode CMap as *one string per glyph id*, taken from the first
cluster in which that glyph was seen (``font.to_unicode[glyph_id] = ...`` in
``weasyprint.draw.text.draw_first_line``).  A glyph shared by different
clusters therefore maps to the wrong text everywhere except where it was first
seen, and a glyph produced by decomposition maps to the whole cluster.
A per-glyph CMap cannot express many-to-many cluster mappings, so it cannot
be fixed there without inventing glyph ids.  Closest upstream report:
Kozea/WeasyPrint#2841 (same cause, shown with Arabic GSUB; still open; the
closed PR #2869 tried the invent-glyph-ids route instead).

The fix (what Chromium/Skia does): wrap the glyphs drawn for each laid-out
line fragment in a marked-content sequence that carries the fragment's real
Unicode text (ISO 32000-1 §14.9.4 "Replacement Text")::

    /Span <</ActualText <FEFF ...UTF-16BE hex...>>> BDC  ...Tm/Tf/TJ...  EMC

PDF readers and poppler's ``pdftotext`` use ActualText instead of the ToUnicode
CMap for the glyphs inside the span.  The ToUnicode CMap is left as it is, so
extractors that ignore ActualText (pypdf 7.1 does) still see the old, wrong
text: this patch fixes poppler-based and ActualText-aware consumers only.

What is patched
---------------
Exactly one function: ``weasyprint.draw.text.draw_first_line(stream, textbox,
text_overflow, block_ellipsis, matrix)``.  It draws the first (only) line of a
``TextBox``'s Pango layout between ``BT``/``ET``, and is used both for HTML text
(via ``draw_text``) and SVG ``<text>`` (``weasyprint.svg.text``, which imports
it from ``weasyprint.draw.text`` at call time, so the patch covers both).

We *wrap* the original rather than copying it: no WeasyPrint code is
duplicated.  The wrapper

1. appends ``/Span <dict> BDC`` to the stream *before* calling the original,
   where ``<dict>`` is an empty ``pydyf.Dictionary`` (pydyf serialises stream
   items lazily, so the dictionary can be filled in afterwards);
2. calls the original ``draw_first_line`` unchanged;
3. reads the text of the Pango line that was actually drawn (after any
   ellipsis/line-clamp rewriting the original performed), puts it in the
   dictionary as ``/ActualText``, and appends ``EMC``.  If the original drew
   nothing (blank text, zero font size), or the line has right-to-left runs
   (see ``actual_text_for``), the three ``BDC`` items are removed again.

Line breaking, shaping, positioning, the glyph stream and the ToUnicode CMap
are untouched: layout (including Thai line breaking) is byte-for-byte the
same, only ``BDC``/``EMC`` operators are added around each line fragment.

Because the wrapper relies on the original's behaviour (it draws line 0 of
``textbox.pango_layout`` into ``stream.stream``), ``install()`` checks the
sha256 of the original's source against ``ORIGINAL_SOURCE_SHA256`` and refuses
to patch a different version unless told to.

ActualText content rules
------------------------
* The text is the logical (Unicode, storage-order) text of the Pango line
  actually drawn, i.e. exactly the characters of that line fragment: spaces
  between words inside the fragment are included, the rest of the paragraph
  (other lines) is not.  WeasyPrint has already removed the trailing
  collapsible space at a line end, so the reader sees one line per fragment.
* A hyphen inserted by WeasyPrint at an automatic/soft-hyphen line break is
  written as U+00AD SOFT HYPHEN: "In Tagged PDF, such an incidental word
  division must be represented by a soft hyphen" (PDF Reference 1.7 §10.7,
  ISO 32000-1 §14.8.2.2.3 "Incidental artifacts"), so extraction can tell it
  from a real hyphen.  Soft hyphens *inside* the line are not drawn (Pango
  gives them an empty glyph, so they were never in the text layer) and are
  dropped.
* ``text-overflow: ellipsis``: only the visible part plus "…" is written.
* ``line-clamp``/``block-ellipsis``: WeasyPrint rewrites the layout text to the
  visible text plus the ellipsis string before drawing, which is what we read.

Usage::

    import actualtext
    actualtext.install()        # once, before rendering; idempotent
"""

import hashlib
import inspect

__all__ = [
    "ORIGINAL_SOURCE_SHA256",
    "install",
    "uninstall",
    "is_installed",
    "original_source_sha256",
    "actual_text_for",
]

#: sha256 of ``inspect.getsource(weasyprint.draw.text.draw_first_line)`` in
#: WeasyPrint 70.0.  If an upgrade changes the function, ``install()`` raises
#: (and the test comparing this constant fails): re-read the function, check the
#: assumptions listed in the module docstring still hold, then update this value.
ORIGINAL_SOURCE_SHA256 = "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b"

_PATCH_MARKER = "_actualtext_original"
_SOFT_HYPHEN = "\xad"
_ELLIPSIS = "\u2026"


def _text_module():
    from weasyprint.draw import text

    return text


def original_source_sha256():
    """Return the sha256 of the *unpatched* ``draw_first_line`` source."""
    function = _text_module().draw_first_line
    function = getattr(function, _PATCH_MARKER, function)
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def is_installed():
    return hasattr(_text_module().draw_first_line, _PATCH_MARKER)


def _is_ellipsized(layout):
    """Whether Pango replaced part of ``layout`` with an ellipsis run.

    WeasyPrint's cffi declarations lack ``pango_layout_is_ellipsized`` (public
    Pango API since 1.16), so it is declared once on WeasyPrint's ``ffi``.
    """
    from weasyprint.text.ffi import ffi, pango

    try:
        function = pango.pango_layout_is_ellipsized
    except AttributeError:
        ffi.cdef("gboolean pango_layout_is_ellipsized (PangoLayout *layout);", override=True)
        function = pango.pango_layout_is_ellipsized
    return bool(function(layout))


def actual_text_for(textbox, text_overflow="clip"):
    """Return the Unicode text of the line ``draw_first_line`` has just drawn.

    Return ``None`` when the line should not get an ActualText span (it has
    right-to-left runs, see below).  Must be called after the original
    ``draw_first_line`` (it reads the state the original left in
    ``textbox.pango_layout``).
    """
    from weasyprint.text.ffi import ffi, pango

    layout = textbox.pango_layout
    # The bytes Pango holds (``Layout.set_text`` strips NUL bytes the same way),
    # so that Pango's byte indices apply.
    utf8 = layout.text.encode().replace(b"\x00", b"")
    line = pango.pango_layout_get_line_readonly(layout.layout, 0)
    if line == ffi.NULL:
        return None

    # Right-to-left runs: leave the line to the ToUnicode CMap (return None).
    # poppler (pdftotext, Evince/Okular copy) spreads ActualText characters
    # left-to-right over the span's box and then re-orders RTL characters
    # visually, so Arabic/Hebrew would come out reversed.  (WeasyPrint itself
    # tests ``analysis.level % 2`` the same way.)  Thai is always LTR.
    run = line.runs
    while run != ffi.NULL:
        if run.data.item.analysis.level % 2:
            return None
        run = run.next

    if text_overflow == "ellipsis" and _is_ellipsized(layout.layout):
        # Pango replaced the end of the line with an ellipsis run whose item
        # spans the hidden text.  With PANGO_ELLIPSIZE_END (the only mode
        # WeasyPrint uses) that run is the one starting last in logical order.
        items = []
        run = line.runs
        while run != ffi.NULL:
            item = run.data.item
            items.append((item.offset, item.length))
            run = run.next
        items.sort()
        visible = b"".join(utf8[offset : offset + length] for offset, length in items[:-1])
        text = visible.decode(errors="replace") + _ELLIPSIS
    else:
        start = line.start_index
        text = utf8[start : start + line.length].decode(errors="replace")

    # Hyphen inserted by WeasyPrint at a line break: WeasyPrint appends
    # ``hyphenate-character`` to the layout text (after the soft hyphen for
    # manual hyphenation) and keeps no flag for it, so detect it the way its
    # own block-ellipsis code does (text ends with that character), and write
    # it as U+00AD.  Only a literal line-final U+2010 with ``hyphens: auto``
    # could be mistaken for it.
    # (Index, don't ``.get()``: WeasyPrint computes style values lazily in
    # ``__missing__``.)
    hyphens, hyphen = textbox.style["hyphens"], textbox.style["hyphenate_character"]
    if hyphen and hyphens != "none" and text.endswith(hyphen):
        before = text[: -len(hyphen)]
        if before.endswith(_SOFT_HYPHEN) or hyphens == "auto":
            return before.replace(_SOFT_HYPHEN, "").replace(_ZWSP, "") + _SOFT_HYPHEN
    # Soft hyphens not at a break are invisible (Pango draws an empty glyph), and so are the zero
    # width spaces `documents.linebreaks` puts between Thai words: neither is text.
    return text.replace(_SOFT_HYPHEN, "").replace(_ZWSP, "")


_ZWSP = "\u200b"


def _utf16_hex_string(text):
    """PDF text string ``<FEFF...>``: UTF-16BE with BOM, hex-encoded."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def install(verify=True):
    """Patch ``weasyprint.draw.text.draw_first_line``.  Idempotent.

    With ``verify`` (default), raise ``RuntimeError`` if the installed
    WeasyPrint's ``draw_first_line`` is not the one this patch was written for.
    """
    import pydyf

    module = _text_module()
    if is_installed():
        return
    original = module.draw_first_line
    if verify:
        digest = original_source_sha256()
        if digest != ORIGINAL_SOURCE_SHA256:
            raise RuntimeError(
                "actualtext: weasyprint.draw.text.draw_first_line has changed "
                f"(sha256 {digest}, expected {ORIGINAL_SOURCE_SHA256}); "
                "re-check the patch (see Kozea/WeasyPrint#2841) before using it"
            )

    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
        # Marked content around this line's glyphs, whose Unicode text replaces
        # the per-glyph ToUnicode mapping (Kozea/WeasyPrint#2841).
        start = len(stream.stream)
        properties = pydyf.Dictionary()  # filled in below; serialised late
        stream.begin_marked_content("Span", properties)  # "/Span", dict, "BDC"
        emojis = original(stream, textbox, text_overflow, block_ellipsis, matrix)
        text = None
        if len(stream.stream) > start + 3:  # something was drawn
            text = actual_text_for(textbox, text_overflow)
        if text is None:  # nothing drawn, or RTL: no span
            del stream.stream[start : start + 3]
            return emojis
        properties["ActualText"] = _utf16_hex_string(text)
        stream.end_marked_content()  # "EMC"
        return emojis

    draw_first_line.__doc__ = original.__doc__
    draw_first_line.__wrapped__ = original
    setattr(draw_first_line, _PATCH_MARKER, original)
    module.draw_first_line = draw_first_line


def uninstall():
    """Restore the original ``draw_first_line`` (for tests and benchmarks)."""
    module = _text_module()
    original = getattr(module.draw_first_line, _PATCH_MARKER, None)
    if original is not None:
        module.draw_first_line = original
