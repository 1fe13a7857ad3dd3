#include "src/cli/progress_printer.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace oneid::cli {
namespace {

// 1234567 -> "1.23M", for rates.
std::string Short(double v) {
  char buffer[32];
  if (v >= 1e6) {
    std::snprintf(buffer, sizeof buffer, "%.2fM", v / 1e6);
  } else if (v >= 1e4) {
    std::snprintf(buffer, sizeof buffer, "%.0fk", v / 1e3);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
  }
  return buffer;
}

std::string Duration(double seconds) {
  char buffer[32];
  if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%.0fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buffer, sizeof buffer, "%dm%02ds", static_cast<int>(seconds / 60), static_cast<int>(seconds) % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%dh%02dm", static_cast<int>(seconds / 3600),
                  static_cast<int>(seconds / 60) % 60);
  }
  return buffer;
}

}  // namespace

std::string HelpText(std::string_view help) {
  constexpr std::string_view kMarker = "%PROGRESS%";
  constexpr std::string_view kLines =
      "  --progress            show progress (stage, percent, rate, ETA) on stderr even when it is\n"
      "                        not a terminal (on a terminal it is shown anyway)\n"
      "  --quiet               never show progress; errors and the summary still print\n";
  std::string out(help);
  if (const size_t at = out.find(kMarker); at != std::string::npos) out.replace(at, kMarker.size(), kLines);
  return out;
}

ProgressCallback Renamed(const ProgressCallback& progress, std::string stage) {
  if (!progress) return {};
  return [progress, stage = std::move(stage)](std::string_view, uint64_t done, uint64_t total) {
    progress(stage, done, total);
  };
}

ProgressPrinter::ProgressPrinter(const Flags& flags, std::string_view command)
    : tty_(::isatty(STDERR_FILENO) == 1), prefix_("oneid " + std::string(command) + ": ") {
  enabled_ = !flags.Has("quiet") && (flags.Has("progress") || tty_);
}

ProgressPrinter::~ProgressPrinter() { EndLine(); }

ProgressCallback ProgressPrinter::callback() {
  if (!enabled_) return {};
  return [this](std::string_view stage, uint64_t done, uint64_t total) { Report(stage, done, total); };
}

void ProgressPrinter::EndLine() {
  if (!open_line_) return;
  std::cerr << '\n' << std::flush;
  open_line_ = false;
}

void ProgressPrinter::Report(std::string_view stage, uint64_t done, uint64_t total) {
  const auto now = std::chrono::steady_clock::now();
  if (stage != stage_ || done == 0) {
    EndLine();
    stage_ = std::string(stage);
    stage_start_ = now;
  }
  const double elapsed = std::chrono::duration<double>(now - stage_start_).count();
  const bool last = total != 0 && done == total;
  char line[256];
  int n = 0;
  if (total != 0) {
    n = std::snprintf(line, sizeof line, "%s%-20s %5.1f%%  %llu/%llu", prefix_.c_str(), stage_.c_str(),
                      100.0 * static_cast<double>(done) / static_cast<double>(total),
                      static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
  } else {
    n = std::snprintf(line, sizeof line, "%s%-20s %llu", prefix_.c_str(), stage_.c_str(),
                      static_cast<unsigned long long>(done));
  }
  std::string text(line, n > 0 ? static_cast<size_t>(n) : 0);
  if (elapsed > 0 && done > 0) {
    const double rate = static_cast<double>(done) / elapsed;
    text += "  " + Short(rate) + "/s";
    if (last) {
      text += "  in " + Duration(elapsed);
    } else if (total != 0) {
      text += "  ETA " + Duration(static_cast<double>(total - done) / rate);
    }
  }
  if (tty_) {
    // Rewrite the line in place; pad so that a shorter line covers a longer one.
    if (text.size() < 78) text.append(78 - text.size(), ' ');
    std::cerr << '\r' << text << std::flush;
    open_line_ = true;
    if (last) EndLine();
  } else {
    std::cerr << text << '\n' << std::flush;
  }
}

void ProgressPrinter::Step(std::string_view what, double seconds) {
  if (!enabled_) return;
  EndLine();
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2fs", seconds);
  std::cerr << prefix_ << what << " in " << buffer << '\n' << std::flush;
}

}  // namespace oneid::cli
