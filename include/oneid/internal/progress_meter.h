// ProgressMeter: the rate limiter behind every ProgressCallback (see oneid/progress.h). A loop
// calls Tick(done) per item; with no callback that is one comparison against an unreachable
// threshold, and with one the clock is read every `stride` items and the callback runs at most once
// per `interval`. Internal.
//
//   internal::ProgressMeter meter(options.progress, "profile: orders", rows);
//   for (size_t i = 0; i < rows; ++i) { meter.Tick(i); ... }
//   meter.Finish();
#ifndef ONEID_INTERNAL_PROGRESS_METER_H_
#define ONEID_INTERNAL_PROGRESS_METER_H_

#include <chrono>
#include <cstdint>
#include <limits>
#include <string_view>

#include "oneid/progress.h"

namespace oneid {
inline namespace v0 {
namespace internal {

class ProgressMeter {
 public:
  using Clock = std::chrono::steady_clock;

  // Reports (stage, 0, total) at once when `callback` is set. `callback` must outlive the meter.
  ProgressMeter(const ProgressCallback& callback, std::string_view stage, uint64_t total,
                Clock::duration interval = kProgressInterval, uint64_t stride = kProgressStride)
      : callback_(callback ? &callback : nullptr), stage_(stage), total_(total), interval_(interval),
        stride_(stride == 0 ? 1 : stride) {
    if (callback_ == nullptr) return;
    next_check_ = stride_;
    last_report_ = Clock::now();
    (*callback_)(stage_, 0, total_);
  }
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;

  // `done` items are finished. Cheap: the slow path runs once per `stride` items at most.
  void Tick(uint64_t done) {
    if (done >= next_check_) [[unlikely]] Check(done);
  }

  // Reports (stage, total, total) once; a stage of unknown size (total 0) reports its last `done`
  // as the total. Later calls do nothing.
  void Finish() {
    if (callback_ == nullptr || finished_) return;
    finished_ = true;
    next_check_ = std::numeric_limits<uint64_t>::max();
    const uint64_t total = total_ != 0 ? total_ : last_done_;
    (*callback_)(stage_, total, total);
  }

  bool active() const { return callback_ != nullptr; }

 private:
  void Check(uint64_t done) {
    next_check_ = done + stride_;
    if (total_ != 0 && done > total_) done = total_;
    if (done < last_done_) return;  // monotone, whatever the caller passes
    last_done_ = done;
    const Clock::time_point now = Clock::now();
    if (now - last_report_ < interval_) return;
    last_report_ = now;
    if (total_ != 0 && done == total_) return;  // Finish() reports the end
    (*callback_)(stage_, done, total_);
  }

  const ProgressCallback* callback_;
  std::string_view stage_;
  uint64_t total_;
  Clock::duration interval_;
  uint64_t stride_;
  uint64_t next_check_ = std::numeric_limits<uint64_t>::max();
  uint64_t last_done_ = 0;
  Clock::time_point last_report_{};
  bool finished_ = false;
};

}  // namespace internal
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_INTERNAL_PROGRESS_METER_H_
