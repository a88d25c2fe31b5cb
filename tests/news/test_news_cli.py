"""`alusim news` as an analyst uses it: the seed-004 draft, accepting events, running the draft, and
one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from alusim.cli import main
from alusim.news import draft_from_text
from alusim.scenario import dump_scenario, parse_scenario_text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SEED_004 = next((HERE.parents[2] / "shared" / "seeds").glob("004_*.txt"), None) \
    if (HERE.parents[2] / "shared" / "seeds").is_dir() else None
TEXT = ("Yunnan smelters will cut production by 300,000 tonnes from March because of the dry season. "
        "Chalco denied plans to restart its Zunyi plant. SHFE aluminium fell 1,000 yuan per ton.")


def news_json(capsys, *args: str) -> dict:
    assert main(["news", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err and "Traceback" not in err, err
    return err


@pytest.mark.skipif(SEED_004 is None, reason="../shared/seeds is not present")
def test_seed_004_yields_the_three_claims_of_issue_14(capsys, tmp_path):
    draft = news_json(capsys, str(SEED_004), "--published", "2017-07-15", "--out", str(tmp_path / "d.yaml"))
    found = {(e["event_type"], json.dumps(e["target"], sort_keys=True), e["magnitude"], e["start"])
             for e in draft["events"]}
    assert ("suspend_construction", '{"province": ["Xinjiang"]}', 2000.0, "2017-04") in found
    assert ("production_cut", '{"owner": ["Weiqiao"], "province": ["Shandong"]}', 250.0, "2017-06") in found
    assert ("close_noncompliant", '{"owner": ["Weiqiao", "Xinfa"], "province": ["Shandong"]}', 2600.0,
            "2017-07") in found
    text = SEED_004.read_text()
    for event in draft["events"]:
        start, end = event["span"]
        assert text[start:end] == event["quote"]
    assert any("Xinjiang were ordered to stop" in e["quote"] for e in draft["events"])
    yaml_text = (tmp_path / "d.yaml").read_text()
    assert "as_written: 2017-04" in yaml_text and "start: 2025-04" in yaml_text     # replayed on 2025


def test_the_table_prints_each_event_beside_its_quote(capsys):
    article = HERE / "corpus" / "04_export_rebate.txt"
    assert main(["news", str(article), "--published", "2024-11-16"]) == 0
    out = capsys.readouterr().out
    assert "export_rebate" in out and "2024-12" in out and "finance" in out and "announced" in out


def test_a_draft_validates_only_once_its_events_are_accepted_and_then_runs(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text(TEXT)
    draft = tmp_path / "draft.yaml"
    assert main(["news", str(article), "--published", "2025-01-10", "--out", str(draft)]) == 0
    capsys.readouterr()
    assert main(["scenario", "validate", str(draft)]) == 2
    err = one_error_line(capsys)
    assert "not yet accepted" in err and "source.accepted: true" in err
    # the analyst accepts the proposed event
    draft.write_text(draft.read_text().replace("accepted: false", "accepted: true"))
    scenario = parse_scenario_text(draft.read_text())
    proposed = [e for e in scenario.events if not isinstance(e.source, str)]
    assert [e.type for e in proposed] == ["power_curtailment"]
    assert proposed[0].source.quote.startswith("Yunnan smelters will cut production")
    assert "Chalco" not in draft.read_text().split("events:")[1]          # the denied restart is no event
    assert parse_scenario_text(dump_scenario(scenario)) == scenario        # what a run writes reads back
    assert main(["run", str(draft), "--paths", "2", "--no-store", "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "report.html").is_file()


def test_accept_by_status(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("Yunnan smelters cut production by 300,000 tonnes in March. Sources said Guangxi may "
                       "restart 200,000 tonnes of capacity in June.")
    draft = tmp_path / "d.yaml"
    assert main(["news", str(article), "--published", "2025-04-10", "--accept", "enacted", "--out", str(draft)]) == 0
    text = draft.read_text().split("\nevents:")[1]
    assert text.count("accepted: true") == 1 and text.count("accepted: false") == 1
    assert "status: rumoured" in text and "probability: 0.3" in text


def test_html_is_read_as_visible_text_and_scripts_are_not_run_or_read(tmp_path, capsys):
    page = tmp_path / "a.html"
    page.write_text("<html><head><title>x</title><script>fetch('http://example.com'); "
                    "document.write('Chalco will cut output by 900,000 tonnes in March')</script></head>"
                    "<body><p>Yunnan smelters will cut production by 300,000 tonnes from March.</p>"
                    "<style>p {}</style></body></html>")
    draft = news_json(capsys, str(page), "--published", "2025-01-10")
    assert [(e["event_type"], e["magnitude"]) for e in draft["events"]] == [("production_cut", 300.0)]
    assert all("Chalco" not in e["quote"] for e in draft["events"])


def test_standard_input_and_markdown(tmp_path):
    done = subprocess.run([sys.executable, "-m", "alusim", "news", "-", "--published", "2025-01-10", "--json"],
                          input="## Supply\n\n**Yunnan** smelters will cut production by 300,000 tonnes from March.\n",
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    events = json.loads(done.stdout)["events"]
    assert [(e["event_type"], e["target"], e["start"]) for e in events] == \
        [("production_cut", {"province": ["Yunnan"]}, "2025-03")]


def test_text_without_events_gives_an_empty_draft_and_says_so(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("Aluminium stocks in LME warehouses fell to 520,000 tonnes.")
    draft = tmp_path / "d.yaml"
    assert main(["news", str(article), "--published", "2025-01-10", "--out", str(draft)]) == 0
    assert "no event found" in capsys.readouterr().out
    assert parse_scenario_text(draft.read_text()).name.startswith("news-")          # the baseline, valid


@pytest.mark.parametrize("content,args,needle", [
    (None, [], "article file not found"),
    (b"", [], "no text"),
    (b"   \n\n ", [], "no text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", [], "binary"),
    (b"a" * 5_000_001, [], "MB"),
    (b"\xff\xfe\xfa not utf-8", [], "UTF-8"),
    (b"Yunnan cut output.", ["--published", "2017-13-45"], "--published"),
    (b"Yunnan cut output in March.", [], "no publication date"),
    (b"Yunnan cut output.", ["--published", "2025-01-01", "--accept", "maybe"], "--accept"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, content, args, needle):
    article = tmp_path / "a.txt"
    if content is not None:
        article.write_bytes(content)
    out = tmp_path / "d.yaml"
    assert main(["news", str(article), *args, "--out", str(out)]) == 2
    assert needle in one_error_line(capsys)
    assert not out.exists()


def test_the_python_api_gives_spans_into_the_text():
    draft = draft_from_text(TEXT, "2025-01-10")
    assert [e.event_type for e in draft.events] == ["power_curtailment"]
    for item in draft.events + draft.observations:
        assert draft.text[item.span[0]:item.span[1]] == item.quote
    kinds = {o.kind for o in draft.observations}
    assert {"denied", "price"} <= kinds
    assert draft.as_dict()["published"] == "2025-01-10"


def test_string_sources_still_validate_and_article_sources_round_trip():
    text = ("name: t\nevents:\n  - type: production_cut\n    target: {province: Yunnan}\n    kt: 100\n"
            "    start: 2025-03\n    source: 'a plain source'\n"
            "  - type: production_cut\n    target: {province: Yunnan}\n    kt: 100\n    start: 2025-04\n"
            "    source: {article: a.txt, quote: 'Yunnan cut 100 kt.', span: [0, 18], confidence: 0.8}\n")
    scenario = parse_scenario_text(text)
    assert scenario.events[0].source_text == "a plain source"
    assert scenario.events[1].source.accepted is True
    assert 'a.txt: "Yunnan cut 100 kt."' in scenario.events[1].source_text
    assert parse_scenario_text(dump_scenario(scenario)) == scenario


def test_the_command_says_when_accepted_events_would_not_run(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("Sources said Yunnan may cut production by 100,000 tonnes in March. People familiar with "
                       "the matter said Guangxi could restart 200,000 tonnes in June. Henan is reportedly "
                       "considering a 50,000 tonne cut in July.")
    draft = tmp_path / "d.yaml"
    assert main(["news", str(article), "--published", "2025-01-10", "--accept", "all", "--out", str(draft)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "do not run as drafted" in out and "at most 6" in out          # 4 dry seasons + 3 rumours
    assert "carry a probability and the engine allows 6" in draft.read_text()
