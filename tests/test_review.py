"""Reviewing: decisions honoured by the next run, the terminal review, the diff of two logs, the alignment
behind the HTML page."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.core import changelog
from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.review.html import cleaned_row_starts, cleaned_spans, row_starts
from tests.conftest import SAMPLE, invoke
from tests.review_stages import stand_in_stages


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with the sample in raw/, cleaned by the stand-in stages into cleaned/."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw" / "letters.txt")
    with stand_in_stages():
        code, _, err = invoke("run", "raw", "-o", "cleaned")
        assert code == 0, err
        yield tmp_path


def logged(folder: Path) -> list:
    return changelog.parse((folder / "cleaned" / "letters.changes.jsonl").read_text(encoding="utf-8"))[1]


def write_decisions(folder: Path, text: str) -> Path:
    path = folder / "rules" / "decisions" / "letters.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def differing_spans(old: str, new: str) -> list[tuple[str, str]]:
    """What differs between two texts with the same lines, character by character within changed lines."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    assert len(old_lines) == len(new_lines)
    spans = []
    for old_line, new_line in zip(old_lines, new_lines, strict=True):
        if old_line != new_line:
            matcher = difflib.SequenceMatcher(None, old_line, new_line, autojunk=False)
            spans += [
                (old_line[a:b], new_line[c:d]) for tag, a, b, c, d in matcher.get_opcodes() if tag != "equal"
            ]
    return spans


def test_a_rejected_change_and_an_accepted_suggestion_are_the_only_differences(project: Path) -> None:
    """The round trip: decide on two changes, run again, and the text differs in exactly those places."""
    before = (project / "cleaned" / "letters.txt").read_text(encoding="utf-8")
    changes = logged(project)
    rejected = next(c for c in changes if c.rule == "ocr/doubled-v" and c.applied)
    accepted = next(c for c in changes if c.rule == "ocr/doubled-apostrophe" and not c.applied)
    write_decisions(
        project,
        f'[[decision]]\nid = "{rejected.id}"\nverdict = "reject"\ncomment = "keep the scan\'s spelling"\n\n'
        f'[[decision]]\nid = "{accepted.id}"\nverdict = "accept"\n',
    )
    with stand_in_stages():
        code, _, err = invoke("run", "raw", "-o", "cleaned")
    assert code == 0 and "1 file cleaned" in err and "warning" not in err
    after = (project / "cleaned" / "letters.txt").read_text(encoding="utf-8")
    assert differing_spans(before, after) == [("", "V"), ("'", "")]
    notes = {c.id: (c.applied, c.note) for c in logged(project)}
    assert notes[rejected.id] == (False, "rejected in review")
    assert notes[accepted.id] == (True, "accepted in review")
    restored = invoke("restore", "cleaned/letters.txt", "cleaned/letters.changes.jsonl")[1]
    assert restored == SAMPLE.read_text(encoding="utf-8")


def test_a_changed_decision_makes_the_next_run_clean_the_file_again(project: Path) -> None:
    change = next(c for c in logged(project) if c.applied and c.stage == "reflow")
    with stand_in_stages():
        assert "0 files cleaned" in invoke("run", "raw", "-o", "cleaned")[2]
        write_decisions(project, f'[[decision]]\nid = "{change.id}"\nverdict = "reject"\n')
        assert "1 file cleaned" in invoke("run", "raw", "-o", "cleaned")[2]
        assert "0 files cleaned" in invoke("run", "raw", "-o", "cleaned")[2]
        write_decisions(project, "")
        assert "1 file cleaned" in invoke("run", "raw", "-o", "cleaned")[2]


def test_a_decision_whose_change_is_gone_is_a_warning_naming_the_file_and_id(project: Path) -> None:
    path = write_decisions(project, '[[decision]]\nid = "0123456789ab"\nverdict = "accept"\n')
    with stand_in_stages():
        code, _, err = invoke("run", "raw", "-o", "cleaned")
        assert code == 0
        assert f"scanclean: warning: {Path('rules/decisions/letters.toml')}: decision 0123456789ab" in err
        code, _, err = invoke("clean", "raw/letters.txt")
    assert code == 0 and f"{path.relative_to(project)}: decision 0123456789ab matches no change" in err


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '[[decision]]\nid = "ab"\nverdict = "yes"\n',
            'decision 1 (ab): verdict must be "accept" or "reject"',
        ),
        ('[[decision]]\nverdict = "accept"\n', "decision 1 has no id"),
        ('[accept]\nids = ["ab"]\n', "unknown table 'accept'"),
        ('[[decision]]\nid = "ab"\nverdict = "accept"\nwhy = "x"\n', "unknown key 'why'"),
        (
            '[[decision]]\nid = "ab"\nverdict = "accept"\n[[decision]]\nid = "ab"\nverdict = "reject"\n',
            "both",
        ),
        ("[[decision]\n", "not valid TOML"),
    ],
)
def test_a_malformed_decisions_file_fails_that_file_with_one_line(
    project: Path, text: str, problem: str
) -> None:
    write_decisions(project, text)
    code, _, err = invoke("run", "raw", "-o", "cleaned", "--force")
    assert code == 1 and "Traceback" not in err
    assert f"scanclean: {Path('rules/decisions/letters.toml')}: " in err and problem in err


def test_the_terminal_review_groups_by_stage_and_marks_each_change_in_its_raw_line(project: Path) -> None:
    code, out, _ = invoke("review", "cleaned/letters.changes.jsonl")
    assert code == 0 and "\x1b[" not in out  # plain when piped
    changes = logged(project)
    suggestions = sum(not c.applied for c in changes)
    assert out.splitlines()[0] == (
        f"letters.txt: {len(changes)} of {len(changes)} changes shown "
        f"({sum(c.applied for c in changes)} applied, {suggestions} suggestion{'s' * (suggestions != 1)})"
    )
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")][1:]
    assert [h.split(" ")[0] for h in headings] == list(dict.fromkeys(c.stage for c in changes))
    assert {"reflow", "ocr", "typography"} <= {h.split(" ")[0] for h in headings}
    assert "Stalin, [-VV-]{+V+}oroshilov," in out
    assert all(c.id in out for c in changes)


def test_review_filters_by_stage_rule_confidence_and_suggestions(project: Path) -> None:
    def ids(*options: str) -> set[str]:
        out = invoke("review", "cleaned/letters.changes.jsonl", *options)[1]
        return {line.split()[0] for line in out.splitlines() if line.startswith("  ") and line[2] != " "}

    changes = logged(project)
    assert ids("--stage", "typography") == {c.id for c in changes if c.stage == "typography"}
    assert ids("--rule", "ocr/*") == {c.id for c in changes if c.stage == "ocr"}
    assert ids("--rule", "doubled-v") == {c.id for c in changes if c.rule == "ocr/doubled-v"}
    assert ids("--below", "0.85") == {c.id for c in changes if c.confidence < 0.85}
    assert ids("--suggestions") == {c.id for c in changes if not c.applied} != set()


def test_review_without_the_cleaned_text_says_how_to_name_it(project: Path) -> None:
    (project / "cleaned" / "letters.txt").rename(project / "elsewhere.txt")
    code, _, err = invoke("review", "cleaned/letters.changes.jsonl")
    assert code == 1 and "name it with --cleaned FILE" in err
    code, out, _ = invoke("review", "cleaned/letters.changes.jsonl", "--cleaned", "elsewhere.txt")
    assert code == 0 and "[-VV-]{+V+}" in out


def test_diff_shows_what_a_new_run_added_removed_and_altered(project: Path) -> None:
    shutil.copy(project / "cleaned" / "letters.changes.jsonl", project / "old.changes.jsonl")
    changes = logged(project)
    rejected = next(c for c in changes if c.rule == "ocr/doubled-v")
    write_decisions(project, f'[[decision]]\nid = "{rejected.id}"\nverdict = "reject"\n')
    with stand_in_stages() as _, pytest.MonkeyPatch.context() as patch:
        from pipeline.stages import STAGES

        patch.setitem(STAGES, "typography", lambda document, settings: [])
        invoke("run", "raw", "-o", "cleaned")
    code, out, _ = invoke("diff", "old.changes.jsonl", "cleaned/letters.changes.jsonl")
    typography = [c for c in changes if c.stage == "typography"]
    assert code == 0
    assert out.splitlines()[0].endswith(
        f"0 added, {len(typography)} removed, 1 altered, {len(changes) - len(typography) - 1} unchanged"
    )
    assert f"~ {rejected.id}" in out and "applied → suggestion" in out
    assert all(f"- {c.id}" in out for c in typography)


def test_diff_refuses_logs_of_different_scans(project: Path) -> None:
    (project / "raw" / "letters.txt").write_text("Another scan.\n", encoding="utf-8")
    shutil.copy(project / "cleaned" / "letters.changes.jsonl", project / "old.changes.jsonl")
    invoke("run", "raw", "-o", "cleaned")
    code, _, err = invoke("diff", "old.changes.jsonl", "cleaned/letters.changes.jsonl")
    assert code == 1 and "logs of different scans" in err


# The alignment behind the HTML page, on random runs of several stages.
ALPHABET = st.sampled_from(list("ab \n\n-é"))


@st.composite
def documents(draw: st.DrawFn) -> Document:
    document = Document(draw(st.text(ALPHABET, max_size=50)))
    for stage in ("input", "reflow", "ocr", "typography"):
        cuts = sorted(draw(st.lists(st.integers(0, len(document.text)), max_size=8)))
        edits = [
            Edit(start, end, draw(st.text(ALPHABET, max_size=3)), "random", applied=draw(st.booleans()))
            for start, end in zip(cuts[::2], cuts[1::2], strict=False)
        ]
        document.apply(stage, edits)
    return document


@settings(max_examples=300)
@given(documents())
def test_each_change_is_found_in_the_cleaned_text_unless_a_later_change_touched_it(
    document: Document,
) -> None:
    changes = document.changes
    spans, _ = cleaned_spans(changes)
    for index, (change, (start, end)) in enumerate(zip(changes, spans, strict=True)):
        assert 0 <= start <= end <= len(document.text)
        covered = any(
            later.applied and later.raw_start <= change.raw_end and change.raw_start <= later.raw_end
            for later in changes[index + 1 :]
            if later.stage != change.stage
        )
        if change.applied and not covered:
            assert document.text[start:end] == change.after


@settings(max_examples=300)
@given(documents())
def test_rows_cut_both_texts_where_no_change_crosses(document: Document) -> None:
    changes = document.changes
    spans, shifts = cleaned_spans(changes)
    rows = row_starts(document.raw, changes, [])
    cleaned_rows = cleaned_row_starts(rows, shifts)
    assert cleaned_rows == sorted(cleaned_rows) and cleaned_rows[0] == 0
    raw_ends, cleaned_ends = [*rows[1:], len(document.raw)], [*cleaned_rows[1:], len(document.text)]
    for change, (start, end) in zip(changes, spans, strict=True):
        row = max(number for number, row_start in enumerate(rows) if row_start <= change.raw_start)
        assert change.raw_end <= raw_ends[row]
        assert cleaned_rows[row] <= start <= end <= cleaned_ends[row]


@pytest.mark.parametrize(
    ("raw", "stages", "rows", "spans"),
    [
        # Text inserted later where a deleted paragraph was takes the raw offset after it: it is in that row.
        ("\n\na", [[Edit(2, 3, "", "drop")], [Edit(2, 2, "b", "add")]], [0, 2], [(2, 2), (2, 3)]),
        # A deletion that ends where the row starts stays in the row before, ahead of that text.
        (
            "a\n\nb\n",
            [[Edit(1, 3, "", "drop"), Edit(3, 4, "", "drop")], [Edit(1, 1, "X", "add")]],
            [0, 1],
            [(1, 1), (1, 1), (1, 2)],
        ),
    ],
)
def test_text_inserted_where_a_row_starts_falls_in_that_row_in_the_cleaned_text(
    raw: str, stages: list[list[Edit]], rows: list[int], spans: list[tuple[int, int]]
) -> None:
    """Minimal cases hypothesis found: a point and text inserted there later, in the cleaned text."""
    document = Document(raw)
    for stage, edits in zip(("reflow", "ocr"), stages, strict=True):
        document.apply(stage, edits)
    found, shifts = cleaned_spans(document.changes)
    assert found == spans
    assert cleaned_row_starts(row_starts(raw, document.changes, []), shifts) == rows


def test_decisions_live_under_the_rules_folder_given_with_rules(project: Path) -> None:
    change = next(c for c in logged(project) if c.rule == "ocr/doubled-v")
    (project / "mine" / "decisions").mkdir(parents=True)
    (project / "mine" / "decisions" / "letters.toml").write_text(
        f'[[decision]]\nid = "{change.id}"\nverdict = "reject"\n', encoding="utf-8"
    )
    with stand_in_stages():
        code, out, err = invoke("clean", "raw/letters.txt", "--rules", "mine")
    assert code == 0 and "warning" not in err
    assert "Stalin, VVoroshilov," in out


def test_the_terminal_review_is_in_colour_on_a_terminal(project: Path) -> None:
    result = CliRunner().invoke(
        main, ["review", "cleaned/letters.changes.jsonl", "--rule", "doubled-v"], color=True
    )
    assert "\x1b[31m[-VV-]\x1b[0m\x1b[32m{+V+}\x1b[0m" in result.stdout
