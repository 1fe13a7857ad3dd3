// Pareto/NBD: likelihood through the integral form (see pareto_nbd.h) with an analytic gradient,
// fit and predictions.
#include "oneid/score/pareto_nbd.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/special_functions/digamma.hpp>

#include "model_common.h"
#include "oneid/score/detail/likelihoods.h"
#include "oneid/score/detail/model_text.h"

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {

// Gauss-Legendre nodes on [-1, 1] (Boost gives the non-negative half).
struct Nodes {
  std::vector<double> x, w;
  Nodes() {
    using Rule = boost::math::quadrature::gauss<double, 20>;
    const auto& abscissa = Rule::abscissa();
    const auto& weights = Rule::weights();
    for (size_t i = 0; i < abscissa.size(); ++i) {
      x.push_back(abscissa[i]);
      w.push_back(weights[i]);
      if (abscissa[i] != 0.0) {
        x.push_back(-abscissa[i]);
        w.push_back(weights[i]);
      }
    }
  }
};

const Nodes& GaussNodes() {
  static const Nodes nodes;
  return nodes;
}

// A panel spans at most this much change of the integrand's logarithm; 20 Gauss-Legendre nodes
// integrate exp(-k y) over such a panel to double precision.
constexpr double kMaxLogChangePerPanel = 6.0;


// The bracket of the likelihood, relative to g(t_x) where g(u) = (alpha+u)^-(r+x) (beta+u)^-(s+1):
//   B = (alpha+T)^-(r+x) (beta+T)^-s / g(t_x) + s Int_{t_x}^T g(u)/g(t_x) du,
// and the derivatives of log(g(t_x) B) in (r, alpha, s, beta) when `d` is not null. Returns log B;
// `alive_share` receives the first term's share of B, which is P(alive).
Bracket ParetoBracket(double r, double alpha, double s, double beta, double x, double t_x, double T, double* d) {
  const double k_alpha = r + x, k_beta = s + 1;
  const double v0 = std::log(alpha + t_x), v1 = std::log(alpha + T);
  const double lb0 = std::log(beta + t_x), lb1 = std::log(beta + T);
  const double log_g0 = -k_alpha * v0 - k_beta * lb0;
  const double e1 = std::exp(-k_alpha * v1 - s * lb1 - log_g0);
  // Integrals of g/g0 times 1, log(alpha+u), 1/(alpha+u), log(beta+u), 1/(beta+u), over (t_x, T],
  // in the variable v = log(alpha + u) (du = e^v dv).
  double i0 = 0, i_la = 0, i_ia = 0, i_lb = 0, i_ib = 0;
  if (T > t_x) {
    const double total_change = k_alpha * (v1 - v0) + k_beta * (lb1 - lb0);
    const int panels = std::max(1, static_cast<int>(std::ceil(total_change / kMaxLogChangePerPanel)));
    const double width = (v1 - v0) / panels;
    const Nodes& nodes = GaussNodes();
    for (int p = 0; p < panels; ++p) {
      const double mid = v0 + (p + 0.5) * width, half = 0.5 * width;
      for (size_t j = 0; j < nodes.x.size(); ++j) {
        const double v = mid + half * nodes.x[j];
        const double alpha_u = std::exp(v);
        const double beta_u = alpha_u - alpha + beta;
        const double log_beta_u = std::log(beta_u);
        const double f = nodes.w[j] * half * alpha_u * std::exp(-k_alpha * (v - v0) - k_beta * (log_beta_u - lb0));
        i0 += f;
        if (d != nullptr) {
          i_la += f * v;
          i_ia += f / alpha_u;
          i_lb += f * log_beta_u;
          i_ib += f / beta_u;
        }
      }
    }
  }
  const double b = e1 + s * i0;
  if (d != nullptr) {
    d[0] = (-e1 * v1 - s * i_la) / b;                             // d log bracket / d r
    d[1] = (-e1 * k_alpha / (alpha + T) - s * k_alpha * i_ia) / b;  // / d alpha
    d[2] = (-e1 * lb1 + i0 - s * i_lb) / b;                         // / d s
    d[3] = (-e1 * s / (beta + T) - s * k_beta * i_ib) / b;          // / d beta
  }
  return {log_g0, std::log(b), e1 / b};
}


// Per customer: LL = log Gamma(r+x) - log Gamma(r) + r log alpha + s log beta + log(g0 B).
double ParetoNbdLogLikelihood(const CompressedRows& rows, const Eigen::VectorXd& params, Eigen::VectorXd* gradient) {
  using boost::math::digamma;
  const double r = params[0], alpha = params[1], s = params[2], beta = params[3];
  const size_t groups = rows.distinct_a.size();
  std::vector<double> constant(groups), d_r(groups);
  const double lgamma_r = std::lgamma(r), log_alpha = std::log(alpha), log_beta = std::log(beta);
  const double digamma_r = gradient ? digamma(r) : 0;
  for (size_t g = 0; g < groups; ++g) {
    const double x = rows.distinct_a[g];
    constant[g] = std::lgamma(r + x) - lgamma_r + r * log_alpha + s * log_beta;
    if (gradient != nullptr) d_r[g] = digamma(r + x) - digamma_r + log_alpha;
  }
  double ll = 0;
  double g[4] = {0, 0, 0, 0};
  double d[4];
  for (size_t i = 0; i < rows.size(); ++i) {
    const uint32_t grp = rows.group[i];
    const double w = rows.weight[i];
    const Bracket bracket =
        ParetoBracket(r, alpha, s, beta, rows.a[i], rows.b[i], rows.c[i], gradient ? d : nullptr);
    ll += w * (constant[grp] + bracket.log_g0 + bracket.log_b);
    if (gradient != nullptr) {
      g[0] += w * (d_r[grp] + d[0]);
      g[1] += w * (r / alpha + d[1]);
      g[2] += w * (log_beta + d[2]);
      g[3] += w * (s / beta + d[3]);
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

constexpr std::string_view kKind = "pareto_nbd";
constexpr std::array<std::string_view, 4> kNames = {"r", "alpha", "s", "beta"};

std::array<double, 4> AsArray(const ParetoNbdParams& p) { return {p.r, p.alpha, p.s, p.beta}; }
ParetoNbdParams FromArray(const std::array<double, 4>& v) { return {v[0], v[1], v[2], v[3]}; }

}  // namespace

absl::StatusOr<ParetoNbdModel> ParetoNbdModel::Create(const ParetoNbdParams& params) {
  if (absl::Status s = detail::CheckParams("Pareto/NBD", kNames, AsArray(params)); !s.ok()) return s;
  return ParetoNbdModel(params, FitReport{});
}

absl::StatusOr<ParetoNbdModel> ParetoNbdModel::Fit(const PurchaseHistoryView& histories, const FitOptions& options) {
  if (absl::Status s = ValidatePurchaseHistory(histories); !s.ok()) return s;
  const detail::CompressedRows rows =
      detail::CompressRows(histories.frequency, histories.recency, histories.age, histories.weights);
  if (absl::Status s = detail::CheckHasRepeatPurchases("Pareto/NBD", rows); !s.ok()) return s;
  // Scales at a tenth of the longest age, as for BG/NBD.
  const double max_age = *std::max_element(rows.c.begin(), rows.c.end());
  const double scale = std::max(max_age / 10.0, 1e-3);
  const std::array<double, 4> start = {1.0, scale, 1.0, scale};
  FitReport report;
  auto ll = [&rows](const Eigen::VectorXd& p, Eigen::VectorXd* g) { return detail::ParetoNbdLogLikelihood(rows, p, g); };
  absl::StatusOr<std::array<double, 4>> estimate = detail::FitParams<4>("Pareto/NBD", kNames, rows, ll, start, options, &report,
                                                                        {1.0, 1.0 / max_age, 1.0, 1.0 / max_age});
  if (!estimate.ok()) return estimate.status();
  return ParetoNbdModel(FromArray(*estimate), report);
}

absl::StatusOr<double> ParetoNbdModel::LogLikelihood(const PurchaseHistoryView& histories) const {
  if (absl::Status s = ValidatePurchaseHistory(histories); !s.ok()) return s;
  const detail::CompressedRows rows =
      detail::CompressRows(histories.frequency, histories.recency, histories.age, histories.weights);
  return detail::ParetoNbdLogLikelihood(rows, detail::ToVector(AsArray(params_)), nullptr);
}

double ParetoNbdModel::ProbabilityAlive(double x, double t_x, double T) const {
  const ParetoNbdParams& p = params_;
  return detail::ParetoBracket(p.r, p.alpha, p.s, p.beta, x, t_x, T, nullptr).alive_share;
}

double ParetoNbdModel::ConditionalExpectedPurchases(double t, double x, double t_x, double T) const {
  return ExpectedPurchasesIfAlive(t, x, T) * ProbabilityAlive(x, t_x, T);
}

double ParetoNbdModel::ExpectedPurchasesIfAlive(double t, double x, double T) const {
  const ParetoNbdParams& p = params_;
  if (t == 0) return 0.0;
  const double log_ratio = std::log((p.beta + T) / (p.beta + T + t));
  // (1 - ((beta+T)/(beta+T+t))^(s-1)) / (s-1), continuous at s = 1 (where it is -log_ratio).
  const double s1 = p.s - 1;
  const double horizon = std::abs(s1) < 1e-10 ? -log_ratio : -std::expm1(s1 * log_ratio) / s1;
  return (p.r + x) * (p.beta + T) / (p.alpha + T) * horizon;
}

double ParetoNbdModel::ExpectedPurchases(double t) const {
  const ParetoNbdParams& p = params_;
  if (t == 0) return 0.0;
  const double log_ratio = std::log(p.beta / (p.beta + t));
  const double s1 = p.s - 1;
  const double horizon = std::abs(s1) < 1e-10 ? -log_ratio : -std::expm1(s1 * log_ratio) / s1;
  return p.r * p.beta / p.alpha * horizon;
}

double ParetoNbdModel::ConditionalProbabilityOfPurchases(int n, double t, double x, double t_x, double T) const {
  const ParetoNbdParams& p = params_;
  if (n < 0) return 0.0;
  const double alive = ProbabilityAlive(x, t_x, T);
  const double dead = n == 0 ? 1.0 - alive : 0.0;
  if (t == 0) return n == 0 ? 1.0 : 0.0;
  const double k = p.r + x, a_T = p.alpha + T, b_T = p.beta + T;
  const double log_coefficient = std::lgamma(k + n) - std::lgamma(k) - std::lgamma(n + 1.0);
  // log NB(n; u) = log_coefficient + k log(a_T/(a_T+u)) + n log(u/(a_T+u)).
  auto log_nb = [&](double u) {
    const double log_a_u = std::log(a_T + u);
    return log_coefficient + k * (std::log(a_T) - log_a_u) + (n > 0 ? n * (std::log(u) - log_a_u) : 0.0);
  };
  const double survives = std::exp(log_nb(t) + p.s * (std::log(b_T) - std::log(b_T + t)));
  // The death term in v = log(a_T + u), as the likelihood's integral: panels of bounded change.
  const double v0 = std::log(a_T), v1 = std::log(a_T + t);
  const double change = (k + n + p.s + 1) * (v1 - v0) + (p.s + 1) * (std::log(b_T + t) - std::log(b_T));
  const int panels = std::max(4, static_cast<int>(std::ceil(change / detail::kMaxLogChangePerPanel)) + 2);
  const double width = (v1 - v0) / panels;
  const detail::Nodes& nodes = detail::GaussNodes();
  const double log_s_b = std::log(p.s) + p.s * std::log(b_T);
  double dies = 0;
  for (int panel = 0; panel < panels; ++panel) {
    const double mid = v0 + (panel + 0.5) * width, half = 0.5 * width;
    for (size_t j = 0; j < nodes.x.size(); ++j) {
      const double v = mid + half * nodes.x[j];
      const double a_u = std::exp(v);
      const double u = a_u - a_T;
      if (u <= 0) continue;
      dies += nodes.w[j] * half * a_u * std::exp(log_nb(u) + log_s_b - (p.s + 1) * std::log(b_T + u));
    }
  }
  return dead + alive * (survives + dies);
}

double ParetoNbdModel::ProbabilityNoPurchase(double h, double x, double t_x, double T) const {
  return ConditionalProbabilityOfPurchases(0, h, x, t_x, T);
}

double ParetoNbdModel::ProbabilityAliveAt(double t, double x, double t_x, double T) const {
  const ParetoNbdParams& p = params_;
  return ProbabilityAlive(x, t_x, T) * std::exp(p.s * (std::log(p.beta + T) - std::log(p.beta + T + t)));
}

std::string ParetoNbdModel::Save() const {
  const std::array<double, 4> values = AsArray(params_);
  return detail::WriteModelText(kKind, kNames, values, report_);
}

absl::StatusOr<ParetoNbdModel> ParetoNbdModel::Load(std::string_view text) {
  FitReport report;
  absl::StatusOr<std::vector<double>> values = detail::ReadModelText(text, kKind, kNames, &report);
  if (!values.ok()) return values.status();
  const ParetoNbdParams params{(*values)[0], (*values)[1], (*values)[2], (*values)[3]};
  if (absl::Status s = detail::CheckParams("Pareto/NBD", kNames, AsArray(params)); !s.ok()) return s;
  return ParetoNbdModel(params, report);
}

}  // namespace score
}  // namespace v0
}  // namespace oneid
