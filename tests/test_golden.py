"""The project's golden tests: every fixture in seeds/ and tests/fixtures/ matches its expectation.

Add a fixture as NAME.txt or NAME.html beside NAME.expected.json; review a
change with `cleaner regress seeds tests/fixtures` and accept it with `--update`.
"""

from __future__ import annotations

from pathlib import Path

from cleaner.regress import find_fixtures, run_regress

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [ROOT / "seeds", ROOT / "tests" / "fixtures"]


def test_the_seed_has_an_expectation() -> None:
    seeds = find_fixtures(ROOT / "seeds")
    assert seeds and all(f.expected.exists() for f in seeds)


def test_golden_fixtures_match_their_expectations() -> None:
    report = run_regress([f for f in FOLDERS if f.is_dir()])
    assert report.ok, "\n" + report.render()
