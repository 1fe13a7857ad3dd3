// Synthetic orders and behaviour. See include/oneid/profile/event_generator.h.
#include "oneid/profile/event_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "oneid/internal/progress_meter.h"

namespace oneid {
inline namespace v0 {
namespace profile {
namespace {

// Distributions from the raw engine output only: std::*_distribution differs between standard
// libraries, and generated data should not.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double OpenUniform() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }  // (0, 1)
  uint64_t Below(uint64_t n) {
    __extension__ using Uint128 = unsigned __int128;
    return static_cast<uint64_t>((Uint128{engine_()} * n) >> 64);
  }
  bool Chance(double p) { return Uniform() < p; }
  double Exponential() { return -std::log(OpenUniform()); }
  double Normal() {  // Box-Muller; one of the pair is enough here
    return std::sqrt(-2 * std::log(OpenUniform())) * std::cos(6.283185307179586 * Uniform());
  }
  // Marsaglia and Tsang (2000); shape < 1 by the boost Gamma(a) = Gamma(a + 1) U^(1/a).
  double Gamma(double shape) {
    if (shape < 1) return Gamma(shape + 1) * std::pow(OpenUniform(), 1 / shape);
    const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
    while (true) {
      double x = 0, v = 0;
      do {
        x = Normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const double u = OpenUniform();
      if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
    }
  }
  // Knuth's product method; the means used here are small.
  uint32_t Poisson(double mean) {
    if (!(mean > 0)) return 0;
    const double limit = std::exp(-std::min(mean, 30.0));
    uint32_t k = 0;
    double p = Uniform();
    while (p > limit) {
      ++k;
      p *= Uniform();
    }
    return k;
  }

 private:
  std::mt19937_64 engine_;
};

constexpr std::array<std::string_view, 12> kCategories = {
    "apparel", "shoes", "bags",       "beauty", "skincare", "fragrance",
    "accessories", "sportswear", "kids", "home", "food", "electronics"};
constexpr int64_t kDay = kSecondsPerDay;

double Round2(double x) { return std::round(x * 100) / 100; }

class Generator {
 public:
  Generator(const identity::SyntheticData& people, const EventGeneratorConfig& config, GeneratedEvents& out)
      : people_(people), config_(config), out_(out), rng_(config.seed ^ 0x9e3779b97f4a7c15ULL) {}

  void Run() {
    std::vector<std::vector<uint32_t>> rows_of(people_.people);
    const identity::AccountTable& accounts = people_.accounts;
    for (size_t r = 0; r < accounts.row_count(); ++r) rows_of[people_.true_person[r]].push_back(static_cast<uint32_t>(r));
    channel_of_row_.resize(accounts.row_count());
    for (size_t r = 0; r < accounts.row_count(); ++r) {
      channel_of_row_[r] = ParseChannel(accounts.source(r)).value_or(Channel::kWeb);
    }
    internal::ProgressMeter meter(config_.progress, "generate: events", rows_of.size());
    for (size_t p = 0; p < rows_of.size(); ++p) {
      meter.Tick(p);
      if (!rows_of[p].empty()) Person(rows_of[p]);
    }
    meter.Finish();
  }

 private:
  void Person(const std::vector<uint32_t>& rows) {
    const Timestamp start = config_.start, end = config_.end;
    const double span = static_cast<double>(end - start);
    const Timestamp join = start + static_cast<Timestamp>(rng_.Uniform() * span);
    const double shape = std::max(config_.purchase_rate_shape, 1e-3);
    const double per_year = rng_.Gamma(shape) * config_.purchases_per_year / shape;
    const double per_second = per_year / (365.0 * kDay);
    const double m = std::clamp(config_.dropout_mean, 1e-6, 1 - 1e-6);
    const double dropout = 1 - std::pow(rng_.OpenUniform(), m / (1 - m));  // Beta(1, (1-m)/m)
    const double cm = std::clamp(config_.coupon_propensity, 1e-6, 1 - 1e-6);
    const double coupon = 1 - std::pow(rng_.OpenUniform(), cm / (1 - cm));
    const double spend = std::exp(0.5 * rng_.Normal());
    const size_t favourite = rng_.Below(kCategories.size());
    home_store_ = absl::StrCat("S", 100 + rng_.Below(60));
    weights_.clear();
    double total = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      weights_.push_back(rng_.Gamma(0.5) + 0.02);
      total += weights_.back();
    }
    rows_ = &rows;
    points_ = 0;

    Timestamp t = join;
    size_t orders = 0;
    while (per_second > 0) {
      t += static_cast<Timestamp>(rng_.Exponential() / per_second);
      if (t > end || t < join) break;  // t < join: overflow guard for tiny rates
      Order(t, PickAccount(total), favourite, spend, coupon);
      ++orders;
      if (rng_.Chance(dropout)) break;
    }
    if (orders == 0) {
      const uint32_t n = rng_.Poisson(config_.never_buyer_browse);
      for (uint32_t i = 0; i < n; ++i) {
        const uint32_t row = PickAccount(total);
        const Timestamp when = join + static_cast<Timestamp>(rng_.Uniform() * static_cast<double>(end - join));
        Event(row, when, BehaviorKind::kBrowse);
      }
    }
  }

  uint32_t PickAccount(double total) {
    double u = rng_.Uniform() * total;
    for (size_t i = 0; i < weights_.size(); ++i) {
      if ((u -= weights_[i]) < 0) return (*rows_)[i];
    }
    return rows_->back();
  }

  Timestamp Before(Timestamp t, double days) {
    return std::max(config_.start, t - static_cast<Timestamp>(rng_.Uniform() * days * kDay));
  }

  void Event(uint32_t row, Timestamp t, BehaviorKind kind, double value = 0) {
    out_.behaviour.AddRow(people_.accounts.account_id(row), t, channel_of_row_[row], kind, value).IgnoreError();
  }

  void Order(Timestamp t, uint32_t row, size_t favourite, double spend, double coupon_propensity) {
    const Channel channel = channel_of_row_[row];
    const std::string_view account = people_.accounts.account_id(row);
    order_id_ = absl::StrCat("O", next_order_++);
    const bool pos = channel == Channel::kPos;
    const std::string store = pos ? (rng_.Chance(0.85) ? home_store_ : absl::StrCat("S", 100 + rng_.Below(60))) : "";
    const bool coupon = rng_.Chance(coupon_propensity);
    if (pos) {
      Event(row, t, BehaviorKind::kStoreVisit);
    } else {
      for (uint32_t i = rng_.Poisson(config_.browse_per_order); i > 0; --i) Event(row, Before(t, 3), BehaviorKind::kBrowse);
      for (uint32_t i = rng_.Poisson(config_.cart_per_order); i > 0; --i) Event(row, Before(t, 1), BehaviorKind::kAddToCart);
      if (rng_.Chance(0.2)) Event(row, Before(t, 3), BehaviorKind::kFavourite);
      if (rng_.Chance(0.05)) Event(row, t, BehaviorKind::kShare);
    }
    if (coupon) {
      Event(row, Before(t, 10), BehaviorKind::kCouponClaimed);
      Event(row, t, BehaviorKind::kCouponRedeemed);
    }
    double paid = 0;
    const uint32_t lines = 1 + rng_.Poisson(config_.extra_lines_mean);
    for (uint32_t l = 0; l < lines; ++l) {
      const std::string_view category = rng_.Chance(0.5) ? kCategories[favourite] : kCategories[rng_.Below(kCategories.size())];
      const double amount = Round2(config_.line_amount_median * spend * std::exp(0.6 * rng_.Normal()));
      const double discount = coupon ? Round2(amount * (0.1 + 0.2 * rng_.Uniform())) : 0;
      out_.orders
          .AddRow({.order_id = order_id_, .account_id = account, .time = t, .channel = channel, .store = store,
                   .category = category, .amount = amount, .discount = discount, .coupon_used = coupon})
          .IgnoreError();
      paid += amount;
      if (rng_.Chance(config_.refund_rate)) {
        const Timestamp when = t + (1 + static_cast<Timestamp>(rng_.Below(14))) * kDay;
        if (when <= config_.end) {
          out_.orders
              .AddRow({.order_id = order_id_, .account_id = account, .time = when, .channel = channel, .store = store,
                       .category = category, .amount = -amount})
              .IgnoreError();
          if (rng_.Chance(0.3)) Event(row, when, BehaviorKind::kServiceTicket);
          if (rng_.Chance(0.1)) Event(row, when, BehaviorKind::kComplaint);
        }
      }
    }
    if (rng_.Chance(0.01)) Event(row, t + kDay < config_.end ? t + kDay : t, BehaviorKind::kServiceTicket);
    const double earned = std::floor(paid);
    if (earned >= 1) {
      Event(row, t, BehaviorKind::kPointsEarned, earned);
      points_ += earned;
    }
    if (points_ >= 100 && rng_.Chance(config_.points_spend_share)) {
      const double spent = std::floor(points_ * (0.2 + 0.6 * rng_.Uniform()));
      if (spent >= 1) {
        Event(row, t, BehaviorKind::kPointsSpent, spent);
        points_ -= spent;
      }
    }
  }

  const identity::SyntheticData& people_;
  const EventGeneratorConfig& config_;
  GeneratedEvents& out_;
  Rng rng_;
  std::vector<Channel> channel_of_row_;
  std::vector<double> weights_;
  const std::vector<uint32_t>* rows_ = nullptr;
  std::string home_store_;
  std::string order_id_;
  uint64_t next_order_ = 1000000;
  double points_ = 0;
};

}  // namespace

GeneratedEvents GenerateEvents(const identity::SyntheticData& people, const EventGeneratorConfig& config) {
  GeneratedEvents out;
  if (config.end < config.start) return out;
  Generator(people, config, out).Run();
  return out;
}

}  // namespace profile
}  // namespace v0
}  // namespace oneid
