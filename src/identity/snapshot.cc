// Resolver snapshots: the whole identity state in one versioned binary file.
//
// Layout: "ONEIDSNP" | u32 format version | u32 flags (0) | u64 payload size | payload |
//         SHA-256 of everything before it.
// The checksum is verified before any of the payload is parsed, and the parser checks every index
// against its bounds, so a truncated, bit-flipped or foreign file is refused with an error and a
// half-loaded resolver never exists. Writing goes to a temporary file in the same directory which
// is fsync'ed and renamed over the target, so a crash leaves either the old or the new snapshot.
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "oneid/identity/detail/resolver_state.h"
#include "oneid/internal/strings.h"
#include "oneid/identity/resolver.h"
#include "oneid/internal/atomic_file.h"
#include "oneid/internal/binary_io.h"
#include "oneid/internal/status_macros.h"

namespace oneid {
inline namespace v0 {
namespace identity {
namespace {

using internal::BinaryReader;
using internal::BinaryWriter;

constexpr char kMagic[8] = {'O', 'N', 'E', 'I', 'D', 'S', 'N', 'P'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderSize = 8 + 4 + 4 + 8;
constexpr size_t kDigestSize = 32;
constexpr size_t kMaxCount = size_t{1} << 34;  // sanity bound for any array in a snapshot
constexpr size_t kMaxString = size_t{1} << 36;

std::array<unsigned char, kDigestSize> Sha256(std::string_view data) {
  std::array<unsigned char, kDigestSize> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

// The identity configuration as bytes (without the salt): a snapshot must be loaded with the
// configuration it was written with, because value keys depend on type order and normalisers.
std::string ConfigBytes(const IdentityConfig& config) {
  BinaryWriter w;
  w.PutString(config.default_region);
  w.Put<uint8_t>(config.hash_values ? 1 : 0);
  w.Put<uint64_t>(config.types.size());
  for (const IdentifierType& t : config.types) {
    w.PutString(t.name);
    w.Put<uint8_t>(static_cast<uint8_t>(t.kind));
    w.Put<uint32_t>(t.max_per_person);
    w.Put<uint32_t>(t.max_accounts_per_value);
    w.Put<int32_t>(t.priority);
    w.Put<uint64_t>(t.blocklist.size());
    for (const std::string& b : t.blocklist) w.PutString(b);
  }
  return std::move(w.bytes());
}

void PutArena(BinaryWriter& w, const detail::StringArena& arena) {
  w.PutString(arena.bytes);
  w.PutVector(arena.offset);
  w.PutVector(arena.length);
}

bool GetArena(BinaryReader& r, detail::StringArena& arena, size_t expected) {
  arena.bytes = r.GetString(kMaxString);
  arena.offset = r.GetVector<uint64_t>(kMaxCount);
  arena.length = r.GetVector<uint32_t>(kMaxCount);
  if (!r.ok() || arena.offset.size() != expected || arena.length.size() != expected) return false;
  for (size_t i = 0; i < expected; ++i) {
    if (arena.offset[i] > arena.bytes.size() || arena.length[i] > arena.bytes.size() - arena.offset[i]) return false;
  }
  return true;
}

template <typename K, typename V, typename H, typename E>
void PutMap(BinaryWriter& w, const absl::flat_hash_map<K, V, H, E>& map) {
  std::vector<std::pair<K, V>> sorted(map.begin(), map.end());
  std::sort(sorted.begin(), sorted.end());  // deterministic bytes for the same state
  w.Put<uint64_t>(sorted.size());
  for (const auto& [k, v] : sorted) {
    w.Put(k);
    w.Put(v);
  }
}

}  // namespace

absl::Status Resolver::SaveSnapshot(const std::string& path) const {
  return internal::WriteFileAtomically(path, SnapshotBytes());
}

std::string Resolver::SnapshotBytes() const {
  const detail::ResolverState& s = *state_;
  BinaryWriter w;
  w.bytes().append(kMagic, 8);
  w.Put<uint32_t>(kFormatVersion);
  w.Put<uint32_t>(0);
  w.Put<uint64_t>(0);  // payload size, patched below
  w.PutString(ConfigBytes(s.config));
  w.PutString(s.hasher ? s.hasher->SaltFingerprint() : "");
  w.Put<uint64_t>(s.next_oneid);
  w.Put<uint64_t>(s.batch);
  w.Put<uint64_t>(s.sources.size());
  for (const std::string& src : s.sources) w.PutString(src);
  w.Put<uint64_t>(s.scopes.size());
  for (const std::string& sc : s.scopes) w.PutString(sc);

  const size_t accounts = s.account_ids.size();
  w.Put<uint64_t>(accounts);
  PutArena(w, s.account_ids);
  w.PutVector(s.account_source);
  w.PutVector(s.account_flags);
  w.PutVector(s.first_oneid);
  w.PutVector(s.oneid_at_root);
  std::vector<uint32_t> roots(accounts);
  for (uint32_t a = 0; a < accounts; ++a) roots[a] = s.RootOf(a);
  w.PutVector(roots);
  // Edges, compacted: counts then values.
  std::vector<uint16_t> counts(s.edge_count);
  std::vector<uint32_t> edges;
  for (uint32_t a = 0; a < accounts; ++a) edges.insert(edges.end(), s.EdgesBegin(a), s.EdgesBegin(a) + s.edge_count[a]);
  w.PutVector(counts);
  w.PutVector(edges);

  w.Put<uint64_t>(s.values.size());
  {
    std::vector<ValueKey> keys(s.values.size());
    std::vector<detail::ValueInfo> infos(s.values.size());
    for (size_t v = 0; v < s.values.size(); ++v) {
      keys[v] = s.values[v].key;
      infos[v] = s.values[v];
    }
    w.PutVector(keys);
    w.PutVector(infos);
  }
  PutArena(w, s.value_text);

  w.Put<uint64_t>(s.constrained.size());
  std::vector<uint32_t> constrained_roots;
  for (const auto& [root, set] : s.constrained) constrained_roots.push_back(root);
  std::sort(constrained_roots.begin(), constrained_roots.end());
  for (uint32_t root : constrained_roots) {
    const detail::ConstrainedSet& set = s.constrained.at(root);
    w.Put<uint32_t>(root);
    w.PutVector(std::vector<uint32_t>(set.begin(), set.end()));
  }
  PutMap(w, s.alias);
  w.Put<uint64_t>(s.oneid_home.size());  // (OneID, home) pairs, ascending
  s.oneid_home.ForEach([&](OneId id, uint32_t home) {
    w.Put(id);
    w.Put(home);
  });
  w.PutVector(s.log);
  std::vector<ValueKey> tombstones(s.tombstones.begin(), s.tombstones.end());
  std::sort(tombstones.begin(), tombstones.end(),
            [](const ValueKey& x, const ValueKey& y) { return x.high != y.high ? x.high < y.high : x.low < y.low; });
  w.PutVector(tombstones);

  std::string& bytes = w.bytes();
  const uint64_t payload = bytes.size() - kHeaderSize;
  std::memcpy(bytes.data() + 16, &payload, sizeof(payload));
  const auto digest = Sha256(bytes);
  bytes.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  return std::move(bytes);
}

absl::StatusOr<Resolver> Resolver::LoadSnapshot(const std::string& path, IdentityConfig config) {
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot open snapshot '", path, "'"));
    std::stringstream buffer;
    buffer << in.rdbuf();
    bytes = buffer.str();
  }
  return LoadSnapshotBytes(bytes, std::move(config), path);
}

absl::StatusOr<Resolver> Resolver::LoadSnapshotBytes(std::string_view bytes, IdentityConfig config,
                                                     std::string_view name) {
  const std::string path(name);
  const auto corrupt = [&](std::string_view why) {
    return absl::DataLossError(absl::StrCat("snapshot '", path, "' is corrupt: ", internal::Absl(why)));
  };
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "' is not a oneid snapshot (bad magic bytes)"));
  }
  if (bytes.size() < kHeaderSize + kDigestSize) return corrupt("truncated header");
  BinaryReader header(std::string_view(bytes).substr(8, kHeaderSize - 8));
  const uint32_t version = header.Get<uint32_t>();
  header.Get<uint32_t>();
  const uint64_t payload = header.Get<uint64_t>();
  if (version != kFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat("snapshot '", path, "' has format version ", version,
                                                   "; this oneid reads version ", kFormatVersion));
  }
  if (payload != bytes.size() - kHeaderSize - kDigestSize) {
    return corrupt(absl::StrCat("truncated or extended: header says ", payload, " payload bytes, file has ",
                                bytes.size() - kHeaderSize - std::min(bytes.size() - kHeaderSize, kDigestSize)));
  }
  const std::string_view body(bytes.data(), bytes.size() - kDigestSize);
  if (Sha256(body) != *reinterpret_cast<const std::array<unsigned char, kDigestSize>*>(bytes.data() + body.size())) {
    return corrupt("checksum mismatch");
  }

  ONEID_ASSIGN_OR_RETURN(auto state, detail::MakeState(std::move(config)));
  detail::ResolverState& s = *state;
  BinaryReader r(std::string_view(bytes).substr(kHeaderSize, payload));
  if (r.GetString(kMaxString) != ConfigBytes(s.config)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "snapshot '", path, "' was written with a different identity configuration (types, limits, region or hashing)"));
  }
  const std::string fingerprint = r.GetString(1024);
  if (fingerprint != (s.hasher ? s.hasher->SaltFingerprint() : "")) {
    return absl::InvalidArgumentError(absl::StrCat("snapshot '", path, "' was written with a different salt"));
  }
  s.next_oneid = r.Get<uint64_t>();
  s.batch = r.Get<uint64_t>();
  const uint64_t source_count = r.Get<uint64_t>();
  if (!r.ok() || source_count == 0 || source_count > 65535) return corrupt("source table");
  s.sources.clear();
  s.source_index.clear();
  for (uint64_t i = 0; i < source_count && r.ok(); ++i) {
    s.sources.push_back(r.GetString(1024));
    s.source_index.emplace(s.sources.back(), static_cast<uint16_t>(i));
  }
  const uint64_t scope_count = r.Get<uint64_t>();
  if (!r.ok() || scope_count == 0 || scope_count > kMaxCount) return corrupt("scope table");
  s.scopes.clear();
  s.scope_index.clear();
  for (uint64_t i = 0; i < scope_count && r.ok(); ++i) {
    s.scopes.push_back(r.GetString(1024));
    s.scope_index.emplace(s.scopes.back(), static_cast<uint32_t>(i));
  }

  const uint64_t accounts = r.Get<uint64_t>();
  if (!r.ok() || accounts >= detail::kNone) return corrupt("account count");
  // The OneID table is an array indexed by OneID (detail::OneIdHomes), so a crafted OneID count
  // must not make loading allocate without bound. A real state issues one OneID per new person and
  // per re-split piece that cannot reclaim an old one: far below a thousand per account.
  if (s.next_oneid > (accounts + 1) * 1024 + (uint64_t{1} << 24)) return corrupt("OneID count");
  if (!GetArena(r, s.account_ids, accounts)) return corrupt("account ids");
  s.account_source = r.GetVector<uint16_t>(kMaxCount);
  s.account_flags = r.GetVector<uint8_t>(kMaxCount);
  s.first_oneid = r.GetVector<OneId>(kMaxCount);
  s.oneid_at_root = r.GetVector<OneId>(kMaxCount);
  std::vector<uint32_t> roots = r.GetVector<uint32_t>(kMaxCount);
  s.edge_count = r.GetVector<uint16_t>(kMaxCount);
  s.edge_pool = r.GetVector<uint32_t>(kMaxCount);
  if (!r.ok() || s.account_source.size() != accounts || s.account_flags.size() != accounts ||
      s.first_oneid.size() != accounts || s.oneid_at_root.size() != accounts || roots.size() != accounts ||
      s.edge_count.size() != accounts) {
    return corrupt("account arrays");
  }
  uint64_t edge_total = 0;
  s.edge_begin.resize(accounts);
  s.edge_capacity.resize(accounts);
  for (uint32_t a = 0; a < accounts; ++a) {
    if (s.account_source[a] >= s.sources.size()) return corrupt("account source out of range");
    if (roots[a] >= accounts || roots[roots[a]] != roots[a]) return corrupt("person forest");
    if (s.first_oneid[a] >= s.next_oneid || s.oneid_at_root[a] >= s.next_oneid) return corrupt("OneID out of range");
    s.edge_begin[a] = edge_total;
    s.edge_capacity[a] = s.edge_count[a];
    edge_total += s.edge_count[a];
  }
  if (edge_total != s.edge_pool.size()) return corrupt("edge pool size");
  s.persons.AssignParents(std::move(roots));

  const uint64_t value_count = r.Get<uint64_t>();
  if (!r.ok() || value_count >= detail::kNone) return corrupt("value count");
  {
    const std::vector<ValueKey> keys = r.GetVector<ValueKey>(kMaxCount);
    const std::vector<detail::ValueInfo> infos = r.GetVector<detail::ValueInfo>(kMaxCount);
    if (!r.ok() || keys.size() != value_count || infos.size() != value_count) return corrupt("value arrays");
    s.values.resize(value_count);
    for (size_t v = 0; v < value_count; ++v) {
      static_cast<detail::ValueInfo&>(s.values[v]) = infos[v];
      s.values[v].key = keys[v];
    }
  }
  if (!GetArena(r, s.value_text, value_count)) return corrupt("value text");
  for (const detail::ValueInfo& v : s.values) {
    if (v.type >= s.config.types.size() || v.scope >= s.scopes.size() ||
        (v.anchor != detail::kNone && v.anchor >= accounts)) {
      return corrupt("value out of range");
    }
  }
  for (uint32_t e : s.edge_pool) {
    if (e >= value_count) return corrupt("edge to an unknown value");
  }

  const uint64_t constrained_count = r.Get<uint64_t>();
  if (!r.ok() || constrained_count > accounts) return corrupt("guard sets");
  for (uint64_t i = 0; i < constrained_count && r.ok(); ++i) {
    const uint32_t root = r.Get<uint32_t>();
    std::vector<uint32_t> set = r.GetVector<uint32_t>(kMaxCount);
    if (!r.ok() || root >= accounts) return corrupt("guard set root");
    for (uint32_t v : set) {
      if (v >= value_count) return corrupt("guard set value");
    }
    s.constrained[root] = detail::ConstrainedSet(set.begin(), set.end());
  }
  const uint64_t alias_count = r.Get<uint64_t>();
  if (!r.ok() || alias_count > kMaxCount) return corrupt("alias table");
  for (uint64_t i = 0; i < alias_count && r.ok(); ++i) {
    const OneId from = r.Get<OneId>();
    const OneId to = r.Get<OneId>();
    // A merge points the younger OneID at the older, but a re-split may point an unclaimed OneID
    // at a piece's new (younger) one, so the direction proves nothing; cycles are checked below.
    if (to == 0 || to == from || from >= s.next_oneid || to >= s.next_oneid) return corrupt("alias out of range");
    s.alias[from] = to;
  }
  {
    // Every alias chain must end at a OneID that is not an alias: walk each chain once, marking
    // what is finished, so a crafted cycle is refused in linear time instead of hanging readers.
    absl::flat_hash_map<OneId, uint8_t> state;  // 1: on the current path, 2: ends well
    for (const auto& [start, unused] : s.alias) {
      std::vector<OneId> path;
      OneId id = start;
      while (true) {
        auto it = s.alias.find(id);
        if (it == s.alias.end() || state[id] == 2) break;
        if (state[id] == 1) return corrupt("alias cycle");
        state[id] = 1;
        path.push_back(id);
        id = it->second;
      }
      for (OneId p : path) state[p] = 2;
    }
  }
  const uint64_t home_count = r.Get<uint64_t>();
  if (!r.ok() || home_count > kMaxCount) return corrupt("OneID table");
  for (uint64_t i = 0; i < home_count && r.ok(); ++i) {
    const OneId id = r.Get<OneId>();
    const uint32_t home = r.Get<uint32_t>();
    if (id == 0 || id >= s.next_oneid || home >= accounts) return corrupt("OneID home out of range");
    s.oneid_home.Set(id, home);
  }
  s.log = r.GetVector<detail::LogEntry>(kMaxCount);
  for (const detail::LogEntry& e : s.log) {
    if (static_cast<uint8_t>(e.kind) > 2 || e.cause > 3 || (e.value != detail::kNone && e.value >= value_count) ||
        (e.account != detail::kNone && e.account >= accounts)) {
      return corrupt("merge log entry out of range");
    }
  }
  for (const ValueKey& t : r.GetVector<ValueKey>(kMaxCount)) s.tombstones.insert(t);
  if (!r.ok()) return corrupt("truncated payload");
  if (!r.at_end()) return corrupt("trailing bytes after the payload");

  for (uint32_t a = 0; a < accounts; ++a) {
    if (!s.AccountErased(a)) s.account_index.insert(a);
  }
  for (uint32_t v = 0; v < value_count; ++v) {
    if (!(s.values[v].flags & detail::kValueErased)) s.value_index.Insert(s.values[v].key, v);
  }
  detail::RebuildDerivedState(s);
  return Resolver(std::move(state));
}

}  // namespace identity
}  // namespace v0
}  // namespace oneid
