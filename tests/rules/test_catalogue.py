"""Rules of the catalogue, LC101-LC107 and LC901 (losscfg.lint.rules.catalogue): what triggers
them, where, in which words."""

from __future__ import annotations

import pytest

from helpers import check, codes, only, position, silent, triggers
from losscfg.lint.rules import all_rules

# (config, code, (line, column, end_line, end_column), words in the message, words in the hint)
TRIGGERS = [
    pytest.param(
        """
        loss:
          name: focal
        """,
        "LC101",
        (2, 9, 2, 14),
        ["unknown loss 'focal'", "cross_entropy, nll"],
        ["losscfg losses"],
        id="LC101-unknown",
    ),
    pytest.param(
        """
        loss:
          name: crossentropy
        """,
        "LC101",
        (2, 9, 2, 21),
        ["'crossentropy'"],
        ["did you mean 'cross_entropy'?"],
        id="LC101-closest",
    ),
    pytest.param(
        """
        loss:
          name: BCEWithLogitsLoss
        """,
        "LC101",
        (2, 9, 2, 26),
        ["'BCEWithLogitsLoss'"],
        ["'bce_with_logits'"],
        id="LC101-torch-class-name",
    ),
    pytest.param(
        """
        loss:
          name: cross_entropy
          label_smothing: 0.1
        """,
        "LC102",
        (3, 3, 3, 17),
        ["'label_smothing'", "'cross_entropy'", "silently drops"],
        ["did you mean 'label_smoothing'?"],
        id="LC102-misspelt",
    ),
    pytest.param(
        """
        loss:
          name: cross_entropy
          pos_weight: [2.0]
        """,
        "LC102",
        (3, 3, 3, 13),
        ["'pos_weight' is a parameter of 'bce_with_logits'"],
        ["switch to 'bce_with_logits'"],
        id="LC102-other-loss",
    ),
    pytest.param(
        """
        loss:
          name: mse
          reduction: sum
        """,
        "LC102",
        (3, 3, 3, 12),
        ["'reduction' is a parameter of 'kl_div'", "'mse'"],
        ["remove"],
        id="LC102-reduction",
    ),
    pytest.param(
        """
        loss:
          name: sqr_hinge
          margin: 1.0
        """,
        "LC102",
        (3, 3, 3, 9),
        ["'margin'"],
        ["sqr_hinge takes no parameters"],
        id="LC102-no-parameters",
    ),
    pytest.param(
        """
        loss:
          label_smoothing: 0.1
          beta: 1.0
        """,
        "LC102",
        (3, 3, 3, 7),
        ["'beta' is a parameter of 'smooth_l1'", "the default"],
        [],
        id="LC102-default-loss",
    ),
    pytest.param(
        """
        loss:
          name: cross_entropy
          label_smoothing: 1e-1
        """,
        "LC108",
        (3, 20, 3, 24),
        ["the string '1e-1'", "PyYAML", "the trainer's float() makes it 0.1"],
        ["write 0.1 or 1.0e-1"],
        id="LC108-exponent",
    ),
    pytest.param(
        """
        loss:
          name: cross_entropy
          weight: [1.0, 5e-1]
        """,
        "LC103",
        (3, 17, 3, 21),
        ["loss.weight holds 1 entry that is not a number ('5e-1' at index 1)", "torch.tensor()"],
        ["write the numbers: [1.0, 0.5]"],
        id="LC103-exponent-in-list",
    ),
    pytest.param(
        """
        loss:
          name: cross_entropy
          label_smoothing: "0.1"
        """,
        "LC108",
        (3, 20, 3, 25),
        ["the string '0.1' (quoted)", "float() makes it 0.1"],
        ["write 0.1 without quotes"],
        id="LC108-quoted-number",
    ),
    pytest.param(
        """
        loss:
          weight: [!!str 1.0]
        """,
        "LC103",
        (2, 12, 2, 21),
        ["loss.weight holds 1 entry that is not a number ('1.0' at index 0)"],
        ["write the numbers: [1.0]"],
        id="LC103-tagged-number",
    ),
    pytest.param(
        """
        amp:
          enabled: !!str true
        """,
        "LC108",
        (2, 12, 2, 22),
        ["amp.enabled", "boolean", "truthiness"],
        ["write enabled: true without the tag !!str"],
        id="LC108-tagged-boolean",
    ),
    pytest.param(
        """
        model:
          num_classes: 10.0
        """,
        "LC103",
        (2, 16, 2, 20),
        ["model.num_classes is 10.0, a float", "torch refuses a layer size"],
        ["write 10"],
        id="LC103-num-classes-float",
    ),
    pytest.param(
        """
        dataset:
          name: faces
          num_classes: 1.0e+1
        """,
        "LC103",
        (3, 16, 3, 22),
        ["dataset.num_classes is 10.0, a float", "the trainer never reads dataset.num_classes"],
        ["write 10"],
        id="LC103-dataset-num-classes-float",
    ),
    pytest.param(
        """
        loss:
          name: nll
          ignore_index: 1e2
        """,
        "LC103",
        (3, 17, 3, 20),
        ["loss.ignore_index is the string '1e2', not a number"],
        ["write 100"],
        id="LC103-exponent-for-integer",
    ),
    pytest.param(
        """
        loss:
          name: kl_div
          log_target: "false"
        """,
        "LC103",
        (3, 15, 3, 22),
        ["loss.log_target", "boolean"],
        ["bool('false') is True"],
        id="LC103-quoted-boolean",
    ),
    pytest.param(
        """
        loss:
          name: nll
          ignore_index: 3.7
        """,
        "LC103",
        (3, 17, 3, 20),
        ["3.7", "an integer"],
        ["make it 3"],
        id="LC103-float-index",
    ),
    pytest.param(
        """
        loss:
          name: cross_entropy
          weight: 2.0
        """,
        "LC103",
        (3, 11, 3, 14),
        ["loss.weight is 2.0", "a list of numbers >= 0"],
        ["write a list of numbers, one per class, such as weight: [1.0, 1.0]"],
        id="LC103-scalar-for-list",
    ),
    pytest.param(
        """
        loss:
          name: 5
        """,
        "LC103",
        (2, 9, 2, 10),
        ["loss.name is 5", "one of"],
        ["as text", "name: cross_entropy"],
        id="LC103-name-not-string",
    ),
    pytest.param(
        """
        amp:
          enabled: "true"
        """,
        "LC108",
        (2, 12, 2, 18),
        ["amp.enabled", "truthiness"],
        ["write enabled: true without quotes"],
        id="LC108-amp-enabled-string",
    ),
    pytest.param(
        """
        loss:
          name: cross_entropy
          label_smoothing: 1.5
        """,
        "LC104",
        (3, 20, 3, 23),
        ["1.5", "a number in [0, 1]"],
        ["[0, 1]"],
        id="LC104-label-smoothing",
    ),
    pytest.param(
        """
        loss:
          name: cross_entropy
          label_smoothing: -0.1
        """,
        "LC104",
        (3, 20, 3, 24),
        ["-0.1"],
        [],
        id="LC104-negative-smoothing",
    ),
    pytest.param(
        """
        loss:
          name: smooth_l1
          beta: -1.0
        """,
        "LC104",
        (3, 9, 3, 13),
        ["loss.beta is -1.0", ">= 0"],
        [],
        id="LC104-beta",
    ),
    pytest.param(
        """
        loss:
          name: nll
          weight: [1.0, -2.0]
        """,
        "LC104",
        (3, 17, 3, 21),
        ["loss.weight[1] is -2.0"],
        [],
        id="LC104-negative-weight",
    ),
    pytest.param(
        """
        loss:
          name: nll
          weight: [1.0, .nan]
        """,
        "LC104",
        (3, 17, 3, 21),
        ["loss.weight[1] is .nan", "finite"],
        ["finite"],
        id="LC104-nan-weight",
    ),
    pytest.param(
        """
        loss:
          name: smooth_l1
          beta: .inf
        """,
        "LC104",
        (3, 9, 3, 13),
        [".inf", "finite"],
        [],
        id="LC104-infinite-beta",
    ),
    pytest.param(
        """
        loss:
          name: bce_with_logits
          pos_weight: [0.0]
        """,
        "LC104",
        (3, 16, 3, 19),
        ["loss.pos_weight[0] is 0.0", "> 0"],
        [],
        id="LC104-zero-pos-weight",
    ),
    pytest.param(
        """
        model:
          num_classes: 0
        """,
        "LC104",
        (2, 16, 2, 17),
        ["model.num_classes is 0", "an integer >= 1"],
        [],
        id="LC104-num-classes",
    ),
    pytest.param(
        """
        loss:
          name: kl_div
          reduction: avg
        """,
        "LC105",
        (3, 14, 3, 17),
        ["'avg'", "batchmean, sum, mean, none"],
        ["batchmean"],
        id="LC105-reduction",
    ),
    pytest.param(
        """
        loss:
          name: kl_div
          reduction: batchmaen
        """,
        "LC105",
        (3, 14, 3, 23),
        ["'batchmaen'"],
        ["did you mean 'batchmean'?"],
        id="LC105-closest",
    ),
    pytest.param(
        """
        loss:
          name: cross_entropy
          ignore_index: null
        """,
        "LC106",
        (3, 3, 3, 15),
        ["loss.ignore_index is null"],
        ["omit ignore_index", "-100"],
        id="LC106-ignore-index",
    ),
    pytest.param(
        """
        loss:
          name: cross_entropy
          label_smoothing:
        """,
        "LC106",
        (3, 3, 3, 18),
        ["loss.label_smoothing is null"],
        ["default (0.0)"],
        id="LC106-empty-value",
    ),
    pytest.param(
        """
        loss:
          name: ~
        """,
        "LC106",
        (2, 3, 2, 7),
        ["loss.name is null"],
        ["cross_entropy"],
        id="LC106-name",
    ),
    pytest.param(
        """
        loss:
          name: Cross_Entropy
        """,
        "LC107",
        (2, 9, 2, 22),
        ["'Cross_Entropy'", "lower-cases"],
        ["name: cross_entropy"],
        id="LC107",
    ),
]


@pytest.mark.parametrize(("config", "code", "where", "message", "hint"), TRIGGERS)
def test_rule_triggers(
    config: str, code: str, where: tuple[int, int, int, int], message: list[str], hint: list[str]
) -> None:
    triggers(config, code, where, message, hint)


#: The rules of loading and of the catalogue, which the near misses below keep silent.
SCHEMA_CODES = [r.code for r in all_rules() if r.code.startswith(("LC0", "LC1"))]

NEAR_MISSES = [
    pytest.param("loss:\n  name: cross_entropy\n  label_smoothing: 0.1\n", id="smoothing-0.1"),
    pytest.param("loss:\n  name: cross_entropy\n  label_smoothing: 1.0e-1\n", id="signed-exp"),
    pytest.param("loss:\n  name: cross_entropy\n  label_smoothing: 0\n", id="smoothing-int-0"),
    pytest.param("loss:\n  name: nll\n  ignore_index: -100\n", id="ignore-default"),
    pytest.param("loss:\n  name: nll\n  ignore_index: 2.0\n", id="ignore-whole-float"),
    pytest.param("loss:\n  name: kl_div\n  log_target: yes\n", id="log-target-yes-is-bool"),
    pytest.param("loss:\n  name: kl_div\n  reduction: batchmean\n", id="batchmean"),
    pytest.param("loss:\n  name: smooth_l1\n  beta: 2\n", id="beta-int"),
    pytest.param("loss:\n  name: bce_with_logits\n  pos_weight: [2, 3]\n", id="pos-weight-ints"),
    pytest.param("loss:\n  name: sqr_hinge\n", id="sqr-hinge"),
    pytest.param("loss:\n  name: mse\nmodel:\n  name: x\n  anything: [1]\n", id="model-extra"),
    pytest.param("dataset:\n  name: cifar10\n  download: true\nseed: {x: 1}\n", id="others"),
    pytest.param("model:\n  num_classes: 10\namp:\n  enabled: false\n", id="sections"),
    pytest.param("loss:\n  name: 'nll'\n", id="quoted-name"),
]


@pytest.mark.parametrize("config", NEAR_MISSES)
def test_near_misses_stay_silent(config: str) -> None:
    found = [d for d in silent(config, *SCHEMA_CODES) if d.code.startswith(("LC0", "LC1"))]
    assert found == []


PER_ENTRY = [
    pytest.param(
        """
        loss:
          name: nll
          weight:
            - 1.0
            - 5e-1
            - 1.0
            - 2.0
        """,
        "LC103",
        (5, 7, 5, 11),
        "/loss/weight/1",
        id="LC103-block",
    ),
    pytest.param(
        """
        loss:
          name: nll
          weight: [1.0, 1.0, "2", 5e-1]
        """,
        "LC103",
        (3, 22, 3, 25),
        "/loss/weight/2",
        id="LC103-flow-first-of-two",
    ),
    pytest.param(
        """
        loss:
          name: bce_with_logits
          pos_weight:
          - 2.0
          - true
        """,
        "LC103",
        (5, 5, 5, 9),
        "/loss/pos_weight/1",
        id="LC103-block-no-indent",
    ),
    pytest.param(
        """
        loss:
          name: cross_entropy
          weight:
            - 1.0
            - -2.0
        """,
        "LC104",
        (5, 7, 5, 11),
        "/loss/weight/1",
        id="LC104-block",
    ),
    pytest.param(
        """
        loss:
          name: cross_entropy
          weight: [1.0, 1.0, .nan]
        """,
        "LC104",
        (3, 22, 3, 26),
        "/loss/weight/2",
        id="LC104-flow",
    ),
]


@pytest.mark.parametrize(("config", "code", "where", "pointer"), PER_ENTRY)
def test_a_bad_entry_is_reported_at_the_entry(
    config: str, code: str, where: tuple[int, int, int, int], pointer: str
) -> None:
    d = only(config, code)
    assert (position(d), d.pointer) == (where, pointer)


def test_one_diagnostic_per_problem() -> None:
    found = check("loss:\n  name: 5\n")
    assert [d.code for d in found] == ["LC103"]
    found = check("loss:\n  name: cross_entropy\n  label_smoothing: .nan\n")
    assert [d.code for d in found] == ["LC104"]


def test_a_wrong_type_is_not_reported_again_inside() -> None:
    assert codes("loss:\n  name: nll\n  weight: 'ab'\n") == ["LC211", "LC103"]


def test_unknown_loss_skips_parameter_checks() -> None:
    assert codes("loss:\n  name: focal\n  gamma: 2.0\n") == ["LC101"]


def test_every_unknown_key_is_reported() -> None:
    found = [d for d in check("loss:\n  name: l1\n  a: 1\n  b: 2\n") if d.code == "LC102"]
    assert [d.pointer for d in found] == ["/loss/a", "/loss/b"]


def test_boolean_key_is_explained() -> None:
    d = only("loss:\n  name: nll\n  on: 1\n", "LC102")
    assert d.pointer == "/loss/on" and "'on'" in d.message
    assert d.hint and "true" in d.hint and "quote" in d.hint


@pytest.mark.parametrize(
    ("config", "message", "where"),
    [
        ("model:\n  name: resnet20\n", "no loss section: the trainer uses cross_entropy", None),
        ("loss:\n  label_smoothing: 0.1\n", "loss has no name", (1, 1, 1, 5)),
    ],
)
def test_default_loss_info(config: str, message: str, where: tuple[int, ...] | None) -> None:
    d = only(config, "LC901")
    assert d.severity == "info" and message in d.message
    assert d.hint and "name: cross_entropy" in d.hint
    assert (position(d) if where else d.line) == (where or None)


@pytest.mark.parametrize("config", ["", "# a comment only\n", "---\n", "~\n"])
def test_an_empty_file_is_not_a_config(config: str) -> None:
    assert codes(config) == ["LC003"]  # yaml.safe_load gives None: the trainer fails on it


def test_default_loss_is_silent_with_a_name() -> None:
    silent("loss:\n  name: cross_entropy\n", "LC901")
    assert codes("- a list\n") == ["LC003"]  # checked, and no LC901


def test_an_integer_field_is_offered_only_the_integer() -> None:
    d = only("loss:\n  name: nll\n  ignore_index: 1e2\n", "LC103")
    assert d.hint == "write 100"


@pytest.mark.parametrize(
    ("config", "hint"),
    [
        ("loss:\n  label_smoothing: true\n", "write a single number, such as label_smoothing: 0.0"),
        ("loss:\n  weight: {a: 1}\n", "write a list of numbers, such as weight: [1.0, 2.0]"),
        ("model: {name: [a]}\n", "write name as text"),
        ("amp: {enabled: 2}\n", "write enabled: true or enabled: false"),
        ("loss:\n  name: smooth_l1\n  beta: [1]\n", "write a single number, such as beta: 1.0"),
        ("loss:\n  weight: [[1.0]]\n", "write every entry as a number, such as 1.0"),
    ],
)
def test_a_wrong_type_says_how_to_write_the_value(config: str, hint: str) -> None:
    assert only(config, "LC103").hint == hint


@pytest.mark.parametrize(
    ("config", "code", "severity"),
    [
        ("loss:\n  name: focal\n", "LC101", "error"),
        ("loss:\n  name: nll\n  gamma: 2.0\n", "LC102", "error"),
        ("loss:\n  name: smooth_l1\n  beta: one\n", "LC103", "error"),
        ("loss:\n  name: smooth_l1\n  beta: -1\n", "LC104", "error"),
        ("loss:\n  name: kl_div\n  reduction: avg\n", "LC105", "error"),
        ("loss:\n  name: nll\n  ignore_index: ~\n", "LC106", "error"),
        ("loss:\n  name: NLL\n", "LC107", "warning"),
        ("model:\n  name: resnet20\n", "LC901", "info"),
    ],
)
def test_severity(config: str, code: str, severity: str) -> None:
    assert only(config, code).severity == severity


@pytest.mark.parametrize(
    ("config", "code"),
    [
        pytest.param("loss:\n  name: NLL\n", "LC101", id="LC101-other-case"),
        pytest.param("loss:\n  name: nll\n  weight: [1.0]\n", "LC102", id="LC102-taken"),
        pytest.param(
            "loss:\n  name: nll\n  ignore_index: !!int '7'\n", "LC103", id="LC103-int-tag"
        ),
        pytest.param(
            "loss:\n  name: cross_entropy\n  label_smoothing: 1\n", "LC104", id="LC104-edge"
        ),
        pytest.param("loss:\n  name: kl_div\n  reduction: none\n", "LC105", id="LC105-none"),
        pytest.param("loss:\n  name: nll\n  ignore_index: 0\n", "LC106", id="LC106-zero"),
        pytest.param("loss:\n  name: cross_entropy\n", "LC107", id="LC107-canonical"),
        pytest.param("loss:\n  name: nll\n", "LC901", id="LC901-named"),
    ],
)
def test_rule_stays_silent_on_a_valid_value(config: str, code: str) -> None:
    silent(config, code)


@pytest.mark.parametrize(
    ("config", "where", "hint"),
    [
        (
            "loss:\n  name: cross_entropy\nlabel_smoothing: 0.1\n",
            (3, 1, 3, 16),
            "move it under loss: (indent it like name:), where cross_entropy takes it",
        ),
        (
            "loss:\n  name: nll\nbeta: 0.5\n",
            (3, 1, 3, 5),
            "move it under loss:, where 'smooth_l1' takes it (the configured loss, nll, does not)",
        ),
        (
            "model:\n  name: resnet20\nweight: [1.0, 2.0]\n",
            (3, 1, 3, 7),
            "move it under loss: (indent it like name:), where cross_entropy takes it",
        ),
    ],
)
def test_misplaced_parameter(config: str, where: tuple[int, int, int, int], hint: str) -> None:
    d = only(config, "LC109")
    assert (d.severity, position(d), d.hint) == ("warning", where, hint)
    assert "is a loss parameter written at the top level" in d.message
    assert "ignores it" in d.message


@pytest.mark.parametrize(
    "config",
    [
        "loss:\n  name: cross_entropy\n  label_smoothing: 0.1\n",
        "loss:\n  name: cross_entropy\nname: my_run\nseed: 3\n",
    ],
)
def test_misplaced_parameter_near_misses(config: str) -> None:
    silent(config, "LC109")


@pytest.mark.parametrize(
    ("value", "words", "hint"),
    [
        ("1e-1", "PyYAML (YAML 1.1) reads exponent notation", "write 0.1 or 1.0e-1"),
        ('"0.1"', "the string '0.1' (quoted)", "write 0.1 without quotes"),
        ("!!str 0.1", "(tagged !!str)", "write 0.1 without the tag !!str"),
        ("1E-2", "the trainer's float() makes it 0.01", "write 0.01 or 1.0e-2"),
        ("5e0", "makes it 5.0", "write 5.0 or 5.0e+0"),
    ],
)
def test_coerced_string(value: str, words: str, hint: str) -> None:
    d = only(f"loss:\n  name: smooth_l1\n  beta: {value}\n", "LC108")
    assert d.severity == "warning" and words in d.message and d.hint == hint
    assert d.pointer == "/loss/beta"


@pytest.mark.parametrize(
    "config",
    [
        "loss:\n  name: smooth_l1\n  beta: 1.0e-3\n",
        "loss:\n  name: cross_entropy\n  ignore_index: 5\n",
        "loss:\n  name: kl_div\n  log_target: true\n",
        "amp:\n  enabled: false\n",
    ],
)
def test_coerced_string_near_misses(config: str) -> None:
    silent(config, "LC108")
