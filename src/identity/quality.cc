#include "oneid/identity/quality.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace oneid {
inline namespace v0 {
namespace identity {
namespace {

uint64_t PairsOf(uint64_t n) { return n < 2 ? 0 : n * (n - 1) / 2; }

// Replaces arbitrary 64-bit labels by dense ids 0..k-1 (in order of first appearance) and returns
// k, so that cluster sizes and scratch counters can live in plain vectors.
uint32_t Densify(absl::Span<const uint64_t> labels, std::vector<uint32_t>& dense) {
  absl::flat_hash_map<uint64_t, uint32_t> ids;
  ids.reserve(labels.size() / 2 + 1);
  dense.resize(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    auto [it, inserted] = ids.try_emplace(labels[i], static_cast<uint32_t>(ids.size()));
    dense[i] = it->second;
  }
  return static_cast<uint32_t>(ids.size());
}

}  // namespace

absl::StatusOr<PairwiseQuality> EvaluatePairwise(absl::Span<const uint64_t> predicted,
                                                 absl::Span<const uint64_t> truth) {
  if (predicted.size() != truth.size()) {
    return absl::InvalidArgumentError(absl::StrCat("predicted has ", predicted.size(),
                                                   " labels but truth has ", truth.size()));
  }
  const size_t n = predicted.size();
  // Dense ids are uint32 and n-choose-2 must fit in 64 bits.
  if (n >= (uint64_t{1} << 32)) {
    return absl::InvalidArgumentError(absl::StrCat("too many rows to evaluate: ", n));
  }
  PairwiseQuality q;
  if (n == 0) {
    q.precision = q.recall = q.f1 = 1;
    return q;
  }

  std::vector<uint32_t> pred, true_id;
  const uint32_t pred_count = Densify(predicted, pred);
  const uint32_t true_count = Densify(truth, true_id);
  q.predicted_clusters = pred_count;
  q.true_clusters = true_count;

  std::vector<uint32_t> true_size(true_count, 0);
  for (uint32_t t : true_id) ++true_size[t];
  for (uint32_t s : true_size) q.true_pairs += PairsOf(s);

  // Bucket rows by predicted cluster (a counting sort), then count, cluster by cluster, how its
  // rows spread over true clusters; the scratch counters are reset through the touched list, so
  // the whole pass is linear.
  std::vector<uint32_t> start(pred_count + 1, 0);
  for (uint32_t p : pred) ++start[p + 1];
  for (uint32_t p = 0; p < pred_count; ++p) {
    const uint32_t size = start[p + 1];
    q.largest_cluster = std::max<size_t>(q.largest_cluster, size);
    q.predicted_pairs += PairsOf(size);
    start[p + 1] += start[p];
  }
  std::vector<uint32_t> rows(n);
  {
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (size_t i = 0; i < n; ++i) rows[fill[pred[i]]++] = true_id[i];
  }
  std::vector<uint32_t> count(true_count, 0);
  std::vector<uint32_t> touched;
  for (uint32_t p = 0; p < pred_count; ++p) {
    touched.clear();
    for (uint32_t i = start[p]; i < start[p + 1]; ++i) {
      if (count[rows[i]]++ == 0) touched.push_back(rows[i]);
    }
    for (uint32_t t : touched) {
      q.correct_pairs += PairsOf(count[t]);
      count[t] = 0;
    }
  }

  q.precision = q.predicted_pairs == 0
                    ? 1.0
                    : static_cast<double>(q.correct_pairs) / static_cast<double>(q.predicted_pairs);
  q.recall = q.true_pairs == 0
                 ? 1.0
                 : static_cast<double>(q.correct_pairs) / static_cast<double>(q.true_pairs);
  q.f1 = q.precision + q.recall == 0
             ? 0.0
             : 2 * q.precision * q.recall / (q.precision + q.recall);
  return q;
}

}  // namespace identity
}  // namespace v0
}  // namespace oneid
