//! Joining a community: the invite link (`/join#CODE`, the code in the
//! fragment so it never reaches a server log) is exchanged once for this
//! device's token; the phone keeps it and opens its role's home. Needs the
//! network this one time; everything after works offline.

use leptos::prelude::*;

use crate::{
    api::ApiError,
    context::Boot,
    context::use_repo,
    enrol::{EnrolError, enrol, invite_code},
    i18n::*,
};

#[component]
pub fn JoinPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Some(repo) = use_repo() {
        let name = repo.session().community_name;
        return view! {
            <section class="card">
                <h1>{t!(i18n, join_title)}</h1>
                <p data-joined="already">{t!(i18n, join_already, community = name)}</p>
                <a class="button" href="/">{t!(i18n, back_home)}</a>
            </section>
        }
        .into_any();
    }
    let store = match use_context::<Boot>() {
        Some(Boot::NotJoined(store)) => Some(store),
        _ => None,
    };
    let hash = window().location().hash().unwrap_or_default();
    let code = invite_code(&hash);
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let message = move |e: &ApiError| -> String {
        match e.code() {
            "network" => t_string!(i18n, join_error_network).to_string(),
            "invite_unknown" => t_string!(i18n, join_error_unknown).to_string(),
            "invite_expired" => t_string!(i18n, join_error_expired).to_string(),
            "invite_used_up" => t_string!(i18n, join_error_used_up).to_string(),
            "invite_revoked" => t_string!(i18n, join_error_revoked).to_string(),
            other => crate::text::fill(
                t_string!(i18n, join_error_other),
                &[("code", (other.to_owned()).to_string())],
            )
            .to_string(),
        }
    };
    let submit = {
        let code = code.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(code) = code.clone() else { return };
            let person = name.get_untracked().trim().to_owned();
            if person.is_empty() {
                error.set(Some(t_string!(i18n, join_error_name).to_string()));
                return;
            }
            let Some(store) = store.clone() else {
                error.set(Some(t_string!(i18n, storage_unavailable).to_string()));
                return;
            };
            busy.set(true);
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match enrol(&store, &code, &person).await {
                    Ok(_) => {
                        let _ = window().location().replace("/");
                    }
                    Err(EnrolError::Store(_)) => {
                        busy.set(false);
                        error.set(Some(t_string!(i18n, storage_unavailable).to_string()));
                    }
                    Err(EnrolError::Api(e)) => {
                        busy.set(false);
                        error.set(Some(message(&e)));
                    }
                }
            });
        }
    };
    view! {
        <section class="card">
            <h1>{t!(i18n, join_title)}</h1>
            {match code {
                None => view! {
                    <p class="error" role="alert">{t!(i18n, join_bad_link)}</p>
                    <a class="button" href="/">{t!(i18n, back_home)}</a>
                }
                    .into_any(),
                Some(_) => view! {
                    <p>{t!(i18n, join_explain)}</p>
                    <form class="stack" on:submit=submit>
                        <label for="person-name">{t!(i18n, join_name_label)}</label>
                        <input
                            id="person-name"
                            name="person-name"
                            autocomplete="name"
                            maxlength="40"
                            required
                            prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))
                        />
                        <button
                            class="button button-primary button-block"
                            type="submit"
                            data-action="join"
                            disabled=move || busy.get()
                        >
                            {move || if busy.get() {
                                t_string!(i18n, join_busy).to_string()
                            } else {
                                t_string!(i18n, join_button).to_string()
                            }}
                        </button>
                        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                    </form>
                }
                    .into_any(),
            }}
        </section>
    }
    .into_any()
}
