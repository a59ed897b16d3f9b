"""The ``unspin`` command: a thin shell over the library.

Each command parses its arguments, calls one library function and prints. User
mistakes become ``unspin: error: ...`` on stderr and exit status 2.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from .errors import InputError, UnspinError

EXIT_ERROR = 2


def read_input(source: str) -> str:
    """Text from a file path or ``-`` (standard input); HTML and PDF are converted to
    text. Text that is empty or all white space is an input error."""
    from .extract import extract_text

    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from exc
    name = "standard input" if source == "-" else source
    text = extract_text(raw, filename=name).text
    if not text.strip():
        # As the service (422) and batch runs do: an empty file judged "clean"
        # would hide a failed conversion upstream.
        raise InputError(f"{name}: the text is empty")
    return text


def print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


model_option = click.option("--model", type=click.Choice(["gemma3", "smollm2"]), default=None,
                            help="Language model (default gemma3).")
threshold_option = click.option(
    "--threshold", default=None, type=click.FloatRange(0, 1),
    help="detect: probability at or above which a text is called spun "
         "(default: the mode's, set on dev for few false alarms).")
# spin.THESAURI, written out: importing the lexicon here would slow every command's start.
thesaurus_option = click.option(
    "--thesaurus", type=click.Choice(["lexicon", "moby"]), default="lexicon", show_default=True,
    help="The spinner's thesaurus: the built lexicon (WordNet, MyThes) or Moby Thesaurus II.")
lexicon_option = click.option(
    "--lexicon", "lexicons", multiple=True, type=click.Path(dir_okay=False),
    help="Known tortured phrases: a tortured,original CSV or a Problematic Paper Screener "
         "export (repeatable).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="unspin")
def cli() -> None:
    """Detect text made by article spinners and restore its original wording."""


@cli.command()
@click.argument("word")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a listing.")
@click.option("--limit", default=25, show_default=True, type=click.IntRange(min=0),
              help="Entries shown per direction.")
def lexicon(word: str, as_json: bool, limit: int) -> None:
    """Show what WORD may be spun into and what it may have been spun from.

    Example: unspin lexicon volition
    """
    from .lexicon import entry

    if not word.strip():
        raise InputError("give a word or phrase to look up")
    data = entry(word)
    if as_json:
        print_json(data)
        return
    for direction in ("restores_from", "spins_to", "narrowed_from", "moby_from"):
        links = data[direction]
        click.echo(f"{direction.replace('_', ' ')} ({len(links)}):")
        for link in links[:limit]:
            click.echo(f"  {link['word']:<28} {link['relation']:<18} {link['weight']:.2f}")


@cli.command()
@click.argument("source", default="-")
@click.option("--rate", default=0.25, show_default=True, type=click.FloatRange(0, 1),
              help="Share of words to change.")
@click.option("--seed", default=0, show_default=True, help="Random seed; same seed, same output.")
@click.option("--json", "as_json", is_flag=True, help="Print the spun text and its alignment.")
@thesaurus_option
def spin(source: str, rate: float, seed: int, as_json: bool, thesaurus: str) -> None:
    """Spin the text in SOURCE (a file, or - for standard input) like an article spinner.

    Example: unspin spin article.txt --rate 0.25 --seed 1 --thesaurus moby
    """
    from . import spin as spin_text

    result = spin_text(read_input(source), rate=rate, seed=seed, thesaurus=thesaurus)
    if as_json:
        print_json(result.to_dict())
    else:
        click.echo(result.text, nl=False)


@cli.command()
@click.argument("source", default="-")
@click.option("--json", "as_json", is_flag=True, help="Print the restoration with every edit.")
@click.option("--diff", is_flag=True, help="Print a word diff (colour on a terminal).")
@click.option("--min-confidence", default=None, type=click.FloatRange(0, 1),
              help="Keep only edits at or above this confidence.")
@model_option
@lexicon_option
@click.option("--gpu-layers", default=0, show_default=True,
              help="Layers to offload to a GPU, if llama.cpp was built with one.")
def restore(source: str, as_json: bool, diff: bool, min_confidence: float | None,
            model: str | None, lexicons: tuple[str, ...], gpu_layers: int) -> None:
    """Restore the original wording of the spun text in SOURCE (a file, or - for stdin).

    Example: unspin restore article.txt --diff
    """
    from . import restore as restore_text
    from .batch import ProgressLine
    from .decode import settings_for
    from .lm.registry import DEFAULT_MODEL, load_model

    text = read_input(source)
    name = model or DEFAULT_MODEL
    result = restore_text(text, model=load_model(name, gpu_layers=gpu_layers),
                          config=settings_for(name, min_confidence=min_confidence),
                          lexicon=_load_lexicons(lexicons),
                          progress=ProgressLine("restoring"))
    if as_json:
        print_json(result.to_dict())
    elif diff:
        from .text import word_diff

        click.echo(word_diff(text, result.edits, color=sys.stdout.isatty()), nl=False)
    else:
        click.echo(result.text, nl=False)


@cli.command()
@click.argument("source", default="-")
@click.option("--json", "as_json", is_flag=True, help="Print the detection as JSON.")
@click.option("--fast", is_flag=True, help="Lexicon and word frequencies only; no model.")
@threshold_option
@model_option
@lexicon_option
@click.pass_context
def detect(ctx: click.Context, source: str, as_json: bool, fast: bool, threshold: float | None,
           model: str | None, lexicons: tuple[str, ...]) -> None:
    """Say how likely the text in SOURCE was spun; exit 0 if clean, 1 if spun, 2 on errors.

    Example: unspin detect paper.txt --fast --json
    """
    from . import detect as detect_text
    from .batch import ProgressLine

    text = read_input(source)
    result = detect_text(text, mode="fast" if fast else "full",
                         threshold=threshold, model=model, lexicon=_load_lexicons(lexicons),
                         progress=None if fast else ProgressLine("detecting"))
    if as_json:
        print_json({**result.to_dict(), "text": text})
    else:
        verdict = "spun" if result.is_spun else "clean"
        click.echo(f"{verdict}: probability {result.probability:.3f}, "
                   f"{result.spun_fraction:.1%} of words look spun")
        for span in sorted(result.spans, key=lambda s: -s.score)[:20]:
            click.echo(f"  {span.start}:{span.end} {span.text!r} -> {span.likely_original!r} "
                       f"({span.score:.2f})")
    ctx.exit(1 if result.is_spun else 0)


@cli.command()
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write; same format as SOURCE (.jsonl, .csv or .parquet).")
@click.option("--task", type=click.Choice(["restore", "detect"]), required=True)
@click.option("--text-field", default="text", show_default=True)
@click.option("--id-field", default="id", show_default=True)
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1),
              help="Worker processes, each with its own model.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="Where the work runs.")
@click.option("--scheduler", default=None,
              help="Dask scheduler address (tcp://host:8786); default a local cluster.")
@click.option("--fast", is_flag=True, help="detect: lexicon and word frequencies only.")
@threshold_option
@click.option("--min-confidence", default=None, type=click.FloatRange(0, 1))
@click.option("--max-chars", default=1_000_000, show_default=True, type=click.IntRange(1),
              help="Longer texts fail as records.")
@click.option("--chunk-size", default=32, show_default=True, type=click.IntRange(1),
              help="Records per committed chunk.")
@model_option
def batch(source: str, output: str, task: str, text_field: str, id_field: str, jobs: int,
          engine: str, scheduler: str | None, fast: bool, threshold: float | None,
          min_confidence: float | None, max_chars: int, chunk_size: int,
          model: str | None) -> None:
    """Run restore or detect over every record of SOURCE; resumable after any crash.

    Rerun the same command after an interruption to finish the job. Records that
    fail are listed with their reason in OUTPUT.errors.jsonl.

    Example: unspin batch crawl.jsonl -o crawl.out.jsonl --task detect --fast --jobs 2
    """
    from .batch import BatchOptions, Progress, dask_engine, local_engine, run_batch
    from .lm.registry import default_threads
    from .records import count_records

    if scheduler and engine != "dask":
        raise InputError("--scheduler needs --engine dask")
    # One LM thread per worker on a cluster; locally the cores are shared out.
    threads = 1 if engine == "dask" else max(1, default_threads() // jobs)
    options = BatchOptions(task=task, text_field=text_field, id_field=id_field, fast=fast,
                           model=model, threshold=threshold, min_confidence=min_confidence,
                           max_chars=max_chars, chunk_size=chunk_size, threads_per_job=threads)
    runner = dask_engine(scheduler, jobs) if engine == "dask" else local_engine(jobs)
    progress = Progress(count_records(source) if Path(source).is_file() else None)
    try:
        summary = run_batch(source, output, options, engine=runner, progress=progress.update)
    finally:
        progress.close()
    click.echo(f"unspin: {summary.line()}", err=True)


@cli.command()
@click.argument("corpus", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for the index.")
@click.option("--text-field", default="text", show_default=True)
@click.option("--id-field", default="id", show_default=True)
def index(corpus: str, output: str, text_field: str, id_field: str) -> None:
    """Index CORPUS (JSONL, CSV, Parquet, or a folder of .txt files) for unspin trace.

    Example: unspin index sources.jsonl -o sources.index
    """
    from .trace import TraceIndex, read_corpus

    built = TraceIndex.build(read_corpus(corpus, text_field, id_field))
    built.save(output)
    click.echo(f"unspin: indexed {len(built):,} documents into {output}", err=True)


@cli.command()
@click.argument("source", default="-")
@click.option("--corpus", required=True, type=click.Path(),
              help="An index from unspin index, or a corpus to index on the fly.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1))
@click.option("--no-restore", is_flag=True, help="Search with the spun text as it is.")
@click.option("--json", "as_json", is_flag=True)
@model_option
@click.pass_context
def trace(ctx: click.Context, source: str, corpus: str, top: int, no_restore: bool,
          as_json: bool, model: str | None) -> None:
    """Find the document the spun text in SOURCE was copied from; exit 1 if none.

    Example: unspin trace copy.txt --corpus sources.index
    """
    from .trace import TraceIndex, read_corpus
    from .trace import trace as trace_text

    text = read_input(source)
    if (Path(corpus) / "index.json").is_file():
        found = TraceIndex.load(corpus)
    else:
        found = TraceIndex.build(read_corpus(corpus))
    result = trace_text(text, found, restore=not no_restore, model=model, top=top)
    if as_json:
        print_json(result.to_dict())
    else:
        for match in result.matches:
            click.echo(f"{match.containment:.3f}  {match.id}  (jaccard {match.jaccard:.3f})")
        if not result.matches:
            click.echo("no source found", err=True)
    ctx.exit(0 if result.matches else 1)


@cli.command(name="eval")
@click.option("--system", "systems", multiple=True, default=["identity", "unigram"],
              show_default=True, help="identity, unigram or restore (repeatable).")
@click.option("--corpus", "corpora", multiple=True, default=["sotu", "brown"],
              show_default=True, help="sotu or brown (repeatable).")
@click.option("--rates", default="0.10,0.25,0.40", show_default=True,
              help="Comma-separated spin rates.")
@click.option("--split", "which", type=click.Choice(["dev", "test"]), default="test",
              show_default=True)
@click.option("--paragraphs", default=200, show_default=True, help="Paragraphs per corpus.")
@click.option("--model", default=None, help="Language model for the restore system.")
@thesaurus_option
def evaluate_command(systems: tuple[str, ...], corpora: tuple[str, ...], rates: str, which: str,
                     paragraphs: int, model: str | None, thesaurus: str) -> None:
    """Spin held-out paragraphs, restore them, and print a Markdown table of metrics.

    Example: unspin eval --system unigram --corpus sotu --paragraphs 50
    """
    from .corpora import sample_paragraphs
    from .evaluate import evaluate, format_table

    restorers = {name: _restorer(name, model) for name in systems}
    rows = []
    for corpus in corpora:
        sample = sample_paragraphs(corpus, which, paragraphs)
        for rate in _parse_rates(rates):
            for name, restorer in restorers.items():
                rows.append(evaluate(restorer, sample, rate, name, corpus, thesaurus=thesaurus))
                click.echo(f"done {corpus} {rate} {name}", err=True)
    click.echo(f"Split: {which}; {paragraphs} paragraphs of 50+ words per corpus; "
               f"spun from the {thesaurus} thesaurus.\n")
    click.echo(format_table(rows))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines in.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1),
              help="Processes, each with its own copy of the model; the CPUs are shared out.")
@click.option("--timeout", "timeout_s", default=60.0, show_default=True,
              type=click.FloatRange(min=0.1), help="Seconds a request may take (then 503).")
@click.option("--max-bytes", default=1_000_000, show_default=True, type=click.IntRange(1),
              help="Largest text or file accepted, in bytes (413 above).")
@model_option
@lexicon_option
def serve(host: str, port: int, workers: int, timeout_s: float, max_bytes: int,
          model: str | None, lexicons: tuple[str, ...]) -> None:
    """Serve the web page and the JSON API (FastAPI under uvicorn) until interrupted.

    Example: unspin serve --port 8000, then open http://127.0.0.1:8000/
    """
    try:
        from . import server
    except ImportError as exc:
        raise UnspinError(f"the service needs FastAPI and uvicorn ({exc}); "
                          "install them with: pip install 'unspin[serve]'") from exc
    _load_lexicons(lexicons)  # a malformed lexicon is reported before anything starts
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    click.echo(f"unspin: serving the page at {url}/ and the API at {url}/api/ "
               f"(documented at {url}/docs)")
    if not server.is_loopback(host):
        click.echo(f"unspin: warning: listening on {host}: other machines can reach this "
                   "service, and it has no authentication", err=True)
    server.serve(host, port, workers, model=model, max_bytes=max_bytes, timeout_s=timeout_s,
                 lexicons=lexicons)


def _load_lexicons(paths: tuple[str, ...]) -> list:
    from .userlex import load_lexicon

    return [entry for path in paths for entry in load_lexicon(path)]


def _restorer(name: str, model: str | None):
    from . import baselines

    if name in ("identity", "unigram"):
        return getattr(baselines, name)
    if name == "restore":
        from functools import partial

        from . import restore

        return partial(restore, model=model)
    raise InputError(f"unknown system {name!r}; choose identity, unigram or restore")


def _parse_rates(text: str) -> list[float]:
    try:
        rates = [float(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise InputError(f"--rates wants numbers separated by commas, not {text!r}") from exc
    if not rates or any(not 0 <= r <= 1 for r in rates):
        raise InputError("--rates must be between 0 and 1")
    return rates


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status instead of raising for user errors."""
    # pypdf logs each repair it tries on a damaged file to stderr; a PDF it
    # cannot read gets one message from us, and one it repairs needs none.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        # Without standalone mode click returns a command's exit code (ctx.exit) as a value.
        status = cli.main(args=argv, prog_name="unspin", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("unspin: interrupted", err=True)
        return 130
    except UnspinError as exc:
        click.echo(f"unspin: error: {exc}", err=True)
        return EXIT_ERROR
    except BrokenPipeError:
        return 0
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
