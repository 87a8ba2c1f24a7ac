import subprocess
import sys

from sai_dpo.cli import build_parser, main


def test_help_lists_pool_command(capsys):
    parser = build_parser()
    assert "pool" in parser.format_help()


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out


def test_module_entry_point_runs():
    out = subprocess.run([sys.executable, "-m", "sai_dpo", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "sai-dpo" in out.stdout
