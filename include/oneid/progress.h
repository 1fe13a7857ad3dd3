// Progress reporting for long library calls: one callback type that the calls which scale with the
// data accept through their options (IdentityBatchOptions for Resolver::AddBatch,
// ProfileOptions::progress for the profile fold, FitOptions::progress for model fits,
// SyntheticConfig::progress and EventGeneratorConfig::progress for the generators).
//
//   oneid::ProgressCallback progress = [](std::string_view stage, uint64_t done, uint64_t total) {
//     std::fprintf(stderr, "\r%.*s %llu/%llu", int(stage.size()), stage.data(),
//                  (unsigned long long)done, (unsigned long long)total);
//   };
//   ProfileOptions options;
//   options.progress = progress;   // the builder reports "profile: orders", "profile: behaviour"
//
// The contract a callback can rely on, for every stage a call reports:
//   - the first call of a stage has done == 0; `done` never decreases within a stage;
//   - the last call of a stage has done == total (a stage whose size is not known in advance, such
//     as the iterations of a fit, reports total == 0 until that last call);
//   - calls are rate-limited: between the first and the last, at most one per kProgressInterval
//     of wall time, and the clock is read only every kProgressStride items, so a callback costs
//     nothing measurable even when it is slow to print;
//   - every call happens on the thread that made the library call, before that call returns.
// An empty callback (the default everywhere) costs one integer comparison per item.
//
// The callback must not call back into the object that is reporting (the resolver or builder is
// in the middle of a change). A callback that throws unwinds through the library call and leaves
// the object in an unspecified state; bindings that must surface a callback's error (Python) catch
// it in the callback, stop reporting, and raise it once the call has returned.
#ifndef ONEID_PROGRESS_H_
#define ONEID_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace oneid {
inline namespace v0 {

// Called with the stage's name (e.g. "resolve: accounts"), the items done and the stage's total.
using ProgressCallback = std::function<void(std::string_view stage, uint64_t done, uint64_t total)>;

// The least wall time between two intermediate reports of one stage.
inline constexpr std::chrono::milliseconds kProgressInterval{500};
// Items between two looks at the clock.
inline constexpr uint64_t kProgressStride = 4096;

}  // namespace v0
}  // namespace oneid

#endif  // ONEID_PROGRESS_H_
