"""Train the CWAE and the MCNN (resumable; checkpoints and logs under models/runs/<name>/).

    python -m models.train.train cwae --minutes 100
    python -m models.train.train mcnn --minutes 100
"""
import argparse
import itertools
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as Fn
from tqdm import tqdm

from . import data as data_mod
from .cwae import CWAE, per_class_mmd
from .features import FRAMES, HOP, LOG_EPS, Features
from .labels import CLASSES
from .mcnn import HEADS, MCNN, MCNNLoss, RefinedLoss, mask_target, mcnn_from_checkpoint
from . import refine as R

ROOT = Path(__file__).resolve().parents[2]
RUNS = ROOT / "models" / "runs"


def log_mel_stats(audio):
    feats = Features()
    with torch.no_grad():
        lm = torch.cat([feats.log_mel(torch.from_numpy(audio[i:i + 256])) for i in range(0, len(audio), 256)])
    mean = lm.mean(dim=(0, 2))
    std = lm.std(dim=(0, 2)).clamp_min(1e-3)
    return lm, mean, std


class Run:
    """Checkpointing, logging and a wall-clock budget for one model's training."""

    def __init__(self, name, run_dir):
        self.dir = Path(run_dir) / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.ckpt = self.dir / "checkpoint.pt"
        self.log = open(self.dir / "train.log", "a")

    def write(self, msg):
        self.log.write(msg + "\n")
        self.log.flush()

    def save(self, **state):
        tmp = self.ckpt.with_suffix(".tmp")
        torch.save(state, tmp)
        tmp.replace(self.ckpt)

    def load(self):
        return torch.load(self.ckpt, weights_only=False) if self.ckpt.exists() else None

    def record(self, bar, info, state, improved):
        """One validation: a log line (also shown on the progress bar), the checkpoint, and
        best.pt when the validation score improved."""
        msg = json.dumps(dict(info, time=time.strftime("%H:%M:%S")))
        self.write(msg)
        bar.set_postfix_str(msg[:80])
        self.save(**state)
        if improved:
            torch.save(state, self.dir / "best.pt")


def balanced_batches(labels, per_class, rng):
    by_class = [np.nonzero(labels == k)[0] for k in range(len(CLASSES))]
    while True:
        yield np.concatenate([rng.choice(ix, per_class, replace=len(ix) < per_class) for ix in by_class if len(ix)])


def level_jitter(std):
    """Level change of ±1 nat in standardised log-Mel, never below silence."""
    def gain(x, rng):
        g = torch.from_numpy(rng.uniform(-1.0, 1.0, size=(x.shape[0], 1, 1, 1)).astype(np.float32))
        on = torch.from_numpy((rng.random((x.shape[0], 1, 1, 1)) < 0.5).astype(np.float32))
        return x + on * g / std[None, None, :, None]
    return gain


def train_guide(x, labels, floor, std, epochs):
    """The frozen class guide: a classifier on the CWAE's own (standardised log-Mel) space."""
    from .classifier import train_classifier
    guide = train_classifier(x, labels, len(CLASSES), epochs=epochs, seed=1, floor=floor,
                             gain=level_jitter(std), desc="guide")
    for p in guide.parameters():
        p.requires_grad_(False)
    return guide


def train_cwae(args, ds):
    from .classifier import augment
    run = Run(args.name or "cwae", args.runs)
    train = ~ds["valid"]
    lm_all, mean, std = log_mel_stats(ds["audio"])
    x_all = ((lm_all - mean[None, :, None]) / std[None, :, None]).unsqueeze(1)
    floor = (np.log(LOG_EPS) - mean) / std  # silence, per Mel bin, in the standardised domain
    labels = ds["label"]
    n_classes = len(CLASSES)
    onehot = torch.eye(n_classes)
    model = CWAE(n_classes, args.dz)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=args.patience)
    train_idx = np.nonzero(train)[0]
    valid_idx = np.nonzero(~train)[0]
    guide = None
    if args.guide > 0:
        guide_path = run.dir / "guide.pt"
        guide = train_guide(x_all[train_idx], labels[train_idx], floor, std, args.guide_epochs) \
            if not guide_path.exists() else torch.load(guide_path, weights_only=False)
        torch.save(guide, guide_path)
    state = run.load()
    step, best, since_best = 0, math.inf, 0
    if state:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step, best, since_best = state["step"], state["best"], state.get("since_best", 0)
    rng = np.random.default_rng(step)
    batches = balanced_batches(labels[train_idx], args.per_class, rng)
    gain = level_jitter(std)
    deadline = time.time() + args.minutes * 60
    bar = tqdm(total=args.steps, initial=step, desc="cwae")
    running = []
    ckpt = lambda: dict(model=model.state_dict(), opt=opt.state_dict(), sched=sched.state_dict(), step=step,
                        best=best, since_best=since_best, mean=mean, std=std, dz=args.dz)
    while step < args.steps and time.time() < deadline and since_best < args.stop_after:
        model.train()
        b = train_idx[next(batches)]
        x, y = x_all[b], torch.from_numpy(labels[b])
        if args.augment:
            x = gain(augment(x, rng, floor), rng)
        c = onehot[y]
        z = model.encoder(x, c)
        if guide is not None:
            # Prior samples go through the decoder in the same batch, so batch norm sees both.
            zp = torch.randn_like(z)
            out = model.decoder(torch.cat([z, zp]), torch.cat([c, c]))
            rec, gen = out[: len(z)], out[len(z):]
            ce = Fn.cross_entropy(guide(gen), y)
        else:
            rec, ce = model.decoder(z, c), torch.zeros(())
        mse = torch.mean((rec - x) ** 2)
        mmd = per_class_mmd(z, y, n_classes)
        loss = mse + args.beta * mmd + args.guide * ce
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        running.append((mse.item(), mmd.item(), ce.item()))
        bar.update(1)
        if step % args.eval_every == 0 or step == args.steps:
            val = evaluate_cwae(model, x_all[valid_idx], onehot[labels[valid_idx]])
            sched.step(val)
            m = np.mean(running, axis=0)
            running = []
            improved = val < best
            best, since_best = (val, 0) if improved else (best, since_best + 1)
            run.record(bar, dict(step=step, mse=round(m[0], 4), mmd=round(m[1], 4), guide_ce=round(m[2], 4),
                                 val_mse=round(val, 4), best=improved, lr=opt.param_groups[0]["lr"]),
                       ckpt(), improved)
    run.save(**ckpt())
    bar.close()


@torch.no_grad()
def evaluate_cwae(model, x, c):
    model.eval()
    errs = [torch.mean((model(x[i:i + 128], c[i:i + 128])[0] - x[i:i + 128]) ** 2).item() * len(x[i:i + 128])
            for i in range(0, len(x), 128)]
    return float(np.sum(errs) / max(1, len(x)))


def prune_heads(teacher, heads, loss_fn, mel, wav):
    """The `heads` of `teacher` that, kept alone, give the lowest loss on (mel, wav): the start
    of a cheaper MCNN (each head costs the same, so fewer heads is proportionally faster)."""
    best, best_loss = None, math.inf
    for keep in itertools.combinations(range(len(teacher.heads)), heads):
        m = MCNN(heads=heads, log_mean=teacher.log_mean.item(), log_std=teacher.log_std.item())
        for dst, src in zip(m.heads, keep):
            dst.load_state_dict(teacher.heads[src].state_dict())
        with torch.no_grad():
            m.head_weights.copy_(teacher.head_weights[list(keep)])
            m.a.copy_(teacher.a)
            m.b.copy_(teacher.b)
            pred, mask = m.eval()(mel)
            loss = loss_fn(pred, mask, wav, mask_target(wav)).item()
        if loss < best_loss:
            best, best_loss = (m, keep), loss
    return best[0], best[1], best_loss


def train_mcnn(args, ds):
    run = Run(args.name or "mcnn", args.runs)
    feats = Features()
    audio = torch.from_numpy(ds["audio"])
    with torch.no_grad():
        mel_all = torch.cat([feats.mel(audio[i:i + 256]) for i in range(0, len(audio), 256)])
        lm = torch.log(mel_all[~torch.from_numpy(ds["valid"])] + 1e-5)
    loss_fn = MCNNLoss()
    valid_idx = np.nonzero(ds["valid"])[0]
    vidx = np.random.default_rng(0).choice(valid_idx, min(64, len(valid_idx)), replace=False)
    if args.init_from and not run.ckpt.exists():
        from .export import checkpoint

        teacher = mcnn_from_checkpoint(torch.load(checkpoint(Path(args.runs) / args.init_from), weights_only=False))
        model, keep, loss0 = prune_heads(teacher, args.heads, loss_fn, mel_all[vidx], audio[vidx])
        run.write(json.dumps(dict(init_from=args.init_from, kept_heads=list(keep), val=round(loss0, 4))))
    else:
        model = MCNN(heads=args.heads, log_mean=lm.mean().item(), log_std=lm.std().item())
    teacher = None
    if args.teacher:
        from .export import checkpoint

        teacher = mcnn_from_checkpoint(torch.load(checkpoint(Path(args.runs) / args.teacher), weights_only=False)).eval()

    def targets(mel, wav):
        """The real audio, or with --teacher the teacher MCNN's masked output and mask: a pruned
        student then learns the teacher's sound, which the yardstick recognises better."""
        if teacher is None:
            return wav, mask_target(wav)
        with torch.no_grad():
            tw, tm = teacher(mel)
        return tw * tm, tm
    refined_loss = RefinedLoss()

    def loss_of(mel, pred, mask, target, target_mask):
        """The MCNN's own loss, plus with --through-rounds the SC of its output after the
        engine's rounds (the hard mask as in the engine; the gradient flows through the wave)."""
        loss = loss_fn(pred, mask, target, target_mask)
        if args.through_rounds:
            loss = loss + args.refined_weight * refined_loss(R.masked_rounds(pred, mask, mel, args.through_rounds), target)
        return loss
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=args.patience)
    state = run.load()
    step, best = 0, math.inf
    if state:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step, best = state["step"], state["best"]
    rng = np.random.default_rng(step + 1)
    train_idx = np.nonzero(~ds["valid"])[0]
    crop = args.crop_frames
    deadline = time.time() + args.minutes * 60
    bar = tqdm(total=args.steps, initial=step, desc="mcnn")
    running = []

    def ckpt():
        return dict(model=model.state_dict(), opt=opt.state_dict(), sched=sched.state_dict(), step=step, best=best,
                    log_mean=model.log_mean.item(), log_std=model.log_std.item(), init_from=args.init_from,
                    teacher=args.teacher, through_rounds=args.through_rounds,
                    **({"refined_weight": args.refined_weight} if args.through_rounds else {}))

    def batch(idx):
        # Crops start where the sound is, mostly near the onset, where the detail is.
        t0 = rng.integers(0, FRAMES - crop + 1, size=len(idx)) * (rng.random(len(idx)) < 0.5)
        mel = torch.stack([mel_all[i, :, t:t + crop] for i, t in zip(idx, t0)])
        wav = torch.stack([audio[i, t * HOP:(t + crop) * HOP] for i, t in zip(idx, t0)])
        return mel, wav

    while step < args.steps and time.time() < deadline:
        model.train()
        mel, wav = batch(rng.choice(train_idx, args.batch))
        pred, mask = model(mel)
        loss = loss_of(mel, pred, mask, *targets(mel, wav))
        opt.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        if not torch.isfinite(norm):
            # One batch's NaN (|STFT| has no gradient at an exact zero) would poison every weight
            # through Adam: skip it (the pruned 1-head run died of this twice, steps 84 and 408).
            opt.zero_grad()
            continue
        opt.step()
        step += 1
        running.append(loss.item())
        bar.update(1)
        if step % args.eval_every == 0 or step == args.steps:
            model.eval()
            with torch.no_grad():
                mel, wav = mel_all[vidx], audio[vidx]
                pred, mask = model(mel)
                val = loss_of(mel, pred, mask, *targets(mel, wav)).item()
            sched.step(val)
            improved = val < best
            best = min(best, val)
            run.record(bar, dict(step=step, loss=round(float(np.mean(running)), 4), val=round(val, 4),
                                 lr=opt.param_groups[0]["lr"]), ckpt(), improved)
            running = []
    run.save(**ckpt())
    bar.close()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", choices=["cwae", "mcnn"])
    ap.add_argument("--data", default=str(data_mod.DATA / "cache" / "dataset.npz"))
    ap.add_argument("--runs", default=str(RUNS))
    ap.add_argument("--minutes", type=float, default=100)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--patience", type=int, default=10)
    ap.add_argument("--eval-every", type=int, default=None)
    ap.add_argument("--dz", type=int, default=64)
    ap.add_argument("--beta", type=float, default=10.0)
    ap.add_argument("--per-class", type=int, default=8)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--crop-frames", type=int, default=24)
    ap.add_argument("--name", default=None, help="run folder name (default: the model's)")
    ap.add_argument("--heads", type=int, default=HEADS, help="MCNN: number of heads")
    ap.add_argument("--init-from", default=None,
                    help="MCNN: start from this run's best heads (pruned to --heads) instead of random weights")
    ap.add_argument("--teacher", default=None, help="MCNN: learn this run's output instead of the real audio")
    ap.add_argument("--through-rounds", type=int, default=0,
                    help="MCNN: also train on the SC of its output after this many Griffin-Lim rounds (the engine's refinement)")
    ap.add_argument("--refined-weight", type=float, default=3.0, help="MCNN: weight of that SC term")
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--augment", type=int, default=1, help="CWAE: jitter onset, pitch and level")
    ap.add_argument("--guide", type=float, default=0.0, help="CWAE: weight of the class guide's CE on prior samples")
    ap.add_argument("--guide-epochs", type=int, default=15)
    ap.add_argument("--stop-after", type=int, default=10, help="CWAE: evaluations without improvement before stopping")
    a = ap.parse_args(argv)
    if a.through_rounds and a.teacher:
        ap.error("--through-rounds compares the refined output with the real audio; it does not combine with --teacher")
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    ds = data_mod.load(a.data)
    if a.model == "cwae":
        a.lr = a.lr or 1e-3
        a.steps = a.steps or 20000
        a.eval_every = a.eval_every or 100
        a.patience = min(a.patience, 3)
        train_cwae(a, ds)
    else:
        a.lr = a.lr or 1e-3
        a.steps = a.steps or 30000
        a.eval_every = a.eval_every or 250
        train_mcnn(a, ds)


if __name__ == "__main__":
    main()
