// The versioned text form of the customer-base models.
#include "oneid/score/detail/model_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {
namespace {

template <typename Int>
bool ParseInt(const std::string& text, Int* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

// strtod, not from_chars: it reads "inf"/"nan" the way %.17g writes them.
bool ParseDouble(const std::string& text, double* out) {
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

std::string Exact(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.17g", v);
  return buffer;
}

}  // namespace

std::string WriteModelText(std::string_view kind, std::span<const std::string_view> names,
                           std::span<const double> values, const FitReport& report) {
  std::string out = absl::StrCat("oneid-clv ", kModelTextVersion, " ", std::string(kind), "\n");
  for (size_t i = 0; i < names.size(); ++i) absl::StrAppend(&out, std::string(names[i]), " ", Exact(values[i]), "\n");
  absl::StrAppend(&out, "fit ", std::string(FitStatusName(report.status)), " ", report.iterations, " ", Exact(report.log_likelihood),
                  " ", Exact(report.gradient_norm), " ", Exact(report.total_weight), " ", report.distinct_rows, "\n");
  // The covariance makes intervals possible after Load (prediction_intervals.h).
  if (!report.covariance.empty()) {
    absl::StrAppend(&out, "covariance");
    for (double v : report.covariance) absl::StrAppend(&out, " ", Exact(v));
    absl::StrAppend(&out, "\n");
  }
  return out;
}

absl::StatusOr<std::vector<double>> ReadModelText(std::string_view text, std::string_view kind,
                                                  std::span<const std::string_view> names, FitReport* report) {
  // Abseil's string utilities take absl::string_view, which Debian's build keeps distinct from
  // std::string_view; plain streams keep this parser independent of that.
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("not a oneid ", std::string(kind), " model: ", why));
  };
  std::istringstream in{std::string(text)};
  std::string line;
  std::vector<std::vector<std::string>> lines;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::vector<std::string> fields;
    std::string word;
    while (words >> word) fields.push_back(word);
    if (!fields.empty()) lines.push_back(std::move(fields));
  }
  if (lines.empty()) return bad("empty text");
  const std::vector<std::string>& header = lines[0];
  int version = 0;
  if (header.size() != 3 || header[0] != "oneid-clv" || !ParseInt(header[1], &version)) {
    return bad("missing 'oneid-clv <version> <kind>' header");
  }
  if (version > kModelTextVersion) {
    return absl::InvalidArgumentError(absl::StrCat("model text version ", version, " is newer than this oneid reads (",
                                                   kModelTextVersion, ")"));
  }
  if (header[2] != kind) return bad("it holds a " + header[2] + " model");
  std::vector<double> values(names.size());
  std::vector<bool> seen(names.size(), false);
  bool fit_seen = false;
  std::vector<double> covariance;
  for (size_t l = 1; l < lines.size(); ++l) {
    const std::vector<std::string>& fields = lines[l];
    if (fields[0] == "covariance") {
      if (fields.size() != names.size() * names.size() + 1 || !covariance.empty()) return bad("malformed 'covariance' line");
      covariance.resize(names.size() * names.size());
      for (size_t k = 0; k < covariance.size(); ++k) {
        if (!ParseDouble(fields[k + 1], &covariance[k])) return bad("unparsable 'covariance' line");
      }
      continue;
    }
    if (fields[0] == "fit") {
      if (fields.size() != 7 || fit_seen) return bad("malformed 'fit' line");
      FitReport r;
      if (fields[1] == "converged") r.status = FitStatus::kConverged;
      else if (fields[1] == "no_convergence") r.status = FitStatus::kNoConvergence;
      else if (fields[1] == "numerical_issue") r.status = FitStatus::kNumericalIssue;
      else if (fields[1] == "not_fitted") r.status = FitStatus::kNotFitted;
      else return bad("unknown fit status");
      if (!ParseInt(fields[2], &r.iterations) || !ParseDouble(fields[3], &r.log_likelihood) ||
          !ParseDouble(fields[4], &r.gradient_norm) || !ParseDouble(fields[5], &r.total_weight) ||
          !ParseInt(fields[6], &r.distinct_rows)) {
        return bad("unparsable 'fit' line");
      }
      if (report != nullptr) *report = r;
      fit_seen = true;
      continue;
    }
    size_t i = 0;
    while (i < names.size() && names[i] != fields[0]) ++i;
    if (i == names.size()) return bad("unknown parameter '" + fields[0] + "'");
    if (seen[i]) return bad("parameter '" + fields[0] + "' appears twice");
    if (fields.size() != 2 || !ParseDouble(fields[1], &values[i])) return bad("unparsable value of '" + fields[0] + "'");
    seen[i] = true;
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (!seen[i]) return bad("parameter '" + std::string(names[i]) + "' is missing");
  }
  if (!fit_seen) return bad("the 'fit' line is missing");
  if (report != nullptr && !covariance.empty()) {
    report->standard_errors.resize(names.size());
    for (size_t i = 0; i < names.size(); ++i) report->standard_errors[i] = std::sqrt(covariance[i * names.size() + i]);
    report->covariance = std::move(covariance);
  }
  return values;
}

}  // namespace detail
}  // namespace score
}  // namespace v0
}  // namespace oneid
