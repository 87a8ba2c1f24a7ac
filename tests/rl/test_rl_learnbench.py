"""The GRPO learning benchmark's configuration and figures (rl.learnbench, rl._learnbench_summary).

The figures are checked on hand-made runs whose numbers are worked out in the docstrings; no model runs.
"""

import base64
import math

import numpy as np
import pytest

from rl._learnbench_summary import _reach, summarise, table_rows, targets, write_report
from rl.learnbench import GRPOBenchConfig, parse_policy

T975_1DF = 12.706  # Student-t 97.5% quantile, 1 degree of freedom (2 seeds)


# -- parse_policy and the config ------------------------------------------------------------------
@pytest.mark.parametrize(("name", "expected"), [
    ("dapo", ("uniform", True, {})),
    ("sai_dpo+dapo", ("sai_dpo", True, {})),
    ("uniform+dapo", ("uniform", True, {})),
    ("sai_dpo", ("sai_dpo", False, {})),
    ("learnability", ("learnability", False, {})),
    ("curriculum+dapo", ("curriculum", True, {})),
    ("sai_dpo+dapo;sharpness=0", ("sai_dpo", True, {"sharpness": 0})),
    ("sai_dpo;tau=0.5;half_life=8", ("sai_dpo", False, {"tau": 0.5, "half_life": 8})),
    ("dapo;epsilon=0.1", ("uniform", True, {"epsilon": 0.1})),
])
def test_parse_policy(name, expected):
    assert parse_policy(name) == expected


@pytest.mark.parametrize("name", ["bogus", "sai_dpo+x", "dapo+dapo", "sai_dpo+dapo+dapo", "+dapo", "", "SAI_DPO",
                                  "bogus+dapo"])
def test_parse_policy_rejects(name):
    with pytest.raises(ValueError, match="'policies' parameter of GRPOBenchConfig"):
        parse_policy(name)


@pytest.mark.parametrize("name", ["sai_dpo;bogus=1", "sai_dpo;seed=3", "sai_dpo+dapo;group_size=4",
                                  "uniform;policy=sai_dpo", "sai_dpo;tau"])
def test_parse_policy_rejects_bad_overrides(name):
    with pytest.raises(ValueError):
        parse_policy(name)


def test_config_defaults_are_valid():
    config = GRPOBenchConfig()
    assert config.budget % (config.prompts_per_step * config.num_generations) == 0
    assert GRPOBenchConfig(seeds=3, first_seed=4).seed_list == [4, 5, 6]


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"budget": 100, "prompts_per_step": 4, "num_generations": 8}, "budget"),   # 100 % 32 != 0
    ({"budget": 48, "prompts_per_step": 4, "num_generations": 8}, "budget"),
    ({"policies": ("uniform", "sai_dpo", "uniform")}, "policies"),
    ({"policies": ()}, "policies"),
    ({"policies": ("uniform", "best")}, "policies"),
    ({"num_generations": 1, "budget": 64}, "num_generations"),
    ({"seeds": 0}, "seeds"),
    ({"budget": True}, "budget"),
    ({"first_seed": -1}, "first_seed"),
    ({"learning_rate": 1.5}, "learning_rate"),
    ({"hidden_size": 30}, "hidden_size"),
    ({"pool_size": 5, "prompts_per_step": 4, "dapo_oversample": 3}, "pool_size"),
    ({"num_layers": 0}, "num_layers"),
    ({"use_cpu": "yes"}, "use_cpu"),
    ({"policies": ("uniform", "sai_dpo;seed=1")}, "policies"),
])
def test_config_rejects(kwargs, param):
    with pytest.raises(ValueError, match=f"'{param}' parameter of GRPOBenchConfig"):
        GRPOBenchConfig(**kwargs)


def test_config_accepts_a_budget_multiple_of_one_step():
    config = GRPOBenchConfig(budget=96, prompts_per_step=4, num_generations=8, policies=("dapo", "sai_dpo+dapo"))
    assert config.budget == 96


# -- _reach ---------------------------------------------------------------------------------------
GRID = np.array([0.0, 10.0, 20.0, 30.0])


def test_reach_interpolates_between_grid_points():
    curve = np.array([0.2, 0.4, 0.6, 0.7])
    assert _reach(curve, GRID, 0.5) == pytest.approx(15.0)       # halfway from 0.4 (x=10) to 0.6 (x=20)
    assert _reach(curve, GRID, 0.45) == pytest.approx(12.5)
    assert _reach(curve, GRID, 0.65) == pytest.approx(25.0)
    assert _reach(curve, GRID, 0.4) == pytest.approx(10.0)       # exactly on a grid point


def test_reach_first_crossing_of_a_non_monotone_curve():
    curve = np.array([0.2, 0.6, 0.3, 0.8])
    assert _reach(curve, GRID, 0.5) == pytest.approx(7.5)        # 0 + 10 * (0.5 - 0.2) / (0.6 - 0.2)


def test_reach_at_the_start_and_never():
    curve = np.array([0.5, 0.4, 0.6, 0.7])
    assert _reach(curve, GRID, 0.5) == 0.0
    assert _reach(curve, GRID, 0.1) == 0.0
    assert _reach(curve + 100, GRID + 7, 0.1) == 7.0               # grid[0], whatever it is
    assert math.isnan(_reach(curve, GRID, 0.71))


# -- summarise / targets on hand-made runs ---------------------------------------------------------
CONFIG = GRPOBenchConfig(seeds=2, first_seed=0, policies=("uniform", "sai_dpo", "dapo"), budget=64,
                         prompts_per_step=4, num_generations=8, eval_every=32, pool_size=100)
# Greedy curves on the grid 0, 32, 64 (pass@1 is greedy - 0.1 everywhere).
GREEDY = {
    ("uniform", 0): ([0, 32, 64], [0.2, 0.3, 0.4]),
    ("uniform", 1): ([0, 32, 64], [0.3, 0.4, 0.5]),
    ("sai_dpo", 0): ([0, 32, 64], [0.2, 0.4, 0.5]),
    ("sai_dpo", 1): ([0, 32, 64], [0.3, 0.4, 0.7]),
    # DAPO ends steps past the grid points: seed 0 evaluated at 40 and 72 rollouts.
    ("dapo", 0): ([0, 40, 72], [0.2, 0.35, 0.45]),
    ("dapo", 1): ([0, 32, 64], [0.3, 0.35, 0.625]),
}


def _runs():
    runs = []
    for (policy, seed), (xs, ys) in GREEDY.items():
        curve = [{"rollouts": x, "step": i, "greedy": y, "pass1": y - 0.1}
                 for i, (x, y) in enumerate(zip(xs, ys, strict=True))]
        runs.append({"seed": seed, "policy": policy, "curve": curve, "informative_share": 0.5 + 0.1 * seed,
                     "train_reward": 0.25, "rollouts": xs[-1], "steps": 2, "seconds": 10.0 + seed})
    return runs


WARM = [{"seed": 0, "start": {"greedy": 0.2, "pass1": 0.1}}, {"seed": 1, "start": {"greedy": 0.3, "pass1": 0.2}}]


@pytest.fixture(scope="module")
def summary():
    return summarise(CONFIG, WARM, _runs())


def _row(summary, policy):
    return {r["policy"]: r for r in summary["rows"]}[policy]


def test_summary_grid_curves_and_finals(summary):
    """DAPO seed 0 on the grid: at 32, 0.2 + (0.35 - 0.2) * 32/40 = 0.32; at 64, 0.35 + 0.10 * 24/32 = 0.425.
    Final greedy means: uniform (0.4 + 0.5)/2 = 0.45, sai_dpo (0.5 + 0.7)/2 = 0.6, dapo (0.425 + 0.625)/2 = 0.525."""
    assert summary["grid"] == [0.0, 32.0, 64.0]
    assert np.allclose(summary["curves"]["greedy"]["dapo"], [[0.2, 0.32, 0.425], [0.3, 0.35, 0.625]])
    assert np.allclose(summary["curves"]["pass1"]["uniform"], [[0.1, 0.2, 0.3], [0.2, 0.3, 0.4]])
    assert {r["policy"] for r in summary["rows"]} == {"uniform", "sai_dpo", "dapo"}
    assert _row(summary, "uniform")["greedy"] == pytest.approx(0.45)
    assert _row(summary, "sai_dpo")["greedy"] == pytest.approx(0.6)
    assert _row(summary, "dapo")["greedy"] == pytest.approx(0.525)
    assert _row(summary, "dapo")["pass1"] == pytest.approx(0.425)
    assert summary["start"]["greedy"][0] == pytest.approx(0.25)
    assert _row(summary, "sai_dpo")["informative_share"] == pytest.approx(0.55)
    assert _row(summary, "dapo")["rollouts"] == pytest.approx(68.0)


def test_summary_paired_differences_and_gains(summary):
    """sai_dpo - uniform per seed: 0.1 and 0.2, mean 0.15, sd 0.0707, half-width 12.706 * 0.0707 / sqrt(2)
    = 0.635. sai_dpo - dapo per seed: 0.075 and 0.075: mean 0.075, half-width ~0. Gains over the warm start:
    uniform 0.2 and 0.2; sai_dpo 0.3 and 0.4 (mean 0.35, half 12.706 * 0.0707 / sqrt(2))."""
    sai = _row(summary, "sai_dpo")
    diff, half = sai["greedy_vs_uniform"]
    assert diff == pytest.approx(0.15)
    assert half == pytest.approx(T975_1DF * np.std([0.1, 0.2], ddof=1) / math.sqrt(2))
    diff, half = sai["greedy_vs_dapo"]
    assert diff == pytest.approx(0.075) and half == pytest.approx(0.0, abs=1e-9)
    assert _row(summary, "uniform")["greedy_gain"][0] == pytest.approx(0.2)
    assert sai["greedy_gain"][0] == pytest.approx(0.35)
    assert sai["greedy_gain"][1] == pytest.approx(T975_1DF * np.std([0.3, 0.4], ddof=1) / math.sqrt(2))
    # A policy is not compared with itself.
    assert all(math.isnan(v) for v in _row(summary, "uniform")["greedy_vs_uniform"])
    assert all(math.isnan(v) for v in _row(summary, "dapo")["greedy_vs_dapo"])
    assert _row(summary, "dapo")["greedy_vs_uniform"][0] == pytest.approx((0.025 + 0.125) / 2)  # 0.425 - 0.4, 0.625 - 0.5


def test_summary_efficiency(summary):
    """Uniform's final mean is 0.45. sai_dpo's mean curve is 0.25, 0.4, 0.6: it reaches 0.45 at
    32 + 32 * (0.45 - 0.4) / (0.6 - 0.4) = 40 rollouts, so its efficiency is 64 / 40 = 1.6. Uniform
    itself (0.25, 0.35, 0.45) reaches it only at 64: efficiency 1. DAPO (0.25, 0.335, 0.525):
    32 + 32 * 0.115 / 0.19 = 51.37 rollouts."""
    sai = _row(summary, "sai_dpo")
    assert sai["rollouts_to_uniform"] == pytest.approx(40.0)
    assert sai["efficiency"] == pytest.approx(1.6)
    assert _row(summary, "uniform")["rollouts_to_uniform"] == pytest.approx(64.0)
    assert _row(summary, "uniform")["efficiency"] == pytest.approx(1.0)
    assert _row(summary, "dapo")["rollouts_to_uniform"] == pytest.approx(32 + 32 * 0.115 / 0.19)


def test_targets_statuses(summary):
    """Uniform gains +20 points (>= 10: met); sai_dpo beats uniform by 15 +- 63.5 points (interval holds 0:
    not met); beats dapo by 7.5 +- 0 (met); needs 1.6x fewer rollouts (>= 1.5: met)."""
    got = summary["targets"]
    assert [status for _, status, _ in got] == ["met", "not met", "met", "met"]
    assert "uniform gains" in got[0][0] and got[0][2].startswith("+20.0")
    assert "above uniform" in got[1][0] and got[1][2].startswith("+15.0 \u00b1 63.5")
    assert "above dapo" in got[2][0] and got[2][2].startswith("+7.5")
    assert "1.5x fewer rollouts" in got[3][0] and got[3][2] == "1.60x (40 rollouts)"
    assert targets(summary["rows"]) == got


def test_targets_not_met_and_not_applicable():
    """A run where sai_dpo never reaches uniform's final accuracy and uniform barely learns."""
    runs = [
        {"seed": s, "policy": p, "curve": [{"rollouts": 0, "greedy": 0.3, "pass1": 0.3},
                                           {"rollouts": 64, "greedy": final, "pass1": final}],
         "informative_share": 0.5, "train_reward": 0.1, "rollouts": 64, "steps": 2, "seconds": 1.0}
        for s in (0, 1) for p, final in (("uniform", 0.35 + 0.01 * s), ("sai_dpo", 0.32))
    ]
    warm = [{"seed": s, "start": {"greedy": 0.3, "pass1": 0.3}} for s in (0, 1)]
    config = GRPOBenchConfig(seeds=2, policies=("uniform", "sai_dpo"), budget=64, prompts_per_step=4,
                             num_generations=8, eval_every=32, pool_size=100)
    result = summarise(config, warm, runs)
    got = {t: (status, fig) for t, status, fig in result["targets"]}
    statuses = [status for _, status, _ in result["targets"]]
    # uniform +5.5 points; sai_dpo below uniform; never reaching uniform's final accuracy fails the
    # efficiency target (it is not "n/a").
    assert statuses == ["not met", "not met", "not met"]
    assert result["targets"][2][2] == "never reached"
    assert math.isnan(_row(result, "sai_dpo")["rollouts_to_uniform"])
    assert not any("dapo" in t for t in got)  # no dapo run: no dapo target
    assert math.isnan(_row(result, "sai_dpo")["efficiency"])

    # With one seed the intervals are undefined: the paired target is n/a rather than met or not met.
    one = summarise(GRPOBenchConfig(seeds=1, policies=("uniform", "sai_dpo"), budget=64, prompts_per_step=4,
                                    num_generations=8, eval_every=32, pool_size=100),
                    warm[:1], [r for r in runs if r["seed"] == 0])
    assert [s for _, s, _ in one["targets"]][1] == "n/a"
    # Without a uniform run there is nothing to compare with.
    assert targets([r for r in result["rows"] if r["policy"] != "uniform"]) == []


def test_summary_draw_shares_average_over_seeds():
    """Level shares average over seeds with a missing level counted as 0: level 1 (0.5 + 1.0) / 2 = 0.75,
    level 2 (0.5 + 0) / 2 = 0.25; distinct problems drawn (10 + 20) / 2 = 15."""
    runs = _runs()
    for r in runs:
        if r["policy"] == "sai_dpo":
            r["draw_level_share"] = {1: 0.5, 2: 0.5} if r["seed"] == 0 else {1: 1.0}
            r["distinct_drawn"] = 10 if r["seed"] == 0 else 20
    row = _row(summarise(CONFIG, WARM, runs), "sai_dpo")
    assert row["draw_level_share"] == pytest.approx({1: 0.75, 2: 0.25})
    assert row["distinct_drawn"] == pytest.approx(15.0)


# -- the report -----------------------------------------------------------------------------------
def test_write_report(summary, tmp_path):
    summary = dict(summary, wall_seconds=12.0)
    paths = write_report(summary, CONFIG, tmp_path)
    assert set(paths) == {"report_md", "report_html", "curves_png"}
    png = (tmp_path / "curves.png").read_bytes()
    assert paths["curves_png"] == tmp_path / "curves.png" and png.startswith(b"\x89PNG\r\n\x1a\n")

    md = (tmp_path / "report.md").read_text()
    assert "## Targets" in md and "![curves](curves.png)" in md
    header, rows = table_rows(summary)
    assert "| " + " | ".join(header) + " |" in md
    sai = next(r for r in rows if r[0] == "sai_dpo")
    assert sai[6] == "40" and sai[7] == "1.60x"
    assert "| " + " | ".join(sai) + " |" in md

    page = (tmp_path / "report.html").read_text()
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert page.count("<table>") >= 3  # targets, final figures, setup (at least)
    for section in ("targets", "curves", "final", "setup"):
        assert f'<section id="{section}">' in page
    final = page.split('<section id="final">', 1)[1].split("</section>", 1)[0]
    assert "<table>" in final and "<td>sai_dpo</td>" in final and "<td>1.60x</td>" in final
    for cell in ("sai_dpo", "1.60x", "not met", "policy"):
        assert f"<td>{cell}</td>" in page or f"<th>{cell}</th>" in page
    marker = 'src="data:image/png;base64,'
    assert marker in page
    encoded = page.split(marker, 1)[1].split('"', 1)[0]
    assert base64.b64decode(encoded) == png


def test_cell_table_averages_seeds_per_skill_level():
    """Warm start first|1 = (0.5 + 0.7) / 2 = 0.60; uniform's end value (0.9 + 0.7) / 2 = 0.80; a cell
    one seed lacks is averaged over the seeds that have it."""
    from rl._learnbench_summary import cell_rows

    def run(seed, final, cells):
        return {"seed": seed, "policy": "uniform", "curve": [{"rollouts": 0, "greedy": 0.3, "pass1": 0.3},
                                                              {"rollouts": 64, "greedy": final, "pass1": final}],
                "informative_share": 0.5, "train_reward": 0.5, "rollouts": 64, "steps": 2, "seconds": 1.0,
                "final_per_cell": cells}

    warm = [{"seed": 0, "start": {"greedy": 0.3, "pass1": 0.3, "per_cell": {"first|1": 0.5, "max|5": 0.1}}},
            {"seed": 1, "start": {"greedy": 0.3, "pass1": 0.3, "per_cell": {"first|1": 0.7, "max|5": 0.3}}}]
    runs = [run(0, 0.5, {"first|1": 0.9, "max|5": 0.6}), run(1, 0.5, {"first|1": 0.7})]
    config = GRPOBenchConfig(seeds=2, policies=("uniform",), budget=64, prompts_per_step=4, num_generations=8,
                             eval_every=32, pool_size=100)
    header, rows = cell_rows(summarise(config, warm, runs))
    assert header == ["skill|level", "warm start", "uniform"]
    assert rows == [["first|1", "0.60", "0.80"], ["max|5", "0.20", "0.60"]]


def test_efficiency_is_not_applicable_when_uniform_did_not_gain():
    """Uniform ends at 0.25, below the 0.30 warm start: every curve "reaches" that at 0 rollouts, so the
    efficiency target is n/a and no policy gets a rollouts-to-uniform figure."""
    runs = [
        {"seed": s, "policy": p, "curve": [{"rollouts": 0, "greedy": 0.3, "pass1": 0.3},
                                           {"rollouts": 64, "greedy": final, "pass1": final}],
         "informative_share": 0.5, "train_reward": 0.1, "rollouts": 64, "steps": 2, "seconds": 1.0}
        for s in (0, 1) for p, final in (("uniform", 0.25), ("sai_dpo", 0.28))
    ]
    warm = [{"seed": s, "start": {"greedy": 0.3, "pass1": 0.3}} for s in (0, 1)]
    config = GRPOBenchConfig(seeds=2, policies=("uniform", "sai_dpo"), budget=64, prompts_per_step=4,
                             num_generations=8, eval_every=32, pool_size=100)
    result = summarise(config, warm, runs)
    assert result["targets"][-1][1:] == ("n/a", "uniform ended no better than the warm start")
    assert all(math.isnan(r["rollouts_to_uniform"]) and math.isnan(r["efficiency"]) for r in result["rows"])
    _, rows = table_rows(result)
    assert {row[6] for row in rows} == {"-"}


@pytest.mark.parametrize(("text", "message"), [
    ("budget: [640\n", "not valid YAML at line 2"),
    ("- 1\n- 2\n", "expected a mapping of GRPOBenchConfig fields"),
    ("budgett: 640\n", "unknown GRPOBenchConfig fields ['budgett']"),
    ("policies: uniform\n", "'policies' must be a list of policy names"),
    ("learning_rate: fast\n", "'learning_rate' must be a number"),
])
def test_bench_grpo_config_file_errors_are_one_line(tmp_path, capsys, text, message):
    from sai_dpo.cli import main

    path = tmp_path / "bench.yaml"
    path.write_text(text)
    assert main(["bench", "grpo", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --config ") and message in err and str(path) in err and "\n" not in err


def test_bench_grpo_config_reads_yaml_numbers_like_1e_3(tmp_path):
    """PyYAML reads 1e-3 (no dot) as a string; the config takes it as the number."""
    from eval._bench_cli import _yaml_fields

    path = tmp_path / "bench.yaml"
    path.write_text("learning_rate: 1e-3\npolicies: [uniform, dapo]\n")
    fields = _yaml_fields(str(path), GRPOBenchConfig)
    assert fields == {"learning_rate": 0.001, "policies": ("uniform", "dapo")}
    assert GRPOBenchConfig(**fields).learning_rate == 0.001
