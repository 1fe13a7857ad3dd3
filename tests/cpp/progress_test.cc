// The progress contract of oneid/progress.h: per stage, a first report at 0, monotone `done`, a last
// report at done == total, and a bounded number of reports; and reporting never changes a result.
#include "oneid/progress.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/synthetic.h"
#include "oneid/internal/progress_meter.h"
#include "oneid/profile/event_generator.h"
#include "oneid/profile/profile_builder.h"
#include "oneid/score/beta_geo.h"
#include "testing/status_matchers.h"

namespace oneid {
namespace {

using ::testing::ElementsAre;

struct Call {
  std::string stage;
  uint64_t done, total;
};

// Collects every report, in order.
struct Recorder {
  std::vector<Call> calls;
  ProgressCallback callback() {
    return [this](std::string_view stage, uint64_t done, uint64_t total) {
      calls.push_back({std::string(stage), done, total});
    };
  }
  // Stage names in the order they first reported.
  std::vector<std::string> Stages() const {
    std::vector<std::string> out;
    for (const Call& c : calls) {
      if (out.empty() || out.back() != c.stage) out.push_back(c.stage);
    }
    return out;
  }
  std::vector<Call> Of(const std::string& stage) const {
    std::vector<Call> out;
    for (const Call& c : calls) {
      if (c.stage == stage) out.push_back(c);
    }
    return out;
  }
};

// The contract for one stage: starts at 0, never goes back, ends once at done == total, and makes
// at most 2 + total / stride reports (the clock is read once per stride items at most).
void ExpectWellFormedStage(const Recorder& r, const std::string& stage, uint64_t expected_total,
                           uint64_t stride = kProgressStride) {
  SCOPED_TRACE(stage);
  const std::vector<Call> calls = r.Of(stage);
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls.front().done, 0u);
  for (size_t i = 1; i < calls.size(); ++i) {
    EXPECT_GE(calls[i].done, calls[i - 1].done) << "report " << i;
    EXPECT_LE(calls[i].done, calls.back().total) << "report " << i;
  }
  EXPECT_EQ(calls.back().done, calls.back().total);
  EXPECT_EQ(calls.back().total, expected_total);
  EXPECT_LE(calls.size(), 2 + expected_total / stride);
}

TEST(ProgressMeterTest, WithoutACallbackReportsNothing) {
  ProgressCallback none;
  internal::ProgressMeter meter(none, "stage", 100);
  EXPECT_FALSE(meter.active());
  for (uint64_t i = 0; i < 100; ++i) meter.Tick(i);
  meter.Finish();  // nothing to call: must not crash
}

TEST(ProgressMeterTest, ReportsEveryStrideWhenTheIntervalIsZero) {
  Recorder r;
  const ProgressCallback cb = r.callback();
  {
    internal::ProgressMeter meter(cb, "s", 100, std::chrono::nanoseconds(0), 10);
    for (uint64_t i = 0; i < 100; ++i) meter.Tick(i);
    meter.Finish();
    meter.Finish();  // once only
  }
  std::vector<uint64_t> done;
  for (const Call& c : r.calls) done.push_back(c.done);
  EXPECT_THAT(done, ElementsAre(0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100));
  for (const Call& c : r.calls) EXPECT_EQ(c.total, 100u);
}

TEST(ProgressMeterTest, IsRateLimitedByTheInterval) {
  // An interval no run reaches: only the first and the last report get through, however many
  // items pass and however often the clock is read.
  Recorder r;
  const ProgressCallback cb = r.callback();
  internal::ProgressMeter meter(cb, "s", 1'000'000, std::chrono::hours(24), 1);
  for (uint64_t i = 0; i < 1'000'000; ++i) meter.Tick(i);
  meter.Finish();
  ASSERT_EQ(r.calls.size(), 2u);
  EXPECT_EQ(r.calls[0].done, 0u);
  EXPECT_EQ(r.calls[1].done, 1'000'000u);
}

TEST(ProgressMeterTest, NeverGoesBackAndClampsToTheTotal) {
  Recorder r;
  const ProgressCallback cb = r.callback();
  internal::ProgressMeter meter(cb, "s", 50, std::chrono::nanoseconds(0), 1);
  for (uint64_t d : {5, 3, 7, 80, 20}) meter.Tick(d);
  meter.Finish();
  std::vector<uint64_t> done;
  for (const Call& c : r.calls) done.push_back(c.done);
  // 3 and 20 come after larger values and are skipped; 80 is past the total, which only Finish reports.
  EXPECT_THAT(done, ElementsAre(0, 5, 7, 50));
}

TEST(ProgressMeterTest, AStageOfUnknownSizeEndsAtItsLastCount) {
  Recorder r;
  const ProgressCallback cb = r.callback();
  internal::ProgressMeter meter(cb, "fit", 0, std::chrono::nanoseconds(0), 1);
  for (uint64_t i = 1; i <= 17; ++i) meter.Tick(i);
  meter.Finish();
  ASSERT_GE(r.calls.size(), 2u);
  EXPECT_EQ(r.calls.back().done, 17u);
  EXPECT_EQ(r.calls.back().total, 17u);
  for (size_t i = 0; i + 1 < r.calls.size(); ++i) EXPECT_EQ(r.calls[i].total, 0u);
}

identity::SyntheticConfig People(size_t n) {
  identity::SyntheticConfig config;
  config.people = n;
  config.seed = 7;
  return config;
}

TEST(ProgressTest, GeneratorsReportAndGenerateTheSameData) {
  identity::SyntheticConfig config = People(20000);
  const identity::SyntheticData quiet = identity::GenerateOmniChannel(config);
  Recorder r;
  config.progress = r.callback();
  const identity::SyntheticData loud = identity::GenerateOmniChannel(config);
  EXPECT_THAT(r.Stages(), ElementsAre("generate: people", "generate: accounts"));
  ExpectWellFormedStage(r, "generate: people", 20000);
  ExpectWellFormedStage(r, "generate: accounts", loud.accounts.row_count());
  ASSERT_EQ(quiet.accounts.row_count(), loud.accounts.row_count());
  EXPECT_EQ(quiet.true_person, loud.true_person);
  for (size_t i = 0; i < quiet.accounts.row_count(); ++i) {
    ASSERT_EQ(quiet.accounts.account_id(i), loud.accounts.account_id(i));
  }

  Recorder batches;
  config.progress = batches.callback();
  const std::vector<identity::SyntheticData> parts = identity::GenerateOmniChannelBatches(config, 3);
  ExpectWellFormedStage(batches, "generate: accounts", loud.accounts.row_count());

  profile::EventGeneratorConfig events;
  const profile::GeneratedEvents quiet_events = profile::GenerateEvents(quiet, events);
  Recorder e;
  events.progress = e.callback();
  const profile::GeneratedEvents loud_events = profile::GenerateEvents(quiet, events);
  ExpectWellFormedStage(e, "generate: events", 20000);
  EXPECT_EQ(quiet_events.orders.row_count(), loud_events.orders.row_count());
  EXPECT_EQ(quiet_events.behaviour.row_count(), loud_events.behaviour.row_count());
}

TEST(ProgressTest, ResolverBatchReportsRowsThenLinksAndResolvesTheSame) {
  const identity::SyntheticData data = identity::GenerateOmniChannel(People(20000));
  ASSERT_OK_AND_ASSIGN(identity::Resolver quiet, identity::Resolver::Create(identity::DefaultIdentityConfig()));
  ASSERT_OK_AND_ASSIGN(identity::Resolver loud, identity::Resolver::Create(identity::DefaultIdentityConfig()));
  ASSERT_OK(quiet.AddBatch(data.accounts));
  Recorder r;
  ASSERT_OK_AND_ASSIGN(identity::BatchReport report, loud.AddBatch(data.accounts, r.callback()));
  EXPECT_THAT(r.Stages(), ElementsAre("resolve: accounts", "resolve: links"));
  ExpectWellFormedStage(r, "resolve: accounts", data.accounts.row_count());
  EXPECT_GT(r.Of("resolve: links").back().total, report.rows_accepted);  // most accounts hold 2+ values
  ExpectWellFormedStage(r, "resolve: links", r.Of("resolve: links").back().total);
  const identity::Assignments a = quiet.GetAssignments(), b = loud.GetAssignments();
  EXPECT_EQ(a.account_ids, b.account_ids);
  EXPECT_EQ(a.oneids, b.oneids);

  // A malformed batch is refused before any stage starts.
  identity::AccountBatchView bad;
  bad.columns.push_back({"phone", "no_such_type"});
  bad.values.resize(1);
  Recorder none;
  EXPECT_FALSE(loud.AddBatch(bad, none.callback()).ok());
  EXPECT_TRUE(none.calls.empty());
}

TEST(ProgressTest, ProfileFoldReportsEachTableAndTheBuild) {
  const identity::SyntheticData people = identity::GenerateOmniChannel(People(5000));
  const profile::GeneratedEvents events = profile::GenerateEvents(people, {});
  profile::AccountMap map;
  for (size_t r = 0; r < people.accounts.row_count(); ++r) {
    map.Set(people.accounts.account_id(r), people.true_person[r] + 1);
  }
  profile::ProfileOptions options;
  options.as_of = profile::EventGeneratorConfig{}.end;
  ASSERT_OK_AND_ASSIGN(profile::FeatureTable quiet, profile::BuildProfiles(events.orders, events.behaviour, map, options));
  Recorder r;
  options.progress = r.callback();
  ASSERT_OK_AND_ASSIGN(profile::FeatureTable loud, profile::BuildProfiles(events.orders, events.behaviour, map, options));
  EXPECT_THAT(r.Stages(), ElementsAre("profile: orders", "profile: behaviour", "profile: build"));
  ExpectWellFormedStage(r, "profile: orders", events.orders.row_count());
  ExpectWellFormedStage(r, "profile: behaviour", events.behaviour.row_count());
  ExpectWellFormedStage(r, "profile: build", loud.num_rows());
  ASSERT_EQ(quiet.oneids(), loud.oneids());
  for (const std::string& name : profile::ProfileColumns::Numeric()) {
    const auto a = *quiet.Numeric(name), b = *loud.Numeric(name);
    for (size_t i = 0; i < a.size(); ++i) {
      ASSERT_TRUE(a[i] == b[i] || (a[i] != a[i] && b[i] != b[i])) << name << " row " << i;
    }
  }
}

TEST(ProgressTest, ModelFitCountsLikelihoodEvaluations) {
  // Customers drawn from the BG/NBD process itself (r 0.5, alpha 5, a 0.8, b 2.5), so the model
  // is identified and the fit converges.
  std::mt19937_64 rng(11);
  std::gamma_distribution<double> rate(0.5, 1.0 / 5.0);
  std::gamma_distribution<double> beta_a(0.8, 1.0), beta_b(2.5, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> x, t_x, T;
  for (int i = 0; i < 3000; ++i) {
    const double lambda = rate(rng), ga = beta_a(rng), p = ga / (ga + beta_b(rng));
    const double age = 20 + 40 * uniform(rng);
    double t = 0, last = 0, n = 0;
    while (true) {
      t += std::exponential_distribution<double>(lambda)(rng);
      if (t > age) break;
      n += 1;
      last = t;
      if (uniform(rng) < p) break;
    }
    x.push_back(n);
    t_x.push_back(last);
    T.push_back(age);
  }
  const score::PurchaseHistoryView view{.frequency = x, .recency = t_x, .age = T, .weights = {}};
  ASSERT_OK_AND_ASSIGN(score::BetaGeoModel quiet, score::BetaGeoModel::Fit(view));
  Recorder r;
  score::FitOptions options;
  options.progress = r.callback();
  ASSERT_OK_AND_ASSIGN(score::BetaGeoModel loud, score::BetaGeoModel::Fit(view, options));
  EXPECT_THAT(r.Stages(), ElementsAre("fit"));
  const uint64_t evaluations = r.calls.back().total;
  EXPECT_GE(evaluations, static_cast<uint64_t>(loud.report().iterations));
  ExpectWellFormedStage(r, "fit", evaluations, 1);
  EXPECT_EQ(quiet.params().r, loud.params().r);
  EXPECT_EQ(quiet.params().alpha, loud.params().alpha);
  EXPECT_EQ(quiet.params().a, loud.params().a);
  EXPECT_EQ(quiet.params().b, loud.params().b);
}

}  // namespace
}  // namespace oneid
