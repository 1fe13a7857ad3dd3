// An example host CRM that embeds oneid.
//
// The CRM keeps members' accounts, order lines and behaviour events in its own database (SQLite by
// default; PostgreSQL with one setting, the --db URI). It hands them to oneid and writes oneid's
// results back to its own tables: the account -> OneID map, the merge log, and per person the
// profile, the scores (RFM, P(alive), expected purchases, CLV) and the segments (lifecycle stage,
// value tier, tags) with the triggers that fired.
//
//   host_crm [--people N] [--db URI] [--stream-batches K]
//     --people N          generated population (default 2000)
//     --db URI            SQLite path (default ":memory:") or postgresql://user@host:port/db
//     --stream-batches K  micro-batches of the last day's arrivals (default 4)
//
// Two phases, as a CRM runs them:
//  1. The full run on the history: three daily account loads are resolved, every person is
//     profiled, the scores are fitted on the whole base and everything is written.
//  2. The stream: on the last day, new accounts and orders arrive in micro-batches. Each batch is
//     resolved, and only the persons it touched (BatchReport::touched_oneids, plus the owners of
//     its events) are re-profiled (ProfileBuilder::BuildPersons), re-scored on the base's fitted
//     scale and re-segmented; the rows of OneIDs its merges retired are deleted.
// At the end the CRM checks its own tables against a full recomputation with the same fit and
// reports whether they agree; a mismatch is an error (exit status 1).
//
// The whole day shares one observation date (the end of the day), so a person the stream did not
// touch really has the row it had: time-based features of untouched persons (recency, P(alive))
// only age when the date moves, which is the nightly full run's job.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "crm_tables.h"
#include "database.h"
#include "oneid/oneid.h"
#include "person_scoring.h"

namespace {

namespace identity = oneid::identity;
namespace profile = oneid::profile;
using host_crm::Database;
using host_crm::OneId;

struct Options {
  size_t people = 2000;
  std::string db = ":memory:";
  int stream_batches = 4;
};

constexpr int kHistoryDays = 3;  // account loads 1..3; events of the history are load 0

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Fills the CRM with generated channel data: accounts of four days (the fourth arrives in stream
// micro-batches, each with its accounts' past events), and two years of orders and behaviour (the
// last day's events of existing accounts arrive in the micro-batch of their hour).
absl::Status SeedCrm(Database& db, const Options& options, profile::Timestamp stream_start) {
  identity::SyntheticConfig synth;
  synth.people = options.people;
  synth.seed = 7;
  const std::vector<identity::SyntheticData> days = identity::GenerateOmniChannelBatches(synth, kHistoryDays + 1);
  identity::SyntheticData everyone = days.front();
  std::vector<int> account_arrival(days.front().accounts.row_count(), 1);
  for (size_t d = 1; d < days.size(); ++d) {
    const identity::AccountTable& t = days[d].accounts;
    for (size_t r = 0; r < t.row_count(); ++r) {
      std::vector<std::string_view> values;
      for (size_t c = 0; c < t.column_count(); ++c) values.push_back(t.value(r, c));
      if (absl::Status s = everyone.accounts.AddRow(t.account_id(r), t.source(r), values); !s.ok()) return s;
      everyone.true_person.push_back(days[d].true_person[r]);
      account_arrival.push_back(d < kHistoryDays ? static_cast<int>(d) + 1
                                                 : kHistoryDays + 1 + static_cast<int>(r % options.stream_batches));
    }
  }
  absl::flat_hash_map<std::string, int> arrival_of;
  for (size_t r = 0; r < everyone.accounts.row_count(); ++r) {
    arrival_of[std::string(everyone.accounts.account_id(r))] = account_arrival[r];
  }
  const profile::GeneratedEvents events = profile::GenerateEvents(everyone, profile::EventGeneratorConfig{});
  const auto event_arrival = [&](std::string_view account, profile::Timestamp time) {
    const int with_account = arrival_of.at(std::string(account));
    if (with_account > kHistoryDays) return with_account;  // a new account brings its history
    if (time < stream_start) return 0;
    const int hour = static_cast<int>((time - stream_start) / 3600);
    return kHistoryDays + 1 + hour * options.stream_batches / 24;
  };
  std::vector<int> order_arrival, behaviour_arrival;
  for (size_t r = 0; r < events.orders.row_count(); ++r) {
    order_arrival.push_back(event_arrival(events.orders.account_id(r), events.orders.time(r)));
  }
  for (size_t r = 0; r < events.behaviour.row_count(); ++r) {
    behaviour_arrival.push_back(event_arrival(events.behaviour.account_id(r), events.behaviour.time(r)));
  }
  if (absl::Status s = host_crm::InsertAccounts(db, everyone.accounts, account_arrival); !s.ok()) return s;
  if (absl::Status s = host_crm::InsertOrders(db, events.orders, order_arrival); !s.ok()) return s;
  return host_crm::InsertBehaviour(db, events.behaviour, behaviour_arrival);
}

// The person list BuildPersons takes, from the resolver's current accounts of each OneID.
absl::StatusOr<std::vector<profile::PersonAccounts>> AccountsOf(const identity::Resolver& resolver,
                                                                const std::vector<OneId>& persons) {
  std::vector<profile::PersonAccounts> out;
  out.reserve(persons.size());
  for (OneId id : persons) {
    absl::StatusOr<std::vector<std::string>> accounts = resolver.AccountsOf(id);
    if (!accounts.ok()) return accounts.status();
    out.push_back({id, std::move(*accounts)});
  }
  return out;
}

// Reads one load's events, folds them in and reports what was refused. With `owners`, also lists
// the accounts the events belong to (their persons need re-scoring).
absl::Status FoldEvents(Database& db, int arrival, const profile::AccountMap& map, profile::ProfileBuilder& builder,
                        size_t& lines, std::vector<std::string>* owners) {
  host_crm::Rejected rejected;
  absl::StatusOr<profile::OrderTable> orders = host_crm::ReadOrders(db, arrival, rejected);
  if (!orders.ok()) return orders.status();
  absl::StatusOr<profile::BehaviorTable> behaviour = host_crm::ReadBehaviour(db, arrival, rejected);
  if (!behaviour.ok()) return behaviour.status();
  const profile::EventReport o = builder.AddOrders(*orders, map);
  const profile::EventReport b = builder.AddBehavior(*behaviour, map);
  if (rejected.rows + o.rows_rejected + b.rows_rejected > 0) {
    std::cout << "  load " << arrival << ": " << rejected.rows << " rows unreadable, "
              << o.rows_rejected + b.rows_rejected << " refused by the profile builder\n";
    for (const std::string& m : rejected.messages) std::cout << "    " << m << "\n";
  }
  lines = orders->row_count() + behaviour->row_count();
  if (owners != nullptr) {
    for (size_t r = 0; r < orders->row_count(); ++r) owners->emplace_back(orders->account_id(r));
    for (size_t r = 0; r < behaviour->row_count(); ++r) owners->emplace_back(behaviour->account_id(r));
  }
  return absl::OkStatus();
}

absl::Status Run(const Options& options) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<Database>> opened = host_crm::OpenDatabase(options.db);
  if (!opened.ok()) return opened.status();
  Database& db = **opened;
  if (absl::Status s = host_crm::CreateSchema(db); !s.ok()) return s;

  const profile::Timestamp as_of = profile::EventGeneratorConfig{}.end;  // end of the last day
  const profile::Timestamp stream_start = as_of - profile::kSecondsPerDay + 1;
  if (absl::Status s = SeedCrm(db, options, stream_start); !s.ok()) return s;
  std::cout << "CRM database: " << db.Engine() << "; seeded with " << options.people << " people's channel data in "
            << Seconds(start) << " s\n";

  identity::IdentityConfig config = identity::DefaultIdentityConfig();
  config.salt = "host-crm-example-salt";  // a real host loads its salt from a secret store
  absl::StatusOr<identity::Resolver> resolver = identity::Resolver::Create(config);
  if (!resolver.ok()) return resolver.status();

  // 1. The full run on the history.
  auto phase = std::chrono::steady_clock::now();
  size_t logged = 0;
  std::vector<std::string> first_accounts;
  std::vector<OneId> first_oneids;
  for (int day = 1; day <= kHistoryDays; ++day) {
    absl::StatusOr<identity::AccountTable> batch = host_crm::ReadAccounts(db, day);
    if (!batch.ok()) return batch.status();
    absl::StatusOr<identity::BatchReport> report = resolver->AddBatch(*batch);
    if (!report.ok()) return report.status();
    absl::StatusOr<size_t> changed = host_crm::WriteOneIds(db, *resolver, report->touched_oneids);
    if (!changed.ok()) return changed.status();
    const std::vector<identity::MergeEvent> log = resolver->MergeLog();
    if (absl::Status s = host_crm::AppendMergeLog(db, log, logged); !s.ok()) return s;
    logged = log.size();
    std::cout << "day " << day << ": " << report->rows_accepted << " accounts, " << report->persons_merged
              << " merges, " << report->links_refused << " links refused by guards, " << report->errors.size()
              << " bad fields; " << *changed << " map rows written\n";
    if (day == 1) {
      const identity::Assignments map = resolver->GetAssignments();
      first_accounts = map.account_ids;
      first_oneids = map.oneids;
    }
  }
  profile::AccountMap map = profile::AccountMap::FromAssignments(resolver->GetAssignments());
  profile::ProfileOptions profile_options;
  profile_options.as_of = as_of;
  absl::StatusOr<profile::ProfileBuilder> builder = profile::ProfileBuilder::Create(profile_options);
  if (!builder.ok()) return builder.status();
  size_t history_lines = 0;
  if (absl::Status s = FoldEvents(db, 0, map, *builder, history_lines, nullptr); !s.ok()) return s;
  absl::StatusOr<profile::FeatureTable> base = builder->Build(map);
  if (!base.ok()) return base.status();
  absl::StatusOr<host_crm::PersonScoring::Fitted> fitted = host_crm::PersonScoring::FitAndApply(*base);
  if (!fitted.ok()) return fitted.status();
  const host_crm::PersonScoring& scoring = fitted->scoring;
  const host_crm::Segmented& segmented = fitted->base;
  if (absl::Status s = host_crm::ReplacePersons(db, base->oneids(), *base, segmented.tags, segmented.triggers);
      !s.ok()) {
    return s;
  }
  const auto& bg = scoring.scorer().transactions().params();
  std::cout << "full run: " << history_lines << " event rows, " << base->num_rows() << " persons profiled, scored "
            << "(BG/NBD r=" << bg.r << " alpha=" << bg.alpha << " a=" << bg.a << " b=" << bg.b << " on "
            << scoring.scorer().buyers() << " buyers) and segmented, " << segmented.triggers.size()
            << " triggers, in " << Seconds(phase) << " s\n";

  // 2. The stream.
  for (int k = 1; k <= options.stream_batches; ++k) {
    phase = std::chrono::steady_clock::now();
    const int load = kHistoryDays + k;
    absl::StatusOr<identity::AccountTable> batch = host_crm::ReadAccounts(db, load);
    if (!batch.ok()) return batch.status();
    absl::StatusOr<identity::BatchReport> report = resolver->AddBatch(*batch);
    if (!report.ok()) return report.status();
    for (OneId id : report->touched_oneids) {
      absl::StatusOr<std::vector<std::string>> accounts = resolver->AccountsOf(id);
      if (!accounts.ok()) return accounts.status();
      for (const std::string& a : *accounts) map.Set(a, id);
    }
    absl::StatusOr<size_t> changed = host_crm::WriteOneIds(db, *resolver, report->touched_oneids);
    if (!changed.ok()) return changed.status();
    const std::vector<identity::MergeEvent> log = resolver->MergeLog();
    if (absl::Status s = host_crm::AppendMergeLog(db, log, logged); !s.ok()) return s;
    logged = log.size();

    size_t lines = 0;
    std::vector<std::string> event_accounts;
    if (absl::Status s = FoldEvents(db, load, map, *builder, lines, &event_accounts); !s.ok()) return s;
    absl::flat_hash_set<OneId> affected(report->touched_oneids.begin(), report->touched_oneids.end());
    for (const std::string& a : event_accounts) {
      if (const OneId id = map.Find(a); id != 0) affected.insert(id);
    }
    std::vector<OneId> persons(affected.begin(), affected.end());
    std::sort(persons.begin(), persons.end());
    absl::StatusOr<std::vector<profile::PersonAccounts>> accounts = AccountsOf(*resolver, persons);
    if (!accounts.ok()) return accounts.status();
    absl::StatusOr<profile::FeatureTable> rows = builder->BuildPersons(*accounts);
    if (!rows.ok()) return rows.status();
    absl::StatusOr<host_crm::Segmented> seg = scoring.Apply(*rows);
    if (!seg.ok()) return seg.status();
    std::vector<OneId> replaced = persons;
    replaced.insert(replaced.end(), report->retired_oneids.begin(), report->retired_oneids.end());
    if (absl::Status s = host_crm::ReplacePersons(db, replaced, *rows, seg->tags, seg->triggers); !s.ok()) return s;
    std::cout << "stream batch " << k << ": " << report->rows_accepted << " accounts (" << report->persons_new
              << " new persons, " << report->persons_merged << " merges, " << report->retired_oneids.size()
              << " OneIDs retired), " << lines << " event rows; re-scored " << rows->num_rows() << " of "
              << resolver->Stats().persons << " persons, " << *changed << " map rows written, in " << Seconds(phase)
              << " s\n";
  }

  // The CRM's own check: its tables equal a full recomputation with the same fit.
  absl::StatusOr<profile::FeatureTable> full = builder->Build(map);
  if (!full.ok()) return full.status();
  absl::StatusOr<host_crm::Segmented> full_seg = scoring.Apply(*full);
  if (!full_seg.ok()) return full_seg.status();
  const auto expected = host_crm::RenderPersons(*full, full_seg->tags, full_seg->triggers);
  absl::StatusOr<std::map<std::string, std::string>> stored = host_crm::DumpPersons(db);
  if (!stored.ok()) return stored.status();
  size_t differ = 0;
  for (const auto& [key, row] : expected) {
    auto it = stored->find(key);
    if (it == stored->end() || it->second != row) {
      if (++differ <= 3) std::cout << "  differs: " << key << "\n    expected " << row << "\n    stored   "
                                   << (it == stored->end() ? "(no row)" : it->second) << "\n";
    }
  }
  for (const auto& [key, row] : *stored) {
    if (!expected.contains(key) && ++differ <= 6) std::cout << "  stale row: " << key << "\n";
  }
  std::cout << "tables equal a full recomputation: " << (differ == 0 ? "yes" : "NO") << " (" << full->num_rows()
            << " persons, " << expected.size() << " rows compared, " << differ << " differ)\n";

  // Stability: every OneID handed out on day 1 still resolves to its account's OneID.
  size_t stable = 0;
  for (size_t i = 0; i < first_accounts.size(); ++i) {
    absl::StatusOr<OneId> now = resolver->OneIdOf(first_accounts[i]);
    absl::StatusOr<OneId> then = resolver->CurrentOneId(first_oneids[i]);
    if (now.ok() && then.ok() && *now == *then) ++stable;
  }
  const identity::ResolverStats stats = resolver->Stats();
  std::cout << "persons: " << stats.persons << " OneIDs for " << stats.accounts << " accounts; merge log: " << logged
            << " entries\n";
  std::cout << "day-1 OneIDs still valid: " << stable << "/" << first_accounts.size()
            << (stable == first_accounts.size() ? " (stable: yes)" : " (stable: NO)") << "\n";

  // Explain one multi-account person, as a service desk would.
  for (OneId id : full->oneids()) {
    absl::StatusOr<std::vector<std::string>> accounts = resolver->AccountsOf(id);
    if (!accounts.ok() || accounts->size() < 3) continue;
    absl::StatusOr<identity::LinkPath> path = resolver->Explain(accounts->front(), accounts->back());
    if (!path.ok()) return path.status();
    std::cout << "why " << accounts->front() << " and " << accounts->back() << " are one person (OneID "
              << path->oneid << "):\n";
    for (const auto& step : path->steps) {
      std::cout << "  " << step.from_account << " --" << step.type << "--> " << step.to_account << "\n";
    }
    break;
  }
  std::cout << "done in " << Seconds(start) << " s\n";
  if (differ != 0 || stable != first_accounts.size()) {
    return absl::InternalError("the CRM's tables disagree with oneid (see above)");
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--people" && has_value) {
      options.people = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--db" && has_value) {
      options.db = argv[++i];
    } else if (arg == "--stream-batches" && has_value) {
      options.stream_batches = std::atoi(argv[++i]);
    } else {
      std::cerr << "usage: host_crm [--people N] [--db URI] [--stream-batches K]\n"
                   "  --db: a SQLite path (default :memory:) or postgresql://user@host:port/dbname\n";
      return arg == "--help" ? 0 : 2;
    }
  }
  if (options.people == 0 || options.stream_batches < 1 || options.stream_batches > 24) {
    std::cerr << "host_crm: --people must be >= 1 and --stream-batches 1..24\n";
    return 2;
  }
  if (absl::Status s = Run(options); !s.ok()) {
    std::cerr << "host_crm: " << s << "\n";
    return 1;
  }
  return 0;
}
