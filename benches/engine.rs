//! Criterion benches of the engine stages on the shipped bundle (or $NDM_BUNDLE).
//! `cargo bench --bench engine`; the CLI's `ndm bench` reports median/p99 and the comparisons.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ndarray::s;
use ndm::engine::Engine;
use ndm::synth::{GenerateRequest, Synth, Vocoder};

fn engine_benches(c: &mut Criterion) {
    let engine = Engine::load(ndm::default_bundle_dir()).expect("bundle (set NDM_BUNDLE)");
    let info = engine.info().clone();
    let z = info.latent.class_means[0].clone();
    let mel = engine.decode_mel(0, &z).unwrap();
    let hop = engine.bundle().spec.stft.hop;
    let audio = engine.vocode_frames(mel.view(), Vocoder::Mcnn).unwrap();

    c.bench_function("decoder", |b| b.iter(|| engine.decode_mel(0, &z).unwrap()));
    let mut g = c.benchmark_group("mcnn");
    for secs in [0.1f64, 0.25, 0.5, 1.0] {
        let frames =
            ((secs * info.sample_rate as f64 / hop as f64).ceil() as usize).min(mel.ncols());
        let m = mel.slice(s![.., ..frames]);
        g.bench_with_input(BenchmarkId::from_parameter(secs), &m, |b, m| {
            b.iter(|| engine.vocode_frames(*m, Vocoder::Mcnn).unwrap())
        });
    }
    g.finish();
    c.bench_function("griffin_lim_32_1s", |b| {
        b.iter(|| {
            engine
                .vocode_frames(mel.view(), Vocoder::GriffinLim { iterations: 32 })
                .unwrap()
        })
    });
    c.bench_function("encode_1s", |b| {
        b.iter(|| engine.encode(&audio, info.sample_rate, Some(0)).unwrap())
    });
    c.bench_function("resample_1s_to_48k", |b| {
        b.iter(|| ndm::resample(&audio, info.sample_rate, 48000).unwrap())
    });
    let req = GenerateRequest {
        class: 0,
        z: z.clone(),
        vocoder: Vocoder::Mcnn,
        sample_rate: 48000,
        trim: false,
    };
    c.bench_function("bang_path_1s_48k", |b| {
        b.iter(|| engine.generate(&req).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = engine_benches
}
criterion_main!(benches);
