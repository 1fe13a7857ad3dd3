#include "oneid/identity/resolver.h"

#include <algorithm>
#include <cstring>
#include <latch>
#include <numeric>
#include <optional>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "absl/strings/str_cat.h"
#include "oneid/identity/detail/resolver_state.h"
#include "oneid/internal/strings.h"
#include "oneid/internal/status_macros.h"
#include "oneid/internal/progress_meter.h"

namespace oneid {
inline namespace v0 {
namespace identity {
namespace detail {

// Accounts hold at most this many identifier values: a row beyond it is hostile or broken, and
// the per-account edge count is stored in 16 bits.
constexpr uint32_t kMaxValuesPerAccount = 1000;
constexpr size_t kMaxAccountIdLength = 1024;

uint32_t ResolverState::RootOf(uint32_t a) const {
  const auto& parent = persons.parents();
  while (parent[a] != a) a = parent[a];
  return a;
}

OneId ResolverState::ResolveAlias(OneId id) const {
  for (int hops = 0; hops < 1 << 20; ++hops) {
    auto it = alias.find(id);
    if (it == alias.end()) return id;
    id = it->second;
  }
  return 0;  // unreachable for a well-formed alias table (chains are acyclic)
}

std::string ResolverState::ValueDisplay(uint32_t v) const {
  if (values[v].flags & kValueErased) return "<erased>";
  if (config.hash_values) {
    uint8_t bytes[16];
    std::memcpy(bytes, &values[v].key.high, 8);
    std::memcpy(bytes + 8, &values[v].key.low, 8);
    return "sha256:" + ToHex(bytes, 16);
  }
  return std::string(value_text.Get(v));
}

namespace {

ValueKey KeyFromDigest(const Sha256Digest& digest) {
  ValueKey key;
  std::memcpy(&key.high, digest.data(), 8);
  std::memcpy(&key.low, digest.data() + 8, 8);
  return key;
}

void AddRowError(BatchReport& report, size_t row, std::string_view field, std::string reason, bool rejected) {
  if (rejected) ++report.rows_rejected; else ++report.fields_rejected;
  if (report.errors.size() < report.max_listed) {
    report.errors.push_back({row, std::string(field), std::move(reason), rejected});
  }
}

void AddRefusal(ResolverState& s, BatchReport& report, uint32_t account, uint8_t type, std::string value,
                RefusalReason reason, std::string detail) {
  if (report.refused.size() >= report.max_listed) return;
  report.refused.push_back({s.batch, std::string(s.AccountId(account)), s.config.types[type].name,
                            std::move(value), reason, std::move(detail)});
}

// Counts the values in `set` that share `value`'s type and scope.
uint32_t CountSameKind(const ResolverState& s, const ConstrainedSet& set, uint32_t value) {
  const ValueInfo& v = s.values[value];
  uint32_t n = 0;
  for (uint32_t other : set) {
    const ValueInfo& o = s.values[other];
    if (o.type == v.type && o.scope == v.scope) ++n;
  }
  return n;
}

// Would uniting two persons give one of them too many values of a guarded type? Returns the
// offending value (kNone if the union is allowed).
uint32_t FirstViolation(const ResolverState& s, const ConstrainedSet& a, const ConstrainedSet& b) {
  if (a.empty() || b.empty()) return kNone;
  ConstrainedSet merged = a;
  for (uint32_t v : b) {
    if (std::find(merged.begin(), merged.end(), v) == merged.end()) merged.push_back(v);
  }
  for (uint32_t v : merged) {
    if (CountSameKind(s, merged, v) > s.config.types[s.values[v].type].max_per_person) return v;
  }
  return kNone;
}

// `account` holds `value` but was not linked through it: remember it, so that the value's holders
// can be found without scanning every account (see ResolverState::stray_holders).
void RecordStrayHolder(ResolverState& s, uint32_t value, uint32_t account) {
  auto& holders = s.stray_holders[value];
  if (std::find(holders.begin(), holders.end(), account) == holders.end()) holders.push_back(account);
}

const ConstrainedSet& ConstrainedOf(const ResolverState& s, uint32_t root) {
  static const ConstrainedSet kEmpty;
  auto it = s.constrained.find(root);
  return it == s.constrained.end() ? kEmpty : it->second;
}

// The heart of the resolver: attach `value` to `account`'s person, uniting it with the person the
// value is already attached to, unless a guard forbids it.
void LinkEdge(ResolverState& s, uint32_t account, uint32_t value, BatchReport& report) {
  ValueInfo& info = s.values[value];
  if (info.flags & (kValueJunk | kValueErased)) return;
  const uint8_t type = info.type;
  const uint32_t account_root = s.persons.FindRoot(account);
  if (info.anchor == kNone) {
    if (s.IsGuarded(type)) {
      ConstrainedSet& set = s.constrained[account_root];
      if (std::find(set.begin(), set.end(), value) == set.end()) {
        if (CountSameKind(s, set, value) + 1 > s.config.types[type].max_per_person) {
          ++report.links_refused;
          AddRefusal(s, report, account, type, s.ValueDisplay(value), RefusalReason::kMaxPerPerson,
                     absl::StrCat("the account's person already has ", s.config.types[type].max_per_person,
                                  " ", s.config.types[type].name, " value(s) (max_per_person)"));
          if (set.empty()) s.constrained.erase(account_root);
          RecordStrayHolder(s, value, account);
          return;
        }
        set.push_back(value);
      }
    }
    info.anchor = account;
    return;
  }
  const uint32_t anchor_root = s.persons.FindRoot(info.anchor);
  if (anchor_root == account_root) return;
  const uint32_t bad = FirstViolation(s, ConstrainedOf(s, anchor_root), ConstrainedOf(s, account_root));
  if (bad != kNone) {
    ++report.links_refused;
    const IdentifierType& guarded = s.config.types[s.values[bad].type];
    AddRefusal(s, report, account, type, s.ValueDisplay(value), RefusalReason::kMaxPerPerson,
               absl::StrCat("linking would give one person more than ", guarded.max_per_person, " ",
                            guarded.name, " value(s) (max_per_person)"));
    RecordStrayHolder(s, value, account);
    return;
  }
  const OneId anchor_oneid = s.oneid_at_root[anchor_root];
  const OneId account_oneid = s.oneid_at_root[account_root];
  // On equal sizes the anchor's root survives: it is the older person.
  const uint32_t root = s.persons.Merge(anchor_root, account_root);
  const uint32_t absorbed_root = root == anchor_root ? account_root : anchor_root;
  OneId oneid = anchor_oneid != 0 ? anchor_oneid : account_oneid;
  if (anchor_oneid != 0 && account_oneid != 0) {
    const OneId survivor = std::min(anchor_oneid, account_oneid);
    const OneId absorbed = std::max(anchor_oneid, account_oneid);
    oneid = survivor;
    s.alias[absorbed] = survivor;
    s.oneid_home.erase(absorbed);
    s.log.push_back({LogEventKind::kMerge, s.batch, survivor, absorbed, value, account, kCauseNone});
    ++report.persons_merged;
  }
  s.oneid_at_root[root] = oneid;
  s.oneid_at_root[absorbed_root] = 0;
  if (auto it = s.constrained.find(absorbed_root); it != s.constrained.end()) {
    ConstrainedSet moved = std::move(it->second);
    s.constrained.erase(it);
    ConstrainedSet& target = s.constrained[root];
    for (uint32_t v : moved) {
      if (std::find(target.begin(), target.end(), v) == target.end()) target.push_back(v);
    }
  }
  ++report.links_made;
}

struct PendingEdge {
  uint32_t account;
  uint32_t value;
  int32_t rank;  // the value type's position in priority order
};

// Fills report.touched_oneids and report.retired_oneids from the accounts the batch carried and the
// log entries it wrote. Costs O(batch rows + new log entries), not O(accounts).
void CollectTouchedPersons(const ResolverState& s, const std::vector<uint32_t>& new_accounts,
                           const absl::flat_hash_set<uint32_t>& updated_accounts, size_t log_before,
                           BatchReport& report) {
  std::vector<OneId> touched, retired;
  touched.reserve(new_accounts.size() + updated_accounts.size());
  for (uint32_t a : new_accounts) touched.push_back(s.PersonOneId(a));
  for (uint32_t a : updated_accounts) touched.push_back(s.PersonOneId(a));
  const auto live = [&](OneId id) {
    const OneId now = s.ResolveAlias(id);
    if (now != 0 && s.oneid_home.contains(now)) touched.push_back(now);
  };
  for (size_t i = log_before; i < s.log.size(); ++i) {
    const LogEntry& e = s.log[i];
    live(e.survivor);
    if (e.absorbed == 0) continue;
    if (e.kind == LogEventKind::kMerge && s.ResolveAlias(e.absorbed) != e.absorbed) retired.push_back(e.absorbed);
    live(e.absorbed);
  }
  for (auto* ids : {&touched, &retired}) {
    std::sort(ids->begin(), ids->end());
    ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
  }
  // A OneID absorbed and later re-claimed within the batch is current again: touched, not retired.
  retired.erase(std::remove_if(retired.begin(), retired.end(),
                               [&](OneId id) { return std::binary_search(touched.begin(), touched.end(), id); }),
                retired.end());
  report.touched_oneids = std::move(touched);
  report.retired_oneids = std::move(retired);
}

// Links `edges` by type priority; within one priority, in the order they were appended (row order).
// A stable counting sort on the rank: there are few types, and a comparison sort of millions of
// edges costs more than the linking itself.
void LinkInOrder(ResolverState& s, const std::vector<PendingEdge>& edges, BatchReport& report,
                 const ProgressCallback& progress) {
  std::vector<size_t> start(s.config.types.size() + 1, 0);
  for (const PendingEdge& e : edges) ++start[static_cast<size_t>(e.rank) + 1];
  for (size_t r = 1; r < start.size(); ++r) start[r] += start[r - 1];
  std::vector<uint32_t> order(edges.size());
  for (uint32_t i = 0; i < edges.size(); ++i) order[start[static_cast<size_t>(edges[i].rank)]++] = i;
  internal::ProgressMeter meter(progress, "resolve: links", order.size());
  // Each link reads its value's slot, then its anchor's and its account's parents, then the
  // guarded-value sets of both roots: random places in structures far larger than the cache.
  // Prefetch in three stages, each when the previous one's data has arrived: the value slot
  // kAhead * 3 links ahead; the two parents kAhead * 2 ahead; the `constrained` entries of the
  // parents (the roots, unless a path is longer than one hop) kAhead ahead. Only reads: the
  // prefetch must not compress paths, whose shape the snapshot keeps.
  constexpr size_t kAhead = 6;
  const size_t n = order.size();
  const uint32_t* parent = s.persons.parents().data();  // persons gains no element while linking
  for (size_t k = 0; k < n; ++k) {
    meter.Tick(k);
    if (k + 3 * kAhead < n) __builtin_prefetch(&s.values[edges[order[k + 3 * kAhead]].value]);
    if (k + 2 * kAhead < n) {
      const PendingEdge& e = edges[order[k + 2 * kAhead]];
      const uint32_t anchor = s.values[e.value].anchor;
      if (anchor != kNone) __builtin_prefetch(parent + anchor);
      __builtin_prefetch(parent + e.account);
    }
    if (k + kAhead < n && !s.constrained.empty()) {
      const PendingEdge& e = edges[order[k + kAhead]];
      const uint32_t anchor = s.values[e.value].anchor;
      if (anchor != kNone) s.constrained.prefetch(parent[anchor]);
      s.constrained.prefetch(parent[e.account]);
    }
    LinkEdge(s, edges[order[k]].account, edges[order[k]].value, report);
  }
  meter.Finish();
}

// True if account `a` holds `v` among its first `count` edges.
bool HoldsValue(const ResolverState& s, uint32_t a, uint32_t v, uint32_t count) {
  const uint32_t* e = s.EdgesBegin(a);
  return std::find(e, e + count, v) != e + count;
}

// Every account that holds the live, non-junk value `v`, ascending, found from its anchor's
// person and its stray holders. Returns false (and the caller scans every account) when `v` is
// junk or the accounts found do not add up to its account count, which would mean the
// stray-holder invariant broke: the scan is slow but always right.
bool FindHolders(ResolverState& s, uint32_t v, std::vector<uint32_t>& holders) {
  holders.clear();
  const ValueInfo& info = s.values[v];
  if (info.flags & kValueJunk) return false;
  const auto consider = [&](uint32_t a) {
    if (!s.AccountErased(a) && HoldsValue(s, a, v, s.edge_count[a])) holders.push_back(a);
  };
  if (info.anchor != kNone) s.persons.ForEachMember(s.persons.FindRoot(info.anchor), consider);
  if (auto it = s.stray_holders.find(v); it != s.stray_holders.end()) {
    for (uint32_t a : it->second) consider(a);
  }
  std::sort(holders.begin(), holders.end());
  holders.erase(std::unique(holders.begin(), holders.end()), holders.end());
  return holders.size() == info.account_count;
}

OneId NewOneId(ResolverState& s, uint32_t root, uint32_t home) {
  const OneId id = s.next_oneid++;
  s.oneid_at_root[root] = id;
  s.oneid_home.Set(id, home);
  return id;
}

}  // namespace

// Re-resolves the persons rooted at `roots` from their accounts' edges (used after an erase or
// when a value becomes junk), then gives each resulting piece a OneID: pieces reclaim the oldest
// OneID that their accounts ever had, so a wrongly merged person gets its old OneID back.
// `old_edge_count` limits the replay to edges from before the current batch for the accounts in
// it. Returns the OneIDs of the pieces.
std::vector<OneId> Resplit(ResolverState& s, std::vector<uint32_t> roots, Cause cause,
                           const absl::flat_hash_map<uint32_t, uint32_t>* old_edge_count,
                           BatchReport& report) {
  for (uint32_t& r : roots) r = s.persons.FindRoot(r);
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());

  std::vector<uint32_t> members;
  absl::flat_hash_map<uint32_t, OneId> old_person;  // member -> OneID of the person it was in
  absl::flat_hash_set<OneId> old_ids;
  for (uint32_t r : roots) {
    const OneId id = s.oneid_at_root[r];
    if (id != 0) old_ids.insert(id);
    s.persons.ForEachMember(r, [&](uint32_t m) {
      members.push_back(m);
      old_person[m] = id;
    });
  }
  std::sort(members.begin(), members.end());  // replay in account order, oldest first
  const absl::flat_hash_set<uint32_t> member_set(members.begin(), members.end());
  for (uint32_t m : members) {
    s.persons.ResetToSingleton(m);
    s.oneid_at_root[m] = 0;
    s.constrained.erase(m);
  }
  std::vector<PendingEdge> replay;
  for (uint32_t m : members) {
    uint32_t count = s.edge_count[m];
    if (old_edge_count != nullptr) {
      if (auto it = old_edge_count->find(m); it != old_edge_count->end()) count = it->second;
    }
    for (uint32_t k = 0; k < s.edge_count[m]; ++k) {
      const uint32_t v = s.EdgesBegin(m)[k];
      if (s.values[v].anchor != kNone && member_set.contains(s.values[v].anchor)) s.values[v].anchor = kNone;
    }
    if (s.AccountErased(m)) continue;
    for (uint32_t k = 0; k < count; ++k) {
      const uint32_t v = s.EdgesBegin(m)[k];
      replay.push_back({m, v, s.type_rank[s.values[v].type]});
    }
  }
  LinkInOrder(s, replay, report, ProgressCallback());

  // Pieces and the OneIDs they may reclaim.
  struct Claim {
    OneId id;
    uint32_t oldest_member;
    uint32_t root;
  };
  absl::flat_hash_map<uint32_t, uint32_t> piece_oldest;  // root -> oldest live member
  for (uint32_t m : members) {  // ascending, so the first seen is the oldest
    if (s.AccountErased(m)) continue;
    piece_oldest.try_emplace(s.persons.FindRoot(m), m);
  }
  std::vector<Claim> claims;
  for (uint32_t m : members) {
    if (s.AccountErased(m)) continue;
    const uint32_t root = s.persons.FindRoot(m);
    if (s.oneid_at_root[root] != 0) continue;  // joined a person outside the re-split set
    const OneId first = s.first_oneid[m];
    if (first != 0 && (old_ids.contains(first) || old_ids.contains(s.ResolveAlias(first)))) {
      claims.push_back({first, piece_oldest[root], root});
    }
  }
  std::sort(claims.begin(), claims.end(), [](const Claim& a, const Claim& b) {
    return a.id != b.id ? a.id < b.id : a.oldest_member < b.oldest_member;
  });
  absl::flat_hash_set<OneId> claimed;
  for (const Claim& c : claims) {
    if (claimed.contains(c.id) || s.oneid_at_root[c.root] != 0) continue;
    claimed.insert(c.id);
    s.alias.erase(c.id);
    s.oneid_at_root[c.root] = c.id;
    s.oneid_home.Set(c.id, piece_oldest[c.root]);
  }
  std::vector<std::pair<uint32_t, uint32_t>> pieces(piece_oldest.begin(), piece_oldest.end());
  std::sort(pieces.begin(), pieces.end(), [](auto& a, auto& b) { return a.second < b.second; });
  std::vector<OneId> result;
  for (const auto& [root, oldest] : pieces) {
    OneId id = s.oneid_at_root[root];
    if (id == 0) {
      id = NewOneId(s, root, oldest);
      ++report.persons_new;
    }
    result.push_back(id);
    const OneId parent = old_person[oldest];
    if (parent != id) s.log.push_back({LogEventKind::kSplit, s.batch, parent, id, kNone, kNone, cause});
  }
  // Old OneIDs that no piece reclaimed become aliases of the piece holding their oldest former
  // account, or retire when none of their accounts is left.
  std::vector<OneId> unclaimed;
  for (OneId id : old_ids) {
    if (!claimed.contains(id)) unclaimed.push_back(id);
  }
  std::sort(unclaimed.begin(), unclaimed.end());
  for (OneId id : unclaimed) {
    uint32_t heir = kNone;
    for (uint32_t m : members) {
      if (!s.AccountErased(m) && old_person[m] == id) { heir = m; break; }
    }
    s.oneid_home.erase(id);
    if (heir == kNone) {
      s.log.push_back({LogEventKind::kRetire, s.batch, id, 0, kNone, kNone, cause});
      continue;
    }
    const OneId now = s.PersonOneId(heir);
    if (now != id) {
      s.alias[id] = now;
      s.log.push_back({LogEventKind::kMerge, s.batch, now, id, kNone, kNone, cause});
    }
  }
  return result;
}

namespace {

absl::Status InitState(ResolverState& s) {
  const size_t n = s.config.types.size();
  std::vector<uint8_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](uint8_t a, uint8_t b) {
    return s.config.types[a].priority > s.config.types[b].priority;
  });
  s.type_rank.assign(n, 0);
  for (size_t i = 0; i < n; ++i) s.type_rank[order[i]] = static_cast<int32_t>(i);
  for (size_t t = 0; t < n; ++t) s.type_by_name[s.config.types[t].name] = static_cast<uint8_t>(t);
  if (!s.config.salt.empty()) s.hasher.emplace(s.config.salt);
  for (size_t t = 0; t < n; ++t) {
    for (const std::string& raw : s.config.types[t].blocklist) {
      absl::StatusOr<std::string> norm = s.normalizer.Normalize(s.config.types[t].kind, raw);
      const std::string text = norm.ok() ? *norm : raw;
      s.blocklist.insert(s.config.hash_values
                             ? KeyFromDigest(s.hasher->Hash(s.config.types[t].name, text))
                             : MakeValueKey(static_cast<uint8_t>(t), text));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ResolverState>> MakeState(IdentityConfig config) {
  ONEID_RETURN_IF_ERROR(ValidateIdentityConfig(config));
  ONEID_ASSIGN_OR_RETURN(Normalizer normalizer, Normalizer::Create(config.default_region));
  auto state = std::make_unique<ResolverState>(std::move(config), std::move(normalizer));
  ONEID_RETURN_IF_ERROR(InitState(*state));
  return state;
}

// Appends an account's arrays. The caller puts it into `account_index` (AddBatch does so with the
// same probe that found it missing).
uint32_t AddAccount(ResolverState& s, std::string_view id, uint16_t source) {
  const uint32_t a = s.account_ids.Add(id);
  s.account_source.push_back(source);
  s.account_flags.push_back(0);
  s.first_oneid.push_back(0);
  s.oneid_at_root.push_back(0);
  s.edge_begin.push_back(s.edge_pool.size());
  s.edge_count.push_back(0);
  s.edge_capacity.push_back(0);
  s.persons.Add();
  return a;
}

// Removes every trace of a value: its text, its key (for a plain value an unsalted, brute-forceable
// hash of it) and its index entry. Edges to it must already be gone.
void ForgetValue(ResolverState& s, uint32_t v) {
  s.values[v].flags |= kValueErased;
  s.values[v].account_count = 0;
  s.values[v].anchor = kNone;
  s.value_index.Erase(s.values[v].key, v);
  s.value_text.Wipe(v);
  s.values[v].key = ValueKey{~0ULL, v};
  s.stray_holders.erase(v);
}

void RebuildDerivedState(ResolverState& s) {
  s.stray_holders.clear();
  s.accounts_erased = 0;
  s.values_junk = 0;
  for (const ValueInfo& info : s.values) s.values_junk += (info.flags & kValueJunk) ? 1 : 0;
  for (uint32_t a = 0; a < s.account_ids.size(); ++a) {
    if (s.AccountErased(a)) {
      ++s.accounts_erased;
      continue;
    }
    const uint32_t root = s.RootOf(a);
    for (uint32_t k = 0; k < s.edge_count[a]; ++k) {
      const uint32_t v = s.EdgesBegin(a)[k];
      const ValueInfo& info = s.values[v];
      if (info.flags & (kValueJunk | kValueErased)) continue;
      if (info.anchor == kNone || s.RootOf(info.anchor) != root) RecordStrayHolder(s, v, a);
    }
  }
}

ValueKey TombstoneKey(const ResolverState& s, std::string_view domain, std::string_view text) {
  return KeyFromDigest(s.hasher->Hash(domain, text));
}

// AddBatch works in two phases per chunk of rows. Phase one normalises and keys every cell; it
// depends on nothing but the cell, the configuration and the salt, so it runs on several threads,
// each with its own Normalizer (whose memo is mutable) and SaltedHasher (whose context is). Phase
// two interns, links and reports on the calling thread, in row order, exactly as one thread would.
struct CellWorkers {
  explicit CellWorkers(size_t threads) : pool(threads - 1) {}
  boost::asio::thread_pool pool;          // threads - 1 threads: the calling thread is worker 0
  std::vector<Normalizer> normalizers;    // workers 1 .. threads - 1
  std::vector<std::optional<SaltedHasher>> hashers;
};

namespace {

enum CellStatus : uint8_t { kCellEmpty = 0, kCellBadUtf8, kCellError, kCellValue };

// Phase one's verdict on one cell.
struct Cell {
  ValueKey key;         // kCellValue
  uint32_t offset = 0;  // kCellValue: normalised text in its worker's arena; kCellError: message
  uint32_t length = 0;
  CellStatus status = kCellEmpty;
  uint8_t worker = 0;
};

struct WorkerOutput {
  std::string text;                   // normalised values, back to back
  std::vector<std::string> messages;  // normalisation errors
};

// Phase one for rows [row_begin, row_end) of a chunk starting at `chunk_begin`.
void NormalizeCells(const ResolverState& s, const Normalizer& normalizer, const SaltedHasher* hasher,
                    const AccountBatchView& batch, const std::vector<uint8_t>& column_type, size_t chunk_begin,
                    size_t row_begin, size_t row_end, uint8_t worker, std::vector<Cell>& cells,
                    WorkerOutput& out) {
  const size_t columns = batch.columns.size();
  out.text.clear();
  out.messages.clear();
  for (size_t row = row_begin; row < row_end; ++row) {
    for (size_t c = 0; c < columns; ++c) {
      Cell& cell = cells[(row - chunk_begin) * columns + c];
      cell = Cell{};
      cell.worker = worker;
      const std::string_view raw = batch.values[c][row];
      if (raw.empty()) continue;
      if (!IsValidUtf8(raw)) {
        cell.status = kCellBadUtf8;
        continue;
      }
      const uint8_t type = column_type[c];
      const IdentifierType& spec = s.config.types[type];
      absl::StatusOr<std::string> norm = normalizer.Normalize(spec.kind, raw);
      if (!norm.ok()) {
        if (std::all_of(raw.begin(), raw.end(), [](char ch) { return ch == ' ' || ch == '\t'; })) continue;
        cell.status = kCellError;
        cell.offset = static_cast<uint32_t>(out.messages.size());
        out.messages.emplace_back(norm.status().message());
        continue;
      }
      cell.status = kCellValue;
      cell.key = hasher != nullptr ? KeyFromDigest(hasher->Hash(spec.name, *norm)) : MakeValueKey(type, *norm);
      cell.offset = static_cast<uint32_t>(out.text.size());
      cell.length = static_cast<uint32_t>(norm->size());
      out.text.append(*norm);
    }
  }
}

// The threads a batch of `rows` rows uses for phase one: configured (0: hardware threads), and
// no more than one per 4,096 rows, so micro-batches do not pay for waking threads.
size_t PhaseOneThreads(const ResolverState& s, size_t rows) {
  size_t threads = s.config.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  return std::max<size_t>(1, std::min(threads, rows / 4096));
}

absl::Status EnsureWorkers(ResolverState& s, size_t threads) {
  if (threads <= 1 || (s.workers != nullptr && s.workers->normalizers.size() + 1 >= threads)) {
    return absl::OkStatus();
  }
  auto workers = std::make_shared<CellWorkers>(threads);
  for (size_t w = 1; w < threads; ++w) {
    ONEID_ASSIGN_OR_RETURN(Normalizer normalizer, Normalizer::Create(s.config.default_region));
    workers->normalizers.push_back(std::move(normalizer));
    workers->hashers.emplace_back();
    if (s.hasher) workers->hashers.back().emplace(s.config.salt);
  }
  s.workers = std::move(workers);
  return absl::OkStatus();
}

// Runs phase one for rows [chunk_begin, chunk_end) on `threads` threads, each on a contiguous
// range of rows.
void NormalizeChunk(ResolverState& s, const AccountBatchView& batch, const std::vector<uint8_t>& column_type,
                    size_t chunk_begin, size_t chunk_end, size_t threads, std::vector<Cell>& cells,
                    std::vector<WorkerOutput>& outputs) {
  cells.resize((chunk_end - chunk_begin) * batch.columns.size());
  const SaltedHasher* main_hasher = s.config.hash_values ? &*s.hasher : nullptr;
  if (threads <= 1) {
    NormalizeCells(s, s.normalizer, main_hasher, batch, column_type, chunk_begin, chunk_begin, chunk_end, 0,
                   cells, outputs[0]);
    return;
  }
  const size_t n = chunk_end - chunk_begin;
  std::latch done(static_cast<std::ptrdiff_t>(threads - 1));
  for (size_t w = 1; w < threads; ++w) {
    const size_t begin = chunk_begin + n * w / threads, end = chunk_begin + n * (w + 1) / threads;
    const Normalizer* normalizer = &s.workers->normalizers[w - 1];
    const SaltedHasher* hasher = s.config.hash_values ? &*s.workers->hashers[w - 1] : nullptr;
    boost::asio::post(s.workers->pool, [&, begin, end, w, normalizer, hasher] {
      NormalizeCells(s, *normalizer, hasher, batch, column_type, chunk_begin, begin, end, static_cast<uint8_t>(w),
                     cells, outputs[w]);
      done.count_down();
    });
  }
  NormalizeCells(s, s.normalizer, main_hasher, batch, column_type, chunk_begin, chunk_begin,
                 chunk_begin + n / threads, 0, cells, outputs[0]);
  done.wait();
}

}  // namespace

}  // namespace detail

using detail::kNone;
using detail::ResolverState;

Resolver::Resolver(std::unique_ptr<ResolverState> state) : state_(std::move(state)) {}
Resolver::Resolver(Resolver&&) noexcept = default;
Resolver& Resolver::operator=(Resolver&&) noexcept = default;
Resolver::~Resolver() = default;

absl::StatusOr<Resolver> Resolver::Create(IdentityConfig config) {
  ONEID_ASSIGN_OR_RETURN(auto state, detail::MakeState(std::move(config)));
  return Resolver(std::move(state));
}

const IdentityConfig& Resolver::config() const { return state_->config; }

absl::StatusOr<BatchReport> Resolver::AddBatch(const AccountTable& table) { return AddBatch(View(table), {}); }
absl::StatusOr<BatchReport> Resolver::AddBatch(const AccountBatchView& batch) { return AddBatch(batch, {}); }
absl::StatusOr<BatchReport> Resolver::AddBatch(const AccountTable& table, const ProgressCallback& progress) {
  return AddBatch(View(table), progress);
}

absl::StatusOr<BatchReport> Resolver::AddBatch(const AccountBatchView& batch, const ProgressCallback& progress) {
  ResolverState& s = *state_;
  const size_t rows = batch.row_count();
  // Shape checks first: a malformed batch changes nothing.
  if (batch.values.size() != batch.columns.size()) {
    return absl::InvalidArgumentError(absl::StrCat("batch has ", batch.columns.size(), " columns but ",
                                                   batch.values.size(), " value vectors"));
  }
  if (!batch.sources.empty() && batch.sources.size() != rows) {
    return absl::InvalidArgumentError(absl::StrCat("batch has ", rows, " account ids but ",
                                                   batch.sources.size(), " sources"));
  }
  if (!batch.row_numbers.empty() && batch.row_numbers.size() != rows) {
    return absl::InvalidArgumentError("batch row_numbers must be empty or one per row");
  }
  std::vector<uint8_t> column_type(batch.columns.size());
  for (size_t c = 0; c < batch.columns.size(); ++c) {
    auto it = s.type_by_name.find(batch.columns[c].type);
    if (it == s.type_by_name.end()) {
      return absl::InvalidArgumentError(absl::StrCat("column '", batch.columns[c].name,
                                                     "' has identifier type '", batch.columns[c].type,
                                                     "', which is not configured"));
    }
    if (batch.values[c].size() != rows) {
      return absl::InvalidArgumentError(absl::StrCat("column '", batch.columns[c].name, "' has ",
                                                     batch.values[c].size(), " values for ", rows, " rows"));
    }
    column_type[c] = it->second;
  }

  // Phase one's threads (and their normalisers) before anything changes.
  const size_t threads = detail::PhaseOneThreads(s, rows);
  ONEID_RETURN_IF_ERROR(detail::EnsureWorkers(s, threads));

  BatchReport report;
  report.batch = ++s.batch;
  const size_t log_before = s.log.size();
  report.rows_read = rows;
  const bool hashing = s.config.hash_values;
  const bool check_tombstones = !s.tombstones.empty();

  // Size the per-account arrays for this batch up front: growing them by doubling would leave up to
  // half of each array unused, which at tens of millions of accounts is most of the memory budget.
  size_t cells = 0;
  for (const auto& column : batch.values) {
    for (std::string_view cell : column) cells += cell.empty() ? 0 : 1;
  }
  {
    const size_t accounts = s.account_ids.size() + rows;
    const auto grow = [](auto& v, size_t want) {
      if (v.capacity() < want) v.reserve(std::max(want, v.capacity() + v.capacity() / 4));
    };
    grow(s.account_ids.offset, accounts);
    grow(s.account_ids.length, accounts);
    grow(s.account_source, accounts);
    grow(s.account_flags, accounts);
    grow(s.first_oneid, accounts);
    grow(s.oneid_at_root, accounts);
    grow(s.edge_begin, accounts);
    grow(s.edge_count, accounts);
    grow(s.edge_capacity, accounts);
    grow(s.edge_pool, s.edge_pool.size() + cells);
    s.oneid_home.Reserve(s.next_oneid + rows);
    s.persons.Reserve(accounts);
    s.account_index.reserve(accounts);
  }

  std::vector<detail::PendingEdge> pending;
  pending.reserve(cells);
  // Accounts from earlier batches that gain edges -> their edge count before this batch (accounts
  // new in this batch had none).
  absl::flat_hash_map<uint32_t, uint32_t> old_edge_count;
  const uint32_t first_new_account = static_cast<uint32_t>(s.account_ids.size());
  absl::flat_hash_set<uint32_t> updated_accounts;  // accounts from earlier batches seen again
  std::vector<uint32_t> new_accounts;
  std::vector<uint32_t> row_values;
  std::vector<uint32_t> crossed_values;  // values whose account count passed their type's limit
  const size_t columns = batch.columns.size();
  constexpr size_t kChunkRows = 1 << 15;  // phase one's output for a chunk stays in cache
  // Phase two prefetches in two stages: index slots (and account index slots) kPrefetchRows * 2
  // rows ahead, then, kPrefetchRows ahead, the value slot each key will probably find there.
  constexpr size_t kPrefetchRows = 8;
  const auto key_of = [&s](uint32_t v) -> const ValueKey& { return s.values[v].key; };
  std::vector<detail::Cell> chunk_cells;
  std::vector<detail::WorkerOutput> outputs(std::max<size_t>(threads, 1));
  size_t chunk_begin = 0, chunk_end = 0;

  internal::ProgressMeter row_meter(progress, "resolve: accounts", rows);
  for (size_t row = 0; row < rows; ++row) {
    row_meter.Tick(row);
    if (row == chunk_end) {
      chunk_begin = row;
      chunk_end = std::min(rows, row + kChunkRows);
      detail::NormalizeChunk(s, batch, column_type, chunk_begin, chunk_end, threads, chunk_cells, outputs);
    }
    if (row + 2 * kPrefetchRows < chunk_end) {
      const detail::Cell* ahead = chunk_cells.data() + (row + 2 * kPrefetchRows - chunk_begin) * columns;
      for (size_t c = 0; c < columns; ++c) {
        if (ahead[c].status == detail::kCellValue) s.value_index.Prefetch(ahead[c].key);
      }
      // The account's index slot too: a new account's probe and insert otherwise wait on a cache
      // miss each (about a quarter of this loop's time at 10M accounts, by perf). Hashing the id
      // twice costs less than the miss.
      s.account_index.prefetch(batch.account_ids[row + 2 * kPrefetchRows]);
    }
    if (row + kPrefetchRows < chunk_end) {
      const detail::Cell* ahead = chunk_cells.data() + (row + kPrefetchRows - chunk_begin) * columns;
      for (size_t c = 0; c < columns; ++c) {
        if (ahead[c].status != detail::kCellValue) continue;
        if (const uint32_t guess = s.value_index.Guess(ahead[c].key); guess != kNone) {
          __builtin_prefetch(&s.values[guess]);
        }
      }
    }
    const size_t row_number = batch.RowNumber(row);
    const std::string_view account_id = batch.account_ids[row];
    if (account_id.empty() || std::all_of(account_id.begin(), account_id.end(), [](char c) { return c == ' '; })) {
      detail::AddRowError(report, row_number, "account_id", "empty account id", true);
      continue;
    }
    if (account_id.size() > detail::kMaxAccountIdLength) {
      detail::AddRowError(report, row_number, "account_id", "account id longer than 1024 bytes", true);
      continue;
    }
    if (!IsValidUtf8(account_id)) {
      detail::AddRowError(report, row_number, "account_id", "invalid UTF-8", true);
      continue;
    }
    if (check_tombstones && s.hasher && s.tombstones.contains(detail::TombstoneKey(s, "account", account_id))) {
      detail::AddRowError(report, row_number, "account_id", "account was erased; it cannot be ingested again", true);
      continue;
    }
    uint16_t source = 0;
    if (!batch.sources.empty() && !batch.sources[row].empty()) {
      const std::string_view src = batch.sources[row];
      if (!IsValidUtf8(src) || src.size() > 64) {
        detail::AddRowError(report, row_number, "source", "invalid UTF-8 or longer than 64 bytes", false);
      } else if (auto it = s.source_index.find(src); it != s.source_index.end()) {
        source = it->second;
      } else if (s.sources.size() < 65535) {
        source = static_cast<uint16_t>(s.sources.size());
        s.sources.emplace_back(src);
        s.source_index.emplace(std::string(src), source);
      } else {
        detail::AddRowError(report, row_number, "source", "more than 65535 distinct sources", false);
      }
    }

    // Normalise and intern this row's values before touching the account, so the account's new
    // edges can be appended in one piece.
    row_values.clear();
    // data() + offset, not &cells[offset]: a batch with no identifier column has no cells, and
    // indexing an empty vector is undefined (found by the accounts_csv fuzzer).
    const detail::Cell* row_cells = chunk_cells.data() + (row - chunk_begin) * columns;
    for (size_t c = 0; c < columns; ++c) {
      const detail::Cell& cell = row_cells[c];
      if (cell.status == detail::kCellEmpty) continue;
      if (cell.status == detail::kCellBadUtf8) {
        detail::AddRowError(report, row_number, batch.columns[c].name, "invalid UTF-8", false);
        continue;
      }
      if (cell.status == detail::kCellError) {
        detail::AddRowError(report, row_number, batch.columns[c].name, outputs[cell.worker].messages[cell.offset],
                            false);
        continue;
      }
      const uint8_t type = column_type[c];
      const IdentifierType& spec = s.config.types[type];
      const std::string_view norm = std::string_view(outputs[cell.worker].text).substr(cell.offset, cell.length);
      const ValueKey key = cell.key;
      if (s.blocklist.contains(key)) {
        ++report.values_blocklisted;
        if (report.refused.size() < report.max_listed) {
          report.refused.push_back({s.batch, std::string(account_id), spec.name,
                                    hashing ? "(hashed)" : std::string(norm), RefusalReason::kBlocklisted,
                                    "value is on the type's blocklist"});
        }
        continue;
      }
      if (check_tombstones && s.hasher &&
          s.tombstones.contains(hashing ? key : detail::TombstoneKey(s, spec.name, norm))) {
        if (report.refused.size() < report.max_listed) {
          report.refused.push_back({s.batch, std::string(account_id), spec.name, "(erased)",
                                    RefusalReason::kErased, "value was erased and is tombstoned"});
        }
        continue;
      }
      // One probe for both the lookup and the insert of a new value.
      const std::pair<uint32_t, bool> interned = s.value_index.FindOrInsert(key, key_of, [&] {
        s.values.emplace_back().key = key;
        return static_cast<uint32_t>(s.values.size() - 1);
      });
      const uint32_t v = interned.first;
      const bool inserted = interned.second;
      if (!inserted) {
        if (s.values[v].flags & detail::kValueErased) continue;
      } else {
        detail::ValueInfo& info = s.values[v];
        info.type = type;
        if (spec.kind == IdentifierKind::kScopedToken) {
          const std::string_view scope = norm.substr(0, norm.find(':'));
          auto sit = s.scope_index.find(scope);
          if (sit == s.scope_index.end()) {
            sit = s.scope_index.emplace(std::string(scope), static_cast<uint32_t>(s.scopes.size())).first;
            s.scopes.emplace_back(scope);
          }
          info.scope = sit->second;
        }
        s.value_text.Add(hashing ? std::string_view() : norm);
        ++report.values_new;
      }
      if (std::find(row_values.begin(), row_values.end(), v) == row_values.end()) row_values.push_back(v);
    }

    // The account itself.
    uint32_t a = static_cast<uint32_t>(s.account_ids.size());
    bool account_is_new = false;
    const uint32_t found_account = *s.account_index.lazy_emplace(account_id, [&](const auto& construct) {
      account_is_new = true;
      detail::AddAccount(s, account_id, source);
      construct(a);
    });
    if (account_is_new) {
      new_accounts.push_back(a);
      ++report.accounts_new;
    } else {
      a = found_account;
      if (a < first_new_account && updated_accounts.insert(a).second) ++report.accounts_updated;
      if (source != 0) s.account_source[a] = source;
    }
    ++report.rows_accepted;

    // Keep only values the account does not hold yet.
    const uint32_t old_count = s.edge_count[a];
    row_values.erase(std::remove_if(row_values.begin(), row_values.end(),
                                    [&](uint32_t v) {
                                      const uint32_t* e = s.EdgesBegin(a);
                                      return std::find(e, e + old_count, v) != e + old_count;
                                    }),
                     row_values.end());
    if (row_values.empty()) continue;
    if (old_count + row_values.size() > detail::kMaxValuesPerAccount) {
      detail::AddRowError(report, row_number, "(identifiers)",
                          "account would hold more than 1000 identifier values; new values dropped", false);
      continue;
    }
    if (a < first_new_account) old_edge_count.try_emplace(a, old_count);
    const uint32_t new_count = old_count + static_cast<uint32_t>(row_values.size());
    if (new_count > s.edge_capacity[a]) {
      // Move the account's edges to the end of the pool with room to grow.
      const uint64_t begin = s.edge_pool.size();
      const uint32_t capacity = std::min<uint32_t>(detail::kMaxValuesPerAccount, std::max(new_count, old_count * 2));
      s.edge_pool.resize(begin + capacity, kNone);
      std::copy(s.edge_pool.begin() + static_cast<std::ptrdiff_t>(s.edge_begin[a]),
                s.edge_pool.begin() + static_cast<std::ptrdiff_t>(s.edge_begin[a] + old_count),
                s.edge_pool.begin() + static_cast<std::ptrdiff_t>(begin));
      s.edge_begin[a] = begin;
      s.edge_capacity[a] = static_cast<uint16_t>(capacity);
    }
    for (uint32_t k = 0; k < row_values.size(); ++k) {
      const uint32_t v = row_values[k];
      s.edge_pool[s.edge_begin[a] + old_count + k] = v;
      detail::ValueInfo& info = s.values[v];
      if (++info.account_count == s.config.types[info.type].max_accounts_per_value + 1ULL) crossed_values.push_back(v);
      pending.push_back({a, v, s.type_rank[info.type]});
    }
    s.edge_count[a] = static_cast<uint16_t>(new_count);
  }

  row_meter.Finish();

  // Values that crossed their type's max_accounts_per_value are junk from now on. If they linked
  // persons in earlier batches, those persons are re-split without them.
  std::vector<uint32_t> newly_junk_linking;
  for (uint32_t v : crossed_values) {
    detail::ValueInfo& info = s.values[v];
    const IdentifierType& spec = s.config.types[info.type];
    if ((info.flags & detail::kValueJunk) || info.account_count <= spec.max_accounts_per_value) continue;
    info.flags |= detail::kValueJunk;
    ++s.values_junk;
    ++report.values_junk;
    if (report.refused.size() < report.max_listed) {
      report.refused.push_back({s.batch, "", spec.name, s.ValueDisplay(v), RefusalReason::kJunkValue,
                                absl::StrCat("held by ", info.account_count, " accounts (max_accounts_per_value ",
                                             spec.max_accounts_per_value, "); it links nothing")});
    }
    if (info.anchor != kNone) newly_junk_linking.push_back(v);
  }
  if (!newly_junk_linking.empty()) {
    // The persons to re-split: those of the accounts that held a new junk value before this batch.
    // Such holders are the anchor's person and the value's stray holders (O(those accounts)).
    const auto edges_before = [&](uint32_t a) -> uint32_t {
      const auto it = old_edge_count.find(a);
      return it != old_edge_count.end() ? it->second : s.edge_count[a];
    };
    const auto held_before = [&](uint32_t a, uint32_t v) {
      return a < first_new_account && detail::HoldsValue(s, a, v, edges_before(a));
    };
    std::vector<uint32_t> roots;
    bool found_all = true;
    for (uint32_t v : newly_junk_linking) {
      const uint32_t anchor = s.values[v].anchor;
      if (!held_before(anchor, v)) {  // cannot happen; if it did, scan everything below
        found_all = false;
        break;
      }
      roots.push_back(s.persons.FindRoot(anchor));
      if (auto it = s.stray_holders.find(v); it != s.stray_holders.end()) {
        for (uint32_t a : it->second) {
          if (held_before(a, v)) roots.push_back(s.persons.FindRoot(a));
        }
      }
    }
    if (!found_all) {
      roots.clear();
      const absl::flat_hash_set<uint32_t> junk(newly_junk_linking.begin(), newly_junk_linking.end());
      for (uint32_t a = 0; a < first_new_account; ++a) {  // new accounts hold no earlier edges
        const uint32_t before = edges_before(a);
        for (uint32_t k = 0; k < before; ++k) {
          if (junk.contains(s.EdgesBegin(a)[k])) { roots.push_back(s.persons.FindRoot(a)); break; }
        }
      }
    }
    for (uint32_t v : newly_junk_linking) {
      s.values[v].anchor = kNone;
      s.stray_holders.erase(v);  // a junk value links nothing: no holder needs finding any more
    }
    std::sort(roots.begin(), roots.end());
    roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
    const size_t persons_before = roots.size();
    detail::Resplit(s, std::move(roots), detail::kCauseJunk, &old_edge_count, report);
    report.persons_resplit += persons_before;
  }

  detail::LinkInOrder(s, pending, report, progress);

  // New persons get new OneIDs, in the order their first account arrived.
  for (uint32_t a : new_accounts) {
    const uint32_t root = s.persons.FindRoot(a);
    if (s.oneid_at_root[root] == 0) {
      detail::NewOneId(s, root, a);
      ++report.persons_new;
    }
    s.first_oneid[a] = s.oneid_at_root[root];
  }
  detail::CollectTouchedPersons(s, new_accounts, updated_accounts, log_before, report);
  return report;
}

absl::StatusOr<OneId> Resolver::OneIdOf(std::string_view account_id) const {
  const ResolverState& s = *state_;
  auto it = s.account_index.find(account_id);
  if (it == s.account_index.end()) {
    return absl::NotFoundError(absl::StrCat("unknown account '", internal::Absl(account_id), "'"));
  }
  return s.PersonOneId(*it);
}

absl::StatusOr<OneId> Resolver::CurrentOneId(OneId oneid) const {
  const ResolverState& s = *state_;
  if (oneid == 0 || oneid >= s.next_oneid) {
    return absl::NotFoundError(absl::StrCat("OneID ", oneid, " was never issued"));
  }
  const OneId now = s.ResolveAlias(oneid);
  if (!s.oneid_home.contains(now)) {
    return absl::NotFoundError(absl::StrCat("OneID ", oneid, " belongs to a person whose accounts were all erased"));
  }
  return now;
}

absl::StatusOr<std::vector<std::string>> Resolver::AccountsOf(OneId oneid) const {
  ONEID_ASSIGN_OR_RETURN(const OneId now, CurrentOneId(oneid));
  const ResolverState& s = *state_;
  const uint32_t root = s.RootOf(s.oneid_home.at(now));
  std::vector<uint32_t> members;
  s.persons.ForEachMember(root, [&](uint32_t m) {
    if (!s.AccountErased(m)) members.push_back(m);
  });
  std::sort(members.begin(), members.end());
  std::vector<std::string> out;
  out.reserve(members.size());
  for (uint32_t m : members) out.emplace_back(s.AccountId(m));
  return out;
}

Assignments Resolver::GetAssignments() const {
  const ResolverState& s = *state_;
  Assignments out;
  out.account_ids.reserve(s.account_ids.size());
  out.oneids.reserve(s.account_ids.size());
  for (uint32_t a = 0; a < s.account_ids.size(); ++a) {
    if (s.AccountErased(a)) continue;
    out.account_ids.emplace_back(s.AccountId(a));
    out.oneids.push_back(s.PersonOneId(a));
  }
  return out;
}

absl::StatusOr<EraseReport> Resolver::EraseAccount(std::string_view account_id) {
  ResolverState& s = *state_;
  if (!s.hasher) {
    return absl::FailedPreconditionError(
        "erase needs IdentityConfig::salt: the tombstone that keeps an erased account out is a salted hash");
  }
  auto it = s.account_index.find(account_id);
  if (it == s.account_index.end()) {
    return absl::NotFoundError(absl::StrCat("unknown account '", internal::Absl(account_id), "'"));
  }
  const uint32_t a = *it;
  EraseReport result;
  const uint32_t root = s.persons.FindRoot(a);
  result.oneid_before = s.oneid_at_root[root];
  result.accounts_affected = s.persons.SetSize(root) - 1;
  result.accounts_erased = 1;
  s.tombstones.insert(detail::TombstoneKey(s, "account", account_id));
  // Values that only this account held are the erased person's data too: wipe them (without a
  // tombstone: another account may bring the same value later, as a new value).
  std::vector<uint32_t> orphans;
  for (uint32_t k = 0; k < s.edge_count[a]; ++k) {
    const uint32_t v = s.EdgesBegin(a)[k];
    detail::ValueInfo& info = s.values[v];
    if (info.account_count > 0) --info.account_count;
    if (info.account_count == 0) orphans.push_back(v);
  }
  s.account_flags[a] |= detail::kAccountErased;
  ++s.accounts_erased;
  s.account_index.erase(it);
  s.account_ids.Wipe(a);
  BatchReport scratch;
  ++s.batch;
  // The erased account's edges stay until the replay has cleared the anchors they point to.
  std::vector<OneId> pieces = detail::Resplit(s, {root}, detail::kCauseEraseAccount, nullptr, scratch);
  s.edge_count[a] = 0;
  for (uint32_t v : orphans) detail::ForgetValue(s, v);
  result.oneids_after = std::move(pieces);
  return result;
}

absl::StatusOr<EraseReport> Resolver::EraseValue(std::string_view type_name, std::string_view raw_value) {
  ResolverState& s = *state_;
  if (!s.hasher) {
    return absl::FailedPreconditionError(
        "erase needs IdentityConfig::salt: the tombstone that keeps an erased value out is a salted hash");
  }
  auto type_it = s.type_by_name.find(type_name);
  if (type_it == s.type_by_name.end()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown identifier type '", internal::Absl(type_name), "'"));
  }
  const uint8_t type = type_it->second;
  const IdentifierType& spec = s.config.types[type];
  ONEID_ASSIGN_OR_RETURN(const std::string norm, s.normalizer.Normalize(spec.kind, raw_value));
  const ValueKey tombstone = detail::TombstoneKey(s, spec.name, norm);
  const ValueKey key = s.config.hash_values ? tombstone : MakeValueKey(type, norm);
  const uint32_t found = s.value_index.Find(key, [&s](uint32_t v) -> const ValueKey& { return s.values[v].key; });
  if (found == kNone || (s.values[found].flags & detail::kValueErased)) {
    return absl::NotFoundError(absl::StrCat("no ", spec.name, " value like that is known"));
  }
  const uint32_t v = found;
  s.tombstones.insert(tombstone);
  EraseReport result;
  std::vector<uint32_t> holders;
  if (!detail::FindHolders(s, v, holders)) {  // a junk value: its holders are anywhere
    holders.clear();
    for (uint32_t a = 0; a < s.account_ids.size(); ++a) {
      if (detail::HoldsValue(s, a, v, s.edge_count[a])) holders.push_back(a);
    }
  }
  std::vector<uint32_t> roots;
  for (uint32_t a : holders) {  // ascending, as roots.front() below must be the first holder's
    uint32_t* edges = s.edge_pool.data() + s.edge_begin[a];
    uint32_t* end = edges + s.edge_count[a];
    uint32_t* pos = std::find(edges, end, v);
    roots.push_back(s.persons.FindRoot(a));
    std::copy(pos + 1, end, pos);  // keeps the account's other edges in their original order
    --s.edge_count[a];
  }
  if (!roots.empty()) result.oneid_before = s.oneid_at_root[s.persons.FindRoot(roots.front())];
  detail::ForgetValue(s, v);
  BatchReport scratch;
  ++s.batch;
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  for (uint32_t r : roots) result.accounts_affected += s.persons.SetSize(r);
  result.oneids_after = detail::Resplit(s, std::move(roots), detail::kCauseEraseValue, nullptr, scratch);
  return result;
}

std::vector<MergeEvent> Resolver::MergeLog() const { return MergeLogSince(0); }

std::vector<MergeEvent> Resolver::MergeLogSince(size_t offset) const {
  const ResolverState& s = *state_;
  std::vector<MergeEvent> out;
  if (offset >= s.log.size()) return out;
  out.reserve(s.log.size() - offset);
  for (size_t i = offset; i < s.log.size(); ++i) {
    const detail::LogEntry& e = s.log[i];
    MergeEvent event;
    event.kind = e.kind;
    event.batch = e.batch;
    event.survivor = e.survivor;
    event.absorbed = e.absorbed;
    if (e.value != kNone) {
      event.type = s.config.types[s.values[e.value].type].name;
      event.value = s.ValueDisplay(e.value);
    }
    if (e.account != kNone) {
      event.account_id = s.AccountErased(e.account) ? "<erased>" : std::string(s.AccountId(e.account));
    }
    event.cause = detail::kCauses[e.cause];
    out.push_back(std::move(event));
  }
  return out;
}

ResolverStats Resolver::Stats() const {
  const ResolverState& s = *state_;
  ResolverStats st;
  st.accounts_erased = s.accounts_erased;
  st.accounts = s.account_flags.size() - s.accounts_erased;
  st.values = s.values.size();
  st.values_junk = s.values_junk;
  st.persons = s.oneid_home.size();
  st.merge_log_entries = s.log.size();
  st.batches = s.batch;
  auto vec = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  auto set = [](const auto& h) { return h.capacity() * (sizeof(typename std::decay_t<decltype(h)>::value_type) + 1); };
  st.memory_bytes = s.account_ids.bytes.capacity() + vec(s.account_ids.offset) + vec(s.account_ids.length) +
                    set(s.account_index) + vec(s.account_source) + vec(s.account_flags) + vec(s.first_oneid) +
                    vec(s.oneid_at_root) + vec(s.edge_pool) + vec(s.edge_begin) + vec(s.edge_count) +
                    vec(s.edge_capacity) + vec(s.values) + s.value_index.memory_bytes() +
                    s.value_text.bytes.capacity() + vec(s.value_text.offset) + vec(s.value_text.length) +
                    3 * s.persons.size() * sizeof(uint32_t) +
                    s.constrained.capacity() * (sizeof(uint32_t) + sizeof(detail::ConstrainedSet) + 1) +
                    set(s.alias) + s.oneid_home.memory_bytes() + vec(s.log) + set(s.tombstones) +
                    s.stray_holders.capacity() * (sizeof(uint32_t) + sizeof(s.stray_holders.begin()->second) + 1);
  return st;
}

const char* RefusalReasonName(RefusalReason reason) {
  switch (reason) {
    case RefusalReason::kMaxPerPerson: return "max_per_person";
    case RefusalReason::kJunkValue: return "junk_value";
    case RefusalReason::kBlocklisted: return "blocklisted";
    case RefusalReason::kErased: return "erased";
  }
  return "unknown";
}

const char* LogEventKindName(LogEventKind kind) {
  switch (kind) {
    case LogEventKind::kMerge: return "merge";
    case LogEventKind::kSplit: return "split";
    case LogEventKind::kRetire: return "retire";
  }
  return "unknown";
}

}  // namespace identity
}  // namespace v0
}  // namespace oneid
