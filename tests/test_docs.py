"""docs/model.md cannot name what the code does not have.

* Appendix A is exactly what ``docs/gen_parameters.py`` generates from the scenario schema.
* Every dotted parameter path written in backticks or in a code block (``paperwork.note_minutes``,
  ``turnover.time_to_fill_weeks.mean``) is a parameter of the schema.
* The outputs section (1.2) documents exactly the summary metrics of ``METRICS``, the weekly columns, the event kinds
  and the day-record fields, and names no other output in backticks.
* The random streams of section 5.2 and the calibration bands of section 7 are those in the code.
* The README's sections on the model and the evidence name only existing parameters and metrics.

Pure text checks and one subprocess: no simulation runs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.experiments import validation
from simulator.inputs.scenario import parameter_table
from simulator.model import events as event_module
from simulator.model.streams import STREAM_NAMES
from simulator.outputs import logcolumns, metrics, weekly
from simulator.outputs.catalog import WEEKLY
from simulator.outputs.metrics import METRICS

ROOT = Path(__file__).resolve().parent.parent
MODEL_MD = ROOT / "docs" / "model.md"
README = ROOT / "README.md"
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_TABLE_NAME = re.compile(r"^\| `([^`]+)`((?:, `[^`]+`)*) \|", re.MULTILINE)
_FILE_SUFFIXES = {"py", "md", "yaml", "yml", "csv", "json", "html"}


@pytest.fixture(scope="module")
def document() -> str:
    return MODEL_MD.read_text(encoding="utf-8")


def _parameter_paths() -> set[str]:
    """Every dotted path a scenario accepts: the schema's, and ``.mean``/``.sd`` of a distribution."""
    paths: set[str] = set()
    for row in parameter_table():
        path = str(row["path"])
        paths.add(path)
        if isinstance(row["default"], dict):
            paths.update(f"{path}.{key}" for key in row["default"])
    return paths


def _sections() -> set[str]:
    return {path.split(".")[0] for path in _parameter_paths() if "." in path}


def _code_texts(text: str) -> list[str]:
    """The content of every fenced code block and every inline code span outside them."""
    blocks = _FENCE.findall(text)
    prose = _FENCE.sub("", text)
    return blocks + _CODE_SPAN.findall(prose)


def _dotted_paths(text: str) -> set[str]:
    """Dotted names starting with a scenario section (``staff.``, ``paperwork.``, ...) in code spans and blocks; file
    names and module paths (``simulator.model.burnout``, ``model/burnout.py``) are not parameter paths."""
    sections = "|".join(sorted(_sections()))
    pattern = re.compile(rf"(?<![\w.])((?:{sections})(?:\.[a-z_][a-z0-9_]*)+)")
    found: set[str] = set()
    for code in _code_texts(text):
        for match in pattern.finditer(code):
            path = match.group(1)
            if path.rsplit(".", 1)[1] not in _FILE_SUFFIXES:
                found.add(path)
    return found


def _section(text: str, heading: str) -> str:
    """The text under a heading (``### 1.2 Model outputs``) up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = text.index(f"\n{heading}\n")
    ends = [m.start() for m in re.finditer(rf"^#{{1,{len(level)}}} ", text[start + 1:], re.MULTILINE)]
    end = start + 1 + ends[1] if len(ends) > 1 else len(text)
    return text[start:end]


def _table_names(text: str) -> list[str]:
    """The names in backticks that start the rows of the tables in ``text`` (several per cell allowed)."""
    names: list[str] = []
    for first, more in _TABLE_NAME.findall(text):
        names.append(first)
        names.extend(re.findall(r"`([^`]+)`", more))
    return names


def test_the_parameter_appendix_is_generated_from_the_schema() -> None:
    check = subprocess.run([sys.executable, "docs/gen_parameters.py", "--check", "docs/model.md"], cwd=ROOT,
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr  # run: python docs/gen_parameters.py --write docs/model.md


def test_every_dotted_parameter_path_in_the_text_exists(document: str) -> None:
    appendix = document.index("<!-- parameters:start -->")
    named = _dotted_paths(document[:appendix])
    assert len(named) >= 60, sorted(named)  # the check is not vacuous: the prose names most parameters
    unknown = sorted(named - _parameter_paths())
    assert not unknown, f"docs/model.md names parameters the schema does not have: {unknown}"


def test_the_readme_model_sections_name_only_existing_parameters_and_metrics() -> None:
    readme = README.read_text(encoding="utf-8")
    text = _section(readme, "## The model in a paragraph") + _section(readme, "## The evidence and its limits")
    assert sorted(_dotted_paths(text) - _parameter_paths()) == []
    metric_like = {name for name in _CODE_SPAN.findall(text) if re.fullmatch(r"[a-z]+(?:_[a-z0-9]+){2,}", name)}
    assert sorted(metric_like - {metric.name for metric in METRICS}) == []


def test_the_path_check_sees_paths_in_spans_and_blocks_but_not_file_names() -> None:
    text = ("`paperwork.note_minutes.mean` and `7 × burnout.ee_time_constant_weeks`, not `model/burnout.py` nor "
            "`simulator.model.burnout` nor `burnout.py`; `1/demand.no_show_rate`\n"
            "```text\nx = turnover.contagion × y\n```\n")
    assert _dotted_paths(text) == {"paperwork.note_minutes.mean", "burnout.ee_time_constant_weeks",
                                   "demand.no_show_rate", "turnover.contagion"}


def test_the_outputs_section_documents_exactly_the_summary_metrics(document: str) -> None:
    table = _table_names(_section(_section(document, "### 1.2 Model outputs"), "#### Summary metrics"))
    assert table == [metric.name for metric in METRICS]


def test_the_outputs_section_documents_exactly_the_weekly_columns(document: str) -> None:
    table = _table_names(_section(_section(document, "### 1.2 Model outputs"), "#### Weekly series"))
    assert table == [column.name for column in WEEKLY if column.name != "replication"]


def test_the_outputs_section_documents_exactly_the_event_kinds_and_day_fields(document: str) -> None:
    outputs = _section(document, "### 1.2 Model outputs")
    assert _table_names(_section(outputs, "#### The event log")) == [kind.value for kind in event_module.Kind]
    assert _table_names(_section(outputs, "#### Day records")) == list(event_module.DAY_FIELDS)


def test_the_outputs_section_names_no_output_that_does_not_exist(document: str) -> None:
    """A snake_case name in backticks in section 1.2 is an output, a log field, a parameter or a name of the output
    code; a misspelt metric (``ee_high_shar``) fails here."""
    outputs = _section(document, "### 1.2 Model outputs")
    known = ({metric.name for metric in METRICS} | {column.name for column in WEEKLY}
             | set(event_module.DAY_FIELDS) | {kind.value for kind in event_module.Kind}
             | set(event_module.STATUSES) | {path.rsplit(".", 1)[-1] for path in _parameter_paths()}
             | {name for module in (metrics, weekly, logcolumns, event_module) for name in dir(module)})
    snake = [name for name in _CODE_SPAN.findall(outputs) if re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", name)]
    assert len(snake) >= 40
    assert sorted(set(snake) - known) == []


def test_the_stream_table_lists_exactly_the_registered_streams(document: str) -> None:
    table = _table_names(_section(document, "### 5.2 Random sampling"))
    assert sorted(table) == sorted(STREAM_NAMES)


def test_the_calibration_bands_are_those_the_code_checks(document: str) -> None:
    section = _section(document, "## 7 Verification and validation")
    rows = re.findall(r"^\| `([a-z_0-9]+)` \| [^|]+ \| ([^|]+) \|", section, re.MULTILINE)
    assert [metric for metric, _ in rows] == [target.metric for target in validation.TARGETS]
    for (metric, band), target in zip(rows, validation.TARGETS, strict=True):
        if not target.checked:
            assert band.strip() == "not checked", metric
            continue
        low, high = (float(bound) for bound in band.strip().split("-"))
        assert (low, high) == (target.low, target.high), metric
    names = {metric.name for metric in METRICS}
    assert {metric for metric, _ in rows} <= names
