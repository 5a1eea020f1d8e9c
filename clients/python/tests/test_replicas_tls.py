"""Several servers: explain_many over two replicas with one killed mid-run, and TLS with a token."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

import licnn

from conftest import SAMPLES, free_port, start_servers

pytestmark = pytest.mark.slow


def test_explainMany_overTwoReplicas_oneKilled_answersEveryImageOnce(tmp_path: Path):
    replicas = start_servers(tmp_path, 2, "--grace-seconds", "2", "--worker", "cpu@1")
    try:
        batch = [SAMPLES[i % len(SAMPLES)] for i in range(12)]
        answered = []
        with licnn.Client([r.target for r in replicas]) as c:
            run = c.explain_many(batch, in_flight=4, ordered=False, progress=False, top_k=1)
            for e in run:
                answered.append(e.index)
                if len(answered) == 3:
                    replicas[0].kill()  # both streams hold requests: the victim's are re-sent
            assert sorted(answered) == list(range(12))  # each image exactly once, none failed
            assert run.restarts >= 1 and run.resent >= 1
    finally:
        for r in replicas:
            r.stop()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away CA, and server and client certificates for 127.0.0.1, made with openssl."""
    d = tmp_path_factory.mktemp("pki")

    def ssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
        "-subj", "/CN=licnn test CA", "-keyout", "ca.key", "-out", "ca.pem")
    for who in ("server", "client"):
        ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", f"/CN={who}",
            "-keyout", f"{who}.key", "-out", f"{who}.csr")
        (d / f"{who}.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        ssl("x509", "-req", "-in", f"{who}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
            "-extfile", f"{who}.ext", "-out", f"{who}.pem")
    (d / "tokens").write_text("# test tokens\ntoken-" + free_port().__str__() + "-secret\n")
    return d


def test_tls_withToken_isServed_andWithoutIsRefused(pki: Path, tmp_path: Path, client: licnn.Client):
    tls = licnn.TLS(ca=pki / "ca.pem", cert=pki / "client.pem", key=pki / "client.key")
    token = licnn.read_token(pki / "tokens")
    (server,) = start_servers(tmp_path, 1, "--tls-cert", str(pki / "server.pem"), "--tls-key", str(pki / "server.key"),
                              "--tls-client-ca", str(pki / "ca.pem"), "--token-file", str(pki / "tokens"),
                              tls=tls, token=token)
    try:
        image = SAMPLES[0]
        with licnn.Client(server.target, tls=tls, token=token) as c:
            e = c.explain(image, top_k=1, encoding="float32")
            many = list(c.explain_many([image, SAMPLES[1]], progress=False, top_k=1))
        ref = client.explain(image, top_k=1, encoding="float32")  # the plaintext server, same model
        assert float(np.abs(e.saliency.astype(np.float64) - ref.saliency).max()) < 1e-6
        assert [m.index for m in many] == [0, 1]

        with licnn.Client(server.target, tls=tls, attempts=1) as c:
            with pytest.raises(licnn.Unauthenticated):
                c.explain(image, top_k=1)
            with pytest.raises(licnn.Unauthenticated):
                list(c.explain_many([image], progress=False, top_k=1))
        with licnn.Client(server.target, tls=tls, token="wrong-token", attempts=1) as c:
            with pytest.raises(licnn.Unauthenticated):
                c.models()
        with licnn.Client(server.target, token=token, attempts=1, timeout=10) as c:  # plaintext to a TLS port
            with pytest.raises(licnn.Unavailable):
                c.models()
    finally:
        server.stop()
