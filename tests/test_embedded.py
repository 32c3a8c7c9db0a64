"""The embedded default: every category's train and test pools are disjoint at image level."""

import hashlib

import pytest
import yaml

from conftest import ROOT
from slacking.data.embedded import load_embedded

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
