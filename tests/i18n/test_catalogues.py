"""Given the gettext catalogues under locale/, then every entry is translated (not fuzzy), the
placeholders survive translation, zh_Hans is the identity of its Chinese msgids, and every string
the code and templates mark for translation is in both catalogues."""

import ast
import importlib.util
import io
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("zh_Hans", "en")
# Mirrors scripts/i18n_update.sh's makemessages --ignore list.
SKIPPED_DIRS = {".venv", "node_modules", "artifacts", "var", "tests", ".git", "static"}
# xgettext's Python keywords plus the ones Django adds: name -> (context arg, msgid arg).
KEYWORDS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


def _load_checker():
    spec = importlib.util.spec_from_file_location("i18n_check", ROOT / "scripts" / "i18n_check.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


check = _load_checker()


def catalogue(language):
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def keys_of(language):
    return {(e.msgctxt, e.msgid) for e in check.load(catalogue(language)) if not e.is_header}


# --- the checker itself ---------------------------------------------------------------------

SAMPLE = r"""msgid ""
msgstr ""
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#: a.py:1
msgid "已保存。"
msgstr "Saved."

#: a.py:2
msgid "未翻译"
msgstr ""

#: a.py:3
#, fuzzy
#| msgid "旧的"
msgid "模糊"
msgstr "Fuzzy"

#: a.py:4
#, python-format
msgid "第 %(i)d 行：%(msg)s"
msgstr "Row %(n)d: %(msg)s"

#: a.py:5
#, python-format
msgid "共 %(n)d 条"
msgid_plural "共 %(n)d 条"
msgstr[0] "%(n)d item"
msgstr[1] "items"

#: a.py:6
msgctxt "verb"
msgid "终止"
msgstr ""
"Termi"
"nate"
"""


def test_the_checker_finds_untranslated_fuzzy_and_placeholder_problems(tmp_path, monkeypatch):
    # given a catalogue with one problem of each kind
    po = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(SAMPLE, encoding="utf-8")
    monkeypatch.setattr(check, "ROOT", tmp_path)
    # when it is checked
    problems = "\n".join(check.problems_in(po, "en"))
    # then each problem is reported, and nothing else
    assert "untranslated '未翻译'" in problems
    assert "fuzzy '模糊'" in problems
    assert "placeholders differ in '第 %(i)d 行：%(msg)s'" in problems
    assert "placeholders differ in '共 %(n)d 条'" in problems  # msgstr[1] lost %(n)d
    assert len(problems.splitlines()) == 4
    entries = {(e.msgctxt, e.msgid): e for e in check.load(po)}
    assert entries[("verb", "终止")].msgstr == {0: "Terminate"}


def test_filling_the_source_language_copies_msgids_and_clears_fuzzy(tmp_path, monkeypatch):
    # given a zh_Hans catalogue fresh from makemessages
    po = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(SAMPLE.replace("nplurals=2; plural=(n != 1)", "nplurals=1; plural=0"), "utf-8")
    monkeypatch.setattr(check, "ROOT", tmp_path)
    # when it is filled
    check.fill_source(po, "zh_Hans")
    # then msgstr == msgid everywhere, with one plural form and no fuzzy flag left
    assert check.problems_in(po, "zh_Hans") == []
    text = po.read_text(encoding="utf-8")
    assert "fuzzy" not in text and "#|" not in text
    entries = {(e.msgctxt, e.msgid): e for e in check.load(po)}
    assert entries[(None, "共 %(n)d 条")].msgstr == {0: "共 %(n)d 条"}
    assert entries[("verb", "终止")].msgstr == {0: "终止"}


@pytest.mark.parametrize(
    "source, translation, same",
    [
        ("%(a)s 与 %(b)s", "%(b)s and %(a)s", True),
        ("%(a)s 与 %(b)s", "%(a)s and %(a)s", False),
        ("合计 100%%，当前 %(sum)s%%", "total 100%%, now %(sum)s%%", True),
        ("合计 100%%，当前 %(sum)s%%", "total 100%, now %(sum)s", False),
        ("{name} 已保存", "{name} saved", True),
        ("{name} 已保存", "saved", False),
        ("%d 行", "%s rows", False),
    ],
)
def test_placeholder_comparison(source, translation, same):
    assert (check.placeholders(source) == check.placeholders(translation)) is same


# --- the real catalogues --------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_consistent(language):
    path = catalogue(language)
    assert path.exists(), f"{path} is missing: run scripts/i18n_update.sh"
    entries = [e for e in check.load(path) if not e.is_header and not e.obsolete]
    assert len(entries) > 500
    problems = check.problems_in(path, language)
    assert problems == [], "\n".join(problems[:40])


def test_both_catalogues_have_the_same_entries():
    assert keys_of("zh_Hans") == keys_of("en")


def test_english_has_no_leftover_chinese_only_entries():
    """Chinese may appear in English only beside an English rendering (form titles)."""
    untranslated_looking = [
        e.msgid
        for e in check.load(catalogue("en"))
        if not e.is_header
        and any("\u4e00" <= ch <= "\u9fff" for ch in "".join(e.msgstr.values()))
        and not any(ch.isascii() and ch.isalpha() for ch in "".join(e.msgstr.values()))
    ]
    assert untranslated_looking == []


# --- the catalogues cover the code ----------------------------------------------------------


def _source_files(suffixes):
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if rel.parts and rel.parts[0] in SKIPPED_DIRS:
            continue
        if path.suffix in suffixes and path.is_file():
            yield path


def _calls_in(code: str):
    """(context, msgid) of every keyword call whose arguments are string literals."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(code).readline)
        if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
    ]
    for i, tok in enumerate(tokens[:-1]):
        if tok.type != tokenize.NAME or tok.string not in KEYWORDS:
            continue
        if tokens[i + 1].string != "(" or (i and tokens[i - 1].string == "def"):
            continue
        args, current, j = [], "", i + 2
        while j < len(tokens) and tokens[j].type == tokenize.STRING:
            try:
                current += ast.literal_eval(tokens[j].string)
            except (ValueError, SyntaxError):  # an f-string: xgettext skips it too
                current = None
                break
            j += 1
            if tokens[j].string in (",", ")"):
                args.append(current)
                current = ""
                if tokens[j].string == ")":
                    break
                j += 1
        if current is None:
            continue
        ctx_index, msg_index = KEYWORDS[tok.string]
        if len(args) > msg_index and isinstance(args[msg_index], str):
            yield (args[ctx_index] if ctx_index is not None else None), args[msg_index]


def _flat(templatized: str) -> str:
    """templatize keeps the template's indentation, which the tokenizer would reject."""
    return "\n".join(line.lstrip() for line in templatized.splitlines())


def marked_strings():
    from django.utils.translation.template import templatize

    found = {}
    for path in _source_files({".py"}):
        for key in _calls_in(path.read_text(encoding="utf-8")):
            found.setdefault(key, path.relative_to(ROOT))
    for path in _source_files({".html", ".txt"}):
        if "templates" not in path.parts:
            continue
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for key in _calls_in(_flat(code)):
            found.setdefault(key, path.relative_to(ROOT))
    return found


def test_the_extractor_sees_python_and_template_strings():
    code = 'x = _("甲") + pgettext("verb", "乙") + gettext_lazy("丙" "丁") + f"{_(name)}"'
    assert set(_calls_in(code)) == {(None, "甲"), ("verb", "乙"), (None, "丙丁")}
    from django.utils.translation.template import templatize

    template = (
        '{% load i18n %}{% translate "首页" %}{% translate "项目" context "nav" %}'
        "{% blocktranslate with n=count %}共 {{ n }} 条{% endblocktranslate %}"
        '{{ x|default:_("系统") }}'
    )
    assert set(_calls_in(_flat(templatize(template)))) == {
        (None, "首页"),
        ("nav", "项目"),
        (None, "共 %(n)s 条"),
        (None, "系统"),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_in_the_catalogue(language):
    known = keys_of(language)
    missing = [
        f"{where}: {msgid!r}" + (f" (context {ctx!r})" if ctx else "")
        for (ctx, msgid), where in sorted(marked_strings().items(), key=lambda kv: str(kv[1]))
        if (ctx, msgid) not in known
    ]
    assert missing == [], (
        "Strings not in the catalogue; run scripts/i18n_update.sh and translate them:\n"
        + "\n".join(missing[:40])
    )
