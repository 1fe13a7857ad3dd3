// UnionFind: disjoint sets over dense indices with path halving and union by size, plus a member
// ring per set so that a set's members can be listed in time proportional to its size (explain
// and erase need that; a plain union-find can only answer "same set?").
//
//   oneid::identity::UnionFind<uint32_t> sets;
//   auto a = sets.Add(), b = sets.Add();
//   sets.Merge(a, b);                  // returns the surviving root
//   sets.ForEachMember(sets.FindRoot(a), [](uint32_t m) { ... });
//
// Memory: three indices per element (12 bytes with uint32_t).
// Thread safety: FindRoot compresses paths, so even reads need external synchronisation.
#ifndef ONEID_IDENTITY_UNION_FIND_H_
#define ONEID_IDENTITY_UNION_FIND_H_

#include <concepts>
#include <cstddef>
#include <vector>

namespace oneid {
inline namespace v0 {
namespace identity {

template <std::unsigned_integral Index>
class UnionFind {
 public:
  UnionFind() = default;

  // Adds a singleton set and returns its element.
  Index Add();
  // Makes room for `n` elements in all; grows geometrically when called batch after batch.
  void Reserve(size_t n);
  size_t size() const { return parent_.size(); }

  // The root (representative) of `x`'s set. Halves the path as it goes.
  Index FindRoot(Index x);

  // Unites the sets of `a` and `b` and returns the new root. The larger set's root survives; on a
  // tie `a`'s root does, so callers can choose which root survives equal sizes.
  Index Merge(Index a, Index b);

  bool SameSet(Index a, Index b) { return FindRoot(a) == FindRoot(b); }
  Index SetSize(Index x) { return size_[FindRoot(x)]; }

  // Calls `f(member)` for every member of the set whose root is `root`.
  template <typename F>
  void ForEachMember(Index root, F&& f) const;

  // Makes `x` a singleton again. Only valid when every member of x's old set is being reset in the
  // same pass (used to re-split a set after an erase).
  void ResetToSingleton(Index x);

  // Raw access for serialisation: parent and size per element; the member ring is rebuilt.
  const std::vector<Index>& parents() const { return parent_; }
  // Rebuilds the structure from parent pointers (sizes and member rings are recomputed).
  void AssignParents(std::vector<Index> parents);

 private:
  std::vector<Index> parent_;
  std::vector<Index> size_;
  std::vector<Index> next_;  // circular list of each set's members
};

}  // namespace identity
}  // namespace v0
}  // namespace oneid

#include "oneid/identity/union_find-inl.h"

#endif  // ONEID_IDENTITY_UNION_FIND_H_
