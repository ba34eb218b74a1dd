"""`manage.py compare_with_seeds`: each kind of the demo beside its seed, as page images."""

import io

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from portal.management.commands.compare_with_seeds import PAIRS, seed_html

pytestmark = pytest.mark.pdf


def _seeds(folder, numbers=("000", "001", "002", "003", "004")):
    for number in numbers:
        (folder / f"{number}_abc.txt").write_text(
            "บันทึกข้อความ\n\t\t๑. เรื่องเดิม\nหัว ก\tหัว ข\nเซลล์ ๑\tเซลล์ ๒\n", encoding="utf-8"
        )
    return folder


def test_seed_text_is_laid_out_as_paragraphs_and_tables():
    html = seed_html("ย่อหน้า\n\t\t๑. เรื่องเดิม\nหัว ก\tหัว ข\nเซลล์ ๑\tเซลล์ ๒\n", "seed 000")
    assert "<p>ย่อหน้า</p>" in html
    assert '<p style="text-indent:2.5cm">๑. เรื่องเดิม</p>' in html  # leading tabs: an indent
    assert "<tr><td>หัว ก</td><td>หัว ข</td></tr><tr><td>เซลล์ ๑</td><td>เซลล์ ๒</td></tr>" in html
    assert "seed 000" in html


def test_every_pair_is_written_as_an_image(demo, tmp_path):
    (tmp_path / "seeds").mkdir()
    seeds = _seeds(tmp_path / "seeds")
    out = tmp_path / "images"
    stdout = io.StringIO()
    call_command("compare_with_seeds", out=str(out), seeds=str(seeds), stdout=stdout)
    written = sorted(p.name for p in out.glob("*.png"))
    assert written == sorted(f"{pair.slug}.png" for pair in PAIRS)
    assert {p.kind for p in PAIRS} == {
        "measure-results",
        "measure-plan",
        "progress",
        "memo",
        "analysis",
    }
    for path in out.glob("*.png"):
        with Image.open(path) as image:
            assert image.width > image.height  # two pages side by side
            assert image.width > 800


def test_missing_seed_or_organisation_is_said_in_thai(demo, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    _seeds(seeds, numbers=("000", "001"))
    with pytest.raises(CommandError, match="ไม่พบเอกสารต้นแบบ"):
        call_command("compare_with_seeds", out=str(tmp_path / "x"), seeds=str(seeds))
    with pytest.raises(CommandError, match="ไม่พบหน่วยงานรหัส 9999999"):
        call_command("compare_with_seeds", out=str(tmp_path / "x"), seeds=str(seeds), org="9999999")
