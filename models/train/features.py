"""Audio features, exactly as models/BUNDLE.md defines them (twin: src/features.rs)."""
import numpy as np
import torch

SAMPLE_RATE = 22050
N_FFT = 2048
WIN = 1024
HOP = 256
FRAMES = 88
LENGTH = FRAMES * HOP  # 22528 samples, 1.02 s
N_MELS = 128
FMIN = 0.0
FMAX = SAMPLE_RATE / 2
LOG_EPS = 1e-5


def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (np.asarray(m, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=N_MELS, fmin=FMIN, fmax=FMAX):
    """HTK triangular filterbank [n_mels, n_fft/2+1], peak 1, computed in float64."""
    freqs = np.arange(n_fft // 2 + 1, dtype=np.float64) * sr / n_fft
    h = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fb = np.zeros((n_mels, freqs.size), dtype=np.float64)
    for m in range(n_mels):
        up = (freqs - h[m]) / (h[m + 1] - h[m])
        down = (h[m + 2] - freqs) / (h[m + 2] - h[m + 1])
        fb[m] = np.maximum(0.0, np.minimum(up, down))
    return fb.astype(np.float32)


def periodic_hann(n=WIN):
    k = np.arange(n, dtype=np.float64)
    return (0.5 - 0.5 * np.cos(2.0 * np.pi * k / n)).astype(np.float32)


def prepare_audio(x, length=LENGTH):
    """Peak-normalise to 1 and zero-pad or cut to `length` samples."""
    x = np.asarray(x, dtype=np.float32)
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    if peak > 0:
        x = x / peak
    out = np.zeros(length, dtype=np.float32)
    n = min(length, x.size)
    out[:n] = x[:n]
    return out


class Features(torch.nn.Module):
    """Batched torch version: audio [B, LENGTH] → STFT magnitude, Mel, log-Mel."""

    def __init__(self):
        super().__init__()
        self.register_buffer("window", torch.from_numpy(periodic_hann()))
        self.register_buffer("fb", torch.from_numpy(mel_filterbank()))

    def stft_mag(self, x):
        b, n = x.shape
        frames = n // HOP
        xp = torch.nn.functional.pad(x, (WIN // 2, WIN // 2))
        seg = xp.unfold(1, WIN, HOP)[:, :frames]  # [B, T, WIN]; frame t starts at t*hop - win/2
        spec = torch.fft.rfft(seg * self.window, n=N_FFT)
        return spec.abs().transpose(1, 2)  # [B, bins, T]

    def mel(self, x):
        return torch.matmul(self.fb, self.stft_mag(x))  # [B, n_mels, T]

    def log_mel(self, x):
        return torch.log(self.mel(x) + LOG_EPS)


def standardise(logmel, mean, std):
    return (logmel - mean[:, None]) / std[:, None]


def destandardise_to_mel(s, mean, std):
    return torch.clamp(torch.exp(s * std[:, None] + mean[:, None]) - LOG_EPS, min=0.0)


def numpy_reference(x):
    """Straightforward numpy implementation, used to cross-check the torch one in tests."""
    x = np.asarray(x, dtype=np.float32)
    frames = x.size // HOP
    xp = np.pad(x, (WIN // 2, WIN // 2))
    w = periodic_hann()
    mag = np.stack(
        [np.abs(np.fft.rfft(xp[t * HOP:t * HOP + WIN] * w, n=N_FFT)) for t in range(frames)], axis=1
    ).astype(np.float32)
    mel = mel_filterbank() @ mag
    return mag, mel, np.log(mel + LOG_EPS)
