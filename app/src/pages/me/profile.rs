//! 资料: the profile the volunteer edits, and what staff recorded (insurance,
//! agreement).

use leptos::prelude::*;
use linli_shared::model::{
    community::{self},
    volunteer::{self},
};

use super::mine::Mine;
use crate::{
    components::{ProfileDraft, ProfileFields},
    context::use_repo,
    documents,
    i18n::*,
    text::labels,
    text::refusals,
};

#[component]
pub(super) fn ProfileTab(mine: Mine) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let doc = repo.session().volunteer_document();
    let draft = ProfileDraft::new(false);
    // The form starts from what is stored, once; a later change from staff's
    // phone does not overwrite what is being typed.
    let filled = RwSignal::new(false);
    Effect::new(move |_| {
        if filled.get_untracked() {
            return;
        }
        if let Some(p) = mine.me.with(|v| v.as_ref().map(|v| v.profile.clone())) {
            draft.fill(&p);
            filled.set(true);
        }
    });
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<bool>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(None);
        error.set(None);
        let Some(reg) = draft.checked() else {
            return;
        };
        let stored = mine
            .me
            .with_untracked(|v| v.as_ref().map(|v| v.profile.clone()));
        let unchanged = stored.as_ref().is_some_and(|p| {
            p.name == reg.name
                && p.phone == reg.phone
                && p.source == reg.source
                && p.skills() == reg.skills
                && p.availability == reg.availability
        });
        if unchanged {
            saved.set(Some(false));
            return;
        }
        let at = documents::now();
        let renamed = stored.is_some_and(|p| p.name != reg.name);
        let result = repo
            .change(&doc, |d, actor| volunteer::edit_profile(d, actor, at, &reg))
            .and_then(|()| {
                // The roster (what staff and leads assign from) shows the new
                // name too, once staff have put the person on it.
                if !renamed {
                    return Ok(());
                }
                let community = repo.session().community_document();
                match repo.change(&community, |d, actor| {
                    community::rename_self(d, actor, at, &reg.name)
                }) {
                    Err(linli_shared::model::ModelError::NotFound { .. }) => Ok(()),
                    other => other,
                }
            });
        match result {
            Ok(()) => saved.set(Some(true)),
            Err(e) => error.set(Some(refusals::explain(&e, labels::english_untracked()))),
        }
    };
    let credentials = move || {
        mine.me.with(|v| {
            v.as_ref().map(|v| {
                (
                    v.profile.platform_registered,
                    v.profile.agreement_signed_on.clone(),
                )
            })
        })
    };
    view! {
        <form class="card stack me-profile" on:submit=save novalidate>
            <h2>{t!(i18n, me_profile_title)}</h2>
            <ProfileFields draft=draft prefix="me" />
            <button class="button button-primary button-block" type="submit" data-action="save-profile">
                {t!(i18n, me_save)}
            </button>
            {move || saved.get().map(|changed| view! {
                <p class="me-saved" role="status" data-saved=changed.to_string()>
                    {if changed { t_string!(i18n, me_saved) } else { t_string!(i18n, me_unchanged) }}
                </p>
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-error="form">{e}</p> })}
        </form>
        <section class="card me-credentials">
            <h2>{t!(i18n, me_credentials_title)}</h2>
            <p class="muted">{t!(i18n, me_credentials_explain)}</p>
            {move || credentials().map(|(registered, agreement)| {
                let signed = agreement.is_some().to_string();
                view! {
                <dl class="facts">
                    <dt>{t!(i18n, me_insurance)}</dt>
                    <dd data-fact="insurance" data-on=registered.to_string()>
                        {if registered { t_string!(i18n, me_registered) } else { t_string!(i18n, me_not_registered) }}
                    </dd>
                    <dt>{t!(i18n, me_agreement)}</dt>
                    <dd data-fact="agreement" data-on=signed>
                        {match agreement {
                            Some(day) => crate::text::fill(t_string!(i18n, me_agreement_signed), &[("day", day)]),
                            None => t_string!(i18n, me_agreement_none).to_string(),
                        }}
                    </dd>
                </dl>
                }
            })}
        </section>
    }
}
