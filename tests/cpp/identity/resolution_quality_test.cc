// Resolution quality on generated omni-channel data with known people: pairwise precision,
// recall and F1 and the largest person, with the default guards and with every guard switched off.
#include <iostream>

#include "oneid/identity/quality.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/synthetic.h"
#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

struct Outcome {
  PairwiseQuality quality;
  BatchReport report;
  std::vector<uint64_t> labels;
};

std::vector<uint64_t> TruthLabels(const SyntheticData& data) {
  return std::vector<uint64_t>(data.true_person.begin(), data.true_person.end());
}

Outcome Resolve(const SyntheticData& data, const IdentityConfig& config) {
  Resolver resolver = *Resolver::Create(config);
  absl::StatusOr<BatchReport> report = resolver.AddBatch(data.accounts);
  EXPECT_OK(report);
  std::vector<uint64_t> predicted;
  for (size_t row = 0; row < data.accounts.row_count(); ++row) {
    predicted.push_back(*resolver.OneIdOf(data.accounts.account_id(row)));
  }
  return {*EvaluatePairwise(predicted, TruthLabels(data)), *report, predicted};
}

IdentityConfig WithoutGuards() {
  IdentityConfig config = DefaultIdentityConfig();
  for (IdentifierType& type : config.types) {
    type.max_per_person = kUnlimited;
    type.max_accounts_per_value = kUnlimited;
    type.blocklist.clear();
  }
  return config;
}

void Print(const char* name, const PairwiseQuality& q) {
  std::cout << name << ": precision " << q.precision << " recall " << q.recall << " F1 " << q.f1
            << " largest person " << q.largest_cluster << " accounts, persons " << q.predicted_clusters
            << " (truth " << q.true_clusters << ")\n";
}

TEST(ResolutionQualityTest, GuardsStopPlantedJunkFromFormingAGiantPerson) {
  SyntheticConfig synth;
  synth.seed = 2026;
  synth.people = 20000;
  const SyntheticData data = GenerateOmniChannel(synth);
  const Outcome guarded = Resolve(data, DefaultIdentityConfig());
  const Outcome unguarded = Resolve(data, WithoutGuards());
  Print("with guards", guarded.quality);
  Print("without guards", unguarded.quality);

  // Many accounts carry nothing that links them to their owner's other accounts (a Tmall buyer id
  // alone, a Douyin device id alone), so no resolver reaches recall 1. The ceiling: link every
  // shared value, then cut each component along the true persons — no resolver working from these
  // values can find a pair that this misses.
  std::vector<uint64_t> oracle(unguarded.labels.size());
  for (size_t i = 0; i < oracle.size(); ++i) oracle[i] = (unguarded.labels[i] << 32) ^ data.true_person[i];
  const PairwiseQuality ceiling = *EvaluatePairwise(oracle, TruthLabels(data));
  Print("recall ceiling", ceiling);
  std::cout << "guarded recall / ceiling: " << guarded.quality.recall / ceiling.recall << "\n";

  // Without guards, kiosk phones and placeholder values glue thousands of people together.
  EXPECT_GT(unguarded.quality.largest_cluster, 1000u);
  EXPECT_LT(unguarded.quality.precision, 0.2);
  // With them, no person is larger than a real shopper's account count allows, and both
  // precision and recall are high (recall is capped by typos no resolver can undo).
  EXPECT_LE(guarded.quality.largest_cluster, 60u);
  EXPECT_GT(guarded.quality.precision, 0.97);
  EXPECT_GT(guarded.quality.recall / ceiling.recall, 0.97);
  EXPECT_GT(guarded.quality.f1, 0.70);
  EXPECT_GT(guarded.report.values_junk, 0u);
  EXPECT_GT(guarded.report.values_blocklisted, 0u);
  EXPECT_EQ(guarded.report.rows_rejected, 0u);
}

TEST(ResolutionQualityTest, IncrementalBatchesMatchOneBatchAndKeepOneIdsStable) {
  SyntheticConfig synth;
  synth.seed = 7;
  synth.people = 10000;
  const SyntheticData whole = GenerateOmniChannel(synth);
  const std::vector<SyntheticData> batches = GenerateOmniChannelBatches(synth, 5);
  ASSERT_EQ(batches.size(), 5u);

  Resolver incremental = *Resolver::Create(DefaultIdentityConfig());
  std::vector<std::pair<std::string, OneId>> earlier;
  for (const SyntheticData& batch : batches) {
    ASSERT_OK(incremental.AddBatch(batch.accounts));
    // Every OneID handed out before still resolves to the person of its account.
    for (const auto& [account, oneid] : earlier) {
      ASSERT_OK_AND_ASSIGN(OneId now, incremental.CurrentOneId(oneid));
      ASSERT_EQ(now, *incremental.OneIdOf(account)) << account;
    }
    for (size_t row = 0; row < batch.accounts.row_count(); row += 7) {
      const std::string account(batch.accounts.account_id(row));
      earlier.emplace_back(account, *incremental.OneIdOf(account));
    }
  }
  std::vector<uint64_t> predicted;
  for (size_t row = 0; row < whole.accounts.row_count(); ++row) {
    predicted.push_back(*incremental.OneIdOf(whole.accounts.account_id(row)));
  }
  const PairwiseQuality inc = *EvaluatePairwise(predicted, TruthLabels(whole));
  const PairwiseQuality one = Resolve(whole, DefaultIdentityConfig()).quality;
  Print("one batch", one);
  Print("five batches", inc);
  // Guards decide in arrival order, so the two runs may differ on a handful of contested links.
  EXPECT_NEAR(inc.f1, one.f1, 0.01);
  EXPECT_LE(inc.largest_cluster, 60u);
  EXPECT_GT(incremental.Stats().merge_log_entries, 0u);
}

}  // namespace
}  // namespace oneid::identity
