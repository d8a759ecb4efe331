//! The OpenAPI document as a contract on real answers: every status an endpoint answers
//! must be documented for it, and every JSON body must match the documented schema
//! (JSON Schema 2020-12, as OpenAPI 3.1 uses).

use super::{Answer, TestApp};
use axum::http::Method;
use serde_json::Value;

pub struct Contract {
    document: Value,
}

impl Contract {
    /// The document as the server serves it.
    pub async fn served_by(app: &TestApp) -> Self {
        let answer = app.call(Method::GET, chidao_core::api::OPENAPI_PATH, None, None).await;
        assert!(answer.status.is_success(), "the OpenAPI document is served");
        Self { document: answer.json }
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
