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


def phase_grid_weight_3x3(w):
    """Conv2d weight [Cout, C, 3, 3] (padding 1) meant for the 2× grid that pixel_shuffle makes
    of a [4C, H, W] tensor → the Conv2d weight [4·Cout, 4C, 3, 3] (padding 1) that computes the
    same on the [4C, H, W] tensor directly, its output ordered (Cout, phase_h, phase_w) for one
    pixel_shuffle of 4·Cout channels at the end."""
    cout, c, k, k2 = w.shape
    assert k == k2 == 3
    out = w.new_zeros(cout, 2, 2, c, 2, 2, 3, 3)
    for rh in (0, 1):
        for rw in (0, 1):
            for dh in (-1, 0, 1):
                for dw in (-1, 0, 1):
                    # fine row 2m + rh + dh = 2(m + jh) + ph, the same for columns
                    jh, ph = divmod(rh + dh, 2)
                    jw, pw = divmod(rw + dw, 2)
                    out[:, rh, rw, :, ph, pw, jh + 1, jw + 1] += w[:, :, dh + 1, dw + 1]
    return out.reshape(cout * 4, c * 4, 3, 3)


def phase_grid_weight_1d(w, padding, groups):
    """Conv1d weight [O, G·C, K] (padding `padding`) meant for the 2× signal that interleaving
    a [(G, 2, C), M] tensor's phases makes → the Conv1d weight [2·O, (G, 2, C), K2] and padding
    that compute the same on the [(G, 2, C), M] tensor directly, its output ordered
    (fine phase, O): row p·O + o holds output o at fine position 2m + p."""
    o, gc, k = w.shape
    c = gc // groups
    taps = []  # (fine phase p, input phase p2, coarse offset j, tap)
    for p in (0, 1):
        for tap in range(k):
            j, p2 = divmod(p + tap - padding, 2)  # fine 2m + p + tap − pad = 2(m + j) + p2
            taps.append((p, p2, j, tap))
    reach = max(abs(j) for _, _, j, _ in taps)
    out = w.new_zeros(2, o, groups, 2, c, 2 * reach + 1)
    wg = w.view(o, groups, c, k)
    for p, p2, j, tap in taps:
        out[p, :, :, p2, :, j + reach] += wg[:, :, :, tap]
    return out.reshape(2 * o, groups * 2 * c, 2 * reach + 1), reach


def film_weights(norm, bias=None, repeat=1):
    """The eval-mode class-conditional batch norm after a conv with `bias` as two linear maps
    of the class vector: scale = c·Ws, shift = c·Wt ([n_classes, C] each, every channel
    repeated `repeat` times for a phase grid). Both are linear in c (soft mixes included):
    scale = γ(c)/√(var + ε), shift = β(c) + (bias − mean)·scale."""
    bn = norm.bn
    ws = norm.gamma.weight.detach().T / torch.sqrt(bn.running_var + bn.eps)
    centre = -bn.running_mean if bias is None else bias.detach() - bn.running_mean
    wt = norm.beta.weight.detach().T + ws * centre
    return ws.repeat_interleave(repeat, 1), wt.repeat_interleave(repeat, 1)


class DeployDecoder(nn.Module):
    """Decoder with sub-pixel convs; same inputs, same outputs (in eval mode).

    The last stage never leaves the phase grid: its batch norm and ReLU act per phase channel,
    and the 3×3 output conv is rewritten for the phase grid (`phase_grid_weight_3x3`), so the
    only interleave left is that of the 1-channel result, not of 16 channels at full size (that
    DepthToSpace and the 1-channel conv took 30% of the decoder). The columns past what the 88
    output frames need are cropped before the last conv.

    Every stage's batch norm, class scale and shift and the conv's bias are one scale and one
    shift per channel (`film_weights`), and all stages' come from one product of the class
    vector (`film`): the trained graph spent some 40 of its 75 nodes, each a few microseconds
    of ONNX Runtime's dispatch, on the per-stage γ(c), β(c), batch norm and broadcasts."""

    def __init__(self, dec: Decoder):
        super().__init__()
        self.fc1, self.fc2, self.hw = dec.fc1, dec.fc2, dec.hw
        self.channels = dec.fc2.out_features // (dec.hw[0] * dec.hw[1])
        self.ups = nn.ModuleList(SubpixelTranspose2d(d) for d in dec.deconvs)
        assert dec.out.kernel_size == (3, 3) and dec.out.padding == (1, 1) and dec.out.stride == (1, 1)
        w = phase_grid_weight_3x3(dec.out.weight.detach())
        self.out = nn.Conv2d(w.shape[1], w.shape[0], 3, padding=1)
        self.out.weight.data.copy_(w)
        self.out.bias.data.copy_(dec.out.bias.detach().repeat_interleave(4))
        # Per stage: scale and shift columns; the conv biases move into the shifts.
        cols, self.spans = [], []
        last = len(dec.norms) - 1
        for i, (norm, deconv) in enumerate(zip(dec.norms, dec.deconvs)):
            ws, wt = film_weights(norm, deconv.bias, repeat=4 if i == last else 1)
            self.spans.append(ws.shape[1])
            cols += [ws, wt]
            self.ups[i].conv.bias = None
        self.film = nn.Parameter(torch.cat(cols, dim=1))  # [n_classes, Σ 2·C]
        # Phase-grid columns the output needs (+1: the 3×3 conv's right neighbour), and the
        # columns the last sub-pixel conv needs for those (+1 again, for its own 3×3).
        self.cols_out = (FRAMES + 1) // 2 + 1
        self.cols_in = self.cols_out + 1

    def forward(self, z, c):
        x = F.relu(self.fc2(F.relu(self.fc1(torch.cat([z, c], dim=1)))))
        x = x.view(-1, self.channels, *self.hw)
        film = (c @ self.film)[:, :, None, None]
        at = 0
        for i, (up, n) in enumerate(zip(self.ups, self.spans)):
            if i + 1 < len(self.ups):
                x = up(x)
            else:
                x = up.conv(x[..., :self.cols_in])[..., :self.cols_out]
            x = F.relu(x * film[:, at:at + n] + film[:, at + n:at + 2 * n])
            at += 2 * n
        return F.pixel_shuffle(self.out(x), 2)[:, :, :N_MELS, :FRAMES]


def elu(x):
    """ELU as Max(x, Exp(Min(x, 0)) − 1): equal for every x (for x > 0 the second term is 0,
    for x ≤ 0 it is ≥ x), through vectorised kernels only. ONNX Runtime's own Elu kernel is
    not vectorised and took a quarter of the MCNN's time (10.2 → 5.7 ms when it went); the
    Where(x > 0, x, Exp(x) − 1) that replaced it spent a fifth of what was left in Where and
    Greater, and this form cut the MCNN by another 8% (2.52 → 2.32 ms, Python ORT, 1 thread).
    Min also keeps Exp from overflowing on large positive inputs."""
    return torch.maximum(x, torch.exp(torch.clamp(x, max=0.0)) - 1.0)


def interleave(y, cout):
    """[B, (phase, cout), 1, n] → [B, cout, 1, 2n]: a sub-pixel conv's two phases into one signal."""
    b, _, _, n = y.shape
    return y.view(b, 2, cout, n).permute(0, 2, 3, 1).reshape(b, cout, 1, 2 * n)


class DeployMCNN(nn.Module):
    """The MCNN as ONNX Runtime runs it fastest; same function as the trained MCNN.

    * Every layer is a sub-pixel conv followed by interleaving its two phases.
    * The convs are 2-D, on [B, C, 1, n]: ONNX Runtime then runs them in its blocked channel
      layout (NCHWc), with direct kernels instead of unfolding the input for a matrix product.
    * Layer 1 is one conv for all heads; the hidden layers run one conv per head, since the
      blocked layout takes no grouped convs with these channel counts. With the constant
      shapes below: 2.41 → 2.18 ms over the 1-D grouped convs (Python ONNX Runtime, one
      thread, BENCHMARKS.md).
    * The last layer also does the heads' weighted sum (signal) and plain sum (mask) in its
      weights: one conv over all heads with 2 phases × (signal, mask) outputs, so that neither
      2·heads output channels nor their interleave, einsum and reduce are ever materialised.
    * Like the decoder's last stage, that conv is rewritten for the last hidden layer's phase
      grid (`phase_grid_weight_1d`): with 4 output rows over 11,264 columns it ran at a third
      of the other convs' FLOP rate, and the interleave before it was the largest; on the grid
      it has 8 rows over half the columns (1.4× the MACs), and only the 2-channel result is
      interleaved.

    export.py replaces the shapes its reshapes compute at run time by constants
    (`constant_reshapes`)."""

    def __init__(self, mcnn: MCNN):
        super().__init__()
        self.n_heads = len(mcnn.heads)
        self.register_buffer("log_mean", mcnn.log_mean.detach().clone())
        self.register_buffer("log_std", mcnn.log_std.detach().clone())
        self.a = nn.Parameter(mcnn.a.detach().clone())
        self.b = nn.Parameter(mcnn.b.detach().clone())
        self.couts, self.pads, layers = [], [], []
        for li in range(len(mcnn.heads[0].layers)):
            per_head = []
            for h in mcnn.heads:
                layer = h.layers[li]
                assert layer.stride == (2,) and layer.output_padding == (1,) and layer.bias is None
                w, pad = subpixel_weight_1d(layer.weight.detach(), layer.padding[0])
                per_head.append(w)  # [(phase, cout), cin, k]
            self.couts.append(per_head[0].shape[0] // 2)
            self.pads.append(pad)
            layers.append(per_head)
        assert len(layers) >= 2 and self.couts[-1] == 2
        self.first = nn.Parameter(torch.cat(layers[0], dim=0)[:, :, None, :])  # [(head, phase, cout), n_mels, 1, k]
        self.hidden = nn.ParameterList(nn.Parameter(w[:, :, None, :]) for per_head in layers[1:-1] for w in per_head)
        # Last layer: [(head, phase, out), cin, k] with out = (signal, mask) → one conv
        # [(phase, out), (head, cin), k] whose signal rows carry the head weights.
        last = torch.stack(layers[-1]).view(self.n_heads, 2, 2, *layers[-1][0].shape[1:])
        gain = torch.stack([mcnn.head_weights.detach(), torch.ones(self.n_heads)], dim=1)  # [head, out]
        last = last * gain[:, None, :, None, None]
        last = last.permute(1, 2, 0, 3, 4).reshape(4, self.n_heads * last.shape[3], last.shape[4])
        last, self.pads[-1] = phase_grid_weight_1d(last, self.pads[-1], self.n_heads)
        self.last = nn.Parameter(last[:, :, None, :])

    def forward(self, mel):
        x = ((torch.log(mel + LOG_EPS) - self.log_mean) / self.log_std)[:, :, None, :]
        hn = self.n_heads
        y, c = elu(F.conv2d(x, self.first, padding=(0, self.pads[0]))), 2 * self.couts[0]
        ys = [y[:, h * c:(h + 1) * c] for h in range(hn)]  # constant bounds, unlike chunk's
        for li in range(1, len(self.couts) - 1):
            ws = self.hidden[(li - 1) * hn:li * hn]
            ys = [elu(F.conv2d(interleave(y, self.couts[li - 1]), w, padding=(0, self.pads[li])))
                  for y, w in zip(ys, ws)]
        # The last hidden layer's phases stay apart: see the class docs.
        y = F.conv2d(torch.cat(ys, dim=1), self.last, padding=(0, self.pads[-1])).flatten(2)
        b, _, n = y.shape  # [B, (p, r, out), m]
        # output sample 4m + 2p + r, p the hidden layer's phase and r the last layer's
        y = y.view(b, 2, 2, 2, n).permute(0, 3, 4, 1, 2).reshape(b, 2, 4 * n)
        s, m = y[:, 0], y[:, 1]
        wave = self.a * s / (1.0 + torch.abs(self.b * s))
        return wave, torch.sigmoid(m)
