"""config/README.md documents every key the config schema allows, and no other (issue 20).

The schema is walked into dotted key paths: nested objects by name, a mapping of names you
choose (``additionalProperties``) as a ``<name>`` placeholder, the elements of a list of
objects as ``[]``. The reference names each key in the first column of a ``| key |`` table (or,
for a top-level section, in its heading), with any word in angle brackets as the placeholder.
"""

import re

import yaml

from conftest import ROOT

SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"
REFERENCE = ROOT / "config/README.md"
CATALOG = ROOT / ".snakemake-workflow-catalog.yml"

PLACEHOLDER = re.compile(r"<[^<>`]+>")


def _normal(key: str) -> str:
    """``category_data.<category>.real`` and ``category_data.<name>.real`` are the same key."""
    return PLACEHOLDER.sub("<>", key)


def _resolve(node: dict, root: dict) -> dict:
    """Follow local ``$ref``s; keywords beside a ``$ref`` (a description) are kept."""
    while "$ref" in node:
        target = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _branches(node: dict, root: dict):
    """A schema and the alternatives it allows (oneOf, anyOf, allOf), each resolved."""
    node = _resolve(node, root)
    yield node
    for keyword in ("oneOf", "anyOf", "allOf"):
        for alternative in node.get(keyword, []):
            yield from _branches(alternative, root)


def _is_object(node: dict) -> bool:
    kind = node.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind)


def schema_keys(schema: dict) -> tuple[set[str], set[str]]:
    """Every key path the schema names, and the paths of open objects (``type: object`` with
    neither properties nor an ``additionalProperties`` rule), whose keys it leaves to the code."""
    paths: set[str] = set()
    open_objects: set[str] = set()

    def walk(node: dict, prefix: str) -> None:
        for branch in _branches(node, schema):
            properties = branch.get("properties", {})
            for name, child in properties.items():
                path = f"{prefix}.{name}" if prefix else name
                paths.add(path)
                walk(child, path)
            extra = branch.get("additionalProperties")
            if isinstance(extra, dict):
                path = f"{prefix}.<name>"
                paths.add(path)
                walk(extra, path)
            elif _is_object(branch) and not properties and extra is None and prefix:
                open_objects.add(prefix)
            if isinstance(branch.get("items"), dict):
                walk(branch["items"], f"{prefix}[]")

    walk(schema, "")
    return paths, open_objects


def documented_keys(markdown: str) -> list[str]:
    """The backticked keys in the first column of every table headed ``| key |``, and in the
    headings (a top-level section such as ``## `patches` ``); a key row without one is an error."""
    keys: list[str] = []
    in_table = False
    for line in markdown.splitlines():
        line = line.strip()
        if line.startswith("#"):
            keys += re.findall(r"`([^`]+)`", line)
        if not line.startswith("|"):
            in_table = False
            continue
        first = line.strip("|").split("|")[0].strip()
        if first == "key":
            in_table = True
        elif in_table and not set(first) <= set("-: "):
            found = re.findall(r"`([^`]+)`", first)
            assert found, f"a key row names no backticked key: {line}"
            keys += found
    return keys


def undocumented(schema: dict, markdown: str) -> list[str]:
    """Schema keys the reference does not name."""
    named = {_normal(key) for key in documented_keys(markdown)}
    paths, _ = schema_keys(schema)
    return sorted(path for path in paths if _normal(path) not in named)


def unknown(schema: dict, markdown: str) -> list[str]:
    """Keys the reference names that the schema does not allow (a key inside an open object,
    whose keys the code checks, counts as allowed)."""
    paths, open_objects = schema_keys(schema)
    allowed = {_normal(path) for path in paths}
    prefixes = tuple(_normal(path) + "." for path in open_objects)
    return [
        key
        for key in documented_keys(markdown)
        if _normal(key) not in allowed and not _normal(key).startswith(prefixes)
    ]


TINY = {
    "type": "object",
    "additionalProperties": False,
    "$defs": {"pair": {"type": "array", "items": {"type": "number"}}},
    "properties": {
        "seed": {"type": "integer"},
        "section": {
            "type": "object",
            "properties": {
                "span": {"$ref": "#/$defs/pair"},
                "rows": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"n": {"type": "integer"}}},
                },
                "checkpoint": {
                    "oneOf": [
                        {"type": "null"},
                        {"type": "object", "properties": {"path": {"type": "string"}}},
                    ]
                },
            },
        },
        "pools": {
            "type": "object",
            "additionalProperties": {"type": "object", "properties": {"train": {}}},
        },
        "free": {"type": "object"},
    },
}

TINY_DOC = """\
# Configuration

| key | default | meaning |
|---|---|---|
| `seed` | 0 | the seed |

## `section`

| key | default | meaning |
|---|---|---|
| `section.span` | [0, 1] | a pair |
| `section.rows` | | rows, each with `n` |
| `section.rows[].n` | 8 | a count |
| `section.checkpoint` | null | a checkpoint or null |
| `section.checkpoint.path` | | its file |

## `pools`

| key | default | meaning |
|---|---|---|
| `pools.<pool>` | | a pool you name |
| `pools.<pool>.train` | | its training images |
| `free` | {} | open |
| `free.anything` | 3 | a key the code checks |

`not.a.key` outside a table is prose.
"""


def test_schema_keys_walks_refs_alternatives_lists_and_named_mappings():
    paths, open_objects = schema_keys(TINY)
    assert paths == {
        "seed",
        "section",
        "section.span",
        "section.rows",
        "section.rows[].n",
        "section.checkpoint",
        "section.checkpoint.path",
        "pools",
        "pools.<name>",
        "pools.<name>.train",
        "free",
    }
    assert open_objects == {"free"}


def test_the_checks_catch_a_stale_reference_in_both_directions():
    assert undocumented(TINY, TINY_DOC) == []
    assert unknown(TINY, TINY_DOC) == []
    missing = TINY_DOC.replace("| `section.rows[].n` | 8 | a count |\n", "")
    assert undocumented(TINY, missing) == ["section.rows[].n"]
    renamed = TINY_DOC.replace("`section.span`", "`section.spam`")
    assert unknown(TINY, renamed) == ["section.spam"]
    assert undocumented(TINY, renamed) == ["section.span"]


def test_config_readme_documents_every_schema_key():
    schema = yaml.safe_load(SCHEMA.read_text())
    missing = undocumented(schema, REFERENCE.read_text())
    assert not missing, f"config/README.md lacks these schema keys: {missing}"


def test_config_readme_names_no_key_the_schema_lacks():
    schema = yaml.safe_load(SCHEMA.read_text())
    stale = unknown(schema, REFERENCE.read_text())
    assert not stale, f"config/README.md documents keys the schema does not allow: {stale}"


def test_catalog_settings_parse():
    settings = yaml.safe_load(CATALOG.read_text())
    usage = settings["usage"]
    assert usage["software-stack-deployment"]["conda"] is True
    assert set(usage) <= {"mandatory-flags", "software-stack-deployment", "report"}
    assert set(usage["mandatory-flags"]) <= {"desc", "flags"}
