// The host CRM's tables: schema, loads in, results out.
#include "crm_tables.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace host_crm {
namespace {

namespace identity = oneid::identity;
namespace profile = oneid::profile;

#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    if (absl::Status _s = (expr); !_s.ok()) return _s; \
  } while (0)

// Debian's Abseil has its own string_view type; StrCat takes std::string_view through this.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Identifiers are quoted: feature names are ordinary words ("frequency"), but a CRM should not
// bet on no engine ever reserving one of them.
std::string Quoted(std::string_view name) { return absl::StrCat("\"", Sv(name), "\""); }

std::string Number(double v) {
  if (std::isnan(v)) return "";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.12g", v);
  return buffer;
}

// The person tables and their columns, in order (oneid first, not listed).
struct PersonTable {
  std::string name;
  std::vector<std::string> numeric;  // DOUBLE PRECISION
  std::vector<std::string> text;     // TEXT (a text set is stored joined by '|')
};

const std::vector<PersonTable>& PersonTables() {
  static const std::vector<PersonTable> tables = [] {
    std::vector<PersonTable> t;
    t.push_back({"crm_profiles", profile::ProfileColumns::Numeric(),
                 {std::string(profile::ProfileColumns::kMemberTier), std::string(profile::ProfileColumns::kTopCategories),
                  std::string(profile::ProfileColumns::kChannels)}});
    t.push_back({"crm_scores",
                 {"recency_score", "frequency_score", "monetary_score", "p_alive", "expected_purchases_90d", "clv"},
                 {"rfm_segment"}});
    t.push_back({"crm_segments", {"clv_decile"}, {"lifecycle_stage", "value_tier", "tags"}});
    return t;
  }();
  return tables;
}

// The text of column `name` at `row`: a text column's value, a text set joined by '|', or the
// tag names whose 0/1 column is 1 for the synthetic "tags" column.
std::string TextCell(const profile::FeatureTable& table, const std::string& name, size_t row,
                     const std::vector<std::string>& tags) {
  if (name == "tags") {
    std::vector<std::string> on;
    for (const std::string& tag : tags) {
      auto column = table.Numeric(tag);
      if (column.ok() && (*column)[row] == 1) on.push_back(tag);
    }
    return absl::StrJoin(on, "|");
  }
  if (auto kind = table.KindOf(name); kind.ok() && *kind == profile::ColumnKind::kTextSet) {
    const auto cells = (*table.TextSet(name))->Row(row);
    return absl::StrJoin(cells.begin(), cells.end(), "|");
  }
  auto column = table.Text(name);
  return column.ok() ? std::string((*column)[row]) : std::string();
}

double NumericCell(const profile::FeatureTable& table, const std::string& name, size_t row) {
  auto column = table.Numeric(name);
  return column.ok() ? (*column)[row] : std::nan("");
}

std::string TriggerText(const std::vector<std::string>& lines) {
  std::vector<std::string> sorted = lines;
  std::sort(sorted.begin(), sorted.end());
  return absl::StrJoin(sorted, "\n");
}

}  // namespace

const std::vector<std::string>& IdentifierColumns() {
  static const std::vector<std::string> columns = {"phone",     "email",       "unionid",  "openid",
                                                   "device_id", "member_card", "buyer_id", "alipay"};
  return columns;
}

const std::vector<std::string>& ScoreColumns() { return PersonTables()[1].numeric; }
const std::vector<std::string>& SegmentColumns() { return PersonTables()[2].text; }

absl::Status CreateSchema(Database& db) {
  for (const char* table : {"crm_accounts", "crm_orders", "crm_behaviour", "crm_oneid_map", "crm_merge_log",
                            "crm_profiles", "crm_scores", "crm_segments", "crm_triggers"}) {
    RETURN_IF_ERROR(db.Exec(absl::StrCat("DROP TABLE IF EXISTS ", table)));
  }
  std::string accounts = "CREATE TABLE crm_accounts (account_id TEXT PRIMARY KEY, channel TEXT, arrival BIGINT";
  for (const std::string& c : IdentifierColumns()) absl::StrAppend(&accounts, ", ", c, " TEXT");
  RETURN_IF_ERROR(db.Exec(accounts + ")"));
  RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE crm_orders (line BIGINT PRIMARY KEY, order_id TEXT, account_id TEXT NOT NULL, "
      "time BIGINT NOT NULL, channel TEXT, category TEXT, amount DOUBLE PRECISION, discount DOUBLE PRECISION, "
      "coupon_used BIGINT, arrival BIGINT)"));
  RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE crm_behaviour (line BIGINT PRIMARY KEY, account_id TEXT NOT NULL, time BIGINT NOT NULL, "
      "channel TEXT, kind TEXT, value DOUBLE PRECISION, arrival BIGINT)"));
  RETURN_IF_ERROR(db.Exec("CREATE INDEX crm_orders_arrival ON crm_orders (arrival)"));
  RETURN_IF_ERROR(db.Exec("CREATE INDEX crm_behaviour_arrival ON crm_behaviour (arrival)"));
  RETURN_IF_ERROR(db.Exec("CREATE TABLE crm_oneid_map (account_id TEXT PRIMARY KEY, oneid BIGINT NOT NULL)"));
  RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE crm_merge_log (entry BIGINT PRIMARY KEY, kind TEXT, batch BIGINT, survivor BIGINT, "
      "absorbed BIGINT, type TEXT, account_id TEXT, cause TEXT)"));
  for (const PersonTable& t : PersonTables()) {
    std::string sql = absl::StrCat("CREATE TABLE ", t.name, " (oneid BIGINT PRIMARY KEY");
    for (const std::string& c : t.numeric) absl::StrAppend(&sql, ", ", Quoted(c), " DOUBLE PRECISION");
    for (const std::string& c : t.text) absl::StrAppend(&sql, ", ", Quoted(c), " TEXT");
    RETURN_IF_ERROR(db.Exec(sql + ")"));
  }
  RETURN_IF_ERROR(db.Exec("CREATE TABLE crm_triggers (oneid BIGINT NOT NULL, kind TEXT, reason TEXT)"));
  return db.Exec("CREATE INDEX crm_triggers_oneid ON crm_triggers (oneid)");
}

absl::Status InsertAccounts(Database& db, const identity::AccountTable& accounts, const std::vector<int>& arrival) {
  std::string sql = "INSERT INTO crm_accounts VALUES ($1, $2, $3";
  for (size_t c = 0; c < IdentifierColumns().size(); ++c) absl::StrAppend(&sql, ", $", 4 + c);
  auto insert = db.Prepare(sql + ")");
  if (!insert.ok()) return insert.status();
  return InTransaction(db, [&]() -> absl::Status {
    for (size_t r = 0; r < accounts.row_count(); ++r) {
      (*insert)->BindText(1, accounts.account_id(r));
      (*insert)->BindText(2, accounts.source(r));
      (*insert)->BindInt(3, arrival[r]);
      for (size_t c = 0; c < accounts.column_count(); ++c) {
        (*insert)->BindText(static_cast<int>(4 + c), accounts.value(r, c));
      }
      RETURN_IF_ERROR((*insert)->Run());
    }
    return absl::OkStatus();
  });
}

absl::Status InsertOrders(Database& db, const profile::OrderTable& orders, const std::vector<int>& arrival) {
  auto insert = db.Prepare("INSERT INTO crm_orders VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
  if (!insert.ok()) return insert.status();
  return InTransaction(db, [&]() -> absl::Status {
    for (size_t r = 0; r < orders.row_count(); ++r) {
      Statement& s = **insert;
      s.BindInt(1, static_cast<int64_t>(r));
      s.BindText(2, orders.order_code(r) == profile::OrderTable::kNoOrder ? std::string_view()
                                                                          : orders.orders()[orders.order_code(r)]);
      s.BindText(3, orders.account_id(r));
      s.BindInt(4, orders.time(r));
      s.BindText(5, profile::ChannelName(orders.channel(r)));
      s.BindText(6, orders.categories()[orders.category_code(r)]);
      s.BindDouble(7, orders.amount(r));
      s.BindDouble(8, orders.discount(r));
      s.BindInt(9, orders.coupon_used(r) ? 1 : 0);
      s.BindInt(10, arrival[r]);
      RETURN_IF_ERROR(s.Run());
    }
    return absl::OkStatus();
  });
}

absl::Status InsertBehaviour(Database& db, const profile::BehaviorTable& behaviour, const std::vector<int>& arrival) {
  auto insert = db.Prepare("INSERT INTO crm_behaviour VALUES ($1, $2, $3, $4, $5, $6, $7)");
  if (!insert.ok()) return insert.status();
  return InTransaction(db, [&]() -> absl::Status {
    for (size_t r = 0; r < behaviour.row_count(); ++r) {
      Statement& s = **insert;
      s.BindInt(1, static_cast<int64_t>(r));
      s.BindText(2, behaviour.account_id(r));
      s.BindInt(3, behaviour.time(r));
      s.BindText(4, profile::ChannelName(behaviour.channel(r)));
      s.BindText(5, profile::BehaviorKindName(behaviour.kind(r)));
      s.BindDouble(6, behaviour.value(r));
      s.BindInt(7, arrival[r]);
      RETURN_IF_ERROR(s.Run());
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<identity::AccountTable> ReadAccounts(Database& db, int arrival) {
  std::vector<identity::ColumnSpec> columns;
  for (const std::string& c : IdentifierColumns()) columns.push_back({c, c});
  identity::AccountTable table(columns);
  std::string sql = "SELECT account_id, channel";
  for (const std::string& c : IdentifierColumns()) absl::StrAppend(&sql, ", ", c);
  auto select = db.Prepare(sql + " FROM crm_accounts WHERE arrival = $1 ORDER BY account_id");
  if (!select.ok()) return select.status();
  (*select)->BindInt(1, arrival);
  std::vector<std::string_view> values(IdentifierColumns().size());
  while (true) {
    absl::StatusOr<bool> row = (*select)->Next();
    if (!row.ok()) return row.status();
    if (!*row) break;
    for (size_t c = 0; c < values.size(); ++c) values[c] = (*select)->Text(static_cast<int>(2 + c));
    // AddRow checks the shape only; bad identifier values are reported by AddBatch, row by row.
    RETURN_IF_ERROR(table.AddRow((*select)->Text(0), (*select)->Text(1), values));
  }
  return table;
}

absl::StatusOr<profile::OrderTable> ReadOrders(Database& db, int arrival, Rejected& rejected) {
  auto select = db.Prepare(
      "SELECT line, order_id, account_id, time, channel, category, amount, discount, coupon_used "
      "FROM crm_orders WHERE arrival = $1 ORDER BY line");
  if (!select.ok()) return select.status();
  (*select)->BindInt(1, arrival);
  profile::OrderTable orders;
  while (true) {
    absl::StatusOr<bool> row = (*select)->Next();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Statement& s = **select;
    const int64_t line = s.Int(0);
    const std::optional<profile::Channel> channel = profile::ParseChannel(s.Text(4));
    absl::Status added = channel ? orders.AddRow({.order_id = s.Text(1), .account_id = s.Text(2), .time = s.Int(3),
                                                  .channel = *channel, .store = {}, .category = s.Text(5),
                                                  .amount = s.Double(6), .discount = s.Double(7),
                                                  .coupon_used = s.Int(8) != 0},
                                                 static_cast<size_t>(line))
                                 : absl::InvalidArgumentError(absl::StrCat("channel '", Sv(s.Text(4)), "' is not a channel"));
    if (!added.ok()) {
      ++rejected.rows;
      rejected.messages.push_back(absl::StrCat("crm_orders line ", line, ": ", added.message()));
    }
  }
  return orders;
}

absl::StatusOr<profile::BehaviorTable> ReadBehaviour(Database& db, int arrival, Rejected& rejected) {
  auto select = db.Prepare(
      "SELECT line, account_id, time, channel, kind, value FROM crm_behaviour WHERE arrival = $1 ORDER BY line");
  if (!select.ok()) return select.status();
  (*select)->BindInt(1, arrival);
  profile::BehaviorTable behaviour;
  while (true) {
    absl::StatusOr<bool> row = (*select)->Next();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Statement& s = **select;
    const int64_t line = s.Int(0);
    const std::optional<profile::Channel> channel = profile::ParseChannel(s.Text(3));
    const std::optional<profile::BehaviorKind> kind = profile::ParseBehaviorKind(s.Text(4));
    absl::Status added;
    if (!channel) {
      added = absl::InvalidArgumentError(absl::StrCat("channel '", Sv(s.Text(3)), "' is not a channel"));
    } else if (!kind) {
      added = absl::InvalidArgumentError(absl::StrCat("kind '", Sv(s.Text(4)), "' is not an event kind"));
    } else {
      const double value = s.Double(5);
      added = behaviour.AddRow(s.Text(1), s.Int(2), *channel, *kind, std::isnan(value) ? 0.0 : value);
    }
    if (!added.ok()) {
      ++rejected.rows;
      rejected.messages.push_back(absl::StrCat("crm_behaviour line ", line, ": ", added.message()));
    }
  }
  return behaviour;
}

absl::StatusOr<size_t> WriteOneIds(Database& db, const identity::Resolver& resolver, const std::vector<OneId>& persons) {
  // Only rows whose OneID changed are rewritten: what keeps a CRM's downstream caches quiet.
  auto upsert = db.Prepare(
      "INSERT INTO crm_oneid_map(account_id, oneid) VALUES ($1, $2) ON CONFLICT(account_id) "
      "DO UPDATE SET oneid = excluded.oneid WHERE crm_oneid_map.oneid <> excluded.oneid");
  if (!upsert.ok()) return upsert.status();
  size_t written = 0;
  absl::Status status = InTransaction(db, [&]() -> absl::Status {
    for (OneId id : persons) {
      absl::StatusOr<std::vector<std::string>> accounts = resolver.AccountsOf(id);
      if (!accounts.ok()) return accounts.status();
      for (const std::string& account : *accounts) {
        (*upsert)->BindText(1, account);
        (*upsert)->BindInt(2, static_cast<int64_t>(id));
        RETURN_IF_ERROR((*upsert)->Run());
        written += static_cast<size_t>((*upsert)->Changes());
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return written;
}

absl::Status AppendMergeLog(Database& db, const std::vector<identity::MergeEvent>& log, size_t from) {
  auto insert = db.Prepare("INSERT INTO crm_merge_log VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
  if (!insert.ok()) return insert.status();
  return InTransaction(db, [&]() -> absl::Status {
    for (size_t i = from; i < log.size(); ++i) {
      const identity::MergeEvent& e = log[i];
      Statement& s = **insert;
      s.BindInt(1, static_cast<int64_t>(i));
      s.BindText(2, identity::LogEventKindName(e.kind));
      s.BindInt(3, static_cast<int64_t>(e.batch));
      s.BindInt(4, static_cast<int64_t>(e.survivor));
      s.BindInt(5, static_cast<int64_t>(e.absorbed));
      s.BindText(6, e.type);
      s.BindText(7, e.account_id);
      s.BindText(8, e.cause);
      RETURN_IF_ERROR(s.Run());
    }
    return absl::OkStatus();
  });
}

absl::Status ReplacePersons(Database& db, const std::vector<OneId>& persons, const profile::FeatureTable& table,
                            const std::vector<std::string>& tags,
                            const std::vector<oneid::segment::FiredTrigger>& triggers) {
  std::vector<std::unique_ptr<Statement>> remove, insert;
  for (const std::string name : {"crm_profiles", "crm_scores", "crm_segments", "crm_triggers"}) {
    auto s = db.Prepare(absl::StrCat("DELETE FROM ", name, " WHERE oneid = $1"));
    if (!s.ok()) return s.status();
    remove.push_back(std::move(*s));
  }
  for (const PersonTable& t : PersonTables()) {
    std::string sql = absl::StrCat("INSERT INTO ", t.name, " VALUES ($1");
    for (size_t c = 0; c < t.numeric.size() + t.text.size(); ++c) absl::StrAppend(&sql, ", $", 2 + c);
    auto s = db.Prepare(sql + ")");
    if (!s.ok()) return s.status();
    insert.push_back(std::move(*s));
  }
  auto insert_trigger = db.Prepare("INSERT INTO crm_triggers VALUES ($1, $2, $3)");
  if (!insert_trigger.ok()) return insert_trigger.status();
  return InTransaction(db, [&]() -> absl::Status {
    for (OneId id : persons) {
      for (auto& s : remove) {
        s->BindInt(1, static_cast<int64_t>(id));
        RETURN_IF_ERROR(s->Run());
      }
    }
    for (size_t row = 0; row < table.num_rows(); ++row) {
      for (size_t k = 0; k < PersonTables().size(); ++k) {
        const PersonTable& t = PersonTables()[k];
        Statement& s = *insert[k];
        s.BindInt(1, static_cast<int64_t>(table.oneids()[row]));
        int p = 2;
        for (const std::string& c : t.numeric) s.BindDouble(p++, NumericCell(table, c, row));
        for (const std::string& c : t.text) s.BindText(p++, TextCell(table, c, row, tags));
        RETURN_IF_ERROR(s.Run());
      }
    }
    for (const auto& fired : triggers) {
      (*insert_trigger)->BindInt(1, static_cast<int64_t>(fired.oneid));
      (*insert_trigger)->BindText(2, oneid::segment::TriggerKindName(fired.kind));
      (*insert_trigger)->BindText(3, fired.reason);
      RETURN_IF_ERROR((*insert_trigger)->Run());
    }
    return absl::OkStatus();
  });
}

std::map<std::string, std::string> RenderPersons(const profile::FeatureTable& table,
                                                 const std::vector<std::string>& tags,
                                                 const std::vector<oneid::segment::FiredTrigger>& triggers) {
  std::map<std::string, std::string> out;
  for (size_t row = 0; row < table.num_rows(); ++row) {
    for (const PersonTable& t : PersonTables()) {
      std::string line;
      for (const std::string& c : t.numeric) absl::StrAppend(&line, c, "=", Number(NumericCell(table, c, row)), ";");
      for (const std::string& c : t.text) absl::StrAppend(&line, c, "=", TextCell(table, c, row, tags), ";");
      out[absl::StrCat(t.name, "/", table.oneids()[row])] = line;
    }
  }
  std::map<OneId, std::vector<std::string>> fired_by_person;
  for (const auto& f : triggers) {
    fired_by_person[f.oneid].push_back(absl::StrCat(Sv(oneid::segment::TriggerKindName(f.kind)), ": ", f.reason));
  }
  for (const auto& [id, lines] : fired_by_person) out[absl::StrCat("crm_triggers/", id)] = TriggerText(lines);
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> DumpPersons(Database& db) {
  std::map<std::string, std::string> out;
  for (const PersonTable& t : PersonTables()) {
    std::string sql = "SELECT oneid";
    for (const std::string& c : t.numeric) absl::StrAppend(&sql, ", ", Quoted(c));
    for (const std::string& c : t.text) absl::StrAppend(&sql, ", ", Quoted(c));
    auto select = db.Prepare(absl::StrCat(sql, " FROM ", t.name));
    if (!select.ok()) return select.status();
    while (true) {
      absl::StatusOr<bool> row = (*select)->Next();
      if (!row.ok()) return row.status();
      if (!*row) break;
      std::string line;
      int p = 1;
      for (const std::string& c : t.numeric) absl::StrAppend(&line, c, "=", Number((*select)->Double(p++)), ";");
      for (const std::string& c : t.text) absl::StrAppend(&line, c, "=", Sv((*select)->Text(p++)), ";");
      out[absl::StrCat(t.name, "/", (*select)->Int(0))] = line;
    }
  }
  auto select = db.Prepare("SELECT oneid, kind, reason FROM crm_triggers");
  if (!select.ok()) return select.status();
  std::map<int64_t, std::vector<std::string>> fired_by_person;
  while (true) {
    absl::StatusOr<bool> row = (*select)->Next();
    if (!row.ok()) return row.status();
    if (!*row) break;
    fired_by_person[(*select)->Int(0)].push_back(absl::StrCat(Sv((*select)->Text(1)), ": ", Sv((*select)->Text(2))));
  }
  for (const auto& [id, lines] : fired_by_person) out[absl::StrCat("crm_triggers/", id)] = TriggerText(lines);
  return out;
}

}  // namespace host_crm
