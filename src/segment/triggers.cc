// Triggers; see include/oneid/segment/triggers.h.
#include "oneid/segment/triggers.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "columns.h"
#include "oneid/internal/status_macros.h"

namespace oneid {
inline namespace v0 {
namespace segment {
namespace {

// Whole numbers without decimals ("48 days"), others with one ("10.5 days").
std::string Num(double v) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  }
  return buf;
}

std::string Days(double v) { return Num(v) + (Num(v) == "1" ? " day" : " days"); }

}  // namespace

std::string_view TriggerKindName(TriggerKind kind) {
  switch (kind) {
    case TriggerKind::kDueToRepurchase: return "due_to_repurchase";
    case TriggerKind::kAtRisk: return "at_risk";
    case TriggerKind::kPointsExpiring: return "points_expiring";
    case TriggerKind::kCartAbandoned: return "cart_abandoned";
  }
  return "unknown";
}

absl::Status TriggerConfig::Validate() const {
  auto bad = [](const char* field, double v, const char* why) {
    return absl::InvalidArgumentError(absl::StrCat("TriggerConfig.", field, " = ", v, ": ", why));
  };
  if (!(repurchase_factor >= 0)) return bad("repurchase_factor", repurchase_factor, "must be >= 0");
  if (!(repurchase_max_factor >= repurchase_factor)) {
    return bad("repurchase_max_factor", repurchase_max_factor, "must be >= repurchase_factor");
  }
  if (!(p_alive_threshold >= 0 && p_alive_threshold <= 1)) {
    return bad("p_alive_threshold", p_alive_threshold, "must be in [0, 1]");
  }
  if (!(points_window_days >= 0)) return bad("points_window_days", points_window_days, "must be >= 0");
  if (!(cart_window_days >= 0)) return bad("cart_window_days", cart_window_days, "must be >= 0");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<FiredTrigger>> FireTriggers(const profile::FeatureTable& table, const TriggerConfig& c) {
  ONEID_RETURN_IF_ERROR(c.Validate());
  using detail::RequireNumeric;
  const size_t rows = table.num_rows();
  absl::Span<const double> recency, interval, p_alive, points, points_days, cart_days, cart_value;
  if (c.due_to_repurchase) {
    ONEID_ASSIGN_OR_RETURN(recency, RequireNumeric(table, c.recency_column, "TriggerConfig.recency_column"));
    ONEID_ASSIGN_OR_RETURN(interval, RequireNumeric(table, c.interval_column, "TriggerConfig.interval_column"));
  }
  if (c.at_risk) {
    ONEID_ASSIGN_OR_RETURN(p_alive, RequireNumeric(table, c.p_alive_column, "TriggerConfig.p_alive_column"));
  }
  if (c.points_expiring) {
    ONEID_ASSIGN_OR_RETURN(points, RequireNumeric(table, c.points_column, "TriggerConfig.points_column"));
    ONEID_ASSIGN_OR_RETURN(points_days, RequireNumeric(table, c.points_days_column, "TriggerConfig.points_days_column"));
  }
  if (c.cart_abandoned) {
    ONEID_ASSIGN_OR_RETURN(cart_days, RequireNumeric(table, c.cart_days_column, "TriggerConfig.cart_days_column"));
    if (!c.cart_value_column.empty()) {
      ONEID_ASSIGN_OR_RETURN(cart_value, RequireNumeric(table, c.cart_value_column, "TriggerConfig.cart_value_column"));
    }
  }
  std::vector<FiredTrigger> fired;
  const auto& ids = table.oneids();
  for (size_t i = 0; i < rows; ++i) {
    auto fire = [&](TriggerKind kind, std::string reason) { fired.push_back({i, ids[i], kind, std::move(reason)}); };
    if (c.due_to_repurchase) {
      const double r = recency[i], u = interval[i];
      if (u > 0 && r > c.repurchase_factor * u && r <= c.repurchase_max_factor * u) {
        fire(TriggerKind::kDueToRepurchase, absl::StrCat("no purchase for ", Days(r), "; usual interval ", Days(u)));
      }
    }
    if (c.at_risk && p_alive[i] < c.p_alive_threshold) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "P(alive) %.2f is below %.2f", p_alive[i], c.p_alive_threshold);
      fire(TriggerKind::kAtRisk, buf);
    }
    if (c.points_expiring && points[i] > 0 && points_days[i] >= 0 && points_days[i] <= c.points_window_days) {
      fire(TriggerKind::kPointsExpiring, absl::StrCat(Num(points[i]), " points expire in ", Days(points_days[i])));
    }
    if (c.cart_abandoned && cart_days[i] >= 0 && cart_days[i] <= c.cart_window_days) {
      std::string what = "cart";
      if (!cart_value.empty() && std::isfinite(cart_value[i])) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "cart worth %.2f", cart_value[i]);
        what = buf;
      }
      fire(TriggerKind::kCartAbandoned, absl::StrCat(what, " abandoned ", Days(cart_days[i]), " ago"));
    }
  }
  return fired;
}

}  // namespace segment
}  // namespace v0
}  // namespace oneid
