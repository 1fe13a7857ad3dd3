// oneid: command-line entry point. `oneid <command> --help` (or `oneid help <command>`) describes
// each command.
#include <iostream>
#include <string>
#include <vector>

#include "src/cli/command.h"

namespace {

constexpr char kUsage[] =
    "usage: oneid <command> [flags]\n"
    "\n"
    "commands, in the order data flows:\n"
    "  resolve   read accounts from CSV, resolve them to OneIDs, write the account -> OneID map\n"
    "  profile   read accounts and order/behaviour CSVs, write one profile row per OneID as of a date\n"
    "  score     read profiles from CSV, fit BG/NBD + Gamma-Gamma, write RFM scores and segments,\n"
    "            P(alive), expected purchases and CLV per OneID\n"
    "  segment   read profiles (and scores) from CSV, add lifecycle stage, value tier, tags and an\n"
    "            audience, write segments (and fired triggers) as CSV\n"
    "  demo      generate an omni-channel data set with known people, resolve it into SQLite, run\n"
    "            profiles -> scores -> segments and report identity statistics and quality\n"
    "  help CMD  the flags of a command (the same as 'oneid CMD --help')\n"
    "\n"
    "Every command shows progress on stderr (stage, percent, rate, ETA) when stderr is a terminal;\n"
    "--progress shows it always, --quiet never. Outputs are the same either way.\n"
    "\n"
    "Run 'oneid <command> --help' for the flags of a command.\n";

using Command = int (*)(const std::vector<std::string>&);

Command Find(const std::string& name) {
  if (name == "resolve") return oneid::cli::RunResolve;
  if (name == "profile") return oneid::cli::RunProfile;
  if (name == "score") return oneid::cli::RunScore;
  if (name == "segment") return oneid::cli::RunSegment;
  if (name == "demo") return oneid::cli::RunDemo;
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    if (command == "help" && argc >= 3) {
      if (Command run = Find(argv[2])) return run({"--help"});
      std::cerr << "oneid: unknown command '" << argv[2] << "'\n\n" << kUsage;
      return 2;
    }
    std::cout << kUsage;
    return 0;
  }
  if (Command run = Find(command)) return run(std::vector<std::string>(argv + 2, argv + argc));
  std::cerr << "oneid: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}
