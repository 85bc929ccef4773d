//! `ndm grid`: sounds on an N×N pad grid for each class, a spectrogram each, and index.html.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use ndm::engine::Engine;
use ndm::synth::Synth;
use ndm::NdmError;

use crate::{create_dir, parse_classes, spectrogram, Place};

#[derive(Args)]
pub struct GridArgs {
    /// Classes (default: every class).
    #[arg(long, short)]
    class: Vec<String>,
    /// Points per pad side.
    #[arg(long, default_value_t = 3)]
    size: usize,
    #[command(flatten)]
    pub place: Place,
    /// Output folder.
    #[arg(long, short, default_value = "ndm-grid")]
    out: PathBuf,
}

pub fn run(engine: &Engine, a: GridArgs) -> Result<(), NdmError> {
    if a.size == 0 || a.size > 16 {
        return Err(NdmError::BadInput("--size must be 1..16".into()));
    }
    let names = engine.info().classes.clone();
    let classes = parse_classes(engine, &a.class)?;
    create_dir(&a.out)?;
    let coord = |i: usize| {
        if a.size == 1 {
            0.5
        } else {
            i as f32 / (a.size - 1) as f32
        }
    };
    let bar = indicatif::ProgressBar::new((classes.len() * a.size * a.size) as u64);
    let mut html = String::from(
        "<!doctype html><meta charset=utf-8><title>ndm grid</title>\
         <style>body{font-family:sans-serif}td{text-align:center;padding:4px}img{width:176px;height:128px}</style>\
         <h1>ndm grid</h1><p>Rows: pad y from 1 (top) to 0; columns: pad x from 0 to 1.</p>",
    );
    for &class in &classes {
        let _ = write!(html, "<h2>{}</h2><table>", names[class]);
        for iy in (0..a.size).rev() {
            html.push_str("<tr>");
            for ix in 0..a.size {
                let (x, y) = (coord(ix), coord(iy));
                let z = a.place.z(engine, class, x, y)?;
                let sound = engine.generate(&a.place.request(engine, class, z))?;
                let stem = format!("{}-x{:.2}-y{:.2}", names[class], x, y);
                ndm::audio_io::write_wav(a.out.join(format!("{stem}.wav")), &sound)?;
                spectrogram::write_png(engine, &sound, &a.out.join(format!("{stem}.png")))?;
                let _ = write!(
                    html,
                    "<td><img src='{stem}.png'><br><audio controls src='{stem}.wav'></audio><br>x {x:.2} y {y:.2}</td>"
                );
                bar.inc(1);
            }
            html.push_str("</tr>");
        }
        html.push_str("</table>");
    }
    bar.finish_and_clear();
    let index = a.out.join("index.html");
    std::fs::write(&index, html).map_err(|e| NdmError::AudioWrite {
        path: index.clone(),
        reason: e.to_string(),
    })?;
    println!("{}", index.display());
    Ok(())
}
