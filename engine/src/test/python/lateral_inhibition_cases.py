"""Print small, hand-checkable lateral inhibition results (k = 3, a = 0.1, b = 0.9).

    /usr/bin/python3 engine/src/test/python/lateral_inhibition_cases.py

For each case: the Max-C map M as given, M after L2 normalisation, the raw LI, LI after
L2 normalisation and the gated mask (M where M > LI, else 0). LI uses the plain float64
loops of licnn_reference.lateral_inhibition_loop.
"""

import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from licnn_reference import l2_normalize, lateral_inhibition_loop, suppression_mask  # noqa

CASES = {
    "A: 3x3, single 1 at the centre": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "B: 3x3, all -1 (padded zeros feed the differential term)": [[-1] * 3] * 3,
    "C: 5x5": [[0, 1, 2, 1, 0],
               [1, 3, 4, 3, 0],
               [0, 2, 8, 2, -1],
               [0, 1, 2, 1, 0],
               [-2, 0, 0, 0, 5]],
}


def fmt(t):
    return "\n".join("    [" + ", ".join(f"{v: .6f}" for v in row) + "]" for row in t.tolist())


def main(k=3, a=0.1, b=0.9):
    w1 = (1 / k) * math.exp(-1 / k)
    w2 = (math.sqrt(2) / k) * math.exp(-math.sqrt(2) / k)
    print(f"k={k} a={a} b={b}; w(d)=d*exp(-d), d=dist/k: "
          f"w(edge-adjacent)={w1:.6f}, w(diagonal)={w2:.6f}, w(centre)=0")
    for name, vals in CASES.items():
        m0 = torch.tensor(vals, dtype=torch.float64)
        m = l2_normalize(m0)
        li = lateral_inhibition_loop(m, k, a, b)
        li_n = l2_normalize(li)
        mask = suppression_mask(m, li_n)
        print(f"\n{name}\n  M:\n{fmt(m0)}\n  M / ||M||:\n{fmt(m)}\n  LI (raw):\n{fmt(li)}"
              f"\n  LI / ||LI||:\n{fmt(li_n)}\n  mask:\n{fmt(mask)}")


if __name__ == "__main__":
    main()
