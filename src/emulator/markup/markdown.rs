//! `parse_mode=MarkdownV2` and legacy `Markdown`.

use super::{Entity, Formatted};

const RESERVED_V2: &str = "_*[]()~`>#+-=|{}.!";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bold,
    Italic,
    Underline,
    Strike,
    Spoiler,
    Link,
}

impl Kind {
    fn entity(self) -> &'static str {
        match self {
            Kind::Bold => "bold",
            Kind::Italic => "italic",
            Kind::Underline => "underline",
            Kind::Strike => "strikethrough",
            Kind::Spoiler => "spoiler",
            Kind::Link => "text_link",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Bold => "Bold",
            Kind::Italic => "Italic",
            Kind::Underline => "Underline",
            Kind::Strike => "Strikethrough",
            Kind::Spoiler => "Spoiler",
            Kind::Link => "TextUrl",
        }
    }
}

/// Output under construction: text, its UTF-16 length and finished entities.
#[derive(Default)]
struct Out {
    text: String,
    pos16: usize,
    entities: Vec<Entity>,
}

impl Out {
    fn push(&mut self, c: char) {
        self.text.push(c);
        self.pos16 += c.len_utf16();
    }

    fn entity(&mut self, kind: &'static str, start: usize) -> Option<&mut Entity> {
        let length = self.pos16 - start;
        if length == 0 {
            return None;
        }
        self.entities.push(Entity::new(kind, start, length));
        self.entities.last_mut()
    }

    fn finish(mut self) -> Formatted {
        self.entities.sort_by_key(|e| e.offset);
        Formatted {
            text: self.text,
            entities: self.entities,
        }
    }
}

fn err(what: &str) -> String {
    format!("can't parse entities: {what}")
}

/// Parses MarkdownV2: every reserved character outside markup must be escaped.
pub(super) fn parse_v2(src: &str) -> Result<Formatted, String> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|c| c.1);
    let mut out = Out::default();
    // (kind, UTF-16 start, byte offset of the opening marker)
    let mut stack: Vec<(Kind, usize, usize)> = Vec::new();
    let mut quote: Option<usize> = None;
    let mut i = 0;
    while let Some(&(byte, c)) = chars.get(i) {
        let line_start = i == 0 || at(i - 1) == Some('\n');
        if line_start && c != '>' {
            if let Some(start) = quote.take() {
                // The quote ended with the previous line; its newline is not part of it.
                let end = out.pos16.saturating_sub(1);
                if end > start {
                    out.entities
                        .push(Entity::new("blockquote", start, end - start));
                }
            }
        }
        match c {
            '\\' => {
                if let Some(next) = at(i + 1) {
                    out.push(next);
                    i += 1;
                } else {
                    return Err(err(&format!("Character '\\' is reserved and must be escaped with the preceding '\\' at byte offset {byte}")));
                }
            }
            '`' => {
                let fence = at(i + 1) == Some('`') && at(i + 2) == Some('`');
                i = code_block(&chars, i, fence, &mut out)?;
                continue;
            }
            '>' if line_start => {
                if quote.is_none() {
                    quote = Some(out.pos16);
                }
            }
            '*' | '_' | '~' | '|' => {
                let kind = match c {
                    '*' => Kind::Bold,
                    '_' if at(i + 1) == Some('_') => Kind::Underline,
                    '_' => Kind::Italic,
                    '~' => Kind::Strike,
                    _ if at(i + 1) == Some('|') => Kind::Spoiler,
                    _ => return Err(reserved(c, byte)),
                };
                if matches!(kind, Kind::Underline | Kind::Spoiler) {
                    i += 1;
                }
                toggle(&mut stack, &mut out, kind, byte)?;
            }
            '[' => stack.push((Kind::Link, out.pos16, byte)),
            ']' if stack.last().is_some_and(|s| s.0 == Kind::Link) => {
                let Some((_, start, open_at)) = stack.pop() else {
                    break;
                };
                if at(i + 1) != Some('(') {
                    return Err(err(&format!(
                        "Can't find end of TextUrl entity at byte offset {open_at}"
                    )));
                }
                let mut url = String::new();
                let mut j = i + 2;
                loop {
                    match at(j) {
                        None => {
                            return Err(err(&format!(
                                "Can't find end of TextUrl entity at byte offset {open_at}"
                            )))
                        }
                        Some(')') => break,
                        Some('\\') => {
                            if let Some(n) = at(j + 1) {
                                url.push(n);
                            }
                            j += 2;
                        }
                        Some(ch) => {
                            url.push(ch);
                            j += 1;
                        }
                    }
                }
                if let Some(e) = out.entity("text_link", start) {
                    e.url = Some(url);
                }
                i = j;
            }
            c if RESERVED_V2.contains(c) => return Err(reserved(c, byte)),
            c => out.push(c),
        }
        i += 1;
    }
    if let Some(start) = quote {
        let end = out.pos16;
        if end > start {
            out.entities
                .push(Entity::new("blockquote", start, end - start));
        }
    }
    if let Some((kind, _, byte)) = stack.pop() {
        return Err(err(&format!(
            "Can't find end of {} entity at byte offset {byte}",
            kind.name()
        )));
    }
    Ok(out.finish())
}

fn reserved(c: char, byte: usize) -> String {
    err(&format!(
        "Character '{c}' is reserved and must be escaped with the preceding '\\' at byte offset {byte}"
    ))
}

fn toggle(
    stack: &mut Vec<(Kind, usize, usize)>,
    out: &mut Out,
    kind: Kind,
    byte: usize,
) -> Result<(), String> {
    match stack.iter().rposition(|s| s.0 == kind) {
        Some(idx) if idx + 1 == stack.len() => {
            let (_, start, _) = stack.remove(idx);
            out.entity(kind.entity(), start);
            Ok(())
        }
        Some(_) => {
            let (inner, _, at) = stack[stack.len() - 1];
            Err(err(&format!(
                "Can't find end of {} entity at byte offset {at}",
                inner.name()
            )))
        }
        None => {
            stack.push((kind, out.pos16, byte));
            Ok(())
        }
    }
}

/// Inline code (`` `x` ``) or a fenced block (```` ```lang\nx``` ````); returns the index
/// after the closing marker. Inside, only `` ` `` and `\` may be escaped.
fn code_block(
    chars: &[(usize, char)],
    i: usize,
    fence: bool,
    out: &mut Out,
) -> Result<usize, String> {
    let at = |j: usize| chars.get(j).map(|c| c.1);
    let open_byte = chars[i].0;
    let mut j = if fence { i + 3 } else { i + 1 };
    let mut language = None;
    if fence {
        let mut lang = String::new();
        let mut k = j;
        while let Some(ch) = at(k) {
            if ch == '\n' || ch == '`' {
                break;
            }
            lang.push(ch);
            k += 1;
        }
        if at(k) == Some('\n') {
            j = k + 1;
            if !lang.trim().is_empty() {
                language = Some(lang.trim().to_string());
            }
        }
    }
    let start = out.pos16;
    loop {
        match at(j) {
            None => {
                let kind = if fence { "Pre" } else { "Code" };
                return Err(err(&format!(
                    "Can't find end of {kind} entity at byte offset {open_byte}"
                )));
            }
            Some('`') if !fence || (at(j + 1) == Some('`') && at(j + 2) == Some('`')) => break,
            Some('\\') if matches!(at(j + 1), Some('`') | Some('\\')) => {
                if let Some(n) = at(j + 1) {
                    out.push(n);
                }
                j += 2;
            }
            Some(ch) => {
                out.push(ch);
                j += 1;
            }
        }
    }
    if let Some(e) = out.entity(if fence { "pre" } else { "code" }, start) {
        e.language = language;
    }
    Ok(if fence { j + 3 } else { j + 1 })
}

/// Parses legacy Markdown: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````,
/// `[text](url)`; entities do not nest and nothing else is reserved.
pub(super) fn parse_legacy(src: &str) -> Result<Formatted, String> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|c| c.1);
    let mut out = Out::default();
    let mut i = 0;
    while let Some(&(byte, c)) = chars.get(i) {
        let unclosed = || {
            err(&format!(
                "Can't find end of the entity starting at byte offset {byte}"
            ))
        };
        match c {
            '\\' if matches!(at(i + 1), Some('*' | '_' | '`' | '[')) => {
                if let Some(n) = at(i + 1) {
                    out.push(n);
                }
                i += 2;
            }
            '*' | '_' => {
                let start = out.pos16;
                let mut j = i + 1;
                while at(j).is_some_and(|x| x != c) {
                    if let Some(x) = at(j) {
                        out.push(x);
                    }
                    j += 1;
                }
                if at(j).is_none() {
                    return Err(unclosed());
                }
                out.entity(if c == '*' { "bold" } else { "italic" }, start);
                i = j + 1;
            }
            '`' => {
                let fence = at(i + 1) == Some('`') && at(i + 2) == Some('`');
                i = code_block(&chars, i, fence, &mut out).map_err(|_| unclosed())?;
            }
            '[' => {
                let close = (i + 1..chars.len()).find(|&j| at(j) == Some(']'));
                let Some(close) = close.filter(|&j| at(j + 1) == Some('(')) else {
                    return Err(unclosed());
                };
                let Some(end) = (close + 2..chars.len()).find(|&j| at(j) == Some(')')) else {
                    return Err(unclosed());
                };
                let start = out.pos16;
                for &(_, x) in &chars[i + 1..close] {
                    out.push(x);
                }
                let url: String = chars[close + 2..end].iter().map(|c| c.1).collect();
                if let Some(e) = out.entity("text_link", start) {
                    e.url = Some(url);
                }
                i = end + 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_formats_and_requires_escapes() {
        let f = parse_v2("*bold* _it_ __u__ ||s|| [l](https://a.b/c\\)) `x\\`y` 1\\.5").unwrap();
        assert_eq!(f.text, "bold it u s l x`y 1.5");
        let kinds: Vec<_> = f.entities.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                "bold",
                "italic",
                "underline",
                "spoiler",
                "text_link",
                "code"
            ]
        );
        assert_eq!(f.entities[4].url.as_deref(), Some("https://a.b/c)"));
        assert!(parse_v2("Total: 1.5")
            .unwrap_err()
            .contains("Character '.' is reserved"));
        assert!(parse_v2("*open")
            .unwrap_err()
            .contains("Can't find end of Bold"));
        let f = parse_v2("```rust\nfn x() {}\n```").unwrap();
        assert_eq!(f.entities[0].language.as_deref(), Some("rust"));
        let f = parse_v2(">quoted\nplain").unwrap();
        assert_eq!(f.text, "quoted\nplain");
        assert_eq!(f.entities[0], Entity::new("blockquote", 0, 6));
    }

    #[test]
    fn legacy_markdown() {
        let f = parse_legacy("*b* _i_ 1.5 [x](http://y)").unwrap();
        assert_eq!(f.text, "b i 1.5 x");
        assert_eq!(f.entities.len(), 3);
        assert!(parse_legacy("snake_case").is_err());
    }
}
