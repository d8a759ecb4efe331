//! The OpenAPI document, made from the routes as they are registered: each endpoint is
//! registered with a [`Doc`] that names its body and answer types, and every schema comes
//! from those Rust types (`utoipa::ToSchema`). A route cannot exist without its entry, and
//! an entry cannot drift from the type the handler really sends.

use axum::http::header::CONTENT_TYPE;
use axum::http::Method;
use axum::response::IntoResponse;
use chidao_core::api::ApiErrorBody;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, Paths, RefOr, Required, ResponseBuilder};
use utoipa::{IntoParams, ToSchema};

/// A body: its content types and the schema of what they carry.
#[derive(Clone)]
struct Body {
    content_types: &'static [&'static str],
    schema: RefOr<Schema>,
}

impl Body {
    fn json(schema: RefOr<Schema>) -> Self {
        Self { content_types: &["application/json"], schema }
    }

    /// Raw bytes (a file, a pasted text, an image) in one of `content_types`.
    fn bytes(content_types: &'static [&'static str]) -> Self {
        Self { content_types, schema: ObjectBuilder::new().schema_type(Type::String).into() }
    }
}

/// What one endpoint takes and answers, written where the route is registered.
#[derive(Clone)]
pub struct Doc {
    summary: &'static str,
    request: Option<Body>,
    query: Vec<utoipa::openapi::path::Parameter>,
    answers: Vec<(u16, &'static str, Option<Body>)>,
    schemas: Vec<(String, RefOr<Schema>)>,
}

fn reference(name: &str) -> RefOr<Schema> {
    RefOr::Ref(utoipa::openapi::Ref::from_schema_name(name))
}

/// Why a status is answered, for the statuses refusals use.
fn refusal_reason(status: u16) -> &'static str {
    match status {
        400 => "The request is malformed: a body or a parameter that cannot be read",
        401 => "No session, or it has ended",
        403 => "Signed in, but this account may not do this",
        404 => "No such record, or not one this account may see",
        409 => "It conflicts with what is stored",
        413 => "The body is larger than allowed",
        415 => "The body is not of a content type this endpoint reads",
        422 => "The content breaks a rule; the message (and rows or problems) say which",
        429 => "Too many attempts; wait and try again",
        503 => "Busy or unavailable for a moment; retry after the Retry-After header",
        _ => "Refused",
    }
}

impl Doc {
    pub fn new(summary: &'static str) -> Self {
        Self { summary, request: None, query: Vec::new(), answers: Vec::new(), schemas: Vec::new() }
    }

    fn named<T: ToSchema>(&mut self) -> RefOr<Schema> {
        self.schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(&mut self.schemas);
        reference(&T::name())
    }

    /// A JSON body of type `T`.
    pub fn takes<T: ToSchema>(mut self) -> Self {
        let schema = self.named::<T>();
        self.request = Some(Body::json(schema));
        self
    }

    /// A raw body of one of `content_types`.
    pub fn takes_bytes(mut self, content_types: &'static [&'static str]) -> Self {
        self.request = Some(Body::bytes(content_types));
        self
    }

    /// The query parameters `T` reads.
    pub fn query<T: IntoParams>(mut self) -> Self {
        self.query = T::into_params(|| Some(ParameterIn::Query));
        self
    }

    /// Answers `status` with a JSON `T`.
    pub fn answers<T: ToSchema>(mut self, status: u16, meaning: &'static str) -> Self {
        let schema = self.named::<T>();
        self.answers.push((status, meaning, Some(Body::json(schema))));
        self
    }

    /// Answers `status` with a JSON array of `T`.
    pub fn answers_list<T: ToSchema>(mut self, status: u16, meaning: &'static str) -> Self {
        let item = self.named::<T>();
        self.answers.push((status, meaning, Some(Body::json(ArrayBuilder::new().items(item).into()))));
        self
    }

    /// Answers `status` with this very kind of document.
    pub fn answers_openapi(mut self, status: u16, meaning: &'static str) -> Self {
        let mut document = ObjectBuilder::new().schema_type(Type::Object);
        for member in ["openapi", "info", "paths", "components"] {
            document = document
                .property(member, ObjectBuilder::new().schema_type(if member == "openapi" { Type::String } else { Type::Object }))
                .required(member);
        }
        self.answers.push((status, meaning, Some(Body::json(document.into()))));
        self
    }

    /// Answers `status` with a stream of server-sent events whose data are `T`.
    pub fn answers_events<T: ToSchema>(mut self, status: u16, meaning: &'static str) -> Self {
        let schema = self.named::<T>();
        self.answers.push((status, meaning, Some(Body { content_types: &["text/event-stream"], schema })));
        self
    }

    /// Answers `status` with no body.
    pub fn answers_empty(mut self, status: u16, meaning: &'static str) -> Self {
        self.answers.push((status, meaning, None));
        self
    }

    /// Answers `status` with raw bytes of one of `content_types`.
    pub fn answers_bytes(mut self, status: u16, meaning: &'static str, content_types: &'static [&'static str]) -> Self {
        self.answers.push((status, meaning, Some(Body::bytes(content_types))));
        self
    }

    /// Refuses with these statuses, each with the API's error body.
    pub fn refuses(mut self, statuses: &[u16]) -> Self {
        let error = self.named::<ApiErrorBody>();
        for &status in statuses {
            self.answers.push((status, refusal_reason(status), Some(Body::json(error.clone()))));
        }
        self
    }
}

fn http_method(method: &Method) -> HttpMethod {
    match *method {
        Method::GET => HttpMethod::Get,
        Method::POST => HttpMethod::Post,
        Method::PUT => HttpMethod::Put,
        Method::DELETE => HttpMethod::Delete,
        Method::PATCH => HttpMethod::Patch,
        Method::HEAD => HttpMethod::Head,
        Method::OPTIONS => HttpMethod::Options,
        _ => HttpMethod::Trace,
    }
}

/// The `{name}` parts of a path template.
fn path_parameters(template: &str) -> impl Iterator<Item = &str> {
    template.split('/').filter_map(|part| part.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')))
}

/// The document for `endpoints`, as the router registered them.
pub fn document(endpoints: &[(Method, String, Doc)]) -> OpenApi {
    let mut paths = Paths::new();
    let mut schemas = BTreeMap::new();
    for (method, template, doc) in endpoints {
        let mut operation = OperationBuilder::new().summary(Some(doc.summary)).operation_id(Some(format!(
            "{}{}",
            method.as_str().to_lowercase(),
            template.replace(['/', '{', '}', '.'], "_")
        )));
        for name in path_parameters(template) {
            operation = operation.parameter(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
            );
        }
        for parameter in &doc.query {
            operation = operation.parameter(parameter.clone());
        }
        if let Some(body) = &doc.request {
            let mut request = RequestBodyBuilder::new().required(Some(Required::True));
            for content_type in body.content_types {
                request = request.content(*content_type, ContentBuilder::new().schema(Some(body.schema.clone())).build());
            }
            operation = operation.request_body(Some(request.build()));
        }
        for (status, meaning, body) in &doc.answers {
            let mut response = ResponseBuilder::new().description(*meaning);
            if let Some(body) = body {
                for content_type in body.content_types {
                    response = response.content(*content_type, ContentBuilder::new().schema(Some(body.schema.clone())).build());
                }
            }
            operation = operation.response(status.to_string(), response.build());
        }
        paths.add_path_operation(template, vec![http_method(method)], operation.build());
        schemas.extend(doc.schemas.iter().cloned());
    }
    let description = "Sign in, push changes and pull items, write directives, follow progress, keep units and accounts. \
         The sync protocol is explained in docs/sync.md. Every refusal has the body {\"error\": CODE, \"message\": TEXT}.";
    OpenApiBuilder::new()
        .info(InfoBuilder::new().title("Chidao API").version("1").description(Some(description)).build())
        .paths(paths)
        .components(Some(ComponentsBuilder::new().schemas_from_iter(schemas).build()))
        .build()
}

/// The document as served: made once, from the routes.
static SERVED: LazyLock<String> =
    LazyLock::new(|| document(&super::api().documented).to_json().expect("the OpenAPI document is plain data and always serialises"));

pub async fn serve() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], SERVED.as_str())
}
