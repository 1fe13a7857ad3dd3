"""Typed stubs of oneid's private C++ extension. Use the `oneid` package, not this module."""

import os
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

# progress=: None or a callable(stage, done, total), called from C++ (see oneid/_progress.py).
_Progress = Callable[[str, int, int], Any] | None

__version__: str

class IdentifierType:
    """One configured identifier type: how its values are normalised and which merge guards
    protect it."""

    name: str
    kind: str
    max_per_person: int | None
    max_accounts_per_value: int | None
    priority: int
    blocklist: list[str]
    def __init__(
        self,
        name: str,
        kind: str = "token",
        max_per_person: int | None = None,
        max_accounts_per_value: int | None = None,
        priority: int = 0,
        blocklist: Iterable[str] = (),
    ) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    __hash__: None  # type: ignore[assignment]

def default_identifier_types() -> list[IdentifierType]: ...

class BatchReport:
    @property
    def batch(self) -> int: ...
    @property
    def rows_read(self) -> int: ...
    @property
    def rows_accepted(self) -> int: ...
    @property
    def rows_rejected(self) -> int: ...
    @property
    def fields_rejected(self) -> int: ...
    @property
    def accounts_new(self) -> int: ...
    @property
    def accounts_updated(self) -> int: ...
    @property
    def values_new(self) -> int: ...
    @property
    def links_made(self) -> int: ...
    @property
    def links_refused(self) -> int: ...
    @property
    def values_junk(self) -> int: ...
    @property
    def values_blocklisted(self) -> int: ...
    @property
    def persons_new(self) -> int: ...
    @property
    def persons_merged(self) -> int: ...
    @property
    def persons_resplit(self) -> int: ...
    @property
    def max_listed(self) -> int: ...
    @property
    def touched_oneids(self) -> np.ndarray: ...
    @property
    def retired_oneids(self) -> np.ndarray: ...
    @property
    def errors(self) -> dict[str, list[Any]]:
        """Columns row (int), field (str), reason (str), row_rejected (bool)."""
    @property
    def refused(self) -> dict[str, list[Any]]:
        """Columns batch (int), account_id, type, value, reason, detail (str)."""

class ValueKeyer:
    def __init__(
        self,
        types: list[IdentifierType] | None = None,
        default_region: str = "CN",
        hash_values: bool = False,
        salt: str | bytes | None = None,
    ) -> None: ...
    def keys(self, type: str, values: Any) -> dict[str, np.ndarray]: ...

class Resolver:
    def __init__(
        self,
        types: Sequence[IdentifierType] | None = None,
        default_region: str = "CN",
        hash_values: bool = False,
        salt: str | bytes | None = None,
        threads: int = 0,
    ) -> None: ...
    @staticmethod
    def load(
        path: str | os.PathLike[str],
        types: Sequence[IdentifierType] | None = None,
        default_region: str = "CN",
        hash_values: bool = False,
        salt: str | bytes | None = None,
        threads: int = 0,
    ) -> Resolver: ...
    def add_batch(
        self,
        account_ids: Any,
        sources: Any | None,
        columns: Sequence[tuple[str, str]],
        values: Sequence[Any],
        progress: _Progress = None,
    ) -> BatchReport:
        """account_ids, sources and each element of values are one-dimensional sequences of cells
        (str; None/NaN/pd.NA missing; anything else str()-converted)."""
    def oneid_of(self, account_id: str) -> int: ...
    def oneids_of(self, account_ids: Any) -> npt.NDArray[np.int64]: ...
    def current_oneid(self, oneid: int) -> int: ...
    def accounts_of(self, oneid: int) -> list[str]: ...
    def assignments(self) -> tuple[list[str], npt.NDArray[np.int64]]: ...
    def explain(self, account_a: str, account_b: str) -> list[dict[str, str]]: ...
    def erase_account(self, account_id: str) -> dict[str, Any]: ...
    def erase_value(self, type: str, value: str) -> dict[str, Any]: ...
    def merge_log(self, since: int = 0) -> dict[str, Any]: ...
    def stats(self) -> dict[str, int]: ...
    def save(self, path: str | os.PathLike[str]) -> None: ...
    @property
    def types(self) -> list[IdentifierType]: ...
    @property
    def default_region(self) -> str: ...
    @property
    def hash_values(self) -> bool: ...

class ChannelMix:
    pos: float
    tmall: float
    jd: float
    douyin: float
    miniprogram: float
    wecom: float
    app: float
    def __init__(self) -> None: ...

class SyntheticConfig:
    seed: int
    people: int
    mean_accounts_per_person: float
    max_accounts_per_person: int
    channels: ChannelMix
    mini_programs: int
    phone_share: float
    second_phone_share: float
    email_share: float
    alipay_share: float
    second_device_share: float
    phone_variant_share: float
    email_variant_share: float
    typo_rate: float
    family_device_share: float
    kiosk_phones_per_100k: float
    kiosk_min_accounts: int
    kiosk_max_accounts: int
    placeholder_share: float
    def __init__(self) -> None: ...

def generate_accounts(config: SyntheticConfig, progress: _Progress = None) -> tuple[dict[str, list[str]], npt.NDArray[np.uint32]]: ...
def generate_account_batches(
    config: SyntheticConfig, batches: int, progress: _Progress = None
) -> list[tuple[dict[str, list[str]], npt.NDArray[np.uint32]]]: ...
def pairwise_quality(predicted: npt.ArrayLike, truth: npt.ArrayLike) -> dict[str, Any]: ...

# --- profile layer (bind_profile.cc) ---

PROFILE_CHANNELS: list[str]
BEHAVIOR_KINDS: list[str]

class EventGeneratorConfig:
    seed: int
    start: int
    end: int
    purchases_per_year: float
    purchase_rate_shape: float
    dropout_mean: float
    extra_lines_mean: float
    line_amount_median: float
    coupon_propensity: float
    refund_rate: float
    browse_per_order: float
    cart_per_order: float
    never_buyer_browse: float
    points_spend_share: float
    def __init__(self) -> None: ...

def build_profiles(
    orders: dict[str, Any] | None,
    behaviour: dict[str, Any] | None,
    map_accounts: Any,
    map_oneids: npt.NDArray[np.int64],
    as_of: int,
    top_categories: int = 3,
    tiers: Sequence[tuple[str, float]] | None = None,
    progress: _Progress = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """String columns are (int32 codes, categories) or 1-D cell sequences; time is int64 epoch
    seconds (INT64_MIN for missing). Returns (columns, report)."""
def generate_events(
    people: SyntheticConfig, config: EventGeneratorConfig, progress: _Progress = None
) -> tuple[dict[str, list[str]], npt.NDArray[np.uint32], dict[str, Any], dict[str, Any]]: ...

# --- score layer: customer-base models (bind_score.cc) ---

_Arr = npt.ArrayLike

class _TransactionModel:
    @property
    def params(self) -> dict[str, float]: ...
    @property
    def report(self) -> dict[str, Any]: ...
    def log_likelihood(self, frequency: _Arr, recency: _Arr, T: _Arr, weights: _Arr | None = None) -> float: ...
    def conditional_expected_purchases(self, t: _Arr, frequency: _Arr, recency: _Arr, T: _Arr) -> npt.NDArray[np.float64]: ...
    def probability_alive(self, frequency: _Arr, recency: _Arr, T: _Arr) -> npt.NDArray[np.float64]: ...
    def expected_purchases(self, t: _Arr) -> npt.NDArray[np.float64]: ...
    def probability_no_purchase(self, h: _Arr, frequency: _Arr, recency: _Arr, T: _Arr) -> npt.NDArray[np.float64]: ...
    def probability_alive_at(self, t: _Arr, frequency: _Arr, recency: _Arr, T: _Arr) -> npt.NDArray[np.float64]: ...
    def probability_alive_grid(self, max_frequency: int, max_recency: int) -> npt.NDArray[np.float64]: ...
    def save(self) -> str: ...

class BetaGeoModel(_TransactionModel):
    @staticmethod
    def create(r: float, alpha: float, a: float, b: float) -> BetaGeoModel: ...
    @staticmethod
    def fit(frequency: _Arr, recency: _Arr, T: _Arr, weights: _Arr | None = None, max_iterations: int = 1000,
            gradient_tolerance: float = 1e-7, l2_penalty: float = 0.0, progress: _Progress = None) -> BetaGeoModel: ...
    @staticmethod
    def load(text: str) -> BetaGeoModel: ...
    def probability_of_purchases(self, n: _Arr, t: _Arr) -> npt.NDArray[np.float64]: ...

class ModifiedBetaGeoModel(_TransactionModel):
    @staticmethod
    def create(r: float, alpha: float, a: float, b: float) -> ModifiedBetaGeoModel: ...
    @staticmethod
    def fit(frequency: _Arr, recency: _Arr, T: _Arr, weights: _Arr | None = None, max_iterations: int = 1000,
            gradient_tolerance: float = 1e-7, l2_penalty: float = 0.0, progress: _Progress = None) -> ModifiedBetaGeoModel: ...
    @staticmethod
    def load(text: str) -> ModifiedBetaGeoModel: ...
    def probability_of_purchases(self, n: _Arr, t: _Arr) -> npt.NDArray[np.float64]: ...

class ParetoNbdModel(_TransactionModel):
    @staticmethod
    def create(r: float, alpha: float, s: float, beta: float) -> ParetoNbdModel: ...
    @staticmethod
    def fit(frequency: _Arr, recency: _Arr, T: _Arr, weights: _Arr | None = None, max_iterations: int = 1000,
            gradient_tolerance: float = 1e-7, l2_penalty: float = 0.0, progress: _Progress = None) -> ParetoNbdModel: ...
    @staticmethod
    def load(text: str) -> ParetoNbdModel: ...
    def conditional_probability_of_purchases(self, n: _Arr, t: _Arr, frequency: _Arr, recency: _Arr,
                                             T: _Arr) -> npt.NDArray[np.float64]: ...

class GammaGammaModel:
    @staticmethod
    def create(p: float, q: float, v: float) -> GammaGammaModel: ...
    @staticmethod
    def fit(frequency: _Arr, monetary_value: _Arr, weights: _Arr | None = None, max_iterations: int = 1000,
            gradient_tolerance: float = 1e-7, l2_penalty: float = 0.0, progress: _Progress = None,
            q_constraint: bool = False) -> GammaGammaModel: ...
    @staticmethod
    def load(text: str) -> GammaGammaModel: ...
    @property
    def params(self) -> dict[str, float]: ...
    @property
    def report(self) -> dict[str, Any]: ...
    def log_likelihood(self, frequency: _Arr, monetary_value: _Arr, weights: _Arr | None = None) -> float: ...
    def conditional_expected_average_profit(self, frequency: _Arr, monetary_value: _Arr) -> npt.NDArray[np.float64]: ...
    def save(self) -> str: ...

class BetaGeoBetaBinomModel:
    @staticmethod
    def create(alpha: float, beta: float, gamma: float, delta: float) -> BetaGeoBetaBinomModel: ...
    @staticmethod
    def fit(frequency: _Arr, recency: _Arr, n_periods: _Arr, weights: _Arr | None = None, max_iterations: int = 1000,
            gradient_tolerance: float = 1e-7, l2_penalty: float = 0.0, progress: _Progress = None) -> BetaGeoBetaBinomModel: ...
    @staticmethod
    def load(text: str) -> BetaGeoBetaBinomModel: ...
    @property
    def params(self) -> dict[str, float]: ...
    @property
    def report(self) -> dict[str, Any]: ...
    def log_likelihood(self, frequency: _Arr, recency: _Arr, n_periods: _Arr, weights: _Arr | None = None) -> float: ...
    def conditional_expected_purchases(self, m_periods_in_future: _Arr, frequency: _Arr, recency: _Arr,
                                       n_periods: _Arr) -> npt.NDArray[np.float64]: ...
    def probability_alive(self, m_periods_in_future: _Arr, frequency: _Arr, recency: _Arr,
                          n_periods: _Arr) -> npt.NDArray[np.float64]: ...
    def expected_purchases(self, n: _Arr) -> npt.NDArray[np.float64]: ...
    def probability_of_transactions(self, x: _Arr, n: int) -> npt.NDArray[np.float64]: ...
    def probability_no_purchase(self, m_periods_in_future: _Arr, frequency: _Arr, recency: _Arr,
                                n_periods: _Arr) -> npt.NDArray[np.float64]: ...
    def save(self) -> str: ...

def customer_lifetime_value(transactions: BetaGeoModel | ModifiedBetaGeoModel | ParetoNbdModel, spend: GammaGammaModel,
                            frequency: _Arr, recency: _Arr, T: _Arr, monetary_value: _Arr, months: int,
                            monthly_discount_rate: float, periods_per_month: float) -> npt.NDArray[np.float64]: ...
class BetaGeoCovariateModel:
    @staticmethod
    def fit(frequency: _Arr, recency: _Arr, T: _Arr, purchase_covariates: _Arr | None = None,
            dropout_covariates: _Arr | None = None, weights: _Arr | None = None, max_iterations: int = 1000,
            gradient_tolerance: float = 1e-7, l2_penalty: float = 0.0) -> BetaGeoCovariateModel: ...
    @property
    def params(self) -> dict[str, float]: ...
    @property
    def purchase_coefficients(self) -> list[float]: ...
    @property
    def dropout_coefficients(self) -> list[float]: ...
    @property
    def standard_errors(self) -> list[float]: ...
    @property
    def report(self) -> dict[str, Any]: ...
    def conditional_expected_purchases(self, t: float, frequency: _Arr, recency: _Arr, T: _Arr,
                                       purchase_covariates: _Arr | None = None,
                                       dropout_covariates: _Arr | None = None) -> npt.NDArray[np.float64]: ...
    def probability_alive(self, frequency: _Arr, recency: _Arr, T: _Arr, purchase_covariates: _Arr | None = None,
                          dropout_covariates: _Arr | None = None) -> npt.NDArray[np.float64]: ...

class ParetoNbdCovariateModel(BetaGeoCovariateModel): ...

class GammaGammaCovariateModel:
    @staticmethod
    def fit(frequency: _Arr, monetary_value: _Arr, spend_covariates: _Arr | None = None, weights: _Arr | None = None,
            max_iterations: int = 1000, gradient_tolerance: float = 1e-7,
            l2_penalty: float = 0.0) -> GammaGammaCovariateModel: ...
    @property
    def params(self) -> dict[str, float]: ...
    @property
    def spend_coefficients(self) -> list[float]: ...
    @property
    def standard_errors(self) -> list[float]: ...
    @property
    def report(self) -> dict[str, Any]: ...
    def conditional_expected_average_profit(self, frequency: _Arr, monetary_value: _Arr,
                                            spend_covariates: _Arr | None = None) -> npt.NDArray[np.float64]: ...

def expected_purchases_intervals(model: BetaGeoModel | ModifiedBetaGeoModel | ParetoNbdModel, t: float, frequency: _Arr,
                                 recency: _Arr, T: _Arr, level: float = 0.9) -> dict[str, Any]: ...
def probability_alive_intervals(model: BetaGeoModel | ModifiedBetaGeoModel | ParetoNbdModel, frequency: _Arr, recency: _Arr,
                                T: _Arr, level: float = 0.9) -> dict[str, Any]: ...
def customer_lifetime_value_intervals(transactions: BetaGeoModel | ModifiedBetaGeoModel | ParetoNbdModel,
                                      spend: GammaGammaModel, frequency: _Arr, recency: _Arr, T: _Arr,
                                      monetary_value: _Arr, months: int, monthly_discount_rate: float,
                                      periods_per_month: float, level: float = 0.9) -> dict[str, Any]: ...
def summarize_transactions(customer: _Arr, day: _Arr, amount: _Arr | None, calibration_end: float, observation_end: float,
                           bucket_days: float, bucket_origin: float, unit_buckets: float) -> dict[str, Any]: ...

# --- score layer: RFM and churn (bind_churn.cc) ---

def rfm_segment_names() -> list[str]: ...
def rfm(
    recency: npt.ArrayLike,
    frequency: npt.ArrayLike,
    monetary: npt.ArrayLike,
    bins: int = 5,
    recency_edges: Sequence[float] = ...,
    frequency_edges: Sequence[float] = ...,
    monetary_edges: Sequence[float] = ...,
) -> dict[str, Any]: ...
def churn_labels(
    customer: npt.ArrayLike, day: npt.ArrayLike, cutoff: float, horizon_days: float
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint8]]: ...
def evaluate_churn(y_true: npt.ArrayLike, scores: npt.ArrayLike) -> dict[str, Any]: ...

class LogisticRegression:
    def __init__(
        self,
        l2: float = 1.0,
        fit_intercept: bool = True,
        max_iterations: int = 500,
        tolerance: float = 1e-6,
        memory: int = 10,
    ) -> None: ...
    def fit(self, X: npt.ArrayLike, y: npt.ArrayLike, sample_weight: npt.ArrayLike | None = None) -> dict[str, Any]: ...
    def predict_proba(self, X: npt.ArrayLike) -> npt.NDArray[np.float64]: ...
    def save(self, path: str) -> None: ...
    @staticmethod
    def load(path: str) -> LogisticRegression: ...
    @property
    def fitted(self) -> bool: ...
    @property
    def n_features(self) -> int: ...
    @property
    def coefficients(self) -> npt.NDArray[np.float64]: ...
    @property
    def intercept(self) -> float: ...
    @property
    def means(self) -> npt.NDArray[np.float64]: ...
    @property
    def scales(self) -> npt.NDArray[np.float64]: ...
    @property
    def l2(self) -> float: ...

class GradientBoosting:
    def __init__(
        self,
        num_rounds: int = 200,
        learning_rate: float = 0.1,
        max_depth: int = 4,
        min_child_weight: float = 1.0,
        subsample: float = 1.0,
        colsample_bytree: float = 1.0,
        reg_lambda: float = 1.0,
        reg_alpha: float = 0.0,
        max_bin: int = 256,
        nthread: int = 0,
        seed: int = 0,
    ) -> None: ...
    def fit(self, X: npt.ArrayLike, y: npt.ArrayLike, sample_weight: npt.ArrayLike | None = None) -> dict[str, Any]: ...
    def predict_proba(self, X: npt.ArrayLike) -> npt.NDArray[np.float64]: ...
    def save(self, path: str) -> None: ...
    @staticmethod
    def load(path: str) -> GradientBoosting: ...
    @property
    def fitted(self) -> bool: ...
    @property
    def n_features(self) -> int: ...
    @property
    def num_boosted_rounds(self) -> int: ...

# --- segment layer (bind_segment.cc) ---

# Columns cross as (name, kind, values): kind "numeric" (1-D float64 array), "text" (list of str)
# or "text_set" (list of list of str); rows are positional.
_Columns = Sequence[tuple[str, str, Any]]

class LifecycleConfig:
    orders_column: str
    recency_column: str
    tenure_column: str
    interval_column: str
    previous_gap_column: str
    new_days: float
    active_days: float
    lost_days: float
    relative: bool
    active_factor: float
    lost_factor: float
    min_days: float
    max_days: float
    output_column: str
    def __init__(self) -> None: ...

class ValueTierConfig:
    value_column: str
    tiers: list[tuple[str, float]]
    cuts_are_quantiles: bool
    decile_column: str
    tier_column: str
    def __init__(self) -> None: ...

class TagRule:
    name: str
    layer: str
    expression: str
    description: str
    def __init__(self, name: str, layer: str, expression: str, description: str = "") -> None: ...

def default_tags() -> list[TagRule]: ...

class TriggerConfig:
    due_to_repurchase: bool
    recency_column: str
    interval_column: str
    repurchase_factor: float
    repurchase_max_factor: float
    at_risk: bool
    p_alive_column: str
    p_alive_threshold: float
    points_expiring: bool
    points_column: str
    points_days_column: str
    points_window_days: float
    cart_abandoned: bool
    cart_days_column: str
    cart_value_column: str
    cart_window_days: float
    def __init__(self) -> None: ...

def segment_columns(
    rows: int,
    columns: _Columns,
    lifecycle: LifecycleConfig | None,
    value_tiers: ValueTierConfig | None,
    tags: Sequence[TagRule],
    missing_tag_columns: str,
) -> tuple[dict[str, Any], list[tuple[str, str]]]: ...
def fire_triggers(rows: int, columns: _Columns, config: TriggerConfig) -> dict[str, Any]: ...

class Audience:
    def __init__(self, expression: str) -> None: ...
    @property
    def expression(self) -> str: ...
    @property
    def columns(self) -> list[str]: ...
    def canonical(self) -> str: ...
    def evaluate(self, rows: int, columns: _Columns) -> npt.NDArray[np.bool_]: ...

class KMeans:
    def __init__(
        self,
        n_clusters: int = 8,
        n_init: int = 4,
        max_iter: int = 300,
        tol: float = 1e-4,
        seed: int = 0,
        standardize: bool = True,
        nan_policy: str = "error",
        threads: int = 0,
        init: npt.NDArray[np.float64] | None = None,
    ) -> None: ...
    def fit(self, x: npt.NDArray[np.float64], feature_names: Sequence[str] = ...) -> None: ...
    def predict(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.int32]: ...
    @property
    def fitted(self) -> bool: ...
    @property
    def labels(self) -> npt.NDArray[np.int32]: ...
    @property
    def centers(self) -> npt.NDArray[np.float64]: ...
    @property
    def inertia(self) -> float: ...
    @property
    def iterations(self) -> int: ...
    @property
    def converged(self) -> bool: ...
    @property
    def feature_names(self) -> list[str]: ...
    def summary(self, top_features: int = 3) -> list[dict[str, Any]]: ...

def silhouette(
    x: npt.NDArray[np.float64], labels: Sequence[int], sample_size: int = 2000, seed: int = 0
) -> float: ...
def choose_k(
    x: npt.NDArray[np.float64],
    ks: Sequence[int],
    n_init: int = 4,
    seed: int = 0,
    standardize: bool = True,
    nan_policy: str = "error",
    sample_size: int = 2000,
) -> list[dict[str, Any]]: ...
