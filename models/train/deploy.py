"""Inference twins of the trained graphs: the same function, cheaper operators.

A stride-2 transposed convolution equals an ordinary convolution that computes every output
phase at once, followed by interleaving the phases (sub-pixel convolution, Shi et al. 2016).
ONNX Runtime's Conv kernels are far better tuned than its ConvTranspose, so export swaps them.
The weights are rearranged, not retrained: outputs agree with the trained modules to float
rounding (tests/test_deploy.py and export.parity check it).
"""
import torch
from torch import nn
import torch.nn.functional as F

from .cwae import Decoder
from .features import FRAMES, LOG_EPS, N_MELS
from .mcnn import MCNN


def _phase_taps(kernel, padding, phase):
    """For output phase r of a stride-2 transposed conv, the (input offset j, kernel tap k)
    pairs: y[2m + r] = Σ_j x[m + j] · W[k]."""
    pairs = []
    for k in range(kernel):
        num = phase + padding - k
        if num % 2 == 0:
            pairs.append((num // 2, k))
    return pairs


def _subpixel_spec(kernel, padding):
    """Kernel size and padding of the ordinary conv that covers every phase's offsets."""
    offs = [j for r in (0, 1) for j, _ in _phase_taps(kernel, padding, r)]
    lo, hi = min(offs), max(offs)
    assert lo <= 0 <= hi
    size = max(-lo, hi) * 2 + 1  # symmetric, so that padding = size // 2
    return size, size // 2


def subpixel_weight_1d(w, padding):
    """ConvTranspose1d weight [Cin, Cout, K] → Conv1d weight [2·Cout, Cin, K'] ordered
    (phase, Cout), with K' = the symmetric span of offsets."""
    cin, cout, k = w.shape
    assert k - 2 * padding == 1, "only the length-doubling case (output_padding 1) is rewritten"
    size, pad = _subpixel_spec(k, padding)
    out = w.new_zeros(2, cout, cin, size)
    for r in (0, 1):
        for j, tap in _phase_taps(k, padding, r):
            out[r, :, :, j + pad] = w[:, :, tap].T
    return out.reshape(2 * cout, cin, size), pad


def subpixel_weight_2d(w, padding):
    """ConvTranspose2d weight [Cin, Cout, K, K] (same stride 2 and padding on both axes) →
    Conv2d weight [Cout·4, Cin, K', K'] ordered (Cout, phase_h, phase_w) as PixelShuffle expects."""
    cin, cout, k, k2 = w.shape
    assert k == k2 and k - 2 * padding == 1
    size, pad = _subpixel_spec(k, padding)
    out = w.new_zeros(cout, 2, 2, cin, size, size)
    for rh in (0, 1):
        for jh, th in _phase_taps(k, padding, rh):
            for rw in (0, 1):
                for jw, tw in _phase_taps(k, padding, rw):
                    out[:, rh, rw, :, jh + pad, jw + pad] = w[:, :, th, tw].T
    return out.reshape(cout * 4, cin, size, size), pad


class SubpixelTranspose2d(nn.Module):
    def __init__(self, deconv: nn.ConvTranspose2d):
        super().__init__()
        assert deconv.stride == (2, 2) and deconv.padding[0] == deconv.padding[1]
        assert deconv.output_padding == (1, 1) and deconv.dilation == (1, 1) and deconv.groups == 1
        w, pad = subpixel_weight_2d(deconv.weight.detach(), deconv.padding[0])
        self.conv = nn.Conv2d(w.shape[1], w.shape[0], w.shape[2], padding=pad, bias=deconv.bias is not None)
        self.conv.weight.data.copy_(w)
        if deconv.bias is not None:
            self.conv.bias.data.copy_(deconv.bias.detach().repeat_interleave(4))

    def forward(self, x):
        return F.pixel_shuffle(self.conv(x), 2)


class DeployDecoder(nn.Module):
    """Decoder with sub-pixel convs; same inputs, same outputs."""

    def __init__(self, dec: Decoder):
        super().__init__()
        self.fc1, self.fc2, self.norms, self.out, self.hw = dec.fc1, dec.fc2, dec.norms, dec.out, dec.hw
        self.channels = dec.fc2.out_features // (dec.hw[0] * dec.hw[1])
        self.ups = nn.ModuleList(SubpixelTranspose2d(d) for d in dec.deconvs)

    def forward(self, z, c):
        x = F.relu(self.fc2(F.relu(self.fc1(torch.cat([z, c], dim=1)))))
        x = x.view(-1, self.channels, *self.hw)
        for up, norm in zip(self.ups, self.norms):
            x = F.relu(norm(up(x), c))
        return self.out(x)[:, :, :N_MELS, :FRAMES]


def elu(x):
    """ELU as Where(x > 0, x, Exp(x) − 1): ONNX Runtime's own Elu kernel is not vectorised and
    took a quarter of the MCNN's time; this form runs the same numbers (to 3e-8) through its
    vectorised Exp, and cut the MCNN from 10.2 to 5.7 ms in a side-by-side run (BENCHMARKS.md)."""
    return torch.where(x > 0, x, torch.exp(x) - 1.0)


class DeployMCNN(nn.Module):
    """MCNN with the heads fused: layer 1 is one conv for all heads, later layers grouped convs
    (one group per head), each a sub-pixel conv followed by phase interleaving."""

    def __init__(self, mcnn: MCNN):
        super().__init__()
        self.n_heads = len(mcnn.heads)
        self.register_buffer("log_mean", mcnn.log_mean.detach().clone())
        self.register_buffer("log_std", mcnn.log_std.detach().clone())
        self.head_weights = nn.Parameter(mcnn.head_weights.detach().clone())
        self.a = nn.Parameter(mcnn.a.detach().clone())
        self.b = nn.Parameter(mcnn.b.detach().clone())
        self.couts, self.pads, ws = [], [], []
        depth = len(mcnn.heads[0].layers)
        for li in range(depth):
            per_head = []
            for h in mcnn.heads:
                layer = h.layers[li]
                assert layer.stride == (2,) and layer.output_padding == (1,) and layer.bias is None
                w, pad = subpixel_weight_1d(layer.weight.detach(), layer.padding[0])
                per_head.append(w)
            self.couts.append(per_head[0].shape[0] // 2)
            self.pads.append(pad)
            ws.append(nn.Parameter(torch.cat(per_head, dim=0)))  # [(head, phase, cout), cin, k]
        self.weights = nn.ParameterList(ws)

    def forward(self, mel):
        x = (torch.log(mel + LOG_EPS) - self.log_mean) / self.log_std
        hn = self.n_heads
        for li, (w, cout, pad) in enumerate(zip(self.weights, self.couts, self.pads)):
            x = F.conv1d(x, w, padding=pad, groups=1 if li == 0 else hn)
            b, _, n = x.shape
            x = x.view(b, hn, 2, cout, n).permute(0, 1, 3, 4, 2).reshape(b, hn * cout, 2 * n)
            if li < len(self.weights) - 1:
                x = elu(x)
        outs = x.view(x.shape[0], hn, 2, -1)
        s = torch.einsum("h,bhn->bn", self.head_weights, outs[:, :, 0])
        m = outs[:, :, 1].sum(dim=1)
        wave = self.a * s / (1.0 + torch.abs(self.b * s))
        return wave, torch.sigmoid(m)
