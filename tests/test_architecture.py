"""The shape of the test suite: test modules and conftest files share helpers only through tests/support/ (and
other plain helper modules), never by importing one another, so a test module can move or go without breaking
another and each helper is written once."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def is_test_or_conftest(path: Path) -> bool:
    return path.name == "conftest.py" or (path.name.startswith("test_") and path.suffix == ".py")


def module_file(root: Path, dotted: str) -> Path | None:
    """The file of a module under tests/ (a module or a package's __init__), or None if there is none."""
    base = root.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(root: Path, path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every module this file imports, relative imports resolved, including the
    submodules named by `from package import submodule`."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - (node.level - 1)])
                module = ".".join(filter(None, [parent, node.module]))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def cross_imports(root: Path) -> list[str]:
    """`file:line imports other_file` for every test module or conftest (or tests/support/ module) under
    root/tests that imports a test module or conftest."""
    problems = []
    for path in sorted((root / "tests").rglob("*.py")):
        if "node_modules" in path.parts:
            continue
        for line, module in imported_modules(root, path):
            if module.split(".")[0] != "tests":
                continue
            target = module_file(root, module)
            if target is None or target == path:
                continue
            if is_test_or_conftest(target) and (is_test_or_conftest(path) or "support" in path.parts):
                problems.append(f"{path.relative_to(root)}:{line} imports {target.relative_to(root)}")
    return problems


def test_no_test_module_imports_another():
    problems = cross_imports(ROOT)
    assert not problems, "Move what they share to tests/support/:\n" + "\n".join(problems)


def test_the_check_sees_every_way_of_importing_a_test_module(tmp_path):
    # given a throwaway tests/ tree whose modules import one another in each way Python allows
    tree = tmp_path / "tests"
    (tree / "support").mkdir(parents=True)
    (tree / "api").mkdir()
    for package in (tree, tree / "support", tree / "api"):
        (package / "__init__.py").write_text("")
    (tree / "conftest.py").write_text("def make_case(): ...\n")
    (tree / "api" / "conftest.py").write_text("def token_client(): ...\n")
    (tree / "support" / "drivers.py").write_text("def decide(): ...\n")
    (tree / "api" / "test_a.py").write_text(
        "from tests.conftest import make_case\n"  # line 1: the root conftest
        "from .conftest import token_client\n"  # line 2: a relative import of a conftest
        "from tests.api import test_b\n"  # line 3: a test module named as a submodule
        "import tests.api.test_b\n"  # line 4: a plain import
        "from tests.support.drivers import decide\n"  # fine: the shared drivers
    )
    (tree / "api" / "test_b.py").write_text("from tests.support import drivers\n")

    # when the check reads it, then it reports the four imports and nothing else
    assert cross_imports(tmp_path) == [
        "tests/api/test_a.py:1 imports tests/conftest.py",
        "tests/api/test_a.py:2 imports tests/api/conftest.py",
        "tests/api/test_a.py:3 imports tests/api/test_b.py",
        "tests/api/test_a.py:4 imports tests/api/test_b.py",
    ]
