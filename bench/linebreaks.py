"""Benchmark: where the PDF's lines break in Thai text, and what the word segmenter costs.

For every document kind of the demo (the measure-results report in each layout), the PDF is
rendered with the Thai word segmenter (`documents.linebreaks`) off and on. Its lines are read back
with `pdftotext -bbox-layout`, which groups them in blocks (a paragraph, a table cell), so a line
and the next line of the same block are one line break, whatever the table's columns.

A line end "inside a Thai run" is one where the line ends with a Thai letter and the next line of
its block starts with one. It is "inside a word" when the cut is not a boundary of pythainlp's
newmm segmentation of the Thai run it falls in, as the document's HTML has that run (newmm
depends on context, so the run is segmented whole, as the segmenter saw it), and then either a "compound seam" (both halves are
dictionary words: ดำเนิน|การ) or a "true split" (ประพฤติมิ|ชอบ). Breaks in headings, titles,
table headers and captions (found by their text in the document's HTML) are counted apart: the
goal is none inside a word there, and at most 0.5 % of all line ends inside a word.

Then each kind is rendered RUNS times as PDF (segmenter off, on) and as .docx, in one process,
one after the other, and the median of each is reported.

    .venv/bin/python bench/linebreaks.py            # prints a Markdown report
    .venv/bin/python bench/linebreaks.py --runs 5 --show 20

A fresh SQLite database in a temporary folder holds the demo, loaded as on 6 December 2569.
"""

from __future__ import annotations

import argparse
import contextlib
import html as htmllib
import io
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THAI = re.compile(r"[\u0E01-\u0E4F]")
THAI_TAIL = re.compile(r"[\u0E01-\u0E4F]+$")
THAI_HEAD = re.compile(r"^[\u0E01-\u0E4F]+")
HEADING = re.compile(r"<(h[1-6]|th|caption)\b[^>]*>(.*?)</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")


def setup(tmp: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "ita_portal.settings.test"
    os.environ["ITA_TEST_MEDIA_ROOT"] = str(tmp / "media")
    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with time_machine.travel("2026-12-06 09:00+07:00", tick=False):
        settings.DEBUG = True
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        settings.DEBUG = False


def documents():
    """(label, kind, fiscal_year, options) for every kind of the demo and each layout."""
    from approvals.models import Memo
    from documents.registry import KINDS, DocumentError, document_htmls
    from documents.rendering import DocumentOptions
    from organisations.models import Organisation

    org = Organisation.objects.get(code="6301401")
    memo = Memo.objects.filter(organisation=org).order_by("-pk").first()
    for spec in sorted(KINDS.values(), key=lambda k: k.order):
        for layout in spec.layouts or ("",):
            options = DocumentOptions(memo_id=memo.pk, layout=layout or "b")
            for year in (2570, 2569, 2568):
                try:
                    document_htmls(
                        kind=spec.name,
                        organisation=org if spec.needs_organisation else None,
                        fiscal_year=year,
                        options=options,
                        outputs=("pdf",),
                    )
                except DocumentError:
                    continue
                label = f"{spec.name}{' ' + layout if layout else ''} ({year})"
                yield label, spec, org if spec.needs_organisation else None, year, options
                break


def pdf_lines(pdf: bytes) -> list[list[str]]:
    """The PDF's lines, grouped by block (a paragraph or a cell), from pdftotext -bbox-layout."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(
            ["pdftotext", "-bbox-layout", f.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    blocks = []
    for block in re.findall(r"<block\b.*?</block>", out, re.S):
        lines = []
        for line in re.findall(r"<line\b.*?</line>", block, re.S):
            words = [htmllib.unescape(w) for w in re.findall(r"<word[^>]*>(.*?)</word>", line)]
            text = " ".join(words).strip()
            if text:
                lines.append(text)
        blocks.append(lines)
    return blocks


def heading_texts(html: str) -> list[str]:
    texts = []
    for _, inner in HEADING.findall(html):
        text = htmllib.unescape(TAG.sub(" ", inner))
        texts.append(re.sub(r"\s+", "", text))
    return texts


def html_runs(html: str) -> list[tuple[str, set[int]]]:
    """The Thai runs of the document's text as the HTML has them, with their newmm word
    boundaries: a line end is judged against the run it falls in, segmented as a whole (newmm
    depends on context: a run cut at the line end would be segmented otherwise)."""
    from documents.linebreaks import _THAI_RUN, thai_words

    runs = []
    text = htmllib.unescape(TAG.sub("\n", re.sub(r"<(style|head)\b.*?</\1>", "", html, flags=re.S)))
    for match in _THAI_RUN.finditer(text):
        boundaries, position = set(), 0
        for word in thai_words(match.group()):
            boundaries.add(position)
            position += len(word)
        boundaries.add(position)
        runs.append((match.group().replace("\u00a0", " "), boundaries))
    # the text itself (spaces collapsed), to tell a line broken at a space (pdftotext drops it)
    runs.append((re.sub(r"\s+", " ", text), None))
    return runs


def run_boundary(left: str, right: str, runs) -> bool | None:
    """Whether the cut between `left` and `right` is a word boundary of the HTML run it falls
    in (None: no run has that text)."""
    junction = left[-10:] + right[:10]
    *runs, (text, _) = runs
    if left[-10:] + " " + right[:10] in text and junction not in text:
        return "space"  # the line broke at a space
    for run, boundaries in runs:
        at = run.find(junction)
        if at >= 0:
            return at + len(left[-10:]) in boundaries
    # Two runs of the HTML that the PDF shows side by side (two table cells in one block): the
    # cut is between them.
    if any(run.endswith(left[-10:]) for run, _ in runs) and any(
        run.startswith(right[:10]) for run, _ in runs
    ):
        return True
    return None


def classify(blocks, headings, runs):
    """Counts of line ends, and the ones inside a word, with examples."""
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import word_tokenize

    dictionary = thai_words()
    counts = {
        "line_ends": 0,
        "thai_ends": 0,
        "inside": 0,
        "seams": 0,
        "splits": 0,
        "heading_ends": 0,
        "heading_inside": 0,
    }
    examples = []
    for lines in blocks:
        # The block's text as one string (a line joins the next without a space when both sides
        # are Thai), segmented as a whole, as the segmenter saw it, with the offsets of the cuts.
        text, cuts = "", []
        for index, line in enumerate(lines):
            if index:
                counts["line_ends"] += 1
                if THAI_TAIL.search(text) and THAI_HEAD.search(line):
                    cuts.append(len(text))
                else:
                    text += " "
            text += line
        for run in re.finditer(r"[\u0E01-\u0E4F]+", text):
            inner = [c for c in cuts if run.start() < c < run.end()]
            if not inner:
                continue
            boundaries, position = set(), run.start()
            for word in word_tokenize(run.group(), engine="newmm", keep_whitespace=False):
                boundaries.add(position)
                position += len(word)
            for cut in inner:
                verdict = run_boundary(text[run.start() : cut], text[cut : run.end()], runs)
                if verdict == "space":
                    continue
                counts["thai_ends"] += 1
                around = text[max(cut - 8, 0) : cut + 8].replace(" ", "")
                in_heading = any(around in h for h in headings)
                counts["heading_ends"] += in_heading
                if verdict or (verdict is None and cut in boundaries):
                    continue
                counts["inside"] += 1
                counts["heading_inside"] += in_heading
                start = max(p for p in boundaries if p < cut)
                end = min([p for p in boundaries if p > cut] + [run.end()])
                first, second = text[start:cut], text[cut:end]
                seam = first in dictionary and second in dictionary
                counts["seams" if seam else "splits"] += 1
                examples.append(
                    f"{'heading ' if in_heading else ''}{'seam' if seam else 'split'}: "
                    f"{first}|{second}"
                )
    return counts, examples


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return (
        f"{platform.platform()}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed renders per variant")
    parser.add_argument("--show", type=int, default=8, help="examples shown per kind")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ita-bench-lb-") as tmp:
        setup(Path(tmp))
        from django.conf import settings

        from documents.docx import html_to_docx
        from documents.registry import document_htmls
        from documents.rendering import html_to_pdf

        rows, totals, timings, shown = [], {}, [], []
        for label, spec, org, year, options in documents():
            _, title, htmls = document_htmls(
                kind=spec.name,
                organisation=org,
                fiscal_year=year,
                options=options,
                outputs=("pdf",),
            )
            html = htmls["pdf"]
            headings = heading_texts(html)
            runs = html_runs(html)
            results = {}
            for mode in ("off", "on"):
                settings.DOCUMENTS_THAI_WORD_BREAKS = mode == "on"
                pdf = html_to_pdf(html)
                counts, examples = classify(pdf_lines(pdf), headings, runs)
                results[mode] = counts
                for key, value in counts.items():
                    totals.setdefault(mode, {}).setdefault(key, 0)
                    totals[mode][key] += value
                if examples:
                    shown.append(
                        f"- {label}, segmenter {mode}: " + "; ".join(examples[: args.show])
                    )
            rows.append((label, results))

            times = {}
            for variant in ("pdf off", "pdf on", "docx"):
                settings.DOCUMENTS_THAI_WORD_BREAKS = variant == "pdf on"
                samples = []
                for _ in range(args.runs + 1):
                    start = time.perf_counter()
                    if variant == "docx":
                        html_to_docx(html, page=spec.page, title=title)
                    else:
                        html_to_pdf(html)
                    samples.append(time.perf_counter() - start)
                times[variant] = statistics.median(samples[1:])  # the first is a warm-up
            timings.append((label, times))
        settings.DOCUMENTS_THAI_WORD_BREAKS = True

    print(f"Machine: {machine()}\n")
    print(
        "| document | segmenter | line ends | in a Thai run | inside a word | seams | splits | "
        "heading ends | heading inside |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, results in rows + [("**all**", totals)]:
        for mode in ("off", "on"):
            c = results[mode]
            share = 100 * c["inside"] / c["line_ends"] if c["line_ends"] else 0
            print(
                f"| {label} | {mode} | {c['line_ends']} | {c['thai_ends']} | {c['inside']} "
                f"({share:.1f} %) | {c['seams']} | {c['splits']} | {c['heading_ends']} | "
                f"{c['heading_inside']} |"
            )
    on = totals["on"]
    share = 100 * on["inside"] / on["line_ends"] if on["line_ends"] else 0
    print(
        f"\nGoal ≤ 0.5 % of line ends inside a word, none in headings: {share:.2f} %, "
        f"{on['heading_inside']} in headings: {'met' if share <= 0.5 and not on['heading_inside'] else 'NOT met'}"
    )
    print("\n| document | PDF, segmenter off (s) | PDF, segmenter on (s) | cost | .docx (s) |")
    print("|---|---:|---:|---:|---:|")
    total_off = total_on = 0.0
    for label, t in timings:
        total_off += t["pdf off"]
        total_on += t["pdf on"]
        print(
            f"| {label} | {t['pdf off']:.3f} | {t['pdf on']:.3f} | "
            f"{100 * (t['pdf on'] / t['pdf off'] - 1):+.1f} % | {t['docx']:.3f} |"
        )
    cost = 100 * (total_on / total_off - 1)
    print(f"| **all** | {total_off:.3f} | {total_on:.3f} | {cost:+.1f} % | |")
    print(
        f"\nGoal: the segmenter costs ≤ 10 % of render time: {cost:+.1f} %: "
        f"{'met' if cost <= 10 else 'NOT met'}"
    )
    if shown:
        print("\nLine ends inside a word (examples):\n")
        print("\n".join(shown))


if __name__ == "__main__":
    main()
