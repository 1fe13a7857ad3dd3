"""The Python binding of oneid's identity layer: its contract (types, dtypes, errors, GIL) and the
realistic uses an analyst relies on. The engine's own behaviour is tested in C++; these tests check
that it arrives intact in Python."""

from __future__ import annotations

import importlib.metadata
import pickle
import threading

import numpy as np
import pandas as pd
import pytest

import oneid
from gil_probe import assert_runs_without_gil

SALT = "a-test-salt-of-32-bytes-length!!"


def accounts(rows: list[dict], columns=("phone", "email", "unionid", "openid", "device_id", "member_card")):
    """A DataFrame with account_id, source and the given identifier columns; unset cells are None."""
    cols = ["account_id", "source", *columns]
    return pd.DataFrame([{c: row.get(c) for c in cols} for row in rows], columns=cols)


# --------------------------------------------------------------------------------------------------
# Package surface


def test_version_matches_the_installed_distribution():
    assert oneid.__version__ == "0.1.0"
    assert importlib.metadata.version("oneid") == oneid.__version__


def test_public_names_exist_and_the_core_stays_private():
    for name in oneid.__all__:
        assert hasattr(oneid, name), name
    assert "_core" not in oneid.__all__
    assert {"Resolver", "IdentifierType", "resolve", "generate_accounts", "pairwise_quality"} <= set(oneid.__all__)


# --------------------------------------------------------------------------------------------------
# Linking


def test_phone_written_in_different_formats_links_store_and_app_accounts():
    r = oneid.Resolver()
    report = r.add_batch(
        accounts(
            [
                {"account_id": "pos:1001", "source": "pos", "phone": "138 0013 8000"},
                {"account_id": "app:77", "source": "app", "phone": "+86 13800138000"},
                {"account_id": "jd:5", "source": "jd", "phone": "0086-138-0013-8000"},
                {"account_id": "jd:6", "source": "jd", "phone": "13900139000"},
            ]
        )
    )
    assert isinstance(report, oneid.BatchReport)
    assert (report.batch, report.rows_read, report.rows_accepted, report.rows_rejected) == (1, 4, 4, 0)
    assert report.persons_new == 2
    assert r.oneid_of("pos:1001") == r.oneid_of("app:77") == r.oneid_of("jd:5") == 1
    assert r.oneid_of("jd:6") == 2
    assert sorted(r.accounts_of(1)) == ["app:77", "jd:5", "pos:1001"]
    assert r.stats()["persons"] == 2
    assert "rows_accepted=4" in repr(report)


def test_report_lists_the_persons_a_batch_touched_and_the_oneids_it_retired():
    r = oneid.Resolver()
    first = r.add_batch(
        accounts(
            [
                {"account_id": "pos:1", "phone": "13800138000"},
                {"account_id": "mp:2", "unionid": "uA"},
                {"account_id": "jd:3", "email": "z@x.cn"},
            ]
        )
    )
    assert first.touched_oneids.tolist() == [1, 2, 3]
    assert first.retired_oneids.tolist() == []
    second = r.add_batch(accounts([{"account_id": "tmall:4", "phone": "+86 138 0013 8000", "unionid": "uA"}]))
    assert second.touched_oneids.dtype == np.int64
    assert second.touched_oneids.tolist() == [1]
    assert second.retired_oneids.tolist() == [2]
    assert r.current_oneid(2) == 1


def test_guard_refuses_a_second_unionid_and_the_report_says_why():
    r = oneid.Resolver()
    report = r.add_batch(
        accounts(
            [
                {"account_id": "mp:1", "source": "miniprogram", "phone": "13800138000", "unionid": "uA"},
                {"account_id": "mp:2", "source": "miniprogram", "phone": "13800138000", "unionid": "uB"},
            ]
        )
    )
    assert r.oneid_of("mp:1") != r.oneid_of("mp:2")
    assert report.links_refused == 1
    refused = report.refused
    assert list(refused.columns) == ["batch", "account_id", "type", "value", "reason", "detail"]
    assert len(refused) == 1
    row = refused.iloc[0]
    assert row["batch"] == 1
    assert row["account_id"] in {"mp:1", "mp:2"}
    assert row["type"] == "phone"
    assert row["value"] == "+8613800138000"
    assert row["reason"] == "max_per_person"
    assert "unionid" in row["detail"]
    assert refused["batch"].dtype == np.int64


def test_bad_rows_and_fields_are_reported_by_positional_row_and_the_batch_goes_on():
    df = accounts(
        [
            {"account_id": "", "phone": "13800138000"},
            {"account_id": "ok:1", "phone": "12345", "email": "ann@example.com"},
            {"account_id": "ok:2", "phone": "13800138000", "email": "not-an-email"},
            {"account_id": "ok:3", "phone": "13800138000"},
        ]
    )
    df.index = [500, 400, 300, 200]  # labels are not positions: errors must use positions
    r = oneid.Resolver()
    report = r.add_batch(df)
    assert (report.rows_read, report.rows_accepted, report.rows_rejected, report.fields_rejected) == (4, 3, 1, 2)
    errors = report.errors
    assert list(errors.columns) == ["row", "field", "reason", "row_rejected"]
    assert errors["row"].dtype == np.int64
    assert errors["row_rejected"].dtype == bool
    assert errors[["row", "field", "row_rejected"]].values.tolist() == [
        [0, "account_id", True],
        [1, "phone", False],
        [2, "email", False],
    ]
    assert errors["reason"].iloc[0] == "empty account id"
    assert "'@'" in errors["reason"].iloc[2]
    # The batch went on: the good rows are in, ok:1 without its bad phone, ok:2 linked by phone.
    assert r.oneid_of("ok:2") == r.oneid_of("ok:3")
    assert r.oneid_of("ok:1") != r.oneid_of("ok:2")
    assert r.stats()["accounts"] == 3


def test_a_column_of_an_unknown_identifier_type_is_a_value_error_and_changes_nothing():
    r = oneid.Resolver()
    df = pd.DataFrame({"account_id": ["a:1"], "source": ["pos"], "wechat": ["x"]})
    with pytest.raises(ValueError, match=r"^column 'wechat' has identifier type 'wechat', which is not configured$"):
        r.add_batch(df)
    with pytest.raises(ValueError, match="column 'wx' has identifier type 'wechat_id'"):
        r.add_batch(df.rename(columns={"wechat": "wx"}), columns={"wx": "wechat_id"})
    assert r.stats()["batches"] == 0 and r.stats()["accounts"] == 0


def test_column_selection_by_list_dict_and_hash_suffix():
    r = oneid.Resolver()
    df = pd.DataFrame(
        {
            "account_id": ["crm:1", "crm:2", "crm:3"],
            "phone": ["13800138000", None, None],
            "phone#2": [None, "13800138000", None],
            "mobile": [None, None, "+86 138 0013 8000"],
            "note": ["vip", "", "new"],  # not an identifier: left out by the column lists below
        }
    )
    report = r.add_batch(df, source=None, columns={"phone": "phone", "phone#2": "phone", "mobile": "phone"})
    assert report.rows_accepted == 3
    assert len({r.oneid_of(a) for a in ["crm:1", "crm:2", "crm:3"]}) == 1
    r2 = oneid.Resolver()
    r2.add_batch(df, columns=["phone", "phone#2"])  # "source" is absent: accounts get no source
    assert r2.oneid_of("crm:1") == r2.oneid_of("crm:2") != r2.oneid_of("crm:3")
    with pytest.raises(ValueError, match="no column 'fax'"):
        r2.add_batch(df, columns=["fax"])
    with pytest.raises(ValueError, match="no account id column 'id'"):
        r2.add_batch(df, account_id="id", columns=["phone"])


def test_cells_that_are_not_strings_are_accepted():
    # What read_csv without dtype=str gives: int ids, a float64 phone column with NaN gaps.
    df = pd.DataFrame(
        {
            "account_id": [1001, 1002, 1003, 1004, 1005],
            "source": ["pos", None, np.nan, pd.NA, "app"],
            "phone": [13800138000, np.nan, 13800138000.0, np.nan, np.nan],
            "member_card": pd.array([77, 77, None, 12, None], dtype="Int64"),
            "email": [None, np.nan, pd.NA, "ANN@example.com ", "ann@example.com"],
        }
    )
    assert df["phone"].dtype == np.float64
    r = oneid.Resolver()
    report = r.add_batch(df)
    assert report.rows_accepted == 5 and report.fields_rejected == 0, report.errors
    # 1001 and 1003 share the phone, 1001 and 1002 the member card, 1004 and 1005 the email.
    assert r.oneid_of("1001") == r.oneid_of("1002") == r.oneid_of("1003")
    assert r.oneid_of("1004") == r.oneid_of("1005") != r.oneid_of("1001")
    assert r.explain("1001", "1003") == [
        {"from_account": "1001", "type": "phone", "value": "+8613800138000", "to_account": "1003"}
    ]
    # Bulk lookups read cells the same way, so an int key column joins back directly.
    np.testing.assert_array_equal(r.oneids_of(df["account_id"]), [1, 1, 1, 2, 2])


def test_unicode_ids_round_trip_and_unencodable_text_is_a_row_error_not_an_exception():
    r = oneid.Resolver()
    report = r.add_batch(
        pd.DataFrame(
            {
                "account_id": ["门店:张三", "app:\udcff", "app:李四"],
                "email": ["zhang@例子.com", None, "li@example.com"],
            },
            # object: with pyarrow installed pandas would store str in Arrow, which cannot hold a
            # lone surrogate (the DataFrame constructor itself would raise).
            dtype=object,
        )
    )
    assert report.rows_rejected == 1
    assert report.errors[["row", "field", "reason"]].values.tolist() == [[1, "account_id", "invalid UTF-8"]]
    assert r.assignments()["account_id"].tolist() == ["门店:张三", "app:李四"]
    assert r.oneid_of("门店:张三") == 1


# --------------------------------------------------------------------------------------------------
# Lookups, explain, erase


@pytest.fixture
def bridged() -> oneid.Resolver:
    """Ann (pos:1) and Bob (tmall:2) wrongly bridged by app:3 in a later batch."""
    r = oneid.Resolver(salt=SALT)
    r.add_batch(
        accounts(
            [
                {"account_id": "pos:1", "source": "pos", "phone": "13800138000"},
                {"account_id": "tmall:2", "source": "tmall", "email": "bob@example.com"},
            ]
        )
    )
    r.add_batch(accounts([{"account_id": "app:3", "source": "app", "phone": "13800138000", "email": "bob@example.com"}]))
    return r


def test_unknown_accounts_and_oneids_raise_key_error_with_the_cpp_message(bridged):
    with pytest.raises(KeyError, match="unknown account 'nope'"):
        bridged.oneid_of("nope")
    with pytest.raises(KeyError, match="unknown account 'nope'"):
        bridged.explain("pos:1", "nope")
    with pytest.raises(KeyError, match="unknown account 'nope'"):
        bridged.erase_account("nope")
    with pytest.raises(KeyError, match="OneID 99 was never issued"):
        bridged.current_oneid(99)
    with pytest.raises(KeyError):
        bridged.accounts_of(99)
    with pytest.raises(TypeError):
        bridged.oneid_of(None)  # type: ignore[arg-type]


def test_merges_keep_the_older_oneid_and_are_logged(bridged):
    assert bridged.oneid_of("tmall:2") == bridged.oneid_of("pos:1") == 1
    assert bridged.current_oneid(2) == 1  # Bob's OneID is now an alias of Ann's
    log = bridged.merge_log()
    assert list(log.columns) == ["kind", "batch", "survivor", "absorbed", "type", "value", "account_id", "cause"]
    assert [log[c].dtype for c in ("batch", "survivor", "absorbed")] == [np.int64] * 3
    assert log[["kind", "batch", "survivor", "absorbed", "account_id"]].values.tolist() == [["merge", 2, 1, 2, "app:3"]]
    assert log["type"].iloc[0] in {"phone", "email"}


def test_merge_log_since_returns_the_tail_indexed_by_position(bridged):
    seen = bridged.stats()["merge_log_entries"]
    assert seen == 1
    bridged.erase_account("app:3")  # a split: the log grows by one entry
    tail = bridged.merge_log(since=seen)
    whole = bridged.merge_log()
    pd.testing.assert_frame_equal(tail, whole.iloc[seen:])
    assert bridged.merge_log(since=0).equals(whole)
    assert len(bridged.merge_log(since=len(whole) + 5)) == 0
    with pytest.raises(ValueError, match="since"):
        bridged.merge_log(since=-1)


def test_explain_gives_the_chain_of_shared_values(bridged):
    path = bridged.explain("pos:1", "tmall:2")
    assert path == [
        {"from_account": "pos:1", "type": "phone", "value": "+8613800138000", "to_account": "app:3"},
        {"from_account": "app:3", "type": "email", "value": "bob@example.com", "to_account": "tmall:2"},
    ]
    assert bridged.explain("pos:1", "pos:1") == []
    bridged.add_batch(accounts([{"account_id": "jd:9", "phone": "13900139000"}]))
    with pytest.raises(RuntimeError, match="belong to different persons"):
        bridged.explain("pos:1", "jd:9")


def test_erasing_a_bridge_account_splits_and_restores_both_oneids(bridged):
    result = bridged.erase_account("app:3")
    assert result["oneid_before"] == 1
    assert sorted(result["oneids_after"]) == [1, 2]
    assert (result["accounts_erased"], result["accounts_affected"]) == (1, 2)
    assert bridged.oneid_of("pos:1") == 1 and bridged.oneid_of("tmall:2") == 2
    assert bridged.current_oneid(2) == 2
    with pytest.raises(KeyError):
        bridged.oneid_of("app:3")
    assert "app:3" not in set(bridged.assignments()["account_id"])
    assert bridged.stats()["accounts_erased"] == 1
    assert bridged.merge_log()["kind"].tolist() == ["merge", "split"]
    again = bridged.add_batch(accounts([{"account_id": "app:3", "phone": "13800138000"}]))
    assert again.errors["reason"].tolist() == ["account was erased; it cannot be ingested again"]


def test_erasing_a_value_unlinks_it_and_errors_map_to_python():
    r = oneid.Resolver(salt=SALT)
    r.add_batch(
        accounts(
            [
                {"account_id": "pos:1", "phone": "13800138000", "email": "ann@example.com"},
                {"account_id": "app:2", "email": "ann@example.com"},
            ]
        )
    )
    assert r.oneid_of("pos:1") == r.oneid_of("app:2")
    result = r.erase_value("email", " ANN@example.com")
    assert len(result["oneids_after"]) == 2
    assert r.oneid_of("pos:1") != r.oneid_of("app:2")
    with pytest.raises(ValueError, match="unknown identifier type 'fax'"):
        r.erase_value("fax", "1")
    with pytest.raises(KeyError):
        r.erase_value("email", "ann@example.com")  # already erased
    unsalted = oneid.Resolver()
    unsalted.add_batch(accounts([{"account_id": "a:1", "phone": "13800138000"}]))
    with pytest.raises(RuntimeError, match="erase needs IdentityConfig::salt"):
        unsalted.erase_account("a:1")


def test_oneids_of_accepts_any_one_dimensional_sequence(bridged):
    expected = np.array([1, 0, 1, 0], dtype=np.int64)
    for ids in (
        ["pos:1", "nope", "tmall:2", None],
        ("pos:1", "nope", "tmall:2", None),
        pd.Series(["pos:1", "nope", "tmall:2", None]),
        np.array(["pos:1", "nope", "tmall:2", ""], dtype=object),
        (a for a in ["pos:1", "nope", "tmall:2", "x"]),
    ):
        got = bridged.oneids_of(ids)
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, expected)
    assert bridged.oneids_of([]).shape == (0,)
    with pytest.raises(ValueError, match="one-dimensional"):
        bridged.oneids_of([["pos:1"], ["tmall:2"]])


# --------------------------------------------------------------------------------------------------
# Configuration


def test_identifier_types_configure_the_resolver():
    douyin = oneid.IdentifierType("douyin_id", max_per_person=1, priority=60, blocklist=["0"])
    assert douyin.kind == "token" and douyin.max_per_person == 1 and douyin.max_accounts_per_value is None
    assert pickle.loads(pickle.dumps(douyin)) == douyin
    types = oneid.default_identifier_types()
    assert [t.name for t in types][:2] == ["unionid", "openid"]
    phone = next(t for t in types if t.name == "phone")
    assert (phone.kind, phone.max_per_person, phone.max_accounts_per_value) == ("phone", 3, 20)
    r = oneid.Resolver([*types, douyin])
    assert r.types[-1] == douyin
    report = r.add_batch(
        pd.DataFrame(
            {"account_id": ["dy:1", "dy:2", "dy:3"], "douyin_id": ["d1", "d1", "0"], "phone": ["13800138000", None, None]}
        )
    )
    assert report.values_blocklisted == 1
    assert r.oneid_of("dy:1") == r.oneid_of("dy:2") != r.oneid_of("dy:3")


def test_invalid_configuration_raises_value_error_with_the_cpp_message():
    with pytest.raises(ValueError, match="unknown identifier kind 'mobile'"):
        oneid.IdentifierType("phone", kind="mobile")
    with pytest.raises(ValueError, match="max_per_person must be at least 1"):
        oneid.Resolver([oneid.IdentifierType("phone", kind="phone", max_per_person=0)])
    with pytest.raises(ValueError, match="identifier type 'phone' is defined twice"):
        oneid.Resolver([oneid.IdentifierType("phone"), oneid.IdentifierType("phone")])
    with pytest.raises(ValueError, match="not an ISO 3166 alpha-2 code"):
        oneid.Resolver(default_region="CHN")
    with pytest.raises(ValueError, match="hash_values needs a secret salt of at least 16 bytes"):
        oneid.Resolver(hash_values=True)
    with pytest.raises(ValueError, match="max_per_person must be a non-negative"):
        oneid.IdentifierType("x", max_per_person=-1)
    with pytest.raises(TypeError, match="blocklist"):
        oneid.IdentifierType("x", blocklist="null")


# --------------------------------------------------------------------------------------------------
# Snapshots and hashing


def test_snapshot_round_trip_and_corruption(tmp_path, bridged):
    path = tmp_path / "state.oneid"
    bridged.save(path)
    loaded = oneid.Resolver.load(path, salt=SALT)
    assert isinstance(loaded, oneid.Resolver)
    pd.testing.assert_frame_equal(loaded.assignments(), bridged.assignments())
    pd.testing.assert_frame_equal(loaded.merge_log(), bridged.merge_log())
    assert loaded.stats()["persons"] == bridged.stats()["persons"]
    assert loaded.explain("pos:1", "tmall:2") == bridged.explain("pos:1", "tmall:2")
    # A loaded resolver keeps working: new batches continue the batch numbering.
    assert loaded.add_batch(accounts([{"account_id": "jd:4", "email": "bob@example.com"}])).batch == 3
    assert loaded.oneid_of("jd:4") == 1

    with pytest.raises(ValueError, match="different salt"):
        oneid.Resolver.load(str(path), salt="another-salt-of-32-bytes-length!")
    with pytest.raises(KeyError, match="cannot open snapshot"):
        oneid.Resolver.load(tmp_path / "missing.oneid", salt=SALT)

    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    corrupt = tmp_path / "corrupt.oneid"
    corrupt.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="corrupt"):
        oneid.Resolver.load(corrupt, salt=SALT)
    truncated = tmp_path / "truncated.oneid"
    truncated.write_bytes(bytes(data[: len(data) // 3]))
    with pytest.raises(RuntimeError, match="corrupt"):
        oneid.Resolver.load(truncated, salt=SALT)


def test_hashing_mode_keeps_raw_phones_out_of_reports_and_logs(tmp_path):
    r = oneid.Resolver(hash_values=True, salt=SALT)
    assert r.hash_values
    first = r.add_batch(
        accounts(
            [
                {"account_id": "mp:1", "phone": "138 0013 8000", "unionid": "uA"},
                {"account_id": "mp:2", "phone": "13800138000", "unionid": "uB"},
                {"account_id": "tmall:3", "email": "ann@example.com"},
            ]
        )
    )
    second = r.add_batch(accounts([{"account_id": "app:4", "phone": "+86 13800138000", "email": "ann@example.com"}]))
    assert first.links_refused == 1 and second.persons_merged == 1
    texts = [
        *first.refused.astype(str).values.ravel(),
        *second.refused.astype(str).values.ravel(),
        *r.merge_log().astype(str).values.ravel(),
        *(step["value"] for step in r.explain("mp:1", "tmall:3")),
    ]
    assert texts
    for text in texts:
        assert "13800138000" not in text and "ann@" not in text, text
    r.save(tmp_path / "hashed.oneid")
    raw = (tmp_path / "hashed.oneid").read_bytes()
    assert b"13800138000" not in raw and b"ann@example.com" not in raw
    assert oneid.Resolver.load(tmp_path / "hashed.oneid", hash_values=True, salt=SALT).oneid_of("app:4") == r.oneid_of(
        "mp:1"
    )


# --------------------------------------------------------------------------------------------------
# Generated data and quality


@pytest.fixture(scope="module")
def generated_20k():
    return oneid.generate_accounts(people=20000, seed=2026)


def test_generated_accounts_have_the_documented_shape(generated_20k):
    df, truth = generated_20k
    assert list(df.columns) == [
        "account_id",
        "source",
        "phone",
        "email",
        "unionid",
        "openid",
        "device_id",
        "member_card",
        "buyer_id",
        "alipay",
    ]
    assert len(df) == len(truth) > 20000
    assert truth.dtype == np.uint32 and truth.max() < 20000
    assert df["account_id"].is_unique
    assert not df.isna().any().any()  # missing cells are ""
    assert set(df["source"]) <= {"pos", "tmall", "jd", "douyin", "miniprogram", "wecom", "app"}
    again, truth_again = oneid.generate_accounts(people=20000, seed=2026)
    pd.testing.assert_frame_equal(again, df)
    np.testing.assert_array_equal(truth_again, truth)


def test_resolving_generated_people_is_precise_and_bulk_lookup_matches_assignments(generated_20k):
    df, truth = generated_20k
    r = oneid.Resolver()
    report = r.add_batch(df)
    assert report.rows_rejected == 0
    assert report.values_junk > 0 and report.values_blocklisted > 0  # the planted traps were caught
    mapping = r.assignments()
    assert list(mapping.columns) == ["account_id", "oneid"]
    assert mapping["account_id"].dtype == object and mapping["oneid"].dtype == np.int64
    assert len(mapping) == len(df) and (mapping["oneid"] > 0).all()

    predicted = r.oneids_of(df["account_id"])
    joined = df[["account_id"]].merge(mapping, on="account_id", how="left")
    np.testing.assert_array_equal(predicted, joined["oneid"].to_numpy())
    pd.testing.assert_frame_equal(oneid.resolve(df), mapping)

    q = oneid.pairwise_quality(predicted, truth)
    assert q["precision"] > 0.97, q
    assert q["recall"] > 0.5, q
    assert q["largest_cluster"] <= 60, q
    assert q["true_clusters"] == 20000


def test_batched_generation_resolves_incrementally_with_stable_oneids():
    batches = oneid.generate_accounts(people=3000, seed=7, batches=3, typo_rate=0.0, kiosk_phones_per_100k=0)
    assert isinstance(batches, list) and len(batches) == 3
    whole, whole_truth = oneid.generate_accounts(people=3000, seed=7, typo_rate=0.0, kiosk_phones_per_100k=0)
    pd.testing.assert_frame_equal(pd.concat([b for b, _ in batches], ignore_index=True), whole)
    np.testing.assert_array_equal(np.concatenate([t for _, t in batches]), whole_truth)

    r = oneid.Resolver()
    handed_out = []
    for df, _ in batches:
        r.add_batch(df)
        for account, old in handed_out:
            assert r.current_oneid(old) == r.oneid_of(account)
        handed_out += [(a, r.oneid_of(a)) for a in df["account_id"].iloc[::50]]
    q = oneid.pairwise_quality(r.oneids_of(whole["account_id"]), whole_truth)
    assert q["precision"] > 0.97


def test_generator_knobs():
    df, _ = oneid.generate_accounts(people=500, seed=1, mean_accounts_per_person=1.0, kiosk_phones_per_100k=0)
    assert len(df) == 500
    df, _ = oneid.generate_accounts(people=500, seed=1, channels={"pos": 1.0, "tmall": 0, "jd": 0, "douyin": 0,
                                                                  "miniprogram": 0, "wecom": 0, "app": 0})
    assert set(df["source"]) == {"pos"}
    with pytest.raises(TypeError, match="unexpected keyword argument 'typo'"):
        oneid.generate_accounts(people=10, typo=0.1)


def test_pairwise_quality_on_a_small_example():
    # True pairs: (0,1) (0,2) (1,2); predicted pairs: (0,1) (2,3); correct: (0,1).
    q = oneid.pairwise_quality([7, 7, 9, 9], np.array([1, 1, 1, 2], dtype=np.uint32))
    assert (q["true_pairs"], q["predicted_pairs"], q["correct_pairs"]) == (3, 2, 1)
    assert q["precision"] == pytest.approx(0.5) and q["recall"] == pytest.approx(1 / 3)
    assert (q["largest_cluster"], q["predicted_clusters"], q["true_clusters"]) == (2, 2, 2)
    # Any labels work: only equality matters.
    assert oneid.pairwise_quality(["ann", "ann", "bob", "bob"], pd.Series([1, 1, 1, 2]))["correct_pairs"] == 1
    with pytest.raises(ValueError, match="predicted has 2"):
        oneid.pairwise_quality([1, 2], [1, 2, 3])


# --------------------------------------------------------------------------------------------------
# The GIL


def test_add_batch_releases_the_gil_while_it_resolves():
    # add_batch waits in the test-only GIL probe until this thread lets it go, which this thread
    # can do only if add_batch released the GIL (tests/python/gil_probe.py).
    df, _ = oneid.generate_accounts(people=2000, seed=3)
    r = oneid.Resolver()
    report = assert_runs_without_gil(lambda: r.add_batch(df))
    assert report is not None
    assert r.stats()["accounts"] == len(df)


def test_the_gil_probe_times_out_instead_of_hanging():
    # The probe's own failure mode: armed and waited on from this thread, nobody can release it
    # (as when a binding keeps the GIL), so it gives up after its timeout and says so.
    from oneid import _core

    _core._gil_probe_arm(0.05)
    try:
        df, _ = oneid.generate_accounts(people=50, seed=3)
        oneid.Resolver().add_batch(df)  # the probe waits in this thread: nobody can release it
        assert _core._gil_probe_state() == "timed out"
    finally:
        _core._gil_probe_reset()


def test_concurrent_reads_and_writes_on_one_resolver_are_safe():
    batches = oneid.generate_accounts(people=20000, seed=5, batches=4)
    r = oneid.Resolver()
    r.add_batch(batches[0][0])
    probe = batches[0][0]["account_id"].iloc[:200].tolist()
    errors = []

    def write():
        try:
            for df, _ in batches[1:]:
                r.add_batch(df)
        except BaseException as e:
            errors.append(e)

    worker = threading.Thread(target=write)
    worker.start()
    reads = 0
    while worker.is_alive():
        assert (r.oneids_of(probe) > 0).all()
        r.oneid_of(probe[0])
        r.stats()
        reads += 1
    worker.join(timeout=300)
    assert not errors, errors
    assert reads > 0
    assert r.stats()["accounts"] == sum(len(df) for df, _ in batches)


def test_results_are_the_same_for_any_thread_count(generated_20k):
    df, _ = generated_20k  # ~50k rows: enough for phase one to use several threads
    outcomes = []
    for threads in (1, 2, 3):
        r = oneid.Resolver(salt=SALT, threads=threads)
        report = r.add_batch(df)
        outcomes.append((r.assignments(), r.merge_log(), report.links_refused, report.values_junk))
    for other in outcomes[1:]:
        pd.testing.assert_frame_equal(other[0], outcomes[0][0])
        pd.testing.assert_frame_equal(other[1], outcomes[0][1])
        assert other[2:] == outcomes[0][2:]
    for bad in (0, -1, 257, 1.5, True):
        with pytest.raises(ValueError, match="threads"):
            oneid.Resolver(threads=bad)


def test_arrow_backed_columns_resolve_exactly_like_python_strings():
    pa = pytest.importorskip("pyarrow")
    df, _ = oneid.generate_accounts(people=3000, seed=11)
    plain = df.astype(object).where(df.notna(), None)
    # Nulls, empty strings, non-ASCII and invalid-looking values, in an Arrow string column.
    plain.loc[0, "phone"] = None
    plain.loc[1, "email"] = ""
    plain.loc[2, "email"] = "Ｆｕｌｌ@例え.jp"
    plain.loc[3, "phone"] = "+86 138 0013 8000"

    def resolve(frame):
        r = oneid.Resolver(salt=SALT)
        report = r.add_batch(frame)
        return r, report

    expected, expected_report = resolve(plain)
    arrow_str = plain.astype(pd.StringDtype("pyarrow"))
    table = pa.Table.from_pandas(plain, preserve_index=False)
    # Several chunks, and a chunk that starts at an offset into its buffers.
    chunked = pa.Table.from_batches(table.slice(1).to_batches(max_chunksize=997))
    chunked = pa.concat_tables([table.slice(0, 1), chunked])
    for frame in (arrow_str, plain.astype(pd.ArrowDtype(pa.large_string())), table, chunked):
        got, report = resolve(frame)
        pd.testing.assert_frame_equal(got.assignments(), expected.assignments())
        pd.testing.assert_frame_equal(got.merge_log(), expected.merge_log())
        assert report.errors.equals(expected_report.errors)
        assert (report.links_refused, report.values_junk, report.fields_rejected) == (
            expected_report.links_refused, expected_report.values_junk, expected_report.fields_rejected)
        ids = table.column("account_id")
        assert np.array_equal(got.oneids_of(ids), expected.oneids_of(plain["account_id"]))
