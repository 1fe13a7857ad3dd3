"""The identity layer: accounts -> OneIDs (see oneid.Resolver)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from ._progress import as_callback
from ._core import IdentifierType

__all__ = [
    "IdentifierType",
    "default_identifier_types",
    "BatchReport",
    "Resolver",
    "resolve",
    "generate_accounts",
    "pairwise_quality",
]

PathLike = Union[str, "os.PathLike[str]"]
Columns = Union[None, Sequence[Any], Mapping[Any, str]]

_REPORT_COUNTS = (
    "batch",
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "fields_rejected",
    "accounts_new",
    "accounts_updated",
    "values_new",
    "links_made",
    "links_refused",
    "values_junk",
    "values_blocklisted",
    "persons_new",
    "persons_merged",
    "persons_resplit",
)
_ERROR_DTYPES = {"row": "int64", "field": object, "reason": object, "row_rejected": bool}
_REFUSED_DTYPES = {
    "batch": "int64",
    "account_id": object,
    "type": object,
    "value": object,
    "reason": object,
    "detail": object,
}
_MERGE_LOG_DTYPES = {
    "kind": object,
    "batch": "int64",
    "survivor": "int64",
    "absorbed": "int64",
    "type": object,
    "value": object,
    "account_id": object,
    "cause": object,
}


def _frame(columns: Mapping[str, Any], dtypes: Mapping[str, Any]) -> pd.DataFrame:
    """A DataFrame with exactly these columns and dtypes (strings stay ``object``)."""
    return pd.DataFrame({name: pd.Series(columns[name], dtype=dtype) for name, dtype in dtypes.items()})


def _as_frame(data: Any) -> pd.DataFrame:
    """A DataFrame of ``data``; a pyarrow Table keeps its Arrow columns (no copy of the strings),
    which add_batch then reads through the Arrow C Data Interface."""
    if hasattr(data, "column_names") and hasattr(data, "to_pandas") and hasattr(data, "__arrow_c_stream__"):
        return data.to_pandas(types_mapper=pd.ArrowDtype)
    return pd.DataFrame(data)


def _threads(threads: int | None) -> int:
    """``threads`` for the engine: None means the machine's cores (0 there)."""
    if threads is None:
        return 0
    if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= 256:
        raise ValueError(f"threads must be None or an int from 1 to 256, not {threads!r}")
    return threads


def default_identifier_types() -> list[IdentifierType]:
    """The default identifier types: unionid, openid, member_card, alipay, phone, email,
    buyer_id and device_id, with the merge guards of a Chinese omni-channel brand.

    Edit the returned list (it is a copy) and pass it to :class:`Resolver` to change a guard or
    add a type of your own.
    """
    return _core.default_identifier_types()


@dataclass(frozen=True, repr=False)
class BatchReport:
    """What one :meth:`Resolver.add_batch` call did.

    The counts are exact. ``errors`` lists rejected rows and fields (``row`` is the DataFrame's
    0-based positional row, ``field`` the column, ``row_rejected`` False when only that field was
    dropped); ``refused`` lists links a merge guard refused (``reason`` is ``max_per_person``,
    ``junk_value``, ``blocklisted`` or ``erased``; values are normalised, or hashed when the
    resolver hashes values). Both lists keep at most ``max_listed`` entries.

    ``touched_oneids`` holds the current OneID of every person the batch changed (gained or
    updated an account, absorbed another person, was split again) and ``retired_oneids`` the
    OneIDs its merges absorbed; both are complete int64 arrays, so a caller can re-profile and
    re-score only those persons and drop the retired ones.
    """

    batch: int
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    fields_rejected: int
    accounts_new: int
    accounts_updated: int
    values_new: int
    links_made: int
    links_refused: int
    values_junk: int
    values_blocklisted: int
    persons_new: int
    persons_merged: int
    persons_resplit: int
    max_listed: int
    errors: pd.DataFrame = field(compare=False)
    refused: pd.DataFrame = field(compare=False)
    touched_oneids: np.ndarray = field(compare=False, default_factory=lambda: np.empty(0, dtype=np.int64))
    retired_oneids: np.ndarray = field(compare=False, default_factory=lambda: np.empty(0, dtype=np.int64))

    @classmethod
    def _from_core(cls, report: _core.BatchReport) -> BatchReport:
        counts = {name: getattr(report, name) for name in _REPORT_COUNTS}
        return cls(
            **counts,
            max_listed=report.max_listed,
            errors=_frame(report.errors, _ERROR_DTYPES),
            refused=_frame(report.refused, _REFUSED_DTYPES),
            touched_oneids=report.touched_oneids,
            retired_oneids=report.retired_oneids,
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={getattr(self, name)}" for name in _REPORT_COUNTS)
        return f"BatchReport({counts}, errors=<{len(self.errors)} rows>, refused=<{len(self.refused)} rows>)"


def _type_of_column(name: str) -> str:
    """A column's identifier type: its name, or the part before '#' ("phone#2" -> "phone")."""
    return name.split("#", 1)[0]


def _column_specs(df: pd.DataFrame, account_id: Any, source: Any, columns: Columns) -> list[tuple[Any, str, str]]:
    """(DataFrame label, column name, identifier type) for each identifier column."""
    if columns is None:
        labels = [c for c in df.columns if c != account_id and c != source]
        return [(c, str(c), _type_of_column(str(c))) for c in labels]
    if isinstance(columns, Mapping):
        return [(c, str(c), str(t)) for c, t in columns.items()]
    if isinstance(columns, (str, bytes)):
        raise TypeError("columns must be None, a list of column names or a {column: type} dict, not a string")
    return [(c, str(c), _type_of_column(str(c))) for c in columns]


class Resolver:
    """The OneID engine: links accounts that share an identifier value into persons.

    Args:
        types: the identifier types (see :class:`IdentifierType`); None for
            :func:`default_identifier_types`.
        default_region: ISO 3166 alpha-2 region for phone numbers written without a country code.
        hash_values: keep only salted SHA-256 hashes of identifier values, never raw PII (in memory,
            snapshots, reports and the merge log). Needs ``salt``.
        salt: secret of at least 16 bytes (str or bytes). Needed for hashing and for erasure; it
            is never written to a snapshot, so pass the same salt to :meth:`load`.
        threads: threads that normalise and key a batch's cells (linking stays on one thread);
            None for the machine's cores. Results are identical for every value.

    Raises:
        ValueError: the configuration is invalid (the message says why).

    OneIDs are stable: when two persons merge, the older OneID survives and the younger becomes
    its alias (:meth:`current_oneid`). Methods may be called from several threads; ingestion and
    erasure run without the GIL.
    """

    __slots__ = ("_impl",)

    def __init__(
        self,
        types: Sequence[IdentifierType] | None = None,
        *,
        default_region: str = "CN",
        hash_values: bool = False,
        salt: str | bytes | None = None,
        threads: int | None = None,
    ) -> None:
        self._impl = _core.Resolver(
            None if types is None else list(types),
            default_region=default_region,
            hash_values=hash_values,
            salt=salt,
            threads=_threads(threads),
        )

    @classmethod
    def load(
        cls,
        path: PathLike,
        types: Sequence[IdentifierType] | None = None,
        *,
        default_region: str = "CN",
        hash_values: bool = False,
        salt: str | bytes | None = None,
        threads: int | None = None,
    ) -> Resolver:
        """Loads a snapshot written by :meth:`save`.

        The configuration must match the one the snapshot was saved with (same types, same salt).

        Raises:
            KeyError: the file does not exist.
            ValueError: not a oneid snapshot, a newer format, a different salt or different types.
            RuntimeError: the file is truncated or corrupt (checksum mismatch).
        """
        self = cls.__new__(cls)
        self._impl = _core.Resolver.load(
            os.fspath(path),
            None if types is None else list(types),
            default_region=default_region,
            hash_values=hash_values,
            salt=salt,
            threads=_threads(threads),
        )
        return self

    def save(self, path: PathLike) -> None:
        """Writes the whole state to ``path`` atomically (temporary file, fsync, rename), in a
        versioned binary format with a SHA-256 checksum. The salt is never written.

        Raises:
            RuntimeError: the file cannot be written.
        """
        self._impl.save(os.fspath(path))

    def add_batch(
        self,
        df: pd.DataFrame,
        account_id: Any = "account_id",
        source: Any = "source",
        columns: Columns = None,
        *,
        progress: Any = None,
    ) -> BatchReport:
        """Ingests one batch of accounts, one row per account.

        Args:
            df: the accounts (anything ``pandas.DataFrame`` accepts).
            account_id: the column of account ids (unique across all batches; an id seen before
                updates that account).
            source: the column naming each account's channel; optional (ignored if absent).
            columns: the identifier columns. None: every other column, each holding the type
                named by the column, or by the part before '#' ("phone#2" is a second phone
                column). A list of column names: those columns, by the same rule. A dict
                ``{column: type}``: explicit types.
            progress: True shows the stages "resolve: accounts" and "resolve: links" on stderr; a
                callable is called with (stage, done, total); see ``oneid._progress``.

        Cells are ``str``; None, NaN, ``pd.NA`` and ``pd.NaT`` are missing; other values are
        converted with ``str()``, except that a float holding a whole number is written without
        ".0" (pandas keeps an integer column with gaps as float64). Strings are passed to C++
        without copying. Arrow-backed string columns (pandas' ``str`` dtype when pyarrow is
        installed, ``string[pyarrow]``, ``pd.ArrowDtype(pa.string())``) are read from their Arrow
        buffers through the Arrow C Data Interface, with no Python object per cell; ``df`` may
        also be a ``pyarrow.Table``.

        Bad rows and fields never stop the batch: they are listed in ``report.errors`` with the
        DataFrame's 0-based positional row. Links refused by a merge guard are listed in
        ``report.refused``.

        Raises:
            ValueError: a column's identifier type is not configured, or a named column is missing.
        """
        if not isinstance(df, pd.DataFrame):
            df = _as_frame(df)
        if not df.columns.is_unique:
            raise ValueError("add_batch: the DataFrame has duplicate column names")
        if account_id not in df.columns:
            raise ValueError(f"add_batch: the DataFrame has no account id column {account_id!r}")
        specs = _column_specs(df, account_id, source, columns)
        for label, _, _ in specs:
            if label not in df.columns:
                raise ValueError(f"add_batch: the DataFrame has no column {label!r}")
        sources = df[source] if source is not None and source in df.columns else None
        report = self._impl.add_batch(
            df[account_id],
            sources,
            [(name, type_) for _, name, type_ in specs],
            [df[label] for label, _, _ in specs],
            as_callback(progress),
        )
        return BatchReport._from_core(report)

    def assignments(self) -> pd.DataFrame:
        """The account -> OneID map: columns ``account_id`` (object) and ``oneid`` (int64), in the
        order accounts were first seen. Erased accounts are left out."""
        account_ids, oneids = self._impl.assignments()
        return _frame({"account_id": account_ids, "oneid": oneids}, {"account_id": object, "oneid": "int64"})

    def oneid_of(self, account_id: str) -> int:
        """The current OneID of an account.

        Raises:
            KeyError: unknown or erased account.
        """
        return self._impl.oneid_of(account_id)

    def oneids_of(self, account_ids: Iterable[Any]) -> np.ndarray:
        """The OneIDs of many accounts as an int64 array, 0 for unknown accounts; for joining
        OneIDs back onto order or event tables (``orders["oneid"] = r.oneids_of(orders.account_id)``).
        Cells are read as in :meth:`add_batch`."""
        if not hasattr(account_ids, "__len__"):
            account_ids = list(account_ids)
        return self._impl.oneids_of(account_ids)

    def current_oneid(self, oneid: int) -> int:
        """The OneID that ``oneid`` is known as now (follows merges).

        Raises:
            KeyError: the OneID was never issued, or all its accounts were erased.
        """
        return self._impl.current_oneid(oneid)

    def accounts_of(self, oneid: int) -> list[str]:
        """The accounts of a person, oldest first (an absorbed OneID gives its survivor's).

        Raises:
            KeyError: unknown OneID.
        """
        return self._impl.accounts_of(oneid)

    def explain(self, account_a: str, account_b: str) -> list[dict[str, str]]:
        """The shortest chain of shared identifier values that links two accounts of one person:
        one dict per hop with ``from_account``, ``type``, ``value``, ``to_account``. Empty when both
        are the same account.

        Raises:
            KeyError: an account is unknown.
            RuntimeError: the accounts belong to different persons.
        """
        return self._impl.explain(account_a, account_b)

    def erase_account(self, account_id: str) -> dict[str, Any]:
        """Erases an account everywhere, re-splits its person and tombstones the id so that it is
        refused if ingested again. Returns ``oneid_before``, ``oneids_after`` (the persons the
        remaining accounts now form), ``accounts_erased`` and ``accounts_affected``.

        Raises:
            KeyError: unknown account.
            RuntimeError: the resolver has no salt.
        """
        return self._impl.erase_account(account_id)

    def erase_value(self, type: str, value: str) -> dict[str, Any]:
        """Erases one identifier value (given raw; it is normalised first) from every account
        that holds it, re-splits the persons it linked and tombstones it. Returns the same dict as
        :meth:`erase_account`.

        Raises:
            ValueError: unknown identifier type.
            KeyError: no such value is known.
            RuntimeError: the resolver has no salt.
        """
        return self._impl.erase_value(type, value)

    def merge_log(self, since: int = 0) -> pd.DataFrame:
        """Every merge, split and retirement: columns ``kind`` ("merge", "split", "retire"),
        ``batch``, ``survivor``, ``absorbed``, ``type``, ``value``, ``account_id``, ``cause``.

        ``since`` skips the first entries: a host that appends the log to its own table keeps
        how many rows it has (``stats()["merge_log_entries"]``) and reads only the tail, in time
        proportional to the tail. The frame's index is the entry's position in the whole log.
        """
        if since < 0:
            raise ValueError("since must be >= 0")
        frame = _frame(self._impl.merge_log(since), _MERGE_LOG_DTYPES)
        if since:
            frame.index = pd.RangeIndex(since, since + len(frame))
        return frame

    def stats(self) -> dict[str, int]:
        """Counts: accounts, accounts_erased, values, values_junk, persons, merge_log_entries,
        batches and memory_bytes (approximate heap held)."""
        return self._impl.stats()

    @property
    def types(self) -> list[IdentifierType]:
        """The configured identifier types (a copy)."""
        return self._impl.types

    @property
    def default_region(self) -> str:
        return self._impl.default_region

    @property
    def hash_values(self) -> bool:
        return self._impl.hash_values

    def __repr__(self) -> str:
        s = self.stats()
        return f"<oneid.Resolver accounts={s['accounts']} persons={s['persons']} batches={s['batches']}>"


def resolve(
    df: pd.DataFrame,
    *,
    types: Sequence[IdentifierType] | None = None,
    default_region: str = "CN",
    hash_values: bool = False,
    salt: str | bytes | None = None,
    account_id: Any = "account_id",
    source: Any = "source",
    columns: Columns = None,
    progress: Any = None,
) -> pd.DataFrame:
    """One-shot resolution: a new :class:`Resolver`, one :meth:`~Resolver.add_batch`, and its
    :meth:`~Resolver.assignments` (``account_id``, ``oneid``). Rows rejected by the batch are not
    in the result; use a :class:`Resolver` to see the report."""
    r = Resolver(types, default_region=default_region, hash_values=hash_values, salt=salt)
    r.add_batch(df, account_id=account_id, source=source, columns=columns, progress=progress)
    return r.assignments()


def _accounts_frame(columns: Mapping[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(cells, dtype=object) for name, cells in columns.items()})


def generate_accounts(
    people: int = 10000,
    seed: int = 42,
    batches: int | None = None,
    progress: Any = None,
    **knobs: Any,
) -> tuple[pd.DataFrame, np.ndarray] | list[tuple[pd.DataFrame, np.ndarray]]:
    """Generated omni-channel accounts with ground truth, for tests, demos and benchmarks.

    Returns ``(accounts, truth)``: a DataFrame with columns account_id, source, phone, email,
    unionid, openid, device_id, member_card, buyer_id, alipay (missing cells are ""), and a
    uint32 array giving the person who owns each row. Rows are shuffled. The output is a pure
    function of the arguments.

    With ``batches=N`` the same rows come as a list of N such tuples, in order, for incremental
    resolution (truth labels are shared across batches).

    ``knobs`` sets any generator knob: ``mean_accounts_per_person``, ``max_accounts_per_person``,
    ``mini_programs``, ``phone_share``, ``second_phone_share``, ``email_share``, ``alipay_share``,
    ``second_device_share``, ``phone_variant_share``, ``email_variant_share``, ``typo_rate``,
    ``family_device_share``, ``kiosk_phones_per_100k``, ``kiosk_min_accounts``,
    ``kiosk_max_accounts``, ``placeholder_share``, and ``channels`` (a dict of channel weights:
    pos, tmall, jd, douyin, miniprogram, wecom, app).

    ``progress``: True shows the stages "generate: people" and "generate: accounts" on stderr; a
    callable is called with (stage, done, total). It never changes the output.
    """
    callback = as_callback(progress)
    config = _core.SyntheticConfig()
    config.people = people
    config.seed = seed
    for name, value in knobs.items():
        if name == "channels":
            mix = _core.ChannelMix()
            for channel, weight in dict(value).items():
                if not hasattr(mix, channel):
                    raise TypeError(f"generate_accounts(): unknown channel {channel!r}")
                setattr(mix, channel, weight)
            config.channels = mix
        elif name.startswith("_") or not hasattr(config, name):
            raise TypeError(f"generate_accounts() got an unexpected keyword argument {name!r}")
        else:
            setattr(config, name, value)
    if batches is None:
        columns, truth = _core.generate_accounts(config, callback)
        return _accounts_frame(columns), truth
    return [
        (_accounts_frame(columns), truth)
        for columns, truth in _core.generate_account_batches(config, batches, callback)
    ]


def _labels(values: Any) -> np.ndarray:
    """Per-row labels as integers: integer arrays as they are, anything else factorized."""
    array = np.asarray(values)
    if array.dtype.kind in "iub":
        return array
    return np.asarray(pd.factorize(array, use_na_sentinel=False)[0])


def pairwise_quality(predicted: Any, truth: Any) -> dict[str, float | int]:
    """Pairwise precision, recall and F1 of a clustering against ground truth.

    ``predicted`` and ``truth`` give a label per row (OneIDs, person ids; only equality matters).
    A pair of rows is predicted when both share a predicted label and true when both share a truth
    label. Returns precision, recall, f1, true_pairs, predicted_pairs, correct_pairs,
    largest_cluster (rows in the largest predicted cluster), predicted_clusters, true_clusters.

    Raises:
        ValueError: the inputs differ in length.
    """
    return _core.pairwise_quality(_labels(predicted), _labels(truth))
