"""Profiles: per-OneID feature tables from orders and behaviour events.

>>> import oneid
>>> data = oneid.generate_events(people=200, seed=1)
>>> mapping = oneid.resolve(data["accounts"])
>>> profiles = oneid.build_profiles(data, mapping, as_of="2024-12-31")
>>> int(profiles["frequency"].sum()) > 0
True

Events are keyed by account and re-keyed to OneIDs through ``mapping`` (the resolver's
``assignments()``). Every feature is defined, with its unit, in ``docs/profile.md``; ages are in
whole UTC days measured to the day of ``as_of``, and NaN means "not defined for this person".
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import _core
from ._progress import as_callback

__all__ = ["build_profiles", "generate_events", "ProfileReport"]

_INT64_MIN = np.iinfo(np.int64).min
_EPOCH_DAY_COLUMNS = {
    "first_purchase_day": "first_purchase",
    "last_purchase_day": "last_purchase",
    "expected_next_purchase_day": "expected_next_purchase",
}


class ProfileReport:
    """What build_profiles did with each input row: ``orders`` and ``behaviour`` each a dict with
    rows_read, rows_accepted, rows_rejected, unknown_accounts (rows whose account the mapping does
    not know), after_as_of (rows dated after the observation date) and ``errors`` (a DataFrame of
    row, field, reason; row is the input DataFrame's 0-based position)."""

    def __init__(self, raw: Mapping[str, Any]):
        self.orders = {k: v for k, v in raw["orders"].items() if k != "errors"}
        self.behaviour = {k: v for k, v in raw["behaviour"].items() if k != "errors"}
        self.orders["errors"] = pd.DataFrame(raw["orders"]["errors"], columns=["row", "field", "reason"])
        self.behaviour["errors"] = pd.DataFrame(raw["behaviour"]["errors"], columns=["row", "field", "reason"])

    @property
    def rows_rejected(self) -> int:
        return int(self.orders["rows_rejected"] + self.behaviour["rows_rejected"])

    def __repr__(self) -> str:
        o, b = self.orders, self.behaviour
        return (
            f"<ProfileReport orders {o['rows_accepted']}/{o['rows_read']} accepted, "
            f"behaviour {b['rows_accepted']}/{b['rows_read']} accepted, "
            f"unknown accounts {o['unknown_accounts'] + b['unknown_accounts']}, "
            f"after as_of {o['after_as_of'] + b['after_as_of']}>"
        )


def _seconds(value: Any) -> int:
    """An observation date as epoch seconds; a bare date means the end of that day."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        ts = pd.Timestamp(value)
        date_only = len(value.strip()) == 10
    elif isinstance(value, _dt.datetime) or isinstance(value, pd.Timestamp):
        ts = pd.Timestamp(value)
        date_only = False
    elif isinstance(value, _dt.date):
        ts = pd.Timestamp(value)
        date_only = True
    else:
        raise TypeError(f"as_of must be a date, datetime, str or int seconds, not {type(value).__name__}")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    seconds = int(ts.value // 1_000_000_000)
    return seconds + 86399 if date_only else seconds


def _times(column: pd.Series) -> np.ndarray:
    """Epoch seconds as int64, INT64_MIN for missing or unparseable times."""
    if pd.api.types.is_integer_dtype(column.dtype):
        return column.to_numpy(dtype=np.int64)
    if not pd.api.types.is_datetime64_any_dtype(column.dtype):
        column = pd.to_datetime(column, utc=True, errors="coerce", format="ISO8601")
    if getattr(column.dtype, "tz", None) is not None:
        column = column.dt.tz_convert("UTC").dt.tz_localize(None)
    values = column.to_numpy(dtype="datetime64[ns]")
    seconds = values.view(np.int64) // 1_000_000_000
    seconds[np.isnat(values)] = _INT64_MIN
    return seconds


def _strings(column: pd.Series) -> Any:
    """A categorical as (int32 codes, categories) so that C++ does no per-row string work; any
    other column as it is."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        # Categories go as they are; C++ converts non-str ones with str(), like any other cell.
        return column.cat.codes.to_numpy(dtype=np.int32), column.cat.categories.to_numpy(dtype=object)
    return column


def _numbers(df: pd.DataFrame, name: str, what: str) -> np.ndarray | None:
    if name not in df.columns:
        return None
    try:
        return pd.to_numeric(df[name], errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{what}: column {name!r} is not numeric: {e}") from None


def _require(df: pd.DataFrame, names: Sequence[str], what: str) -> None:
    missing = [n for n in names if n not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(map(repr, missing))}; has {list(df.columns)}")


def _order_columns(df: pd.DataFrame) -> dict[str, Any]:
    _require(df, ["account_id", "time", "channel", "amount"], "orders")
    out: dict[str, Any] = {
        "account_id": _strings(df["account_id"]),
        "channel": _strings(df["channel"]),
        "time": _times(df["time"]),
        "amount": _numbers(df, "amount", "orders"),
    }
    for name in ("order_id", "store", "category"):
        if name in df.columns:
            out[name] = _strings(df[name])
    if "discount" in df.columns:
        discount = _numbers(df, "discount", "orders")
        out["discount"] = np.where(np.isnan(discount), 0.0, discount) if df["discount"].isna().any() else discount
    if "coupon_used" in df.columns:
        out["coupon_used"] = df["coupon_used"].fillna(False).astype(bool).to_numpy(dtype=np.uint8)
    return out


def _behaviour_columns(df: pd.DataFrame) -> dict[str, Any]:
    _require(df, ["account_id", "time", "channel", "kind"], "behaviour")
    out: dict[str, Any] = {
        "account_id": _strings(df["account_id"]),
        "channel": _strings(df["channel"]),
        "kind": _strings(df["kind"]),
        "time": _times(df["time"]),
    }
    if "value" in df.columns:
        value = _numbers(df, "value", "behaviour")
        out["value"] = np.where(np.isnan(value), 0.0, value) if df["value"].isna().any() else value
    return out


def build_profiles(
    events: pd.DataFrame | Mapping[str, pd.DataFrame],
    mapping: Any,
    as_of: Any,
    *,
    top_categories: int = 3,
    tiers: Sequence[tuple[str, float]] | None = None,
    return_report: bool = False,
    progress: Any = None,
) -> pd.DataFrame | tuple[pd.DataFrame, ProfileReport]:
    """Per-OneID profiles as of an observation date.

    Args:
        events: order lines as a DataFrame, or a mapping with ``"orders"`` and/or ``"behaviour"``
            DataFrames (what :func:`generate_events` returns works as is). Orders need columns
            account_id, time, channel, amount; optional order_id, store, category, discount,
            coupon_used. Behaviour needs account_id, time, channel, kind; optional value. Times are
            datetime64 (naive = UTC), ISO 8601 strings or int epoch seconds. String columns may be
            categoricals, which are passed to C++ without any per-row string work.
        mapping: the account -> OneID map: a DataFrame with columns account_id and oneid (as
            ``Resolver.assignments()`` returns), or a :class:`oneid.Resolver`.
        as_of: the observation date (str, date, datetime, Timestamp or int seconds). A bare date
            means the end of that day. Events after it are rejected.
        top_categories: size of the ``top_categories`` set.
        tiers: ``[(name, min_spend_365d), ...]`` ascending; default member/silver/gold/platinum at
            0/2000/8000/20000.
        return_report: also return the :class:`ProfileReport`. Either way it is in
            ``df.attrs["report"]``; rejected rows are never dropped silently.
        progress: True shows the stages "profile: orders", "profile: behaviour" and "profile:
            build" on stderr; a callable is called with (stage, done, total).

    Returns:
        One row per OneID with any accepted event, ascending by ``oneid``: the numeric features
        (float64, viewing C++ memory without a copy), ``member_tier`` (str), ``top_categories`` and
        ``channels`` (tuples of str), and datetime64 columns first_purchase, last_purchase and
        expected_next_purchase derived from the epoch-day columns.

    Raises:
        ValueError: a required column is missing or not numeric, the mapping is inconsistent
            (empty account id, OneID 0, an account mapped twice), or tiers are not ascending.
    """
    if isinstance(events, pd.DataFrame):
        orders_df, behaviour_df = events, None
    elif isinstance(events, Mapping):
        unknown = set(events) - {"orders", "behaviour", "accounts", "truth"}
        if unknown:
            raise ValueError(f"build_profiles: unknown event tables {sorted(unknown)}; expected 'orders', 'behaviour'")
        orders_df, behaviour_df = events.get("orders"), events.get("behaviour")
    else:
        raise TypeError("events must be a DataFrame of orders or a mapping of 'orders'/'behaviour' DataFrames")
    if hasattr(mapping, "assignments") and not isinstance(mapping, pd.DataFrame):
        mapping = mapping.assignments()
    if not isinstance(mapping, pd.DataFrame):
        mapping = pd.DataFrame(mapping)
    _require(mapping, ["account_id", "oneid"], "mapping")
    oneids = pd.to_numeric(mapping["oneid"], errors="raise").to_numpy(dtype=np.int64)

    columns, report = _core.build_profiles(
        None if orders_df is None else _order_columns(orders_df),
        None if behaviour_df is None else _behaviour_columns(behaviour_df),
        mapping["account_id"],
        oneids,
        _seconds(as_of),
        top_categories,
        None if tiers is None else [(str(n), float(t)) for n, t in tiers],
        as_callback(progress),
    )
    df = pd.DataFrame(columns, copy=False)
    for day_column, date_column in _EPOCH_DAY_COLUMNS.items():
        days = columns[day_column]
        stamps = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
        ok = ~np.isnan(days)
        stamps[ok] = (days[ok].astype(np.int64) * 86400).astype("datetime64[s]")
        df[date_column] = stamps
    result = ProfileReport(report)
    df.attrs["report"] = result
    return (df, result) if return_report else df


def _frame(columns: Mapping[str, Any], categories: Mapping[str, list[str]]) -> pd.DataFrame:
    out: dict[str, Any] = {}
    for name, value in columns.items():
        if isinstance(value, tuple):  # (codes, categories)
            codes, cats = value
            out[name] = pd.Categorical.from_codes(codes, categories=cats)
        elif name in categories:
            out[name] = pd.Categorical.from_codes(value.astype(np.int32), categories=categories[name])
        elif name == "time":
            out[name] = (value * 1_000_000_000).view("datetime64[ns]")
        elif name == "coupon_used":
            out[name] = value.astype(bool)
        else:
            out[name] = value
    return pd.DataFrame(out, copy=False)


def generate_events(
    people: int = 10000,
    seed: int = 42,
    start: Any = "2023-01-01",
    end: Any = "2024-12-31",
    accounts: Mapping[str, Any] | None = None,
    progress: Any = None,
    **knobs: Any,
) -> dict[str, Any]:
    """Generated accounts with ground truth and their orders and behaviour.

    Returns a dict: ``accounts`` (as :func:`oneid.generate_accounts`), ``truth`` (the person of
    each account row), ``orders`` and ``behaviour`` (DataFrames in the schema
    :func:`build_profiles` reads; string columns are categoricals). ``end`` (a bare date: its end)
    is the natural ``as_of``. ``accounts`` passes knobs to the account generator; ``knobs`` sets
    the event generator's: purchases_per_year, purchase_rate_shape, dropout_mean,
    extra_lines_mean, line_amount_median, coupon_propensity, refund_rate, browse_per_order,
    cart_per_order, never_buyer_browse, points_spend_share. Deterministic in the arguments.
    ``progress``: True shows the generator's stages on stderr; a callable is called with
    (stage, done, total). It never changes the output.
    """
    callback = as_callback(progress)
    people_config = _core.SyntheticConfig()
    people_config.people = people
    people_config.seed = seed
    for name, value in dict(accounts or {}).items():
        if name.startswith("_") or not hasattr(people_config, name):
            raise TypeError(f"generate_events(): unknown account knob {name!r}")
        setattr(people_config, name, value)
    config = _core.EventGeneratorConfig()
    config.seed = seed
    config.start = _seconds(pd.Timestamp(start)) if not isinstance(start, int) else start
    config.end = _seconds(end)
    for name, value in knobs.items():
        if name.startswith("_") or name in ("seed", "start", "end") or not hasattr(config, name):
            raise TypeError(f"generate_events() got an unexpected keyword argument {name!r}")
        setattr(config, name, value)
    account_columns, truth, orders, behaviour = _core.generate_events(people_config, config, callback)
    channels = list(_core.PROFILE_CHANNELS)
    return {
        "accounts": pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in account_columns.items()}),
        "truth": truth,
        "orders": _frame(orders, {"channel": channels}),
        "behaviour": _frame(behaviour, {"channel": channels, "kind": list(_core.BEHAVIOR_KINDS)}),
    }
