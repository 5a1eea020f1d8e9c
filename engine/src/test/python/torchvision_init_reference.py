"""Reference values of TorchvisionInit's generator, derived without the Java code.

java.util.SplittableRandom (SplitMix64 with the golden gamma, nextDouble = top 53 bits / 2^53),
Marsaglia's polar method (u * mul first, then the spare v * mul), the value times the tensor's std
rounded to float32; the stream seed is the SplitMix64 finaliser over the seed and the name's UTF-8
bytes. Pure Python integers and math; run with any python3:

    python3 engine/src/test/python/torchvision_init_reference.py

TorchvisionInitTest.fixedValues_ofTheGenerator holds the values printed here.
"""
import math
import struct

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def stream_seed(seed, name):
    h = mix64((seed & MASK) ^ GAMMA)
    for b in name.encode("utf-8"):
        h = mix64(h ^ b)
    return h


def normals(seed, n):
    state = seed & MASK
    out = []

    def next_double():
        nonlocal state
        state = (state + GAMMA) & MASK
        return (mix64(state) >> 11) * 2.0 ** -53

    while len(out) < n:
        while True:
            u = 2 * next_double() - 1
            v = 2 * next_double() - 1
            s = u * u + v * v
            if 0 < s < 1:
                break
        mul = math.sqrt(-2 * math.log(s) / s)
        out += [u * mul, v * mul]
    return out[:n]


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def show(name, std, indices):
    g = normals(stream_seed(42, name), max(indices) + 1)
    print(name, ", ".join(repr(f32(g[i] * std)) + "f" for i in indices))


show("features.0.weight", math.sqrt(2.0 / (64 * 3 * 3)), [0, 1, 2, 3])
# Both sides of ChunkedFill's chunk boundary (1 << 20 elements).
show("classifier.0.weight", 0.01, [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1])
