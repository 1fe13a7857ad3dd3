// RFM scores: quantile edges by selection (nth_element, O(n) per edge group) instead of a full
// sort, then one pass that counts the edges below each value. See rfm.h for the definitions.
#include "oneid/score/rfm.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "oneid/internal/status_macros.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace {

constexpr int kMinBins = 2;
constexpr int kMaxBins = 9;

absl::Status CheckField(absl::Span<const double> values, const char* field) {
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (std::isnan(v)) return absl::InvalidArgumentError(absl::StrCat(field, "[", i, "] is NaN"));
    if (std::isinf(v)) return absl::InvalidArgumentError(absl::StrCat(field, "[", i, "] is infinite"));
    if (v < 0) return absl::InvalidArgumentError(absl::StrCat(field, "[", i, "] is negative (", v, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckEdges(const std::vector<double>& edges, int bins, const char* field) {
  if (edges.empty()) return absl::OkStatus();
  if (static_cast<int>(edges.size()) != bins - 1) {
    return absl::InvalidArgumentError(absl::StrCat(field, "_edges has ", edges.size(),
                                                   " values; bins = ", bins, " needs ", bins - 1));
  }
  for (size_t k = 0; k < edges.size(); ++k) {
    if (!std::isfinite(edges[k])) {
      return absl::InvalidArgumentError(absl::StrCat(field, "_edges[", k, "] is not finite"));
    }
    if (k > 0 && edges[k] < edges[k - 1]) {
      return absl::InvalidArgumentError(absl::StrCat(field, "_edges[", k, "] (", edges[k],
                                                     ") is below the edge before it (", edges[k - 1], ")"));
    }
  }
  return absl::OkStatus();
}

// Quantile edges of `values` (already validated), computed on a scratch copy.
std::vector<double> EdgesOf(std::vector<double> scratch, int bins) {
  const size_t n = scratch.size();
  std::vector<double> edges(static_cast<size_t>(bins - 1));
  // t_k = ceil(k * n / bins) is non-decreasing in k, so each selection only needs the part of the
  // array above the previous one; nth_element leaves everything before position t-1 smaller.
  auto lo = scratch.begin();
  for (int k = 1; k < bins; ++k) {
    const size_t t = (static_cast<size_t>(k) * n + static_cast<size_t>(bins) - 1) / static_cast<size_t>(bins);
    // t >= 1 because k >= 1 and n >= 1.
    auto nth = scratch.begin() + static_cast<std::ptrdiff_t>(t - 1);
    if (nth >= lo) {
      std::nth_element(lo, nth, scratch.end());
      lo = nth;
    }
    edges[static_cast<size_t>(k - 1)] = *nth;
  }
  return edges;
}

void ScoreField(absl::Span<const double> values, absl::Span<const double> edges, std::vector<uint8_t>& out) {
  out.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = static_cast<uint8_t>(BinOf(values[i], edges));
}

// Maps 1..bins linearly onto 1..5, rounding half up: the lowest and highest bins stay 1 and 5.
int ToFiveScale(int score, int bins) { return 1 + (8 * (score - 1) + (bins - 1)) / (2 * (bins - 1)); }

}  // namespace

std::string_view RfmSegmentName(RfmSegment segment) {
  static constexpr std::array<std::string_view, kRfmSegmentCount> kNames = {
      "Champions",      "Loyal",          "Potential Loyalist", "New",
      "Promising",      "Need Attention", "About to Sleep",     "At Risk",
      "Can't Lose Them", "Hibernating",   "Lost"};
  const auto index = static_cast<size_t>(segment);
  return index < kNames.size() ? kNames[index] : std::string_view("Unknown");
}

RfmSegment RfmSegmentOf(int r, int f, int m) {
  using S = RfmSegment;
  // Rows R = 5..1, columns FM = 1..5: the grid of rfm.h and docs/rfm.md.
  static constexpr S kGrid[5][5] = {
      {S::kNew, S::kPotentialLoyalist, S::kPotentialLoyalist, S::kChampions, S::kChampions},
      {S::kPromising, S::kPotentialLoyalist, S::kPotentialLoyalist, S::kLoyal, S::kChampions},
      {S::kAboutToSleep, S::kAboutToSleep, S::kNeedAttention, S::kLoyal, S::kLoyal},
      {S::kHibernating, S::kHibernating, S::kAtRisk, S::kAtRisk, S::kCantLoseThem},
      {S::kLost, S::kLost, S::kAtRisk, S::kAtRisk, S::kCantLoseThem},
  };
  r = std::clamp(r, 1, 5);
  f = std::clamp(f, 1, 5);
  m = std::clamp(m, 1, 5);
  const int fm = (f + m) / 2;
  return kGrid[5 - r][fm - 1];
}

int BinOf(double value, absl::Span<const double> edges) {
  // Few edges (at most 8): a linear count beats a binary search and has no branches to mispredict.
  int bin = 1;
  for (double e : edges) bin += value > e ? 1 : 0;
  return bin;
}

absl::StatusOr<std::vector<double>> QuantileEdges(absl::Span<const double> values, int bins) {
  if (bins < kMinBins) return absl::InvalidArgumentError(absl::StrCat("bins must be at least 2, got ", bins));
  if (values.empty()) return absl::InvalidArgumentError("quantile edges of an empty field");
  return EdgesOf(std::vector<double>(values.begin(), values.end()), bins);
}

absl::StatusOr<RfmResult> ComputeRfm(absl::Span<const double> recency, absl::Span<const double> frequency,
                                     absl::Span<const double> monetary, const RfmOptions& options) {
  const int bins = options.bins;
  if (bins < kMinBins || bins > kMaxBins) {
    return absl::InvalidArgumentError(absl::StrCat("bins must be in 2..9, got ", bins));
  }
  if (frequency.size() != recency.size() || monetary.size() != recency.size()) {
    return absl::InvalidArgumentError(absl::StrCat("recency, frequency and monetary differ in length (",
                                                   recency.size(), ", ", frequency.size(), ", ",
                                                   monetary.size(), ")"));
  }
  ONEID_RETURN_IF_ERROR(CheckField(recency, "recency"));
  ONEID_RETURN_IF_ERROR(CheckField(frequency, "frequency"));
  ONEID_RETURN_IF_ERROR(CheckField(monetary, "monetary"));
  ONEID_RETURN_IF_ERROR(CheckEdges(options.recency_edges, bins, "recency"));
  ONEID_RETURN_IF_ERROR(CheckEdges(options.frequency_edges, bins, "frequency"));
  ONEID_RETURN_IF_ERROR(CheckEdges(options.monetary_edges, bins, "monetary"));

  RfmResult result;
  result.bins = bins;
  const size_t n = recency.size();
  result.recency_edges = options.recency_edges;
  result.frequency_edges = options.frequency_edges;
  result.monetary_edges = options.monetary_edges;

  // Recency is scored on its negation so that ties (and values equal to an edge) go to the lower
  // score there too; the edges are kept in days, ascending: R = 1 + #{k : recency < e_k}.
  std::vector<double> negated_edges;
  if (result.recency_edges.empty() && n > 0) {
    std::vector<double> negated(n);
    for (size_t i = 0; i < n; ++i) negated[i] = -recency[i];
    negated_edges = EdgesOf(std::move(negated), bins);
    result.recency_edges.assign(negated_edges.rbegin(), negated_edges.rend());
    for (double& e : result.recency_edges) e = -e;
  } else {
    negated_edges.assign(result.recency_edges.rbegin(), result.recency_edges.rend());
    for (double& e : negated_edges) e = -e;
  }
  if (result.frequency_edges.empty() && n > 0) {
    result.frequency_edges = EdgesOf(std::vector<double>(frequency.begin(), frequency.end()), bins);
  }
  if (result.monetary_edges.empty() && n > 0) {
    result.monetary_edges = EdgesOf(std::vector<double>(monetary.begin(), monetary.end()), bins);
  }

  result.r.resize(n);
  for (size_t i = 0; i < n; ++i) result.r[i] = static_cast<uint8_t>(BinOf(-recency[i], negated_edges));
  ScoreField(frequency, result.frequency_edges, result.f);
  ScoreField(monetary, result.monetary_edges, result.m);

  result.segment.resize(n);
  for (size_t i = 0; i < n; ++i) {
    result.segment[i] = RfmSegmentOf(ToFiveScale(result.r[i], bins), ToFiveScale(result.f[i], bins),
                                     ToFiveScale(result.m[i], bins));
  }
  return result;
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
