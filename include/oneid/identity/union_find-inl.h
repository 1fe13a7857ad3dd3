// Definitions for union_find.h. Not to be included on its own.
#ifndef ONEID_IDENTITY_UNION_FIND_INL_H_
#define ONEID_IDENTITY_UNION_FIND_INL_H_

#include <algorithm>
#include <utility>

namespace oneid {
inline namespace v0 {
namespace identity {

template <std::unsigned_integral Index>
Index UnionFind<Index>::Add() {
  const Index x = static_cast<Index>(parent_.size());
  parent_.push_back(x);
  size_.push_back(1);
  next_.push_back(x);
  return x;
}

template <std::unsigned_integral Index>
void UnionFind<Index>::Reserve(size_t n) {
  // Grow by at least a quarter so that reserving batch after batch stays amortised O(1).
  if (parent_.capacity() >= n) return;
  const size_t capacity = std::max(n, parent_.capacity() + parent_.capacity() / 4);
  parent_.reserve(capacity);
  size_.reserve(capacity);
  next_.reserve(capacity);
}

template <std::unsigned_integral Index>
Index UnionFind<Index>::FindRoot(Index x) {
  while (parent_[x] != x) {
    parent_[x] = parent_[parent_[x]];  // path halving: one pass, no recursion, no stack
    x = parent_[x];
  }
  return x;
}

template <std::unsigned_integral Index>
Index UnionFind<Index>::Merge(Index a, Index b) {
  Index ra = FindRoot(a);
  Index rb = FindRoot(b);
  if (ra == rb) return ra;
  if (size_[ra] < size_[rb]) std::swap(ra, rb);
  parent_[rb] = ra;
  size_[ra] += size_[rb];
  std::swap(next_[ra], next_[rb]);  // splice the two member rings into one
  return ra;
}

template <std::unsigned_integral Index>
template <typename F>
void UnionFind<Index>::ForEachMember(Index root, F&& f) const {
  Index x = root;
  do {
    f(x);
    x = next_[x];
  } while (x != root);
}

template <std::unsigned_integral Index>
void UnionFind<Index>::ResetToSingleton(Index x) {
  parent_[x] = x;
  size_[x] = 1;
  next_[x] = x;
}

template <std::unsigned_integral Index>
void UnionFind<Index>::AssignParents(std::vector<Index> parents) {
  const size_t n = parents.size();
  parent_ = std::move(parents);
  size_.assign(n, 1);
  next_.resize(n);
  for (size_t i = 0; i < n; ++i) next_[i] = static_cast<Index>(i);
  for (size_t i = 0; i < n; ++i) {
    const Index x = static_cast<Index>(i);
    const Index r = FindRoot(x);
    if (r != x) {
      size_[r] += 1;
      std::swap(next_[r], next_[x]);
    }
  }
}

}  // namespace identity
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_IDENTITY_UNION_FIND_INL_H_
