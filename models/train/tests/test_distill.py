"""Decoder distillation: batches, initialisation from the teacher, batch-norm recalibration."""
import numpy as np
import torch

from models.train.cwae import CWAE
from models.train.distill import init_from_teacher, latent_batch, recalibrate_bn


def test_latent_batch_mixes_encoded_and_prior_latents():
    z_train = torch.full((20, 64), 7.0)
    y_train = np.arange(20) % 11
    z, c = latent_batch(z_train, y_train, 64, np.random.default_rng(0), 11)
    assert z.shape == (64, 64) and c.shape == (64, 11)
    assert torch.all((z[:32] - 7.0).abs() < 1.0), "first half: encoded latents, slightly jittered"
    assert z[32:].abs().mean() < 2.0, "second half: prior samples"
    assert torch.allclose(c.sum(1), torch.ones(64)), "one-hot or soft class mixes"
    assert ((c[32:] > 0).sum(1) > 1).any(), "some prior samples get a class mix"


def test_student_starts_from_the_teachers_matching_tensors():
    torch.manual_seed(0)
    teacher, student = CWAE(11), CWAE(11, dec_channels=(64, 32, 16, 8, 4))
    init_from_teacher(student, teacher)
    assert torch.equal(student.decoder.fc2.weight, teacher.decoder.fc2.weight)
    assert not torch.equal(student.decoder.deconvs[0].weight[:, :32], teacher.decoder.deconvs[0].weight[:, :32])


def test_recalibrated_batch_norm_uses_the_exact_average():
    torch.manual_seed(0)
    dec = CWAE(11, dec_channels=(64, 32, 16, 8, 4)).decoder
    batches = [(torch.randn(8, 64), torch.eye(11)[torch.arange(8)]) for _ in range(3)]
    recalibrate_bn(dec, batches)
    assert not dec.training
    with torch.no_grad():
        means = []
        x0 = [torch.relu(dec.fc2(torch.relu(dec.fc1(torch.cat([z, c], 1))))).view(-1, 64, *dec.hw)
              for z, c in batches]
        means = torch.stack([dec.deconvs[0](x).mean(dim=(0, 2, 3)) for x in x0]).mean(0)
    assert torch.allclose(dec.norms[0].bn.running_mean, means, atol=1e-5)
