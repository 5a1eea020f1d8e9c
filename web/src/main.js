// The LICNN live viewer: calls licnn.v1.LicnnService over gRPC-Web (stubs generated from proto/)
// and draws every event of an explanation as it arrives.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { ExplainRequestSchema, LicnnService } from "../.build/gen/licnn/v1/licnn_service_pb.js";
import { labelSpan, searchClasses, shorten } from "./classes.js";
import { decodeMap, drawHeat, drawOverlay, modelCrop, npy } from "./maps.js";

const client = createClient(LicnnService, createGrpcWebTransport({ baseUrl: location.origin, useBinaryFormat: true }));

const KIND_NAMES = { 1: "Max-C gradient", 2: "inhibition", 3: "suppression mask", 4: "response before", 5: "response after" };
const METHOD_NAMES = { 1: "LICNN", 2: "gradient", 3: "gradient × input", 4: "integrated gradients", 5: "SmoothGrad", 6: "Grad-CAM" };
const DEFAULT_KINDS = [1, 3, 5];
const $ = (id) => document.getElementById(id);

/** What the page knows; `window.licnnViewer` exposes it read-only for scripts and tests. */
const state = {
  models: [], description: null, image: null, imageName: "", abort: null,
  run: null, // { started, expected, tiles: Map, drawn, saliencyDrawn, requestId, targets, ... }
};
window.licnnViewer = {
  get state() { return document.body.dataset.state; },
  get tilesDrawn() { return state.run ? state.run.drawn : 0; },
  get tilesExpected() { return state.run ? state.run.expected : 0; },
  get saliencyDrawn() { return state.run ? state.run.saliencyDrawn : false; },
  get overlayLabels() { return state.run ? state.run.overlayLabels : []; },
  get targetLabels() { return state.run ? state.run.targets.map((t) => t.label) : []; },
  get requestId() { return state.run ? state.run.requestId : ""; },
  /** Milliseconds from the start of the call to the first tile and to the saliency map; the server's compute time. */
  get timeline() {
    const r = state.run;
    return r ? { firstTileMs: r.firstTileAt - r.started, saliencyMs: r.saliencyAt - r.started, computeSeconds: r.computeSeconds } : null;
  },
  get error() { return $("message").textContent; },
  /** Number of classes of the model described now (0 before the first description). */
  get numClasses() { return state.description ? state.description.numClasses : 0; },
  /** Class ids chosen in the class search, in the order chosen. */
  get chosenClasses() { return chosenClasses(); },
};

function setState(s) {
  document.body.dataset.state = s;
  $("run").disabled = s === "running" || s === "loading" || !state.image || !state.description;
  $("cancel").disabled = s !== "running";
}

function message(text) {
  $("message").textContent = text;
}

// ---- models --------------------------------------------------------------------------------

async function loadModels() {
  const res = await client.listModels({});
  state.models = res.models;
  const sel = $("model");
  sel.replaceChildren(...res.models.map((m) => new Option(`${m.name} (${m.architecture}, ${m.numClasses} classes)`, m.name)));
  sel.value = res.defaultModel;
  $("server").textContent = `${location.host} · ${res.models.length} model${res.models.length === 1 ? "" : "s"}`;
  await describe(res.defaultModel);
}

async function describe(name) {
  const d = await client.describeModel({ model: name });
  state.description = d;
  $("method").replaceChildren(...d.supportedMethods.map((m) => new Option(METHOD_NAMES[m] ?? `method ${m}`, String(m))));
  $("topk").max = String(d.maxTargets > 0 ? Math.min(d.maxTargets, d.numClasses) : d.numClasses);
  $("topk").value = String(Math.min(3, d.numClasses));
  $("chosen-classes").replaceChildren();
  $("class-search").value = "";
  showClassOptions();
  $("kinds").replaceChildren(...d.supportedMapKinds.map((k) => check("kind", k, KIND_NAMES[k] ?? `kind ${k}`, DEFAULT_KINDS.includes(k))));
  $("layers").replaceChildren(...d.featureLayers.map((l) => check("layer", l.index, l.name, true)));
  methodChanged();
  if (state.image) showInput();
}

function check(name, value, text, checked) {
  const label = document.createElement("label");
  const box = document.createElement("input");
  box.type = "checkbox";
  box.name = name;
  box.value = String(value);
  box.checked = checked;
  label.append(box, " ", text);
  return label;
}

function checked(name) {
  return [...document.querySelectorAll(`input[name=${name}]:checked`)].map((b) => Number(b.value));
}

// ---- the class search ----------------------------------------------------------------------

function chosenClasses() {
  return [...$("chosen-classes").children].map((c) => Number(c.dataset.classId));
}

function showClassOptions() {
  const list = $("class-options");
  const d = state.description;
  const matches = d ? searchClasses(d.labels, $("class-search").value, 12, new Set(chosenClasses())) : [];
  list.replaceChildren(...matches.map((l, i) => {
    const li = document.createElement("li");
    li.role = "option";
    li.dataset.classId = String(l.classId);
    li.classList.toggle("active", i === 0);
    const id = document.createElement("span");
    id.className = "id";
    id.textContent = String(l.classId);
    li.append(id, " ", labelSpan(l.name, 40));
    li.addEventListener("mousedown", (e) => { e.preventDefault(); chooseClass(l); });
    return li;
  }));
  list.hidden = matches.length === 0;
  $("class-search").setAttribute("aria-expanded", String(matches.length > 0));
}

function chooseClass(l) {
  if (!chosenClasses().includes(l.classId)) {
    const chip = document.createElement("span");
    chip.className = "chip";
    chip.dataset.classId = String(l.classId);
    const x = document.createElement("button");
    x.type = "button";
    x.textContent = "×";
    x.title = `remove ${l.name}`;
    x.setAttribute("aria-label", `remove ${l.name}`);
    x.addEventListener("click", () => { chip.remove(); showClassOptions(); });
    chip.append(labelSpan(`${l.classId} ${l.name}`), x);
    $("chosen-classes").append(chip);
  }
  document.querySelector("input[name=targets][value=classes]").checked = true;
  $("class-search").value = "";
  showClassOptions();
  $("class-search").focus();
}

function classKey(e) {
  const items = [...$("class-options").children];
  const at = items.findIndex((li) => li.classList.contains("active"));
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    if (items.length === 0) return;
    const next = (at + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
    items.forEach((li, i) => li.classList.toggle("active", i === next));
    items[next].scrollIntoView({ block: "nearest" });
  } else if (e.key === "Enter") {
    e.preventDefault();
    if (at >= 0) chooseClass(state.description.labels[Number(items[at].dataset.classId)]);
  } else if (e.key === "Escape") {
    $("class-options").hidden = true;
  } else if (e.key === "Backspace" && $("class-search").value === "") {
    $("chosen-classes").lastElementChild?.remove();
  }
}

function methodChanged() {
  const licnn = Number($("method").value) === 1;
  for (const b of document.querySelectorAll("#layer-options input, #layer-options button")) b.disabled = !licnn;
}

// ---- the image -----------------------------------------------------------------------------

async function loadSamples() {
  const res = await fetch("samples/manifest.csv");
  if (!res.ok) return;
  const rows = (await res.text()).trim().split("\n").slice(1).map((l) => l.split(","));
  $("samples").replaceChildren(...rows.map(([file, cls]) => {
    const b = document.createElement("button");
    b.type = "button";
    b.title = `${file} (${cls})`;
    b.dataset.file = file;
    const img = document.createElement("img");
    img.src = `samples/${file}`;
    img.alt = cls;
    b.append(img);
    b.addEventListener("click", async () => {
      const bytes = new Uint8Array(await (await fetch(`samples/${file}`)).arrayBuffer());
      await useImage(bytes, file, "image/png");
      for (const o of $("samples").children) o.classList.toggle("selected", o === b);
    });
    return b;
  }));
}

async function useImage(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const img = new Image();
  img.src = url;
  try {
    await img.decode();
  } catch {
    message(`${name}: the browser cannot decode this image (the server takes PNG and JPEG)`);
    return;
  }
  state.image = { bytes, element: img };
  state.imageName = name;
  $("image-name").textContent = `${name} (${img.naturalWidth}×${img.naturalHeight})`;
  message("");
  showInput();
  setState(document.body.dataset.state === "loading" ? "idle" : document.body.dataset.state);
}

function inputCrop() {
  const p = state.description.preprocessing;
  const crop = p.cropSize ?? state.description.inputSize;
  return modelCrop(state.image.element, p.resizeShorterEdge || crop.height, crop.height, crop.width);
}

function showInput() {
  if (!state.description) return;
  const c = $("input");
  c.getContext("2d").drawImage(inputCrop(), 0, 0, c.width, c.height);
}

function wireDrop() {
  const drop = $("drop");
  const take = async (file) => {
    if (!file) return;
    await useImage(new Uint8Array(await file.arrayBuffer()), file.name, file.type);
    for (const o of $("samples").children) o.classList.remove("selected");
  };
  $("file").addEventListener("change", (e) => take(e.target.files[0]));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    take(e.dataTransfer.files[0]);
  });
}

// ---- one explanation -----------------------------------------------------------------------

function buildRequest() {
  const d = state.description;
  const method = Number($("method").value);
  const req = {
    model: d.name,
    image: { source: { case: "encoded", value: state.image.bytes } },
    method,
    mapEncoding: Number($("encoding").value),
  };
  if (document.querySelector("input[name=targets]:checked").value === "classes") {
    const ids = chosenClasses();
    if (ids.length === 0) throw new Error("type a class name or id and pick it, or choose top k");
    req.targets = { case: "classIds", value: { classIds: ids } };
  } else {
    req.targets = { case: "topK", value: Number($("topk").value) };
  }
  if (method === 1) {
    const kinds = checked("kind");
    const layers = checked("layer");
    if (kinds.length > 0 && layers.length > 0) {
      req.layerMapKinds = kinds;
      req.layerIndices = layers;
    }
  }
  return create(ExplainRequestSchema, req);
}

async function explain(e) {
  e.preventDefault();
  let req;
  try {
    req = buildRequest();
  } catch (err) {
    message(err.message);
    return;
  }
  const run = {
    started: performance.now(), expected: 0, drawn: 0, saliencyDrawn: false, requestId: "",
    targets: [], tiles: new Map(), attention: new Map(), overlayLabels: [], crop: inputCrop(), timer: 0,
    firstTileAt: NaN, saliencyAt: NaN, computeSeconds: NaN,
  };
  state.run = run;
  state.abort = new AbortController();
  $("grid").replaceChildren();
  $("prediction").replaceChildren();
  $("final").hidden = true;
  $("downloads").replaceChildren();
  $("ranking").replaceChildren();
  $("timings").replaceChildren();
  $("tiles-drawn").textContent = "0";
  $("tiles-expected").textContent = "0";
  $("request-id").textContent = "-";
  message("");
  setState("running");
  stage("sent");
  // The results are drawn beside the form, from its top: bring them into view.
  const top = $("progress").getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight - 100) $("progress").scrollIntoView({ block: "start" });
  run.timer = setInterval(() => tick(run), 100);
  try {
    for await (const ev of client.explain(req, { signal: state.abort.signal })) {
      if (state.run !== run) break;
      onEvent(run, ev.event.case, ev.event.value);
    }
    setState("done");
  } catch (err) {
    const ce = ConnectError.from(err);
    if (ce.code === Code.Canceled) {
      stage(`cancelled after ${run.drawn} of ${run.expected} layer maps`);
      setState("cancelled");
    } else {
      message(`${Code[ce.code] ?? ce.code}: ${ce.rawMessage}`);
      stage("failed");
      setState("failed");
    }
  } finally {
    clearInterval(run.timer);
    tick(run);
  }
}

function tick(run) {
  $("elapsed").textContent = `${((performance.now() - run.started) / 1000).toFixed(2)} s`;
}

function stage(text) {
  $("stage").textContent = text;
}

function onEvent(run, kind, v) {
  switch (kind) {
    case "accepted":
      run.requestId = v.requestId;
      run.expected = v.expectedLayerMaps;
      run.layers = v.selectedLayers;
      run.kinds = v.layerMapKinds;
      run.method = v.method;
      $("request-id").textContent = v.requestId.slice(0, 8);
      $("tiles-expected").textContent = String(v.expectedLayerMaps);
      stage(`accepted: ${v.numTargets} class${v.numTargets === 1 ? "" : "es"}, waiting for a worker`);
      break;
    case "prediction":
      run.targets = v.targets;
      showPrediction(v);
      buildGrid(run);
      stage("first forward pass done");
      break;
    case "layerMap":
      drawTile(run, v);
      break;
    case "attentionMap":
      drawAttention(run, v);
      break;
    case "saliencyMap":
      drawSaliency(run, v);
      break;
    case "inhibitedRanking":
      showRanking(run, v);
      stage("ranking after inhibition");
      break;
    case "completed":
      run.computeSeconds = v.computeTime ? Number(v.computeTime.seconds) + v.computeTime.nanos / 1e9 : NaN;
      showTimings(v);
      stage("completed");
      break;
  }
}

function showPrediction(p) {
  const t = table(["rank", "class", "probability", "explained"], p.topClasses.map((c) => [
    String(c.rank), labelSpan(`${c.classId} ${c.label}`, 32), c.probability.toFixed(4),
    p.targets.some((x) => x.classId === c.classId) ? `#${p.targets.findIndex((x) => x.classId === c.classId) + 1}` : "",
  ]));
  const h = document.createElement("h3");
  h.textContent = "Prediction (first forward pass)";
  h.style.margin = "0 0 4px";
  $("prediction").replaceChildren(h, t);
}

function buildGrid(run) {
  const grid = $("grid");
  run.targets.forEach((t, i) => {
    const block = document.createElement("div");
    block.className = "class-block";
    block.dataset.target = String(i);
    const head = document.createElement("div");
    head.className = "class-head";
    const h = document.createElement("h3");
    h.append(`#${i + 1} `, labelSpan(t.label, 40), ` (class ${t.classId}, rank ${t.rank}, p = ${t.probability.toFixed(3)})`);
    const st = document.createElement("span");
    st.className = "state";
    st.textContent = "waiting";
    head.append(h, st);
    const body = document.createElement("div");
    body.className = "class-body";
    const att = document.createElement("figure");
    att.className = "attention";
    const ac = document.createElement("canvas");
    ac.width = 152;
    ac.height = 152;
    const cap = document.createElement("figcaption");
    cap.textContent = "attention";
    att.append(ac, cap);
    run.attention.set(i, { canvas: ac, caption: cap, state: st });
    body.append(att);
    if (run.kinds.length > 0 && run.layers.length > 0) {
      const tbl = document.createElement("table");
      tbl.className = "tiles";
      const hr = tbl.insertRow();
      hr.append(document.createElement("th"));
      for (const k of run.kinds) {
        const th = document.createElement("th");
        th.textContent = KIND_NAMES[k] ?? String(k);
        hr.append(th);
      }
      for (const layer of run.layers) {
        const r = tbl.insertRow();
        const th = document.createElement("th");
        th.className = "layer";
        th.textContent = layer;
        r.append(th);
        for (const k of run.kinds) {
          const c = document.createElement("canvas");
          c.className = "tile";
          c.width = 1;
          c.height = 1;
          c.title = `${t.label} · ${layer} · ${KIND_NAMES[k]}: not yet computed`;
          r.insertCell().append(c);
          run.tiles.set(`${i}/${layer}/${k}`, c);
        }
      }
      body.append(tbl);
    }
    block.append(head, body);
    grid.append(block);
  });
}

function drawTile(run, m) {
  const c = run.tiles.get(`${m.targetIndex}/${m.layerName}/${m.kind}`);
  if (!c) return;
  const values = decodeMap(m.map);
  drawHeat(c, values, m.map.height, m.map.width);
  const ms = performance.now() - run.started;
  const src = m.map.sourceSize ?? m.map;
  c.title = `${run.targets[m.targetIndex].label} · ${m.layerName} · ${KIND_NAMES[m.kind]} · ${src.height}×${src.width}`
    + ` · min ${m.map.min.toPrecision(3)} max ${m.map.max.toPrecision(3)} · at ${(ms / 1000).toFixed(2)} s · click: .npy`;
  c.onclick = () => download(npy(values, m.map.height, m.map.width),
    `layer-${m.targetIndex + 1}-${m.classId}-${m.layerName}-${KIND_NAMES[m.kind].replaceAll(" ", "_")}.npy`);
  if (!c.classList.contains("drawn")) {
    c.classList.add("drawn");
    if (run.drawn++ === 0) run.firstTileAt = performance.now();
  }
  $("tiles-drawn").textContent = String(run.drawn);
  const a = run.attention.get(m.targetIndex);
  if (a) a.state.textContent = `${m.layerName}: ${KIND_NAMES[m.kind]}`;
  stage(`class ${m.targetIndex + 1} of ${run.targets.length} (${run.targets[m.targetIndex].label}): ${m.layerName}, ${KIND_NAMES[m.kind]}`);
}

function drawAttention(run, a) {
  const slot = run.attention.get(a.targetIndex);
  if (!slot) return;
  const values = decodeMap(a.map);
  const heat = document.createElement("canvas");
  drawHeat(heat, values, a.map.height, a.map.width);
  const ctx = slot.canvas.getContext("2d");
  ctx.drawImage(heat, 0, 0, slot.canvas.width, slot.canvas.height);
  slot.canvas.classList.add("drawn");
  slot.state.textContent = `attention at ${((performance.now() - run.started) / 1000).toFixed(2)} s`;
  const link = downloadLink(`attention-${a.targetIndex + 1}-${a.classId}.npy`, () => npy(values, a.map.height, a.map.width));
  slot.caption.replaceChildren("attention · ", link);
  stage(`class ${a.targetIndex + 1} of ${run.targets.length} (${a.label}): attention map`);
}

function drawSaliency(run, s) {
  const values = decodeMap(s.map);
  drawHeat($("saliency"), values, s.map.height, s.map.width);
  const ov = $("overlay");
  ov.width = run.crop.width;
  ov.height = run.crop.height;
  drawOverlay(ov, run.crop, values, s.map.height, s.map.width);
  const labels = s.classIds.map((id) => state.description.labels[id]?.name ?? String(id));
  run.overlayLabels = labels;
  $("overlay-labels").replaceChildren("overlay · ", ...labels.flatMap((l, i) => (i === 0 ? [labelSpan(l)] : [", ", labelSpan(l)])));
  $("final").hidden = false;
  run.saliencyDrawn = true;
  run.saliencyAt = performance.now();
  const dl = $("downloads");
  dl.replaceChildren(
    downloadLink("saliency.npy", () => npy(values, s.map.height, s.map.width)),
    downloadLink("heatmap.png", () => canvasBlob($("saliency"))),
    downloadLink("overlay.png", () => canvasBlob(ov)),
  );
  stage("saliency map");
}

function showRanking(run, r) {
  const rows = r.rankings.map((t) => [
    labelSpan(`#${t.targetIndex + 1} ${t.target.label}`, 28),
    run.targets[t.targetIndex].probability.toFixed(4),
    t.target.probability.toFixed(4),
    String(t.target.rank),
    t.topClasses.slice(0, 3).map((c) => `${shorten(c.label, 20)} ${c.probability.toFixed(3)}`).join(", "),
  ]);
  const h = document.createElement("h3");
  h.textContent = "Ranking after inhibition";
  h.style.margin = "0 0 4px";
  const note = document.createElement("p");
  note.className = "hint about-ranking";
  note.textContent = "For each explained class, the network's own classification in the inhibited pass: the second "
    + "forward pass, run with that class's suppression masks applied, ranks all classes again. It is not a score "
    + "of the map: the explained class often loses rank 1 (with the bundled model, the top class keeps rank 1 in only 2 of the 10 bundled samples).";
  $("ranking").replaceChildren(h, note, table(["target", "p before", "p after", "rank after", "top after inhibition"], rows));
}

function showTimings(c) {
  const s = (d) => (d ? Number(d.seconds) + d.nanos / 1e9 : 0).toFixed(3);
  $("timings").textContent = `queue ${s(c.queueTime)} s · compute ${s(c.computeTime)} s · total ${s(c.totalTime)} s`
    + ` · batch ${c.batchSize} · ${c.worker} on ${c.device}`;
}

function table(head, rows) {
  const t = document.createElement("table");
  const hr = t.insertRow();
  for (const h of head) {
    const th = document.createElement("th");
    th.textContent = h;
    hr.append(th);
  }
  for (const row of rows) {
    const r = t.insertRow();
    for (const cell of row) {
      const td = r.insertCell();
      if (cell instanceof Node) td.append(cell);
      else td.textContent = cell;
    }
  }
  return t;
}

function canvasBlob(canvas) {
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

function downloadLink(name, blob) {
  const a = document.createElement("a");
  a.href = "#";
  a.textContent = name;
  a.dataset.download = name;
  a.addEventListener("click", async (e) => {
    e.preventDefault();
    download(await blob(), name);
  });
  return a;
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- start ---------------------------------------------------------------------------------

async function main() {
  $("form").addEventListener("submit", explain);
  $("cancel").addEventListener("click", () => state.abort?.abort());
  $("model").addEventListener("change", () => describe($("model").value).catch(failed));
  $("method").addEventListener("change", methodChanged);
  $("layers-all").addEventListener("click", () => document.querySelectorAll("input[name=layer]").forEach((b) => { b.checked = true; }));
  $("layers-none").addEventListener("click", () => document.querySelectorAll("input[name=layer]").forEach((b) => { b.checked = false; }));
  $("class-search").addEventListener("input", showClassOptions);
  $("class-search").addEventListener("focus", showClassOptions);
  $("class-search").addEventListener("blur", () => { $("class-options").hidden = true; });
  $("class-search").addEventListener("keydown", classKey);
  wireDrop();
  await Promise.all([loadModels(), loadSamples()]);
  setState("idle");
}

function failed(err) {
  const ce = ConnectError.from(err);
  message(`${Code[ce.code] ?? ce.code}: ${ce.rawMessage}`);
  $("server").textContent = "server unreachable";
  setState("failed");
}

main().catch(failed);
