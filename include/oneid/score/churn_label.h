// Churn labels from a transaction log: a customer has churned at `cutoff` when they made no
// purchase in the H days after it, that is in (cutoff, cutoff + H].
//
//   // customer[i] bought on day[i] (days since any fixed origin; fractions allowed).
//   absl::StatusOr<ChurnLabels> labels = oneid::score::ChurnLabelsFromLog(customer, day,
//       {.cutoff = 365, .horizon_days = 90});
//   labels->customers[k], labels->churned[k]   // 1 = no purchase in (365, 455]
//
// Only customers with at least one purchase on or before the cut-off are eligible: someone who
// first buys after the cut-off cannot have churned at it, and the model sees features as of the
// cut-off, when that person did not exist yet. Purchases after cutoff + H do not matter. The label
// needs the log to reach cutoff + H; choosing a cut-off that leaves a full horizon of observed data
// is the caller's part (a too-late cut-off would label everyone "churned").
#ifndef ONEID_SCORE_CHURN_LABEL_H_
#define ONEID_SCORE_CHURN_LABEL_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace oneid {
inline namespace v0 {
namespace score {

struct ChurnLabelOptions {
  double cutoff = 0.0;        // the day features are computed as of
  double horizon_days = 90.0; // H > 0
};

// Eligible customers in increasing id order, and their labels.
struct ChurnLabels {
  std::vector<uint64_t> customers;
  std::vector<uint8_t> churned;  // 1 = no purchase in (cutoff, cutoff + H]
};

// Labels every eligible customer of a log (rows in any order). InvalidArgument, naming the row and
// field, for mismatched lengths or a non-finite day; for a non-finite cut-off or H <= 0.
absl::StatusOr<ChurnLabels> ChurnLabelsFromLog(absl::Span<const uint64_t> customer, absl::Span<const double> day,
                                               const ChurnLabelOptions& options);

// The label of one customer from their purchase days (any order): nullopt when they are not
// eligible (no purchase on or before the cut-off). InvalidArgument as above.
absl::StatusOr<std::optional<bool>> ChurnLabelOf(absl::Span<const double> purchase_days,
                                                 const ChurnLabelOptions& options);

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_CHURN_LABEL_H_
