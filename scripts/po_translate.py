"""Put English translations into locale/en/LC_MESSAGES/django.po.

    .venv/bin/python scripts/po_translate.py translations.tsv

Each line of the TSV is `msgid<TAB>msgstr` (single-line msgids). An entry that exists in the
catalogue gets the msgstr and loses its fuzzy flag; an unknown msgid is reported. Run
scripts/i18n_update.sh afterwards to check and compile.
"""

import ast
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale/en/LC_MESSAGES/django.po"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(argv):
    pairs = {}
    for line in Path(argv[1]).read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            msgid, msgstr = line.split("\t", 1)
            pairs[msgid] = msgstr
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    done = set()
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        ids = [n for n, ln in enumerate(lines) if ln.startswith("msgid ")]
        if not ids:
            continue
        start = ids[0]
        end = next(
            n for n in range(start, len(lines)) if lines[n].startswith(("msgstr", "msgid_plural"))
        )
        if not lines[end].startswith("msgstr "):
            continue  # plural entries are translated by hand
        msgid = "".join(
            ast.literal_eval(ln[6:] if n == start else ln)
            for n, ln in enumerate(lines[start:end], start)
        )
        if msgid not in pairs:
            continue
        head = [ln for ln in lines[:start] if not ln.startswith(("#, fuzzy", "#| "))]
        head = [ln.replace("fuzzy, ", "").replace(", fuzzy", "") for ln in head]
        blocks[i] = "\n".join([*head, *lines[start:end], "msgstr " + quote(pairs[msgid])])
        done.add(msgid)
    PO.write_text("\n\n".join(blocks), encoding="utf-8")
    for missing in sorted(set(pairs) - done):
        print(f"not in the catalogue: {missing}", file=sys.stderr)
    print(f"{len(done)} translations written")


if __name__ == "__main__":
    main(sys.argv)
