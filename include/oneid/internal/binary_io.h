// Little-endian binary writer and bounds-checked reader for oneid's snapshot files. Internal.
// The reader never reads past its buffer: every Get* reports failure instead, so a truncated or
// hostile file turns into an error, not a crash.
#ifndef ONEID_INTERNAL_BINARY_IO_H_
#define ONEID_INTERNAL_BINARY_IO_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace oneid {
inline namespace v0 {
namespace internal {

static_assert(std::endian::native == std::endian::little, "snapshots assume a little-endian host");

class BinaryWriter {
 public:
  template <typename T>
  void Put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void PutString(std::string_view s) {
    Put<uint64_t>(s.size());
    out_.append(s);
  }
  template <typename T>
  void PutVector(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    Put<uint64_t>(v.size());
    if (!v.empty()) out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class BinaryReader {
 public:
  explicit BinaryReader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }

  template <typename T>
  T Get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value{};
    if (!ok_ || in_.size() - pos_ < sizeof(T)) { ok_ = false; return value; }
    std::memcpy(&value, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return value;
  }
  std::string GetString(size_t max_size) {
    const uint64_t n = Get<uint64_t>();
    if (!ok_ || n > max_size || in_.size() - pos_ < n) { ok_ = false; return {}; }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  template <typename T>
  std::vector<T> GetVector(size_t max_count) {
    const uint64_t n = Get<uint64_t>();
    if (!ok_ || n > max_count || (in_.size() - pos_) / sizeof(T) < n) { ok_ = false; return {}; }
    std::vector<T> v(n);
    // memcpy from or to the null data() of an empty vector is undefined even for 0 bytes (UBSan
    // and the snapshot fuzzer both caught it).
    if (n > 0) std::memcpy(v.data(), in_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return v;
  }
  void Fail() { ok_ = false; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace internal
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_INTERNAL_BINARY_IO_H_
