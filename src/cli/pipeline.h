// The main job after identity, as the demo (and a host) runs it: events -> profiles -> scores ->
// segments, in the one direction data flows. Each step is a public library call; this file only
// chooses their settings and collects the figures a report shows.
#ifndef ONEID_SRC_CLI_PIPELINE_H_
#define ONEID_SRC_CLI_PIPELINE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oneid/profile/events.h"
#include "oneid/profile/feature_table.h"
#include "oneid/profile/profile_builder.h"
#include "oneid/progress.h"
#include "oneid/score/beta_geo.h"
#include "oneid/score/churn_evaluation.h"
#include "oneid/score/gamma_gamma.h"
#include "oneid/segment/kmeans.h"
#include "oneid/segment/triggers.h"

namespace oneid::cli {

struct PipelineOptions {
  profile::Timestamp as_of = 0;   // observation date of the profiles and scores
  double churn_horizon_days = 90;  // "churned" = no purchase within this many days
  int clv_months = 12;
  double monthly_discount_rate = 0.01;
  int clusters = 5;
  uint64_t seed = 42;
  // Progress of the long steps (profile folds, model fits); see oneid/progress.h.
  ProgressCallback progress;
};

// The calibration/holdout check of the BG/NBD model: cumulative repeat purchases per week, actual
// and as the model expects them, from the calibration cut-off on.
struct TrackingCurve {
  std::vector<double> week, actual, expected;
  double calibration_end_day = 0;
};

struct ChurnSummary {
  double train_cutoff_day = 0, test_cutoff_day = 0;
  size_t train_customers = 0, test_customers = 0;
  double train_churn_rate = 0;
  score::ChurnEvaluation model;            // logistic regression on the later period
  score::ChurnEvaluation p_alive_baseline;  // 1 - P(alive) from BG/NBD, same customers
  // exp(-E[purchases in the horizon]) from BG/NBD: the chance of no purchase if purchases in the
  // horizon were Poisson with the model's mean. Unlike P(alive), which BG/NBD sets to 1 for every
  // one-time buyer, it ranks one-time buyers by how long they have been quiet.
  score::ChurnEvaluation expected_purchases_baseline;
  std::vector<std::string> features;
};

struct PipelineResult {
  profile::FeatureTable table;              // one row per OneID with features, scores, segments
  profile::EventReport orders_report, behaviour_report;
  score::BetaGeoParams bg_nbd;
  double bg_nbd_log_likelihood = 0;
  score::GammaGammaParams gamma_gamma;
  size_t customers = 0, buyers = 0, repeat_buyers = 0;
  TrackingCurve tracking;
  ChurnSummary churn;
  std::vector<segment::ClusterSummary> clusters;
  std::vector<std::string> cluster_features;
  std::vector<segment::FiredTrigger> triggers;
  std::vector<std::string> tags;
  std::map<std::string, double> seconds;  // wall time per step
};

struct ScoreOptions {
  int clv_months = 12;
  double monthly_discount_rate = 0.01;
  int horizon_days = 90;  // of the expected_purchases_<N>d column
  ProgressCallback progress;
};

struct ScoreSummary {
  size_t buyers = 0, repeat_buyers = 0;
  std::vector<size_t> buyer_rows;  // rows with at least one purchase, ascending
  score::BetaGeoParams bg_nbd;
  score::FitReport bg_nbd_report;
  score::GammaGammaParams gamma_gamma;
  score::FitReport gamma_gamma_report;
  std::vector<std::string> columns;  // the columns added, in order (ProfileScorer::OutputColumns)
};

// The score step, as the demo and 'oneid score' run it, over a profile table (the columns of
// 'oneid profile': recency_days, frequency, monetary_total, cb_frequency, cb_recency, cb_T,
// cb_monetary). Adds recency_score, frequency_score, monetary_score, rfm_segment (buyers only),
// p_alive, expected_purchases_<horizon>d, clv and p_no_purchase_7d/14d/30d (BG/NBD + Gamma-Gamma,
// days as the time unit);
// rows of people who never bought get NaN / "". FailedPrecondition when nobody bought; a model's
// InvalidArgument when the data cannot be fitted.
absl::StatusOr<ScoreSummary> AddScores(profile::FeatureTable& table, const ScoreOptions& options);
// "expected_purchases_90d" for 90.
std::string ExpectedPurchasesColumn(int horizon_days);

// Runs the whole chain over events keyed by account, re-keyed through `accounts` (the identity
// layer's map). Fails with the first step's error; bad event rows are reported, not fatal.
absl::StatusOr<PipelineResult> RunPipeline(const profile::OrderTable& orders, const profile::BehaviorTable& behaviour,
                                           const profile::AccountMap& accounts, const PipelineOptions& options);

}  // namespace oneid::cli

#endif  // ONEID_SRC_CLI_PIPELINE_H_
