// oneid resolve: CSV in, account -> OneID CSV out, optionally continuing from and saving a snapshot
// so that daily batches keep their OneIDs.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "oneid/identity/resolver.h"
#include "src/cli/command.h"
#include "src/cli/progress_printer.h"

namespace oneid::cli {
namespace {

constexpr char kHelp[] =
    "usage: oneid resolve --accounts FILE.csv --out ONEIDS.csv [flags]\n"
    "\n"
    "Reads one account per CSV row (header: account_id, optional source, then one column per\n"
    "identifier named by its type: phone, email, unionid, openid, device_id, member_card, buyer_id,\n"
    "alipay; 'phone#2' is a second phone column; openid cells are 'appid:openid'), links accounts\n"
    "that share a normalised identifier under the default merge guards, and writes account_id,oneid.\n"
    "\n"
    "flags:\n"
    "  --accounts FILE     accounts CSV to read (required)\n"
    "  --out FILE          where to write account_id,oneid (required)\n"
    "  --snapshot FILE     state file: loaded first if it exists, saved after the batch, so OneIDs\n"
    "                      stay stable across runs\n"
    "  --merge-log FILE    write the merge log (CSV)\n"
    "  --rejects FILE      write rejected rows/fields and refused links (CSV)\n"
    "  --region CC         default phone region, ISO 3166 alpha-2 (default CN)\n"
    "  --hash-values       keep only salted SHA-256 of identifiers (needs ONEID_SALT)\n"
    "  --threads N         threads that normalise identifiers (default: the machine's cores);\n"
    "                      results are the same for any N\n"
    "%PROGRESS%"
    "  --help              this text\n"
    "\n"
    "environment: ONEID_SALT  secret salt for hashing and erase tombstones (never written to disk)\n";

int Fail(const std::string& message) { return CommandError("resolve", message); }

}  // namespace

int RunResolve(const std::vector<std::string>& args) {
  absl::StatusOr<Flags> flags = Flags::Parse(args, {{"accounts", true}, {"out", true}, {"snapshot", true},
                                                    {"merge-log", true}, {"rejects", true}, {"region", true},
                                                    {"hash-values", false}, {"threads", true}, {"progress", false},
                                                    {"quiet", false}, {"help", false}});
  const std::string help = HelpText(kHelp);
  if (std::optional<int> exit_status = FlagErrorOrHelp("resolve", flags, help)) return *exit_status;
  if (!flags->Has("accounts") || !flags->Has("out")) return Fail("--accounts and --out are required\n\n" + help);
  ProgressPrinter progress(*flags, "resolve");
  Stopwatch clock;

  identity::IdentityConfig config = identity::DefaultIdentityConfig();
  config.default_region = flags->Get("region", "CN");
  if (const char* salt = std::getenv("ONEID_SALT")) config.salt = salt;
  config.hash_values = flags->Has("hash-values");
  const absl::StatusOr<long long> threads = flags->GetInt("threads", 0);
  if (!threads.ok()) return Fail(std::string(threads.status().message()));
  if (*threads < 0 || *threads > 256 || (flags->Has("threads") && *threads == 0)) {
    return Fail("--threads must be from 1 to 256");
  }
  config.threads = static_cast<uint32_t>(*threads);

  const std::string snapshot = flags->Get("snapshot");
  absl::StatusOr<identity::Resolver> resolver = absl::UnknownError("unset");
  if (!snapshot.empty() && std::ifstream(snapshot).good()) {
    resolver = identity::Resolver::LoadSnapshot(snapshot, config);
  } else {
    resolver = identity::Resolver::Create(config);
  }
  if (!resolver.ok()) return Fail(std::string(resolver.status().message()));

  identity::BatchReport csv_report;
  absl::StatusOr<identity::AccountTable> table = identity::ReadAccountsCsvFile(flags->Get("accounts"), csv_report);
  if (!table.ok()) return Fail(std::string(table.status().message()));
  progress.Step("read " + std::to_string(table->row_count()) + " accounts from " + flags->Get("accounts"), clock.Lap());
  absl::StatusOr<identity::BatchReport> report = resolver->AddBatch(*table, progress.callback());
  if (!report.ok()) return Fail(std::string(report.status().message()));
  // Rows the CSV reader rejected count as rows of this batch.
  report->rows_read += csv_report.rows_rejected;
  report->rows_rejected += csv_report.rows_rejected;
  report->errors.insert(report->errors.begin(), csv_report.errors.begin(), csv_report.errors.end());

  {
    AtomicOfstream out(flags->Get("out"));
    if (!out) return Fail("cannot write '" + flags->Get("out") + "'");
    out << "account_id,oneid\n";
    const identity::Assignments assignments = resolver->GetAssignments();
    for (size_t i = 0; i < assignments.account_ids.size(); ++i) {
      WriteCsvField(out, assignments.account_ids[i]);
      out << ',' << assignments.oneids[i] << '\n';
    }
    if (!out) return Fail("error writing '" + flags->Get("out") + "'");
  }
  if (flags->Has("merge-log")) {
    AtomicOfstream out(flags->Get("merge-log"));
    if (!out) return Fail("cannot write '" + flags->Get("merge-log") + "'");
    out << "kind,batch,survivor,absorbed,type,value,account_id,cause\n";
    for (const identity::MergeEvent& e : resolver->MergeLog()) {
      WriteCsvRow(out, {identity::LogEventKindName(e.kind), std::to_string(e.batch), std::to_string(e.survivor),
                        std::to_string(e.absorbed), e.type, e.value, e.account_id, e.cause});
    }
  }
  if (flags->Has("rejects")) {
    AtomicOfstream out(flags->Get("rejects"));
    if (!out) return Fail("cannot write '" + flags->Get("rejects") + "'");
    out << "what,row,field,account_id,type,value,reason\n";
    for (const identity::RowError& e : report->errors) {
      WriteCsvRow(out, {e.row_rejected ? "row_rejected" : "field_rejected", std::to_string(e.row), e.field, "", "", "",
                        e.reason});
    }
    for (const identity::RefusedLink& r : report->refused) {
      WriteCsvRow(out, {identity::RefusalReasonName(r.reason), "", "", r.account_id, r.type, r.value, r.detail});
    }
  }
  if (!snapshot.empty()) {
    if (absl::Status saved = resolver->SaveSnapshot(snapshot); !saved.ok()) return Fail(std::string(saved.message()));
  }
  progress.Step("wrote the outputs", clock.Lap());
  const identity::ResolverStats stats = resolver->Stats();
  std::cerr << "oneid resolve: batch " << report->batch << ": " << report->rows_read << " rows read, "
            << report->rows_accepted << " accepted, " << report->rows_rejected << " rows and "
            << report->fields_rejected << " fields rejected; " << report->links_refused
            << " links refused by guards, " << report->values_junk << " junk values, "
            << report->values_blocklisted << " blocklisted cells; " << stats.accounts << " accounts -> "
            << stats.persons << " OneIDs\n";
  if (report->errors.size() < report->rows_rejected + report->fields_rejected) {
    std::cerr << "oneid resolve: only the first " << report->errors.size() << " errors are listed\n";
  }
  return 0;
}

}  // namespace oneid::cli
