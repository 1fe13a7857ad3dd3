// The demo's report: one self-contained HTML file (no script, no external file; figures are inline
// SVG), so that it opens anywhere and can be mailed as it is.
#ifndef ONEID_SRC_CLI_HTML_REPORT_H_
#define ONEID_SRC_CLI_HTML_REPORT_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "src/cli/pipeline.h"

namespace oneid::cli {

struct IdentitySummary {
  size_t people_generated = 0;
  size_t accounts = 0, persons = 0, merges = 0;
  size_t links_refused = 0, junk_values = 0, blocklisted = 0;
  size_t rejected_rows = 0, rejected_fields = 0;
  size_t largest_person = 0;
  double precision = 0, recall = 0, f1 = 0;
  // (reason, count) of refused links and rejected cells, most frequent first.
  std::vector<std::pair<std::string, size_t>> refusals;
};

// Renders the report. `as_of` is shown as the observation date.
std::string RenderHtmlReport(const IdentitySummary& identity, const PipelineResult& result,
                             const std::string& as_of);

// Writes `html` to `path` (through AtomicOfstream, so a reader never sees half a page).
absl::Status WriteReport(const std::string& path, const std::string& html);

}  // namespace oneid::cli

#endif  // ONEID_SRC_CLI_HTML_REPORT_H_
