#!/usr/bin/env bash
# Own-model check: a torchvision VGG-16 state dict with random weights (made here with Debian's
# torch), imported with `licnn import` in one command, served, and one image explained; the top-5
# and their logits must equal torchvision's within 1e-4 (computed here, resize 256, crop 224).
# Then each way of getting a model or an option wrong must print its own one-line cause
# (`licnn: error: ...`, no stack trace) with exit code 2.
#
# Usage: examples/own-model.sh        (KEEP_WORK=1 keeps the work folder)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/licnn-own-model.XXXXXX")"
cleanup() {
  local rc=$?
  stop_servers
  if [ $rc -ne 0 ] && [ -f "$WORK/server.log" ]; then
    echo "--- server log (tail)" >&2; tail -n 20 "$WORK/server.log" >&2
  fi
  [ "${KEEP_WORK:-0}" = 1 ] && log "work dir kept: $WORK" || rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'log "FAIL: command failed at line $LINENO: $BASH_COMMAND"' ERR

ensure_apt python3-torch python3-torchvision python3-numpy python3-pil
ensure_build
L="$ROOT/licnn"
cd "$WORK"

t0=$SECONDS
log "making weights and the image with torchvision (random weights, seed 0)"
"$PY" - <<'PY'
import json, os, pickle, zipfile
import torch, torchvision
from torchvision import transforms
from torchvision.models.vgg import cfgs, make_layers
from PIL import Image

torch.manual_seed(0)
vgg16 = torchvision.models.vgg16().eval()
torch.save(vgg16.state_dict(), "vgg16.pth")

# A 320x256 picture: torchvision's resize leaves the shorter side, the crop cuts the sides.
x = torch.linspace(0, 1, 320)
y = torch.linspace(0, 1, 256)
img = torch.stack([x[None, :].expand(256, 320), y[:, None].expand(256, 320),
                   (x[None, :] * y[:, None])]) * 255
Image.fromarray(img.permute(1, 2, 0).round().byte().numpy()).save("photo.png")
pre = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                          transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
with torch.no_grad():
    logits = vgg16(pre(Image.open("photo.png").convert("RGB"))[None])[0]
top = torch.topk(logits, 5)
json.dump({"ids": top.indices.tolist(), "logits": top.values.tolist()}, open("torchvision.json", "w"))

# The failures: resnet weights, vgg11 convolutions, a pickled module, a pickle that runs a
# command, the legacy (pre-1.6) format.
torch.save(torchvision.models.resnet18().state_dict(), "resnet18.pth")
torch.save({"features." + k: v for k, v in make_layers(cfgs["A"]).state_dict().items()},
           "vgg11-features.pth")
torch.save(make_layers([4, "M"]), "module.pth")
class Shell:
    def __reduce__(self):
        return (os.system, ("touch pwned",))
torch.save({"features.0.weight": Shell()}, "evil.pth")
torch.save({"w": torch.zeros(2)}, "legacy.pth", _use_new_zipfile_serialization=False)
PY
log "weights and reference made in $((SECONDS - t0)) s"

t1=$SECONDS
"$L" import vgg16.pth --arch vgg16 --labels imagenet --out models/vgg16 >import.out
cat import.out >&2
log "imported in $((SECONDS - t1)) s"
grep -q '"architecture": "vgg16"' models/vgg16/model.json || die "model.json does not say vgg16"

PORT="$(free_port)"
t2=$SECONDS
start_server "$PORT" server.log --model models/vgg16
wait_serving "$PORT" "$STARTED_PID" 300
log "serving in $((SECONDS - t2)) s"
t3=$SECONDS
"$L" explain photo.png --target "127.0.0.1:$PORT" --out out --layer-kinds NONE >explain.out
cat explain.out >&2
log "explained in $((SECONDS - t3)) s"
grep -q "re-sent 0" explain.out && die "explain printed a line for what did not happen"
"$PY" - <<'PY' || die "top-5 or logits differ from torchvision's"
import json
ref = json.load(open("torchvision.json"))
got = json.load(open("out/photo/result.json"))["prediction"]["top_classes"]
ids = [c["class_id"] for c in got]
logits = [c["logit"] for c in got]
diff = max(abs(a - b) for a, b in zip(logits, ref["logits"]))
print(f"top-5 licnn {ids}, torchvision {ref['ids']}; max |logit difference| {diff:.2e}")
assert ids == ref["ids"], "top-5 differ"
assert diff < 1e-4, f"logits differ by {diff}"
PY

# expect_error CODE PATTERN CMD...: CMD exits with CODE and its stderr is one `licnn: error:` line
# matching PATTERN, with no stack trace.
expect_error() {
  local code="$1" pattern="$2"; shift 2
  local rc=0
  "$@" >err.out 2>err.log </dev/null || rc=$?
  local errors
  errors="$(grep -c '^licnn: error: ' err.log || true)"
  if [ "$rc" != "$code" ] || [ "$errors" != 1 ] || ! grep -q -- "$pattern" err.log \
      || grep -qE '^\s+at |Exception:' err.log; then
    echo "--- $* (exit $rc, expected $code)" >&2; cat err.log >&2
    die "expected one line matching '$pattern'"
  fi
  log "ok ($rc): $(grep '^licnn: error: ' err.log)"
}
BUNDLED=(--model-dir "$ROOT/models/shapes-vgg16")
"$PY" "$HERE/make-images.py" imgs 1 64 >/dev/null
IMG="$(ls imgs/*.png | head -1)"

expect_error 2 "is a PyTorch pickle (state dict), not a model folder: use \`licnn import" \
  "$L" serve --model vgg16.pth --port "$(free_port)" --metrics-port -1 --no-warmup
expect_error 2 "resnet weights: this model folder says vgg16" \
  "$L" import resnet18.pth --arch vgg16 --out models/resnet
expect_error 2 "vgg11 weights: this model folder says vgg16" \
  "$L" import vgg11-features.pth --arch vgg16 --out models/vgg11
mkdir -p models/mixed && cp "$ROOT/models/shapes-vgg16/labels.json" models/mixed/
cp resnet18.pth models/mixed/weights.pth
echo '{"architecture": {"name": "vgg16", "num_classes": 10}, "weights": "weights.pth", "labels": "labels.json"}' >models/mixed/model.json
expect_error 2 "the weights do not fit vgg16: missing 'features.0.weight'.*, and 133 more (resnet weights" \
  "$L" explain "$IMG" --model-dir models/mixed --out out-mixed
expect_error 2 "models/mixed/weights.pth: the weights do not fit vgg16: .*(resnet weights" \
  "$L" serve --model models/mixed --port "$(free_port)" --metrics-port -1 --no-warmup
expect_error 2 "refused: pickle global torch.nn.modules.container.Sequential" \
  "$L" import module.pth --arch vgg16 --out models/module
expect_error 2 "refused: pickle global posix.system" \
  "$L" import evil.pth --arch vgg16 --out models/evil
[ -e pwned ] && die "the pickle ran a command"
expect_error 2 "a legacy PyTorch pickle" "$L" import legacy.pth --arch vgg16 --out models/legacy
echo '{"architecture": {"name": "vgg16"}, "weights": "weights.pth", "labls": "x"}' >models/mixed/model.json
expect_error 2 'model.json: unknown key "labls"' "$L" explain "$IMG" --model-dir models/mixed
expect_error 2 "no such model folder: models/none" "$L" explain "$IMG" --model-dir models/none
expect_error 2 "no such file: nothing.png" "$L" explain nothing.png "${BUNDLED[@]}"
expect_error 2 "--top-k must be between 1 and the model's 10 classes, got 0" \
  "$L" explain "$IMG" "${BUNDLED[@]}" --top-k 0
expect_error 2 "--top-k must be between 1 and the model's 10 classes, got 11" \
  "$L" classify "$IMG" "${BUNDLED[@]}" --top-k 11
expect_error 2 "--layers: model shapes-vgg16 has no layer 'relu9_9'" \
  "$L" explain "$IMG" "${BUNDLED[@]}" --layers relu9_9
expect_error 2 "--liz: LIZ size must be an odd number between 1 and 31, got 4" \
  "$L" explain "$IMG" "${BUNDLED[@]}" --liz 4
expect_error 2 "--model names a model the server serves" \
  "$L" explain "$IMG" --target "127.0.0.1:$PORT" --model models/vgg16
stop_servers

# --model with a folder, without --target, serves that folder in-process; a user folder named
# masks/ is read, other files are counted as skipped.
mkdir -p mine/masks && cp "$IMG" mine/a.png && cp "$IMG" mine/masks/m.png
: >mine/b.bmp; : >mine/c.gif; : >mine/d.webp
"$L" explain mine --model "$ROOT/models/shapes-vgg16" --out out-mine --layer-kinds NONE >mine.out
cat mine.out >&2
grep -q "skipped 3 file(s): 1 .bmp, 1 .gif, 1 .webp" mine.out || die "skipped files not reported"
grep -q "^mine/masks/m.png: " mine.out || die "a user's masks/ folder was skipped"
log "PASS in $((SECONDS - t0)) s"
