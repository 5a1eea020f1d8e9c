// Unit tests of the viewer's map decoding, colours and .npy writing: `npm test` in web/.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeMap, npy, ramp } from "../src/maps.js";

const VALUES = [0, 1, -2, 0.5, 65504, -0.000061035156, 3.140625, 1e-7];

function map(encoding, bytes, extra = {}) {
  return { height: 2, width: 4, encoding, data: new Uint8Array(bytes), ...extra };
}

test("float32 maps decode exactly", () => {
  const buf = new DataView(new ArrayBuffer(4 * VALUES.length));
  VALUES.forEach((v, i) => buf.setFloat32(4 * i, v, true));
  assert.deepEqual([...decodeMap(map(1, buf.buffer))], VALUES.map(Math.fround));
});

test("float32 maps decode from an unaligned view into a larger buffer", () => {
  const buf = new Uint8Array(3 + 4 * VALUES.length);
  const dv = new DataView(buf.buffer, 3);
  VALUES.forEach((v, i) => dv.setFloat32(4 * i, v, true));
  const m = { height: 2, width: 4, encoding: 1, data: buf.subarray(3) };
  assert.deepEqual([...decodeMap(m)], VALUES.map(Math.fround));
});

test("float16 maps decode the IEEE binary16 values, subnormals and signs included", () => {
  // 0, 1, -2, 0.5, 65504 (largest), -2^-14 (smallest normal), 3.140625, 2^-24 (smallest subnormal)
  const halves = [0x0000, 0x3c00, 0xc000, 0x3800, 0x7bff, 0x8400, 0x4248, 0x0001];
  const buf = new DataView(new ArrayBuffer(2 * halves.length));
  halves.forEach((h, i) => buf.setUint16(2 * i, h, true));
  assert.deepEqual([...decodeMap(map(2, buf.buffer))],
    [0, 1, -2, 0.5, 65504, -(2 ** -14), 3.140625, 2 ** -24].map(Math.fround));
});

test("float16 infinities and NaN decode as such", () => {
  const buf = new DataView(new ArrayBuffer(8));
  [0x7c00, 0xfc00, 0x7e00, 0].forEach((h, i) => buf.setUint16(2 * i, h, true));
  const v = decodeMap({ height: 1, width: 4, encoding: 2, data: new Uint8Array(buf.buffer) });
  assert.equal(v[0], Infinity);
  assert.equal(v[1], -Infinity);
  assert.ok(Number.isNaN(v[2]));
});

test("uint8 maps decode as min + (max - min) * q / 255", () => {
  const v = decodeMap(map(3, [0, 255, 51, 102, 0, 0, 0, 255], { min: -1, max: 4 }));
  assert.deepEqual([...v.slice(0, 4)], [-1, 4, 0, 1].map(Math.fround));
});

test("an unknown encoding is refused", () => {
  assert.throws(() => decodeMap(map(0, new Uint8Array(8))), /unknown map encoding 0/);
});

test(".npy files carry a 64-byte aligned header and little-endian float32 values", async () => {
  const values = new Float32Array([1.5, -2, 0, 3, 4, 5]);
  const bytes = new Uint8Array(await npy(values, 2, 3).arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const headerLen = bytes[8] | (bytes[9] << 8);
  assert.equal((10 + headerLen) % 64, 0);
  const header = new TextDecoder().decode(bytes.slice(10, 10 + headerLen));
  assert.match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
  const body = new DataView(bytes.buffer, 10 + headerLen);
  assert.equal(bytes.length, 10 + headerLen + 4 * 6);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => body.getFloat32(4 * i, true)), [...values]);
});

test("the colour ramp runs from blue to red, as the command line's pictures", () => {
  // The same integers as Pictures.color in the Java command line.
  assert.deepEqual(ramp(0), [0, 0, 127]);
  assert.deepEqual(ramp(1), [127, 0, 0]);
  assert.deepEqual(ramp(0.5), [127, 255, 127]);
  assert.deepEqual(ramp(0.25), [0, 127, 255]);
  assert.deepEqual(ramp(-3), ramp(0));
});
