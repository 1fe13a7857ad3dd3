// An example host CRM that embeds oneid.
//
// The CRM keeps its accounts in SQLite (its own tables, its own schema). It hands them to oneid in
// batches, writes the account -> OneID map and the merge log back to its own tables, and then
// keeps up with a stream of new accounts: each new batch only rewrites the map rows whose OneID
// changed, which is what a CRM needs to keep tiers, points and campaign lists consistent.
//
//   host_crm [--people N] [--db PATH]     (defaults: 2000 people, an in-memory database)
//
// What to read here: how little glue a host needs (one AccountTable per batch, one AddBatch, the
// report's refusals logged, the map written back) and that OneIDs already handed out stay valid.
#include <sqlite3.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "oneid/oneid.h"

namespace {

using oneid::identity::AccountTable;
using oneid::identity::BatchReport;
using oneid::identity::OneId;
using oneid::identity::Resolver;

// The CRM's own thin SQLite helpers: exec, and a prepared statement that binds views.
bool Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::cerr << "sqlite: " << (error ? error : "error") << " in: " << sql << "\n";
    sqlite3_free(error);
    return false;
  }
  return true;
}

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  void Text(int i, std::string_view s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void Int(int i, long long v) { sqlite3_bind_int64(stmt_, i, v); }
  bool Run() {
    const int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    return rc == SQLITE_DONE;
  }
  bool Next() { return sqlite3_step(stmt_) == SQLITE_ROW; }
  std::string_view Column(int i) {
    const unsigned char* p = sqlite3_column_text(stmt_, i);
    return p ? std::string_view(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, i)) : std::string_view();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kIdentifierColumns[] = {"phone", "email", "unionid", "openid", "device_id",
                                              "member_card", "buyer_id", "alipay"};

// Reads one day's accounts from the CRM's table into a oneid AccountTable.
AccountTable ReadDay(sqlite3* db, int day) {
  std::vector<oneid::identity::ColumnSpec> columns;
  for (const char* c : kIdentifierColumns) columns.push_back({c, c});
  AccountTable table(columns);
  Statement select(db,
                   "SELECT account_id, channel, phone, email, unionid, openid, device_id, member_card, "
                   "buyer_id, alipay FROM crm_accounts WHERE arrived_day = ? ORDER BY rowid");
  select.Int(1, day);
  // Views into the current SQLite row; AddRow copies them before the next step.
  std::vector<std::string_view> values(std::size(kIdentifierColumns));
  while (select.Next()) {
    for (size_t c = 0; c < values.size(); ++c) values[c] = select.Column(static_cast<int>(2 + c));
    // AddRow validates shape only; bad identifier values are reported by AddBatch, row by row.
    (void)table.AddRow(select.Column(0), select.Column(1), values);
  }
  return table;
}

// Writes the OneIDs that changed since the last batch; returns how many rows it wrote.
size_t WriteChangedOneIds(sqlite3* db, const Resolver& resolver) {
  const oneid::identity::Assignments now = resolver.GetAssignments();
  Statement upsert(db,
                   "INSERT INTO crm_oneid_map(account_id, oneid) VALUES (?, ?) "
                   "ON CONFLICT(account_id) DO UPDATE SET oneid = excluded.oneid WHERE oneid <> excluded.oneid");
  size_t written = 0;
  Exec(db, "BEGIN");
  for (size_t i = 0; i < now.account_ids.size(); ++i) {
    upsert.Text(1, now.account_ids[i]);
    upsert.Int(2, static_cast<long long>(now.oneids[i]));
    upsert.Run();
    written += static_cast<size_t>(sqlite3_changes(db));
  }
  Exec(db, "COMMIT");
  return written;
}

void AppendMergeLog(sqlite3* db, const Resolver& resolver, size_t& logged) {
  const std::vector<oneid::identity::MergeEvent> log = resolver.MergeLog();
  Statement insert(db, "INSERT INTO crm_merge_log(kind, batch, survivor, absorbed, type, account_id) VALUES (?, ?, ?, ?, ?, ?)");
  Exec(db, "BEGIN");
  for (; logged < log.size(); ++logged) {
    const auto& e = log[logged];
    insert.Text(1, oneid::identity::LogEventKindName(e.kind));
    insert.Int(2, static_cast<long long>(e.batch));
    insert.Int(3, static_cast<long long>(e.survivor));
    insert.Int(4, static_cast<long long>(e.absorbed));
    insert.Text(5, e.type);
    insert.Text(6, e.account_id);
    insert.Run();
  }
  Exec(db, "COMMIT");
}

}  // namespace

int main(int argc, char** argv) {
  size_t people = 2000;
  std::string db_path = ":memory:";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--people" && i + 1 < argc) {
      people = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--db" && i + 1 < argc) {
      db_path = argv[++i];
    } else {
      std::cerr << "usage: host_crm [--people N] [--db PATH]\n";
      return arg == "--help" ? 0 : 2;
    }
  }
  constexpr int kDays = 3;

  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) {
    std::cerr << "cannot open " << db_path << "\n";
    return 1;
  }
  // The CRM's schema. oneid does not own it: the host decides where the map and log live.
  if (!Exec(db, "CREATE TABLE crm_accounts (account_id TEXT PRIMARY KEY, channel TEXT, arrived_day INTEGER, "
                "phone TEXT, email TEXT, unionid TEXT, openid TEXT, device_id TEXT, member_card TEXT, "
                "buyer_id TEXT, alipay TEXT)") ||
      !Exec(db, "CREATE TABLE crm_oneid_map (account_id TEXT PRIMARY KEY, oneid INTEGER NOT NULL)") ||
      !Exec(db, "CREATE TABLE crm_merge_log (kind TEXT, batch INTEGER, survivor INTEGER, absorbed INTEGER, "
                "type TEXT, account_id TEXT)")) {
    return 1;
  }

  // Fill the CRM with three days of accounts from oneid's generator (stand-in for real channels).
  oneid::identity::SyntheticConfig synth;
  synth.people = people;
  synth.seed = 7;
  const auto days = oneid::identity::GenerateOmniChannelBatches(synth, kDays);
  {
    Statement insert(db, "INSERT INTO crm_accounts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Exec(db, "BEGIN");
    for (int d = 0; d < kDays; ++d) {
      const AccountTable& t = days[static_cast<size_t>(d)].accounts;
      for (size_t r = 0; r < t.row_count(); ++r) {
        insert.Text(1, t.account_id(r));
        insert.Text(2, t.source(r));
        insert.Int(3, d + 1);
        for (size_t c = 0; c < t.column_count(); ++c) insert.Text(static_cast<int>(4 + c), t.value(r, c));
        insert.Run();
      }
    }
    Exec(db, "COMMIT");
  }

  oneid::identity::IdentityConfig config = oneid::identity::DefaultIdentityConfig();
  config.salt = "host-crm-example-salt";  // a real host loads its salt from a secret store
  absl::StatusOr<Resolver> resolver = Resolver::Create(config);
  if (!resolver.ok()) {
    std::cerr << resolver.status() << "\n";
    return 1;
  }

  std::vector<std::string> first_day_accounts;
  std::vector<OneId> first_day_oneids;
  size_t logged = 0;
  for (int day = 1; day <= kDays; ++day) {
    const AccountTable batch = ReadDay(db, day);
    absl::StatusOr<BatchReport> report = resolver->AddBatch(batch);
    if (!report.ok()) {
      std::cerr << "day " << day << ": " << report.status() << "\n";
      return 1;
    }
    const size_t changed = WriteChangedOneIds(db, *resolver);
    AppendMergeLog(db, *resolver, logged);
    std::cout << "day " << day << ": " << report->rows_accepted << " accounts in, " << report->persons_merged
              << " persons merged, " << report->links_refused << " links refused by guards, "
              << report->values_junk << " junk values, " << report->errors.size() << " bad fields; " << changed
              << " map rows written\n";
    if (day == 1) {
      const auto map = resolver->GetAssignments();
      first_day_accounts = map.account_ids;
      first_day_oneids = map.oneids;
    }
  }

  // Stability: every OneID handed out on day 1 still resolves (directly or as an alias) to the
  // OneID its account has now.
  size_t stable = 0;
  for (size_t i = 0; i < first_day_accounts.size(); ++i) {
    absl::StatusOr<OneId> now = resolver->OneIdOf(first_day_accounts[i]);
    absl::StatusOr<OneId> then = resolver->CurrentOneId(first_day_oneids[i]);
    if (now.ok() && then.ok() && *now == *then) ++stable;
  }
  const oneid::identity::ResolverStats stats = resolver->Stats();
  std::cout << "persons: " << stats.persons << " OneIDs for " << stats.accounts << " accounts ("
            << people << " people generated); merge log: " << logged << " entries\n";
  std::cout << "day-1 OneIDs still valid: " << stable << "/" << first_day_accounts.size()
            << (stable == first_day_accounts.size() ? " (stable: yes)" : " (stable: NO)") << "\n";

  // Explain one multi-account person, as a CRM's service desk would. (Scoped: every statement must
  // be finalised before sqlite3_close, or the connection stays open.)
  {
    Statement pick(db, "SELECT oneid, MIN(account_id), MAX(account_id) FROM crm_oneid_map GROUP BY oneid "
                       "HAVING COUNT(*) > 2 ORDER BY oneid LIMIT 1");
    if (pick.Next()) {
      const std::string a(pick.Column(1)), b(pick.Column(2));
      absl::StatusOr<oneid::identity::LinkPath> path = resolver->Explain(a, b);
      if (path.ok()) {
        std::cout << "why " << a << " and " << b << " are one person (OneID " << path->oneid << "):\n";
        for (const auto& step : path->steps) {
          std::cout << "  " << step.from_account << " --" << step.type << "--> " << step.to_account << "\n";
        }
      }
    }
  }
  if (sqlite3_close(db) != SQLITE_OK) {
    std::cerr << "sqlite: cannot close the database: a statement is still open\n";
    return 1;
  }
  return stable == first_day_accounts.size() ? 0 : 1;
}
