#!/usr/bin/env python3
"""Make the workbook corpus (tests/corpus/workbooks/) with real programs.

Run from the repository root: `python3 tests/corpus/workbooks/make.py`. CI does not run it: the
files it makes are committed, and the tests (tests/workbooks.rs) hold the expected outcomes,
written by hand. The tool versions used are written to made_with.txt.

Needs: LibreOffice (Debian `libreoffice-calc-nogui`: `soffice`), openpyxl and msoffcrypto-tool
(`pip install openpyxl msoffcrypto-tool`), and the crate's sample generator (cargo).

- From CSV files, with `soffice --headless --infilter=CSV:... --convert-to xlsx|ods|xls`:
  basic.* (tests/corpus/basic.csv), german_excel.* (tests/corpus/german_excel.csv, read with `;`
  and the German locale, so decimal commas become numbers) and sample_500.* (500 rows of the
  sample universe, `cargo run --example sample_csv -- 500 42`, kept as sample_500.csv).
- With openpyxl: typed.xlsx (numbers, booleans, dates and a date-time as serial numbers with a
  date format, a numeric id), second_sheet.xlsx (an empty first sheet), cover_sheet.xlsx (a
  cover sheet with text first), empty_first_row.xlsx (the table starts at B2), bad_value.xlsx
  (-3 in HCPs!D17); formulas.xlsx and error_cell.xlsx are written with formulas by openpyxl,
  then converted xlsx → xlsx by soffice so that the cached values exist (#DIV/0!, #N/A).
- Broken: truncated.xlsx (basic.xlsx cut in half), encrypted.xlsx (basic.xlsx encrypted by
  msoffcrypto-tool, password "secret"), zip_bomb_declared.xlsx (an openpyxl workbook whose
  sheet entry declares 3,000,000,000 unpacked bytes in the zip directory),
  zip_bomb_inflating.xlsx (its sheet inflates to 64 MiB of XML but declares the original
  small size), over_cell_limit.xlsx (openpyxl: values in A1:C2 and Z1000000, so its used range
  A1:Z1000000 spans 26,000,000 cells), ods_repeat_bomb.ods (basic.ods with a row of 30 valued
  cells repeated 1,000,000 times by `table:number-rows-repeated`), not_a_workbook.zip (a zip
  with a text file).
"""
import datetime
import importlib.metadata
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

import msoffcrypto
import msoffcrypto.format.ooxml
import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
# LibreOffice CSV filter options: separator, quote ("), charset 76 = UTF-8, first line 1,
# no column formats, language (1033 en-US, 1031 de-DE).
CSV_COMMA_EN = "CSV:44,34,76,1,,1033"
CSV_SEMICOLON_DE = "CSV:59,34,76,1,,1031"


def soffice(args, outdir):
    subprocess.run(["soffice", "--headless", "--norestore", *args, "--outdir", outdir], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def from_csv(tmp):
    sample = os.path.join(HERE, "sample_500.csv")
    with open(sample, "w", encoding="utf-8", newline="") as f:
        out = subprocess.run(["cargo", "run", "-q", "--release", "--example", "sample_csv", "--", "500", "42"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
        f.write(out)
    for name, src, infilter in [
        ("basic", os.path.join(ROOT, "tests/corpus/basic.csv"), CSV_COMMA_EN),
        ("german_excel", os.path.join(ROOT, "tests/corpus/german_excel.csv"), CSV_SEMICOLON_DE),
        ("sample_500", sample, CSV_COMMA_EN),
    ]:
        csv_copy = os.path.join(tmp, name + ".csv")
        shutil.copy(src, csv_copy)
        for ext in ["xlsx", "ods", "xls"]:
            soffice(["--infilter=" + infilter, "--convert-to", ext, csv_copy], HERE)


def typed():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "HCPs"
    ws.append(["hcp_id", "specialty", "ch_email", "ch_rep", "consent_email", "first_contact", "last_visit", "rx_decile"])
    ws.append(["H1", "oncology", 3, 2.5, True, datetime.date(2024, 3, 1), datetime.datetime(2024, 3, 1, 9, 30), 7])
    ws.append(["H2", "cardiology", 0, 0.25, False, datetime.date(1999, 12, 31), datetime.datetime(2023, 11, 5, 17, 45, 10), 10])
    ws.append([1001, "oncology", 12, 0, True, datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 0, 0, 1), 1])
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=6):
        row[0].number_format = "yyyy-mm-dd"
    for row in ws.iter_rows(min_row=2, min_col=7, max_col=7):
        row[0].number_format = "yyyy-mm-dd hh:mm:ss"
    wb.save(os.path.join(HERE, "typed.xlsx"))


def hcp_rows(ws, first_row=1, first_col=1, n=4):
    header = ["hcp_id", "specialty", "ch_email", "ch_rep", "consent_email"]
    rows = [header] + [[f"H{i}", ["oncology", "cardiology"][i % 2], i, (i * 3) % 5, i % 2 == 0] for i in range(1, n + 1)]
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            ws.cell(row=first_row + r, column=first_col + c, value=v)


def sheets():
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    hcp_rows(wb.create_sheet("HCPs"))
    wb.save(os.path.join(HERE, "second_sheet.xlsx"))

    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover["A1"] = "Q1 HCP engagement export"
    cover["A3"] = "Prepared by the brand team"
    hcp_rows(wb.create_sheet("HCPs"))
    wb.save(os.path.join(HERE, "cover_sheet.xlsx"))

    wb = openpyxl.Workbook()
    wb.active.title = "HCPs"
    hcp_rows(wb.active, first_row=2, first_col=2)
    wb.save(os.path.join(HERE, "empty_first_row.xlsx"))

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "HCPs"
    ws.append(["hcp_id", "specialty", "ch_email", "ch_x"])
    for i in range(2, 18):
        ws.append([f"H{i}", "oncology", 1, -3 if i == 17 else i])
    wb.save(os.path.join(HERE, "bad_value.xlsx"))


def with_cached_values(tmp, name, build):
    """openpyxl writes formulas without results; LibreOffice computes and caches them."""
    wb = openpyxl.Workbook()
    build(wb.active)
    raw = os.path.join(tmp, "raw")
    os.makedirs(raw, exist_ok=True)
    wb.save(os.path.join(raw, name))
    soffice(["--convert-to", "xlsx", os.path.join(raw, name)], HERE)


def formulas(ws):
    ws.title = "HCPs"
    ws.append(["hcp_id", "ch_email", "ch_rep", "ch_total", "fmt_webinar"])
    for r, (email, rep) in enumerate([(1, 2), (4, 0), (0, 7)], start=2):
        ws.append([f"H{r - 1}", email, rep, f"=B{r}+C{r}", f"=IF(B{r}>2,1,0)"])


def error_cell(ws):
    ws.title = "HCPs"
    ws.append(["hcp_id", "ch_email", "notes"])
    ws.append(["H1", 1, "ok"])
    ws.append(["H2", "=1/0", "=NA()"])
    ws.append(["H3", 2, "=NA()"])


def patch_declared_size(data, entry, size):
    """Set `entry`'s declared uncompressed size in its local header and the central directory."""
    data = bytearray(data)
    name = entry.encode()
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + n] == name:
            struct.pack_into("<I", data, pos + 24, size)
            local = struct.unpack_from("<I", data, pos + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
        pos += 4
    return bytes(data)


def broken(tmp):
    basic = open(os.path.join(HERE, "basic.xlsx"), "rb").read()
    open(os.path.join(HERE, "truncated.xlsx"), "wb").write(basic[: len(basic) // 2])

    with open(os.path.join(HERE, "basic.xlsx"), "rb") as f, open(os.path.join(HERE, "encrypted.xlsx"), "wb") as out:
        office = msoffcrypto.format.ooxml.OOXMLFile(f)
        office.encrypt("secret", out)

    base = os.path.join(tmp, "base.xlsx")
    wb = openpyxl.Workbook()
    wb.active.title = "HCPs"
    hcp_rows(wb.active)
    wb.save(base)
    sheet = "xl/worksheets/sheet1.xml"
    data = open(base, "rb").read()
    open(os.path.join(HERE, "zip_bomb_declared.xlsx"), "wb").write(patch_declared_size(data, sheet, 3_000_000_000))

    with zipfile.ZipFile(base) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    original = parts[sheet]
    inflated = original.replace(b"<sheetData>", b"<sheetData>" + b" " * (64 << 20), 1)
    bomb = os.path.join(tmp, "bomb.xlsx")
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, content in parts.items():
            z.writestr(name, inflated if name == sheet else content)
    open(os.path.join(HERE, "zip_bomb_inflating.xlsx"), "wb").write(patch_declared_size(open(bomb, "rb").read(), sheet, len(original)))

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "HCPs"
    for c, v in enumerate(["hcp_id", "ch_email", "consent_email"], start=1):
        ws.cell(row=1, column=c, value=v)
    for c, v in enumerate(["H1", 1, True], start=1):
        ws.cell(row=2, column=c, value=v)
    ws["Z1000000"] = 1
    wb.save(os.path.join(HERE, "over_cell_limit.xlsx"))

    # basic.ods (LibreOffice) with one more row in its table: 30 valued cells repeated over
    # 1,000,000 rows, which a reader expanding the repeats would hold as 30,000,000 cells.
    with zipfile.ZipFile(os.path.join(HERE, "basic.ods")) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    repeated = (b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="30" '
                b'office:value-type="float" office:value="1" calcext:value-type="float"><text:p>1</text:p></table:table-cell></table:table-row>')
    with zipfile.ZipFile(os.path.join(HERE, "ods_repeat_bomb.ods"), "w") as z:
        for info, content in parts:
            if info.filename == "content.xml":
                at = content.rindex(b"</table:table>")
                content = content[:at] + repeated + content[at:]
            z.writestr(info, content, compress_type=info.compress_type)

    with zipfile.ZipFile(os.path.join(HERE, "not_a_workbook.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("readme.txt", "hcp_id,ch_email\nH1,1\n")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        from_csv(tmp)
        typed()
        sheets()
        with_cached_values(tmp, "formulas.xlsx", formulas)
        with_cached_values(tmp, "error_cell.xlsx", error_cell)
        broken(tmp)
    version = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout.strip()
    with open(os.path.join(HERE, "made_with.txt"), "w") as f:
        f.write(f"{version}\nopenpyxl {openpyxl.__version__}\nmsoffcrypto-tool {importlib.metadata.version('msoffcrypto-tool')}\npython {sys.version.split()[0]}\n")


if __name__ == "__main__":
    main()
