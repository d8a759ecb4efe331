//! Photo evidence: attached once however often it is sent, refused with a reason.

use super::*;

use chidao_core::domain::PhotoId;

fn id_of(bytes: &[u8]) -> String {
    PhotoId::of(bytes).to_string()
}

#[tokio::test]
async fn a_photo_is_attached_once_however_often_it_is_sent_and_only_those_who_see_the_item_get_it() {
    let app = app().await;
    let official = app.sign_in("official").await;
    let item = item_ids(&app.pull(&official, 0).await)[0].clone();
    let cursor = app.pull(&official, 0).await["cursor"].as_u64().unwrap();
    let id = id_of(common::PNG);

    let first = app.upload_photo(&official, &item, &id, "image/png", common::PNG.to_vec()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    let again = app.upload_photo(&official, &item, &id, "image/png", common::PNG.to_vec()).await;
    assert_eq!(again.status, StatusCode::OK, "a retry is recognised");
    assert_eq!(again.json["photos"].as_array().unwrap().len(), 1, "and adds nothing");

    // Devices pull it with the item.
    let pulled = app.pull(&official, cursor).await;
    let photos = pulled["items"][0]["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 1);
    assert_eq!((photos[0]["id"].as_str(), photos[0]["by"].as_str()), (Some(id.as_str()), Some("official")));

    let supervisor = app.sign_in("supervisor").await;
    let fetched = app.call(Method::GET, &format!("/api/v1/photos/{id}"), Some(&supervisor), None).await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(fetched.headers["content-type"], "image/png");
    assert_eq!(fetched.bytes, common::PNG);
    let elsewhere = app.sign_in("official3").await;
    let hidden = app.call(Method::GET, &format!("/api/v1/photos/{id}"), Some(&elsewhere), None).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "another commune does not see it");
}

#[tokio::test]
async fn uploads_that_are_not_photos_too_big_or_misaddressed_are_refused_with_a_reason() {
    let app = app().await;
    let official = app.sign_in("official").await;
    let item = item_ids(&app.pull(&official, 0).await)[0].clone();
    let id = id_of(common::PNG);

    let text = b"Bien ban kiem tra".to_vec();
    let not_image = app.upload_photo(&official, &item, &id_of(&text), "image/jpeg", text).await;
    assert_eq!(not_image.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(not_image.json["message"], "this file is not a JPEG, PNG or WebP image");

    let wrong_type = app.upload_photo(&official, &item, &id, "text/plain", common::PNG.to_vec()).await;
    assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let wrong_id = app.upload_photo(&official, &item, &id_of(b"other"), "image/png", common::PNG.to_vec()).await;
    assert_eq!(wrong_id.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong_id.json["message"].as_str().unwrap().contains("do not match"));
    let bad_id = app.upload_photo(&official, &item, "photo.png", "image/png", common::PNG.to_vec()).await;
    assert_eq!(bad_id.status, StatusCode::UNPROCESSABLE_ENTITY);

    let mut huge = common::PNG.to_vec();
    huge.resize(3 * 1024 * 1024, 0);
    let too_big = app.upload_photo(&official, &item, &id_of(&huge), "image/png", huge).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_big.json["error"], "too_large");

    let unknown = app.upload_photo(&official, &uuid::Uuid::now_v7().to_string(), &id, "image/png", common::PNG.to_vec()).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let elsewhere = app.sign_in("official3").await;
    let forbidden = app.upload_photo(&elsewhere, &item, &id, "image/png", common::PNG.to_vec()).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    // Nothing refused left a trace on the item.
    let photos = app.pull(&official, 0).await["items"][0]["photos"].as_array().unwrap().len();
    assert_eq!(photos, 0);
}
