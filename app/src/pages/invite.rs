//! Staff invite people from the phone: choose the role (and a lead's
//! building), get a join link and its QR code to show or send. Minting needs
//! the network; the link works once scanned or opened on the new phone.

use leptos::prelude::*;
use linli_shared::{api::MintRequest, model::Role};

use crate::{
    api::{self, ApiError},
    components::qr_code::QrCode,
    context::use_repo,
    documents,
    i18n::*,
};

#[component]
pub fn InvitePage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <p>{t!(i18n, not_joined_short)}</p> }.into_any();
    };
    let session = repo.session();
    if session.role != Role::Staff {
        return view! { <section class="card"><p class="error">{t!(i18n, invite_staff_only)}</p></section> }.into_any();
    }
    let community = documents::community(&repo);
    let role = RwSignal::new("volunteer".to_owned());
    let building = RwSignal::new(String::new());
    let uses = RwSignal::new("20".to_owned());
    let link = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let token = session.token.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = role.get_untracked();
        let b = building.get_untracked();
        if r == "lead" && b.is_empty() {
            error.set(Some(t_string!(i18n, invite_error_building).to_string()));
            return;
        }
        let Ok(n) = uses.get_untracked().trim().parse::<u32>() else {
            error.set(Some(t_string!(i18n, invite_error_uses).to_string()));
            return;
        };
        if !(1..=500).contains(&n) {
            error.set(Some(t_string!(i18n, invite_error_uses).to_string()));
            return;
        }
        let body = MintRequest {
            role: Role::parse(&r).unwrap_or(Role::Volunteer),
            building: (r == "lead").then_some(b),
            uses: Some(n),
            expires_in_hours: Some(72),
            approval: false,
        };
        let token = token.clone();
        busy.set(true);
        error.set(None);
        wasm_bindgen_futures::spawn_local(async move {
            let result = api::mint_invite(&token, &body).await;
            busy.set(false);
            match result {
                Ok(m) => link.set(Some(m.link)),
                Err(ApiError::Network) => {
                    error.set(Some(t_string!(i18n, invite_error_network).to_string()))
                }
                Err(e) => error.set(Some(crate::text::fill(
                    t_string!(i18n, join_error_other),
                    &[("code", e.code().to_owned())],
                ))),
            }
        });
    };
    let buildings = move || community.with(|c| documents::buildings(c.as_ref()));
    view! {
        <section class="card">
            <h1>{t!(i18n, invite_title)}</h1>
            <form class="stack" on:submit=submit>
                <label for="invite-role">{t!(i18n, invite_role)}</label>
                <select id="invite-role" name="invite-role" on:change=move |ev| { role.set(event_target_value(&ev)); link.set(None); }>
                    <option value="volunteer" selected>{t!(i18n, role_volunteer_name)}</option>
                    <option value="lead">{t!(i18n, role_lead_name)}</option>
                    <option value="staff">{t!(i18n, role_staff_name)}</option>
                </select>
                <Show when=move || role.get() == "lead">
                    <label for="invite-building">{t!(i18n, round_building)}</label>
                    <select id="invite-building" name="invite-building" on:change=move |ev| building.set(event_target_value(&ev))>
                        <option value="">{t!(i18n, round_building_choose)}</option>
                        {move || buildings().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </Show>
                <label for="invite-uses">{t!(i18n, invite_uses)}</label>
                <input id="invite-uses" name="invite-uses" type="number" inputmode="numeric" min="1" max="500"
                    prop:value=move || uses.get() on:input=move |ev| uses.set(event_target_value(&ev)) />
                <button class="button button-primary button-block" type="submit" data-action="mint" disabled=move || busy.get()>
                    {t!(i18n, invite_create)}
                </button>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </form>
        </section>
        {move || link.get().map(|l| {
            let text = Signal::derive({ let l = l.clone(); move || l.clone() });
            view! {
                <section class="card invite-result">
                    <h2>{t!(i18n, invite_show)}</h2>
                    <QrCode text label=t_string!(i18n, invite_qr_label).to_string() />
                    <p class="link" data-invite-link=l.clone()><a href=l.clone()>{l.clone()}</a></p>
                    <p class="muted">{t!(i18n, invite_expires)}</p>
                </section>
            }
        })}
    }
    .into_any()
}
