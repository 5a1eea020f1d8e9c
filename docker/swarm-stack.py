#!/usr/bin/env python3
"""Prints a Docker swarm stack file derived from docker/compose.yaml (so there is no second copy
to drift): the compose file's server definition (image, environment, health check, stop grace
period, resource limits) as ONE service `licnn` with REPLICAS replicas, DNS round-robin endpoint
mode (the swarm equivalent of the headless Kubernetes Service: the name `licnn` resolves to every
running task), a start-first rolling update, and an internal, attachable overlay network `licnn`.

Usage: docker/swarm-stack.py [REPLICAS] [NAME=VALUE...] > stack.yaml
       docker stack deploy -c stack.yaml licnn
NAME=VALUE overrides one environment setting of the servers (e.g. LICNN_WORKERS=cpu@1).
Clients on the network (docker run --network licnn_licnn ...) use --target dns:///licnn:50051.
"""
import os
import sys

import yaml

here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
replicas = int(args.pop(0)) if args and "=" not in args[0] else 3
overrides = dict(a.split("=", 1) for a in args)
with open(os.path.join(here, "compose.yaml")) as f:
    compose = yaml.safe_load(f)
server = compose["services"]["server1"]  # the shared x-server definition (YAML merge key)

service = {
    "image": server["image"],
    "environment": {**server["environment"], **overrides},
    "healthcheck": server["healthcheck"],
    "stop_grace_period": server["stop_grace_period"],
    "networks": ["licnn"],
    "deploy": {
        "replicas": replicas,
        "endpoint_mode": "dnsrr",
        "resources": server["deploy"]["resources"],
        "restart_policy": {"condition": "any", "delay": "1s"},
        # As the Kubernetes Deployment: one new replica at a time, started (and healthy) before an
        # old one is stopped (maxSurge 1, maxUnavailable 0).
        "update_config": {"parallelism": 1, "order": "start-first", "monitor": "10s",
                          "failure_action": "pause"},
    },
}
stack = {
    "version": "3.8",
    "services": {"licnn": service},
    # internal: no gateway out of the network; attachable: `docker run --network` clients.
    "networks": {"licnn": {"driver": "overlay", "internal": True, "attachable": True}},
}
yaml.safe_dump(stack, sys.stdout, sort_keys=False)
