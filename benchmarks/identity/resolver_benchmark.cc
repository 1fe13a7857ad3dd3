// Benchmarks of identity resolution: the whole resolver on 1M and 10M accounts, the normalisers
// it spends its time in, and its union-find against Boost.Graph's connected_components.
//
//   ./identity_resolver_benchmark                                   # everything (about 2 min)
//   ./identity_resolver_benchmark --benchmark_filter='BM_ResolveAccounts/1000000/'
//   ./identity_resolver_benchmark --benchmark_filter='BM_ResolveAccounts/10000000/'   # 10M alone
//   ./identity_resolver_benchmark --benchmark_filter='-BM_ResolveAccounts/10000000/' # all but 10M
//
// scripts/bench.sh runs this binary, writes JSON to build/bench/results/ and turns it into
// docs/benchmarks.md.
//
// BM_ResolveAccounts runs each size on 1 and 2 threads (IdentityConfig::threads: phase one,
// normalising and keying the cells, runs on that many threads; linking stays on one).
//
// Data of BM_ResolveAccounts: every account has exactly three identifiers (phone, email,
// unionid), accounts belong to persons at about 2.5 accounts per person, and a person's accounts
// share its values the way omni-channel exports do: phones written five ways (30% not in the
// canonical "13800138000" form), a second phone on 15% of accounts, emails sometimes upper-cased
// or padded with spaces, an account-only relay email on 25% of accounts. Rows are shuffled so a
// person's accounts are not adjacent. The input is one character arena with string_views over it
// (an AccountBatchView), the zero-copy shape the Python binding hands to the resolver.
//
// Memory is reported two ways, because they answer different questions:
//   resolver_bytes_per_*  Resolver::Stats().memory_bytes: what the resolver keeps after the batch.
//   peak_rss_bytes_per_*  the rise of the process's peak resident set (VmHWM, reset through
//                         /proc/self/clear_refs before the batch) over its resident set before it:
//                         the resolver state plus AddBatch's temporaries, without the input table.
// input_bytes_per_account is the input table (arena + views) that both numbers exclude.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>

#include "oneid/identity/account_table.h"
#include "oneid/identity/identifier_type.h"
#include "oneid/identity/normalizer.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/union_find.h"

namespace {

using oneid::identity::AccountBatchView;
using oneid::identity::DefaultIdentityConfig;
using oneid::identity::Normalizer;
using oneid::identity::Resolver;
using oneid::identity::UnionFind;

// ---------------------------------------------------------------------------------------------
// Process memory, from /proc/self/status.
// ---------------------------------------------------------------------------------------------

// Returns the value of a "Name:   1234 kB" line in bytes, or 0 if it cannot be read.
size_t ReadStatusBytes(std::string_view field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
      return static_cast<size_t>(std::strtoull(line.c_str() + field.size() + 1, nullptr, 10)) * 1024;
    }
  }
  return 0;
}
size_t CurrentRss() { return ReadStatusBytes("VmRSS"); }
size_t PeakRss() { return ReadStatusBytes("VmHWM"); }
// Resets VmHWM to the current RSS (Linux >= 4.0). Returns false where that is not allowed; the
// peak is then the process's peak since start, which overstates the delta.
bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// ---------------------------------------------------------------------------------------------
// Deterministic data.
// ---------------------------------------------------------------------------------------------

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A small counter-based generator: draws are a pure function of (seed, stream, draw index).
class Draws {
 public:
  Draws(uint64_t seed, uint64_t stream) : state_(SplitMix64(seed ^ SplitMix64(stream))) {}
  uint64_t Next() { return state_ = SplitMix64(state_); }
  // True with probability `percent` / 100.
  bool Percent(uint32_t percent) { return Next() % 100 < percent; }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }

 private:
  uint64_t state_;
};

void AppendDecimal(std::string& out, uint64_t v, int min_digits = 1) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 || n < min_digits);
  while (n > 0) out.push_back(buf[--n]);
}

// Mobile prefixes that libphonenumber accepts as valid Chinese mobile numbers.
constexpr std::array<int, 24> kMobilePrefixes = {130, 131, 132, 133, 135, 136, 137, 138,
                                                 139, 150, 151, 152, 155, 156, 158, 159,
                                                 177, 180, 182, 183, 186, 187, 188, 189};

// Phone number `j` (0-based, distinct for distinct j below 24 * 10^8), written in the canonical
// form (style 0) or one of the four common variants.
void AppendPhone(std::string& out, uint64_t j, uint32_t style) {
  const uint64_t prefix = kMobilePrefixes[j % kMobilePrefixes.size()];
  // (k + 1) * 48271 mod 10^8 is a bijection on [0, 10^8) because 48271 is coprime to 10^8; the
  // + 1 keeps subscriber 00000000 (the placeholder 13800000000) for the largest k only.
  const uint64_t subscriber = ((j / kMobilePrefixes.size() + 1) * 48271) % 100000000;
  std::string digits;
  AppendDecimal(digits, prefix);
  AppendDecimal(digits, subscriber, 8);
  const std::string_view d = digits;
  switch (style) {
    case 0: out.append(d); break;                                                    // 13800138000
    case 1: out.append(d.substr(0, 3)).append(" ").append(d.substr(3, 4)).append(" ")  // 138 0013 8000
                .append(d.substr(7)); break;
    case 2: out.append("+86 ").append(d); break;                                     // +86 13800138000
    case 3: out.append("0086-").append(d.substr(0, 3)).append("-").append(d.substr(3, 4))
                .append("-").append(d.substr(7)); break;                             // 0086-138-0013-8000
    default: out.append("+86-").append(d.substr(0, 3)).append("-").append(d.substr(3, 4))
                 .append("-").append(d.substr(7)); break;                            // +86-138-0013-8000
  }
}

constexpr std::array<std::string_view, 6> kMailDomains = {"qq.com",  "163.com",     "126.com",
                                                          "gmail.com", "outlook.com", "sina.com"};

void AppendPersonEmail(std::string& out, uint64_t person, uint32_t variant) {
  std::string email;
  // person * odd constant mod 2^40 is a bijection: distinct persons get distinct local parts.
  AppendDecimal(email, 10000 + ((person * 2654435761ULL) & ((1ULL << 40) - 1)));
  email.push_back('@');
  email.append(kMailDomains[person % kMailDomains.size()]);
  switch (variant) {
    case 0: out.append(email); break;
    case 1:  // upper-cased
      for (char c : email) out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
      break;
    case 2: out.append("  ").append(email).append(" "); break;  // padded
    default:                                                    // capitalised domain
      for (char c : email) out.push_back(c);
      if (const size_t at = out.rfind('@'); at + 1 < out.size() && out[at + 1] >= 'a' && out[at + 1] <= 'z') {
        out[at + 1] = static_cast<char>(out[at + 1] - 32);
      }
      break;
  }
}

// A 28-character WeChat-style UnionID ("o" + 27 base64url characters), distinct per person.
void AppendUnionId(std::string& out, uint64_t person) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  out.push_back('o');
  // The first 6 characters spell the person number scrambled by a bijection of [0, 2^36) (an odd
  // multiplier), so ids are distinct; the other 21 are hash noise.
  const uint64_t spelled = (person * 0x9E3779B1ULL) & ((1ULL << 36) - 1);
  for (int k = 0; k < 6; ++k) out.push_back(kAlphabet[(spelled >> (6 * k)) & 63]);
  const uint64_t h = SplitMix64(person ^ 0x756E696F6E6964ULL);
  const uint64_t h2 = SplitMix64(h);
  for (int k = 0; k < 21; ++k) out.push_back(kAlphabet[k < 10 ? (h >> (6 * k)) & 63 : (h2 >> (6 * (k - 10))) & 63]);
}

constexpr std::array<std::string_view, 7> kSources = {"pos", "tmall", "jd", "douyin", "miniprogram", "wecom", "app"};
constexpr std::array<std::string_view, 7> kIdPrefixes = {"pos:", "tm:", "jd:", "dy:", "mp:", "wc:", "app:"};

// The input of BM_ResolveAccounts: one arena holding every string and a view over it.
struct AccountData {
  std::string arena;
  AccountBatchView view;
  size_t people = 0;
  size_t identifiers = 0;
  size_t bytes() const {
    return arena.size() + (view.account_ids.capacity() + view.sources.capacity()) * sizeof(std::string_view) +
           3 * view.values[0].capacity() * sizeof(std::string_view);
  }
};

// `accounts` accounts, three identifiers each, ~2.5 accounts per person. Deterministic in `seed`.
// `first_person` and `first_row` shift person numbers (hence values) and account ids, so that a
// second data set can be fed into a state built from the first without sharing anything with it.
AccountData MakeAccounts(size_t accounts, uint64_t seed, uint64_t first_person = 0, uint64_t first_row = 0) {
  AccountData data;
  // Owners: person p has 1 + Geometric(0.6) accounts (mean 2.5), capped at 12 so that no genuine
  // value reaches the junk thresholds of the default configuration.
  std::vector<uint32_t> owner;
  owner.reserve(accounts);
  {
    Draws draws(seed, 1);
    uint32_t person = 0;
    while (owner.size() < accounts) {
      uint32_t k = 1;
      while (k < 12 && draws.Percent(60)) ++k;
      for (uint32_t i = 0; i < k && owner.size() < accounts; ++i) owner.push_back(person);
      ++person;
    }
    data.people = person;
    for (size_t i = owner.size(); i > 1; --i) {  // Fisher-Yates
      std::swap(owner[i - 1], owner[draws.Next() % i]);
    }
  }

  // Every string is appended to one arena reserved up front, so views taken while it grows stay
  // valid (the longest row is well under 160 bytes).
  constexpr size_t kMaxRowBytes = 160;
  data.arena.reserve(accounts * kMaxRowBytes);
  const char* const base = data.arena.data();
  AccountBatchView& v = data.view;
  v.columns = {{"phone", "phone"}, {"email", "email"}, {"unionid", "unionid"}};
  v.values.resize(3);
  v.account_ids.reserve(accounts);
  v.sources.reserve(accounts);
  for (auto& column : v.values) column.reserve(accounts);
  std::string& a = data.arena;
  auto take = [&](size_t begin) { return std::string_view(base + begin, a.size() - begin); };

  for (size_t row = 0; row < accounts; ++row) {
    Draws draws(seed, 1000 + row);
    const uint64_t p = first_person + owner[row];
    const uint32_t channel = draws.Below(kSources.size());
    size_t begin = a.size();
    a.append(kSources[channel]);
    v.sources.push_back(take(begin));
    begin = a.size();
    a.append(kIdPrefixes[channel]);
    AppendDecimal(a, 100000000 + first_row + row);
    v.account_ids.push_back(take(begin));

    begin = a.size();
    const uint64_t phone = 2 * p + (draws.Percent(15) ? 1 : 0);
    AppendPhone(a, phone, draws.Percent(30) ? 1 + draws.Below(4) : 0);
    v.values[0].push_back(take(begin));

    begin = a.size();
    if (draws.Percent(75)) {
      AppendPersonEmail(a, p, draws.Percent(10) ? 1 + draws.Below(3) : 0);
    } else {
      a.append("r");
      AppendDecimal(a, 100000000 + first_row + row);
      a.append("@relay.example.net");
    }
    v.values[1].push_back(take(begin));

    begin = a.size();
    AppendUnionId(a, p);
    v.values[2].push_back(take(begin));
  }
  if (a.data() != base) {
    std::fprintf(stderr, "arena reallocated: raise kMaxRowBytes\n");
    std::abort();
  }
  data.identifiers = 3 * accounts;
  return data;
}

// Raw phones (mixed formats at the resolver data's 30% rate) and emails for the normaliser runs.
std::vector<std::string> MakePhones(size_t n) {
  std::vector<std::string> out(n);
  Draws draws(7, 2);
  for (size_t i = 0; i < n; ++i) AppendPhone(out[i], draws.Next() % 50000000, draws.Percent(30) ? 1 + draws.Below(4) : 0);
  return out;
}
std::vector<std::string> MakeEmails(size_t n) {
  std::vector<std::string> out(n);
  Draws draws(7, 3);
  for (size_t i = 0; i < n; ++i) AppendPersonEmail(out[i], draws.Next() % 50000000, draws.Percent(10) ? 1 + draws.Below(3) : 0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The resolver, end to end.
// ---------------------------------------------------------------------------------------------

void BM_ResolveAccounts(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const AccountData data = MakeAccounts(n, 42);
  auto config = DefaultIdentityConfig();
  config.threads = static_cast<uint32_t>(state.range(1));
  size_t peak_delta = 0, retained_delta = 0, resolver_bytes = 0, persons = 0, values = 0;
  size_t refused = 0, rejected = 0;
  bool peak_reset = true;
  for (auto _ : state) {
    state.PauseTiming();
    absl::StatusOr<Resolver> resolver = Resolver::Create(config);
    if (!resolver.ok()) {
      state.SkipWithError(std::string(resolver.status().message()).c_str());
      return;
    }
    peak_reset = ResetPeakRss() && peak_reset;
    const size_t rss_before = CurrentRss();
    state.ResumeTiming();

    absl::StatusOr<oneid::identity::BatchReport> report = resolver->AddBatch(data.view);
    benchmark::DoNotOptimize(report);

    state.PauseTiming();
    peak_delta = std::max(peak_delta, PeakRss() - rss_before);
    retained_delta = CurrentRss() - rss_before;
    if (!report.ok()) {
      state.SkipWithError(std::string(report.status().message()).c_str());
      return;
    }
    const auto stats = resolver->Stats();
    resolver_bytes = stats.memory_bytes;
    persons = stats.persons;
    values = stats.values;
    refused = report->links_refused + report->values_junk + report->values_blocklisted;
    rejected = report->rows_rejected + report->fields_rejected;
    { Resolver gone = *std::move(resolver); }  // free the state outside the timed region
    state.ResumeTiming();
  }
  const double accounts = static_cast<double>(n);
  const double ids = static_cast<double>(data.identifiers);
  state.counters["accounts_per_second"] = benchmark::Counter(accounts, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["identifiers_per_second"] = benchmark::Counter(ids, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["resolver_bytes_per_account"] = static_cast<double>(resolver_bytes) / accounts;
  state.counters["resolver_bytes_per_identifier"] = static_cast<double>(resolver_bytes) / ids;
  state.counters["peak_rss_bytes_per_account"] = static_cast<double>(peak_delta) / accounts;
  state.counters["peak_rss_bytes_per_identifier"] = static_cast<double>(peak_delta) / ids;
  state.counters["retained_rss_bytes_per_identifier"] = static_cast<double>(retained_delta) / ids;
  state.counters["input_bytes_per_account"] = static_cast<double>(data.bytes()) / accounts;
  state.counters["persons_true"] = static_cast<double>(data.people);
  state.counters["oneids"] = static_cast<double>(persons);
  state.counters["values"] = static_cast<double>(values);
  state.counters["refused"] = static_cast<double>(refused);
  state.counters["rejected"] = static_cast<double>(rejected);
  state.counters["peak_rss_reset"] = peak_reset ? 1 : 0;
}
BENCHMARK(BM_ResolveAccounts)
    ->Args({1000000, 1})
    ->Args({1000000, 2})
    ->Args({10000000, 1})
    ->Args({10000000, 2})
    ->ArgNames({"accounts", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

// ---------------------------------------------------------------------------------------------
// Micro-batches into a large state: what a host that ingests as accounts arrive (the HTTP
// example, the host CRM's loop) pays per batch.
// ---------------------------------------------------------------------------------------------

// A state of `state.range(0)` accounts (BM_ResolveAccounts' data), then 40 batches of 1,000 new
// accounts, each timed on its own. Every fourth batch carries one account with a "kiosk" phone
// that 20 accounts of the state already hold (phone's max_accounts_per_value), so in that batch
// the phone crosses the limit, turns junk, and the persons it linked are re-split. Counters:
// median and worst batch over all 40 (wall and thread CPU time), and the median and worst of the
// 10 batches with a crossing.
// CPU time of the calling thread: steadier than wall time on a shared machine.
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

void BM_MicroBatches(benchmark::State& state) {
  constexpr size_t kBatches = 40, kBatchRows = 1000, kKioskHolders = 20;
  const size_t n = static_cast<size_t>(state.range(0));
  const auto config = DefaultIdentityConfig();
  absl::StatusOr<Resolver> resolver = Resolver::Create(config);
  if (!resolver.ok()) {
    state.SkipWithError(std::string(resolver.status().message()).c_str());
    return;
  }
  const AccountData base = MakeAccounts(n, 42);
  // Kiosk phone of crossing batch b: a number no base person has (base persons use 2p and 2p+1).
  std::vector<std::string> kiosk_phones;
  for (size_t b = 0; b < kBatches; b += 4) {
    std::string phone;
    AppendPhone(phone, 2 * base.people + 16 + b, 0);
    kiosk_phones.push_back(std::move(phone));
  }
  // The accounts that hold the kiosk phones already: each also carries a base person's email, so
  // the kiosk phone links real persons (until it turns junk).
  oneid::identity::AccountTable kiosk({{"phone", "phone"}, {"email", "email"}});
  for (size_t k = 0; k < kiosk_phones.size(); ++k) {
    for (size_t i = 0; i < kKioskHolders; ++i) {
      std::string email;
      AppendPersonEmail(email, ((k * kKioskHolders + i) * 7919) % base.people, 0);
      const std::string id = "kiosk:" + std::to_string(k) + ":" + std::to_string(i);
      if (!kiosk.AddRow(id, "pos", {kiosk_phones[k], email}).ok()) std::abort();
    }
  }
  const AccountData fresh = MakeAccounts(kBatches * kBatchRows, 43, base.people + 1000, n + 1000000);
  if (!resolver->AddBatch(base.view).ok() || !resolver->AddBatch(kiosk).ok()) {
    state.SkipWithError("building the state failed");
    return;
  }
  std::vector<double> all_ms, crossing_ms, cpu_ms;
  size_t junk = 0;
  for (auto _ : state) {
    all_ms.clear();
    crossing_ms.clear();
    for (size_t b = 0; b < kBatches; ++b) {
      AccountBatchView view;
      view.columns = fresh.view.columns;
      const auto from = static_cast<std::ptrdiff_t>(b * kBatchRows), to = from + static_cast<std::ptrdiff_t>(kBatchRows);
      view.account_ids.assign(fresh.view.account_ids.begin() + from, fresh.view.account_ids.begin() + to);
      view.sources.assign(fresh.view.sources.begin() + from, fresh.view.sources.begin() + to);
      for (const auto& column : fresh.view.values) view.values.emplace_back(column.begin() + from, column.begin() + to);
      const bool crossing = b % 4 == 0;
      if (crossing) view.values[0][0] = kiosk_phones[b / 4];
      const auto start = std::chrono::steady_clock::now();
      const double cpu_start = ThreadCpuMs();
      absl::StatusOr<oneid::identity::BatchReport> report = resolver->AddBatch(view);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      cpu_ms.push_back(ThreadCpuMs() - cpu_start);
      if (!report.ok()) {
        state.SkipWithError(std::string(report.status().message()).c_str());
        return;
      }
      junk += report->values_junk;
      all_ms.push_back(ms);
      if (crossing) crossing_ms.push_back(ms);
    }
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : (v[(v.size() - 1) / 2] + v[v.size() / 2]) / 2;
  };
  state.counters["median_ms"] = median(all_ms);
  state.counters["worst_ms"] = *std::max_element(all_ms.begin(), all_ms.end());
  state.counters["median_crossing_ms"] = median(crossing_ms);
  state.counters["worst_crossing_ms"] = *std::max_element(crossing_ms.begin(), crossing_ms.end());
  state.counters["median_cpu_ms"] = median(cpu_ms);
  state.counters["worst_cpu_ms"] = *std::max_element(cpu_ms.begin(), cpu_ms.end());
  state.counters["values_turned_junk"] = static_cast<double>(junk);
}
BENCHMARK(BM_MicroBatches)
    ->Arg(1000000)
    ->Arg(10000000)
    ->ArgName("state_accounts")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

// ---------------------------------------------------------------------------------------------
// Normalisers.
// ---------------------------------------------------------------------------------------------

constexpr size_t kPoolSize = 1 << 16;

// The fast path (digits-only forms, validity memoised by prefix) as the resolver uses it. The
// memo is warmed first: after the first few thousand numbers of a batch it is always warm.
void BM_NormalizePhone(benchmark::State& state) {
  const std::vector<std::string> pool = MakePhones(kPoolSize);
  auto normalizer = Normalizer::Create("CN");
  for (const auto& raw : pool) benchmark::DoNotOptimize(normalizer->NormalizePhone(raw));
  size_t i = 0;
  for (auto _ : state) {
    auto out = normalizer->NormalizePhone(pool[i++ & (kPoolSize - 1)]);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  const double fast = static_cast<double>(normalizer->phone_fast_path_count());
  state.counters["fast_path_share"] = fast / (fast + static_cast<double>(normalizer->phone_full_parse_count()));
}
BENCHMARK(BM_NormalizePhone);

// The fast path with a cold memo: a fresh Normalizer for every pass over the pool, so most numbers
// fall in a (length, 7-digit prefix) block the memo has not seen and cost one libphonenumber
// validity check. This is the regime of a first batch of up to a few million phones: China's
// mobile blocks number in the hundreds of thousands.
void BM_NormalizePhoneColdMemo(benchmark::State& state) {
  const std::vector<std::string> pool = MakePhones(kPoolSize);
  std::optional<Normalizer> normalizer;
  size_t i = 0, fast = 0, full = 0;
  for (auto _ : state) {
    if ((i & (kPoolSize - 1)) == 0) {
      state.PauseTiming();
      if (normalizer) fast += normalizer->phone_fast_path_count(), full += normalizer->phone_full_parse_count();
      normalizer.emplace(*Normalizer::Create("CN"));
      state.ResumeTiming();
    }
    auto out = normalizer->NormalizePhone(pool[i++ & (kPoolSize - 1)]);
    benchmark::DoNotOptimize(out);
  }
  fast += normalizer->phone_fast_path_count();
  full += normalizer->phone_full_parse_count();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["fast_path_share"] = static_cast<double>(fast) / static_cast<double>(fast + full);
}
BENCHMARK(BM_NormalizePhoneColdMemo);

// libphonenumber's parser, validator and E.164 formatter on every number.
void BM_NormalizePhoneFullParser(benchmark::State& state) {
  const std::vector<std::string> pool = MakePhones(kPoolSize);
  auto normalizer = Normalizer::Create("CN");
  size_t i = 0;
  for (auto _ : state) {
    auto out = normalizer->NormalizePhoneWithFullParser(pool[i++ & (kPoolSize - 1)]);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_NormalizePhoneFullParser);

void BM_NormalizeEmail(benchmark::State& state) {
  const std::vector<std::string> pool = MakeEmails(kPoolSize);
  auto normalizer = Normalizer::Create("CN");
  size_t i = 0;
  for (auto _ : state) {
    auto out = normalizer->NormalizeEmail(pool[i++ & (kPoolSize - 1)]);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_NormalizeEmail);

// ---------------------------------------------------------------------------------------------
// Union-find versus Boost.Graph connected_components, on the same random edges.
// ---------------------------------------------------------------------------------------------

// n vertices and n uniformly random edges (mean degree 2: a giant component plus small ones).
std::vector<std::pair<uint32_t, uint32_t>> RandomEdges(size_t n) {
  std::mt19937_64 rng(n);
  std::uniform_int_distribution<uint32_t> pick(0, static_cast<uint32_t>(n - 1));
  std::vector<std::pair<uint32_t, uint32_t>> edges(n);
  for (auto& e : edges) e = {pick(rng), pick(rng)};
  return edges;
}

// Both sides produce the same thing: a component label for every vertex.
void BM_UnionFindMerge(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto edges = RandomEdges(n);
  std::vector<uint32_t> label(n);
  for (auto _ : state) {
    UnionFind<uint32_t> sets;
    sets.Reserve(n);
    for (size_t i = 0; i < n; ++i) sets.Add();
    for (const auto& [a, b] : edges) sets.Merge(a, b);
    for (uint32_t i = 0; i < n; ++i) label[i] = sets.FindRoot(i);
    benchmark::DoNotOptimize(label.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));  // edges
}
BENCHMARK(BM_UnionFindMerge)->Range(1 << 10, 1 << 20)->Unit(benchmark::kMicrosecond);

using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

// What a Boost user writes: build the graph from the edge list, then label components.
void BM_BoostConnectedComponents(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto edges = RandomEdges(n);
  std::vector<int> label(n);
  for (auto _ : state) {
    BoostGraph graph(n);
    for (const auto& [a, b] : edges) boost::add_edge(a, b, graph);
    benchmark::DoNotOptimize(boost::connected_components(graph, label.data()));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_BoostConnectedComponents)->Range(1 << 10, 1 << 20)->Unit(benchmark::kMicrosecond);

// The same with the graph built outside the timed region: connected_components' DFS alone.
void BM_BoostConnectedComponentsPrebuilt(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto edges = RandomEdges(n);
  BoostGraph graph(n);
  for (const auto& [a, b] : edges) boost::add_edge(a, b, graph);
  std::vector<int> label(n);
  for (auto _ : state) {
    benchmark::DoNotOptimize(boost::connected_components(graph, label.data()));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_BoostConnectedComponentsPrebuilt)->Range(1 << 10, 1 << 20)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
