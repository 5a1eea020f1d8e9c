#!/usr/bin/python3
"""Explains one image with a LICNN server and saves its saliency map as .npy (licnn package).

Usage: explain.py --target HOST:PORT IMAGE [--out saliency.npy] [--top-k K] [--encoding float32]
                  [--ca CA.pem [--cert CLIENT.pem --key CLIENT.key]] [--tls] [--token-file FILE]

run.sh installs the package (clients/python) and runs this with it. Prints the first-pass top
classes and writes the saliency map as a float32 HxW array.
"""
import argparse
import sys

import numpy as np

import licnn


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image", help="PNG or JPEG file")
    ap.add_argument("--target", default="127.0.0.1:50051", help="server host:port (several: comma-separated)")
    ap.add_argument("--out", default="saliency.npy", help="output .npy file")
    ap.add_argument("--top-k", type=int, default=0, help="classes to explain (default 5, or all of a smaller model)")
    ap.add_argument("--encoding", choices=sorted(licnn.ENCODINGS), default="float32")
    ap.add_argument("--deadline", type=float, default=600.0, help="seconds")
    ap.add_argument("--tls", action="store_true", help="connect with TLS (system CA certificates)")
    ap.add_argument("--ca", help="connect with TLS, trusting the CA certificates in this PEM file")
    ap.add_argument("--cert", help="client certificate chain (PEM) for mutual TLS")
    ap.add_argument("--key", help="private key of --cert (PEM)")
    ap.add_argument("--token-file", help="send the bearer token in this file (first line not blank or #)")
    args = ap.parse_args(argv)
    try:
        tls = licnn.TLS(ca=args.ca, cert=args.cert, key=args.key) if (args.ca or args.cert or args.key) else args.tls
        token = licnn.read_token(args.token_file) if args.token_file else None
        with licnn.Client(args.target, tls=tls, token=token, timeout=args.deadline) as client:
            top_k = args.top_k or min(5, client.describe().num_classes)
            e = client.explain(args.image, top_k=top_k, encoding=args.encoding)
    except licnn.LicnnError as err:
        print(f"explain.py: server error: {err}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as err:
        print(f"explain.py: {err}", file=sys.stderr)
        return 2
    np.save(args.out, e.saliency)
    print(f"model {e.model}: top-{len(e.top_classes)} of {args.image}")
    for c in e.top_classes:
        print(f"  {c.rank}. {c.label} (class {c.class_id}) p={c.probability:.4f} logit={c.logit:.3f}")
    print(f"saliency map {e.saliency.shape[0]}x{e.saliency.shape[1]} (min {e.saliency.min():.4g}, "
          f"max {e.saliency.max():.4g}) -> {args.out}; {e.timings.total_s:.2f} s on {e.timings.device}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
