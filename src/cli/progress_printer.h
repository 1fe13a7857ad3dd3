// ProgressPrinter: how the oneid commands show long runs. Library calls report through a
// oneid::ProgressCallback (oneid/progress.h); this turns those reports into lines on stderr:
//
//   oneid resolve: resolve: accounts   42.0%  1260000/3000000  815k/s  ETA 2s
//
// updated in place on a terminal, one line per report otherwise. It is on when stderr is a
// terminal, always with --progress and never with --quiet; stdout and the output files never see
// it, so they are the same whether it is on or off.
#ifndef ONEID_SRC_CLI_PROGRESS_PRINTER_H_
#define ONEID_SRC_CLI_PROGRESS_PRINTER_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "oneid/progress.h"
#include "src/cli/command.h"

namespace oneid::cli {

class ProgressPrinter {
 public:
  // `command` prefixes every line ("resolve" -> "oneid resolve: ").
  ProgressPrinter(const Flags& flags, std::string_view command);
  ProgressPrinter(const ProgressPrinter&) = delete;
  ProgressPrinter& operator=(const ProgressPrinter&) = delete;
  ~ProgressPrinter();

  bool enabled() const { return enabled_; }
  // A callback for library options; empty (no reporting, no cost) when disabled. It refers to
  // this printer, which must outlive the calls it is passed to.
  ProgressCallback callback();
  // One finished step with its wall time, e.g. "read 3000000 accounts in 1.2s"; shown only when
  // enabled.
  void Step(std::string_view what, double seconds);

 private:
  void Report(std::string_view stage, uint64_t done, uint64_t total);
  void EndLine();

  bool enabled_ = false;
  bool tty_ = false;
  bool open_line_ = false;  // an in-place line is on screen and has no newline yet
  std::string prefix_;
  std::string stage_;
  std::chrono::steady_clock::time_point stage_start_;
};

// A command's help text with its "%PROGRESS%" line replaced by the --progress and --quiet flags,
// which every command takes.
std::string HelpText(std::string_view help);

// `progress` with every stage reported as `stage` ("fit" -> "fit BG/NBD"); empty if it is empty.
ProgressCallback Renamed(const ProgressCallback& progress, std::string stage);

// Wall time between laps.
class Stopwatch {
 public:
  double Lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace oneid::cli

#endif  // ONEID_SRC_CLI_PROGRESS_PRINTER_H_
