"""ToolPolicy: loading, validation errors naming the field, name matching and argument rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentkit.exceptions import ConfigurationError
from agentkit.tools import ArgRule, PathRule, ToolPolicy, UrlRule

POLICY = {
    "allow": ["read_*", "fetch"],
    "deny": ["read_secret*"],
    "tools": {
        "read_file": {"args": {"path": {"required": True, "path": {"within": ["/srv/data"]}}}, "max_calls": 2},
        "fetch": {"args": {"url": {"url": {"hosts": ["*.example.com"]}}}},
    },
    "max_calls": 5,
}


def test_from_dict_json_yaml_and_file_agree(tmp_path: Path) -> None:
    import yaml

    from_dict = ToolPolicy.from_dict(POLICY)
    from_json = ToolPolicy.from_json(json.dumps(POLICY))
    from_yaml = ToolPolicy.from_yaml(yaml.safe_dump(POLICY))
    (tmp_path / "p.json").write_text(json.dumps(POLICY))
    (tmp_path / "p.yml").write_text(yaml.safe_dump(POLICY))
    loaded = [from_json, from_yaml, ToolPolicy.from_file(tmp_path / "p.json"), ToolPolicy.from_file(tmp_path / "p.yml")]
    assert all(p == from_dict for p in loaded)
    assert from_dict.tools["read_file"].max_calls == 2


def test_unknown_file_type_and_non_mapping_yaml_are_configuration_errors(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text("x = 1")
    with pytest.raises(ConfigurationError, match=r"p\.toml: unknown policy file type '\.toml'\. Use a \.json"):
        ToolPolicy.from_file(tmp_path / "p.toml")
    with pytest.raises(ConfigurationError, match="must be a mapping, got list"):
        ToolPolicy.from_yaml("- a\n- b\n")


INVALID: list[tuple[dict[str, object], str, str]] = [
    ({"alow": ["x"]}, "alow", "is not a known key"),
    ({"deny": [""]}, "deny", "is not a tool-name glob"),
    ({"max_calls": -1}, "max_calls", "greater than or equal to 0"),
    ({"approval_timeout_s": 0}, "approval_timeout_s", "greater than 0"),
    ({"on_deny": "explode"}, "on_deny", "'return', 'raise' or 'stop'"),
    ({"redact_patterns": ["("]}, "redact_patterns", "not a valid regular expression"),
    ({"tools": {"x": {"args": {"a": {"pattern": "(["}}}}}, "tools.x.args.a.pattern", "not a valid regular"),
    ({"tools": {"x": {"args": {"a": {"minimum": 5, "maximum": 1}}}}}, "tools.x.args.a", "greater than maximum"),
    ({"tools": {"x": {"args": {"a": {"path": {"within": []}}}}}}, "tools.x.args.a.path.within", "at least 1"),
    ({"tools": {"x": {"args": {"a": {"url": {"hosts": ["exa mple.com"]}}}}}}, "tools.x.args.a.url.hosts", "host"),
    ({"tools": {"x": {"args": {"a": {"url": {"hosts": ["a.com"], "ports": [0]}}}}}}, "url.ports", "between 1"),
    ({"tools": {"x": {"args": {"a": {"url": {"hosts": ["a.com"], "schemes": ["HTTPS"]}}}}}}, "schemes", "lower"),
    ({"tools": {"x": {"max_calls": "many"}}}, "tools.x.max_calls", "valid integer"),
    ({"tools": {"x": {"args": {"a": {"typ": "string"}}}}}, "tools.x.args.a.typ", "is not a known key"),
    ({"tools": {"x": {"args": {"a": {"url": {"hosts": ["☃.com"]}}}}}}, "url.hosts", "is not a host name"),
    ({"tools": {"x": {"args": {"a": {"allowed_values": [{"k": 1}]}}}}}, "allowed_values.0", "matches none of the"),
    ({"allow": "read_file"}, "allow", "valid list"),
]


@pytest.mark.parametrize(("data", "key", "message"), INVALID)
def test_invalid_policies_fail_at_load_in_one_line_naming_key_and_fix(
    data: dict[str, object], key: str, message: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        ToolPolicy.from_dict(data)
    text = str(info.value)
    assert "\n" not in text
    assert "errors.pydantic.dev" not in text  # no documentation URLs
    assert info.value.field.endswith(key), text
    assert message in text
    assert info.value.fix, text  # every error says how to fix it
    with pytest.raises(ConfigurationError) as direct:
        ToolPolicy(**data)  # type: ignore[arg-type]
    assert str(direct.value) == text


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_from_file_errors_name_the_file_the_key_and_the_fix(tmp_path: Path, suffix: str) -> None:
    import yaml

    file = tmp_path / f"policy{suffix}"
    data = {"tools": {"fetch": {"args": {"url": {"url": {"hosts": ["exa mple.com"]}}}}}}
    file.write_text(json.dumps(data) if suffix == ".json" else yaml.safe_dump(data))
    with pytest.raises(ConfigurationError) as info:
        ToolPolicy.from_file(file)
    text = str(info.value)
    assert text.startswith(f"{file}: tools.fetch.args.url.url.hosts: 'exa mple.com' is not a host name"), text
    assert text.endswith("CIDR network. Write e.g. api.example.com, *.example.com or 10.0.0.0/8.")
    assert "\n" not in text


def test_from_file_syntax_and_missing_file_errors_are_one_line(tmp_path: Path) -> None:
    broken_json = tmp_path / "p.json"
    broken_json.write_text('{"allow": [\n')
    with pytest.raises(ConfigurationError, match=r"p\.json: is not valid JSON \(line 2, column 1") as info:
        ToolPolicy.from_file(broken_json)
    assert "\n" not in str(info.value)
    broken_yaml = tmp_path / "p.yaml"
    broken_yaml.write_text("allow: [a\ndeny: b\n")
    with pytest.raises(ConfigurationError, match=r"p\.yaml: is not valid YAML \(line \d+") as info:
        ToolPolicy.from_file(broken_yaml)
    assert "\n" not in str(info.value)
    with pytest.raises(ConfigurationError, match=r"missing\.yaml: does not exist\. Check the path\."):
        ToolPolicy.from_file(tmp_path / "missing.yaml")
    several = tmp_path / "several.json"
    several.write_text(json.dumps({"max_calls": -1, "deny": [""], "alow": 1}))
    with pytest.raises(ConfigurationError, match=r"\(2 more problems after this one\.\)"):
        ToolPolicy.from_file(several)


def test_deny_wins_and_allow_list_denies_everything_else() -> None:
    policy = ToolPolicy.from_dict(POLICY)
    assert policy.check_name("read_file").allowed
    assert policy.check_name("fetch").allowed
    verdict = policy.check_name("read_secrets")
    assert not verdict.allowed
    assert verdict.rule == "deny:read_secret*"
    assert policy.check_name("delete_file").rule == "not_allowed"


@pytest.mark.parametrize(
    "name",
    ["Delete_File", "DELETE_FILE", "delete-file-now", "ｄｅｌｅｔｅ_file", "dеlete_file", "delete_fıle"],  # noqa: RUF001
)
def test_deny_globs_see_through_case_and_unicode_tricks(name: str) -> None:
    policy = ToolPolicy(deny=["delete_*", "delete-*"], plain_names_only=False)
    assert not policy.check_name(name).allowed, name


def test_names_outside_the_provider_alphabet_are_refused_by_default() -> None:
    policy = ToolPolicy()
    for name in ["read file", "read.file", "", "x" * 257, "rеad_file", "read_file\u200b"]:  # noqa: RUF001
        assert policy.check_name(name).rule == "name.invalid", name
    assert policy.check_name("read_file").allowed


def test_rules_for_collects_every_matching_glob() -> None:
    policy = ToolPolicy.from_dict({"tools": {"*": {"max_calls": 9}, "read_*": {"max_calls": 1}}})
    assert [key for key, _ in policy.rules_for("read_file")] == ["*", "read_*"]
    assert [key for key, _ in policy.rules_for("fetch")] == ["*"]


def test_arg_rule_checks() -> None:
    rule = ArgRule(type="integer", minimum=1, maximum=10)
    assert rule.check(5) is None
    assert rule.check(0) == ("range", "must be >= 1")
    assert rule.check(True) is not None  # a bool is not an integer
    assert rule.check("5") is not None
    assert ArgRule(allowed_values=["a", 1]).check(True) == ("allowed_values", "is not one of the allowed values")
    assert ArgRule(pattern=r"[a-z]+").check("abc") is None
    assert ArgRule(pattern=r"[a-z]+").check("abc1") is not None  # full match
    assert ArgRule(pattern=r"[a-z]+").check("a" * 10_001) == ("pattern", "is too long to match against the pattern")
    assert ArgRule(max_length=3).check([1, 2, 3, 4]) is not None
    assert ArgRule(max_bytes=4).check("ééé") is not None  # 6 bytes + quotes
    assert ArgRule(minimum=0).check(float("nan")) is not None


def test_path_and_url_rules_validate_their_settings() -> None:
    assert PathRule(within=["/srv"]).max_length == 4096
    assert UrlRule(hosts=["bücher.de"]).check("https://xn--bcher-kva.de/") is None
    with pytest.raises(ConfigurationError, match=r"^hosts: '\*\.\*\.com' is not a host name"):
        UrlRule(hosts=["*.*.com"])


def test_check_arguments_structure_limits() -> None:
    policy = ToolPolicy(max_depth=4, max_argument_bytes=100)
    assert policy.check_arguments("t", {"a": {"b": {"c": 1}}}).allowed
    assert policy.check_arguments("t", {"a": {"b": {"c": {"d": 1}}}}).rule == "args.depth"
    assert policy.check_arguments("t", {"a": "x" * 200}).rule == "args.size"
    assert policy.check_arguments("t", {1: "x"}).rule == "args.structure"
    assert policy.check_arguments("t", {"a": object()}).rule == "args.structure"
    assert policy.check_arguments("t", ["a"]).rule == "args.structure"


def test_redaction_of_secret_keys_values_and_configured_names() -> None:
    policy = ToolPolicy.from_dict(
        {"redact": ["body"], "redact_patterns": [r"\d{4}-\d{4}"], "tools": {"send_*": {"redact": ["to"]}}}
    )
    redacted = policy.redact_arguments(
        "send_email",
        {"to": "a@b.c", "body": "hi", "api_key": "sk-abcdefghijklmnop", "note": "card 1234-5678, key sk-abcdefghijkl"},
    )
    assert redacted == {
        "to": "**********",
        "body": "**********",
        "api_key": "**********",
        "note": "card **********, key **********",
    }
    assert "a@b.c" in str(policy.redact_arguments("fetch", {"to": "a@b.c"}))
