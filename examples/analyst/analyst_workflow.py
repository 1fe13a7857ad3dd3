"""An analyst's afternoon with oneid: raw CSVs -> OneIDs -> profiles -> RFM -> CLV -> churn ->
segments, in pandas, with the figures a CRM team asks for.

    pip install .
    python examples/analyst/analyst_workflow.py --people 20000 --out out/analyst

The raw CSVs are generated first (accounts from every channel, orders, behaviour events), so the
example runs anywhere; point ``--accounts``/``--orders``/``--behaviour`` at your own files to use
real ones (schemas in docs/profile.md and docs/identity.md). Figures are PNGs in ``--out``:
tracking.png (calibration/holdout), rfm_heatmap.png, segments.png, clv.png; model_calibration.csv is
oneid.evaluate's holdout check of BG/NBD, MBG/NBD and Pareto/NBD by calibration frequency.
"""

from __future__ import annotations

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import oneid

HORIZON_DAYS = 90


def make_raw_csvs(people: int, out: str, seed: int) -> tuple[str, str, str, pd.Timestamp]:
    """Writes the three raw files an analyst receives from the channels' exports."""
    data = oneid.generate_events(people=people, seed=seed)
    paths = tuple(os.path.join(out, f"{name}.csv") for name in ("accounts", "orders", "behaviour"))
    data["accounts"].to_csv(paths[0], index=False)
    data["orders"].to_csv(paths[1], index=False)
    data["behaviour"].to_csv(paths[2], index=False)
    return (*paths, pd.Timestamp("2024-12-31 23:59:59"))


def profiles_as_of(resolver: oneid.Resolver, events: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> pd.DataFrame:
    # Only the events up to the date: a model trained "as of" a day must not see what came after.
    past = {name: df[df["time"] <= as_of] for name, df in events.items()}
    return oneid.build_profiles(past, resolver, as_of=as_of)


def buyers(profiles: pd.DataFrame) -> pd.DataFrame:
    return profiles[profiles["cb_T"].notna()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default="out/analyst")
    parser.add_argument("--accounts")
    parser.add_argument("--orders")
    parser.add_argument("--behaviour")
    parser.add_argument("--as-of", help="observation date (default: the generated data's end)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    if args.accounts:
        accounts_csv, orders_csv, behaviour_csv = args.accounts, args.orders, args.behaviour
        as_of = pd.Timestamp(args.as_of)
    else:
        accounts_csv, orders_csv, behaviour_csv, as_of = make_raw_csvs(args.people, args.out, args.seed)

    # 1. OneIDs. Everything is read as text: identifiers are not numbers ("0086..." keeps its zeros).
    accounts = pd.read_csv(accounts_csv, dtype=str, keep_default_na=False)
    resolver = oneid.Resolver()
    report = resolver.add_batch(accounts)
    mapping = resolver.assignments()
    print(f"accounts {len(accounts):,} -> OneIDs {mapping['oneid'].nunique():,}; "
          f"links refused {report.links_refused:,}, junk values {report.values_junk:,}, "
          f"bad fields {report.fields_rejected:,}")

    # 2. Profiles as of the observation date.
    events = {
        "orders": pd.read_csv(orders_csv, parse_dates=["time"]),
        "behaviour": pd.read_csv(behaviour_csv, parse_dates=["time"]),
    }
    profiles = profiles_as_of(resolver, events, as_of)
    b = buyers(profiles)
    print(f"profiles {len(profiles):,} ({len(b):,} buyers), {profiles.shape[1]} columns")

    # 3. RFM on buyers.
    scores = oneid.rfm(b["recency_days"], b["frequency"], b["monetary_total"].clip(lower=0))
    profiles = profiles.join(scores.set_index(b.index)[["r_score", "f_score", "m_score", "segment"]]
                             .rename(columns={"r_score": "recency_score", "f_score": "frequency_score",
                                              "m_score": "monetary_score", "segment": "rfm_segment"}))

    # 4. Lifetime value: BG/NBD (days) for purchases, Gamma-Gamma for their value.
    bgf = oneid.BetaGeo().fit(b["cb_frequency"], b["cb_recency"], b["cb_T"])
    repeat = b[(b["cb_frequency"] > 0) & (b["cb_monetary"] > 0)]
    ggf = oneid.GammaGamma().fit(repeat["cb_frequency"], repeat["cb_monetary"])
    profiles.loc[b.index, "p_alive"] = bgf.conditional_probability_alive(b["cb_frequency"], b["cb_recency"], b["cb_T"])
    profiles.loc[b.index, "clv"] = ggf.customer_lifetime_value(
        bgf, b["cb_frequency"], b["cb_recency"], b["cb_T"], b["cb_monetary"].fillna(0), time=12, freq="D")
    print("BG/NBD", {k: round(v, 3) for k, v in bgf.params_.items()}, "Gamma-Gamma",
          {k: round(v, 3) for k, v in ggf.params_.items()})

    # 5. Churn, time split: learn as of one cut-off, judge as of the next, H days of future each.
    purchases = events["orders"][events["orders"]["amount"] > 0].merge(mapping, on="account_id")
    purchases["day"] = purchases["time"].dt.floor("D")
    test_cut = as_of.floor("D") - pd.Timedelta(days=HORIZON_DAYS)
    train_cut = test_cut - pd.Timedelta(days=HORIZON_DAYS)
    features = ["recency_days", "frequency", "monetary_total", "tenure_days", "channel_count", "coupon_share",
                "refund_rate", "browse_count", "cart_count", "complaints", "days_since_last_interaction"]

    def labelled(cut: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
        labels = oneid.churn_labels(purchases["oneid"], purchases["day"], cut, HORIZON_DAYS)
        p = profiles_as_of(resolver, events, cut + pd.Timedelta(hours=23, minutes=59, seconds=59))
        x = p.set_index("oneid").loc[labels["customer"], features].fillna(0).to_numpy()
        return x, labels["churned"].to_numpy(dtype=float)

    x_train, y_train = labelled(train_cut)
    x_test, y_test = labelled(test_cut)
    model = oneid.ChurnModel("logistic").fit(x_train, y_train)
    evaluation = oneid.evaluate_churn(y_test, model.predict_proba(x_test))
    print(f"churn: trained on {len(y_train):,}, judged on {len(y_test):,} later: AUC {evaluation['auc']:.3f}, "
          f"lift@10% {evaluation['lift_top_decile']:.2f}, Brier {evaluation['brier']:.3f}")

    # 5b. Which transaction model? Fit each on the purchases up to the training cut-off, score them
    # on the H days after it (per-customer error, total, P(alive) AUC, AIC/BIC), keep the best.
    report = oneid.evaluate(purchases, "oneid", "day", train_cut, train_cut + pd.Timedelta(days=HORIZON_DAYS))
    print("model check:", ", ".join(f"{name} RMSE {row['rmse']:.3f} total {row['predicted_total']:.0f}/{row['actual_total']:.0f}"
                                    for name, row in report.metrics.iterrows()), "->", report.recommended)
    report.calibration.to_csv(os.path.join(args.out, "model_calibration.csv"), index=False)

    # 6. Segments.
    segmented = oneid.segment(profiles)
    sizes = segmented["lifecycle_stage"].value_counts()
    print("lifecycle:", ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    segmented.to_csv(os.path.join(args.out, "segments.csv"), index=False)

    # 7. Figures.
    # Tracking: BG/NBD fitted as of the training cut-off predicts the weeks after it.
    calib = buyers(profiles_as_of(resolver, events, train_cut + pd.Timedelta(hours=23, minutes=59, seconds=59)))
    bg_calib = oneid.BetaGeo().fit(calib["cb_frequency"], calib["cb_recency"], calib["cb_T"])
    weeks = np.arange(1, 2 * HORIZON_DAYS // 7 + 1)
    later = purchases[(purchases["day"] > train_cut) & purchases["oneid"].isin(calib["oneid"])]
    later = later.drop_duplicates(["oneid", "day"])
    week_of = ((later["day"] - train_cut).dt.days - 1) // 7 + 1
    actual = np.array([(week_of <= w).sum() for w in weeks])
    expected = np.array([bg_calib.conditional_expected_number_of_purchases_up_to_time(
        7.0 * w, calib["cb_frequency"], calib["cb_recency"], calib["cb_T"]).sum() for w in weeks])
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(weeks, actual, label="actual")
    ax.plot(weeks, expected, "--", label="BG/NBD expected")
    ax.set(xlabel="weeks after the calibration cut-off", ylabel="cumulative repeat purchases",
           title="Calibration/holdout tracking")
    ax.legend()
    fig.savefig(os.path.join(args.out, "tracking.png"), dpi=100, bbox_inches="tight")

    heat = segmented.dropna(subset=["recency_score"]).pivot_table(
        index="recency_score", columns="frequency_score", values="oneid", aggfunc="count").sort_index(ascending=False)
    fig, ax = plt.subplots(figsize=(6, 5))
    image = ax.imshow(heat.to_numpy(), cmap="Blues")
    ax.set_xticks(range(heat.shape[1]), [f"F={int(c)}" for c in heat.columns])
    ax.set_yticks(range(heat.shape[0]), [f"R={int(r)}" for r in heat.index])
    ax.set_title("RFM heat map: customers")
    fig.colorbar(image)
    fig.savefig(os.path.join(args.out, "rfm_heatmap.png"), dpi=100, bbox_inches="tight")

    fig, ax = plt.subplots(figsize=(8, 4))
    segmented["rfm_segment"].value_counts().plot.bar(ax=ax, title="RFM segment sizes")
    fig.savefig(os.path.join(args.out, "segments.png"), dpi=100, bbox_inches="tight")

    clv = segmented["clv"].dropna()
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(clv.clip(upper=clv.quantile(0.99)), bins=40)
    ax.set(xlabel="12-month CLV", ylabel="customers", title="CLV distribution (buyers)")
    fig.savefig(os.path.join(args.out, "clv.png"), dpi=100, bbox_inches="tight")
    print(f"figures and segments.csv in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
