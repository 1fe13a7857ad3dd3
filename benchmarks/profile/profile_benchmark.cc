// Benchmarks of the profile layer: folding generated events into accumulators and rolling them up
// into a FeatureTable, at about 10M events (100M with --profile_events=100000000).
//
//   ./profile_profile_benchmark                                  # 10M events
//   ./profile_profile_benchmark --profile_events=100000000       # 100M (needs ~20 GB; slow to generate)
//
// The data is GenerateEvents() over GenerateOmniChannel() people, scaled so that orders plus
// behaviour come to about the requested number of events (about 22 events a person at the
// defaults), re-keyed through the ground-truth account -> person map. Generation is not timed.
//
// Benchmarks:
//   BM_BuildProfiles  AddOrders + AddBehavior + Build from scratch: what build_profiles does
//   BM_FoldEvents     AddOrders + AddBehavior only (the incremental path)
//   BM_RollUp         Build over accumulators already folded (re-keying after a merge or erase)
//   BM_RebuildTouched BuildPersons for 1% of the persons: what a host re-profiles after a small
//                     batch (BatchReport::touched_oneids) instead of BM_RollUp's full rebuild
// Counters: events/s (items_per_second), input_bytes_per_event (the columnar event tables),
// accumulator_bytes_per_profile (ProfileBuilder::MemoryBytes / rows) and
// table_bytes_per_profile (FeatureTable::MemoryBytes / rows).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "oneid/identity/synthetic.h"
#include "oneid/profile/event_generator.h"
#include "oneid/profile/profile_builder.h"

namespace {

using namespace oneid::profile;  // NOLINT(google-build-using-namespace): benchmark brevity

struct Data {
  GeneratedEvents events;
  AccountMap map;
  std::vector<PersonAccounts> persons;  // every person with its accounts (the truth)
  size_t total = 0;
};

std::unique_ptr<Data> MakeData(size_t target_events) {
  auto data = std::make_unique<Data>();
  oneid::identity::SyntheticConfig people;
  people.seed = 17;
  people.people = std::max<size_t>(1000, target_events / 22);
  const oneid::identity::SyntheticData accounts = oneid::identity::GenerateOmniChannel(people);
  EventGeneratorConfig config;
  config.seed = 17;
  data->events = GenerateEvents(accounts, config);
  data->persons.resize(accounts.people);
  for (size_t r = 0; r < accounts.accounts.row_count(); ++r) {
    const OneId id = accounts.true_person[r] + 1;
    data->map.Set(accounts.accounts.account_id(r), id);
    data->persons[id - 1].oneid = id;
    data->persons[id - 1].account_ids.emplace_back(accounts.accounts.account_id(r));
  }
  std::erase_if(data->persons, [](const PersonAccounts& p) { return p.oneid == 0; });
  data->total = data->events.orders.row_count() + data->events.behaviour.row_count();
  return data;
}

ProfileOptions Options() {
  ProfileOptions options;
  options.as_of = EventGeneratorConfig{}.end;
  return options;
}

void SetCounters(benchmark::State& state, const Data& d, const ProfileBuilder& builder, const FeatureTable& table) {
  const double rows = static_cast<double>(std::max<size_t>(1, table.num_rows()));
  state.counters["events"] = static_cast<double>(d.total);
  state.counters["profiles"] = static_cast<double>(table.num_rows());
  state.counters["input_bytes_per_event"] =
      static_cast<double>(d.events.orders.MemoryBytes() + d.events.behaviour.MemoryBytes()) / static_cast<double>(d.total);
  state.counters["accumulator_bytes_per_profile"] = static_cast<double>(builder.MemoryBytes()) / rows;
  state.counters["table_bytes_per_profile"] = static_cast<double>(table.MemoryBytes()) / rows;
}

void BM_BuildProfiles(benchmark::State& state, const Data* d) {
  for (auto _ : state) {
    ProfileBuilder builder = *ProfileBuilder::Create(Options());
    builder.AddOrders(d->events.orders, d->map);
    builder.AddBehavior(d->events.behaviour, d->map);
    FeatureTable table = *builder.Build(d->map);
    benchmark::DoNotOptimize(table.num_rows());
    state.PauseTiming();
    SetCounters(state, *d, builder, table);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * d->total));
}

void BM_FoldEvents(benchmark::State& state, const Data* d) {
  for (auto _ : state) {
    ProfileBuilder builder = *ProfileBuilder::Create(Options());
    builder.AddOrders(d->events.orders, d->map);
    builder.AddBehavior(d->events.behaviour, d->map);
    benchmark::DoNotOptimize(builder.account_count());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * d->total));
}

void BM_RollUp(benchmark::State& state, const Data* d) {
  ProfileBuilder builder = *ProfileBuilder::Create(Options());
  builder.AddOrders(d->events.orders, d->map);
  builder.AddBehavior(d->events.behaviour, d->map);
  for (auto _ : state) {
    FeatureTable table = *builder.Build(d->map);
    benchmark::DoNotOptimize(table.num_rows());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * builder.account_count()));
  state.counters["accounts"] = static_cast<double>(builder.account_count());
}

void BM_RebuildTouched(benchmark::State& state, const Data* d) {
  ProfileBuilder builder = *ProfileBuilder::Create(Options());
  builder.AddOrders(d->events.orders, d->map);
  builder.AddBehavior(d->events.behaviour, d->map);
  std::vector<PersonAccounts> touched;
  for (size_t i = 0; i < d->persons.size(); i += 100) touched.push_back(d->persons[i]);
  for (auto _ : state) {
    FeatureTable table = *builder.BuildPersons(touched);
    benchmark::DoNotOptimize(table.num_rows());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * touched.size()));
  state.counters["persons"] = static_cast<double>(touched.size());
}

}  // namespace

int main(int argc, char** argv) {
  size_t target = 10'000'000;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--profile_events=", 17) == 0) {
      target = std::strtoull(argv[i] + 17, nullptr, 10);
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  std::fprintf(stderr, "generating about %zu events...\n", target);
  const std::unique_ptr<Data> data = MakeData(target);
  std::fprintf(stderr, "generated %zu order lines and %zu behaviour events\n", data->events.orders.row_count(),
               data->events.behaviour.row_count());
  const std::string suffix = "/" + std::to_string(data->total);
  benchmark::RegisterBenchmark(("BM_BuildProfiles" + suffix).c_str(), BM_BuildProfiles, data.get())
      ->Unit(benchmark::kMillisecond)->Iterations(3);
  benchmark::RegisterBenchmark(("BM_FoldEvents" + suffix).c_str(), BM_FoldEvents, data.get())
      ->Unit(benchmark::kMillisecond)->Iterations(3);
  benchmark::RegisterBenchmark(("BM_RollUp" + suffix).c_str(), BM_RollUp, data.get())
      ->Unit(benchmark::kMillisecond)->Iterations(3);
  benchmark::RegisterBenchmark(("BM_RebuildTouched" + suffix).c_str(), BM_RebuildTouched, data.get())
      ->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
