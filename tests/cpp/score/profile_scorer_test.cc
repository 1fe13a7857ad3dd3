// ProfileScorer: scores fitted on a base and applied to a few persons equal the base's own scores
// for those persons, on realistic generated profiles; bad inputs are refused by name.
#include "oneid/score/profile_scorer.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "oneid/identity/synthetic.h"
#include "oneid/profile/event_generator.h"
#include "oneid/profile/profile_builder.h"
#include "testing/status_matchers.h"

namespace oneid::score {
namespace {

using ::testing::HasSubstr;

// Profiles of generated people, keyed by the true person (so no resolver is involved here).
struct Base {
  profile::ProfileBuilder builder;
  std::map<profile::OneId, std::vector<std::string>> accounts;
  profile::FeatureTable table;
};

Base MakeBase(size_t people) {
  identity::SyntheticConfig config;
  config.people = people;
  config.seed = 21;
  const identity::SyntheticData data = identity::GenerateOmniChannel(config);
  profile::AccountMap map;
  std::map<profile::OneId, std::vector<std::string>> accounts;
  for (size_t r = 0; r < data.accounts.row_count(); ++r) {
    const profile::OneId id = data.true_person[r] + 1;
    map.Set(data.accounts.account_id(r), id);
    accounts[id].emplace_back(data.accounts.account_id(r));
  }
  const profile::GeneratedEvents events = profile::GenerateEvents(data, profile::EventGeneratorConfig{});
  profile::ProfileOptions options;
  options.as_of = profile::EventGeneratorConfig{}.end;
  profile::ProfileBuilder builder = *profile::ProfileBuilder::Create(options);
  builder.AddOrders(events.orders, map);
  builder.AddBehavior(events.behaviour, map);
  profile::FeatureTable table = *builder.Build(map);
  return {std::move(builder), std::move(accounts), std::move(table)};
}

double At(const profile::FeatureTable& t, const std::string& column, profile::OneId id) {
  return (*t.Numeric(column))[*t.RowOf(id)];
}

TEST(ProfileScorerTest, ScoresTheBaseWithItsOwnFitAndNeverBuyersGetNothing) {
  Base base = MakeBase(3000);
  ASSERT_OK_AND_ASSIGN(ProfileScorer scorer, ProfileScorer::Fit(base.table));
  ASSERT_OK(scorer.Apply(base.table));
  EXPECT_GT(scorer.buyers(), 1000u);
  EXPECT_GT(scorer.repeat_buyers(), 300u);
  EXPECT_LT(scorer.repeat_buyers(), scorer.buyers());
  for (const std::string& c : scorer.OutputColumns()) EXPECT_TRUE(base.table.Has(c)) << c;

  const auto x = *base.table.Numeric("cb_frequency"), t_x = *base.table.Numeric("cb_recency"),
             T = *base.table.Numeric("cb_T"), p_alive = *base.table.Numeric("p_alive"),
             clv = *base.table.Numeric("clv"), r = *base.table.Numeric("recency_score");
  const auto segment = *base.table.Text("rfm_segment");
  size_t buyers = 0, never = 0;
  for (size_t i = 0; i < base.table.num_rows(); ++i) {
    if (std::isnan(T[i])) {
      ++never;
      EXPECT_TRUE(std::isnan(p_alive[i]) && std::isnan(clv[i]) && std::isnan(r[i]));
      EXPECT_TRUE(std::isnan((*base.table.Numeric("p_no_purchase_30d"))[i]));
      EXPECT_EQ(segment[i], "");
      continue;
    }
    ++buyers;
    EXPECT_DOUBLE_EQ(p_alive[i], scorer.transactions().ProbabilityAlive(x[i], t_x[i], T[i]));
    // The churn horizons: BG/NBD's P(no purchase in h days), longer horizons less likely quiet.
    const double quiet_7 = (*base.table.Numeric("p_no_purchase_7d"))[i],
                 quiet_14 = (*base.table.Numeric("p_no_purchase_14d"))[i],
                 quiet_30 = (*base.table.Numeric("p_no_purchase_30d"))[i];
    EXPECT_DOUBLE_EQ(quiet_30, scorer.transactions().ProbabilityNoPurchase(30, x[i], t_x[i], T[i]));
    EXPECT_GE(quiet_7, quiet_14);
    EXPECT_GE(quiet_14, quiet_30);
    EXPECT_GE(quiet_30, 1 - p_alive[i]);
    EXPECT_GE(clv[i], 0);
    EXPECT_GE(r[i], 1);
    EXPECT_LE(r[i], 5);
    EXPECT_NE(segment[i], "");
  }
  EXPECT_EQ(buyers, scorer.buyers());
  EXPECT_GT(never, 0u) << "the generator makes people who browse but never buy";
  // The RFM scale is the base's quintiles: each recency score holds about a fifth of the buyers.
  std::map<int, size_t> per_score;
  for (size_t i = 0; i < base.table.num_rows(); ++i) {
    if (!std::isnan(r[i])) ++per_score[static_cast<int>(r[i])];
  }
  for (const auto& [score, count] : per_score) EXPECT_GT(count, buyers / 10) << "recency score " << score;
}

TEST(ProfileScorerTest, AFewPersonsAppliedAloneScoreExactlyAsInTheBase) {
  Base base = MakeBase(3000);
  ASSERT_OK_AND_ASSIGN(ProfileScorer scorer, ProfileScorer::Fit(base.table));
  ASSERT_OK(scorer.Apply(base.table));
  std::vector<profile::PersonAccounts> few;
  for (const auto& [id, accounts] : base.accounts) {
    if (id % 97 == 0) few.push_back({id, accounts});
  }
  ASSERT_OK_AND_ASSIGN(profile::FeatureTable some, base.builder.BuildPersons(few));
  ASSERT_GT(some.num_rows(), 10u);
  ASSERT_OK(scorer.Apply(some));
  for (profile::OneId id : some.oneids()) {
    for (const std::string& c : scorer.OutputColumns()) {
      if (c == "rfm_segment") {
        EXPECT_EQ((*some.Text(c))[*some.RowOf(id)], (*base.table.Text(c))[*base.table.RowOf(id)]);
        continue;
      }
      const double alone = At(some, c, id), in_base = At(base.table, c, id);
      if (std::isnan(in_base)) {
        EXPECT_TRUE(std::isnan(alone)) << c << " of OneID " << id;
      } else {
        EXPECT_DOUBLE_EQ(alone, in_base) << c << " of OneID " << id;
      }
    }
  }
  // Re-fitting on the few would put them on a scale of their own: the reason Fit and Apply differ.
  profile::FeatureTable refit_rows = *base.builder.BuildPersons(few);
  absl::StatusOr<ProfileScorer> own = ProfileScorer::Fit(refit_rows);
  if (own.ok()) {
    ASSERT_OK(own->Apply(refit_rows));
    size_t differ = 0;
    for (profile::OneId id : refit_rows.oneids()) differ += At(refit_rows, "clv", id) != At(base.table, "clv", id);
    EXPECT_GT(differ, 0u);
  }
}

TEST(ProfileScorerTest, RefusesWhatItCannotScore) {
  Base base = MakeBase(400);
  // A missing input column is named.
  profile::FeatureTable no_recency(base.table.oneids());
  ASSERT_OK(no_recency.SetNumeric("frequency", std::vector<double>(base.table.num_rows(), 1)));
  EXPECT_THAT(ProfileScorer::Fit(no_recency).status().message(), HasSubstr("recency_days"));

  // Nobody bought: nothing to fit on.
  std::vector<profile::PersonAccounts> browsers;
  const auto T = *base.table.Numeric("cb_T");
  for (size_t i = 0; i < base.table.num_rows(); ++i) {
    if (std::isnan(T[i])) browsers.push_back({base.table.oneids()[i], base.accounts[base.table.oneids()[i]]});
  }
  ASSERT_FALSE(browsers.empty());
  const profile::FeatureTable never = *base.builder.BuildPersons(browsers);
  EXPECT_EQ(ProfileScorer::Fit(never).status().code(), absl::StatusCode::kFailedPrecondition);

  // A corrupt history is refused by row and column, and the table is left as it was.
  ASSERT_OK_AND_ASSIGN(ProfileScorer scorer, ProfileScorer::Fit(base.table));
  profile::FeatureTable broken = base.table;
  size_t buyer = 0;
  while (std::isnan(T[buyer])) ++buyer;
  (*broken.MutableNumeric("cb_recency"))[buyer] = T[buyer] + 5;
  const absl::Status s = scorer.Apply(broken);
  EXPECT_THAT(s.message(), HasSubstr("row " + std::to_string(buyer)));
  EXPECT_THAT(s.message(), HasSubstr("cb_recency"));
  EXPECT_FALSE(broken.Has("clv"));

  ProfileScorerOptions bad_bins;
  bad_bins.rfm_bins = 12;
  EXPECT_THAT(ProfileScorer::Fit(base.table, bad_bins).status().message(), HasSubstr("rfm_bins"));
  ProfileScorerOptions bad_horizon;
  bad_horizon.expected_purchases_days = -1;
  EXPECT_THAT(ProfileScorer::Fit(base.table, bad_horizon).status().message(), HasSubstr("expected_purchases_days"));
  ProfileScorerOptions bad_churn_horizon;
  bad_churn_horizon.no_purchase_days = {7, 0};
  EXPECT_THAT(ProfileScorer::Fit(base.table, bad_churn_horizon).status().message(), HasSubstr("no_purchase_days has 0"));
}

}  // namespace
}  // namespace oneid::score
