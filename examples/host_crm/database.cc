// OpenDatabase: the one setting that picks the CRM's database engine.
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "database.h"

namespace host_crm {

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(const std::string& uri) {
  const auto starts = [&](std::string_view prefix) { return uri.rfind(prefix, 0) == 0; };
  if (starts("postgresql://") || starts("postgres://")) return OpenPostgres(uri);
  if (starts("sqlite:")) return OpenSqlite(uri.substr(7));
  if (uri.find("://") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("database URI '", uri, "': unknown scheme (use postgresql://... or a SQLite path)"));
  }
  return OpenSqlite(uri);
}

}  // namespace host_crm
