"""Where the shipped vocoder loses spectral convergence to Griffin-Lim-32 (issue 4).

On the true Mel of every validation sound (unseen kits), the same sounds for every vocoder:
spectral convergence and log-spectral distance of the MCNN followed by k Griffin-Lim rounds,
and of Griffin-Lim-32 from random phases; then, per frequency band, each one's share of the
error energy (relative to the target's total energy, pooled over all sounds: loud kicks and
toms weigh most, while SC is a mean over sounds).

    python -m models.train.vocoder_study --rounds 0 2 8 24      # ~2 min on one core
    python -m models.train.vocoder_study --mcnn-run mcnn-rr     # a trained run instead of the bundle's MCNN
    python -m models.train.vocoder_study --pghi-hz 0            # the rounds from the MCNN's phase everywhere
"""
import argparse
from pathlib import Path

import numpy as np
import torch

from . import evaluate as E
from . import features as F
from . import refine as R
from .mcnn import mcnn_from_checkpoint

BANDS_HZ = (0, 215, 650, 2150, 5400, 11025)  # the last band includes Nyquist


def mcnn_from_run(run):
    from .export import checkpoint

    return mcnn_from_checkpoint(torch.load(checkpoint(Path(run)), weights_only=False)).eval()


def vocode_with(model, mel, rounds, pghi_bins=0):
    with torch.no_grad():
        wave, mask = model(torch.as_tensor(mel))
    return R.limit_peak(R.refine_masked(wave, mask, mel, rounds, pghi_bins))


def band_errors(pred, target):
    t, p = E._stft(target, 2048), E._stft(pred, 2048)
    total = (t ** 2).sum()
    hz = np.fft.rfftfreq(2048, 1 / F.SAMPLE_RATE)
    last = len(BANDS_HZ) - 2
    return [float((((t - p) ** 2)[:, (hz >= lo) & ((hz < hi) | ((i == last) & (hz <= hi)))]).sum() / total)
            for i, (lo, hi) in enumerate(zip(BANDS_HZ[:-1], BANDS_HZ[1:]))]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", default=str(E.ROOT / "models" / "ndm-v1"))
    ap.add_argument("--mcnn-run", default=None, help="a run folder under models/runs instead of the bundle's mcnn.onnx")
    ap.add_argument("--runs", default=str(E.ROOT / "models" / "runs"))
    ap.add_argument("--data", default=None)
    ap.add_argument("--rounds", type=int, nargs="+", default=[0, 2, 8])
    ap.add_argument("--pghi-hz", type=float, default=None,
                    help="the first round's phase below this from PGHI (default: the bundle's mcnn_pghi_hz, "
                         "or off with --mcnn-run; 0: off)")
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    from .data import DATA, load

    ds = load(a.data or DATA / "cache" / "dataset.npz")
    audio = ds["audio"][np.nonzero(ds["valid"])[0]]
    mel = F.Features().mel(torch.from_numpy(audio)).numpy()
    if a.mcnn_run:
        model = mcnn_from_run(Path(a.runs) / a.mcnn_run)
        pghi_bins = R.phase_bins(a.pghi_hz) if a.pghi_hz is not None else 0  # no bundle to ask
        vocode = lambda m, k: vocode_with(model, m, k, pghi_bins)
    else:
        b = E.Bundle(a.bundle)
        if a.pghi_hz is not None:
            b.pghi_bins = R.phase_bins(a.pghi_hz)
        vocode = b.vocode
    bands = " | ".join(f"{lo}-{hi} Hz" for lo, hi in zip(BANDS_HZ[:-1], BANDS_HZ[1:]))
    print(f"{len(audio)} validation sounds; error energy / target energy per band: {bands}")
    print("| vocoder | SC | LSD 512 | LSD 2048 | error share by band |\n| --- | ---: | ---: | ---: | --- |")
    rows = [(f"MCNN + {k} rounds", lambda k=k: np.concatenate([vocode(mel[i:i + 16], k) for i in range(0, len(audio), 16)]))
            for k in a.rounds]
    rows.append(("Griffin-Lim-32", lambda: np.stack([E.griffin_lim(m, 32) for m in mel])[:, :audio.shape[1]]))
    for name, run in rows:
        w = run()
        s = E.spectral_scores(w, audio)
        share = " / ".join(f"{v:.3f}" for v in band_errors(w, audio))
        print(f"| {name} | {s['sc']:.3f} | {s['lsd_512']:.2f} | {s['lsd_2048']:.2f} | {share} |", flush=True)


if __name__ == "__main__":
    main()
