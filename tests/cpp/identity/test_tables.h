// Builders for small account tables in tests.
#ifndef ONEID_TESTS_IDENTITY_TEST_TABLES_H_
#define ONEID_TESTS_IDENTITY_TEST_TABLES_H_

#include <initializer_list>
#include <string>
#include <vector>

#include "oneid/identity/account_table.h"
#include "oneid/identity/identifier_type.h"

namespace oneid::identity::testing {

// The columns used by most tests: one per default identifier type.
inline std::vector<ColumnSpec> DefaultColumns() {
  return {{"phone", "phone"}, {"email", "email"}, {"unionid", "unionid"}, {"openid", "openid"},
          {"device_id", "device_id"}, {"member_card", "member_card"}};
}

struct Row {
  std::string account_id;
  std::string phone = "", email = "", unionid = "", openid = "", device_id = "", member_card = "";
};

inline AccountTable Table(std::initializer_list<Row> rows) {
  AccountTable table(DefaultColumns());
  for (const Row& r : rows) {
    const std::vector<std::string_view> values = {r.phone, r.email, r.unionid, r.openid, r.device_id, r.member_card};
    (void)table.AddRow(r.account_id, "", values);
  }
  return table;
}

// The default configuration with a salt, so that erase is allowed.
inline IdentityConfig SaltedConfig(bool hash_values = false) {
  IdentityConfig config = DefaultIdentityConfig();
  config.salt = "a-test-salt-of-32-bytes-length!!";
  config.hash_values = hash_values;
  return config;
}

}  // namespace oneid::identity::testing

#endif  // ONEID_TESTS_IDENTITY_TEST_TABLES_H_
