//! `docket schema`: the JSON Schema of the ruleset format, generated from
//! the same key tables the loader checks against ([`crate::ruleset::shape`]).

use serde_json::{Map, Value, json};

use crate::condition::parse::OPERATORS;
use crate::ruleset::shape::{KeySpec, RULESET, Shape};

/// The `$id` of the schema.
pub const SCHEMA_ID: &str = "https://docket.invalid/schema/ruleset.schema.json";

/// The JSON Schema (draft 2020-12) of a ruleset file.
pub fn ruleset_schema() -> Value {
    let mut root = object_schema(RULESET);
    if let Some(object) = root.as_object_mut() {
        object.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        object.insert("$id".into(), json!(SCHEMA_ID));
        object.insert("title".into(), json!("docket ruleset file"));
        object.insert(
            "description".into(),
            json!("A file of a docket ruleset: metadata (root file only), definitions, rules, deadlines and tests."),
        );
        object.insert("$defs".into(), definitions());
    }
    root
}

fn definitions() -> Value {
    let scalar = json!({"type": ["string", "number", "boolean"]});
    let mut operators = Map::new();
    for op in OPERATORS {
        let schema = match *op {
            "exists" => {
                json!({"type": "boolean", "description": "The field is present (true) or absent (false)."})
            }
            "gt" | "gte" | "lt" | "lte" => json!({
                "type": ["number", "string"],
                "description": "A number, a threshold name, or (for timestamps) an RFC 3339 time."
            }),
            _ => {
                json!({"anyOf": [scalar.clone(), {"type": "array", "items": scalar.clone(), "minItems": 1}]})
            }
        };
        operators.insert((*op).to_owned(), schema);
    }
    json!({
        "condition": {
            "description": "A mapping is AND. `any`/`all` take a list (or mapping) of conditions, `not` a condition; any other key is a record field.",
            "type": "object",
            "minProperties": 1,
            "properties": {
                "any": {"$ref": "#/$defs/conditionList"},
                "all": {"$ref": "#/$defs/conditionList"},
                "not": {"$ref": "#/$defs/condition"}
            },
            "additionalProperties": {"$ref": "#/$defs/fieldTest"}
        },
        "conditionList": {
            "anyOf": [
                {"type": "array", "items": {"$ref": "#/$defs/condition"}, "minItems": 1},
                {"$ref": "#/$defs/condition"}
            ]
        },
        "fieldTest": {
            "description": "A scalar means equality, a list one-of, a mapping operators (all must hold).",
            "anyOf": [
                scalar,
                {"type": "array", "items": {"type": ["string", "number", "boolean"]}, "minItems": 1},
                {"type": "object", "minProperties": 1, "properties": operators, "additionalProperties": false}
            ]
        },
        "record": {
            "type": "object",
            "additionalProperties": {"type": ["string", "number", "boolean"]}
        }
    })
}

// Indexing a serde_json object built here inserts or reads a key; it
// cannot panic.
#[allow(clippy::indexing_slicing)]
fn object_schema(keys: &[KeySpec]) -> Value {
    let mut properties = Map::new();
    for key in keys {
        let mut schema = shape_schema(&key.shape);
        if let Some(object) = schema.as_object_mut() {
            object.insert("description".into(), json!(key.doc));
        }
        properties.insert(key.name.to_owned(), schema);
    }
    let required: Vec<&str> = keys.iter().filter(|k| k.required).map(|k| k.name).collect();
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn shape_schema(shape: &Shape) -> Value {
    match shape {
        Shape::Text => json!({"type": "string"}),
        Shape::Ident => json!({"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$"}),
        Shape::Integer => json!({"type": "integer"}),
        Shape::Number => json!({"type": "number"}),
        Shape::Bool => json!({"type": "boolean"}),
        Shape::Date => json!({"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}),
        Shape::Timestamp => json!({"type": "string"}),
        Shape::Duration => json!({
            "type": "string",
            "pattern": "^\\s*\\d+\\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|calendar days?|wd|working days?|business days?)\\s*$"
        }),
        Shape::Keyword(words) => json!({"enum": words}),
        Shape::Scalar => json!({"type": ["string", "number", "boolean"]}),
        Shape::List(inner) => json!({"type": "array", "items": shape_schema(inner)}),
        Shape::MapOf(inner) => {
            json!({"type": "object", "additionalProperties": shape_schema(inner)})
        }
        Shape::Object(keys) => object_schema(keys),
        Shape::Condition => json!({"$ref": "#/$defs/condition"}),
        Shape::Record => json!({"$ref": "#/$defs/record"}),
        Shape::Either(options) => {
            json!({"anyOf": options.iter().map(shape_schema).collect::<Vec<_>>()})
        }
    }
}
