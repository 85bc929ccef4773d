"""Build the drum one-shot data set from Debian-packaged kits.

    python -m models.train.data            # installs the packages if missing, builds the set

Writes models/data/manifest.csv (committed) and models/data/cache/dataset.npz (not committed):
audio [N, LENGTH] at 22 050 Hz, class index, recording group, split, augmentation flag.
"""
import argparse
import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, resample_poly, sosfilt
from tqdm import tqdm

from .features import LENGTH, SAMPLE_RATE, Features, prepare_audio
from .labels import CLASSES, GM_KEYS, classify

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "models" / "data"
DEB_PACKAGES = [
    "hydrogen-drumkits", "hydrogen-data", "avldrums.lv2-soundfont", "lmms-common",
    "sonic-pi-samples", "musescore-general-soundfont",
]
HYDROGEN = Path("/usr/share/hydrogen/data/drumkits")
LMMS = Path("/usr/share/lmms/samples/drums")
SONICPI = Path("/usr/share/sonic-pi/samples")
MUSESCORE = Path("/usr/share/sounds/sf3/MuseScore_General.sf3")
AVL = Path("/usr/lib/lv2/avldrums.lv2")

# Kits that are one recording family (same samples shipped several times, REFERENCE §3).
FAMILY = {
    "GMRockKit": "pearl", "The Black Pearl 1.0": "pearl", "Gimme A Hand 1.0": "pearl",
    "Black_Pearl_4_LV2": "pearl", "Red_Zeppelin_4_LV2": "pearl",
    "Millo-Drums_v.1": "millo", "Millo_MultiLayered2": "millo", "Millo_MultiLayered3": "millo",
    "Audiophob": "millo", "ColomboAcousticDrumkit": "millo",
}
# Validation = whole kit families never seen in training (chosen so each class has examples).
VALIDATION_FAMILIES = {"ForzeeStereo", "HardElectro1", "lmms", "circAfrique v4"}
LICENCES = {
    "hydrogen": "GPL-2+ / CC-BY-SA-3.0 / CC-BY-3.0 / CC0 (per kit, see /usr/share/doc/hydrogen-drumkits/copyright)",
    "avldrums": "CC-BY-SA-3.0",
    "lmms": "GPL-2+",
    "sonic-pi": "CC0",
    "musescore": "MIT",
}
MUSESCORE_KITS = {0: "Standard", 8: "Room", 16: "Power", 24: "Electronic", 25: "TR-808",
                  32: "Jazz", 40: "Brush"}


def ensure_packages():
    if all(p.exists() for p in (HYDROGEN, LMMS, SONICPI, MUSESCORE, AVL)):
        return
    if shutil.which("apt-get") is None:
        sys.exit("missing drum packages and no apt-get: install " + " ".join(DEB_PACKAGES))
    subprocess.run(["apt-get", "update", "-q"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *DEB_PACKAGES], check=True)


def load_file(path):
    x, sr = sf.read(str(path), dtype="float32", always_2d=True)
    return to_model_rate(x.mean(axis=1), sr)


def to_model_rate(x, sr):
    if sr != SAMPLE_RATE:
        g = np.gcd(int(sr), SAMPLE_RATE)
        x = resample_poly(x, SAMPLE_RATE // g, int(sr) // g).astype(np.float32)
    return x


def trim_and_fit(x, thresh_db=-50.0):
    """Trim leading silence, cap at 1 s (+ frame), peak-normalise. None if silent or too short."""
    peak = np.max(np.abs(x)) if x.size else 0.0
    if peak <= 1e-6:
        return None
    x = x / peak
    above = np.nonzero(np.abs(x) > 10 ** (thresh_db / 20))[0]
    x = x[above[0]:]
    if x.size < SAMPLE_RATE // 50:
        return None
    x = x[:LENGTH].copy()
    fade = min(256, x.size)
    if x.size == LENGTH:
        x[-fade:] *= np.linspace(1, 0, fade, dtype=np.float32)
    return prepare_audio(x)


def hydrogen_items():
    for kit in sorted(HYDROGEN.iterdir()):
        xml = kit / "drumkit.xml"
        if not xml.exists():
            continue
        root = ET.parse(xml).getroot()
        ns = re.match(r"\{.*\}", root.tag)
        ns = ns.group(0) if ns else ""
        for inst in root.iter(ns + "instrument"):
            name = (inst.findtext(ns + "name") or "").strip()
            cls = classify(name)
            files = [f.text for f in inst.iter(ns + "filename") if f.text]
            for i, fn in enumerate(files):
                cls_i = cls
                if name.lower().startswith("sample:") or re.match(r"^[a-g]#?\d - ", name.lower()):
                    cls_i = classify(re.sub(r"^[a-g]#?\d - ", "", name.lower()))
                if cls_i is None:
                    continue
                yield dict(source="hydrogen", kit=kit.name, family=FAMILY.get(kit.name, kit.name),
                           path=str(kit / fn), name=name, cls=cls_i,
                           recording=f"{kit.name}/{name}")


def lmms_items():
    for p in sorted(LMMS.glob("*.ogg")):
        cls = classify(p.stem)
        if cls:
            yield dict(source="lmms", kit="lmms", family="lmms", path=str(p), name=p.stem, cls=cls,
                       recording=f"lmms/{p.stem}")


def sonicpi_items():
    for p in sorted(SONICPI.glob("*.flac")):
        if not re.match(r"(bd|sn|drum|elec|tabla|perc)_", p.stem):
            continue
        cls = classify(p.stem)
        if cls:
            yield dict(source="sonic-pi", kit="sonic-pi", family="sonic-pi", path=str(p), name=p.stem,
                       cls=cls, recording=f"sonic-pi/{p.stem}")


def soundfont_items():
    import tinysoundfont as tsf

    fonts = [("musescore", MUSESCORE, [(128, p, n) for p, n in MUSESCORE_KITS.items()])]
    fonts += [("avldrums", f, [(0, 0, f.stem)]) for f in sorted(AVL.glob("*.sf2"))]
    for source, path, presets in fonts:
        synth = tsf.Synth(samplerate=SAMPLE_RATE)
        sfid = synth.sfload(str(path))
        for bank, preset, kitname in presets:
            synth.program_select(9, sfid, bank, preset, True)
            for key, cls in sorted(GM_KEYS.items()):
                synth.sounds_off(9)
                synth.generate(SAMPLE_RATE // 10)  # flush any release tail
                synth.noteon(9, key, 100)
                a = np.frombuffer(synth.generate(SAMPLE_RATE // 2), dtype=np.float32)
                synth.noteoff(9, key)
                b = np.frombuffer(synth.generate(SAMPLE_RATE * 3 // 4), dtype=np.float32)
                x = np.concatenate([a, b]).reshape(-1, 2).mean(axis=1)
                kit = f"{source}-{kitname}"
                yield dict(source=source, kit=kit, family="pearl" if source == "avldrums" else "musescore",
                           path=f"{path}#bank{bank}/preset{preset}/key{key}", name=f"GM key {key}",
                           cls=cls, recording=f"{kit}/{key}", audio=x)


def augment(x, rng):
    """Pitch shift (±3 semitones by resampling), random low/high-pass, short time stretch."""
    semis = rng.uniform(-3, 3)
    ratio = 2 ** (semis / 12)
    up, down = int(round(1000 / ratio)), 1000
    y = resample_poly(x, up, down).astype(np.float32)
    if rng.random() < 0.5:
        cutoff = rng.uniform(2000, 9000)
        y = sosfilt(butter(2, cutoff, "low", fs=SAMPLE_RATE, output="sos"), y).astype(np.float32)
    elif rng.random() < 0.5:
        cutoff = rng.uniform(40, 400)
        y = sosfilt(butter(2, cutoff, "high", fs=SAMPLE_RATE, output="sos"), y).astype(np.float32)
    return trim_and_fit(y)


def dedupe(items, audio, threshold=0.985):
    """Drop near-duplicates (log-Mel cosine > threshold within a class): velocity layers and
    recordings shipped in several packages. Keeps the first occurrence."""
    import torch

    with torch.no_grad():
        lm = Features().log_mel(torch.from_numpy(audio)).reshape(len(items), -1)
        lm = lm - lm.mean(dim=1, keepdim=True)
        lm = torch.nn.functional.normalize(lm, dim=1)
        sim = lm @ lm.T
    keep = []
    cls = np.array([it["cls"] for it in items])
    for i in range(len(items)):
        dup = [j for j in keep if cls[j] == cls[i] and sim[i, j] > threshold]
        if dup:
            items[i]["duplicate_of"] = dup[0]
        else:
            keep.append(i)
    return keep


def build(out_dir=DATA, augment_to=120, seed=0, limit=None):
    ensure_packages()
    rng = np.random.default_rng(seed)
    raw = []
    gens = [hydrogen_items(), lmms_items(), sonicpi_items(), soundfont_items()]
    for gen in gens:
        raw.extend(gen)
    if limit:
        raw = raw[:limit]
    items, audio = [], []
    for it in tqdm(raw, desc="decode"):
        try:
            x = it.pop("audio", None)
            x = load_file(it["path"]) if x is None else x
        except Exception as e:  # unreadable files are reported, not fatal
            print(f"skip {it['path']}: {e}", file=sys.stderr)
            continue
        y = trim_and_fit(x)
        if y is None:
            continue
        items.append(it)
        audio.append(y)
    audio = np.stack(audio)
    keep = dedupe(items, audio)
    items = [items[i] for i in keep]
    audio = audio[keep]
    for it, a in zip(items, audio):
        it["split"] = "valid" if it["family"] in VALIDATION_FAMILIES else "train"
        it["sha256"] = hashlib.sha256(a.tobytes()).hexdigest()[:16]
        it["augmented"] = 0
    # Augment scarce classes in the training split only, copies stay with their recording.
    extra_items, extra_audio = [], []
    for c in CLASSES:
        idx = [i for i, it in enumerate(items) if it["cls"] == c and it["split"] == "train"]
        need = max(0, augment_to - len(idx))
        for k in range(need):
            i = idx[k % len(idx)]
            y = augment(audio[i], rng)
            if y is None:
                continue
            it = dict(items[i], augmented=1, sha256=hashlib.sha256(y.tobytes()).hexdigest()[:16])
            extra_items.append(it)
            extra_audio.append(y)
    if extra_items:
        items += extra_items
        audio = np.concatenate([audio, np.stack(extra_audio)])
    write(out_dir, items, audio)
    return items, audio


def write(out_dir, items, audio):
    out_dir = Path(out_dir)
    (out_dir / "cache").mkdir(parents=True, exist_ok=True)
    recs = sorted({it["recording"] for it in items})
    rec_id = {r: i for i, r in enumerate(recs)}
    np.savez_compressed(
        out_dir / "cache" / "dataset.npz",
        audio=audio.astype(np.float32),
        label=np.array([CLASSES.index(it["cls"]) for it in items], dtype=np.int64),
        group=np.array([rec_id[it["recording"]] for it in items], dtype=np.int64),
        valid=np.array([it["split"] == "valid" for it in items]),
        augmented=np.array([it["augmented"] for it in items], dtype=bool),
    )
    with open(out_dir / "manifest.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "source", "kit", "family", "original", "instrument", "class", "licence",
                    "split", "augmented", "sha256"])
        for i, it in enumerate(items):
            w.writerow([i, it["source"], it["kit"], it["family"], it["path"], it["name"], it["cls"],
                        LICENCES[it["source"]], it["split"], it["augmented"], it["sha256"]])
    counts = {}
    for it in items:
        key = (it["cls"], it["split"], it["augmented"])
        counts[key] = counts.get(key, 0) + 1
    print(f"{'class':12s} train(distinct) train(aug) valid")
    for c in CLASSES:
        print(f"{c:12s} {counts.get((c, 'train', 0), 0):8d} {counts.get((c, 'train', 1), 0):10d} "
              f"{counts.get((c, 'valid', 0), 0):6d}")


def load(path=DATA / "cache" / "dataset.npz"):
    if not Path(path).exists():
        sys.exit(f"{path} missing: run `python -m models.train.data` first")
    return dict(np.load(path))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=str(DATA))
    ap.add_argument("--augment-to", type=int, default=120)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    if (Path(a.out) / "cache" / "dataset.npz").exists() and not a.force:
        print("data set exists (use --force to rebuild)")
        return
    build(a.out, a.augment_to)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    main()
