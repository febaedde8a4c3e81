#!/usr/bin/python3
"""Experiment (README, "Tried after v3"): the held-out week's p50 MASE per kind (cpu memory network
storage) of each net saved by cross_resource.py --sib 0 --save, and of their mean and median.

  /usr/bin/python3 models/experiments/ensemble.py SAMPLES seed42.pt seed43.pt seed44.pt
"""
import sys, json, os, numpy as np, torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cross_resource as X_
torch.set_num_threads(2)
d=sys.argv[1]; meta=json.load(open(d+"/meta.json")); f,h=meta["features"],meta["horizon"]
x=np.clip(np.fromfile(d+"/X.f32",dtype="<f4").reshape(-1,f),-50,50); y=np.fromfile(d+"/Y.f32",dtype="<f4").reshape(-1,h)
index=np.fromfile(d+"/index.i32",dtype="<i4").reshape(-1,3); naive=np.fromfile(d+"/naive.f32",dtype="<f4")
w=(1.0/np.maximum(np.nan_to_num(naive,nan=1.0),0.01)).astype(np.float32); mask=~np.isnan(y); y=np.clip(np.nan_to_num(y,nan=0.0),0,50)
bucket=meta["bucket_ms"]; at=np.asarray(meta["series_start_ms"],dtype=np.int64)[index[:,0]]+index[:,1].astype(np.int64)*bucket
val=np.nonzero(at>=int(np.datetime64("2013-07-24","ms").astype(np.int64)))[0]
L=meta["layout"]; models=[]
for s in sys.argv[2:]:
    m=X_.Cross(f,h,128,L["day"],L["last"],L["noise"],dropout=0.1,sib=0); m.load_state_dict(torch.load(s)); m.eval(); models.append(m)
Xv=torch.from_numpy(x[val]); preds=[]
with torch.no_grad():
    for m in models: preds.append(torch.cat([m(Xv[i:i+16384])[:,:,0] for i in range(0,len(val),16384)]).numpy())
def score(p50):
    e=(np.abs(y[val]-p50)*mask[val]*w[val][:,None]).sum(1); k=mask[val].sum(1)
    out=[]
    iv=index[val]
    for kind in range(4):
        sel=iv[:,2]==kind; ser=iv[sel,0]
        E=np.bincount(ser,weights=e[sel],minlength=60); C=np.bincount(ser,weights=k[sel],minlength=60)
        out.append(np.mean(E[C>0]/C[C>0]))
    return " ".join(f"{v:.3f}" for v in out)
for i,p in enumerate(preds): print("model",i,score(p))
print("mean ensemble",score(np.mean(preds,0)))
print("median ensemble",score(np.median(preds,0)))
