"""oneid on Apache Spark: OneIDs, profiles and scores for data that outgrows one machine.

Spark is the engine; oneid's C++ core runs inside Spark's Python workers. Nothing here is a
cluster of its own. Install with ``pip install .[spark]`` (PySpark 4).

:func:`resolve` gives the same persons, refusals and (on a first run) the same OneIDs as
:class:`oneid.Resolver` given the same rows in the same order. How (docs/spark.md has the proof):

1. every cell is keyed per partition by the resolver's own normaliser (``mapInArrow``);
2. a ``groupBy`` over (type, key) finds blocklisted and junk values exactly as the engine does,
   and joins each value's holders to its oldest holder (star edges, never all pairs);
3. the candidate components of that graph come from large-star/small-star (Kiveris et al.,
   SoCC 2014) in DataFrame operations;
4. each component is resolved by the exact engine (``groupBy(component).applyInPandas``), batch
   by batch in arrival order. Guards only refuse links, so every person lies inside one component;
5. OneIDs are numbered globally in the order the engine mints them: by batch, then by the arrival
   of the person's oldest account.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import _core
from .identity import Columns, IdentifierType, Resolver, _column_specs, default_identifier_types

try:  # PySpark is an optional extra: the rest of oneid works without it.
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession, Window
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as _error:  # pragma: no cover - exercised only without the extra
    raise ImportError("oneid.spark needs PySpark 4 and pyarrow: pip install 'oneid[spark]'") from _error

__all__ = [
    "ComponentTooLargeError",
    "local_session",
    "SparkResolution",
    "connected_components",
    "resolve",
    "build_profiles",
    "score",
]

_HISTORY_META = "meta.json"


def local_session(master: str = "local[2]", *, driver_memory: str = "2g", shuffle_partitions: int = 4,
                  ui: bool = False, app_name: str = "oneid") -> SparkSession:
    """A Spark session on this machine set up as oneid's tests and benchmarks use it: UTC session
    time zone (profiles read times in UTC), few shuffle partitions (small data), quiet logs."""
    spark = (SparkSession.builder.master(master).appName(app_name)
             .config("spark.driver.memory", driver_memory)
             .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.ui.enabled", "true" if ui else "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class ComponentTooLargeError(ValueError):
    """A candidate component holds more accounts than ``max_component_accounts``.

    ``hubs`` lists the values that hold it together (type, key, holders), largest first: usually a
    store phone or a kiosk device below its type's ``max_accounts_per_value``. Blocklist them or
    lower the cap, then run again.
    """

    def __init__(self, message: str, component: int, accounts: int, hubs: pd.DataFrame) -> None:
        super().__init__(message)
        self.component = component
        self.accounts = accounts
        self.hubs = hubs


@dataclass
class SparkResolution:
    """The result of :func:`resolve`, and the state the next incremental run starts from.

    Attributes:
        assignments: account_id -> oneid (every account ever seen).
        merge_log: the merge log of every run so far (columns as ``Resolver.merge_log()``).
        report: counts of this run's batch (as :class:`oneid.BatchReport`) and of the Spark stages
            (``rounds``, ``components``, ``largest_component``, ``touched_components``,
            ``accounts_recomputed``).
        errors: this batch's rejected rows and fields (``row`` is the positional row of the input).
        refused: this batch's refused links (every one, not only the first ``max_listed``).
        history: every input row so far (batch, row, account_id, source, identifier cells).
        accounts: per account its first row, current and first OneID (the reclaim rule needs both).
        mints: every OneID with the (batch, row) of the account it was minted for.
    """

    assignments: DataFrame
    merge_log: DataFrame
    report: dict[str, int]
    errors: DataFrame
    refused: DataFrame
    history: DataFrame
    accounts: DataFrame
    mints: DataFrame
    columns: list[tuple[str, str]]
    batch: int
    rows_total: int
    next_oneid: int

    def save(self, path: str) -> None:
        """Writes the state to a folder of Parquet files (what a later run's ``previous`` loads)."""
        for name in ("history", "accounts", "mints", "merge_log"):
            getattr(self, name).write.mode("overwrite").parquet(os.path.join(path, name))
        meta = {"columns": self.columns, "batch": self.batch, "rows_total": self.rows_total,
                "next_oneid": self.next_oneid}
        self.history.sparkSession.createDataFrame([(json.dumps(meta),)], "meta string").coalesce(1).write.mode(
            "overwrite").text(os.path.join(path, _HISTORY_META))

    @classmethod
    def load(cls, spark: SparkSession, path: str) -> SparkResolution:
        """Reads a state written by :meth:`save`.

        Raises:
            FileNotFoundError: ``path`` holds no saved state.
        """
        if not os.path.exists(os.path.join(path, _HISTORY_META)):
            raise FileNotFoundError(f"no oneid Spark state in {path!r} (missing {_HISTORY_META})")
        meta = json.loads(spark.read.text(os.path.join(path, _HISTORY_META)).first()[0])
        tables = {name: spark.read.parquet(os.path.join(path, name)) for name in
                  ("history", "accounts", "mints", "merge_log")}
        empty = spark.createDataFrame([], "row long, field string, reason string, row_rejected boolean")
        return cls(
            assignments=tables["accounts"].select("account_id", "oneid"),
            merge_log=tables["merge_log"],
            report={},
            errors=empty,
            refused=spark.createDataFrame([], _REFUSED_SCHEMA),
            history=tables["history"],
            accounts=tables["accounts"],
            mints=tables["mints"],
            columns=[tuple(c) for c in meta["columns"]],
            batch=int(meta["batch"]),
            rows_total=int(meta["rows_total"]),
            next_oneid=int(meta["next_oneid"]),
        )


# ------------------------------------------------------------------------------------------------
# Connected components: large-star / small-star on DataFrames.


def _oriented(edges: DataFrame) -> DataFrame:
    """Each undirected edge once, as (src, dst) with src > dst; self-loops dropped."""
    return (edges.where(F.col("src") != F.col("dst"))
            .select(F.greatest("src", "dst").alias("src"), F.least("src", "dst").alias("dst"))
            .distinct())


def _cut_lineage(df: DataFrame, checkpoint_dir: str | None) -> DataFrame:
    # Reliable checkpoints survive a lost executor; local ones are enough on one machine.
    return df.checkpoint(eager=True) if checkpoint_dir else df.localCheckpoint(eager=True)


def _edge_set_signature(edges: DataFrame) -> tuple[int, int, int]:
    """Size and two independent hash sums (64-bit xxHash, 32-bit Murmur3) of a deduplicated edge
    set, in one job. Equal signatures of successive rounds mean an unchanged set (a false match
    has odds near 2^-96); comparing the sets themselves costs two more shuffles a round."""
    row = edges.agg(F.count(F.lit(1)).alias("n"),
                    F.sum(F.xxhash64("src", "dst").cast("decimal(38,0)")).alias("h1"),
                    F.sum(F.hash("dst", "src").cast("decimal(38,0)")).alias("h2")).first()
    return int(row["n"]), int(row["h1"] or 0), int(row["h2"] or 0)


def connected_components(edges: DataFrame, *, max_rounds: int = 64, checkpoint_every: int = 2,
                         checkpoint_dir: str | None = None) -> tuple[DataFrame, int]:
    """Connected components of an undirected graph given as (src, dst) long columns.

    Large-star/small-star (Kiveris, Lattanzi, Mirrokni, Rastogi, Vassilvitskii, SoCC 2014):
    alternate the two operations until the edge set stops changing; then every node points at
    the smallest node of its component. Lineage is cut every ``checkpoint_every`` rounds.

    Returns:
        (a DataFrame of (node, component) for every node with an edge, the number of rounds).

    Raises:
        RuntimeError: no convergence within ``max_rounds`` (the paper proves O(log^2 n) rounds).
    """
    if checkpoint_dir:
        edges.sparkSession.sparkContext.setCheckpointDir(checkpoint_dir)
    current = _cut_lineage(_oriented(edges), checkpoint_dir)
    signature = _edge_set_signature(current)
    for round_ in range(1, max_rounds + 1):
        # Large star: each node's larger neighbours move to the smallest of its neighbourhood.
        both = current.union(current.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
        smallest = both.groupBy("src").agg(F.least(F.min("dst"), F.col("src")).alias("m"))
        large = (both.where(F.col("dst") > F.col("src")).join(smallest, "src")
                 .select(F.col("dst").alias("src"), F.col("m").alias("dst")))
        large = _oriented(large)
        # Small star: each node and its smaller neighbours move to the smallest of them.
        smaller = large.groupBy("src").agg(F.min("dst").alias("m"))
        small = large.join(smaller, "src").select(F.col("dst").alias("src"), F.col("m").alias("dst"))
        small = _oriented(small.union(smaller.select("src", F.col("m").alias("dst"))))
        small = small.persist() if round_ % checkpoint_every else _cut_lineage(small, checkpoint_dir)
        new_signature = _edge_set_signature(small)
        current.unpersist()
        current = small
        if new_signature == signature:
            stars = current.select(F.col("src").alias("node"), F.col("dst").alias("component"))
            roots = current.select(F.col("dst").alias("node"), F.col("dst").alias("component")).distinct()
            return stars.union(roots), round_
        signature = new_signature
    raise RuntimeError(f"connected_components: no convergence in {max_rounds} rounds")


# ------------------------------------------------------------------------------------------------
# resolve


_REFUSED_SCHEMA = "batch long, account_id string, type string, value string, reason string, detail string"
_LOG_SCHEMA = ("kind string, batch long, survivor long, absorbed long, type string, value string, "
               "account_id string, cause string")
_COUNTS = ("rows_read", "rows_accepted", "rows_rejected", "fields_rejected", "accounts_new",
           "accounts_updated", "values_new", "links_made", "links_refused", "values_junk",
           "values_blocklisted", "persons_new", "persons_merged", "persons_resplit")


def _types_payload(types: Sequence[IdentifierType]) -> list[dict[str, Any]]:
    return [{"name": t.name, "kind": t.kind, "max_per_person": t.max_per_person,
             "max_accounts_per_value": t.max_accounts_per_value, "priority": t.priority,
             "blocklist": list(t.blocklist)} for t in types]


def _types_from(payload: list[dict[str, Any]]) -> list[IdentifierType]:
    return [IdentifierType(p["name"], p["kind"], max_per_person=p["max_per_person"],
                           max_accounts_per_value=p["max_accounts_per_value"], priority=p["priority"],
                           blocklist=p["blocklist"]) for p in payload]


def _number_rows(df: DataFrame, first: int, name: str = "row") -> tuple[DataFrame, int]:
    """Adds ``name`` (first, first + 1, ... in the DataFrame's partition order, which after an
    ``orderBy`` is the sort order) without moving rows: per-partition counts give each partition
    its offset."""
    tagged = df.withColumn("_mid", F.monotonically_increasing_id()).withColumn("_part", F.spark_partition_id())
    tagged = tagged.persist()
    counts = sorted(tagged.groupBy("_part").agg(F.count(F.lit(1)).alias("n"), F.min("_mid").alias("lo"))
                    .collect())
    offsets, total = [], first
    for r in counts:
        offsets.append((r["_part"], total - r["lo"]))
        total += r["n"]
    spark = df.sparkSession
    offset_df = spark.createDataFrame(offsets or [(0, 0)], "_part int, _shift long")
    numbered = tagged.join(F.broadcast(offset_df), "_part").withColumn(name, F.col("_mid") + F.col("_shift"))
    numbered = numbered.drop("_mid", "_part", "_shift").localCheckpoint(eager=True)
    tagged.unpersist()
    return numbered, total


def _key_cells(rows: DataFrame, columns: list[tuple[str, str]], config: dict[str, Any]) -> DataFrame:
    """(row, column index, type, key, blocklisted) for every cell that has a value key."""
    names = [f"c{i}" for i in range(len(columns))]

    def keyer(batches):
        keyer_ = _core.ValueKeyer(_types_from(config["types"]), default_region=config["default_region"],
                                  hash_values=config["hash_values"], salt=config["salt"])
        for batch in batches:
            row = batch.column("row")
            for i, (_, type_) in enumerate(columns):
                out = keyer_.keys(type_, batch.column(names[i]))
                valid = out["valid"]
                if not valid.any():
                    continue
                keys = pa.LargeStringArray.from_buffers(
                    len(valid), pa.py_buffer(out["offsets"]), pa.py_buffer(out["data"]))
                mask = pa.array(valid)
                yield pa.RecordBatch.from_arrays(
                    [row.filter(mask), pa.array(np.full(int(valid.sum()), i, dtype=np.int32)),
                     keys.filter(mask).cast(pa.string()), pa.array(out["blocklisted"][valid])],
                    names=["row", "col", "key", "blocklisted"])

    schema = "row long, col int, key string, blocklisted boolean"
    return rows.select("row", *names).mapInArrow(keyer, schema)


def _valid_account_id() -> Any:
    """The rows whose account id the engine accepts (the others are rejected, so their cells link
    nothing); the engine's own check still runs and reports them."""
    aid = F.col("account_id")
    return aid.isNotNull() & (F.length(F.regexp_replace(aid, " ", "")) > 0) & (F.octet_length(aid) <= 1024)


def _replay(config: dict[str, Any], columns: list[tuple[str, str]], current_batch: int):
    """The per-component function: the exact engine over the component's rows, batch by batch."""
    spec = {name: type_ for name, type_ in columns}
    renamed = {f"c{i}": name for i, (name, _) in enumerate(columns)}

    def run(pdf: pd.DataFrame) -> pd.DataFrame:
        pdf = pdf.sort_values("row", kind="stable").rename(columns=renamed)
        r = Resolver(_types_from(config["types"]), default_region=config["default_region"],
                     hash_values=config["hash_values"], salt=config["salt"], threads=1)
        first_row = pdf.groupby("account_id", sort=False)["row"].min()
        first_oneid: dict[str, int] = {}
        home: dict[int, tuple[int, int | None]] = {}  # local OneID -> (batch minted, home row)
        issued = 0
        out: list[dict[str, Any]] = []
        for b, part in pdf.groupby("batch", sort=True):
            frame = part[["account_id", "source", *spec]].reset_index(drop=True)
            report = r.add_batch(frame, columns=spec)
            table = r.assignments()
            rows_of = table["account_id"].map(first_row)
            newest = int(table["oneid"].max()) if len(table) else 0
            log = r.merge_log()
            log_b = log[log["batch"] == r.stats()["batches"]]
            for col in ("survivor", "absorbed"):
                if len(log_b):
                    newest = max(newest, int(log_b[col].max()))
            current_home = pd.Series(rows_of.values, index=table["oneid"].values).groupby(level=0).min()
            for local in range(issued + 1, newest + 1):
                row = current_home.get(local)
                home[local] = (int(b), None if row is None or pd.isna(row) else int(row))
            issued = max(issued, newest)
            new_ids = frame["account_id"][~frame["account_id"].isin(list(first_oneid))].dropna()
            if len(new_ids):
                ids = r.oneids_of(new_ids)
                for account, oneid in zip(new_ids, ids):
                    if oneid and account not in first_oneid:
                        first_oneid[account] = int(oneid)
            if int(b) != current_batch:
                continue
            counts = {name: int(getattr(report, name)) for name in _COUNTS}
            out.append({"kind": "counts", "payload": json.dumps(counts)})
            batch_rows = part["row"].to_numpy()
            for e in report.errors.itertuples(index=False):
                out.append({"kind": "error", "row": int(batch_rows[e.row]),
                            "payload": json.dumps([e.field, e.reason, bool(e.row_rejected)])})
            for e in report.refused.itertuples(index=False):
                out.append({"kind": "refused", "payload": json.dumps(
                    [e.account_id, e.type, e.value, e.reason, e.detail])})
            for e in log_b.itertuples(index=False):
                out.append({"kind": "log", "survivor": int(e.survivor), "absorbed": int(e.absorbed),
                            "payload": json.dumps([e.kind, e.type, e.value, e.account_id, e.cause])})
        for local, (b, row) in home.items():
            out.append({"kind": "mint", "survivor": local, "batch": b, "row": row})
        table = r.assignments()
        for account, oneid in zip(table["account_id"], table["oneid"]):
            out.append({"kind": "account", "account_id": account, "survivor": int(oneid),
                        "absorbed": first_oneid.get(account, int(oneid)), "row": int(first_row[account])})
        result = pd.DataFrame(out, columns=["kind", "account_id", "survivor", "absorbed", "batch", "row",
                                            "payload"])
        result["bucket"] = int(pdf["bucket"].iloc[0])
        for column in ("kind", "account_id", "payload"):  # an all-missing column would be float64
            result[column] = result[column].astype(object).where(result[column].notna(), None)
        return _for_arrow(result.astype({"survivor": "Int64", "absorbed": "Int64", "batch": "Int64", "row": "Int64"}))

    return run


def _for_arrow(df: pd.DataFrame) -> pd.DataFrame:
    """String columns as Python objects: PySpark's Arrow writer does not take pandas 3's
    Arrow-backed ``str`` columns (they arrive as chunked arrays)."""
    return df.astype({c: object for c in df.columns if pd.api.types.is_string_dtype(df[c])})


_REPLAY_SCHEMA = ("kind string, account_id string, survivor long, absorbed long, batch long, row long, "
                  "payload string, bucket long")


def resolve(
    accounts: DataFrame,
    types: Sequence[IdentifierType] | None = None,
    previous: SparkResolution | None = None,
    *,
    account_id: str = "account_id",
    source: str | None = "source",
    columns: Columns = None,
    default_region: str = "CN",
    hash_values: bool = False,
    salt: str | bytes | None = None,
    order_by: str | None = None,
    max_component_accounts: int = 2_000_000,
    max_rounds: int = 64,
    checkpoint_every: int = 2,
    checkpoint_dir: str | None = None,
    tasks: int | None = None,
) -> SparkResolution:
    """Resolves a Spark DataFrame of accounts into OneIDs, as ``Resolver.add_batch`` would.

    Args:
        accounts: one row per account, shaped as for :meth:`oneid.Resolver.add_batch`.
        types, default_region, hash_values, salt, account_id, source, columns: as for
            :class:`oneid.Resolver` and ``add_batch``. Every run of one history must use the same.
        previous: the last run's result (or :meth:`SparkResolution.load`); None for a first run.
            The new rows are the next batch: persons that do not touch them keep their OneIDs
            without being recomputed.
        order_by: a column that orders the rows (the engine's decisions follow arrival order);
            None keeps the DataFrame's own order (a file read in order keeps its lines in order).
        max_component_accounts: the most accounts one component may hold. A larger one means a
            hub value that is not junk by count; it is refused with :class:`ComponentTooLargeError`
            before any worker runs out of memory.
        max_rounds, checkpoint_every, checkpoint_dir: see :func:`connected_components`.
        tasks: how many tasks run the engine over the touched components (each takes a bucket of
            whole components); None for twice the default parallelism, and at least one per
            250,000 rows.

    Raises:
        ValueError: bad arguments, or columns that differ from the previous run's.
        ComponentTooLargeError: see ``max_component_accounts``.
    """
    spark = accounts.sparkSession
    type_list = list(types) if types is not None else default_identifier_types()
    if hash_values and salt is None:
        raise ValueError("resolve: hash_values needs a salt")
    salt_text = salt.decode("latin-1") if isinstance(salt, bytes) else salt
    config = {"types": _types_payload(type_list), "default_region": default_region,
              "hash_values": hash_values, "salt": salt_text}
    _core.ValueKeyer(type_list, default_region=default_region, hash_values=hash_values, salt=salt)  # validates
    if account_id not in accounts.columns:
        raise ValueError(f"resolve: the DataFrame has no account id column {account_id!r}")
    specs = _column_specs(pd.DataFrame(columns=accounts.columns), account_id, source, columns)
    col_specs = [(name, type_) for _, name, type_ in specs]
    known = {t.name for t in type_list}
    for label, name, type_ in specs:
        if label not in accounts.columns:
            raise ValueError(f"resolve: the DataFrame has no column {label!r}")
        if type_ not in known:
            raise ValueError(f"resolve: column {name!r} has identifier type {type_!r}, which is not configured")
    if previous is not None and [tuple(c) for c in previous.columns] != col_specs:
        raise ValueError(f"resolve: columns {col_specs} differ from the previous run's {previous.columns}")
    if order_by is not None:
        accounts = accounts.orderBy(order_by)

    batch = (previous.batch if previous else 0) + 1
    first_row = previous.rows_total if previous else 0
    has_source = source is not None and source in accounts.columns
    selected = [F.col(account_id).cast("string").alias("account_id"),
                (F.col(source).cast("string") if has_source else F.lit(None).cast("string")).alias("source")]
    selected += [F.col(label).cast("string").alias(f"c{i}") for i, (label, _, _) in enumerate(specs)]
    new_rows, rows_total = _number_rows(accounts.select(*selected), first_row)
    new_rows = new_rows.withColumn("batch", F.lit(batch).cast("long"))
    history = new_rows if previous is None else previous.history.unionByName(new_rows)
    history = _cut_lineage(history, checkpoint_dir)

    # 1. Keys of every cell, and each account's node: the row where it first arrived.
    nodes = (history.where(_valid_account_id()).groupBy("account_id")
             .agg(F.min("row").alias("node"), F.min("batch").alias("first_batch")))
    cells = (_key_cells(history.where(_valid_account_id()), col_specs, config)
             .join(history.select("row", "account_id", "batch"), "row")
             .join(nodes.select("account_id", "node"), "account_id"))
    cells = cells.withColumn("type", F.element_at(F.array(*[F.lit(t) for _, t in col_specs]), F.col("col") + 1))
    cells = _cut_lineage(cells, checkpoint_dir)

    # 2. Value statistics, exactly as the engine counts: distinct accounts, batch by batch.
    caps = spark.createDataFrame([(t.name, t.max_accounts_per_value) for t in type_list], "type string, cap long")
    holders = (cells.where(~F.col("blocklisted")).groupBy("type", "key", "node")
               .agg(F.min("batch").alias("held_from")))
    per_batch = holders.groupBy("type", "key", "held_from").agg(F.count(F.lit(1)).alias("n"))
    w = Window.partitionBy("type", "key").orderBy("held_from")
    per_batch = (per_batch.withColumn("cumulative", F.sum("n").over(w))
                 .join(F.broadcast(caps), "type"))
    values = per_batch.groupBy("type", "key").agg(
        F.min("held_from").alias("first_batch"),
        F.min(F.when(F.col("cap").isNotNull() & (F.col("cumulative") > F.col("cap")), F.col("held_from")))
        .alias("junk_from"),
        F.max("cumulative").alias("holders"))
    values = _cut_lineage(values.withColumn("junk_at_start", F.col("junk_from") == F.col("first_batch")),
                          checkpoint_dir)

    # Holders that link: every holder before the value turned junk, and those of that batch (the
    # engine counts them before it refuses). A value junk from its first batch links nothing.
    linking = (holders.join(values, ["type", "key"])
               .where(~F.coalesce(F.col("junk_at_start"), F.lit(False)))
               .where(F.col("junk_from").isNull() | (F.col("held_from") <= F.col("junk_from"))))
    smallest = linking.groupBy("type", "key").agg(F.min("node").alias("hub"))
    edges = linking.join(smallest, ["type", "key"]).select(F.col("node").alias("src"), F.col("hub").alias("dst"))
    stars, rounds = connected_components(edges, max_rounds=max_rounds, checkpoint_every=checkpoint_every,
                                         checkpoint_dir=checkpoint_dir)
    # Accounts with no linking value are components of their own; rows with an id the engine
    # rejects get one each (they only produce their error).
    comp_of_account = (nodes.join(stars, nodes.node == stars.node, "left")
                       .select("account_id", nodes.node.alias("node"), "first_batch",
                               F.coalesce(stars.component, nodes.node).alias("component")))
    comp_of_account = _cut_lineage(comp_of_account, checkpoint_dir)

    sizes = comp_of_account.groupBy("component").agg(F.count(F.lit(1)).alias("accounts"))
    largest = sizes.orderBy(F.desc("accounts")).first()
    if largest is not None and largest["accounts"] > max_component_accounts:
        members = comp_of_account.where(F.col("component") == largest["component"]).select("node")
        hubs = (holders.join(members, "node").groupBy("type", "key").agg(F.count(F.lit(1)).alias("holders"))
                .orderBy(F.desc("holders")).limit(10).toPandas())
        listing = ", ".join(f"{h.type} {h.key!r} ({h.holders} accounts)" for h in hubs.itertuples())
        raise ComponentTooLargeError(
            f"resolve: a component holds {largest['accounts']} accounts, above max_component_accounts="
            f"{max_component_accounts}; the values holding it together: {listing}. Blocklist them or lower "
            "their type's max_accounts_per_value",
            int(largest["component"]), int(largest["accounts"]), hubs)

    # 3. Components this batch touches, and their rows with the cells of junk values removed (a
    # junk value links nothing in the engine, but a component holds only some of its holders).
    touched = (comp_of_account.join(history.where(F.col("batch") == batch).select("account_id").distinct(),
                                    "account_id").select("component").distinct())
    dropped = (cells.join(values, ["type", "key"])
               .where(F.coalesce(F.col("junk_at_start"), F.lit(False))
                      | (F.col("junk_from").isNotNull() & (F.col("batch") > F.col("junk_from"))))
               .select("row", "col").distinct()
               .groupBy("row").agg(F.collect_set("col").alias("drop_cols")))
    valid_rows = history.where(_valid_account_id()).join(comp_of_account.select("account_id", "component"),
                                                           "account_id")
    invalid_rows = history.where(~_valid_account_id()).withColumn("component", -F.col("row") - 1)
    work = valid_rows.unionByName(invalid_rows).join(touched.union(invalid_rows.where(
        F.col("batch") == batch).select("component")), "component")
    work = work.join(dropped, "row", "left")
    for i in range(len(col_specs)):
        work = work.withColumn(f"c{i}", F.when(F.coalesce(F.array_contains("drop_cols", i), F.lit(False)),
                                               F.lit(None)).otherwise(F.col(f"c{i}")))
    # Components are independent, so one engine resolves a whole bucket of them: a task per bucket,
    # not per component, keeps the per-call cost of Python and the engine out of the total.
    if tasks is None:
        tasks = max(2 * spark.sparkContext.defaultParallelism, -(-rows_total // 250_000))
    work = work.drop("drop_cols").withColumn("bucket", F.pmod(F.xxhash64("component"), F.lit(tasks)))
    replayed = _cut_lineage(work.groupBy("bucket").applyInPandas(_replay(config, col_specs, batch), _REPLAY_SCHEMA),
                            checkpoint_dir)

    # 4. Global OneIDs. A OneID minted in an earlier batch keeps its number (`mints`); those minted
    # now are numbered in the engine's order: by the arrival of the account they were minted for.
    mint_rows = replayed.where(F.col("kind") == "mint").select(
        "bucket", F.col("survivor").alias("local"), "batch", "row")
    known_mints = previous.mints if previous is not None else spark.createDataFrame([], "batch long, row long, oneid long")
    next_oneid = previous.next_oneid if previous is not None else 1
    # An earlier mint without a home row was absorbed in the batch that minted it: nothing refers
    # to it afterwards, so it needs no number now.
    old = (mint_rows.where((F.col("batch") < batch) & F.col("row").isNotNull())
           .join(known_mints, ["batch", "row"], "left"))
    fresh = mint_rows.where(F.col("batch") == batch).orderBy(F.col("row").asc_nulls_last(), "bucket", "local")
    fresh_ids, next_oneid = _number_rows(fresh, next_oneid, "oneid")
    fresh_ids = _cut_lineage(fresh_ids, checkpoint_dir)
    local_to_global = old.select("bucket", "local", "oneid").unionByName(
        fresh_ids.select("bucket", "local", "oneid"))
    local_to_global = _cut_lineage(local_to_global, checkpoint_dir)
    missing = local_to_global.where(F.col("oneid").isNull()).count()
    if missing:
        raise RuntimeError(f"resolve: {missing} OneIDs minted in earlier batches are not in the state; "
                           "was `previous` written by another history?")

    lookup = local_to_global.select("bucket", F.col("local").alias("l"), F.col("oneid").alias("g"))
    account_rows = replayed.where(F.col("kind") == "account")
    recomputed = (account_rows
                  .join(lookup.withColumnRenamed("l", "survivor"), ["bucket", "survivor"], "left")
                  .withColumnRenamed("g", "oneid")
                  .join(lookup.withColumnRenamed("l", "absorbed").withColumnRenamed("g", "first_oneid"),
                        ["bucket", "absorbed"], "left")
                  .select("account_id", F.col("row").alias("node"), "oneid", "first_oneid"))
    recomputed = _cut_lineage(recomputed, checkpoint_dir)
    unnumbered = recomputed.where(F.col("oneid").isNull() | F.col("first_oneid").isNull()).count()
    if unnumbered:
        raise RuntimeError(f"resolve: {unnumbered} accounts have a OneID with no global number; "
                           "was `previous` written by another history?")
    if previous is None:
        accounts_state = recomputed
    else:
        kept = previous.accounts.join(recomputed.select("account_id"), "account_id", "left_anti")
        accounts_state = kept.unionByName(recomputed)

    log_rows = replayed.where(F.col("kind") == "log")
    log_now = (log_rows.join(lookup.withColumnRenamed("l", "survivor").withColumnRenamed("g", "s"),
                             ["bucket", "survivor"], "left")
               .join(lookup.withColumnRenamed("l", "absorbed").withColumnRenamed("g", "a"),
                     ["bucket", "absorbed"], "left"))
    log_parts = F.from_json("payload", "array<string>")
    log_now = log_now.select(
        log_parts[0].alias("kind"), F.lit(batch).cast("long").alias("batch"),
        F.coalesce("s", F.lit(0)).cast("long").alias("survivor"),
        F.coalesce("a", F.lit(0)).cast("long").alias("absorbed"),
        log_parts[1].alias("type"), log_parts[2].alias("value"), log_parts[3].alias("account_id"),
        log_parts[4].alias("cause"))
    merge_log = log_now if previous is None else previous.merge_log.unionByName(log_now)

    errors = replayed.where(F.col("kind") == "error").select(
        (F.col("row") - first_row).alias("row"), F.from_json("payload", "array<string>").alias("p"))
    errors = errors.select("row", F.col("p")[0].alias("field"), F.col("p")[1].alias("reason"),
                           (F.col("p")[2] == "true").alias("row_rejected")).orderBy("row", "field")
    refused_parts = F.from_json("payload", "array<string>")
    refused = replayed.where(F.col("kind") == "refused").select(
        F.lit(batch).cast("long").alias("batch"), refused_parts[0].alias("account_id"),
        refused_parts[1].alias("type"), refused_parts[2].alias("value"), refused_parts[3].alias("reason"),
        refused_parts[4].alias("detail"))
    # Junk from its first batch: the engine refuses the value once, in that batch.
    junk_now = values.where(F.col("junk_at_start") & (F.col("first_batch") == batch)).join(F.broadcast(caps), "type")
    junk_refused = junk_now.select(
        F.lit(batch).cast("long").alias("batch"), F.lit("").alias("account_id"), "type",
        F.col("key").alias("value"), F.lit("junk_value").alias("reason"),
        F.concat(F.lit("held by "), F.col("holders").cast("string"), F.lit(" accounts (max_accounts_per_value "),
                 F.col("cap").cast("string"), F.lit("); it links nothing")).alias("detail"))
    refused = refused.unionByName(junk_refused)

    counts = {name: 0 for name in _COUNTS}
    for payload in replayed.where(F.col("kind") == "counts").select("payload").toLocalIterator():
        for name, value in json.loads(payload[0]).items():
            counts[name] += value
    junk_new = junk_now.count()
    counts["values_junk"] += junk_new
    counts["values_new"] += junk_new
    stats = sizes.agg(F.count(F.lit(1)).alias("components"), F.max("accounts").alias("largest")).first()
    report = dict(counts, batch=batch, rounds=rounds, components=int(stats["components"] or 0),
                  largest_component=int(stats["largest"] or 0), touched_components=touched.count(),
                  accounts_recomputed=recomputed.count())

    mints = fresh_ids.select("batch", "row", "oneid")
    mints = mints if previous is None else previous.mints.unionByName(mints)
    # The state is the next run's input: cut its lineage here, or every run's plan would carry all
    # earlier runs' plans.
    history = _cut_lineage(history, checkpoint_dir)
    accounts_state = _cut_lineage(accounts_state, checkpoint_dir)
    mints = _cut_lineage(mints, checkpoint_dir)
    merge_log = _cut_lineage(merge_log, checkpoint_dir)
    errors = _cut_lineage(errors, checkpoint_dir)
    refused = _cut_lineage(refused, checkpoint_dir)
    for df in (cells, values, comp_of_account, replayed, recomputed, local_to_global, fresh_ids):
        df.unpersist()
    return SparkResolution(
        assignments=accounts_state.select("account_id", "oneid"),
        merge_log=merge_log,
        report=report,
        errors=errors,
        refused=refused,
        history=history,
        accounts=accounts_state,
        mints=mints,
        columns=col_specs,
        batch=batch,
        rows_total=rows_total,
        next_oneid=next_oneid,
    )


# ------------------------------------------------------------------------------------------------
# build_profiles


def _profile_schema(as_of: Any, top_categories: int, tiers: Any) -> tuple[str, list[str]]:
    """The Spark schema of oneid.build_profiles' output, read from a one-order probe."""
    from .profile import _seconds, build_profiles as local_build

    day = pd.Timestamp(_seconds(as_of) - 86400, unit="s")
    probe = pd.DataFrame({"account_id": ["probe"], "time": [day], "channel": ["pos"], "amount": [1.0]})
    frame = local_build(probe, pd.DataFrame({"account_id": ["probe"], "oneid": [1]}), as_of,
                        top_categories=top_categories, tiers=tiers)
    fields = []
    for name, dtype in frame.dtypes.items():
        if name == "oneid":
            spark_type = "long"
        elif pd.api.types.is_float_dtype(dtype):
            spark_type = "double"
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            spark_type = "timestamp_ntz"  # naive UTC, as the local result: no session time zone shift
        elif name in ("top_categories", "channels"):
            spark_type = "array<string>"
        else:
            spark_type = "string"
        fields.append(f"`{name}` {spark_type}")
    return ", ".join(fields), list(frame.columns)


def build_profiles(
    orders: DataFrame,
    assignments: DataFrame,
    as_of: Any,
    behaviour: DataFrame | None = None,
    *,
    top_categories: int = 3,
    tiers: Sequence[tuple[str, float]] | None = None,
    tasks: int | None = None,
) -> tuple[DataFrame, dict[str, dict[str, int]]]:
    """Per-OneID profiles on Spark: equal to :func:`oneid.build_profiles` on the same data.

    Events are joined to their OneIDs and grouped so that one task holds every event of a set of
    OneIDs; each task runs oneid's profile builder on them. Columns and meaning are those of
    :func:`oneid.build_profiles`; ``top_categories`` and ``channels`` are arrays, the dates
    ``timestamp_ntz`` (UTC).

    Args:
        orders: order lines (account_id, time, channel, amount; optional order_id, store,
            category, discount, coupon_used). ``time`` is a timestamp (read in UTC: set
            ``spark.sql.session.timeZone`` to UTC) or epoch seconds.
        assignments: account_id -> oneid, e.g. ``resolve(...).assignments``.
        as_of, top_categories, tiers: as for :func:`oneid.build_profiles`.
        behaviour: optional behaviour events (account_id, time, channel, kind; optional value).
        tasks: how many tasks build profiles; None for twice the default parallelism, and at
            least one per 2,000,000 events.

    Returns:
        (profiles, report): ``report`` sums each task's :class:`oneid.ProfileReport` counts for
        ``orders`` and ``behaviour`` (rows_read, rows_accepted, rows_rejected, unknown_accounts,
        after_as_of). Events of unknown accounts are counted there, never dropped silently.
    """
    from .profile import build_profiles as local_build

    spark = orders.sparkSession
    schema, names = _profile_schema(as_of, top_categories, tiers)
    if tasks is None:
        tasks = max(2 * spark.sparkContext.defaultParallelism, -(-orders.count() // 2_000_000))
    def keyed(events: DataFrame) -> DataFrame:
        # A fresh projection per table: both sides of the cogroup must not share one Dataset.
        mapping = assignments.select("account_id", F.col("oneid").cast("long").alias("_oneid"))
        # Unknown accounts go to a bucket of their own account so that a task reports them. `_seq`
        # keeps the input order, in which the builder adds amounts: floating-point sums then
        # match the single-machine result bit for bit.
        joined = events.withColumn("_seq", F.monotonically_increasing_id()).join(mapping, "account_id", "left")
        key = F.coalesce(F.col("_oneid").cast("string"), F.concat(F.lit("?"), F.col("account_id")))
        return joined.withColumn("_bucket", F.pmod(F.xxhash64(key), F.lit(tasks)))

    has_behaviour = behaviour is not None  # the closure below must not hold a DataFrame
    orders_k = keyed(orders)
    behaviour_k = keyed(behaviour if behaviour is not None else
                        spark.createDataFrame([], "account_id string, time timestamp, channel string, kind string"))

    def build(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
        left = left.sort_values("_seq", kind="stable").drop(columns="_seq")
        right = right.sort_values("_seq", kind="stable").drop(columns="_seq")
        pairs = pd.concat([left[["account_id", "_oneid"]], right[["account_id", "_oneid"]]]).dropna()
        pairs = pairs.drop_duplicates("account_id")
        mapping_pdf = pd.DataFrame({"account_id": pairs["account_id"].astype(str),
                                    "oneid": pairs["_oneid"].astype("int64")})
        tables = {"orders": left.drop(columns=["_oneid", "_bucket"]).reset_index(drop=True)}
        if has_behaviour:
            tables["behaviour"] = right.drop(columns=["_oneid", "_bucket"]).reset_index(drop=True)
        frame, report = local_build(tables, mapping_pdf, as_of, top_categories=top_categories, tiers=tiers,
                                    return_report=True)
        out = frame[names].copy()
        for column in ("top_categories", "channels"):
            out[column] = out[column].map(list)
        counts = {part: {k: int(v) for k, v in getattr(report, part).items() if k != "errors"}
                  for part in ("orders", "behaviour")}
        out["_report"] = None
        if len(out):
            out.loc[out.index[0], "_report"] = json.dumps(counts)
        else:
            out = pd.concat([out, pd.DataFrame({"_report": [json.dumps(counts)]})], ignore_index=True)
        return _for_arrow(out)

    built = (orders_k.groupBy("_bucket").cogroup(behaviour_k.groupBy("_bucket"))
             .applyInPandas(build, f"{schema}, _report string"))
    built = _cut_lineage(built, None)
    report: dict[str, dict[str, int]] = {"orders": {}, "behaviour": {}}
    for row in built.where(F.col("_report").isNotNull()).select("_report").toLocalIterator():
        for part, counts in json.loads(row[0]).items():
            for k, v in counts.items():
                report[part][k] = report[part].get(k, 0) + v
    profiles = built.where(F.col("oneid").isNotNull()).drop("_report")
    return profiles, report


# ------------------------------------------------------------------------------------------------
# score


def _order_statistics(df: DataFrame, column: str, bins: int) -> list[float]:
    """oneid.rfm's quantile edges (the ceil(k n / bins)-th smallest value) from value counts."""
    counts = df.groupBy(column).count().orderBy(column).toPandas()
    cumulative = counts["count"].cumsum().to_numpy()
    n = int(cumulative[-1])
    edges = []
    for k in range(1, bins):
        t = -(-k * n // bins)
        edges.append(float(counts[column].to_numpy()[np.searchsorted(cumulative, t)]))
    return edges


def score(
    profiles: DataFrame,
    *,
    bins: int = 5,
    horizon_days: float = 30.0,
    clv_months: int = 12,
    monthly_discount_rate: float = 0.01,
    penalizer_coef: float = 0.0,
) -> tuple[DataFrame, dict[str, Any]]:
    """RFM, P(alive), expected purchases and CLV per OneID on Spark.

    The models are fitted on the driver from sufficient statistics that Spark aggregates: the
    distinct (cb_frequency, cb_recency, cb_T) rows with their counts for BG/NBD, the distinct
    (cb_frequency, cb_monetary) rows of repeat buyers for Gamma-Gamma, and value counts for the RFM
    quantile edges. The fitted models are then applied per partition. The result equals the same
    calls on one machine (:func:`oneid.rfm` on buyers' recency_days/frequency/monetary_total,
    :class:`oneid.BetaGeo` and :class:`oneid.GammaGamma` on the cb_ columns) within 1e-9.

    Returns:
        (scores, models): scores has oneid, r_score, f_score, m_score, rfm_score, segment, p_alive,
        ``expected_purchases_<h>d`` and clv for every buyer (a profile with a purchase); models
        holds the fitted parameters and the RFM edges.
    """
    from .clv import BetaGeo, GammaGamma
    from .rfm import rfm as local_rfm

    buyers = profiles.where(F.col("cb_T").isNotNull() & ~F.isnan("cb_T")
                            & F.col("cb_frequency").isNotNull() & ~F.isnan("cb_frequency"))
    buyers = buyers.select("oneid", "recency_days", "frequency", "monetary_total", "cb_frequency", "cb_recency",
                           "cb_T", F.coalesce(F.nanvl("cb_monetary", F.lit(None)), F.lit(0.0)).alias("cb_monetary"))
    buyers = _cut_lineage(buyers, None)
    edges = {field: _order_statistics(buyers, column, bins)
             for field, column in (("recency", "recency_days"), ("frequency", "frequency"),
                                   ("monetary", "monetary_total"))}
    rows = buyers.groupBy("cb_frequency", "cb_recency", "cb_T").count().toPandas()
    bgf = BetaGeo(penalizer_coef=penalizer_coef).fit(rows["cb_frequency"], rows["cb_recency"], rows["cb_T"],
                                                      weights=rows["count"])
    spend = (buyers.where(F.col("cb_frequency") > 0).groupBy("cb_frequency", "cb_monetary").count().toPandas())
    ggf = GammaGamma(penalizer_coef=penalizer_coef).fit(spend["cb_frequency"], spend["cb_monetary"],
                                                         weights=spend["count"])
    expected = f"expected_purchases_{horizon_days:g}d"
    bg_params, gg_params = dict(bgf.params_), dict(ggf.params_)

    def apply(batches):
        # The fitted models travel as parameters: the engine's objects are not picklable.
        bgf_ = BetaGeo.from_params(**bg_params)
        ggf_ = GammaGamma.from_params(**gg_params)
        for pdf in batches:
            scores = local_rfm(pdf["recency_days"], pdf["frequency"], pdf["monetary_total"], bins,
                               recency_edges=edges["recency"], frequency_edges=edges["frequency"],
                               monetary_edges=edges["monetary"])
            x, t_x, T = pdf["cb_frequency"], pdf["cb_recency"], pdf["cb_T"]
            out = pd.DataFrame({"oneid": pdf["oneid"].to_numpy()})
            for column in ("r_score", "f_score", "m_score", "rfm_score"):
                out[column] = scores[column].to_numpy().astype(np.int32)
            out["segment"] = scores["segment"].astype(str).to_numpy()
            out["p_alive"] = np.asarray(bgf_.conditional_probability_alive(x, t_x, T), dtype=float)
            out[expected] = np.asarray(bgf_.conditional_expected_number_of_purchases_up_to_time(
                horizon_days, x, t_x, T), dtype=float)
            out["clv"] = np.asarray(ggf_.customer_lifetime_value(
                bgf_, x, t_x, T, pdf["cb_monetary"], time=clv_months, discount_rate=monthly_discount_rate,
                freq="D"), dtype=float)
            yield _for_arrow(out)

    schema = (f"oneid long, r_score int, f_score int, m_score int, rfm_score int, segment string, "
              f"p_alive double, `{expected}` double, clv double")
    scores = buyers.mapInPandas(apply, schema)
    models = {"beta_geo": bg_params, "gamma_gamma": gg_params, "rfm_edges": edges,
              "buyers": int(rows["count"].sum()), "distinct_histories": len(rows)}
    return scores, models
