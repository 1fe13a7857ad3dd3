// The versioned text form every customer-base model saves and loads:
//
//   oneid-clv 2 <model kind>
//   <name> <value>            one line per parameter, %.17g so that doubles round-trip exactly
//   fit <status> <iterations> <log_likelihood> <gradient_norm> <total_weight> <distinct_rows>
//   covariance <N x N values, row-major>    (version 2; only for a model fitted on data)
//
// Version 1 files (no covariance line) are still read.
//
// Internal: the models' Save()/Load() wrap it.
#ifndef ONEID_SCORE_DETAIL_MODEL_TEXT_H_
#define ONEID_SCORE_DETAIL_MODEL_TEXT_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "oneid/score/fit_report.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {

inline constexpr int kModelTextVersion = 2;

std::string WriteModelText(std::string_view kind, std::span<const std::string_view> names,
                           std::span<const double> values, const FitReport& report);

// The parameter values in `names` order. InvalidArgument for another model kind, a newer version,
// a missing, repeated, unknown or unparsable line.
absl::StatusOr<std::vector<double>> ReadModelText(std::string_view text, std::string_view kind,
                                                  std::span<const std::string_view> names, FitReport* report);

}  // namespace detail
}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_DETAIL_MODEL_TEXT_H_
