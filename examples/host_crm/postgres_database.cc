// PostgreSQL back end of the host CRM's database interface, through libpq (Debian: libpq-dev).
#include <libpq-fe.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "database.h"

namespace host_crm {
namespace {

std::string Message(PGconn* conn) {
  std::string m = PQerrorMessage(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PGconn* conn, std::string name, std::string sql, int params)
      : conn_(conn), name_(std::move(name)), sql_(std::move(sql)), values_(static_cast<size_t>(params)),
        is_null_(static_cast<size_t>(params), true) {}
  ~PostgresStatement() override {
    if (result_) PQclear(result_);
    // Prepared statements live as long as the session; free the name for a long-running host.
    PGresult* r = PQexec(conn_, absl::StrCat("DEALLOCATE ", name_).c_str());
    PQclear(r);
  }

  void BindText(int i, std::string_view v) override { Set(i, std::string(v)); }
  void BindInt(int i, int64_t v) override { Set(i, std::to_string(v)); }
  void BindDouble(int i, double v) override {
    if (std::isnan(v)) {
      Slot(i);
      is_null_[static_cast<size_t>(i - 1)] = true;
    } else {
      // Round-trip precision: the CRM must read back exactly what oneid computed.
      char buffer[40];
      std::snprintf(buffer, sizeof buffer, "%.17g", v);
      Set(i, buffer);
    }
  }
  absl::Status Run() override {
    if (absl::Status s = Execute(); !s.ok()) return s;
    const char* tuples = PQcmdTuples(result_);
    changes_ = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
    return absl::OkStatus();
  }
  absl::StatusOr<bool> Next() override {
    if (row_ < 0) {
      if (absl::Status s = Execute(); !s.ok()) return s;
    }
    ++row_;
    if (row_ < PQntuples(result_)) return true;
    row_ = -1;  // the next call runs the query again, as SQLite's reset does
    return false;
  }
  std::string_view Text(int c) override {
    return std::string_view(PQgetvalue(result_, row_, c), static_cast<size_t>(PQgetlength(result_, row_, c)));
  }
  int64_t Int(int c) override { return std::strtoll(PQgetvalue(result_, row_, c), nullptr, 10); }
  double Double(int c) override {
    if (PQgetisnull(result_, row_, c)) return std::numeric_limits<double>::quiet_NaN();
    return std::strtod(PQgetvalue(result_, row_, c), nullptr);
  }
  int64_t Changes() override { return changes_; }

 private:
  void Slot(int i) {
    if (static_cast<size_t>(i) > values_.size()) {
      values_.resize(static_cast<size_t>(i));
      is_null_.resize(static_cast<size_t>(i), true);
    }
  }
  void Set(int i, std::string v) {
    Slot(i);
    values_[static_cast<size_t>(i - 1)] = std::move(v);
    is_null_[static_cast<size_t>(i - 1)] = false;
  }
  absl::Status Execute() {
    if (result_) {
      PQclear(result_);
      result_ = nullptr;
    }
    std::vector<const char*> pointers(values_.size());
    for (size_t k = 0; k < values_.size(); ++k) pointers[k] = is_null_[k] ? nullptr : values_[k].c_str();
    result_ = PQexecPrepared(conn_, name_.c_str(), static_cast<int>(pointers.size()), pointers.data(), nullptr,
                             nullptr, 0);
    const ExecStatusType status = PQresultStatus(result_);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return absl::InternalError(absl::StrCat("postgresql: ", Message(conn_), " in: ", sql_));
    }
    return absl::OkStatus();
  }

  PGconn* conn_;
  std::string name_, sql_;
  std::vector<std::string> values_;
  std::vector<bool> is_null_;
  PGresult* result_ = nullptr;
  int row_ = -1;
  int64_t changes_ = 0;
};

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(PGconn* conn) : conn_(conn) {}
  ~PostgresDatabase() override { PQfinish(conn_); }

  absl::Status Exec(const std::string& sql) override {
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(r);
    PQclear(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return absl::InternalError(absl::StrCat("postgresql: ", Message(conn_), " in: ", sql));
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<Statement>> Prepare(const std::string& sql) override {
    std::string name = absl::StrCat("host_crm_", ++prepared_);
    int params = 0;
    for (size_t i = 0; i + 1 < sql.size(); ++i) {
      if (sql[i] == '$') params = std::max(params, std::atoi(sql.c_str() + i + 1));
    }
    PGresult* r = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    const ExecStatusType status = PQresultStatus(r);
    PQclear(r);
    if (status != PGRES_COMMAND_OK) {
      return absl::InvalidArgumentError(absl::StrCat("postgresql: ", Message(conn_), " in: ", sql));
    }
    return std::unique_ptr<Statement>(new PostgresStatement(conn_, std::move(name), sql, params));
  }
  std::string_view Engine() const override { return "postgresql"; }

 private:
  PGconn* conn_;
  int prepared_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    absl::Status s = absl::UnavailableError(absl::StrCat("cannot connect to PostgreSQL (", conninfo, "): ", Message(conn)));
    PQfinish(conn);
    return s;
  }
  auto database = std::make_unique<PostgresDatabase>(conn);
  // Notices (for example "table does not exist, skipping" from DROP TABLE IF EXISTS) are not
  // errors; keep the example's output to what it does.
  if (absl::Status s = database->Exec("SET client_min_messages TO WARNING"); !s.ok()) return s;
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace host_crm
