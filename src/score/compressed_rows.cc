// Row compression: identical sufficient statistics are common (every one-time buyer of a cohort
// shares x = 0, t_x = 0 and often T), so merging them cuts likelihood evaluations.
#include "oneid/score/detail/compressed_rows.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {
namespace {

struct RowKey {
  uint64_t a, b, c;
  bool operator==(const RowKey&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const RowKey& k) {
    return H::combine(std::move(h), k.a, k.b, k.c);
  }
};

// +0.0 and -0.0 are the same statistic; bit patterns would tell them apart.
uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v == 0.0 ? 0.0 : v); }

// Logs summarised in whole days (or weeks, or periods) give whole-number statistics: then (a, b, c)
// packs into one 63-bit key whose numeric order is the tuple order, and a stable LSD radix sort of
// the keys replaces the hash table and the sort of the distinct rows (several times faster at a
// million rows). The output is the same as the general path's, bit for bit: the same row order,
// and weights summed in input order.
constexpr int kPackBits = 21;
constexpr double kPackLimit = double(uint64_t{1} << kPackBits);

bool Packable(absl::Span<const double> values) {
  for (double v : values) {
    if (!(v >= 0 && v < kPackLimit) || v != std::floor(v)) return false;
  }
  return true;
}

// Stable LSD radix sort of `keys` (16-bit digits), carrying `payload` along when it is not empty.
void RadixSort(std::vector<uint64_t>& keys, std::vector<uint32_t>& payload) {
  const size_t n = keys.size();
  std::vector<uint64_t> key_buffer(n);
  std::vector<uint32_t> payload_buffer(payload.size());
  std::vector<size_t> count(size_t{1} << 16);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (uint64_t k : keys) ++count[(k >> shift) & 0xFFFF];
    if (count[keys.empty() ? 0 : (keys[0] >> shift) & 0xFFFF] == n) continue;  // one digit value: nothing moves
    size_t total = 0;
    for (size_t& c : count) {
      const size_t here = c;
      c = total;
      total += here;
    }
    for (size_t i = 0; i < n; ++i) {
      const size_t to = count[(keys[i] >> shift) & 0xFFFF]++;
      key_buffer[to] = keys[i];
      if (!payload.empty()) payload_buffer[to] = payload[i];
    }
    keys.swap(key_buffer);
    payload.swap(payload_buffer);
  }
}

// The distinct rows (in any order unless `sorted`) into CompressedRows: sorted by (a, b, c), frequency
// groups, and value indexes for b and c when their values repeat.
CompressedRows Finish(const std::vector<double>& ua, const std::vector<double>& ub, const std::vector<double>& uc,
                      const std::vector<double>& uw, bool sorted) {
  // Sorted by frequency so that the per-frequency terms are read in order.
  std::vector<uint32_t> order(ua.size());
  std::iota(order.begin(), order.end(), 0u);
  if (!sorted) {
    std::sort(order.begin(), order.end(), [&](uint32_t l, uint32_t r) {
      return std::tie(ua[l], ub[l], uc[l]) < std::tie(ua[r], ub[r], uc[r]);
    });
  }
  CompressedRows rows;
  rows.a.reserve(order.size());
  rows.b.reserve(order.size());
  rows.c.reserve(order.size());
  rows.weight.reserve(order.size());
  rows.group.reserve(order.size());
  for (uint32_t i : order) {
    if (rows.distinct_a.empty() || rows.distinct_a.back() != ua[i]) rows.distinct_a.push_back(ua[i]);
    rows.a.push_back(ua[i]);
    rows.b.push_back(ub[i]);
    rows.c.push_back(uc[i]);
    rows.weight.push_back(uw[i]);
    rows.group.push_back(static_cast<uint32_t>(rows.distinct_a.size() - 1));
    rows.total_weight += uw[i];
  }
  auto index_values = [sorted](const std::vector<double>& values, std::vector<double>* distinct,
                               std::vector<uint32_t>* idx) {
    // Whole numbers below 2^21 (the packed path, `sorted`) over a modest range: a table indexed by
    // value replaces the sort and the binary searches, with the same result.
    const double max_value = values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
    if (sorted && max_value < double(values.size()) * 8 + 65536) {
      std::vector<uint32_t> slot(static_cast<size_t>(max_value) + 1, 0);
      for (double v : values) slot[static_cast<size_t>(v)] = 1;
      distinct->clear();
      for (size_t v = 0; v < slot.size(); ++v) {
        if (slot[v] == 0) continue;
        slot[v] = static_cast<uint32_t>(distinct->size());
        distinct->push_back(static_cast<double>(v));
      }
      idx->resize(values.size());
      for (size_t i = 0; i < values.size(); ++i) (*idx)[i] = slot[static_cast<size_t>(values[i])];
      return;
    }
    *distinct = values;
    std::sort(distinct->begin(), distinct->end());
    distinct->erase(std::unique(distinct->begin(), distinct->end()), distinct->end());
    idx->resize(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      (*idx)[i] = static_cast<uint32_t>(std::lower_bound(distinct->begin(), distinct->end(), values[i]) - distinct->begin());
    }
  };
  // Worth it only when values repeat: judged on a sample, so that all-distinct (continuous-time)
  // data does not pay for two sorts it cannot use.
  auto repeats = [](const std::vector<double>& values) {
    const size_t sample = std::min<size_t>(values.size(), 4096);
    absl::flat_hash_map<uint64_t, bool> seen;
    for (size_t i = 0; i < sample; ++i) seen.try_emplace(Bits(values[i]), true);
    return seen.size() * 4 <= sample;
  };
  if (repeats(rows.b)) index_values(rows.b, &rows.distinct_b, &rows.b_index);
  if (repeats(rows.c)) index_values(rows.c, &rows.distinct_c, &rows.c_index);
  return rows;
}

}  // namespace

CompressedRows CompressRows(absl::Span<const double> a, absl::Span<const double> b, absl::Span<const double> c,
                            absl::Span<const double> weights) {
  const size_t n = a.size();
  std::vector<double> ua, ub, uc, uw;
  if (n > 0 && n < (size_t{1} << 32) && Packable(a) && Packable(b) && Packable(c)) {
    std::vector<uint64_t> keys(n);
    for (size_t i = 0; i < n; ++i) {
      keys[i] = (static_cast<uint64_t>(a[i]) << (2 * kPackBits)) | (static_cast<uint64_t>(b[i]) << kPackBits) |
                static_cast<uint64_t>(c[i]);
    }
    std::vector<uint32_t> position;
    if (!weights.empty()) {
      position.resize(n);
      std::iota(position.begin(), position.end(), 0u);
    }
    RadixSort(keys, position);
    constexpr uint64_t kMask = (uint64_t{1} << kPackBits) - 1;
    for (size_t i = 0; i < n; ++i) {
      const double w = weights.empty() ? 1.0 : weights[position[i]];
      if (i > 0 && keys[i] == keys[i - 1]) {
        uw.back() += w;
        continue;
      }
      ua.push_back(static_cast<double>(keys[i] >> (2 * kPackBits)));
      ub.push_back(static_cast<double>((keys[i] >> kPackBits) & kMask));
      uc.push_back(static_cast<double>(keys[i] & kMask));
      uw.push_back(w);
    }
    return Finish(ua, ub, uc, uw, /*sorted=*/true);
  }
  absl::flat_hash_map<RowKey, uint32_t> index;
  // Summaries of real logs repeat rows heavily; a table sized for every row would spend its time
  // on cache misses. It grows if the rows are all distinct.
  index.reserve(std::min<size_t>(n, size_t{1} << 18));
  for (size_t i = 0; i < n; ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    auto [it, inserted] = index.try_emplace(RowKey{Bits(a[i]), Bits(b[i]), Bits(c[i])}, static_cast<uint32_t>(ua.size()));
    if (inserted) {
      ua.push_back(a[i]);
      ub.push_back(b[i]);
      uc.push_back(c[i]);
      uw.push_back(w);
    } else {
      uw[it->second] += w;
    }
  }
  return Finish(ua, ub, uc, uw, /*sorted=*/false);
}

DistinctIndex IndexDistinct(absl::Span<const double> a, absl::Span<const double> b, absl::Span<const double> c) {
  DistinctIndex out;
  const size_t n = a.size();
  out.of_row.resize(n);
  absl::flat_hash_map<RowKey, uint32_t> index;
  index.reserve(std::min<size_t>(n, size_t{1} << 18));  // as in CompressRows: grows if needed
  for (size_t i = 0; i < n; ++i) {
    const RowKey key{Bits(a[i]), Bits(b[i]), c.empty() ? 0 : Bits(c[i])};
    const auto [it, inserted] = index.try_emplace(key, static_cast<uint32_t>(out.distinct.size()));
    if (inserted) out.distinct.push_back(i);
    out.of_row[i] = it->second;
  }
  return out;
}

ShiftedLogs LogAndInverseOfShifted(double shift, const std::vector<double>& values) {
  ShiftedLogs out{std::vector<double>(values.size()), std::vector<double>(values.size())};
  for (size_t k = 0; k < values.size(); ++k) {
    out.log[k] = std::log(shift + values[k]);
    out.inverse[k] = 1.0 / (shift + values[k]);
  }
  return out;
}

}  // namespace detail
}  // namespace score
}  // namespace v0
}  // namespace oneid
