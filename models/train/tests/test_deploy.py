"""The deploy twins (sub-pixel convs, fused heads) compute what the trained modules compute,
and the classifier's augmentation keeps shapes and silence."""
import numpy as np
import pytest
import torch

from models.train import features as F
from models.train.classifier import DrumClassifier, augment
from models.train.cwae import CWAE
from models.train.deploy import DeployDecoder, DeployMCNN, elu, phase_grid_weight_3x3, subpixel_weight_1d
from models.train.mcnn import MCNN


@pytest.mark.parametrize("kernel,padding", [(13, 6), (5, 2), (7, 3), (3, 1)])
def test_subpixel_conv1d_equals_transposed_conv(kernel, padding):
    torch.manual_seed(kernel)
    t = torch.nn.ConvTranspose1d(5, 3, kernel, stride=2, padding=padding, output_padding=1, bias=False)
    w, pad = subpixel_weight_1d(t.weight.detach(), padding)
    x = torch.randn(2, 5, 17)
    with torch.no_grad():
        want = t(x)
        y = torch.nn.functional.conv1d(x, w, padding=pad)
        b, _, n = y.shape
        got = y.view(b, 2, 3, n).permute(0, 2, 3, 1).reshape(b, 3, 2 * n)
    assert got.shape == want.shape
    assert torch.allclose(got, want, atol=1e-5)


def test_elu_twin_equals_elu_everywhere():
    x = torch.cat([torch.linspace(-30, 30, 100001), torch.tensor([0.0, -0.0, 1e-30, -1e-30, 88.0, 1e30, -1e30])])
    got, want = elu(x), torch.nn.functional.elu(x)
    assert torch.isfinite(got).all()
    assert torch.allclose(got, want, atol=1e-6, rtol=1e-6)


@pytest.mark.parametrize("heads,frames", [(4, 88), (1, 7), (2, 1)])
def test_deploy_mcnn_matches_trained_mcnn(heads, frames):
    torch.manual_seed(0)
    m = MCNN(heads=heads, log_mean=-3.0, log_std=2.0).eval()
    d = DeployMCNN(m).eval()
    mel = torch.rand(2, F.N_MELS, frames) * 4
    with torch.no_grad():
        (w0, m0), (w1, m1) = m(mel), d(mel)
    assert w1.shape == w0.shape == (2, frames * F.HOP)
    assert torch.allclose(w0, w1, atol=1e-6) and torch.allclose(m0, m1, atol=1e-6)


def test_deploy_decoder_matches_trained_decoder():
    torch.manual_seed(0)
    cw = CWAE(11).eval()
    for n in cw.decoder.norms:  # non-trivial batch-norm statistics
        n.bn.running_mean.normal_()
        n.bn.running_var.uniform_(0.5, 2.0)
        n.gamma.weight.data.uniform_(0.5, 1.5)
        n.beta.weight.data.normal_()
    d = DeployDecoder(cw.decoder).eval()
    mix = torch.softmax(torch.randn(1, 11), dim=1)  # soft class mixes are defined too
    z, c = torch.randn(4, 64), torch.cat([torch.eye(11)[[0, 5, 10]], mix])
    with torch.no_grad():
        want, got = cw.decoder(z, c), d(z, c)
    assert got.shape == want.shape == (4, 1, F.N_MELS, F.FRAMES)
    assert torch.allclose(want, got, atol=1e-5)


def test_phase_grid_conv_equals_conv_after_pixel_shuffle():
    torch.manual_seed(1)
    w = torch.randn(3, 5, 3, 3)
    x = torch.randn(2, 20, 7, 9)
    with torch.no_grad():
        want = torch.nn.functional.conv2d(torch.nn.functional.pixel_shuffle(x, 2), w, padding=1)
        got = torch.nn.functional.pixel_shuffle(
            torch.nn.functional.conv2d(x, phase_grid_weight_3x3(w), padding=1), 2)
    assert torch.allclose(want, got, atol=1e-5)


def test_augment_keeps_shape_and_fills_with_silence():
    x = torch.randn(16, 1, F.N_MELS, F.FRAMES)
    floor = torch.full((F.N_MELS,), -9.0)
    y = augment(x, np.random.default_rng(0), floor)
    assert y.shape == x.shape
    delayed = [i for i in range(16) if torch.all(y[i, 0, :, 0] == -9.0)]
    assert delayed, "some sounds were delayed, their first frame silent"
    assert DrumClassifier(11)(y).shape == (16, 11)


def test_exported_mcnn_has_constant_shapes_and_any_batch_and_length(tmp_path):
    import onnx
    import onnxruntime as ort

    from models.train.export import _export, constant_reshapes

    torch.manual_seed(3)
    m = MCNN(heads=2, log_mean=-3.0, log_std=2.0).eval()
    path = tmp_path / "mcnn.onnx"
    _export(DeployMCNN(m), (torch.rand(2, F.N_MELS, 11),), path, ["mel"], ["wave", "mask"],
            {"mel": {0: "batch", 2: "frames"}, "wave": {0: "batch", 1: "samples"}, "mask": {0: "batch", 1: "samples"}})
    assert constant_reshapes(path) > 0
    ops = {n.op_type for n in onnx.load(str(path)).graph.node}
    assert not ops & {"Shape", "If"}, ops
    s = ort.InferenceSession(str(path))
    for batch, frames in [(1, 88), (3, 5), (2, 1)]:
        mel = torch.rand(batch, F.N_MELS, frames) * 4
        with torch.no_grad():
            want = m(mel)
        for got, w in zip(s.run(None, {"mel": mel.numpy()}), want):
            assert got.shape == tuple(w.shape)
            assert np.allclose(got, w.numpy(), atol=1e-5)
