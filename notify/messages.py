"""The words of every notice: one title template per event, and the one shape of a message.

A message carries a title, the organisation and a link, and nothing else: never a memo's subject,
a comment or any other content of a document (PDPA). The reader opens the link and signs in to
see more. Titles take only numbers, dates, round names and people's names.
"""

from __future__ import annotations

from .models import Event

#: keyword placeholders each title needs
TITLES: dict[str, str] = {
    Event.MEMO_WAITING: "มีบันทึกข้อความรอท่านพิจารณา{acting}",
    Event.MEMO_WAITING_LONG: "บันทึกข้อความรอท่านพิจารณามาแล้ว {days} วัน{acting}",
    Event.MEMO_RETURNED: "บันทึกข้อความถูกส่งกลับแก้ไข",
    Event.MEMO_PUBLISHED: "บันทึกข้อความได้รับอนุมัติแล้ว เอกสารได้รับการเผยแพร่แล้ว",
    Event.MEMO_PUBLICATION_FAILED: (
        "เผยแพร่เอกสารไม่สำเร็จ: บันทึกข้อความได้รับอนุมัติแล้ว ผู้ดูแลหน่วยงานกด “เผยแพร่อีกครั้ง” ได้ที่หน้าบันทึกข้อความ"
    ),
    Event.ROUND_DEADLINE: (
        "{round} ปีงบประมาณ {year} ครบกำหนดวันที่ {deadline} (อีก {days} วัน) "
        "ยังไม่ได้รายงานผล {count} มาตรการ"
    ),
    Event.OIT_WINDOW_OPENING: (
        "เปิดช่วงเผยแพร่ข้อมูล OIT ปีงบประมาณ {year} แล้ว ตั้งแต่วันที่ {opens} ถึงวันที่ {deadline}"
    ),
    Event.OIT_WINDOW_CLOSING: (
        "ช่วงเผยแพร่ข้อมูล OIT ปีงบประมาณ {year} จะปิดวันที่ {deadline} (อีก {days} วัน)"
    ),
    Event.OIT_BROKEN_LINK: "ลิงก์หลักฐาน OIT ปีงบประมาณ {year} ใช้งานไม่ได้ {count} ลิงก์",
    Event.DELEGATION_STARTED: (
        "ท่านได้รับมอบหมายให้{kind} {delegator} ตั้งแต่วันที่ {starts} ถึงวันที่ {ends} ({order})"
    ),
    Event.SURVEY_CLOSING: (
        "แบบสำรวจ {tool} ปีงบประมาณ {year} จะปิดวันที่ {closes} (อีก {days} วัน) "
        "มีผู้ตอบ {count} คน ยังไม่ถึงขั้นต่ำ {minimum} คน"
    ),
}

TITLE_MAX = 300


def title_for(event: str, **values) -> str:
    """The event's title with its values filled in (cut to the log's column)."""
    return TITLES[event].format(**values)[:TITLE_MAX]


def message_text(*, title: str, organisation_name: str, link: str) -> str:
    """The text of a LINE message, and the body of an e-mail above its footer."""
    lines = [title]
    if organisation_name:
        lines.append(f"หน่วยงาน: {organisation_name}")
    if link:
        lines.append(link)
    return "\n".join(lines)


def email_subject(title: str) -> str:
    # One line: a subject with a newline is refused by Django's mail.
    return "[ITA Portal] " + " ".join(title.split())
