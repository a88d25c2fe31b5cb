"""Plotly figures as plain dicts: the subset of ``go.Figure`` and ``make_subplots`` the reports use.

Building ``plotly.graph_objects`` figures validates every property on every assignment and deep-copies
the template each time a layout is updated; for the nine figures of a run report that took about a
second. A :class:`FigureSpec` holds the same ``{"data": [...], "layout": {...}}`` a figure's
``to_dict()`` returns — the values in the form plotly's validators leave them (numpy arrays, lists,
timestamps) — and serialises it with plotly's own encoder, so the HTML is the same figure.
``to_plotly()`` gives a ``go.Figure`` for callers that want one; tests check that plotly's validation
leaves a spec unchanged.

Only what the reports use is supported: traces as dicts, a column of subplots sharing the x axis
(optionally a secondary y axis per row), annotations, horizontal and vertical lines, and layout and
axis updates (``title_text`` style names included).
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

#: layout keys that plotly holds as objects: set to None they become empty objects, not absent
_COMPOUND = {"title", "legend", "margin", "font", "xaxis", "yaxis", "hoverlabel"}
#: horizontal space make_subplots keeps for a secondary y axis on the right (its ``secondary_y`` specs)
_SECONDARY_Y_RIGHT = 0.06


def _expand(updates: dict) -> dict:
    """``title_text="x"`` → ``{"title": {"text": "x"}}`` (plotly's "magic underscore" names)."""
    out: dict = {}
    for key, value in updates.items():
        parts = key.split("_") if "_" in key and key.split("_")[0] in _UNDERSCORE_ROOTS else [key]
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        last = parts[-1]
        if isinstance(value, dict) and isinstance(target.get(last), dict):
            _merge(target[last], value)
        else:
            target[last] = value
    return out


#: the prefixes of magic-underscore names the reports use (``title_text``, ``font_size``…)
_UNDERSCORE_ROOTS = {"title", "font", "line", "marker", "legend", "margin"}


def _merge(target: dict, updates: dict, compound: set[str] = frozenset()) -> None:
    """Recursive update as ``fig.update_layout`` does it: dicts merge into dicts, None clears."""
    for key, value in updates.items():
        if value is None:
            if key in compound:
                target[key] = {}
            else:
                target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value) if isinstance(value, dict | list) else value


@lru_cache(maxsize=8)
def _template_json(name: str) -> str:
    """A named plotly template as plotly ships it (what ``layout.template = name`` expands to)."""
    import plotly

    path = Path(plotly.__file__).with_name("package_data") / "templates" / f"{name}.json"
    return path.read_text(encoding="utf-8")


def template(name: str) -> dict:
    return json.loads(_template_json(name))


class FigureSpec:
    """A plotly figure as ``data`` (list of trace dicts) and ``layout`` (dict)."""

    def __init__(self, data: list[dict] | None = None, layout: dict | None = None) -> None:
        self.data: list[dict] = list(data or [])
        self.layout: dict = dict(layout or {})
        self._grid: list[tuple[str, str, str | None]] | None = None   # per row: x axis, y axis, secondary y

    # -- building ----------------------------------------------------------------------------
    def add_trace(self, trace: dict, row: int | None = None, col: int | None = None,
                  secondary_y: bool | None = None) -> FigureSpec:
        trace = dict(trace)
        if row is not None and self._grid is not None:
            x, y, y2 = self._grid[row - 1]
            trace["xaxis"], trace["yaxis"] = x, (y2 if secondary_y and y2 else y)
        self.data.append(trace)
        return self

    def add_annotation(self, **annotation) -> FigureSpec:
        self.layout.setdefault("annotations", []).append(_expand(annotation))
        return self

    def _shape(self, shape: dict) -> None:
        self.layout.setdefault("shapes", []).append(shape)

    def add_hline(self, y: float, line: dict | None = None, row: int | None = None, col: int | None = None) -> FigureSpec:
        x, yax = ("x", "y") if row is None or self._grid is None else self._grid[row - 1][:2]
        self._shape({"line": dict(line or {}), "type": "line", "x0": 0, "x1": 1, "xref": f"{x} domain",
                     "y0": y, "y1": y, "yref": yax})
        return self

    def add_vline(self, x: float, line: dict | None = None) -> FigureSpec:
        self._shape({"line": dict(line or {}), "type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1,
                     "yref": "y domain"})
        return self

    def update_layout(self, updates: dict | None = None, **kwargs) -> FigureSpec:
        updates = _expand({**(updates or {}), **kwargs})
        if isinstance(updates.get("template"), str):
            updates["template"] = template(updates["template"])
        _merge(self.layout, updates, _COMPOUND)
        return self

    def update_annotations(self, **kwargs) -> FigureSpec:
        for annotation in self.layout.get("annotations", []):
            _merge(annotation, _expand(kwargs))
        return self

    def _axes(self, letter: str, row: int | None, secondary_y: bool | None) -> list[str]:
        if self._grid is None:
            return [f"{letter}axis"]
        rows = range(len(self._grid)) if row is None else [row - 1]
        names = []
        for r in rows:
            x, y, y2 = self._grid[r]
            if letter == "x":
                names.append(_axis_name(x))
            else:
                if secondary_y is not True:
                    names.append(_axis_name(y))
                if y2 and secondary_y is not False:
                    names.append(_axis_name(y2))
        return names

    def update_xaxes(self, row: int | None = None, col: int | None = None, **kwargs) -> FigureSpec:
        for name in self._axes("x", row, None):
            _merge(self.layout.setdefault(name, {}), _expand(kwargs))
        return self

    def update_yaxes(self, row: int | None = None, col: int | None = None, secondary_y: bool | None = None,
                     **kwargs) -> FigureSpec:
        for name in self._axes("y", row, secondary_y):
            _merge(self.layout.setdefault(name, {}), _expand(kwargs))
        return self

    # -- output ------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """``{"data", "layout"}`` with numeric arrays as plotly.js typed arrays, as ``go.Figure.to_dict``."""
        from _plotly_utils.utils import convert_to_base64

        out = {"data": _containers_copied(self.data), "layout": _containers_copied(self.layout)}
        convert_to_base64(out)
        return out

    def to_plotly(self):
        """The same figure as a validated ``plotly.graph_objects.Figure``."""
        import plotly.graph_objects as go

        return go.Figure({"data": copy.deepcopy(self.data), "layout": copy.deepcopy(self.layout)})

    def to_html(self, **kwargs) -> str:
        """``plotly.io.to_html`` of this figure (same arguments as ``go.Figure.to_html``)."""
        import plotly.io as pio

        return pio.to_html(self.to_dict(), validate=False, **kwargs)


def _containers_copied(value):
    """``value`` with its dicts, lists and tuples copied and the leaves shared: what
    ``convert_to_base64`` needs, as it replaces values inside containers but never changes a leaf
    (it encodes a copy of each array). ``copy.deepcopy`` also copied every array and string."""
    if isinstance(value, dict):
        return {k: _containers_copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_containers_copied(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_containers_copied(v) for v in value)
    return value


def _axis_name(ref: str) -> str:
    """``"x2"`` → ``"xaxis2"``, ``"y"`` → ``"yaxis"``."""
    return f"{ref[0]}axis{ref[1:]}"


def subplots_column(rows: int, vertical_spacing: float, titles: tuple[str, ...] = (),
                    secondary_y: tuple[bool, ...] = ()) -> FigureSpec:
    """``make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=…, subplot_titles=…,
    specs=[[{"secondary_y": …}], …])`` as a spec: axes, domains and title annotations."""
    secondary = tuple(secondary_y) + (False,) * (rows - len(secondary_y))
    x_right = 1.0 - _SECONDARY_Y_RIGHT if any(secondary) else 1.0
    height = (1.0 - vertical_spacing * (rows - 1)) / rows
    fig = FigureSpec()
    grid, y_next = [], rows + 1
    for r in range(rows):   # row 1 is the top panel
        top = 1.0 - r * (height + vertical_spacing)
        bottom = top - height
        n = "" if r == 0 else str(r + 1)
        y2 = None
        if secondary[r]:
            y2, y_next = f"y{y_next}", y_next + 1
        grid.append((f"x{n}", f"y{n}", y2))
        x_axis = {"anchor": f"y{n}", "domain": [0.0, x_right]}
        if r < rows - 1:
            x_axis.update(matches=f"x{rows}", showticklabels=False)
        fig.layout[f"xaxis{n}"] = x_axis
        fig.layout[f"yaxis{n}"] = {"anchor": f"x{n}", "domain": [_clean(max(bottom, 0.0)), _clean(top)]}
    for x, y, y2 in grid:
        if y2:
            fig.layout[_axis_name(y2)] = {"anchor": x, "overlaying": y, "side": "right"}
    fig._grid = grid
    for r, text in enumerate(titles):
        domain = fig.layout[_axis_name(grid[r][1])]["domain"]
        fig.layout.setdefault("annotations", []).append(
            {"font": {"size": 16}, "showarrow": False, "text": text, "x": _clean(x_right / 2), "xanchor": "center",
             "xref": "paper", "y": domain[1], "yanchor": "bottom", "yref": "paper"})
    return fig


def _clean(value: float) -> float:
    """Domains rounded as make_subplots leaves them (0.555, not 0.5549999999999999)."""
    return round(value, 12)
