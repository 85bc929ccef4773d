"""Conditional convolutional Wasserstein autoencoder (CWAE) on standardised log-Mel spectrograms.

Sized for CPU training (see MODEL_CARD.md): 4 strided 2-D convs with class-conditional batch
norm, FC to a 64-d latent; the decoder mirrors it and also sees the class concatenated to z.
"""
import torch
from torch import nn
import torch.nn.functional as F

from .features import FRAMES, N_MELS


class CondBatchNorm2d(nn.Module):
    """Batch norm without affine params; per-class scale and shift (FiLM), mixed by the class
    vector so that soft class mixes are defined too."""

    def __init__(self, channels, n_classes):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels, affine=False)
        self.gamma = nn.Linear(n_classes, channels, bias=False)
        self.beta = nn.Linear(n_classes, channels, bias=False)
        nn.init.ones_(self.gamma.weight)
        nn.init.zeros_(self.beta.weight)

    def forward(self, x, c):
        return self.bn(x) * self.gamma(c)[:, :, None, None] + self.beta(c)[:, :, None, None]


CHANNELS = (16, 32, 64, 64)
KERNEL = (5, 5)
STRIDE = (2, 2)
PAD = (2, 2)


def _out_shape():
    h, w = N_MELS, FRAMES
    for _ in CHANNELS:
        h = (h + 2 * PAD[0] - KERNEL[0]) // STRIDE[0] + 1
        w = (w + 2 * PAD[1] - KERNEL[1]) // STRIDE[1] + 1
    return h, w


class Encoder(nn.Module):
    def __init__(self, n_classes, dz=64, hidden=256):
        super().__init__()
        chans = (1,) + CHANNELS
        self.convs = nn.ModuleList(nn.Conv2d(a, b, KERNEL, STRIDE, PAD) for a, b in zip(chans, chans[1:]))
        self.norms = nn.ModuleList(CondBatchNorm2d(b, n_classes) for b in CHANNELS)
        h, w = _out_shape()
        self.fc1 = nn.Linear(CHANNELS[-1] * h * w, hidden)
        self.fc2 = nn.Linear(hidden, dz)
        self.drop = nn.Dropout(0.2)  # against memorising the few training kits

    def forward(self, logmel, c):
        x = logmel
        for conv, norm in zip(self.convs, self.norms):
            x = F.relu(norm(conv(x), c))
        return self.fc2(self.drop(F.relu(self.fc1(x.flatten(1)))))


DECODER_CHANNELS = CHANNELS[::-1] + (16,)  # FC grid, then after each of the 4 transposed convs


class Decoder(nn.Module):
    def __init__(self, n_classes, dz=64, hidden=256, channels=DECODER_CHANNELS):
        super().__init__()
        assert len(channels) == len(CHANNELS) + 1
        self.hw = _out_shape()
        self.grid_channels = channels[0]
        self.fc1 = nn.Linear(dz + n_classes, hidden)
        self.fc2 = nn.Linear(hidden, channels[0] * self.hw[0] * self.hw[1])
        chans = tuple(channels)
        self.deconvs = nn.ModuleList(
            nn.ConvTranspose2d(a, b, KERNEL, STRIDE, PAD, output_padding=1) for a, b in zip(chans, chans[1:])
        )
        self.norms = nn.ModuleList(CondBatchNorm2d(b, n_classes) for b in chans[1:])
        self.out = nn.Conv2d(chans[-1], 1, 3, 1, 1)

    def forward(self, z, c):
        x = F.relu(self.fc2(F.relu(self.fc1(torch.cat([z, c], dim=1)))))
        x = x.view(-1, self.grid_channels, *self.hw)
        for deconv, norm in zip(self.deconvs, self.norms):
            x = F.relu(norm(deconv(x), c))
        x = self.out(x)
        return x[:, :, :N_MELS, :FRAMES]


class CWAE(nn.Module):
    def __init__(self, n_classes, dz=64, hidden=256, dec_channels=DECODER_CHANNELS):
        super().__init__()
        self.n_classes, self.dz = n_classes, dz
        self.encoder = Encoder(n_classes, dz, hidden)
        self.decoder = Decoder(n_classes, dz, hidden, dec_channels)

    def forward(self, x, c):
        z = self.encoder(x, c)
        return self.decoder(z, c), z


def imq_kernel(a, b, dz, scales=(0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)):
    """Inverse multiquadratics kernel summed over scales (Tolstikhin et al., WAE)."""
    d2 = torch.cdist(a, b).pow(2)
    c0 = 2.0 * dz
    return sum(c0 * s / (c0 * s + d2) for s in scales)


def mmd_imq(z, prior):
    """Unbiased U-statistic MMD between samples z and prior samples."""
    n = z.shape[0]
    if n < 2:
        return z.new_zeros(())
    dz = z.shape[1]
    off = 1.0 - torch.eye(n, device=z.device)
    kzz = (imq_kernel(z, z, dz) * off).sum() / (n * (n - 1))
    kpp = (imq_kernel(prior, prior, dz) * off).sum() / (n * (n - 1))
    kzp = imq_kernel(z, prior, dz).mean()
    return kzz + kpp - 2 * kzp


def per_class_mmd(z, labels, n_classes):
    """MMD to N(0, I) computed per class and averaged over classes present in the batch."""
    terms = []
    for k in range(n_classes):
        zk = z[labels == k]
        if zk.shape[0] >= 2:
            terms.append(mmd_imq(zk, torch.randn_like(zk)))
    return torch.stack(terms).mean() if terms else z.new_zeros(())
