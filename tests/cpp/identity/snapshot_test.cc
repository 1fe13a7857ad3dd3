#include <filesystem>
#include <fstream>
#include <random>

#include "identity/test_tables.h"
#include "oneid/identity/resolver.h"
#include "testing/status_matchers.h"

namespace oneid::identity {
namespace {

using ::oneid::identity::testing::SaltedConfig;
using ::oneid::identity::testing::Table;

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("oneid_snapshot_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  static std::string ReadBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void WriteBytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }

  // A resolver with merges, refusals, junk, an alias and an erase behind it.
  static Resolver Busy(bool hash_values = false) {
    Resolver r = *Resolver::Create(SaltedConfig(hash_values));
    EXPECT_OK(r.AddBatch(Table({{.account_id = "pos:1", .phone = "13800138000"},
                                {.account_id = "tmall:2", .email = "ann@example.com"},
                                {.account_id = "mp:3", .phone = "13900139000", .unionid = "uA", .openid = "wx1:o1"},
                                {.account_id = "mp:4", .phone = "13900139000", .unionid = "uB"}})));
    EXPECT_OK(r.AddBatch(Table({{.account_id = "app:5", .phone = "13800138000", .email = "ann@example.com"},
                                {.account_id = "app:6", .email = "zoe@example.com", .device_id = "dev-9"}})));
    EXPECT_OK(r.EraseAccount("app:6"));
    return r;
  }

  std::filesystem::path dir_;
};

TEST_F(SnapshotTest, RoundTripKeepsEverything) {
  Resolver r = Busy();
  ASSERT_OK(r.SaveSnapshot(Path("s.bin")));
  ASSERT_OK_AND_ASSIGN(Resolver loaded, Resolver::LoadSnapshot(Path("s.bin"), SaltedConfig()));
  const Assignments a = r.GetAssignments(), b = loaded.GetAssignments();
  EXPECT_EQ(a.account_ids, b.account_ids);
  EXPECT_EQ(a.oneids, b.oneids);
  ASSERT_EQ(r.MergeLog().size(), loaded.MergeLog().size());
  EXPECT_EQ(r.Stats().persons, loaded.Stats().persons);
  ASSERT_OK_AND_ASSIGN(LinkPath path, loaded.Explain("pos:1", "tmall:2"));
  EXPECT_EQ(path.steps.size(), 2u);
  // Saving the loaded state gives the same bytes: nothing was lost or reordered.
  ASSERT_OK(loaded.SaveSnapshot(Path("t.bin")));
  EXPECT_EQ(ReadBytes(Path("s.bin")), ReadBytes(Path("t.bin")));
  // The loaded resolver goes on exactly like the original.
  const AccountTable next = Table({{.account_id = "jd:7", .phone = "13900139000", .unionid = "uA"},
                                   {.account_id = "app:6", .email = "zoe@example.com"}});
  ASSERT_OK_AND_ASSIGN(BatchReport ra, r.AddBatch(next));
  ASSERT_OK_AND_ASSIGN(BatchReport rb, loaded.AddBatch(next));
  EXPECT_EQ(ra.rows_rejected, 1u);  // the tombstone survived the round trip
  EXPECT_EQ(rb.rows_rejected, 1u);
  EXPECT_EQ(*r.OneIdOf("jd:7"), *loaded.OneIdOf("jd:7"));
  EXPECT_FALSE(std::filesystem::exists(Path("s.bin.tmp." + std::to_string(::getpid()))));
}

TEST_F(SnapshotTest, CorruptTruncatedAndForeignFilesAreRefused) {
  ASSERT_OK(Busy().SaveSnapshot(Path("s.bin")));
  const std::string good = ReadBytes(Path("s.bin"));
  std::mt19937 rng(3);
  for (int trial = 0; trial < 50; ++trial) {
    std::string bad = good;
    bad[8 + rng() % (bad.size() - 8)] ^= static_cast<char>(1 << (rng() % 8));
    WriteBytes(Path("bad.bin"), bad);
    absl::StatusOr<Resolver> loaded = Resolver::LoadSnapshot(Path("bad.bin"), SaltedConfig());
    EXPECT_FALSE(loaded.ok());
  }
  for (size_t cut : {size_t{0}, size_t{5}, size_t{30}, good.size() / 2, good.size() - 1}) {
    WriteBytes(Path("cut.bin"), good.substr(0, cut));
    absl::StatusOr<Resolver> loaded = Resolver::LoadSnapshot(Path("cut.bin"), SaltedConfig());
    ASSERT_FALSE(loaded.ok()) << cut;
    if (cut >= 8) {
      EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss) << loaded.status();
    }
  }
  WriteBytes(Path("foreign.bin"), "PK\x03\x04 this is a zip file, not a snapshot");
  EXPECT_THAT(Resolver::LoadSnapshot(Path("foreign.bin"), SaltedConfig()),
              StatusIs(absl::StatusCode::kInvalidArgument, "not a oneid snapshot"));
  EXPECT_THAT(Resolver::LoadSnapshot(Path("missing.bin"), SaltedConfig()),
              StatusIs(absl::StatusCode::kNotFound, "cannot open"));
  std::string newer = good;
  newer[8] = 9;
  WriteBytes(Path("newer.bin"), newer);
  EXPECT_THAT(Resolver::LoadSnapshot(Path("newer.bin"), SaltedConfig()),
              StatusIs(absl::StatusCode::kInvalidArgument, "format version 9"));
}

TEST_F(SnapshotTest, WrongSaltOrConfigurationIsRefused) {
  ASSERT_OK(Busy().SaveSnapshot(Path("s.bin")));
  IdentityConfig other_salt = SaltedConfig();
  other_salt.salt = "another-salt-of-enough-length!!!";
  EXPECT_THAT(Resolver::LoadSnapshot(Path("s.bin"), other_salt),
              StatusIs(absl::StatusCode::kInvalidArgument, "different salt"));
  IdentityConfig other_types = SaltedConfig();
  other_types.types[0].max_per_person = 2;
  EXPECT_THAT(Resolver::LoadSnapshot(Path("s.bin"), other_types),
              StatusIs(absl::StatusCode::kInvalidArgument, "different identity configuration"));
}

TEST_F(SnapshotTest, HashingModeSnapshotsHoldNoRawIdentifiersAndNoSalt) {
  ASSERT_OK(Busy(/*hash_values=*/true).SaveSnapshot(Path("s.bin")));
  const std::string bytes = ReadBytes(Path("s.bin"));
  const std::string salt = SaltedConfig().salt;
  for (const std::string secret : {"13800138000", "8613900139000", "ann@example.com", "zoe@example", "dev-9",
                                   "app:6", salt.c_str()}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
  }
}

TEST_F(SnapshotTest, ErasedValuesLeaveNoTraceInPlainSnapshots) {
  Resolver r = Busy();
  ASSERT_OK(r.EraseValue("email", "ann@example.com"));
  ASSERT_OK(r.SaveSnapshot(Path("s.bin")));
  const std::string bytes = ReadBytes(Path("s.bin"));
  EXPECT_EQ(bytes.find("ann@example.com"), std::string::npos);
  // app:6 was erased with its values: nobody else held zoe's email, so it is gone as well.
  EXPECT_EQ(bytes.find("zoe@example.com"), std::string::npos);
  EXPECT_EQ(bytes.find("dev-9"), std::string::npos);
}

}  // namespace
}  // namespace oneid::identity
