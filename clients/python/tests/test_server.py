"""Against one real `licnn serve` on the bundled model."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import numpy as np
import pytest

import licnn

from conftest import Server, free_port, java_explain, metric, wait_for


def test_saliency_equalsTheJavaClients(client: licnn.Client, server: Server, image: Path, tmp_path: Path):
    java = java_explain(server.target, image, tmp_path / "java", "--top-k", "2", "--layer-kinds", "SUPPRESSION_MASK",
                        "--layers", "relu5_3,relu4_3")
    e = client.explain(image, top_k=2, kinds=["suppression_mask"], layers=["relu5_3", "relu4_3"], encoding="float32")
    ref = np.load(java / "saliency.npy")
    assert ref.dtype == np.float32 and ref.shape == e.saliency.shape and ref.max() > 0
    assert float(np.abs(e.saliency.astype(np.float64) - ref).max()) < 1e-6

    # save() writes the files `licnn explain` writes, with the same contents
    mine = Path(e.save(tmp_path / "python"))
    assert sorted(p.name for p in mine.iterdir()) == sorted(p.name for p in java.iterdir())
    for npy in java.glob("*.npy"):
        assert float(np.abs(np.load(mine / npy.name).astype(np.float64) - np.load(npy)).max()) < 1e-6, npy.name
    from PIL import Image
    from licnn._save import saliency_title
    # The same titled layout; the map and the colour scale agree (the text is drawn by other fonts).
    top = 6 + 16 * len(saliency_title(e)) + 6
    mh, mw = e.saliency.shape
    for png in ("heatmap.png", "overlay.png"):
        a = np.asarray(Image.open(java / png).convert("RGB"), dtype=np.int16)
        b = np.asarray(Image.open(mine / png).convert("RGB"), dtype=np.int16)
        assert a.shape == b.shape, png
        left = (a.shape[1] - mw) // 2
        body = (slice(top, top + mh), slice(left, left + mw))
        bar = (slice(top + mh + 6, top + mh + 16), slice(6, a.shape[1] - 6))
        for region in (body, bar):
            assert int(np.abs(a[region] - b[region]).max()) <= 2, png
    a, b = Image.open(java / "layers.png"), Image.open(mine / "layers.png")
    assert a.size == b.size  # same grid (labels are drawn by different font renderers)
    jr, pr = json.loads((java / "result.json").read_text()), json.loads((mine / "result.json").read_text())
    assert list(jr) == list(pr)
    for key in ("model", "attention_maps", "saliency_map", "options"):
        assert pr[key] == jr[key], key
    for key in ("prediction", "inhibited_ranking"):
        assert json.dumps(pr[key], sort_keys=True) == json.dumps(jr[key], sort_keys=True), key
    assert set(pr["timings"]) == set(jr["timings"])


def test_explanation_holdsPredictionMapsRankingAndTimings(client: licnn.Client, image: Path):
    e = client.explain(image, top_k=2, kinds=["suppression_mask", "response_after"], layers=["relu5_3"])
    d = client.describe()
    assert e.model == d.name and e.method == "licnn"
    assert [c.rank for c in e.top_classes] == list(range(1, len(e.top_classes) + 1))
    assert e.top_classes[0].label == d.labels[e.top_classes[0].class_id].name
    assert [t.class_id for t in e.targets] == [c.class_id for c in e.top_classes[:2]]
    assert e.saliency.shape == (224, 224) and e.saliency.dtype == np.float32
    assert sorted(e.attention) == [0, 1]
    assert set(e.layers) == {licnn.MapKey(r, "relu5_3", k) for r in (0, 1) for k in ("suppression_mask", "response_after")}
    assert e.layer_map(1, "relu5_3", "SUPPRESSION_MASK").shape == (14, 14)
    assert e.layer_map(0, 12, "response_after") is e.layers[0, "relu5_3", "response_after"]
    assert [r.class_id for r in e.ranking] == [t.class_id for t in e.targets]
    assert e.timings.total_s >= e.timings.compute_s >= 0 and e.timings.batch_size >= 1 and e.timings.device
    assert e.options["liz_size"] == 7


def test_classNames_areResolvedFromTheModelsLabels(client: licnn.Client, image: Path):
    labels = [lab.name for lab in client.describe().labels]
    e = client.explain(image, classes=[labels[3], 1], omit_attention_maps=True)
    assert [t.class_id for t in e.targets] == [3, 1] and e.attention == {}
    with pytest.raises(ValueError, match="no class of model"):
        client.request(image, classes=["no such class"])


@pytest.mark.parametrize("encoding", ["float16", "uint8"])
def test_encodedMaps_decodeToTheFloat32Map(client: licnn.Client, image: Path, encoding: str):
    exact = client.explain(image, top_k=1, encoding="float32", kinds=["response_before"], layers=["relu3_1"])
    coded = client.explain(image, top_k=1, encoding=encoding, kinds=["response_before"], layers=["relu3_1"])
    pairs = [(exact.saliency, coded.saliency), (exact.attention[0], coded.attention[0])] + \
        [(exact.layers[k], coded.layers[k]) for k in exact.layers]
    for ref, got in pairs:
        assert got.dtype == np.float32 and got.shape == ref.shape
        if encoding == "float16":
            # round to nearest binary16: within half a float16 step of the float32 value
            step = np.spacing(np.abs(ref).astype(np.float16)).astype(np.float32)
            assert np.all(np.abs(got - ref) <= step / 2 + 1e-30)
            assert np.array_equal(got, got.astype(np.float16).astype(np.float32))
        else:
            span = float(ref.max() - ref.min())
            assert float(np.abs(got - ref).max()) <= span / 510 * 1.001 + 1e-7
            assert len(np.unique(got)) <= 256
            assert np.isclose(got.min(), ref.min(), atol=1e-6) and np.isclose(got.max(), ref.max(), rtol=1e-5)


def test_everyImageForm_isTheSameImage(client: licnn.Client, image: Path):
    from PIL import Image
    with Image.open(image) as im:
        rgb = im.convert("RGB")
        pixels = np.asarray(rgb)
        forms = [image, str(image), image.read_bytes(), rgb, pixels, pixels.astype(np.float32) / 255]
        results = client.classify(forms, top_k=3)
    ref = results[0]
    assert isinstance(ref, list) and len(ref) == 3
    for r in results[1:]:
        assert [c.class_id for c in r] == [c.class_id for c in ref]
        assert np.allclose([c.logit for c in r], [c.logit for c in ref], atol=1e-5)


def test_stream_yieldsTypedEventsInOrder(client: licnn.Client, image: Path):
    with client.stream(image, top_k=2, kinds=["suppression_mask"], layers=["relu5_2", "relu5_3"]) as events:
        seen = list(events)
    kinds = [type(e).__name__ for e in seen]
    assert kinds[:2] == ["Accepted", "Prediction"] and kinds[-3:] == ["SaliencyMap", "InhibitedRanking", "Completed"]
    accepted = seen[0]
    assert accepted.expected_layer_maps == 4 and accepted.selected_layers == ["relu5_2", "relu5_3"]
    # per target: its layer maps, then its attention map; targets in order
    body = [(type(e).__name__, e.rank) for e in seen[2:-3]]
    assert body == [("LayerMap", 0), ("LayerMap", 0), ("AttentionMap", 0),
                    ("LayerMap", 1), ("LayerMap", 1), ("AttentionMap", 1)]
    assert all(e.map.dtype == np.float32 for e in seen if isinstance(e, licnn.LayerMap))


def test_cancelledStream_endsOnTheServer(client: licnn.Client, server: Server, image: Path):
    """The first layer map arrives long before the explanation could be complete (every class,
    every layer, every kind); cancelling then stops the call on the server: its metrics count a
    CANCELLED Explain and nothing stays in flight."""
    cancelled = 'licnn_requests_total{code="CANCELLED",rpc="Explain"}'
    before = metric(server, cancelled)
    n = client.describe().num_classes
    stream = client.stream(image, top_k=n, kinds=list(licnn.KINDS), timeout=600)
    seen = []
    for ev in stream:
        seen.append(ev)
        if isinstance(ev, licnn.LayerMap):
            break
    assert [type(e).__name__ for e in seen] == ["Accepted", "Prediction", "LayerMap"]
    assert seen[0].expected_layer_maps == n * len(licnn.KINDS) * 13
    stream.cancel()
    assert list(stream) == []  # iteration ends, no Completed
    with pytest.raises(licnn.Cancelled):
        stream.collect()
    wait_for(lambda: metric(server, cancelled) >= before + 1, "a CANCELLED Explain in the server's metrics")
    wait_for(lambda: metric(server, "licnn_in_flight") == 0 and metric(server, "licnn_queue_depth") == 0,
             "the cancelled request leaving the server")


def test_explainMany_yieldsEveryImageOnceInInputOrder(client: licnn.Client, images):
    batch = [images[i % len(images)] for i in range(6)]
    got = list(client.explain_many(batch, in_flight=3, progress=False, top_k=1))
    assert [e.index for e in got] == list(range(6))
    assert [e.image for e in got] == batch
    assert all(e.saliency.shape == (224, 224) for e in got)


def test_explainMany_reportsFailedImagesInPlace(client: licnn.Client, images, capsys):
    batch = [images[0], b"not an image", images[1], np.zeros((3, 3, 2), np.uint8)]
    got = list(client.explain_many(batch, in_flight=2, errors="return", ordered=False, top_k=1))
    by_index = {r.index: r for r in got}
    assert sorted(by_index) == [0, 1, 2, 3]
    assert isinstance(by_index[0], licnn.Explanation) and isinstance(by_index[2], licnn.Explanation)
    assert isinstance(by_index[1], licnn.InvalidArgument) and by_index[1].image == b"not an image"
    assert isinstance(by_index[3], ValueError)
    lines = capsys.readouterr().err.splitlines()
    assert lines and lines[-1].startswith("explain: 4/4 done, 2 failed")  # not a terminal: plain lines
    with pytest.raises(licnn.InvalidArgument):
        list(client.explain_many([b"not an image"], progress=False))


def test_asyncClient_hasTheSameMethods(server: Server, client: licnn.Client, images):
    ref = client.explain(images[0], top_k=1, encoding="float32")

    async def main():
        async with licnn.AsyncClient(server.target) as ac:
            e = await ac.explain(images[0], top_k=1, encoding="float32")
            events = [type(ev).__name__ async for ev in await ac.stream(images[0], top_k=1)]
            many = [r async for r in ac.explain_many(images[:3], in_flight=2, progress=False, top_k=1)]
            models = await ac.models()
            try:
                await ac.explain(images[0], model="no-such-model")
            except licnn.NotFound as nf:
                missing = nf
            return e, events, many, models, missing

    e, events, many, models, missing = asyncio.run(main())
    assert float(np.abs(e.saliency - ref.saliency).max()) < 1e-6
    assert events[0] == "Accepted" and events[-1] == "Completed"
    assert [m.index for m in many] == [0, 1, 2]
    assert models[0].name == client.describe().name
    assert "no-such-model" in missing.message


# ---- errors from the real server ----

def test_invalidArgument_carriesTheServersMessage(client: licnn.Client, image: Path):
    n = client.describe().num_classes
    with pytest.raises(licnn.InvalidArgument) as e:
        client.explain(image, top_k=n + 1)
    assert e.value.code.name == "INVALID_ARGUMENT" and "top_k" in e.value.message
    with pytest.raises(licnn.InvalidArgument):
        client.explain(b"this is not a PNG")


def test_notFound_forAnUnknownModelOrClass(client: licnn.Client, image: Path):
    with pytest.raises(licnn.NotFound, match="no-such-model"):
        client.explain(image, model="no-such-model")
    with pytest.raises(licnn.NotFound):
        client.explain(image, classes=[client.describe().num_classes + 5])


def test_unimplemented_forAMethodTheServerLacks(client: licnn.Client, image: Path):
    with pytest.raises(licnn.Unimplemented):
        client.explain(image, method=42)


def test_resourceExhausted_forARequestOverTheServersLimit(server: Server):
    with licnn.Client(server.target, attempts=1) as c:
        with pytest.raises(licnn.ResourceExhausted):
            c.explain(b"\x89PNG" + bytes(5 << 20))


def test_deadlineExceeded_whenTheDeadlinePasses(client: licnn.Client, image: Path):
    n = client.describe().num_classes
    with pytest.raises(licnn.DeadlineExceeded):
        client.explain(image, top_k=n, kinds=list(licnn.KINDS), timeout=0.05)


def test_unavailable_whenNoServerListens():
    with licnn.Client(f"127.0.0.1:{free_port()}", attempts=2, timeout=10) as c:
        with pytest.raises(licnn.Unavailable):
            c.models()
