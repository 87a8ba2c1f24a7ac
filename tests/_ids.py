"""Test ids that can be given back to pytest on the command line."""

from __future__ import annotations


def plain_id(text: str) -> str:
    """A test id without backslashes, newlines or non-ASCII characters.

    pytest escapes those in node ids, and an escaped id given back on the command line is "not
    found"; mutation runs (``make mutation``) and anyone rerunning one case select tests that way.
    """
    return "".join(ch if ch.isascii() and ch.isprintable() and ch != "\\" else "_" for ch in text)

