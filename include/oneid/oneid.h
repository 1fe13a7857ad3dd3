// oneid: omni-channel customer identity resolution and segmentation.
//
// The umbrella header: includes the whole public surface. Layers, in the order data flows:
//   identity  accounts -> OneIDs (normalise, guard, union-find, merge log, explain, erase)
#ifndef ONEID_ONEID_H_
#define ONEID_ONEID_H_

#include "oneid/version.h"

#include "oneid/identity/account_table.h"
#include "oneid/identity/batch_report.h"
#include "oneid/identity/identifier_type.h"
#include "oneid/identity/merge_log.h"
#include "oneid/identity/normalizer.h"
#include "oneid/identity/quality.h"
#include "oneid/identity/resolver.h"
#include "oneid/identity/synthetic.h"
#include "oneid/identity/union_find.h"
#include "oneid/identity/value_hasher.h"

#include "oneid/score/churn_evaluation.h"
#include "oneid/score/churn_label.h"
#include "oneid/score/classifier.h"
#include "oneid/score/gradient_boosting.h"
#include "oneid/score/logistic_regression.h"
#include "oneid/score/rfm.h"

#endif  // ONEID_ONEID_H_
