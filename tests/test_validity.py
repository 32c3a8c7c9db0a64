"""The validity test of a training run (slacking.validity): read from the training loss alone."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import ROOT
from slacking.degradations import degradation_from_config
from slacking.validity import (
    RECORD,
    identity_l1,
    loss_record,
    model_records,
    run_record,
    trained,
)

SETTINGS = {"plateau_tolerance": 0.10, "final_ratio_max": 0.35}


def curve(final: float, tail_slope: float = 0.0, iterations: int = 1000) -> np.ndarray:
    """A loss that falls from 0.1 to ``final`` by 60 % of the run, then moves by
    ``tail_slope`` per iteration."""
    t = np.arange(iterations)
    knee = int(0.6 * iterations)
    loss = np.where(t < knee, 0.1 - (0.1 - final) * t / knee, final)
    return loss + np.where(t < knee, 0.0, tail_slope * (t - knee))


def test_a_plateaued_low_loss_is_trained():
    record = loss_record(curve(0.02), identity=0.1)
    assert record["final_ratio"] == pytest.approx(0.2)
    assert record["plateau_change"] == pytest.approx(0.0)
    assert trained(record, SETTINGS)


def test_a_loss_still_falling_is_not_trained():
    # Falls 0.015 more between the 60-75 % window and the last 10 %: not a plateau.
    record = loss_record(curve(0.03, tail_slope=-0.00005), identity=0.1)
    assert record["plateau_change"] > SETTINGS["plateau_tolerance"]
    assert not trained(record, SETTINGS)


def test_a_plateau_too_high_is_not_trained():
    record = loss_record(curve(0.05), identity=0.1)  # half the identity's error
    assert record["plateau_change"] == pytest.approx(0.0)
    assert record["final_ratio"] == pytest.approx(0.5)
    assert not trained(record, SETTINGS)
    assert trained(record, {**SETTINGS, "final_ratio_max": 0.6})  # the threshold decides


def test_an_autoencoder_is_judged_by_its_plateau_alone():
    record = loss_record(curve(0.02), identity=0.0)  # clean input: the identity is perfect
    assert np.isnan(record["final_ratio"])
    assert trained(record, SETTINGS)


def test_identity_l1_is_the_rain_the_run_trains_on(default_config):
    patches = np.full((4, 32, 32, 3), 60, np.uint8)
    rain = default_config["rain"]
    small = identity_l1(patches, degradation_from_config(rain, default_config["noise"], "small"), 0)
    again = identity_l1(patches, degradation_from_config(rain, default_config["noise"], "small"), 0)
    assert small == again and 0 < small < 1  # deterministic, on the [0, 1] scale
    assert identity_l1(patches, None, 0) == 0.0


def test_run_records_read_train_csv_and_training_json(tmp_path):
    run = tmp_path / "n8"
    run.mkdir()
    pd.DataFrame({"iteration": range(1, 1001), "loss": curve(0.02)}).to_csv(run / "train.csv")
    (run / RECORD).write_text(json.dumps({"identity_l1": 0.1}))
    record = run_record(run, SETTINGS)
    assert record["trained"] and record["final_ratio"] == pytest.approx(0.2)
    (tmp_path / "old").mkdir()  # a run trained before runs wrote training.json
    assert model_records([run / "model.pt", tmp_path / "old/model.pt"], SETTINGS)[1] == {
        "trained": False
    }


def test_the_shipped_thresholds_are_the_documented_ones(default_config):
    shipped = default_config["validity"]
    decisions = (ROOT / "docs/decisions.md").read_text()
    assert f"plateau_tolerance: {shipped['plateau_tolerance']}" in decisions
    assert f"final_ratio_max: {shipped['final_ratio_max']}" in decisions
    assert yaml.safe_load((ROOT / "config/cpu-trend.yaml").read_text())["training"]["seeds"] == [
        0,
        1,
    ]


def test_a_run_of_a_few_iterations_still_has_both_windows():
    record = loss_record([0.5, 0.4, 0.35, 0.3], identity=1.0)
    assert record["final_loss"] == pytest.approx(0.3)  # the last iteration
    assert record["plateau_change"] == pytest.approx(0.05 / 0.35)  # against the third
