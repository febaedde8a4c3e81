#!/usr/bin/python3
"""Records a backtest's scores in a model card: the model's, and each resource's best baseline.

Usage: bin/shadowscale backtest forecast --model DIR/NAME --json | models/record_backtest.py DIR/NAME.card.json "COMMAND"
"""
import json
import sys

card_path, command = sys.argv[1], sys.argv[2]
scores = json.loads(sys.stdin.read().strip().splitlines()[-1])["methods"]
card = json.load(open(card_path))
# onnx_raw is the model without the job's combination and calibration, not a baseline
baselines = {m: s for m, s in scores.items() if m not in ("onnx", "onnx_raw", "fallback")}
best = {}
for r in scores["onnx"]:
    name = min(baselines, key=lambda m: baselines[m][r]["mase"])
    best[r] = [name, round(baselines[name][r]["mase"], 3)]
card["backtest"] = {
    "command": command,
    "data": "bitbrains-rnd, 60 VMs, origins from 2013-08-01 (after the training period), hour ahead, 5-minute steps",
    "onnx": {r: {k: round(v, 3) for k, v in s.items()} for r, s in scores["onnx"].items()},
    **({"onnx_raw": {r: {k: round(v, 3) for k, v in s.items()} for r, s in scores["onnx_raw"].items()}} if "onnx_raw" in scores else {}),
    "best_baseline_mase": best,
    "onnx_vs_best_baseline": {r: f"{scores['onnx'][r]['mase'] / best[r][1] - 1:+.1%}" for r in best},
}
json.dump(card, open(card_path, "w"), indent=2)
print(json.dumps(card["backtest"]["onnx_vs_best_baseline"]))
