"""Griffin-Lim refinement after the MCNN (models/train/refine.py; Rust twin checked in
tests/features_golden.rs)."""
import numpy as np
import torch

from models.train import features as F
from models.train.refine import mel_to_linear, refine


def sine(n_frames=32, f=440.0):
    n = n_frames * F.HOP
    return (0.8 * np.sin(2 * np.pi * f * np.arange(n) / F.SAMPLE_RATE)).astype(np.float32)[None]


def stft_sc(a, b):
    feats = F.Features()
    ma, mb = feats.stft_mag(torch.from_numpy(a)), feats.stft_mag(torch.from_numpy(b))
    return float(torch.linalg.norm(ma - mb) / torch.linalg.norm(ma))


def test_mel_inversion_is_nonnegative_and_nnls_fits_better():
    x = sine(f=3000.0)
    mel = F.Features().mel(torch.from_numpy(x))
    fb = torch.from_numpy(F.mel_filterbank())
    fit = lambda lin: float(torch.linalg.norm(fb @ lin - mel) / torch.linalg.norm(mel))
    lin0, lin = mel_to_linear(mel, nnls_iterations=0), mel_to_linear(mel)
    assert (lin >= 0).all() and torch.isfinite(lin).all()
    assert fit(lin) < fit(lin0) and fit(lin) < 0.3


def test_refine_moves_a_rough_start_towards_the_mel_and_keeps_the_true_signal():
    x = sine()
    mel = F.Features().mel(torch.from_numpy(x)).numpy()
    rough = x.copy()
    rough[:, : 16 * F.HOP] *= 0.3
    rough[:, 16 * F.HOP:] *= -1.0
    sc0, sc1, sc4 = stft_sc(x, rough), stft_sc(x, refine(rough, mel, 1)), stft_sc(x, refine(rough, mel, 4))
    assert sc1 < 0.5 * sc0 and sc4 <= sc1 + 1e-4
    assert stft_sc(x, refine(x, mel, 2)) < 0.02


def test_zero_rounds_pad_or_cut_the_start():
    mel = np.ones((1, F.N_MELS, 4), dtype=np.float32)
    out = refine(np.full((1, 10), 0.5, dtype=np.float32), mel, 0)
    assert out.shape == (1, 4 * F.HOP) and (out[0, :10] == 0.5).all() and (out[0, 10:] == 0).all()
    long = np.ones((1, 10 * F.HOP), dtype=np.float32)
    assert refine(long, mel, 0).shape == (1, 4 * F.HOP)


def test_limit_peak_only_scales_down_loud_sounds():
    from models.train.refine import limit_peak
    x = np.array([[0.5, -0.25], [4.0, -2.0]], dtype=np.float32)
    assert np.allclose(limit_peak(x), [[0.5, -0.25], [1.0, -0.5]])


def test_rounds_are_differentiable_with_unit_safe_even_through_silence():
    """Training through the rounds (train.py --through-rounds, finetune.py) needs finite
    gradients, also where the start is silent (|s| = 0, where `_unit`'s exact form is not)."""
    from models.train.refine import rounds, unit_safe

    x = torch.from_numpy(sine(16)).clone()
    x[:, 8 * F.HOP:] = 0.0  # a silent tail
    x.requires_grad_(True)
    mel = F.Features().mel(torch.from_numpy(sine(16)))
    y = rounds(x, mel, 2, unit=unit_safe)
    y.pow(2).sum().backward()
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0
