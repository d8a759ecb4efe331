//! The OpenAPI document as a contract on real answers: every status an endpoint answers
//! must be documented for it, and every JSON body must match the documented schema
//! (JSON Schema 2020-12, as OpenAPI 3.1 uses).

use super::{Answer, TestApp};
use axum::http::Method;
use serde_json::Value;

pub struct Contract {
    document: Value,
}

/// Holds every object of `schema` to the members it names: the document says what an
/// answer holds, and the contract also holds the server to sending nothing more. A schema
/// that is one part of an `allOf` (a struct with a flattened member) is `open`: the whole
/// is closed at the `allOf`, where all its parts' members are known.
fn close(schema: &mut Value, open: bool) {
    match schema {
        Value::Object(map) => {
            let is_object = map.contains_key("properties") || map.contains_key("allOf");
            if is_object && !open && !map.contains_key("additionalProperties") {
                map.insert("unevaluatedProperties".into(), Value::Bool(false));
            }
            for (key, value) in map.iter_mut() {
                match key.as_str() {
                    "allOf" => value.as_array_mut().into_iter().flatten().for_each(|part| close(part, true)),
                    // Alternatives are the object itself, as open as it is.
                    "oneOf" | "anyOf" => value.as_array_mut().into_iter().flatten().for_each(|part| close(part, open)),
                    _ => close(value, false),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| close(item, false)),
        _ => {}
    }
}

/// The components some `allOf` names as a part.
fn parts_of_all_of(node: &Value, found: &mut std::collections::BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            for part in map.get("allOf").and_then(Value::as_array).into_iter().flatten() {
                if let Some(name) = part.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/")) {
                    found.insert(name.to_owned());
                }
            }
            map.values().for_each(|value| parts_of_all_of(value, found));
        }
        Value::Array(items) => items.iter().for_each(|item| parts_of_all_of(item, found)),
        _ => {}
    }
}

/// The document with every answer's objects closed (see [`close`]).
fn closed(mut document: Value) -> Value {
    let mut parts = std::collections::BTreeSet::new();
    parts_of_all_of(&document, &mut parts);
    if let Some(schemas) = document.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, schema) in schemas.iter_mut() {
            close(schema, parts.contains(name));
        }
    }
    close(&mut document["paths"], false);
    document
}

impl Contract {
    /// The document as the server serves it.
    pub async fn served_by(app: &TestApp) -> Self {
        let answer = app.call(Method::GET, chidao_core::api::OPENAPI_PATH, None, None).await;
        assert!(answer.status.is_success(), "the OpenAPI document is served");
        Self { document: closed(answer.json) }
    }

    fn resolve<'a>(&'a self, node: &'a Value) -> &'a Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(pointer) => {
                self.document.pointer(pointer.trim_start_matches('#')).unwrap_or_else(|| panic!("{pointer} is not in the document"))
            }
            None => node,
        }
    }

    /// What is wrong with `answer` as the answer to `method` on the documented `template`
    /// (e.g. `/api/v1/directives/{id}`), or `None` when it is as documented.
    pub fn breach(&self, method: &Method, template: &str, answer: &Answer) -> Option<String> {
        let operation = &self.document["paths"][template][method.as_str().to_lowercase()];
        if operation.is_null() {
            return Some(format!("{method} {template} is not documented"));
        }
        let status = answer.status.as_str();
        let Some(documented) = operation["responses"].get(status).or_else(|| operation["responses"].get("default")) else {
            return Some(format!("{method} {template} answered {status}, which is not documented"));
        };
        let documented = self.resolve(documented);
        let is_json = answer.headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return None;
        }
        let Some(schema) = documented.pointer("/content/application~1json/schema") else {
            return Some(format!("{method} {template} {status} answered JSON but documents no JSON body"));
        };
        // The schema as the root, with the document's components beside it, so its
        // `#/components/...` references resolve.
        let mut root = self.resolve(schema).clone();
        root["components"] = self.document["components"].clone();
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&root)
            .unwrap_or_else(|error| panic!("{method} {template}: schema does not compile: {error}"));
        let errors: Vec<String> =
            validator.iter_errors(&answer.json).map(|error| format!("{} at {}", error, error.instance_path())).collect();
        (!errors.is_empty())
            .then(|| format!("{method} {template} {status} does not match its schema:\n  {}\n  body: {}", errors.join("\n  "), answer.json))
    }

    pub fn check(&self, method: &Method, template: &str, answer: &Answer) {
        if let Some(breach) = self.breach(method, template, answer) {
            panic!("{breach}");
        }
    }
}
