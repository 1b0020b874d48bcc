//! Reading input: a FILE argument or standard input, and tokens; writing
//! JSON output.

use std::io::Read;
use std::path::Path;

use zeroize::Zeroizing;

use crate::Failure;
/// The most the tool reads from one input, so that a runaway pipe cannot
/// exhaust memory.
const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// Reads FILE, or standard input when FILE is absent or `-`.
pub(crate) fn read_input(file: Option<&Path>) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let mut buf = Zeroizing::new(Vec::new());
    match file {
        Some(path) if path != Path::new("-") => {
            let f = std::fs::File::open(path)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
            f.take(MAX_INPUT + 1)
                .read_to_end(&mut buf)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
        }
        _ => {
            std::io::stdin()
                .lock()
                .take(MAX_INPUT + 1)
                .read_to_end(&mut buf)
                .map_err(|e| Failure::usage(format!("cannot read standard input: {e}")))?;
        }
    }
    if buf.len() as u64 > MAX_INPUT {
        return Err(Failure::rejected(format!(
            "input is larger than {MAX_INPUT} bytes"
        )));
    }
    Ok(buf)
}

/// Reads FILE or standard input as UTF-8 text.
pub(crate) fn read_text(file: Option<&Path>) -> Result<Zeroizing<String>, Failure> {
    let bytes = read_input(file)?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| Failure::rejected("input is not valid UTF-8"))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// Serializes a value as one line of JSON followed by a newline.
pub(crate) fn json_line(value: &impl serde::Serialize) -> Result<Vec<u8>, Failure> {
    let mut out = serde_json::to_vec(value)
        .map_err(|e| Failure::rejected(format!("cannot serialize the output: {e}")))?;
    out.push(b'\n');
    Ok(out)
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
