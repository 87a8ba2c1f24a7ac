"""Tiny helpers to write self-contained HTML and Markdown (no external URLs, no scripts)."""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["fmt", "img", "md_table", "page", "table"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}
.sig{background:#fff3b0;font-weight:600}.up{color:#0a7a22}.down{color:#b00020}
.note{color:#555;font-size:.9em}img{max-width:100%;border:1px solid #eee}
code{background:#f5f5f5;padding:0 .2em}
.warn{color:#b00020;font-weight:600;background:#fff0f0;padding:.4em .6em;border-left:4px solid #b00020}
"""


def fmt(value, digits: int = 3) -> str:
    """Numbers rounded for display; None as an em dash; everything else as str."""
    if value is None:
        return "\u2014"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence], row_classes: Sequence[str] | None = None) -> str:
    """An HTML table; cells are escaped unless they are already marked-up strings (tuple ("html", s))."""

    def cell(value, tag: str) -> str:
        if isinstance(value, tuple) and len(value) == 2 and value[0] == "html":
            return f"<{tag}>{value[1]}</{tag}>"
        return f"<{tag}>{html.escape(fmt(value))}</{tag}>"

    head = "".join(cell(h, "th") for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = row_classes[i] if row_classes and row_classes[i] else ""
        attr = f' class="{cls}"' if cls else ""
        body.append(f"<tr{attr}>" + "".join(cell(v, "td") for v in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def img(b64_png: str, alt: str) -> str:
    """An inline PNG image (a data: URI, so the page needs no other file)."""
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{b64_png}">'


def page(title: str, sections: Sequence[tuple[str, str, str]], subtitle: str = "") -> str:
    """A whole HTML document; ``sections`` are ``(id, heading, body_html)``."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if subtitle:
        parts.append(f'<p class="note">{html.escape(subtitle)}</p>')
    for sec_id, heading, body in sections:
        parts.append(f'<section id="{sec_id}"><h2>{html.escape(heading)}</h2>{body}</section>')
    parts.append("</body></html>")
    return "\n".join(parts)


def md_table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    """A GitHub-flavoured Markdown table (``|`` in cells escaped)."""

    def cell(value) -> str:
        if isinstance(value, tuple) and len(value) == 2 and value[0] == "html":
            value = value[1]
        return fmt(value).replace("|", "\\|")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
