#!/usr/bin/env python3
"""Profiles from ~10M events: oneid.build_profiles against the same aggregation in DuckDB and pandas.

All three get the same DataFrames in the same process and run: generated orders and behaviour
(``oneid.generate_events``; string columns are pandas categoricals, times datetime64[ns]) and the
account -> OneID mapping (the generator's ground truth). Each computes, per OneID as of the same
date: first/last purchase day, orders, purchase days, net and mean monetary value, tenure, mean
and population std of the gaps between purchase days, expected next purchase, channel count and
the eight channel shares, coupon share, discount and refund rates, refund count, the nine
behaviour counts, browse-to-buy and cart-to-buy, days since the last interaction, points,
trailing-365-day spend, the customer-base statistics (x, t_x, T, mean repeat spend) and the top-3
categories. Events after as_of are filtered out. The script checks that DuckDB and pandas agree
with oneid on the numeric columns before it reports times, so the comparison is of one result.

oneid runs on one thread; DuckDB uses all cores (its default; this machine has 2); pandas one.
Times are wall-clock and process CPU time (summed over threads), best of --repeat runs; on a
machine that other jobs share, CPU time is the steadier figure.

Rows (scripts/bench_report.py's format, benchmarks/python/benchrows.py) go to --json. A contender
that fails, or whose result disagrees with oneid's, is reported as a failed row (with the first
disagreement) instead of a time.

  python benchmarks/python/bench_profile.py                 # ~10M events
  python benchmarks/python/bench_profile.py --people 50000  # ~1M events
  python benchmarks/python/bench_profile.py --quick --json /tmp/profile.json   # ~0.5M events
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import benchrows
import oneid

CHANNELS = ["pos", "tmall", "jd", "douyin", "miniprogram", "wecom", "app", "web"]
KINDS = {
    "browse": "browse_count", "add_to_cart": "cart_count", "favourite": "favourite_count", "share": "share_count",
    "store_visit": "store_visit_count", "coupon_claimed": "coupons_claimed", "coupon_redeemed": "coupons_redeemed",
    "service_ticket": "service_tickets", "complaint": "complaints",
}
CHECKED = [
    "first_purchase_day", "last_purchase_day", "recency_days", "frequency", "purchase_days", "monetary_total",
    "monetary_mean", "tenure_days", "interval_mean_days", "interval_std_days", "days_to_next_purchase",
    "channel_count", *[f"channel_share_{c}" for c in CHANNELS], "coupon_share", "discount_rate", "refund_rate",
    "refund_count", *KINDS.values(), "browse_to_buy", "cart_to_buy", "days_since_last_interaction",
    "points_balance", "spend_365d", "cb_frequency", "cb_recency", "cb_T", "cb_monetary",
]


def run_oneid(data, mapping, as_of):
    return oneid.build_profiles(data, mapping, as_of=as_of)


def run_duckdb(data, mapping, as_of_s: int):
    import duckdb

    E = as_of_s // 86400
    con = duckdb.connect()
    con.register("orders", data["orders"])
    con.register("behaviour", data["behaviour"])
    con.register("mapping", mapping)
    channel_counts = ",\n".join(
        f"count(DISTINCT order_id) FILTER (WHERE amount >= 0 AND channel = '{c}') AS ch_{c}" for c in CHANNELS)
    channel_shares = ",\n".join(f"ch_{c} / nullif(orders, 0) AS channel_share_{c}" for c in CHANNELS)
    kind_counts = ",\n".join(f"count(*) FILTER (WHERE kind = '{k}') AS {col}" for k, col in KINDS.items())
    kind_cols = ",\n".join(f"coalesce(b.{col}, 0) AS {col}" for col in KINDS.values())
    sql = f"""
    WITH oe AS (
      SELECT m.oneid, epoch(o.time)::BIGINT AS s, o.order_id::VARCHAR AS order_id, o.channel::VARCHAR AS channel,
             o.category::VARCHAR AS category, o.amount, o.discount, o.coupon_used
      FROM orders o JOIN mapping m ON o.account_id::VARCHAR = m.account_id
      WHERE epoch(o.time) <= {as_of_s}),
    be AS (
      SELECT m.oneid, epoch(b.time)::BIGINT AS s, b.kind::VARCHAR AS kind, b.value
      FROM behaviour b JOIN mapping m ON b.account_id::VARCHAR = m.account_id
      WHERE epoch(b.time) <= {as_of_s}),
    days AS (SELECT oneid, s // 86400 AS day, sum(amount) AS gross FROM oe WHERE amount >= 0 GROUP BY ALL),
    dstats AS (
      SELECT oneid, min(day) AS first_day, max(day) AS last_day, count(*) AS n_days,
             coalesce(sum(gross) FILTER (WHERE day > {E} - 365), 0) AS spend_365d,
             CASE WHEN count(*) > 1 THEN (sum(gross) - arg_min(gross, day)) / (count(*) - 1) ELSE 0 END AS cb_monetary
      FROM days GROUP BY oneid),
    gaps AS (SELECT oneid, day - lag(day) OVER (PARTITION BY oneid ORDER BY day) AS gap FROM days),
    gstats AS (SELECT oneid, avg(gap) AS imean, stddev_pop(gap) AS istd FROM gaps WHERE gap IS NOT NULL GROUP BY oneid),
    ostats AS (
      SELECT oneid,
        count(DISTINCT order_id) FILTER (WHERE amount >= 0) AS orders,
        coalesce(sum(amount) FILTER (WHERE amount >= 0), 0) AS gross,
        coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) AS refunded,
        count(*) FILTER (WHERE amount < 0) AS refund_count,
        coalesce(sum(discount) FILTER (WHERE amount >= 0), 0) AS discount,
        count(DISTINCT order_id) FILTER (WHERE amount >= 0 AND coupon_used) AS coupon_orders,
        count(DISTINCT channel) FILTER (WHERE amount >= 0) AS channel_count,
        {channel_counts},
        min(s) AS first_s, max(s) AS last_s
      FROM oe GROUP BY oneid),
    bstats AS (
      SELECT oneid, {kind_counts},
        coalesce(sum(value) FILTER (WHERE kind = 'points_earned'), 0)
          - coalesce(sum(value) FILTER (WHERE kind = 'points_spent'), 0) AS points_balance,
        min(s) AS first_s, max(s) AS last_s
      FROM be GROUP BY oneid),
    cats AS (SELECT oneid, category, sum(amount) AS g FROM oe WHERE amount >= 0 AND category IS NOT NULL GROUP BY ALL),
    top AS (
      SELECT oneid, list(category ORDER BY category) AS top_categories FROM (
        SELECT *, row_number() OVER (PARTITION BY oneid ORDER BY g DESC, category) AS rn FROM cats)
      WHERE rn <= 3 GROUP BY oneid),
    ids AS (SELECT oneid FROM ostats UNION SELECT oneid FROM bstats),
    joined AS (
      SELECT ids.oneid, d.first_day, d.last_day, coalesce(d.n_days, 0) AS n_days, coalesce(d.spend_365d, 0) AS spend_365d,
             d.cb_monetary, g.imean, g.istd, coalesce(o.orders, 0) AS orders, coalesce(o.gross, 0) AS gross,
             coalesce(o.refunded, 0) AS refunded, coalesce(o.refund_count, 0) AS refund_count,
             coalesce(o.discount, 0) AS discount, coalesce(o.coupon_orders, 0) AS coupon_orders,
             coalesce(o.channel_count, 0) AS channel_count,
             {", ".join(f"coalesce(o.ch_{c}, 0) AS ch_{c}" for c in CHANNELS)},
             {kind_cols}, coalesce(b.points_balance, 0) AS points_balance,
             least(coalesce(o.first_s, b.first_s), coalesce(b.first_s, o.first_s)) AS first_s,
             greatest(coalesce(o.last_s, b.last_s), coalesce(b.last_s, o.last_s)) AS last_s,
             t.top_categories
      FROM ids LEFT JOIN dstats d USING (oneid) LEFT JOIN gstats g USING (oneid) LEFT JOIN ostats o USING (oneid)
               LEFT JOIN bstats b USING (oneid) LEFT JOIN top t USING (oneid))
    SELECT oneid, first_day AS first_purchase_day, last_day AS last_purchase_day, {E} - last_day AS recency_days,
           orders AS frequency, n_days AS purchase_days, gross - refunded AS monetary_total,
           (gross - refunded) / nullif(orders, 0) AS monetary_mean, {E} - first_s // 86400 AS tenure_days,
           imean AS interval_mean_days, istd AS interval_std_days, last_day + imean - {E} AS days_to_next_purchase,
           channel_count, {channel_shares},
           coupon_orders / nullif(orders, 0) AS coupon_share, discount / nullif(gross + discount, 0) AS discount_rate,
           refunded / nullif(gross, 0) AS refund_rate, refund_count,
           {", ".join(KINDS.values())},
           orders / nullif(browse_count, 0) AS browse_to_buy, orders / nullif(cart_count, 0) AS cart_to_buy,
           {E} - last_s // 86400 AS days_since_last_interaction, points_balance, spend_365d,
           CASE WHEN n_days > 0 THEN n_days - 1 END AS cb_frequency, last_day - first_day AS cb_recency, {E} - first_day AS cb_T, cb_monetary,
           top_categories
    FROM joined ORDER BY oneid
    """
    return con.execute(sql).df()


def run_pandas(data, mapping, as_of_s: int):
    E = as_of_s // 86400
    m = pd.Series(mapping["oneid"].to_numpy(), index=mapping["account_id"].to_numpy())
    o = data["orders"]
    b = data["behaviour"]
    o = pd.DataFrame({
        "oneid": o["account_id"].astype(object).map(m).to_numpy(), "s": o["time"].astype("int64").to_numpy() // 10**9,
        "order_id": o["order_id"], "channel": o["channel"].astype(str), "category": o["category"],
        "amount": o["amount"], "discount": o["discount"], "coupon_used": o["coupon_used"],
    })
    b = pd.DataFrame({
        "oneid": b["account_id"].astype(object).map(m).to_numpy(), "s": b["time"].astype("int64").to_numpy() // 10**9,
        "kind": b["kind"].astype(str), "value": b["value"],
    })
    o = o[o["s"] <= as_of_s]
    b = b[b["s"] <= as_of_s]
    o["day"] = o["s"] // 86400
    sale = o[o["amount"] >= 0]
    refund = o[o["amount"] < 0]
    ids = np.union1d(o["oneid"].unique(), b["oneid"].unique())
    out = pd.DataFrame(index=pd.Index(ids, name="oneid"))
    days = sale.groupby(["oneid", "day"], sort=True)["amount"].sum().reset_index()
    dg = days.groupby("oneid")
    first, last, n = dg["day"].min(), dg["day"].max(), dg["day"].count()
    first_gross = dg["amount"].first()
    total_gross = dg["amount"].sum()
    gaps = days["day"].diff()
    gaps[days["oneid"].ne(days["oneid"].shift())] = np.nan
    gp = pd.DataFrame({"oneid": days["oneid"], "gap": gaps}).dropna().groupby("oneid")["gap"]
    out["first_purchase_day"] = first
    out["last_purchase_day"] = last
    out["recency_days"] = E - last
    orders = sale.groupby("oneid")["order_id"].nunique().reindex(ids, fill_value=0)
    out["frequency"] = orders
    out["purchase_days"] = n.reindex(ids, fill_value=0)
    g = sale.groupby("oneid")["amount"].sum().reindex(ids, fill_value=0.0)
    r = -refund.groupby("oneid")["amount"].sum().reindex(ids, fill_value=0.0)
    freq = orders.replace(0, np.nan)
    out["monetary_total"] = g - r
    out["monetary_mean"] = (g - r) / freq
    both = pd.concat([o[["oneid", "s"]], b[["oneid", "s"]]]).groupby("oneid")["s"]
    out["tenure_days"] = E - both.min() // 86400
    out["interval_mean_days"] = gp.mean()
    out["interval_std_days"] = gp.std(ddof=0)
    out["days_to_next_purchase"] = last + out["interval_mean_days"] - E
    per_order = sale.drop_duplicates("order_id")
    by_channel = per_order.groupby(["oneid", "channel"]).size().unstack(fill_value=0).reindex(ids, fill_value=0)
    out["channel_count"] = (by_channel > 0).sum(axis=1)
    for c in CHANNELS:
        out[f"channel_share_{c}"] = (by_channel[c] if c in by_channel else 0) / freq
    out["coupon_share"] = sale[sale["coupon_used"]].groupby("oneid")["order_id"].nunique().reindex(ids, fill_value=0) / freq
    d = sale.groupby("oneid")["discount"].sum().reindex(ids, fill_value=0.0)
    out["discount_rate"] = d / (g + d).replace(0, np.nan)
    out["refund_rate"] = r / g.replace(0, np.nan)
    out["refund_count"] = refund.groupby("oneid").size().reindex(ids, fill_value=0)
    counts = b.groupby(["oneid", "kind"]).size().unstack(fill_value=0).reindex(ids, fill_value=0)
    for k, col in KINDS.items():
        out[col] = counts[k] if k in counts else 0
    out["browse_to_buy"] = out["frequency"] / out["browse_count"].replace(0, np.nan)
    out["cart_to_buy"] = out["frequency"] / out["cart_count"].replace(0, np.nan)
    out["days_since_last_interaction"] = E - both.max() // 86400
    pts = b[b["kind"].isin(["points_earned", "points_spent"])].groupby(["oneid", "kind"])["value"].sum().unstack(fill_value=0.0)
    out["points_balance"] = (pts.get("points_earned", 0) - pts.get("points_spent", 0)).reindex(ids, fill_value=0.0)
    out["spend_365d"] = days[days["day"] > E - 365].groupby("oneid")["amount"].sum().reindex(ids, fill_value=0.0)
    out["cb_frequency"] = n - 1
    out["cb_recency"] = last - first
    out["cb_T"] = E - first
    out["cb_monetary"] = ((total_gross - first_gross) / (n - 1).replace(0, np.nan)).fillna(0.0)
    cat = sale.groupby(["oneid", "category"], observed=True)["amount"].sum().reset_index()
    cat["category"] = cat["category"].astype(str)
    cat = cat.sort_values(["oneid", "amount", "category"], ascending=[True, False, True])
    out["top_categories"] = cat.groupby("oneid").head(3).groupby("oneid")["category"].agg(lambda s: tuple(sorted(s)))
    return out.reset_index()


def check_frame(name, ours, theirs):
    ours = ours.set_index("oneid")
    theirs = theirs.set_index("oneid").reindex(ours.index)
    for column in CHECKED:
        a = ours[column].to_numpy(dtype=float)
        b = theirs[column].to_numpy(dtype=float)
        if not np.allclose(a, b, rtol=1e-7, atol=1e-6, equal_nan=True):
            bad = np.flatnonzero(~np.isclose(a, b, rtol=1e-7, atol=1e-6, equal_nan=True))
            raise AssertionError(f"{name} disagrees with oneid on {column}: {len(bad)} rows, e.g. oneid "
                             f"{ours.index[bad[0]]}: {a[bad[0]]} vs {b[bad[0]]}")


def duckdb_threads() -> int | None:
    try:
        import duckdb

        return int(duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0])
    except Exception:  # noqa: BLE001
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=None,
                        help="generated persons, ~22 events each (default 450000; 20000 with --quick)")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--repeat", type=int, default=None, help="runs of oneid and DuckDB, best kept (default 2; 1 with --quick)")
    parser.add_argument("--pandas-repeat", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a check of the pipeline")
    parser.add_argument("--json", help="write the rows here")
    args = parser.parse_args()
    people = args.people or (20_000 if args.quick else 450_000)
    repeat = args.repeat or (1 if args.quick else 2)

    as_of = "2024-12-31"
    data = oneid.generate_events(people=people, seed=args.seed)
    mapping = pd.DataFrame({"account_id": data["accounts"]["account_id"], "oneid": data["truth"].astype(np.int64) + 1})
    events = len(data["orders"]) + len(data["behaviour"])
    as_of_s = (pd.Timestamp(as_of).value // 10**9) + 86399
    print(f"{len(data['orders']):,} order lines + {len(data['behaviour']):,} behaviour events = {events:,} events; "
          f"{len(mapping):,} accounts")
    task = f"profiles from {events:,} events ({len(mapping):,} accounts)"

    r_one, ours = benchrows.run_contender("profile", task, events, "events", "oneid",
                                          lambda: run_oneid(data, mapping, as_of), repeat)
    r_one["threads"] = 1
    rows = [r_one]
    if ours is not None:
        r_one["profiles"] = len(ours)
        r_one["check"] = f"{len(ours):,} profiles"

    def checked(name):
        def check(theirs):
            if ours is None:
                return "not compared (oneid failed)"
            check_frame(name, ours, theirs)
            if name == "duckdb":
                want = [tuple(x) if isinstance(x, (list, np.ndarray)) else () for x in theirs["top_categories"]]
                if list(ours["top_categories"]) != want:
                    raise AssertionError("top categories differ")
            return f"all {len(CHECKED)} numeric columns equal to oneid's" + (", top-3 categories too" if name == "duckdb" else "")
        return check

    threads = duckdb_threads()
    r_duck, _ = benchrows.run_contender("profile", task, events, "events",
                                        f"DuckDB ({threads or '?'} threads)",
                                        lambda: run_duckdb(data, mapping, as_of_s), repeat, checked("duckdb"))
    r_duck["threads"] = threads
    r_pd, _ = benchrows.run_contender("profile", task, events, "events", "pandas (1 thread)",
                                      lambda: run_pandas(data, mapping, as_of_s), args.pandas_repeat, checked("pandas"))
    rows += [r_duck, r_pd]
    benchrows.print_rows(rows)
    benchrows.write(args.json, "bench_profile.py", rows, benchrows.versions("oneid", "duckdb", "pandas", "numpy"))


if __name__ == "__main__":
    main()
