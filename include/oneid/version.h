// oneid's version, for hosts that log or check what they linked.
#ifndef ONEID_VERSION_H_
#define ONEID_VERSION_H_

#define ONEID_VERSION_MAJOR 0
#define ONEID_VERSION_MINOR 1
#define ONEID_VERSION_PATCH 0
#define ONEID_VERSION_STRING "0.1.0"

#endif  // ONEID_VERSION_H_
