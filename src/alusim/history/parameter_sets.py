"""Parameter sets written by ``alusim calibrate``: a best fit and an ensemble of good fits.

A parameter-set file (YAML) has ``parameters`` (the best fit, by dotted name) and, when the
calibration kept one, ``ensemble`` (a list of members, each a mapping of the same names). A run
that reads a file with an ensemble gives each Monte Carlo path one member
(:attr:`alusim.engine.inputs.EngineInputs.par_sets`), so the fans carry the uncertainty of the fit
as well as that of the random drivers.

The shipped calibration (``src/alusim/data/calibration/history_2015_2019.yaml``) is the default of
``alusim run`` and ``alusim backtest``; its best fit is also written into ``parameters.csv`` (rows
that name it as their source). ``--params FILE`` replaces it; ``--params none`` runs the dataset's
parameters alone, without an ensemble.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from alusim.errors import InputError

POINTER = "give a file written by `alusim calibrate` (docs/history.md)"


@dataclass(frozen=True)
class ParameterSet:
    """A best fit and its ensemble (members as overrides by dotted name); ``source`` says where from."""

    parameters: dict[str, float] = field(default_factory=dict)
    ensemble: tuple[dict[str, float], ...] = ()
    source: str = "the dataset defaults (parameters.csv)"

    @property
    def empty(self) -> bool:
        return not self.parameters and not self.ensemble


NONE = ParameterSet(source="the dataset's parameters alone (--params none)")


def shipped_path() -> Path:
    """The calibration shipped with the package."""
    return Path(str(resources.files("alusim") / "data" / "calibration" / "history_2015_2019.yaml"))


def read_parameter_set(path: Path, where: str | None = None) -> ParameterSet:
    """Read and check the form of a parameter-set file: one line naming the problem, or the set.
    (Names and ranges are checked against a dataset by :func:`checked`.) A file read before is taken
    from the cache of parsed files (:mod:`alusim.history.parameter_cache`), by its content."""
    from alusim.history import parameter_cache
    from alusim.scenario.yaml_budget import check_size

    where = where or f"--params {path}"
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", where=where, fix=POINTER)
    check_size(path.stat().st_size, where)
    raw = path.read_bytes()
    key = parameter_cache.content_key(raw)
    cached = parameter_cache.load(key)
    if cached is not None:
        try:
            return _from_document(cached, where, str(path))
        except InputError:
            pass                # not what this reader would have kept: read the file itself
    result = _from_document(_parse(raw, where), where, str(path))
    parameter_cache.store(key, result.parameters, result.ensemble)
    return result


def _parse(raw: bytes, where: str):
    from ruamel.yaml import YAML, YAMLError

    from alusim.scenario.yaml_budget import check_yaml_budget

    try:
        # universal newlines, as reading the file as text gives them
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        check_yaml_budget(text, where)
        return YAML(typ="safe").load(text)
    except (YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not YAML/JSON ({exc.__class__.__name__})", where=where, fix=POINTER) from None


def _from_document(document, where: str, source: str) -> ParameterSet:
    if not isinstance(document, dict):
        raise InputError("not a mapping with 'parameters'", where=where, fix=POINTER)
    values = _numbers(document.get("parameters"), f"{where}: parameters")
    raw = document.get("ensemble") or []
    if not isinstance(raw, list):
        raise InputError("'ensemble' is not a list of parameter mappings", where=where, fix=POINTER)
    members = tuple(_numbers(m, f"{where}: ensemble.{i}") for i, m in enumerate(raw))
    return ParameterSet(parameters=values, ensemble=members, source=source)


def _numbers(values, where: str) -> dict[str, float]:
    if not isinstance(values, dict) or not values:
        raise InputError("no mapping of parameter names to numbers", where=where, fix=POINTER)
    for name, value in values.items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise InputError(f"{name}: {value!r} is not a number", where=where, fix=POINTER)
    return {str(k): float(v) for k, v in values.items()}


def checked(dataset, params: ParameterSet, where: str) -> ParameterSet:
    """The set after every name is checked to be a known engine parameter and every value to lie in
    its range (``parameters.csv`` lower/upper); the first problem raises one :class:`InputError`."""
    from alusim.dataset.bounds import check_overrides

    reporting = dataset.reporting_only()
    for label, values in (("parameters", params.parameters),
                          *((f"ensemble.{i}", m) for i, m in enumerate(params.ensemble))):
        for name in values:
            if name in reporting:
                raise InputError(f"parameter {name!r} is reporting-only: the engine does not read it",
                                 where=f"{where}: {label}.{name}", fix=POINTER)
        check_overrides(dataset, values, where=f"{where}: {label}")
    return params


def resolve(dataset, value: str | Path | None) -> ParameterSet:
    """The parameter set a command runs with: ``None`` → the shipped calibration, ``"none"`` → the
    dataset alone, otherwise the file at ``value`` (checked against ``dataset``)."""
    if value is not None and str(value).strip().lower() == "none":
        return NONE
    path = shipped_path() if value is None else Path(value)
    where = "shipped calibration" if value is None else f"--params {value}"
    if not path.is_file():
        if value is None:
            return ParameterSet()
        raise InputError("file not found", where=where, fix=POINTER)
    return checked(dataset, _read_cached(path, where), where)


_READ: dict[tuple, ParameterSet] = {}


def _read_cached(path: Path, where: str) -> ParameterSet:
    """Read once per file version (runs, sweeps and tests prepare many scenarios)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, where)
    if key not in _READ:
        if len(_READ) > 32:
            _READ.clear()
        _READ[key] = read_parameter_set(path, where)
    return _READ[key]
