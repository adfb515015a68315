"""benchmarks/scale_plan.py: which operations the scaling run (benchmarks/bench_scale.py, issue 16
point 8) runs at a scale, from their figures at the smaller ones. Issue 16: "once an operation passes
its cap at one scale it is not run at the larger scales"."""

import importlib.util
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "scale_plan.py"
spec = importlib.util.spec_from_file_location("scale_plan", SCRIPT)
scale_plan = importlib.util.module_from_spec(spec)
spec.loader.exec_module(scale_plan)


@dataclass
class Outcome:
    status: str
    seconds: float = 0.0
    peak_mb: float = 0.0


def test_the_first_scale_always_runs():
    assert scale_plan.skip_reason([], 1, cap=300, mem_cap=8000) is None


def test_an_operation_over_its_cap_is_not_run_at_any_larger_scale():
    history = [(1, Outcome("ok", 2.0, 100)), (10, Outcome("cap", 300.0, 900))]
    assert scale_plan.skip_reason(history, 100, cap=300, mem_cap=8000) == "not run (> cap at 10×)"
    assert scale_plan.skip_reason([(1, Outcome("setup cap", 300.0))], 10, 300, 8000) == "not run (> cap at 1×)"


def test_an_operation_over_its_memory_cap_is_not_run_at_a_larger_scale():
    assert scale_plan.skip_reason([(1, Outcome("mem", 5.0, 8100))], 10, 300, 8000) == "not run (> memory cap at 1×)"


def test_the_last_figure_scaled_linearly_decides_the_next_scale():
    fast = [(1, Outcome("ok", 20.0, 100))]
    assert scale_plan.skip_reason(fast, 10, cap=300, mem_cap=8000) is None  # 200 s, 1 GB
    reason = scale_plan.skip_reason(fast, 100, cap=300, mem_cap=8000)  # 2,000 s
    assert reason == "not run (1× took 20 s: × 100 passes the 300 s cap)"
    big = [(1, Outcome("ok", 1.0, 100)), (10, Outcome("ok", 10.0, 1000))]
    reason = scale_plan.skip_reason(big, 100, cap=300, mem_cap=8000)  # 100 s but 10 GB
    assert reason == "not run (10× peaked at 1,000 MB: × 10 passes the 8,000 MB memory cap)"


def test_a_failed_run_does_not_stop_the_next_scale():
    assert scale_plan.skip_reason([(1, Outcome("failed"))], 10, 300, 8000) is None
    assert scale_plan.skip_reason([(1, Outcome("ok", 1.0, 10)), (10, Outcome("failed"))], 100, 300, 8000) is None
