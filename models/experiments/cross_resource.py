#!/usr/bin/python3
"""Experiment (README, "Tried after v3"): v3's pooled net with, for each row, context from the other
three resources of the same VM at the same origin. Trains on the samples whose targets lie before
--val-from and reports the model's own p50 MASE per kind on the origins after it, like train.py's
validation; --sib 0 is v3's net (the seed runs of the ensemble experiment). Saves the weights to
--save for experiments/ensemble.py. Not part of the bundled model's pipeline.

  bin/shadowscale export-training --out SAMPLES --stride 2
  /usr/bin/python3 models/experiments/cross_resource.py --data SAMPLES --sib 3 --save cross.pt
"""
import argparse, json, os, sys, time
import numpy as np, torch
from torch import nn
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import train as T

class Cross(T.PooledMlp):
    def __init__(self, *args, sib=3, sib_recent=36, sib_pool=3, **kw):
        self.sib_n, self.sib_recent, self.sib_pool = sib, sib_recent, sib_pool
        super().__init__(*args, **kw)
        extra = sib * (sib_recent // sib_pool + 8) if sib else 0
        inputs = self.inputs + extra
        hidden = self.body[0].out_features
        self.body[0] = nn.Linear(inputs, hidden)
        if self.skip is not None:
            self.skip = nn.Linear(inputs, self.horizon); nn.init.zeros_(self.skip.weight); nn.init.zeros_(self.skip.bias)
        self.inputs = inputs

    def summary(self, s):
        # s: [B, F] sibling rows: their recent window in their own step units relative to their last value
        last = s[:, self.last:self.last + 1]
        unit = torch.exp(s[:, self.noise:self.noise + 1])
        rel = (s[:, :self.day] - last) / unit
        d, rc = self.day, self.sib_recent
        rec = rel[:, d - rc:].reshape(-1, rc // self.sib_pool, self.sib_pool).mean(2)
        st = [rel[:, d - k:].mean(1, keepdim=True) for k in (3, 12)]
        st += [rel.mean(1, keepdim=True), rel[:, :12].mean(1, keepdim=True),
               rel[:, d - 12:].amin(1, keepdim=True), rel[:, d - 12:].amax(1, keepdim=True),
               s[:, self.noise:self.noise + 1], last]
        return T.asinh(torch.cat([rec] + st, 1))

    def forward(self, x, sibs=None):
        z, last, unit = self.inputs_of(x)
        if self.sib_n:
            z = torch.cat([z] + [self.summary(sibs[:, j]) for j in range(self.sib_n)], 1)
        return self.head(z, last, unit)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="samples from bin/shadowscale export-training")
    ap.add_argument("--save", default=None, help="write the trained weights here")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--sib", type=int, default=3)
    ap.add_argument("--max-samples", type=int, default=0)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--val-from", default="2013-07-24")
    a = ap.parse_args()
    torch.manual_seed(a.seed); np.random.seed(a.seed); torch.set_num_threads(1)
    meta = json.load(open(os.path.join(a.data, "meta.json")))
    f, h = meta["features"], meta["horizon"]
    x = np.fromfile(os.path.join(a.data, "X.f32"), dtype="<f4").reshape(-1, f)
    y = np.fromfile(os.path.join(a.data, "Y.f32"), dtype="<f4").reshape(-1, h)
    index = np.fromfile(os.path.join(a.data, "index.i32"), dtype="<i4").reshape(-1, 3)
    naive = np.fromfile(os.path.join(a.data, "naive.f32"), dtype="<f4")
    weight = (1.0 / np.maximum(np.nan_to_num(naive, nan=1.0), 0.01)).astype(np.float32)
    mask = ~np.isnan(y)
    y = np.clip(np.nan_to_num(y, nan=0.0), 0.0, 50.0)
    x = np.clip(x, -50.0, 50.0)
    # siblings: the other kinds' rows at the same series and origin, in kind order
    key = (index[:, 0].astype(np.int64) * 100000 + index[:, 1]) * 4 + index[:, 2]
    order = np.argsort(key); sk = key[order]
    sib = np.zeros((len(x), 3), dtype=np.int64)
    for i_k in range(4):
        rows = np.nonzero(index[:, 2] == i_k)[0]
        others = [k for k in range(4) if k != i_k]
        for j, k in enumerate(others):
            want = key[rows] - i_k + k
            pos = np.searchsorted(sk, want)
            assert (sk[pos] == want).all()
            sib[rows, j] = order[pos]
    bucket = meta["bucket_ms"]
    at = np.asarray(meta["series_start_ms"], dtype=np.int64)[index[:, 0]] + index[:, 1].astype(np.int64) * bucket
    cut = int(np.datetime64(a.val_from, "ms").astype(np.int64))
    before = np.nonzero(at + h * bucket < cut)[0]
    val = np.nonzero(at >= cut)[0]
    train = np.random.RandomState(a.seed + 1).permutation(before)
    if a.max_samples: train = np.sort(train[: a.max_samples])
    print(f"{len(train):,} train, {len(val):,} val", flush=True)
    X = torch.from_numpy(x); Y = torch.from_numpy(y); M = torch.from_numpy(mask.astype(np.float32)); W = torch.from_numpy(weight)
    S = torch.from_numpy(sib)
    layout = meta["layout"]
    model = Cross(f, h, a.hidden, layout["day"], layout["last"], layout["noise"], dropout=0.1, sib=a.sib)
    print(f"inputs {model.inputs}, macs {T.macs(model):,}", flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=a.epochs)
    gen = torch.Generator().manual_seed(a.seed + 2)
    t0 = time.time()
    def run(b):
        return model(X[b], X[S[b]] if a.sib else None)
    for epoch in range(a.epochs):
        model.train()
        perm = torch.from_numpy(train)[torch.randperm(len(train), generator=gen)]
        tot, nb = 0.0, 0
        for i in range(0, len(perm), 1024):
            b = perm[i:i + 1024]
            opt.zero_grad(); loss = T.pinball(run(b), Y[b], M[b], W[b]); loss.backward(); opt.step()
            tot += loss.item(); nb += 1
        sched.step(); model.eval()
        # validation as train.validate, with siblings
        err, lv, cnt = {}, {}, {}
        with torch.no_grad():
            for i in range(0, len(val), 8192):
                b = torch.from_numpy(val[i:i + 8192]); p = run(b)
                m = M[b] * W[b].unsqueeze(1)
                last = X[b][:, model.last:model.last + 1]
                e = ((Y[b] - p[:, :, 0]).abs() * m).sum(1).numpy(); el = ((Y[b] - last).abs() * m).sum(1).numpy(); k = M[b].sum(1).numpy()
                for j, row in enumerate(index[val[i:i + 8192]]):
                    kk = (int(row[0]), int(row[2]))
                    err[kk] = err.get(kk, 0) + e[j]; lv[kk] = lv.get(kk, 0) + el[j]; cnt[kk] = cnt.get(kk, 0) + k[j]
        rep = []
        for kind in range(4):
            ks = [kk for kk in err if kk[1] == kind and cnt[kk] > 0]
            rep.append(f"{T.KINDS[kind]} {np.mean([err[kk]/cnt[kk] for kk in ks]):.3f} (lv {np.mean([lv[kk]/cnt[kk] for kk in ks]):.3f})")
        print(f"epoch {epoch+1}: train {tot/nb:.4f} | " + ", ".join(rep) + f" ({time.time()-t0:.0f} s)", flush=True)
    if a.save:
        torch.save(model.state_dict(), a.save)

if __name__ == "__main__":
    main()
