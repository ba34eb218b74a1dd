"""Benchmark: a 30-page Thai table report, the engine vs plain WeasyPrint.

Each variant runs in its own fresh process: one warm-up render, then RUNS timed renders of the
same HTML. Peak memory is the process's maximum resident set size (Pango/HarfBuzz allocate
outside Python, so tracemalloc would under-count).

    .venv/bin/python bench/render_table.py            # prints a Markdown table
    .venv/bin/python bench/render_table.py --runs 5 --rows 900

"engine" is `documents.rendering.html_to_pdf` (local-only fetcher, Thai ActualText fix installed
at start-up); "plain" is `weasyprint.HTML(string=...).write_pdf()` with the fix removed.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_html(rows: int) -> str:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings.test")
    django.setup()
    from documents.kinds.sample import seed_documents
    from documents.rendering import render_html

    lines = [line["text"] for seed in seed_documents() for line in seed["lines"]]
    table_rows = [{"ref": f"S{i:05d}", "text": lines[i % len(lines)][:400]} for i in range(rows)]
    return render_html(
        "documents/sample.html",
        {"seeds": [], "rows": table_rows, "chart": ""},
        kind="sample",
        title="รายงานตารางภาษาไทย (เกณฑ์มาตรฐาน)",
        for_pdf=True,
    )


def child(variant: str, rows: int, runs: int) -> None:
    html = build_html(rows)
    from documents import pdf_text

    if variant == "engine":
        from documents.rendering import html_to_pdf

        def render() -> bytes:
            return html_to_pdf(html)
    else:
        import weasyprint

        pdf_text.uninstall()

        def render() -> bytes:
            return weasyprint.HTML(string=html).write_pdf()

    pdf = render()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = render()
        times.append(time.perf_counter() - start)
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        json.dumps(
            {
                "variant": variant,
                "times": times,
                "pages": pages,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=620, help="table rows (620 ≈ 30 A4 pages)")
    parser.add_argument("--child", choices=["engine", "plain"])
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows, args.runs)
        return
    results = {}
    for variant in ("plain", "engine"):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                variant,
                "--rows",
                str(args.rows),
                "--runs",
                str(args.runs),
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        results[variant] = json.loads(out.strip().splitlines()[-1])
    print("| variant | pages | median s | min s | max s | peak RSS MB |\n|---|---|---|---|---|---|")
    for variant, r in results.items():
        t = r["times"]
        print(
            f"| {variant} | {r['pages']} | {statistics.median(t):.3f} | {min(t):.3f} | {max(t):.3f} "
            f"| {r['peak_rss_mb']:.0f} |"
        )
    ratio = statistics.median(results["engine"]["times"]) / statistics.median(
        results["plain"]["times"]
    )
    print(f"\nengine / plain (median): {ratio:.2f}×  (target ≤ 1.15×)")


if __name__ == "__main__":
    main()
