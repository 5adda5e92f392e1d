"""Load regime files (TOML) into frozen `Regime` models, resolving `extends`.

Floats are parsed as Decimal, so 62.5 in a file is exactly 62.5.  A broken file raises
`RuleFileError` naming the file, the dotted key path, what was found and what is allowed.
"""

from __future__ import annotations

import copy
import datetime
import os
import types
import typing
from pathlib import Path

from pydantic import BaseModel, ValidationError

from roo_calc.errors import RuleFileError
from roo_calc.rules.model import MfnTable, Regime
from roo_calc.tomlfile import read_toml


def _builtin_rules() -> Path:
    """rules/ beside the package in a checkout, else the copy installed as `roo_calc_rules`."""
    checkout = Path(__file__).resolve().parents[2] / "rules"
    if (checkout / "usmca-2020.toml").exists():
        return checkout
    import importlib.util

    spec = importlib.util.find_spec("roo_calc_rules")
    if spec is None or not spec.submodule_search_locations:
        raise RuleFileError("the shipped rules are missing: reinstall roo-calc, or set ROO_CALC_RULES to a rules folder")
    return Path(list(spec.submodule_search_locations)[0])


def default_rules_dir() -> Path:
    """The shipped rules folder (override with the ROO_CALC_RULES environment variable)."""
    return Path(os.environ["ROO_CALC_RULES"]) if os.environ.get("ROO_CALC_RULES") else _builtin_rules()


def _read_toml(path: Path) -> dict:
    return read_toml(path, RuleFileError, "rule file")


def _files(paths: typing.Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob("*.toml")))
        elif path.exists():
            found.append(path)
        else:
            raise RuleFileError(f"{path}: no such rule file or folder")
    return found


def _merge(base: dict, override: dict, where: str = "") -> dict:
    """Deep-merge tables; values and arrays in `override` replace those in `base`.

    A dated history (an array of tables each with a `from` date) is replaced whole by an array,
    or changed point by point by a table keyed by date (`[...passenger_vehicle."2023-07-01"]`):
    each such point replaces the parent's point of that date, or is added, and the parent's
    other points stay."""
    merged = dict(base)
    for key, value in override.items():
        path = f"{where}.{key}" if where else key
        if isinstance(value, dict) and _is_history(merged.get(key)):
            merged[key] = _merge_points(merged[key], value, path)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value, path)
        else:
            merged[key] = value
    return merged


def _is_history(value: object) -> bool:
    return (isinstance(value, list) and bool(value)
            and all(isinstance(p, dict) and isinstance(p.get("from"), datetime.date) for p in value))


def _merged_sources(base: dict, override: dict) -> dict:
    """The parent's `sources` with the child's added (a child's entry replaces the parent's of the
    same id), so the references a child inherits still find the sources they name; a reference
    the child inherits takes the title and link of the child's entry."""
    if "sources" not in override:
        return {}
    entries = [*base.get("sources", ()), *override["sources"]]
    by_id = {s.get("id") if isinstance(s, dict) else i: s for i, s in enumerate(entries)}  # a malformed entry stays, for validation
    return {"sources": list(by_id.values())}


def _resolve_sources(data: dict, file: Path) -> None:
    """Fill each reference's title and link from the regime's `sources` entry it names with
    `source = "ID"`, so a file states each source once; an unknown id is an error naming the key."""
    sources = {s.get("id"): s for s in data.get("sources", ()) if isinstance(s, dict)}

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if path.endswith("reference") and isinstance(value, dict) and "source" in value:
                    source = sources.get(value["source"])
                    if source is None:
                        raise RuleFileError(f"{file}: {path}[{i}].source: expected the id of an entry of `sources` "
                                            f"({', '.join(sorted(map(str, sources))) or 'none'}), found {value['source']!r}")
                    value.setdefault("title", source.get("cite_as") or source.get("title"))
                    if source.get("href"):
                        value.setdefault("href", source["href"])
                walk(value, f"{path}[{i}]")

    walk({k: v for k, v in data.items() if k != "sources"}, "")


def _merge_points(history: list[dict], changes: dict, path: str) -> list[dict]:
    points = {point["from"]: point for point in history}
    for key, point in changes.items():
        try:
            when = datetime.date.fromisoformat(str(key))
        except ValueError:
            raise RuleFileError(f"{path}: expected dated points keyed by date (\"2023-07-01\"), "
                                f"or an array that replaces the whole history, found the key {key!r}") from None
        if not isinstance(point, dict):
            raise RuleFileError(f"{path}.{key}: expected a table (value, reference, ...), found {point!r}")
        points[when] = {**point, "from": when}
    return [points[when] for when in sorted(points)]


def load_regimes(paths: typing.Iterable[str | Path] | None = None, *, with_builtin: bool = True) -> dict[str, Regime]:
    """Every regime in the shipped rules plus the given files or folders, by id.

    A user's file with the same id as a shipped one replaces it; two user files with the same
    id are an error naming both.  `extends` is resolved against all of them.
    """
    raw = _read_all(_files([default_rules_dir()])) if with_builtin else {}
    shipped = {file.resolve() for file, _ in raw.values()}
    user = _read_all([f for f in _files([Path(p) for p in (paths or [])]) if f.resolve() not in shipped])
    raw.update(user)
    resolved: dict[str, Regime] = {}
    for regime_id in raw:
        resolved[regime_id] = _resolve(regime_id, raw, resolved, ())
    for regime in resolved.values():
        _check_regime_ids(regime, resolved)
    return {regime_id: resolved[regime_id] for regime_id in raw}  # in file order, whatever resolved first


def load_regime(path: str | Path) -> Regime:
    """The regime in one rule file, whatever else is in its folder.

    Its `extends` parent is looked up among the shipped rules, else as ``<id>.toml`` beside
    the file (and so on up the chain).
    """
    path = Path(path)
    if path.is_dir():
        raise RuleFileError(f"{path}: is a folder; give one rule file (or load every file of a folder with load_regimes)")
    own = _read_all([path])
    regime_id = next(iter(own))
    raw = _read_all(_files([default_rules_dir()]))
    raw.update(own)
    parent = own[regime_id][1].get("extends")
    while isinstance(parent, str) and parent not in raw and (path.parent / f"{parent}.toml").is_file():
        found = _read_all([path.parent / f"{parent}.toml"])
        raw.update(found)
        parent = next(iter(found.values()))[1].get("extends")
    regime = _resolve(regime_id, raw, {}, ())
    _check_regime_ids(regime, raw)
    return regime


def _check_regime_ids(regime: Regime, known: typing.Mapping[str, object]) -> None:
    """The regimes a requirement names (a tariff's qualifying regimes) exist; else an error naming the file and key."""
    for rid, requirement in regime.requirements.items():
        key = "qualifying_regimes" if requirement.qualifying_regimes else "qualifying_regime"
        for other in requirement.qualifying:
            if other not in known:
                raise RuleFileError(f"{regime.path}: requirements.{rid}.{key}: no regime with id {other!r}; "
                                    f"known: {', '.join(sorted(known))}")


def _read_all(files: list[Path]) -> dict[str, tuple[Path, dict]]:
    """Each file's table by its regime id; one id in two different files is an error naming both."""
    raw: dict[str, tuple[Path, dict]] = {}
    for file in files:
        data = _read_toml(file)
        regime_id = data.get("id")
        if not isinstance(regime_id, str):
            raise RuleFileError(f"{file}: id: expected a regime id such as id = \"usmca-2020\", found {regime_id!r}")
        if regime_id in raw and raw[regime_id][0].resolve() != file.resolve():
            raise RuleFileError(f"{file}: id: {regime_id!r} is also the id of {raw[regime_id][0]}; "
                                "each regime needs its own id")
        raw[regime_id] = (file, data)
    return raw


def _resolve(regime_id: str, raw: dict[str, tuple[Path, dict]], done: dict[str, Regime], chain: tuple[str, ...]) -> Regime:
    if regime_id in done:
        return done[regime_id]
    file, data = raw[regime_id]
    if regime_id in chain:
        raise RuleFileError(f"{file}: extends: circular chain {' -> '.join(chain + (regime_id,))}")
    parent_id = data.get("extends")
    if parent_id is not None and not isinstance(parent_id, str):
        raise RuleFileError(f"{file}: extends: expected the id of another regime, such as extends = \"usmca-2020\", found {parent_id!r}")
    if parent_id is not None:
        if parent_id not in raw:
            raise RuleFileError(f"{file}: extends: no regime with id {parent_id!r}; known: {', '.join(sorted(raw))}")
        _resolve(parent_id, raw, done, chain + (regime_id,))
        base = {k: v for k, v in raw[parent_id][1].items() if k not in ("extends", "path")}  # merged by now
        try:
            data = {**_merge(base, data), **_merged_sources(base, data)}
        except RuleFileError as exc:
            raise RuleFileError(f"{file}: {exc}") from None
        raw[regime_id] = (file, data)  # so that a regime extending this one inherits the whole chain
    data = _shared_tables(regime_id, data, file, raw, done, chain)
    data = copy.deepcopy(data)  # resolved on a copy: a child redefining a source re-titles what it inherits
    _resolve_sources(data, file)
    try:
        regime = Regime.model_validate({**data, "path": str(file)})
    except ValidationError as exc:
        raise RuleFileError(_format(file, exc)) from None
    into = next((r.imported_into for r in regime.requirements.values() if r.imported_into), None)
    if regime.kind == "tariff" and into:  # a tariff's bilateral terms and totals need the importer's general rates
        regime = regime.model_copy(update={"mfn_table": load_mfn_table(into, file.parent if (file.parent / "mfn").is_dir() else None)})
    done[regime_id] = regime
    return regime


def _shared_tables(regime_id: str, data: dict, file: Path, raw: dict[str, tuple[Path, dict]], done: dict[str, Regime],
                   chain: tuple[str, ...]) -> dict:
    """A class or requirement given as `same_as = "<regime id>"` takes that regime's table of the
    same name (its definition, codes, thresholds and references), with any other key of the table
    laid over it, so two regimes that apply the same provisions (USMCA UR s.12, s.17) state them
    once."""
    out = data
    for section in ("classes", "requirements"):
        tables = data.get(section)
        if not isinstance(tables, dict) or not any(isinstance(t, dict) and "same_as" in t for t in tables.values()):
            continue
        shared = {}
        for name, table in tables.items():
            if not (isinstance(table, dict) and "same_as" in table):
                shared[name] = table
                continue
            other = table["same_as"]
            where = f"{file}: {section}.{name}.same_as"
            if not isinstance(other, str) or other not in raw:
                raise RuleFileError(f"{where}: expected the id of another regime, found {other!r}; known: {', '.join(sorted(raw))}")
            if other == regime_id:
                raise RuleFileError(f"{where}: names this regime itself")
            _resolve(other, raw, done, chain + (regime_id,))
            source = raw[other][1].get(section, {}).get(name)
            if not isinstance(source, dict):
                raise RuleFileError(f"{where}: regime {other!r} has no {section[:-1] if section == 'requirements' else 'class'} {name!r}")
            borrowed = copy.deepcopy(source)  # its references name the sources of the regime it comes from
            _resolve_sources({"sources": raw[other][1].get("sources", ()), section: {name: borrowed}}, raw[other][0])
            shared[name] = _merge(borrowed, {k: v for k, v in table.items() if k != "same_as"})
        out = {**out, section: shared}
    return out


def _format(file: Path, exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        loc = ".".join(str(part) for part in error["loc"])
        message = error["msg"]
        if error["type"] == "extra_forbidden" and error["loc"][-1] == "method" and "requirements" in error["loc"]:
            message = ("not a key: roo-calc computes regional value content by the net cost method only (the transaction "
                       "value method is not modelled); remove it, and say in the requirement's note if the law offers "
                       "another method")
        elif error["type"] == "extra_forbidden":
            allowed = _allowed_keys(error["loc"][:-1])
            message = f"unknown key {error['loc'][-1]!r}; allowed here: {', '.join(allowed)}"
        elif "date" in error["type"]:
            message += "; dates must be YYYY-MM-DD, e.g. 2020-07-01"
        elif error["type"] == "missing":
            message = "required key missing"
            if error["loc"] and error["loc"][-1] == "reference":
                message += ': every dated value needs reference = [{title = "...", pinpoint = "..."}]'
        elif error["type"] == "too_short" and error["loc"] and error["loc"][-1] == "reference":
            message = "needs at least one citation: reference = [{title = \"...\", pinpoint = \"...\"}]"
        elif error["type"] in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
            message += f", found {error['input']}"
        lines.append(f"{file}: {loc or '(top level)'}: {message}")
    return "\n".join(lines)


def _allowed_keys(loc: tuple) -> list[str]:
    """Walk the schema along a pydantic error location to the model that owns the bad key."""
    annotation: object = Regime
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = next((f for name, f in annotation.model_fields.items() if (f.alias or name) == part or name == part), None)
            if field is None:
                return []
            annotation = field.annotation
        else:
            args = typing.get_args(annotation)
            annotation = args[-1] if typing.get_origin(annotation) is dict else (args[0] if args else annotation)
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [f.alias or name for name, f in annotation.model_fields.items() if name not in ("path", "mfn_table")]
    return []


def _unwrap(annotation: object) -> object:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        non_none = [a for a in typing.get_args(annotation) if a is not type(None)]
        return non_none[0] if non_none else annotation
    return annotation


def load_mfn_table(country: str, rules_dir: Path | None = None) -> MfnTable | None:
    """The general duty rates of an importing country, or None when roo-calc has none."""
    if not (len(country) == 2 and country.isascii() and country.isalpha()):  # never a path out of rules/mfn/
        raise RuleFileError(f"--import-into: expected an ISO alpha-2 country code (e.g. US, CA, MX), found {country!r}")
    file = (rules_dir or default_rules_dir()) / "mfn" / f"{country.lower()}.toml"
    if not file.exists():
        return None
    data = _read_toml(file)
    _resolve_sources(data, file)
    try:
        return MfnTable.model_validate({**data, "path": str(file)})
    except ValidationError as exc:
        raise RuleFileError(_format(file, exc)) from None


def import_mfn_table(country: str) -> MfnTable:
    """The general duty rates of the importing country a duty exposure is asked for (--import-into);
    a country without a table in rules/mfn/ is an error naming those that have one."""
    table = load_mfn_table(country)
    if table is None:
        known = sorted(p.stem.upper() for p in (default_rules_dir() / "mfn").glob("*.toml"))
        raise RuleFileError(f"--import-into {country}: roo-calc has no general (MFN) duty rates for {country.upper()}; "
                            f"expected one of {', '.join(known)} (rules/mfn/)")
    return table
