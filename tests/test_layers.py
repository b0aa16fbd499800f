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


# The rooms of services/, lowest first: each imports only rooms before it (and itself).
SERVICE_ROOMS = ("words", "llm", "sending", "keeping", "answers", "upkeep", "door")
MAX_MODULES_PER_ROOM = 15
MAX_MODULE_LINES = 400


def test_each_service_room_imports_only_rooms_before_it() -> None:
    services = CORE / "services"
    assert sorted(p.name for p in services.iterdir() if p.is_dir() and p.name[0] != "_") == sorted(
        SERVICE_ROOMS
    ), "a room of services/ is missing from SERVICE_ROOMS, or one listed is gone"
    assert [p.name for p in services.glob("*.py")] == ["__init__.py"], "every module in a room"
    wrong = []
    for rank, room in enumerate(SERVICE_ROOMS):
        allowed = tuple(f"knowledge.services.{r}" for r in SERVICE_ROOMS[: rank + 1])
        for path in sorted((services / room).rglob("*.py")):
            for module in _imports(path):
                if module.startswith("knowledge.services") and not _within(module, allowed):
                    wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []


def test_rooms_and_modules_stay_small() -> None:
    crowded = [
        f"{folder.relative_to(ROOT)}: {count} modules"
        for folder in sorted((CORE / "services").iterdir())
        if folder.is_dir() and (count := len(list(folder.glob("*.py")))) > MAX_MODULES_PER_ROOM + 1
    ]
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for top in ("knowledge", "bot", "cli", "present")
        for path in sorted((ROOT / top).rglob("*.py"))
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert crowded == [] and long == []


# The edges: present/ (what a person reads) serves the bot and the command line, so it
# imports neither, nor Telegram; the command line imports nothing of the bot but what
# `mnemo run` needs to start it, inside that command.
PRESENT = ROOT / "present"
CLI = ROOT / "cli"
BOT_START = {"bot.app", "bot.settings"}


def _split_by_function(path: Path, name: str) -> tuple[set[str], set[str]]:
    """The modules `path` imports inside its function `name`, and those it imports elsewhere."""
    inside: set[str] = set()
    outside: set[str] = set()

    def visit(node: ast.AST, within: bool) -> None:
        found = inside if within else outside
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        within = within or (isinstance(node, ast.FunctionDef) and node.name == name)
        for child in ast.iter_child_nodes(node):
            visit(child, within)

    visit(ast.parse(path.read_text(), str(path)), False)
    return inside, outside


def test_presentation_imports_no_edge_nor_telegram() -> None:
    imported = {module: path for path in PRESENT.rglob("*.py") for module in _imports(path)}
    assert {m: str(p) for m, p in imported.items() if _within(m, NEVER)} == {}


def test_the_command_line_imports_of_the_bot_only_its_start_in_mnemo_run() -> None:
    wrong = []
    for path in sorted(CLI.rglob("*.py")):
        inside, outside = _split_by_function(path, "run")
        allowed = BOT_START if path == CLI / "main.py" else set()
        wrong += [
            f"{path.relative_to(ROOT)} imports {module}"
            for module in outside | {m for m in inside if m not in allowed}
            if _within(module, ("bot", "telegram"))
        ]
    assert wrong == []
    assert _split_by_function(CLI / "main.py", "run")[0] >= BOT_START, "mnemo run starts it"
