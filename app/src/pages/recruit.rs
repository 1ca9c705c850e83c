//! Registering through a community's recruitment link (`/recruit#CODE`, the
//! code in the fragment as with `/join`): a new phone fills in name, phone,
//! where the person comes from, skills and when they can help. Submitting
//! exchanges the code for a *pending* device token and starts the person's
//! own volunteer document (them and staff only); the phone then waits for
//! staff to approve, asking the relay every 15 s while online, and opens the
//! volunteer home once approved. Until then it asks for nothing else: the
//! relay would refuse the community document anyway.

use leptos::prelude::*;
use linli_shared::{
    model::{
        Actor, Role,
        volunteer::{self, Registration},
    },
    vocabulary::Scope,
};

use crate::{
    actions,
    api::{self, ApiError},
    components::{ProfileDraft, ProfileFields, RecruitPending},
    context::Boot,
    context::use_repo,
    enrol::{EnrolError, enrol, recruit_code},
    i18n::*,
    repo::Repo,
    store::Store,
    text::labels,
};

/// What the phone learned about the code before the form is sent.
#[derive(Clone, PartialEq)]
enum Checked {
    Checking,
    /// Usable, for this community.
    Community(String),
    /// Expired, used up, withdrawn or unknown: the form is not shown.
    Refused(String),
    /// No answer (offline): the form is shown; sending needs the network.
    Unknown,
}

/// The sentence for a refusal of the code.
fn invite_message(i18n: leptos_i18n::I18nContext<Locale>, code: &str) -> String {
    match code {
        "network" => t_string!(i18n, recruit_error_network).to_string(),
        "invite_unknown" => t_string!(i18n, recruit_error_unknown).to_string(),
        "invite_expired" => t_string!(i18n, recruit_error_expired).to_string(),
        "invite_used_up" => t_string!(i18n, recruit_error_used_up).to_string(),
        "invite_revoked" => t_string!(i18n, recruit_error_revoked).to_string(),
        other => crate::text::fill(
            t_string!(i18n, recruit_error_other),
            &[("code", other.to_owned())],
        ),
    }
}

#[component]
pub fn RecruitPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Some(repo) = use_repo() {
        let session = repo.session();
        if session.pending {
            return view! { <RecruitPending repo /> }.into_any();
        }
        return view! {
            <section class="card">
                <h1>{t!(i18n, recruit_title)}</h1>
                <p data-joined="already">{t!(i18n, recruit_already, community = session.community_name.clone())}</p>
                <a class="button button-primary button-block" href="/">{t!(i18n, back_home)}</a>
            </section>
        }
        .into_any();
    }
    let store = match use_context::<Boot>() {
        Some(Boot::NotJoined(store)) => Some(store),
        _ => None,
    };
    let code = recruit_code(&window().location().hash().unwrap_or_default());
    let Some(code) = code else {
        return view! {
            <section class="card">
                <h1>{t!(i18n, recruit_title)}</h1>
                <p class="error" role="alert">{t!(i18n, recruit_bad_link)}</p>
                <a class="button button-block" href="/">{t!(i18n, back_home)}</a>
            </section>
        }
        .into_any();
    };
    let started = RwSignal::new(None::<Repo>);
    let form_code = code.clone();
    view! {
        {move || started.get().map(|repo| view! { <RecruitPending repo /> })}
        <Show when=move || started.with(Option::is_none)>
            <RecruitForm code=form_code.clone() store=store.clone() started />
        </Show>
    }
    .into_any()
}

#[component]
fn RecruitForm(
    code: String,
    store: Option<Store>,
    started: RwSignal<Option<Repo>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let checked = RwSignal::new(Checked::Checking);
    {
        let code = code.clone();
        wasm_bindgen_futures::spawn_local(async move {
            checked.set(match api::preview(&code).await {
                Ok(p) => Checked::Community(p.community.name),
                Err(ApiError::Refused { code, .. }) if code.starts_with("invite_") => {
                    Checked::Refused(code)
                }
                Err(_) => Checked::Unknown,
            });
        });
    }
    let draft = ProfileDraft::new(true);
    let error = RwSignal::new(None::<FormError>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let Some(reg) = draft.checked() else {
            return;
        };
        // The model's own check, before the code is spent on it.
        let probe = Actor::new("check", "check", Role::Volunteer);
        if let Err(e) = volunteer::create(&probe, 0, "check", &reg) {
            error.set(Some(FormError::Model(actions::said(&e))));
            return;
        }
        let Some(store) = store.clone() else {
            error.set(Some(FormError::Store));
            return;
        };
        let code = code.clone();
        busy.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            match register(code, store, reg).await {
                Ok(repo) => started.set(Some(repo)),
                Err(Failure::Api(e)) => {
                    busy.set(false);
                    if let ApiError::Refused { code, .. } = &e
                        && code.starts_with("invite_")
                    {
                        checked.set(Checked::Refused(code.clone()));
                    }
                    error.set(Some(FormError::Api(e.code().to_owned())));
                }
                Err(Failure::Store(e)) => {
                    leptos::logging::warn!("registration not kept: {e}");
                    busy.set(false);
                    error.set(Some(FormError::Store));
                }
                Err(Failure::Model(e)) => {
                    busy.set(false);
                    error.set(Some(FormError::Model(actions::said(&e))));
                }
            }
        });
    };

    let heading = move || match checked.get() {
        Checked::Community(c) => {
            crate::text::fill(t_string!(i18n, recruit_heading), &[("community", c)])
        }
        _ => t_string!(i18n, recruit_title).to_string(),
    };
    view! {
        <section class="card recruit">
            <h1 data-recruit-heading>{heading}</h1>
            {move || match checked.get() {
                Checked::Refused(code) => view! {
                    <p class="error" role="alert" data-invite-refused=code.clone()>{invite_message(i18n, &code)}</p>
                    <a class="button button-block" href="/">{t!(i18n, back_home)}</a>
                }
                    .into_any(),
                Checked::Checking => view! { <p class="muted">{t!(i18n, recruit_checking)}</p> }.into_any(),
                Checked::Unknown => view! { <p class="notice">{t!(i18n, recruit_offline)}</p> }.into_any(),
                Checked::Community(_) => view! { <p>{t!(i18n, recruit_explain)}</p> }.into_any(),
            }}
        </section>
        <Show when=move || !matches!(checked.get(), Checked::Refused(_) | Checked::Checking)>
            <form class="card stack recruit-form" on:submit=submit.clone() novalidate>
                <ProfileFields draft=draft prefix="recruit" />
                <button
                    class="button button-primary button-block"
                    type="submit"
                    data-action="register"
                    disabled=move || busy.get()
                >
                    {move || if busy.get() {
                        t_string!(i18n, recruit_busy).to_string()
                    } else {
                        t_string!(i18n, recruit_submit).to_string()
                    }}
                </button>
                {move || error.get().map(|e| {
                    let text = move || match &e {
                        FormError::Api(code) => invite_message(i18n, code),
                        FormError::Store => t_string!(i18n, storage_unavailable).to_string(),
                        FormError::Model(why) => labels::with_detail(t_string!(i18n, recruit_error_form), why, labels::english()),
                    };
                    view! { <p class="error" role="alert" data-error="form">{text}</p> }
                })}
                <p class="muted recruit-hint">{t!(i18n, recruit_privacy)}</p>
            </form>
        </Show>
    }
}

#[derive(Clone, PartialEq)]
enum FormError {
    /// The relay's refusal code, or `network`.
    Api(String),
    /// This phone's storage refused (private mode, disk full).
    Store,
    /// The model refused the registration, as a sentence for the screen.
    Model(String),
}

enum Failure {
    Api(ApiError),
    Store(crate::store::StoreError),
    Model(linli_shared::model::ModelError),
}

impl From<EnrolError> for Failure {
    fn from(e: EnrolError) -> Self {
        match e {
            EnrolError::Api(e) => Failure::Api(e),
            EnrolError::Store(e) => Failure::Store(e),
        }
    }
}

/// Spends the code on a pending device, keeps the session, starts the
/// phone's documents and the person's own volunteer document (them and
/// staff: the one scope a volunteer may grant).
async fn register(code: String, store: Store, reg: Registration) -> Result<Repo, Failure> {
    let session = enrol(&store, &code, &reg.name).await?;
    let doc = volunteer::create(
        &session.actor(),
        crate::documents::now(),
        &session.device,
        &reg,
    )
    .map_err(Failure::Model)?;
    let id = session.volunteer_document();
    let scope = Scope::Members {
        building: None,
        devices: vec![session.device.clone()],
    };
    debug_assert!(scope.grantable_by(&session.member()));
    let pending = session.pending;
    let repo = Repo::start(store.clone(), session)
        .await
        .map_err(Failure::Store)?;
    crate::features::start(&repo, true);
    repo.create(id, doc, Some(scope));
    if !pending {
        // A plain invite opened as a recruitment link: a member already.
        store.until_stored(&id).await;
        let _ = window().location().replace("/");
    }
    Ok(repo)
}
