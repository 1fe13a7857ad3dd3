// The host CRM's own database access: one small interface, two back ends (SQLite, the embedded
// default, and PostgreSQL), chosen by one setting, the database URI:
//
//   OpenDatabase("crm.db")                               SQLite file (":memory:" for none)
//   OpenDatabase("postgresql://user@host:5432/crm")     PostgreSQL through libpq
//   OpenDatabase("postgresql:///crm?host=/tmp/pg")      ... over a Unix socket
//
// SQL is written once for both: parameters are $1, $2, ... (PostgreSQL's style; the SQLite back
// end maps them to ?1, ?2, ...), types are BIGINT, DOUBLE PRECISION and TEXT, upserts use
// INSERT ... ON CONFLICT, which both engines accept. oneid itself never touches the database.
#ifndef ONEID_EXAMPLES_HOST_CRM_DATABASE_H_
#define ONEID_EXAMPLES_HOST_CRM_DATABASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace host_crm {

// A prepared statement. Bind parameters (1-based), then Run() for a statement without rows or
// Next() to step through a query's rows and read columns (0-based) of the current row.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void BindText(int index, std::string_view value) = 0;
  virtual void BindInt(int index, int64_t value) = 0;
  // NaN is stored as NULL: "not defined" stays distinguishable from zero in the CRM's tables.
  virtual void BindDouble(int index, double value) = 0;
  // Executes and resets; the bindings may then be replaced for the next row.
  virtual absl::Status Run() = 0;
  // Executes on the first call, then moves to the next row; false after the last row.
  virtual absl::StatusOr<bool> Next() = 0;
  virtual std::string_view Text(int column) = 0;
  virtual int64_t Int(int column) = 0;
  virtual double Double(int column) = 0;  // NULL reads as NaN
  // Rows changed by the last Run().
  virtual int64_t Changes() = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  // Runs SQL without parameters or results (DDL, BEGIN/COMMIT).
  virtual absl::Status Exec(const std::string& sql) = 0;
  virtual absl::StatusOr<std::unique_ptr<Statement>> Prepare(const std::string& sql) = 0;
  // "sqlite" or "postgresql", for messages.
  virtual std::string_view Engine() const = 0;
};

// Opens the database the URI names (see the file comment). InvalidArgument for a URI scheme it
// does not know; Unavailable when the server cannot be reached.
absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(const std::string& uri);

// The two back ends (sqlite_database.cc, postgres_database.cc).
absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path);
absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& conninfo);

// Runs `body` between BEGIN and COMMIT (ROLLBACK if it fails), so a batch's writes land whole.
template <typename Body>
absl::Status InTransaction(Database& db, Body&& body) {
  if (absl::Status s = db.Exec("BEGIN"); !s.ok()) return s;
  absl::Status result = body();
  if (!result.ok()) {
    (void)db.Exec("ROLLBACK");
    return result;
  }
  return db.Exec("COMMIT");
}

}  // namespace host_crm

#endif  // ONEID_EXAMPLES_HOST_CRM_DATABASE_H_
