//! A small `multipart/form-data` parser (RFC 7578), enough for what HTTP clients send.
//!
//! Written here because the crate's axum build has no `multipart` feature; file bytes are
//! kept exactly as sent (the emulator's tests compare them byte for byte).

use axum::body::Bytes;

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub name: String,
    /// Present for file parts (possibly empty when the client sent `filename=""`).
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parse_params(params)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v)
        .filter(|b| !b.is_empty())
}

/// Splits a multipart body into parts.
pub(crate) fn parse(body: &Bytes, boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut pos = find(body, delimiter, 0).ok_or("multipart body has no boundary")?;
    let mut parts = Vec::new();
    loop {
        pos += delimiter.len();
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding after the delimiter is allowed before the line break.
        while matches!(body.get(pos), Some(b' ') | Some(b'\t')) {
            pos += 1;
        }
        if !body[pos..].starts_with(b"\r\n") {
            return Err("malformed multipart delimiter line".into());
        }
        pos += 2;
        let headers_end = find(body, b"\r\n\r\n", pos).ok_or("multipart part without headers")?;
        let headers = std::str::from_utf8(&body[pos..headers_end])
            .map_err(|_| "multipart headers are not UTF-8")?;
        let data_start = headers_end + 4;
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(delimiter);
        let data_end =
            find(body, &closing, data_start).ok_or("multipart part is not terminated")?;
        parts.push(part(headers, body.slice(data_start..data_end))?);
        pos = data_end + 2;
    }
}

fn part(headers: &str, data: Bytes) -> Result<Part, String> {
    let mut name = None;
    let mut filename = None;
    let mut content_type = None;
    for line in headers.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_string());
        } else if key.trim().eq_ignore_ascii_case("content-disposition") {
            let (_, params) = value.split_once(';').unwrap_or((value, ""));
            for (k, v) in parse_params(params) {
                match k.to_ascii_lowercase().as_str() {
                    "name" => name = Some(v),
                    "filename" => filename = Some(v),
                    "name*" => name = Some(decode_ext_value(&v)),
                    "filename*" => filename = Some(decode_ext_value(&v)),
                    _ => {}
                }
            }
        }
    }
    let name = name.ok_or("multipart part without a name")?;
    Ok(Part {
        name,
        filename,
        content_type,
        data,
    })
}

/// Parses `; key=value; key="quoted \" value"` header parameters.
fn parse_params(input: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = input.chars().peekable();
    loop {
        while matches!(chars.peek(), Some(c) if c.is_whitespace() || *c == ';') {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ';' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.trim().is_empty() {
            return out;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                value.push(n);
                            }
                        }
                        '"' => break,
                        _ => value.push(c),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ';' {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
                value = value.trim().to_string();
            }
        }
        out.push((key.trim().to_string(), value));
    }
}

/// Decodes an RFC 5987 value such as `utf-8''na%C3%AFve.pdf`.
fn decode_ext_value(v: &str) -> String {
    let encoded = v.splitn(3, '\'').nth(2).unwrap_or(v);
    percent_decode(encoded)
}

/// Percent-decodes a string, keeping malformed escapes as they are.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let last_start = haystack.len().checked_sub(needle.len())?;
    let mut i = from;
    while i <= last_start {
        let rel = haystack[i..=last_start].iter().position(|&b| b == first)?;
        i += rel;
        if haystack[i..].starts_with(needle) {
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_text_and_file_parts_exactly() {
        let payload: Vec<u8> = (0u8..=255).collect();
        let mut body = Vec::new();
        body.extend_from_slice(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n",
        );
        body.extend_from_slice(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a \\\"q\\\" \xc3\xa9.pdf\"\r\nContent-Type: application/pdf\r\n\r\n",
        );
        body.extend_from_slice(&payload);
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        let ct = "multipart/form-data; boundary=XyZ";
        let parts = parse(&Bytes::from(body), &boundary(ct).unwrap()).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "chat_id");
        assert_eq!(&parts[0].data[..], b"42");
        assert_eq!(parts[1].filename.as_deref(), Some("a \"q\" é.pdf"));
        assert_eq!(parts[1].content_type.as_deref(), Some("application/pdf"));
        assert_eq!(&parts[1].data[..], &payload[..]);
    }

    #[test]
    fn decodes_extended_names_and_rejects_garbage() {
        assert_eq!(decode_ext_value("utf-8''na%C3%AFve.pdf"), "naïve.pdf");
        assert_eq!(percent_decode("100%"), "100%");
        assert!(parse(&Bytes::from_static(b"nothing here"), "b").is_err());
        assert_eq!(
            boundary("multipart/form-data; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("application/json"), None);
    }
}
