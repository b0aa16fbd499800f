"""The core's layers, as its imports show them: the domain imports nothing of mnemo's but
itself; services import the domain; adapters import the domain (and the settings); nothing
in the core imports the bot, the command line or Telegram."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "knowledge"

ALLOWED = {
    "domain": ("knowledge.domain",),
    "services": ("knowledge.domain", "knowledge.services"),
    "adapters": ("knowledge.domain", "knowledge.adapters", "knowledge.settings"),
}
NEVER = ("bot", "cli", "telegram")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_each_layer_imports_only_what_is_below_it() -> None:
    wrong = []
    for layer, allowed in ALLOWED.items():
        for path in sorted((CORE / layer).rglob("*.py")):
            for module in _imports(path):
                if module.startswith("knowledge") and not _within(module, allowed):
                    wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []


def test_the_core_never_imports_an_entry_point_or_telegram() -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted(CORE.rglob("*.py"))
        for module in _imports(path)
        if _within(module, NEVER)
    ]
    assert wrong == []


# What the domain may name only as types (under `if TYPE_CHECKING:`): never imported when
# mnemo runs, so the domain stays the standard library and itself.
DOMAIN_TYPES_ONLY = ("tokenizers", "PIL")


def _runtime_imports(path: Path) -> set[str]:
    """The modules a file imports when it runs: those under `if TYPE_CHECKING:` left out."""
    tree = ast.parse(path.read_text(), str(path))
    typing_only = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and ast.unparse(branch.test).endswith("TYPE_CHECKING")
        for node in ast.walk(branch)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_domain_runs_on_the_standard_library_alone() -> None:
    wrong = []
    for path in sorted((CORE / "domain").rglob("*.py")):
        for module in _runtime_imports(path):
            top = module.split(".")[0]
            if top not in sys.stdlib_module_names and top not in ("knowledge", "__future__"):
                wrong.append(f"{path.relative_to(ROOT)} imports {module} at run time")
        for module in _imports(path) - _runtime_imports(path):
            if not _within(module, DOMAIN_TYPES_ONLY) and module != "typing":
                wrong.append(f"{path.relative_to(ROOT)} names {module} as a type")
    assert wrong == []
