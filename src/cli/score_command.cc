// oneid score: profile CSV in (as 'oneid profile' writes it), RFM scores and segments, P(alive),
// expected purchases and CLV (BG/NBD + Gamma-Gamma fitted on the file) out, keyed by oneid. The
// step between 'oneid profile' and 'oneid segment', whose default value column is clv.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "oneid/profile/feature_table.h"
#include "oneid/score/fit_report.h"
#include "src/cli/command.h"
#include "src/cli/pipeline.h"
#include "src/cli/progress_printer.h"

namespace oneid::cli {
namespace {

constexpr char kHelp[] =
    "usage: oneid score --profiles PROFILES.csv --out SCORES.csv [flags]\n"
    "\n"
    "Reads the profile CSV that 'oneid profile' writes, fits BG/NBD (purchase counts) and\n"
    "Gamma-Gamma (purchase values) on its buyers by maximum likelihood, scores RFM, and writes\n"
    "oneid plus: recency_score, frequency_score, monetary_score (1-5), rfm_segment,\n"
    "p_alive, expected_purchases_<H>d, clv and p_no_purchase_7d/14d/30d (P(no purchase in the\n"
    "next 7/14/30 days): the same columns the demo writes. People who never bought get empty\n"
    "cells. The fit summary (parameters, log-likelihood, convergence) goes to stdout. Feed the\n"
    "output to 'oneid segment' (its default value column is clv; an audience rule can read any\n"
    "score, e.g. 'p_no_purchase_30d > 0.8').\n"
    "\n"
    "Columns read (others are ignored): oneid, recency_days, frequency, monetary_total,\n"
    "cb_frequency, cb_recency, cb_T, cb_monetary (see docs/profile.md). An empty cell is 'not\n"
    "defined'. A row that cannot be used (wrong field count, a oneid that is not a positive integer\n"
    "or is repeated, a cell that is not a number, a negative count, cb_recency > cb_T) is left out,\n"
    "counted on stderr and listed with --rejects; it never stops the run.\n"
    "\n"
    "flags:\n"
    "  --profiles FILE       profile CSV to read (required)\n"
    "  --out FILE            scores CSV to write (required)\n"
    "  --rejects FILE        write every rejected row: row,field,reason\n"
    "  --clv-months N        CLV horizon in months of 30 days (default 12)\n"
    "  --discount-rate R     monthly discount rate of the CLV (default 0.01)\n"
    "  --horizon-days N      horizon of the expected_purchases_<N>d column (default 90)\n"
    "  --keep-profile        also copy every profile column (before the scores), so that the\n"
    "                        output alone feeds 'oneid segment' (lifecycle and tags read them)\n"
    "%PROGRESS%"
    "  --help                this text\n";

int Fail(const std::string& message) { return CommandError("score", message); }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The columns the scores need, in this order.
const std::vector<std::string> kInputs = {"recency_days", "frequency", "monetary_total", "cb_frequency",
                                          "cb_recency",   "cb_T",      "cb_monetary"};
enum Input { kRecency, kFrequency, kMonetary, kCbFrequency, kCbRecency, kCbT, kCbMonetary };


struct Reject {
  size_t row;
  std::string field, reason;
};

// An empty cell is NaN; anything else must be a finite number.
bool ParseCell(const std::string& text, double& out) {
  if (text.empty()) {
    out = kNaN;
    return true;
  }
  const char* begin = text.data();
  if (*begin == '+') ++begin;
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

// Why a row's values cannot be scored, or "" if they can. `v` is in kInputs order.
std::string Inconsistent(const std::vector<double>& v, std::string& field) {
  for (int i : {kFrequency, kCbFrequency, kRecency, kCbRecency, kCbT}) {
    if (v[i] < 0) {
      field = kInputs[i];
      return "negative";
    }
  }
  const bool x = !std::isnan(v[kCbFrequency]), t_x = !std::isnan(v[kCbRecency]), T = !std::isnan(v[kCbT]);
  if (x != T || t_x != T) {
    field = kInputs[x ? kCbT : kCbFrequency];
    return "cb_frequency, cb_recency and cb_T must be all empty (never bought) or all set";
  }
  if (T && v[kCbFrequency] != std::floor(v[kCbFrequency])) {
    field = kInputs[kCbFrequency];
    return "not a whole number of repeat purchase days";
  }
  if (T && v[kCbRecency] > v[kCbT]) {
    field = kInputs[kCbRecency];
    return "greater than cb_T (the last purchase cannot come after the observation date)";
  }
  if (T && v[kCbFrequency] == 0 && v[kCbRecency] != 0) {
    field = kInputs[kCbRecency];
    return "must be 0 when cb_frequency is 0";
  }
  return "";
}

struct Profiles {
  profile::FeatureTable table;
  size_t rows_read = 0;
  std::vector<Reject> rejects;
  std::vector<std::string> header;              // as read, BOM removed
  size_t oneid_column = 0;
  std::vector<std::vector<std::string>> cells;  // accepted rows' fields, kept with keep_cells only
};

absl::StatusOr<Profiles> ReadProfiles(const std::string& path, bool keep_cells) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read '", path, "'"));
  std::vector<std::string> header;
  if (!ReadCsvRecord(in, header)) return absl::InvalidArgumentError(absl::StrCat(path, ": empty file, expected a header row"));
  if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);  // Excel's BOM
  auto column_of = [&](const std::string& name) -> absl::StatusOr<size_t> {
    size_t found = header.size();
    for (size_t c = 0; c < header.size(); ++c) {
      if (header[c] != name) continue;
      if (found != header.size()) return absl::InvalidArgumentError(absl::StrCat(path, ": column '", name, "' appears twice"));
      found = c;
    }
    if (found == header.size()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": the header has no '", name,
                                                     "' column (expected the CSV of 'oneid profile')"));
    }
    return found;
  };
  absl::StatusOr<size_t> oneid_col = column_of("oneid");
  if (!oneid_col.ok()) return oneid_col.status();
  std::vector<size_t> input_col;
  for (const std::string& name : kInputs) {
    absl::StatusOr<size_t> c = column_of(name);
    if (!c.ok()) return c.status();
    input_col.push_back(*c);
  }

  Profiles out;
  std::vector<profile::OneId> ids;
  std::vector<std::vector<double>> columns(kInputs.size());
  absl::flat_hash_set<profile::OneId> seen;
  std::vector<std::string> fields;
  std::vector<double> values(kInputs.size());
  size_t row = 0;
  while (ReadCsvRecord(in, fields)) {
    ++row;  // data rows count from 1; the header is row 0
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    ++out.rows_read;
    if (fields.size() != header.size()) {
      out.rejects.push_back({row, "", absl::StrCat("expected ", header.size(), " fields, got ", fields.size())});
      continue;
    }
    const std::string& id_text = fields[*oneid_col];
    uint64_t id = 0;
    auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc() || end != id_text.data() + id_text.size() || id == 0) {
      out.rejects.push_back({row, "oneid", absl::StrCat("'", id_text, "' is not a positive integer")});
      continue;
    }
    bool ok = true;
    for (size_t k = 0; k < kInputs.size() && ok; ++k) {
      if (!ParseCell(fields[input_col[k]], values[k])) {
        out.rejects.push_back({row, kInputs[k], absl::StrCat("'", fields[input_col[k]], "' is not a finite number")});
        ok = false;
      }
    }
    if (!ok) continue;
    std::string field;
    if (std::string why = Inconsistent(values, field); !why.empty()) {
      out.rejects.push_back({row, field, why});
      continue;
    }
    if (!seen.insert(id).second) {
      out.rejects.push_back({row, "oneid", absl::StrCat(id, " appears on an earlier row")});
      continue;
    }
    ids.push_back(id);
    for (size_t k = 0; k < kInputs.size(); ++k) columns[k].push_back(values[k]);
    if (keep_cells) out.cells.push_back(std::move(fields));
  }
  out.header = std::move(header);
  out.oneid_column = *oneid_col;
  absl::StatusOr<profile::FeatureTable> table = profile::FeatureTable::Create(std::move(ids));
  if (!table.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", table.status().message()));
  for (size_t k = 0; k < kInputs.size(); ++k) {
    if (absl::Status s = table->SetNumeric(kInputs[k], std::move(columns[k])); !s.ok()) return s;
  }
  out.table = *std::move(table);
  return out;
}

void PrintFit(const char* name, const score::FitReport& report) {
  std::cout << "  " << name << ": " << score::FitStatusName(report.status) << " after " << report.iterations
            << " iterations, log-likelihood " << CsvNumber(report.log_likelihood) << " over "
            << CsvNumber(report.total_weight) << " customers (" << report.distinct_rows << " distinct rows)\n";
}

}  // namespace

int RunScore(const std::vector<std::string>& args) {
  absl::StatusOr<Flags> flags =
      Flags::Parse(args, {{"profiles", true}, {"out", true}, {"rejects", true}, {"clv-months", true},
                          {"discount-rate", true}, {"horizon-days", true}, {"keep-profile", false}, {"progress", false}, {"quiet", false},
                          {"help", false}});
  const std::string help = HelpText(kHelp);
  if (std::optional<int> exit_status = FlagErrorOrHelp("score", flags, help)) return *exit_status;
  if (!flags->Has("profiles") || !flags->Has("out")) return Fail("--profiles and --out are required\n\n" + help);
  ScoreOptions options;
  absl::StatusOr<long long> months = flags->GetInt("clv-months", 12);
  if (!months.ok() || *months < 1 || *months > 1200) return Fail("--clv-months must be a whole number from 1 to 1200");
  absl::StatusOr<long long> horizon = flags->GetInt("horizon-days", 90);
  if (!horizon.ok() || *horizon < 1 || *horizon > 36500) return Fail("--horizon-days must be a whole number from 1 to 36500");
  double rate = 0.01;
  if (flags->Has("discount-rate") && (!ParseCell(flags->Get("discount-rate"), rate) || flags->Get("discount-rate").empty() ||
                                      rate < 0 || rate >= 1)) {
    return Fail("--discount-rate must be a number in [0, 1), got '" + flags->Get("discount-rate") + "'");
  }
  options.clv_months = static_cast<int>(*months);
  options.horizon_days = static_cast<int>(*horizon);
  options.monthly_discount_rate = rate;
  ProgressPrinter progress(*flags, "score");
  options.progress = progress.callback();
  Stopwatch clock;

  const bool keep = flags->Has("keep-profile");
  absl::StatusOr<Profiles> profiles = ReadProfiles(flags->Get("profiles"), keep);
  if (!profiles.ok()) return Fail(std::string(profiles.status().message()));
  progress.Step("read " + std::to_string(profiles->table.num_rows()) + " profiles", clock.Lap());
  profile::FeatureTable& table = profiles->table;
  // Rejects are written first: when the fit fails, they often say why.
  if (flags->Has("rejects")) {
    AtomicOfstream out(flags->Get("rejects"));
    if (!out) return Fail("cannot write '" + flags->Get("rejects") + "'");
    out << "row,field,reason\n";
    for (const Reject& r : profiles->rejects) WriteCsvRow(out, {std::to_string(r.row), r.field, r.reason});
    if (!out) return Fail("error writing '" + flags->Get("rejects") + "'");
  }
  absl::StatusOr<ScoreSummary> summary = AddScores(table, options);
  if (!summary.ok()) return Fail(std::string(summary.status().message()));
  progress.Step("scored", clock.Lap());

  const std::vector<std::string>& columns = summary->columns;
  // Profile columns copied through with --keep-profile: all but oneid and any the scores replace.
  std::vector<size_t> kept;
  if (keep) {
    const absl::flat_hash_set<std::string> replaced(columns.begin(), columns.end());
    for (size_t c = 0; c < profiles->header.size(); ++c) {
      if (c != profiles->oneid_column && !replaced.contains(profiles->header[c])) kept.push_back(c);
    }
  }
  {
    AtomicOfstream out(flags->Get("out"));
    if (!out) return Fail("cannot write '" + flags->Get("out") + "'");
    out << "oneid";
    for (size_t c : kept) {
      out << ',';
      WriteCsvField(out, profiles->header[c]);
    }
    for (const std::string& c : columns) out << ',' << c;
    out << '\n';
    for (size_t i = 0; i < table.num_rows(); ++i) {
      out << table.oneids()[i];
      for (size_t c : kept) {
        out << ',';
        WriteCsvField(out, profiles->cells[i][c]);
      }
      for (const std::string& c : columns) {
        out << ',';
        if (*table.KindOf(c) == profile::ColumnKind::kNumeric) {
          out << CsvNumber((*table.Numeric(c))[i]);
        } else {
          WriteCsvField(out, std::string((*table.Text(c))[i]));
        }
      }
      out << '\n';
    }
    if (!out) return Fail("error writing '" + flags->Get("out") + "'");
  }
  progress.Step("wrote the outputs", clock.Lap());

  const score::BetaGeoParams& bg = summary->bg_nbd;
  const score::GammaGammaParams& gg = summary->gamma_gamma;
  std::cout << "scored " << table.num_rows() << " profiles: " << summary->buyers << " buyers, "
            << summary->repeat_buyers << " repeat buyers\n"
            << "BG/NBD (time unit: day): r " << CsvNumber(bg.r) << ", alpha " << CsvNumber(bg.alpha) << ", a "
            << CsvNumber(bg.a) << ", b " << CsvNumber(bg.b) << "\n";
  PrintFit("fit", summary->bg_nbd_report);
  std::cout << "Gamma-Gamma: p " << CsvNumber(gg.p) << ", q " << CsvNumber(gg.q) << ", v " << CsvNumber(gg.v)
            << "\n";
  PrintFit("fit", summary->gamma_gamma_report);
  std::cout << "CLV: " << options.clv_months << " months at " << CsvNumber(options.monthly_discount_rate)
            << " a month\n";
  std::cerr << "oneid score: " << profiles->rows_read << " rows read, " << profiles->rejects.size() << " rejected"
            << (profiles->rejects.empty() || flags->Has("rejects") ? "" : " (list them with --rejects)") << "\n";
  return 0;
}

}  // namespace oneid::cli
