#!/usr/bin/env bash
# Refresh the gettext catalogues after UI strings changed.
#
#   scripts/i18n_update.sh          extract, fill zh_Hans (msgstr = msgid), report what English lacks
#
# 1. makemessages for zh_Hans and en (Python and templates; obsolete entries dropped).
# 2. zh_Hans: the msgids ARE the Chinese UI text, so every msgstr is set to its msgid and fuzzy
#    flags are cleared (scripts/i18n_check.py --fill-source).
# 3. en: nothing is written; new or changed strings are listed as "untranslated" or "fuzzy"
#    (msgmerge guesses a fuzzy translation from a similar old string: check it, then remove the
#    "#, fuzzy" line). Edit locale/en/LC_MESSAGES/django.po, then run this script again until
#    it exits 0; tests/i18n fails while any entry is untranslated or fuzzy.
# 4. compilemessages, so the running server picks the change up (.mo files are not committed).
#
# static/js has no gettext() calls (the JS shows no text of its own), so no djangojs domain.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[[ -x "$PY" ]] || PY="$(command -v python3)"

# Branches merge catalogues by union (.gitattributes): drop the entries both sides added.
for po in locale/*/LC_MESSAGES/django.po; do
    msguniq --use-first -o "$po.uniq" "$po" && mv "$po.uniq" "$po"
done
"$PY" manage.py makemessages -l zh_Hans -l en --no-obsolete --no-location \
    --ignore=.venv --ignore=node_modules --ignore=static/vendor \
    --ignore=artifacts --ignore=var --ignore=tests
status=0
"$PY" scripts/i18n_check.py --fill-source || status=$?
"$PY" manage.py compilemessages -v 0 --ignore=.venv
if [[ $status -ne 0 ]]; then
    echo "Some entries above still need a translation (see locale/en/LC_MESSAGES/django.po)." >&2
fi
exit $status
