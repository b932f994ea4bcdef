//! `parse_mode=HTML`: the tag subset and entity rules of the Bot API.

use super::{Entity, Formatted};

struct Open {
    tag: String,
    kind: &'static str,
    start: usize,
    url: Option<String>,
    language: Option<String>,
    emoji: Option<String>,
}

/// Parses Bot API HTML into text and entities.
pub(super) fn parse(src: &str) -> Result<Formatted, String> {
    let mut text = String::with_capacity(src.len());
    let mut pos16 = 0;
    let mut stack: Vec<Open> = Vec::new();
    let mut entities = Vec::new();
    let mut i = 0;
    while i < src.len() {
        let rest = &src[i..];
        let Some(c) = rest.chars().next() else { break };
        if c == '<' {
            let Some(end) = rest.find('>') else {
                return Err(err(&format!("Unclosed start tag at byte offset {i}")));
            };
            let inner = &rest[1..end];
            if let Some(name) = inner.strip_prefix('/') {
                let name = name.trim().to_ascii_lowercase();
                let Some(open) = stack.pop() else {
                    return Err(err(&format!("Unexpected end tag at byte offset {i}")));
                };
                if open.tag != name {
                    return Err(err(&format!(
                        "Unmatched end tag at byte offset {i}, expected \"</{}>\", found \"</{name}>\"",
                        open.tag
                    )));
                }
                close(open, pos16, &mut entities);
            } else {
                stack.push(open_tag(inner, pos16, i, &stack)?);
            }
            i += end + 1;
        } else if c == '&' {
            let (decoded, used) = entity(rest);
            text.push(decoded);
            pos16 += decoded.len_utf16();
            i += used;
        } else {
            text.push(c);
            pos16 += c.len_utf16();
            i += c.len_utf8();
        }
    }
    if let Some(open) = stack.pop() {
        return Err(err(&format!(
            "Can't find end tag corresponding to start tag \"{}\"",
            open.tag
        )));
    }
    entities.sort_by_key(|e: &Entity| e.offset);
    Ok(Formatted { text, entities })
}

fn err(what: &str) -> String {
    format!("can't parse entities: {what}")
}

fn open_tag(inner: &str, pos16: usize, at: usize, stack: &[Open]) -> Result<Open, String> {
    let inner = inner.trim();
    let (name, attrs) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let name = name.to_ascii_lowercase();
    let attrs = attributes(attrs);
    let attr = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let unsupported = || {
        err(&format!(
            "Unsupported start tag \"{name}\" at byte offset {at}"
        ))
    };
    let mut open = Open {
        tag: name.clone(),
        kind: "bold",
        start: pos16,
        url: None,
        language: None,
        emoji: None,
    };
    open.kind = match name.as_str() {
        "b" | "strong" => "bold",
        "i" | "em" => "italic",
        "u" | "ins" => "underline",
        "s" | "strike" | "del" => "strikethrough",
        "tg-spoiler" => "spoiler",
        "span" if attr("class").as_deref() == Some("tg-spoiler") => "spoiler",
        "a" => {
            let href = attr("href").ok_or_else(unsupported)?;
            open.url = Some(href);
            "text_link"
        }
        "code" => {
            // <pre><code class="language-x"> gives the pre block its language.
            if let Some(lang) =
                attr("class").and_then(|c| c.strip_prefix("language-").map(String::from))
            {
                if stack.last().is_some_and(|o| o.kind == "pre") {
                    open.language = Some(lang);
                }
            }
            "code"
        }
        "pre" => "pre",
        "blockquote" if attrs.iter().any(|(k, _)| k == "expandable") => "expandable_blockquote",
        "blockquote" => "blockquote",
        "tg-emoji" => {
            open.emoji = Some(attr("emoji-id").ok_or_else(unsupported)?);
            "custom_emoji"
        }
        _ => return Err(unsupported()),
    };
    Ok(open)
}

fn close(open: Open, pos16: usize, entities: &mut Vec<Entity>) {
    let length = pos16 - open.start;
    if length == 0 {
        return;
    }
    if open.kind == "code" && open.language.is_some() {
        // The language belongs to the enclosing pre entity, added when it closes.
        if let Some(lang) = open.language {
            entities.push(Entity {
                language: Some(lang),
                ..Entity::new("pre_language", open.start, length)
            });
        }
        return;
    }
    let mut e = Entity::new(open.kind, open.start, length);
    e.url = open.url;
    e.custom_emoji_id = open.emoji;
    if open.kind == "pre" {
        if let Some(idx) = entities.iter().position(|x| x.kind == "pre_language") {
            e.language = entities.remove(idx).language;
        }
    }
    entities.push(e);
}

/// Decodes `&lt;`, `&gt;`, `&amp;`, `&quot;` and numeric references; anything else is a
/// literal ampersand. Returns the character and the bytes consumed.
fn entity(rest: &str) -> (char, usize) {
    // Char-safe look-ahead: the text after `&` may be Cyrillic or emoji.
    let Some(semi) = rest
        .char_indices()
        .take_while(|(at, _)| *at < 12)
        .find(|(_, c)| *c == ';')
        .map(|(at, _)| at)
    else {
        return ('&', 1);
    };
    let name = &rest[1..semi];
    let decoded = match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        _ => name
            .strip_prefix("#x")
            .or_else(|| name.strip_prefix("#X"))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32),
    };
    match decoded {
        Some(c) => (c, semi + 1),
        None => ('&', 1),
    }
}

fn attributes(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
            let (v, remaining) = match quote {
                Some(q) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], body.get(end + 1..).unwrap_or(""))
                }
                None => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = decode_attr(v);
            rest = remaining.trim_start();
        }
        out.push((key, value));
    }
    out
}

fn decode_attr(v: &str) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < v.len() {
        let rest = &v[i..];
        if rest.starts_with('&') {
            let (c, used) = entity(rest);
            out.push(c);
            i += used;
        } else if let Some(c) = rest.chars().next() {
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_entities() {
        let f = parse("<b>Hi</b> &lt;3 <a href=\"https://x.io/?a=1&amp;b=2\">link</a>").unwrap();
        assert_eq!(f.text, "Hi <3 link");
        assert_eq!(f.entities[0], Entity::new("bold", 0, 2));
        assert_eq!(f.entities[1].kind, "text_link");
        assert_eq!(f.entities[1].url.as_deref(), Some("https://x.io/?a=1&b=2"));
        let f = parse("<pre><code class=\"language-rust\">fn</code></pre>").unwrap();
        assert_eq!(f.entities.len(), 1);
        assert_eq!(f.entities[0].language.as_deref(), Some("rust"));
    }

    #[test]
    fn malformed_markup_is_rejected() {
        assert!(parse("a < b")
            .unwrap_err()
            .starts_with("can't parse entities"));
        assert!(parse("<b>x</i>").unwrap_err().contains("Unmatched end tag"));
        assert!(parse("<b>x").unwrap_err().contains("Can't find end tag"));
        assert!(parse("<div>x</div>")
            .unwrap_err()
            .contains("Unsupported start tag"));
        assert_eq!(parse("fish & chips").unwrap().text, "fish & chips");
        // Look-ahead after `&` must not split multi-byte characters.
        assert_eq!(
            parse("Цена & доставка &amp; ещё 😀&").unwrap().text,
            "Цена & доставка & ещё 😀&"
        );
    }
}
