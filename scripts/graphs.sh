#!/usr/bin/env bash
# Redraw the state graphs in docs/graphs/ from the code (README "State graphs").
#
#   scripts/graphs.sh        each model's .dot from `manage.py graph_transitions`, then its .svg
#
# MODELS lists every model with a django-fsm field (tests/sipm/test_state_graphs.py fails when a
# model with an FSM field is missing here, or when a committed .dot or .svg no longer matches the
# code). PYTHONHASHSEED=0 keeps django-fsm's set-ordered output stable, so an unchanged graph
# gives an unchanged file. The .svg needs Graphviz's `dot` program (`apt-get install graphviz`),
# a documentation tool only, not a runtime dependency; without it only the .dot files are written.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[[ -x "$PY" ]] || PY="$(command -v python3)"

MODELS=(projects.Project approvals.Form approvals.FormStep)
# The labels are Chinese (the company language): the first family, which has the glyphs, sizes
# the nodes (apt-get install fonts-noto-cjk); the SVG names the others for viewers without it.
FONT="${SIPM_GRAPH_FONT:-Noto Sans CJK SC,PingFang SC,Microsoft YaHei,sans-serif}"

for model in "${MODELS[@]}"; do
    dot_file="docs/graphs/${model/./_}.dot"
    PYTHONHASHSEED=0 "$PY" manage.py graph_transitions "$model" > "$dot_file"
    if command -v dot > /dev/null; then
        dot -Tsvg -Gfontname="$FONT" -Nfontname="$FONT" -Efontname="$FONT" \
            "$dot_file" -o "${dot_file%.dot}.svg"
        echo "$dot_file, ${dot_file%.dot}.svg"
    else
        echo "$dot_file (no Graphviz 'dot' program: the .svg is not redrawn)" >&2
    fi
done
