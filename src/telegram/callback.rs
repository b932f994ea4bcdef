//! Typed callback data: each owner (the core, each feature) has its own enum,
//! encoded to a short versioned string that fits Telegram's 64-byte limit and
//! decoded fallibly.
//!
//! Wire format: `<TAG><VERSION>:<variant>[:<arg>]*`, e.g. `c1:sr:-2n:a`.
//! - `TAG` is `[a-z]{1,3}`, `VERSION` a decimal `u8` without leading zeros;
//! - integers are base 36 (`0-9a-z`), negative ones with a leading `-`;
//! - booleans are `1` / `0`;
//! - strings escape `%` as `%25` and `:` as `%3A`.
//!
//! Decoding accepts only the canonical form, so whenever `decode(s)` is
//! `Some(x)`, `encode(&x)` gives back exactly `s`: one button press means one
//! value, and the fuzz test can check the codec against itself.

use std::str::Split;

/// Telegram's limit on `callback_data`, in bytes.
pub const MAX_CALLBACK_BYTES: usize = 64;

/// A callback enum owned by the core or by one feature.
pub trait Callback: Sized {
    /// Short unique prefix of the owner (e.g. "c" core, "ad", "eb", "px", "vk"), `[a-z]{1,3}`.
    const TAG: &'static str;
    /// Bumped when the encoding changes; older data decodes as expired.
    const VERSION: u8;
    /// Writes the variant name, then the arguments.
    fn write(&self, w: &mut CallbackWriter);
    /// Reads what [`Callback::write`] wrote; `None` for anything else.
    fn read(r: &mut CallbackReader<'_>) -> Option<Self>;
}

/// The encoded data would not fit in [`MAX_CALLBACK_BYTES`]: keep the large
/// argument in a table and put its id in the callback instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("callback data of `{tag}` would be {len} bytes; Telegram allows at most 64")]
pub struct CallbackTooLong {
    /// The owner's tag.
    pub tag: &'static str,
    /// The length the data would have had, in bytes.
    pub len: usize,
}

/// Encodes `c`, or says it is too long for Telegram.
pub fn encode<C: Callback>(c: &C) -> Result<String, CallbackTooLong> {
    let data = encode_unchecked(c);
    if data.len() > MAX_CALLBACK_BYTES {
        return Err(CallbackTooLong {
            tag: C::TAG,
            len: data.len(),
        });
    }
    Ok(data)
}

/// Encodes `c` without the length check: for enums whose every value is
/// proven (by a test) to fit.
pub(crate) fn encode_unchecked<C: Callback>(c: &C) -> String {
    // A bad tag would produce data that never decodes; catch it at compile time.
    const {
        assert!(
            is_valid_tag(C::TAG),
            "Callback::TAG must be 1 to 3 lowercase ASCII letters"
        )
    };
    let mut w = CallbackWriter {
        buf: format!("{}{}", C::TAG, C::VERSION),
    };
    c.write(&mut w);
    w.buf
}

/// Decodes data written by [`encode`] for `C`; `None` for foreign tags, other
/// versions, malformed or non-canonical data, and leftover arguments.
pub fn decode<C: Callback>(data: &str) -> Option<C> {
    let (tag, version) = tag_of(data)?;
    if tag != C::TAG || version != C::VERSION {
        return None;
    }
    let (_, body) = data.split_once(':')?;
    let mut r = CallbackReader {
        parts: body.split(':'),
    };
    let value = C::read(&mut r)?;
    r.finish()?;
    Some(value)
}

/// The owner's tag and the encoding version of `data`, so the dispatcher can
/// route by owner and tell stale buttons from foreign ones.
pub fn tag_of(data: &str) -> Option<(&str, u8)> {
    let (head, _) = data.split_once(':')?;
    let letters = head.bytes().take_while(u8::is_ascii_lowercase).count();
    let (tag, version) = head.split_at(letters);
    if !is_valid_tag(tag) || !is_canonical_decimal(version) {
        return None;
    }
    Some((tag, version.parse().ok()?))
}

const fn is_valid_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    if bytes.is_empty() || bytes.len() > 3 {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_lowercase() {
            return false;
        }
        i += 1;
    }
    true
}

fn is_canonical_decimal(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

/// Appends the fields of one callback value; see the module doc for the format.
#[derive(Debug)]
pub struct CallbackWriter {
    buf: String,
}

impl CallbackWriter {
    /// The variant's name: call first, once. Keep it short and `[a-z0-9_]`.
    pub fn variant(&mut self, name: &str) -> &mut Self {
        self.str(name)
    }

    /// A signed integer.
    pub fn i64(&mut self, value: i64) -> &mut Self {
        self.buf.push(':');
        if value < 0 {
            self.buf.push('-');
        }
        self.push_base36(value.unsigned_abs());
        self
    }

    /// An unsigned integer.
    pub fn u32(&mut self, value: u32) -> &mut Self {
        self.buf.push(':');
        self.push_base36(u64::from(value));
        self
    }

    /// A flag.
    pub fn bool(&mut self, value: bool) -> &mut Self {
        self.buf.push_str(if value { ":1" } else { ":0" });
        self
    }

    /// A short string (a code, a short name); anything longer belongs in a
    /// table, referenced by id.
    pub fn str(&mut self, value: &str) -> &mut Self {
        self.buf.push(':');
        for ch in value.chars() {
            match ch {
                '%' => self.buf.push_str("%25"),
                ':' => self.buf.push_str("%3A"),
                _ => self.buf.push(ch),
            }
        }
        self
    }

    fn push_base36(&mut self, mut n: u64) {
        let mut digits = [0u8; 13]; // u64::MAX has 13 base-36 digits
        let mut len = 0;
        loop {
            digits[len] = DIGITS[(n % 36) as usize];
            len += 1;
            n /= 36;
            if n == 0 {
                break;
            }
        }
        self.buf
            .extend(digits[..len].iter().rev().map(|&d| char::from(d)));
    }
}

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Reads the fields of one callback value in the order they were written;
/// every getter returns `None` when the field is missing or malformed.
#[derive(Debug)]
pub struct CallbackReader<'a> {
    parts: Split<'a, char>,
}

impl<'a> CallbackReader<'a> {
    /// The variant's name.
    pub fn variant(&mut self) -> Option<&'a str> {
        self.parts.next()
    }

    /// A signed integer.
    pub fn i64(&mut self) -> Option<i64> {
        let field = self.parts.next()?;
        match field.strip_prefix('-') {
            Some(magnitude) => {
                let n = parse_base36(magnitude).filter(|&n| n != 0)?;
                0i64.checked_sub_unsigned(n)
            }
            None => i64::try_from(parse_base36(field)?).ok(),
        }
    }

    /// An unsigned integer.
    pub fn u32(&mut self) -> Option<u32> {
        u32::try_from(parse_base36(self.parts.next()?)?).ok()
    }

    /// A flag.
    pub fn bool(&mut self) -> Option<bool> {
        match self.parts.next()? {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        }
    }

    /// A string written by [`CallbackWriter::str`].
    pub fn str(&mut self) -> Option<String> {
        let field = self.parts.next()?;
        let mut out = String::with_capacity(field.len());
        let mut rest = field;
        while let Some(at) = rest.find('%') {
            out.push_str(&rest[..at]);
            let escape = rest.get(at..at + 3)?;
            out.push(match escape {
                "%25" => '%',
                "%3A" => ':',
                _ => return None,
            });
            rest = &rest[at + 3..];
        }
        out.push_str(rest);
        Some(out)
    }

    /// `Some(())` when every field has been read.
    pub fn finish(&mut self) -> Option<()> {
        match self.parts.next() {
            None => Some(()),
            Some(_) => None,
        }
    }
}

/// Canonical base 36: lowercase digits, no sign, no leading zeros.
fn parse_base36(s: &str) -> Option<u64> {
    if s.is_empty() || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.bytes().try_fold(0u64, |acc, b| {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'z' => b - b'a' + 10,
            _ => return None,
        };
        acc.checked_mul(36)?.checked_add(u64::from(digit))
    })
}

#[cfg(test)]
#[path = "callback_tests.rs"]
mod tests;
