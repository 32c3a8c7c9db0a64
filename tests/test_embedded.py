"""The embedded default: every category's train and test pools are disjoint at image level."""

import hashlib

import pytest
import yaml

from conftest import ROOT
from slacking.data.embedded import SHAPES, image_shapes, load_embedded

CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())


def _digests(specs):
    lfw_size = CONFIG["embedded"]["lfw_size"]
    return {
        hashlib.sha1(image.tobytes()).hexdigest()
        for s in specs
        for image in load_embedded(s, lfw_size)
    }


@pytest.mark.parametrize("category", sorted(CONFIG["category_data"]))
def test_train_and_test_pools_share_no_image(category):
    split = CONFIG["category_data"][category]["embedded"]
    assert not set(split["train"]) & set(split["test"])
    assert not _digests(split["train"]) & _digests(split["test"])


def test_unknown_source_is_named():
    with pytest.raises(ValueError, match="skimage.data has no image 'nonexistent'"):
        load_embedded("skimage:nonexistent", 64)
    with pytest.raises(ValueError, match="unknown embedded image source 'flickr:cat'"):
        load_embedded("flickr:cat", 64)


def test_known_shapes_are_the_images_shapes():
    """The config check reads pool capacity from SHAPES without loading images: it must be true
    for every bundled image, and name every one a shipped preset uses."""
    lfw_size = CONFIG["embedded"]["lfw_size"]
    for spec, shape in SHAPES.items():
        assert [image.shape[:2] for image in load_embedded(spec, lfw_size)] == [shape], spec
    for preset in sorted((ROOT / "config").glob("*.yaml")):
        categories = yaml.safe_load(preset.read_text()).get("category_data", {})
        for category in categories.values():
            for specs in category.get("embedded", {}).values():
                for spec in specs:
                    assert spec.startswith("lfw:") or spec in SHAPES, (preset.name, spec)
    for bounds in ("lfw:0:150", "lfw:150:200", "lfw:190:260"):
        loaded = [image.shape[:2] for image in load_embedded(bounds, lfw_size)]
        assert image_shapes(bounds, lfw_size) == loaded, bounds
