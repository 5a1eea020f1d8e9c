// The viewer in a real browser against a real server: Debian's Chromium, driven by puppeteer-core.
//
//   node test/viewer-check.mjs --url http://127.0.0.1:WEB_PORT/ --metrics http://127.0.0.1:METRICS_PORT/metrics --out DIR
//
// Checks, on the bundled model: the layer grid fills in while the call runs (the count of drawn tiles
// is seen rising, frame after frame, before the saliency map arrives); the final overlay is drawn with
// the labels of the explained classes; Cancel mid-stream ends the call on the server (its metrics count
// it CANCELLED, and fewer backward passes ran than the classes asked for); the page keeps working;
// two pages explaining at once each get their own result.
// Screenshots go to DIR. Prints one line per check and exits non-zero if any failed.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import puppeteer from "puppeteer-core";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    metrics: { type: "string" },
    out: { type: "string", default: "." },
    chromium: { type: "string", default: process.env.CHROMIUM ?? "/usr/bin/chromium" },
    sample: { type: "string", default: "natural_000003_star.png" },
    "sample-class": { type: "string", default: "star" },
    "other-sample": { type: "string", default: "natural_000020_circle.png" },
    "other-class": { type: "string", default: "circle" },
    // A served model with 1000 classes for the class-search checks (empty: skipped).
    "many-classes-model": { type: "string", default: "" },
  },
});
if (!args.url || !args.metrics) {
  console.error("usage: viewer-check.mjs --url URL --metrics URL [--out DIR]");
  process.exit(2);
}

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed++; else failed++;
  console.log(`${ok ? "PASS" : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
}

/** Sums of every sample of a metric whose labels include `labels`, from the Prometheus text format. */
async function metric(name, labels = {}) {
  const text = await (await fetch(args.metrics)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = line.match(/^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[4]);
  }
  return sum;
}

async function until(what, cond, seconds = 60) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Types `text` into the class search and takes the first offered class (Enter). */
async function chooseClass(page, text) {
  await page.$eval("#class-search", (e) => { e.value = ""; });
  await page.type("#class-search", text);
  await page.waitForFunction(() => document.querySelectorAll("#class-options li").length > 0, { timeout: 10_000 });
  await page.keyboard.press("Enter");
}

/**
 * A model with 1000 classes (ImageNet names): the page stays short, typing narrows the classes to a
 * few, chosen classes are chips that can be removed, Explain brings the results into view, and long
 * labels are shortened with the full name on hover.
 */
async function checkManyClasses(browser, model, pageErrors) {
  const page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.setViewport({ width: 1280, height: 640 });
  await page.goto(args.url, { waitUntil: "load" });
  await page.waitForFunction(() => document.body.dataset.state === "idle", { timeout: 60_000 });
  await page.select("#model", model);
  await page.waitForFunction(() => window.licnnViewer.numClasses === 1000, { timeout: 60_000 });
  const tall = await page.evaluate(() => document.documentElement.scrollHeight);
  check("with 1000 classes the page stays short (no list of every class)", tall < 2000, `${tall} px tall`);
  await page.click(`#samples button[data-file="${args.sample}"]`);
  await page.waitForFunction(() => !document.getElementById("run").disabled, { timeout: 30_000 });
  await page.type("#class-search", "shark");
  await page.waitForFunction(() => document.querySelectorAll("#class-options li").length > 0, { timeout: 10_000 });
  const offered = await page.$$eval("#class-options li", (lis) => lis.map((li) => li.textContent));
  check("typing narrows 1000 classes to the matching few", offered.length >= 2 && offered.length <= 12
    && offered.every((t) => t.toLowerCase().includes("shark")), JSON.stringify(offered));
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await chooseClass(page, "tiger");
  const chips = await page.$$eval("#chosen-classes .chip", (cs) => cs.map((c) => c.textContent));
  await page.click("#chosen-classes .chip:first-child button");
  const left = await page.evaluate(() => window.licnnViewer.chosenClasses);
  const want = await page.evaluate((id) => document.querySelector(`#chosen-classes .chip[data-class-id="${id}"]`)
    .querySelector(".label").dataset.fullLabel, left[0]);
  check("chosen classes show as chips, and a chip's × removes its class",
    chips.length === 2 && chips[0].includes("shark") && chips[1].includes("tiger") && left.length === 1,
    `${JSON.stringify(chips)}, left ${JSON.stringify(left)}`);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.click("#run");
  await page.waitForFunction(() => ["done", "failed", "cancelled"].includes(document.body.dataset.state), { timeout: 180_000 });
  const r = await page.evaluate(() => {
    const top = document.getElementById("progress").getBoundingClientRect().top;
    return { state: document.body.dataset.state, error: window.licnnViewer.error, targets: window.licnnViewer.targetLabels,
      overlay: window.licnnViewer.overlayLabels, top, inView: top > -2 && top < window.innerHeight,
      attention: document.querySelectorAll(".attention canvas.drawn").length,
      about: document.querySelector(".about-ranking")?.textContent ?? "" };
  });
  check("the class found by typing is explained, and the results are in view after Explain",
    r.state === "done" && r.targets.length === 1 && `${left[0]} ${r.targets[0]}` === want && r.attention === 1 && r.inView,
    JSON.stringify(r));
  check("the page says what the ranking after inhibition is", r.about.includes("inhibited pass"), r.about);
  await chooseClass(page, "staffordshire"); // a chip "179 Staffordshire bullterrier": longer than a chip shows
  const labels = await page.$$eval(".label", (ls) => ls.map((l) => ({ text: l.textContent, full: l.dataset.fullLabel, title: l.title })));
  const ok = labels.every((l) => (l.text === l.full && !l.title) || (l.text.endsWith("…") && l.title === l.full
    && l.full.startsWith(l.text.slice(0, -1))));
  check("labels fit: long ones are shortened, with the full name on hover", ok && labels.some((l) => l.title),
    `${labels.length} labels, ${labels.filter((l) => l.title).length} shortened`);
  await page.screenshot({ path: join(args.out, "viewer-1000-classes.png") });
  await page.close();
}

const browser = await puppeteer.launch({
  executablePath: args.chromium,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  defaultViewport: { width: 1440, height: 1000 },
});
const pageErrors = [];
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") pageErrors.push(m.text()); });
  page.on("requestfailed", (r) => {
    // The cancelled call's fetch is aborted on purpose; anything else failing is a broken page.
    if (!r.url().includes("/licnn.v1.LicnnService/Explain")) pageErrors.push(`request failed: ${r.url()}`);
  });

  await page.goto(args.url, { waitUntil: "load" });
  await page.waitForFunction(() => document.body.dataset.state !== "loading", { timeout: 60_000 });
  check("the viewer loads its models over gRPC-Web", await page.evaluate(() => document.body.dataset.state === "idle"
    && document.getElementById("model").options.length > 0), await page.evaluate(() => window.licnnViewer.error));
  const layers = await page.$$eval("input[name=layer]", (b) => b.length);
  const kinds = await page.$$eval("input[name=kind]", (b) => b.length);
  check("the model's layers and map kinds are offered", layers > 0 && kinds > 0, `${layers} layers, ${kinds} kinds`);

  // ---- a whole explanation, watched frame by frame ----
  await page.click(`#samples button[data-file="${args.sample}"]`);
  await page.waitForFunction(() => !document.getElementById("run").disabled, { timeout: 30_000 });
  await page.$$eval("input[name=kind], input[name=layer]", (bs) => bs.forEach((b) => { b.checked = true; }));
  await page.$eval("#topk", (e) => { e.value = "3"; });
  // Every rendered frame from the start of the call to its end records (tiles drawn, saliency drawn).
  await page.evaluate(() => {
    window.__frames = [];
    let started = false;
    const sample = () => {
      const v = window.licnnViewer;
      started ||= v.state === "running";
      if (started) window.__frames.push([v.tilesDrawn, v.saliencyDrawn]);
      if (!started || v.state === "running") requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  });
  await page.click("#run");
  await page.waitForFunction(() => ["done", "failed", "cancelled"].includes(document.body.dataset.state), { timeout: 180_000 });
  const r = await page.evaluate(() => ({
    state: document.body.dataset.state, error: window.licnnViewer.error, drawn: window.licnnViewer.tilesDrawn,
    expected: window.licnnViewer.tilesExpected, overlay: window.licnnViewer.overlayLabels, timeline: window.licnnViewer.timeline,
    targets: window.licnnViewer.targetLabels, frames: window.__frames,
    rankingRows: document.querySelectorAll("#ranking tr").length - 1,
    attention: document.querySelectorAll(".attention canvas.drawn").length,
    downloads: [...document.querySelectorAll("#downloads a")].map((a) => a.dataset.download),
  }));
  check("the explanation completes", r.state === "done", r.error);
  check("every announced layer map is drawn", r.expected === 3 * layers * kinds && r.drawn === r.expected,
    `${r.drawn} of ${r.expected}`);
  const before = r.frames.filter(([, s]) => !s).map(([n]) => n);
  const partial = [...new Set(before.filter((n) => n > 0 && n < r.expected))];
  const rising = before.every((n, i) => i === 0 || n >= before[i - 1]);
  check("tiles appear incrementally: the count is seen rising in rendered frames before the saliency map",
    partial.length >= 3 && rising, `${partial.length} distinct partial counts in ${before.length} frames before the saliency map`);
  // Streamed, the first tile arrives after the first class's backward pass and the saliency map after the
  // last class: the two are apart by most of the server's compute time. A response held back until the
  // call ends would bring both within the time it takes to draw them.
  const t = r.timeline;
  const span = (t.saliencyMs - t.firstTileMs) / 1000;
  check("the tiles arrive while the server computes: first tile to saliency map spans at least 1/4 of its compute time",
    span >= 0.25 * t.computeSeconds, `${span.toFixed(2)} s from the first tile to the saliency map, server compute ${t.computeSeconds.toFixed(2)} s`);
  check("the overlay is labelled with the explained classes, the sample's own class first",
    r.overlay.length === 3 && JSON.stringify(r.overlay) === JSON.stringify(r.targets) && r.overlay[0] === args["sample-class"],
    `overlay ${JSON.stringify(r.overlay)}, targets ${JSON.stringify(r.targets)}`);
  const overlayPixels = await page.$eval("#overlay", (c) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    for (let i = 0; i < d.length; i += 4 * 97) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return { w: c.width, h: c.height, colours: colours.size };
  });
  check("the overlay is drawn", overlayPixels.colours > 50, `${overlayPixels.w}x${overlayPixels.h}, ${overlayPixels.colours} colours sampled`);
  check("an attention map per class and the ranking after inhibition are shown", r.attention === 3 && r.rankingRows === 3,
    `${r.attention} attention maps, ${r.rankingRows} ranking rows`);
  check("downloads are offered", ["saliency.npy", "heatmap.png", "overlay.png"].every((d) => r.downloads.includes(d)),
    r.downloads.join(", "));
  const dl = await page.evaluate(async () => {
    const a = [...document.querySelectorAll("#downloads a")].find((x) => x.dataset.download === "saliency.npy");
    const urls = [];
    const orig = URL.createObjectURL;
    URL.createObjectURL = (b) => { urls.push(b); return orig(b); };
    a.click();
    await new Promise((res) => setTimeout(res, 200));
    URL.createObjectURL = orig;
    const bytes = new Uint8Array(await urls[0].arrayBuffer());
    return { size: bytes.length, magic: String.fromCharCode(...bytes.slice(1, 6)), header: new TextDecoder().decode(bytes.slice(10, 80)) };
  });
  check("saliency.npy is a float32 .npy of the map", dl.magic === "NUMPY" && dl.header.includes("'<f4'")
    && dl.header.includes("(224, 224)") && dl.size === 128 + 4 * 224 * 224, `${dl.size} bytes, ${dl.header.trim()}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  const shot = join(args.out, "viewer.png");
  await page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);

  // ---- Cancel mid-stream ----
  const cancelledBefore = await metric("licnn_requests_total", { rpc: "Explain", code: "CANCELLED" });
  const okBefore = await metric("licnn_requests_total", { rpc: "Explain", code: "OK" });
  const backwardBefore = await metric("licnn_compute_seconds_count", { stage: "backward" });
  const classes = await page.evaluate(() => window.licnnViewer.numClasses);
  for (let id = 0; id < classes; id++) await chooseClass(page, String(id));
  check("every class can be chosen by its id in the class search",
    (await page.evaluate(() => window.licnnViewer.chosenClasses.length)) === classes
    && (await page.evaluate(() => document.querySelector("input[name=targets]:checked").value)) === "classes");
  await page.click("#run");
  await page.waitForFunction(() => window.licnnViewer.tilesDrawn > 0 || document.body.dataset.state !== "running",
    { timeout: 120_000, polling: "mutation" });
  await page.click("#cancel");
  await page.waitForFunction(() => document.body.dataset.state !== "running", { timeout: 30_000 });
  const c = await page.evaluate(() => ({ state: document.body.dataset.state, drawn: window.licnnViewer.tilesDrawn,
    expected: window.licnnViewer.tilesExpected, saliency: window.licnnViewer.saliencyDrawn }));
  check("Cancel stops the call in the page", c.state === "cancelled" && !c.saliency, `${c.state}, ${c.drawn} of ${c.expected} tiles`);
  await until("the server to count the call cancelled", async () =>
    (await metric("licnn_requests_total", { rpc: "Explain", code: "CANCELLED" })) === cancelledBefore + 1, 30);
  await until("the worker to be free", async () => (await metric("licnn_in_flight")) === 0, 60);
  const backward = (await metric("licnn_compute_seconds_count", { stage: "backward" })) - backwardBefore;
  const okAfter = await metric("licnn_requests_total", { rpc: "Explain", code: "OK" });
  check("the server counts the call CANCELLED and stops its work", okAfter === okBefore && backward < classes,
    `CANCELLED +1, OK +${okAfter - okBefore}, ${backward} of ${classes} backward passes ran`);
  await page.screenshot({ path: join(args.out, "viewer-cancelled.png") });

  // ---- bad input: a clear error, and the server goes on ----
  const gif = join(args.out, "not-png-or-jpeg.gif");
  writeFileSync(gif, Buffer.from("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", "base64"));
  await (await page.$("#file")).uploadFile(gif);
  await page.waitForFunction(() => document.getElementById("image-name").textContent.startsWith("not-png-or-jpeg.gif"),
    { timeout: 30_000 });
  await page.click("input[name=targets][value=topk]");
  await page.$eval("#topk", (e) => { e.value = "1"; });
  await page.click("#run");
  await page.waitForFunction(() => ["done", "failed", "cancelled"].includes(document.body.dataset.state), { timeout: 60_000 });
  const bad = await page.evaluate(() => ({ state: document.body.dataset.state, error: window.licnnViewer.error }));
  check("an image the server cannot decode fails with INVALID_ARGUMENT, shown in the page",
    bad.state === "failed" && bad.error.startsWith("InvalidArgument"), JSON.stringify(bad));

  // ---- a baseline method on the same server ----
  await page.click(`#samples button[data-file="${args.sample}"]`);
  await page.waitForFunction(() => document.getElementById("image-name").textContent.startsWith("natural_"), { timeout: 30_000 });
  await page.select("#method", "2");
  await page.click("#run");
  await page.waitForFunction(() => ["done", "failed", "cancelled"].includes(document.body.dataset.state), { timeout: 120_000 });
  const again = await page.evaluate(() => ({ state: document.body.dataset.state, labels: window.licnnViewer.overlayLabels,
    tiles: window.licnnViewer.tilesExpected, error: window.licnnViewer.error }));
  check("a gradient explanation runs after the cancelled and the failed ones (no layer maps, one overlay label)",
    again.state === "done" && again.labels.length === 1 && again.labels[0] === args["sample-class"] && again.tiles === 0,
    JSON.stringify(again));
  // ---- two viewers at once: each gets its own explanation ----
  const other = await browser.newPage();
  other.on("pageerror", (e) => pageErrors.push(String(e)));
  await other.goto(args.url, { waitUntil: "load" });
  await other.waitForFunction(() => document.body.dataset.state === "idle", { timeout: 60_000, polling: 200 });
  const pair = [[page, args.sample, args["sample-class"]], [other, args["other-sample"], args["other-class"]]];
  // One of the two pages is a background tab, which renders no frames: it is driven through the DOM
  // (element.click()) and polled on a timer, never waited on for animation frames.
  for (const [p, file] of pair) {
    await p.evaluate((f) => document.querySelector(`#samples button[data-file="${f}"]`).click(), file);
    await p.waitForFunction((f) => document.getElementById("image-name").textContent.startsWith(f),
      { timeout: 30_000, polling: 200 }, file);
    await p.evaluate(() => {
      document.getElementById("method").value = "1";
      document.getElementById("method").dispatchEvent(new Event("change"));
      document.querySelector("input[name=targets][value=topk]").checked = true;
      document.getElementById("topk").value = "2";
      document.querySelectorAll("input[name=kind]").forEach((b) => { b.checked = b.value === "3"; });
    });
  }
  await Promise.all(pair.map(([p]) => p.evaluate(() => document.getElementById("run").click())));
  const both = await Promise.all(pair.map(async ([p]) => {
    await p.waitForFunction(() => ["done", "failed", "cancelled"].includes(document.body.dataset.state),
      { timeout: 170_000, polling: 200 });
    return p.evaluate(() => ({ state: document.body.dataset.state, labels: window.licnnViewer.overlayLabels,
      drawn: window.licnnViewer.tilesDrawn, expected: window.licnnViewer.tilesExpected }));
  }));
  check("two viewers explaining at once each get their own maps and labels",
    both.every((b, i) => b.state === "done" && b.labels[0] === pair[i][2] && b.drawn === b.expected && b.expected === 2 * layers),
    JSON.stringify(both));
  if (args["many-classes-model"]) await checkManyClasses(browser, args["many-classes-model"], pageErrors);
  check("no errors in the page", pageErrors.length === 0, pageErrors.join(" | "));
} catch (e) {
  check("the browser session", false, e.stack ?? String(e));
} finally {
  await browser.close();
}
writeFileSync(join(args.out, "viewer-check.txt"), `${passed} passed, ${failed} failed\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
