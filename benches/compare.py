"""The anchors `ndm bench --compare` measures beside the Rust engine, on the same machine and
thread count: PyTorch eager (the training code's modules), Python ONNX Runtime (same graphs),
a paper-sized MCNN with random weights, the FLOPs of decoder + MCNN for a 1 s sound counted
from the ONNX graphs, and one core's attainable FLOP/s from a dense matrix multiply.

    .venv/bin/python benches/compare.py --bundle models/ndm-v1 --threads 1 --json out.json
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(fn, runs):
    fn()
    t = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        t.append((time.perf_counter() - t0) * 1e3)
    t.sort()
    return {"median_ms": t[len(t) // 2], "p99_ms": t[min(len(t) - 1, round(0.99 * (len(t) - 1)))]}


def conv_macs(model_path, inputs):
    """MACs of Conv/ConvTranspose/Gemm/MatMul nodes, from ONNX shape inference at fixed shapes."""
    import onnx
    from onnx import shape_inference

    m = onnx.load(str(model_path))
    for inp in m.graph.input:
        if inp.name in inputs:
            dims = inp.type.tensor_type.shape.dim
            for d, v in zip(dims, inputs[inp.name]):
                d.ClearField("dim_param")
                d.dim_value = v
    m = shape_inference.infer_shapes(m)
    shapes = {}
    for vi in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    inits = {t.name: list(t.dims) for t in m.graph.initializer}
    total = 0
    for n in m.graph.node:
        if n.op_type in ("Conv", "ConvTranspose"):
            w = inits.get(n.input[1])
            x = shapes.get(n.input[0])
            y = shapes.get(n.output[0])
            if not (w and x and y):
                continue
            k = int(np.prod(w[2:]))
            if n.op_type == "Conv":  # out elements × (in_ch/groups × kernel)
                total += int(np.prod(y)) * w[1] * k
            else:  # each input element scatters to out_ch × kernel
                total += int(np.prod(x)) * w[1] * k
        elif n.op_type in ("Gemm", "MatMul"):
            a, b = shapes.get(n.input[0]) or inits.get(n.input[0]), inits.get(n.input[1]) or shapes.get(n.input[1])
            if a and b:
                total += int(np.prod(a)) * b[-1]
    return total


def paper_mcnn_onnx(path):
    """The paper's MCNN size: 512 Mel, 8 heads × 8 layers, width 13, channels halving from 256."""
    import torch
    from torch import nn

    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            ch = [512, 256, 128, 64, 32, 16, 8, 4, 2]
            self.layers = nn.ModuleList(nn.ConvTranspose1d(a, b, 13, 2, 6, output_padding=1, bias=False)
                                        for a, b in zip(ch, ch[1:]))

        def forward(self, x):
            for i, l in enumerate(self.layers):
                x = l(x)
                if i < 7:
                    x = nn.functional.elu(x)
            return x

    class Paper(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleList(Head() for _ in range(8))

        def forward(self, mel):
            o = torch.stack([h(mel) for h in self.heads]).sum(0)
            return o[:, 0], torch.sigmoid(o[:, 1])

    torch.manual_seed(0)
    torch.onnx.export(Paper().eval(), (torch.rand(1, 512, 86),), str(path), input_names=["mel"],
                      output_names=["wave", "mask"], dynamo=False, opset_version=17)


def ratios(ndm, rows, macs, peak_gflops, plot):
    """How the Rust engine compares with each anchor and with the machine's attainable FLOP/s."""
    by = {r["name"]: r for r in ndm["rows"]}
    dec = by["decoder"]["median_ms"]
    mc1 = by["mcnn 1 s"]["median_ms"]
    r = {
        "rust_decoder_plus_mcnn_1s_ms": dec + mc1,
        "speedup_vs_pytorch_eager": (rows["pytorch_eager_decoder_plus_mcnn_1s"]["median_ms"] / (dec + mc1)
                                     if "pytorch_eager_decoder_plus_mcnn_1s" in rows else None),
        "speedup_vs_python_ort": rows["python_ort_decoder_plus_mcnn_1s"]["median_ms"] / (dec + mc1),
        "paper_mcnn_over_rust_mcnn": rows["paper_sized_mcnn_1s_python_ort"]["median_ms"] / mc1,
        "achieved_gflops_decoder_plus_mcnn": 2 * (macs["decoder"] + macs["mcnn_1s"]) / ((dec + mc1) / 1e3) / 1e9,
    }
    r["achieved_over_peak"] = r["achieved_gflops_decoder_plus_mcnn"] / peak_gflops
    # Full bang path by sound length: "full path 0.25 s @ 48000 Hz", and the 1 s row.
    full_by_len = sorted((float(n.split()[2]), v["median_ms"], v["p99_ms"]) for n, v in by.items()
                         if n.startswith("full path ") and n.split()[2].replace(".", "").isdigit())
    if full_by_len and full_by_len[-1][0] == 1.0:
        for secs, med, _ in full_by_len[:-1]:
            r[f"full_path_{secs}s_over_1s"] = med / full_by_len[-1][1]
    lengths = [(float(n.split()[1]), v["median_ms"], v["p99_ms"]) for n, v in by.items()
               if n.startswith("mcnn ") and n.split()[1].replace(".", "").isdigit()]
    # The shipped vocoder (MCNN + the bundle's Griffin-Lim rounds) against Griffin-Lim alone.
    refined = [v["median_ms"] for n, v in by.items() if n.startswith("mcnn + ")]
    if refined and "griffin-lim 32 it, 1 s" in by:
        r["griffin_lim_32_over_refined_mcnn"] = by["griffin-lim 32 it, 1 s"]["median_ms"] / refined[0]
    if plot and lengths:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        lengths.sort()
        fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
        ax.plot([l[0] for l in lengths], [l[1] + dec for l in lengths], "o-", label="ndm: decoder + MCNN (median)")
        ax.plot([l[0] for l in lengths], [l[2] + by["decoder"]["p99_ms"] for l in lengths], "o--", label="ndm p99")
        if full_by_len:
            ax.plot([l[0] for l in full_by_len], [l[1] for l in full_by_len], "s-", color="black",
                    label="ndm full bang path @ 48 kHz (median)")
        ax.axhline(rows["paper_sized_mcnn_1s_python_ort"]["median_ms"], color="red", ls="-.",
                   label="paper-sized MCNN alone, 1 s (ORT)")
        ax.set_xlabel("sound length (s)")
        ax.set_ylabel("ms, one thread")
        ax.set_yscale("log")
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(plot)
    return {"ratios": r, "rust": ndm}


def markdown(out):
    """The results as markdown tables: Rust stages, anchors, ratios."""
    lines = [f"Threads: {out['threads']}. Times in ms, median and p99 over warm runs.", ""]
    if "rust" in out:
        lines += ["| ndm (Rust) | median ms | p99 ms |", "| --- | ---: | ---: |"]
        lines += [f"| {r['name']} | {r['median_ms']:.2f} | {r['p99_ms']:.2f} |" for r in out["rust"]["rows"]]
        if out["rust"].get("peak_rss_mb"):
            lines.append(f"| peak resident memory (MB) | {out['rust']['peak_rss_mb']:.1f} | |")
        lines.append("")
    lines += ["| anchor (Python) | median ms | p99 ms |", "| --- | ---: | ---: |"]
    lines += [f"| {k.replace('_', ' ')} | {v['median_ms']:.2f} | {v['p99_ms']:.2f} |" for k, v in out["rows"].items()]
    lines += ["", "| cost | value |", "| --- | ---: |"]
    lines += [f"| MACs {k.replace('_', ' ')} | {v / 1e6:.1f} M |" for k, v in out["macs"].items()]
    lines.append(f"| one core, dense 1024² matmul (PyTorch) | {out['matmul_1024_gflops']:.1f} GFLOP/s |")
    for k, v in out.get("ratios", {}).items():
        if v is not None:
            lines.append(f"| {k.replace('_', ' ')} | {v:.2f} |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bundle", default=str(ROOT / "models" / "ndm-v1"))
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", default=None)
    ap.add_argument("--ndm-json", default=None, help="`ndm bench --json` output: adds ratios and the plot")
    ap.add_argument("--plot", default=None, help="PNG of latency against sound length")
    ap.add_argument("--markdown", default=None, help="write the results table (markdown) here")
    a = ap.parse_args()
    import onnxruntime as ort
    import torch

    torch.set_num_threads(a.threads)
    bundle = Path(a.bundle)
    cfg = json.loads((bundle / "bundle.json").read_text())
    frames, n_mels, nc, dz = cfg["frames"], cfg["mel"]["n_mels"], len(cfg["classes"]), cfg["latent_dim"]
    rows = {}

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = a.threads
    opts.inter_op_num_threads = 1
    dec = ort.InferenceSession(str(bundle / "decoder.onnx"), opts)
    mc = ort.InferenceSession(str(bundle / "mcnn.onnx"), opts)
    z = np.zeros((1, dz), np.float32)
    c = np.eye(nc, dtype=np.float32)[:1]
    mel = np.random.default_rng(0).random((1, n_mels, frames), dtype=np.float32)
    rows["python_ort_decoder"] = timed(lambda: dec.run(None, {"z": z, "class": c}), a.runs)
    rows["python_ort_mcnn_1s"] = timed(lambda: mc.run(None, {"mel": mel}), a.runs)
    rows["python_ort_decoder_plus_mcnn_1s"] = timed(
        lambda: mc.run(None, {"mel": np.exp(dec.run(None, {"z": z, "class": c})[0][:, 0])}), a.runs)

    runs_dir = ROOT / "models" / "runs"
    cwae = mcnn = None
    trained = cfg.get("training", {})
    cwae_run, mcnn_run = trained.get("cwae_run", "cwae"), trained.get("mcnn_run", "mcnn")
    if (runs_dir / cwae_run / "checkpoint.pt").exists():
        from models.train.export import load_trained

        # The training code's modules with the bundle's weights (ConvTranspose, separate heads).
        cwae, mcnn, *_ = load_trained(runs_dir, cwae_run, mcnn_run)
        cwae.eval()
        mcnn.eval()
        zt, ct, melt = torch.from_numpy(z), torch.from_numpy(c), torch.from_numpy(mel)
        with torch.inference_mode():
            rows["pytorch_eager_decoder"] = timed(lambda: cwae.decoder(zt, ct), a.runs)
            rows["pytorch_eager_mcnn_1s"] = timed(lambda: mcnn(melt), a.runs)
            rows["pytorch_eager_decoder_plus_mcnn_1s"] = timed(lambda: mcnn(torch.exp(cwae.decoder(zt, ct)[:, 0])), a.runs)

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "paper_mcnn.onnx"
        paper_mcnn_onnx(p)
        s = ort.InferenceSession(str(p), opts)
        pm = np.random.default_rng(0).random((1, 512, 86), dtype=np.float32)
        rows["paper_sized_mcnn_1s_python_ort"] = timed(lambda: s.run(None, {"mel": pm}), max(5, a.runs // 3))
        paper_macs = conv_macs(p, {"mel": [1, 512, 86]})

    # MACs of the trained graphs (ConvTranspose, separate heads): the models' useful work. The
    # shipped deploy twins compute the same with some zero taps (sub-pixel kernels are padded).
    counted = bundle
    if cwae is not None:
        from models.train.export import export_graphs

        tmpdir = tempfile.mkdtemp()
        export_graphs(cwae, mcnn, Path(tmpdir), deploy=False)
        counted = Path(tmpdir)
    macs = {
        "decoder": conv_macs(counted / "decoder.onnx", {"z": [1, dz], "class": [1, nc]}),
        "mcnn_1s": conv_macs(counted / "mcnn.onnx", {"mel": [1, n_mels, frames]}),
        "paper_mcnn_1s": paper_macs,
    }
    n = 1024
    x = torch.rand(n, n)
    y = torch.rand(n, n)
    mm = timed(lambda: torch.mm(x, y), 20)
    peak_gflops = 2 * n ** 3 / (mm["median_ms"] / 1e3) / 1e9
    out = {"threads": a.threads, "rows": rows, "macs": macs, "matmul_1024_gflops": peak_gflops}
    if a.ndm_json:
        out.update(ratios(json.loads(Path(a.ndm_json).read_text()), rows, macs, peak_gflops, a.plot))
    if a.markdown:
        Path(a.markdown).write_text(markdown(out))
    text = json.dumps(out, indent=1)
    if a.json:
        Path(a.json).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
