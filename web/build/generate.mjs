// Generates the viewer's stubs from the licnn.v1 contract: stages proto/src/main/proto and
// google/rpc/status.proto (examples/googleapis.sh finds it) under .build/proto, then runs buf with
// the local protoc-gen-es plugin into .build/gen. Nothing is fetched: buf has the well-known types built in.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(web, "..");
const staged = join(web, ".build", "proto");
rmSync(join(web, ".build"), { recursive: true, force: true });
mkdirSync(join(staged, "google", "rpc"), { recursive: true });
cpSync(join(root, "proto", "src", "main", "proto", "licnn"), join(staged, "licnn"), { recursive: true });
const googleapis = execFileSync("bash", [join(root, "examples", "googleapis.sh"), join(web, ".build", "googleapis")],
  { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
cpSync(join(googleapis, "google", "rpc", "status.proto"), join(staged, "google", "rpc", "status.proto"));
execFileSync(join(web, "node_modules", ".bin", "buf"), ["generate", staged, "--template", join(web, "buf.gen.yaml")],
  { cwd: web, stdio: "inherit" });
console.log("stubs generated in .build/gen");
