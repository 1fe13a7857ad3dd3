#include "oneid/identity/union_find.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <random>
#include <set>

#include <gtest/gtest.h>

namespace oneid::identity {
namespace {

TEST(UnionFindTest, MergeIsTransitiveAndTracksSizes) {
  UnionFind<uint32_t> sets;
  for (int i = 0; i < 5; ++i) sets.Add();
  sets.Merge(0, 1);
  sets.Merge(1, 2);
  EXPECT_TRUE(sets.SameSet(0, 2));
  EXPECT_FALSE(sets.SameSet(0, 3));
  EXPECT_EQ(sets.SetSize(2), 3u);
  EXPECT_EQ(sets.SetSize(4), 1u);
}

TEST(UnionFindTest, TieKeepsTheFirstArgumentsRoot) {
  UnionFind<uint32_t> sets;
  sets.Add();
  sets.Add();
  EXPECT_EQ(sets.Merge(1, 0), 1u);
}

TEST(UnionFindTest, MembersAreListedExactlyOnce) {
  UnionFind<uint32_t> sets;
  for (int i = 0; i < 10; ++i) sets.Add();
  for (uint32_t i : {0u, 2u, 4u, 6u}) sets.Merge(i, i + 2);
  std::multiset<uint32_t> members;
  sets.ForEachMember(sets.FindRoot(4), [&](uint32_t m) { members.insert(m); });
  EXPECT_EQ(members, (std::multiset<uint32_t>{0, 2, 4, 6, 8}));
}

// Property: on random graphs the sets equal Boost.Graph's connected components, and rebuilding
// from parent pointers (what a snapshot does) gives the same sets and member rings.
TEST(UnionFindTest, MatchesBoostConnectedComponents) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20; ++round) {
    const uint32_t n = 50 + static_cast<uint32_t>(rng() % 500);
    const uint32_t m = static_cast<uint32_t>(rng() % (2 * n));
    UnionFind<uint32_t> sets;
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS> graph(n);
    for (uint32_t i = 0; i < n; ++i) sets.Add();
    for (uint32_t e = 0; e < m; ++e) {
      const uint32_t a = static_cast<uint32_t>(rng() % n), b = static_cast<uint32_t>(rng() % n);
      sets.Merge(a, b);
      boost::add_edge(a, b, graph);
    }
    std::vector<int> component(n);
    boost::connected_components(graph, component.data());
    for (uint32_t a = 0; a < n; ++a) {
      for (uint32_t b = a + 1; b < std::min(n, a + 40); ++b) {
        ASSERT_EQ(sets.SameSet(a, b), component[a] == component[b]);
      }
    }
    std::vector<uint32_t> roots(n);
    for (uint32_t a = 0; a < n; ++a) roots[a] = sets.FindRoot(a);
    UnionFind<uint32_t> rebuilt;
    rebuilt.AssignParents(roots);
    size_t listed = 0;
    for (uint32_t a = 0; a < n; ++a) {
      if (rebuilt.FindRoot(a) != a) continue;
      rebuilt.ForEachMember(a, [&](uint32_t x) {
        ++listed;
        ASSERT_EQ(component[x], component[a]);
      });
      EXPECT_EQ(rebuilt.SetSize(a), sets.SetSize(a));
    }
    EXPECT_EQ(listed, n);
  }
}

}  // namespace
}  // namespace oneid::identity
