"""`losscfg schema`: the schema for editors (yaml-language-server) and other validators.

It is draft-07 unless asked otherwise, holds only keywords that yaml-language-server reads,
describes every loss name, completes values that losscfg accepts as the editor writes them, and
gives the verdicts of the schema file on the data as the trainer reads it (the loss name in any
case, as the trainer lower-cases it).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml as pyyaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import EXAMPLES, ROOT
from losscfg.catalogue.schema import (
    DIALECTS,
    DRAFT_7,
    DRAFT_2020_12,
    EDITOR_KEYWORDS,
    catalogue,
    exported,
    schema,
)
from losscfg.lint.check import _as_trained, check_text

DRAFT_07_KEYWORDS = frozenset(jsonschema.Draft7Validator.META_SCHEMA["properties"])
#: Keywords of drafts 2019-09 and 2020-12 that yaml-language-server before 1.20.0 ignores.
NEWER_KEYWORDS = frozenset(
    {
        "$defs",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "$recursiveRef",
        "$recursiveAnchor",
        "$vocabulary",
        "prefixItems",
        "unevaluatedItems",
        "unevaluatedProperties",
        "dependentSchemas",
        "dependentRequired",
        "minContains",
        "maxContains",
    }
)
EXPORT = exported()
NAMES = list(catalogue().losses)


def schemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema in a draft-07 schema, with its JSON pointer (boolean schemas aside)."""
    if not isinstance(node, dict):
        return
    yield where, node
    for keyword in ("items", "additionalItems", "additionalProperties", "contains", "not"):
        yield from schemas(node.get(keyword), f"{where}/{keyword}")
    for keyword in ("propertyNames", "if", "then", "else"):
        yield from schemas(node.get(keyword), f"{where}/{keyword}")
    for keyword in ("allOf", "anyOf", "oneOf", "items"):
        if isinstance(node.get(keyword), list):
            for index, item in enumerate(node[keyword]):
                yield from schemas(item, f"{where}/{keyword}/{index}")
    for keyword in ("properties", "patternProperties", "definitions", "dependencies"):
        if isinstance(node.get(keyword), dict):
            for key, item in node[keyword].items():
                yield from schemas(item, f"{where}/{keyword}/{key}")


def resolved(node: Any, root: dict[str, Any] = EXPORT) -> Any:
    """A schema with its `$ref` followed, as yaml-language-server merges it."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


# The export is a draft-07 schema that yaml-language-server reads whole.


def test_the_export_is_a_draft_07_schema() -> None:
    assert EXPORT["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(EXPORT)
    assert jsonschema.validators.validator_for(EXPORT) is jsonschema.Draft7Validator


def test_the_2020_12_export_is_a_2020_12_schema() -> None:
    later = exported(DRAFT_2020_12)
    assert later["$schema"] == DIALECTS[DRAFT_2020_12]
    jsonschema.Draft202012Validator.check_schema(later)
    assert set(later) - {"$defs"} == set(EXPORT) - {"definitions"}
    assert json.dumps(later["$defs"]).replace("#/$defs/", "#/definitions/") == json.dumps(
        EXPORT["definitions"]
    )


def test_the_export_holds_only_keywords_that_yaml_language_server_reads() -> None:
    unread = {
        f"{where}/{keyword}"
        for where, node in schemas(EXPORT)
        for keyword in node
        if keyword not in DRAFT_07_KEYWORDS | EDITOR_KEYWORDS
    }
    assert unread == set()
    assert not NEWER_KEYWORDS & DRAFT_07_KEYWORDS
    text = json.dumps(EXPORT)
    assert all(f'"{keyword}"' not in text for keyword in NEWER_KEYWORDS)
    assert not re.search(r'"x-[a-z0-9-]+":', text) and "$id" not in EXPORT


def test_every_reference_resolves_and_has_no_sibling_that_draft_07_would_ignore() -> None:
    references = [node for _, node in schemas(EXPORT) if "$ref" in node]
    assert references
    for node in references:
        assert set(node) == {"$ref"} and node["$ref"].startswith("#/definitions/")
        assert isinstance(resolved(node), dict)


def as_draft_07(document: dict[str, Any]) -> dict[str, Any]:
    """The schema file with `definitions` for `$defs`, as yaml-language-server resolves it."""
    text = json.dumps(document).replace('"$defs"', '"definitions"')
    return dict(json.loads(text.replace('"#/$defs/', '"#/definitions/')))


def test_every_schema_of_the_file_is_in_the_export() -> None:
    """Only annotations change, and how the loss name is matched: no schema is dropped."""
    source = {where for where, _ in schemas(as_draft_07(schema()))}
    assert source <= {where for where, _ in schemas(EXPORT)}


# Loss names: each described, matched in any case.


def loss_name() -> dict[str, Any]:
    return dict(EXPORT["definitions"]["loss"]["properties"]["name"])


def test_every_loss_name_has_a_description() -> None:
    choice, _ = loss_name()["anyOf"]
    assert choice["enum"] == NAMES
    for index, name in enumerate(NAMES):
        loss = catalogue().losses[name]
        for descriptions in (choice["enumDescriptions"], choice["markdownEnumDescriptions"]):
            assert loss.title in descriptions[index] and loss.torch_class in descriptions[index]
            assert loss.description in descriptions[index]


def test_every_description_is_given_as_markdown_too() -> None:
    described = [node for _, node in schemas(EXPORT) if "description" in node]
    assert len(described) > 20
    assert all(node["markdownDescription"] == node["description"] for node in described)


@pytest.mark.parametrize(
    "written",
    ["Cross_Entropy", "NLL", "Kl_Div", "\u212al_div", "BCE_with_LOGITS", "sqr_hinge", "l1"],
)
def test_a_loss_name_in_any_case_is_accepted_and_keeps_its_parameters(written: str) -> None:
    validator = jsonschema.Draft7Validator(EXPORT)
    assert list(validator.iter_errors({"loss": {"name": written}})) == []
    wrong = {"loss": {"name": written, "label_smothing": 0.1}}
    assert [tuple(e.absolute_path) for e in validator.iter_errors(wrong)] == [("loss",)]


@pytest.mark.parametrize("written", ["focal", "cross-entropy", "nll\n", " nll", "nl", 5, None])
def test_a_name_that_is_no_loss_in_any_case_is_refused(written: Any) -> None:
    errors = list(jsonschema.Draft7Validator(EXPORT).iter_errors({"loss": {"name": written}}))
    assert errors and {tuple(e.absolute_path) for e in errors} == {("loss", "name")}


def test_only_the_kelvin_sign_lowers_to_a_letter_that_it_is_no_case_of() -> None:
    from losscfg.catalogue.schema import _ALSO_LOWERED_TO

    found: dict[str, str] = {}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        lowered = char.lower()
        if re.fullmatch(r"[a-z0-9_]", lowered) and char not in (lowered, lowered.upper()):
            found[lowered] = found.get(lowered, "") + char
    assert found == _ALSO_LOWERED_TO == {"k": "\u212a"}


# The export's verdict is the schema file's verdict on the data as the trainer reads it.


def verdict(validator: Any, instance: Any) -> list[tuple[tuple[Any, ...], str]]:
    """Where the schema finds a problem and with which keyword (an unknown loss name is a
    failed `enum` in the file and a failed `anyOf` in the export)."""
    found = []
    for error in validator.iter_errors(instance):
        path = tuple(error.absolute_path)
        keyword = "name" if path == ("loss", "name") and error.validator != "type" else ""
        found.append((path, keyword or str(error.validator)))
    return sorted(found, key=repr)


SOURCE_VALIDATOR = jsonschema.Draft202012Validator(schema())
EXPORT_VALIDATORS = [
    jsonschema.Draft7Validator(EXPORT),
    jsonschema.Draft202012Validator(exported(DRAFT_2020_12)),
]


def agrees(instance: Any) -> None:
    expected = verdict(SOURCE_VALIDATOR, _as_trained(instance))
    for validator in EXPORT_VALIDATORS:
        assert verdict(validator, instance) == expected, instance


INSTANCES = [
    {"loss": {"name": "nll", "weight": [1.0, -1]}, "model": {"num_classes": 0}},
    {"loss": {"label_smoothing": 2, "pos_weight": [1]}, "amp": {"enabled": "yes"}},
    {"loss": {"name": "kl_div", "reduction": "avg"}, "dataset": [1, 2]},
    {"loss": {"name": "KL_Div", "reduction": "avg", "log_target": "no"}},
    {"loss": {"name": "Cross_Entropy", "label_smoothing": "0.1", "weight": [1, "a"]}},
    {"loss": {"name": "\u212al_div", "beta": 1.0}},
    {"loss": {"name": "nll\n", "beta": 1.0}},
    {"loss": {"name": 5, "beta": 1.0}},
    {"loss": {"name": None, "gamma": 1.0}},
    {"loss": "cross_entropy", "other": {"anything": 1}},
    {"loss": {"name": "focal", "gamma": 2}},
    {"loss": {"name": "BCE_with_logits", "pos_weight": 0}},
    {"loss": {"name": "Smooth_L1", "beta": -1, "weight": [1.0]}},
]


@pytest.mark.parametrize("instance", INSTANCES, ids=lambda i: json.dumps(i)[:40])
def test_the_export_gives_the_verdict_of_the_file_on_the_data_as_trained(instance: Any) -> None:
    agrees(instance)


@pytest.mark.parametrize(
    "example", sorted(EXAMPLES.rglob("*.yaml")), ids=lambda p: p.relative_to(EXAMPLES).as_posix()
)
def test_the_examples_get_the_verdict_of_the_file(example: Path) -> None:
    agrees(pyyaml.safe_load(example.read_text(encoding="utf-8")))


PARAMETERS = sorted({p for loss in catalogue().losses.values() for p in loss.parameters})
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-200, 200),
    st.floats(-3, 3),
    st.sampled_from(["batchmean", "sum", "mean", "none", "1e-1", "true", "", "x"]),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=4),
    st.dictionaries(st.text(max_size=3), SCALARS, max_size=2),
)


@st.composite
def any_case(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(NAMES))
    flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    written = "".join(c.upper() if flip else c for c, flip in zip(name, flips, strict=True))
    return written.replace("k", "\u212a") if draw(st.booleans()) else written


LOSS_NAMES = st.one_of(any_case(), st.text(max_size=12), SCALARS)
LOSSES = st.builds(
    lambda parameters, name: {**parameters, **name},
    st.dictionaries(st.sampled_from([*PARAMETERS, "label_smothing", "gamma"]), VALUES, max_size=3),
    st.one_of(st.just({}), st.builds(lambda n: {"name": n}, LOSS_NAMES)),
)
SECTIONS = st.dictionaries(st.sampled_from(["name", "num_classes", "enabled"]), VALUES, max_size=2)
CONFIGS = st.fixed_dictionaries(
    {},
    optional={
        "loss": st.one_of(LOSSES, SCALARS),
        "model": SECTIONS,
        "dataset": SECTIONS,
        "amp": SECTIONS,
        "trainer": VALUES,
    },
)


@settings(max_examples=400, deadline=None)
@given(CONFIGS)
def test_the_export_agrees_with_the_file_on_any_config(instance: dict[str, Any]) -> None:
    agrees(instance)


# Completion: what yaml-language-server writes from the export, losscfg accepts. The functions
# below follow yaml-language-server's yamlCompletion.ts (getInsertTextForProperty,
# getInsertTextForArray, addDefaultValueCompletions, collectDefaultSnippets); what they give was
# compared with yaml-language-server 1.24.0, 1.25.0 and 2.0.0 themselves. Before 1.24.0 a list's
# key completion writes `- 0` for any list of numbers, whatever the schema says; the value
# completions below are offered by 1.19.2 too.


def js_text(value: Any, kind: Any) -> str:
    """The text yaml-language-server writes for a value of the schema (JavaScript prints the
    number 1.0 as 1; a string default of a number schema is written as it is)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str) and kind not in ("number", "integer"):
        return value if pyyaml.safe_load(value) == value else json.dumps(value)
    return str(value)


def first_type(node: dict[str, Any]) -> Any:
    kind = node.get("type")
    return kind[0] if isinstance(kind, list) else kind


def new_entry(items: dict[str, Any]) -> str:
    """yaml-language-server's getInsertTextForArray: a new list entry."""
    if "default" in items:
        return js_text(items["default"], first_type(items))
    return {"boolean": "false", "number": "0", "integer": "0"}.get(first_type(items), "")


def snippet_text(body_text: str) -> str:
    """A snippet as inserted, each placeholder left at its default."""
    return re.sub(r"\$\{\d+:([^}]*)\}|\$\{\d+\}|\$\d+", r"\1", body_text)


def key_completion(key: str, prop: dict[str, Any]) -> str:
    """What yaml-language-server's getInsertTextForProperty writes when a key is completed."""
    if "items" in prop:  # a list: written from its entries' default, whatever else it has
        assert not isinstance(prop.get("default"), list)
        return f"{key}:\n  - {new_entry(prop['items'])}"
    value, proposals = None, 0
    for snippet in prop.get("defaultSnippets", []):
        assert "body" not in snippet, "a body snippet is written as a key's value: test it"
        proposals += 1
    if "enum" in prop:
        proposals += len(prop["enum"])
        value = js_text(prop["enum"][0], first_type(prop)) if len(prop["enum"]) == 1 else None
    if "default" in prop:
        value = value or js_text(prop["default"], first_type(prop))
        proposals += 1
    if prop.get("examples"):
        value = value or js_text(prop["examples"][0], first_type(prop))
        proposals += len(prop["examples"])
    if proposals == 0:
        value = {"number": "0", "integer": "0"}.get(first_type(prop), "")
    return f"{key}: {value if value is not None and proposals <= 1 else ''}".rstrip()


def value_completions(key: str, prop: dict[str, Any]) -> Iterator[str]:
    """What yaml-language-server offers after `key: ` besides the enum's values: the default,
    the examples and the snippets, else its entries' (addDefaultValueCompletions)."""
    kind = first_type(prop)
    if "default" in prop:
        yield f"{key}: {js_text(prop['default'], kind)}"
    for example in prop.get("examples", []):
        yield f"{key}: {js_text(example, kind)}"
    for snippet in prop.get("defaultSnippets", []):
        yield f"{key}: {snippet_text(snippet['bodyText'])}"
    items = prop.get("items")
    if "default" not in prop and not prop.get("examples") and isinstance(items, dict):
        for each in ([items["default"]] if "default" in items else []) + items.get("examples", []):
            yield f"{key}:\n  - {js_text(each, first_type(items))}"


def completions(root: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(section, loss, completed key and value) for every key that a schema completes."""
    loss = resolved(root["properties"]["loss"], root)
    for branch in loss["allOf"]:
        name = branch["then"]["$ref"].rsplit("/", 1)[-1]
        for key, prop in resolved(branch["then"], root)["properties"].items():
            prop = resolved(prop, root)
            if key == "name" or not isinstance(prop, dict):
                continue
            for text in [key_completion(key, prop), *value_completions(key, prop)]:
                if not text.endswith(":"):  # a key left without its value: one is picked next
                    yield "loss", name, text
    for section in ("loss", "model", "dataset", "amp"):
        described = resolved(root["properties"][section], root)
        for key, prop in described["properties"].items():
            if isinstance(prop, dict) and ("default" in prop or "defaultSnippets" in prop):
                for text in [key_completion(key, prop), *value_completions(key, prop)]:
                    if not text.endswith(":"):
                        yield section, "cross_entropy", text


def config(section: str, loss: str, text: str) -> str:
    """A config of `loss` with `text` completed in `section`."""
    completed = textwrap.indent(text, "  ")
    if section == "loss" and text.startswith("name:"):
        return f"loss:\n{completed}\n"
    if section == "loss":
        return f"loss:\n  name: {loss}\n{completed}\n"
    return f"loss:\n  name: {loss}\n{section}:\n{completed}\n"


def complaints(text: str) -> list[str]:
    """losscfg's errors and warnings, with the class count unknown and with it as long as
    each list in the config."""
    lengths = {None} | {
        len(value)
        for section in (pyyaml.safe_load(text) or {}).values()
        if isinstance(section, dict)
        for value in section.values()
        if isinstance(value, list)
    }
    return [
        f"{d.code} {d.message}"
        for count in lengths
        for d in check_text(text, num_classes=count)
        if d.severity in ("error", "warning")
    ]


EXPORTED_COMPLETIONS = sorted(set(completions(EXPORT)))


def test_every_default_and_snippet_is_completed() -> None:
    completed = {(loss, text.split(":")[0]) for section, loss, text in EXPORTED_COMPLETIONS}
    for name, loss in catalogue().losses.items():
        for parameter in loss.parameters:
            assert (name, parameter) in completed
    texts = [text for _, _, text in EXPORTED_COMPLETIONS]
    assert "weight:\n  - 1.0" in texts and "pos_weight:\n  - 1.0" in texts
    assert f"weight: [{', '.join(['1.0'] * 10)}]" in texts
    assert "name: cross_entropy" in texts


@pytest.mark.parametrize(("section", "loss", "text"), EXPORTED_COMPLETIONS)
def test_losscfg_accepts_what_the_editor_completes(section: str, loss: str, text: str) -> None:
    written = config(section, loss, text)
    assert complaints(written) == [], written


@pytest.mark.parametrize("dataset", ["cifar10", "mnist", "fashion_mnist"])
def test_the_weight_snippet_for_10_classes_is_floats_for_a_10_class_dataset(dataset: str) -> None:
    weights = next(
        snippet_text(s["bodyText"])
        for s in EXPORT["definitions"]["class_weight"]["defaultSnippets"]
        if "10 classes" in s["label"]
    )
    for loss in ("cross_entropy", "nll"):
        text = f"dataset:\n  name: {dataset}\nloss:\n  name: {loss}\n  weight: {weights}\n"
        assert pyyaml.safe_load(text)["loss"]["weight"] == [1.0] * 10
        assert [d.code for d in check_text(text) if d.severity != "info"] == []


def test_the_file_as_yaml_language_server_reads_it_completes_what_losscfg_refuses() -> None:
    """Why the export exists: read as it is, the file makes the editor write `- 0`."""
    source = as_draft_07(schema())
    weight = resolved(source["definitions"]["cross_entropy"]["properties"]["weight"], source)
    assert key_completion("weight", weight) == "weight:\n  - 0"
    found = {d.code for d in check_text(config("loss", "cross_entropy", "weight:\n  - 0"))}
    assert {"LC206", "LC207"} <= found


# Other validators and the command line.


def test_check_jsonschema_reads_the_export(tmp_path: Path) -> None:
    exported_file = tmp_path / "losscfg.schema.json"
    exported_file.write_text(json.dumps(EXPORT), encoding="utf-8")
    mis_cased = tmp_path / "mis_cased.yaml"
    mis_cased.write_text("loss:\n  name: Cross_Entropy\n  label_smothing: 0.1\n", encoding="utf-8")
    command = [sys.executable, "-m", "check_jsonschema", "--schemafile", str(exported_file)]
    good = EXAMPLES / "cifar10_resnet20.yaml"
    assert subprocess.run([*command, str(good)], capture_output=True).returncode == 0
    failed = subprocess.run([*command, str(mis_cased)], capture_output=True, text=True)
    assert failed.returncode == 1 and "label_smothing" in failed.stdout
    assert "Cross_Entropy" not in failed.stdout


def test_a_loss_added_to_the_schema_alone_is_exported_with_its_description() -> None:
    from test_catalogue_extension import with_huber

    extended = exported(document=with_huber().document)
    choice, any_case_name = extended["definitions"]["loss"]["properties"]["name"]["anyOf"]
    assert choice["enum"][-1] == "huber" and "Huber" in choice["enumDescriptions"][-1]
    assert re.search(any_case_name["pattern"], "HUBER")
    validator = jsonschema.Draft7Validator(extended)
    assert [
        e.validator for e in validator.iter_errors({"loss": {"name": "Huber", "delta": 0}})
    ] == ["exclusiveMinimum"]


def test_schema_prints_the_draft_07_export(cli) -> None:  # type: ignore[no-untyped-def]
    from losscfg.cli import app

    result = cli.invoke(app, ["schema"])
    assert result.exit_code == 0 and json.loads(result.stdout) == EXPORT
    assert result.stdout == json.dumps(EXPORT, indent=2) + "\n"
    assert json.loads(cli.invoke(app, ["schema", "--draft", "7"]).stdout) == EXPORT


def test_schema_draft_2020_12(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from losscfg.cli import app

    out = tmp_path / "losscfg.schema.json"
    result = cli.invoke(app, ["schema", "--draft", "2020-12", "--output", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == exported(DRAFT_2020_12)


def test_schema_refuses_another_draft(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from losscfg.cli import app

    out = tmp_path / "losscfg.schema.json"
    result = cli.invoke(app, ["schema", "--draft", "4", "--output", str(out)])
    assert result.exit_code == 2 and result.stdout == "" and not out.exists()
    assert result.stderr == (
        "losscfg: error: invalid value for '--draft': '4' is not one of '7', '2020-12'; "
        "see `losscfg schema --help`\n"
    )
    with pytest.raises(ValueError, match="draft '4'"):
        exported("4")
    assert DRAFT_7 in DIALECTS


def test_exporting_leaves_the_schema_that_losscfg_checks_with_as_it_was() -> None:
    before = (ROOT / "schemas" / "losscfg.schema.json").read_text(encoding="utf-8")
    assert json.loads(before) == schema()
    exported(DRAFT_7)
    exported(DRAFT_2020_12)
    assert json.loads(before) == schema()
