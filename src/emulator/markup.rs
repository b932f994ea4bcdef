//! Formatted text: applies `parse_mode` (HTML, MarkdownV2, legacy Markdown) the way the
//! Bot API does, producing the plain text users see plus its entities, and failing with
//! Telegram's "can't parse entities" errors on malformed markup. Offsets count UTF-16
//! code units, as in the Bot API.

mod html;
mod markdown;

use serde_json::{json, Value};

/// A formatting entity of a parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entity {
    pub kind: &'static str,
    pub offset: usize,
    pub length: usize,
    pub url: Option<String>,
    pub language: Option<String>,
    pub custom_emoji_id: Option<String>,
}

impl Entity {
    fn new(kind: &'static str, offset: usize, length: usize) -> Entity {
        Entity {
            kind,
            offset,
            length,
            url: None,
            language: None,
            custom_emoji_id: None,
        }
    }

    /// The entity as a Bot API `MessageEntity` object.
    pub fn to_json(&self) -> Value {
        let mut v = json!({"type": self.kind, "offset": self.offset, "length": self.length});
        if let Some(url) = &self.url {
            v["url"] = json!(url);
        }
        if let Some(language) = &self.language {
            v["language"] = json!(language);
        }
        if let Some(id) = &self.custom_emoji_id {
            v["custom_emoji_id"] = json!(id);
        }
        v
    }
}

/// Text after parsing: what the user sees and how it is formatted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Formatted {
    pub text: String,
    pub entities: Vec<Entity>,
}

impl Formatted {
    /// Length in characters (code points), the unit of the Bot API's text limits;
    /// entity offsets, by contrast, count UTF-16 code units.
    pub fn len_chars(&self) -> usize {
        self.text.chars().count()
    }

    /// Entities as a JSON array.
    pub fn entities_json(&self) -> Value {
        Value::Array(self.entities.iter().map(Entity::to_json).collect())
    }
}

/// Parses `text` with `parse_mode` (or explicit `entities`), then trims surrounding
/// whitespace as Telegram does. The error is the description without `Bad Request: `.
pub(crate) fn parse(
    text: &str,
    parse_mode: Option<&str>,
    explicit: Option<&Value>,
) -> Result<Formatted, String> {
    let parsed = match parse_mode {
        None | Some("") => Formatted {
            text: text.to_string(),
            entities: explicit.map(entities_from_json).unwrap_or_default(),
        },
        Some(mode) => match mode.to_ascii_lowercase().as_str() {
            "html" => html::parse(text)?,
            "markdownv2" => markdown::parse_v2(text)?,
            "markdown" => markdown::parse_legacy(text)?,
            _ => return Err(format!("unsupported parse_mode \"{mode}\"")),
        },
    };
    Ok(trim(parsed))
}

fn entities_from_json(v: &Value) -> Vec<Entity> {
    let Some(items) = v.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|e| {
            let kind = KINDS.iter().find(|k| Some(**k) == e["type"].as_str())?;
            let mut entity = Entity::new(
                kind,
                usize::try_from(e["offset"].as_u64()?).ok()?,
                usize::try_from(e["length"].as_u64()?).ok()?,
            );
            entity.url = e["url"].as_str().map(str::to_string);
            entity.language = e["language"].as_str().map(str::to_string);
            entity.custom_emoji_id = e["custom_emoji_id"].as_str().map(str::to_string);
            Some(entity)
        })
        .collect()
}

const KINDS: [&str; 19] = [
    "mention",
    "hashtag",
    "cashtag",
    "bot_command",
    "url",
    "email",
    "phone_number",
    "bold",
    "italic",
    "underline",
    "strikethrough",
    "spoiler",
    "blockquote",
    "expandable_blockquote",
    "code",
    "pre",
    "text_link",
    "text_mention",
    "custom_emoji",
];

/// Telegram drops leading and trailing whitespace; entities move and shrink with it.
fn trim(f: Formatted) -> Formatted {
    let trimmed_start = f.text.trim_start();
    let lead = utf16_len(&f.text[..f.text.len() - trimmed_start.len()]);
    let text = trimmed_start.trim_end().to_string();
    let len = utf16_len(&text);
    let entities = f
        .entities
        .into_iter()
        .filter_map(|mut e| {
            let start = e.offset.saturating_sub(lead).min(len);
            let end = (e.offset + e.length).saturating_sub(lead).min(len);
            e.offset = start;
            e.length = end.saturating_sub(start);
            (e.length > 0).then_some(e)
        })
        .collect();
    Formatted { text, entities }
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_trimmed_and_keeps_explicit_entities() {
        let ents = json!([{"type": "bold", "offset": 2, "length": 3}]);
        let f = parse("  abc  ", None, Some(&ents)).unwrap();
        assert_eq!(f.text, "abc");
        assert_eq!(f.entities, vec![Entity::new("bold", 0, 3)]);
        assert!(parse("x", Some("Klingon"), None).is_err());
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(s in r#"[a-zя😀<>/&;#*_~|`\\\[\]()=". \n]{0,40}"#) {
            for mode in [None, Some("HTML"), Some("MarkdownV2"), Some("Markdown")] {
                if let Ok(f) = parse(&s, mode, None) {
                    let len = utf16_len(&f.text);
                    proptest::prop_assert!(f.entities.iter().all(|e| e.offset + e.length <= len));
                }
            }
        }
    }

    #[test]
    fn limits_count_characters_and_offsets_count_utf16() {
        let f = parse("😀 <b>x</b>", Some("HTML"), None).unwrap();
        assert_eq!(f.len_chars(), 3);
        assert_eq!(f.entities[0].offset, 3);
    }
}
