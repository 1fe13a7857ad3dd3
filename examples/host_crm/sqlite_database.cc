// SQLite back end of the host CRM's database interface.
#include <sqlite3.h>

#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "database.h"

namespace host_crm {
namespace {

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void BindText(int i, std::string_view v) override {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindInt(int i, int64_t v) override { sqlite3_bind_int64(stmt_, i, v); }
  void BindDouble(int i, double v) override {
    if (std::isnan(v)) {
      sqlite3_bind_null(stmt_, i);
    } else {
      sqlite3_bind_double(stmt_, i, v);
    }
  }
  absl::Status Run() override {
    const int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return Error();
    changes_ = sqlite3_changes(db_);
    return absl::OkStatus();
  }
  absl::StatusOr<bool> Next() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
      sqlite3_reset(stmt_);
      return false;
    }
    absl::Status error = Error();
    sqlite3_reset(stmt_);
    return error;
  }
  std::string_view Text(int c) override {
    const unsigned char* p = sqlite3_column_text(stmt_, c);
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, c)))
             : std::string_view();
  }
  int64_t Int(int c) override { return sqlite3_column_int64(stmt_, c); }
  double Double(int c) override {
    return sqlite3_column_type(stmt_, c) == SQLITE_NULL ? std::numeric_limits<double>::quiet_NaN()
                                                        : sqlite3_column_double(stmt_, c);
  }
  int64_t Changes() override { return changes_; }

 private:
  absl::Status Error() const {
    return absl::InternalError(absl::StrCat("sqlite: ", sqlite3_errmsg(db_), " in: ", sqlite3_sql(stmt_)));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int64_t changes_ = 0;
};

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  // Every Statement must be gone by now (they are owned by the caller's scopes), or the
  // connection would stay open: sqlite3_close reports it rather than leaking silently.
  ~SqliteDatabase() override { sqlite3_close(db_); }

  absl::Status Exec(const std::string& sql) override {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      absl::Status s = absl::InternalError(absl::StrCat("sqlite: ", error ? error : "error", " in: ", sql));
      sqlite3_free(error);
      return s;
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<Statement>> Prepare(const std::string& sql) override {
    // $1 -> ?1: SQLite's numbered parameters, so one SQL text serves both engines.
    std::string text = sql;
    for (size_t i = 0; i + 1 < text.size(); ++i) {
      if (text[i] == '$' && text[i + 1] >= '0' && text[i + 1] <= '9') text[i] = '?';
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, text.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return absl::InvalidArgumentError(absl::StrCat("sqlite: ", sqlite3_errmsg(db_), " in: ", sql));
    }
    return std::unique_ptr<Statement>(new SqliteStatement(db_, stmt));
  }
  std::string_view Engine() const override { return "sqlite"; }

 private:
  sqlite3* db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    absl::Status s = absl::UnavailableError(absl::StrCat("cannot open SQLite database '", path, "': ",
                                                         db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return s;
  }
  auto database = std::make_unique<SqliteDatabase>(db);
  // A CRM's writer batches its writes in transactions; WAL lets readers go on meanwhile.
  if (path != ":memory:") (void)database->Exec("PRAGMA journal_mode=WAL");
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace host_crm
