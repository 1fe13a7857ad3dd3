#!/usr/bin/env python3
"""oneid.spark on local[2] against the single-machine engine, on the same generated data.

Tasks (rows in scripts/bench_report.py's format, benchmarks/python/benchrows.py):
  - resolve N accounts: ``oneid.Resolver(threads=2).add_batch`` (the reference) against
    ``oneid.spark.resolve`` on a local[2] session; the script checks that both give the same
    persons and OneIDs, and records the large-star/small-star rounds and Spark's shuffle volume
    (bytes written and read per stage, from the Spark UI's REST API) in the row's check text;
  - profiles from the events of M people: ``oneid.build_profiles`` against
    ``oneid.spark.build_profiles``, checked equal.

The Spark times include planning, the JVM <-> Python transfers and the shuffles: on one machine
they measure overhead, which is the price of scaling out, not a speed-up.

  python benchmarks/python/bench_spark.py --sizes 1000000,10000000 --profile-people 1000000
  python benchmarks/python/bench_spark.py --quick --json /tmp/spark.json
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request
from typing import Any

import numpy as np
import pandas as pd

import benchrows
import oneid

LAYER = "spark"


def session():
    from oneid import spark as osp

    # The UI stays on: its REST API gives the shuffle volume of each stage.
    return osp.local_session("local[2]", driver_memory="12g", shuffle_partitions=8, ui=True, app_name="oneid-bench")


def stage_totals(spark) -> dict[str, int]:
    """Shuffle bytes written and read, summed over every stage so far (Spark UI REST API)."""
    url = spark.sparkContext.uiWebUrl
    app = spark.sparkContext.applicationId
    try:
        with urllib.request.urlopen(f"{url}/api/v1/applications/{app}/stages", timeout=30) as response:
            stages = json.load(response)
    except OSError:
        return {"stages": -1, "shuffle_write_bytes": -1, "shuffle_read_bytes": -1}
    return {"stages": len(stages),
            "shuffle_write_bytes": sum(s.get("shuffleWriteBytes", 0) for s in stages),
            "shuffle_read_bytes": sum(s.get("shuffleReadBytes", 0) for s in stages)}


def same_assignments(local: pd.DataFrame, distributed: pd.DataFrame) -> bool:
    a = local.sort_values("account_id").reset_index(drop=True)
    b = distributed.sort_values("account_id").reset_index(drop=True)
    return len(a) == len(b) and (a["account_id"].astype(object).to_numpy() == b["account_id"].astype(object).to_numpy()).all() \
        and (a["oneid"].to_numpy() == b["oneid"].to_numpy()).all()


def bench_resolve(spark, size: int, rows: list[dict[str, Any]]) -> None:
    from oneid import spark as osp

    task = f"resolve {size:,} accounts from raw strings"
    accounts, _ = oneid.generate_accounts(max(1, size * 4 // 5), seed=size % 997)
    accounts = accounts.iloc[:size]
    n = len(accounts)
    local_row, engine = benchrows.run_contender(LAYER, task, n, "accounts", "oneid",
                                                lambda: _resolve_local(accounts))
    rows.append(local_row)
    sdf = spark.createDataFrame(accounts).repartition(8).cache()
    sdf.count()
    before = stage_totals(spark)

    def run():
        result = osp.resolve(sdf, order_by=None)
        return result, result.assignments.toPandas()

    # The local engine reads the rows in the DataFrame's order; Spark's order after repartition
    # differs, so the reference for equality is the engine on Spark's order.
    ordered = sdf.toPandas()
    spark_row, out = benchrows.run_contender(LAYER, task, n, "accounts", "oneid.spark local[2]", run)
    if out is not None:
        result, assignments = out
        after = stage_totals(spark)
        reference = oneid.Resolver(threads=2)
        reference.add_batch(ordered)
        same = same_assignments(reference.assignments(), assignments)
        spark_row["check"] = (
            f"same persons and OneIDs as the engine on the same row order: {same}; "
            f"{result.report['rounds']} large-star/small-star rounds; {result.report['components']:,} components "
            f"(largest {result.report['largest_component']:,} accounts); "
            f"{after['stages'] - before['stages']} stages; shuffle written "
            f"{(after['shuffle_write_bytes'] - before['shuffle_write_bytes']) / 2**20:,.0f} MiB, read "
            f"{(after['shuffle_read_bytes'] - before['shuffle_read_bytes']) / 2**20:,.0f} MiB"
            f" ({(after['shuffle_write_bytes'] - before['shuffle_write_bytes']) / n:,.0f} bytes per account)")
        if not same:
            spark_row["status"] = "failed"
            spark_row["error"] = "result differs from the engine's"
    rows.append(spark_row)
    sdf.unpersist()
    del engine


def _resolve_local(accounts: pd.DataFrame) -> oneid.Resolver:
    r = oneid.Resolver(threads=2)
    r.add_batch(accounts)
    r.assignments()
    return r


def bench_profiles(spark, people: int, rows: list[dict[str, Any]]) -> None:
    from oneid import spark as osp

    data = oneid.generate_events(people, seed=5)
    engine = oneid.Resolver(threads=2)
    engine.add_batch(data["accounts"])
    mapping = engine.assignments()
    orders = data["orders"]
    behaviour = data["behaviour"]
    events = len(orders) + len(behaviour)
    task = f"profiles from {events:,} events"
    as_of = "2024-12-31"
    local_row, expected = benchrows.run_contender(
        LAYER, task, events, "events", "oneid",
        lambda: oneid.build_profiles({"orders": orders, "behaviour": behaviour}, mapping, as_of))
    rows.append(local_row)
    strings = {c: str for c in ("order_id", "account_id", "channel", "store", "category")}
    s_orders = spark.createDataFrame(orders.astype(strings)).cache()
    s_behaviour = spark.createDataFrame(behaviour.astype({c: str for c in ("account_id", "channel", "kind")})).cache()
    s_mapping = spark.createDataFrame(mapping).cache()
    s_orders.count(), s_behaviour.count(), s_mapping.count()
    before = stage_totals(spark)

    def run():
        profiles, _report = osp.build_profiles(s_orders, s_mapping, as_of, behaviour=s_behaviour)
        return profiles.select("oneid", "monetary_total", "frequency").toPandas()

    spark_row, got = benchrows.run_contender(LAYER, task, events, "events", "oneid.spark local[2]", run)
    if got is not None and expected is not None:
        after = stage_totals(spark)
        got = got.sort_values("oneid").reset_index(drop=True)
        same = (len(got) == len(expected)
                and np.array_equal(got["monetary_total"].to_numpy(), expected["monetary_total"].to_numpy(),
                                   equal_nan=True))
        spark_row["check"] = (f"same profiles (oneid, monetary_total): {same}; shuffle written "
                              f"{(after['shuffle_write_bytes'] - before['shuffle_write_bytes']) / 2**20:,.0f} MiB")
        if not same:
            spark_row["status"] = "failed"
            spark_row["error"] = "profiles differ from oneid.build_profiles"
    rows.append(spark_row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated account counts")
    parser.add_argument("--profile-people", type=int, default=1_000_000,
                        help="people whose generated events the profile task reads")
    parser.add_argument("--quick", action="store_true", help="100,000 accounts and 20,000 people")
    parser.add_argument("--json", default=None, help="write the rows here")
    args = parser.parse_args()
    sizes = [100_000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    people = 20_000 if args.quick else args.profile_people
    rows: list[dict[str, Any]] = []
    start = time.time()
    spark = session()
    try:
        for size in sizes:
            bench_resolve(spark, size, rows)
        bench_profiles(spark, people, rows)
    finally:
        spark.stop()
    benchrows.print_rows(rows)
    benchrows.write(args.json, "bench_spark.py", rows, benchrows.versions("pyspark", "pandas", "pyarrow"),
                    seconds=time.time() - start)


if __name__ == "__main__":
    main()
