//! What admins do: keep the unit tree and the accounts. Routes and the command line both
//! call here, so a unit imported from a file and one typed into the form pass the same
//! checks.

use crate::auth::{hash_password_in_turn, temporary_password, PasswordError, User};
use crate::db::{AccountChange, AccountRow, DbError, Store};
use chidao_core::api::{AccountSummary, AccountUpdate, NewAccount, TemporaryPassword};
use chidao_core::domain::unit_import::{self, RowError, UnitRow};
use chidao_core::domain::{BoundedText, Role, Roles, UnitCode, Username};

pub const DISPLAY_NAME_MAX: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    Invalid(String),
    #[error("{} rows have errors", .0.len())]
    Rows(Vec<RowError>),
    #[error("no account is called `{0}`")]
    NoAccount(String),
    #[error("the username `{0}` is taken")]
    Taken(String),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Checks rows against the tree and writes them all, or none; returns how many units
/// were new or changed.
pub async fn change_units(store: &Store, rows: &[(usize, UnitRow)]) -> Result<usize, AdminError> {
    let planned = unit_import::plan(&store.units.units().await?, rows).map_err(AdminError::Rows)?;
    store.units.write_units(&planned).await?;
    tracing::info!(units = planned.len(), "unit tree changed");
    Ok(planned.len())
}

pub async fn import_units_csv(store: &Store, text: &str) -> Result<usize, AdminError> {
    let rows = unit_import::parse_csv(text).map_err(AdminError::Rows)?;
    change_units(store, &rows).await
}

async fn known_unit(store: &Store, unit: &UnitCode) -> Result<(), AdminError> {
    match store.units.unit(unit).await? {
        Some(_) => Ok(()),
        None => Err(AdminError::Invalid(format!("there is no unit {unit}"))),
    }
}

fn display_name(raw: &str) -> Result<String, AdminError> {
    BoundedText::<DISPLAY_NAME_MAX>::parse("display name", raw)
        .map(|name| name.as_str().to_owned())
        .map_err(|error| AdminError::Invalid(error.to_string()))
}

/// Creates an account with `password`, or with a temporary one its owner must replace at
/// the first sign-in when `password` is `None`.
pub async fn create_account(store: &Store, new: &NewAccount, password: Option<String>) -> Result<TemporaryPassword, AdminError> {
    let username = Username::parse(&new.username).map_err(|error| AdminError::Invalid(error.to_string()))?;
    let name = display_name(&new.display_name)?;
    known_unit(store, &new.unit).await?;
    let must_change = password.is_none();
    let password = password.unwrap_or_else(temporary_password);
    let mut row = AccountRow::new(username.as_str(), &name, &new.roles, &new.unit, hash_password_in_turn(password.clone()).await?);
    row.must_change_password = must_change;
    if !store.people.create_account(&row).await? {
        return Err(AdminError::Taken(username.to_string()));
    }
    tracing::info!(username = %username, roles = ?new.roles, unit = %new.unit, "account created");
    Ok(TemporaryPassword { username: username.to_string(), temporary_password: if must_change { password } else { String::new() } })
}

/// Applies an admin's change. An admin cannot disable their own account or drop their own
/// admin role: a province must never be left with nobody able to administer it. Nor can an
/// admin give their own account other roles: who follows and signs off work is decided by
/// another admin, so no one grants themselves the office's powers unseen.
pub async fn update_account(store: &Store, actor: &User, username: &str, update: &AccountUpdate) -> Result<(), AdminError> {
    if actor.username == username {
        if update.disabled == Some(true) {
            return Err(AdminError::Invalid("you cannot disable your own account".into()));
        }
        if update.roles.as_ref().is_some_and(|roles| !roles.has(Role::Admin)) {
            return Err(AdminError::Invalid("you cannot remove your own admin role".into()));
        }
        if update.roles.as_ref().is_some_and(|roles| *roles != actor.roles) {
            return Err(AdminError::Invalid("another admin changes your roles; you cannot give yourself others".into()));
        }
    }
    if let Some(unit) = &update.unit {
        known_unit(store, unit).await?;
    }
    let change = AccountChange {
        display_name: update.display_name.as_deref().map(display_name).transpose()?,
        unit: update.unit.as_ref().map(ToString::to_string),
        roles: update.roles.as_ref().map(|roles: &Roles| roles.iter().map(|role| role.as_str().to_owned()).collect()),
        disabled: update.disabled,
    };
    if !store.people.update_account(username, &change).await? {
        return Err(AdminError::NoAccount(username.to_owned()));
    }
    tracing::info!(username, by = %actor.username, "account changed");
    Ok(())
}

/// A fresh temporary password; every session of the account ends.
pub async fn reset_password(store: &Store, username: &str) -> Result<TemporaryPassword, AdminError> {
    let password = temporary_password();
    if !store.people.set_password(username, &hash_password_in_turn(password.clone()).await?, true, None).await? {
        return Err(AdminError::NoAccount(username.to_owned()));
    }
    tracing::info!(username, "password reset");
    Ok(TemporaryPassword { username: username.to_owned(), temporary_password: password })
}

pub async fn accounts(store: &Store) -> Result<Vec<AccountSummary>, AdminError> {
    store
        .people
        .accounts()
        .await?
        .into_iter()
        .map(|row| {
            let user = User::from_row(row.clone())?;
            Ok(AccountSummary {
                username: user.username,
                display_name: user.display_name,
                roles: user.roles,
                unit: user.unit,
                disabled: row.disabled,
                must_change_password: row.must_change_password,
                last_sign_in_ms: row.last_sign_in_ms,
            })
        })
        .collect()
}
