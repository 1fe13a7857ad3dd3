// oneid demo: the main job on a built-in data set. Generates omni-channel accounts for a known
// population, stores them in SQLite (the embedded default: no server to start), resolves them in
// daily batches as a CRM would, writes the OneID map, merge log and rejects back to SQLite, and
// reports identity statistics and quality against the known truth.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "oneid/identity/quality.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/synthetic.h"
#include "src/cli/command.h"

namespace oneid::cli {
namespace {

constexpr char kHelp[] =
    "usage: oneid demo [flags]\n"
    "\n"
    "Generates accounts for a known population (Tmall, JD, Douyin, mini-program, POS, WeCom, app;\n"
    "formatting variants, typos, shared family devices, store kiosk phones, placeholder values),\n"
    "stores them in SQLite, resolves them in daily batches, writes oneid_map, merge_log and rejects\n"
    "tables, and prints identity statistics and pairwise quality against the truth.\n"
    "\n"
    "flags:\n"
    "  --people N      population size (default 100000)\n"
    "  --batches N     daily batches to resolve (default 4)\n"
    "  --seed N        generator seed (default 42)\n"
    "  --out-dir DIR   where demo.db and the snapshot go (default out/demo)\n"
    "  --help          this text\n";

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

int Fail(const std::string& message) {
  std::cerr << "oneid demo: " << message << "\n";
  return 1;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int RunDemo(const std::vector<std::string>& args) {
  absl::StatusOr<Flags> flags =
      Flags::Parse(args, {{"people", true}, {"batches", true}, {"seed", true}, {"out-dir", true}, {"help", false}});
  if (!flags.ok()) return Fail(std::string(flags.status().message()) + "\n\n" + kHelp);
  if (flags->Has("help")) {
    std::cout << kHelp;
    return 0;
  }
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
  const std::vector<identity::SyntheticData> days = identity::GenerateOmniChannelBatches(synth, static_cast<size_t>(*batches));
  size_t rows = 0;
  for (const auto& d : days) rows += d.accounts.row_count();
  std::cout << "[1/4] generated " << rows << " accounts of " << *people << " people in " << Seconds(start) << " s\n";

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
  std::cout << "[2/4] stored accounts in " << db_path << " in " << Seconds(start) << " s\n";

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
    absl::StatusOr<identity::BatchReport> report = resolver->AddBatch(day);
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
  std::cout << "[3/4] resolved " << stats.accounts << " accounts into " << stats.persons << " OneIDs in "
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
  std::cout << "[4/4] wrote oneid_map and merge_log to SQLite and a snapshot in " << Seconds(start) << " s\n\n";

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
            << "results: " << db_path << " (tables accounts, oneid_map, merge_log); snapshot: " << snapshot << "\n";
  return 0;
}

}  // namespace oneid::cli
