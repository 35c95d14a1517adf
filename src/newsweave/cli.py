"""The ``newsweave`` command line.

Exit status: 0 all went well; 1 some input failed (or a record asked for is not there);
2 usage error (bad option, bad --db URL, unreadable settings file) or a database that cannot be
used (full, corrupted, another program's, read-only for a write, a server that does not answer).
"""

from __future__ import annotations

import functools
import inspect
import itertools
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from .errors import ConfigError, InputError, NotFoundError
from .records import KINDS
from .settings import DEFAULT_DB, DEFAULT_MAX_BYTES, ENV, ENV_CONFIG, Settings, activate, human_size
from .version import __version__
from .vocab import ENTITY_TYPES

if TYPE_CHECKING:  # the store, the pipeline and the exports load when a command runs, not for --help
    from .pipeline.live import Live
    from .store import Store

ENV_DB = ENV["db"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="newsweave",
    help="Turn news articles from many outlets into one source-attributed record of what happened.",
    epilog="Exit status: 0 ok; 1 some input failed or a record was not found; 2 usage error, or a database "
           "that cannot be used.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help, as click prints it: a flag shows no value placeholder
)
out = Console()
err = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


DB_HELP = "An SQLite file, or an SQLAlchemy database URL (as `newsweave --db`; given here, this one is used)."


def _fails_cleanly(fn: F) -> F:
    """Typed errors become one line on stderr and the documented exit status. Every command goes
    through here, so here each also takes ``--db`` after its name (``newsweave docs --db x.db``)."""
    sig = inspect.signature(fn)
    db_param = inspect.Parameter("command_db", inspect.Parameter.KEYWORD_ONLY, annotation=str, default=typer.Option(
        None, "--db", metavar="PATH|URL", show_default=False, help=DB_HELP))

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            command_db = kwargs.pop("command_db", None)
            if command_db is not None:
                _use_db(kwargs["ctx"], command_db)
            return fn(*args, **kwargs)
        except ConfigError as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
            raise typer.Exit(EXIT_USAGE) from exc
        except NotFoundError as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
            raise typer.Exit(EXIT_FAILED) from exc

    wrapper.__signature__ = sig.replace(parameters=[*sig.parameters.values(), db_param])  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _use_db(ctx: Any, value: str) -> None:
    """A command's own ``--db``: the run's settings with this database."""
    import dataclasses

    from .settings import current, db_url

    if not value.strip():
        raise ConfigError("--db is empty: give an SQLite file (--db news.db) or a database URL")
    settings = dataclasses.replace(current(), db=db_url(value))
    activate(settings)
    ctx.obj = State(settings.db)


class State:
    def __init__(self, db: str | None):
        self.db = db
        self._store: Store | None = None

    def store(self, create: bool, write: bool) -> Store:
        from .store import open_store

        if self._store is None:
            self._store = open_store(self.db, create=create, write=write)
        return self._store


def _version(value: bool) -> None:
    if value:
        out.print(f"newsweave {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: str = typer.Option(None, "--db", envvar=ENV_DB, metavar="PATH|URL", show_default=False,
                           help=f"An SQLite file, or an SQLAlchemy database URL [default: {DEFAULT_DB}, a file in the working folder; "
                                "PostgreSQL: postgresql+psycopg://user@host/db]"),
    config: Path = typer.Option(None, "--config", envvar=ENV_CONFIG, metavar="FILE", show_default=False,
                                help="A TOML file of settings (db, packs, kb, nlp_processes, [data], [stories]) "
                                     "[default: ./newsweave.toml if there is one]; flags and the environment override it."),
    kb: str = typer.Option(None, "--kb", envvar="NEWSWEAVE_KB", metavar="PATH", show_default=False,
                           help="A folder of knowledge-base files (parties.tsv, people.tsv, ...) added to the shipped packs."),
    packs: str = typer.Option(None, "--packs", envvar="NEWSWEAVE_KB_PACKS", metavar="NAMES", show_default=False,
                              help="The shipped knowledge-base packs to use, comma-separated [default: all: india,uk]."),
    no_default_kb: bool = typer.Option(False, "--no-default-kb",
                                       help="Use none of the shipped packs: only the folders given with --kb."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True,
                                help="Log what each step does on stderr (-v: info, -vv: debug, with tracebacks)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Log errors only (no warnings) on stderr."),
) -> None:
    _logging(verbose, quiet)
    if kb:
        if not Path(kb).is_dir():
            raise typer.BadParameter(f"{kb} is not a folder; it should hold parties.tsv, people.tsv, ...", param_hint="--kb")
    if no_default_kb:
        if packs:
            raise typer.BadParameter("give --packs or --no-default-kb, not both", param_hint="--no-default-kb")
        packs = ""
    if packs is not None:
        from .packs import shipped_packs

        names = [n.strip() for n in packs.split(",") if n.strip()]
        unknown = [n for n in names if n not in shipped_packs()]
        if unknown:
            raise typer.BadParameter(f"no pack named {', '.join(unknown)}; the shipped packs are "
                                     f"{', '.join(shipped_packs())}", param_hint="--packs")
        packs = ",".join(names)
    try:
        settings = Settings.load({"db": db, "kb": kb, "packs": packs}, config=config)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc)) from exc
    activate(settings)  # the run's settings, read once: every loader takes them from here
    ctx.obj = State(settings.db)


def _logging(verbose: int, quiet: bool) -> None:
    """The ``newsweave`` loggers to stderr: warnings by default, more with -v, errors only with -q."""
    from rich.logging import RichHandler

    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    root = logging.getLogger("newsweave")
    for h in list(root.handlers):
        if getattr(h, "newsweave_cli", False):
            root.removeHandler(h)
    handler = RichHandler(console=err, show_time=verbose > 0, show_path=verbose > 1, markup=False,
                          rich_tracebacks=False)
    handler.newsweave_cli = True  # type: ignore[attr-defined]
    handler.setFormatter(_Format("%(name)s: %(message)s", tracebacks=verbose >= 2))
    root.addHandler(handler)
    root.setLevel(level)


class _Format(logging.Formatter):
    """Tracebacks belong to -vv and to the problems table (``detail``), not to every run's screen."""

    def __init__(self, fmt: str, tracebacks: bool):
        super().__init__(fmt)
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if self.tracebacks:
            return super().format(record)
        saved = record.exc_info, record.exc_text
        record.exc_info = record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text = saved


def _store(ctx: typer.Context, create: bool = False, write: bool | None = None) -> Store:
    """The run's database; ``create``: make it when it does not exist (the commands that write
    new documents), else a missing one is an error that says how to make it. ``write`` (default:
    as ``create``): the command writes, so a database that cannot be written is an error; a read
    command opens such an SQLite file read-only."""
    return ctx.obj.store(create, create if write is None else write)


def parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)?\s*", text, re.I)
    if not m:
        raise typer.BadParameter(f"{text!r} is not a size; write e.g. 5MB, 500KB or 1048576")
    unit = (m[2] or "").lower().rstrip("b").rstrip("i")
    return int(float(m[1]) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit])


class _Rate(ProgressColumn):
    """Items a second, over Rich's recent window."""

    def __init__(self, unit: str):
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f} {self.unit}/s" if task.speed else f"- {self.unit}/s", style="progress.data.speed")


def _progress(silent: bool, unit: str | None = None) -> Progress:
    """A progress bar on stderr (none with ``--silent``); with ``unit``, its rate and the time left."""
    columns: list[Any] = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    if unit:
        columns += [TextColumn(unit), _Rate(unit), TimeRemainingColumn()]
    return Progress(*columns, TimeElapsedColumn(), console=err, transient=True, disable=silent)


def _say_problem(e: InputError) -> None:
    colour = "yellow" if e.kind in ("skipped", "warning") else "red"
    label = e.kind if e.kind in ("skipped", "warning") else "failed"
    err.print(f"[{colour}]{label}:[/] {escape(e.describe())}", highlight=False, soft_wrap=True)


def _print_summary(title: str, summary: Any, store: Store, files: bool) -> None:
    """The table `ingest` and `load` end with (an ingest Summary)."""
    t = Table(title=title, show_header=False, box=None)
    if files:
        t.add_row("files read", str(summary.files))
    t.add_row("documents added", str(len(summary.added)))
    t.add_row("already stored", str(summary.unchanged))
    t.add_row("failed", f"[red]{len(summary.failed)}[/]" if summary.failed else "0")
    t.add_row("skipped (a format or language newsweave does not read)", str(len(summary.skipped)))
    t.add_row("documents in the database", str(store.count_documents()))
    out.print(t)


@app.command()
@_fails_cleanly
def ingest(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(..., metavar="PATH|URL...",
                                      help="Files or folders (read recursively), http(s) URLs of pages; - reads JSONL from stdin."),
    max_size: str = typer.Option(human_size(DEFAULT_MAX_BYTES).replace(" ", ""), "--max-size", help="Largest file or page read."),
    delay: float = typer.Option(1.0, "--delay", min=0, metavar="SECONDS",
                                help="Between two requests to one host (longer when its robots.txt asks)."),
    silent: bool = typer.Option(False, "--silent", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Read articles (text, HTML, JSONL/JSON, CSV/TSV, web pages), clean them and store them.

    Every problem is one line on stderr naming the file (and row) or URL and why; the rest of the
    batch goes on. Content already stored is recognised by its hash and left as it is. A URL is
    fetched politely (robots.txt, --delay, a conditional request when its page is stored: an
    unchanged page downloads nothing) from public addresses only.
    """
    from .ingest.sources import InputFile, expected_documents
    from .ingest.web import is_url
    from .pipeline.runner import Ingest

    limit = parse_size(max_size)
    store = _store(ctx, create=True)
    runner = Ingest(store, max_bytes=limit, on_problem=_say_problem)
    urls = [p for p in paths if is_url(p)]
    items: list[Any] = runner.plan([p for p in paths if not is_url(p)])
    expected = sum(expected_documents(i) for i in items if isinstance(i, InputFile)) if not silent else 0
    expected += len(urls)
    with _web(store, urls, delay=delay, max_bytes=limit) as live, _progress(silent, "documents") as bar:
        task = bar.add_task("ingesting", total=expected)

        def advance(n: int) -> None:  # a dump's line count is an estimate: the bar never runs past its end
            bar.update(task, advance=n, total=max(expected, int(bar.tasks[0].completed) + n))

        summary = runner.run(itertools.chain(items, live.pages(urls)) if live else items, advance=advance)
    _web_summary("ingest", summary, store, live, as_json, files=True)


@contextmanager
def _web(store: Store, urls: list[str], *, delay: float, max_bytes: int, refresh: bool = False) -> Iterator[Live | None]:
    """The run's web input (None without URLs); what it fetched is kept when the run is done."""
    if not urls:
        yield None
        return
    from .ingest.web import Fetcher, private_allowed_for_tests
    from .pipeline.live import Live

    with Fetcher(delay=delay, max_bytes=max_bytes, allow_private=private_allowed_for_tests()) as fetcher:
        live = Live(store, fetcher, refresh=refresh)
        yield live
        live.finish()


def _web_summary(title: str, summary: Any, store: Store, live: Live | None, as_json: bool, files: bool) -> None:
    """`ingest`'s summary, with what was fetched from the web; exits with the run's status."""
    if as_json:
        out.print_json(json.dumps(summary.as_dict() | ({"web": live.stats.as_dict()} if live else {})))
    else:
        _print_summary(title, summary, store, files=files)
        if live:
            t = Table(show_header=False, box=None)
            st = live.stats
            for label, n in (("feeds, sitemaps and home pages read", st.listings), ("pages downloaded", st.fetched),
                             ("not modified (HTTP 304)", st.not_modified), ("stored already, not asked for", st.known),
                             ("left for the next run (--max)", st.left), ("requests made", st.requests)):
                if n or label.startswith(("pages", "requests")):
                    t.add_row(label, str(n))
            out.print(t)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_FAILED)


@app.command()
@_fails_cleanly
def follow(
    ctx: typer.Context,
    sources: list[str] = typer.Argument(..., metavar="FEED|SITEMAP|SITE...",
                                        help="URLs of RSS/Atom/JSON feeds, sitemaps, or sites' home pages (their feeds "
                                             "are read, else the sitemaps their robots.txt names)."),
    max_pages: int = typer.Option(None, "--max", min=1, metavar="N", show_default=False,
                                  help="Pages fetched this run at most; the rest are fetched by the next run."),
    delay: float = typer.Option(1.0, "--delay", min=0, metavar="SECONDS",
                                help="Between two requests to one host (longer when its robots.txt asks)."),
    refresh: bool = typer.Option(False, "--refresh",
                                 help="Ask again for pages stored already (conditionally: an unchanged page downloads nothing)."),
    max_size: str = typer.Option(human_size(DEFAULT_MAX_BYTES).replace(" ", ""), "--max-size", help="Largest page read."),
    silent: bool = typer.Option(False, "--silent", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Fetch and store the articles that feeds, sitemaps or sites list.

    Polite: robots.txt respected, --delay between requests to a host, conditional requests
    (ETag, Last-Modified), public addresses only. Pages stored already are not asked for again,
    so a second run fetches only what is new. Problems are one line each, naming the URL; the
    rest goes on. Exit status as `ingest`'s.
    """
    from .pipeline.runner import Ingest

    limit = parse_size(max_size)
    store = _store(ctx, create=True)
    runner = Ingest(store, max_bytes=limit, on_problem=_say_problem)
    with _web(store, sources, delay=delay, max_bytes=limit, refresh=refresh) as live, \
            _progress(silent, "documents") as bar:
        assert live is not None  # sources is never empty
        task = bar.add_task("following", total=None)
        summary = runner.run(live.follow(sources, limit=max_pages), advance=lambda n: bar.advance(task, n))
    _web_summary("follow", summary, store, live, as_json, files=False)


class Engine(str, Enum):
    local = "local"
    ray = "ray"


@app.command()
@_fails_cleanly
def batch(
    paths: list[str] = typer.Argument(..., metavar="INPUT...", help="Files or folders: text, HTML, JSONL/JSON, CSV/TSV or Parquet shards."),
    output: Path = typer.Option(..., "--output", "-o", metavar="DIR", help="A new (or empty) folder for the Parquet rows."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local: this process; ray: a Ray Data pipeline."),
    address: str = typer.Option(None, "--address", metavar="ADDR", help="A Ray cluster (ray://head:10001, or auto); default: Ray on this machine."),
    workers: int = typer.Option(None, "--workers", min=1, help="Pipeline actors (each holds a spaCy model) [default: the CPUs]."),
    max_size: str = typer.Option(human_size(DEFAULT_MAX_BYTES).replace(" ", ""), "--max-size", help="Largest file read."),
    silent: bool = typer.Option(False, "--silent", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Clean and analyse articles without a database, into Parquet rows for `load`.

    The per-document work (read, clean, NLP, extraction) runs in this process (--engine local) or on
    Ray (--engine ray), which scales it to every core of a machine or a cluster. Problems are kept
    in the rows and reported by `load` too.
    """
    from .pipeline.engines import run_batch

    if address and engine is not Engine.ray:
        raise ConfigError("--address is for --engine ray")
    with _progress(silent or engine is Engine.ray) as bar:
        task = bar.add_task("batch", total=None)
        summary = run_batch(paths, output, engine=engine.value, address=address, workers=workers,
                            max_bytes=parse_size(max_size), silent=silent, advance=lambda n: bar.advance(task, n))
    for e in summary.failed:
        _say_problem(e)
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
    else:
        t = Table(title="batch", show_header=False, box=None)
        t.add_row("engine", f"{summary.engine} ({summary.workers} worker{'s' if summary.workers != 1 else ''})")
        t.add_row("files read", str(summary.files))
        t.add_row("documents", str(summary.documents))
        t.add_row("problems", f"[red]{summary.problems}[/]" if summary.failed else str(summary.problems))
        t.add_row("written to", f"{summary.output} ({summary.shards} Parquet files); store them with `newsweave load`")
        out.print(t)
    raise typer.Exit(EXIT_FAILED if summary.failed else EXIT_OK)


@app.command()
@_fails_cleanly
def load(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., metavar="DIR", help="The --output folder of `newsweave batch`."),
    silent: bool = typer.Option(False, "--silent", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Store the rows `batch` wrote, then join stories, link copies and resolve entities.

    Loading the same folder twice changes nothing. Problems `batch` found are recorded and
    printed as `ingest` prints them.
    """
    from .pipeline.load import check_folder, count_rows
    from .pipeline.load import load as load_rows

    store = _store(ctx, create=True)
    with _progress(silent) as bar:
        task = bar.add_task("loading", total=count_rows(check_folder(folder)))
        summary = load_rows(store, folder, on_problem=_say_problem, advance=lambda n: bar.advance(task, n))
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
    else:
        _print_summary("load", summary, store, files=False)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_FAILED)


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


@app.command()
@_fails_cleanly
def export(
    ctx: typer.Context,
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format",
                                     help="jsonl (newsweave records v1), csv, or parquet (a folder: one typed file per kind)."),
    output: str = typer.Option("-", "--output", "-o", metavar="FILE|DIR",
                               help="File to write; - is stdout; with --format csv, a folder (an existing one, or a "
                                    "path ending in /) gets one file per kind; --format parquet needs a folder."),
    kind: list[str] = typer.Option(None, "--kind", help=f"Only records of this kind (repeatable): {', '.join(KINDS)}."),
) -> None:
    """Write every stored record as newsweave records v1 (see docs/schema.md)."""
    from .export.records import records
    from .export.writers import WRITERS, write_csv_folder

    unknown = [k for k in kind or [] if k not in KINDS]
    if unknown:
        near = {k: next((c for c in KINDS if k.rstrip("s") == c), None) for k in unknown}
        hint = "; ".join(f"{k!r}: did you mean {c!r}?" for k, c in near.items() if c)
        raise typer.BadParameter(f"no kind {', '.join(map(repr, unknown))}; the kinds are {', '.join(KINDS)}"
                                 + (f" ({hint})" if hint else ""), param_hint="--kind")
    if fmt is ExportFormat.parquet and (output == "-" or Path(output).is_file()):
        raise typer.BadParameter("--format parquet writes one file per kind: give a folder (e.g. --output out/)",
                                 param_hint="--output")
    store = _store(ctx)
    folder = fmt is ExportFormat.parquet or (
        fmt is ExportFormat.csv and output != "-" and (output.endswith(("/", os.sep)) or Path(output).is_dir()))
    if folder:
        from .export.parquet import write_parquet_folder

        write_folder = write_parquet_folder if fmt is ExportFormat.parquet else write_csv_folder
        try:
            counts = write_folder(records(store, kind or None), Path(output))
        except OSError as exc:
            raise ConfigError(f"--output {output}: cannot write there ({exc.strerror})") from exc
        err.print(f"wrote {sum(counts.values())} records to {output}: "
                  + ", ".join(f"{k}.{fmt.value} ({n})" for k, n in counts.items()), highlight=False)
        return
    writer = WRITERS[fmt.value]
    if output == "-":
        n = writer(records(store, kind or None), sys.stdout)
    else:
        try:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                n = writer(records(store, kind or None), fh)
        except OSError as exc:
            raise ConfigError(f"--output {output}: cannot write it ({exc.strerror})") from exc
        err.print(f"wrote {n} records to {output}", highlight=False)


DOC_COLUMNS = ("doc_id", "outlet", "published", "dateline", "title", "source")


@dataclass
class Listing:
    """What a list command gives: its rows in full (for JSON, JSON lines, CSV) and, for a person at
    a terminal, how the table shows a row (``view``: the row as shown; ``view_columns``)."""

    rows: list[dict[str, Any]]
    columns: tuple[str, ...]
    title: str = ""
    view: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    view_columns: tuple[str, ...] | None = None
    render: Callable[[list[dict[str, Any]]], None] | None = None  # a terminal view that is not a table


OUTPUTS = (("json", "--json", "A JSON array."), ("nl", "--nl", "JSON lines, one row a line (the default when piped)."),
           ("csv", "--csv", "CSV with a header row."), ("table", "--table", "A table (the default on a terminal)."))


def output_options(fn: Callable[..., Listing]) -> Callable[..., None]:
    """The output options of a list command, the same on every one (as sqlite-utils has them):
    a table on a terminal, JSON lines when piped, or what --json, --nl, --csv, --table ask for."""
    sig = inspect.signature(fn)
    extra = [inspect.Parameter(f"out_{name}", inspect.Parameter.KEYWORD_ONLY, annotation=bool,
                               default=typer.Option(False, flag, help=text)) for name, flag, text in OUTPUTS]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        chosen = [name for name, _, _ in OUTPUTS if kwargs.pop(f"out_{name}", False)]
        if len(chosen) > 1:
            raise typer.BadParameter(f"give one of {', '.join(flag for _, flag, _ in OUTPUTS)}, not {len(chosen)}")
        fmt = chosen[0] if chosen else ("table" if out.is_terminal else "nl")
        _emit(fn(*args, **kwargs), fmt)

    wrapper.__signature__ = sig.replace(parameters=[*sig.parameters.values(), *extra])  # type: ignore[attr-defined]
    return wrapper


def _emit(listing: Listing, fmt: str) -> None:
    rows = listing.rows
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
    elif fmt == "nl":
        sys.stdout.write("".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows))
    elif fmt == "csv":
        from .export.writers import CsvWriter

        w = CsvWriter(sys.stdout, list(listing.columns))
        w.writeheader()
        for r in rows:
            w.writerow(r)
    elif listing.render:
        listing.render(rows)
    else:
        view = [listing.view(r) for r in rows] if listing.view else rows
        _table(view, listing.view_columns or listing.columns, listing.title)


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...], title: str) -> None:
    t = Table(title=title)
    for c in columns:
        t.add_column(c, overflow="fold", no_wrap=c in ("doc_id", "published", "kind", "row", "times"),
                     ratio=3 if c in ("title", "reason") else None)
    for r in rows:
        t.add_row(*[str(r.get(c) if r.get(c) is not None else "") for c in columns])
    out.print(t)


@app.command()
@_fails_cleanly
@output_options
def docs(
    ctx: typer.Context,
    limit: int = typer.Option(0, "--limit", help="At most this many (0: all)."),
) -> Listing:
    """List stored documents."""
    rows = list(_store(ctx).iter_documents(columns=DOC_COLUMNS))
    rows = rows[:limit] if limit else rows
    # for people: a short id (any unique prefix works with `newsweave doc`), minutes not seconds
    return Listing(rows, DOC_COLUMNS, f"{len(rows)} documents",
                   lambda r: r | {"doc_id": r["doc_id"][:10], "published": (r["published"] or "")[:16].replace("T", " ")},
                   ("doc_id", "outlet", "published", "dateline", "title"))


@app.command()
@_fails_cleanly
def doc(
    ctx: typer.Context,
    ident: str = typer.Argument(..., metavar="ID", help="doc_id, a unique prefix of it, or the source."),
    removed: bool = typer.Option(False, "--removed", help="Also show what cleaning dropped, and why."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of text."),
) -> None:
    """One document: its metadata and clean text."""
    row = _store(ctx).get_document(ident)
    fields = ("doc_id", "source", "outlet", "outlet_evidence", "title", "byline", "published", "updated",
              "dateline", "url")
    if as_json:
        data = {f: row[f] for f in fields} | {"text": row["text"], "warnings": row["warnings"]}
        if removed:
            data["removed"] = row["removed"]
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    t = Table(show_header=False, box=None)
    for f in fields:
        t.add_row(f"[bold]{f}[/]", str(row[f]) if row[f] is not None else "[dim]-[/]")
    out.print(t)
    for w in row["warnings"] or []:
        out.print(f"[yellow]note:[/] {w}", highlight=False)
    out.print()
    out.print(row["text"], highlight=False, markup=False)
    if removed:
        out.print()
        rt = Table(title=f"removed by cleaning ({len(row['removed'] or [])})")
        rt.add_column("line", justify="right")
        rt.add_column("reason")
        rt.add_column("text", overflow="fold")
        for r in row["removed"] or []:
            rt.add_row(str(r.get("line", "")), r["reason"], r["text"])
        out.print(rt)


@app.command()
@_fails_cleanly
def reprocess(
    ctx: typer.Context,
    silent: bool = typer.Option(False, "--silent", help="No progress bar."),
) -> None:
    """Re-run every stage on the stored raw content (after an upgrade or a data-file change)."""
    from .pipeline.runner import Ingest

    store = _store(ctx, write=True)
    runner = Ingest(store, on_problem=_say_problem)
    with _progress(silent) as bar:
        task = bar.add_task("reprocessing", total=store.count_documents())
        updated = runner.reprocess(advance=lambda: bar.advance(task))
    failed = runner.summary.failed
    out.print(f"reprocessed {updated} documents; {len(failed)} failed and kept what they had", highlight=False)
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)




@app.command()
@_fails_cleanly
@output_options
def entities(
    ctx: typer.Context,
    etype: str = typer.Option(None, "--type", help=f"Only this type: {', '.join(ENTITY_TYPES)}."),
) -> Listing:
    """List the people, parties, organisations, places and outlets found, one row per real thing."""
    if etype and etype.upper() not in ENTITY_TYPES:
        raise typer.BadParameter(f"{etype!r}: use one of {', '.join(ENTITY_TYPES)}", param_hint="--type")
    rows = list(_store(ctx).iter_entities(etype.upper() if etype else None))
    return Listing(rows, ("entity_id", "type", "name", "aliases", "kb_id", "doc_ids"), f"{len(rows)} entities",
                   lambda r: r | {"aliases": ", ".join(r["aliases"][:6]), "docs": len(r["doc_ids"])},
                   ("type", "name", "aliases", "docs", "kb_id"))


@app.command()
@_fails_cleanly
def entity(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A name or alias (any case), or an entity_id."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of text."),
) -> None:
    """One entity: its names and every mention, with the sentence and the document."""
    from .export.records import named_entities

    store = _store(ctx)
    hits = named_entities(store, name)
    out_rows = [h.as_dict() | {"mentions": store.entity_mentions(h.entity_id)} for h in hits]
    if as_json:
        out.print_json(json.dumps(out_rows, ensure_ascii=False))
        return
    for h in out_rows:
        out.print(f"[bold]{h['name']}[/] ({h['type']}; {h['kb_id'] or 'not in the knowledge base'}) "
                  f"[dim]{h['entity_id']}[/]", highlight=False)
        if h["aliases"]:
            out.print(f"  also: {', '.join(h['aliases'])}", highlight=False)
        out.print(f"  in {len(h['doc_ids'])} documents, {len(h['mentions'])} mentions", highlight=False)
        for m in h["mentions"]:
            out.print(f"  [cyan]{m['outlet'] or m['source']}[/] {m['doc_id'][:10]}: ", end="", highlight=False)
            out.print(_marked(m), highlight=False)


def _marked(m: dict[str, Any]) -> str:
    """The sentence with the mention in bold (markup-safe)."""
    from rich.markup import escape

    sent, i, j = m["sentence"], m["in_sentence"], m["in_sentence"] + len(m["text"])
    return escape(sent[:i]) + "[bold]" + escape(sent[i:j]) + "[/]" + escape(sent[j:])


#: the filters `events` and `stories` share: (option, parameter name, help)
ETYPE_HELP = "Only this type of event (join_party, leave_party, ...)."
ACTOR_HELP = "Only events of this actor (an entity id, or a name or part of one)."
PARTY_HELP = "Only events with this party (an entity id, or a name or part of one)."
SINCE_HELP = "Only events dated on or after (YYYY, YYYY-MM or YYYY-MM-DD)."
UNTIL_HELP = "Only events dated on or before."


def _event_filter(etype: str | None, actor: str | None, party: str | None, outlet: str | None = None,
                  since: str | None = None, until: str | None = None) -> Callable[[Any], bool]:
    """Whether a merged event passes the filters given (those not given pass all)."""
    from .link.names import fold
    from .vocab import EVENT_TYPES

    if etype and etype not in EVENT_TYPES:
        raise typer.BadParameter(f"{etype!r}: use one of {', '.join(EVENT_TYPES)}", param_hint="--type")

    def named(ident: str | None, name: str | None, wanted: str) -> bool:
        return ident == wanted or fold(wanted) in fold(name or "")

    def kept(ev: Any) -> bool:
        day = ev.date or ""
        return ((not etype or ev.type == etype) and (not actor or named(ev.actor, ev.actor_name, actor))
                and (not party or named(ev.party, ev.party_name, party))
                and (not outlet or any(fold(s["outlet"] or "") == fold(outlet) for s in ev.sources))
                and (not since or bool(day) and day[:len(since)] >= since)
                and (not until or bool(day) and day[:len(until)] <= until))

    return kept


@app.command()
@_fails_cleanly
@output_options
def events(
    ctx: typer.Context,
    per_document: bool = typer.Option(False, "--per-document", help="Each document's events as found, not merged."),
    etype: str = typer.Option(None, "--type", help=ETYPE_HELP),
    actor: str = typer.Option(None, "--actor", help=ACTOR_HELP),
    party: str = typer.Option(None, "--party", help=PARTY_HELP),
    outlet: str = typer.Option(None, "--outlet", help="Only events this outlet reports."),
    since: str = typer.Option(None, "--since", metavar="DATE", help=SINCE_HELP),
    until: str = typer.Option(None, "--until", metavar="DATE", help=UNTIL_HELP),
    limit: int = typer.Option(0, "--limit", help="At most this many (0: all)."),
) -> Listing:
    """Political events with their evidence: merged across documents (or as each document tells them)."""
    from .export.records import event_records
    from .records import EventRecord

    kept = _event_filter(etype, actor, party, outlet, since, until)
    store = _store(ctx)
    if per_document:
        rows = [{k: v for k, v in r.items() if k not in ("paragraph",)} for r in store.event_rows()]
        return Listing(rows, tuple(rows[0]) if rows else ("doc_id", "n", "type"), f"{len(rows)} events as the documents tell them",
                       lambda r: r | {"actor": r["actor_entity_name"] or r["actor_text"],
                                      "party": r["party_entity_name"] or r["party_text"] or r["post"], "doc": r["doc_id"][:10]},
                       ("doc", "type", "actor", "party", "date", "followers", "modality", "evidence"))
    recs = [e.as_dict() for e in event_records(store) if kept(e)]
    recs = recs[:limit] if limit else recs
    return Listing(recs, ("kind", *EventRecord.columns()), f"{len(recs)} events", render=_show_events)


def _show_events(recs: list[dict[str, Any]]) -> None:
    """Merged events as a person reads them: one line each, then where outlets differ, on whose
    word, and every source's sentence."""
    for ev in recs:
        followers = ", ".join(f"{'~' if f['approx'] else ''}{f['value']} ({len(f['doc_ids'])})" for f in ev["followers_reported"])
        out.print(f"[bold]{escape(ev['type'])}[/] {escape(ev['actor_name'] or '?')} → {escape(ev['party_name'] or '-')}  "
                  f"date {ev['date'] or '?'}  place {escape(ev['place'] or '?')}  {escape('[' + ev['modality'] + ']')}"
                  + (f"  followers {followers}" if followers else ""), highlight=False)
        outlet_of = {src["doc_id"]: src["outlet"] or src["doc_id"][:10] for src in ev["sources"]}
        for c in ev["conflicts"]:
            vals = "; ".join(f"{v['value']} ({', '.join(outlet_of.get(d, d[:10]) for d in v['doc_ids'])})"
                             for v in c["values"])
            out.print(f"  [yellow]outlets differ on {c['field']}:[/] {vals}", highlight=False)
        for a in ev["attribution"]:
            out.print(f"  [dim]on the word of:[/] {a}", highlight=False)
        for src in ev["sources"]:
            out.print(Text.assemble("  ", (src["outlet"] or src["doc_id"][:10], "cyan"), ": ", src["evidence"]))


@app.command()
@_fails_cleanly
def person(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A person's name or alias (any case), or an entity_id."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of text."),
) -> None:
    """A politician's timeline of party affiliations, with speculative and planned steps apart."""
    from .export.records import event_records, named_entities
    from .link.timeline import timeline

    store = _store(ctx)
    people = named_entities(store, name, "PERSON")
    evs = list(event_records(store))
    by_id = {e.event_id: e for e in evs}
    result = [timeline(p.entity_id, evs) | {"name": p.name} for p in people]
    if as_json:
        out.print_json(json.dumps(result, ensure_ascii=False))
        return
    for t in result:
        out.print(f"[bold]{t['name']}[/]", highlight=False)
        if not t["periods"] and not t["possible_steps"]:
            out.print("  no party affiliation reported", highlight=False)
        for p in t["periods"]:
            ended = f" ({p['how_ended'].replace('_', ' ')})" if p["how_ended"] else ""
            out.print(f"  {p['party_name']}: {p['start'] or '?'} → {p['end'] or ('?' if p['how_ended'] else 'now')}{ended}",
                      highlight=False)
            for eid in p["events"]:
                for src in by_id[eid].sources:
                    out.print(Text.assemble("      ", (src["outlet"] or src["doc_id"][:10], "cyan"), ": ", src["evidence"]))
        for st in t["possible_steps"]:
            words = f" — on the word of {', '.join(st['attribution'])}" if st["attribution"] else ""
            out.print(f"  [italic]{st['modality']}:[/] {st['type'].replace('_', ' ')} {st['party_name'] or '?'}"
                      f"{' on ' + st['date'] if st['date'] else ''}{words}", highlight=False)


@app.command()
@_fails_cleanly
@output_options
def stories(
    ctx: typer.Context,
    outlet: str = typer.Option(None, "--outlet", help="Only stories this outlet reports."),
    since: str = typer.Option(None, "--since", metavar="DATE",
                              help="Only stories first reported on or after (YYYY, YYYY-MM or YYYY-MM-DD)."),
    until: str = typer.Option(None, "--until", metavar="DATE", help="Only stories first reported on or before."),
    etype: str = typer.Option(None, "--type", help="Only stories with an event of this type."),
    actor: str = typer.Option(None, "--actor", help="Only stories with an event of this actor (an id, or a name or part of one)."),
    party: str = typer.Option(None, "--party", help="Only stories with an event with this party (an id, or a name or part of one)."),
    limit: int = typer.Option(0, "--limit", help="At most this many (0: all)."),
) -> Listing:
    """List stories: the documents that report the same news, and their outlets."""
    from .export.records import stories_and_events
    from .link.names import fold
    from .records import StoryRecord

    found, merged = stories_and_events(_store(ctx))
    if etype or actor or party:
        kept = _event_filter(etype, actor, party)
        with_events = {e.story_id for e in merged if kept(e)}
        found = [s for s in found if s.story_id in with_events]
    day = {s.story_id: (s.published or "")[:10] for s in found}
    found = [s for s in found if (not outlet or fold(outlet) in {fold(o) for o in s.outlets})
             and (not since or bool(day[s.story_id]) and day[s.story_id][:len(since)] >= since)
             and (not until or bool(day[s.story_id]) and day[s.story_id][:len(until)] <= until)]
    rows = [s.as_dict() for s in (found[:limit] if limit else found)]
    return Listing(rows, ("kind", *StoryRecord.columns()), f"{len(rows)} stories",
                   lambda r: r | {"docs": len(r["doc_ids"]), "outlets": ", ".join(r["outlets"]), "story_id": r["story_id"][:10]},
                   ("story_id", "docs", "outlets", "title"))


@app.command()
@_fails_cleanly
def story(
    ctx: typer.Context,
    story_id: str = typer.Argument(..., help="A story id (or its first characters), as `newsweave stories` lists it."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of text."),
) -> None:
    """One story: what happened, where outlets agree, where they differ, what only one reports, quotes by speaker."""
    from .export.report import story_report

    rep = story_report(_store(ctx), story_id)
    if as_json:
        out.print_json(json.dumps(rep, ensure_ascii=False))
        return
    out.print(Text.assemble((rep["title"] or rep["story_id"], "bold"), f"  [{rep['story_id']}]"))
    out.print(f"{len(rep['documents'])} documents from {', '.join(rep['outlets']) or 'unknown outlets'}", highlight=False)
    for d in rep["documents"]:
        copy = f"  (copy of {d['copy_of'][:10]})" if d["copy_of"] else ""
        out.print(Text.assemble("  ", ((d["published"] or "?")[:10], "dim"), "  ", (d["outlet"] or "?", "cyan"), "  ",
                                d["title"] or d["doc_id"], copy))
    if not rep["events"]:
        out.print("\nNo political event found.")
    for n, ev in enumerate(rep["events"]):
        if n == 0 or ev["background"] != rep["events"][n - 1]["background"]:
            out.print("\n[bold]Background[/]" if ev["background"] else "\n[bold]What happened[/]")
        said = f"; attributed: {', '.join(ev['attribution'])}" if ev["attribution"] else ""
        out.print(Text.assemble("  • ", (f"{ev['actor_name']} {ev['type'].replace('_', ' ')} {ev['party_name'] or ''}".strip(), "bold"),
                                f" ({ev['modality']}{said}); {len(ev['outlets'])} outlets, "
                                f"{ev['independent_sources']} independent"))
        for label, facts in (("agree", ev["agree"]), ("only one outlet", ev["only_one_outlet"])):
            for f in facts:
                out.print(f"      {label}: {f['field']} {f['value']} ({', '.join(map(str, f['outlets']))})", highlight=False)
        for c in ev["differ"]:
            vals = "; ".join(f"{v['value']} ({', '.join(map(str, v['outlets']))})" for v in c["values"])
            out.print(Text.assemble("      ", ("differ", "yellow"), f": {c['field']}: {vals}"))
    if rep["quotes"]:
        out.print("\n[bold]Quotes by speaker[/]")
    for sp in rep["quotes"]:
        out.print(f"  [bold]{sp['speaker']}[/]", highlight=False)
        for q in sp["quotes"]:
            out.print(Text.assemble("    “", q["text"], "” — ", (", ".join(dict.fromkeys(q["outlets"])), "cyan")))


@app.command()
@_fails_cleanly
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    token: str | None = typer.Option(None, envvar="NEWSWEAVE_API_TOKEN",
                                     help="Allow POST /api/documents with 'Authorization: Bearer TOKEN'. Off without it."),
    fetch_urls: bool = typer.Option(False, "--fetch-urls", help="Let POST /api/documents fetch a public http(s) URL."),
    max_body: str = typer.Option("5MB", help="Largest request body (413 above it)."),
    threads: int = typer.Option(0, min=0, help="Requests answered at once (0: the machine's cores, at least 2)."),
) -> None:
    """Serve the REST API (/api/, OpenAPI at /openapi.json) and the web pages over the database.
    It prints its address; with --verbose it logs every request."""
    import socket

    import uvicorn

    from .serve import Settings, create_app

    settings = Settings(db=ctx.obj.db, token=token, fetch_urls=fetch_urls, max_body=parse_size(max_body),
                        threads=threads)
    try:  # the address is free: say so now, not in a traceback from inside the server
        with socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET):
            pass
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror}): another program has the port, "
                          "or the address is not this machine's; choose another with --port or --host") from exc
    store = _store(ctx, create=True, write=bool(token))  # without a token it only reads
    verbose = logging.getLogger("newsweave").isEnabledFor(logging.INFO)
    where = f"[{host}]" if ":" in host else host
    err.print(f"newsweave: serving at http://{where}:{port}/ the database {store.url} (API docs at /docs; "
              f"{'every request logged' if verbose else '-v logs every request'}; Ctrl+C stops)",
              highlight=False, soft_wrap=True)
    uvicorn.run(create_app(settings, store), host=host, port=port, log_level="info" if verbose else "warning",
                access_log=verbose)


PROBLEM_COLUMNS = ("kind", "source", "row", "reason", "times", "last_seen")


@app.command()
@_fails_cleanly
@output_options
def problems(
    ctx: typer.Context,
) -> Listing:
    """List the inputs that failed or were skipped, as recorded in the database."""
    rows = _store(ctx).problems_list()
    return Listing(rows, PROBLEM_COLUMNS, f"{len(rows)} problem inputs")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
