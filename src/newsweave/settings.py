"""One :class:`Settings` object for a run: the database, the knowledge-base packs and the user's
folders added to them, NLP worker processes, story-clustering parameters and the user's files added
to the shipped data files.

Read once, in this order, each later source overriding the earlier: the defaults, a config file
(``--config FILE``, ``$NEWSWEAVE_CONFIG``, or ``newsweave.toml`` in the working folder), the
environment, then the command line's flags. The CLI reads them at start and makes them the run's
(:func:`use`); a program using newsweave as a library may do the same, or leave it to the first
use, which reads the environment and a config file. Every loader of a data file takes the user's
files from here (:func:`current`), so no setting travels through ``os.environ``.

A config file::

    db = "sqlite:///news.db"
    packs = "india"                 # shipped knowledge-base packs, comma-separated
    kb = "my-kb"                    # folders of knowledge-base files added to them
    nlp_processes = 2               # spaCy's worker processes; "auto" (the default): the cores, for large inputs
    db_connect_timeout = 10         # seconds a PostgreSQL server has to answer a connection

    [data]                          # a user file added to a shipped data file, by its name
    furniture = "my-furniture.toml"
    triggers = "my-triggers.toml"

    [stories]                       # story-clustering parameters (newsweave.link.stories.StoryParams)
    threshold = 0.45
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError

ENV_CONFIG = "NEWSWEAVE_CONFIG"
DEFAULT_DB = "sqlite:///newsweave.db"  # a file in the working folder
#: the largest file or upload read (--max-size, --max-body). An article up to it is processed, however
#: long: the NLP parses a long text in pieces (newsweave.nlp.pieces), never hitting spaCy's own limit.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_FETCH_DEADLINE = 30.0  # seconds one web fetch may take in all: lookups, connections, redirects, reads
DEFAULT_CONNECT_TIMEOUT = 10  # seconds a database server has to accept a connection


def db_url(value: str) -> str:
    """A database as given: an SQLAlchemy URL as it is, a plain path as that SQLite file
    (``news.db`` -> ``sqlite:///news.db``)."""
    return value if "://" in value or not value else f"sqlite:///{value}"


def human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


CONFIG_NAME = "newsweave.toml"
#: setting -> the environment variable that gives it
ENV = {"db": "NEWSWEAVE_DB", "kb": "NEWSWEAVE_KB", "packs": "NEWSWEAVE_KB_PACKS",
       "nlp_processes": "NEWSWEAVE_NLP_PROCESSES", "db_connect_timeout": "NEWSWEAVE_DB_CONNECT_TIMEOUT"}
#: the shipped data files a user file may add to (``[data]`` keys; $NEWSWEAVE_<NAME> in the environment)
DATA_FILES = ("admin1.tsv", "entity_cues.toml", "furniture.toml", "languages.toml", "lowercase_words.txt", "names.toml",
              "outlets.tsv", "speech.toml", "stopwords.txt", "times.toml", "timezones.toml", "triggers.toml")


def data_env(name: str) -> str:
    """The environment variable naming the user's file for a data file ("furniture.toml" ->
    NEWSWEAVE_FURNITURE)."""
    return "NEWSWEAVE_" + name.split(".")[0].upper()


def _data_name(key: str, where: str) -> str:
    for name in DATA_FILES:
        if key in (name, name.split(".")[0]):
            return name
    raise ConfigError(f"{where}: [data] {key}: no data file of that name; the data files are "
                      f"{', '.join(n.split('.')[0] for n in DATA_FILES)}")


@dataclass(frozen=True, slots=True)
class Settings:
    db: str | None = None  # SQLAlchemy URL; None: newsweave.db in the working folder
    kb: str | None = None  # folders of knowledge-base files added to the packs (os.pathsep-separated)
    packs: str | None = None  # shipped packs to use, comma-separated; None: all of them
    nlp_processes: int | None = None  # spaCy's worker processes; None ("auto"): the cores, for large inputs
    db_connect_timeout: int = DEFAULT_CONNECT_TIMEOUT  # seconds (PostgreSQL's connect_timeout)
    data: tuple[tuple[str, str], ...] = ()  # (data file, the user's file added to it)
    stories: tuple[tuple[str, Any], ...] = ()  # story-clustering parameters that differ from the defaults
    config: str | None = None  # the config file read, if any

    def loaded(self) -> tuple[Any, ...]:
        """What the cached loaders read (the packs, the user's folders and data files): when this
        changes, they read again."""
        return self.kb, self.packs, self.data

    def overlays(self, name: str) -> tuple[str, ...]:
        """The user's files added to the data file ``name``."""
        return tuple(path for n, path in self.data if n == name)

    def story_params(self) -> dict[str, Any]:
        return dict(self.stories)

    @classmethod
    def load(cls, flags: Mapping[str, Any] | None = None, *, env: Mapping[str, str] | None = None,
             config: str | Path | None = None) -> Settings:
        """Defaults, then the config file, then ``env`` (default: the environment), then ``flags``
        (None values are not given)."""
        env = os.environ if env is None else env
        flags = {k: v for k, v in (flags or {}).items() if v is not None}
        values: dict[str, Any] = {}
        data: dict[str, str] = {}
        stories: dict[str, Any] = {}
        path = config or env.get(ENV_CONFIG) or (CONFIG_NAME if Path(CONFIG_NAME).is_file() else None)
        if path:
            _read_config(Path(path), values, data, stories)
            values["config"] = str(path)
        for key, var in ENV.items():
            if env.get(var):
                values[key] = env[var]
        for name in DATA_FILES:
            if env.get(data_env(name)):
                data[name] = env[data_env(name)]
        for key, value in flags.items():
            if key == "data":
                data.update({_data_name(k, "--data"): v for k, v in dict(value).items()})
            elif key == "stories":
                stories.update(dict(value))
            else:
                values[key] = value
        if "db" in values and not str(values["db"]).strip():
            raise ConfigError("the database (--db) is empty: give an SQLite file (--db news.db) or a database URL")
        if values.get("db"):
            values["db"] = db_url(str(values["db"]))
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown settings: {', '.join(unknown)}")
        if "nlp_processes" in values:
            n = values["nlp_processes"]
            values["nlp_processes"] = None if str(n).strip().lower() == "auto" else _whole("nlp_processes", n, also=' or "auto"')
        if "db_connect_timeout" in values:
            values["db_connect_timeout"] = _whole("db_connect_timeout", values["db_connect_timeout"], " of seconds")
        return cls(**values, data=tuple(sorted(data.items())), stories=tuple(sorted(stories.items())))


def _whole(key: str, value: Any, unit: str = "", also: str = "") -> int:
    """``value`` as a whole number of 1 or more, else a ConfigError naming the setting ``key``."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = 0
    if n < 1:
        raise ConfigError(f"{key} ({ENV[key]}) must be a whole number{unit} of 1 or more{also}, not {value!r}")
    return n


def _read_config(path: Path, values: dict[str, Any], data: dict[str, str], stories: dict[str, Any]) -> None:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    base = path.parent
    for key, value in doc.items():
        if key == "data":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: [data] must be a table of data file = path")
            data.update({_data_name(k, str(path)): str(base / v) for k, v in value.items()})
        elif key == "stories":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: [stories] must be a table of parameter = value")
            stories.update(value)
        elif key == "kb":  # folders, each relative to the config file's
            values[key] = os.pathsep.join(str(base / f) for f in str(value).split(os.pathsep) if f)
        elif key in ENV:
            if key == "db" and not str(value).strip():
                raise ConfigError(f"{path}: db is empty; give an SQLite file (db = \"news.db\") or a database URL")
            values[key] = str(base / value) if key == "db" and "://" not in str(value) else value
        else:
            raise ConfigError(f"{path}: unknown setting {key!r}; the settings are "
                              f"{', '.join([*ENV, 'data', 'stories'])}")


_active: Settings | None = None
_listeners: list[Callable[[], None]] = []


def on_change(fn: Callable[[], None]) -> None:
    """Call ``fn`` whenever the run's settings change (a loader's cache_clear)."""
    _listeners.append(fn)


def current() -> Settings:
    """The run's settings: those made the run's with :func:`use`, else read once from the
    environment and a config file."""
    global _active
    if _active is None:
        _active = Settings.load()
    return _active


def activate(settings: Settings | None) -> None:
    """Make ``settings`` the run's (None: read them again at the next use)."""
    global _active
    before, _active = _active, settings
    if (before.loaded() if before else None) != (settings.loaded() if settings else None):
        for fn in _listeners:
            fn()


@contextmanager
def use(settings: Settings) -> Iterator[Settings]:
    """The run's settings for the duration of a block, then what they were."""
    before = _active
    activate(settings)
    try:
        yield settings
    finally:
        activate(before)
