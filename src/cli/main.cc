// oneid: command-line entry point. `oneid <command> --help` describes each command.
#include <iostream>
#include <string>
#include <vector>

#include "src/cli/command.h"

namespace {

constexpr char kUsage[] =
    "usage: oneid <command> [flags]\n"
    "\n"
    "commands:\n"
    "  resolve   read accounts from CSV, resolve them to OneIDs, write the account -> OneID map\n"
    "  segment   read profiles from CSV, add lifecycle stage, value tier, tags and an audience,\n"
    "            write segments (and fired triggers) as CSV\n"
    "  profile   read accounts and order/behaviour CSVs, write one profile row per OneID as of a date\n"
    "  demo      generate an omni-channel data set with known people, resolve it into SQLite and\n"
    "            report identity statistics and quality against the truth\n"
    "\n"
    "Run 'oneid <command> --help' for the flags of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      std::string(argv[1]) == "help") {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "resolve") return oneid::cli::RunResolve(args);
  if (command == "demo") return oneid::cli::RunDemo(args);
  if (command == "profile") return oneid::cli::RunProfile(args);
  if (command == "segment") return oneid::cli::RunSegment(args);
  std::cerr << "oneid: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}
