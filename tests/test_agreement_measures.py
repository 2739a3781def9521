"""The statistics against references: scikit-learn, statsmodels, and published worked examples."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from annotator.agreement.measures import (
    PRF,
    LabelledF1,
    Score,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    mean_score,
)

# Fleiss (1971) as reproduced in Wikipedia's "Fleiss' kappa" worked example: 10 subjects,
# 14 raters, 5 categories; P-bar = 0.378, P-bar-e = 0.213, kappa = 0.210.
FLEISS_EXAMPLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: nominal data,
# 4 observers x 12 units with missing values (None); alpha = 0.743.
_ = None
KRIPPENDORFF_C = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    "C": [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
}
# Example A of the same paper: 2 observers, binary data, 10 units; alpha = 0.095.
KRIPPENDORFF_A = ([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0])


def units(coders: dict | tuple) -> list[tuple]:
    columns = coders.values() if isinstance(coders, dict) else coders
    return list(zip(*columns, strict=True))


def test_fleiss_1971_worked_example():
    assert fleiss_kappa(FLEISS_EXAMPLE).value == pytest.approx(0.210, abs=5e-4)
    assert fleiss_kappa(FLEISS_EXAMPLE).value == pytest.approx(statsmodels_fleiss(FLEISS_EXAMPLE))


def test_krippendorff_nominal_with_missing_values():
    assert round(krippendorff_alpha(units(KRIPPENDORFF_C)).value, 3) == 0.743


def test_krippendorff_binary_two_coders():
    assert round(krippendorff_alpha(units(KRIPPENDORFF_A)).value, 3) == 0.095


def test_krippendorff_ignores_units_coded_once():
    with_lonely_unit = units(KRIPPENDORFF_C) + [(7, None, None, None)]
    assert krippendorff_alpha(with_lonely_unit) == krippendorff_alpha(units(KRIPPENDORFF_C))


def test_weighted_fleiss_equals_repeated_rows():
    rows = [[3, 0, 0], [1, 2, 0], [0, 1, 2]]
    repeated = [rows[0]] * 5 + [rows[1]] * 2 + [rows[2]]
    assert fleiss_kappa(rows, [5, 2, 1]).value == pytest.approx(statsmodels_fleiss(repeated))


@pytest.mark.parametrize("seed", range(8))
def test_cohen_matches_scikit_learn(seed):
    rng = random.Random(seed)
    labels = ["O", "PERSON", "GPE", "ORG"][: rng.randint(2, 4)]
    a = [rng.choice(labels) for _ in range(200)]
    b = [x if rng.random() < 0.7 else rng.choice(labels) for x in a]
    assert cohen_kappa(a, b).value == pytest.approx(cohen_kappa_score(a, b))


@pytest.mark.parametrize("seed", range(5))
def test_fleiss_matches_statsmodels(seed):
    rng = random.Random(seed)
    table = []
    for _ in range(40):
        row = [0, 0, 0, 0]
        for _ in range(3):
            row[rng.choice((0, 0, 1, 2, 3))] += 1
        table.append(row)
    assert fleiss_kappa(table).value == pytest.approx(statsmodels_fleiss(table))


def test_kappa_undefined_where_references_give_nan():
    a = b = ["O"] * 10
    with pytest.warns(UserWarning):
        assert math.isnan(cohen_kappa_score(a, b))
    score = cohen_kappa(a, b)
    assert score.value is None and score.reason.startswith("not defined")
    assert fleiss_kappa([[3, 0]] * 4).value is None
    assert cohen_kappa([], []).value is None


def test_kappa_perfect_and_single_rater_cases():
    assert cohen_kappa(["O", "GPE", "O"], ["O", "GPE", "O"]).value == 1.0
    assert fleiss_kappa([[1, 0], [0, 1]]).reason == "not defined: needs at least two annotators"
    with pytest.raises(ValueError):
        fleiss_kappa([[2, 0], [1, 0]])


def test_alpha_degenerate_cases():
    assert krippendorff_alpha([("x", "x"), ("x", "x")]).value is None  # one value only
    assert krippendorff_alpha([("x", None), (None, "y")]).value is None  # nothing pairable
    assert krippendorff_alpha([]).value is None
    assert krippendorff_alpha([("x", "x"), ("y", "y")]).value == 1.0


def test_f1_conventions():
    assert PRF(0, 0, 0).f1.value is None  # neither side marked anything
    assert PRF(0, 0, 0).f1.reason == "not defined: neither annotator marked any"
    one_sided = PRF(0, 3, 0)
    assert one_sided.f1.value == 0.0 and one_sided.recall.value is None
    assert one_sided.precision.value == 0.0
    counts = LabelledF1({"GPE": PRF(2, 0, 0), "ORG": PRF(0, 1, 1)})
    assert counts.micro.value == pytest.approx(4 / 6)
    assert counts.macro.value == pytest.approx(0.5)
    assert LabelledF1({}).macro.value is None


def test_mean_score_skips_undefined():
    assert mean_score([PRF(1, 0, 0).f1.value, PRF(0, 0, 0).f1.value], "F1").value == 1.0
    assert mean_score([None], "F1") == Score(None, "not defined: no F1 defined")


labels = st.sampled_from(["O", "A", "B", "C"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(labels, labels), min_size=1, max_size=40))
def test_kappa_is_symmetric_and_bounded(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    forward, backward = cohen_kappa(a, b), cohen_kappa(b, a)
    assert forward.value == backward.value or (forward.value is None and backward.value is None)
    if forward.defined:
        assert -1.0 <= forward.value <= 1.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(labels, min_size=1, max_size=1), min_size=2, max_size=30),
       st.integers(2, 4))
def test_alpha_is_one_on_identical_codings(values, coders):
    table = [tuple(v[0] for _ in range(coders)) for v in values]
    alpha = krippendorff_alpha(table)
    if len({t[0] for t in table}) > 1:
        assert alpha.value == pytest.approx(1.0)
    else:
        assert alpha.value is None


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(labels, labels), min_size=2, max_size=40))
def test_two_coder_alpha_is_corrected_scott_pi(pairs):
    """With two coders and no missing data, alpha = 1 - (n-1)/n (1 - pi) (Krippendorff 2011)."""
    alpha = krippendorff_alpha(pairs)
    n = 2 * len(pairs)
    marg: dict = {}
    for x, y in pairs:
        marg[x] = marg.get(x, 0) + 1
        marg[y] = marg.get(y, 0) + 1
    pe = sum((c / n) ** 2 for c in marg.values())
    if pe == 1:
        assert alpha.value is None
        return
    po = sum(x == y for x, y in pairs) / len(pairs)
    pi = (po - pe) / (1 - pe)
    assert alpha.value == pytest.approx(1 - (n - 1) / n * (1 - pi), abs=1e-9)
