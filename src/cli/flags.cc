
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <istream>
#include <ostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "oneid/internal/atomic_file.h"
#include "src/cli/command.h"

namespace oneid::cli {

AtomicOfstream::AtomicOfstream(const std::string& path) : path_(path), tmp_(internal::TempPathFor(path)) {
  open(tmp_, std::ios::binary | std::ios::trunc);
}

AtomicOfstream::~AtomicOfstream() {
  if (!is_open()) return;
  close();
  if (fail()) {
    std::remove(tmp_.c_str());
    return;
  }
  // fsync, rename, fsync the directory: the library's one protocol (oneid/internal/atomic_file.h).
  if (const absl::Status committed = internal::CommitTempFile(tmp_, path_); !committed.ok()) {
    std::cerr << "oneid: " << committed.message() << "\n";
  }
}

absl::StatusOr<Flags> Flags::Parse(const std::vector<std::string>& args, const std::map<std::string, bool>& known) {
  Flags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", arg, "' (flags start with --)"));
    }
    std::string name = arg.substr(2), value;
    const size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto it = known.find(name);
    if (it == known.end()) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    if (it->second && !inline_value) {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
      value = args[++i];
    }
    if (!it->second && inline_value) {
      return absl::InvalidArgumentError(absl::StrCat("flag --", name, " takes no value"));
    }
    flags.values_[name] = value;
  }
  return flags;
}

std::string Flags::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

absl::StatusOr<long long> Flags::GetInt(const std::string& name, long long fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  long long value = 0;
  if (!absl::SimpleAtoi(it->second, &value)) {
    return absl::InvalidArgumentError(absl::StrCat("flag --", name, " wants a whole number, got '", it->second, "'"));
  }
  return value;
}

void WriteCsvField(std::ostream& out, const std::string& field) {
  // Numbers such as an E.164 phone "+8613800138000" are data, not formulas: leave them alone.
  const bool numeric = field.find_first_not_of("+-0123456789. ") == std::string::npos;
  const bool formula = !field.empty() && !numeric &&
                       (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@');
  const bool quote = formula || field.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) {
    out << field;
    return;
  }
  out << '"';
  if (formula) out << '\'';
  for (char c : field) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

// RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks.
bool ReadCsvRecord(std::istream& in, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  bool quoted = false, any = false;
  char c;
  while (in.get(c)) {
    any = true;
    if (quoted) {
      if (c == '"') {
        if (in.peek() == '"') {
          field.push_back('"');
          in.get();
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  if (!any) return false;
  fields.push_back(std::move(field));
  return true;
}

void WriteCsvRow(std::ostream& out, std::initializer_list<std::string> fields) {
  bool first = true;
  for (const std::string& field : fields) {
    if (!first) out << ',';
    first = false;
    WriteCsvField(out, field);
  }
  out << '\n';
}

int CommandError(const char* command, const std::string& message) {
  std::cerr << "oneid " << command << ": " << message << "\n";
  return 1;
}

std::optional<int> FlagErrorOrHelp(const char* command, const absl::StatusOr<Flags>& flags, const std::string& help) {
  if (!flags.ok()) return CommandError(command, absl::StrCat(flags.status().message(), "\n\n", help));
  if (flags->Has("help")) {
    std::cout << help;
    return 0;
  }
  return std::nullopt;
}

std::string CsvNumber(double value) {
  if (std::isnan(value)) return "";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  return buffer;
}

}  // namespace oneid::cli
