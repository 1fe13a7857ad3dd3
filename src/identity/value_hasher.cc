#include "oneid/identity/value_hasher.h"

#include <openssl/evp.h>

#include <stdexcept>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace oneid {
inline namespace v0 {
namespace identity {

ValueKey MakeValueKey(uint8_t type_index, std::string_view normalized_value) {
  // The type index seeds the hash, so "123" as a member card and as a buyer id are distinct keys.
  const XXH128_hash_t h =
      XXH3_128bits_withSeed(normalized_value.data(), normalized_value.size(), 0x9E3779B97F4A7C15ULL ^ type_index);
  return ValueKey{h.high64, h.low64};
}

std::string ToHex(const uint8_t* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

struct SaltedHasher::State {
  EVP_MD_CTX* salted = nullptr;  // SHA-256 state after absorbing the salt
  EVP_MD_CTX* work = nullptr;
  ~State() {
    EVP_MD_CTX_free(salted);
    EVP_MD_CTX_free(work);
  }
};

SaltedHasher::SaltedHasher(std::string_view salt) : state_(std::make_unique<State>()) {
  state_->salted = EVP_MD_CTX_new();
  state_->work = EVP_MD_CTX_new();
  // OpenSSL can only fail here on allocation failure or a broken installation: no caller could
  // recover, so this is the one place oneid's compiled code throws.
  if (state_->salted == nullptr || state_->work == nullptr ||
      EVP_DigestInit_ex(state_->salted, EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(state_->salted, salt.data(), salt.size()) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 initialisation failed");
  }
}

SaltedHasher::SaltedHasher(SaltedHasher&&) noexcept = default;
SaltedHasher& SaltedHasher::operator=(SaltedHasher&&) noexcept = default;
SaltedHasher::~SaltedHasher() = default;

Sha256Digest SaltedHasher::Hash(std::string_view domain, std::string_view value) const {
  Sha256Digest digest{};
  unsigned int length = 0;
  static constexpr unsigned char kSeparator = 0;
  EVP_MD_CTX_copy_ex(state_->work, state_->salted);
  EVP_DigestUpdate(state_->work, domain.data(), domain.size());
  EVP_DigestUpdate(state_->work, &kSeparator, 1);
  EVP_DigestUpdate(state_->work, value.data(), value.size());
  EVP_DigestFinal_ex(state_->work, digest.data(), &length);
  return digest;
}

std::string SaltedHasher::HashHex(std::string_view domain, std::string_view value) const {
  const Sha256Digest digest = Hash(domain, value);
  return ToHex(digest.data(), 16);
}

std::string SaltedHasher::SaltFingerprint() const {
  const Sha256Digest digest = Hash("oneid-salt-fingerprint", "v1");
  return ToHex(digest.data(), digest.size());
}

}  // namespace identity
}  // namespace v0
}  // namespace oneid
