//! Small syntax checks used by validation: URLs, bot tokens, marketplace ids, base64.

/// `Ok` for an absolute `http`/`https` URL with a host; else what is wrong.
pub(crate) fn http_url(value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err("missing: expected an http(s) URL".into());
    }
    let url = url::Url::parse(value).map_err(|e| format!("malformed URL `{value}`: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "malformed URL `{value}`: the scheme must be http or https, not `{}`",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("malformed URL `{value}`: it has no host"));
    }
    Ok(())
}

/// `<digits>:<letters, digits, _ or ->`, the shape of a Bot API token.
pub(crate) fn bot_token_shape(token: &str) -> bool {
    let Some((id, key)) = token.split_once(':') else {
        return false;
    };
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `EBAY_` followed by upper-case words, the last one a two-letter country code.
pub(crate) fn marketplace_shape(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("EBAY_") else {
        return false;
    };
    let words: Vec<&str> = rest.split('_').collect();
    words
        .iter()
        .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_uppercase()))
        && words.last().is_some_and(|w| w.len() == 2)
}

/// Decodes standard or URL-safe base64, padded or not; `None` when malformed.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let body = text.trim_end_matches('=');
    if text.len() - body.len() > 2 || body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in body.bytes() {
        let sextet = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(sextet);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64("").as_deref(), Some(&b""[..]));
        assert_eq!(decode_base64("a"), None);
        assert_eq!(decode_base64("ab!c"), None);
        let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        assert_eq!(decode_base64(key).map(|k| k.len()), Some(32));
    }

    #[test]
    fn shapes() {
        assert!(bot_token_shape("123456:ABC-def_ghi"));
        assert!(!bot_token_shape("123456"));
        assert!(!bot_token_shape("abc:def"));
        assert!(!bot_token_shape("123:"));
        assert!(!bot_token_shape("123:a b"));
        assert!(marketplace_shape("EBAY_US"));
        assert!(marketplace_shape("EBAY_MOTORS_US"));
        assert!(!marketplace_shape("EBAY_USA"));
        assert!(!marketplace_shape("ebay_us"));
        assert!(!marketplace_shape("EBAY_"));
        assert!(http_url("https://api.telegram.org").is_ok());
        assert!(http_url("api.telegram.org").is_err());
        assert!(http_url("ftp://x").is_err());
    }
}
