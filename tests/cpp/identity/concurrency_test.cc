// The resolver's documented thread-safety contract, under stress: const methods never write (no
// path compression on reads), so any number of readers may run at once; a writer (AddBatch, Erase*)
// needs exclusive access. A host guards it with a reader-writer lock, as here. Run under
// ThreadSanitizer (scripts/test.sh --sanitize builds this test with -fsanitize=thread) any data
// race between readers, or between a reader and the locked writer, fails the test.
#include <atomic>
#include <chrono>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "identity/test_tables.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/synthetic.h"
#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

using ::oneid::identity::testing::SaltedConfig;

TEST(ConcurrencyTest, ManyReadersAndOneLockedWriterNeverRaceAndNeverLoseAnUpdate) {
  SyntheticConfig synth;
  synth.people = 3000;
  synth.seed = 5;
  const std::vector<SyntheticData> days = GenerateOmniChannelBatches(synth, 6);
  Resolver resolver = *Resolver::Create(SaltedConfig());
  ASSERT_OK(resolver.AddBatch(days[0].accounts));
  std::shared_mutex lock;
  std::atomic<bool> done{false};
  std::atomic<size_t> reads{0}, misses{0};

  std::vector<std::thread> readers;
  // Stops and joins the readers however the test leaves this scope: a failed ASSERT in the writer
  // returns early, and the test must then fail, not hang or terminate with threads still running.
  struct StopReaders {
    std::atomic<bool>& done;
    std::vector<std::thread>& readers;
    ~StopReaders() { Stop(); }
    void Stop() {
      done.store(true, std::memory_order_release);
      for (std::thread& r : readers) {
        if (r.joinable()) r.join();
      }
    }
  } stop_readers{done, readers};
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      size_t i = static_cast<size_t>(t) * 7;
      while (!done.load(std::memory_order_acquire)) {
        // glibc's reader-writer lock prefers readers: readers that re-lock back to back would
        // starve the writer. Pausing outside the lock, as request handlers do, lets it in.
        std::this_thread::sleep_for(std::chrono::microseconds(20));
        std::shared_lock<std::shared_mutex> read(lock);
        const AccountTable& day = days[0].accounts;
        const std::string_view a = day.account_id(i % day.row_count());
        const std::string_view b = day.account_id((i * 31 + 1) % day.row_count());
        absl::StatusOr<OneId> oa = resolver.OneIdOf(a);
        absl::StatusOr<OneId> ob = resolver.OneIdOf(b);
        if (!oa.ok() || !ob.ok()) misses.fetch_add(1);
        if (oa.ok() && ob.ok() && *oa == *ob) (void)resolver.Explain(a, b);
        if (oa.ok()) (void)resolver.AccountsOf(*oa);
        if (i % 64 == 0) (void)resolver.Stats();
        reads.fetch_add(1, std::memory_order_relaxed);
        ++i;
      }
    });
  }
  size_t accounts_added = days[0].accounts.row_count();
  for (size_t d = 1; d < days.size(); ++d) {
    std::unique_lock<std::shared_mutex> write(lock);
    ASSERT_OK(resolver.AddBatch(days[d].accounts));
    accounts_added += days[d].accounts.row_count();
  }
  {
    std::unique_lock<std::shared_mutex> write(lock);
    ASSERT_OK(resolver.EraseAccount(days[1].accounts.account_id(0)));
  }
  stop_readers.Stop();

  // Accounts of the first batch were readable throughout, and no update was lost.
  EXPECT_EQ(misses.load(), 0u);
  EXPECT_GT(reads.load(), 0u);
  EXPECT_EQ(resolver.Stats().accounts, accounts_added - 1);
  EXPECT_EQ(resolver.Stats().batches, days.size() + 1);  // an erase is logged as a batch of its own
}

}  // namespace
}  // namespace oneid::identity
