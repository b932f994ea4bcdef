//! sendDocument, sendPhoto and getFile.

use axum::body::Bytes;
use serde_json::Value;

use super::messages::{check_reply_target, message_json};
use super::target_chat;
use crate::emulator::error::ApiError;
use crate::emulator::json;
use crate::emulator::params::Params;
use crate::emulator::rules;
use crate::emulator::state::{Sender, State, StoredFile};

/// Upload limit of the cloud Bot API for documents.
pub(crate) const MAX_DOCUMENT: usize = 50 * 1024 * 1024;
/// Upload limit for photos.
const MAX_PHOTO: usize = 10 * 1024 * 1024;
/// getFile serves files up to this size.
const MAX_DOWNLOAD: usize = 20 * 1024 * 1024;

/// Which media method.
#[derive(Clone, Copy)]
pub(crate) enum Media {
    Document,
    Photo,
}

impl Media {
    fn field(self) -> &'static str {
        match self {
            Media::Document => "document",
            Media::Photo => "photo",
        }
    }
}

pub(crate) fn send_media(st: &mut State, p: &Params, media: Media) -> Result<Value, ApiError> {
    let caption = rules::caption(p)?;
    let markup = rules::reply_markup(p)?;
    // Resolve the chat before storing anything so a failed send leaves no file behind.
    target_chat(st, p)?;
    let file = input_file(st, p, media)?;
    let bot = st.bot.clone();
    let chat = target_chat(st, p)?;
    check_reply_target(chat, p)?;
    let id = chat.push(Sender::Bot, |m| {
        m.caption = caption;
        m.markup = markup;
        match media {
            Media::Document => m.document = Some(file),
            Media::Photo => m.photo = Some(file),
        }
    });
    Ok(message_json(&bot, chat, id))
}

/// The uploaded file, a known file_id, or an HTTP URL.
fn input_file(st: &mut State, p: &Params, media: Media) -> Result<StoredFile, ApiError> {
    let field = media.field();
    if let Some(upload) = p.files.get(field) {
        if upload.data.is_empty() {
            return Err(ApiError::invalid("file must be non-empty"));
        }
        let name = upload.filename.clone().filter(|n| !n.is_empty());
        let mime = upload
            .content_type
            .clone()
            .filter(|m| m != "application/octet-stream")
            .or_else(|| name.as_deref().map(guess_mime).map(str::to_string));
        return match media {
            Media::Document => {
                if upload.data.len() > MAX_DOCUMENT {
                    return Err(ApiError::too_large());
                }
                let mime = mime.or_else(|| Some("application/octet-stream".into()));
                Ok(st.store_file("documents", name, mime, upload.data.clone(), None))
            }
            Media::Photo => {
                if upload.data.len() > MAX_PHOTO {
                    return Err(ApiError::invalid(
                        "PHOTO_INVALID_DIMENSIONS: photo is over 10 MB",
                    ));
                }
                let size = image_size(&upload.data)
                    .ok_or_else(|| ApiError::invalid("IMAGE_PROCESS_FAILED"))?;
                let (w, h) = size;
                if w + h > 10_000 || w.max(h) > 20 * w.min(h).max(1) {
                    return Err(ApiError::invalid("PHOTO_INVALID_DIMENSIONS"));
                }
                Ok(st.store_file("photos", name, None, upload.data.clone(), Some(size)))
            }
        };
    }
    let Some(reference) = p.str(field) else {
        return Err(ApiError::invalid(&format!(
            "there is no {field} in the request"
        )));
    };
    if reference.starts_with("http://") || reference.starts_with("https://") {
        let name = reference
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let size = matches!(media, Media::Photo).then_some((1, 1));
        let folder = field.to_string() + "s";
        return Ok(st.store_file(&folder, name, None, Bytes::new(), size));
    }
    st.files
        .get(reference)
        .cloned()
        .ok_or_else(|| ApiError::invalid("wrong file identifier/HTTP URL specified"))
}

pub(crate) fn get_file(st: &mut State, p: &Params) -> Result<Value, ApiError> {
    let id = p.str("file_id").unwrap_or("");
    let file = st
        .files
        .get(id)
        .ok_or_else(|| ApiError::bad("invalid file id"))?;
    if file.data.len() > MAX_DOWNLOAD {
        return Err(ApiError::bad("file is too big"));
    }
    Ok(json::file(file))
}

pub(crate) fn guess_mime(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("csv") => "text/csv",
        Some("txt") => "text/plain",
        Some("json") => "application/json",
        Some("html" | "htm") => "text/html",
        Some("zip") => "application/zip",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// Width and height of a PNG, JPEG or GIF image.
pub(crate) fn image_size(data: &[u8]) -> Option<(u32, u32)> {
    let be = |b: &[u8]| b.iter().fold(0u32, |acc, x| (acc << 8) | u32::from(*x));
    if data.starts_with(b"\x89PNG\r\n\x1a\n") && data.len() >= 24 {
        return Some((be(&data[16..20]), be(&data[20..24])));
    }
    if data.starts_with(b"GIF8") && data.len() >= 10 {
        let le = |b: &[u8]| u32::from(b[0]) | (u32::from(b[1]) << 8);
        return Some((le(&data[6..8]), le(&data[8..10])));
    }
    if data.starts_with(&[0xFF, 0xD8]) {
        let mut i = 2;
        while i + 9 < data.len() {
            if data[i] != 0xFF {
                return None;
            }
            let marker = data[i + 1];
            let len = be(&data[i + 2..i + 4]) as usize;
            // SOF0..SOF15 carry the frame size; C4, C8 and CC are other segments.
            if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
                return Some((be(&data[i + 7..i + 9]), be(&data[i + 5..i + 7])));
            }
            i += 2 + len;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_image_sizes() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&[0, 0, 2, 128, 0, 0, 1, 224]);
        assert_eq!(image_size(&png), Some((640, 480)));
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 0, 100, 0, 200, 3, 0, 0,
        ];
        assert_eq!(image_size(&jpeg), Some((200, 100)));
        assert_eq!(image_size(b"not an image"), None);
    }
}
