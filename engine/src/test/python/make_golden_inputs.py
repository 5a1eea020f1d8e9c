#!/usr/bin/env python3
"""The golden inputs, apart from the outputs that depend on the CPU that made them.

Writes engine/src/test/resources/golden/inputs.safetensors with `img0.input` .. `img2.input`
(from cases.safetensors) and `flat.input` (from flat.safetensors), after checking that every
fixture set holds bit-identical inputs (they are made by numpy from seeds, before any kernel
runs). Run it after make_golden.py and make_golden_flat.py:

    /usr/bin/python3 engine/src/test/python/make_golden_inputs.py
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import OUT_DIR, read_safetensors, write_safetensors  # noqa: E402

SETS = ["", "avx2"]


def main():
    inputs = {}
    for source, names in [("cases.safetensors", ["img0.input", "img1.input", "img2.input"]),
                          ("flat.safetensors", ["flat.input"])]:
        for s in SETS:
            tensors, _ = read_safetensors(os.path.join(OUT_DIR, s, source))
            for n in names:
                if n in inputs and not torch.equal(inputs[n], tensors[n]):
                    raise SystemExit(f"{n} differs between fixture sets ({os.path.join(s, source)})")
                inputs.setdefault(n, tensors[n])
    path = os.path.join(OUT_DIR, "inputs.safetensors")
    write_safetensors(path, inputs, {"how": "copied from cases.safetensors and flat.safetensors; identical in every set"})
    print(f"wrote {path}: {sorted(inputs)}")


if __name__ == "__main__":
    main()
