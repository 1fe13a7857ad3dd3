// Special functions the predictions need, on top of Boost.Math: the Gauss hypergeometric function
// 2F1 for arguments in [0, 1), which Boost 1.74 offers only through its generic pFq series.
// Internal.
#ifndef ONEID_SCORE_DETAIL_SPECIAL_FUNCTIONS_H_
#define ONEID_SCORE_DETAIL_SPECIAL_FUNCTIONS_H_

#include <cmath>
#include <limits>

// gamma.hpp first: Boost 1.74's pFq header uses lgamma without including its definition.
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>

namespace oneid {
inline namespace v0 {
namespace score {
namespace detail {

// 2F1(a, b; c; z) for 0 <= z < 1 and c > 0. The series converges there; Boost's pFq sums it with
// error control and throws when it cannot, which becomes NaN here (the callers document it).
inline double Hyp2F1(double a, double b, double c, double z) {
  if (z == 0.0) return 1.0;
  try {
    return boost::math::hypergeometric_pFq({a, b}, {c}, z);
  } catch (...) {  // evaluation_error / overflow_error from Boost's policies
    return std::numeric_limits<double>::quiet_NaN();
  }
}

}  // namespace detail
}  // namespace score
}  // namespace v0
}  // namespace oneid

#endif  // ONEID_SCORE_DETAIL_SPECIAL_FUNCTIONS_H_
