// Clustering quality against ground truth: how well predicted persons match real persons.
//
// Identity resolution is judged on pairs of accounts. A pair is "true" when both accounts belong
// to the same real person and "predicted" when the resolver put them in the same OneID. Precision
// is the share of predicted pairs that are true (low precision = over-merging, the costly error:
// two shoppers' orders and consent mixed up); recall is the share of true pairs that were
// predicted (low recall = one shopper split over several OneIDs). Pair counts weigh large
// clusters quadratically, which is what makes a single kiosk-phone blob of thousands of accounts
// show up as the disaster it is.
//
//   std::vector<uint64_t> predicted = ...;  // the OneID of each row
//   std::vector<uint64_t> truth(data.true_person.begin(), data.true_person.end());
//   absl::StatusOr<oneid::identity::PairwiseQuality> q =
//       oneid::identity::EvaluatePairwise(predicted, truth);
//   if (q.ok()) std::printf("P=%.4f R=%.4f F1=%.4f\n", q->precision, q->recall, q->f1);
#ifndef ONEID_IDENTITY_QUALITY_H_
#define ONEID_IDENTITY_QUALITY_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace oneid {
inline namespace v0 {
namespace identity {

// Pairwise precision, recall and F1 of a clustering, with the counts they come from.
struct PairwiseQuality {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  uint64_t true_pairs = 0;       // pairs of rows with the same truth label
  uint64_t predicted_pairs = 0;  // pairs of rows with the same predicted label
  uint64_t correct_pairs = 0;    // pairs with both
  size_t largest_cluster = 0;    // rows in the largest predicted cluster
  size_t predicted_clusters = 0;
  size_t true_clusters = 0;
};

// Compares per-row cluster labels `predicted` with per-row `truth` labels (any 64-bit values;
// only equality matters). Counts come from the contingency table of the two labelings, as sums
// of n-choose-2 over clusters and over their intersections, in time and memory linear in the
// number of rows: never pair by pair.
//
// Conventions for the degenerate cases, so that the result is always a number: with no predicted
// pairs precision is 1 (nothing was wrongly merged); with no true pairs recall is 1 (nothing
// needed merging); F1 is 0 when precision and recall are both 0. Empty input therefore gives
// precision = recall = f1 = 1 with all counts 0.
//
// Returns InvalidArgument if the spans differ in length, or if they have 2^32 rows or more.
[[nodiscard]] absl::StatusOr<PairwiseQuality> EvaluatePairwise(absl::Span<const uint64_t> predicted,
                                                               absl::Span<const uint64_t> truth);

}  // namespace identity
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_IDENTITY_QUALITY_H_
