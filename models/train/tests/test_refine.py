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


def kick(n_frames=40):
    """A decaying, falling low partial: where the MCNN's phase went astray (vocoder_study.py)."""
    t = np.arange(n_frames * F.HOP) / F.SAMPLE_RATE
    f = 50.0 + 80.0 * np.exp(-t / 0.03)
    return (np.exp(-t / 0.25) * np.sin(2 * np.pi * np.cumsum(f) / F.SAMPLE_RATE)).astype(np.float32)[None]


def test_phase_bins_count_the_bins_below_a_frequency():
    from models.train.refine import phase_bins
    assert phase_bins(2150.0) == 200 and phase_bins(0.0) == 0 and phase_bins(1e9) == F.N_FFT // 2 + 1
    assert phase_bins(3 * F.SAMPLE_RATE / F.N_FFT) == 3  # a bin on the edge is not below it


def test_pghi_advances_a_stationary_partial_by_its_frequency():
    """As src/pghi.rs's test: along time the phase of bin 40 moves 2π·hop·40/n_fft a frame."""
    from models.train.refine import pghi
    k = np.arange(80)[:, None]
    mag = np.repeat(np.exp(-(((k - 40) / 4.0) ** 2)) * (np.abs(k - 40) <= 10), 12, axis=1).astype(np.float32)
    ph = pghi(mag, np.zeros_like(mag), 80)
    step = np.angle(np.exp(1j * (ph[40, 1:] - ph[40, :-1])))
    want = np.angle(np.exp(2j * np.pi * ((F.HOP * 40) % F.N_FFT) / F.N_FFT))
    assert np.allclose(step, want, atol=1e-6)
    assert (ph[5] == 0).all()  # more than PGHI_RANGE_DB below the peak: kept


def test_pghi_recovers_a_low_band_that_the_start_got_wrong():
    """A start whose low band is noise: the rounds alone keep much of its error, the rounds
    after the integrated phase much less (with no band the two are the same)."""
    x = kick()
    mel = F.Features().mel(torch.from_numpy(x)).numpy()
    rng = np.random.default_rng(0)
    start = (rng.standard_normal(x.shape) * np.abs(x).max() * np.exp(-np.arange(x.shape[1]) / 6000)).astype(np.float32)
    plain, pghi200 = stft_sc(x, refine(start, mel, 2)), stft_sc(x, refine(start, mel, 2, pghi_bins=200))
    assert pghi200 < 0.6 * plain, (pghi200, plain)
    assert np.array_equal(refine(start, mel, 2, pghi_bins=0), refine(start, mel, 2))


def test_rounds_with_pghi_pass_gradients_through_the_magnitude():
    """finetune.py --pghi-hz trains through the integrated phase: no gradient through it, but
    through the Mel that sets the low band's magnitude."""
    from models.train.refine import rounds, unit_safe
    x = torch.from_numpy(kick(16))
    mel = F.Features().mel(x).clone().requires_grad_(True)
    y = rounds(x, mel, 2, unit=unit_safe, pghi_bins=200)
    y.pow(2).sum().backward()
    assert torch.isfinite(mel.grad).all() and mel.grad[:, :10].abs().sum() > 0


def _stft(x, n_frames):
    """Complex STFT [bins, T] with the rounds' framing (frame-start reference)."""
    from models.train.refine import _frames
    win = torch.from_numpy(F.periodic_hann())
    return torch.fft.rfft(_frames(torch.from_numpy(x[None]), n_frames) * win, n=F.N_FFT)[0].T.numpy()


def _wrapped(a):
    return np.angle(np.exp(1j * a))


def test_pghi_phase_steps_match_a_true_stft_along_time_and_frequency():
    """From a true STFT's magnitude alone, the integrated phase steps like the STFT's own:
    along time for partials between bins (the λ-scaled ∂ₖ term), along frequency for a click
    off a frame's centre (the group delay and the frame-start reference). The Gaussian stands
    in for the Hann window, hence a few hundredths of a radian. The phase passed in is not
    C-ordered (a transposed STFT), as a caller may well pass it."""
    from models.train.refine import pghi
    t, n = 32, np.arange(32 * F.HOP)
    for f0 in (40.3, 40.5, 60.8):  # in bins
        s = _stft(np.sin(2 * np.pi * f0 * n / F.N_FFT).astype(np.float32), t)
        ph = pghi(np.abs(s).astype(np.float32), np.zeros_like(np.abs(s)), 100)
        k = int(round(f0))
        err = _wrapped(np.diff(ph[k, 10:21]) - np.diff(np.angle(s[k, 10:21])))
        assert np.abs(err).max() < 0.1, (f0, err)
    for off in (0, 37, -100):  # samples from frame 16's centre
        x = np.zeros(t * F.HOP, np.float32)
        x[16 * F.HOP + off] = 1.0
        s = _stft(x, t)
        ph = pghi(np.abs(s).astype(np.float32), np.zeros_like(np.abs(s)), 400)
        err = _wrapped(np.diff(ph[10:300, 16]) - np.diff(np.angle(s[10:300, 16])))
        assert np.abs(err).max() < 0.1, (off, err)


def test_seed_noise_is_the_engine_s():
    """The same numbers as griffin_lim::seed_noise (its unit test holds these)."""
    from models.train.refine import seed_noise
    v = seed_noise(100000)
    assert v[[0, 1, 2, 3, 99999]].tolist() == [-1.0, -0.8594663143157959, 0.4622400999069214,
                                                0.6768758296966553, 0.8343633413314819]
    assert v.dtype == np.float32 and abs(v.mean()) < 0.01 and v.min() >= -1 and v.max() < 1


def test_pghi_vocoder_rebuilds_a_kick_without_a_network():
    """From the Mel alone, PGHI's phase and 2 rounds rebuild a kick far better than the same
    rounds from the seed noise without PGHI (the band 0 means all bins), deterministically."""
    from models.train.refine import pghi_vocode, seed_noise
    x = kick()
    mel = F.Features().mel(torch.from_numpy(x)).numpy()
    y = pghi_vocode(mel, 2, 0)
    assert y.shape == x.shape and np.array_equal(y, pghi_vocode(mel, 2, 0))
    plain = refine(np.tile(seed_noise(x.shape[1]), (1, 1)), mel, 2)
    assert stft_sc(x, y) < 0.6 * stft_sc(x, plain), (stft_sc(x, y), stft_sc(x, plain))
