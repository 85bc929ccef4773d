"""Export trained models to an ndm bundle (models/BUNDLE.md), check ONNX Runtime against PyTorch,
and write golden files for the Rust parity tests.

    python -m models.train.export                       # trained checkpoints → models/ndm-v1
    python -m models.train.export --fixture tests/golden/bundle   # tiny untrained test bundle
"""
import argparse
import hashlib
import json
import os
import time
from pathlib import Path

import numpy as np
import torch

from . import features as F
from .cwae import CWAE, DECODER_CHANNELS
from .classifier import DrumClassifier
from .deploy import DeployDecoder, DeployMCNN
from .labels import CLASSES
from .mcnn import MASK_THRESHOLD, MCNN, mcnn_from_checkpoint, mcnn_heads
from .refine import pghi_vocode, phase_bins, refine, refine_masked

ROOT = Path(__file__).resolve().parents[2]
FORMAT_VERSION = 1
# Griffin-Lim rounds after the MCNN in the shipped bundle: measured in MODEL_CARD.md's ablation
# (2 rounds: prior samples recognised 79% → 90%, +2.8 ms for 1 s of sound).
MCNN_REFINE = 2
# The first of those rounds takes the phase below this frequency from the magnitude's gradients
# (PGHI, refine.pghi): SC of the shipped vocoder 0.604 → 0.498 at the cost of the integration.
MCNN_PGHI_HZ = 2150.0
GOLDEN_STRIDE = 16  # the goldens' whole-sound checks keep every 16th sample


class EncoderGraph(torch.nn.Module):
    def __init__(self, cwae):
        super().__init__()
        self.enc = cwae.encoder

    def forward(self, logmel, cls):
        return self.enc(logmel, cls)


class DecoderGraph(torch.nn.Module):
    def __init__(self, cwae, deploy=True):
        super().__init__()
        self.dec = DeployDecoder(cwae.decoder) if deploy else cwae.decoder

    def forward(self, z, cls):
        return self.dec(z, cls)


def _export(module, args, path, inputs, outputs, dynamic):
    # The exporter restores the wrapper's train/eval flag recursively afterwards: export in eval.
    module.eval()
    torch.onnx.export(module, args, str(path), input_names=inputs, output_names=outputs,
                      dynamic_axes=dynamic, opset_version=17, dynamo=False, do_constant_folding=True)


def constant_reshapes(path):
    """Rewrites the ONNX graph at `path` so that its reshapes take constant shapes (0: the
    input's batch, −1: the one length that varies) instead of shapes computed at run time
    from Shape, Gather, Unsqueeze and Concat nodes, which are then dropped. The exporter writes
    every `view(b, …, n)` so; ONNX Runtime folds that pattern itself for most graphs, but not
    for the MCNN's per-head layers, where the shape arithmetic cost 0.25 ms. The lengths come
    from ONNX Runtime's symbolic shape inference; a reshape whose output has more than one
    varying length besides the batch is left alone. Returns how many were rewritten."""
    import onnx
    from onnx import numpy_helper
    from onnxruntime.tools.symbolic_shape_infer import SymbolicShapeInference

    model = onnx.load(str(path))
    inferred = SymbolicShapeInference.infer_shapes(model, auto_merge=True)
    g = inferred.graph
    dims = {v.name: [d.dim_param if d.HasField("dim_param") else d.dim_value for d in v.type.tensor_type.shape.dim]
            for v in list(g.value_info) + list(g.input) + list(g.output)}
    rewritten = 0
    for node in model.graph.node:
        if node.op_type != "Reshape" or node.input[0] not in dims or node.output[0] not in dims:
            continue
        src, dst = dims[node.input[0]], dims[node.output[0]]
        shape = [0 if i == 0 and d == src[0] else d if isinstance(d, int) and d > 0 else -1
                 for i, d in enumerate(dst)]
        if shape.count(-1) > 1:
            continue
        name = f"{node.output[0]}/constant_shape"
        model.graph.initializer.append(numpy_helper.from_array(np.array(shape, np.int64), name))
        node.input[1] = name
        rewritten += 1
    outputs = {o.name for o in model.graph.output}
    while True:  # drop what no longer feeds an output
        used = {i for n in model.graph.node for i in n.input} | outputs
        dead = [n for n in model.graph.node if not any(o in used for o in n.output)]
        if not dead:
            break
        for n in dead:
            model.graph.node.remove(n)
    used = {i for n in model.graph.node for i in n.input}
    for init in [i for i in model.graph.initializer if i.name not in used]:
        model.graph.initializer.remove(init)
    onnx.save(model, str(path))
    return rewritten


def export_graphs(cwae, mcnn, out, deploy=True):
    """`deploy`: export the sub-pixel twins (models/train/deploy.py), which ONNX Runtime runs
    several times faster; `parity` then checks them against the trained modules."""
    cwae.eval()
    mcnn.eval()
    nc = len(CLASSES)
    x = torch.randn(2, 1, F.N_MELS, F.FRAMES)
    c = torch.eye(nc)[:2]
    z = torch.randn(2, cwae.dz)
    mel = torch.rand(2, F.N_MELS, F.FRAMES)
    _export(EncoderGraph(cwae), (x, c), out / "encoder.onnx", ["logmel", "class"], ["z"],
            {"logmel": {0: "batch"}, "class": {0: "batch"}, "z": {0: "batch"}})
    _export(DecoderGraph(cwae, deploy), (z, c), out / "decoder.onnx", ["z", "class"], ["logmel"],
            {"z": {0: "batch"}, "class": {0: "batch"}, "logmel": {0: "batch"}})
    _export(DeployMCNN(mcnn) if deploy else mcnn, (mel,), out / "mcnn.onnx", ["mel"], ["wave", "mask"],
            {"mel": {0: "batch", 2: "frames"}, "wave": {0: "batch", 1: "samples"},
             "mask": {0: "batch", 1: "samples"}})
    if deploy:
        constant_reshapes(out / "mcnn.onnx")


def export_classifier(clf, out):
    """The optional class guesser: standardised log-Mel [B, 1, n_mels, frames] → logits."""
    path = out / "classifier.onnx"
    if clf is None:
        path.unlink(missing_ok=True)
        return None
    clf.eval()
    x = torch.randn(2, 1, F.N_MELS, F.FRAMES)
    _export(clf, (x,), path, ["logmel"], ["logits"], {"logmel": {0: "batch"}, "logits": {0: "batch"}})
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    s = ort.InferenceSession(str(path), opts)
    with torch.no_grad():
        return float(np.abs(s.run(None, {"logmel": x.numpy()})[0] - clf(x).numpy()).max())


@torch.no_grad()
def parity(cwae, mcnn, out):
    """Max abs difference between ONNX Runtime and PyTorch on random inputs, per graph."""
    import onnxruntime as ort

    cwae.eval()
    mcnn.eval()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    g = torch.Generator().manual_seed(0)
    nc = len(CLASSES)
    x = torch.randn(3, 1, F.N_MELS, F.FRAMES, generator=g)
    c = torch.eye(nc)[[0, 4, 10]]
    z = torch.randn(3, cwae.dz, generator=g)
    mel = torch.rand(3, F.N_MELS, 40, generator=g) * 5
    res = {}
    s = ort.InferenceSession(str(out / "encoder.onnx"), opts)
    res["encoder"] = float(np.abs(s.run(None, {"logmel": x.numpy(), "class": c.numpy()})[0] - cwae.encoder(x, c).numpy()).max())
    s = ort.InferenceSession(str(out / "decoder.onnx"), opts)
    res["decoder"] = float(np.abs(s.run(None, {"z": z.numpy(), "class": c.numpy()})[0] - cwae.decoder(z, c).numpy()).max())
    s = ort.InferenceSession(str(out / "mcnn.onnx"), opts)
    w, m = s.run(None, {"mel": mel.numpy()})
    tw, tm = mcnn(mel)
    res["mcnn_wave"] = float(np.abs(w - tw.numpy()).max())
    res["mcnn_mask"] = float(np.abs(m - tm.numpy()).max())
    return res


@torch.no_grad()
def latent_stats(cwae, x, labels):
    """Per-class latent means/stds and the top-3 PCA axes of the training latents."""
    cwae.eval()
    nc = len(CLASSES)
    onehot = torch.eye(nc)
    zs = torch.cat([cwae.encoder(x[i:i + 256], onehot[labels[i:i + 256]]) for i in range(0, len(x), 256)]).numpy()
    means, stds = [], []
    for k in range(nc):
        zk = zs[labels == k]
        if len(zk) == 0:
            zk = np.zeros((1, zs.shape[1]), dtype=np.float32)
        means.append(zk.mean(0))
        stds.append(np.maximum(zk.std(0), 1e-3))
    mu = zs.mean(0)
    u, sv, vt = np.linalg.svd(zs - mu, full_matrices=False)
    comps = vt[:3]
    pstd = sv[:3] / np.sqrt(max(1, len(zs) - 1))
    return dict(class_means=np.array(means), class_stds=np.array(stds), pca_mean=mu, pca_components=comps,
                pca_stds=np.maximum(pstd, 1e-3))


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_bundle(out, name, mean, std, lat, training, mcnn_refine=0, mcnn_pghi_hz=0.0, vocoder="mcnn"):
    def fl(a):
        return [float(v) for v in np.asarray(a, dtype=np.float32).ravel()]

    models = {}
    for key in ("encoder", "decoder", "mcnn", "classifier"):
        p = out / f"{key}.onnx"
        if key == "classifier" and not p.exists():
            continue  # optional (BUNDLE.md)
        models[key] = {"file": p.name, "sha256": sha256(p), "bytes": p.stat().st_size}
    bundle = {
        "format": "ndm-bundle",
        "format_version": FORMAT_VERSION,
        "name": name,
        "sample_rate": F.SAMPLE_RATE,
        "frames": F.FRAMES,
        "length_samples": F.LENGTH,
        "stft": {"n_fft": F.N_FFT, "win": F.WIN, "hop": F.HOP, "window": "hann_periodic"},
        "mel": {"n_mels": F.N_MELS, "fmin": F.FMIN, "fmax": F.FMAX, "scale": "htk", "norm": "none"},
        "log_eps": F.LOG_EPS,
        "norm": {"kind": "per_mel_bin", "mean": fl(mean), "std": fl(std)},
        "classes": list(CLASSES),
        "latent_dim": int(lat["class_means"].shape[1]),
        "mask_threshold": MASK_THRESHOLD,
        "mcnn_refine": int(mcnn_refine),
        "mcnn_pghi_hz": float(mcnn_pghi_hz),
        "vocoder": vocoder,
        "models": models,
        "latent": {
            "class_means": [fl(r) for r in lat["class_means"]],
            "class_stds": [fl(r) for r in lat["class_stds"]],
            "pca": {"mean": fl(lat["pca_mean"]), "components": [fl(r) for r in lat["pca_components"]],
                    "stds": fl(lat["pca_stds"])},
        },
        "training": training,
    }
    (out / "bundle.json").write_text(json.dumps(bundle, indent=1) + "\n")
    return bundle


def golden_sounds():
    """Deterministic inputs at the model rate: two synthetic hits and one CC0 drum if present."""
    sr = F.SAMPLE_RATE
    t = np.arange(int(0.4 * sr)) / sr
    rng = np.random.default_rng(7)
    out = {
        "sine_kick": (np.sin(2 * np.pi * (50 + 120 * np.exp(-t * 30)) * t) * np.exp(-t * 8)).astype(np.float32),
        "noise_hat": (rng.standard_normal(t.size) * np.exp(-t * 40) * 0.5).astype(np.float32),
    }
    cc0 = Path("/usr/share/sonic-pi/samples/sn_dub.flac")
    if cc0.exists():
        import soundfile as sf
        from .data import to_model_rate
        x, r = sf.read(str(cc0), dtype="float32", always_2d=True)
        out["sonicpi_sn_dub"] = to_model_rate(x.mean(1), r)[:F.LENGTH]
    return out


@torch.no_grad()
def write_golden(gdir, bundle_dir, cwae, mcnn, mean, std, mcnn_refine, pghi_hz=0.0):
    """Golden files: features of each input (bundle-independent) and, for the bundle in
    `bundle_dir`, its z, decoded log-Mel, MCNN waveform (model I/O parity) and that waveform,
    masked, after the bundle's Griffin-Lim rounds (the refinement's parity)."""
    import soundfile as sf

    gdir.mkdir(parents=True, exist_ok=True)
    feats = F.Features()
    onehot = torch.eye(len(CLASSES))
    pghi_bins = phase_bins(pghi_hz)
    for name, audio in golden_sounds().items():
        sf.write(str(gdir / f"{name}.wav"), audio, F.SAMPLE_RATE, subtype="FLOAT")
        x = torch.from_numpy(F.prepare_audio(audio))[None]
        mag = feats.stft_mag(x)[0]
        lm = feats.log_mel(x)[0]
        s = F.standardise(lm, mean, std)
        cls = 0
        z = cwae.encoder(s[None, None], onehot[[cls]])
        dec = cwae.decoder(z, onehot[[cls]])[0, 0]
        mel_dec = F.destandardise_to_mel(dec, mean, std)
        wave, mask = mcnn(mel_dec[None])
        refined = refine_masked(wave, mask, mel_dec[None].numpy(), mcnn_refine, pghi_bins)
        # The refinement alone, on inputs Rust reads exactly: the input faded in, towards its Mel.
        ramp = torch.arange(x.shape[1], dtype=torch.float32) / x.shape[1]
        mel_x = feats.mel(x)
        check = refine((x * ramp).numpy(), mel_x.numpy(), mcnn_refine, pghi_bins)
        # The PGHI vocoder (no network) through the engine, and alone on the exact Mel, over the
        # band and over all bins (0); it needs a round.
        by_pghi = lambda mel, bins: pghi_vocode(mel, mcnn_refine, bins) if mcnn_refine else np.zeros((1, 0))
        pghi_out = by_pghi(mel_dec[None].numpy(), pghi_bins)
        pghi_check = by_pghi(mel_x.numpy(), pghi_bins)
        pghi_all = by_pghi(mel_x.numpy(), 0)
        rec = {
            "sample_rate": F.SAMPLE_RATE,
            "stft_mag_sum": float(mag.sum()),
            "mel": mel_x[0].numpy().round(6).tolist(),
            "logmel": lm.numpy().round(6).tolist(),
            "std_logmel": s.numpy().round(6).tolist(),
            "bundle": os.path.relpath(bundle_dir, gdir),
            "class": cls,
            "z": z[0].numpy().tolist(),
            "decoded_logmel": dec.numpy().round(6).tolist(),
            "wave_head": wave[0, :2048].numpy().tolist(),
            "mask_head": mask[0, :2048].numpy().tolist(),
            "refine_rounds": mcnn_refine,
            "refine_pghi_bins": pghi_bins,
            "refined_head": refined[0, :2048].tolist(),
            "refine_check_head": check[0, :2048].tolist(),
            # Every 16th sample of the whole sound: a flood order that parted later would show.
            "refined_strided": refined[0, ::GOLDEN_STRIDE].tolist(),
            "refine_check_strided": check[0, ::GOLDEN_STRIDE].tolist(),
            "pghi_vocoded_strided": pghi_out[0, ::GOLDEN_STRIDE].tolist(),
            "pghi_check_strided": pghi_check[0, ::GOLDEN_STRIDE].tolist(),
            "pghi_all_bins_check_strided": pghi_all[0, ::GOLDEN_STRIDE].tolist(),
        }
        (gdir / f"{name}.json").write_text(json.dumps(rec))


def checkpoint(run_dir):
    """A run's best checkpoint (lowest validation loss) if it kept one, else its last."""
    best = Path(run_dir) / "best.pt"
    return best if best.exists() else Path(run_dir) / "checkpoint.pt"


def load_guide(runs, cwae_run="cwae"):
    """The CWAE run's frozen class guide, if it was trained with one (train.py --guide)."""
    p = Path(runs) / cwae_run / "guide.pt"
    return torch.load(p, weights_only=False).eval() if p.exists() else None


def mcnn_lineage(runs, run, ckpt=None):
    """The MCNN run and the runs it started from (train.py --init-from), newest first: name,
    steps, heads, and what each did (kept heads when it pruned; rounds trained through)."""
    out, kept, seen = [], [], set()
    while run and run not in seen and (Path(runs) / run).exists():
        seen.add(run)
        mc = ckpt if ckpt is not None else torch.load(checkpoint(Path(runs) / run), weights_only=False)
        ckpt = None
        row = {"run": run, "step": mc["step"], "heads": mcnn_heads(mc["model"])}
        log = Path(runs) / run / "train.log"
        first = json.loads(log.read_text().splitlines()[0]) if log.exists() and log.stat().st_size else {}
        init_from = mc.get("init_from") or first.get("init_from")
        if init_from:
            row["init_from"] = init_from
        for k in ("teacher", "through_rounds", "refined_weight"):
            if mc.get(k):
                row[k] = mc[k]
        out.append(row)
        # A run's log starts with the heads it kept (checkpoints before 1fdc9ab lack it).
        kept.append(first.get("kept_heads"))
        run = init_from
    # Keeping all of the parent's heads is no pruning; a parent that is not there: trust the log.
    for row, keep, parent in zip(out, kept, out[1:] + [None]):
        if keep is not None and (parent is None or len(keep) < parent["heads"]):
            row["kept_heads"] = keep
    return out


def load_trained(runs, cwae_run="cwae", mcnn_run="mcnn"):
    cw = torch.load(checkpoint(Path(runs) / cwae_run), weights_only=False)
    mc = torch.load(checkpoint(Path(runs) / mcnn_run), weights_only=False)
    cwae = CWAE(len(CLASSES), cw["dz"], dec_channels=cw.get("dec_channels", DECODER_CHANNELS))
    cwae.load_state_dict(cw["model"])
    mcnn = mcnn_from_checkpoint(mc)
    info = {"cwae_steps": cw["step"], "mcnn_steps": mc["step"], "cwae_run": cwae_run, "mcnn_run": mcnn_run,
            "decoder_channels": list(cw.get("dec_channels", DECODER_CHANNELS)), "mcnn_heads": len(mcnn.heads)}
    for k in ("init_from", "teacher"):  # a pruned or distilled MCNN (train.py mcnn --init-from/--teacher)
        if mc.get(k):
            info[f"mcnn_{k}"] = mc[k]
    info["mcnn_lineage"] = mcnn_lineage(runs, mcnn_run, mc)
    pruned = next((r for r in info["mcnn_lineage"] if r.get("kept_heads")), None)
    if pruned:  # the run that chose the heads (later runs in the lineage only fine-tuned them)
        info.update(mcnn_init_from=pruned["init_from"], mcnn_kept_heads=pruned["kept_heads"],
                    mcnn_pruned_run=pruned["run"], mcnn_pruned_steps=pruned["step"])
    if mc.get("through_rounds"):
        info.update(mcnn_through_rounds=mc["through_rounds"])
    if "teacher" in cw:  # a decoder distilled by distill.py
        info.update(decoder_teacher_run=cw["teacher"], decoder_teacher_steps=cw["teacher_step"])
    if "finetuned_from" in cw:  # then fine-tuned by finetune.py
        info.update(decoder_finetuned_from=cw["finetuned_from"], decoder_finetuned_from_steps=cw["finetuned_from_step"],
                    decoder_finetune_objective=cw["objective"], decoder_finetune_weight=cw["objective_weight"])
        if "moment_weight" in cw:
            info.update(decoder_finetune_moment_weight=cw["moment_weight"])
        if cw.get("vocoder_run"):
            info.update(decoder_finetune_vocoder_run=cw["vocoder_run"])
    return cwae, mcnn, cw["mean"], cw["std"], info


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "models" / "ndm-v1"))
    ap.add_argument("--runs", default=str(ROOT / "models" / "runs"))
    ap.add_argument("--cwae-run", default="cwae", help="run folder under --runs (best.pt, else checkpoint.pt)")
    ap.add_argument("--mcnn-run", default="mcnn", help="run folder under --runs (best.pt, else checkpoint.pt)")
    ap.add_argument("--fixture", default=None, help="write a tiny untrained bundle here instead (tests)")
    ap.add_argument("--golden", default=str(ROOT / "tests" / "golden"))
    ap.add_argument("--data", default=None, help="dataset.npz (default: models/data/cache)")
    ap.add_argument("--mcnn-refine", type=int, default=MCNN_REFINE,
                    help="Griffin-Lim rounds after the MCNN, written to bundle.json (0: none)")
    ap.add_argument("--mcnn-pghi-hz", type=float, default=MCNN_PGHI_HZ,
                    help="the first round's phase below this frequency from PGHI, written to bundle.json (0: off)")
    ap.add_argument("--vocoder", choices=("mcnn", "pghi"), default="mcnn",
                    help="the vocoder a bang plays, written to bundle.json (evaluate.py --vocoder compares them)")
    a = ap.parse_args(argv)
    if a.vocoder == "pghi" and a.mcnn_refine < 1:
        ap.error("--vocoder pghi needs --mcnn-refine ≥ 1 (its rounds)")
    if not 0.0 <= a.mcnn_pghi_hz <= F.SAMPLE_RATE / 2:
        ap.error(f"--mcnn-pghi-hz must lie in [0, {F.SAMPLE_RATE / 2:g}] Hz (bundle.json's mcnn_pghi_hz)")
    torch.manual_seed(0)
    torch.set_num_threads(1)
    if a.fixture:
        out = Path(a.fixture)
        cwae = CWAE(len(CLASSES), 64, hidden=16)
        mcnn = MCNN(heads=1, log_mean=-2.0, log_std=3.0)
        cwae.eval()
        # Plausible statistics from the golden inputs so the fixture's numbers stay in range.
        lm = torch.cat([F.Features().log_mel(torch.from_numpy(F.prepare_audio(x))[None])
                        for x in golden_sounds().values()])
        mean, std = lm.mean(dim=(0, 2)), lm.std(dim=(0, 2)).clamp_min(1e-3)
        x = torch.randn(44, 1, F.N_MELS, F.FRAMES)
        lat = latent_stats(cwae, x, np.arange(44) % len(CLASSES))
        training = {"fixture": True, "note": "untrained weights; for tests only, never the default model"}
        clf = DrumClassifier(len(CLASSES), width=4)
        name = "ndm-fixture"
    else:
        out = Path(a.out)
        from .data import DATA, load
        cwae, mcnn, mean, std, training = load_trained(a.runs, a.cwae_run, a.mcnn_run)
        clf = load_guide(a.runs, a.cwae_run)
        ds = load(a.data or DATA / "cache" / "dataset.npz")
        train = ~ds["valid"]
        lm = torch.cat([F.Features().log_mel(torch.from_numpy(ds["audio"][i:i + 256]))
                        for i in range(0, len(ds["audio"]), 256)])[torch.from_numpy(train)]
        x = F.standardise(lm, mean, std).unsqueeze(1)
        lat = latent_stats(cwae, x, ds["label"][train])
        name = "ndm-v1"
    out.mkdir(parents=True, exist_ok=True)
    export_graphs(cwae, mcnn, out)
    diffs = parity(cwae, mcnn, out)
    clf_diff = export_classifier(clf, out)
    if clf_diff is not None:
        diffs["classifier"] = clf_diff
    training.update({"onnx_vs_torch_max_abs_diff": diffs, "exported": time.strftime("%Y-%m-%d %H:%M:%S")})
    write_bundle(out, name, mean, std, lat, training, a.mcnn_refine, a.mcnn_pghi_hz, a.vocoder)
    if a.fixture:
        write_golden(Path(a.golden), out, cwae, mcnn, mean, std, a.mcnn_refine, a.mcnn_pghi_hz)
    print(json.dumps({"bundle": str(out), "parity": diffs}, indent=1))


if __name__ == "__main__":
    main()
