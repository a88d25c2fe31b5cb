"""The Scenario page: start from a shipped scenario or a template, edit settings and events with a
form per event type, run, save."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from alusim.app import drafts, jobs
from alusim.app.session import dataset, draft, key, options, progress_fragment, server_alive, set_draft, store
from alusim.errors import InputError

NEW = "(empty scenario)"


def scenario_page() -> None:
    from alusim.scenario.catalogue import catalogue_names

    st.header("Scenario")
    current = draft()
    c1, c2 = st.columns([3, 1])
    choice = c1.selectbox("Start from a shipped scenario or a template", [*catalogue_names(), NEW], key="source")
    if c2.button("Load", key="load"):
        set_draft(drafts.draft_from(choice) if choice != NEW else
                  {"name": "my-scenario", "description": "", "start": "2025-01", "end": "2035-12", "paths": 1000,
                   "seed": 7, "assumptions": {}, "events": []})
        st.session_state.pop("problem", None)
        st.rerun()
    settings_form(current)
    events_block(current)
    event_form(current)
    run_block(current)
    save_block(current)


def settings_form(current: dict) -> None:
    with st.form(key("settings")):
        st.subheader(f"{current['name']} — settings")
        cols = st.columns(5)
        values = {field: cols[i].text_input(field, str(current.get(field, "")), key=key(f"set-{field}"))
                  for i, field in enumerate(("name", "start", "end", "paths", "seed"))}
        description = st.text_area("description", current.get("description", ""), key=key("set-description"))
        if st.form_submit_button("Apply settings"):
            candidate = {**current, **{k: drafts.scalar(v) for k, v in values.items()}, "description": description}
            try:
                drafts.check_draft(candidate, dataset(options().data))
            except InputError as exc:
                st.error(str(exc))
            else:
                set_draft(candidate)
                st.rerun()


def events_block(current: dict) -> None:
    st.subheader(f"Events ({len(current.get('events', []))})")
    for i, event in enumerate(current.get("events", [])):
        details = ", ".join(f"{k}={v}" for k, v in event.items() if k not in ("type", "source", "start", "end"))
        cols = st.columns([6, 1, 1])
        cols[0].markdown(f"**{i}. `{event['type']}`** {event.get('start', '')}…{event.get('end', '')} — {details}")
        if cols[1].button("Edit", key=key(f"edit-{i}")):
            st.session_state["editing"] = i
            st.session_state.pop("problem", None)
            st.rerun()
        if cols[2].button("Remove", key=key(f"remove-{i}")):
            set_draft(drafts.without_event(current, i))
            st.session_state.pop("editing", None)
            st.rerun()


def field_widget(f, value, choices: dict, prefix: str):
    """One form widget for a field of the event reference; returns its raw value."""
    label = f"{f.name} ({f.unit})" if f.unit else f.name
    wkey = key(f"{prefix}-{f.name}")
    if f.name in ("target", "from"):
        value = value or {}
        st.markdown(f"**{f.name}** — {f.meaning}")
        cols = st.columns(3)
        parts = {}
        for j, part in enumerate(drafts.TARGET_KEYS):
            current = value.get(part)
            if part == "compliant":
                options = ["", True, False]
                parts[part] = cols[j % 3].selectbox(part, options, index=options.index(current) if current in options
                                                    else 0, key=f"{wkey}-{part}") or None
                parts[part] = None if parts[part] == "" else parts[part]
                continue
            selected = current if isinstance(current, list) else ([current] if current else [])
            parts[part] = cols[j % 3].multiselect(part, choices.get(part, []),
                                                  default=[s for s in selected if s in choices.get(part, [])],
                                                  key=f"{wkey}-{part}")
        return parts
    if f.allowed.startswith("one of "):
        options = ["", *f.allowed.removeprefix("one of ").split(", ")]
        return st.selectbox(label, options, index=options.index(str(value)) if str(value) in options else 0,
                            key=wkey, help=f.meaning)
    if f.name == "months":
        return st.multiselect(label, list(range(1, 13)), default=value or [], key=wkey, help=f.meaning)
    if isinstance(value, dict) or f.name in ("path",):
        text = st.text_area(label, drafts.to_yaml(value) if value else "", key=wkey, help=f.meaning + " (YAML)")
        return drafts.yaml_mapping(text)
    return st.text_input(label, "" if value is None else str(value), key=wkey, help=f.meaning)


def event_form(current: dict) -> None:
    from alusim.scenario.model import EVENT_TYPES
    from alusim.scenario.reference import SUMMARY, fields_of

    editing = st.session_state.get("editing")
    existing = current["events"][editing] if editing is not None and editing < len(current["events"]) else None
    st.subheader(f"Edit event {editing}" if existing else "Add an event")
    types = list(EVENT_TYPES)
    event_type = st.selectbox("event type", types, index=types.index(existing["type"]) if existing else
                              types.index("production_cut"), key=key(f"type-{editing}"))
    st.caption(SUMMARY[event_type] + " — fields, units and examples: `alusim scenario events " + event_type + "`")
    problem = st.session_state.get("problem")
    choices = drafts.target_choices(dataset(options().data))
    prefix = f"ev-{editing}-{event_type}"
    with st.form(key(f"event-{editing}-{event_type}")):
        values = {}
        placed = False
        for f in fields_of(event_type):
            value = existing.get(f.name) if existing and existing["type"] == event_type else None
            if value is None and f.name == "start" and not existing:
                value = current.get("start")
            values[f.name] = field_widget(f, value, choices, prefix)
            if problem is not None and problem.field == f.name:
                st.error(problem.message)
                placed = True
        if problem is not None and not placed:
            st.error(problem.message)
        submitted = st.form_submit_button("Save event" if existing else "Add event")
    if existing and st.button("Cancel editing", key=key("cancel")):
        st.session_state.pop("editing", None)
        st.session_state.pop("problem", None)
        st.rerun()
    if submitted:
        event = drafts.event_from_form(event_type, values)
        new, problem = drafts.try_event(current, event, editing if existing else None, dataset(options().data))
        if problem is not None:
            st.session_state["problem"] = problem
        else:
            st.session_state.pop("problem", None)
            st.session_state.pop("editing", None)
            set_draft(new)
        st.rerun()


def run_block(current: dict) -> None:
    st.subheader("Run")
    cols = st.columns([1, 1, 3])
    paths = cols[0].number_input("paths", 1, 200_000, int(current.get("paths", 1000)), key=key("run-paths"))
    if cols[1].button("Run", type="primary", key="run"):
        candidate = {**current, "paths": int(paths)}
        try:
            drafts.check_draft(candidate, dataset(options().data))
        except InputError as exc:
            st.error(str(exc))
        else:
            st.session_state["job"] = jobs.start_job(drafts.to_yaml(candidate), store().root, options().data,
                                                     queue_only=server_alive())
            st.session_state.pop("done_message", None)
    if st.session_state.get("job"):
        progress_fragment()
    elif st.session_state.get("done_message"):
        st.success(st.session_state["done_message"])


def save_block(current: dict) -> None:
    st.subheader("Save")
    cols = st.columns([3, 1, 1])
    target = cols[0].text_input("file", f"{current['name']}.yaml", key=key("save-path"))
    if cols[1].button("Save YAML", key="save"):
        try:
            path = drafts.save_draft(current, Path(target).expanduser(), dataset(options().data))
        except InputError as exc:
            st.error(str(exc))
        else:
            st.success(f"saved {path}")
    cols[2].download_button("Download YAML", drafts.to_yaml(current).encode(), file_name=f"{current['name']}.yaml",
                            key="download-yaml")
