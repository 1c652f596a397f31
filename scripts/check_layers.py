"""Check that imports point down the layers of SIPM (docs: README "Layers").

    .venv/bin/python scripts/check_layers.py        # exit 1 and a list when a rule is broken

Rules:
1. An app imports only apps of its own layer or of the layers below it.
2. A cross-app import inside a function carries a comment saying why (on its line or the line
   above), e.g. a lazy import that breaks an import cycle at app loading.
3. No `importlib.import_module` of an app's own modules (import it like anything else).
Tests, benchmarks, scripts and migrations are not checked.
"""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. Modules of the `sipm` package that wire everything together are the top.
LAYERS = [
    {"sipm", "core"},
    {"org", "workcal"},
    {"approvals"},
    {"projects", "finance", "delivery"},
    {"notifications", "documents"},
]
TOP = {
    "sipm.home",
    "sipm.management.commands.seed_demo",
    "sipm.management.commands.seed_scale",
    "sipm.urls",
    "sipm.web_urls",
    "sipm.api_urls",
    "sipm.openapi",
    "sipm.context_processors",
}
# Imports that still point up, each with the reason; the list only shrinks. A new upward
# import fails the check.
KNOWN: dict[tuple[str, str], str] = {}
SKIP_PARTS = {"migrations", "tests", "bench", "scripts", ".venv", "node_modules"}


def layer_of(app: str) -> int | None:
    for n, apps in enumerate(LAYERS):
        if app in apps:
            return n
    return None


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(tree):
    """(node, imported module, inside a function?) for every import in the module."""
    out = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                out.extend((child, a.name, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                out.append((child, child.module, in_function))
            visit(child, inner)

    visit(tree, False)
    return out


def problems_in(path: Path) -> list[str]:
    module = module_name(path)
    app = module.split(".")[0]
    own = layer_of(app)
    if own is None or module in TOP:
        return []
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    found = []
    for node, target, in_function in _imports(tree):
        target_app = target.split(".")[0]
        theirs = layer_of(target_app)
        if theirs is None or target_app == app:
            continue
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        if (module, target) in KNOWN:
            continue
        if target in TOP:
            found.append(f"{where}: {module} imports {target}, the top layer")
        elif theirs > own:
            found.append(f"{where}: {module} imports {target} (a layer above {app})")
        if in_function:
            here = lines[node.lineno - 1]
            above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
            if "#" not in here and not above.startswith("#"):
                found.append(f"{where}: import of {target} inside a function without a comment")
    own_modules = re.findall(rf'import_module\(\s*f?"({app}\.[^"]*)"', source)
    if any(".migrations." not in m for m in own_modules):
        found.append(f"{path.relative_to(ROOT)}: imports its own app through importlib")
    return found


def main() -> int:
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        if SKIP_PARTS & set(path.relative_to(ROOT).parts):
            continue
        problems += problems_in(path)
    for line in problems:
        print(line)
    for (module, target), why in sorted(KNOWN.items()):
        print(f"known: {module} imports {target} ({why})")
    if problems:
        print(f"{len(problems)} layering problem(s)", file=sys.stderr)
        return 1
    print("layers: every import points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
