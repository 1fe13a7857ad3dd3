"""oneid: omni-channel customer identity resolution.

One shopper shows up as many accounts: a phone at the till, an OpenID per WeChat mini-program, a
UnionID, an email, a device id, a member card, a Tmall nick. oneid links them into one OneID per
person, refuses links that would over-merge (and says why), and keeps OneIDs stable as new batches
arrive.

>>> import oneid, pandas as pd
>>> accounts = pd.DataFrame({
...     "account_id": ["pos:1", "app:2"],
...     "source": ["pos", "app"],
...     "phone": ["138 0013 8000", "+86 13800138000"],
... })
>>> r = oneid.Resolver()
>>> report = r.add_batch(accounts)
>>> r.oneid_of("pos:1") == r.oneid_of("app:2")
True

The engine is C++ (``oneid._core``); this module only adapts pandas and NumPy to it.
"""

from __future__ import annotations

from . import _core
from . import churn, clv, identity, profile, rfm, segment
from .identity import *  # noqa: F401,F403  (each layer lists its names in its __all__)
from .profile import *  # noqa: F401,F403
from .rfm import *  # noqa: F401,F403
from .rfm import __all__ as _rfm_all  # the function oneid.rfm shadows the module name
from .clv import *  # noqa: F401,F403
from .churn import *  # noqa: F401,F403
from .segment import *  # noqa: F401,F403
from .segment import __all__ as _segment_all  # the function oneid.segment shadows the module name

__version__: str = _core.__version__

# The public surface, layer by layer in the order data flows: identity -> profile -> score -> segment.
__all__ = [
    "__version__",
    *identity.__all__,
    *profile.__all__,
    *_rfm_all,
    *clv.__all__,
    *churn.__all__,
    *_segment_all,
]
