// The oneid command-line tool: one function per sub-command and a tiny flag parser shared by them.
#ifndef ONEID_SRC_CLI_COMMAND_H_
#define ONEID_SRC_CLI_COMMAND_H_

#include <fstream>
#include <initializer_list>
#include <istream>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace oneid::cli {

// Parsed "--name=value" / "--name value" / "--switch" arguments of one sub-command.
class Flags {
 public:
  // `known` maps every accepted flag to whether it takes a value. Unknown flags are an error.
  static absl::StatusOr<Flags> Parse(const std::vector<std::string>& args, const std::map<std::string, bool>& known);
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  absl::StatusOr<long long> GetInt(const std::string& name, long long fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

// An output file that appears whole or not at all: it is written to "<path>.tmp.<pid>", then made
// durable and renamed over `path` when closed in a good state (internal::CommitTempFile), so a
// process killed mid-write (or a write error) leaves the previous file, never half of a new one. A
// file closed in a failed state is removed; a failed commit is reported on stderr.
class AtomicOfstream : public std::ofstream {
 public:
  explicit AtomicOfstream(const std::string& path);
  ~AtomicOfstream() override;
  AtomicOfstream(const AtomicOfstream&) = delete;
  AtomicOfstream& operator=(const AtomicOfstream&) = delete;

 private:
  std::string path_, tmp_;
};

// Writes one CSV field, quoted when it holds a comma, quote or line break. A non-numeric field that
// starts with = + - @ is prefixed with a quote mark so spreadsheets do not run it as a formula.
void WriteCsvField(std::ostream& out, const std::string& field);
// Writes a whole CSV record (fields separated by commas, then a newline).
void WriteCsvRow(std::ostream& out, std::initializer_list<std::string> fields);

// Reads one RFC 4180 record (quoted fields may hold commas, doubled quotes and line breaks; a CR
// before the newline is dropped). False at the end of the input.
bool ReadCsvRecord(std::istream& in, std::vector<std::string>& fields);

// Prints "oneid <command>: <message>" on stderr and returns exit status 1.
int CommandError(const char* command, const std::string& message);
// The start every command shares once its flags are parsed: a flag error is printed with the help
// (exit status 1), --help prints the help (0); nullopt means "go on".
std::optional<int> FlagErrorOrHelp(const char* command, const absl::StatusOr<Flags>& flags, const std::string& help);
// A number for a CSV cell: "" for NaN (not defined), else 15 significant digits.
std::string CsvNumber(double value);

int RunResolve(const std::vector<std::string>& args);
int RunDemo(const std::vector<std::string>& args);
int RunProfile(const std::vector<std::string>& args);
int RunSegment(const std::vector<std::string>& args);
int RunScore(const std::vector<std::string>& args);

}  // namespace oneid::cli

#endif  // ONEID_SRC_CLI_COMMAND_H_
