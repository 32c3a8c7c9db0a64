import pandas as pd

from slacking.tables import summary_markdown


def test_summary_averages_over_images_and_lists_baselines():
    rows = [
        {"kind": "model", "network": "resnet", "category": "faces", "n": 8, "E_R": 10, "E_B": 4},
        {"kind": "model", "network": "resnet", "category": "faces", "n": 8, "E_R": 20, "E_B": 6},
        {"kind": "model", "network": "resnet", "category": "faces", "n": 64, "E_R": 3, "E_B": 2},
        {"kind": "identity", "category": "faces", "E_R": 0, "E_B": 1.5},
        {"kind": "perfect", "category": "faces", "E_R": 25, "E_B": 0},
    ]
    text = summary_markdown(pd.DataFrame(rows))
    er, eb = text.split("## Mean E_B")
    assert "| resnet    | faces      |    15 |      3 |          0 |        25 |" in er
    assert "| resnet    | faces      |     5 |      2 |        1.5 |         0 |" in eb
