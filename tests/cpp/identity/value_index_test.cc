// The resolver's value index (detail::ValueIndex) against a std::map, on random keys and on keys
// built to share one tag (every probe then runs through the same cluster, and the cluster wraps
// around the end of the table), through growth and backward-shift deletion.
#include <map>
#include <random>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "oneid/identity/detail/resolver_state.h"

namespace oneid::identity::detail {
namespace {

struct KeyLess {
  bool operator()(const ValueKey& a, const ValueKey& b) const {
    return a.high != b.high ? a.high < b.high : a.low < b.low;
  }
};

// Drives a ValueIndex and a std::map side by side; values are numbered in arrival order.
class Harness {
 public:
  // Value v's key, as the resolver reads it from `values`.
  struct KeyOf {
    const std::vector<ValueKey>* keys;
    const ValueKey& operator()(uint32_t v) const { return (*keys)[v]; }
  };

  uint32_t Intern(const ValueKey& key) {
    const auto [v, inserted] = index_.FindOrInsert(key, KeyOf{&keys_}, [&] {
      keys_.push_back(key);
      return static_cast<uint32_t>(keys_.size() - 1);
    });
    const auto [it, model_inserted] = model_.try_emplace(key, v);
    EXPECT_EQ(inserted, model_inserted);
    EXPECT_EQ(v, it->second);
    return v;
  }
  void Erase(const ValueKey& key) {
    const auto it = model_.find(key);
    ASSERT_NE(it, model_.end());
    index_.Erase(key, it->second);
    model_.erase(it);
  }
  void CheckAll(const std::vector<ValueKey>& probes) const {
    EXPECT_EQ(index_.size(), model_.size());
    EXPECT_LE(index_.size() * 5, index_.capacity() * 4);
    for (const ValueKey& key : probes) {
      const auto it = model_.find(key);
      EXPECT_EQ(index_.Find(key, KeyOf{&keys_}), it == model_.end() ? kNone : it->second);
      if (it != model_.end()) {
        EXPECT_NE(index_.Guess(key), kNone);
      }
    }
  }

 private:
  ValueIndex index_;
  std::vector<ValueKey> keys_;
  std::map<ValueKey, uint32_t, KeyLess> model_;
};

TEST(ValueIndexTest, RandomKeysThroughGrowthAndErase) {
  std::mt19937_64 rng(12);
  std::vector<ValueKey> keys(20000);
  for (ValueKey& k : keys) k = {rng(), rng()};
  Harness h;
  for (const ValueKey& k : keys) h.Intern(k);
  for (size_t i = 0; i < keys.size(); i += 3) h.Intern(keys[i]);  // repeats find, do not insert
  h.CheckAll(keys);
  for (size_t i = 0; i < keys.size(); i += 2) h.Erase(keys[i]);
  h.CheckAll(keys);
  for (size_t i = 0; i < keys.size(); i += 4) h.Intern(keys[i]);  // erased keys come back
  h.CheckAll(keys);
}

TEST(ValueIndexTest, KeysSharingOneTagIncludingTheLastHomeSlot) {
  // Tag(key) is the top 32 bits of low ^ (high >> 7); with high = 0 it is low's top half.
  for (const uint64_t tag : {0ULL, 0x12345678ULL, 0xFFFFFFFFULL}) {
    std::vector<ValueKey> keys;
    for (uint64_t i = 0; i < 300; ++i) keys.push_back({0, (tag << 32) | i});
    for (const ValueKey& k : keys) ASSERT_EQ(ValueIndex::Tag(k), tag);
    Harness h;
    for (const ValueKey& k : keys) h.Intern(k);
    h.CheckAll(keys);
    // Erase from the middle, the front and the back of the cluster, then check the rest.
    for (size_t i = 0; i < keys.size(); i += 7) h.Erase(keys[i]);
    h.Erase(keys[1]);
    h.Erase(keys.back());
    h.CheckAll(keys);
    for (const ValueKey& k : keys) h.Intern(k);
    h.CheckAll(keys);
  }
}

TEST(ValueIndexTest, EmptyIndexFindsNothing) {
  const ValueIndex index;
  const auto key_of = [](uint32_t) -> const ValueKey& {
    static const ValueKey kNever{};
    ADD_FAILURE() << "an empty index reads no key";
    return kNever;
  };
  EXPECT_EQ(index.Find(ValueKey{1, 2}, key_of), kNone);
  EXPECT_EQ(index.Guess(ValueKey{1, 2}), kNone);
  EXPECT_EQ(index.size(), 0u);
}

}  // namespace
}  // namespace oneid::identity::detail
