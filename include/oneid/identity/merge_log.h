// The merge log: every time two persons became one, or one person was split again, an entry says
// who absorbed whom, in which batch, through which identifier and why.
#ifndef ONEID_IDENTITY_MERGE_LOG_H_
#define ONEID_IDENTITY_MERGE_LOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "oneid/identity/batch_report.h"

namespace oneid {
inline namespace v0 {
namespace identity {

enum class LogEventKind : uint8_t {
  kMerge,  // `absorbed` became an alias of `survivor`
  kSplit,  // a person was re-split; `absorbed` is the OneID of one piece (restored or new)
  kRetire, // a person lost its last account through an erase; its OneID resolves to nothing
};

struct MergeEvent {
  LogEventKind kind = LogEventKind::kMerge;
  uint64_t batch = 0;
  OneId survivor = 0;      // kMerge: the surviving (older) OneID; kSplit/kRetire: the split person
  OneId absorbed = 0;      // kMerge: the absorbed OneID; kSplit: a piece's OneID
  std::string type;        // identifier type of the link (kMerge), empty otherwise
  std::string value;       // the linking value, normalised or hashed ("<erased>" once erased)
  std::string account_id;  // the account whose link caused the merge ("<erased>" once erased)
  std::string cause;       // kSplit/kRetire: "erase account", "erase value", "junk value"
};

const char* LogEventKindName(LogEventKind kind);

}  // namespace identity
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_IDENTITY_MERGE_LOG_H_
