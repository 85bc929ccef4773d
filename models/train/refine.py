"""Griffin-Lim rounds started from the MCNN's output (twin: `refine_mel` in src/griffin_lim.rs).

The MCNN's phase is a far better start than random phases: one round of STFT (keep the phase)
and iSTFT (with the magnitude the Mel asks for) lowers its spectral convergence from 0.79 to
about 0.6 and gives back what the class yardstick hears (rides stop sounding like crashes).
Same framing as the features (frame t centred at t·hop, periodic Hann of WIN inside N_FFT), the
same non-negative Mel inversion as the Rust engine, so that the evaluation measures what the
object plays.
"""
from collections import deque

import numpy as np
import torch

from . import features as F
from .mcnn import MASK_THRESHOLD

NNLS_ITERATIONS = 10  # = griffin_lim::NNLS_ITERATIONS
# = griffin_lim::REFINE_NNLS_ITERATIONS: from the MCNN's phase the rounds need a less exact
# target (prior samples recognised 88.7% with 3 updates, 88.8% with 10, 83.9% with none).
REFINE_NNLS_ITERATIONS = 3


def mel_to_linear(mel, fb=None, nnls_iterations=NNLS_ITERATIONS):
    """Non-negative approximate inverse of the filterbank: Mel [..., n_mels, T] → [..., bins, T]."""
    fb = torch.as_tensor(F.mel_filterbank() if fb is None else fb)
    mel = torch.as_tensor(mel, dtype=torch.float32)
    widths, cover = fb.sum(1), fb.sum(0)
    inv_w = torch.where(widths > 0, 1.0 / widths, torch.zeros_like(widths))
    inv_c = torch.where(cover > 0, 1.0 / cover, torch.zeros_like(cover))
    mel_pos = mel.clamp_min(0.0)
    x = (fb.T @ (mel_pos * inv_w[:, None])) * inv_c[:, None]
    if nnls_iterations > 0:
        numer = fb.T @ mel_pos
        scale = mel_pos.flatten(-2).amax(-1).clamp_min(1e-30)[..., None, None]
        eps = 1e-9 * scale
        for _ in range(nnls_iterations):
            x = x * numer / (fb.T @ (fb @ x) + eps)
    return x


# Phase from the magnitude's gradients for the low band (twin: src/pghi.rs): PGHI, Průša,
# Balazs & Søndergaard, "A noniterative method for reconstruction of phase from STFT magnitude"
# (IEEE/ACM TASLP 2017). Below ~2 kHz the MCNN's phase leads the rounds astray (nine tenths of
# the gap to Griffin-Lim-32; vocoder_study.py); integrated from the magnitude, it does not.
HANN_LAMBDA = 0.25645  # λ / win² of the Gaussian nearest a periodic Hann window (Průša et al.)
PGHI_RANGE_DB = 50.0  # coefficients this far below the band's peak keep the MCNN's phase
LEVEL_BITS = 4  # = pghi::LEVEL_BITS: the flood's levels, 2^-4 of an octave apart
LOG_FLOOR = 11.0 * np.log(10.0)  # log-magnitudes floored this far below the peak (gradients)


def phase_bins(below_hz, n_fft=F.N_FFT, sample_rate=F.SAMPLE_RATE):
    """Bins k with k·sr/n_fft < below_hz: the band whose phase PGHI integrates."""
    hz = float(np.float32(below_hz))  # bundle.json's value as Rust reads it (f32)
    return min(int(np.ceil(hz * n_fft / sample_rate - 1e-9)), n_fft // 2 + 1) if hz > 0 else 0


def _gradient(a, axis):
    """np.gradient: central differences, one-sided at the ends, 0 along a length-1 axis."""
    return np.gradient(a, axis=axis) if a.shape[axis] > 1 else np.zeros_like(a)


def pghi(mag, phase, bins, hop=F.HOP, win=F.WIN, n_fft=F.N_FFT):
    """`phase` [n_bins, T] (frame-start reference, as `_frames`) with its first `bins` bins
    integrated from `mag` [n_bins, T]: a flood from the loudest coefficient outwards, along time
    by the instantaneous frequency 2π·(hop·k mod n_fft)/n_fft + (hop·n_fft/λ)·∂ₖlog|X|, along
    frequency by the local group delay −(λ/(hop·n_fft))·∂ₜlog|X| − π·win/n_fft (the last term
    moves the reference from the window's centre to its start), always from the loudest
    coefficient reached, to LEVEL_BITS mantissa bits (first in, first out within a level; the
    published heap, to within 0.4 dB). Each island starts from the phase it had (the MCNN's);
    coefficients PGHI_RANGE_DB below the band's peak keep theirs."""
    out = np.array(phase, dtype=np.float64, order="C")  # the flood writes through a flat view
    m32 = np.ascontiguousarray(np.asarray(mag, dtype=np.float32)[:bins])
    m32 = np.where(np.isfinite(m32), np.maximum(m32, 0), 0).astype(np.float32)
    if bins == 0 or not m32.size or m32.max() <= 0.0:
        return out
    n_frames = m32.shape[1]
    m = m32.astype(np.float64)
    s = np.log(np.maximum(m, 1e-30))
    s = np.maximum(s, s.max() - LOG_FLOOR)
    lam = HANN_LAMBDA * win * win
    k = np.arange(bins)[:, None]
    tgrad = 2 * np.pi * ((hop * k) % n_fft) / n_fft + (hop * n_fft / lam) * _gradient(s, 0)
    fgrad = -(lam / (hop * n_fft)) * _gradient(s, 1) - np.pi * win / n_fft
    peak = m32.max()
    floor = np.float32(peak * np.float32(10 ** (-PGHI_RANGE_DB / 20)))
    todo = (m32 > floor).ravel().tolist()
    shift = 23 - LEVEL_BITS
    base = int(np.array(floor, np.float32).view(np.uint32)) >> shift
    level = ((m32.view(np.uint32) >> shift).astype(np.int64) - base).ravel().tolist()
    queues = [deque() for _ in range(int(np.array(peak, np.float32).view(np.uint32) >> shift) - base + 1)]
    flat_m, tg, fg, ph = m32.ravel(), tgrad.ravel().tolist(), fgrad.ravel().tolist(), out[:bins].reshape(-1)
    order = np.lexsort((np.arange(flat_m.size), -flat_m))  # loudest first, ties by index
    two_pi = 2 * np.pi
    for seed in order.tolist():
        if not todo[seed]:
            continue
        todo[seed] = False
        top = level[seed]
        queues[top].append(seed)
        while True:
            while not queues[top] and top > 0:
                top -= 1
            if not queues[top]:
                break
            i = queues[top].popleft()
            kk, tt = divmod(i, n_frames)
            for j, step, grad, inside in ((i + 1, 0.5, tg, tt + 1 < n_frames), (i - 1, -0.5, tg, tt > 0),
                                          (i + n_frames, 0.5, fg, kk + 1 < bins), (i - n_frames, -0.5, fg, kk > 0)):
                if inside and todo[j]:
                    todo[j] = False
                    ph[j] = (ph[i] + step * (grad[i] + grad[j])) % two_pi
                    queues[level[j]].append(j)
                    top = max(top, level[j])
    return out


def _frames(x, n_frames):
    xp = torch.nn.functional.pad(x, (F.WIN // 2, F.WIN // 2 + F.HOP))
    return xp.unfold(-1, F.WIN, F.HOP)[..., :n_frames, :]  # [B, T, WIN]


def _unit(spec):
    a = spec.abs()
    return torch.where(a > 1e-12, spec / a.clamp_min(1e-30), torch.ones_like(spec))


def unit_safe(spec):
    """`_unit` (1 at silent bins, as the engine) with a gradient that stays finite there:
    for training through the rounds."""
    soft = spec / torch.sqrt(spec.real ** 2 + spec.imag ** 2 + 1e-12)
    return torch.where(spec.abs() > 1e-12, soft, torch.ones_like(spec))


def _istft(spec, window, n_frames):
    """Weighted overlap-add divided by the summed squared window: [B, bins, T] → [B, T·hop]."""
    frames = torch.fft.irfft(spec.transpose(-1, -2), n=F.N_FFT)[..., : F.WIN] * window  # [B, T, WIN]
    b = frames.shape[0]
    full = (n_frames - 1) * F.HOP + F.WIN
    fold = lambda v: torch.nn.functional.fold(v.transpose(1, 2), (1, full), (1, F.WIN), stride=(1, F.HOP))
    sig = fold(frames).reshape(b, full)
    wsum = fold((window ** 2).expand(1, n_frames, F.WIN)).reshape(full)
    g = torch.where(wsum > 1e-8, 1.0 / wsum, torch.zeros_like(wsum))
    start = F.WIN // 2  # frame t starts at t·hop − win/2
    return (sig * g)[:, start:start + n_frames * F.HOP]


def refine(init, mel, iterations, pghi_bins=0):
    """`iterations` Griffin-Lim rounds from the phase of `init` [B, ≥0 samples] towards Mel
    magnitudes [B, n_mels, T]; returns [B, T·hop] (0 rounds: `init` padded or cut). With
    `pghi_bins`, the first round takes the phase of the bins below from `pghi`."""
    mel = torch.as_tensor(mel, dtype=torch.float32)
    n_frames = mel.shape[-1]
    x = torch.zeros(mel.shape[0], n_frames * F.HOP)
    init = torch.as_tensor(init, dtype=torch.float32)[:, : n_frames * F.HOP]
    x[:, : init.shape[1]] = init
    return (rounds(x, mel, iterations, pghi_bins=pghi_bins) if iterations else x).numpy()


def rounds(x, mel, iterations, unit=_unit, pghi_bins=0):
    """The rounds on tensors, x [B, T·hop] → [B, T·hop]; differentiable with `unit=unit_safe`
    (with `pghi_bins`, through the low band's magnitude only: its phase is integrated)."""
    n_frames = mel.shape[-1]
    window = torch.from_numpy(F.periodic_hann())
    mag = mel_to_linear(mel, nnls_iterations=REFINE_NNLS_ITERATIONS)
    for r in range(iterations):
        spec = torch.fft.rfft(_frames(x, n_frames) * window, n=F.N_FFT).transpose(-1, -2)
        u = unit(spec)
        if r == 0 and pghi_bins:
            # Integrated from the magnitude, not differentiated: gradients reach the low band
            # through its magnitude only.
            ph = np.stack([pghi(mb, pb, pghi_bins)
                           for mb, pb in zip(mag.detach().numpy(), torch.angle(u[..., :pghi_bins, :]).detach().numpy())])
            low = torch.polar(torch.ones_like(mag[..., :pghi_bins, :]), torch.from_numpy(ph).to(mag.dtype))
            u = torch.cat([low, u[..., pghi_bins:, :]], dim=-2)
        x = _istft(mag * u, window, n_frames)
    return x


def refine_masked(wave, mask, mel, iterations, pghi_bins=0, threshold=MASK_THRESHOLD):
    """`refine` started as the engine starts it: from the MCNN's wave under its hard mask
    (arrays or tensors without gradients)."""
    return refine(np.asarray(wave) * (np.asarray(mask) > threshold), mel, iterations, pghi_bins)


def masked_rounds(wave, mask, mel, iterations, pghi_bins=0):
    """What the engine makes of the MCNN's output before its peak limit, differentiable: the
    wave under the hard mask, then `iterations` rounds (for training through them)."""
    return rounds(wave * (mask > MASK_THRESHOLD).float(), mel, iterations, unit=unit_safe, pghi_bins=pghi_bins)


def limit_peak(x):
    """Each sound [B, N] scaled down to a peak of 1 if louder (twin: `limit_peak` in src/engine.rs)."""
    peak = np.abs(x).max(axis=-1, keepdims=True)
    return (x / np.maximum(peak, 1.0)).astype(np.float32)


# The PGHI vocoder (twin: `Engine::pghi_vocode` in src/engine.rs): no network. The rounds
# start from the phase of a seeded white noise, which the coefficients PGHI leaves keep, and the
# first takes the phase of the band from PGHI. (Three noises scored SC 0.485-0.504 on the
# validation sounds, independent random phases 0.503: a noise is no worse, BENCHMARKS.md.)
def seed_noise(n):
    """Deterministic white noise [n] in [-1, 1): murmur3's finaliser of i·0x9E3779B1 (u32),
    its top 24 bits (twin: `griffin_lim::seed_noise`)."""
    with np.errstate(over="ignore"):
        h = np.arange(n, dtype=np.uint32) * np.uint32(0x9E3779B1)
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
    return ((h >> np.uint32(8)).astype(np.float32) * np.float32(2.0 / (1 << 24)) - np.float32(1.0)).astype(np.float32)


def pghi_vocode(mel, iterations, pghi_bins):
    """Mel magnitudes [B, n_mels, T] → [B, T·hop] without the MCNN: `refine` from `seed_noise`,
    PGHI over the first `pghi_bins` bins (0: all of them)."""
    if iterations < 1:
        raise ValueError(f"the PGHI vocoder needs at least 1 round, got {iterations}")
    mel = torch.as_tensor(mel, dtype=torch.float32)
    n = mel.shape[-1] * F.HOP
    bins = pghi_bins or F.N_FFT // 2 + 1
    return refine(np.tile(seed_noise(n), (mel.shape[0], 1)), mel, iterations, bins)
