// The host CRM's tables, and how oneid's inputs and results move between them and oneid's types.
//
// The CRM owns its schema; oneid only sees AccountTable, OrderTable and BehaviorTable going in and
// the resolver's map, merge log and FeatureTables coming out. `arrival` on the input tables says in
// which load a row reached the CRM (0..3 the history of the first run, then one per stream batch).
#ifndef ONEID_EXAMPLES_HOST_CRM_CRM_TABLES_H_
#define ONEID_EXAMPLES_HOST_CRM_CRM_TABLES_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "database.h"
#include "oneid/oneid.h"

namespace host_crm {

using oneid::identity::OneId;

// The identifier columns of crm_accounts, each named by its oneid identifier type.
const std::vector<std::string>& IdentifierColumns();

// Drops and creates every crm_* table. The person tables' columns follow the profile layer's
// column list, so a new oneid feature is a new CRM column without code here.
absl::Status CreateSchema(Database& db);

// Inputs: the CRM receiving rows from its channels.
absl::Status InsertAccounts(Database& db, const oneid::identity::AccountTable& accounts,
                            const std::vector<int>& arrival);
absl::Status InsertOrders(Database& db, const oneid::profile::OrderTable& orders, const std::vector<int>& arrival);
absl::Status InsertBehaviour(Database& db, const oneid::profile::BehaviorTable& behaviour,
                             const std::vector<int>& arrival);

// Reads one load's rows into oneid's input types. A row oneid cannot take (unknown channel or
// event kind, a negative discount, ...) is counted and listed in `rejected`, never dropped silently.
struct Rejected {
  size_t rows = 0;
  std::vector<std::string> messages;  // "crm_orders line 17: channel 'fax' is not a channel"
};
absl::StatusOr<oneid::identity::AccountTable> ReadAccounts(Database& db, int arrival);
absl::StatusOr<oneid::profile::OrderTable> ReadOrders(Database& db, int arrival, Rejected& rejected);
absl::StatusOr<oneid::profile::BehaviorTable> ReadBehaviour(Database& db, int arrival, Rejected& rejected);

// Results: the OneIDs of these persons' accounts (upserted; returns how many rows changed) and the
// merge-log entries from `from` on.
absl::StatusOr<size_t> WriteOneIds(Database& db, const oneid::identity::Resolver& resolver,
                                   const std::vector<OneId>& persons);
absl::Status AppendMergeLog(Database& db, const std::vector<oneid::identity::MergeEvent>& log, size_t from);

// Replaces the rows of `persons` in crm_profiles, crm_scores, crm_segments and crm_triggers with
// the rows of `table` (a person of `persons` without a row in `table` loses its rows: a OneID a
// merge retired, or a person left without purchases by a split). `table` carries the profile,
// score and segment columns; `tags` names its 0/1 tag columns.
absl::Status ReplacePersons(Database& db, const std::vector<OneId>& persons, const oneid::profile::FeatureTable& table,
                            const std::vector<std::string>& tags,
                            const std::vector<oneid::segment::FiredTrigger>& triggers);

// Every person table row as text ("" for NULL, numbers printed to 12 significant digits), keyed by
// "<table>/<oneid>", for comparing what the CRM holds with a recomputation.
absl::StatusOr<std::map<std::string, std::string>> DumpPersons(Database& db);
// The same rendering of rows that ReplacePersons would write.
std::map<std::string, std::string> RenderPersons(const oneid::profile::FeatureTable& table,
                                                 const std::vector<std::string>& tags,
                                                 const std::vector<oneid::segment::FiredTrigger>& triggers);

// Scores and segments the CRM stores per person (crm_scores and crm_segments columns).
const std::vector<std::string>& ScoreColumns();
const std::vector<std::string>& SegmentColumns();

}  // namespace host_crm

#endif  // ONEID_EXAMPLES_HOST_CRM_CRM_TABLES_H_
