"""Every module of the four packages imports: a module that no longer imports cannot hide."""

import importlib
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = ("sai_dpo", "rl", "data", "eval")


def _modules():
    for pkg in PACKAGES:
        for f in sorted((ROOT / pkg).rglob("*.py")):
            parts = f.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__main__":
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts)


@pytest.mark.parametrize("name", list(_modules()))
def test_module_imports(name):
    importlib.import_module(name)


def test_every_package_found():
    names = set(_modules())
    assert set(PACKAGES) <= names


def test_core_engine_needs_no_heavy_imports():
    """sai_dpo's core must not pull torch, trl, ray or sympy at import time (DESIGN.md section 2)."""
    import subprocess
    import sys

    code = (
        "import sys, sai_dpo\n"
        "heavy = [m for m in ('torch', 'trl', 'ray', 'sympy') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == ""
