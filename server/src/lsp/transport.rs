//! A guard in front of the JSON-RPC decoder: tower-lsp-server stops reading its input after the
//! first message it cannot decode, which would leave the editor with a silent server. This reads
//! the LSP framing itself, drops (and logs) every message that is not a JSON object, and forwards
//! the rest unchanged.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Bodies larger than this are skipped (a 10 MB document is fine).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// Copies well-formed LSP messages from `input` to `output` until `input` ends.
pub async fn filter_messages(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut reader = BufReader::new(input);
    loop {
        let mut length: Option<usize> = None;
        let mut saw_header = false;
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some((name, value)) = text.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok();
                }
            }
        }
        let Some(length) = length else {
            tracing::warn!("dropped an LSP message without a valid Content-Length header");
            continue;
        };
        if length > MAX_BODY {
            tracing::warn!("dropped an LSP message of {length} bytes (limit {MAX_BODY})");
            let mut rest = (&mut reader).take(length as u64);
            if tokio::io::copy(&mut rest, &mut tokio::io::sink()).await.is_err() {
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(serde_json::Value::Object(_)) => {
                let header = format!("Content-Length: {length}\r\n\r\n");
                if output.write_all(header.as_bytes()).await.is_err() || output.write_all(&body).await.is_err() {
                    return;
                }
                let _ = output.flush().await;
            }
            _ => tracing::warn!("dropped an LSP message that is not a JSON object ({length} bytes)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn drops_malformed_and_keeps_the_rest() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Length: 5\r\n\r\n{bad}X-Other: 1\r\n\r\nContent-Length: 7\r\n\r\n{\"a\":1}".to_vec();
        let mut out = Vec::new();
        filter_messages(&input[..], &mut out).await;
        assert_eq!(out, b"Content-Length: 2\r\n\r\n{}Content-Length: 7\r\n\r\n{\"a\":1}".to_vec());
    }
}
