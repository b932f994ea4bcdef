//! Checks a call's parameters against the embedded spec: unknown and missing parameters,
//! value types, string lengths, numeric ranges, enumerations and type tags, recursively
//! through objects such as `reply_markup`. Values are normalised in place (form strings
//! become numbers, booleans and objects) so the method handlers see typed JSON.

use serde_json::{Map, Value};

use super::params::Params;
use super::spec::{MethodSpec, ObjectKind, ParamSpec, Spec, TypeInfo};

/// Validates and normalises `params` for `method`; returns problems as Telegram-style
/// descriptions without the `Bad Request: ` prefix.
pub(crate) fn validate(spec: &Spec, method: &MethodSpec, params: &mut Params) -> Vec<String> {
    let mut c = Checker {
        spec,
        errors: Vec::new(),
    };
    // Text and caption limits apply after entity parsing, so the handlers check them.
    let has_parse_mode = method.argument("parse_mode").is_some();
    let values = std::mem::take(&mut params.values);
    for (key, value) in values {
        let Some(arg) = method.argument(&key) else {
            c.errors.push(format!("unknown parameter \"{key}\""));
            continue;
        };
        let skip_len = has_parse_mode && (key == "text" || key == "caption");
        if let Some(v) = c.value(&arg.type_info, &value, &key, skip_len) {
            params.values.insert(key, v);
        }
    }
    for (key, _) in params.files.iter() {
        match method.argument(key) {
            None => c
                .errors
                .push(format!("unknown parameter \"{key}\" (a file upload)")),
            Some(arg) if !arg.type_info.accepts_file() => c
                .errors
                .push(format!("parameter \"{key}\" does not accept a file upload")),
            Some(_) => {}
        }
    }
    for name in &params.orphan_files {
        c.errors.push(format!(
            "parameter \"{name}\" is given twice (as text and as a file)"
        ));
    }
    for arg in method.arguments.iter().filter(|a| a.required) {
        if !params.values.contains_key(&arg.name) && !params.files.contains_key(&arg.name) {
            c.errors.push(missing(method, arg));
        }
    }
    c.errors
}

fn missing(method: &MethodSpec, arg: &ParamSpec) -> String {
    if arg.name == "text" && method.argument("parse_mode").is_some() {
        "message text is empty".to_string()
    } else {
        format!("parameter \"{}\" is required", arg.name)
    }
}

struct Checker<'a> {
    spec: &'a Spec,
    errors: Vec<String>,
}

impl Checker<'_> {
    /// Checks one value; returns it normalised, or `None` after recording an error.
    fn value(&mut self, ti: &TypeInfo, v: &Value, path: &str, skip_len: bool) -> Option<Value> {
        match ti {
            TypeInfo::String {
                min_len,
                max_len,
                enumeration,
                ..
            } => {
                let s = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => return self.fail(path, "expected a string"),
                };
                let len = s.chars().count();
                if let Some(m) = min_len.filter(|m| !skip_len && len < *m) {
                    return self.fail(path, &format!("is shorter than {m} characters"));
                }
                if let Some(m) = max_len.filter(|m| !skip_len && len > *m) {
                    return self.fail(path, &format!("is longer than {m} characters"));
                }
                if !enumeration.is_empty() && !enumeration.iter().any(|e| e.as_str() == Some(&s)) {
                    return self.fail(path, &format!("must be one of {}", list(enumeration)));
                }
                Some(Value::String(s))
            }
            TypeInfo::Integer {
                min,
                max,
                enumeration,
                ..
            } => {
                let n = match v {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.trim().parse::<i64>().ok(),
                    _ => None,
                };
                let Some(n) = n else {
                    return self.fail(path, "expected an integer");
                };
                self.range(n as f64, *min, *max, path)?;
                if !enumeration.is_empty() && !enumeration.iter().any(|e| e.as_i64() == Some(n)) {
                    return self.fail(path, &format!("must be one of {}", list(enumeration)));
                }
                Some(Value::from(n))
            }
            TypeInfo::Float { min, max, .. } => {
                let n = match v {
                    Value::Number(n) => n.as_f64(),
                    Value::String(s) => s.trim().parse::<f64>().ok(),
                    _ => None,
                };
                let Some(n) = n else {
                    return self.fail(path, "expected a number");
                };
                self.range(n, *min, *max, path)?;
                Some(Value::from(n))
            }
            TypeInfo::Bool { .. } => match v {
                Value::Bool(b) => Some(Value::Bool(*b)),
                Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                    "true" | "1" => Some(Value::Bool(true)),
                    "false" | "0" => Some(Value::Bool(false)),
                    _ => self.fail(path, "expected a boolean"),
                },
                Value::Number(n) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
                    Some(Value::Bool(n.as_i64() == Some(1)))
                }
                _ => self.fail(path, "expected a boolean"),
            },
            TypeInfo::Array { array } => {
                let parsed = self.decode_json(v, path)?;
                let Value::Array(items) = parsed else {
                    return self.fail(path, "expected an array");
                };
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(self.value(array, item, &format!("{path}[{i}]"), false)?);
                }
                Some(Value::Array(out))
            }
            TypeInfo::Reference { reference } => self.reference(reference, v, path),
            TypeInfo::AnyOf { any_of } => self.any_of(any_of, v, path, skip_len),
        }
    }

    fn reference(&mut self, name: &str, v: &Value, path: &str) -> Option<Value> {
        if name == "InputFile" {
            // A file_id, URL or attach:// string; real uploads are in `Params::files`.
            return match v {
                Value::String(_) => Some(v.clone()),
                _ => self.fail(path, "expected a file_id, URL or upload"),
            };
        }
        let spec = self.spec;
        let Some(kind) = spec.object(name) else {
            return Some(v.clone());
        };
        match kind {
            ObjectKind::Unknown => Some(v.clone()),
            ObjectKind::AnyOf { any_of } => self.any_of(any_of, v, path, false),
            ObjectKind::Properties { properties } => {
                let parsed = self.decode_json(v, path)?;
                let Value::Object(obj) = parsed else {
                    return self.fail(path, &format!("expected a {name} object"));
                };
                self.properties(name, properties, obj, path)
            }
        }
    }

    fn properties(
        &mut self,
        name: &str,
        props: &[ParamSpec],
        obj: Map<String, Value>,
        path: &str,
    ) -> Option<Value> {
        let before = self.errors.len();
        let given: Vec<String> = obj
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, _)| k.clone())
            .collect();
        let mut out = Map::new();
        for (key, value) in obj {
            if value.is_null() {
                continue;
            }
            let field = format!("{path}.{key}");
            let Some(prop) = props.iter().find(|p| p.name == key) else {
                self.errors
                    .push(format!("unknown field \"{field}\" in {name}"));
                continue;
            };
            if let Some(v) = self.value(&prop.type_info, &value, &field, false) {
                if prop.required {
                    // A required field with a default is a constant type tag.
                    if let Some(constant) = prop.type_info.default_value() {
                        if &v != constant {
                            self.errors.push(format!("{field} must be {constant}"));
                        }
                    }
                }
                out.insert(key, v);
            }
        }
        for prop in props.iter().filter(|p| p.required) {
            if !given.contains(&prop.name) {
                self.errors.push(format!(
                    "field \"{path}.{}\" of {name} is required",
                    prop.name
                ));
            }
        }
        (self.errors.len() == before).then_some(Value::Object(out))
    }

    /// Picks the first variant that fits; otherwise reports the closest one's errors.
    fn any_of(
        &mut self,
        variants: &[TypeInfo],
        v: &Value,
        path: &str,
        skip_len: bool,
    ) -> Option<Value> {
        let mut best: Option<Vec<String>> = None;
        for variant in variants {
            let mut sub = Checker {
                spec: self.spec,
                errors: Vec::new(),
            };
            match sub.value(variant, v, path, skip_len) {
                Some(out) if sub.errors.is_empty() => return Some(out),
                _ => {
                    if best.as_ref().is_none_or(|b| sub.errors.len() < b.len()) {
                        best = Some(sub.errors);
                    }
                }
            }
        }
        self.errors.extend(best.unwrap_or_default());
        None
    }

    /// Objects and arrays may arrive JSON-serialised in a string (always so in forms).
    fn decode_json(&mut self, v: &Value, path: &str) -> Option<Value> {
        match v {
            Value::String(s) => match serde_json::from_str(s) {
                Ok(parsed) => Some(parsed),
                Err(_) => self.fail(path, "can't parse JSON"),
            },
            other => Some(other.clone()),
        }
    }

    fn range(&mut self, n: f64, min: Option<f64>, max: Option<f64>, path: &str) -> Option<()> {
        if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
            let lo = min.map_or("-inf".to_string(), |m| m.to_string());
            let hi = max.map_or("inf".to_string(), |m| m.to_string());
            return self.fail(path, &format!("must be between {lo} and {hi}"));
        }
        Some(())
    }

    fn fail<T>(&mut self, path: &str, what: &str) -> Option<T> {
        self.errors.push(format!("parameter \"{path}\" {what}"));
        None
    }
}

fn list(values: &[Value]) -> String {
    values
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(method: &str, values: Value) -> (Vec<String>, Params) {
        let spec = Spec::get().unwrap();
        let m = spec.method(method).unwrap();
        let mut p = Params {
            values: values.as_object().unwrap().clone(),
            ..Params::default()
        };
        let errors = validate(spec, m, &mut p);
        (errors, p)
    }

    #[test]
    fn accepts_and_normalises_form_strings() {
        let markup = r#"{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}"#;
        let (errors, p) = run(
            "sendMessage",
            json!({"chat_id": "12", "text": "hi", "reply_markup": markup, "disable_notification": "true"}),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(p.values["chat_id"], json!(12));
        assert_eq!(p.values["disable_notification"], json!(true));
        assert_eq!(
            p.values["reply_markup"]["inline_keyboard"][0][0]["text"],
            "A"
        );
    }

    #[test]
    fn reports_unknown_missing_and_limits() {
        let (errors, _) = run("sendMessage", json!({"text": "hi", "colour": "red"}));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("colour")));
        assert!(errors.iter().any(|e| e.contains("chat_id")));
        let (errors, _) = run("getUpdates", json!({"limit": 101}));
        assert!(errors[0].contains("between 1 and 100"), "{errors:?}");
        let (errors, _) = run("sendChatAction", json!({"chat_id": 1, "action": "dancing"}));
        assert!(errors[0].contains("one of"), "{errors:?}");
        let (errors, _) = run(
            "answerCallbackQuery",
            json!({"callback_query_id": "1", "text": "x".repeat(201)}),
        );
        assert!(errors[0].contains("longer than 200"), "{errors:?}");
    }

    #[test]
    fn checks_nested_objects_and_type_tags() {
        let (errors, _) = run(
            "sendMessage",
            json!({"chat_id": 1, "text": "t", "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_dta": "a"}]]}}),
        );
        assert!(
            errors.iter().any(|e| e.contains("callback_dta")),
            "{errors:?}"
        );
        let (errors, _) = run(
            "setMyCommands",
            json!({"commands": [], "scope": {"type": "chat", "chat_id": 5}}),
        );
        assert!(errors.is_empty(), "{errors:?}");
        let (errors, _) = run(
            "setMyCommands",
            json!({"commands": [], "scope": {"type": "weird"}}),
        );
        assert!(!errors.is_empty());
    }
}
