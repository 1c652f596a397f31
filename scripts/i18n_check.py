#!/usr/bin/env python3
"""Check (and, for the source language, fill) the gettext catalogues under locale/.

The msgids in SIPM are Simplified Chinese, so the zh_Hans catalogue is the identity: every
msgstr equals its msgid. `--fill-source` writes that identity into locale/zh_Hans (clearing
fuzzy flags and msgmerge's "#|" previous-msgid lines); every other language is only checked.

Checks, for every locale/*/LC_MESSAGES/*.po:
- no entry is untranslated or fuzzy (the header excepted);
- placeholders match between msgid and msgstr (%(name)s, %s/%d, %%, {name});
- zh_Hans: msgstr == msgid.

Exit status 0 when everything is complete, 1 otherwise (problems are listed on stdout).
Standard library only, so it also runs where polib is not installed.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
SOURCE_LANGUAGE = "zh_Hans"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_PY_NAMED = re.compile(r"%\(([^)]+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_PY_POSITIONAL = re.compile(r"%(?!\()[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
_BRACE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*|\d*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


def _unquote(token: str) -> str:
    body = token.strip()[1:-1]
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@dataclass
class Entry:
    """One catalogue entry; `lines` keeps the original text so rewriting changes nothing else."""

    lines: list[str]
    line_no: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None and not self.obsolete

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def python_format(self) -> bool:
        return "python-format" in self.flags


def parse_po(text: str) -> list[Entry]:
    entries: list[Entry] = []
    block: list[str] = []
    start = 1

    def flush():
        if block:
            entries.append(_parse_block(block, start))

    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == "":
            flush()
            block = []
            start = number + 1
        else:
            block.append(line)
    flush()
    return entries


def _parse_block(lines: list[str], line_no: int) -> Entry:
    entry = Entry(lines=list(lines), line_no=line_no)
    current: tuple[str, int | None] | None = None
    values: dict[tuple[str, int | None], str] = {}
    for raw in lines:
        line = raw
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].lstrip()
        elif line.startswith("#,"):
            entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        elif line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            key = match.group(1)
            index = int(match.group(2)) if match.group(2) is not None else None
            current = (
                ("msgstr", index if index is not None else 0)
                if key.startswith("msgstr")
                else (key, None)
            )
            values[current] = _unquote(match.group(3))
        elif line.startswith('"') and current is not None:
            values[current] += _unquote(line)
    entry.msgctxt = values.get(("msgctxt", None))
    entry.msgid = values.get(("msgid", None), "")
    entry.msgid_plural = values.get(("msgid_plural", None))
    entry.msgstr = {k[1]: v for k, v in values.items() if k[0] == "msgstr"}
    return entry


def load(path: Path) -> list[Entry]:
    return parse_po(path.read_text(encoding="utf-8"))


def placeholders(text: str, python_format: bool = True) -> Counter:
    """The placeholders a translation must keep: named and positional %-formats, and {names}."""
    found: Counter = Counter()
    if python_format:
        found.update(f"%({m})" for m in _PY_NAMED.findall(text))
        found.update(m[-1] if m != "%%" else "%%" for m in _PY_POSITIONAL.findall(text))
    found.update("{" + m + "}" for m in _BRACE.findall(text))
    return found


def problems_in(path: Path, language: str) -> list[str]:
    problems = []
    for e in load(path):
        if e.obsolete:
            continue
        where = f"{path.relative_to(ROOT)}:{e.line_no}"
        if e.is_header:
            if e.fuzzy:
                problems.append(f"{where}: the header is marked fuzzy")
            continue
        label = repr(e.msgid[:60])
        if not e.translated:
            problems.append(f"{where}: untranslated {label}")
            continue
        if e.fuzzy:
            problems.append(f"{where}: fuzzy {label}")
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural else [])
        for index, msgstr in sorted(e.msgstr.items()):
            source = sources[min(index, len(sources) - 1)]
            want = placeholders(source, e.python_format)
            got = placeholders(msgstr, e.python_format)
            if want != got:
                problems.append(
                    f"{where}: placeholders differ in {label}: "
                    f"msgid {sorted(want.elements())}, msgstr {sorted(got.elements())}"
                )
            if language == SOURCE_LANGUAGE and msgstr != source:
                problems.append(f"{where}: {SOURCE_LANGUAGE} msgstr is not the msgid {label}")
    return problems


def _quoted_lines(keyword: str, msgid_lines: list[str]) -> list[str]:
    """Reuse the msgid's own (already wrapped) string lines under another keyword."""
    first = msgid_lines[0]
    return [keyword + first[first.index(" ") :]] + msgid_lines[1:]


def _nplurals(entries: list[Entry]) -> int:
    header = next((e for e in entries if e.is_header), None)
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr.get(0, "")) if header else None
    return int(match.group(1)) if match else 1


def fill_source(path: Path, language: str = SOURCE_LANGUAGE) -> int:
    """Write msgstr = msgid into every entry of the source-language catalogue; returns changes."""
    entries = load(path)
    nplurals = _nplurals(entries)
    changed = 0
    blocks = []
    for e in entries:
        if e.obsolete:
            blocks.append(e.lines)
            continue
        if e.is_header:
            blocks.append(_fix_header(e.lines, language))
            continue
        lines = [ln for ln in e.lines if not ln.startswith("#|")]
        flags = sorted(e.flags - {"fuzzy"})
        comments, keywords = [], []
        for ln in lines:
            (comments if ln.startswith("#") and not ln.startswith("#,") else keywords).append(ln)
        keywords = [ln for ln in keywords if not ln.startswith("#,")]
        msgid_lines = _keyword_lines(keywords, "msgid")
        head = _keyword_lines(keywords, "msgctxt") + msgid_lines
        if e.msgid_plural is not None:
            plural_lines = _keyword_lines(keywords, "msgid_plural")
            head += plural_lines
            body = []
            for n in range(nplurals):
                body += _quoted_lines(f"msgstr[{n}]", msgid_lines if n == 0 else plural_lines)
        else:
            body = _quoted_lines("msgstr", msgid_lines)
        new = comments + ([f"#, {', '.join(flags)}"] if flags else []) + head + body
        if new != e.lines:
            changed += 1
        blocks.append(new)
    path.write_text("\n\n".join("\n".join(b) for b in blocks) + "\n", encoding="utf-8")
    return changed


def _keyword_lines(lines: list[str], keyword: str) -> list[str]:
    out: list[str] = []
    taking = False
    for ln in lines:
        match = _KEYWORD.match(ln)
        if match:
            taking = match.group(1) == keyword
            if taking:
                out.append(ln)
        elif taking and ln.startswith('"'):
            out.append(ln)
    return out


def _fix_header(lines: list[str], language: str) -> list[str]:
    out = []
    for ln in lines:
        if ln.startswith("#,"):
            flags = [f.strip() for f in ln[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
            if flags:
                out.append("#, " + ", ".join(flags))
            continue
        if ln.startswith('"Language: '):
            ln = f'"Language: {language}\\n"'
        out.append(ln)
    return out


def catalogues() -> list[tuple[str, Path]]:
    return [(p.parent.parent.name, p) for p in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--fill-source",
        action="store_true",
        help=f"write msgstr = msgid into the {SOURCE_LANGUAGE} catalogues first",
    )
    args = parser.parse_args(argv)
    found = catalogues()
    if not found:
        print(f"No catalogues under {LOCALE_DIR}.")
        return 1
    if args.fill_source:
        for language, path in found:
            if language == SOURCE_LANGUAGE:
                n = fill_source(path, language)
                print(f"{path.relative_to(ROOT)}: {n} entries filled with msgstr = msgid")
    failed = False
    for language, path in found:
        entries = [e for e in load(path) if not e.obsolete and not e.is_header]
        problems = problems_in(path, language)
        done = sum(1 for e in entries if e.translated and not e.fuzzy)
        print(f"{path.relative_to(ROOT)}: {done}/{len(entries)} translated")
        for problem in problems:
            print("  " + problem)
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
