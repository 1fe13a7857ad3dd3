// The main job after identity: events -> profiles -> scores -> segments. See pipeline.h.
#include "src/cli/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "oneid/internal/status_macros.h"
#include "oneid/score/customer_lifetime_value.h"
#include "oneid/score/churn_label.h"
#include "oneid/score/logistic_regression.h"
#include "oneid/score/profile_scorer.h"
#include "oneid/score/rfm.h"
#include "oneid/segment/segment_table.h"
#include "src/cli/progress_printer.h"

namespace oneid::cli {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Features the churn model reads: defined for every buyer (no NaN), so no imputation is needed.
const std::vector<std::string> kChurnFeatures = {
    "recency_days", "frequency", "monetary_total", "monetary_mean", "tenure_days", "channel_count",
    "coupon_share", "refund_rate", "browse_count", "cart_count", "complaints", "points_balance",
    "days_since_last_interaction"};

// Features k-means clusters buyers on: value, loyalty, price sensitivity and reach.
const std::vector<std::string> kClusterFeatures = {"recency_days", "frequency", "monetary_total",
                                                   "coupon_share", "channel_count"};


struct Built {
  profile::FeatureTable table;
  profile::EventReport orders, behaviour;
};

// Profiles as of `as_of`. Events after it are refused by the builder and counted (after_as_of):
// that is how a model is trained on the past while the data already holds the future.
absl::StatusOr<Built> ProfilesAsOf(const profile::OrderTable& orders, const profile::BehaviorTable& behaviour,
                                   const profile::AccountMap& accounts, profile::Timestamp as_of,
                                   const ProgressCallback& progress) {
  profile::ProfileOptions options;
  options.as_of = as_of;
  options.progress = progress;
  ONEID_ASSIGN_OR_RETURN(profile::ProfileBuilder builder, profile::ProfileBuilder::Create(options));
  Built built;
  built.orders = builder.AddOrders(orders, accounts);
  built.behaviour = builder.AddBehavior(behaviour, accounts);
  ONEID_ASSIGN_OR_RETURN(built.table, builder.Build(accounts));
  return built;
}

// Rows of buyers (at least one purchase) and their customer-base statistics.
struct Buyers {
  std::vector<size_t> rows;
  std::vector<double> x, t_x, T, monetary;
};

absl::StatusOr<Buyers> BuyersOf(const profile::FeatureTable& table) {
  ONEID_ASSIGN_OR_RETURN(auto freq, table.Numeric("cb_frequency"));
  ONEID_ASSIGN_OR_RETURN(auto rec, table.Numeric("cb_recency"));
  ONEID_ASSIGN_OR_RETURN(auto age, table.Numeric("cb_T"));
  ONEID_ASSIGN_OR_RETURN(auto mon, table.Numeric("cb_monetary"));
  Buyers b;
  for (size_t i = 0; i < table.num_rows(); ++i) {
    if (std::isnan(age[i]) || std::isnan(freq[i])) continue;  // never bought
    b.rows.push_back(i);
    b.x.push_back(freq[i]);
    b.t_x.push_back(rec[i]);
    b.T.push_back(age[i]);
    b.monetary.push_back(std::isnan(mon[i]) ? 0.0 : mon[i]);
  }
  return b;
}

absl::StatusOr<score::BetaGeoModel> FitBetaGeo(const Buyers& b, const ProgressCallback& progress) {
  score::FitOptions options;
  options.progress = Renamed(progress, "fit BG/NBD");
  return score::BetaGeoModel::Fit({.frequency = b.x, .recency = b.t_x, .age = b.T, .weights = {}}, options);
}

// Purchase days per OneID from sale lines (same-day purchases are one, as the models count them).
struct PurchaseLog {
  std::vector<uint64_t> customer;
  std::vector<double> day;
};

PurchaseLog PurchasesByOneId(const profile::OrderTable& orders, const profile::AccountMap& accounts) {
  std::vector<std::pair<uint64_t, int64_t>> pairs;
  pairs.reserve(orders.row_count());
  for (size_t i = 0; i < orders.row_count(); ++i) {
    if (orders.amount(i) <= 0) continue;
    const profile::OneId id = accounts.Find(orders.account_id(i));
    if (id != 0) pairs.emplace_back(id, profile::DayOf(orders.time(i)));
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  PurchaseLog log;
  for (const auto& [id, day] : pairs) {
    log.customer.push_back(id);
    log.day.push_back(static_cast<double>(day));
  }
  return log;
}

// The model's features for the labelled customers, in label order.
absl::StatusOr<score::FeatureMatrix> ChurnMatrix(const profile::FeatureTable& table,
                                                 const std::vector<uint64_t>& customers) {
  score::FeatureMatrix x(static_cast<Eigen::Index>(customers.size()), static_cast<Eigen::Index>(kChurnFeatures.size()));
  std::vector<absl::Span<const double>> columns;
  for (const std::string& name : kChurnFeatures) {
    ONEID_ASSIGN_OR_RETURN(auto column, table.Numeric(name));
    columns.push_back(column);
  }
  for (size_t k = 0; k < customers.size(); ++k) {
    ONEID_ASSIGN_OR_RETURN(size_t row, table.RowOf(customers[k]));
    for (size_t j = 0; j < columns.size(); ++j) {
      const double v = columns[j][row];
      x(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(j)) = std::isnan(v) ? 0.0 : v;
    }
  }
  return x;
}

absl::StatusOr<score::ChurnLabels> Labels(const PurchaseLog& log, double cutoff, double horizon) {
  return score::ChurnLabelsFromLog(log.customer, log.day, {.cutoff = cutoff, .horizon_days = horizon});
}

}  // namespace

std::string ExpectedPurchasesColumn(int horizon_days) { return absl::StrCat("expected_purchases_", horizon_days, "d"); }

absl::StatusOr<ScoreSummary> AddScores(profile::FeatureTable& table, const ScoreOptions& options) {
  // The library's scorer: fitted on this table, applied to it (a host would apply it to others).
  score::ProfileScorerOptions scorer_options;
  scorer_options.clv = {.months = options.clv_months,
                        .monthly_discount_rate = options.monthly_discount_rate,
                        .periods_per_month = 30.0};
  scorer_options.expected_purchases_days = options.horizon_days;
  scorer_options.expected_purchases_column = ExpectedPurchasesColumn(options.horizon_days);
  scorer_options.fit.progress = options.progress;
  ONEID_ASSIGN_OR_RETURN(const score::ProfileScorer scorer, score::ProfileScorer::Fit(table, scorer_options));
  ONEID_RETURN_IF_ERROR(scorer.Apply(table));
  ScoreSummary summary;
  summary.repeat_buyers = scorer.repeat_buyers();
  summary.bg_nbd = scorer.transactions().params();
  summary.bg_nbd_report = scorer.transactions().report();
  summary.gamma_gamma = scorer.spend().params();
  summary.gamma_gamma_report = scorer.spend().report();
  summary.columns = scorer.OutputColumns();
  // The rows RFM scored (at least one order and a recency): churn risk and clusters cover them.
  ONEID_ASSIGN_OR_RETURN(auto recency_score, table.Numeric("recency_score"));
  for (size_t i = 0; i < table.num_rows(); ++i) {
    if (!std::isnan(recency_score[i])) summary.buyer_rows.push_back(i);
  }
  summary.buyers = summary.buyer_rows.size();
  return summary;
}

absl::StatusOr<PipelineResult> RunPipeline(const profile::OrderTable& orders, const profile::BehaviorTable& behaviour,
                                           const profile::AccountMap& accounts, const PipelineOptions& options) {
  PipelineResult result;
  Stopwatch clock;
  const double horizon = options.churn_horizon_days;
  const profile::Timestamp day_seconds = profile::kSecondsPerDay;
  const profile::Timestamp test_cutoff = options.as_of - static_cast<profile::Timestamp>(horizon) * day_seconds;
  const profile::Timestamp train_cutoff = test_cutoff - static_cast<profile::Timestamp>(horizon) * day_seconds;

  // 1. Profiles: today's, and as of the two cut-offs the churn model learns and is checked on.
  const ProgressCallback& progress = options.progress;
  ONEID_ASSIGN_OR_RETURN(Built now, ProfilesAsOf(orders, behaviour, accounts, options.as_of, progress));
  ONEID_ASSIGN_OR_RETURN(Built train, ProfilesAsOf(orders, behaviour, accounts, train_cutoff, progress));
  ONEID_ASSIGN_OR_RETURN(Built test, ProfilesAsOf(orders, behaviour, accounts, test_cutoff, progress));
  result.orders_report = std::move(now.orders);
  result.behaviour_report = std::move(now.behaviour);
  profile::FeatureTable& table = now.table;
  result.customers = table.num_rows();
  result.seconds["profiles"] = clock.Lap();

  // 2. Scores: RFM, BG/NBD + Gamma-Gamma lifetime value.
  const ScoreOptions score_options{.clv_months = options.clv_months,
                                   .monthly_discount_rate = options.monthly_discount_rate,
                                   .progress = progress};
  ONEID_ASSIGN_OR_RETURN(ScoreSummary scored, AddScores(table, score_options));
  result.buyers = scored.buyers;
  result.repeat_buyers = scored.repeat_buyers;
  result.bg_nbd = scored.bg_nbd;
  result.bg_nbd_log_likelihood = scored.bg_nbd_report.log_likelihood;
  result.gamma_gamma = scored.gamma_gamma;
  const std::vector<size_t>& buyer_rows = scored.buyer_rows;
  result.seconds["rfm and lifetime value"] = clock.Lap();

  // The tracking check: BG/NBD fitted as of the first cut-off predicts the repeat purchases of the
  // weeks after it; the actual ones come from the log.
  const PurchaseLog log = PurchasesByOneId(orders, accounts);
  {
    ONEID_ASSIGN_OR_RETURN(Buyers calib, BuyersOf(train.table));
    ONEID_ASSIGN_OR_RETURN(score::BetaGeoModel calib_bg, FitBetaGeo(calib, progress));
    const double start_day = static_cast<double>(profile::DayOf(train_cutoff));
    const int weeks = static_cast<int>(std::floor(2 * horizon / 7));
    std::vector<double> weekly(static_cast<size_t>(weeks), 0.0);
    // Only the calibration cohort is tracked: customers who had bought by the cut-off, the ones
    // the model was fitted on (a browser who first buys later is not a repeat purchase).
    absl::flat_hash_set<uint64_t> cohort;
    for (size_t row : calib.rows) cohort.insert(train.table.oneids()[row]);
    for (size_t i = 0; i < log.day.size(); ++i) {
      if (log.day[i] <= start_day || !cohort.contains(log.customer[i])) continue;
      const int w = static_cast<int>((log.day[i] - start_day - 1) / 7);
      if (w < weeks) weekly[static_cast<size_t>(w)] += 1;
    }
    double actual = 0;
    result.tracking.calibration_end_day = start_day;
    for (int w = 0; w < weeks; ++w) {
      actual += weekly[static_cast<size_t>(w)];
      double expected = 0;
      for (size_t k = 0; k < calib.x.size(); ++k) {
        expected += calib_bg.ConditionalExpectedPurchases(7.0 * (w + 1), calib.x[k], calib.t_x[k], calib.T[k]);
      }
      result.tracking.week.push_back(w + 1);
      result.tracking.actual.push_back(actual);
      result.tracking.expected.push_back(expected);
    }
  }
  result.seconds["tracking"] = clock.Lap();

  // 3. Churn: learn on the first cut-off, judge on the second (labels from the H days after each).
  ChurnSummary& churn = result.churn;
  churn.features = kChurnFeatures;
  churn.train_cutoff_day = static_cast<double>(profile::DayOf(train_cutoff));
  churn.test_cutoff_day = static_cast<double>(profile::DayOf(test_cutoff));
  ONEID_ASSIGN_OR_RETURN(score::ChurnLabels train_labels, Labels(log, churn.train_cutoff_day, horizon));
  ONEID_ASSIGN_OR_RETURN(score::ChurnLabels test_labels, Labels(log, churn.test_cutoff_day, horizon));
  ONEID_ASSIGN_OR_RETURN(score::FeatureMatrix x_train, ChurnMatrix(train.table, train_labels.customers));
  ONEID_ASSIGN_OR_RETURN(score::FeatureMatrix x_test, ChurnMatrix(test.table, test_labels.customers));
  const std::vector<double> y_train(train_labels.churned.begin(), train_labels.churned.end());
  const std::vector<double> y_test(test_labels.churned.begin(), test_labels.churned.end());
  churn.train_customers = y_train.size();
  churn.test_customers = y_test.size();
  double churned = 0;
  for (double y : y_train) churned += y;
  churn.train_churn_rate = y_train.empty() ? 0 : churned / static_cast<double>(y_train.size());
  score::LogisticRegression model;
  ONEID_ASSIGN_OR_RETURN(score::ClassifierFitReport fit, model.Fit(x_train, y_train));
  (void)fit;
  ONEID_ASSIGN_OR_RETURN(Eigen::VectorXd p_test, model.PredictProba(x_test));
  ONEID_ASSIGN_OR_RETURN(churn.model,
                         score::EvaluateChurn(y_test, absl::MakeConstSpan(p_test.data(), static_cast<size_t>(p_test.size()))));
  {
    // The unsupervised baseline: 1 - P(alive) from BG/NBD fitted as of the same cut-off.
    ONEID_ASSIGN_OR_RETURN(Buyers tb, BuyersOf(test.table));
    ONEID_ASSIGN_OR_RETURN(score::BetaGeoModel test_bg, FitBetaGeo(tb, progress));
    ONEID_ASSIGN_OR_RETURN(auto fx, test.table.Numeric("cb_frequency"));
    ONEID_ASSIGN_OR_RETURN(auto fr, test.table.Numeric("cb_recency"));
    ONEID_ASSIGN_OR_RETURN(auto ft, test.table.Numeric("cb_T"));
    std::vector<double> dead(test_labels.customers.size()), quiet(test_labels.customers.size());
    for (size_t k = 0; k < dead.size(); ++k) {
      ONEID_ASSIGN_OR_RETURN(size_t row, test.table.RowOf(test_labels.customers[k]));
      dead[k] = 1.0 - test_bg.ProbabilityAlive(fx[row], fr[row], ft[row]);
      quiet[k] = std::exp(-test_bg.ConditionalExpectedPurchases(horizon, fx[row], fr[row], ft[row]));
    }
    ONEID_ASSIGN_OR_RETURN(churn.p_alive_baseline, score::EvaluateChurn(y_test, dead));
    ONEID_ASSIGN_OR_RETURN(churn.expected_purchases_baseline, score::EvaluateChurn(y_test, quiet));
  }
  {
    // Today's churn risk for every buyer, from the model judged above.
    std::vector<uint64_t> ids;
    for (size_t row : buyer_rows) ids.push_back(table.oneids()[row]);
    ONEID_ASSIGN_OR_RETURN(score::FeatureMatrix x_now, ChurnMatrix(table, ids));
    ONEID_ASSIGN_OR_RETURN(Eigen::VectorXd p_now, model.PredictProba(x_now));
    std::vector<double> risk(table.num_rows(), kNaN);
    for (size_t k = 0; k < buyer_rows.size(); ++k) risk[buyer_rows[k]] = p_now[static_cast<Eigen::Index>(k)];
    ONEID_RETURN_IF_ERROR(table.SetNumeric("churn_probability", std::move(risk)));
  }
  result.seconds["churn"] = clock.Lap();

  // 4. Segments: lifecycle, value tiers from CLV, the default tags, triggers and clusters.
  segment::SegmentConfig config;
  ONEID_ASSIGN_OR_RETURN(segment::SegmentReport segmented, segment::SegmentTable(table, config));
  for (const std::string& column : segmented.columns_added) result.tags.push_back(column);
  segment::TriggerConfig triggers;
  triggers.points_expiring = table.Has(triggers.points_column) && table.Has(triggers.points_days_column);
  triggers.cart_abandoned = table.Has(triggers.cart_days_column);
  ONEID_ASSIGN_OR_RETURN(result.triggers, segment::FireTriggers(table, triggers));
  {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(buyer_rows.size()), static_cast<Eigen::Index>(kClusterFeatures.size()));
    for (size_t j = 0; j < kClusterFeatures.size(); ++j) {
      ONEID_ASSIGN_OR_RETURN(auto column, table.Numeric(kClusterFeatures[j]));
      for (size_t k = 0; k < buyer_rows.size(); ++k) {
        const double v = column[buyer_rows[k]];
        // Spend is heavy-tailed: cluster on its logarithm so a few whales do not own a cluster each.
        x(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(j)) =
            std::isnan(v) ? 0.0 : (kClusterFeatures[j] == "monetary_total" ? std::log1p(std::max(0.0, v)) : v);
      }
    }
    segment::KMeansOptions km;
    km.n_clusters = options.clusters;
    km.seed = options.seed;
    segment::KMeans kmeans(km);
    ONEID_ASSIGN_OR_RETURN(segment::KMeansReport report, kmeans.Fit(x, kClusterFeatures));
    (void)report;
    std::vector<double> cluster(table.num_rows(), kNaN);
    for (size_t k = 0; k < buyer_rows.size(); ++k) cluster[buyer_rows[k]] = kmeans.labels()[k];
    ONEID_RETURN_IF_ERROR(table.SetNumeric("cluster", std::move(cluster)));
    result.clusters = kmeans.Summarize(3);
    result.cluster_features = kClusterFeatures;
  }
  result.seconds["segments"] = clock.Lap();
  result.table = std::move(table);
  return result;
}

}  // namespace oneid::cli
