"""The drawn state graphs (docs/graphs/, README "State graphs") match the code: each committed .dot
is what `manage.py graph_transitions` prints now, each .svg draws exactly the states and moves of
its .dot, every model with a django-fsm field has its graph, and the README shows each one.
No Graphviz program is needed; when a test fails, run scripts/graphs.sh and commit the result."""

import re
import xml.etree.ElementTree as ET
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django_fsm import FSMFieldMixin

ROOT = Path(__file__).resolve().parents[2]
GRAPHS = ROOT / "docs" / "graphs"
SCRIPT = ROOT / "scripts" / "graphs.sh"
SVG = "{http://www.w3.org/2000/svg}"
FIX = "run scripts/graphs.sh and commit docs/graphs/"

NODE = re.compile(r'^\s*"(?P<name>[^"]+)" \[(?P<attrs>[^\]]*)\]$')
EDGE = re.compile(r'^\s*"(?P<tail>[^"]+)" -> "(?P<head>[^"]+)"(?: \[(?P<attrs>[^\]]*)\])?$')
LABEL = re.compile(r'label=(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<plain>[^\s\]]+))')


def scripted_models() -> list[str]:
    """The MODELS=(...) of scripts/graphs.sh."""
    match = re.search(r"^MODELS=\(([^)]*)\)", SCRIPT.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, "scripts/graphs.sh has no MODELS=(...) line"
    return match.group(1).split()


MODELS = scripted_models()


def dot_path(label: str) -> Path:
    return GRAPHS / f"{label.replace('.', '_')}.dot"


def label_of(attrs: str | None) -> str:
    match = LABEL.search(attrs or "")
    if not match:
        return ""
    return match.group("plain") if match.group("plain") is not None else match.group("quoted")


def parse_dot(text: str) -> tuple[set[str], Counter]:
    """(node names, Counter of (tail, head, label)) of a graph_transitions dot file."""
    nodes, edges = set(), Counter()
    for line in text.splitlines():
        if edge := EDGE.match(line):
            edges[(edge["tail"], edge["head"], label_of(edge["attrs"]))] += 1
        elif node := NODE.match(line):
            nodes.add(node["name"])
    return nodes, edges


def parse_svg(path: Path) -> tuple[set[str], Counter]:
    root = ET.parse(path).getroot()
    nodes, edges = set(), Counter()
    for group in root.iter(f"{SVG}g"):
        title = group.findtext(f"{SVG}title") or ""
        if group.get("class") == "node":
            nodes.add(title)
        elif group.get("class") == "edge":
            tail, head = title.split("->")
            text = " ".join(t.text or "" for t in group.iter(f"{SVG}text")).strip()
            edges[(tail, head, text)] += 1
    return nodes, edges


def graph_now(label: str) -> str:
    out = StringIO()
    with translation.override(settings.LANGUAGE_CODE):  # the labels are the Chinese choices
        call_command("graph_transitions", label, stdout=out)
    return out.getvalue()


def test_every_model_with_a_state_machine_is_drawn():
    with_fsm = sorted(
        model._meta.label
        for model in apps.get_models()
        if any(isinstance(f, FSMFieldMixin) for f in model._meta.get_fields())
    )
    assert sorted(MODELS) == with_fsm, f"scripts/graphs.sh MODELS must list {with_fsm}"


@pytest.mark.parametrize("label", MODELS)
def test_the_committed_dot_is_what_the_code_draws(label):
    committed = dot_path(label)
    assert committed.exists(), f"{committed.name} is missing: {FIX}"
    # django-fsm prints its sets in hash order: the same graph, compared line by line unordered
    now = sorted(line.strip() for line in graph_now(label).splitlines() if line.strip())
    then = sorted(
        line.strip() for line in committed.read_text(encoding="utf-8").splitlines() if line.strip()
    )
    assert now == then, f"{committed.name} is stale: {FIX}"


@pytest.mark.parametrize("label", MODELS)
def test_the_svg_draws_the_states_and_moves_of_its_dot(label):
    dot = dot_path(label)
    svg = dot.with_suffix(".svg")
    assert svg.exists(), f"{svg.name} is missing: {FIX}"
    nodes, edges = parse_dot(dot.read_text(encoding="utf-8"))
    assert nodes and edges
    assert parse_svg(svg) == (nodes, edges), f"{svg.name} does not match {dot.name}: {FIX}"


@pytest.mark.parametrize("label", MODELS)
def test_the_readme_shows_the_graph(label):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    name = dot_path(label).with_suffix(".svg").name
    assert re.search(rf"!\[[^\]]+\]\(docs/graphs/{re.escape(name)}\)", readme), name
