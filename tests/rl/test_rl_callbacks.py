"""SelectionCallback's run records describe the tracker after the rounds they record."""

from rl.callbacks import SelectionCallback
from rl.reporting import Selection


class _BufferedTracker:
    """A service client in miniature: reports wait in a buffer until flush(); summary() sees only
    what was sent (as the Ray service does)."""

    def __init__(self):
        self.buffer, self.sent = [], []

    def report(self, problem_ids, rewards, **_):
        self.buffer += list(zip(problem_ids, rewards, strict=True))

    def flush(self):
        self.sent += self.buffer
        self.buffer = []

    def summary(self):
        acc = sum(r for _, r in self.sent) / len(self.sent) if self.sent else 0.5
        return {"skill_accuracy": {"s": acc}, "n_outcomes": len(self.sent)}


def test_a_round_record_includes_the_round_s_own_buffered_reports():
    """With the service backend the demo's tracked accuracy stayed at the prior (0.5) for 8 rounds:
    each record read the tracker before the buffered reports of its round were sent."""
    from rl.reporting import ServiceReporter

    tracker = _BufferedTracker()
    selection = Selection(source=None, reporter=ServiceReporter(tracker), tracker=tracker,
                          meta={"p1": ("s", 1), "p2": ("s", 1)})
    selection.round_log.record(0, ["p1", "p2"])
    selection.record_outcomes(["p1", "p1", "p2", "p2"], [0.0, 0.0, 0.0, 1.0], ["correct"] * 4)
    callback = SelectionCallback(selection)
    records = callback.flush_rounds(step=1)
    assert records[0]["skill_accuracy"] == {"s": 0.25} and tracker.summary()["n_outcomes"] == 4
