"""Multi-head CNN (MCNN) spectrogram inversion: Mel magnitudes → waveform and mask.

After Arik et al. 2018 and the Neural Drum Machine: heads of 1-D transposed convs (stride 2,
2^8 = hop), ELU, no biases anywhere (a bias would leak into the zero padding), a signal and a
mask output per head; waveform = softsign_ab(Σ w_h·s_h), mask = σ(Σ m_h). Sized for CPU.
"""
import torch
from torch import nn
import torch.nn.functional as F

from .features import HOP, LOG_EPS, N_MELS, Features

HEADS = 4
WIDTH = 13
CHANNELS = (32, 32, 24, 16, 12, 8, 8)  # 7 hidden layers + 1 output layer = 8 layers, ×256
MASK_THRESHOLD = 0.5  # bundle.json's mask_threshold: samples where the mask is at or below it are zero


class Head(nn.Module):
    def __init__(self, n_mels, channels=CHANNELS, width=WIDTH):
        super().__init__()
        chans = (n_mels,) + tuple(channels) + (2,)
        pad = (width - 1) // 2
        self.layers = nn.ModuleList(
            nn.ConvTranspose1d(a, b, width, stride=2, padding=pad, output_padding=1, bias=False)
            for a, b in zip(chans, chans[1:])
        )

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = F.elu(x)
        return x  # [B, 2, T*256]


def mcnn_heads(state_dict):
    """Number of heads in an MCNN state dict (checkpoints of pruned runs have fewer)."""
    return len(state_dict["head_weights"])


class MCNN(nn.Module):
    def __init__(self, n_mels=N_MELS, heads=HEADS, log_mean=0.0, log_std=1.0):
        super().__init__()
        assert 2 ** len(CHANNELS + (2,)) == HOP
        self.heads = nn.ModuleList(Head(n_mels) for _ in range(heads))
        self.head_weights = nn.Parameter(torch.ones(heads) / heads)
        self.a = nn.Parameter(torch.tensor(1.0))
        self.b = nn.Parameter(torch.tensor(1.0))
        # Input scaling: log-compress Mel magnitudes with fixed statistics (part of the graph).
        self.register_buffer("log_mean", torch.tensor(float(log_mean)))
        self.register_buffer("log_std", torch.tensor(float(log_std)))

    def forward(self, mel):
        x = (torch.log(mel + LOG_EPS) - self.log_mean) / self.log_std
        outs = torch.stack([h(x) for h in self.heads], dim=0)  # [H, B, 2, N]
        s = torch.einsum("h,hbn->bn", self.head_weights, outs[:, :, 0])
        m = outs[:, :, 1].sum(dim=0)
        wave = self.a * s / (1.0 + torch.abs(self.b * s))
        return wave, torch.sigmoid(m)



def mcnn_from_checkpoint(ckpt):
    """The MCNN a training checkpoint holds (any number of heads), with its weights."""
    model = MCNN(heads=mcnn_heads(ckpt["model"]), log_mean=ckpt["log_mean"], log_std=ckpt["log_std"])
    model.load_state_dict(ckpt["model"])
    return model

class Spectral(nn.Module):
    """Linear STFT magnitude at an arbitrary resolution, for the multi-resolution loss."""

    def __init__(self, n_fft, hop):
        super().__init__()
        self.n_fft, self.hop = n_fft, hop
        self.register_buffer("window", torch.hann_window(n_fft))

    def forward(self, x):
        return torch.stft(x, self.n_fft, self.hop, window=self.window, return_complex=True).abs()


def sc(pred, target):
    return torch.norm(target - pred, p="fro") / torch.norm(target, p="fro").clamp_min(1e-7)


def log_sc(pred, target, eps=LOG_EPS):
    lt = torch.log(target + eps)
    return torch.mean(torch.abs(torch.log(pred + eps) - lt)) / torch.mean(torch.abs(lt)).clamp_min(1e-7)


class MCNNLoss(nn.Module):
    """The paper's 3·SC + 10·SC_log + 1·BCE(mask) on Mel magnitudes, plus the same SC terms on
    linear STFTs at two further resolutions (multi-resolution, against checkerboard artefacts)."""

    def __init__(self):
        super().__init__()
        self.features = Features()
        self.spectral = nn.ModuleList([Spectral(512, 128), Spectral(2048, 512)])

    def forward(self, wave, mask, target, target_mask):
        out = wave * mask
        pm, tm = self.features.mel(out), self.features.mel(target)
        loss = 3 * sc(pm, tm) + 10 * log_sc(pm, tm)
        for spec in self.spectral:
            p, t = spec(out), spec(target)
            loss = loss + sc(p, t) + log_sc(p, t)
        loss = loss + F.binary_cross_entropy(mask.clamp(1e-6, 1 - 1e-6), target_mask)
        return loss


class RefinedLoss(nn.Module):
    """Spectral convergence of what the engine plays (the MCNN's masked output after its
    Griffin-Lim rounds) at three resolutions. The rounds replace the MCNN's magnitudes with the
    Mel's but keep its phase; its phase at low frequencies is what the rounds cannot repair
    (most of the gap to Griffin-Lim-32 lies below 650 Hz), hence the 4096-point term."""

    def __init__(self):
        super().__init__()
        self.spectral = nn.ModuleList([Spectral(512, 128), Spectral(2048, 512), Spectral(4096, 1024)])

    def forward(self, refined, target):
        # A crop shorter than half a window cannot be framed (reflect padding): those resolutions sit out.
        return sum(sc(s(refined), s(target)) for s in self.spectral if s.n_fft // 2 < target.shape[-1])


def mask_target(audio, thresh=1e-3):
    """1 up to the last sample whose magnitude exceeds `thresh`, 0 after (the sound's support)."""
    above = (audio.abs() > thresh).float()
    idx = torch.arange(audio.shape[1], device=audio.device).float()
    last = (above * idx).amax(dim=1, keepdim=True)
    return (idx[None, :] <= last).float()
