// BG/NBD: likelihood with analytic gradient (FHL 2005, eq. 6), fit and predictions.
#include "oneid/score/beta_geo.h"

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

// Per customer, with A3 = -(r+x) log(alpha+T) and, when x > 0,
// A4 = log a - log(b+x-1) - (r+x) log(alpha+t_x):
//   LL = log Gamma(r+x) - log Gamma(r) + r log alpha + log B(a, b+x) - log B(a, b) + log(e^A3 + [x>0] e^A4)
// The terms before the last depend on x only and are computed once per distinct frequency.
double BetaGeoLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params, Eigen::VectorXd* gradient) {
  using boost::math::digamma;
  const double r = params[0], alpha = params[1], a = params[2], b = params[3];
  const size_t groups = rows.distinct_a.size();
  BetaGeoFamilyTerms terms{std::vector<double>(groups), std::vector<double>(groups), std::vector<double>(groups),
                           std::vector<double>(groups), std::vector<double>(groups), -1.0, false};
  const double lgamma_r = std::lgamma(r), lgamma_b = std::lgamma(b), lgamma_ab = std::lgamma(a + b);
  const double digamma_r = gradient ? digamma(r) : 0, digamma_b = gradient ? digamma(b) : 0,
               digamma_ab = gradient ? digamma(a + b) : 0;
  const double log_alpha = std::log(alpha), log_a = std::log(a);
  for (size_t g = 0; g < groups; ++g) {
    const double x = rows.distinct_a[g];
    terms.constant[g] = std::lgamma(r + x) - lgamma_r + r * log_alpha + lgamma_ab + std::lgamma(b + x) - lgamma_b -
                        std::lgamma(a + b + x);
    terms.log_a4[g] = x > 0 ? log_a - std::log(b + x - 1) : -INFINITY;
    if (gradient != nullptr) {
      terms.d_r[g] = digamma(r + x) - digamma_r + log_alpha;
      terms.d_a[g] = digamma_ab - digamma(a + b + x);
      terms.d_b[g] = digamma_ab + digamma(b + x) - digamma_b - digamma(a + b + x);
    }
  }
  return BetaGeoFamilyRowSum(rows, r, alpha, a, b, terms, gradient);
}

double BetaGeoFamilyRowSum(const CompressedRows& rows, double r, double alpha, double a, double b,
                           const BetaGeoFamilyTerms& terms, Eigen::VectorXd* gradient) {
  // ln(alpha + t) and 1/(alpha + t) once per distinct recency and age.
  const ShiftedLogs at_tx = LogAndInverseOfShifted(alpha, rows.ValuesOfB());
  const ShiftedLogs at_T = LogAndInverseOfShifted(alpha, rows.ValuesOfC());
  // The row loop is most of a million-customer fit: two halves, on two cores when there are.
  struct Partial {
    double ll = 0, g_r = 0, g_alpha = 0, g_a = 0, g_b = 0;
    Partial operator+(const Partial& o) const {
      return {ll + o.ll, g_r + o.g_r, g_alpha + o.g_alpha, g_a + o.g_a, g_b + o.g_b};
    }
  };
  const Partial total = SumInTwoHalves(rows.size(), [&](size_t begin, size_t end) {
    Partial p;
    for (size_t i = begin; i < end; ++i) {
      const uint32_t g = rows.group[i];
      const double x = rows.a[i], w = rows.weight[i];
      const double log_alpha_T = at_T.log[rows.CIndex(i)];
      const double a3 = -(r + x) * log_alpha_T;
      const bool has_a4 = x > 0 || terms.one_time_buyers_have_a4;
      // ln(e^A3 + e^A4) = A3 + ln(1 + e^(A4 - A3)); the share of the second term is e/(1 + e).
      double tail = a3, w4 = 0, log_alpha_tx = 0;
      if (has_a4) {
        log_alpha_tx = at_tx.log[rows.BIndex(i)];
        const double d = terms.log_a4[g] - (r + x) * (log_alpha_tx - log_alpha_T);  // A4 - A3
        if (d > 0) {
          const double e = std::exp(-d);
          tail = a3 + d + std::log1p(e);
          w4 = 1.0 / (1.0 + e);
        } else {
          const double e = std::exp(d);
          tail = a3 + std::log1p(e);
          w4 = e / (1.0 + e);
        }
      }
      p.ll += w * (terms.constant[g] + tail);
      if (gradient != nullptr) {
        const double w3 = 1.0 - w4;
        const double inv_T = at_T.inverse[rows.CIndex(i)], inv_tx = at_tx.inverse[rows.BIndex(i)];
        p.g_r += w * (terms.d_r[g] - w3 * log_alpha_T - w4 * log_alpha_tx);
        p.g_alpha += w * (r / alpha - (r + x) * (w3 * inv_T + w4 * inv_tx));
        p.g_a += w * (terms.d_a[g] + w4 / a);
        p.g_b += w * (terms.d_b[g] - (has_a4 ? w4 / (b + x + terms.b_shift) : 0.0));
      }
    }
    return p;
  });
  if (gradient != nullptr) {
    gradient->resize(4);
    *gradient << total.g_r, total.g_alpha, total.g_a, total.g_b;
  }
  return total.ll;
}

double BetaGeoRowLogLikelihood(double r, double alpha, double a, double b, double x, double t_x, double T, double* d) {
  using boost::math::digamma;
  const double constant = std::lgamma(r + x) - std::lgamma(r) + r * std::log(alpha) + std::lgamma(a + b) +
                          std::lgamma(b + x) - std::lgamma(b) - std::lgamma(a + b + x);
  const double log_alpha_T = std::log(alpha + T);
  const double a3 = -(r + x) * log_alpha_T;
  double tail = a3, w4 = 0, log_alpha_tx = 0;
  if (x > 0) {
    log_alpha_tx = std::log(alpha + t_x);
    const double diff = std::log(a) - std::log(b + x - 1) - (r + x) * (log_alpha_tx - log_alpha_T);  // A4 - A3
    tail = a3 + (diff > 0 ? diff + std::log1p(std::exp(-diff)) : std::log1p(std::exp(diff)));
    w4 = diff > 0 ? 1.0 / (1.0 + std::exp(-diff)) : std::exp(diff) / (1.0 + std::exp(diff));
  }
  if (d != nullptr) {
    const double w3 = 1.0 - w4;
    d[0] = digamma(r + x) - digamma(r) + std::log(alpha) - w3 * log_alpha_T - w4 * log_alpha_tx;
    d[1] = r / alpha - (r + x) * (w3 / (alpha + T) + (x > 0 ? w4 / (alpha + t_x) : 0.0));
    d[2] = digamma(a + b) - digamma(a + b + x) + w4 / a;
    d[3] = digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x) - (x > 0 ? w4 / (b + x - 1) : 0.0);
  }
  return constant + tail;
}

}  // namespace detail

namespace {

constexpr std::string_view kKind = "bg_nbd";
constexpr std::array<std::string_view, 4> kNames = {"r", "alpha", "a", "b"};

std::array<double, 4> AsArray(const BetaGeoParams& p) { return {p.r, p.alpha, p.a, p.b}; }
BetaGeoParams FromArray(const std::array<double, 4>& v) { return {v[0], v[1], v[2], v[3]}; }

}  // namespace

absl::StatusOr<BetaGeoModel> BetaGeoModel::Create(const BetaGeoParams& params) {
  const std::array<double, 4> values = AsArray(params);
  if (absl::Status s = detail::CheckParams("BG/NBD", kNames, values); !s.ok()) return s;
  return BetaGeoModel(params, FitReport{});
}

absl::StatusOr<BetaGeoModel> BetaGeoModel::Fit(const PurchaseHistoryView& histories, const FitOptions& options) {
  if (absl::Status s = ValidatePurchaseHistory(histories); !s.ok()) return s;
  const detail::CompressedRows rows =
      detail::CompressRows(histories.frequency, histories.recency, histories.age, histories.weights);
  if (absl::Status s = detail::CheckHasRepeatPurchases("BG/NBD", rows); !s.ok()) return s;
  // Start with alpha at a tenth of the longest age: lifetimes rescales time to the same effect, and
  // it keeps the first steps of the search in a region where the likelihood is well scaled.
  const double max_age = *std::max_element(rows.c.begin(), rows.c.end());
  const std::array<double, 4> start = {1.0, std::max(max_age / 10.0, 1e-3), 1.0, 1.0};
  FitReport report;
  auto ll = [&rows](const Eigen::VectorXd& p, Eigen::VectorXd* g) { return detail::BetaGeoLogLikelihood(rows, p, g); };
  absl::StatusOr<std::array<double, 4>> estimate = detail::FitParams<4>("BG/NBD", kNames, rows, ll, start, options, &report, {1.0, 1.0 / max_age, 1.0, 1.0});
  if (!estimate.ok()) return estimate.status();
  return BetaGeoModel(FromArray(*estimate), report);
}

absl::StatusOr<double> BetaGeoModel::LogLikelihood(const PurchaseHistoryView& histories) const {
  if (absl::Status s = ValidatePurchaseHistory(histories); !s.ok()) return s;
  const detail::CompressedRows rows =
      detail::CompressRows(histories.frequency, histories.recency, histories.age, histories.weights);
  return detail::BetaGeoLogLikelihood(rows, detail::ToVector(AsArray(params_)), nullptr);
}

namespace {

// log of the second term of the P(alive) denominator: a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x).
double LogDeathOdds(const BetaGeoParams& p, double x, double t_x, double T) {
  return std::log(p.a / (p.b + x - 1)) + (p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + t_x));
}

}  // namespace

double BetaGeoModel::ProbabilityAlive(double x, double t_x, double T) const {
  if (x == 0) return 1.0;
  return 1.0 / (1.0 + std::exp(LogDeathOdds(params_, x, t_x, T)));
}

double BetaGeoModel::ConditionalExpectedPurchases(double t, double x, double t_x, double T) const {
  return ExpectedPurchasesIfAlive(t, x, T) * ProbabilityAlive(x, t_x, T);
}

double BetaGeoModel::ExpectedPurchasesIfAlive(double t, double x, double T) const {
  const BetaGeoParams& p = params_;
  if (t == 0) return 0.0;
  const double hyp = detail::Hyp2F1(p.r + x, p.b + x, p.a + p.b + x - 1, t / (p.alpha + T + t));
  return (p.a + p.b + x - 1) / (p.a - 1) *
         (1.0 - hyp * std::exp((p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + T + t))));
}

double BetaGeoModel::ExpectedPurchases(double t) const {
  const BetaGeoParams& p = params_;
  if (t == 0) return 0.0;
  const double hyp = detail::Hyp2F1(p.r, p.b, p.a + p.b - 1, t / (p.alpha + t));
  return (p.a + p.b - 1) / (p.a - 1) * (1.0 - std::pow(p.alpha / (p.alpha + t), p.r) * hyp);
}

double BetaGeoModel::ProbabilityOfPurchases(int n, double t) const {
  const BetaGeoParams& p = params_;
  if (n < 0) return 0.0;
  if (t == 0) return n == 0 ? 1.0 : 0.0;
  const double log_p0 = p.r * std::log(p.alpha / (p.alpha + t));  // NBD: no purchase
  const double log_q = std::log(t / (p.alpha + t));
  const double lgamma_r = std::lgamma(p.r);
  auto log_nbd = [&](int j) { return std::lgamma(p.r + j) - lgamma_r - std::lgamma(j + 1.0) + log_p0 + j * log_q; };
  const double log_beta_ab = detail::LogBeta(p.a, p.b);
  double probability = std::exp(detail::LogBeta(p.a, p.b + n) - log_beta_ab + log_nbd(n));
  if (n > 0) {
    double below = 0;
    for (int j = 0; j < n; ++j) below += std::exp(log_nbd(j));
    probability += std::exp(detail::LogBeta(p.a + 1, p.b + n - 1) - log_beta_ab) * (1.0 - below);
  }
  return probability;
}

double BetaGeoModel::ProbabilityNoPurchase(double h, double x, double t_x, double T) const {
  return detail::BetaGeoFamilyNoPurchase(ProbabilityAlive(x, t_x, T), params_.r, params_.alpha, x, T, h);
}

double BetaGeoModel::ProbabilityAliveAt(double t, double x, double t_x, double T) const {
  const BetaGeoParams& p = params_;
  return detail::BetaGeoFamilyAliveAt(ProbabilityAlive(x, t_x, T), p.r, p.alpha, p.a, p.b, /*shift=*/0, x, T, t);
}

std::string BetaGeoModel::Save() const {
  const std::array<double, 4> values = AsArray(params_);
  return detail::WriteModelText(kKind, kNames, values, report_);
}

absl::StatusOr<BetaGeoModel> BetaGeoModel::Load(std::string_view text) {
  FitReport report;
  absl::StatusOr<std::vector<double>> values = detail::ReadModelText(text, kKind, kNames, &report);
  if (!values.ok()) return values.status();
  const BetaGeoParams params{(*values)[0], (*values)[1], (*values)[2], (*values)[3]};
  if (absl::Status s = detail::CheckParams("BG/NBD", kNames, AsArray(params)); !s.ok()) return s;
  return BetaGeoModel(params, report);
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
