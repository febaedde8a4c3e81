#!/usr/bin/env bash
# One command from traces to a committed model: export samples with the job's feature builder,
# train (Debian's python3-torch / python3-onnx under /usr/bin/python3), export ONNX + model card,
# then backtest it against the baselines and record the scores in the card (models/record_backtest.py).
#   models/train.sh [--smoke] [--data DIR] [--out DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/../shared/data/bitbrains-rnd"
OUT="$ROOT/models"
SMOKE=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
    --data) DATA="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    *) echo "error: unknown option $1 (use --smoke, --data DIR, --out DIR)" >&2; exit 2 ;;
  esac
  shift
done
PY=/usr/bin/python3
if ! "$PY" -c 'import torch, onnx' 2>/dev/null; then
  echo "error: $PY lacks torch/onnx; install them: sudo apt-get install --no-install-recommends python3-torch python3-onnx" >&2
  exit 2
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if [[ $SMOKE == 1 ]]; then
  "$ROOT/bin/shadowscale" export-training --data "$DATA" --out "$WORK/samples" --workloads 3 --stride 24
  "$PY" "$ROOT/models/train.py" --data "$WORK/samples" --out "$OUT" --epochs 1 --max-samples 4000 --hidden 32 --name smoke-mlp-v3
else
  # every 2nd origin of July (~940,000 samples); train.py's defaults are shadow-mlp-v3's configuration
  "$ROOT/bin/shadowscale" export-training --data "$DATA" --out "$WORK/samples" --stride 2
  "$PY" "$ROOT/models/train.py" --data "$WORK/samples" --out "$OUT"
  # the scores after the training period, against the baselines, go into the model card
  CMD="bin/shadowscale backtest forecast --data ../shared/data/bitbrains-rnd --model models/shadow-mlp-v3 --json"
  "$ROOT/bin/shadowscale" backtest forecast --data "$DATA" --model "$OUT/shadow-mlp-v3" --json \
    | "$PY" "$ROOT/models/record_backtest.py" "$OUT/shadow-mlp-v3.card.json" "$CMD"
fi
