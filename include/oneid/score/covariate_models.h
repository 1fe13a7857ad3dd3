// BG/NBD and Pareto/NBD with time-invariant covariates: per-customer attributes (channel of
// acquisition, tier, region) that shift the purchase and the dropout process.
//
//   BetaGeoCovariateModel:   alpha_i = alpha exp(-g_p . z_p,i)   (purchase rate lambda ~ Gamma(r, alpha_i))
//                            a_i     = a     exp( g_d . z_d,i)   (dropout p ~ Beta(a_i, b): higher a, more dropout)
//   ParetoNbdCovariateModel: alpha_i = alpha exp(-g_p . z_p,i)   (lambda ~ Gamma(r, alpha_i))
//                            beta_i  = beta  exp(-g_d . z_d,i)   (dropout rate mu ~ Gamma(s, beta_i))
//
// so a positive purchase coefficient raises the expected purchase rate r / alpha_i by the factor
// exp(g), and a positive dropout coefficient raises dropout (for Pareto/NBD the mean dropout rate
// s / beta_i by exp(g); the parametrisation of the Pareto/NBD follows CLVTools' static covariates).
//   GammaGammaCovariateModel: v_i    = v     exp( g . z_i)     (spend: E[Z] = p v_i / (q-1) rises by exp(g))
//
// With no covariate columns the models are the plain ones. Fitted by maximum likelihood from the
// plain model's estimate, with standard errors for every parameter and coefficient.
//
//   CovariateView channel{z, /*columns=*/1};   // row-major, one row per customer
//   ONEID_ASSIGN_OR_RETURN(BetaGeoCovariateModel m, BetaGeoCovariateModel::Fit(histories, channel, {}));
//   m.purchase_coefficients()[0];   m.standard_errors();
#ifndef ONEID_SCORE_COVARIATE_MODELS_H_
#define ONEID_SCORE_COVARIATE_MODELS_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/score/beta_geo.h"
#include "oneid/score/fit_report.h"
#include "oneid/score/gamma_gamma.h"
#include "oneid/score/pareto_nbd.h"
#include "oneid/score/purchase_history.h"

namespace oneid {
inline namespace v0 {
namespace score {

// Covariates, row-major: `values` holds rows x columns numbers, one row per customer. No columns
// (and no values) means no covariates on that side.
struct CovariateView {
  absl::Span<const double> values;
  size_t columns = 0;
};

// InvalidArgument unless values.size() == rows * columns (columns 0: values empty) and every value
// is finite (naming the first bad row and column).
absl::Status ValidateCovariates(const CovariateView& covariates, size_t rows, const char* name);

class BetaGeoCovariateModel {
 public:
  // InvalidArgument: invalid histories or covariates; FailedPrecondition: no convergence (the
  // diagnostic of Fit in fit_report.h) or no repeat purchase.
  static absl::StatusOr<BetaGeoCovariateModel> Fit(const PurchaseHistoryView& histories, const CovariateView& purchase,
                                                   const CovariateView& dropout, const FitOptions& options = {});

  // The parameters of a customer whose covariates are all 0.
  const BetaGeoParams& params() const { return params_; }
  const std::vector<double>& purchase_coefficients() const { return purchase_; }
  const std::vector<double>& dropout_coefficients() const { return dropout_; }
  // r, alpha, a, b, then the purchase and the dropout coefficients (each on its own scale).
  const std::vector<double>& standard_errors() const { return standard_errors_; }
  const FitReport& report() const { return report_; }

  // The plain BG/NBD of one customer (alpha_i, a_i): every prediction of BetaGeoModel.
  BetaGeoModel ForCustomer(absl::Span<const double> purchase, absl::Span<const double> dropout) const;
  // Batch predictions: InvalidArgument for invalid histories or covariates of another shape.
  absl::StatusOr<std::vector<double>> ConditionalExpectedPurchases(double t, const PurchaseHistoryView& histories,
                                                                   const CovariateView& purchase,
                                                                   const CovariateView& dropout) const;
  absl::StatusOr<std::vector<double>> ProbabilityAlive(const PurchaseHistoryView& histories, const CovariateView& purchase,
                                                       const CovariateView& dropout) const;

 private:
  BetaGeoCovariateModel() = default;
  BetaGeoParams params_;
  std::vector<double> purchase_, dropout_, standard_errors_;
  FitReport report_;
};

class ParetoNbdCovariateModel {
 public:
  static absl::StatusOr<ParetoNbdCovariateModel> Fit(const PurchaseHistoryView& histories, const CovariateView& purchase,
                                                     const CovariateView& dropout, const FitOptions& options = {});

  const ParetoNbdParams& params() const { return params_; }
  const std::vector<double>& purchase_coefficients() const { return purchase_; }
  const std::vector<double>& dropout_coefficients() const { return dropout_; }
  // r, alpha, s, beta, then the purchase and the dropout coefficients.
  const std::vector<double>& standard_errors() const { return standard_errors_; }
  const FitReport& report() const { return report_; }

  ParetoNbdModel ForCustomer(absl::Span<const double> purchase, absl::Span<const double> dropout) const;
  absl::StatusOr<std::vector<double>> ConditionalExpectedPurchases(double t, const PurchaseHistoryView& histories,
                                                                   const CovariateView& purchase,
                                                                   const CovariateView& dropout) const;
  absl::StatusOr<std::vector<double>> ProbabilityAlive(const PurchaseHistoryView& histories, const CovariateView& purchase,
                                                       const CovariateView& dropout) const;

 private:
  ParetoNbdCovariateModel() = default;
  ParetoNbdParams params_;
  std::vector<double> purchase_, dropout_, standard_errors_;
  FitReport report_;
};

class GammaGammaCovariateModel {
 public:
  // Returning customers only, as GammaGammaModel::Fit (frequency >= 1, mean spend > 0).
  static absl::StatusOr<GammaGammaCovariateModel> Fit(absl::Span<const double> frequency,
                                                      absl::Span<const double> monetary_value,
                                                      const CovariateView& spend, absl::Span<const double> weights = {},
                                                      const FitOptions& options = {});

  const GammaGammaParams& params() const { return params_; }
  const std::vector<double>& spend_coefficients() const { return spend_; }
  // p, q, v, then the spend coefficients.
  const std::vector<double>& standard_errors() const { return standard_errors_; }
  const FitReport& report() const { return report_; }

  GammaGammaModel ForCustomer(absl::Span<const double> spend) const;
  // E[Z | x, zbar, z] per customer (x may be 0: the customer's population mean).
  absl::StatusOr<std::vector<double>> ConditionalExpectedAverageProfit(absl::Span<const double> frequency,
                                                                       absl::Span<const double> monetary_value,
                                                                       const CovariateView& spend) const;

 private:
  GammaGammaCovariateModel() = default;
  GammaGammaParams params_;
  std::vector<double> spend_, standard_errors_;
  FitReport report_;
};

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_COVARIATE_MODELS_H_
