"""oneid.build_profiles: every feature against an independent pandas computation on generated data,
and the binding contract (dtypes, zero copy, errors, reports, GIL)."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

import oneid

AS_OF = "2024-12-31"


@pytest.fixture(scope="module")
def data():
    return oneid.generate_events(people=1500, seed=3)


@pytest.fixture(scope="module")
def mapping(data):
    return oneid.resolve(data["accounts"])


@pytest.fixture(scope="module")
def profiles(data, mapping):
    return oneid.build_profiles(data, mapping, as_of=AS_OF)


def reference(data, mapping, as_of_day: int, top_k: int = 3) -> pd.DataFrame:
    """The profile features computed with plain pandas, following docs/profile.md."""
    m = mapping.set_index("account_id")["oneid"]
    o = data["orders"].copy()
    b = data["behaviour"].copy()
    for df in (o, b):
        df["oneid"] = df["account_id"].astype(str).map(m)
        df["seconds"] = df["time"].astype("int64") // 10**9
        df["day"] = df["seconds"] // 86400
    o["channel"] = o["channel"].astype(str)
    b["kind"] = b["kind"].astype(str)
    sale = o[o["amount"] >= 0]
    refund = o[o["amount"] < 0]
    ids = np.union1d(o["oneid"].unique(), b["oneid"].unique())
    out = pd.DataFrame(index=pd.Index(ids, name="oneid"))

    gross = sale.groupby("oneid")["amount"].sum()
    refunded = -refund.groupby("oneid")["amount"].sum()
    orders = sale.groupby("oneid")["order_id"].nunique()
    days = sale.groupby(["oneid", "day"])["amount"].sum().reset_index()
    first = days.groupby("oneid")["day"].min()
    last = days.groupby("oneid")["day"].max()
    n_days = days.groupby("oneid")["day"].count()
    out["first_purchase_day"] = first
    out["last_purchase_day"] = last
    out["recency_days"] = as_of_day - last
    out["frequency"] = orders.reindex(ids, fill_value=0)
    out["purchase_days"] = n_days.reindex(ids, fill_value=0)
    g = gross.reindex(ids, fill_value=0.0)
    r = refunded.reindex(ids, fill_value=0.0)
    out["monetary_total"] = g - r
    out["monetary_mean"] = (g - r) / out["frequency"].replace(0, np.nan)
    all_times = pd.concat([o[["oneid", "day"]], b[["oneid", "day"]]])
    out["tenure_days"] = as_of_day - all_times.groupby("oneid")["day"].min()
    gaps = days.sort_values(["oneid", "day"]).groupby("oneid")["day"].diff().dropna()
    gap_frame = pd.DataFrame({"oneid": days.sort_values(["oneid", "day"])["oneid"].loc[gaps.index], "gap": gaps})
    out["interval_mean_days"] = gap_frame.groupby("oneid")["gap"].mean()
    out["interval_std_days"] = gap_frame.groupby("oneid")["gap"].std(ddof=0)
    out["last_gap_days"] = gap_frame.groupby("oneid")["gap"].last()
    out["expected_next_purchase_day"] = out["last_purchase_day"] + out["interval_mean_days"]
    out["days_to_next_purchase"] = out["expected_next_purchase_day"] - as_of_day
    per_order = sale.drop_duplicates("order_id")
    by_channel = per_order.groupby(["oneid", "channel"]).size().unstack(fill_value=0)
    out["channel_count"] = (by_channel > 0).sum(axis=1).reindex(ids, fill_value=0)
    freq = out["frequency"].replace(0, np.nan)
    for channel in oneid._core.PROFILE_CHANNELS:
        counts = by_channel[channel] if channel in by_channel else pd.Series(dtype=float)
        out[f"channel_share_{channel}"] = counts.reindex(ids, fill_value=0) / freq
    coupon_orders = sale[sale["coupon_used"]].groupby("oneid")["order_id"].nunique().reindex(ids, fill_value=0)
    out["coupon_share"] = coupon_orders / freq
    discount = sale.groupby("oneid")["discount"].sum().reindex(ids, fill_value=0.0)
    out["discount_rate"] = discount / (g + discount).replace(0, np.nan)
    out["refund_rate"] = r / g.replace(0, np.nan)
    out["refund_count"] = refund.groupby("oneid").size().reindex(ids, fill_value=0)
    counts = b.groupby(["oneid", "kind"]).size().unstack(fill_value=0)
    names = {
        "browse": "browse_count", "add_to_cart": "cart_count", "favourite": "favourite_count",
        "share": "share_count", "store_visit": "store_visit_count", "coupon_claimed": "coupons_claimed",
        "coupon_redeemed": "coupons_redeemed", "service_ticket": "service_tickets", "complaint": "complaints",
    }
    for kind, column in names.items():
        out[column] = (counts[kind] if kind in counts else pd.Series(dtype=float)).reindex(ids, fill_value=0)
    out["browse_to_buy"] = out["frequency"] / out["browse_count"].replace(0, np.nan)
    out["cart_to_buy"] = out["frequency"] / out["cart_count"].replace(0, np.nan)
    out["days_since_last_interaction"] = as_of_day - all_times.groupby("oneid")["day"].max()
    points = b[b["kind"].isin(["points_earned", "points_spent"])].groupby(["oneid", "kind"])["value"].sum().unstack(
        fill_value=0.0
    )
    out["points_earned"] = points["points_earned"].reindex(ids, fill_value=0.0)
    out["points_spent"] = points["points_spent"].reindex(ids, fill_value=0.0)
    out["points_balance"] = out["points_earned"] - out["points_spent"]
    recent = days[days["day"] > as_of_day - 365]
    out["spend_365d"] = recent.groupby("oneid")["amount"].sum().reindex(ids, fill_value=0.0)
    out["cb_frequency"] = n_days - 1
    out["cb_recency"] = last - first
    out["cb_T"] = as_of_day - first
    repeat = days.sort_values(["oneid", "day"]).groupby("oneid").apply(
        lambda d: d["amount"].iloc[1:].mean() if len(d) > 1 else 0.0, include_groups=False
    )
    out["cb_monetary"] = repeat
    tiers = [("member", 0), ("silver", 2000), ("gold", 8000), ("platinum", 20000)]
    tier = pd.Series("", index=ids, dtype=object)
    has = out["purchase_days"] > 0
    for name, threshold in tiers:
        tier[has & (out["spend_365d"] >= threshold)] = name
    out["member_tier"] = tier
    cat = sale.groupby(["oneid", "category"], observed=True)["amount"].sum().reset_index()
    cat["category"] = cat["category"].astype(str)
    cat = cat.sort_values(["oneid", "amount", "category"], ascending=[True, False, True])
    top = cat.groupby("oneid").head(top_k).groupby("oneid")["category"].apply(lambda s: tuple(sorted(s)))
    out["top_categories"] = top.reindex(ids).apply(lambda t: t if isinstance(t, tuple) else ())
    ch = per_order.groupby("oneid")["channel"].apply(lambda s: tuple(sorted(set(s))))
    out["channels"] = ch.reindex(ids).apply(lambda t: t if isinstance(t, tuple) else ())
    return out.reset_index()


def test_every_feature_matches_an_independent_pandas_computation(data, mapping, profiles):
    as_of_day = (pd.Timestamp(AS_OF).value // 10**9) // 86400
    ref = reference(data, mapping, as_of_day)
    assert list(profiles["oneid"]) == list(ref["oneid"])
    numeric = [c for c in ref.columns if c not in ("oneid", "member_tier", "top_categories", "channels")]
    assert set(numeric) == set(profiles.select_dtypes("float64").columns)
    for column in numeric:
        np.testing.assert_allclose(
            profiles[column].to_numpy(), ref[column].to_numpy(dtype=float), rtol=1e-9, atol=1e-6,
            equal_nan=True, err_msg=column,
        )
    assert list(profiles["member_tier"]) == list(ref["member_tier"])
    assert list(profiles["top_categories"]) == list(ref["top_categories"])
    assert list(profiles["channels"]) == list(ref["channels"])
    # The data is worth testing on: buyers and browsers, repeaters, refunds, coupons, several tiers.
    assert (profiles["frequency"] == 0).any() and (profiles["cb_frequency"] >= 3).any()
    assert profiles["refund_count"].sum() > 0 and profiles["coupon_share"].max() > 0
    assert profiles["member_tier"].nunique() >= 3


def test_dtypes_zero_copy_and_dates(profiles):
    assert profiles["oneid"].dtype == np.int64
    assert profiles["frequency"].dtype == np.float64
    assert not profiles["frequency"].to_numpy().flags.owndata  # a view of C++ memory
    assert profiles["first_purchase"].dtype == "datetime64[ns]"
    row = profiles.dropna(subset=["first_purchase_day"]).iloc[0]
    assert row["first_purchase"] == pd.Timestamp(int(row["first_purchase_day"]) * 86400, unit="s")
    assert isinstance(profiles.attrs["report"], oneid.ProfileReport)
    assert profiles.attrs["report"].rows_rejected == 0


def test_merges_in_the_mapping_combine_persons(data, mapping, profiles):
    # Map every account to its true person: persons the resolver split would combine; the totals
    # over all persons are the same either way.
    truth = pd.DataFrame({"account_id": data["accounts"]["account_id"], "oneid": data["truth"].astype(np.int64) + 1})
    by_truth = oneid.build_profiles(data, truth, as_of=AS_OF)
    assert by_truth["monetary_total"].sum() == pytest.approx(profiles["monetary_total"].sum())
    assert by_truth["frequency"].sum() == profiles["frequency"].sum()
    one = truth.assign(oneid=1)  # everyone merged into one person
    merged = oneid.build_profiles(data, one, as_of=AS_OF)
    assert len(merged) == 1
    assert merged["frequency"].iloc[0] == profiles["frequency"].sum()
    assert merged["points_balance"].iloc[0] == pytest.approx(profiles["points_balance"].sum())


def test_bad_rows_are_reported_with_row_field_and_reason():
    orders = pd.DataFrame({
        "order_id": ["a", "b", "c", "d", "e", "f", "g"],
        "account_id": ["pos:1", "pos:1", "pos:1", "ghost", "pos:1", "pos:1", None],
        "time": ["2024-01-02", "not a time", "2024-01-03", "2024-01-03", "2025-02-01", "2024-01-04", "2024-01-04"],
        "channel": ["pos", "pos", "fax", "pos", "pos", "pos", "pos"],
        "amount": [10.0, 1.0, 1.0, 1.0, 1.0, float("nan"), 1.0],
    })
    behaviour = pd.DataFrame({
        "account_id": ["pos:1", "pos:1"], "time": ["2024-01-02", "2024-01-02"],
        "channel": ["pos", "pos"], "kind": ["browse", "purchase"],
    })
    mapping = pd.DataFrame({"account_id": ["pos:1"], "oneid": [5]})
    df, report = oneid.build_profiles({"orders": orders, "behaviour": behaviour}, mapping, as_of="2024-12-31",
                                      return_report=True)
    assert list(df["oneid"]) == [5]
    assert df["frequency"].iloc[0] == 1
    assert report.orders["rows_read"] == 7
    assert report.orders["rows_accepted"] == 1
    assert report.orders["rows_rejected"] == 6
    assert report.orders["unknown_accounts"] == 1
    assert report.orders["after_as_of"] == 1
    errors = report.orders["errors"].set_index("row")
    assert errors.loc[1, "field"] == "time"
    assert errors.loc[2, "field"] == "channel" and "unknown channel 'fax'" in errors.loc[2, "reason"]
    assert errors.loc[3, "field"] == "account_id" and "'ghost' is not in the identity map" in errors.loc[3, "reason"]
    assert errors.loc[4, "field"] == "time" and "after the observation date" in errors.loc[4, "reason"]
    assert errors.loc[5, "field"] == "amount" and "not a finite number" in errors.loc[5, "reason"]
    assert errors.loc[6, "field"] == "account_id"
    assert report.behaviour["rows_rejected"] == 1
    assert "unknown event kind 'purchase'" in report.behaviour["errors"]["reason"].iloc[0]


def test_errors_raise_value_error_with_the_cpp_message():
    orders = pd.DataFrame({"account_id": ["a"], "time": ["2024-01-01"], "channel": ["pos"], "amount": [1.0]})
    with pytest.raises(ValueError, match="mapping row 0, field oneid: 0 is not a OneID"):
        oneid.build_profiles(orders, pd.DataFrame({"account_id": ["a"], "oneid": [0]}), as_of="2024-12-31")
    with pytest.raises(ValueError, match="mapped to both 1 and 2"):
        oneid.build_profiles(orders, pd.DataFrame({"account_id": ["a", "a"], "oneid": [1, 2]}), as_of="2024-12-31")
    with pytest.raises(ValueError, match="thresholds must ascend"):
        oneid.build_profiles(orders, pd.DataFrame({"account_id": ["a"], "oneid": [1]}), as_of="2024-12-31",
                             tiers=[("gold", 10), ("silver", 5)])
    with pytest.raises(ValueError, match="missing column.*'amount'"):
        oneid.build_profiles(orders.drop(columns="amount"), pd.DataFrame({"account_id": ["a"], "oneid": [1]}),
                             as_of="2024-12-31")
    with pytest.raises(ValueError, match="not numeric"):
        oneid.build_profiles(orders.assign(amount=["x"]), pd.DataFrame({"account_id": ["a"], "oneid": [1]}),
                             as_of="2024-12-31")


def test_as_of_date_means_the_end_of_that_day():
    orders = pd.DataFrame({"account_id": ["a"], "time": ["2024-06-30 23:00:00"], "channel": ["app"], "amount": [5.0]})
    mapping = pd.DataFrame({"account_id": ["a"], "oneid": [1]})
    df = oneid.build_profiles(orders, mapping, as_of="2024-06-30")
    assert df["recency_days"].iloc[0] == 0
    late = oneid.build_profiles(orders, mapping, as_of=pd.Timestamp("2024-06-30 12:00:00"))
    assert len(late) == 0 and late.attrs["report"].orders["after_as_of"] == 1


def test_object_and_categorical_columns_give_the_same_profiles(data, mapping, profiles):
    as_objects = {name: df.astype({c: object for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)})
                  for name, df in (("orders", data["orders"]), ("behaviour", data["behaviour"]))}
    again = oneid.build_profiles(as_objects, mapping, as_of=AS_OF)
    pd.testing.assert_frame_equal(again.drop(columns=["top_categories", "channels"]),
                                  profiles.drop(columns=["top_categories", "channels"]))


def test_runs_in_threads_without_deadlock(data, mapping):
    results = []

    def work():
        results.append(len(oneid.build_profiles(data, mapping, as_of=AS_OF)))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 3 and len(set(results)) == 1


def test_generator_is_deterministic():
    a = oneid.generate_events(people=200, seed=9)
    b = oneid.generate_events(people=200, seed=9)
    pd.testing.assert_frame_equal(a["orders"], b["orders"])
    with pytest.raises(TypeError, match="unexpected keyword"):
        oneid.generate_events(people=10, bogus=1)
