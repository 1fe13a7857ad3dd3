// MBG/NBD: likelihood with analytic gradient (Batislam et al. 2007; lifetimes'
// ModifiedBetaGeoFitter), fit and predictions.
#include "oneid/score/modified_beta_geo.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <boost/math/special_functions/digamma.hpp>

#include "model_common.h"
#include "oneid/score/detail/likelihoods.h"
#include "oneid/score/detail/model_text.h"
#include "oneid/score/detail/special_functions.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {

// Per customer, with A3 = -(r+x) log(alpha+T) and A4 = log a - log(b+x) - (r+x) log(alpha+t_x)
// (for every x: the customer may drop out right after her first purchase):
//   LL = log Gamma(r+x) - log Gamma(r) + r log alpha + log B(a, b+x+1) - log B(a, b) + log(e^A3 + e^A4)
double ModifiedBetaGeoLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params,
                                    Eigen::VectorXd* gradient) {
  using boost::math::digamma;
  const double r = params[0], alpha = params[1], a = params[2], b = params[3];
  const size_t groups = rows.distinct_a.size();
  BetaGeoFamilyTerms terms{std::vector<double>(groups), std::vector<double>(groups), std::vector<double>(groups),
                           std::vector<double>(groups), std::vector<double>(groups), 0.0, true};
  const double lgamma_r = std::lgamma(r), lgamma_b = std::lgamma(b), lgamma_ab = std::lgamma(a + b);
  const double digamma_r = gradient ? digamma(r) : 0, digamma_b = gradient ? digamma(b) : 0,
               digamma_ab = gradient ? digamma(a + b) : 0;
  const double log_alpha = std::log(alpha), log_a = std::log(a);
  for (size_t g = 0; g < groups; ++g) {
    const double x = rows.distinct_a[g];
    terms.constant[g] = std::lgamma(r + x) - lgamma_r + r * log_alpha + lgamma_ab + std::lgamma(b + x + 1) - lgamma_b -
                        std::lgamma(a + b + x + 1);
    terms.log_a4[g] = log_a - std::log(b + x);
    if (gradient != nullptr) {
      terms.d_r[g] = digamma(r + x) - digamma_r + log_alpha;
      terms.d_a[g] = digamma_ab - digamma(a + b + x + 1);
      terms.d_b[g] = digamma_ab + digamma(b + x + 1) - digamma_b - digamma(a + b + x + 1);
    }
  }
  return BetaGeoFamilyRowSum(rows, r, alpha, a, b, terms, gradient);
}

}  // namespace detail

namespace {

constexpr std::string_view kKind = "mbg_nbd";
constexpr std::array<std::string_view, 4> kNames = {"r", "alpha", "a", "b"};

std::array<double, 4> AsArray(const ModifiedBetaGeoParams& p) { return {p.r, p.alpha, p.a, p.b}; }
ModifiedBetaGeoParams FromArray(const std::array<double, 4>& v) { return {v[0], v[1], v[2], v[3]}; }

}  // namespace

absl::StatusOr<ModifiedBetaGeoModel> ModifiedBetaGeoModel::Create(const ModifiedBetaGeoParams& params) {
  if (absl::Status s = detail::CheckParams("MBG/NBD", kNames, AsArray(params)); !s.ok()) return s;
  return ModifiedBetaGeoModel(params, FitReport{});
}

absl::StatusOr<ModifiedBetaGeoModel> ModifiedBetaGeoModel::Fit(const PurchaseHistoryView& histories,
                                                               const FitOptions& options) {
  if (absl::Status s = ValidatePurchaseHistory(histories); !s.ok()) return s;
  const detail::CompressedRows rows =
      detail::CompressRows(histories.frequency, histories.recency, histories.age, histories.weights);
  if (absl::Status s = detail::CheckHasRepeatPurchases("MBG/NBD", rows); !s.ok()) return s;
  const double max_age = *std::max_element(rows.c.begin(), rows.c.end());
  const std::array<double, 4> start = {1.0, std::max(max_age / 10.0, 1e-3), 1.0, 1.0};
  FitReport report;
  auto ll = [&rows](const Eigen::VectorXd& p, Eigen::VectorXd* g) {
    return detail::ModifiedBetaGeoLogLikelihood(rows, p, g);
  };
  absl::StatusOr<std::array<double, 4>> estimate = detail::FitParams<4>("MBG/NBD", kNames, rows, ll, start, options, &report, {1.0, 1.0 / max_age, 1.0, 1.0});
  if (!estimate.ok()) return estimate.status();
  return ModifiedBetaGeoModel(FromArray(*estimate), report);
}

absl::StatusOr<double> ModifiedBetaGeoModel::LogLikelihood(const PurchaseHistoryView& histories) const {
  if (absl::Status s = ValidatePurchaseHistory(histories); !s.ok()) return s;
  const detail::CompressedRows rows =
      detail::CompressRows(histories.frequency, histories.recency, histories.age, histories.weights);
  return detail::ModifiedBetaGeoLogLikelihood(rows, detail::ToVector(AsArray(params_)), nullptr);
}

double ModifiedBetaGeoModel::ProbabilityAlive(double x, double t_x, double T) const {
  const ModifiedBetaGeoParams& p = params_;
  const double log_odds = std::log(p.a / (p.b + x)) + (p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + t_x));
  return 1.0 / (1.0 + std::exp(log_odds));
}

double ModifiedBetaGeoModel::ConditionalExpectedPurchases(double t, double x, double t_x, double T) const {
  return ExpectedPurchasesIfAlive(t, x, T) * ProbabilityAlive(x, t_x, T);
}

double ModifiedBetaGeoModel::ExpectedPurchasesIfAlive(double t, double x, double T) const {
  const ModifiedBetaGeoParams& p = params_;
  if (t == 0) return 0.0;
  const double hyp = detail::Hyp2F1(p.r + x, p.b + x + 1, p.a + p.b + x, t / (p.alpha + T + t));
  return (p.a + p.b + x) / (p.a - 1) *
         (1.0 - hyp * std::exp((p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + T + t))));
}

double ModifiedBetaGeoModel::ExpectedPurchases(double t) const {
  const ModifiedBetaGeoParams& p = params_;
  if (t == 0) return 0.0;
  const double hyp = detail::Hyp2F1(p.r, p.b + 1, p.a + p.b, t / (p.alpha + t));
  return p.b / (p.a - 1) * (1.0 - hyp * std::pow(p.alpha / (p.alpha + t), p.r));
}

double ModifiedBetaGeoModel::ProbabilityOfPurchases(int n, double t) const {
  const ModifiedBetaGeoParams& p = params_;
  if (n < 0) return 0.0;
  const double log_beta_ab = detail::LogBeta(p.a, p.b);
  // At t = 0 nobody has bought again yet.
  if (t == 0) return n == 0 ? 1.0 : 0.0;
  const double log_p0 = p.r * std::log(p.alpha / (p.alpha + t));
  const double log_q = std::log(t / (p.alpha + t));
  const double lgamma_r = std::lgamma(p.r);
  auto log_nbd = [&](int j) { return std::lgamma(p.r + j) - lgamma_r - std::lgamma(j + 1.0) + log_p0 + j * log_q; };
  double below = 0;
  for (int j = 0; j < n; ++j) below += std::exp(log_nbd(j));
  return std::exp(detail::LogBeta(p.a, p.b + n + 1) - log_beta_ab + log_nbd(n)) +
         std::exp(detail::LogBeta(p.a + 1, p.b + n) - log_beta_ab) * std::max(0.0, 1.0 - below);
}

double ModifiedBetaGeoModel::ProbabilityNoPurchase(double h, double x, double t_x, double T) const {
  return detail::BetaGeoFamilyNoPurchase(ProbabilityAlive(x, t_x, T), params_.r, params_.alpha, x, T, h);
}

double ModifiedBetaGeoModel::ProbabilityAliveAt(double t, double x, double t_x, double T) const {
  const ModifiedBetaGeoParams& p = params_;
  return detail::BetaGeoFamilyAliveAt(ProbabilityAlive(x, t_x, T), p.r, p.alpha, p.a, p.b, /*shift=*/1, x, T, t);
}

std::string ModifiedBetaGeoModel::Save() const {
  const std::array<double, 4> values = AsArray(params_);
  return detail::WriteModelText(kKind, kNames, values, report_);
}

absl::StatusOr<ModifiedBetaGeoModel> ModifiedBetaGeoModel::Load(std::string_view text) {
  FitReport report;
  absl::StatusOr<std::vector<double>> values = detail::ReadModelText(text, kKind, kNames, &report);
  if (!values.ok()) return values.status();
  const ModifiedBetaGeoParams params{(*values)[0], (*values)[1], (*values)[2], (*values)[3]};
  if (absl::Status s = detail::CheckParams("MBG/NBD", kNames, AsArray(params)); !s.ok()) return s;
  return ModifiedBetaGeoModel(params, report);
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
