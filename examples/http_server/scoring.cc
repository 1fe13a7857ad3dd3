#include "scoring.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "oneid/score/customer_lifetime_value.h"
#include "oneid/segment/segment_table.h"
#include "oneid/segment/value_tier.h"

namespace oneid_http {
namespace {

using oneid::profile::FeatureTable;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The host's own two status helpers (oneid's are internal and not for users).
#define HTTP_RETURN_IF_ERROR(expr)            \
  do {                                        \
    const absl::Status status_ = (expr);      \
    if (!status_.ok()) return status_;        \
  } while (0)
#define HTTP_CONCAT_INNER(a, b) a##b
#define HTTP_CONCAT(a, b) HTTP_CONCAT_INNER(a, b)
#define HTTP_ASSIGN_OR_RETURN(lhs, expr) HTTP_ASSIGN_OR_RETURN_IMPL(HTTP_CONCAT(so_, __LINE__), lhs, expr)
#define HTTP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(*tmp)

// The customer-base statistics of the rows that bought at least once.
struct Buyers {
  std::vector<size_t> rows;
  std::vector<double> x, t_x, T, monetary, recency, frequency, monetary_total;
};

absl::StatusOr<Buyers> BuyersOf(const FeatureTable& table) {
  HTTP_ASSIGN_OR_RETURN(auto x, table.Numeric("cb_frequency"));
  HTTP_ASSIGN_OR_RETURN(auto t_x, table.Numeric("cb_recency"));
  HTTP_ASSIGN_OR_RETURN(auto T, table.Numeric("cb_T"));
  HTTP_ASSIGN_OR_RETURN(auto mon, table.Numeric("cb_monetary"));
  HTTP_ASSIGN_OR_RETURN(auto recency, table.Numeric("recency_days"));
  HTTP_ASSIGN_OR_RETURN(auto frequency, table.Numeric("frequency"));
  HTTP_ASSIGN_OR_RETURN(auto total, table.Numeric("monetary_total"));
  Buyers b;
  for (size_t i = 0; i < table.num_rows(); ++i) {
    // A person who only browsed (or whose only order was refunded) is not a customer of the models.
    if (std::isnan(T[i]) || std::isnan(x[i]) || std::isnan(recency[i]) || !(frequency[i] > 0)) continue;
    b.rows.push_back(i);
    b.x.push_back(x[i]);
    b.t_x.push_back(t_x[i]);
    b.T.push_back(T[i]);
    b.monetary.push_back(std::isnan(mon[i]) ? 0.0 : mon[i]);
    b.recency.push_back(recency[i]);
    b.frequency.push_back(frequency[i]);
    b.monetary_total.push_back(std::max(0.0, total[i]));
  }
  return b;
}

const oneid::score::ClvOptions kClv{.months = 12, .monthly_discount_rate = 0.01, .periods_per_month = 30.0};

}  // namespace

absl::StatusOr<Models> FitModels(const FeatureTable& base) {
  HTTP_ASSIGN_OR_RETURN(Buyers b, BuyersOf(base));
  if (b.rows.size() < 10) {
    return absl::FailedPreconditionError("the base has " + std::to_string(b.rows.size()) +
                                         " buyers; at least 10 are needed to fit the models");
  }
  Models models;
  models.buyers = b.rows.size();
  // RFM quintiles of the base; scoring later batches with these edges puts them on the same scale.
  HTTP_ASSIGN_OR_RETURN(oneid::score::RfmResult rfm, oneid::score::ComputeRfm(b.recency, b.frequency, b.monetary_total));
  models.rfm.bins = rfm.bins;
  models.rfm.recency_edges = rfm.recency_edges;
  models.rfm.frequency_edges = rfm.frequency_edges;
  models.rfm.monetary_edges = rfm.monetary_edges;

  // Days as the time unit (a month is 30 units), as the demo pipeline fits them.
  HTTP_ASSIGN_OR_RETURN(models.bg_nbd, oneid::score::BetaGeoModel::Fit({.frequency = b.x, .recency = b.t_x, .age = b.T}));
  std::vector<double> repeat_x, repeat_m;
  for (size_t k = 0; k < b.x.size(); ++k) {
    if (b.x[k] > 0 && b.monetary[k] > 0) {
      repeat_x.push_back(b.x[k]);
      repeat_m.push_back(b.monetary[k]);
    }
  }
  models.repeat_buyers = repeat_x.size();
  HTTP_ASSIGN_OR_RETURN(models.gamma_gamma, oneid::score::GammaGammaModel::Fit(repeat_x, repeat_m));
  models.clv_sorted.reserve(b.x.size());
  for (size_t k = 0; k < b.x.size(); ++k) {
    const double clv = oneid::score::CustomerLifetimeValue(*models.bg_nbd, *models.gamma_gamma, b.x[k], b.t_x[k],
                                                           b.T[k], b.monetary[k], kClv);
    if (std::isfinite(clv)) models.clv_sorted.push_back(clv);
  }
  std::sort(models.clv_sorted.begin(), models.clv_sorted.end());
  return models;
}

absl::StatusOr<Scored> ScoreAndSegment(FeatureTable& table, const Models& models) {
  const size_t n = table.num_rows();
  HTTP_ASSIGN_OR_RETURN(Buyers b, BuyersOf(table));
  std::vector<double> r(n, kNaN), f(n, kNaN), m(n, kNaN), p_alive(n, kNaN), next90(n, kNaN), clv(n, kNaN);
  std::vector<double> decile(n, kNaN);
  std::vector<std::string> segment(n), tier(n);
  HTTP_ASSIGN_OR_RETURN(oneid::score::RfmResult rfm,
                        oneid::score::ComputeRfm(b.recency, b.frequency, b.monetary_total, models.rfm));
  // The value tiers of value_tier.h, ranked against the base rather than against this table: a
  // person's decile is 1 + floor(10 * below / n) with `below` the base buyers whose CLV is smaller.
  const oneid::segment::ValueTierConfig tiers;
  const double base_n = static_cast<double>(models.clv_sorted.size());
  for (size_t k = 0; k < b.rows.size(); ++k) {
    const size_t row = b.rows[k];
    r[row] = rfm.r[k];
    f[row] = rfm.f[k];
    m[row] = rfm.m[k];
    segment[row] = std::string(oneid::score::RfmSegmentName(rfm.segment[k]));
    p_alive[row] = models.bg_nbd->ProbabilityAlive(b.x[k], b.t_x[k], b.T[k]);
    next90[row] = models.bg_nbd->ConditionalExpectedPurchases(90, b.x[k], b.t_x[k], b.T[k]);
    clv[row] = oneid::score::CustomerLifetimeValue(*models.bg_nbd, *models.gamma_gamma, b.x[k], b.t_x[k], b.T[k],
                                                   b.monetary[k], kClv);
    if (!std::isfinite(clv[row]) || base_n == 0) continue;
    const double below = static_cast<double>(
        std::lower_bound(models.clv_sorted.begin(), models.clv_sorted.end(), clv[row]) - models.clv_sorted.begin());
    decile[row] = std::min(10.0, 1 + std::floor(10 * below / base_n));
    for (const oneid::segment::NamedTier& t : tiers.tiers) {
      if (below / base_n >= t.cut) {
        tier[row] = t.name;
        break;
      }
    }
  }
  HTTP_RETURN_IF_ERROR(table.SetNumeric("recency_score", std::move(r)));
  HTTP_RETURN_IF_ERROR(table.SetNumeric("frequency_score", std::move(f)));
  HTTP_RETURN_IF_ERROR(table.SetNumeric("monetary_score", std::move(m)));
  HTTP_RETURN_IF_ERROR(table.SetText("rfm_segment", std::move(segment)));
  HTTP_RETURN_IF_ERROR(table.SetNumeric("p_alive", std::move(p_alive)));
  HTTP_RETURN_IF_ERROR(table.SetNumeric("expected_purchases_90d", std::move(next90)));
  HTTP_RETURN_IF_ERROR(table.SetNumeric("clv", std::move(clv)));
  HTTP_RETURN_IF_ERROR(table.SetNumeric(tiers.decile_column, std::move(decile)));
  HTTP_RETURN_IF_ERROR(table.SetText(tiers.tier_column, std::move(tier)));

  // Lifecycle and tags read only the person's own row (and the tiers added above).
  oneid::segment::SegmentConfig config;
  config.value_tiers.reset();
  HTTP_ASSIGN_OR_RETURN(oneid::segment::SegmentReport report, oneid::segment::SegmentTable(table, config));
  oneid::segment::TriggerConfig triggers;
  triggers.points_expiring = table.Has(triggers.points_column) && table.Has(triggers.points_days_column);
  triggers.cart_abandoned = table.Has(triggers.cart_days_column);
  Scored scored;
  scored.tags = report.tags.applied;
  HTTP_ASSIGN_OR_RETURN(scored.triggers, oneid::segment::FireTriggers(table, triggers));
  return scored;
}

}  // namespace oneid_http
