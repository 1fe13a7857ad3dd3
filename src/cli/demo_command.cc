// oneid demo: the main job on a built-in data set. Generates omni-channel accounts and their orders
// and behaviour events for a known population, stores them in SQLite (the embedded default: no
// server to start), resolves the accounts in daily batches as a CRM would, then runs profiles ->
// scores -> segments, writes every result back to SQLite and renders a self-contained HTML report.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "oneid/identity/quality.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/synthetic.h"
#include "oneid/profile/event_generator.h"
#include "src/cli/command.h"
#include "src/cli/html_report.h"
#include "src/cli/pipeline.h"
#include "src/cli/progress_printer.h"

namespace oneid::cli {
namespace {

constexpr char kHelp[] =
    "usage: oneid demo [flags]\n"
    "\n"
    "Generates accounts for a known population (Tmall, JD, Douyin, mini-program, POS, WeCom, app;\n"
    "formatting variants, typos, shared family devices, store kiosk phones, placeholder values) and\n"
    "two years of their orders and behaviour events, stores them in SQLite, resolves the accounts in\n"
    "daily batches, builds profiles, scores (RFM, BG/NBD + Gamma-Gamma CLV, churn) and segments,\n"
    "writes oneid_map, merge_log, profiles and triggers tables and an HTML report (report.html).\n"
    "\n"
    "flags:\n"
    "  --people N      population size (default 100000)\n"
    "  --batches N     daily batches to resolve (default 4)\n"
    "  --seed N        generator seed (default 42)\n"
    "  --out-dir DIR   where demo.db, the snapshot and report.html go (default out/demo)\n"
    "%PROGRESS%"
    "  --help          this text\n"
    "\n"
    "The numbered steps and their timings go to stdout; with progress on, stderr shows each long\n"
    "stage inside them (generation, each day's batch, profile folds, model fits) and the wall time\n"
    "of every pipeline step.\n";

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) error_ = sqlite3_errmsg(db_);
  }
  ~Db() { sqlite3_close(db_); }
  const std::string& error() const { return error_; }
  absl::Status Exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      absl::Status status = absl::InternalError(absl::StrCat("sqlite: ", message ? message : "error", " in: ", sql));
      sqlite3_free(message);
      return status;
    }
    return absl::OkStatus();
  }
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::string error_;
};

// A prepared statement bound column by column; text is bound without copying.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) { ok_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) == SQLITE_OK; }
  ~Statement() { sqlite3_finalize(stmt_); }
  bool ok() const { return ok_; }
  void Text(int i, std::string_view s) { sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC); }
  void Int(int i, long long v) { sqlite3_bind_int64(stmt_, i, v); }
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    return rc == SQLITE_DONE;
  }
  sqlite3_stmt* get() { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
};

int Fail(const std::string& message) { return CommandError("demo", message); }

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}


// Orders and behaviour events go into the CRM's SQLite tables as the channels deliver them.
absl::Status StoreEvents(Db& db, const profile::GeneratedEvents& events) {
  for (const char* sql : {"CREATE TABLE orders (order_id TEXT, account_id TEXT, time INTEGER, channel TEXT, store TEXT,"
                          " category TEXT, amount REAL, discount REAL, coupon_used INTEGER)",
                          "CREATE TABLE behaviour (account_id TEXT, time INTEGER, channel TEXT, kind TEXT, value REAL)",
                          "BEGIN"}) {
    if (absl::Status s = db.Exec(sql); !s.ok()) return s;
  }
  const profile::OrderTable& o = events.orders;
  Statement insert(db.get(), "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const auto text_of = [](const profile::StringDictionary& dict, uint32_t code) {
    return code == profile::StringDictionary::kNone ? std::string_view() : dict[code];
  };
  for (size_t i = 0; i < o.row_count(); ++i) {
    insert.Text(1, text_of(o.orders(), o.order_code(i)));
    insert.Text(2, o.account_id(i));
    insert.Int(3, o.time(i));
    insert.Text(4, profile::ChannelName(o.channel(i)));
    insert.Text(5, text_of(o.stores(), o.store_code(i)));
    insert.Text(6, text_of(o.categories(), o.category_code(i)));
    sqlite3_bind_double(insert.get(), 7, o.amount(i));
    sqlite3_bind_double(insert.get(), 8, o.discount(i));
    insert.Int(9, o.coupon_used(i) ? 1 : 0);
    if (!insert.Step()) return absl::InternalError(sqlite3_errmsg(db.get()));
  }
  const profile::BehaviorTable& b = events.behaviour;
  Statement insert_b(db.get(), "INSERT INTO behaviour VALUES (?, ?, ?, ?, ?)");
  for (size_t i = 0; i < b.row_count(); ++i) {
    insert_b.Text(1, b.account_id(i));
    insert_b.Int(2, b.time(i));
    insert_b.Text(3, profile::ChannelName(b.channel(i)));
    insert_b.Text(4, profile::BehaviorKindName(b.kind(i)));
    sqlite3_bind_double(insert_b.get(), 5, b.value(i));
    if (!insert_b.Step()) return absl::InternalError(sqlite3_errmsg(db.get()));
  }
  return db.Exec("COMMIT");
}

std::string_view ColumnText(sqlite3_stmt* stmt, int i) {
  const unsigned char* p = sqlite3_column_text(stmt, i);
  return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt, i)))
           : std::string_view();
}

// Reads the events back from SQLite, as a host would. A row the tables cannot take (an unknown
// channel or kind typed into the database by hand) is reported with its rowid, not dropped.
absl::Status ReadEvents(Db& db, profile::OrderTable& orders, profile::BehaviorTable& behaviour,
                        profile::EventReport& report) {
  Statement select(db.get(), "SELECT rowid, order_id, account_id, time, channel, store, category, amount, discount, "
                             "coupon_used FROM orders ORDER BY rowid");
  while (sqlite3_step(select.get()) == SQLITE_ROW) {
    sqlite3_stmt* st = select.get();
    const size_t row = static_cast<size_t>(sqlite3_column_int64(st, 0));
    const std::optional<profile::Channel> channel = profile::ParseChannel(ColumnText(st, 4));
    if (!channel) {
      report.Reject(row, "channel", "unknown channel");
      continue;
    }
    profile::OrderLine line{.order_id = ColumnText(st, 1), .account_id = ColumnText(st, 2),
                            .time = sqlite3_column_int64(st, 3), .channel = *channel, .store = ColumnText(st, 5),
                            .category = ColumnText(st, 6), .amount = sqlite3_column_double(st, 7),
                            .discount = sqlite3_column_double(st, 8), .coupon_used = sqlite3_column_int(st, 9) != 0};
    if (absl::Status s = orders.AddRow(line, row); !s.ok()) report.Reject(row, "order", std::string(s.message()));
  }
  Statement select_b(db.get(), "SELECT rowid, account_id, time, channel, kind, value FROM behaviour ORDER BY rowid");
  while (sqlite3_step(select_b.get()) == SQLITE_ROW) {
    sqlite3_stmt* st = select_b.get();
    const size_t row = static_cast<size_t>(sqlite3_column_int64(st, 0));
    const std::optional<profile::Channel> channel = profile::ParseChannel(ColumnText(st, 3));
    const std::optional<profile::BehaviorKind> kind = profile::ParseBehaviorKind(ColumnText(st, 4));
    if (!channel || !kind) {
      report.Reject(row, channel ? "kind" : "channel", channel ? "unknown behaviour kind" : "unknown channel");
      continue;
    }
    if (absl::Status s = behaviour.AddRow(ColumnText(st, 1), sqlite3_column_int64(st, 2), *channel, *kind,
                                          sqlite3_column_double(st, 5), row);
        !s.ok()) {
      report.Reject(row, "event", std::string(s.message()));
    }
  }
  return absl::OkStatus();
}

// Writes the whole per-OneID table (features, scores, segments, tags) as `profiles`, one SQL
// column per table column (text sets joined with '|'), and the fired triggers with their reasons.
absl::Status WriteResults(Db& db, const cli::PipelineResult& result) {
  const profile::FeatureTable& t = result.table;
  const std::vector<std::string> names = t.ColumnNames();
  std::string create = "CREATE TABLE profiles (oneid INTEGER PRIMARY KEY", insert = "INSERT INTO profiles VALUES (?";
  for (const std::string& n : names) {
    const bool numeric = *t.KindOf(n) == profile::ColumnKind::kNumeric;
    absl::StrAppend(&create, ", \"", n, "\" ", numeric ? "REAL" : "TEXT");
    insert += ", ?";
  }
  for (const std::string& sql : {create + ")", std::string("CREATE TABLE triggers (oneid INTEGER, kind TEXT, reason TEXT)"),
                                 std::string("BEGIN")}) {
    if (absl::Status s = db.Exec(sql); !s.ok()) return s;
  }
  Statement stmt(db.get(), insert + ")");
  std::vector<std::string> joined(names.size());
  for (size_t row = 0; row < t.num_rows(); ++row) {
    stmt.Int(1, static_cast<long long>(t.oneids()[row]));
    for (size_t c = 0; c < names.size(); ++c) {
      const int slot = static_cast<int>(c + 2);
      switch (*t.KindOf(names[c])) {
        case profile::ColumnKind::kNumeric: {
          const double v = (*t.Numeric(names[c]))[row];
          if (std::isnan(v)) sqlite3_bind_null(stmt.get(), slot); else sqlite3_bind_double(stmt.get(), slot, v);
          break;
        }
        case profile::ColumnKind::kText:
          stmt.Text(slot, (*t.Text(names[c]))[row]);
          break;
        case profile::ColumnKind::kTextSet: {
          joined[c].clear();
          for (const std::string& v : (*t.TextSet(names[c]))->Row(row)) absl::StrAppend(&joined[c], joined[c].empty() ? "" : "|", v);
          stmt.Text(slot, joined[c]);
          break;
        }
      }
    }
    if (!stmt.Step()) return absl::InternalError(sqlite3_errmsg(db.get()));
  }
  Statement trig(db.get(), "INSERT INTO triggers VALUES (?, ?, ?)");
  for (const segment::FiredTrigger& f : result.triggers) {
    trig.Int(1, static_cast<long long>(f.oneid));
    trig.Text(2, segment::TriggerKindName(f.kind));
    trig.Text(3, f.reason);
    if (!trig.Step()) return absl::InternalError(sqlite3_errmsg(db.get()));
  }
  return db.Exec("COMMIT");
}

}  // namespace

int RunDemo(const std::vector<std::string>& args) {
  absl::StatusOr<Flags> flags =
      Flags::Parse(args, {{"people", true}, {"batches", true}, {"seed", true}, {"out-dir", true}, {"progress", false},
                          {"quiet", false}, {"help", false}});
  const std::string help = HelpText(kHelp);
  if (std::optional<int> exit_status = FlagErrorOrHelp("demo", flags, help)) return *exit_status;
  ProgressPrinter progress(*flags, "demo");
  const absl::StatusOr<long long> people = flags->GetInt("people", 100000);
  const absl::StatusOr<long long> batches = flags->GetInt("batches", 4);
  const absl::StatusOr<long long> seed = flags->GetInt("seed", 42);
  for (const auto* v : {&people, &batches, &seed}) {
    if (!v->ok()) return Fail(std::string(v->status().message()));
  }
  if (*people < 1 || *people > 100000000) return Fail("--people must be between 1 and 100000000");
  if (*batches < 1 || *batches > 1000) return Fail("--batches must be between 1 and 1000");
  const std::filesystem::path dir = flags->Get("out-dir", "out/demo");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail("cannot create '" + dir.string() + "': " + ec.message());
  const std::string db_path = (dir / "demo.db").string();
  std::filesystem::remove(db_path, ec);

  // 1. Data: a known population, split into daily batches.
  auto start = std::chrono::steady_clock::now();
  identity::SyntheticConfig synth;
  synth.people = static_cast<size_t>(*people);
  synth.seed = static_cast<uint64_t>(*seed);
  synth.progress = progress.callback();
  const std::vector<identity::SyntheticData> days = identity::GenerateOmniChannelBatches(synth, static_cast<size_t>(*batches));
  size_t rows = 0;
  for (const auto& d : days) rows += d.accounts.row_count();
  profile::EventGeneratorConfig event_config;
  event_config.seed = static_cast<uint64_t>(*seed);
  event_config.progress = progress.callback();
  const profile::GeneratedEvents events = profile::GenerateEvents(identity::GenerateOmniChannel(synth), event_config);
  std::cout << "[1/7] generated " << rows << " accounts of " << *people << " people and "
            << events.orders.row_count() << " order lines and " << events.behaviour.row_count()
            << " behaviour events in " << Seconds(start) << " s\n";

  // 2. Store them in SQLite as a CRM's account table.
  start = std::chrono::steady_clock::now();
  Db db(db_path);
  if (!db.error().empty()) return Fail("cannot open " + db_path + ": " + db.error());
  const auto& columns = days.front().accounts.columns();
  std::string create = "CREATE TABLE accounts (account_id TEXT PRIMARY KEY, source TEXT, batch INTEGER, true_person INTEGER";
  std::string insert = "INSERT INTO accounts VALUES (?, ?, ?, ?";
  for (const auto& c : columns) {
    absl::StrAppend(&create, ", \"", c.name, "\" TEXT");
    absl::StrAppend(&insert, ", ?");
  }
  create += ")";
  insert += ")";
  for (const std::string& sql : {std::string("PRAGMA journal_mode=WAL"), std::string("PRAGMA synchronous=NORMAL"), create,
                                 std::string("BEGIN")}) {
    if (absl::Status s = db.Exec(sql); !s.ok()) return Fail(std::string(s.message()));
  }
  {
    Statement stmt(db.get(), insert);
    if (!stmt.ok()) return Fail(sqlite3_errmsg(db.get()));
    for (size_t b = 0; b < days.size(); ++b) {
      const identity::AccountTable& t = days[b].accounts;
      for (size_t r = 0; r < t.row_count(); ++r) {
        stmt.Text(1, t.account_id(r));
        stmt.Text(2, t.source(r));
        stmt.Int(3, static_cast<long long>(b + 1));
        stmt.Int(4, days[b].true_person[r]);
        for (size_t c = 0; c < t.column_count(); ++c) stmt.Text(static_cast<int>(5 + c), t.value(r, c));
        if (!stmt.Step()) return Fail(sqlite3_errmsg(db.get()));
      }
    }
  }
  if (absl::Status s = db.Exec("COMMIT"); !s.ok()) return Fail(std::string(s.message()));
  if (absl::Status s = StoreEvents(db, events); !s.ok()) return Fail(std::string(s.message()));
  std::cout << "[2/7] stored accounts, orders and behaviour in " << db_path << " in " << Seconds(start) << " s\n";

  // 3. Resolve day by day, reading each day's accounts back from SQLite.
  start = std::chrono::steady_clock::now();
  identity::IdentityConfig config = identity::DefaultIdentityConfig();
  config.salt = "demo-salt-not-for-production-use";
  absl::StatusOr<identity::Resolver> resolver = identity::Resolver::Create(config);
  if (!resolver.ok()) return Fail(std::string(resolver.status().message()));
  std::string select = "SELECT account_id, source";
  for (const auto& c : columns) absl::StrAppend(&select, ", \"", c.name, "\"");
  select += " FROM accounts WHERE batch = ? ORDER BY rowid";
  std::map<std::string, size_t> refused_by_reason;
  size_t merges = 0, rejected_rows = 0, rejected_fields = 0, junk = 0, blocklisted = 0;
  for (long long b = 1; b <= *batches; ++b) {
    identity::AccountTable day(columns);
    Statement stmt(db.get(), select);
    stmt.Int(1, b);
    std::vector<std::string_view> values(columns.size());
    while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
      auto text = [&](int i) {
        const unsigned char* p = sqlite3_column_text(stmt.get(), i);
        return p ? std::string_view(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt.get(), i)) : std::string_view();
      };
      for (size_t c = 0; c < columns.size(); ++c) values[c] = text(static_cast<int>(2 + c));
      (void)day.AddRow(text(0), text(1), values);
    }
    absl::StatusOr<identity::BatchReport> report = resolver->AddBatch(day, progress.callback());
    if (!report.ok()) return Fail(std::string(report.status().message()));
    merges += report->persons_merged;
    rejected_rows += report->rows_rejected;
    rejected_fields += report->fields_rejected;
    junk += report->values_junk;
    blocklisted += report->values_blocklisted;
    refused_by_reason["max_per_person"] += report->links_refused;
    std::cout << "      day " << b << ": " << report->rows_accepted << " accounts, " << report->persons_new
              << " new persons, " << report->persons_merged << " merges, " << report->links_refused
              << " links refused, " << report->values_junk << " values turned junk\n";
  }
  const identity::ResolverStats stats = resolver->Stats();
  std::cout << "[3/7] resolved " << stats.accounts << " accounts into " << stats.persons << " OneIDs in "
            << Seconds(start) << " s (" << stats.memory_bytes / std::max<size_t>(1, stats.accounts)
            << " bytes of resolver state per account)\n";

  // 4. Write results back and measure them against the truth.
  start = std::chrono::steady_clock::now();
  const identity::Assignments map = resolver->GetAssignments();
  if (absl::Status s = db.Exec("CREATE TABLE oneid_map (account_id TEXT PRIMARY KEY, oneid INTEGER NOT NULL);"
                               "CREATE TABLE merge_log (kind TEXT, batch INTEGER, survivor INTEGER, absorbed INTEGER,"
                               " type TEXT, value TEXT, account_id TEXT, cause TEXT); BEGIN");
      !s.ok()) {
    return Fail(std::string(s.message()));
  }
  {
    Statement stmt(db.get(), "INSERT INTO oneid_map VALUES (?, ?)");
    for (size_t i = 0; i < map.account_ids.size(); ++i) {
      stmt.Text(1, map.account_ids[i]);
      stmt.Int(2, static_cast<long long>(map.oneids[i]));
      if (!stmt.Step()) return Fail(sqlite3_errmsg(db.get()));
    }
    Statement log(db.get(), "INSERT INTO merge_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const identity::MergeEvent& e : resolver->MergeLog()) {
      log.Text(1, identity::LogEventKindName(e.kind));
      log.Int(2, static_cast<long long>(e.batch));
      log.Int(3, static_cast<long long>(e.survivor));
      log.Int(4, static_cast<long long>(e.absorbed));
      log.Text(5, e.type);
      log.Text(6, e.value);
      log.Text(7, e.account_id);
      log.Text(8, e.cause);
      if (!log.Step()) return Fail(sqlite3_errmsg(db.get()));
    }
  }
  if (absl::Status s = db.Exec("COMMIT"); !s.ok()) return Fail(std::string(s.message()));
  std::vector<uint64_t> predicted, truth;
  for (const auto& d : days) {
    for (size_t r = 0; r < d.accounts.row_count(); ++r) {
      predicted.push_back(*resolver->OneIdOf(d.accounts.account_id(r)));
      truth.push_back(d.true_person[r]);
    }
  }
  const absl::StatusOr<identity::PairwiseQuality> quality = identity::EvaluatePairwise(predicted, truth);
  if (!quality.ok()) return Fail(std::string(quality.status().message()));
  const std::string snapshot = (dir / "identity.snapshot").string();
  if (absl::Status s = resolver->SaveSnapshot(snapshot); !s.ok()) return Fail(std::string(s.message()));
  std::cout << "[4/7] wrote oneid_map and merge_log to SQLite and a snapshot in " << Seconds(start) << " s\n";

  // 5. Profiles -> scores -> segments, over the events read back from SQLite.
  start = std::chrono::steady_clock::now();
  profile::OrderTable orders;
  profile::BehaviorTable behaviour;
  profile::EventReport read_report;
  if (absl::Status s = ReadEvents(db, orders, behaviour, read_report); !s.ok()) return Fail(std::string(s.message()));
  cli::PipelineOptions pipeline_options;
  pipeline_options.as_of = event_config.end;
  pipeline_options.seed = static_cast<uint64_t>(*seed);
  pipeline_options.progress = progress.callback();
  absl::StatusOr<cli::PipelineResult> result =
      cli::RunPipeline(orders, behaviour, profile::AccountMap::FromAssignments(map), pipeline_options);
  if (!result.ok()) return Fail(std::string(result.status().message()));
  for (const char* step : {"profiles", "rfm and lifetime value", "tracking", "churn", "segments"}) {
    if (auto it = result->seconds.find(step); it != result->seconds.end()) progress.Step(std::string("pipeline: ") + step, it->second);
  }
  std::cout << "[5/7] profiled " << result->customers << " OneIDs (" << result->buyers << " buyers), scored and "
            << "segmented them in " << Seconds(start) << " s; " << read_report.rows_rejected
            << " event rows unreadable, " << result->orders_report.rows_rejected + result->behaviour_report.rows_rejected
            << " refused by the profile builder (reported)\n";

  // 6. Results back into the CRM's database.
  start = std::chrono::steady_clock::now();
  if (absl::Status s = WriteResults(db, *result); !s.ok()) return Fail(std::string(s.message()));
  std::cout << "[6/7] wrote profiles (" << result->table.num_columns() << " columns) and " << result->triggers.size()
            << " triggers to SQLite in " << Seconds(start) << " s\n";

  // 7. The report.
  cli::IdentitySummary summary;
  summary.people_generated = static_cast<size_t>(*people);
  summary.accounts = stats.accounts;
  summary.persons = stats.persons;
  summary.merges = merges;
  summary.links_refused = refused_by_reason["max_per_person"];
  summary.junk_values = junk;
  summary.blocklisted = blocklisted;
  summary.rejected_rows = rejected_rows;
  summary.rejected_fields = rejected_fields;
  summary.largest_person = quality->largest_cluster;
  summary.precision = quality->precision;
  summary.recall = quality->recall;
  summary.f1 = quality->f1;
  summary.refusals = {{"per-person limit (max_per_person)", refused_by_reason["max_per_person"]},
                      {"junk value (max_accounts_per_value)", junk},
                      {"blocklisted value", blocklisted},
                      {"rejected field (bad value)", rejected_fields},
                      {"rejected row", rejected_rows}};
  const std::string report_path = std::filesystem::absolute(dir / "report.html").string();
  if (absl::Status s = cli::WriteReport(report_path, cli::RenderHtmlReport(summary, *result, profile::FormatTimestamp(event_config.end)));
      !s.ok()) {
    return Fail(std::string(s.message()));
  }
  std::cout << "[7/7] wrote the report\n\n";

  std::cout << "identity statistics\n"
            << "  accounts            " << stats.accounts << "\n"
            << "  persons (OneIDs)    " << stats.persons << "  (truth: " << quality->true_clusters << ")\n"
            << "  merges logged       " << merges << "\n"
            << "  links refused       " << refused_by_reason["max_per_person"] << "  (max_per_person guard)\n"
            << "  junk values         " << junk << "  (held by more accounts than max_accounts_per_value)\n"
            << "  blocklisted cells   " << blocklisted << "\n"
            << "  rejected rows       " << rejected_rows << ", rejected fields " << rejected_fields << "\n"
            << "  largest person      " << quality->largest_cluster << " accounts\n"
            << "quality against the truth (pairwise)\n"
            << "  precision " << quality->precision << "  recall " << quality->recall << "  F1 " << quality->f1 << "\n\n"
            << "churn model on the later period: AUC " << result->churn.model.auc << ", lift at top decile "
            << result->churn.model.lift_top_decile << " (baselines from BG/NBD: 1 - P(alive) AUC " << result->churn.p_alive_baseline.auc
            << ", exp(-E[purchases]) AUC " << result->churn.expected_purchases_baseline.auc << ")\n\n"
            << "results: " << db_path << " (tables accounts, orders, behaviour, oneid_map, merge_log, profiles, triggers)\n"
            << "snapshot: " << snapshot << "\n"
            << "report: " << report_path << "\n";
  return 0;
}

}  // namespace oneid::cli
