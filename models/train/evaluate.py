"""Evaluate a bundle on the validation split (unseen kit families); write metrics.json and a report.

    python -m models.train.evaluate                 # models/ndm-v1 → metrics.json + report/
"""
import argparse
import html
import json
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from . import features as F
from .classifier import predict, train_classifier
from .refine import limit_peak, pghi_vocode, phase_bins, refine_masked
from .labels import CLASSES

ROOT = Path(__file__).resolve().parents[2]


class Bundle:
    """The exported graphs run with ONNX Runtime: what users hear, not the PyTorch twins."""

    def __init__(self, path, threads=1):
        import onnxruntime as ort

        self.path = Path(path)
        self.cfg = json.loads((self.path / "bundle.json").read_text())
        self.refine_rounds = self.cfg.get("mcnn_refine", 0)  # absent in older bundles
        self.pghi_bins = phase_bins(self.cfg.get("mcnn_pghi_hz", 0.0))  # absent: off
        self.vocoder = self.cfg.get("vocoder", "mcnn")  # absent in older bundles
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        self.enc = ort.InferenceSession(str(self.path / "encoder.onnx"), opts)
        self.dec = ort.InferenceSession(str(self.path / "decoder.onnx"), opts)
        self.mcnn = ort.InferenceSession(str(self.path / "mcnn.onnx"), opts)
        self.mean = torch.tensor(self.cfg["norm"]["mean"])
        self.std = torch.tensor(self.cfg["norm"]["std"])
        self.eye = np.eye(len(self.cfg["classes"]), dtype=np.float32)

    def encode(self, audio, labels):
        lm = F.Features().log_mel(torch.from_numpy(audio))
        s = F.standardise(lm, self.mean, self.std).unsqueeze(1).numpy()
        return self.enc.run(None, {"logmel": s, "class": self.eye[labels]})[0]

    def decode(self, z, labels):
        s = self.dec.run(None, {"z": z.astype(np.float32), "class": self.eye[labels]})[0]
        return F.destandardise_to_mel(torch.from_numpy(s[:, 0]), self.mean, self.std).numpy()

    def guess_class(self, audio):
        """Encode without a class, as the Rust engine does: the bundle's classifier if it has
        one, and always the best of the n_classes reconstructions; returns both guesses."""
        lm = F.Features().log_mel(torch.from_numpy(audio))
        x = F.standardise(lm, self.mean, self.std).unsqueeze(1).numpy()
        nc = len(self.eye)
        by_clf = None
        if (self.path / "classifier.onnx").exists():
            import onnxruntime as ort

            s = ort.InferenceSession(str(self.path / "classifier.onnx"))
            by_clf = np.concatenate([s.run(None, {"logmel": x[i:i + 64]})[0].argmax(1) for i in range(0, len(x), 64)])
        by_rec = []
        for xi in x:
            xs = np.repeat(xi[None], nc, 0)
            z = self.enc.run(None, {"logmel": xs, "class": self.eye})[0]
            rec = self.dec.run(None, {"z": z, "class": self.eye})[0]
            by_rec.append(int(np.argmin(((rec - xs) ** 2).mean(axis=(1, 2, 3)))))
        return by_clf, np.array(by_rec)

    def vocode(self, mel, refine_rounds=None, limit=True, vocoder=None):
        """The bundle's vocoder (or `vocoder`), as the engine runs it: the MCNN's masked output
        or, for "pghi", a seeded noise; then the bundle's Griffin-Lim rounds (the first with the
        low band's phase from PGHI if the bundle asks) and the peak limit."""
        rounds = self.refine_rounds if refine_rounds is None else refine_rounds
        if (vocoder or self.vocoder) == "pghi":
            out = pghi_vocode(mel, rounds, self.pghi_bins)
        else:
            wave, mask = self.mcnn.run(None, {"mel": mel.astype(np.float32)})
            out = refine_masked(wave, mask, mel, rounds, self.pghi_bins, self.cfg["mask_threshold"])
        return limit_peak(out) if limit else out


def griffin_lim(mel, iters, seed=0):
    """Baseline: non-negative least-squares-ish Mel inversion (pinv, clamped) + Griffin-Lim with
    the same framing as the features (torch's centred STFT == BUNDLE.md's framing)."""
    fb = torch.from_numpy(F.mel_filterbank())
    mag = torch.clamp(torch.linalg.pinv(fb) @ torch.as_tensor(mel), min=0.0)
    mag = torch.cat([mag, mag[..., -1:]], dim=-1)  # torch's centred STFT has one more frame
    win = torch.from_numpy(F.periodic_hann())
    g = torch.Generator().manual_seed(seed)
    angles = torch.exp(2j * np.pi * torch.rand(mag.shape, generator=g))
    length = (mag.shape[-1] - 1) * F.HOP
    for _ in range(iters):
        x = torch.istft(mag * angles, F.N_FFT, F.HOP, F.WIN, window=win, length=length)
        spec = torch.stft(x, F.N_FFT, F.HOP, F.WIN, window=win, return_complex=True)
        angles = torch.exp(1j * torch.angle(spec))
    return torch.istft(mag * angles, F.N_FFT, F.HOP, F.WIN, window=win, length=length).numpy()


def _stft(x, n_fft):
    return torch.stft(torch.as_tensor(x), n_fft, n_fft // 4, window=torch.hann_window(n_fft),
                      return_complex=True).abs()


def sc(pred, target, n_fft=2048):
    p, t = _stft(pred, n_fft), _stft(target, n_fft)
    return (torch.linalg.norm((t - p).flatten(1), dim=1) / torch.linalg.norm(t.flatten(1), dim=1).clamp_min(1e-7)).numpy()


def lsd(pred, target, n_fft):
    """Log-spectral distance (dB), mean over frames with energy in the target."""
    p, t = _stft(pred, n_fft) ** 2, _stft(target, n_fft) ** 2
    d = (10 * torch.log10(p + 1e-8) - 10 * torch.log10(t + 1e-8)) ** 2
    return torch.sqrt(d.mean(dim=1)).mean(dim=1).numpy()


def spectral_scores(pred, target):
    return {"sc": float(np.mean(sc(pred, target))), "lsd_512": float(np.mean(lsd(pred, target, 512))),
            "lsd_2048": float(np.mean(lsd(pred, target, 2048)))}


def classifier_input(audio):
    """Log-Mel with each sound's mean removed: level-invariant, so the yardstick judges timbre."""
    lm = F.Features().log_mel(torch.as_tensor(audio, dtype=torch.float32))
    return ((lm - lm.mean(dim=(1, 2), keepdim=True)) / 4.0).unsqueeze(1)


def audio_features(audio):
    return torch.cat([classifier_input(audio[i:i + 256]) for i in range(0, len(audio), 256)])


def train_yardstick(audio, labels, epochs, seed=0, cache=None):
    """Trained once per (data, epochs, seed) and cached, so that every bundle evaluated against
    the same data set is judged by the same classifier."""
    import hashlib

    key = hashlib.sha256(audio.tobytes() + labels.tobytes() + f"{epochs}/{seed}".encode()).hexdigest()[:16]
    path = Path(cache) / f"yardstick-{key}.pt" if cache else None
    if path and path.exists():
        return torch.load(path, weights_only=False).eval()
    model = train_classifier(audio_features(audio), labels, len(CLASSES), epochs=epochs, seed=seed)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(model, path)
    return model


def classify(model, audio):
    return predict(model, audio_features(audio))


def pooled_features(audio):
    """Per Mel band: mean, spread and maximum over time of the yardstick's input; no convolution."""
    x = audio_features(audio)[:, 0]
    return torch.cat([x.mean(2), x.std(2), x.amax(2)], 1)


def character(audio):
    """Median length (last sample above 1% of the peak) and spectral centroid: no learned judge,
    so it cannot be fooled the way a classifier can (a decoder fine-tuned through the vocoder
    against a CNN guide made 'snares' every CNN judge accepted, 0.06 s long at 191 Hz)."""
    a = audio / np.maximum(np.abs(audio).max(axis=1, keepdims=True), 1e-9)
    above = np.abs(a) > 0.01
    length = np.where(above.any(1), a.shape[1] - 1 - np.argmax(above[:, ::-1], axis=1), 0) / F.SAMPLE_RATE
    power = np.abs(np.fft.rfft(a, axis=1)) ** 2
    freqs = np.fft.rfftfreq(a.shape[1], 1 / F.SAMPLE_RATE)
    centroid = (power * freqs).sum(1) / np.maximum(power.sum(1), 1e-20)
    return {"length_s": float(np.median(length)), "centroid_hz": float(np.median(centroid))}


def train_linear_judge(audio, labels, seed=3, steps=500):
    """A linear classifier of pooled band statistics: another family than the CNN yardstick and
    than the CNN class guides, so that a gain it confirms is less likely a CNN's blind spot."""
    x = pooled_features(audio)
    mu, sd = x.mean(0), x.std(0) + 1e-6
    y = torch.as_tensor(labels)
    torch.manual_seed(seed)
    lin = torch.nn.Linear(x.shape[1], len(CLASSES))
    opt = torch.optim.Adam(lin.parameters(), lr=1e-2, weight_decay=1e-4)
    counts = np.bincount(y.numpy(), minlength=len(CLASSES)).astype(np.float32)
    weight = torch.from_numpy(counts.sum() / np.maximum(counts, 1) / len(CLASSES))
    for _ in range(steps):
        loss = torch.nn.functional.cross_entropy(lin((x - mu) / sd), y, weight=weight)
        opt.zero_grad()
        loss.backward()
        opt.step()

    @torch.no_grad()
    def judge(a):
        return lin((pooled_features(a) - mu) / sd).argmax(1).numpy()
    return judge


def per_class_accuracy(pred, labels):
    return {CLASSES[k]: float(np.mean(pred[labels == k] == k)) for k in range(len(CLASSES)) if np.any(labels == k)}


def confusion(pred, labels):
    m = np.zeros((len(CLASSES), len(CLASSES)), dtype=int)
    for p, t in zip(pred, labels):
        m[t, p] += 1
    return m.tolist()


def per_second(fn, seconds):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) / seconds


def spectrogram_png(audio, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lm = F.Features().log_mel(torch.as_tensor(audio[None], dtype=torch.float32))[0].numpy()
    fig, ax = plt.subplots(figsize=(3, 2), dpi=80)
    ax.imshow(lm, origin="lower", aspect="auto", cmap="magma", vmin=-8, vmax=lm.max())
    ax.set_axis_off()
    fig.tight_layout(pad=0)
    fig.savefig(path)
    plt.close(fig)


def write_report(out, rows, prior_rows, metrics):
    import soundfile as sf

    out.mkdir(parents=True, exist_ok=True)
    parts = ["<!doctype html><meta charset=utf-8><title>ndm-v1 report</title>",
             "<style>body{font-family:sans-serif}td{padding:4px;text-align:center}</style>",
             "<h1>ndm-v1: validation sounds (unseen kits) and prior samples</h1>",
             f"<pre>{html.escape(json.dumps(metrics['summary'], indent=1))}</pre>",
             "<h2>Input → CWAE output (MCNN) → MCNN on the input's Mel</h2><table>"]

    def cell(name, audio):
        sf.write(out / f"{name}.wav", audio, F.SAMPLE_RATE)
        spectrogram_png(audio, out / f"{name}.png")
        return f"<td><img src='{name}.png'><br><audio controls src='{name}.wav'></audio></td>"

    for cls, idx, sounds in rows:
        parts.append(f"<tr><th>{cls}</th>" + "".join(cell(f"{cls}_{idx}_{k}", a) for k, a in sounds.items()) + "</tr>")
    parts.append("</table><h2>Prior samples per class</h2><table>")
    for cls, sounds in prior_rows:
        parts.append(f"<tr><th>{cls}</th>" + "".join(cell(f"prior_{cls}_{i}", a) for i, a in enumerate(sounds)) + "</tr>")
    parts.append("</table>")
    (out / "index.html").write_text("\n".join(parts))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bundle", default=str(ROOT / "models" / "ndm-v1"))
    ap.add_argument("--data", default=None)
    ap.add_argument("--prior-per-class", type=int, default=100)
    ap.add_argument("--classifier-epochs", type=int, default=30)
    ap.add_argument("--max-valid", type=int, default=None)
    ap.add_argument("--classifier-threads", type=int, default=2)
    ap.add_argument("--vocoder", choices=("mcnn", "pghi"), default=None,
                    help="judge the chain and the prior samples through this vocoder instead of the bundle's "
                         "(writes metrics-<vocoder>.json beside metrics.json, and no report)")
    ap.add_argument("--classifier-cache", default=str(ROOT / "models" / "runs"),
                    help="folder for the trained yardstick classifier ('' to retrain every time)")
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    from .data import DATA, load

    ds = load(a.data or DATA / "cache" / "dataset.npz")
    b = Bundle(a.bundle)
    if a.vocoder:
        b.vocoder = a.vocoder
    if b.vocoder == "pghi" and b.refine_rounds < 1:
        ap.error("the pghi vocoder needs the bundle's mcnn_refine ≥ 1 (its rounds)")
    valid = np.nonzero(ds["valid"])[0][: a.max_valid]
    audio, labels = ds["audio"][valid], ds["label"][valid]
    feats = F.Features()

    # CWAE reconstruction (log-Mel domain) and the full chain.
    z = np.concatenate([b.encode(audio[i:i + 64], labels[i:i + 64]) for i in range(0, len(audio), 64)])
    mel_rec = np.concatenate([b.decode(z[i:i + 64], labels[i:i + 64]) for i in range(0, len(z), 64)])
    mel_true = feats.mel(torch.from_numpy(audio)).numpy()
    lm_true, lm_rec = np.log(mel_true + F.LOG_EPS), np.log(mel_rec + F.LOG_EPS)
    cwae = {"logmel_l1": float(np.mean(np.abs(lm_rec - lm_true))),
            "mel_sc": float(np.mean(np.linalg.norm((mel_true - mel_rec).reshape(len(audio), -1), axis=1)
                                    / np.linalg.norm(mel_true.reshape(len(audio), -1), axis=1)))}

    # Vocoders on ground-truth Mel.
    sec = len(audio) * F.LENGTH / F.SAMPLE_RATE
    # The peak limit is the object's, not the vocoder's: Griffin-Lim is also scored with it and
    # the MCNN without it, so that either pair compares like with like.
    n_timed = min(20, len(audio))
    vocoders = {}
    wav_shipped = None
    for name in ("mcnn", "pghi") if b.refine_rounds else ("mcnn",):
        wav_free = np.concatenate([b.vocode(mel_true[i:i + 16], limit=False, vocoder=name)
                                   for i in range(0, len(audio), 16)])
        t = per_second(lambda: [b.vocode(mel_true[i:i + 1], vocoder=name) for i in range(n_timed)],
                       n_timed * F.LENGTH / F.SAMPLE_RATE)
        wav = limit_peak(wav_free)
        vocoders[name] = dict(spectral_scores(wav, audio), seconds_per_audio_second=t,
                              refine_rounds=b.refine_rounds, pghi_bins=b.pghi_bins,
                              sc_without_peak_limit=spectral_scores(wav_free, audio)["sc"])
        if name == b.vocoder:
            wav_shipped = wav
    if b.refine_rounds:
        wav_alone = np.concatenate([b.vocode(mel_true[i:i + 16], 0, vocoder="mcnn") for i in range(0, len(audio), 16)])
        t_alone = per_second(lambda: [b.vocode(mel_true[i:i + 1], 0, vocoder="mcnn") for i in range(n_timed)],
                             n_timed * F.LENGTH / F.SAMPLE_RATE)
        vocoders["mcnn_alone"] = dict(spectral_scores(wav_alone, audio), seconds_per_audio_second=t_alone)
    for iters in (32, 100):
        # The same sounds as the MCNN's scores: the first 40 alone flattered Griffin-Lim-32
        # (SC 0.455 there, 0.491 on all 174).
        n = len(audio)
        t0 = time.perf_counter()
        gl = np.stack([griffin_lim(mel_true[i], iters) for i in range(n)])
        secs = (time.perf_counter() - t0) / (n * F.LENGTH / F.SAMPLE_RATE)
        vocoders[f"griffin_lim_{iters}"] = dict(spectral_scores(gl, audio[:n]), seconds_per_audio_second=secs, n=n,
                                                sc_with_peak_limit=spectral_scores(limit_peak(gl), audio[:n])["sc"])
    chain_wav = np.concatenate([b.vocode(mel_rec[i:i + 16]) for i in range(0, len(audio), 16)])
    chain = spectral_scores(chain_wav, audio)

    # Encoding without a class: how often the engine's guess is right on unseen kits.
    by_clf, by_rec = b.guess_class(audio)
    guess = {"reconstructions_accuracy": float(np.mean(by_rec == labels))}
    if by_clf is not None:
        guess["classifier_accuracy"] = float(np.mean(by_clf == labels))

    # Class conditioning, measured by an independent classifier.
    tr = ~ds["valid"]
    torch.set_num_threads(a.classifier_threads)  # timings above are single-threaded; this is not timed
    clf = train_yardstick(ds["audio"][tr], ds["label"][tr], a.classifier_epochs, cache=a.classifier_cache or None)
    pred_real = classify(clf, audio)
    real_acc = per_class_accuracy(pred_real, labels)
    rng = np.random.default_rng(0)
    gen, gen_labels, prior_rows = [], [], []
    for k, cls in enumerate(CLASSES):
        zk = rng.standard_normal((a.prior_per_class, b.cfg["latent_dim"])).astype(np.float32)
        lk = np.full(a.prior_per_class, k)
        wk = np.concatenate([b.vocode(b.decode(zk[i:i + 25], lk[i:i + 25])) for i in range(0, len(zk), 25)])
        gen.append(wk)
        gen_labels.append(lk)
        prior_rows.append((cls, list(wk[:4])))
    gen, gen_labels = np.concatenate(gen), np.concatenate(gen_labels)
    pred_gen = classify(clf, gen)
    gen_acc = per_class_accuracy(pred_gen, gen_labels)
    # Second opinions: the yardstick's verdicts moved with its own seed and length of training.
    second = {}
    audio_tr, labels_tr = ds["audio"][tr], ds["label"][tr]
    cnn2 = train_yardstick(audio_tr, labels_tr, a.classifier_epochs, seed=2, cache=a.classifier_cache or None)
    lin = train_linear_judge(audio_tr, labels_tr)
    for name, judge in (("cnn_seed2", lambda x: classify(cnn2, x)), ("linear_pooled", lin)):
        second[name] = {"real_valid_per_class": per_class_accuracy(judge(audio), labels),
                        "prior_samples_per_class": per_class_accuracy(judge(gen), gen_labels)}
    # Recorded sounds only: the pitch-shifted copies would dominate the scarce classes' medians.
    orig = tr & ~ds["augmented"].astype(bool) if "augmented" in ds else tr
    real_tr, lab_tr = ds["audio"][orig], ds["label"][orig]
    char = {c: {"real_training": character(real_tr[lab_tr == k]), "prior_samples": character(gen[gen_labels == k])}
            for k, c in enumerate(CLASSES) if np.any(lab_tr == k) and np.any(gen_labels == k)}
    summary = {
        "validation_sounds": int(len(audio)),
        "cwae_logmel_l1": cwae["logmel_l1"], "cwae_mel_sc": cwae["mel_sc"],
        "vocoder": b.vocoder, "mcnn_sc": vocoders["mcnn"]["sc"], "mcnn_refine": vocoders["mcnn"]["refine_rounds"],
        **({"pghi_sc": vocoders["pghi"]["sc"]} if "pghi" in vocoders else {}),
        "mcnn_alone_sc": vocoders.get("mcnn_alone", vocoders["mcnn"])["sc"], "griffin_lim_32_sc": vocoders["griffin_lim_32"]["sc"],
        "griffin_lim_100_sc": vocoders["griffin_lim_100"]["sc"], "chain_sc": chain["sc"],
        "classifier_real_valid_mean_per_class": float(np.mean(list(real_acc.values()))),
        "classifier_prior_samples_mean_per_class": float(np.mean(list(gen_acc.values()))),
        **{f"{n}_prior_samples_mean_per_class": float(np.mean(list(j["prior_samples_per_class"].values())))
           for n, j in second.items()},
    }
    metrics = {
        "summary": summary, "cwae": cwae, "vocoders_on_true_mel": vocoders, "full_chain": chain,
        "class_guess_on_encode": guess, "character": char,
        "classifier": {"real_valid_per_class": real_acc, "real_valid_overall": float(np.mean(pred_real == labels)),
                       "prior_samples_per_class": gen_acc, "prior_confusion": confusion(pred_gen, gen_labels),
                       "real_confusion": confusion(pred_real, labels), "classes": CLASSES,
                       "second_opinions": second},
    }
    bundle_dir = Path(a.bundle)
    if a.vocoder:
        (bundle_dir / f"metrics-{a.vocoder}.json").write_text(json.dumps(metrics, indent=1) + "\n")
        print(json.dumps(summary, indent=1))
        return
    (bundle_dir / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")

    rows = []
    for k, cls in enumerate(CLASSES):
        for i in np.nonzero(labels == k)[0][:2]:
            rows.append((cls, int(i), {"input": audio[i], "cwae": chain_wav[i], "mcnn": wav_shipped[i]}))
    write_report(bundle_dir / "report", rows, prior_rows, metrics)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
