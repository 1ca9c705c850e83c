//! The credentials staff keep: platform registration (the insurance), the
//! agreement's date, psychological-support qualification, the backbone mark.

use leptos::prelude::*;
use linli_shared::{
    model::{
        civil::Day,
        volunteer::{self, Volunteer},
    },
    vocabulary::DocumentId,
};

use super::card::{Refusal, refusal_view, run};
use crate::{context::use_repo, documents, i18n::*};

/// Staff keep the volunteer's credentials: platform registration (the
/// insurance), the agreement's date, psychological-support qualification,
/// and the backbone mark.
#[component]
pub(super) fn Credentials(
    doc: DocumentId,
    vol: Memo<Option<Volunteer>>,
    staff: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let refusal: Refusal = RwSignal::new(None);
    let agreement = RwSignal::new(String::new());
    let agreement_problem = RwSignal::new(false);
    let saved = RwSignal::new(false);
    // The date input starts from what is stored, once.
    let filled = RwSignal::new(false);
    Effect::new(move |_| {
        if filled.get_untracked() {
            return;
        }
        if let Some(v) = vol.get() {
            agreement.set(v.profile.agreement_signed_on.clone().unwrap_or_default());
            filled.set(true);
        }
    });
    let set = {
        let repo = repo.clone();
        move |platform: Option<bool>, signed: Option<Option<Day>>, psych: Option<bool>| {
            let at = documents::now();
            saved.set(false);
            run(&repo, &doc, refusal, |d, a| {
                volunteer::set_credentials(d, a, at, platform, signed, psych)
            })
            .is_some()
        }
    };
    let backbone = {
        let repo = repo.clone();
        move |on: bool| {
            let at = documents::now();
            run(&repo, &doc, refusal, |d, a| {
                volunteer::mark_backbone(d, a, at, on)
            })
            .is_some()
        }
    };
    let toggle = move |ev: leptos::ev::Event, done: bool| {
        // A refused change leaves the box as the document has it.
        if !done {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            input.set_checked(!input.checked());
        }
    };
    let set_registered = {
        let set = set.clone();
        move |ev: leptos::ev::Event| {
            let done = set(Some(event_target_checked(&ev)), None, None);
            toggle(ev, done);
        }
    };
    let set_psych = {
        let set = set.clone();
        move |ev: leptos::ev::Event| {
            let done = set(None, None, Some(event_target_checked(&ev)));
            toggle(ev, done);
        }
    };
    let set_backbone = move |ev: leptos::ev::Event| {
        let done = backbone(event_target_checked(&ev));
        toggle(ev, done);
    };
    let save_agreement = {
        let set = set.clone();
        move |_| {
            let Some(day) = Day::parse(agreement.get_untracked().trim()) else {
                agreement_problem.set(true);
                return;
            };
            agreement_problem.set(false);
            if set(None, Some(Some(day)), None) {
                saved.set(true);
            }
        }
    };
    let clear_agreement = move |_| {
        agreement_problem.set(false);
        if set(None, Some(None), None) {
            agreement.set(String::new());
            saved.set(true);
        }
    };
    let flag = move |f: fn(&Volunteer) -> bool| move || vol.with(|v| v.as_ref().is_some_and(f));
    let signed_on = move || {
        vol.with(|v| {
            v.as_ref()
                .and_then(|v| v.profile.agreement_signed_on.clone())
        })
    };
    if !staff {
        return ().into_any();
    }
    view! {
        <section class="card vol-credentials">
            <h2>{t!(i18n, vol_credentials_title)}</h2>
            <label class="choice vol-toggle">
                <input
                    type="checkbox"
                    name="platform-registered"
                    prop:checked=flag(|v| v.profile.platform_registered)
                    on:change=set_registered
                />
                <span>{t!(i18n, vol_registered)}</span>
            </label>
            <p class="muted vol-hint">{t!(i18n, vol_registered_hint)}</p>
            <label for="agreement-date">{t!(i18n, vol_agreement_date)}</label>
            <p class="muted vol-hint" data-agreement=move || signed_on().unwrap_or_default()>
                {move || match signed_on() {
                    Some(d) => crate::text::fill(t_string!(i18n, vol_agreement_signed), &[("day", d)]),
                    None => t_string!(i18n, vol_agreement_none).to_string(),
                }}
            </p>
            <div class="row vol-agreement">
                <input
                    id="agreement-date"
                    name="agreement-date"
                    type="date"
                    aria-invalid=move || agreement_problem.get().to_string()
                    prop:value=move || agreement.get()
                    on:input=move |ev| {
                        agreement.set(event_target_value(&ev));
                        saved.set(false);
                    }
                />
                <button class="button button-primary" type="button" data-action="save-agreement" on:click=save_agreement>
                    {t!(i18n, vol_save)}
                </button>
                <button class="button button-quiet" type="button" data-action="clear-agreement" on:click=clear_agreement>
                    {t!(i18n, vol_clear)}
                </button>
            </div>
            <Show when=move || agreement_problem.get()>
                <p class="error field-error" role="alert">{t!(i18n, vol_agreement_pick)}</p>
            </Show>
            <label class="choice vol-toggle">
                <input
                    type="checkbox"
                    name="psych-qualified"
                    prop:checked=flag(|v| v.profile.psych_qualified)
                    on:change=set_psych
                />
                <span>{t!(i18n, vol_psych)}</span>
            </label>
            <label class="choice vol-toggle">
                <input
                    type="checkbox"
                    name="backbone"
                    prop:checked=flag(|v| v.profile.backbone)
                    on:change=set_backbone
                />
                <span>{t!(i18n, vol_backbone)}</span>
            </label>
            <p class="muted vol-hint">{t!(i18n, vol_backbone_hint)}</p>
            <Show when=move || saved.get()>
                <p class="vol-saved" role="status">{t!(i18n, vol_saved)}</p>
            </Show>
            {refusal_view(refusal)}
        </section>
    }
    .into_any()
}
