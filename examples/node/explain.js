#!/usr/bin/env node
// Explains one image with a LICNN server and saves its saliency map as .npy (float32, H x W).
//
// Usage: node explain.js --target HOST:PORT IMAGE [--out saliency.npy] [--top-k K]
//                        [--encoding float32|float16|uint8]
//                        [--tls] [--ca CA.pem [--cert CLIENT.pem --key CLIENT.key]] [--token-file FILE]
//
// The contract is loaded at run time with @grpc/proto-loader from proto/src/main/proto;
// google/rpc/status.proto comes from $GOOGLEAPIS (run.sh finds it, see ../googleapis.sh).
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const ROOT = path.resolve(__dirname, '..', '..');

function usage(msg) {
  if (msg) console.error(`explain.js: ${msg}`);
  console.error('usage: node explain.js --target HOST:PORT IMAGE [--out saliency.npy] [--top-k K] [--encoding float32|float16|uint8]'
    + ' [--tls] [--ca CA.pem [--cert CLIENT.pem --key CLIENT.key]] [--token-file FILE]');
  process.exit(2);
}

function parseArgs(argv) {
  const a = { target: '127.0.0.1:50051', out: 'saliency.npy', topK: 0, encoding: 'float32', deadline: 600 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => (i + 1 < argv.length ? argv[++i] : usage(`${k} needs a value`));
    if (k === '--target') a.target = next();
    else if (k === '--out') a.out = next();
    else if (k === '--top-k') a.topK = parseInt(next(), 10);
    else if (k === '--encoding') a.encoding = next();
    else if (k === '--deadline') a.deadline = parseFloat(next());
    else if (k === '--tls') a.tls = true;
    else if (k === '--ca') a.ca = next();
    else if (k === '--cert') a.cert = next();
    else if (k === '--key') a.key = next();
    else if (k === '--token-file') a.tokenFile = next();
    else if (k === '-h' || k === '--help') usage();
    else if (k.startsWith('-')) usage(`unknown option ${k}`);
    else if (a.image) usage('only one IMAGE');
    else a.image = k;
  }
  if (!a.image) usage('IMAGE missing');
  if (!a.cert !== !a.key) usage('--cert and --key go together');
  if (!['float32', 'float16', 'uint8'].includes(a.encoding)) usage(`bad --encoding ${a.encoding}`);
  return a;
}

/** IEEE-754 binary16 -> number. */
function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** MapData (proto-loader object, bytes as Buffer, enums as strings) -> Float32Array. */
function decodeMap(m) {
  const n = m.height * m.width;
  const d = m.data;
  const out = new Float32Array(n);
  switch (m.encoding) {
    case 'MAP_ENCODING_UNSPECIFIED':
    case 'MAP_ENCODING_FLOAT32':
      if (d.length !== 4 * n) throw new Error(`FLOAT32 map: ${d.length} bytes for ${n} values`);
      for (let i = 0; i < n; i++) out[i] = d.readFloatLE(4 * i);
      break;
    case 'MAP_ENCODING_FLOAT16':
      if (d.length !== 2 * n) throw new Error(`FLOAT16 map: ${d.length} bytes for ${n} values`);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(d.readUInt16LE(2 * i));
      break;
    case 'MAP_ENCODING_UINT8': {
      if (d.length !== n) throw new Error(`UINT8 map: ${d.length} bytes for ${n} values`);
      const min = Math.fround(m.min);
      const span = Math.fround(Math.fround(m.max) - min);
      for (let i = 0; i < n; i++) out[i] = min + span * d[i] / 255;
      break;
    }
    default:
      throw new Error(`unknown map encoding ${m.encoding}`);
  }
  return out;
}

/** Writes a float32 C-order array as NumPy .npy version 1.0. */
function writeNpy(file, values, shape) {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pad = (64 - ((10 + header.length + 1) % 64)) % 64;
  header += ' '.repeat(pad) + '\n';
  const pre = Buffer.alloc(10);
  pre[0] = 0x93;
  pre.write('NUMPY', 1, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) body.writeFloatLE(values[i], 4 * i);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

function loadService() {
  const includeDirs = [path.join(ROOT, 'proto', 'src', 'main', 'proto')];
  if (process.env.GOOGLEAPIS) includeDirs.push(process.env.GOOGLEAPIS);
  const def = protoLoader.loadSync('licnn/v1/licnn_service.proto', {
    includeDirs, keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
  });
  return grpc.loadPackageDefinition(def).licnn.v1;
}

/** Plaintext, or TLS when --tls, --ca or --cert is given. */
function credentials(a) {
  if (!a.tls && !a.ca && !a.cert) return grpc.credentials.createInsecure();
  const read = (f) => (f ? fs.readFileSync(f) : null);
  return grpc.credentials.createSsl(read(a.ca), read(a.key), read(a.cert));
}

/** Call metadata with the bearer token of the file, if one is given. */
function metadata(a) {
  const m = new grpc.Metadata();
  if (a.tokenFile) {
    const token = fs.readFileSync(a.tokenFile, 'ascii').split('\n').map((l) => l.trim())
      .find((l) => l && !l.startsWith('#'));
    if (!token) usage(`no token in ${a.tokenFile}`);
    m.set('authorization', `Bearer ${token}`);
  }
  return m;
}

function deadline(seconds) {
  return new Date(Date.now() + seconds * 1000);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const image = fs.readFileSync(args.image);
  const licnn = loadService();
  const client = new licnn.LicnnService(args.target, credentials(args), {
    'grpc.max_receive_message_length': 64 << 20,
  });
  const md = metadata(args);
  try {
    const desc = await new Promise((resolve, reject) => client.DescribeModel(
      {}, md, { deadline: deadline(args.deadline) }, (err, res) => (err ? reject(err) : resolve(res))));
    const topK = args.topK || Math.min(5, desc.num_classes);
    const req = {
      image: { encoded: image },
      top_k: topK,
      map_encoding: `MAP_ENCODING_${args.encoding.toUpperCase()}`,
    };
    const result = await new Promise((resolve, reject) => {
      const r = {};
      const call = client.Explain(req, md, { deadline: deadline(args.deadline) });
      call.on('data', (ev) => {
        if (ev.event === 'prediction') r.prediction = ev.prediction;
        else if (ev.event === 'saliency_map') r.saliency = ev.saliency_map.map;
        else if (ev.event === 'completed') r.completed = ev.completed;
      });
      call.on('error', reject);
      call.on('end', () => resolve(r));
    });
    if (!result.prediction || !result.saliency || !result.completed) {
      throw new Error('the stream ended without prediction, saliency map or completed');
    }
    const m = result.saliency;
    writeNpy(args.out, decodeMap(m), [m.height, m.width]);
    console.log(`model ${desc.name}: top-${result.prediction.top_classes.length} of ${args.image}`);
    for (const c of result.prediction.top_classes.slice(0, 5)) {
      console.log(`  ${c.rank}. ${c.label} (class ${c.class_id}) p=${c.probability.toFixed(4)} logit=${c.logit.toFixed(3)}`);
    }
    const t = result.completed.total_time;
    const total = Number(t.seconds) + t.nanos / 1e9;
    console.log(`saliency map ${m.height}x${m.width} -> ${args.out}; ${total.toFixed(2)} s on ${result.completed.device}`);
    return 0;
  } finally {
    client.close();
  }
}

main().then((code) => process.exit(code), (err) => {
  const what = err.code !== undefined && err.details !== undefined
    ? `server error: ${grpc.status[err.code]}: ${err.details}` : String(err.message || err);
  console.error(`explain.js: ${what}`);
  process.exit(1);
});
