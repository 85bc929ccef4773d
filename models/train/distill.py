"""Distil a trained CWAE's decoder into a narrower one, for a cheaper bang.

The late decoder stages run at full spectrogram size and cost most of the decoder's time
(BENCHMARKS.md); a student with fewer channels there learns to reproduce the teacher's output.
The encoder, the latent space, the class conditioning and the latent statistics stay the
teacher's, so encode → decode and the interfaces' axes keep their meaning.

    python -m models.train.distill --cwae-run cwae-guide --name cwae-slim4   # the shipped decoder (about 1 h)

Writes models/runs/<name>/{checkpoint.pt, best.pt, train.log, guide.pt}: the teacher's encoder
with the student decoder, in the format export.load_trained reads (with `dec_channels`).
"""
import argparse
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from . import data as data_mod
from .cwae import CWAE, DECODER_CHANNELS
from .export import checkpoint
from .labels import CLASSES
from .train import RUNS, Run, log_mel_stats

SLIM_CHANNELS = (64, 32, 16, 8, 4)


def latent_batch(z_train, y_train, n, rng, n_classes):
    """Half encoded training sounds (what encode gives), half prior samples with random classes
    (what the pad and `random` give); one in eight of the prior half gets a soft class mix."""
    k = n // 2
    i = rng.integers(0, len(z_train), k)
    z_enc = z_train[i] + 0.1 * torch.randn(k, z_train.shape[1])
    c_enc = torch.eye(n_classes)[y_train[i]]
    z_pri = torch.randn(n - k, z_train.shape[1])
    c_pri = torch.eye(n_classes)[rng.integers(0, n_classes, n - k)]
    mix = rng.random(n - k) < 0.125
    if mix.any():
        c_pri[mix] = torch.from_numpy(rng.dirichlet(np.ones(n_classes) * 0.5, int(mix.sum())).astype(np.float32))
    return torch.cat([z_enc, z_pri]), torch.cat([c_enc, c_pri])


def init_from_teacher(student, teacher):
    """Copy every decoder tensor whose shape matches (FC layers, and stages left as wide)."""
    own = student.decoder.state_dict()
    for k, v in teacher.decoder.state_dict().items():
        if k in own and own[k].shape == v.shape:
            own[k] = v.clone()
    student.decoder.load_state_dict(own)


@torch.no_grad()
def recalibrate_bn(decoder, batches):
    """Batch-norm running statistics as the exact average over `batches` (train-mode forward)."""
    for n in decoder.norms:
        n.bn.reset_running_stats()
        n.bn.momentum = None
    decoder.train()
    for z, c in batches:
        decoder(z, c)
    decoder.eval()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", default=str(RUNS))
    ap.add_argument("--cwae-run", default="cwae-guide", help="the teacher's run folder")
    ap.add_argument("--name", default="cwae-slim")
    ap.add_argument("--channels", default=",".join(map(str, SLIM_CHANNELS)),
                    help="student decoder channels: FC grid, then after each transposed conv")
    ap.add_argument("--data", default=str(data_mod.DATA / "cache" / "dataset.npz"))
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--steps", type=int, default=2500)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--guide", type=float, default=0.02,
                    help="weight of the teacher run's class guide (guide.pt) on the prior samples: MSE alone "
                         "loses the details that make a sound recognisable as its class")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    channels = tuple(int(c) for c in a.channels.split(","))
    nc = len(CLASSES)

    src = torch.load(checkpoint(Path(a.runs) / a.cwae_run), weights_only=False)
    teacher = CWAE(nc, src["dz"], dec_channels=src.get("dec_channels", DECODER_CHANNELS))
    teacher.load_state_dict(src["model"])
    teacher.eval()
    student = CWAE(nc, src["dz"], dec_channels=channels)
    student.encoder.load_state_dict(teacher.encoder.state_dict())
    init_from_teacher(student, teacher)

    run = Run(a.name, a.runs)
    guide = Path(a.runs) / a.cwae_run / "guide.pt"
    guide_net = None
    if guide.exists():
        shutil.copy(guide, run.dir / "guide.pt")
        guide_net = torch.load(guide, weights_only=False).eval()
        for p in guide_net.parameters():
            p.requires_grad_(False)
    opt = torch.optim.Adam(student.decoder.parameters(), lr=a.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.steps, eta_min=a.lr * 0.02)
    step, best = 0, float("inf")
    state = run.load()
    if state:
        student.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step, best = state["step"], state["best"]

    ds = data_mod.load(a.data)
    lm, _, _ = log_mel_stats(ds["audio"])
    mean, std = src["mean"], src["std"]
    x = ((lm - mean[None, :, None]) / std[None, :, None]).unsqueeze(1)
    labels = ds["label"]
    eye = torch.eye(nc)
    with torch.no_grad():
        z_all = torch.cat([teacher.encoder(x[i:i + 256], eye[labels[i:i + 256]]) for i in range(0, len(x), 256)])
    train, valid = ~ds["valid"], ds["valid"]
    z_train, y_train = z_all[train], labels[train]
    # Fixed validation: the nv validation sounds' latents, then as many prior samples.
    nv = int(valid.sum())
    vrng = np.random.default_rng(123)
    zv = torch.cat([z_all[valid], torch.randn(nv, src["dz"], generator=torch.Generator().manual_seed(1))])
    cv = torch.cat([eye[labels[valid]], eye[vrng.integers(0, nc, nv)]])
    with torch.no_grad():
        tv = teacher.decoder(zv, cv)
    calib_rng = np.random.default_rng(7)
    calib = [latent_batch(z_train, y_train, 256, calib_rng, nc) for _ in range(8)]

    def ckpt():
        return dict(model=student.state_dict(), opt=opt.state_dict(), sched=sched.state_dict(), step=step, best=best,
                    mean=mean, std=std, dz=src["dz"], dec_channels=channels, teacher=a.cwae_run,
                    teacher_step=src["step"])

    rng = np.random.default_rng(step + 1)
    deadline = time.time() + a.minutes * 60
    bar = tqdm(total=a.steps, initial=step, desc="distil")
    running = []
    while step < a.steps and time.time() < deadline:
        student.decoder.train()
        z, c = latent_batch(z_train, y_train, a.batch, rng, nc)
        with torch.no_grad():
            target = teacher.decoder(z, c)
        out = student.decoder(z, c)
        mse = torch.mean((out - target) ** 2)
        ce = torch.zeros(())
        if guide_net is not None and a.guide > 0:
            prior = slice(a.batch // 2, None)  # latent_batch's second half: prior samples
            ce = torch.nn.functional.cross_entropy(guide_net(out[prior]), c[prior])
        loss = mse + a.guide * ce
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        step += 1
        running.append((mse.item(), ce.item()))
        bar.update(1)
        if step % a.eval_every == 0 or step == a.steps:
            recalibrate_bn(student.decoder, calib)
            with torch.no_grad():
                out_v = student.decoder(zv, cv)
                val = torch.mean((out_v - tv) ** 2).item()
                val_ce = (torch.nn.functional.cross_entropy(guide_net(out_v[nv:]), cv[nv:]).item()
                          if guide_net is not None else 0.0)
                score = val + a.guide * val_ce
                val_real = torch.mean((student.decoder(z_all[valid], eye[labels[valid]]) - x[valid]) ** 2).item()
            improved = score < best
            best = min(best, score)
            m = np.mean(running, axis=0)
            run.record(bar, dict(step=step, mse=round(float(m[0]), 5), guide_ce=round(float(m[1]), 4),
                                 val_vs_teacher=round(val, 5), val_guide_ce=round(val_ce, 4), score=round(score, 5),
                                 val_vs_real=round(val_real, 4), best=improved, lr=round(sched.get_last_lr()[0], 6)),
                       ckpt(), improved)
            running = []
    run.save(**ckpt())
    bar.close()


if __name__ == "__main__":
    main()
