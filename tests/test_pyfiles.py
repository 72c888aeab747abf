"""The worker bundle ships every Python file worker Python imports (``worker/pyfiles.ts``)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
PYFILES = ROOT / "labextension" / "src" / "worker" / "pyfiles.ts"


def _shipped() -> set[str]:
    return set(re.findall(r"^  '([^']+\.py)': ", PYFILES.read_text(encoding="utf-8"), re.M))


def _package_imports(path: Path) -> set[str]:
    """Files of the package that ``path`` imports (relative or absolute imports)."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
        elif (node.module or "").startswith("jupyter_worker"):
            target = node.module
        else:
            continue
        names = [target] + [f"{target}.{alias.name}" for alias in node.names]
        for name in names:
            for candidate in (
                f"{name.replace('.', '/')}.py",
                f"{name.replace('.', '/')}/__init__.py",
            ):
                if (ROOT / candidate).is_file():
                    found.add(candidate)
    return found


def test_every_file_worker_python_imports_is_shipped():
    shipped = _shipped()
    worker = {str(p.relative_to(ROOT)) for p in (ROOT / "jupyter_worker" / "worker").glob("*.py")}
    assert worker <= shipped
    needed = set()
    for name in shipped:
        needed |= _package_imports(ROOT / name)
    assert needed - shipped == set()
