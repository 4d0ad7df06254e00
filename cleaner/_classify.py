"""The line classifier: how likely each line is to belong to the article body.

Two logistic passes over one-hot features (see `_features`): the first scores
each line alone; the second adds the neighbours' first-pass scores and the
position of the densest run of prose. Weights are trained by
bench/train_lines.py on the dev pages and shipped in data/line_model.json.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import repeat
from operator import add, attrgetter

from ._context import CONTEXT_FEATURES, context_sums, core_span
from ._features import LOCAL_FEATURES, LineInfo, local_features

MODEL_FILE = "data/line_model.json"


@dataclass(frozen=True, slots=True)
class LineModel:
    pass1: tuple[float, ...]
    pass2_local: tuple[float, ...]
    pass2_context: tuple[float, ...]
    core_threshold: float


def _weights(table: dict[str, float], names: Sequence[str]) -> tuple[float, ...]:
    unknown = set(table) - set(names)
    if unknown:
        raise ValueError(f"{MODEL_FILE} has features this code does not compute: {sorted(unknown)[:5]}")
    return tuple(float(table.get(n, 0.0)) for n in names)


@lru_cache(maxsize=1)
def model() -> LineModel:
    data = json.loads(resources.files("cleaner").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    return model_from_dict(data)


def model_from_dict(data: dict[str, object]) -> LineModel:
    p1 = data["pass1"]
    p2 = data["pass2"]
    assert isinstance(p1, dict) and isinstance(p2, dict)
    return LineModel(
        pass1=_weights(p1, LOCAL_FEATURES),
        pass2_local=_weights({k[6:]: v for k, v in p2.items() if k.startswith("local:")}, LOCAL_FEATURES),
        pass2_context=_weights({k[4:]: v for k, v in p2.items() if k.startswith("ctx:")}, CONTEXT_FEATURES),
        core_threshold=float(data["core_threshold"]),  # type: ignore[arg-type]
    )


@dataclass(frozen=True, slots=True)
class Scored:
    probability: list[float]
    infos: list[LineInfo]


def score_lines(lines: Sequence[str], language: str, m: LineModel | None = None) -> Scored:
    """P(body) for each line, with the per-line facts the later stages reuse."""
    m = m or model()
    infos = local_features(lines, language)
    actives = list(map(attrgetter("active"), infos))
    # each line's weights summed in the order of its features: sum(map(weights, active)), by map
    first = _sigmoids(map(sum, map(map, repeat(m.pass1.__getitem__), actives)))
    core = core_span(first, list(map(attrgetter("weight"), infos)), m.core_threshold)
    contexts = context_sums(first, infos, core, m.pass2_context)  # = sum(map(pass2_context, context_features))
    second = _sigmoids(map(add, map(sum, map(map, repeat(m.pass2_local.__getitem__), actives)), contexts))
    return Scored(second, infos)


def _sigmoids(xs: Iterable[float]) -> list[float]:
    """The logistic function of each of `xs` (0 below -30, which also keeps exp from overflowing), in one
    comprehension: a function call a line costs more than the sum."""
    exp = math.exp
    return [0.0 if x < -30 else 1.0 / (1.0 + exp(-x)) for x in xs]
