// Map data: decoding MapData, colouring, .npy files, and the model's crop of the input image.

/** The values of a licnn.v1.MapData as a Float32Array (row-major, height x width). */
export function decodeMap(map) {
  const n = map.height * map.width;
  const bytes = map.data;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  switch (map.encoding) {
    case 1: // FLOAT32, little-endian
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 2: // FLOAT16, little-endian
      for (let i = 0; i < n; i++) out[i] = half(view.getUint16(2 * i, true));
      break;
    case 3: { // UINT8 between min and max
      const span = map.max - map.min;
      for (let i = 0; i < n; i++) out[i] = map.min + (span * bytes[i]) / 255;
      break;
    }
    default:
      throw new Error(`unknown map encoding ${map.encoding}`);
  }
  return out;
}

function half(h) {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** The blue-cyan-green-yellow-red ramp of the command line's pictures, t in [0, 1]. */
export function ramp(t) {
  t = Math.max(0, Math.min(1, t));
  const c = (x) => Math.trunc(255 * Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - x))));
  return [c(3), c(2), c(1)];
}

/** RGBA pixels of a map coloured from its min (blue) to its max (red). */
export function heatPixels(values, height, width) {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max > min ? max - min : 1;
  const img = new ImageData(width, height);
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = ramp((values[i] - min) / range);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  return img;
}

/** Draws a map as a heatmap on a canvas sized to the map. */
export function drawHeat(canvas, values, height, width) {
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").putImageData(heatPixels(values, height, width), 0, 0);
}

/** Draws the heatmap over the base image (both scaled to the canvas), heat weighted alpha. */
export function drawOverlay(canvas, base, values, height, width, alpha = 0.5) {
  const ctx = canvas.getContext("2d");
  ctx.globalAlpha = 1;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(base, 0, 0, canvas.width, canvas.height);
  const heat = document.createElement("canvas");
  drawHeat(heat, values, height, width);
  ctx.globalAlpha = alpha;
  ctx.drawImage(heat, 0, 0, canvas.width, canvas.height);
  ctx.globalAlpha = 1;
}

/** A .npy file (format 1.0, little-endian float32, C order) of a height x width map. */
export function npy(values, height, width) {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${height}, ${width}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length + 4 * values.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY, version 1.0
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < values.length; i++) body.setFloat32(4 * i, values[i], true);
  return new Blob([out], { type: "application/octet-stream" });
}

/**
 * The part of the image the network sees, as the server prepares it: the shorter edge resized to
 * `shorter`, then the centre `crop` (height x width) taken. Drawn into a new canvas.
 */
export function modelCrop(image, shorter, cropH, cropW) {
  const iw = image.naturalWidth || image.width;
  const ih = image.naturalHeight || image.height;
  const scale = shorter / Math.min(iw, ih);
  const rw = Math.round(iw * scale);
  const rh = Math.round(ih * scale);
  const canvas = document.createElement("canvas");
  canvas.width = cropW;
  canvas.height = cropH;
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(image, -Math.round((rw - cropW) / 2), -Math.round((rh - cropH) / 2), rw, rh);
  return canvas;
}
