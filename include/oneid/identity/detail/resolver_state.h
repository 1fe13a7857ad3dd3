// Internal state of identity::Resolver, shared by resolver.cc, explain.cc and snapshot.cc.
// Not part of the public API: layouts change without notice.
//
// Memory layout (why it is shaped like this): the resolver must hold tens of millions of accounts
// in well under 100 bytes per identifier. Strings live in two arenas addressed by offset; the
// account index stores 4-byte account numbers and hashes the arena content through a transparent
// hasher, and the value index stores 8-byte slots (value number + a 32-bit hash tag; ValueIndex),
// so no string or key is stored twice; each account's identifier edges sit in one shared pool.
#ifndef ONEID_IDENTITY_DETAIL_RESOLVER_STATE_H_
#define ONEID_IDENTITY_DETAIL_RESOLVER_STATE_H_

#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/hash/hash.h"
#include "absl/status/statusor.h"
#include "oneid/identity/batch_report.h"
#include "oneid/identity/identifier_type.h"
#include "oneid/identity/merge_log.h"
#include "oneid/identity/normalizer.h"
#include "oneid/identity/union_find.h"
#include "oneid/identity/value_hasher.h"
#include "oneid/internal/strings.h"

namespace oneid {
inline namespace v0 {
namespace identity {
namespace detail {

inline constexpr uint32_t kNone = 0xFFFFFFFFu;

// Append-only byte arena of strings addressed by (offset, length).
struct StringArena {
  std::string bytes;
  std::vector<uint64_t> offset;
  std::vector<uint32_t> length;

  uint32_t Add(std::string_view s) {
    offset.push_back(bytes.size());
    length.push_back(static_cast<uint32_t>(s.size()));
    bytes.append(s);
    return static_cast<uint32_t>(offset.size() - 1);
  }
  std::string_view Get(uint32_t i) const { return std::string_view(bytes).substr(offset[i], length[i]); }
  // Overwrites a string's bytes so that an erased value leaves no trace in memory or snapshots.
  void Wipe(uint32_t i) {
    std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(offset[i]),
              bytes.begin() + static_cast<std::ptrdiff_t>(offset[i] + length[i]), '\0');
    length[i] = 0;
  }
  size_t size() const { return offset.size(); }
};

enum ValueFlags : uint8_t {
  kValueJunk = 1,    // held by too many accounts: links nothing
  kValueErased = 2,  // erased: no account holds it, its text is wiped
};

// Snapshots write these structs as raw bytes, so every byte is a named, initialised field:
// padding would leak stale memory into files.
struct ValueInfo {
  uint32_t anchor = kNone;      // an account whose person this value is attached to
  uint32_t account_count = 0;   // distinct live accounts holding it
  uint32_t scope = 0;           // scope index for scoped tokens (0 otherwise)
  uint8_t type = 0;
  uint8_t flags = 0;
  uint8_t reserved[2] = {0, 0};
};
static_assert(sizeof(ValueInfo) == 16);

// A value's info and its key side by side, so that the probe that compares the key has already
// brought in the info the caller reads next (one cache miss instead of two). 32-byte aligned, so a
// slot never straddles two cache lines. Snapshots still write keys and infos as two arrays.
struct alignas(32) ValueSlot : ValueInfo {
  ValueKey key;
};
static_assert(sizeof(ValueSlot) == 32);

// Value key -> value number: open addressing with linear probing over 8-byte slots. A slot holds
// the value number and 32 bits of the key's hash (the tag), so that
//   - a probe skips other keys without reading their `values` slot (with a set of bare numbers,
//     every probe missed twice: the index, then the value slot to compare keys);
//   - the value a key will probably find is known from the index alone, so AddBatch can prefetch
//     that value slot before it needs it;
//   - growing never reads `values`: the tag alone places a slot. The home slot is the tag's top
//     bits, so doubling sends slot i's entries to 2i or 2i + 1 and the rehash streams.
// A tag match is confirmed against the key in `values`. The index's order is never observable
// (value numbers come from arrival order), so results do not depend on it.
class ValueIndex {
 public:
  static constexpr uint32_t Tag(const ValueKey& key) { return static_cast<uint32_t>((key.low ^ (key.high >> 7)) >> 32); }

  size_t size() const { return size_; }
  size_t capacity() const { return slots_.size(); }
  size_t memory_bytes() const { return slots_.capacity() * sizeof(uint64_t); }

  void Prefetch(const ValueKey& key) const {
    if (!slots_.empty()) __builtin_prefetch(slots_.data() + Home(Tag(key)));
  }
  // The number of the first value in `key`'s probe run whose tag matches (kNone if none): a guess
  // to prefetch by, not an answer (the key itself is not compared).
  uint32_t Guess(const ValueKey& key) const {
    if (slots_.empty()) return kNone;
    const uint32_t tag = Tag(key);
    for (size_t i = Home(tag);; i = (i + 1) & mask_) {
      const uint64_t slot = slots_[i];
      if (slot == kEmpty) return kNone;
      if (static_cast<uint32_t>(slot >> 32) == tag) return static_cast<uint32_t>(slot);
    }
  }
  // The value with `key` (kNone if none); `key_of(v)` returns value v's key.
  template <typename KeyOf>
  uint32_t Find(const ValueKey& key, const KeyOf& key_of) const {
    if (slots_.empty()) return kNone;
    const uint32_t tag = Tag(key);
    for (size_t i = Home(tag);; i = (i + 1) & mask_) {
      const uint64_t slot = slots_[i];
      if (slot == kEmpty) return kNone;
      if (static_cast<uint32_t>(slot >> 32) == tag && key_of(static_cast<uint32_t>(slot)) == key) {
        return static_cast<uint32_t>(slot);
      }
    }
  }
  // Finds `key`, or inserts the value number `make()` returns for it. Returns {value, inserted}.
  template <typename KeyOf, typename Make>
  std::pair<uint32_t, bool> FindOrInsert(const ValueKey& key, const KeyOf& key_of, const Make& make) {
    const uint32_t tag = Tag(key);
    if (!slots_.empty()) {
      for (size_t i = Home(tag);; i = (i + 1) & mask_) {
        const uint64_t slot = slots_[i];
        if (slot == kEmpty) {
          if (size_ + 1 <= MaxSize(slots_.size())) {
            const uint32_t v = make();
            slots_[i] = Slot(tag, v);
            ++size_;
            return {v, true};
          }
          break;  // full: grow, then place it
        }
        if (static_cast<uint32_t>(slot >> 32) == tag && key_of(static_cast<uint32_t>(slot)) == key) {
          return {static_cast<uint32_t>(slot), false};
        }
      }
    }
    const uint32_t v = make();
    Insert(key, v);
    return {v, true};
  }
  // Adds value `v` with `key`, which the index must not hold yet.
  void Insert(const ValueKey& key, uint32_t v) {
    if (size_ + 1 > MaxSize(slots_.size())) Rehash(std::max<size_t>(16, slots_.size() * 2));
    Place(Slot(Tag(key), v));
    ++size_;
  }
  // Removes value `v`, whose key is `key`, if the index holds it. Backward-shift deletion: the
  // entries after it move up, so no tombstones accumulate.
  void Erase(const ValueKey& key, uint32_t v) {
    if (slots_.empty()) return;
    size_t i = Home(Tag(key));
    while (true) {
      if (slots_[i] == kEmpty) return;
      if (static_cast<uint32_t>(slots_[i]) == v) break;
      i = (i + 1) & mask_;
    }
    for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      const uint64_t slot = slots_[j];
      if (slot == kEmpty) break;
      // The entry at j may move to the hole at i unless its home lies cyclically in (i, j].
      const size_t home = Home(static_cast<uint32_t>(slot >> 32));
      const bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!stays) {
        slots_[i] = slot;
        i = j;
      }
    }
    slots_[i] = kEmpty;
    --size_;
  }

 private:
  static constexpr uint64_t kEmpty = ~0ULL;  // a real slot's value number is never kNone
  // At most 4/5 full: linear probing's runs grow quickly beyond that.
  static constexpr size_t MaxSize(size_t capacity) { return capacity / 5 * 4; }
  static uint64_t Slot(uint32_t tag, uint32_t v) { return (static_cast<uint64_t>(tag) << 32) | v; }
  size_t Home(uint32_t tag) const { return static_cast<size_t>(tag) >> shift_; }
  void Place(uint64_t slot) {
    size_t i = Home(static_cast<uint32_t>(slot >> 32));
    while (slots_[i] != kEmpty) i = (i + 1) & mask_;
    slots_[i] = slot;
  }
  void Rehash(size_t capacity) {  // capacity: a power of two, at least 16
    std::vector<uint64_t> old(capacity, kEmpty);
    old.swap(slots_);
    mask_ = capacity - 1;
    shift_ = 32 - std::countr_zero(capacity);
    for (uint64_t slot : old) {
      if (slot != kEmpty) Place(slot);
    }
  }

  std::vector<uint64_t> slots_;
  size_t size_ = 0;
  size_t mask_ = 0;
  int shift_ = 32;
};

// Live OneID -> one of its accounts. OneIDs are dense (1 .. next_oneid - 1), so this is an array
// indexed by OneID, kNone for OneIDs that no longer name a person, and a count of the live ones.
class OneIdHomes {
 public:
  bool contains(OneId id) const { return id < home_.size() && home_[id] != kNone; }
  uint32_t at(OneId id) const { return home_[id]; }
  void Set(OneId id, uint32_t account) {
    if (id >= home_.size()) home_.resize(id + 1, kNone);
    if (home_[id] == kNone) ++live_;
    home_[id] = account;
  }
  void erase(OneId id) {
    if (!contains(id)) return;
    home_[id] = kNone;
    --live_;
  }
  size_t size() const { return live_; }
  void Reserve(size_t ids) {
    if (home_.capacity() < ids) home_.reserve(std::max(ids, home_.capacity() + home_.capacity() / 4));
  }
  size_t memory_bytes() const { return home_.capacity() * sizeof(uint32_t); }
  // Calls f(id, account) for every live OneID, ascending.
  template <typename F>
  void ForEach(F&& f) const {
    for (OneId id = 0; id < home_.size(); ++id) {
      if (home_[id] != kNone) f(id, home_[id]);
    }
  }

 private:
  std::vector<uint32_t> home_;
  size_t live_ = 0;
};

enum AccountFlags : uint8_t { kAccountErased = 1 };

struct LogEntry {
  LogEntry() = default;
  LogEntry(LogEventKind k, uint64_t b, OneId s, OneId a, uint32_t v, uint32_t acc, uint8_t c)
      : batch(b), survivor(s), absorbed(a), value(v), account(acc), kind(k), cause(c) {}
  uint64_t batch = 0;
  OneId survivor = 0;
  OneId absorbed = 0;
  uint32_t value = 0;    // kNone for splits
  uint32_t account = 0;  // kNone for splits
  LogEventKind kind = LogEventKind::kMerge;
  uint8_t cause = 0;     // index into kCauses
  uint8_t reserved[6] = {0, 0, 0, 0, 0, 0};
};
static_assert(sizeof(LogEntry) == 40);

inline constexpr const char* kCauses[] = {"", "erase account", "erase value", "junk value"};
enum Cause : uint8_t { kCauseNone = 0, kCauseEraseAccount = 1, kCauseEraseValue = 2, kCauseJunk = 3 };

struct ResolverState;
// The kept thread pool and per-thread normalisers and hashers of AddBatch's first phase
// (resolver.cc); absent while the resolver runs on one thread.
struct CellWorkers;

struct AccountIdHash {
  using is_transparent = void;
  const ResolverState* state;
  size_t operator()(std::string_view id) const { return internal::StringHash{}(id); }
  size_t operator()(uint32_t account) const;
};
struct AccountIdEq {
  using is_transparent = void;
  const ResolverState* state;
  bool operator()(uint32_t a, uint32_t b) const { return a == b; }
  bool operator()(uint32_t a, std::string_view b) const;
  bool operator()(std::string_view a, uint32_t b) const { return (*this)(b, a); }
};
struct KeyHash {
  size_t operator()(const ValueKey& key) const { return static_cast<size_t>(key.low ^ (key.high >> 7)); }
};

// Four inline: a person with a phone, an email and a UnionID (the common case) needs no heap block.
using ConstrainedSet = absl::InlinedVector<uint32_t, 4>;

struct ResolverState {
  explicit ResolverState(IdentityConfig cfg, Normalizer norm)
      : config(std::move(cfg)),
        normalizer(std::move(norm)),
        account_index(0, AccountIdHash{this}, AccountIdEq{this}) {}
  ResolverState(const ResolverState&) = delete;
  ResolverState& operator=(const ResolverState&) = delete;

  IdentityConfig config;
  Normalizer normalizer;
  std::optional<SaltedHasher> hasher;        // present when the config has a salt
  internal::StringMap<uint8_t> type_by_name;
  std::vector<int32_t> type_rank;            // order of types by priority (0 = first)
  absl::flat_hash_set<ValueKey, KeyHash> blocklist;   // keys of blocklisted values (type-seeded)

  // Accounts.
  StringArena account_ids;
  absl::flat_hash_set<uint32_t, AccountIdHash, AccountIdEq> account_index;
  std::vector<uint16_t> account_source;      // index into `sources`
  std::vector<uint8_t> account_flags;
  std::vector<OneId> first_oneid;            // the OneID the account was first given
  std::vector<OneId> oneid_at_root;          // a person's OneID, valid at union-find roots
  std::vector<std::string> sources{""};
  internal::StringMap<uint16_t> source_index{{"", 0}};

  // Edges: account -> identifier values, in one pool. An account's edges are contiguous; when an
  // account gains values in a later batch its edges move to the end of the pool.
  std::vector<uint32_t> edge_pool;
  std::vector<uint64_t> edge_begin;
  std::vector<uint16_t> edge_count;
  std::vector<uint16_t> edge_capacity;

  // Values.
  std::vector<ValueSlot> values;             // info and key of every value ever interned
  ValueIndex value_index;
  StringArena value_text;                    // normalised text, or hash hex in hashing mode
  std::vector<std::string> scopes{""};
  internal::StringMap<uint32_t> scope_index{{"", 0}};

  // Persons.
  UnionFind<uint32_t> persons;
  absl::flat_hash_map<uint32_t, ConstrainedSet> constrained;  // root -> values of guarded types
  absl::flat_hash_map<OneId, OneId> alias;                    // absorbed -> survivor
  OneIdHomes oneid_home;                                      // live OneID -> one of its accounts
  OneId next_oneid = 1;
  uint64_t batch = 0;
  std::vector<LogEntry> log;
  absl::flat_hash_set<ValueKey, KeyHash> tombstones;  // salted hashes of erased accounts/values

  // Holders of a value outside its anchor's person. A live value that is neither junk nor erased
  // is held by accounts of its anchor's person and by accounts whose link to it was refused by a
  // guard (or made while it had no anchor and then refused): those are recorded here, value ->
  // accounts, when the refusal happens. So the holders of such a value are found in O(that
  // person + its refusals), not by scanning every account: a value crossing
  // max_accounts_per_value and EraseValue use this. Entries may be stale (the account joined the
  // anchor's person later, or lost the edge); readers check. Not saved in snapshots: rebuilt on
  // load (RebuildStrayHolders).
  absl::flat_hash_map<uint32_t, absl::InlinedVector<uint32_t, 1>> stray_holders;
  std::shared_ptr<CellWorkers> workers;  // created by the first batch that uses more than one thread
  // Counters behind Stats(), so that a health check does not scan the state.
  size_t accounts_erased = 0;
  size_t values_junk = 0;

  // --- helpers (resolver.cc) ---
  std::string_view AccountId(uint32_t a) const { return account_ids.Get(a); }
  bool AccountErased(uint32_t a) const { return account_flags[a] & kAccountErased; }
  const uint32_t* EdgesBegin(uint32_t a) const { return edge_pool.data() + edge_begin[a]; }
  uint32_t RootOf(uint32_t a) const;             // no path compression: safe for const readers
  OneId PersonOneId(uint32_t a) const { return oneid_at_root[RootOf(a)]; }
  OneId ResolveAlias(OneId id) const;
  std::string ValueDisplay(uint32_t v) const;
  bool IsGuarded(uint8_t type) const { return config.types[type].max_per_person != kUnlimited; }
};

// Builds an empty state for a validated configuration (resolver.cc).
absl::StatusOr<std::unique_ptr<ResolverState>> MakeState(IdentityConfig config);
// Recomputes `stray_holders`, `accounts_erased` and `values_junk` from the rest of the state, in
// one pass over the edges (snapshot loading; resolver.cc).
void RebuildDerivedState(ResolverState& s);

inline size_t AccountIdHash::operator()(uint32_t account) const {
  return internal::StringHash{}(state->AccountId(account));
}
inline bool AccountIdEq::operator()(uint32_t a, std::string_view b) const {
  return state->AccountId(a) == b;
}

}  // namespace detail
}  // namespace identity
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_IDENTITY_DETAIL_RESOLVER_STATE_H_
