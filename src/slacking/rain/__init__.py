"""Rain renderers: training rain (torch, the journal's Table I) and test rain (OpenCV).

Table I's rows live in the config (``rain.ranges``), with the density's reference size. The
names below are imported on first use, so that ``slacking.rain.params`` (what the config
check needs) loads without torch or OpenCV.
"""

from importlib import import_module

_MODULE = {
    "RainRange": "params",
    "TestRainParams": "params",
    "rain_range_from_config": "params",
    "unseen_parameters": "params",
    "add_training_rain": "training",
    "sample_rain_layers": "training",
    "rain100l_streaks": "testing",
    "render_test_rain": "testing",
}
__all__ = sorted(_MODULE)


def __getattr__(name: str):
    if name not in _MODULE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_MODULE[name]}", __name__), name)
