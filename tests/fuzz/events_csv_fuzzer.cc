// Fuzz target: the order and behaviour CSV readers (the first byte picks which). Any input yields
// a table or a clear error; every data row read is in the table or counted as rejected.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "oneid/profile/events.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace oneid::profile;
  if (size == 0) return 0;
  const std::string_view csv(reinterpret_cast<const char*>(data + 1), size - 1);
  EventReport report;
  if (data[0] & 1) {
    absl::StatusOr<BehaviorTable> table = ReadBehaviorCsv(csv, report);
    if (table.ok() && report.rows_read != table->row_count() + report.rows_rejected) std::abort();
  } else {
    absl::StatusOr<OrderTable> table = ReadOrdersCsv(csv, report);
    if (table.ok() && report.rows_read != table->row_count() + report.rows_rejected) std::abort();
  }
  return 0;
}
