//! The admin's page: the unit tree (form and CSV import) and the accounts (create, edit,
//! disable, reset password, last sign-in). Admin work is done online; nothing here is
//! kept for offline use.

use super::tr;
use crate::api::{AccountSummary, AccountUpdate, NewAccount, TemporaryPassword, UnitChanges};
use crate::client::ClientError;
use crate::domain::unit_import::{RowError, UnitRow};
use crate::domain::{Role, Roles, Unit, UnitCode, UnitKind};
use crate::i18n::vietnam_time;
use crate::i18n::{DeskKey, Key};
use leptos::prelude::*;

/// What the last admin action came to, shown under the panels.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Written(usize),
    Rows(Vec<RowError>),
    Failed(ClientError),
    Temporary(TemporaryPassword),
}

impl From<ClientError> for Outcome {
    fn from(error: ClientError) -> Self {
        match error {
            ClientError::InvalidRows(rows) => Outcome::Rows(rows),
            error => Outcome::Failed(error),
        }
    }
}

/// One thing an admin asks the server to do.
#[derive(Debug, Clone)]
enum AdminCall {
    WriteUnit(UnitRow),
    ImportUnits(String),
    CreateAccount(NewAccount),
    UpdateAccount { username: String, update: AccountUpdate },
    ResetPassword(String),
}

impl AdminCall {
    async fn run(self) -> Result<Option<Outcome>, ClientError> {
        Ok(match self {
            AdminCall::WriteUnit(row) => {
                Some(Outcome::Written(crate::client::write_units(&UnitChanges { rows: vec![row] }).await?.written))
            }
            AdminCall::ImportUnits(csv) => Some(Outcome::Written(crate::client::import_units(csv).await?.written)),
            AdminCall::CreateAccount(account) => Some(Outcome::Temporary(crate::client::create_account(&account).await?)),
            AdminCall::UpdateAccount { username, update } => {
                crate::client::update_account(&username, &update).await?;
                None
            }
            AdminCall::ResetPassword(username) => Some(Outcome::Temporary(crate::client::reset_password(&username).await?)),
        })
    }
}

/// The page's lists and its one action: calls go one at a time, and after each the lists
/// load again.
#[derive(Clone, Copy)]
struct AdminData {
    units: LocalResource<Result<Vec<Unit>, ClientError>>,
    accounts: LocalResource<Result<Vec<AccountSummary>, ClientError>>,
    call: Action<(AdminCall, Option<Callback<()>>), ()>,
    outcome: RwSignal<Option<Outcome>>,
}

impl AdminData {
    fn new() -> Self {
        let outcome = RwSignal::new(None);
        let call = Action::new_local(move |(call, on_success): &(AdminCall, Option<Callback<()>>)| {
            let (call, on_success) = (call.clone(), *on_success);
            async move {
                match call.run().await {
                    Ok(done) => {
                        outcome.set(done);
                        if let Some(on_success) = on_success {
                            on_success.run(());
                        }
                    }
                    Err(error) => outcome.set(Some(error.into())),
                }
            }
        });
        let calls_done = call.version();
        let units = LocalResource::new(move || {
            calls_done.track();
            crate::client::admin_units()
        });
        let accounts = LocalResource::new(move || {
            calls_done.track();
            crate::client::accounts()
        });
        Self { units, accounts, call, outcome }
    }

    fn act(self, call: AdminCall) {
        self.act_then(call, None);
    }

    /// Runs `call` unless one is running; `on_success` runs after it succeeds.
    fn act_then(self, call: AdminCall, on_success: Option<Callback<()>>) {
        if !self.call.pending().get_untracked() {
            self.call.dispatch((call, on_success));
        }
    }

    fn busy(self) -> bool {
        self.call.pending().get()
    }

    /// The units as last loaded; empty until they come.
    fn units(self) -> Vec<Unit> {
        self.units.get().and_then(Result::ok).unwrap_or_default()
    }

    fn accounts(self) -> Vec<AccountSummary> {
        self.accounts.get().and_then(Result::ok).unwrap_or_default()
    }

    /// The last call's outcome, or else why a list did not load.
    fn outcome(self) -> Option<Outcome> {
        let load_failure = |loaded: Option<Result<(), ClientError>>| loaded.and_then(Result::err).map(Outcome::from);
        self.outcome.get().or_else(|| {
            load_failure(self.units.get().map(|units| units.map(drop)))
                .or_else(|| load_failure(self.accounts.get().map(|accounts| accounts.map(drop))))
        })
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let own_username = expect_context::<super::who::SignedInAs>().0;
    let data = AdminData::new();
    view! {
        <main class="admin" data-testid="admin-page">
            <OutcomeBanner data/>
            <UnitsPanel data/>
            <AccountsPanel data own_username/>
        </main>
    }
}

#[component]
fn OutcomeBanner(data: AdminData) -> impl IntoView {
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();
    move || {
        data.outcome().map(|outcome| match outcome {
            Outcome::Written(count) => view! { <p class="notice" role="status" data-testid="admin-outcome"><strong>{count}</strong> " " {tr(DeskKey::UnitsWritten)}</p> }.into_any(),
            Outcome::Failed(reason) => view! { <p class="error" role="alert" data-testid="admin-outcome">{tr(Key::AdminFailed)} " " {move || super::failure_words(locale.get(), &reason)}</p> }.into_any(),
            Outcome::Temporary(temporary) => view! {
                <p class="notice" role="status" data-testid="admin-outcome">
                    {tr(DeskKey::TemporaryPassword)} " " <strong>{temporary.username}</strong> ": "
                    <code data-testid="temporary-password">{temporary.temporary_password}</code>
                </p>
            }.into_any(),
            Outcome::Rows(rows) => view! {
                <div class="error" role="alert" data-testid="admin-outcome">
                    <p>{tr(DeskKey::RowErrors)}</p>
                    <table class="row-errors">
                        <thead><tr><th>{tr(DeskKey::Line)}</th><th>{tr(DeskKey::Code)}</th><th></th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|row| {
                                // The English detail names what was found; in Vietnamese the
                                // words of the problem stand alone.
                                let detail = move || (locale.get() == crate::i18n::Locale::En).then(|| format!(" ({})", row.message));
                                view! { <tr><td>{row.line}</td><td>{row.code}</td><td data-problem=row.problem.as_str()>{tr(row.problem)}{detail}</td></tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any(),
        })
    }
}

#[component]
fn UnitsPanel(data: AdminData) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(UnitKind::Commune.as_str().to_owned());
    let parent = RwSignal::new(String::new());
    let csv = RwSignal::new(String::new());

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parent = Some(parent.get_untracked()).filter(|p| !p.is_empty());
        let row = UnitRow { code: code.get_untracked(), name: name.get_untracked(), kind: kind.get_untracked(), parent_code: parent };
        data.act(AdminCall::WriteUnit(row));
    };
    let import = move |_| data.act(AdminCall::ImportUnits(csv.get_untracked()));
    let choose_file = move |ev: leptos::ev::Event| super::read_chosen_file(ev, csv);
    let edit = move |unit: Unit| {
        code.set(unit.code.to_string());
        name.set(unit.name.to_string());
        kind.set(unit.kind.as_str().to_owned());
        parent.set(unit.parent.map(|p| p.to_string()).unwrap_or_default());
    };

    view! {
        <section class="panel units">
            <h2>{tr(DeskKey::UnitsTitle)}</h2>
            <table class="list" data-testid="unit-list">
                <thead><tr><th>{tr(DeskKey::Code)}</th><th>{tr(DeskKey::Name)}</th><th>{tr(DeskKey::Kind)}</th><th>{tr(DeskKey::Parent)}</th><th></th></tr></thead>
                <tbody>
                    {move || data.units().into_iter().map(|unit| {
                        let shown = unit.clone();
                        view! {
                            <tr data-unit=shown.code.to_string()>
                                <td>{shown.code.to_string()}</td>
                                <td class="unit-name">{shown.name.to_string()}</td>
                                <td>{tr(shown.kind)}</td>
                                <td>{shown.parent.map(|p| p.to_string()).unwrap_or_default()}</td>
                                <td><button class="link" on:click=move |_| edit(unit.clone())>{tr(DeskKey::Edit)}</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <form class="unit-form" on:submit=save>
                <label>{tr(DeskKey::Code)}
                    <input name="unit-code" required prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/></label>
                <label>{tr(DeskKey::Name)}
                    <input name="unit-name" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <label>{tr(DeskKey::Kind)}
                    <select name="unit-kind" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                        {UnitKind::ALL.iter().map(|&k| view! { <option value=k.as_str()>{tr(k)}</option> }).collect_view()}
                    </select></label>
                <label>{tr(DeskKey::Parent)}
                    <select name="unit-parent" prop:value=move || parent.get() on:change=move |ev| parent.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || data.units().into_iter().map(|unit| {
                            let value = unit.code.to_string();
                            view! { <option value=value.clone()>{value.clone()} " · " {unit.name.to_string()}</option> }
                        }).collect_view()}
                    </select></label>
                <button type="submit" class="primary" disabled=move || data.busy()>{tr(DeskKey::SaveUnit)}</button>
            </form>
            <div class="import">
                <h3>{tr(DeskKey::ImportUnitsTitle)}</h3>
                <p class="hint">{tr(DeskKey::ImportUnitsHint)}</p>
                <input type="file" accept=".csv,text/csv" name="units-file" aria-label=tr(DeskKey::UnitsFile) on:change=choose_file/>
                <textarea name="units-csv" rows="6" aria-label=tr(DeskKey::UnitsText) prop:value=move || csv.get() on:input=move |ev| csv.set(event_target_value(&ev))></textarea>
                <button class="primary" on:click=import disabled=move || data.busy() data-testid="import-units">{tr(DeskKey::ImportUnits)}</button>
            </div>
        </section>
    }
}

#[component]
fn AccountsPanel(data: AdminData, own_username: String) -> impl IntoView {
    // `Some(username)` while an existing account is being edited.
    let editing = RwSignal::new(None::<String>);
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let roles = RwSignal::new(vec![Role::Official]);

    let clear = move || {
        editing.set(None);
        username.set(String::new());
        display_name.set(String::new());
        unit.set(String::new());
        roles.set(vec![Role::Official]);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = Roles::new(roles.get_untracked()).and_then(|roles| Ok((roles, UnitCode::parse(&unit.get_untracked())?)));
        let (chosen, unit) = match chosen {
            Ok(chosen) => chosen,
            // Refused here by the same rule the server applies.
            Err(invalid) => {
                let refused =
                    ClientError::Refused { status: 422, code: Some(crate::api::ErrorCode::Invalid), message: invalid.to_string() };
                return data.outcome.set(Some(Outcome::Failed(refused)));
            }
        };
        let call = match editing.get_untracked() {
            Some(username) => AdminCall::UpdateAccount {
                username,
                update: AccountUpdate {
                    display_name: Some(display_name.get_untracked()),
                    roles: Some(chosen),
                    unit: Some(unit),
                    disabled: None,
                },
            },
            None => AdminCall::CreateAccount(NewAccount {
                username: username.get_untracked(),
                display_name: display_name.get_untracked(),
                roles: chosen,
                unit,
            }),
        };
        data.act_then(call, Some(Callback::new(move |()| clear())));
    };

    let row = move |account: AccountSummary| {
        let name = account.username.clone();
        let own = name == own_username;
        let for_edit = account.clone();
        let start_edit = move |_| {
            editing.set(Some(for_edit.username.clone()));
            username.set(for_edit.username.clone());
            display_name.set(for_edit.display_name.clone());
            unit.set(for_edit.unit.to_string());
            roles.set(for_edit.roles.iter().collect());
        };
        let disabled = account.disabled;
        let toggle_name = name.clone();
        let toggle = move |_| {
            let update = AccountUpdate { disabled: Some(!disabled), ..Default::default() };
            data.act(AdminCall::UpdateAccount { username: toggle_name.clone(), update });
        };
        let reset_name = name.clone();
        let reset = move |_| data.act(AdminCall::ResetPassword(reset_name.clone()));
        let roles_text = move || account.roles.iter().map(|role| tr(role)()).collect::<Vec<_>>().join(", ");
        view! {
            <tr data-account=name.clone() class:disabled=disabled>
                <td>{name.clone()}</td>
                <td>{account.display_name.clone()}</td>
                <td>{account.unit.to_string()}</td>
                <td>{roles_text}</td>
                <td>{match account.last_sign_in_ms {
                    Some(at) => vietnam_time(at).into_any(),
                    None => tr(DeskKey::NeverSignedIn).into_any(),
                }}</td>
                <td>{if disabled { tr(DeskKey::DisabledState) } else { tr(DeskKey::Active) }}</td>
                <td class="actions">
                    <button class="link" on:click=start_edit>{tr(DeskKey::Edit)}</button>
                    {(!own).then(|| view! {
                        <button class="link" on:click=toggle data-testid="toggle-account">{if disabled { tr(DeskKey::Enable) } else { tr(DeskKey::Disable) }}</button>
                    })}
                    <button class="link" on:click=reset data-testid="reset-password">{tr(DeskKey::ResetPassword)}</button>
                </td>
            </tr>
        }
    };

    view! {
        <section class="panel accounts">
            <h2>{tr(DeskKey::AccountsTitle)}</h2>
            <table class="list" data-testid="account-list">
                <thead><tr>
                    <th>{tr(Key::Username)}</th><th>{tr(DeskKey::DisplayName)}</th><th>{tr(DeskKey::UnitLabel)}</th>
                    <th>{tr(DeskKey::RolesLabel)}</th><th>{tr(DeskKey::LastSignIn)}</th><th></th><th></th>
                </tr></thead>
                <tbody>{move || data.accounts().into_iter().map(&row).collect_view()}</tbody>
            </table>
            <form class="account-form" on:submit=save>
                <h3>{move || if editing.get().is_some() { tr(DeskKey::EditAccount)() } else { tr(DeskKey::NewAccount)() }}</h3>
                <label>{tr(Key::Username)}
                    <input name="account-username" required prop:disabled=move || editing.get().is_some()
                        prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev))/></label>
                <label>{tr(DeskKey::DisplayName)}
                    <input name="account-display-name" required prop:value=move || display_name.get() on:input=move |ev| display_name.set(event_target_value(&ev))/></label>
                <label>{tr(DeskKey::UnitLabel)}
                    <select name="account-unit" required prop:value=move || unit.get() on:change=move |ev| unit.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || data.units().into_iter().map(|choice| {
                            let value = choice.code.to_string();
                            view! { <option value=value.clone()>{value.clone()} " · " {choice.name.to_string()}</option> }
                        }).collect_view()}
                    </select></label>
                <fieldset class="roles">
                    <legend>{tr(DeskKey::RolesLabel)}</legend>
                    {Role::ALL.iter().map(|&role| view! {
                        <label class="check">
                            <input type="checkbox" name=format!("role-{}", role.as_str())
                                prop:checked=move || roles.with(|chosen| chosen.contains(&role))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    roles.update(|chosen| {
                                        chosen.retain(|r| *r != role);
                                        if on { chosen.push(role); }
                                    });
                                }/>
                            {tr(role)}
                        </label>
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="primary" disabled=move || data.busy()>{tr(DeskKey::Save)}</button>
                {move || editing.get().is_some().then(|| view! { <button type="button" class="secondary" on:click=move |_| clear()>{tr(DeskKey::Cancel)}</button> })}
            </form>
        </section>
    }
}
