//! OpenAPI schemas for the types serde reads through a check of their own (validated text,
//! role sets, the two shapes of a party, a change with its edit flattened in). The derive
//! cannot see those checks, so these say by hand what the checks accept; every other API
//! type derives its schema beside its definition.

use crate::domain::{
    BoundedText, DocumentNumber, Note, Party, Period, PhotoId, Recurrence, Role, Roles, UnitCode, Username, NOTE_MAX_CHARS,
};
use crate::sync::{Base, Change, Stamp};
use std::borrow::Cow;
use utoipa::openapi::schema::{
    AdditionalProperties, AllOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

fn text(max_chars: Option<usize>, description: &str) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).max_length(max_chars).description(Some(description))
}

fn reference<T: ToSchema>() -> RefOr<Schema> {
    RefOr::Ref(utoipa::openapi::Ref::from_schema_name(T::name()))
}

fn register<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) {
    schemas.push((T::name().into_owned(), T::schema()));
    T::schemas(schemas);
}

impl<const MAX: usize> PartialSchema for BoundedText<MAX> {
    fn schema() -> RefOr<Schema> {
        text(Some(MAX), "Trimmed text without control characters").into()
    }
}

/// Each limit is its own schema, so two limits never share a name.
impl<const MAX: usize> ToSchema for BoundedText<MAX> {
    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("Text{MAX}"))
    }
}

macro_rules! text_schema {
    ($name:ident, $max:expr, $description:literal) => {
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                text($max, $description).into()
            }
        }

        impl ToSchema for $name {}
    };
}

text_schema!(UnitCode, Some(UnitCode::MAX_LEN), "A unit's code: upper-case letters, digits and '-'");
text_schema!(Username, Some(Username::MAX_LEN), "Lower-case letters a-z, digits, '.', '_' or '-', starting with a letter or digit");
text_schema!(DocumentNumber, Some(DocumentNumber::MAX_LEN), "A document number such as 21/KH-UBND");
text_schema!(Recurrence, None, "A recurring report as the directive words it");
text_schema!(Period, Some(8), "One period of recurring work: 2026-11 (a month), 2026-Q4, 2026-W48 (an ISO week) or 2026");
text_schema!(PhotoId, Some(64), "The SHA-256 of the photo's bytes, 64 lower-case hex digits");

impl PartialSchema for Note {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(NOTE_MAX_CHARS))
            .description(Some("A note on an item; empty clears it; no control characters"))
            .into()
    }
}

impl ToSchema for Note {}

impl PartialSchema for Roles {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new().items(reference::<Role>()).min_items(Some(1)).unique_items(true).into()
    }
}

impl ToSchema for Roles {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        register::<Role>(schemas);
    }
}

impl PartialSchema for Party {
    fn schema() -> RefOr<Schema> {
        let one = |key: &str, schema: RefOr<Schema>| {
            ObjectBuilder::new().property(key, schema).required(key).additional_properties(Some(AdditionalProperties::FreeForm(false)))
        };
        OneOfBuilder::new()
            .item(one("unit", reference::<UnitCode>()))
            .item(one("phrase", BoundedText::<{ Party::PHRASE_MAX }>::schema()))
            .description(Some("A unit of the tree, or a group as the directive words it"))
            .into()
    }
}

impl ToSchema for Party {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        register::<UnitCode>(schemas);
    }
}

/// A change is read strictly (no member it does not know), with its edit as two members:
/// `field` and the `value` that field takes.
impl PartialSchema for Change {
    fn schema() -> RefOr<Schema> {
        let uuid = || ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)));
        let members = ObjectBuilder::new()
            .property("id", uuid())
            .property("item", uuid())
            .property("seq", ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)))
            .property("stamp", reference::<Stamp>())
            .property("base", reference::<Base>())
            .property("field", ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["done", "note"])))
            .property("value", ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::Boolean, Type::String])))
            .required("id")
            .required("item")
            .required("seq")
            .required("stamp")
            .required("field")
            .required("value")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        let edit = |field: &str, value: RefOr<Schema>| {
            ObjectBuilder::new()
                .property("field", ObjectBuilder::new().schema_type(Type::String).enum_values(Some([field])))
                .property("value", value)
        };
        let value_fits_field = OneOfBuilder::new()
            .item(edit("done", ObjectBuilder::new().schema_type(Type::Boolean).into()))
            .item(edit("note", Note::schema()));
        AllOfBuilder::new()
            .item(members)
            .item(value_fits_field)
            .description(Some("One edit a device made, numbered by `seq` and ordered by `stamp`"))
            .into()
    }
}

impl ToSchema for Change {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        register::<Stamp>(schemas);
        register::<Base>(schemas);
    }
}
