// Resolver::Explain: the shortest chain of shared identifier values between two accounts of one
// person, found by breadth-first search (Boost.Graph) on the person's bipartite graph of accounts
// and the values they hold.
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/visitors.hpp>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "oneid/identity/detail/resolver_state.h"
#include "oneid/internal/strings.h"
#include "oneid/identity/resolver.h"

namespace oneid {
inline namespace v0 {
namespace identity {

absl::StatusOr<LinkPath> Resolver::Explain(std::string_view account_a, std::string_view account_b) const {
  const detail::ResolverState& s = *state_;
  auto ia = s.account_index.find(account_a);
  if (ia == s.account_index.end()) return absl::NotFoundError(absl::StrCat("unknown account '", internal::Absl(account_a), "'"));
  auto ib = s.account_index.find(account_b);
  if (ib == s.account_index.end()) return absl::NotFoundError(absl::StrCat("unknown account '", internal::Absl(account_b), "'"));
  const uint32_t a = *ia, b = *ib;
  const uint32_t root = s.RootOf(a);
  LinkPath path;
  path.oneid = s.oneid_at_root[root];
  if (s.RootOf(b) != root) {
    return absl::FailedPreconditionError(absl::StrCat("accounts '", internal::Absl(account_a), "' and '", internal::Absl(account_b),
                                                      "' belong to different persons (OneID ", path.oneid, " and ",
                                                      s.PersonOneId(b), ")"));
  }
  if (a == b) return path;

  // Vertices: the person's accounts first, then the linking values they hold.
  std::vector<uint32_t> vertex_item;  // account index or value index
  absl::flat_hash_map<uint32_t, uint32_t> account_vertex, value_vertex;
  s.persons.ForEachMember(root, [&](uint32_t m) {
    if (s.AccountErased(m)) return;
    account_vertex.emplace(m, static_cast<uint32_t>(vertex_item.size()));
    vertex_item.push_back(m);
  });
  const size_t account_vertices = vertex_item.size();
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  for (size_t i = 0; i < account_vertices; ++i) {
    const uint32_t m = vertex_item[i];
    for (uint32_t k = 0; k < s.edge_count[m]; ++k) {
      const uint32_t v = s.EdgesBegin(m)[k];
      if (s.values[v].flags & (detail::kValueJunk | detail::kValueErased)) continue;
      auto [it, inserted] = value_vertex.try_emplace(v, static_cast<uint32_t>(account_vertices + value_vertex.size()));
      edges.emplace_back(static_cast<uint32_t>(i), it->second);
    }
  }
  vertex_item.resize(account_vertices + value_vertex.size());
  for (const auto& [v, vertex] : value_vertex) vertex_item[vertex] = v;

  Graph graph(edges.begin(), edges.end(), vertex_item.size());
  std::vector<Graph::vertex_descriptor> predecessor(vertex_item.size(), Graph::null_vertex());
  const auto source = account_vertex.at(a);
  predecessor[source] = source;
  boost::breadth_first_search(
      graph, boost::vertex(source, graph),
      boost::visitor(boost::make_bfs_visitor(
          boost::record_predecessors(predecessor.data(), boost::on_tree_edge()))));
  const auto target = account_vertex.at(b);
  if (predecessor[target] == Graph::null_vertex()) {
    return absl::InternalError("accounts share a person but no linking path was found");
  }
  std::vector<uint32_t> chain;  // target back to source
  for (auto v = target; v != source; v = predecessor[v]) chain.push_back(static_cast<uint32_t>(v));
  chain.push_back(static_cast<uint32_t>(source));
  std::reverse(chain.begin(), chain.end());
  for (size_t i = 0; i + 2 < chain.size(); i += 2) {
    const uint32_t value = vertex_item[chain[i + 1]];
    path.steps.push_back({std::string(s.AccountId(vertex_item[chain[i]])),
                          s.config.types[s.values[value].type].name, s.ValueDisplay(value),
                          std::string(s.AccountId(vertex_item[chain[i + 2]]))});
  }
  return path;
}

}  // namespace identity
}  // namespace v0
}  // namespace oneid
