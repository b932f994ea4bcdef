//! Splitting long texts into messages and captions Telegram accepts.
//!
//! Telegram counts a text's length in UTF-16 code units: a Cyrillic letter is
//! one, most emoji are two (a surrogate pair).

/// Longest message text Telegram accepts, in UTF-16 units.
pub const MESSAGE_LIMIT: usize = 4096;
/// Longest media caption Telegram accepts, in UTF-16 units.
pub const CAPTION_LIMIT: usize = 1024;

const ELLIPSIS: char = '…';

/// Length of `text` as Telegram counts it (UTF-16 code units).
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// Byte length of the longest prefix of `text` within `units` UTF-16 units.
fn fit(text: &str, units: usize) -> usize {
    let mut used = 0;
    for (at, ch) in text.char_indices() {
        used += ch.len_utf16();
        if used > units {
            return at;
        }
    }
    text.len()
}

/// Splits `text` into chunks of at most `limit` UTF-16 units (normally
/// [`MESSAGE_LIMIT`]), as few as line boundaries allow.
///
/// - Whole lines are packed greedily; a chunk ends at a line break, and that
///   one `'\n'` belongs to no chunk.
/// - A line longer than `limit` is cut inside, after its last whitespace that
///   fits (the whitespace stays at the chunk's end), or else at the last
///   character that fits; nothing is dropped there.
///
/// So the exact invariant is: the chunks are consecutive pieces of `text`, in
/// order, and between two chunks (or after the last) there is either nothing or
/// a single `'\n'`. Chunks are never empty; empty text gives no chunks. A
/// `limit` below 2 is taken as 2, so that any character fits.
pub fn split_message(text: &str, limit: usize) -> Vec<String> {
    let limit = limit.max(2);
    let mut chunks = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = fit(rest, limit);
        if end == rest.len() {
            chunks.push(rest.to_owned());
            break;
        }
        let window = &rest[..end];
        // `end > 0` because any character fits in 2 units.
        let (chunk_end, next) = if rest[end..].starts_with('\n') {
            (end, end + 1)
        } else if let Some(at) = window.rfind('\n').filter(|&at| at > 0) {
            (at, at + 1)
        } else if let Some((at, ch)) = last_inner_whitespace(window) {
            (at + ch.len_utf8(), at + ch.len_utf8())
        } else {
            (end, end)
        };
        chunks.push(rest[..chunk_end].to_owned());
        rest = &rest[next..];
    }
    chunks
}

/// The last whitespace of `text` that is not its first character.
fn last_inner_whitespace(text: &str) -> Option<(usize, char)> {
    text.char_indices()
        .rev()
        .find(|&(at, ch)| at > 0 && ch.is_whitespace())
}

/// Splits `text` into a caption of at most [`CAPTION_LIMIT`] UTF-16 units and
/// the rest, to be sent as a follow-up message (split it with
/// [`split_message`]: it may be long).
///
/// A text that fits is returned whole with no rest. Otherwise the caption is
/// cut at a line break in its second half, else after the last word that fits,
/// else at the last character that fits, and ends with "…"; the whitespace at
/// the cut belongs to neither part. So `text` = caption without "…" + only
/// whitespace + rest. When the cut would leave no caption text (the text opens
/// with a huge run of whitespace), the caption is empty and the whole trimmed
/// text is the rest. The rest is `None` when only whitespace is left.
pub fn split_caption(text: &str) -> (String, Option<String>) {
    if utf16_len(text) <= CAPTION_LIMIT {
        return (text.to_owned(), None);
    }
    let budget = CAPTION_LIMIT - ELLIPSIS.len_utf16();
    let end = fit(text, budget);
    // The character right after the window may be the boundary to cut at.
    let after = text[end..].chars().next().map_or(0, char::len_utf8);
    let scope = &text[..end + after];

    let line = scope
        .rfind('\n')
        .filter(|&at| at > 0 && utf16_len(&text[..at]) >= budget / 2);
    let (body_end, rest_start) = match line {
        Some(at) => (at, at + 1),
        None => match last_inner_whitespace(scope) {
            Some((at, ch)) => (at, at + ch.len_utf8()),
            None => (end, end),
        },
    };
    let body = text[..body_end].trim_end();
    let rest = text[rest_start..].trim_start();
    let rest = (!rest.is_empty()).then(|| rest.to_owned());
    if body.is_empty() {
        let whole = text.trim_start();
        return (String::new(), (!whole.is_empty()).then(|| whole.to_owned()));
    }
    (format!("{body}{ELLIPSIS}"), rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Checks the invariant documented on [`split_message`].
    fn assert_pieces_of(text: &str, chunks: &[String], limit: usize) {
        let mut cursor = 0;
        for (k, chunk) in chunks.iter().enumerate() {
            assert!(!chunk.is_empty(), "chunk {k} is empty");
            assert!(
                utf16_len(chunk) <= limit,
                "chunk {k} has {} units",
                utf16_len(chunk)
            );
            if k > 0 && text[cursor..].starts_with('\n') {
                cursor += 1;
            }
            assert!(
                text[cursor..].starts_with(chunk.as_str()),
                "chunk {k} is not next in the text"
            );
            cursor += chunk.len();
        }
        if text[cursor..].starts_with('\n') {
            cursor += 1;
        }
        assert_eq!(cursor, text.len(), "text left over");
    }

    fn text_of(alphabet: Vec<char>, max: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(alphabet), 0..max)
            .prop_map(|chars| chars.into_iter().collect())
    }

    fn mixed_text() -> impl Strategy<Value = String> {
        prop_oneof![
            text_of(
                vec!['a', 'b', 'я', 'ж', 'ё', '😀', '🇷', ' ', ' ', '\n'],
                1500
            ),
            text_of(vec!['x', '😀', '\n'], 600),
            text_of(vec!['п', 'р', '\n', '\n', ' '], 600),
            "\\PC{0,800}",
            "(\\PC{0,30}\n){0,60}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn chunks_are_the_text_in_order_and_fit(text in mixed_text(), limit in 1usize..300) {
            let chunks = split_message(&text, limit);
            assert_pieces_of(&text, &chunks, limit.max(2));
        }

        #[test]
        fn when_every_line_fits_chunks_are_whole_lines_packed_greedily(
            text in "([a-zя😀 ]{0,40}\n){0,80}[a-z]{0,10}", limit in 81usize..300
        ) {
            let chunks = split_message(&text, limit);
            assert_pieces_of(&text, &chunks, limit);
            for pair in chunks.windows(2) {
                let next_line = pair[1].split('\n').next().unwrap_or_default();
                prop_assert!(
                    utf16_len(&pair[0]) + 1 + utf16_len(next_line) > limit,
                    "{:?} and {:?} would fit together", pair[0], next_line
                );
                // Splits only at line breaks: the text continues after one '\n'.
                let at = text.find(&format!("{}\n{}", pair[0], pair[1]));
                prop_assert!(at.is_some());
            }
        }

        #[test]
        fn captions_fit_and_lose_only_whitespace(text in mixed_text()) {
            let (caption, rest) = split_caption(&text);
            prop_assert!(utf16_len(&caption) <= CAPTION_LIMIT);
            match caption.strip_suffix(ELLIPSIS) {
                _ if caption == text => prop_assert!(rest.is_none()),
                None => {
                    // Only a text opening with a huge whitespace run has no caption.
                    prop_assert!(caption.is_empty());
                    let whole = text.trim_start();
                    prop_assert_eq!(rest.as_deref(), (!whole.is_empty()).then_some(whole));
                }
                Some(body) => {
                    prop_assert!(!body.is_empty() && text.starts_with(body));
                    let between = &text[body.len()..];
                    let rest = rest.as_deref().unwrap_or_default();
                    prop_assert!(between.ends_with(rest));
                    let gap = &between[..between.len() - rest.len()];
                    prop_assert!(gap.chars().all(char::is_whitespace), "{gap:?} was dropped");
                }
            }
        }
    }

    #[test]
    fn empty_and_short_texts() {
        assert!(split_message("", MESSAGE_LIMIT).is_empty());
        assert_eq!(split_message("hi\nthere", MESSAGE_LIMIT), ["hi\nthere"]);
        assert_eq!(split_message("\n\n\n", 2), ["\n\n"]);
        assert_eq!(split_caption("short"), ("short".to_string(), None));
    }

    #[test]
    fn limits_count_utf16_units() {
        let cyrillic = "ж".repeat(MESSAGE_LIMIT);
        assert_eq!(split_message(&cyrillic, MESSAGE_LIMIT), [cyrillic]);

        let emoji = "😀".repeat(MESSAGE_LIMIT / 2 + 1);
        let chunks = split_message(&emoji, MESSAGE_LIMIT);
        assert_eq!(chunks, ["😀".repeat(MESSAGE_LIMIT / 2), "😀".to_string()]);
        assert_eq!(split_message("😀😀😀", 3), ["😀", "😀", "😀"]);
    }

    #[test]
    fn lines_are_packed_and_long_lines_cut_at_spaces() {
        let lines = [
            "Отчёт за неделю",
            "кампания 1: 120 кликов",
            "кампания 2: 80 кликов",
        ];
        let text = lines.join("\n");
        assert_eq!(
            split_message(&text, 40),
            [format!("{}\n{}", lines[0], lines[1]), lines[2].to_string()]
        );
        assert_eq!(
            split_message("one two three four", 9),
            ["one two ", "three ", "four"]
        );
        assert_eq!(split_message("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(split_message("ab\n\ncd", 3), ["ab\n", "cd"]);
    }

    #[test]
    fn captions_cut_at_lines_then_words_and_keep_the_rest() {
        let first = "Ad report 😀 ".repeat(70); // 910 units
        let text = format!("{}\n{}", first.trim_end(), "second line ".repeat(30));
        let (caption, rest) = split_caption(&text);
        assert_eq!(caption, format!("{}…", first.trim_end()));
        assert_eq!(rest, Some("second line ".repeat(30)));

        let words = "слово ".repeat(300);
        let (caption, rest) = split_caption(&words);
        assert_eq!(utf16_len(&caption), 1020); // 170 words, the space dropped, "…"
        assert!(caption.ends_with("слово…"));
        assert_eq!(rest.map(|r| r.matches("слово").count()), Some(130));

        let solid = "ы".repeat(3000);
        let (caption, rest) = split_caption(&solid);
        assert_eq!(utf16_len(&caption), CAPTION_LIMIT);
        assert_eq!(rest.map(|r| r.chars().count()), Some(3000 - 1023));

        let blank_then_word = format!("{}{}", " ".repeat(1100), "word");
        assert_eq!(
            split_caption(&blank_then_word),
            (String::new(), Some("word".to_string()))
        );
        assert_eq!(
            split_caption(&format!("a{}", " ".repeat(2000))),
            ("a…".to_string(), None)
        );
    }
}
