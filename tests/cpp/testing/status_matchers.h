// GoogleTest helpers for absl::Status (Debian's Abseil ships none).
#ifndef ONEID_TESTS_TESTING_STATUS_MATCHERS_H_
#define ONEID_TESTS_TESTING_STATUS_MATCHERS_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace oneid::testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace oneid::testing

#define EXPECT_OK(expr) EXPECT_TRUE(::oneid::testing::GetStatus(expr).ok()) << ::oneid::testing::GetStatus(expr)
#define ASSERT_OK(expr) ASSERT_TRUE(::oneid::testing::GetStatus(expr).ok()) << ::oneid::testing::GetStatus(expr)

// ASSERT_OK_AND_ASSIGN(auto x, MakeX());
#define ONEID_TEST_CONCAT_IMPL(a, b) a##b
#define ONEID_TEST_CONCAT(a, b) ONEID_TEST_CONCAT_IMPL(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ONEID_TEST_ASSIGN_IMPL(ONEID_TEST_CONCAT(status_or_, __LINE__), lhs, expr)
#define ONEID_TEST_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  ASSERT_TRUE(tmp.ok()) << tmp.status();       \
  lhs = std::move(tmp).value()

// Matches a Status or StatusOr with the given code whose message contains `substring`.
MATCHER_P2(StatusIs, code, substring, "") {
  const absl::Status& status = ::oneid::testing::GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code && std::string(status.message()).find(substring) != std::string::npos;
}

#endif  // ONEID_TESTS_TESTING_STATUS_MATCHERS_H_
