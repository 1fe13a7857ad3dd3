// Small status-propagation macros. Debian's Abseil (20220623) ships Status and StatusOr but not
// these, so oneid keeps its own. Internal: users should not include this header.
#ifndef ONEID_INTERNAL_STATUS_MACROS_H_
#define ONEID_INTERNAL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define ONEID_INTERNAL_CONCAT_IMPL(a, b) a##b
#define ONEID_INTERNAL_CONCAT(a, b) ONEID_INTERNAL_CONCAT_IMPL(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define ONEID_RETURN_IF_ERROR(expr)                                   \
  do {                                                                \
    if (::absl::Status oneid_status_ = (expr); !oneid_status_.ok()) { \
      return oneid_status_;                                           \
    }                                                                 \
  } while (false)

// `ONEID_ASSIGN_OR_RETURN(auto x, MakeX());` evaluates a StatusOr, returns its status on error and
// otherwise moves the value into the declaration on the left.
#define ONEID_ASSIGN_OR_RETURN(lhs, expr) \
  ONEID_INTERNAL_ASSIGN_OR_RETURN_IMPL(ONEID_INTERNAL_CONCAT(oneid_statusor_, __LINE__), lhs, expr)

#define ONEID_INTERNAL_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                         \
  if (!statusor.ok()) return std::move(statusor).status();        \
  lhs = std::move(statusor).value()

#endif  // ONEID_INTERNAL_STATUS_MACROS_H_
