// oneid: omni-channel customer identity resolution and segmentation.
//
// The umbrella header: includes the whole public surface. Layers, in the order data flows:
//   identity  accounts -> OneIDs (normalise, guard, union-find, merge log, explain, erase)
#ifndef ONEID_ONEID_H_
#define ONEID_ONEID_H_

#include "oneid/version.h"
#include "oneid/progress.h"

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
#include "oneid/identity/value_keyer.h"

#include "oneid/profile/event_generator.h"
#include "oneid/profile/events.h"
#include "oneid/profile/feature_table.h"
#include "oneid/profile/golden_record.h"
#include "oneid/profile/profile_builder.h"

#include "oneid/score/beta_geo.h"
#include "oneid/score/beta_geo_beta_binom.h"
#include "oneid/score/covariate_models.h"
#include "oneid/score/customer_lifetime_value.h"
#include "oneid/score/fit_report.h"
#include "oneid/score/gamma_gamma.h"
#include "oneid/score/modified_beta_geo.h"
#include "oneid/score/pareto_nbd.h"
#include "oneid/score/prediction_intervals.h"
#include "oneid/score/profile_scorer.h"
#include "oneid/score/purchase_history.h"
#include "oneid/score/transaction_summary.h"
#include "oneid/score/churn_evaluation.h"
#include "oneid/score/churn_label.h"
#include "oneid/score/classifier.h"
#include "oneid/score/gradient_boosting.h"
#include "oneid/score/logistic_regression.h"
#include "oneid/score/rfm.h"

#include "oneid/segment/audience.h"
#include "oneid/segment/column_set.h"
#include "oneid/segment/kmeans.h"
#include "oneid/segment/lifecycle.h"
#include "oneid/segment/segment_table.h"
#include "oneid/segment/tags.h"
#include "oneid/segment/triggers.h"
#include "oneid/segment/value_tier.h"

#endif  // ONEID_ONEID_H_
