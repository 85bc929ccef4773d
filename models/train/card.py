"""Write MODEL_CARD.md and LICENSES.csv for a bundle from bundle.json, metrics.json and the
data manifest, so the card's numbers are the measured ones.

    python -m models.train.card            # models/ndm-v1/MODEL_CARD.md
"""
import argparse
import csv
import json
from collections import Counter
from pathlib import Path

from .data import DATA, LICENCES, VALIDATION_FAMILIES
from .labels import CLASSES

ROOT = Path(__file__).resolve().parents[2]


def pct(v):
    return "–" if v is None else f"{100 * v:.0f}%"


def off_by_a_third(value, reference):
    return abs(value - reference) > abs(reference) / 3


def character_distance(metrics):
    """Mean over classes and over length and centroid of |ln(prior / recorded)| (finetune.py's D)."""
    import numpy as np

    return float(np.mean([abs(np.log(c["prior_samples"][k] / c["real_training"][k]))
                          for c in metrics["character"].values() for k in ("length_s", "centroid_hz")]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bundle", default=str(ROOT / "models" / "ndm-v1"))
    a = ap.parse_args(argv)
    b = Path(a.bundle)
    cfg = json.loads((b / "bundle.json").read_text())
    m = json.loads((b / "metrics.json").read_text())
    rows = list(csv.DictReader(open(DATA / "manifest.csv")))
    orig = [r for r in rows if r["augmented"] == "0"]
    counts = Counter((r["class"], r["split"], r["augmented"]) for r in rows)
    with open(b / "LICENSES.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "kit", "licence", "distinct sounds used"])
        for (src, kit), n in sorted(Counter((r["source"], r["kit"]) for r in orig).items()):
            w.writerow([src, kit, LICENCES[src], n])

    t = cfg["training"]
    v = m["vocoders_on_true_mel"]
    clf = m["classifier"]
    size = sum(x["bytes"] for x in cfg["models"].values()) / 1e6
    lines = [
        f"# Model card: {cfg['name']}",
        "",
        "Drum one-shot generator: a conditional convolutional Wasserstein autoencoder (CWAE) over",
        "standardised log-Mel spectrograms and a multi-head CNN (MCNN) vocoder, after Aouameur, Esling",
        "and Hadjeres, *Neural Drum Machine* (ICCC 2019). Format: models/BUNDLE.md, version "
        f"{cfg['format_version']}. ONNX files together: {size:.1f} MB.",
        "",
        "## Data",
        "",
        f"{len(orig)} distinct one-shots (after removing near-duplicates: log-Mel cosine > 0.985 within a",
        f"class) from {len({r['family'] for r in orig})} kit families in Debian packages: Hydrogen drum kits",
        "(hydrogen-drumkits, hydrogen-data), AVL drumkits (SF2, rendered with tinysoundfont), LMMS",
        "samples, Sonic Pi samples, and the GM percussion of MuseScore General (7 drum presets rendered",
        "with tinysoundfont). Per-kit licences: LICENSES.csv beside this card; per-file provenance:",
        "models/data/manifest.csv. Audio is not redistributed here; `python -m models.train.data`",
        "rebuilds it from the packages.",
        "",
        "Processing: decode (WAV/FLAC/Ogg/AIFF/SF2/SF3), downmix, resample to 22 050 Hz, trim leading",
        "silence (−50 dB), cap at 1.02 s with a short fade, peak-normalise.",
        "",
        "Classes (the paper's 11 are not supported by public data: 4 snaps, 9 shakers exist here), chosen",
        "by count and by what a classifier can separate on unseen kits: "
        + ", ".join(f"`{c}`" for c in CLASSES) + ".",
        "`hand_drum` = conga, bongo, djembe, cajon, tabla, dunun; `perc` = cowbell, clave, woodblock,",
        "shaker, maraca, tambourine, snap, agogo, cabasa; `rim` = side stick / rim click; `crash` =",
        "crash, splash, china; `ride` = ride and its bell. Left out: semi-open and pedal hats, rolls,",
        "chokes, rimshots, effects (models/train/labels.py holds the rules and their tests).",
        "",
        "Split by kit family, so validation measures unseen kits: validation = "
        + ", ".join(sorted(VALIDATION_FAMILIES)) + ".",
        "Scarce classes are augmented in the training split only (pitch ±3 semitones by resampling,",
        "random low/high-pass), up to 120 sounds per class.",
        "",
        "| class | train (distinct) | train (augmented copies) | validation |",
        "| --- | ---: | ---: | ---: |",
    ]
    for c in CLASSES:
        lines.append(f"| {c} | {counts[(c, 'train', '0')]} | {counts[(c, 'train', '1')]} | {counts[(c, 'valid', '0')]} |")
    lines += [
        "",
        "## Features",
        "",
        f"{cfg['sample_rate']} Hz; STFT window {cfg['stft']['win']} (periodic Hann), FFT {cfg['stft']['n_fft']},",
        f"hop {cfg['stft']['hop']}; {cfg['mel']['n_mels']} HTK Mel bins 0–{cfg['mel']['fmax']:.0f} Hz;",
        f"{cfg['frames']} frames ({cfg['length_samples']} samples). The paper used 512 Mel bins; 128 keeps the",
        "MCNN's input layer and the CWAE four times cheaper on a CPU. Log-Mel is standardised per Mel bin",
        "(the paper: per time-frequency bin; per bin is robust in the silent tails of short hits).",
        "",
        "## Models and training (2 CPU cores, in the background)",
        "",
        "- CWAE: 4 strided 5×5 convs (16-32-64-64 channels) with class-conditional batch norm (FiLM",
        "  from the class vector), FC 3072→256→64 with dropout 0.2; the decoder mirrors it and sees",
        "  z ⊕ class. Loss MSE + β·MMD (β = 10), MMD with the inverse multiquadratics kernel to N(0, I)",
        "  per class, averaged over classes, + γ·CE of the class guide (below); balanced batches of 8",
        "  per class, each jittered (onset delayed 1–3 frames, ±2 Mel bins, level ±1 nat, each half the",
        "  time); AdamW 1e-3 (weight decay 1e-4), halved on plateau; validation MSE every 100 steps, the",
        f"  best checkpoint kept (early stopping). Steps of the shipped checkpoint: "
        f"{t.get('decoder_teacher_steps', t.get('cwae_steps'))}.",
        "- Class guide (γ = 0.05): a small CNN trained first on the standardised log-Mel of the training",
        "  split (seed 1, 15 epochs), then frozen. In every CWAE step, z ~ N(0, I) is decoded for each",
        "  sound's class in the same batch as the reconstructions, and the guide's cross-entropy on those",
        "  prior samples pushes the decoder to render each class recognisably from anywhere in the prior,",
        "  the weakness the paper admits. The yardstick below is a different network, trained on audio",
        "  features with another seed, and judges the audio after the MCNN.",
    ]
    if t.get("decoder_teacher_run"):
        ch = "-".join(map(str, t["decoder_channels"]))
        lines += [
            f"- Shipped decoder: distilled (models/train/distill.py) from the CWAE above (run",
            f"  {t['decoder_teacher_run']}, step {t['decoder_teacher_steps']}) into a narrower one with channels {ch}",
            "  (FC grid, then after each transposed conv; the trained one has 64-64-32-16-16): the late",
            "  stages run at full spectrogram size and were most of the decoder's cost. Loss: MSE to the",
            "  teacher's output on batches of half encoded training sounds, half prior samples (one in eight",
            "  with a soft class mix), + 0.02 × the class guide's cross-entropy on the prior half (MSE alone",
            "  lost recognisability: 74% → 63% per class, see the table below); Adam 1e-3 with cosine decay,",
            "  batch norm statistics recalibrated on 2,048 latents before each validation, the checkpoint",
            f"  with the lowest MSE + guide term kept (step {t.get('decoder_finetuned_from_steps', t['cwae_steps'])}). The encoder, the latent space",
            "  and the navigation data are the teacher's.",
        ]
    if t.get("decoder_finetune_objective") == "both":
        lines += [
            f"- Then fine-tuned (models/train/finetune.py --objective both, run {t['cwae_run']}, {t['cwae_steps']} steps from",
            f"  {t['decoder_finetuned_from']}) so that prior samples stay recognisable after the vocoder, without",
            "  leaving their class's character: the loss adds to the MSE anchor on the starting decoder",
            f"  {t['decoder_finetune_weight']} × the cross-entropy of a CNN trained on the real training audio, hearing two",
            f"  prior samples per class per step through the frozen MCNN of run {t.get('decoder_finetune_vocoder_run', '?')}, its rounds and the peak limit",
            f"  (all differentiable), and {t.get('decoder_finetune_moment_weight')} × the gap between each class's per-cell",
            "  mean and spread of standardised log-Mel over 8 prior samples and over its real training",
            "  sounds. Either term alone was rejected (below); three moment weights were tried and the",
            "  rule fixed before the last two (every judge at least as high, character distance not",
            "  larger) kept this one.",
        ]
    heads = t.get("mcnn_heads", 4)
    lines += [
        f"- MCNN: {heads} heads × 8 transposed 1-D convs (width 13, stride 2, channels 32-32-24-16-12-8-8-2), ELU,",
        "  no biases; waveform = scaled softsign(Σ w_h·s_h), mask = σ(Σ m_h). Loss 3·SC + 10·SC_log on",
        "  Mel magnitudes + SC and log-SC on linear STFTs at 512 and 2048 points + BCE on the mask;",
        "  random 32-frame crops, batch 16, Adam 1e-3, halved on plateau.",
    ]
    if t.get("mcnn_kept_heads"):
        lines += [
            f"  Pruned: the {heads} heads of the 4-head run `{t['mcnn_init_from']}` (19,810 steps) that gave the",
            f"  lowest validation loss kept alone (heads {', '.join(map(str, t['mcnn_kept_heads']))}), then fine-tuned on the real",
            f"  audio at 5e-4, best of 30,000 steps: step {t.get('mcnn_pruned_steps', t.get('mcnn_steps'))}. Alone it is less recognisable than",
            "  the 4 heads (ablation below); with the refinement that follows it is more, at half the cost.",
        ]
    else:
        lines += [f"  Steps: {t.get('mcnn_steps')}."]
    tuned = [r for r in t.get("mcnn_lineage", []) if r.get("through_rounds")]
    if tuned:
        lines += [
            "  Then fine-tuned on what the engine plays (train.py --through-rounds): its masked output",
            "  goes through the refinement's rounds (differentiable) and the spectral convergence of the",
            "  result at 512, 2048 and 4096 points is added to the loss, so that the MCNN learns phases",
            "  the rounds can use (most of the gap to Griffin-Lim-32 lay below 650 Hz; BENCHMARKS.md): "
            + ", then ".join(f"run {r['run']}, {r['step']:,} steps, weight {r.get('refined_weight', 3.0):g}" for r in reversed(tuned))
            + ". For ndm-v1 (the last step kept): alone it is now further from the audio (SC 0.78 → 0.81);",
            "  after the rounds it is closer (0.60 → 0.58).",
        ]
    lines += [
        f"- Refinement (bundle.json `mcnn_refine` = {cfg.get('mcnn_refine', 0)}): after the MCNN, that many",
        "  Griffin-Lim rounds start from the MCNN's phase and move the sound's magnitudes to the ones the",
        "  Mel asks for (models/train/refine.py, twin of src/griffin_lim.rs; BUNDLE.md). Why: the",
        "  yardstick below, given real validation rides vocoded from their true Mel by the MCNN alone,",
        "  heard none of them as rides (62% of the real audio) and every crash as a crash; the MCNN, not",
        "  the CWAE, erased what tells a ride from a crash. Each round costs one STFT and one inverse",
        "  (about 0.45 ms per second of sound in Rust, plus 0.25 ms once for the Mel inversion, whose",
        "  non-negative least-squares fit stops after 3 updates here: prior samples were recognised as",
        "  often as with 10, 88.7% against 88.8%, spectral convergence 0.604 against 0.601).",
    ]
    if cfg.get("mcnn_pghi_hz"):
        lines += [
            f"- Low band's phase (bundle.json `mcnn_pghi_hz` = {cfg['mcnn_pghi_hz']:g} Hz): in the first round the phase",
            "  below that frequency is not the MCNN's but is integrated from the Mel's magnitude (Phase Gradient",
            "  Heap Integration, Průša, Balazs & Søndergaard 2017; models/train/refine.py `pghi`, twin of",
            "  src/pghi.rs; BUNDLE.md). Nine tenths of the MCNN's spectral-convergence gap to Griffin-Lim-32",
            "  lay below 650 Hz, where its phase led the rounds astray; integrated, the low band is consistent",
            "  with its magnitude from the start (kicks SC 0.53 → 0.30, toms 0.61 → 0.35; BENCHMARKS.md).",
        ]
    lines += [
        "- Export: the decoder and MCNN ship as inference twins (models/train/deploy.py): every stride-2",
        "  transposed conv becomes one ordinary conv computing all output phases, followed by",
        "  interleaving; the MCNN's convs are 2-D (ONNX Runtime's blocked NCHWc kernels), one per head",
        "  after the first, with constant reshape shapes, and its last conv sums the heads on the last",
        "  hidden layer's phase grid; ELU is written as Max(x, Exp(Min(x, 0)) − 1); the decoder's last",
        "  stage stays on the phase grid (its 3×3 output conv rewritten for it) and skips the columns",
        "  past the 88 frames, and its batch norms and class scales and shifts are one product of the",
        "  class vector. Same weights, same outputs to float rounding; in ONNX Runtime the MCNN runs",
        "  1.8× faster than the trained module exported as it is, the decoder 1.1× (BENCHMARKS.md).",
        f"- Export: ONNX opset 17; ONNX Runtime (twins) vs the trained PyTorch modules, max abs diff: "
        + ", ".join(f"{k} {v:.1e}" for k, v in t["onnx_vs_torch_max_abs_diff"].items()) + ".",
        "",
        f"## Metrics (validation split, {m['summary']['validation_sounds']} sounds from unseen kits; "
        "`python -m models.train.evaluate`)",
        "",
        "| measure | value |",
        "| --- | ---: |",
        f"| CWAE reconstruction, log-Mel L1 | {m['cwae']['logmel_l1']:.3f} |",
        f"| CWAE reconstruction, Mel spectral convergence | {m['cwae']['mel_sc']:.3f} |",
        f"| Full chain (encode → decode → MCNN) SC / LSD 512 / LSD 2048 (dB) | {m['full_chain']['sc']:.3f} / "
        f"{m['full_chain']['lsd_512']:.1f} / {m['full_chain']['lsd_2048']:.1f} |",
        "",
        "Vocoders on the true Mel spectrogram (SC: spectral convergence, 2048-point STFT; LSD: log-spectral",
        "distance in dB; time: seconds of compute per second of audio on one thread, Python):",
        "",
        "| vocoder | SC | LSD 512 | LSD 2048 | time / audio s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    pghi = f", PGHI below {cfg['mcnn_pghi_hz']:g} Hz" if cfg.get("mcnn_pghi_hz") and v["mcnn"].get("pghi_bins") else ""
    shipped = cfg.get("vocoder", "mcnn")
    tag = {shipped: " (a bang's default)"}
    label = {"mcnn": (f"MCNN + {v['mcnn'].get('refine_rounds', 0)} Griffin-Lim round(s){pghi}"
                      if v["mcnn"].get("refine_rounds") else "MCNN") + tag.get("mcnn", ""),
             "mcnn_alone": "MCNN alone",
             "pghi": "PGHI vocoder: the same rounds from a seed noise, no network (`vocoder pghi`)" + tag.get("pghi", "")}
    for name, r in v.items():
        lines.append(f"| {label.get(name, name)} | {r['sc']:.3f} | {r['lsd_512']:.1f} | {r['lsd_2048']:.1f} | {r['seconds_per_audio_second']:.4f} |")
    if "sc_without_peak_limit" in v["mcnn"] and "sc_with_peak_limit" in v["griffin_lim_32"]:
        lines += [
            "",
            "The MCNN and PGHI rows include the object's peak limit (a sound louder than 1 is scaled down),",
            "the Griffin-Lim rows do not. Like for like, SC of the MCNN vocoder against Griffin-Lim-32: "
            f"{v['mcnn']['sc_without_peak_limit']:.3f} against {v['griffin_lim_32']['sc']:.3f} without the limit, "
            f"{v['mcnn']['sc']:.3f} against {v['griffin_lim_32']['sc_with_peak_limit']:.3f} with it.",
        ]
    other = "pghi" if shipped == "mcnn" else "mcnn"
    alt = b / f"metrics-{other}.json"
    if "pghi" in v and alt.exists():
        p = json.loads(alt.read_text())
        judges = lambda s: " / ".join(f"{100 * s[k]:.1f}%" for k in ("classifier_prior_samples_mean_per_class",
                                                            "cnn_seed2_prior_samples_mean_per_class",
                                                            "linear_pooled_prior_samples_mean_per_class"))
        by = {shipped: m, other: p}
        lines += [
            "",
            "The PGHI vocoder (`vocoder pghi`; BUNDLE.md) needs no network: the same rounds start from a",
            "fixed seed noise, the first with the low band's phase integrated from the magnitude. It scores",
            "as well on the true Mel (above). Prior samples heard through each (`python -m",
            f"models.train.evaluate --vocoder {other}` → metrics-{other}.json for the one that is not the default)",
            f"are recognised {judges(by['pghi']['summary'])} through PGHI and {judges(by['mcnn']['summary'])} through",
            "the MCNN (yardstick / seed-2 CNN / linear judge); character distance "
            f"{character_distance(by['pghi']):.3f} against {character_distance(by['mcnn']):.3f}.",
            "A bang through PGHI costs about half (BENCHMARKS.md, `ndm bench`). bundle.json's `vocoder`",
            f"(here `{shipped}`) names what a bang plays; BENCHMARKS.md has the reasons for this choice.",
        ]
    lines += [
        "",
        "Class conditioning, judged by an independent small CNN trained on the real training audio:",
        "accuracy on real validation sounds (the ceiling of what the data makes recognisable) and on",
        f"100 prior samples per class (z ~ N(0, I), decoded with the class). Real overall: "
        f"{pct(clf['real_valid_overall'])}.",
        "",
        "| class | real validation | generated from the prior |",
        "| --- | ---: | ---: |",
    ]
    for c in CLASSES:
        lines.append(f"| {c} | {pct(clf['real_valid_per_class'].get(c))} | {pct(clf['prior_samples_per_class'].get(c))} |")
    lines += [
        f"| **mean per class** | {pct(m['summary']['classifier_real_valid_mean_per_class'])} | "
        f"{pct(m['summary']['classifier_prior_samples_mean_per_class'])} |",
        "",
        "Confusion matrices are in metrics.json; listen in report/index.html.",
        "",
    ]
    second = clf.get("second_opinions", {})
    if second:
        names = {"cnn_seed2": "the same CNN, seed 2", "linear_pooled": "a linear judge of pooled band statistics"}
        lines += [
            "Second opinions: the yardstick's verdicts move with its own training (below), so the same",
            "samples are also judged by " + " and by ".join(names.get(n, n) for n in second) + ", both",
            "trained on the same real training audio (real validation / prior samples):",
            "",
            "| class | " + " | ".join(names.get(n, n) for n in second) + " |",
            "| --- | " + " | ".join("---:" for _ in second) + " |",
        ]
        for c in CLASSES:
            lines.append(f"| {c} | " + " | ".join(
                f"{pct(j['real_valid_per_class'].get(c))} / {pct(j['prior_samples_per_class'].get(c))}"
                for j in second.values()) + " |")
        mean = lambda d: sum(d.values()) / max(len(d), 1)
        lines += ["| **mean per class** | " + " | ".join(
            f"{pct(mean(j['real_valid_per_class']))} / {pct(mean(j['prior_samples_per_class']))}"
            for j in second.values()) + " |", ""]
    char = m.get("character", {})
    if char:
        lines += [
            "Character without a learned judge (medians; length: last sample above 1% of the peak;",
            "centroid: of the whole sound's power spectrum): recorded training sounds (no pitch-shifted copies) against prior samples.",
            "",
            "| class | length real / prior (s) | centroid real / prior (Hz) |",
            "| --- | ---: | ---: |",
        ]
        for c in CLASSES:
            if c in char:
                r_, p_ = char[c]["real_training"], char[c]["prior_samples"]
                lines.append(f"| {c} | {r_['length_s']:.2f} / {p_['length_s']:.2f} | "
                             f"{r_['centroid_hz']:.0f} / {p_['centroid_hz']:.0f} |")
        lines += [""]
    g = m.get("class_guess_on_encode")
    if g:
        lines += [
            "Encoding a sound without naming its class (the object's `encode <buffer>`), on the same",
            "validation sounds: the bundle's classifier guesses right "
            f"{pct(g.get('classifier_accuracy'))} of the time, the best of the 11 reconstructions "
            f"{pct(g['reconstructions_accuracy'])}.",
            "",
        ]
    ablation = b / "ablation.json"
    if ablation.exists():
        lines += [
            "## What each training change did (same data, same yardstick)",
            "",
            "| change | steps | log-Mel L1 | Mel SC | MCNN SC | chain SC | real valid (mean/class) | prior samples (mean/class) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in json.loads(ablation.read_text()):
            s_ = r["summary"]
            lines.append(f"| {r['name']} | {r['steps']} | {s_['cwae_logmel_l1']:.3f} | {s_['cwae_mel_sc']:.3f} | "
                         f"{s_['mcnn_sc']:.3f} | "
                         f"{s_['chain_sc']:.3f} | {pct(s_['classifier_real_valid_mean_per_class'])} | "
                         f"{pct(s_['classifier_prior_samples_mean_per_class'])} |")
        lines += ["", "Rows come from ablation.json, which holds each run's metrics summary.", ""]
        rows_ = json.loads(ablation.read_text())
        first, last = rows_[0]["summary"], rows_[-1]["summary"]
        if last["cwae_mel_sc"] > first["cwae_mel_sc"]:
            lines += [
                "The trade-off: log-Mel L1 (every time-frequency cell, quiet tails included) and the",
                "conditioning improved, while the Mel spectral convergence (dominated by the loudest cells)",
                f"got worse, {first['cwae_mel_sc']:.3f} → {last['cwae_mel_sc']:.3f}; the full chain moved",
                f"{first['chain_sc']:.3f} → {last['chain_sc']:.3f}.",
                "",
            ]
    lines += [
        "## Known weaknesses",
        "",
        "- Small data (hundreds of distinct sounds, 13 kit families) and short CPU training: sounds are",
        "  plausible drums but blurrier than the sources; rare classes (clap, rim) rest on few recordings.",
        "- The MCNN is small for speed and short of training: on the true Mel of unseen kits its spectral",
        f"  convergence is {'worse' if v['mcnn'].get('sc_without_peak_limit', v['mcnn']['sc']) > v['griffin_lim_32']['sc'] else 'only just better'} than "
        f"Griffin-Lim-32's like for like (above), and that with the refinement and the integrated low band, at "
        f"{v['griffin_lim_32']['seconds_per_audio_second'] / v['mcnn']['seconds_per_audio_second']:.0f}× its speed. "
        "Its mask is",
        "  on for most of the 1 s window, so trimming relies on the frame-energy rule in the engine.",
        "- The independent classifier that judges conditioning is itself weak on unseen kits (the",
        "  real-validation column; REFERENCE reports ~0.76 overall for one on a class set with a single",
        "  cymbal class: merging crash and ride in this one's confusion matrix gives 60%), so the",
        "  per-class numbers are a noisy yardstick. The class guide and the yardstick are different",
        "  networks but learn from the same training kits: part of the gain may be features that any",
        "  CNN trained there keys on. Listen to the prior samples in report/index.html.",
        "- The per-class numbers move with the yardstick's own training: the same network trained 60",
        "  epochs instead of 30 (real validation 57% overall instead of 55%) recognised 40 prior samples",
        "  per class of this bundle 80% of the time instead of 91% (closed hat 45%, rim 47%, ride 62%),",
        "  and of the 4-head MCNN's bundle 80% too (session 4, a one-off `train_classifier(..., epochs=60)`",
        "  run, not in metrics.json). Read",
        "  the table's differences between rows, all judged by the one cached yardstick, rather than",
        "  its absolute levels.",
        "- Level: the engine scales any sound louder than a peak of 1 down to 1 (the training sounds were",
        "  all peak-normalised; the rounds give back the loudness the MCNN's softsign squashed, up to a",
        "  median peak of 3.6 for prior snares). The yardstick's log-Mel has a floor, so it hears the",
        "  quieter copies as less typical: 91% → 89% per class (ablation, last row), snare 93% → 81%,",
        "  closed hat 74% → 59%. Normalising every sound to a peak of 1 instead (quiet ones raised too,",
        "  as the training data were) did not recover it: 88.3% against 88.8% (session 5).",
        "- Tried and rejected (session 5, models/train/finetune.py; judged in one-off runs by this",
        "  yardstick, a second CNN and a linear judge, which put the session-5 decoder at 89% / 92% / 66%):",
        "  - fine-tuning the decoder through the frozen vocoder against a third CNN trained on the real",
        "    audio (1,500 steps, anchored to the shipped decoder): 95% / 98% / 71% (snare 80% → 99%), but",
        "    the sounds moved away from their classes: the median 'snare' became 0.06 s long with a 191 Hz",
        "    centroid (recorded snares: 0.39 s, 797 Hz; shipped: 0.26 s, 277 Hz). CNNs share blind spots that a",
        "    decoder can learn to hit; hence the character table above;",
        "  - matching each class's per-cell mean and spread of real log-Mels instead (no judge in the",
        "    loss, 400 steps): closer in character (snares 0.31 s at 993 Hz, closed hats 7.0 kHz) and",
        "    better reconstructions (validation MSE 0.128 → 0.114), the linear judge 75%, but the CNNs",
        "    heard 71% / 70% and no rides; means only: 82% / 84% / 73%, rides 23%. The judges disagree,",
        "    so neither ships alone; the two together do (session 6, above). With the moments at 0.3",
        "    instead of 1 the judges said 96% / 99% / 75%, but snares went 0.12 s at 192 Hz; at 3, the",
        "    character came closest (snares 0.33 s at 373 Hz) and the CNNs fell to 87% / 86%.",
        "- Tried and rejected (session 6): the MCNN fine-tuned on the spectral convergence of its output",
        "  after the 2 rounds (train.py --through-rounds 2; 6,000 steps): SC after the rounds 0.604 → 0.584,",
        "  LSD 4.91 → 4.79 dB (512 points), the judges unchanged with the rounds (95.4% / 98.4% / 79.1%),",
        "  but without them (the object's `vocoder mcnn 0`) the prior samples fell from 72% / 71% / 72%",
        "  to 62% / 65% / 67% (tom 79% → 46%, rim 64% → 32%): it learned to feed the rounds. With the",
        "  shipped bundle `vocoder mcnn 0` (no rounds, the fastest setting) is recognised 72% per class",
        "  by the yardstick (ride 0%: without the rounds, rides are heard as crashes).",
        "- Character off by more than a third (the table without a learned judge; the classifiers may",
        "  recognise such sounds, a drummer would hear the difference), prior against real: "
        + "; ".join(", ".join(f"{c} {label} {v['prior_samples'][key]:{fmt}} vs {v['real_training'][key]:{fmt}} {unit}"
                              for c, v in m.get("character", {}).items()
                              if off_by_a_third(v["prior_samples"][key], v["real_training"][key])) or f"no {label}"
                    for key, label, fmt, unit in (("centroid_hz", "centroid", ".0f", "Hz"), ("length_s", "length", ".2f", "s")))
        + ".",
        "- Classes generated less recognisably than real validation sounds: "
        + "; ".join(f"{who}: " + (", ".join(c for c in CLASSES if (j["prior_samples_per_class"].get(c) or 0)
                                          < (j["real_valid_per_class"].get(c) or 0)) or "none")
                    for who, j in [("yardstick", clf), *clf.get("second_opinions", {}).items()]) + ".",
        "- Validation classes with very few sounds (clap, rim, open hat) give noisy per-class numbers.",
        "",
    ]
    (b / "MODEL_CARD.md").write_text("\n".join(lines))
    print(b / "MODEL_CARD.md")


if __name__ == "__main__":
    main()
