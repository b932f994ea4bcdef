//! The Bot API specification the emulator validates against.
//!
//! `spec/telegram-bot-api.json` is teloxide-core's `custom_v2.json` (Bot API 9.2, MIT,
//! licence in `spec/telegram-bot-api.LICENSE`), embedded at compile time and parsed once.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

const SPEC_JSON: &str = include_str!("spec/telegram-bot-api.json");

/// The parsed specification: methods and object types, indexed by name.
#[derive(Debug)]
pub(crate) struct Spec {
    /// Methods keyed by lower-cased name (Telegram matches method names case-insensitively).
    methods: HashMap<String, MethodSpec>,
    objects: HashMap<String, ObjectKind>,
}

/// One Bot API method.
#[derive(Debug, Deserialize)]
pub(crate) struct MethodSpec {
    /// Canonical (camelCase) method name.
    pub name: String,
    #[serde(default)]
    pub arguments: Vec<ParamSpec>,
}

/// A method argument or an object field.
#[derive(Debug, Deserialize)]
pub(crate) struct ParamSpec {
    pub name: String,
    #[serde(default)]
    pub required: bool,
    pub type_info: TypeInfo,
}

/// The type of a value, with the limits the spec states for it.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum TypeInfo {
    String {
        min_len: Option<usize>,
        max_len: Option<usize>,
        #[serde(default)]
        enumeration: Vec<Value>,
        default: Option<Value>,
    },
    Integer {
        min: Option<f64>,
        max: Option<f64>,
        #[serde(default)]
        enumeration: Vec<Value>,
        default: Option<Value>,
    },
    Float {
        min: Option<f64>,
        max: Option<f64>,
        default: Option<Value>,
    },
    Bool {
        default: Option<Value>,
    },
    Array {
        array: Box<TypeInfo>,
    },
    Reference {
        reference: String,
    },
    AnyOf {
        any_of: Vec<TypeInfo>,
    },
}

impl TypeInfo {
    /// The spec's default value; for a required field it is a constant (a type tag).
    pub fn default_value(&self) -> Option<&Value> {
        match self {
            TypeInfo::String { default, .. }
            | TypeInfo::Integer { default, .. }
            | TypeInfo::Float { default, .. }
            | TypeInfo::Bool { default } => default.as_ref(),
            _ => None,
        }
    }

    /// Whether an uploaded file (`InputFile`) is acceptable here.
    pub fn accepts_file(&self) -> bool {
        match self {
            TypeInfo::Reference { reference } => reference == "InputFile",
            TypeInfo::AnyOf { any_of } => any_of.iter().any(TypeInfo::accepts_file),
            _ => false,
        }
    }
}

/// How an object type is made up.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum ObjectKind {
    Properties {
        #[serde(default)]
        properties: Vec<ParamSpec>,
    },
    AnyOf {
        any_of: Vec<TypeInfo>,
    },
    /// Opaque types (`InputFile`, empty marker objects): anything is accepted.
    Unknown,
}

#[derive(Deserialize)]
struct SpecFile {
    methods: Vec<MethodSpec>,
    objects: Vec<ObjectEntry>,
}

#[derive(Deserialize)]
struct ObjectEntry {
    name: String,
    #[serde(flatten)]
    kind: ObjectKind,
}

impl Spec {
    /// The embedded specification, parsed on first use.
    pub fn get() -> Result<&'static Spec, String> {
        static SPEC: OnceLock<Result<Spec, String>> = OnceLock::new();
        SPEC.get_or_init(|| Spec::parse(SPEC_JSON))
            .as_ref()
            .map_err(Clone::clone)
    }

    fn parse(text: &str) -> Result<Spec, String> {
        let file: SpecFile = serde_json::from_str(text)
            .map_err(|e| format!("embedded Bot API spec does not parse: {e}"))?;
        let methods = file
            .methods
            .into_iter()
            .map(|m| (m.name.to_ascii_lowercase(), m))
            .collect();
        let objects = file.objects.into_iter().map(|o| (o.name, o.kind)).collect();
        Ok(Spec { methods, objects })
    }

    /// A method by name, matched case-insensitively.
    pub fn method(&self, name: &str) -> Option<&MethodSpec> {
        self.methods.get(&name.to_ascii_lowercase())
    }

    /// An object type by its exact name.
    pub fn object(&self, name: &str) -> Option<&ObjectKind> {
        self.objects.get(name)
    }
}

impl MethodSpec {
    /// An argument by exact name.
    pub fn argument(&self, name: &str) -> Option<&ParamSpec> {
        self.arguments.iter().find(|a| a.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_spec_parses_and_knows_send_message() {
        let spec = Spec::get().unwrap();
        let m = spec.method("SENDMESSAGE").unwrap();
        assert_eq!(m.name, "sendMessage");
        assert!(m.argument("chat_id").unwrap().required);
        assert!(matches!(
            m.argument("text").unwrap().type_info,
            TypeInfo::String {
                max_len: Some(4096),
                ..
            }
        ));
        assert!(spec.object("InlineKeyboardButton").is_some());
        assert!(spec
            .method("sendDocument")
            .unwrap()
            .argument("document")
            .unwrap()
            .type_info
            .accepts_file());
    }
}
