// Fuzz target: the accounts CSV reader, and the resolver on whatever the reader accepts.
// Any input must yield a table or a clear error, never a crash, a hang or a leak; every row the
// reader sees is either accepted or counted as rejected.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "oneid/identity/account_table.h"
#include "oneid/identity/resolver.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace oneid::identity;
  const std::string_view csv(reinterpret_cast<const char*>(data), size);
  BatchReport read_report;
  absl::StatusOr<AccountTable> table = ReadAccountsCsv(csv, read_report);
  if (!table.ok()) return 0;
  // Nothing is lost: every data row read is in the table or counted as rejected.
  if (read_report.rows_read != table->row_count() + read_report.rows_rejected) std::abort();
  // Headers name the identifier types; only tables whose types are configured can be resolved.
  absl::StatusOr<Resolver> resolver = Resolver::Create(DefaultIdentityConfig());
  if (!resolver.ok()) std::abort();
  absl::StatusOr<BatchReport> report = resolver->AddBatch(*table);
  if (report.ok() && report->rows_accepted + report->rows_rejected != table->row_count()) std::abort();
  return 0;
}
