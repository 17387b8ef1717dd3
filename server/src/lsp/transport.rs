//! A guard around the JSON-RPC codec. tower-lsp-server answers the first message it cannot
//! decode with an error and then stops reading its input (its `FramedRead` ends after a decoding
//! error), which would leave the editor with a silent server. So this module reads the LSP
//! framing itself: every message tower-lsp-server can decode is forwarded to it unchanged, and
//! every other one is answered here with the error JSON-RPC 2.0 requires (`Parse error` for a
//! body that is not JSON, `Invalid Request` for JSON that is not a request, notification or
//! response) and never reaches it.
//!
//! Both the server's messages and these error answers go to stdout through one writer, whole
//! frames at a time, so they never interleave.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, WeakUnboundedSender};
use tower_lsp_server::jsonrpc::{Request, Response};

/// Bodies larger than this are skipped (a 10 MB document is fine).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// JSON-RPC's `Parse error`: the body is not JSON.
const PARSE_ERROR: i64 = -32700;
/// JSON-RPC's `Invalid Request`: the JSON is not a request object.
const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC's `Method not found`.
const METHOD_NOT_FOUND: i64 = -32601;

/// One frame read from an LSP stream.
enum Frame {
    /// A body, framed by a valid `Content-Length`.
    Body(Vec<u8>),
    /// A header block without a usable `Content-Length` (the body, if any, cannot be found).
    BadHeader,
    /// A body over [`MAX_BODY`], skipped.
    TooLarge(usize),
}

/// Reads the next frame; `None` at the end of the input.
async fn read_frame(reader: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Frame> {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return None,
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
        // Garbage before a header (the rest of a body whose length was wrong) ends where the
        // next `Content-Length` starts: resynchronise there, as tower-lsp-server's codec does.
        let header = find_ascii_ignore_case(text, "content-length:").map_or(text, |at| &text[at..]);
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    match length {
        None => Some(Frame::BadHeader),
        Some(length) if length > MAX_BODY => {
            let mut rest = reader.take(length as u64);
            tokio::io::copy(&mut rest, &mut tokio::io::sink()).await.ok()?;
            Some(Frame::TooLarge(length))
        }
        Some(length) => {
            let mut body = vec![0; length];
            reader.read_exact(&mut body).await.ok()?;
            Some(Frame::Body(body))
        }
    }
}

/// The byte offset of `needle` (ASCII, lowercase) in `haystack`, ignoring ASCII case.
fn find_ascii_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Why a body cannot go to tower-lsp-server, as the JSON-RPC error answer it needs (`None`
/// when the body is a message it decodes).
fn rejection(body: &[u8]) -> Option<Value> {
    let error = |id: Value, code: i64, message: &str| json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    // The common case in one parse (a document can be megabytes): a request or notification.
    // (serde_json checks the UTF-8 of strings, and everything else in valid JSON is ASCII, so
    // the body passes tower-lsp-server's UTF-8 check too.)
    if let Ok(request) = serde_json::from_slice::<Request>(body) {
        // LSP: a request whose method starts with `$/` that the server does not know must get
        // `MethodNotFound`; tower-lsp-server drops those unanswered (it treats them as optional
        // notifications), and this server handles no `$/` request.
        return match request.id() {
            Some(id) if request.method().starts_with("$/") => {
                Some(error(serde_json::to_value(id).unwrap_or_default(), METHOD_NOT_FOUND, "Method not found"))
            }
            _ => None,
        };
    }
    if serde_json::from_slice::<Response>(body).is_ok() {
        return None;
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Some(error(Value::Null, PARSE_ERROR, "Parse error"));
    };
    if !value.is_object() {
        // Arrays are JSON-RPC batches, which LSP does not use.
        return Some(error(Value::Null, INVALID_REQUEST, "Invalid request: not a JSON object"));
    }
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    Some(error(id, INVALID_REQUEST, "Invalid request"))
}

/// Copies the messages tower-lsp-server can decode from `input` to `output` until `input` ends;
/// answers every other one through `replies` (while the writer still runs).
pub async fn filter_messages(
    input: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
    replies: WeakUnboundedSender<Vec<u8>>,
) {
    let mut reader = BufReader::new(input);
    let reply = |answer: Value| {
        if let Some(replies) = replies.upgrade() {
            let _ = replies.send(answer.to_string().into_bytes());
        }
    };
    while let Some(frame) = read_frame(&mut reader).await {
        let body = match frame {
            Frame::Body(body) => body,
            Frame::BadHeader => {
                tracing::warn!("an LSP message without a valid Content-Length header");
                reply(
                    json!({"jsonrpc": "2.0", "id": null, "error": {"code": PARSE_ERROR, "message": "Parse error: no valid Content-Length header"}}),
                );
                continue;
            }
            Frame::TooLarge(length) => {
                tracing::warn!("dropped an LSP message of {length} bytes (limit {MAX_BODY})");
                continue;
            }
        };
        if let Some(answer) = rejection(&body) {
            tracing::warn!("answered an invalid LSP message ({} bytes) with an error", body.len());
            reply(answer);
            continue;
        }
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(header.as_bytes()).await.is_err() || output.write_all(&body).await.is_err() {
            return;
        }
        let _ = output.flush().await;
    }
}

/// Reads the frames tower-lsp-server writes to `server_output` and queues them for the writer,
/// until the server closes it.
pub async fn forward_server_frames(server_output: impl AsyncRead + Unpin, frames: UnboundedSender<Vec<u8>>) {
    let mut reader = BufReader::new(server_output);
    while let Some(frame) = read_frame(&mut reader).await {
        if let Frame::Body(body) = frame {
            if frames.send(body).is_err() {
                return;
            }
        }
    }
}

/// Writes every queued frame to `output`, each whole, until every sender is gone.
pub async fn write_frames(mut frames: UnboundedReceiver<Vec<u8>>, mut output: impl AsyncWrite + Unpin) {
    while let Some(body) = frames.recv().await {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(header.as_bytes()).await.is_err() || output.write_all(&body).await.is_err() {
            return;
        }
        let _ = output.flush().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the filter over `input`; returns what reached the server and the error answers.
    async fn filter(input: &[u8]) -> (Vec<u8>, Vec<Value>) {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut out = Vec::new();
        filter_messages(input, &mut out, tx.downgrade()).await;
        drop(tx);
        let mut answers = Vec::new();
        while let Some(answer) = rx.recv().await {
            answers.push(serde_json::from_slice(&answer).unwrap_or_default());
        }
        (out, answers)
    }

    /// `body` with its header.
    fn framed(body: &[u8]) -> Vec<u8> {
        let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        out.extend_from_slice(body);
        out
    }

    #[tokio::test]
    async fn forwards_messages_and_answers_the_rest() {
        let ok = br#"{"jsonrpc":"2.0","method":"a"}"#;
        let mut input = Vec::new();
        for bad in [&b"{bad}"[..], b"{}", b"[1,2]", br#"{"jsonrpc":"1.0","id":7,"method":"a"}"#, b"\"\xff\""] {
            input.extend_from_slice(&framed(bad));
        }
        input.extend_from_slice(b"X-Other: 1\r\n\r\n");
        input.extend_from_slice(&framed(ok));
        let (out, answers) = filter(&input).await;
        assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&framed(ok)));
        let codes: Vec<_> = answers.iter().map(|a| (a["id"].clone(), a["error"]["code"].as_i64())).collect();
        assert_eq!(
            codes,
            [
                (Value::Null, Some(PARSE_ERROR)),
                (Value::Null, Some(INVALID_REQUEST)),
                (Value::Null, Some(INVALID_REQUEST)),
                (json!(7), Some(INVALID_REQUEST)),
                (Value::Null, Some(PARSE_ERROR)),
                (Value::Null, Some(PARSE_ERROR)),
            ]
        );
    }

    #[tokio::test]
    async fn resynchronises_after_a_wrong_length() {
        let ok = br#"{"jsonrpc":"2.0","method":"a"}"#;
        // The length says 3; the rest of the body runs into the next header.
        let mut input = b"Content-Length: 3\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_vec();
        input.extend_from_slice(&framed(ok));
        let (out, answers) = filter(&input).await;
        assert!(out.ends_with(ok), "{}", String::from_utf8_lossy(&out));
        assert_eq!(answers.len(), 1);
        assert_eq!(answers[0]["error"]["code"], json!(PARSE_ERROR));
    }

    #[test]
    fn ids_of_invalid_requests_are_kept() {
        let answer = rejection(br#"{"jsonrpc":"2.0","id":"x","method":5}"#).unwrap_or_default();
        assert_eq!(answer["id"], json!("x"));
        assert_eq!(answer["error"]["code"], json!(INVALID_REQUEST));
        assert!(rejection(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_none());
        let dollar = rejection(br#"{"jsonrpc":"2.0","id":2,"method":"$/unknown"}"#).unwrap_or_default();
        assert_eq!(dollar["error"]["code"], json!(METHOD_NOT_FOUND));
        assert!(rejection(br#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":2}}"#).is_none());
        assert!(rejection(br#"{"jsonrpc":"2.0","id":1,"method":"m","params":{}}"#).is_none());
    }
}
