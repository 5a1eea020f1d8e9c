// Bundles the viewer (src/ and the generated stubs) into the server's class-path assets, where the
// web port serves it. The output is committed, so that `mvn verify` needs no Node; rebuild with
// `npm ci && npm run build` after changing src/ or the contract.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
// VIEWER_OUT: somewhere else (web/check-viewer.sh compares a fresh build with the committed one).
const out = process.env.VIEWER_OUT
  ?? join(web, "..", "server", "src", "main", "resources", "dev", "licnn", "server", "web", "viewer");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(web, "src", "main.js")],
  outfile: join(out, "viewer.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
for (const f of ["index.html", "viewer.css"]) copyFileSync(join(web, "src", f), join(out, f));
console.log(`viewer bundled into ${out}`);
