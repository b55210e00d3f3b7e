"""Repository-wide pytest hooks.

CI (``BPBOOK_NO_SKIPS=1``, set by .ci/run) treats a skipped test as a
failure: a check that did not run proves nothing, whether the browser was
missing or torch could not be imported.
"""

import os

_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if os.environ.get("BPBOOK_NO_SKIPS") == "1" and _skipped:
        terminalreporter.section("skipped tests are failures here (BPBOOK_NO_SKIPS=1)", red=True)
        for nodeid in _skipped:
            terminalreporter.line(f"SKIPPED {nodeid}", red=True)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("BPBOOK_NO_SKIPS") == "1" and _skipped and exitstatus == 0:
        session.exitstatus = 1
