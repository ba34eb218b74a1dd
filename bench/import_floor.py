"""The floor of bench/import_scores.py: read a score .xlsx with python-calamine and COPY its rows
into an UNLOGGED staging table with the file's columns, committed. Nothing else: no validation,
no lookups, no Django. Run as its own process (interpreter start-up counts, as it does for the
import):

    .venv/bin/python bench/import_floor.py "host=127.0.0.1 user=postgres dbname=..." FILE.xlsx

The file's columns, in this order: org_code, org_name, org_type, district, province,
fiscal_year, item_code, score (as bench/import_scores.py writes them).
"""

import sys

import psycopg
from python_calamine import CalamineWorkbook

COLUMNS = (
    "org_code varchar(32), org_name text, org_type text, district text, province text, "
    "fiscal_year integer, item_code varchar(10), score numeric(5,2)"
)


def main(dsn: str, path: str) -> None:
    rows = iter(CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows())
    next(rows)  # the header
    count = 0
    with psycopg.connect(dsn) as conn, conn.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE score_stage ({COLUMNS})")
        with cursor.copy("COPY score_stage FROM STDIN") as copy:
            write = copy.write_row
            for code, name, kind, district, province, year, item, score in rows:
                write((code, name, kind, district, province, int(year), item, score))
                count += 1
    # Leaving the connection's block commits.
    print(f"{count} rows")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
