//! A pre-scan of FLAC metadata before symphonia sees a file.
//!
//! symphonia-bundle-flac 0.5 allocates a PICTURE block's declared MIME, description and data
//! lengths (u32 each, up to 4 GiB) before reading them, and `MetadataOptions` limits do not
//! apply there: a 71-byte file makes it `calloc` 4 GiB, which aborts the host where memory
//! commit is strict (Windows). The reproducer is fuzz/regressions/audio_decode/flac-picture-4gib-calloc.
//! A well-formed picture's lengths fit inside its block, so any file whose picture lengths do
//! not is corrupt and is refused here.

use std::io::{Read, Seek, SeekFrom};

/// How far into a file symphonia's probe looks for a format marker.
const PROBE_WINDOW: usize = 1 << 20;
const MARKER: &[u8] = b"fLaC";
const PICTURE: u8 = 6;
/// Metadata blocks walked per stream before giving up (real files have a handful).
const MAX_BLOCKS: usize = 1024;

/// `Err(reason)` if a FLAC stream that symphonia could find in this file declares a picture
/// whose lengths overrun its metadata block or the file.
pub fn check<R: Read + Seek>(file: &mut R) -> Result<(), String> {
    let len = file.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
    file.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let mut head = Vec::new();
    file.by_ref()
        .take(PROBE_WINDOW as u64)
        .read_to_end(&mut head)
        .map_err(|e| e.to_string())?;
    let mut from = 0;
    while let Some(at) = find(&head[from..], MARKER) {
        let start = (from + at + MARKER.len()) as u64;
        check_blocks(file, start, len)?;
        from += at + 1;
    }
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn check_blocks<R: Read + Seek>(file: &mut R, mut pos: u64, len: u64) -> Result<(), String> {
    for _ in 0..MAX_BLOCKS {
        let mut header = [0u8; 4];
        if file.seek(SeekFrom::Start(pos)).is_err() || file.read_exact(&mut header).is_err() {
            return Ok(()); // truncated: symphonia reports it as an ordinary read error
        }
        let last = header[0] & 0x80 != 0;
        let kind = header[0] & 0x7f;
        let block_len = u32::from_be_bytes([0, header[1], header[2], header[3]]) as u64;
        if kind == PICTURE {
            check_picture(file, block_len.min(len.saturating_sub(pos + 4)))?;
        }
        pos += 4 + block_len;
        if last || pos >= len {
            return Ok(());
        }
    }
    Ok(())
}

/// The picture block's layout: type, MIME length + MIME, description length + description,
/// width, height, depth, colours, data length + data (all lengths u32 big-endian).
fn check_picture<R: Read>(file: &mut R, available: u64) -> Result<(), String> {
    let mut used = 0u64;
    let mut take = |n: u64, what: &str| -> Result<(), String> {
        used += n;
        if used > available {
            return Err(format!(
                "corrupt FLAC picture block: its {what} ({n} bytes) runs past the block ({available} bytes)"
            ));
        }
        Ok(())
    };
    read_u32(file, "type")?;
    take(4, "type")?;
    let mime = read_u32(file, "MIME length")?;
    take(4 + mime, "MIME type")?;
    skip(file, mime)?;
    let desc = read_u32(file, "description length")?;
    take(4 + desc, "description")?;
    skip(file, desc)?;
    for what in ["width", "height", "depth", "colours"] {
        read_u32(file, what)?;
        take(4, what)?;
    }
    let data = read_u32(file, "data length")?;
    take(4 + data, "picture data")
}

fn read_u32<R: Read>(file: &mut R, what: &str) -> Result<u64, String> {
    let mut b = [0u8; 4];
    file.read_exact(&mut b)
        .map(|_| u32::from_be_bytes(b) as u64)
        .map_err(|_| format!("FLAC picture block truncated at its {what}"))
}

fn skip<R: Read>(file: &mut R, n: u64) -> Result<(), String> {
    let got = std::io::copy(&mut file.by_ref().take(n), &mut std::io::sink())
        .map_err(|e| e.to_string())?;
    if got == n {
        Ok(())
    } else {
        Err("FLAC picture block truncated".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn picture_block(mime: &[u8], desc: &[u8], data_len: u32, data: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(3u32.to_be_bytes());
        b.extend((mime.len() as u32).to_be_bytes());
        b.extend(mime);
        b.extend((desc.len() as u32).to_be_bytes());
        b.extend(desc);
        b.extend([0u8; 16]);
        b.extend(data_len.to_be_bytes());
        b.extend(data);
        b
    }

    fn flac_with(block: &[u8], last: bool) -> Vec<u8> {
        let mut f = b"fLaC".to_vec();
        f.push(if last { 0x80 | PICTURE } else { PICTURE });
        f.extend(&(block.len() as u32).to_be_bytes()[1..]);
        f.extend(block);
        f
    }

    #[test]
    fn a_well_formed_picture_passes() {
        let f = flac_with(&picture_block(b"image/png", b"cover", 3, &[1, 2, 3]), true);
        assert_eq!(check(&mut Cursor::new(f)), Ok(()));
    }

    #[test]
    fn a_picture_longer_than_its_block_is_refused() {
        let f = flac_with(
            &picture_block(b"image/png", b"", u32::MAX, &[1, 2, 3]),
            true,
        );
        let e = check(&mut Cursor::new(f)).unwrap_err();
        assert!(e.contains("picture data"), "{e}");
        let f = flac_with(&picture_block(b"", b"", 0, &[]), false);
        let mut bad = f.clone();
        bad[8 + 7] = 0xff; // MIME length's low byte
        assert!(check(&mut Cursor::new(bad)).is_err());
    }

    #[test]
    fn files_without_flac_and_truncated_headers_pass_through() {
        assert_eq!(
            check(&mut Cursor::new(b"RIFF....WAVEfmt ".to_vec())),
            Ok(())
        );
        assert_eq!(check(&mut Cursor::new(b"fLaC\x06".to_vec())), Ok(()));
        assert_eq!(check(&mut Cursor::new(Vec::new())), Ok(()));
    }

    #[test]
    fn the_fuzzer_reproducer_is_refused() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fuzz/regressions/audio_decode/flac-picture-4gib-calloc"
        );
        let bytes = std::fs::read(path).unwrap();
        // The fuzz target's first byte picks the extension; the file is the rest.
        assert!(check(&mut Cursor::new(bytes[1..].to_vec())).is_err());
    }
}
