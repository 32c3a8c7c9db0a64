"""Rain renderers: training rain (torch, the journal's Table I) and test rain (OpenCV).

Table I's rows live in the config (``rain.ranges``), with the density's reference size.
"""

from .testing import TestRainParams, rain100l_streaks, render_test_rain, unseen_parameters
from .training import RainRange, add_training_rain, rain_range_from_config, sample_rain_layers

__all__ = [
    "RainRange",
    "TestRainParams",
    "add_training_rain",
    "rain100l_streaks",
    "rain_range_from_config",
    "render_test_rain",
    "sample_rain_layers",
    "unseen_parameters",
]
