"""Typed stubs of oneid's private C++ extension. Use the `oneid` package, not this module."""

import os
from typing import Any, Iterable, Sequence

import numpy as np
import numpy.typing as npt

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
    def errors(self) -> dict[str, list[Any]]:
        """Columns row (int), field (str), reason (str), row_rejected (bool)."""
    @property
    def refused(self) -> dict[str, list[Any]]:
        """Columns batch (int), account_id, type, value, reason, detail (str)."""

class Resolver:
    def __init__(
        self,
        types: Sequence[IdentifierType] | None = None,
        default_region: str = "CN",
        hash_values: bool = False,
        salt: str | bytes | None = None,
    ) -> None: ...
    @staticmethod
    def load(
        path: str | os.PathLike[str],
        types: Sequence[IdentifierType] | None = None,
        default_region: str = "CN",
        hash_values: bool = False,
        salt: str | bytes | None = None,
    ) -> Resolver: ...
    def add_batch(
        self,
        account_ids: Any,
        sources: Any | None,
        columns: Sequence[tuple[str, str]],
        values: Sequence[Any],
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
    def merge_log(self) -> dict[str, Any]: ...
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

def generate_accounts(config: SyntheticConfig) -> tuple[dict[str, list[str]], npt.NDArray[np.uint32]]: ...
def generate_account_batches(
    config: SyntheticConfig, batches: int
) -> list[tuple[dict[str, list[str]], npt.NDArray[np.uint32]]]: ...
def pairwise_quality(predicted: npt.ArrayLike, truth: npt.ArrayLike) -> dict[str, Any]: ...

# --- profile layer (bind_profile.cc) ---

# --- score layer: customer-base models (bind_score.cc) ---

# --- score layer: RFM and churn (bind_churn.cc) ---

# --- segment layer (bind_segment.cc) ---
