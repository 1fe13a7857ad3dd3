// RFM: recency, frequency and monetary scores and the standard named RFM segments.
//
//   std::vector<double> recency = {3, 40, 200, 12};     // days since the last purchase
//   std::vector<double> frequency = {9, 2, 1, 4};       // purchases
//   std::vector<double> monetary = {820, 95, 30, 260};  // spend
//   absl::StatusOr<oneid::score::RfmResult> rfm =
//       oneid::score::ComputeRfm(recency, frequency, monetary);          // quintiles
//   rfm->r[0], rfm->f[0], rfm->m[0];                                     // 1..5 each
//   oneid::score::RfmSegmentName(rfm->segment[0]);                       // "Champions"
//
// Scores. Each field is cut into `bins` ordered bins by edges e_1 <= ... <= e_{bins-1}; a value v
// falls in bin 1 + #{k : v > e_k} (bins are closed on the right, as pandas.cut's default). Higher
// frequency and monetary values score higher; recency is scored inversely (fewer days since the
// last purchase scores higher), by cutting the negated recency the same way.
//
// Quantile edges (the default) are order statistics of the data: with n rows sorted ascending as
// x_(0) <= ... <= x_(n-1), e_k = x_(t_k - 1) with t_k = ceil(k * n / bins). This is the same as
//   score = 1 + floor(bins * #{j : x_j < x_i} / n),
// that is, a row's score is set by the share of rows strictly below it. Ties therefore never split:
// every row holding one value gets the same score, the score of the lowest-ranked row of the tied
// group ("ties go to the lower bin"). We chose this over ranking distinct values because it keeps
// the meaning "a quintile is a fifth of the customers": a long tail of distinct large values cannot
// push the bulk of customers out of the low bins. The price is that heavy ties leave bins empty:
// when 60% of customers bought once, they all score F = 1 and the next value scores F = 4. That is
// the honest answer (those customers are indistinguishable), and pandas.qcut would refuse such data
// ("bin edges must be unique") instead.
//
// Explicit edges (RfmOptions::*_edges) replace the quantiles of that field, for example to score
// new customers with the edges learnt from a reference population (RfmResult keeps the edges it
// used). For recency, explicit edges are in days, ascending, and R = 1 + #{k : recency < e_k}:
// recency < e_1 scores `bins`, and a recency equal to an edge takes the lower score, as a tie does.
// The recency edges RfmResult reports are in that form, so feeding them back reproduces R.
//
// Segments are defined on the 1..5 scale from R and FM = floor((F + M) / 2); see RfmSegmentOf and
// docs/rfm.md for the grid. With bins != 5 each score s is first mapped linearly onto 1..5,
// 1 + round(4 (s - 1) / (bins - 1)), so that the lowest and highest bins stay 1 and 5.
//
// Thread safety: free functions without shared state.
#ifndef ONEID_SCORE_RFM_H_
#define ONEID_SCORE_RFM_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace oneid {
inline namespace v0 {
namespace score {

// The eleven standard RFM segments, best first.
enum class RfmSegment : uint8_t {
  kChampions,
  kLoyal,
  kPotentialLoyalist,
  kNew,
  kPromising,
  kNeedAttention,
  kAboutToSleep,
  kAtRisk,
  kCantLoseThem,
  kHibernating,
  kLost,
};
inline constexpr int kRfmSegmentCount = 11;

// "Champions", "Loyal", "Potential Loyalist", "New", "Promising", "Need Attention",
// "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost".
std::string_view RfmSegmentName(RfmSegment segment);

// The segment of one customer from scores on the 1..5 scale (values outside are clamped).
// With FM = floor((f + m) / 2), rows R and columns FM:
//
//          FM=1              FM=2                FM=3                FM=4       FM=5
//   R=5    New               Potential Loyalist  Potential Loyalist  Champions  Champions
//   R=4    Promising         Potential Loyalist  Potential Loyalist  Loyal      Champions
//   R=3    About to Sleep    About to Sleep      Need Attention      Loyal      Loyal
//   R=2    Hibernating       Hibernating         At Risk             At Risk    Can't Lose Them
//   R=1    Lost              Lost                At Risk             At Risk    Can't Lose Them
//
// FM uses floor so that a customer must earn both F and M to reach the higher class.
RfmSegment RfmSegmentOf(int r, int f, int m);

struct RfmOptions {
  // Number of bins per field, 2..9 (each score is one digit of RfmResult::Code: "555").
  int bins = 5;
  // Explicit edges for a field (bins - 1 values, non-decreasing, finite); empty means quantiles.
  std::vector<double> recency_edges;
  std::vector<double> frequency_edges;
  std::vector<double> monetary_edges;
};

struct RfmResult {
  int bins = 5;
  std::vector<uint8_t> r, f, m;  // scores 1..bins, one per row
  std::vector<RfmSegment> segment;
  // The edges used (bins - 1 each, in the field's own units; recency in days, ascending), so that
  // other customers can be scored on the same scale through RfmOptions.
  std::vector<double> recency_edges, frequency_edges, monetary_edges;

  size_t size() const { return r.size(); }
  // 100 * r + 10 * f + m: the "RFM cell" analysts read as "555".
  int Code(size_t row) const { return 100 * r[row] + 10 * f[row] + m[row]; }
};

// Scores every row. InvalidArgument, naming the field, row and reason, when the three spans differ
// in length, a value is NaN, infinite or negative, the options are invalid (bins outside 2..9,
// edges of the wrong count, unordered or non-finite). Zero rows give an empty result (no edges
// unless given).
absl::StatusOr<RfmResult> ComputeRfm(absl::Span<const double> recency, absl::Span<const double> frequency,
                                     absl::Span<const double> monetary, const RfmOptions& options = {});

// The quantile edges of one field as described above (bins - 1 values). `values` must be finite;
// InvalidArgument if it is empty or bins < 2.
absl::StatusOr<std::vector<double>> QuantileEdges(absl::Span<const double> values, int bins);

// The bin 1..edges.size() + 1 of `value`: 1 + #{k : value > edges[k]}. `edges` must be sorted.
int BinOf(double value, absl::Span<const double> edges);

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_RFM_H_
