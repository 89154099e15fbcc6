"""Fixes on generated configs (SPEC §13): applying every fix (unsafe ones too) never makes a
file unloadable, and the values `yaml.safe_load` returns change only at the fixed keys, where
they are what each fix says."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from losscfg.diagnostics import FixMode
from losscfg.fix.remedies import expected, same
from losscfg.lint.check import Options, check_source
from losscfg.workspace.fixing import fix_text

NAMES = ["cross_entropy", "Cross_Entropy", "crossentropy", "nll", "NLL", "kl_div", "BCE", "bce"]
NAMES += ["mse", "smooth_l1", "sqr_hinge", "bce_with_logits", "CrossEntropyLoss", "focal"]
PARAMETERS = {
    "label_smoothing": ["1e-1", '"0.1"', "0.1", "null", "5e-5", "'2.5'", "!!str 0.2"],
    "ignore_index": ['"3"', "null", "0", "'-100'"],
    "weight": ["[1, 2, 3]", "[1.0, 2]", "null", "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"],
    "reduction": ["mean", "'mean'", "batchmean", "none", "null"],
    "log_target": ['"true"', "1", "null", "false"],
    "beta": ['"0.5"', "0", "1e-1"],
    "pos_weight": ["[2]", "2.0"],
    "label_smothing": ["0.1"],
    "wieght": ["[1.0]"],
    "ignor_index": ["3"],
}
COMMENTS = ["", "  # note", "   #x"]


@st.composite
def configs(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(NAMES))
    quote = draw(st.sampled_from(["", "'", '"']))
    keys = draw(st.lists(st.sampled_from(sorted(PARAMETERS)), max_size=4, unique=True))
    entries = [("name", f"{quote}{name}{quote}")]
    entries += [(key, draw(st.sampled_from(PARAMETERS[key]))) for key in keys]
    lines = []
    if draw(st.booleans()):
        lines.append(f"dataset:\n  name: {draw(st.sampled_from(['cifar10', 'cifar100', 'x']))}")
    if draw(st.booleans()):
        count = draw(st.sampled_from(["3", "10", "100"]))
        lines.append(
            f"model:\n  name: {draw(st.sampled_from(['resnet20', 'quant_cnv']))}\n"
            f"  num_classes: {count}"
        )
    if draw(st.booleans()) and all("\n" not in v for _, v in entries):
        lines.append("loss: {" + ", ".join(f"{k}: {v}" for k, v in entries) + "}")
    else:
        body = "".join(f"\n  {k}: {v}{draw(st.sampled_from(COMMENTS))}" for k, v in entries)
        lines.append("loss:" + body)
    misplaced = draw(st.sampled_from(["", "label_smoothing: 0.1", "ignore_index: 0", "beta: 1"]))
    if misplaced and misplaced.split(":")[0] not in keys:
        lines.append(misplaced + draw(st.sampled_from(COMMENTS)))
    if draw(st.booleans()):
        enabled = draw(st.sampled_from(["true", "1", "null", '"true"']))
        lines.append(f"amp:\n  enabled: {enabled}")
    draw(st.randoms()).shuffle(lines)
    line_break = draw(st.sampled_from(["\n", "\r\n"]))
    return line_break.join("\n".join(lines).split("\n")) + line_break


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_every_fix_keeps_the_file_loadable_and_changes_only_what_it_says(text: str) -> None:
    original = yaml.safe_load(text)
    final, outcome = fix_text(text, "config.yaml", Options(), FixMode(unsafe=True))
    assert yaml.safe_load(final) is not None  # it loads, as the trainer loads it
    changes = tuple(change for d in outcome.fixed if d.fix for change in d.fix.changes)
    assert same(yaml.safe_load(final), expected(original, changes))
    if not outcome.changed:
        assert final == text
    # Nothing that --fix --unsafe-fixes could fix is left behind, but a fix reverted because
    # it clashed with another one (a rename and a move to the same key).
    reverted = {(d.code, d.pointer) for d, _ in outcome.reverted}
    left = check_source(final, "config.yaml", Options()).diagnostics
    assert not [d for d in left if d.fix is not None and (d.code, d.pointer) not in reverted]
