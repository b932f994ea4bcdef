//! Contact files: CSV or JSON parsed and checked row by row, before anything
//! is written. A file that is not CSV/JSON, unreadable, or over the row limit
//! is refused whole; otherwise bad rows are rejected with their line (CSV) or
//! item number (JSON) and the good ones imported.
//!
//! Shapes (see `docs/features/pixel.md`):
//! - CSV with a header: `email,name,group,scheduled_at,pixels` (any order;
//!   only `email` required);
//! - JSON array of `{email, name, group, scheduled_at, pixels}`;
//! - nested JSON `{"campaigns":[{"name", "groups":[{"name", "contacts":[{email,
//!   name, scheduled_at, pixels}]}]}]}` or just `{"groups":[…]}`; the groups of
//!   every campaign in the file go into the target campaign.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

/// Most pixels one contact may have.
pub const MAX_PIXELS: u32 = 10;
/// The group of rows that name none.
pub const DEFAULT_GROUP: &str = "default";

/// The file's format, from its name or MIME type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// Where a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// CSV line (the header is line 1).
    Line(u64),
    /// JSON contact, 1-based in file order.
    Item(u64),
}

/// One good contact row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Trimmed, lower-case.
    pub email: String,
    pub name: String,
    pub group: String,
    pub scheduled_at: Option<DateTime<Utc>>,
    /// 1..=[`MAX_PIXELS`].
    pub pixels: u32,
}

/// Why a row was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    InvalidEmail,
    UnparsableDate,
    DuplicateInFile { first: At },
    TooManyPixels,
    InvalidPixelCount,
}

/// A rejected row.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub at: At,
    /// The e-mail as written (may be empty).
    pub email: String,
    pub reason: Reason,
}

/// A checked file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<Row>,
    pub rejected: Vec<Rejected>,
}

/// Why a whole file was refused (nothing is written).
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    NotCsvOrJson,
    TooManyRows {
        rows: usize,
        max: usize,
    },
    /// Not UTF-8, malformed CSV/JSON, or an unexpected JSON shape.
    Unreadable(String),
    NoEmailColumn,
    Empty,
}

/// The format of a document named `file_name` with MIME type `mime`.
pub fn format_of(file_name: Option<&str>, mime: Option<&str>) -> Option<Format> {
    let name = file_name.unwrap_or("").to_ascii_lowercase();
    let mime = mime.unwrap_or("").to_ascii_lowercase();
    if name.ends_with(".csv") || mime == "text/csv" {
        Some(Format::Csv)
    } else if name.ends_with(".json") || mime == "application/json" {
        Some(Format::Json)
    } else {
        None
    }
}

/// Raw fields of one row before checking.
struct Raw {
    at: At,
    email: String,
    name: String,
    group: String,
    scheduled_at: String,
    pixels: String,
}

/// Parses and checks a file of at most `max_rows` contacts.
pub fn parse(format: Format, bytes: &[u8], max_rows: usize) -> Result<Parsed, Refusal> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Refusal::Unreadable("the file is not UTF-8 text".into()))?;
    let text = text.trim_start_matches('\u{feff}');
    let raws = match format {
        Format::Csv => csv_rows(text)?,
        Format::Json => json_rows(text)?,
    };
    if raws.is_empty() {
        return Err(Refusal::Empty);
    }
    if raws.len() > max_rows {
        return Err(Refusal::TooManyRows {
            rows: raws.len(),
            max: max_rows,
        });
    }
    Ok(check(raws))
}

fn csv_rows(text: &str) -> Result<Vec<Raw>, Refusal> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Refusal::Unreadable(e.to_string()))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let email = column("email").ok_or(Refusal::NoEmailColumn)?;
    let (name, group, when, pixels) = (
        column("name"),
        column("group"),
        column("scheduled_at"),
        column("pixels"),
    );
    let mut raws = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Refusal::Unreadable(e.to_string()))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_string();
        raws.push(Raw {
            at: At::Line(line),
            email: get(Some(email)),
            name: get(name),
            group: get(group),
            scheduled_at: get(when),
            pixels: get(pixels),
        });
    }
    Ok(raws)
}

fn json_rows(text: &str) -> Result<Vec<Raw>, Refusal> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| Refusal::Unreadable(e.to_string()))?;
    let shape =
        || Refusal::Unreadable("expected an array of contacts or {\"campaigns\": […]}".into());
    let mut contacts: Vec<(&Value, String)> = Vec::new();
    match &value {
        Value::Array(items) => contacts.extend(items.iter().map(|c| (c, field(c, "group")))),
        Value::Object(map) => {
            let groups: Vec<&Value> = if let Some(campaigns) = map.get("campaigns") {
                let campaigns = campaigns.as_array().ok_or_else(shape)?;
                let mut groups = Vec::new();
                for campaign in campaigns {
                    let list = campaign.get("groups").and_then(Value::as_array);
                    groups.extend(list.ok_or_else(shape)?.iter());
                }
                groups
            } else {
                let list = map.get("groups").and_then(Value::as_array);
                list.ok_or_else(shape)?.iter().collect()
            };
            for group in groups {
                let name = field(group, "name");
                let list = group.get("contacts").and_then(Value::as_array);
                contacts.extend(list.ok_or_else(shape)?.iter().map(|c| (c, name.clone())));
            }
        }
        _ => return Err(shape()),
    }
    Ok(contacts
        .into_iter()
        .enumerate()
        .map(|(index, (contact, group))| Raw {
            at: At::Item(index as u64 + 1),
            email: field(contact, "email"),
            name: field(contact, "name"),
            group,
            scheduled_at: field(contact, "scheduled_at"),
            pixels: field(contact, "pixels"),
        })
        .collect())
}

/// A field as text: strings trimmed, numbers printed, anything else empty.
fn field(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn check(raws: Vec<Raw>) -> Parsed {
    let mut parsed = Parsed::default();
    let mut seen: HashMap<(String, String), At> = HashMap::new();
    for raw in raws {
        let email = raw.email.trim().to_lowercase();
        let group = match raw.group.trim() {
            "" => DEFAULT_GROUP.to_string(),
            g => g.to_string(),
        };
        let reject = |reason| Rejected {
            at: raw.at,
            email: raw.email.clone(),
            reason,
        };
        if !valid_email(&email) {
            parsed.rejected.push(reject(Reason::InvalidEmail));
            continue;
        }
        let scheduled_at = match parse_time(&raw.scheduled_at) {
            Ok(t) => t,
            Err(reason) => {
                parsed.rejected.push(reject(reason));
                continue;
            }
        };
        let pixels = match raw.pixels.trim() {
            "" => 1,
            p => match p.parse::<u64>() {
                Ok(0) | Err(_) => {
                    parsed.rejected.push(reject(Reason::InvalidPixelCount));
                    continue;
                }
                Ok(n) if n > u64::from(MAX_PIXELS) => {
                    parsed.rejected.push(reject(Reason::TooManyPixels));
                    continue;
                }
                Ok(n) => n as u32,
            },
        };
        if let Some(first) = seen.get(&(group.clone(), email.clone())) {
            parsed
                .rejected
                .push(reject(Reason::DuplicateInFile { first: *first }));
            continue;
        }
        seen.insert((group.clone(), email.clone()), raw.at);
        parsed.rows.push(Row {
            email,
            name: raw.name.trim().chars().take(200).collect(),
            group: group.chars().take(100).collect(),
            scheduled_at,
            pixels,
        });
    }
    parsed
}

/// A plausible address: one `@`, a non-empty local part, a dotted domain of
/// letters, digits and hyphens, no spaces, at most 254 characters.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    email.len() <= 254 && local_ok && domain_ok
}

/// RFC 3339, or `YYYY-MM-DD[ HH:MM[:SS]]` (also with `T`) in UTC; empty is none.
pub fn parse_time(s: &str) -> Result<Option<DateTime<Utc>>, Reason> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Ok(Some(t.and_utc()));
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Some(t.and_utc()))
        .ok_or(Reason::UnparsableDate)
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
