"""One list per concept: every edge (API enums, CLI choices, web selects) offers exactly the vocabulary's
values, every value has a zh and an en label, and the lists that other modules keep agree with it."""

from __future__ import annotations

import asyncio
import csv
import enum
import inspect
import threading
import typing
from pathlib import Path
from typing import Any

import pytest
import typer

from qiankua import vocabulary as v
from qiankua.i18n import LANGS

# CLI options whose choices are a vocabulary (a Choice option not listed here or in _CLI_OWN fails the test)
# (keyed "command --option" where an option name means another vocabulary in that command)
_CLI_VOCABULARY = {
    "mode": v.MODES,
    "service": v.SERVICES,
    "table": v.IMPORT_TABLES,
    "fmt": v.FILE_FORMATS,
    "engine": v.TRADE_BACKENDS,
    "lang": LANGS,
    "data import --mode": v.IMPORT_MODES,
    "weighting": v.OPPORTUNITY_WEIGHTINGS,
}
# choices that belong to one engine's algorithm, not to a shared vocabulary (pooling's cost split and fidelity)
_CLI_OWN = {"method", "fidelity"}


@pytest.mark.parametrize("kind", sorted(v.VOCABULARIES))
def test_every_vocabulary_value_has_a_zh_and_an_en_label(kind):
    """A value without a label would show its raw code in a Chinese or English form."""
    labels = v.LABELS.get(kind, {})
    for value in v.VOCABULARIES[kind]:
        assert value in labels, f"{kind} {value!r} has no label"
        zh, en = labels[value]
        assert zh.strip() and en.strip(), f"{kind} {value!r} has an empty label"


@pytest.mark.parametrize("kind", sorted(v.LABELS))
def test_no_label_for_a_value_the_vocabulary_lacks(kind):
    assert kind in v.VOCABULARIES, f"labels of {kind!r}, which is no vocabulary"
    assert set(v.LABELS[kind]) <= set(v.VOCABULARIES[kind])


def test_import_tables_are_the_schema_user_tables_with_titles():
    from qiankua.schema import USER_TABLES

    assert tuple(USER_TABLES) == v.IMPORT_TABLES
    for name in v.IMPORT_TABLES:
        assert USER_TABLES[name].title_zh and USER_TABLES[name].title_en, name


def test_import_modes_are_the_importers():
    from qiankua.store.importer import MODES

    assert set(MODES) == set(v.IMPORT_MODES)


def test_platforms_are_the_built_in_fee_tables():
    from qiankua.reference import load_reference

    path = Path(load_reference().data_dir) / "channel_fees.csv"
    with path.open(encoding="utf-8") as fh:
        assert set(v.PLATFORMS) == {row["platform"] for row in csv.DictReader(fh)}


def test_routing_names_of_the_services_are_routings():
    """The one bridge from a quote's service names to routing's preferences covers every service."""
    from qiankua.routing.records import PREFERENCES

    assert set(v.ROUTING_SERVICE) == set(v.SERVICES)
    assert set(v.ROUTING_SERVICE.values()) <= set(PREFERENCES)


def test_defaults_are_vocabulary_values():
    assert v.DEFAULT_MODE in v.MODES and v.DEFAULT_SERVICE in v.SERVICES and v.DEFAULT_PLATFORM in v.PLATFORMS


def test_engine_registries_read_the_vocabulary():
    from qiankua import plugins
    from qiankua.api import engines
    from qiankua.web.layout import NAV

    names = [e.name for e in v.ENGINES]
    assert list(plugins.ENGINES) == [*names, "web"]
    assert {e.name: (e.zh, e.en) for e in v.ENGINES if e.page} == engines.ENGINES
    assert [engine for _, engine, _ in NAV if engine] == [e.name for e in v.ENGINES if e.page]


# --------------------------------------------------------------------------- API


def _openapi_enums(node: Any, path: str = "") -> list[tuple[str, list[Any]]]:
    found: list[tuple[str, list[Any]]] = []
    if isinstance(node, dict):
        if "enum" in node:
            found.append((path, node["enum"]))
        for key, value in node.items():
            found += _openapi_enums(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _openapi_enums(value, f"{path}/{i}")
    return found


# OpenAPI enums that are not a vocabulary: literal tags of GeoJSON and a division level
_API_OWN = {
    ("Feature",),
    ("FeatureCollection",),
    ("Polygon", "MultiPolygon"),
    ("province", "prefecture", "county"),
    ("products", "markets", "divisions", "hubs", "provenance"),
}


def test_api_enums_are_vocabularies():
    """Every enum in the OpenAPI document is one of the vocabularies (or a listed non-vocabulary)."""
    from qiankua.api import Settings, create_app

    schema = create_app(Settings(ui=False)).openapi()
    from qiankua.api.region import INDICATORS
    from qiankua.api.warehouse import MARKETS

    known = {tuple(values) for values in v.VOCABULARIES.values()} | {tuple(LANGS), v.IMPORT_TABLES}
    # codes of built-in reference tables users do not extend (markets, the region indicator system): named
    # on pages from those tables' own zh/en names
    known |= {MARKETS, INDICATORS}
    enums = _openapi_enums(schema)
    assert enums, "the API lists no enum at all"
    for where, values in enums:
        values = tuple(values)
        assert values in known or values in _API_OWN, f"{where}: {values} is no vocabulary"
    listed = {tuple(values) for _, values in enums}
    for values in (v.MODES, v.SERVICES, v.IMPORT_TABLES, v.IMPORT_MODES, v.FILE_FORMATS, v.TRADE_BACKENDS):
        assert values in listed, f"the API does not offer {values}"


# --------------------------------------------------------------------------- CLI


def _enum_of(annotation: Any) -> type[enum.Enum] | None:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    for arg in typing.get_args(annotation):  # Optional[Enum], list[Enum]
        found = _enum_of(arg)
        if found is not None:
            return found
    return None


def _choice_params(command: Any, prefix: str = "") -> list[tuple[str, str, tuple[str, ...]]]:
    """(command, option, choices) of every option of ``command`` and its subcommands that offers choices."""
    out: list[tuple[str, str, tuple[str, ...]]] = []
    for name, sub in (getattr(command, "commands", None) or {}).items():
        out += _choice_params(sub, f"{prefix} {name}")
    for param in command.params:
        descriptor = getattr(param, "type_descriptor", None)
        choices = _enum_of(descriptor.annotation) if descriptor is not None else None
        if choices is None and hasattr(getattr(param, "type", None), "choices"):  # a click-based typer
            out.append((prefix.strip(), param.name or "", tuple(param.type.choices)))
        elif choices is not None:
            out.append((prefix.strip(), param.name or "", tuple(str(m.value) for m in choices)))
    return out


def test_cli_choices_are_vocabularies():
    """Every Click choice of every command is its vocabulary, in the vocabulary's order."""
    from qiankua.cli import app

    params = _choice_params(typer.main.get_command(app))
    assert {name for _, name, _ in params} >= {"mode", "service", "table", "engine"}
    for command, name, choices in params:
        if name in _CLI_OWN:
            continue
        values = _CLI_VOCABULARY.get(f"{command} --{name}", _CLI_VOCABULARY.get(name))
        assert values is not None, f"`qiankua {command}` --{name} offers {choices}: no vocabulary"
        assert choices == tuple(values), f"`qiankua {command}` --{name}"


# --------------------------------------------------------------------------- web


class _Recorder:
    """Stands in for ``nicegui.ui`` and its elements: records every select's options and label."""

    def __init__(self, selects: list[tuple[str, dict[str, str]]]) -> None:
        self._selects = selects

    def __getattr__(self, name: str) -> Any:
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self

    def __enter__(self) -> _Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def select(self, options: Any, *args: Any, label: str = "", **kwargs: Any) -> _Recorder:
        self._selects.append((label, dict(options) if isinstance(options, dict) else {o: o for o in options}))
        return self


def _page(lang: str) -> Any:
    from qiankua.services.accounts import Identity, Workspace
    from qiankua.web.layout import Page

    identity = Identity(username="local", org="local")
    return Page(lang, identity, Workspace(identity=identity, db=None), False, "/")


@pytest.mark.parametrize("lang", LANGS)
def test_web_form_options_are_vocabularies(monkeypatch, lang):
    """The quote and data forms offer the vocabularies' values, labelled from the vocabulary."""
    from qiankua.web import engine_pages, pages

    selects: list[tuple[str, dict[str, str]]] = []
    monkeypatch.setattr(engine_pages, "ui", _Recorder(selects))
    monkeypatch.setattr(pages, "ui", _Recorder(selects))
    page = _page(lang)
    engine_pages.quote_page(page)
    result = pages.data_page(page)
    if inspect.isawaitable(result):  # on a thread of its own: a browser test may own this one's event loop
        worker = threading.Thread(target=asyncio.run, args=(result,))
        worker.start()
        worker.join()
    by_label = dict(selects)
    expected = {
        "web.quote.mode": "mode",
        "web.quote.service": "service",
        "web.quote.platform": "platform",
        "web.data.mode": "import_mode",
    }
    for key, kind in expected.items():
        options = by_label[page.t(key)]
        assert list(options) == list(v.VOCABULARIES[kind]), key
        assert options == v.options(kind, lang), key
    assert list(by_label[page.t("web.data.table")]) == list(v.IMPORT_TABLES)
