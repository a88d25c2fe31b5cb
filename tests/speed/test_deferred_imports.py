"""``alusim run`` defers numpy submodules that scipy imports only to copy numpy's namespace; they still
work when something does use them."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_deferred_modules_load_on_first_use():
    code = textwrap.dedent("""
        import sys
        from alusim.cli.common import UNUSED_AT_RUN, defer_unused_imports
        defer_unused_imports()
        import scipy.linalg                                   # what numba's BLAS check imports
        assert type(sys.modules["numpy.f2py"]).__name__ == "_LazyModule"
        assert "unittest" not in sys.modules
        import numpy as np
        np.testing.assert_array_equal(np.arange(3), [0, 1, 2])  # executed on first use
        assert callable(np.f2py.get_include)
        defer_unused_imports()                                # a second call leaves them alone
        assert sys.modules["numpy.testing"] is np.testing
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
