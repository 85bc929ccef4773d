//! Reading (symphonia, any format it knows; hound as a WAV fallback) and writing (hound) audio.

use std::fs::File;
use std::io::Seek;
use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use crate::error::NdmError;
use crate::synth::Sound;

/// Sample format of written WAV files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WavFormat {
    /// 16-bit integer PCM, values clipped to [−1, 1]: opens everywhere.
    #[default]
    Pcm16,
    /// 32-bit IEEE float, no clipping.
    Float32,
}

/// Writes a mono WAV as 16-bit PCM (clipped).
pub fn write_wav(path: impl AsRef<Path>, sound: &Sound) -> Result<(), NdmError> {
    write_wav_as(path, sound, WavFormat::Pcm16)
}

/// Writes a mono WAV in the given sample format. Non-finite samples are written as 0.
pub fn write_wav_as(
    path: impl AsRef<Path>,
    sound: &Sound,
    format: WavFormat,
) -> Result<(), NdmError> {
    let path = path.as_ref();
    let err = |e: hound::Error| NdmError::AudioWrite {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    if sound.sample_rate == 0 {
        return Err(NdmError::AudioWrite {
            path: path.to_path_buf(),
            reason: "sample rate is 0".into(),
        });
    }
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: sound.sample_rate,
        bits_per_sample: match format {
            WavFormat::Pcm16 => 16,
            WavFormat::Float32 => 32,
        },
        sample_format: match format {
            WavFormat::Pcm16 => hound::SampleFormat::Int,
            WavFormat::Float32 => hound::SampleFormat::Float,
        },
    };
    let mut w = hound::WavWriter::create(path, spec).map_err(err)?;
    for &s in &sound.samples {
        let s = if s.is_finite() { s } else { 0.0 };
        match format {
            WavFormat::Pcm16 => w
                .write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16)
                .map_err(err)?,
            WavFormat::Float32 => w.write_sample(s).map_err(err)?,
        }
    }
    w.finalize().map_err(err)
}

/// Reads an audio file (WAV, FLAC, Ogg Vorbis, AIFF, MP3; any bit depth) as mono: channels are
/// averaged. Falls back to hound for WAV files symphonia rejects.
///
/// A decoder that panics on a corrupt file (symphonia 0.5 does, e.g. on an AIFF or WAV header
/// with a sample rate of 0: fuzz/regressions/audio_decode/) gives an `AudioDecode` error.
pub fn read_audio(path: impl AsRef<Path>) -> Result<Sound, NdmError> {
    let path = path.as_ref();
    let guarded = |f: fn(&Path) -> Result<Sound, NdmError>| {
        std::panic::catch_unwind(|| f(path)).unwrap_or_else(|p| {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(NdmError::AudioDecode {
                path: path.to_path_buf(),
                reason: format!("corrupt file (the decoder failed: {what})"),
            })
        })
    };
    match guarded(read_symphonia) {
        Ok(s) => Ok(s),
        Err(e) => {
            let is_wav = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("wav") || e.eq_ignore_ascii_case("wave"));
            if is_wav {
                guarded(read_hound).map_err(|_| e)
            } else {
                Err(e)
            }
        }
    }
}

fn read_symphonia(path: &Path) -> Result<Sound, NdmError> {
    let bad = |reason: String| NdmError::AudioDecode {
        path: path.to_path_buf(),
        reason,
    };
    let mut file = File::open(path).map_err(|e| bad(e.to_string()))?;
    crate::flac_guard::check(&mut file).map_err(bad)?;
    file.seek(std::io::SeekFrom::Start(0))
        .map_err(|e| bad(e.to_string()))?;
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            mss,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .map_err(|e| bad(format!("unrecognised format: {e}")))?;
    let mut format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or_else(|| bad("no audio track".into()))?;
    let track_id = track.id;
    let mut sample_rate = track.codec_params.sample_rate;
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| bad(format!("unsupported codec: {e}")))?;

    let mut mono = Vec::new();
    let mut buf: Option<SampleBuffer<f32>> = None;
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymError::ResetRequired) => break,
            Err(e) => return Err(bad(e.to_string())),
        };
        if packet.track_id() != track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            Err(SymError::DecodeError(_)) => continue, // skip a corrupt packet
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(bad(e.to_string())),
        };
        let spec = *decoded.spec();
        sample_rate.get_or_insert(spec.rate);
        let channels = spec.channels.count().max(1);
        let needed = decoded.capacity() as u64;
        if buf
            .as_ref()
            .is_none_or(|b| b.capacity() < needed as usize * channels)
        {
            buf = Some(SampleBuffer::new(needed, spec));
        }
        let b = buf.as_mut().expect("just set");
        b.copy_interleaved_ref(decoded);
        let inv = 1.0 / channels as f32;
        mono.extend(
            b.samples()
                .chunks_exact(channels)
                .map(|f| f.iter().sum::<f32>() * inv),
        );
    }
    let sample_rate = sample_rate
        .filter(|&r| r > 0)
        .ok_or_else(|| bad("unknown sample rate".into()))?;
    Ok(Sound {
        samples: mono,
        sample_rate,
    })
}

fn read_hound(path: &Path) -> Result<Sound, NdmError> {
    let bad = |e: hound::Error| NdmError::AudioDecode {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let mut r = hound::WavReader::open(path).map_err(bad)?;
    let spec = r.spec();
    if spec.sample_rate == 0 {
        // hound accepts a header with a rate of 0; nothing downstream can resample from it.
        return Err(NdmError::AudioDecode {
            path: path.to_path_buf(),
            reason: "the header gives a sample rate of 0".into(),
        });
    }
    let channels = spec.channels.max(1) as usize;
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => r.samples::<f32>().collect::<Result<_, _>>().map_err(bad)?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            r.samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()
                .map_err(bad)?
        }
    };
    let inv = 1.0 / channels as f32;
    Ok(Sound {
        samples: interleaved
            .chunks_exact(channels)
            .map(|f| f.iter().sum::<f32>() * inv)
            .collect(),
        sample_rate: spec.sample_rate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("ndm-audio-{}-{name}", std::process::id()))
    }

    #[test]
    fn wav_round_trip_16_and_32() {
        let s = Sound {
            samples: vec![0.0, 0.5, -0.5, 1.5, -2.0, f32::NAN],
            sample_rate: 22050,
        };
        let p = tmp("a.wav");
        write_wav(&p, &s).unwrap();
        let r = read_audio(&p).unwrap();
        assert_eq!(r.sample_rate, 22050);
        let want = [0.0, 0.5, -0.5, 1.0, -1.0, 0.0];
        for (a, b) in r.samples.iter().zip(want) {
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
        assert_eq!(r.samples.len(), 6);
        write_wav_as(&p, &s, WavFormat::Float32).unwrap();
        let r = read_audio(&p).unwrap();
        assert_eq!(&r.samples[..5], &s.samples[..5]);
        std::fs::remove_file(&p).unwrap();
    }

    #[test]
    fn stereo_is_downmixed() {
        let p = tmp("st.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 44100,
            bits_per_sample: 24,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&p, spec).unwrap();
        for &(l, r) in &[(4_000_000i32, 0i32), (-4_000_000, -4_000_000)] {
            w.write_sample(l).unwrap();
            w.write_sample(r).unwrap();
        }
        w.finalize().unwrap();
        let s = read_audio(&p).unwrap();
        assert_eq!(s.sample_rate, 44100);
        assert_eq!(s.samples.len(), 2);
        let full = (1 << 23) as f32;
        assert!((s.samples[0] - 2_000_000.0 / full).abs() < 1e-5);
        assert!((s.samples[1] + 4_000_000.0 / full).abs() < 1e-5);
        // The hound fallback agrees.
        let h = read_hound(&p).unwrap();
        assert_eq!(h.samples.len(), 2);
        assert!((h.samples[0] - s.samples[0]).abs() < 1e-6);
        std::fs::remove_file(&p).unwrap();
    }

    #[test]
    fn missing_and_garbage_files_error() {
        assert!(matches!(
            read_audio(tmp("none.wav")),
            Err(NdmError::AudioDecode { .. })
        ));
        let p = tmp("junk.wav");
        std::fs::write(&p, b"not audio at all").unwrap();
        assert!(matches!(read_audio(&p), Err(NdmError::AudioDecode { .. })));
        std::fs::remove_file(&p).unwrap();
    }
}
