#include "service.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "json.h"
#include "oneid/identity/account_table.h"
#include "oneid/profile/feature_table.h"

namespace oneid_http {
namespace {

using oneid::identity::AccountTable;
using oneid::identity::BatchReport;
using oneid::identity::RowError;
using oneid::profile::AccountMap;
using oneid::profile::EventReport;
using oneid::profile::FeatureTable;
using oneid::profile::PersonAccounts;
using oneid::profile::ProfileBuilder;
using Clock = std::chrono::steady_clock;

int64_t NanosSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

void StoreMax(std::atomic<int64_t>& max, int64_t v) {
  int64_t seen = max.load(std::memory_order_relaxed);
  while (v > seen && !max.compare_exchange_weak(seen, v, std::memory_order_relaxed)) {
  }
}

void WriteErrors(Json& j, const std::vector<RowError>& errors) {
  j.BeginArray();
  for (const RowError& e : errors) {
    j.BeginObject().Key("row").Int(e.row).Key("field").String(e.field).Key("reason").String(e.reason);
    j.Key("row_rejected").Bool(e.row_rejected).EndObject();
  }
  j.EndArray();
}

void WriteIds(Json& j, const std::vector<OneId>& ids) {
  j.BeginArray();
  for (OneId id : ids) j.Int(id);
  j.EndArray();
}

template <typename T>
std::vector<T> Sorted(absl::flat_hash_set<T> set) {
  std::vector<T> v(set.begin(), set.end());
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PersonStore

std::shared_ptr<const PersonRecord> PersonStore::Get(OneId id) const {
  const Shard& s = ShardOf(id);
  absl::ReaderMutexLock lock(&s.mu);
  auto it = s.map.find(id);
  return it == s.map.end() ? nullptr : it->second;
}

void PersonStore::Put(std::shared_ptr<const PersonRecord> record) {
  Shard& s = ShardOf(record->oneid);
  std::shared_ptr<const PersonRecord> old;  // released outside the lock
  absl::MutexLock lock(&s.mu);
  auto& slot = s.map[record->oneid];
  old = std::move(slot);
  slot = std::move(record);
}

void PersonStore::Erase(OneId id) {
  Shard& s = ShardOf(id);
  std::shared_ptr<const PersonRecord> old;
  absl::MutexLock lock(&s.mu);
  auto it = s.map.find(id);
  if (it == s.map.end()) return;
  old = std::move(it->second);
  s.map.erase(it);
}

void PersonStore::ReplaceAll(std::vector<std::shared_ptr<const PersonRecord>> records) {
  std::array<absl::flat_hash_map<OneId, std::shared_ptr<const PersonRecord>>, kShards> next;
  for (auto& r : records) {
    const OneId id = r->oneid;
    next[id % kShards][id] = std::move(r);
  }
  for (size_t i = 0; i < kShards; ++i) {
    absl::MutexLock lock(&shards_[i].mu);
    shards_[i].map.swap(next[i]);
  }
  // `next` now holds the old records; they are freed here, outside every lock.
}

size_t PersonStore::Size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    absl::ReaderMutexLock lock(&s.mu);
    n += s.map.size();
  }
  return n;
}

std::vector<OneId> PersonStore::List(size_t limit) const {
  std::vector<OneId> ids;
  for (const Shard& s : shards_) {
    absl::ReaderMutexLock lock(&s.mu);
    for (const auto& [id, record] : s.map) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  if (ids.size() > limit) ids.resize(limit);
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Service: set-up

absl::StatusOr<std::unique_ptr<Service>> Service::Create(oneid::identity::IdentityConfig identity,
                                                         oneid::profile::ProfileOptions profile,
                                                         ServiceOptions options) {
  absl::StatusOr<oneid::identity::Resolver> resolver = oneid::identity::Resolver::Create(std::move(identity));
  if (!resolver.ok()) return resolver.status();
  absl::StatusOr<ProfileBuilder> builder = ProfileBuilder::Create(std::move(profile));
  if (!builder.ok()) return builder.status();
  return std::unique_ptr<Service>(new Service(std::move(*resolver), std::move(*builder), options));
}

absl::Status Service::Seed(const AccountTable& accounts, const oneid::profile::OrderTable& orders,
                           const oneid::profile::BehaviorTable& behaviour) {
  {
    absl::MutexLock w(&write_mu_);
    {
      absl::MutexLock r(&resolver_mu_);
      absl::StatusOr<BatchReport> report = resolver_.AddBatch(accounts);
      if (!report.ok()) return report.status();
    }
    accounts_ = AccountMap::FromAssignments(resolver_.GetAssignments());
    const EventReport o = builder_.AddOrders(orders, accounts_);
    const EventReport b = builder_.AddBehavior(behaviour, accounts_);
    if (o.rows_rejected + b.rows_rejected > 0) {
      return absl::InternalError("the generated seed events had " +
                                 std::to_string(o.rows_rejected + b.rows_rejected) + " rejected rows");
    }
  }
  absl::StatusOr<std::string> refit = Refit();
  return refit.ok() ? absl::OkStatus() : refit.status();
}

// ---------------------------------------------------------------------------------------------
// Service: writes

absl::Status Service::Rescore(const Touched& t) {
  std::vector<PersonAccounts> persons;
  persons.reserve(t.touched.size());
  std::vector<OneId> gone = t.retired;
  for (OneId id : t.touched) {
    // The writer is the resolver's only mutator, so it reads it without resolver_mu_ (service.h).
    absl::StatusOr<std::vector<std::string>> accounts = resolver_.AccountsOf(id);
    if (!accounts.ok()) {
      gone.push_back(id);
      continue;
    }
    // Merges re-key accounts to their survivor: the map later events are folded with follows.
    for (const std::string& a : *accounts) accounts_.Set(a, id);
    persons.push_back({.oneid = id, .account_ids = std::move(*accounts)});
  }
  // Their rows only, O(their accounts): the rest of the base is neither walked nor re-scored.
  absl::StatusOr<FeatureTable> table = builder_.BuildPersons(persons);
  if (!table.ok()) return table.status();
  absl::StatusOr<std::vector<std::shared_ptr<const PersonRecord>>> records = Render(*table, persons, false);
  if (!records.ok()) return records.status();
  for (auto& r : *records) store_.Put(std::move(r));
  for (OneId id : gone) store_.Erase(id);
  persons_rescored_.fetch_add(persons.size(), std::memory_order_relaxed);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::shared_ptr<const PersonRecord>>> Service::Render(
    FeatureTable& table, absl::Span<const PersonAccounts> persons, bool already_scored) {
  std::optional<Scored> scored;
  if (models_) {
    absl::StatusOr<Scored> s = ScoreAndSegment(table, *models_, already_scored);
    if (!s.ok()) return s.status();
    scored = std::move(*s);
  }
  std::vector<std::vector<const oneid::segment::FiredTrigger*>> fired(table.num_rows());
  if (scored) {
    for (const auto& f : scored->triggers) fired[f.row].push_back(&f);
  }
  // Columns, looked up once.
  struct NumericColumn {
    std::string name;
    absl::Span<const double> values;
  };
  const auto numeric = [&](const std::vector<std::string>& names) -> absl::StatusOr<std::vector<NumericColumn>> {
    std::vector<NumericColumn> columns;
    for (const std::string& name : names) {
      if (!table.Has(name)) continue;
      absl::StatusOr<absl::Span<const double>> values = table.Numeric(name);
      if (!values.ok()) return values.status();
      columns.push_back({name, *values});
    }
    return columns;
  };
  absl::StatusOr<std::vector<NumericColumn>> profile_columns = numeric(oneid::profile::ProfileColumns::Numeric());
  if (!profile_columns.ok()) return profile_columns.status();
  absl::StatusOr<std::vector<NumericColumn>> score_columns =
      numeric({"recency_score", "frequency_score", "monetary_score", "p_alive", "expected_purchases_90d", "clv"});
  if (!score_columns.ok()) return score_columns.status();
  absl::StatusOr<std::vector<NumericColumn>> tag_columns = numeric(scored ? scored->tags : std::vector<std::string>{});
  if (!tag_columns.ok()) return tag_columns.status();
  const auto text = [&](std::string_view name) -> absl::Span<const std::string> {
    absl::StatusOr<absl::Span<const std::string>> t = table.Text(name);
    return t.ok() ? *t : absl::Span<const std::string>();
  };
  const auto text_set = [&](std::string_view name) -> const oneid::profile::TextSetColumn* {
    absl::StatusOr<const oneid::profile::TextSetColumn*> t = table.TextSet(name);
    return t.ok() ? *t : nullptr;
  };
  const auto tier = text(oneid::profile::ProfileColumns::kMemberTier);
  const auto rfm_segment = text("rfm_segment");
  const auto lifecycle = text("lifecycle_stage");
  const auto value_tier = text("value_tier");
  const oneid::profile::TextSetColumn* channels = text_set(oneid::profile::ProfileColumns::kChannels);
  const oneid::profile::TextSetColumn* categories = text_set(oneid::profile::ProfileColumns::kTopCategories);
  absl::Span<const double> decile;
  if (table.Has("clv_decile")) decile = *table.Numeric("clv_decile");

  const auto write_set = [](Json& j, const oneid::profile::TextSetColumn* column, size_t row) {
    j.BeginArray();
    if (column != nullptr) {
      for (const std::string& v : column->Row(row)) j.String(v);
    }
    j.EndArray();
  };
  std::vector<std::shared_ptr<const PersonRecord>> records;
  records.reserve(persons.size());
  for (const auto& [id, accounts] : persons) {
    auto record = std::make_shared<PersonRecord>();
    record->oneid = id;
    Json a;
    a.BeginArray();
    for (const std::string& acc : accounts) a.String(acc);
    a.EndArray();
    record->accounts = a.Take();
    absl::StatusOr<size_t> row_or = table.RowOf(id);
    if (!row_or.ok()) {
      // A person whose accounts have no event yet: known to identity, nothing to profile.
      record->profile = record->scores = record->segments = "null";
      record->triggers = "[]";
    } else {
      const size_t row = *row_or;
      Json p;
      p.BeginObject();
      for (const auto& c : *profile_columns) p.Key(c.name).Number(c.values[row]);
      p.Key(oneid::profile::ProfileColumns::kMemberTier).String(tier.empty() ? "" : tier[row]);
      p.Key(oneid::profile::ProfileColumns::kTopCategories);
      write_set(p, categories, row);
      p.Key(oneid::profile::ProfileColumns::kChannels);
      write_set(p, channels, row);
      p.EndObject();
      record->profile = p.Take();
      if (!scored) {
        record->scores = record->segments = "null";
        record->triggers = "[]";
      } else {
        Json s;
        s.BeginObject();
        for (const auto& c : *score_columns) s.Key(c.name).Number(c.values[row]);
        s.Key("rfm_segment").String(rfm_segment.empty() ? "" : rfm_segment[row]);
        s.EndObject();
        record->scores = s.Take();
        Json g;
        g.BeginObject();
        g.Key("lifecycle_stage").String(lifecycle.empty() ? "" : lifecycle[row]);
        g.Key("clv_decile").Number(decile.empty() ? NAN : decile[row]);
        g.Key("value_tier").String(value_tier.empty() ? "" : value_tier[row]);
        g.Key("tags").BeginArray();
        for (const auto& c : *tag_columns) {
          if (c.values[row] == 1) g.String(c.name);
        }
        g.EndArray().EndObject();
        record->segments = g.Take();
        Json tr;
        tr.BeginArray();
        for (const auto* f : fired[row]) {
          tr.BeginObject().Key("kind").String(oneid::segment::TriggerKindName(f->kind));
          tr.Key("reason").String(f->reason).EndObject();
        }
        tr.EndArray();
        record->triggers = tr.Take();
      }
    }
    Json all;
    all.BeginObject().Key("oneid").Int(id).Key("accounts").Raw(record->accounts);
    all.Key("profile").Raw(record->profile).Key("scores").Raw(record->scores);
    all.Key("segments").Raw(record->segments).Key("triggers").Raw(record->triggers).EndObject();
    record->all = all.Take();
    records.push_back(std::move(record));
  }
  return records;
}

void Service::RecordWrite(int64_t write_ns, int64_t exclusive_ns, size_t persons) {
  writes_.fetch_add(1, std::memory_order_relaxed);
  write_ns_total_.fetch_add(write_ns, std::memory_order_relaxed);
  exclusive_ns_total_.fetch_add(exclusive_ns, std::memory_order_relaxed);
  StoreMax(write_ns_max_, write_ns);
  StoreMax(exclusive_ns_max_, exclusive_ns);
  (void)persons;
}

absl::StatusOr<std::string> Service::PostAccounts(std::string_view csv) {
  // Parsing needs no lock: a slow or hostile upload holds up nobody.
  BatchReport read;
  absl::StatusOr<AccountTable> table = oneid::identity::ReadAccountsCsv(csv, read);
  if (!table.ok()) return table.status();

  absl::MutexLock w(&write_mu_);
  const Clock::time_point start = Clock::now();
  std::optional<absl::WriterMutexLock> coarse;
  if (options_.coarse_lock) coarse.emplace(&resolver_mu_);
  absl::StatusOr<BatchReport> report;
  int64_t exclusive_ns = 0;
  {
    std::optional<absl::WriterMutexLock> fine;
    if (!coarse) fine.emplace(&resolver_mu_);
    const Clock::time_point locked = Clock::now();
    report = resolver_.AddBatch(*table);
    exclusive_ns = NanosSince(locked);
  }
  if (!report.ok()) return report.status();
  // The report lists every person the batch changed and every OneID its merges absorbed.
  const Touched touched{std::move(report->touched_oneids), std::move(report->retired_oneids)};
  if (absl::Status s = Rescore(touched); !s.ok()) return s;
  if (coarse) exclusive_ns = NanosSince(start);
  RecordWrite(NanosSince(start), exclusive_ns, touched.touched.size());

  // The CSV reader's rejections (ragged rows, bad UTF-8) come first, then the resolver's.
  Json j;
  j.BeginObject();
  j.Key("rows_read").Int(read.rows_read);
  j.Key("rows_accepted").Int(report->rows_accepted);
  j.Key("rows_rejected").Int(read.rows_rejected + report->rows_rejected);
  j.Key("fields_rejected").Int(report->fields_rejected);
  j.Key("accounts_new").Int(report->accounts_new).Key("accounts_updated").Int(report->accounts_updated);
  j.Key("links_made").Int(report->links_made).Key("links_refused").Int(report->links_refused);
  j.Key("values_junk").Int(report->values_junk).Key("persons_new").Int(report->persons_new);
  j.Key("persons_merged").Int(report->persons_merged).Key("persons_resplit").Int(report->persons_resplit);
  std::vector<RowError> errors = read.errors;
  errors.insert(errors.end(), report->errors.begin(), report->errors.end());
  j.Key("errors");
  WriteErrors(j, errors);
  j.Key("refused").BeginArray();
  for (const auto& r : report->refused) {
    j.BeginObject().Key("account_id").String(r.account_id).Key("type").String(r.type);
    j.Key("value").String(r.value).Key("reason").String(oneid::identity::RefusalReasonName(r.reason));
    j.Key("detail").String(r.detail).EndObject();
  }
  j.EndArray();
  j.Key("oneids").BeginObject();
  for (size_t r = 0; r < table->row_count(); ++r) {
    absl::StatusOr<OneId> id = resolver_.OneIdOf(table->account_id(r));
    if (id.ok()) j.Key(table->account_id(r)).Int(*id);
  }
  j.EndObject();
  j.Key("touched");
  WriteIds(j, touched.touched);
  j.Key("retired");
  WriteIds(j, touched.retired);
  j.EndObject();
  return j.Take();
}

absl::StatusOr<std::string> Service::PostOrders(std::string_view csv) { return PostEvents(csv, true); }
absl::StatusOr<std::string> Service::PostBehaviour(std::string_view csv) { return PostEvents(csv, false); }

absl::StatusOr<std::string> Service::PostEvents(std::string_view csv, bool orders) {
  EventReport report;
  std::optional<oneid::profile::OrderTable> order_table;
  std::optional<oneid::profile::BehaviorTable> behaviour_table;
  if (orders) {
    absl::StatusOr<oneid::profile::OrderTable> t = oneid::profile::ReadOrdersCsv(csv, report);
    if (!t.ok()) return t.status();
    order_table = std::move(*t);
  } else {
    absl::StatusOr<oneid::profile::BehaviorTable> t = oneid::profile::ReadBehaviorCsv(csv, report);
    if (!t.ok()) return t.status();
    behaviour_table = std::move(*t);
  }
  const oneid::profile::StringDictionary& event_accounts =
      orders ? order_table->accounts() : behaviour_table->accounts();

  absl::MutexLock w(&write_mu_);
  const Clock::time_point start = Clock::now();
  std::optional<absl::WriterMutexLock> coarse;
  if (options_.coarse_lock) coarse.emplace(&resolver_mu_);
  // Events touch no state a reader shares: the builder is the writer's alone.
  EventReport folded = orders ? builder_.AddOrders(*order_table, accounts_) : builder_.AddBehavior(*behaviour_table, accounts_);
  absl::flat_hash_set<OneId> touched;
  for (const std::string& account : event_accounts.strings()) {
    const OneId id = accounts_.Find(account);
    if (id != 0) touched.insert(id);
  }
  const Touched t{Sorted(std::move(touched)), {}};
  if (absl::Status s = Rescore(t); !s.ok()) return s;
  const int64_t write_ns = NanosSince(start);
  RecordWrite(write_ns, coarse ? write_ns : 0, t.touched.size());

  report.Absorb(folded);
  // Absorb adds the builder's rows_read to the reader's; the builder saw the reader's accepted rows.
  report.rows_read -= folded.rows_read;
  report.rows_accepted = folded.rows_accepted;
  Json j;
  j.BeginObject();
  j.Key("rows_read").Int(report.rows_read).Key("rows_accepted").Int(report.rows_accepted);
  j.Key("rows_rejected").Int(report.rows_rejected).Key("unknown_accounts").Int(report.unknown_accounts);
  j.Key("after_as_of").Int(report.after_as_of);
  j.Key("errors");
  WriteErrors(j, report.errors);
  j.Key("touched");
  WriteIds(j, t.touched);
  j.EndObject();
  return j.Take();
}

absl::StatusOr<std::string> Service::Refit() {
  absl::MutexLock w(&write_mu_);
  const Clock::time_point start = Clock::now();
  absl::StatusOr<FeatureTable> base = builder_.Build(accounts_);
  if (!base.ok()) return base.status();
  absl::StatusOr<Models> models = FitModels(*base);  // leaves *base scored
  if (!models.ok()) return models.status();
  models_ = std::move(*models);
  models_fitted_on_.store(models_->scorer.buyers(), std::memory_order_relaxed);
  // Every person, with or without events.
  const oneid::identity::Assignments map = resolver_.GetAssignments();
  absl::flat_hash_map<OneId, size_t> index;
  std::vector<PersonAccounts> persons;
  for (size_t i = 0; i < map.account_ids.size(); ++i) {
    auto [it, inserted] = index.try_emplace(map.oneids[i], persons.size());
    if (inserted) persons.push_back({.oneid = map.oneids[i], .account_ids = {}});
    persons[it->second].account_ids.push_back(map.account_ids[i]);
  }
  absl::StatusOr<std::vector<std::shared_ptr<const PersonRecord>>> records = Render(*base, persons, true);
  if (!records.ok()) return records.status();
  store_.ReplaceAll(std::move(*records));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  const auto& bg = models_->scorer.transactions().params();
  const auto& gg = models_->scorer.spend().params();
  Json j;
  j.BeginObject().Key("persons").Int(persons.size()).Key("buyers").Int(models_->scorer.buyers());
  j.Key("repeat_buyers").Int(models_->scorer.repeat_buyers());
  j.Key("bg_nbd").BeginObject().Key("r").Number(bg.r).Key("alpha").Number(bg.alpha);
  j.Key("a").Number(bg.a).Key("b").Number(bg.b).EndObject();
  j.Key("gamma_gamma").BeginObject().Key("p").Number(gg.p).Key("q").Number(gg.q).Key("v").Number(gg.v).EndObject();
  j.Key("seconds").Number(seconds).EndObject();
  return j.Take();
}

// ---------------------------------------------------------------------------------------------
// Service: reads

absl::StatusOr<std::string> Service::GetOneId(std::string_view account_id) const {
  absl::StatusOr<OneId> id;
  {
    absl::ReaderMutexLock lock(&resolver_mu_);
    id = resolver_.OneIdOf(account_id);
  }
  if (!id.ok()) return id.status();
  Json j;
  j.BeginObject().Key("account_id").String(account_id).Key("oneid").Int(*id).EndObject();
  return j.Take();
}

absl::StatusOr<std::string> Service::GetPerson(OneId oneid, Part part) const {
  std::shared_ptr<const PersonRecord> record;
  absl::StatusOr<OneId> current;
  {
    absl::ReaderMutexLock lock(&resolver_mu_);
    current = resolver_.CurrentOneId(oneid);  // an absorbed OneID answers for its survivor
    // Under coarse locking the record is read under the resolver lock too, so no read overlaps a write.
    if (options_.coarse_lock && current.ok()) record = store_.Get(*current);
  }
  if (!current.ok()) return current.status();
  if (!options_.coarse_lock) record = store_.Get(*current);
  if (record == nullptr) {
    return absl::UnavailableError("OneID " + std::to_string(*current) +
                                  " has no published record yet: a write that created it is being scored");
  }
  if (part == Part::kAll) {
    if (*current == oneid) return record->all;
    // The record is one object: name the OneID asked for before its closing brace.
    return record->all.substr(0, record->all.size() - 1) + ",\"requested_oneid\":" + std::to_string(oneid) + "}";
  }
  Json j;
  j.BeginObject().Key("oneid").Int(*current);
  if (*current != oneid) j.Key("requested_oneid").Int(oneid);
  switch (part) {
    case Part::kAll: break;
    case Part::kProfile: j.Key("profile").Raw(record->profile); break;
    case Part::kScores: j.Key("scores").Raw(record->scores); break;
    case Part::kSegments: j.Key("segments").Raw(record->segments); break;
    case Part::kTriggers: j.Key("triggers").Raw(record->triggers); break;
  }
  j.EndObject();
  return j.Take();
}

absl::StatusOr<std::string> Service::GetExplain(std::string_view a, std::string_view b) const {
  absl::StatusOr<oneid::identity::LinkPath> path;
  {
    absl::ReaderMutexLock lock(&resolver_mu_);
    path = resolver_.Explain(a, b);
  }
  if (!path.ok()) return path.status();
  Json j;
  j.BeginObject().Key("oneid").Int(path->oneid).Key("steps").BeginArray();
  for (const auto& s : path->steps) {
    j.BeginObject().Key("from_account").String(s.from_account).Key("type").String(s.type);
    j.Key("value").String(s.value).Key("to_account").String(s.to_account).EndObject();
  }
  j.EndArray().EndObject();
  return j.Take();
}

std::string Service::ListPersons(size_t limit) const {
  Json j;
  j.BeginObject().Key("oneids");
  WriteIds(j, store_.List(limit));
  j.EndObject();
  return j.Take();
}

std::string Service::Health() const {
  oneid::identity::ResolverStats stats;
  {
    absl::ReaderMutexLock lock(&resolver_mu_);
    stats = resolver_.Stats();
  }
  const uint64_t writes = writes_.load();
  const auto ms = [](int64_t ns) { return static_cast<double>(ns) / 1e6; };
  Json j;
  j.BeginObject().Key("status").String("ok");
  j.Key("accounts").Int(stats.accounts).Key("persons").Int(stats.persons);
  j.Key("published_records").Int(store_.Size()).Key("batches").Int(stats.batches);
  j.Key("models_fitted_on_buyers").Int(models_fitted_on_.load());
  j.Key("coarse_lock").Bool(options_.coarse_lock);
  j.Key("writes").Int(writes).Key("persons_rescored").Int(persons_rescored_.load());
  j.Key("write_ms_mean").Number(writes ? ms(write_ns_total_.load()) / static_cast<double>(writes) : 0);
  j.Key("write_ms_max").Number(ms(write_ns_max_.load()));
  j.Key("exclusive_ms_mean").Number(writes ? ms(exclusive_ns_total_.load()) / static_cast<double>(writes) : 0);
  j.Key("exclusive_ms_max").Number(ms(exclusive_ns_max_.load()));
  j.EndObject();
  return j.Take();
}

}  // namespace oneid_http
