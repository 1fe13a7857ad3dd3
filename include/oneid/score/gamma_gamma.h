// GammaGammaModel: the gamma-gamma model of monetary value (Fader, Hardie & Lee 2005, "RFM and
// CLV: Using Iso-Value Curves for Customer Base Analysis", Journal of Marketing Research
// 42(4):415-430; Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value").
//
// Each transaction's value is Gamma(p, nu) with nu ~ Gamma(q, v) across customers. Fitted on the
// customers with repeat purchases: frequency x > 0 and mean repeat-purchase value m > 0 (the
// `zbar` / `monetary_value` of the summaries). The spend process is assumed independent of the
// purchase process.
//
//   ONEID_ASSIGN_OR_RETURN(GammaGammaModel model, GammaGammaModel::Fit(x, zbar));
//   model.params();                                   // {p 6.25, q 3.74, v 15.44} on CDNOW
//   model.ConditionalExpectedAverageProfit(2, 100);   // shrinks $100 towards the population mean
#ifndef ONEID_SCORE_GAMMA_GAMMA_H_
#define ONEID_SCORE_GAMMA_GAMMA_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "oneid/score/fit_report.h"

namespace oneid {
inline namespace v0 {
namespace score {

struct GammaGammaParams {
  double p = 1.0;  // shape of each transaction's value
  double q = 1.0;  // shape of the scale's gamma
  double v = 1.0;  // scale (in money) of the scale's gamma ("gamma" in the paper)
};

// Above this absolute Pearson correlation between frequency and mean spend, a Gamma-Gamma fit warns.
inline constexpr double kMaxFrequencySpendCorrelation = 0.3;

// The weighted Pearson correlation of frequency and mean spend (0 when either is constant).
double FrequencySpendCorrelation(absl::Span<const double> frequency, absl::Span<const double> monetary_value,
                                 absl::Span<const double> weights = {});

// InvalidArgument unless both columns have the same non-zero length (weights: the same length or
// empty), every frequency is a whole number >= 1 and every mean value is finite and > 0.
absl::Status ValidateSpendHistory(absl::Span<const double> frequency, absl::Span<const double> monetary_value,
                                  absl::Span<const double> weights = {});

class GammaGammaModel {
 public:
  static absl::StatusOr<GammaGammaModel> Create(const GammaGammaParams& params);
  // Fits on returning customers only: InvalidArgument if any frequency is 0 (filter them out first;
  // their mean repeat value does not exist) or any value is invalid; FailedPrecondition when the
  // optimiser does not converge. `q_constraint` (lifetimes' option) keeps q > 1, so that the
  // population mean spend p v / (q - 1) exists and CLV cannot turn negative. The report warns
  // when |corr(frequency, monetary_value)| exceeds kMaxFrequencySpendCorrelation: the model assumes
  // the two independent.
  static absl::StatusOr<GammaGammaModel> Fit(absl::Span<const double> frequency,
                                             absl::Span<const double> monetary_value,
                                             absl::Span<const double> weights = {},
                                             const FitOptions& options = {}, bool q_constraint = false);

  const GammaGammaParams& params() const { return params_; }
  const FitReport& report() const { return report_; }

  absl::StatusOr<double> LogLikelihood(absl::Span<const double> frequency, absl::Span<const double> monetary_value,
                                       absl::Span<const double> weights = {}) const;

  // E[Z | x, zbar] = (q-1)/(p x + q - 1) * p v/(q-1) + p x/(p x + q - 1) * zbar (FHL 2005, eq. 5):
  // a weighted mean of the population mean p v/(q-1) and the customer's own mean. With x = 0 it is
  // the population mean (meaningful only when q > 1). Expects x >= 0 and a finite zbar.
  double ConditionalExpectedAverageProfit(double x, double zbar) const;
  // The batch form, validated (x may be 0 here; zbar is then ignored).
  absl::StatusOr<std::vector<double>> ConditionalExpectedAverageProfit(absl::Span<const double> frequency,
                                                                       absl::Span<const double> monetary_value) const;

  std::string Save() const;
  static absl::StatusOr<GammaGammaModel> Load(std::string_view text);

 private:
  GammaGammaModel(const GammaGammaParams& params, const FitReport& report) : params_(params), report_(report) {}
  GammaGammaParams params_;
  FitReport report_;
};

}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_GAMMA_GAMMA_H_
