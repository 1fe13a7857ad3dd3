// oneid profile: accounts + events CSVs in, one profile row per OneID out.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>

#include "oneid/identity/resolver.h"
#include "oneid/profile/events.h"
#include "oneid/profile/profile_builder.h"
#include "src/cli/command.h"
#include "src/cli/progress_printer.h"

namespace oneid::cli {
namespace {

constexpr char kHelp[] =
    "usage: oneid profile --accounts ACCOUNTS.csv --orders ORDERS.csv --as-of DATE --out PROFILES.csv [flags]\n"
    "\n"
    "Resolves the accounts to OneIDs (as 'oneid resolve' does, or from --snapshot), re-keys the\n"
    "events through that map and writes one row per OneID with every profile feature as of DATE\n"
    "(see docs/profile.md). Rows that cannot be used (unparseable time, NaN or infinite amount,\n"
    "unknown channel or event kind, a time after DATE, an account the map does not know) are\n"
    "counted on stderr and listed with --rejects; they never stop the run.\n"
    "\n"
    "orders CSV:    account_id,time,channel,amount[,order_id,store,category,discount,coupon_used]\n"
    "behaviour CSV: account_id,time,channel,kind[,value]\n"
    "  time: ISO 8601 (2024-03-05, 2024-03-05T10:20:00, optional Z or +08:00), UTC if no offset\n"
    "  channel: pos, tmall, jd, douyin, miniprogram, wecom, app, web\n"
    "  kind: browse, add_to_cart, favourite, share, store_visit, coupon_claimed, coupon_redeemed,\n"
    "        service_ticket, complaint, points_earned, points_spent (value = points)\n"
    "\n"
    "flags:\n"
    "  --accounts FILE        accounts CSV (as for 'oneid resolve'); required unless --snapshot\n"
    "  --snapshot FILE        resolver snapshot to load instead of (or before) --accounts\n"
    "  --orders FILE          order lines CSV (required)\n"
    "  --behaviour FILE       behaviour events CSV\n"
    "  --as-of DATE           observation date; a bare date means the end of that day (required)\n"
    "  --out FILE             profiles CSV to write (required): oneid, then every feature; empty\n"
    "                         cells are NaN (not defined); sets are joined with '|'\n"
    "  --rejects FILE         write every rejected row: file,row,field,reason\n"
    "  --top-categories N     size of the top_categories set (default 3)\n"
    "%PROGRESS%"
    "  --help                 this text\n"
    "\n"
    "environment: ONEID_SALT  secret salt (needed only to load a salted snapshot)\n";

int Fail(const std::string& message) { return CommandError("profile", message); }

std::string Number(double v) {
  if (std::isnan(v)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.10g", v);
  return buffer;
}

}  // namespace

int RunProfile(const std::vector<std::string>& args) {
  absl::StatusOr<Flags> flags =
      Flags::Parse(args, {{"accounts", true}, {"snapshot", true}, {"orders", true}, {"behaviour", true},
                          {"as-of", true}, {"out", true}, {"rejects", true}, {"top-categories", true},
                          {"progress", false}, {"quiet", false}, {"help", false}});
  const std::string help = HelpText(kHelp);
  if (std::optional<int> exit_status = FlagErrorOrHelp("profile", flags, help)) return *exit_status;
  if ((!flags->Has("accounts") && !flags->Has("snapshot")) || !flags->Has("orders") || !flags->Has("as-of") ||
      !flags->Has("out")) {
    return Fail("--accounts (or --snapshot), --orders, --as-of and --out are required\n\n" + help);
  }
  ProgressPrinter progress(*flags, "profile");
  Stopwatch clock;
  absl::StatusOr<profile::Timestamp> as_of = profile::ParseObservationDate(flags->Get("as-of"));
  if (!as_of.ok()) return Fail("--as-of: " + std::string(as_of.status().message()));
  absl::StatusOr<long long> top = flags->GetInt("top-categories", 3);
  if (!top.ok() || *top < 0) return Fail("--top-categories must be a non-negative integer");

  // Identity.
  identity::IdentityConfig config = identity::DefaultIdentityConfig();
  if (const char* salt = std::getenv("ONEID_SALT")) config.salt = salt;
  absl::StatusOr<identity::Resolver> resolver = absl::UnknownError("unset");
  const std::string snapshot = flags->Get("snapshot");
  if (!snapshot.empty()) {
    resolver = identity::Resolver::LoadSnapshot(snapshot, config);
  } else {
    resolver = identity::Resolver::Create(config);
  }
  if (!resolver.ok()) return Fail(std::string(resolver.status().message()));
  if (flags->Has("accounts")) {
    identity::BatchReport csv_report;
    absl::StatusOr<identity::AccountTable> accounts = identity::ReadAccountsCsvFile(flags->Get("accounts"), csv_report);
    if (!accounts.ok()) return Fail(std::string(accounts.status().message()));
    progress.Step("read " + std::to_string(accounts->row_count()) + " accounts", clock.Lap());
    absl::StatusOr<identity::BatchReport> added = resolver->AddBatch(*accounts, progress.callback());
    if (!added.ok()) return Fail(std::string(added.status().message()));
    if (csv_report.rows_rejected + added->rows_rejected > 0) {
      std::cerr << "oneid profile: " << csv_report.rows_rejected + added->rows_rejected
                << " account rows rejected (see 'oneid resolve --rejects')\n";
    }
  }
  const profile::AccountMap map = profile::AccountMap::FromAssignments(resolver->GetAssignments());

  // Events.
  profile::EventReport order_read, behaviour_read;
  absl::StatusOr<profile::OrderTable> orders = profile::ReadOrdersCsvFile(flags->Get("orders"), order_read);
  if (!orders.ok()) return Fail(std::string(orders.status().message()));
  progress.Step("read " + std::to_string(orders->row_count()) + " order lines", clock.Lap());
  profile::BehaviorTable behaviour;
  if (flags->Has("behaviour")) {
    absl::StatusOr<profile::BehaviorTable> read = profile::ReadBehaviorCsvFile(flags->Get("behaviour"), behaviour_read);
    if (!read.ok()) return Fail(std::string(read.status().message()));
    behaviour = *std::move(read);
    progress.Step("read " + std::to_string(behaviour.row_count()) + " behaviour events", clock.Lap());
  }
  profile::ProfileOptions options;
  options.as_of = *as_of;
  options.top_categories = static_cast<size_t>(*top);
  options.progress = progress.callback();
  absl::StatusOr<profile::ProfileBuilder> builder = profile::ProfileBuilder::Create(options);
  if (!builder.ok()) return Fail(std::string(builder.status().message()));
  const profile::EventReport order_fold = builder->AddOrders(*orders, map);
  const profile::EventReport behaviour_fold = builder->AddBehavior(behaviour, map);
  absl::StatusOr<profile::FeatureTable> table = builder->Build(map);
  if (!table.ok()) return Fail(std::string(table.status().message()));

  {
    AtomicOfstream out(flags->Get("out"));
    if (!out) return Fail("cannot write '" + flags->Get("out") + "'");
    const std::vector<std::string> names = table->ColumnNames();
    out << "oneid";
    for (const std::string& name : names) out << ',' << name;
    out << '\n';
    for (size_t r = 0; r < table->num_rows(); ++r) {
      out << table->oneids()[r];
      for (const std::string& name : names) {
        out << ',';
        switch (*table->KindOf(name)) {
          case profile::ColumnKind::kNumeric: out << Number((*table->Numeric(name))[r]); break;
          case profile::ColumnKind::kText: WriteCsvField(out, (*table->Text(name))[r]); break;
          case profile::ColumnKind::kTextSet: {
            std::string joined;
            for (const std::string& v : (*table->TextSet(name))->Row(r)) joined += (joined.empty() ? "" : "|") + v;
            WriteCsvField(out, joined);
            break;
          }
        }
      }
      out << '\n';
    }
    if (!out) return Fail("error writing '" + flags->Get("out") + "'");
  }
  if (flags->Has("rejects")) {
    AtomicOfstream out(flags->Get("rejects"));
    if (!out) return Fail("cannot write '" + flags->Get("rejects") + "'");
    out << "file,row,field,reason\n";
    const std::pair<const char*, const profile::EventReport*> reports[] = {
        {"orders", &order_read}, {"orders", &order_fold}, {"behaviour", &behaviour_read}, {"behaviour", &behaviour_fold}};
    for (const auto& [file, report] : reports) {
      for (const identity::RowError& e : report->errors) WriteCsvRow(out, {file, std::to_string(e.row), e.field, e.reason});
    }
  }
  const size_t rejected = order_read.rows_rejected + order_fold.rows_rejected + behaviour_read.rows_rejected +
                          behaviour_fold.rows_rejected;
  progress.Step("wrote the outputs", clock.Lap());
  std::cerr << "oneid profile: " << order_read.rows_read << " order lines and " << behaviour_read.rows_read
            << " behaviour events read; " << rejected << " rejected (" << order_fold.unknown_accounts + behaviour_fold.unknown_accounts
            << " unknown accounts, " << order_fold.after_as_of + behaviour_fold.after_as_of << " after --as-of); "
            << table->num_rows() << " profiles as of " << profile::FormatTimestamp(*as_of) << "\n";
  return 0;
}

}  // namespace oneid::cli
