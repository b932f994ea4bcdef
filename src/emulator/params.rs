//! Turns an HTTP request (query string plus JSON, form-urlencoded or multipart body) into
//! one parameter map, the way the Bot API accepts all three encodings for every method.

use std::collections::HashMap;

use axum::body::Bytes;
use serde_json::{Map, Value};

use super::multipart;

/// An uploaded file part.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

/// The parameters of one Bot API call.
#[derive(Debug, Default)]
pub(crate) struct Params {
    /// Non-file parameters. Form and multipart values arrive as strings; validation
    /// converts them to the types the spec names.
    pub values: Map<String, Value>,
    /// File parameters, keyed by the parameter they fill (`attach://` already resolved).
    pub files: HashMap<String, Upload>,
    /// Uploaded parts that no parameter refers to.
    pub orphan_files: Vec<String>,
}

impl Params {
    /// Parses the request; an error is the text of a 400 "Bad Request".
    pub fn from_request(
        query: Option<&str>,
        content_type: Option<&str>,
        body: &Bytes,
    ) -> Result<Params, String> {
        let mut params = Params::default();
        if let Some(q) = query {
            for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
                params
                    .values
                    .insert(k.into_owned(), Value::String(v.into_owned()));
            }
        }
        let ct = content_type.unwrap_or("").to_ascii_lowercase();
        let mut uploads = HashMap::new();
        if body.iter().all(u8::is_ascii_whitespace) {
            // No body: parameters came in the query string, if at all.
        } else if ct.starts_with("application/json") {
            let v: Value = serde_json::from_slice(body)
                .map_err(|e| format!("can't parse JSON object: {e}"))?;
            let Value::Object(obj) = v else {
                return Err("JSON body must be an object".into());
            };
            params.values.extend(obj);
        } else if ct.starts_with("application/x-www-form-urlencoded") {
            for (k, v) in url::form_urlencoded::parse(body) {
                params
                    .values
                    .insert(k.into_owned(), Value::String(v.into_owned()));
            }
        } else if ct.starts_with("multipart/form-data") {
            let boundary = content_type
                .and_then(multipart::boundary)
                .ok_or("multipart body without boundary")?;
            for part in multipart::parse(body, &boundary)? {
                if part.filename.is_some() {
                    let upload = Upload {
                        filename: part.filename,
                        content_type: part.content_type,
                        data: part.data,
                    };
                    uploads.insert(part.name, upload);
                } else {
                    let text = String::from_utf8(part.data.to_vec())
                        .map_err(|_| format!("parameter {} is not UTF-8", part.name))?;
                    params.values.insert(part.name, Value::String(text));
                }
            }
        } else {
            return Err(format!("unsupported content type {ct:?}"));
        }
        // JSON null means "not given" for every Bot API parameter.
        params.values.retain(|_, v| !v.is_null());
        params.resolve_attachments(uploads);
        Ok(params)
    }

    /// Moves uploads referenced as `attach://<name>` (teloxide's way) to the parameter
    /// naming them; parts sent directly under a parameter's name stay under that name.
    fn resolve_attachments(&mut self, mut uploads: HashMap<String, Upload>) {
        let keys: Vec<String> = self.values.keys().cloned().collect();
        for key in keys {
            let Some(Value::String(s)) = self.values.get(&key) else {
                continue;
            };
            let Some(part) = s.strip_prefix("attach://") else {
                continue;
            };
            if let Some(upload) = uploads.remove(part) {
                self.values.remove(&key);
                self.files.insert(key, upload);
            }
        }
        for (name, upload) in uploads {
            if self.values.contains_key(&name) {
                self.orphan_files.push(name);
            } else {
                self.files.insert(name, upload);
            }
        }
    }

    /// A string parameter.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(Value::as_str)
    }

    /// An integer parameter (validation has already converted strings).
    pub fn i64(&self, name: &str) -> Option<i64> {
        self.values.get(name).and_then(Value::as_i64)
    }

    /// A boolean parameter, false when absent.
    pub fn flag(&self, name: &str) -> bool {
        self.values
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// The `chat_id` parameter as a number; `@username` chats are not modelled.
    pub fn chat_id(&self) -> Option<i64> {
        match self.values.get("chat_id")? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_query_and_json_and_drops_nulls() {
        let body = Bytes::from_static(br#"{"chat_id":5,"text":"hi","reply_markup":null}"#);
        let p = Params::from_request(Some("limit=3"), Some("application/json"), &body).unwrap();
        assert_eq!(p.chat_id(), Some(5));
        assert_eq!(p.str("limit"), Some("3"));
        assert!(!p.values.contains_key("reply_markup"));
    }

    #[test]
    fn resolves_attach_references() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"document\"\r\n\r\nattach://f1\r\n--b\r\nContent-Disposition: form-data; name=\"f1\"; filename=\"r.pdf\"\r\n\r\nPDF\r\n--b--\r\n";
        let p = Params::from_request(
            None,
            Some("multipart/form-data; boundary=b"),
            &Bytes::from_static(body),
        )
        .unwrap();
        assert!(p.values.is_empty());
        assert_eq!(&p.files["document"].data[..], b"PDF");
        assert_eq!(p.files["document"].filename.as_deref(), Some("r.pdf"));
    }

    #[test]
    fn rejects_bad_json() {
        let body = Bytes::from_static(b"[1]");
        assert!(Params::from_request(None, Some("application/json"), &body).is_err());
    }
}
