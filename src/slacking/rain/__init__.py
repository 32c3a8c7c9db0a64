"""Rain renderers: training rain (torch, the journal's Table I) and test rain (OpenCV)."""

from .testing import TestRainParams, rain100l_streaks, render_test_rain
from .training import TABLE_I, RainRange, add_training_rain, sample_rain_layers

__all__ = [
    "TABLE_I",
    "RainRange",
    "TestRainParams",
    "add_training_rain",
    "rain100l_streaks",
    "render_test_rain",
    "sample_rain_layers",
]
