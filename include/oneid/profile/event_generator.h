// Synthetic orders and behaviour for the people of identity::GenerateOmniChannel, for tests,
// benchmarks and demos. Every event is keyed by one of its person's generated accounts and comes
// from that account's channel, so the events re-key through a resolver to the right OneIDs and the
// ground truth (SyntheticData::true_person) says whose they really are.
//
//   identity::SyntheticData people = identity::GenerateOmniChannel({.seed = 7, .people = 10000});
//   EventGeneratorConfig config;
//   config.seed = 7;
//   GeneratedEvents events = GenerateEvents(people, config);
//   // events.orders: ~25 lines a buyer on average over two years; events.behaviour: ~6x that.
//
// The purchase process is the one the customer-base models assume, so that they have something
// real to find (Fader, Hardie and Lee 2005, BG/NBD):
//   - each person joins at a uniform time in [start, end] and then buys as a Poisson process with
//     a personal rate lambda ~ Gamma(shape, mean) (heterogeneous purchase rates);
//   - after each purchase the person drops out for good with a personal probability
//     p ~ Beta(1, (1 - dropout_mean) / dropout_mean) (dropout);
//   - each purchase goes to one of the person's accounts, drawn with personal weights
//     (channel preferences), so a person buys mostly in one or two channels; POS orders get a
//     home store most of the time;
//   - lines per order are 1 + Poisson, amounts log-normal around a personal spend level, categories
//     drawn with a personal favourite; a personal coupon propensity decides coupon use (with a
//     10-30% discount); a line is refunded later with probability refund_rate;
//   - browsing, carts, favourites and shares precede online purchases (plus browsing by people who
//     never buy), store visits accompany POS purchases, coupons are claimed before being redeemed,
//     points are earned on spend and sometimes spent, and refunds raise the chance of a service
//     ticket or complaint.
// Output is a pure function of the inputs (std::mt19937_64 and hand-written distributions).
#ifndef ONEID_PROFILE_EVENT_GENERATOR_H_
#define ONEID_PROFILE_EVENT_GENERATOR_H_

#include <cstdint>

#include "oneid/identity/synthetic.h"
#include "oneid/profile/events.h"
#include "oneid/progress.h"

namespace oneid {
inline namespace v0 {
namespace profile {

struct EventGeneratorConfig {
  uint64_t seed = 42;
  // The window events fall in; `end` is the natural observation date. Defaults: 2023-01-01 to
  // 2024-12-31 23:59:59 UTC.
  Timestamp start = 1672531200;
  Timestamp end = 1735689599;
  double purchases_per_year = 4;   // population mean of lambda
  double purchase_rate_shape = 0.8;  // gamma shape of lambda; smaller is more heterogeneous
  double dropout_mean = 0.12;      // mean probability of dropping out after a purchase
  double extra_lines_mean = 0.6;   // lines per order = 1 + Poisson(extra_lines_mean)
  double line_amount_median = 120; // median line amount (CNY) of an average spender
  double coupon_propensity = 0.25; // population mean share of orders using a coupon
  double refund_rate = 0.04;       // probability that a sale line is refunded later
  double browse_per_order = 4;     // browse events before an online order (Poisson mean)
  double cart_per_order = 1.3;     // add_to_cart events before an online order
  double never_buyer_browse = 3;   // browse events of a person who never buys (Poisson mean)
  double points_spend_share = 0.2; // probability an order also spends points
  // Reports the stage "generate: events" (persons done); see oneid/progress.h. It never changes
  // what is generated.
  ProgressCallback progress;
};

struct GeneratedEvents {
  OrderTable orders;
  BehaviorTable behaviour;
};

// Generates the events of `people`'s persons. Deterministic in (people, config).
GeneratedEvents GenerateEvents(const identity::SyntheticData& people, const EventGeneratorConfig& config);

}  // namespace profile
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_PROFILE_EVENT_GENERATOR_H_
