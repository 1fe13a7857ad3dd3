// BG/BB: likelihood with analytic gradient (Fader, Hardie & Shang 2010, eq. 5), fit and predictions.
#include "oneid/score/beta_geo_beta_binom.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <boost/math/special_functions/digamma.hpp>

#include "model_common.h"
#include "oneid/score/detail/likelihoods.h"
#include "oneid/score/detail/model_text.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {
namespace {

// log L of one history and, when `d` is not null, its derivatives in (alpha, beta, gamma, delta):
//   L = B(alpha+x, beta+n-x)/B(alpha,beta) B(gamma, delta+n)/B(gamma,delta)
//     + sum_{i=0}^{n-t_x-1} B(alpha+x, beta+t_x-x+i)/B(alpha,beta) B(gamma+1, delta+t_x+i)/B(gamma,delta)
// (alive through n, or died just after opportunity t_x + i). Each term is exp(log B(alpha+x, beta+m)
// - log B(alpha,beta) + log B(gamma+c, delta+e) - log B(gamma,delta)); the sum is taken in logs.
double BgbbRowLogLikelihood(double alpha, double beta, double gamma, double delta, double x, double t_x, double n,
                            double* d) {
  using boost::math::digamma;
  const double lb_ab = LogBeta(alpha, beta), lb_gd = LogBeta(gamma, delta);
  auto log_term = [&](double m, double c, double e) {
    return LogBeta(alpha + x, beta + m) - lb_ab + LogBeta(gamma + c, delta + e) - lb_gd;
  };
  const int tail_terms = static_cast<int>(n - t_x);
  std::vector<double> logs;
  logs.reserve(static_cast<size_t>(tail_terms) + 1);
  logs.push_back(log_term(n - x, 0, n));
  for (int i = 0; i < tail_terms; ++i) logs.push_back(log_term(t_x - x + i, 1, t_x + i));
  double max_log = *std::max_element(logs.begin(), logs.end());
  double sum = 0;
  for (double l : logs) sum += std::exp(l - max_log);
  const double total = max_log + std::log(sum);
  if (d != nullptr) {
    const double dg_a = digamma(alpha), dg_b = digamma(beta), dg_ab = digamma(alpha + beta);
    const double dg_g = digamma(gamma), dg_d = digamma(delta), dg_gd = digamma(gamma + delta);
    const double dg_ax = digamma(alpha + x);
    d[0] = d[1] = d[2] = d[3] = 0;
    auto add = [&](double share, double m, double c, double e) {
      const double dg_abxm = digamma(alpha + beta + x + m), dg_gdce = digamma(gamma + delta + c + e);
      d[0] += share * (dg_ax - dg_abxm - dg_a + dg_ab);
      d[1] += share * (digamma(beta + m) - dg_abxm - dg_b + dg_ab);
      d[2] += share * (digamma(gamma + c) - dg_gdce - dg_g + dg_gd);
      d[3] += share * (digamma(delta + e) - dg_gdce - dg_d + dg_gd);
    };
    add(std::exp(logs[0] - total), n - x, 0, n);
    for (int i = 0; i < tail_terms; ++i) add(std::exp(logs[static_cast<size_t>(i) + 1] - total), t_x - x + i, 1, t_x + i);
  }
  return total;
}

}  // namespace

double BetaGeoBetaBinomLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params,
                                     Eigen::VectorXd* gradient) {
  const double alpha = params[0], beta = params[1], gamma = params[2], delta = params[3];
  double ll = 0;
  double g[4] = {0, 0, 0, 0}, d[4];
  for (size_t i = 0; i < rows.size(); ++i) {
    const double w = rows.weight[i];
    ll += w * BgbbRowLogLikelihood(alpha, beta, gamma, delta, rows.a[i], rows.b[i], rows.c[i], gradient ? d : nullptr);
    if (gradient != nullptr) {
      for (int k = 0; k < 4; ++k) g[k] += w * d[k];
    }
  }
  if (gradient != nullptr) {
    gradient->resize(4);
    *gradient << g[0], g[1], g[2], g[3];
  }
  return ll;
}

}  // namespace detail

namespace {

constexpr std::string_view kKind = "bg_bb";
constexpr std::array<std::string_view, 4> kNames = {"alpha", "beta", "gamma", "delta"};

std::array<double, 4> AsArray(const BetaGeoBetaBinomParams& p) { return {p.alpha, p.beta, p.gamma, p.delta}; }

}  // namespace

absl::StatusOr<BetaGeoBetaBinomModel> BetaGeoBetaBinomModel::Create(const BetaGeoBetaBinomParams& params) {
  if (absl::Status s = detail::CheckParams("BG/BB", kNames, AsArray(params)); !s.ok()) return s;
  return BetaGeoBetaBinomModel(params, FitReport{});
}

absl::StatusOr<BetaGeoBetaBinomModel> BetaGeoBetaBinomModel::Fit(const DiscreteHistoryView& histories,
                                                                 const FitOptions& options) {
  if (absl::Status s = ValidateDiscreteHistory(histories); !s.ok()) return s;
  const detail::CompressedRows rows =
      detail::CompressRows(histories.frequency, histories.recency, histories.n_periods, histories.weights);
  if (absl::Status s = detail::CheckHasRepeatPurchases("BG/BB", rows); !s.ok()) return s;
  const std::array<double, 4> start = {1.0, 1.0, 1.0, 1.0};
  FitReport report;
  auto ll = [&rows](const Eigen::VectorXd& p, Eigen::VectorXd* g) {
    return detail::BetaGeoBetaBinomLogLikelihood(rows, p, g);
  };
  absl::StatusOr<std::array<double, 4>> estimate = detail::FitParams<4>("BG/BB", kNames, rows, ll, start, options, &report);
  if (!estimate.ok()) return estimate.status();
  return BetaGeoBetaBinomModel({(*estimate)[0], (*estimate)[1], (*estimate)[2], (*estimate)[3]}, report);
}

absl::StatusOr<double> BetaGeoBetaBinomModel::LogLikelihood(const DiscreteHistoryView& histories) const {
  if (absl::Status s = ValidateDiscreteHistory(histories); !s.ok()) return s;
  const detail::CompressedRows rows =
      detail::CompressRows(histories.frequency, histories.recency, histories.n_periods, histories.weights);
  return detail::BetaGeoBetaBinomLogLikelihood(rows, detail::ToVector(AsArray(params_)), nullptr);
}

double BetaGeoBetaBinomModel::ProbabilityAlive(double m, double x, double t_x, double n) const {
  const BetaGeoBetaBinomParams& p = params_;
  const double log_l = detail::BgbbRowLogLikelihood(p.alpha, p.beta, p.gamma, p.delta, x, t_x, n, nullptr);
  return std::exp(detail::LogBeta(p.alpha + x, p.beta + n - x) - detail::LogBeta(p.alpha, p.beta) +
                  detail::LogBeta(p.gamma, p.delta + n + m) - detail::LogBeta(p.gamma, p.delta) - log_l);
}

double BetaGeoBetaBinomModel::ConditionalExpectedPurchases(double m, double x, double t_x, double n) const {
  const BetaGeoBetaBinomParams& p = params_;
  if (m == 0) return 0.0;
  const double log_l = detail::BgbbRowLogLikelihood(p.alpha, p.beta, p.gamma, p.delta, x, t_x, n, nullptr);
  const double log_buy = detail::LogBeta(p.alpha + x + 1, p.beta + n - x) - detail::LogBeta(p.alpha, p.beta);
  // delta/(gamma-1) is negative when gamma < 1, and so is the difference below: keep the sign
  // outside the logarithms.
  const double scale = p.delta / (p.gamma - 1) * std::exp(std::lgamma(p.gamma + p.delta) - std::lgamma(1 + p.delta));
  const double survive_now = std::exp(std::lgamma(1 + p.delta + n) - std::lgamma(p.gamma + p.delta + n));
  const double survive_later = std::exp(std::lgamma(1 + p.delta + n + m) - std::lgamma(p.gamma + p.delta + n + m));
  return std::exp(log_buy - log_l) * scale * (survive_now - survive_later);
}

double BetaGeoBetaBinomModel::ExpectedPurchases(double n) const {
  const BetaGeoBetaBinomParams& p = params_;
  if (n == 0) return 0.0;
  const double ratio = std::exp(std::lgamma(p.gamma + p.delta) - std::lgamma(p.gamma + p.delta + n) +
                                std::lgamma(1 + p.delta + n) - std::lgamma(1 + p.delta));
  return p.alpha / (p.alpha + p.beta) * p.delta / (p.gamma - 1) * (1.0 - ratio);
}

double BetaGeoBetaBinomModel::ProbabilityOfTransactions(int x, int n) const {
  const BetaGeoBetaBinomParams& p = params_;
  if (x < 0 || n < 0 || x > n) return 0.0;
  const double log_ab = detail::LogBeta(p.alpha, p.beta), log_gd = detail::LogBeta(p.gamma, p.delta);
  auto log_choose = [](int top, int bottom) {
    return std::lgamma(top + 1.0) - std::lgamma(bottom + 1.0) - std::lgamma(top - bottom + 1.0);
  };
  // Alive through all n opportunities, and x transactions among them.
  double probability = std::exp(log_choose(n, x) + detail::LogBeta(p.alpha + x, p.beta + n - x) - log_ab +
                                detail::LogBeta(p.gamma, p.delta + n) - log_gd);
  // Died right before opportunity i+1 (alive for exactly i, x <= i < n), x transactions among i.
  for (int i = x; i < n; ++i) {
    probability += std::exp(log_choose(i, x) + detail::LogBeta(p.alpha + x, p.beta + i - x) - log_ab +
                            detail::LogBeta(p.gamma + 1, p.delta + i) - log_gd);
  }
  return probability;
}

double BetaGeoBetaBinomModel::ProbabilityNoPurchase(double m, double x, double t_x, double n) const {
  const BetaGeoBetaBinomParams& p = params_;
  const double alive = ProbabilityAlive(0, x, t_x, n);
  if (m == 0) return 1.0;
  // Posterior given alive after opportunity n: p ~ Beta(alpha+x, beta+n-x), theta ~ Beta(gamma, delta+n).
  const double pa = p.alpha + x, pb = p.beta + n - x, ga = p.gamma, gb = p.delta + n;
  const double log_bp = detail::LogBeta(pa, pb), log_bg = detail::LogBeta(ga, gb);
  const int steps = static_cast<int>(m);
  double quiet = 0;
  // Dies before opportunity n+j (j = 1..m) after j-1 quiet opportunities...
  for (int j = 1; j <= steps; ++j) {
    quiet += std::exp(detail::LogBeta(ga + 1, gb + j - 1) - log_bg + detail::LogBeta(pa, pb + j - 1) - log_bp);
  }
  // ...or lives through all m without transacting.
  quiet += std::exp(detail::LogBeta(ga, gb + steps) - log_bg + detail::LogBeta(pa, pb + steps) - log_bp);
  return 1.0 - alive + alive * quiet;
}

std::string BetaGeoBetaBinomModel::Save() const {
  const std::array<double, 4> values = AsArray(params_);
  return detail::WriteModelText(kKind, kNames, values, report_);
}

absl::StatusOr<BetaGeoBetaBinomModel> BetaGeoBetaBinomModel::Load(std::string_view text) {
  FitReport report;
  absl::StatusOr<std::vector<double>> values = detail::ReadModelText(text, kKind, kNames, &report);
  if (!values.ok()) return values.status();
  const BetaGeoBetaBinomParams params{(*values)[0], (*values)[1], (*values)[2], (*values)[3]};
  if (absl::Status s = detail::CheckParams("BG/BB", kNames, AsArray(params)); !s.ok()) return s;
  return BetaGeoBetaBinomModel(params, report);
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
