"""Features, losses, labels, export parity, and a tiny train → export → evaluate run."""
import json

import numpy as np
import pytest
import torch

from models.train import features as F
from models.train.cwae import CWAE, mmd_imq, per_class_mmd
from models.train.labels import CLASSES, classify
from models.train.mcnn import MCNN, MCNNLoss, log_sc, mask_target, sc


def hit(freq, decay, n=F.LENGTH, seed=0):
    t = np.arange(n) / F.SAMPLE_RATE
    rng = np.random.default_rng(seed)
    x = np.sin(2 * np.pi * freq * t) * np.exp(-t * decay) + 0.05 * rng.standard_normal(n) * np.exp(-t * 30)
    return F.prepare_audio(x[: int(0.3 * F.SAMPLE_RATE)])


def test_torch_features_match_numpy_reference():
    x = hit(180, 12)
    mag, mel, lm = F.numpy_reference(x)
    feats = F.Features()
    xt = torch.from_numpy(x)[None]
    assert np.allclose(feats.stft_mag(xt)[0].numpy(), mag, rtol=1e-4, atol=1e-4)
    assert np.allclose(feats.mel(xt)[0].numpy(), mel, rtol=1e-4, atol=1e-3)
    assert np.allclose(feats.log_mel(xt)[0].numpy(), lm, atol=1e-3)
    assert lm.shape == (F.N_MELS, F.FRAMES)


def test_sine_lands_in_the_right_mel_bin():
    t = np.arange(F.LENGTH) / F.SAMPLE_RATE
    mel = F.numpy_reference(np.sin(2 * np.pi * 1000 * t).astype(np.float32))[1]
    peak = int(mel[:, F.FRAMES // 2].argmax())
    centres = F.mel_to_hz(np.linspace(F.hz_to_mel(F.FMIN), F.hz_to_mel(F.FMAX), F.N_MELS + 2))[1:-1]
    assert abs(centres[peak] - 1000) < 60


def test_filterbank_is_non_negative_and_covers_every_band():
    fb = F.mel_filterbank()
    assert fb.shape == (F.N_MELS, F.N_FFT // 2 + 1)
    assert (fb >= 0).all() and fb.max() <= 1.0 + 1e-6
    assert (fb.sum(axis=1) > 0).all()


def test_standardise_round_trip():
    lm = torch.randn(F.N_MELS, F.FRAMES)
    mean, std = torch.randn(F.N_MELS), torch.rand(F.N_MELS) + 0.5
    mel = F.destandardise_to_mel(F.standardise(lm, mean, std), mean, std)
    assert torch.allclose(torch.log(mel + F.LOG_EPS), lm, atol=1e-3)


def test_mmd_is_small_for_matching_and_large_for_shifted_samples():
    torch.manual_seed(0)
    a, b = torch.randn(200, 64), torch.randn(200, 64)
    assert abs(mmd_imq(a, b).item()) < 0.05
    assert mmd_imq(a + 3.0, b).item() > 10 * abs(mmd_imq(a, b).item())
    labels = torch.arange(200) % len(CLASSES)
    assert per_class_mmd(torch.randn(200, 64) + 2, labels, len(CLASSES)).item() > 0.1


def test_spectral_losses_are_zero_on_identity_and_positive_otherwise():
    x = torch.rand(2, 128, 40) + 0.1
    assert sc(x, x).item() == 0 and log_sc(x, x).item() == 0
    assert sc(x * 0.5, x).item() > 0.4 and log_sc(x * 0.5, x).item() > 0


def test_refined_loss_is_zero_on_identity_and_sees_low_frequencies():
    from models.train.mcnn import RefinedLoss

    t = torch.arange(24 * F.HOP) / F.SAMPLE_RATE
    low = torch.sin(2 * torch.pi * 60 * t)[None]
    assert RefinedLoss()(low, low).item() == 0
    # A 60 Hz tone against 70 Hz: apart by less than one bin at 512 points, resolved at 4096.
    off = torch.sin(2 * torch.pi * 70 * t)[None]
    assert RefinedLoss()(off, low).item() > 0.5


def test_mask_target_covers_the_sound_only():
    a = torch.zeros(1, 1000)
    a[0, 100:400] = 0.5
    m = mask_target(a)
    assert m[0, :400].all() and not m[0, 400:].any()


def test_mcnn_shapes_and_loss():
    model = MCNN(heads=2)
    mel = torch.rand(2, F.N_MELS, 8)
    wave, mask = model(mel)
    assert wave.shape == (2, 8 * F.HOP) and mask.shape == wave.shape
    target = torch.randn(2, 8 * F.HOP) * 0.1
    loss = MCNNLoss()(wave, mask, target, mask_target(target))
    assert torch.isfinite(loss) and loss.item() > 0


def test_cwae_shapes():
    m = CWAE(len(CLASSES), 64, hidden=16)
    x = torch.randn(3, 1, F.N_MELS, F.FRAMES)
    rec, z = m(x, torch.eye(len(CLASSES))[:3])
    assert rec.shape == x.shape and z.shape == (3, 64)


@pytest.mark.parametrize("name,cls", [
    ("Kick Lite 1", "kick"), ("Pearl Side Stick", "rim"), ("Snare Rimshot", None),
    ("Hi-Hat Semiopen (Paiste)", None), ("Sabian Hat Closed", "closed_hat"), ("Hat Open", "open_hat"),
    ("Bongo Hi", "hand_drum"), ("Tambourine", "perc"), ("Ride Bell", "ride"), ("crash16inch", "crash"),
    ("Tom Low", "tom"), ("Hand Clap", "clap"), ("Snare Roll", None), ("bd_808", "kick"),
    ("Snare (Pearl Free Floating Maple 14x3.5)", "snare"), ("c3 - bass drum 1", "kick"), ("Hi Hat Free", None),
    ("VariBreaks Drum 1", None), ("elec_bong", None),
])
def test_instrument_names_map_to_classes(name, cls):
    assert classify(name) == cls


def synthetic_dataset(path, per_class=4):
    rng = np.random.default_rng(0)
    audio, label, valid = [], [], []
    for k in range(len(CLASSES)):
        for i in range(per_class):
            audio.append(hit(60 + 90 * k + 7 * i, 5 + 3 * k, seed=k * 10 + i))
            label.append(k)
            valid.append(i == 0)
    np.savez_compressed(path, audio=np.stack(audio), label=np.array(label), group=np.arange(len(label)),
                        valid=np.array(valid), augmented=np.zeros(len(label), bool))
    return path


def test_tiny_train_export_evaluate(tmp_path):
    """End to end on synthetic hits: a few steps of each model, export with ORT parity, evaluate."""
    from models.train import evaluate, export, finetune, train

    data = synthetic_dataset(tmp_path / "dataset.npz")
    runs = tmp_path / "runs"
    common = ["--data", str(data), "--runs", str(runs), "--steps", "4", "--eval-every", "2"]
    train.main(["cwae", *common, "--per-class", "2", "--guide", "0.05", "--guide-epochs", "1"])
    train.main(["mcnn", *common, "--batch", "4", "--crop-frames", "8"])
    train.main(["mcnn", *common, "--batch", "4", "--crop-frames", "8", "--name", "mcnn-rr", "--init-from", "mcnn",
                "--heads", "1", "--through-rounds", "2"])
    assert torch.load(runs / "mcnn-rr" / "checkpoint.pt", weights_only=False)["through_rounds"] == 2
    finetune.main(["--runs", str(runs), "--data", str(data), "--cwae-run", "cwae", "--mcnn-run", "mcnn",
                   "--name", "cwae-vg", "--steps", "2", "--eval-every", "1", "--batch", "4", "--guide-epochs", "1"])
    assert (runs / "cwae-vg" / "audio_guide.pt").exists() and not (runs / "cwae-vg" / "best.pt").exists()
    finetune.main(["--runs", str(runs), "--data", str(data), "--cwae-run", "cwae", "--mcnn-run", "mcnn", "--name", "cwae-mm",
                   "--objective", "moments", "--steps", "2", "--eval-every", "1", "--batch", "4", "--per-class", "2"])
    assert torch.load(runs / "cwae-mm" / "checkpoint.pt", weights_only=False)["finetuned_from"] == "cwae"
    finetune.main(["--runs", str(runs), "--data", str(data), "--cwae-run", "cwae", "--mcnn-run", "mcnn", "--name", "cwae-both",
                   "--objective", "both", "--steps", "2", "--eval-every", "1", "--batch", "4", "--per-class", "2",
                   "--guide-epochs", "1"])
    assert torch.load(runs / "cwae-both" / "checkpoint.pt", weights_only=False)["moment_weight"] == 1.0
    out = tmp_path / "bundle"
    export.main(["--out", str(out), "--runs", str(runs), "--data", str(data), "--cwae-run", "cwae-vg"])
    cfg = json.loads((out / "bundle.json").read_text())
    assert cfg["format_version"] == 1 and cfg["classes"] == CLASSES
    assert len(cfg["latent"]["pca"]["components"]) == 3
    for v in cfg["training"]["onnx_vs_torch_max_abs_diff"].values():
        assert v < 1e-4
    evaluate.main(["--bundle", str(out), "--data", str(data), "--prior-per-class", "2",
                   "--classifier-epochs", "1", "--classifier-cache", str(tmp_path / "cache")])
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["classifier"]["prior_samples_per_class"]) == set(CLASSES)
    assert set(metrics["classifier"]["second_opinions"]) == {"cnn_seed2", "linear_pooled"}
    assert all(v["prior_samples"]["length_s"] >= 0 for v in metrics["character"].values())
    assert (out / "report" / "index.html").exists()
    assert list((tmp_path / "cache").glob("yardstick-*.pt")), "the yardstick classifier is cached"
    from models.train import vocoder_study

    vocoder_study.main(["--bundle", str(out), "--data", str(data), "--rounds", "0", "1"])
    vocoder_study.main(["--runs", str(runs), "--mcnn-run", "mcnn-rr", "--data", str(data), "--rounds", "1"])
