// A minimal JSON writer for the server's responses (it only writes; requests are CSV, read by
// oneid's own readers). Strings are escaped per RFC 8259, including control characters, so an
// account id or a reason that quotes hostile input cannot break the document; non-finite numbers
// become null, as NaN means "not defined" in a profile.
#ifndef ONEID_EXAMPLES_HTTP_SERVER_JSON_H_
#define ONEID_EXAMPLES_HTTP_SERVER_JSON_H_

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace oneid_http {

class Json {
 public:
  Json& BeginObject() { return Open('{'); }
  Json& EndObject() { return Close('}'); }
  Json& BeginArray() { return Open('['); }
  Json& EndArray() { return Close(']'); }
  // An object member's key; the next call writes its value.
  Json& Key(std::string_view key) {
    Comma();
    Quote(key);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  Json& String(std::string_view s) {
    Comma();
    Quote(s);
    return *this;
  }
  Json& Number(double v) {
    Comma();
    if (!std::isfinite(v)) {
      out_ += "null";
      return *this;
    }
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that round-trips
    out_.append(buf, r.ptr);
    return *this;
  }
  Json& Int(uint64_t v) {
    Comma();
    out_ += std::to_string(v);
    return *this;
  }
  Json& Bool(bool v) {
    Comma();
    out_ += v ? "true" : "false";
    return *this;
  }
  Json& Null() {
    Comma();
    out_ += "null";
    return *this;
  }
  // Already-serialised JSON (a pre-rendered part of a record).
  Json& Raw(std::string_view json) {
    Comma();
    out_ += json;
    return *this;
  }
  std::string Take() { return std::move(out_); }

 private:
  Json& Open(char c) {
    Comma();
    out_ += c;
    first_ = true;
    return *this;
  }
  Json& Close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  void Comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
  }
  void Quote(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_ += '"';
    for (size_t i = 0; i < s.size(); ++i) {
      const char ch = s[i];
      const auto c = static_cast<unsigned char>(ch);
      if (c >= 0x80) {
        // Copy a well-formed UTF-8 sequence; anything else (say from a query string) becomes
        // U+FFFD, so the document stays valid JSON whatever the client sent.
        const size_t len = Utf8Length(s.substr(i));
        if (len == 0) {
          out_ += "\\ufffd";
        } else {
          out_.append(s.substr(i, len));
          i += len - 1;
        }
        continue;
      }
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20 || c == 0x7f) {
            out_ += "\\u00";
            out_ += kHex[c >> 4];
            out_ += kHex[c & 15];
          } else {
            out_ += ch;
          }
      }
    }
    out_ += '"';
  }

  // The length of the well-formed UTF-8 sequence `s` starts with, 0 if it is not one (overlong
  // forms, surrogates and code points above U+10FFFF are not well formed).
  static size_t Utf8Length(std::string_view s) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
    const unsigned char c = b(0);
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
      if (!cont(1) || !cont(2)) return 0;
      if (c == 0xE0 && b(1) < 0xA0) return 0;
      if (c == 0xED && b(1) > 0x9F) return 0;
      return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
      if (!cont(1) || !cont(2) || !cont(3)) return 0;
      if (c == 0xF0 && b(1) < 0x90) return 0;
      if (c == 0xF4 && b(1) > 0x8F) return 0;
      return 4;
    }
    return 0;
  }

  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace oneid_http

#endif  // ONEID_EXAMPLES_HTTP_SERVER_JSON_H_
