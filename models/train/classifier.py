"""A small log-Mel drum classifier, seeded and deterministic.

Two independent uses, never the same instance:
- evaluate.py trains one on the real training audio (after the Mel features, per-sound mean
  removed) and uses it as the yardstick of class conditioning;
- train.py trains another on the CWAE's standardised log-Mel space as a frozen "class guide"
  whose cross-entropy on decoded prior samples strengthens the conditioning.
"""
import numpy as np
import torch
from torch import nn
import torch.nn.functional as Fn
from tqdm import tqdm


def _block(a, b):
    return [nn.Conv2d(a, b, 3, padding=1), nn.BatchNorm2d(b), nn.ReLU(), nn.MaxPool2d(2)]


class DrumClassifier(nn.Module):
    """4 conv blocks at full Mel resolution, mean+max pooled over time and frequency."""

    def __init__(self, n_classes, width=16):
        super().__init__()
        w = width
        self.features = nn.Sequential(*_block(1, w), *_block(w, 2 * w), *_block(2 * w, 4 * w),
                                      nn.Conv2d(4 * w, 6 * w, 3, padding=1), nn.BatchNorm2d(6 * w), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(12 * w, n_classes))

    def forward(self, x):
        h = self.features(x)
        return self.head(torch.cat([h.mean(dim=(2, 3)), h.amax(dim=(2, 3))], dim=1))


def augment(x, rng, floor):
    """Label-preserving jitter: onset delay (1–3 frames) and ±2 Mel bins, each
    half the time (level jitter is the caller's `gain`, since it depends on the domain). `floor` is the value of silence in x's domain: per Mel bin [n_mels], or None
    for each sound's own minimum."""
    x = x.clone()
    for i in range(x.shape[0]):
        if rng.random() < 0.5:
            d = int(rng.integers(1, 4))
            fill = x[i].min() if floor is None else torch.as_tensor(floor, dtype=x.dtype).reshape(1, -1, 1)
            x[i, :, :, d:] = x[i, :, :, :-d].clone()
            x[i, :, :, :d] = fill
        if rng.random() < 0.5:
            s = int(rng.integers(-2, 3))
            if s:
                x[i] = torch.roll(x[i], s, dims=1)
    return x


def train_classifier(x, y, n_classes, epochs=30, seed=0, floor=None, gain=None, desc="classifier", width=16):
    """Class-balanced cross-entropy; `gain(x, rng)` optionally adds level jitter in x's domain."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    y = torch.as_tensor(y)
    model = DrumClassifier(n_classes, width=width)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=epochs * ((len(x) + 63) // 64))
    counts = np.bincount(y.numpy(), minlength=n_classes).astype(np.float32)
    weight = torch.from_numpy(counts.sum() / np.maximum(counts, 1) / n_classes)
    for _ in tqdm(range(epochs), desc=desc, leave=False):
        model.train()
        for b in torch.randperm(len(x), generator=gen).split(64):
            xb = augment(x[b], rng, floor)
            if gain is not None:
                xb = gain(xb, rng)
            loss = Fn.cross_entropy(model(xb), y[b], weight=weight, label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    return model.eval()


@torch.no_grad()
def predict(model, x, batch=256):
    return torch.cat([model(x[i:i + batch]).argmax(1) for i in range(0, len(x), batch)]).numpy()
