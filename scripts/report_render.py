"""The report as a list of blocks, written out as Markdown and as one
self-contained HTML page.

Input: blocks built by report.py (headings, paragraphs, lists, tables,
figures). Output: the text of report.md (figures linked by file name, beside
it) and of report.html (figures embedded as data: URIs, no script, no external
resource), so that both say the same thing; and tables as plain text for the
terminal.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Para:
    text: str
    warning: bool = False


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Cell:
    """A table cell of two parts: the answer, and what qualifies it. The HTML
    page shows them as two lines, each cut with an ellipsis rather than
    wrapped when the table is `compact` (the whole text in its tooltip);
    Markdown and the terminal join them with a comma."""

    main: str
    sub: str = ""

    def __str__(self) -> str:
        return f"{self.main}, {self.sub}" if self.sub else self.main


@dataclass
class Table:
    headers: list[str]
    rows: list[list]  # str or Cell
    align_right: set[int] = field(default_factory=set)  # column indexes of numbers
    anchor: str = ""  # the HTML element's id, for links and the page's own checks
    compact: bool = False  # HTML: columns of equal width, each cell's lines cut rather than wrapped


@dataclass
class Figure:
    png: Path
    caption: str
    note: str = ""
    anchor: str = ""


@dataclass
class Details:
    """Blocks shown behind a one-line summary: collapsed in the HTML page."""

    summary: str
    blocks: list


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(blocks) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Details):
            out += [f"<details><summary>{html.escape(b.summary)}</summary>", "", markdown(b.blocks).rstrip(), "",
                    "</details>", ""]
        elif isinstance(b, Heading):
            out += ["#" * b.level + " " + b.text, ""]
        elif isinstance(b, Para):
            out += [("**Warning:** " if b.warning else "") + b.text, ""]
        elif isinstance(b, Bullets):
            out += [f"- {item}" for item in b.items] + [""]
        elif isinstance(b, Table):
            out.append("| " + " | ".join(_md_cell(h) for h in b.headers) + " |")
            out.append("|" + "|".join("---:" if i in b.align_right else "---" for i in range(len(b.headers))) + "|")
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
        elif isinstance(b, Figure):
            out.append(f"![{_md_cell(b.caption)}]({b.png.name})")
            out.append("")
            svg = b.png.with_suffix(".svg")  # written beside the PNG with --svg
            out.append(f"*{b.caption}*" + (f" ([SVG]({svg.name}))" if svg.exists() else ""))
            if b.note:
                out += ["", f"> {b.note}"]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def text_table(t: Table) -> str:
    """A table for the terminal: columns padded, numbers right-aligned."""
    cells = [list(t.headers)] + [[str(c) for c in row] for row in t.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(t.headers))]

    def line(row):
        return "  ".join(c.rjust(w) if i in t.align_right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    return "\n".join([line(cells[0]), line(["-" * w for w in widths])] + [line(r) for r in cells[1:]])


_CSS = """
body { font-family: sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; vertical-align: top; }
th { background: #f0f0f0; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0 2em; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.9em; color: #444; }
.note { background: #fff6d6; border-left: 4px solid #e0b000; padding: 0.3em 0.6em; }
.table-wrap { overflow-x: auto; }  /* a table wider than the page scrolls in its own box, not the page */
table.compact { table-layout: fixed; width: 100%; }
table.compact td { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
table.compact th:first-child { width: 4em; }
.cell-main, .cell-sub { display: block; overflow: hidden; text-overflow: ellipsis; }
.cell-sub { color: #555; font-size: 0.9em; }
details { margin: 0.5em 0 1.5em; }
summary { cursor: pointer; }
.warning { background: #ffe3e3; border-left: 4px solid #c00; padding: 0.3em 0.6em; }
"""


def _data_uri(png: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def html_page(title: str, blocks) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{html.escape(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>"]
    out += _html_blocks(blocks)
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _id(anchor: str) -> str:
    return f' id="{html.escape(anchor)}"' if anchor else ""


def _html_cell(c, number: bool) -> str:
    e = html.escape
    if isinstance(c, Cell):
        sub = f'<span class="cell-sub">{e(c.sub)}</span>' if c.sub else ""
        return f'<td title="{e(str(c))}"><span class="cell-main">{e(c.main)}</span>{sub}</td>'
    return f'<td class="num">{e(str(c))}</td>' if number else f"<td>{e(str(c))}</td>"


def _html_blocks(blocks) -> list[str]:
    e = html.escape
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Details):
            out.append(f"<details><summary>{e(b.summary)}</summary>")
            out += _html_blocks(b.blocks)
            out.append("</details>")
        elif isinstance(b, Heading):
            out.append(f"<h{b.level}>{e(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            out.append(f'<p class="warning">{e(b.text)}</p>' if b.warning else f"<p>{e(b.text)}</p>")
        elif isinstance(b, Bullets):
            out.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in b.items) + "</ul>")
        elif isinstance(b, Table):
            kind = ' class="compact"' if b.compact else ""
            out.append(f'<div class="table-wrap"><table{_id(b.anchor)}{kind}><thead><tr>'
                       + "".join(f"<th>{e(h)}</th>" for h in b.headers) + "</tr></thead><tbody>")
            for row in b.rows:
                out.append("<tr>" + "".join(_html_cell(c, i in b.align_right) for i, c in enumerate(row)) + "</tr>")
            out.append("</tbody></table></div>")
        elif isinstance(b, Figure):
            out.append(f'<figure{_id(b.anchor)}><img src="{_data_uri(b.png)}" alt="{e(b.caption)}">'
                       f"<figcaption>{e(b.caption)}</figcaption>")
            if b.note:
                out.append(f'<p class="note">{e(b.note)}</p>')
            out.append("</figure>")
    return out
