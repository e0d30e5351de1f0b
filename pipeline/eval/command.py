"""``scanclean eval``: parses options, loads the documents, calls the evaluation, prints the report."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.core.settings import Settings
from pipeline.eval.datasets import DATASETS, EvalDataError, load_dataset, load_folders, load_manifest
from pipeline.eval.evaluate import EvalOptions, evaluate
from pipeline.eval.report import format_table, summarise


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(name.strip() for name in (value or "").split(",") if name.strip())


@click.command(name="eval")
@click.argument("raw", required=False, type=click.Path(path_type=Path))
@click.argument("gold", required=False, type=click.Path(path_type=Path))
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path), help="RAW<TAB>GOLD lines.")
@click.option(
    "--dataset",
    "datasets",
    multiple=True,
    type=click.Choice(sorted(DATASETS)),
    help="A shared data set by name (repeat for several).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the shared data sets (default ../shared/eval next to the repository).",
)
@click.option("--layout", is_flag=True, help="Count whitespace and line-end hyphens as errors too.")
@click.option("--no-ablation", is_flag=True, help="Do not rerun with each stage switched off (faster).")
@click.option(
    "--errors", "errors", default=0, type=click.IntRange(0), metavar="N", help="List the N commonest errors."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--totals", is_flag=True, help="Print only the totals, not a row a file.")
@click.option("--by-rule", is_flag=True, help="Also judge the changes rule by rule (ocr/split-words ...).")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1), help="Worker processes.")
@click.option("--only", metavar="STAGES", help="Run only these stages (a,b,...).")
@click.option("--skip", metavar="STAGES", help="Leave these stages out (a,b,...).")
@click.option(
    "--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), help="User rules folder."
)
@click.option("--set", "overrides", multiple=True, metavar="FILE.KEY=VALUE", help="Override one rule.")
def eval_command(
    raw: Path | None,
    gold: Path | None,
    manifest: Path | None,
    datasets: tuple[str, ...],
    data_dir: Path | None,
    layout: bool,
    no_ablation: bool,
    errors: int,
    as_json: bool,
    totals: bool,
    by_rule: bool,
    jobs: int,
    only: str | None,
    skip: str | None,
    rules_dir: Path | None,
    overrides: tuple[str, ...],
) -> None:
    """Score cleaning against ground truth: CER and WER before and after, per stage, per change.

    RAW and GOLD are folders of same-named .txt files; or give --manifest, or --dataset NAME for a shared
    set. Whitespace and line-end hyphens are layout and do not count unless --layout.
    """
    settings = Settings(only=_names(only), skip=_names(skip), rules_dir=rules_dir, overrides=overrides)
    if (raw is None) != (gold is None):
        raise EvalDataError("give both RAW and GOLD folders")
    sets = []
    if raw is not None and gold is not None:
        sets.append((f"{raw} against {gold}", load_folders(raw, gold)))
    if manifest is not None:
        sets.append((str(manifest), load_manifest(manifest)))
    sets += [(name, load_dataset(name, data_dir)) for name in datasets]
    if not sets:
        raise EvalDataError("nothing to evaluate: give RAW GOLD, --manifest FILE or --dataset NAME")
    options = EvalOptions(settings=settings, layout=layout, ablate=not no_ablation, confusions=errors > 0)
    summaries = []
    for title, documents in sets:
        results = list(evaluate(documents, options, jobs=jobs))
        summaries.append(summarise(results, settings.stages(), title=title, errors=errors))
    if as_json:
        click.echo(
            json.dumps(summaries if len(summaries) > 1 else summaries[0], indent=2, ensure_ascii=False)
        )
    else:
        click.echo(
            "\n\n".join(format_table(summary, per_file=not totals, by_rule=by_rule) for summary in summaries)
        )
