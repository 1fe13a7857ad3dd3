// oneid segment: profile CSV in, segments CSV out (lifecycle stage, value tier, tags, an optional
// audience), and optionally the fired triggers.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "oneid/profile/feature_table.h"
#include "oneid/segment/audience.h"
#include "oneid/segment/segment_table.h"
#include "oneid/segment/triggers.h"
#include "src/cli/command.h"
#include "src/cli/progress_printer.h"

namespace oneid::cli {
namespace {

constexpr char kHelp[] =
    "usage: oneid segment --profiles PROFILES.csv --out SEGMENTS.csv [flags]\n"
    "\n"
    "Reads one profile per CSV row (a header row first; a 'oneid' column of positive integers is\n"
    "required), adds the lifecycle stage, CLV decile and value tier, the default tags and, with\n"
    "--audience, a 0/1 audience column, and writes oneid plus the added columns.\n"
    "\n"
    "Column types: a column whose non-empty cells all parse as numbers is numeric (an empty cell\n"
    "is NaN, 'not defined'); the columns named by --sets are text sets, their cells split on '|'\n"
    "('douyin|pos'; an empty cell is the empty set); every other column is text.\n"
    "\n"
    "flags:\n"
    "  --profiles FILE       profile CSV to read (required)\n"
    "  --out FILE            where to write the segments CSV (required)\n"
    "  --audience EXPR       an audience rule, e.g. 'p_alive < 0.3 and \"douyin\" in channels'\n"
    "                        (grammar in docs/segment.md); adds a 0/1 column\n"
    "  --audience-name NAME  name of that column (default in_audience)\n"
    "  --sets A,B            text-set columns (default: channels)\n"
    "  --value-column NAME   value column for deciles and tiers (default clv; 'none' to skip)\n"
    "  --no-lifecycle        do not add lifecycle_stage\n"
    "  --no-tags             do not apply the default tag set\n"
    "  --triggers FILE       also write the fired triggers (oneid,trigger,reason); each trigger\n"
    "                        runs only when its columns are in the profile CSV\n"
    "%PROGRESS%"
    "  --help                this text\n";

int Fail(const std::string& message) { return CommandError("segment", message); }

bool ParseNumber(const std::string& text, double& out) {
  if (text.empty()) {
    out = std::nan("");
    return true;
  }
  const char* begin = text.data();
  if (*begin == '+') ++begin;
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}


absl::StatusOr<profile::FeatureTable> ReadProfiles(const std::string& path, const absl::flat_hash_set<std::string>& sets) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read '", path, "'"));
  std::vector<std::string> header;
  if (!ReadCsvRecord(in, header)) return absl::InvalidArgumentError(absl::StrCat(path, ": empty file, expected a header row"));
  if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);  // Excel's BOM
  size_t oneid_col = header.size();
  for (size_t c = 0; c < header.size(); ++c) {
    if (header[c] == "oneid") oneid_col = c;
  }
  if (oneid_col == header.size()) return absl::InvalidArgumentError(absl::StrCat(path, ": the header has no 'oneid' column"));
  std::vector<std::vector<std::string>> cells(header.size());
  std::vector<profile::OneId> ids;
  std::vector<std::string> fields;
  size_t row = 0;
  while (ReadCsvRecord(in, fields)) {
    ++row;  // data rows count from 1; the header is row 0
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    if (fields.size() != header.size()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": row ", row, ": expected ", header.size(), " fields, got ", fields.size()));
    }
    uint64_t id = 0;
    const std::string& id_text = fields[oneid_col];
    auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc() || end != id_text.data() + id_text.size() || id == 0) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": row ", row, ", field oneid: '", id_text, "' is not a positive integer"));
    }
    ids.push_back(id);
    for (size_t c = 0; c < header.size(); ++c) cells[c].push_back(std::move(fields[c]));
  }
  absl::StatusOr<profile::FeatureTable> table = profile::FeatureTable::Create(std::move(ids));
  if (!table.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", table.status().message()));
  for (size_t c = 0; c < header.size(); ++c) {
    if (c == oneid_col) continue;
    const std::string& name = header[c];
    absl::Status s;
    if (sets.contains(name)) {
      std::vector<std::vector<std::string>> values;
      values.reserve(cells[c].size());
      for (const std::string& cell : cells[c]) {
        values.push_back(cell.empty() ? std::vector<std::string>{} : absl::StrSplit(cell, '|'));
      }
      s = table->SetTextSet(name, std::move(values));
    } else {
      std::vector<double> numbers(cells[c].size());
      bool numeric = true;
      for (size_t i = 0; i < cells[c].size() && numeric; ++i) numeric = ParseNumber(cells[c][i], numbers[i]);
      s = numeric ? table->SetNumeric(name, std::move(numbers)) : table->SetText(name, std::move(cells[c]));
    }
    if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ", column ", name, ": ", s.message()));
  }
  return table;
}

}  // namespace

int RunSegment(const std::vector<std::string>& args) {
  absl::StatusOr<Flags> flags =
      Flags::Parse(args, {{"profiles", true}, {"out", true}, {"audience", true}, {"audience-name", true}, {"sets", true},
                          {"value-column", true}, {"no-lifecycle", false}, {"no-tags", false}, {"triggers", true},
                          {"progress", false}, {"quiet", false}, {"help", false}});
  const std::string help = HelpText(kHelp);
  if (std::optional<int> exit_status = FlagErrorOrHelp("segment", flags, help)) return *exit_status;
  if (!flags->Has("profiles") || !flags->Has("out")) return Fail("--profiles and --out are required\n\n" + help);
  ProgressPrinter progress(*flags, "segment");
  Stopwatch clock;

  // Compile the audience before reading anything: a typo should fail fast.
  std::optional<segment::Audience> audience;
  if (flags->Has("audience")) {
    absl::StatusOr<segment::Audience> a = segment::Audience::Compile(flags->Get("audience"));
    if (!a.ok()) return Fail(std::string(a.status().message()));
    audience = *std::move(a);
  }
  absl::flat_hash_set<std::string> sets;
  for (absl::string_view s : absl::StrSplit(flags->Get("sets", "channels"), ',', absl::SkipEmpty())) sets.insert(std::string(s));

  absl::StatusOr<profile::FeatureTable> table = ReadProfiles(flags->Get("profiles"), sets);
  if (!table.ok()) return Fail(std::string(table.status().message()));
  progress.Step("read " + std::to_string(table->num_rows()) + " profiles", clock.Lap());

  segment::SegmentConfig config;
  if (flags->Has("no-lifecycle")) config.lifecycle.reset();
  const std::string value_column = flags->Get("value-column", "clv");
  if (value_column == "none") {
    config.value_tiers.reset();
  } else {
    config.value_tiers->value_column = value_column;
  }
  if (flags->Has("no-tags")) config.tags.clear();
  absl::StatusOr<segment::SegmentReport> report = segment::SegmentTable(*table, config);
  if (!report.ok()) return Fail(std::string(report.status().message()));
  std::vector<std::string> columns = report->columns_added;
  if (audience.has_value()) {
    absl::StatusOr<std::vector<uint8_t>> mask = audience->Evaluate(*table);
    if (!mask.ok()) return Fail(std::string(mask.status().message()));
    const std::string name = flags->Get("audience-name", "in_audience");
    size_t members = 0;
    for (uint8_t m : *mask) members += m;
    if (absl::Status s = table->SetNumeric(name, std::vector<double>(mask->begin(), mask->end())); !s.ok()) {
      return Fail(std::string(s.message()));
    }
    columns.push_back(name);
    std::cerr << "audience: " << members << " of " << table->num_rows() << " profiles\n";
  }
  progress.Step("segmented", clock.Lap());
  for (const segment::SkippedTag& s : report->tags.skipped) std::cerr << "tag " << s.name << " skipped: " << s.reason << "\n";

  {
    AtomicOfstream out(flags->Get("out"));
    if (!out) return Fail("cannot write '" + flags->Get("out") + "'");
    WriteCsvField(out, "oneid");
    for (const std::string& c : columns) {
      out << ',';
      WriteCsvField(out, c);
    }
    out << '\n';
    for (size_t i = 0; i < table->num_rows(); ++i) {
      out << table->oneids()[i];
      for (const std::string& c : columns) {
        out << ',';
        if (*table->KindOf(c) == profile::ColumnKind::kNumeric) {
          out << CsvNumber((*table->Numeric(c))[i]);
        } else {
          WriteCsvField(out, std::string((*table->Text(c))[i]));
        }
      }
      out << '\n';
    }
    if (!out) return Fail("error writing '" + flags->Get("out") + "'");
  }

  if (flags->Has("triggers")) {
    segment::TriggerConfig tc;
    auto has = [&](const std::string& c) { return table->Has(c); };
    tc.due_to_repurchase = has(tc.recency_column) && has(tc.interval_column);
    tc.at_risk = has(tc.p_alive_column);
    tc.points_expiring = has(tc.points_column) && has(tc.points_days_column);
    tc.cart_abandoned = has(tc.cart_days_column);
    absl::StatusOr<std::vector<segment::FiredTrigger>> fired = segment::FireTriggers(*table, tc);
    if (!fired.ok()) return Fail(std::string(fired.status().message()));
    AtomicOfstream out(flags->Get("triggers"));
    if (!out) return Fail("cannot write '" + flags->Get("triggers") + "'");
    out << "oneid,trigger,reason\n";
    for (const segment::FiredTrigger& f : *fired) {
      WriteCsvRow(out, {std::to_string(f.oneid), std::string(segment::TriggerKindName(f.kind)), f.reason});
    }
    std::cerr << "triggers: " << fired->size() << " fired\n";
  }
  return 0;
}

}  // namespace oneid::cli
