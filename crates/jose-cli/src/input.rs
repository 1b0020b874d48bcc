//! Reading input: a FILE argument or standard input, and tokens; writing
//! JSON output.

use std::io::Read;
use std::path::Path;

use zeroize::Zeroizing;

use crate::Failure;
/// The most the tool reads from one input, so that a runaway pipe cannot
/// exhaust memory.
const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// What a command prints. Private keys and plaintexts pass through it, so
/// it is zeroized once written.
pub(crate) type Output = Zeroizing<Vec<u8>>;

/// Reads FILE, or standard input when FILE is absent or `-`, into a
/// zeroizing buffer (the input may be a private key or a plaintext).
pub(crate) fn read_input(file: Option<&Path>) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let buf = match file {
        Some(path) if path != Path::new("-") => {
            let cannot =
                |e: std::io::Error| Failure::usage(format!("cannot read {}: {e}", path.display()));
            let f = std::fs::File::open(path).map_err(cannot)?;
            let hint = f.metadata().map_or(0, |m| m.len());
            read_all(f, hint).map_err(cannot)?
        }
        _ => read_all(std::io::stdin().lock(), 0)
            .map_err(|e| Failure::usage(format!("cannot read standard input: {e}")))?,
    };
    if buf.len() as u64 > MAX_INPUT {
        return Err(Failure::rejected(format!(
            "input is larger than {MAX_INPUT} bytes"
        )));
    }
    Ok(buf)
}

/// Reads `reader` to its end, or to one byte past [`MAX_INPUT`]. The buffer
/// grows by moving into a larger zeroizing one, never by reallocating in
/// place (which would free an unzeroized copy); `hint` is the expected size.
fn read_all(mut reader: impl Read, hint: u64) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let limit = usize::try_from(MAX_INPUT + 1).unwrap_or(usize::MAX);
    let first = usize::try_from(hint.saturating_add(1))
        .unwrap_or(limit)
        .clamp(4096, limit);
    let mut buf = Zeroizing::new(Vec::with_capacity(first));
    let mut chunk = Zeroizing::new([0u8; 8192]);
    while buf.len() < limit {
        let n = match reader.read(&mut chunk[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let read = chunk.get(..n).unwrap_or_default();
        if buf.len() + n > buf.capacity() {
            let mut larger = Zeroizing::new(Vec::with_capacity(
                buf.capacity().saturating_mul(2).max(buf.len() + n),
            ));
            larger.extend_from_slice(&buf);
            buf = larger;
        }
        buf.extend_from_slice(read);
    }
    Ok(buf)
}

/// `text` and a newline, in one buffer of exactly that size.
pub(crate) fn line(text: &[u8]) -> Output {
    let mut out = Vec::with_capacity(text.len() + 1);
    out.extend_from_slice(text);
    out.push(b'\n');
    Zeroizing::new(out)
}

/// Reads FILE or standard input as UTF-8 text.
pub(crate) fn read_text(file: Option<&Path>) -> Result<Zeroizing<String>, Failure> {
    let bytes = read_input(file)?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| Failure::rejected("input is not valid UTF-8"))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// Serializes a value as one line of JSON followed by a newline, into a
/// buffer sized by a first counting pass, so that it never grows (claims
/// may come from a decrypted token).
pub(crate) fn json_line(value: &impl serde::Serialize) -> Result<Output, Failure> {
    let failed =
        |e: serde_json::Error| Failure::rejected(format!("cannot serialize the output: {e}"));
    let mut counter = Counter(0);
    serde_json::to_writer(&mut counter, value).map_err(failed)?;
    let mut out = Zeroizing::new(Vec::with_capacity(counter.0 + 1));
    serde_json::to_writer(&mut *out, value).map_err(failed)?;
    out.push(b'\n');
    Ok(out)
}

/// A writer that only counts bytes.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads a token: FILE or standard input as UTF-8, without one trailing
/// newline (as `echo` and editors leave it).
pub(crate) fn read_token(file: Option<&Path>) -> Result<String, Failure> {
    let text = read_text(file)?;
    let token = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    Ok(token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Private JWKs, PEMs and plaintexts leave the CLI in its output
    /// buffer: a buffer that grew on the way (a `push` past its capacity)
    /// would have freed an unzeroized copy. Output lines and JSON output
    /// are made at their exact size, in `Zeroizing` buffers.
    #[test]
    fn output_buffers_are_made_at_their_exact_size() {
        let key = br#"{"kty":"oct","k":"c2VjcmV0IGtleSBtYXRlcmlhbA"}"#;
        let out: Output = line(key);
        assert_eq!(out.len(), key.len() + 1);
        assert_eq!(out.capacity(), out.len());
        let value = serde_json::json!({"kty": "oct", "k": "c2VjcmV0", "kid": "\u{202e}x"});
        let out: Output = json_line(&value).unwrap();
        assert_eq!(out.capacity(), out.len());
        assert_eq!(out.last(), Some(&b'\n'));
    }

    /// Input read in chunks across several buffer moves comes out whole;
    /// a reader that never ends stops one byte past the limit.
    #[test]
    fn read_all_reads_everything_and_stops_past_the_limit() {
        let data: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
        let got = read_all(std::io::Cursor::new(&data), 0).unwrap();
        assert_eq!(&*got, &data);
        let got = read_all(std::io::Cursor::new(&data), 49_999).unwrap();
        assert_eq!(&*got, &data);
        let endless = std::io::repeat(7);
        let got = read_all(endless, 0).unwrap();
        assert!(got.len() as u64 > MAX_INPUT);
        assert!(got.len() as u64 <= MAX_INPUT + 8192);
    }
}
