// Identical rows merged into weights, and rows grouped by frequency: the likelihoods of the
// customer-base models spend their special-function calls (lgamma, digamma) on terms that depend
// only on the frequency, so they evaluate those once per distinct frequency and only logarithms per
// row. Internal to the score layer.
#ifndef ONEID_SCORE_DETAIL_COMPRESSED_ROWS_H_
#define ONEID_SCORE_DETAIL_COMPRESSED_ROWS_H_

#include <cstddef>
#include <cstdint>
#include <system_error>
#include <thread>
#include <vector>

#include "absl/types/span.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {

// Rows (a, b, c) with weights, sorted by `a` (the frequency); `group` indexes `distinct_a`.
// `b_index`/`c_index` index the distinct values of b and c, so that a likelihood can compute
// ln(alpha + t_x) and ln(alpha + T) once per distinct value: a log summarised in days has at most
// a few hundred distinct recencies and ages however many customers it holds.
struct CompressedRows {
  std::vector<double> a, b, c, weight;
  std::vector<uint32_t> group;      // row -> index into distinct_a
  std::vector<double> distinct_a;   // ascending
  // Empty when the values hardly repeat; then row i's value is b[i] / c[i] (see ValuesOfB/C).
  std::vector<uint32_t> b_index, c_index;
  std::vector<double> distinct_b, distinct_c;  // ascending

  // The table of b values a likelihood precomputes over, and a row's position in it.
  const std::vector<double>& ValuesOfB() const { return b_index.empty() ? b : distinct_b; }
  const std::vector<double>& ValuesOfC() const { return c_index.empty() ? c : distinct_c; }
  size_t BIndex(size_t row) const { return b_index.empty() ? row : b_index[row]; }
  size_t CIndex(size_t row) const { return c_index.empty() ? row : c_index[row]; }
  double total_weight = 0.0;

  size_t size() const { return a.size(); }
};

// ln(shift + v) and 1 / (shift + v) for every v of a value table (ValuesOfB/ValuesOfC): the BG/NBD
// family's terms in (alpha + t_x) and (alpha + T), once per distinct value, not once per row.
struct ShiftedLogs {
  std::vector<double> log, inverse;
};
ShiftedLogs LogAndInverseOfShifted(double shift, const std::vector<double>& values);

// Rows with bitwise-equal (a, b, c) (c may be empty: pairs) share any prediction made from them:
// `distinct[k]` is the first row of the k-th distinct tuple, in order of first appearance, and
// `of_row[i]` row i's k. Batch predictions compute once per distinct tuple and expand.
struct DistinctIndex {
  std::vector<size_t> distinct;
  std::vector<uint32_t> of_row;
};
DistinctIndex IndexDistinct(absl::Span<const double> a, absl::Span<const double> b, absl::Span<const double> c);

// A likelihood's sum over its rows, `sum(begin, end)`, as sum(0, split) + sum(split, n) with split
// = n / 2 from kRowsWorthAThread rows on (else one call). The second half runs on another thread
// when the machine has a second core; the split and the order of addition are the same either way,
// so the result does not depend on the machine. `Partial` needs operator+.
inline constexpr size_t kRowsWorthAThread = size_t{1} << 15;

template <typename Sum>
auto SumInTwoHalves(size_t n, Sum&& sum) -> decltype(sum(size_t{0}, n)) {
  using Partial = decltype(sum(size_t{0}, n));
  const size_t split = n >= kRowsWorthAThread ? n / 2 : n;
  if (split == n) return sum(size_t{0}, n);
  Partial second{};
  std::thread worker;
  if (std::thread::hardware_concurrency() > 1) {
    try {
      worker = std::thread([&] { second = sum(split, n); });
    } catch (const std::system_error&) {  // no thread to be had: the same sum on this one
    }
  }
  const Partial first = sum(size_t{0}, split);
  if (worker.joinable()) {
    worker.join();
  } else {
    second = sum(split, n);
  }
  return first + second;
}

// Merges identical (a, b, c) rows (bitwise equal values), summing their weights (1 each when
// `weights` is empty). The inputs must already be validated.
CompressedRows CompressRows(absl::Span<const double> a, absl::Span<const double> b,
                            absl::Span<const double> c, absl::Span<const double> weights);

}  // namespace detail
}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_DETAIL_COMPRESSED_ROWS_H_
