#!/usr/bin/env python3
"""Writes the ImageNet-1k class names in torchvision's order and spelling, one per line.

The names come from Debian's torchvision (torchvision.models._meta._IMAGENET_CATEGORIES), so
`licnn import --labels imagenet` labels a torchvision model exactly as torchvision does.
Usage: engine/scripts/imagenet_classes.py > engine/src/main/resources/dev/licnn/engine/model/imagenet-classes.txt
"""
import sys

from torchvision.models._meta import _IMAGENET_CATEGORIES as NAMES

assert len(NAMES) == 1000 and len(set(NAMES)) == 1000
for name in NAMES:
    assert "\n" not in name
    sys.stdout.write(name + "\n")
