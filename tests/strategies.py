"""hypothesis strategies shared by the course_utils tests."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

small_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
finite_floats = st.floats(-50, 50, allow_nan=False, allow_infinity=False, width=64)


def float_arrays(shape=small_shapes):
    return hnp.arrays(np.float64, shape, elements=finite_floats)
