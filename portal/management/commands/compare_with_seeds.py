"""Each document kind of the demo set beside the seed it follows, as page images for the docs.

    python manage.py compare_with_seeds --out docs/images/documents   (`make doc-comparisons`)

The seeds (`../shared/seeds/`) are text extracts of real documents, with a tab between the cells
of a table row; there are no page images of them. The seed side of each image is therefore the
seed's text laid out again by this engine (paragraphs as paragraphs, tab-separated lines as table
rows), labelled as such: it shows the seed's content and structure, not its exact look.

Our side is the page of the rendered PDF that holds the same part of the document (found by a
marker text), rasterised with poppler's `pdftoppm`. The notes of what still differs, and why,
are in docs/document-comparisons.md.
"""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from approvals.models import Memo
from documents.registry import DocumentError, document_render
from documents.rendering import DocumentOptions, html_to_pdf, sarabun_css_for_pdf
from organisations.models import Organisation


@dataclass(frozen=True)
class Pair:
    slug: str
    kind: str
    layout: str
    seed: str  # the seed file's number ("000")
    #: where the compared part starts: in our PDF (Arabic digits) and in the seed
    ours_marker: str
    seed_marker: str
    label: str
    #: the demo years tried in turn (the first that renders); 2568 has results on record
    years: tuple[int, ...] = (2568, 2570, 2569)


PAIRS = [
    Pair("measure-results-a", "measure-results", "a", "000", "ผู้รับผิดชอบ",
         "รายงานผลการดำเนินการ", "รายงานผลการดำเนินการตามมาตรการ แบบ a / seed 000"),
    Pair("measure-results-b", "measure-results", "b", "001", "ผู้รับผิดชอบ",
         "", "รายงานผลการดำเนินการตามมาตรการ แบบ b / seed 001"),
    Pair("measure-results-c", "measure-results", "c", "003", "ผู้รับผิดชอบ",
         "รายงานผลการดำเนินการมาตรการส่งเสริมคุณธรรมและความโปร่งใส\n", "รายงานผลการดำเนินการตามมาตรการ แบบ c / seed 003"),
    Pair("measure-plan", "measure-plan", "", "004", "มาตรการ",
         "การนำผลการวิเคราะห์ไปสู่การปรับปรุง", "แผนมาตรการ / ตารางมาตรการของ seed 004"),
    Pair("progress", "progress", "", "002", "แบบตรวจการเปิดเผยข้อมูลสาธารณะ",
         "แบบตรวจการเปิดเผยข้อมูลสาธารณะ", "รายงานความก้าวหน้ารอบ 6 เดือน / seed 002"),
    Pair("memo", "memo", "", "003", "บันทึกข้อความ", "", "บันทึกข้อความ / seed 003", (2570,)),
    Pair("analysis-areas", "analysis", "", "004", "ผลการวิเคราะห์รายประเด็น",
         "ประเด็นที่ ๑ กระบวนการปฏิบัติงาน", "การวิเคราะห์ผลการประเมิน รายประเด็น / seed 004"),
    Pair("analysis-matrix", "analysis", "", "004",
         "สรุปผลการวิเคราะห์และการนำผลการวิเคราะห์ไปสู่การปฏิบัติรายประเด็น",
         "ประเด็น\tผลการวิเคราะห์ข้อมูล", "การวิเคราะห์ผลการประเมิน ตารางสรุป / seed 004"),
]  # fmt: skip

DPI = 60
SEED_LINES = 60  # about a page of the seed's text


def seed_html(text: str, title: str) -> str:
    """The seed's text laid out again: paragraphs, and tab-separated lines as table rows."""
    parts: list[str] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            width = max(len(r) for r in rows)
            body = "".join(
                "<tr>"
                + "".join(f"<td>{html.escape(c)}</td>" for c in r + [""] * (width - len(r)))
                + "</tr>"
                for r in rows
            )
            parts.append(f"<table>{body}</table>")
            rows.clear()

    for line in text.splitlines():
        # A tab between two texts separates cells; leading tabs are an indent.
        if "\t" in line.strip("\t ") or (rows and line.startswith("\t") and line.strip()):
            rows.append([cell.strip() for cell in line.strip("\n").split("\t")])
            continue
        flush()
        if line.strip():
            indent = len(line) - len(line.lstrip("\t"))
            style = f' style="text-indent:{indent * 1.25}cm"' if indent else ""
            parts.append(f"<p{style}>{html.escape(line.strip())}</p>")
    flush()
    return (
        f"<html><head><style>{sarabun_css_for_pdf()}"
        "@page { size: A4; margin: 1.5cm; } body { font-family: Sarabun; font-size: 10pt; }"
        "p { margin: 0 0 .3em; } table { border-collapse: collapse; width: 100%; margin: .3em 0; }"
        "td { border: .5pt solid #555; padding: 2pt; vertical-align: top; font-size: 8.5pt; }"
        ".label { background: #fff3cd; padding: 4pt; font-size: 9pt; margin-bottom: .6em; }"
        f"</style></head><body><p class='label'>{html.escape(title)}</p>"
        + "".join(parts)
        + "</body></html>"
    )


def page_png(pdf: bytes, page: int, folder: Path, name: str) -> Path:
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", "-f", str(page), "-l", str(page), "-singlefile",
         str(source), str(folder / name)],
        check=True, capture_output=True,
    )  # fmt: skip
    return folder / f"{name}.png"


def page_of(pdf: bytes, marker: str, folder: Path) -> int:
    """The first page whose text holds `marker` (spaces ignored); 1 when none does."""
    source = folder / "find.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True
    ).stdout.decode()
    squash = re.sub(r"\s+", "", marker)
    for number, page in enumerate(text.split("\f"), start=1):
        if squash in re.sub(r"\s+", "", page):
            return number
    return 1


def side_by_side(ours: Path, seed: Path, caption: str, out: Path) -> None:
    import fontpkg_sarabun
    from PIL import Image, ImageDraw, ImageFont

    left, right = Image.open(ours).convert("RGB"), Image.open(seed).convert("RGB")
    band = 34
    height = max(left.height, right.height) + band
    canvas = Image.new("RGB", (left.width + right.width + 30, height), "white")
    canvas.paste(left, (0, band))
    canvas.paste(right, (left.width + 30, band))
    font = ImageFont.truetype(str(fontpkg_sarabun.ROOT / "files" / "Sarabun-SemiBold.ttf"), 15)
    draw = ImageDraw.Draw(canvas)
    draw.text((8, 8), f"พอร์ทัล (demo): {caption}", fill="black", font=font)
    draw.text((left.width + 38, 8), "seed (ข้อความต้นฉบับ จัดหน้าใหม่)", fill="#7a5a00", font=font)
    draw.line([(left.width + 15, 0), (left.width + 15, height)], fill="#999", width=2)
    # A page of text needs few colours: a 64-colour palette keeps the file small.
    canvas.quantize(colors=64).save(out, optimize=True)


class Command(BaseCommand):
    help = "สร้างภาพเปรียบเทียบเอกสารของหน่วยงานตัวอย่างกับเอกสารต้นแบบ (seed) สำหรับคู่มือ"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="โฟลเดอร์ที่จะเขียนภาพ (.png)")
        parser.add_argument(
            "--seeds",
            default=str(Path(settings.BASE_DIR).parent / "shared" / "seeds"),
            help="โฟลเดอร์เอกสารต้นแบบ (ค่าเริ่มต้น ../shared/seeds)",
        )
        parser.add_argument("--org", default="6301401", help="รหัสหน่วยงาน (ค่าเริ่มต้น: ตัวอย่าง)")

    def handle(self, *args, out, seeds, org, **options):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(f"ไม่พบหน่วยงานรหัส {org} (โหลดข้อมูลตัวอย่างด้วย load_demo ก่อน)")
        seed_files = {p.name[:3]: p for p in Path(seeds).glob("*.txt")}
        memo = Memo.objects.filter(organisation=organisation).order_by("-pk").first()
        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for pair in PAIRS:
                if pair.seed not in seed_files:
                    raise CommandError(f"ไม่พบเอกสารต้นแบบ {pair.seed} ใน {seeds}")
                pdf = self._render(pair, organisation, memo)
                ours = page_png(pdf, page_of(pdf, pair.ours_marker, folder), folder, "ours")
                text = seed_files[pair.seed].read_text(encoding="utf-8", errors="replace")
                start = text.find(pair.seed_marker) if pair.seed_marker else 0
                excerpt = "\n".join(text[max(start, 0) :].strip().splitlines()[:SEED_LINES])
                seed_pdf = html_to_pdf(seed_html(excerpt, f"seed {seed_files[pair.seed].name}"))
                seed = page_png(seed_pdf, 1, folder, "seed")
                path = target / f"{pair.slug}.png"
                side_by_side(ours, seed, pair.label, path)
                self.stdout.write(f"{path}")

    def _render(self, pair: Pair, organisation, memo) -> bytes:
        options = DocumentOptions(memo_id=memo.pk if memo else None, layout=pair.layout or "b")
        for year in pair.years:
            try:
                return document_render(
                    kind=pair.kind,
                    organisation=organisation,
                    fiscal_year=year,
                    output="pdf",
                    options=options,
                ).content
            except DocumentError:
                continue
        raise CommandError(f"สร้างเอกสาร {pair.kind} ของ {organisation.code} ไม่ได้ในปีใดเลย")
