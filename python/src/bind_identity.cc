// Bindings of the identity layer: identifier types, the resolver, batch reports, generated data and
// pairwise quality. Every binding forwards to one C++ call; conversions live in convert.h.
//
// The GIL is released for the calls that scale with the data (AddBatch, bulk lookups, Explain,
// assignments, the merge log, snapshots, generation, evaluation), always after the arguments have
// been converted and never while a Python object is touched. Because a released GIL lets another
// Python thread call into the same resolver, each resolver carries a reader-writer lock, as
// resolver.h asks of a host that reads while it ingests.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "convert.h"
#include "gil_probe.h"
#include "progress.h"
#include "oneid/identity/account_table.h"
#include "oneid/identity/batch_report.h"
#include "oneid/identity/identifier_type.h"
#include "oneid/identity/merge_log.h"
#include "oneid/identity/quality.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/synthetic.h"

namespace oneid::python {
namespace {

using namespace pybind11::literals;  // NOLINT(google-build-using-namespace): "name"_a

using identity::Resolver;

// ---------------------------------------------------------------------------------------------
// The resolver, with the lock that a released GIL makes necessary.

class ResolverHandle {
 public:
  explicit ResolverHandle(Resolver resolver) : resolver_(std::move(resolver)) {}

  // A short read under a shared lock. It keeps the GIL, unless a writer holds the lock: then it
  // waits with the GIL released, so that the writer (which runs without the GIL) never waits for
  // this thread. `fn` must not wait for anything.
  template <typename Fn>
  auto Peek(Fn&& fn) const {
    std::shared_lock lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock()) {
      py::gil_scoped_release nogil;
      lock.lock();
    }
    return fn(resolver_);
  }

  // A read that scales with the data: shared lock, GIL released. `fn` must not touch Python.
  template <typename Fn>
  auto Read(Fn&& fn) const {
    py::gil_scoped_release nogil;
    std::shared_lock lock(mutex_);
    return fn(resolver_);
  }

  // A write: exclusive lock, GIL released. `fn` must not touch Python.
  template <typename Fn>
  auto Write(Fn&& fn) {
    py::gil_scoped_release nogil;
    std::unique_lock lock(mutex_);
    return fn(resolver_);
  }

 private:
  Resolver resolver_;
  mutable std::shared_mutex mutex_;
};

std::unique_ptr<ResolverHandle> CreateResolver(const std::optional<std::vector<IdentifierType>>& types,
                                               std::string default_region, bool hash_values,
                                               const py::object& salt, uint32_t threads) {
  IdentityConfig config = MakeConfig(types, std::move(default_region), hash_values, salt, threads);
  return std::make_unique<ResolverHandle>(ValueOrThrow(Resolver::Create(std::move(config))));
}

std::unique_ptr<ResolverHandle> LoadResolver(const std::filesystem::path& path,
                                             const std::optional<std::vector<IdentifierType>>& types,
                                             std::string default_region, bool hash_values,
                                             const py::object& salt, uint32_t threads) {
  IdentityConfig config = MakeConfig(types, std::move(default_region), hash_values, salt, threads);
  const std::string file = path.string();
  absl::StatusOr<Resolver> loaded = [&] {
    py::gil_scoped_release nogil;
    return Resolver::LoadSnapshot(file, std::move(config));
  }();
  return std::make_unique<ResolverHandle>(ValueOrThrow(std::move(loaded)));
}

identity::BatchReport AddBatch(ResolverHandle& self, const py::handle& account_ids, const py::handle& sources,
                               const std::vector<std::pair<std::string, std::string>>& columns,
                               const py::sequence& values, const py::object& progress_arg) {
  PyProgress progress(progress_arg);
  // Everything is converted first, with the GIL; `pinned` outlives the released section.
  PinnedColumns pinned;
  identity::AccountBatchView view;
  view.first_row_number = 0;  // errors name the caller's positional row
  view.columns.reserve(columns.size());
  for (const auto& [name, type] : columns) view.columns.push_back({name, type});
  view.account_ids = pinned.Views(account_ids, "account_ids");
  if (!sources.is_none()) view.sources = pinned.Views(sources, "sources");
  view.values.reserve(values.size());
  for (size_t c = 0; c < values.size(); ++c) {
    const std::string what = c < columns.size() ? "column '" + columns[c].first + "'" : "values";
    view.values.push_back(pinned.Views(values[c], what));
  }
  const ProgressCallback callback = progress.callback();
  absl::StatusOr<identity::BatchReport> report = self.Write([&](Resolver& r) {
    GilProbe::Instance().WaitIfArmed();  // tests prove the GIL is released here (gil_probe.h)
    return r.AddBatch(view, callback);
  });
  progress.Rethrow();
  return ValueOrThrow(std::move(report));
}

py::array OneIdsOf(const ResolverHandle& self, const py::handle& account_ids) {
  PinnedColumns pinned;
  const std::vector<std::string_view> ids = pinned.Views(account_ids, "account_ids");
  std::vector<OneId> found = self.Read([&](const Resolver& r) {
    std::vector<OneId> out(ids.size(), 0);
    for (size_t i = 0; i < ids.size(); ++i) {
      absl::StatusOr<OneId> id = r.OneIdOf(ids[i]);
      if (id.ok()) out[i] = *id;
    }
    return out;
  });
  return ToNumpy<int64_t>(std::move(found));
}

py::tuple GenerateAccounts(identity::SyntheticConfig config, const py::object& progress_arg) {
  PyProgress progress(progress_arg);
  config.progress = progress.callback();
  identity::SyntheticData data = [&] {
    py::gil_scoped_release nogil;
    return identity::GenerateOmniChannel(config);
  }();
  progress.Rethrow();
  return SyntheticToPython(std::move(data));
}

py::list GenerateAccountBatches(identity::SyntheticConfig config, size_t batches, const py::object& progress_arg) {
  PyProgress progress(progress_arg);
  config.progress = progress.callback();
  std::vector<identity::SyntheticData> data = [&] {
    py::gil_scoped_release nogil;
    return identity::GenerateOmniChannelBatches(config, batches);
  }();
  progress.Rethrow();
  py::list out;
  for (identity::SyntheticData& batch : data) out.append(SyntheticToPython(std::move(batch)));
  return out;
}

using Labels = py::array_t<uint64_t, py::array::c_style | py::array::forcecast>;

py::dict PairwiseQuality(const Labels& predicted, const Labels& truth) {
  if (predicted.ndim() != 1 || truth.ndim() != 1) throw py::value_error("labels must be one-dimensional");
  const absl::Span<const uint64_t> p(predicted.data(), static_cast<size_t>(predicted.size()));
  const absl::Span<const uint64_t> t(truth.data(), static_cast<size_t>(truth.size()));
  absl::StatusOr<identity::PairwiseQuality> quality = [&] {
    py::gil_scoped_release nogil;
    return identity::EvaluatePairwise(p, t);
  }();
  return QualityToDict(ValueOrThrow(std::move(quality)));
}

}  // namespace

void BindIdentity(py::module_& m) {
  // -- IdentifierType ---------------------------------------------------------------------------
  py::class_<IdentifierType>(m, "IdentifierType",
                             "One configured identifier type: how its values are normalised and which "
                             "merge guards protect it.")
      .def(py::init(&MakeIdentifierType), "name"_a, "kind"_a = "token", "max_per_person"_a = py::none(),
           "max_accounts_per_value"_a = py::none(), "priority"_a = 0, "blocklist"_a = py::tuple(),
           "kind is 'phone', 'email', 'token' or 'scoped_token'; a limit of None means unlimited.")
      .def_readwrite("name", &IdentifierType::name, "Type name, and the default column name.")
      .def_property(
          "kind", [](const IdentifierType& t) { return std::string(identity::IdentifierKindName(t.kind)); },
          [](IdentifierType& t, const std::string& kind) { t.kind = KindFromName(kind); },
          "'phone', 'email', 'token' or 'scoped_token'.")
      .def_property(
          "max_per_person", [](const IdentifierType& t) { return LimitToPython(t.max_per_person); },
          [](IdentifierType& t, std::optional<int64_t> v) { t.max_per_person = LimitFromPython(v, "max_per_person"); },
          "At most this many distinct values of the type in one person (None: unlimited).")
      .def_property(
          "max_accounts_per_value", [](const IdentifierType& t) { return LimitToPython(t.max_accounts_per_value); },
          [](IdentifierType& t, std::optional<int64_t> v) {
            t.max_accounts_per_value = LimitFromPython(v, "max_accounts_per_value");
          },
          "A value held by more accounts than this is junk and links nothing (None: unlimited).")
      .def_readwrite("priority", &IdentifierType::priority, "Higher priority types link first within a batch.")
      .def_property(
          "blocklist", [](const IdentifierType& t) { return t.blocklist; },
          [](IdentifierType& t, const py::iterable& v) { t.blocklist = StringsFrom(v, "blocklist"); },
          "Normalised values that never link.")
      .def("__repr__", &IdentifierTypeRepr)
      .def("__eq__",
           [](const IdentifierType& a, const py::object& b) -> py::object {
             if (!py::isinstance<IdentifierType>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
             return py::bool_(SameType(a, b.cast<const IdentifierType&>()));
           })
      .def(py::pickle(
          [](const IdentifierType& t) {
            return py::make_tuple(t.name, std::string(identity::IdentifierKindName(t.kind)),
                                  LimitToPython(t.max_per_person), LimitToPython(t.max_accounts_per_value),
                                  t.priority, t.blocklist);
          },
          [](const py::tuple& s) {
            return MakeIdentifierType(s[0].cast<std::string>(), s[1].cast<std::string>(),
                                      s[2].cast<std::optional<int64_t>>(), s[3].cast<std::optional<int64_t>>(),
                                      s[4].cast<int32_t>(), s[5].cast<py::iterable>());
          }));
  // Mutable and compared by value, so not hashable.
  m.attr("IdentifierType").attr("__hash__") = py::none();

  m.def("default_identifier_types", [] { return identity::DefaultIdentityConfig().types; },
        "The identifier types of a Chinese omni-channel brand: unionid, openid, member_card, alipay, "
        "phone, email, buyer_id and device_id.");

  // -- BatchReport ------------------------------------------------------------------------------
  py::class_<identity::BatchReport>(m, "BatchReport", "What one add_batch call did.")
      .def_readonly("batch", &identity::BatchReport::batch)
      .def_readonly("rows_read", &identity::BatchReport::rows_read)
      .def_readonly("rows_accepted", &identity::BatchReport::rows_accepted)
      .def_readonly("rows_rejected", &identity::BatchReport::rows_rejected)
      .def_readonly("fields_rejected", &identity::BatchReport::fields_rejected)
      .def_readonly("accounts_new", &identity::BatchReport::accounts_new)
      .def_readonly("accounts_updated", &identity::BatchReport::accounts_updated)
      .def_readonly("values_new", &identity::BatchReport::values_new)
      .def_readonly("links_made", &identity::BatchReport::links_made)
      .def_readonly("links_refused", &identity::BatchReport::links_refused)
      .def_readonly("values_junk", &identity::BatchReport::values_junk)
      .def_readonly("values_blocklisted", &identity::BatchReport::values_blocklisted)
      .def_readonly("persons_new", &identity::BatchReport::persons_new)
      .def_readonly("persons_merged", &identity::BatchReport::persons_merged)
      .def_readonly("persons_resplit", &identity::BatchReport::persons_resplit)
      .def_readonly("max_listed", &identity::BatchReport::max_listed)
      .def_property_readonly(
          "touched_oneids",
          [](const identity::BatchReport& r) { return ToNumpy<int64_t>(std::vector<OneId>(r.touched_oneids)); },
          "Current OneIDs of the persons the batch changed (int64 array, ascending).")
      .def_property_readonly(
          "retired_oneids",
          [](const identity::BatchReport& r) { return ToNumpy<int64_t>(std::vector<OneId>(r.retired_oneids)); },
          "OneIDs a merge in the batch absorbed (int64 array, ascending).")
      .def_property_readonly("errors", &ErrorColumns,
                             "Rejected rows and fields as columns: row, field, reason, row_rejected.")
      .def_property_readonly("refused", &RefusedColumns,
                             "Refused links as columns: batch, account_id, type, value, reason, detail.");

  // -- Resolver ---------------------------------------------------------------------------------
  py::class_<ResolverHandle>(m, "Resolver", "The OneID engine (see oneid.Resolver).")
      .def(py::init(&CreateResolver), "types"_a = py::none(), "default_region"_a = "CN",
           "hash_values"_a = false, "salt"_a = py::none(), "threads"_a = 0)
      .def_static("load", &LoadResolver, "path"_a, "types"_a = py::none(), "default_region"_a = "CN",
                  "hash_values"_a = false, "salt"_a = py::none(), "threads"_a = 0,
                  "Loads a snapshot written by save().")
      .def("add_batch", &AddBatch, "account_ids"_a, "sources"_a, "columns"_a, "values"_a, "progress"_a = py::none(),
           "Ingests one batch: account ids, sources (or None), (name, type) column specs and one "
           "sequence of cells per column. progress: None or a callable(stage, done, total).")
      .def(
          "oneid_of",
          [](const ResolverHandle& self, std::string_view account_id) {
            return ValueOrThrow(self.Peek([&](const Resolver& r) { return r.OneIdOf(account_id); }));
          },
          "account_id"_a)
      .def("oneids_of", &OneIdsOf, "account_ids"_a, "OneIDs as int64, 0 for unknown accounts.")
      .def(
          "current_oneid",
          [](const ResolverHandle& self, OneId oneid) {
            return ValueOrThrow(self.Peek([&](const Resolver& r) { return r.CurrentOneId(oneid); }));
          },
          "oneid"_a)
      .def(
          "accounts_of",
          [](const ResolverHandle& self, OneId oneid) {
            return ToStrList(ValueOrThrow(self.Peek([&](const Resolver& r) { return r.AccountsOf(oneid); })));
          },
          "oneid"_a)
      .def(
          "assignments",
          [](const ResolverHandle& self) {
            return AssignmentsToPython(self.Read([](const Resolver& r) { return r.GetAssignments(); }));
          },
          "(account ids, int64 OneIDs), in the order accounts were first seen.")
      .def(
          "explain",
          [](const ResolverHandle& self, std::string_view a, std::string_view b) {
            return LinkPathToList(ValueOrThrow(self.Read([&](const Resolver& r) { return r.Explain(a, b); })));
          },
          "account_a"_a, "account_b"_a)
      .def(
          "erase_account",
          [](ResolverHandle& self, std::string_view account_id) {
            return EraseReportToDict(
                ValueOrThrow(self.Write([&](Resolver& r) { return r.EraseAccount(account_id); })));
          },
          "account_id"_a)
      .def(
          "erase_value",
          [](ResolverHandle& self, std::string_view type, std::string_view value) {
            return EraseReportToDict(ValueOrThrow(self.Write([&](Resolver& r) { return r.EraseValue(type, value); })));
          },
          "type"_a, "value"_a)
      .def(
          "merge_log",
          [](const ResolverHandle& self, size_t since) {
            return MergeLogColumns(self.Read([&](const Resolver& r) { return r.MergeLogSince(since); }));
          },
          "since"_a = 0, "The merge log from entry `since` on, as columns.")
      .def("stats",
           [](const ResolverHandle& self) { return StatsToDict(self.Peek([](const Resolver& r) { return r.Stats(); })); })
      .def(
          "save",
          [](const ResolverHandle& self, const std::filesystem::path& path) {
            const std::string file = path.string();
            ThrowIfError(self.Read([&](const Resolver& r) { return r.SaveSnapshot(file); }));
          },
          "path"_a, "Writes a snapshot atomically.")
      .def_property_readonly(
          "types", [](const ResolverHandle& self) { return self.Peek([](const Resolver& r) { return r.config().types; }); })
      .def_property_readonly("default_region",
                             [](const ResolverHandle& self) {
                               return self.Peek([](const Resolver& r) { return r.config().default_region; });
                             })
      .def_property_readonly("hash_values", [](const ResolverHandle& self) {
        return self.Peek([](const Resolver& r) { return r.config().hash_values; });
      });

  // -- Generated data ---------------------------------------------------------------------------
  using identity::ChannelMix;
  using identity::SyntheticConfig;
  py::class_<ChannelMix>(m, "ChannelMix", "Relative weights of the channels accounts are drawn from.")
      .def(py::init<>())
      .def_readwrite("pos", &ChannelMix::pos)
      .def_readwrite("tmall", &ChannelMix::tmall)
      .def_readwrite("jd", &ChannelMix::jd)
      .def_readwrite("douyin", &ChannelMix::douyin)
      .def_readwrite("miniprogram", &ChannelMix::miniprogram)
      .def_readwrite("wecom", &ChannelMix::wecom)
      .def_readwrite("app", &ChannelMix::app);

  py::class_<SyntheticConfig>(m, "SyntheticConfig", "Knobs of the omni-channel data generator (synthetic.h).")
      .def(py::init<>())
      .def_readwrite("seed", &SyntheticConfig::seed)
      .def_readwrite("people", &SyntheticConfig::people)
      .def_readwrite("mean_accounts_per_person", &SyntheticConfig::mean_accounts_per_person)
      .def_readwrite("max_accounts_per_person", &SyntheticConfig::max_accounts_per_person)
      .def_readwrite("channels", &SyntheticConfig::channels)
      .def_readwrite("mini_programs", &SyntheticConfig::mini_programs)
      .def_readwrite("phone_share", &SyntheticConfig::phone_share)
      .def_readwrite("second_phone_share", &SyntheticConfig::second_phone_share)
      .def_readwrite("email_share", &SyntheticConfig::email_share)
      .def_readwrite("alipay_share", &SyntheticConfig::alipay_share)
      .def_readwrite("second_device_share", &SyntheticConfig::second_device_share)
      .def_readwrite("phone_variant_share", &SyntheticConfig::phone_variant_share)
      .def_readwrite("email_variant_share", &SyntheticConfig::email_variant_share)
      .def_readwrite("typo_rate", &SyntheticConfig::typo_rate)
      .def_readwrite("family_device_share", &SyntheticConfig::family_device_share)
      .def_readwrite("kiosk_phones_per_100k", &SyntheticConfig::kiosk_phones_per_100k)
      .def_readwrite("kiosk_min_accounts", &SyntheticConfig::kiosk_min_accounts)
      .def_readwrite("kiosk_max_accounts", &SyntheticConfig::kiosk_max_accounts)
      .def_readwrite("placeholder_share", &SyntheticConfig::placeholder_share);

  m.def("generate_accounts", &GenerateAccounts, "config"_a, "progress"_a = py::none(),
        "Generated accounts as ({column: list of str}, uint32 truth array).");
  m.def("generate_account_batches", &GenerateAccountBatches, "config"_a, "batches"_a, "progress"_a = py::none(),
        "The same rows split into consecutive batches: a list of ({column: list}, truth).");

  m.def("pairwise_quality", &PairwiseQuality, "predicted"_a, "truth"_a,
        "Pairwise precision, recall and F1 of per-row cluster labels against truth labels.");
}

}  // namespace oneid::python
