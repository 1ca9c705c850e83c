//! What volunteers say about themselves — name, phone, where they come from,
//! skills, when they can help — as the recruitment form asks it of a new
//! phone and the profile tab of "我的" lets them change it, with the one check
//! both run before the model sees it.

use std::collections::BTreeSet;

use leptos::prelude::*;
use linli_shared::model::{
    catalogue::{Skill, VolunteerSource},
    field_work,
    volunteer::{Profile, Registration},
};

use crate::{i18n::*, text::labels};

/// What is wrong with the phone field.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PhoneProblem {
    Missing,
    Invalid,
}

/// The form's values, one signal per field, and what the last check found
/// (kept as what went wrong and worded when shown, so a change of language
/// rewords it).
#[derive(Clone, Copy)]
pub struct ProfileDraft {
    pub name: RwSignal<String>,
    pub phone: RwSignal<String>,
    pub source: RwSignal<String>,
    pub skills: RwSignal<BTreeSet<Skill>>,
    pub availability: RwSignal<String>,
    name_missing: RwSignal<bool>,
    phone_problem: RwSignal<Option<PhoneProblem>>,
    /// A new volunteer must give a phone; staff may have registered someone
    /// without one, and editing the profile does not force it.
    phone_required: bool,
}

impl ProfileDraft {
    pub fn new(phone_required: bool) -> Self {
        Self {
            name: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            source: RwSignal::new(String::new()),
            skills: RwSignal::new(BTreeSet::new()),
            availability: RwSignal::new(String::new()),
            name_missing: RwSignal::new(false),
            phone_problem: RwSignal::new(None),
            phone_required,
        }
    }

    /// Starts the form from a stored profile.
    pub fn fill(&self, p: &Profile) {
        self.name.set(p.name.clone());
        self.phone.set(p.phone.clone());
        self.source
            .set(p.source.map(|s| s.as_str().to_owned()).unwrap_or_default());
        self.skills.set(p.skills().into_iter().collect());
        self.availability.set(p.availability.clone());
    }

    /// The registration as typed (trimmed), once name and phone are
    /// acceptable; otherwise the problems are shown beside the fields.
    pub fn checked(&self) -> Option<Registration> {
        let reg = Registration {
            name: self.name.get_untracked().trim().to_owned(),
            phone: self.phone.get_untracked().trim().to_owned(),
            source: VolunteerSource::parse(&self.source.get_untracked()),
            skills: self.skills.get_untracked().into_iter().collect(),
            availability: self.availability.get_untracked().trim().to_owned(),
        };
        self.name_missing.set(reg.name.is_empty());
        self.phone_problem.set(if reg.phone.is_empty() {
            self.phone_required.then_some(PhoneProblem::Missing)
        } else if !field_work::phone_ok(&reg.phone) {
            Some(PhoneProblem::Invalid)
        } else {
            None
        });
        let fine = !self.name_missing.get_untracked()
            && self.phone_problem.with_untracked(Option::is_none);
        fine.then_some(reg)
    }
}

/// The fields; `prefix` names their ids (`{prefix}-name`, …).
#[component]
pub fn ProfileFields(draft: ProfileDraft, prefix: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let ProfileDraft {
        name,
        phone,
        source,
        skills,
        availability,
        name_missing,
        phone_problem,
        phone_required,
    } = draft;
    let id = move |field: &str| format!("{prefix}-{field}");
    let required = move || view! { <span class="field-required">" *"</span> };
    let skill_choice = move |s: Skill| {
        view! {
            <label class="choice">
                <input
                    type="checkbox"
                    name="skill"
                    value=s.as_str()
                    prop:checked=move || skills.with(|set| set.contains(&s))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        skills.update(|set| {
                            if on {
                                set.insert(s);
                            } else {
                                set.remove(&s);
                            }
                        });
                    }
                />
                <span>{move || labels::skill(s, labels::english())}</span>
            </label>
        }
    };
    view! {
        <label class="field-label" for=id("name")>{t!(i18n, profile_name)}{required()}</label>
        <input
            id=id("name")
            name="name"
            autocomplete="name"
            maxlength="40"
            aria-invalid=move || name_missing.get().to_string()
            prop:value=move || name.get()
            on:input=move |ev| name.set(event_target_value(&ev))
        />
        <Show when=move || name_missing.get()>
            <p class="error field-error" role="alert" data-error="name">{t!(i18n, profile_error_name)}</p>
        </Show>
        <label class="field-label" for=id("phone")>{t!(i18n, profile_phone)}{phone_required.then(required)}</label>
        <input
            id=id("phone")
            name="phone"
            type="tel"
            inputmode="tel"
            autocomplete="tel"
            maxlength="20"
            placeholder=move || t_string!(i18n, profile_phone_placeholder).to_string()
            aria-invalid=move || phone_problem.with(Option::is_some).to_string()
            prop:value=move || phone.get()
            on:input=move |ev| phone.set(event_target_value(&ev))
        />
        {move || phone_problem.get().map(|problem| view! {
            <p class="error field-error" role="alert" data-error="phone">
                {move || match problem {
                    PhoneProblem::Missing => t_string!(i18n, profile_error_phone_missing).to_string(),
                    PhoneProblem::Invalid => t_string!(i18n, profile_error_phone).to_string(),
                }}
            </p>
        })}
        <p class="muted field-hint">{t!(i18n, profile_phone_hint)}</p>
        <label class="field-label" for=id("source")>{t!(i18n, profile_source)}</label>
        <select
            id=id("source")
            name="source"
            prop:value=move || source.get()
            on:change=move |ev| source.set(event_target_value(&ev))
        >
            <option value="">{t!(i18n, profile_source_choose)}</option>
            {VolunteerSource::ALL
                .iter()
                .map(|s| {
                    let s = *s;
                    view! {
                        <option value=s.as_str() selected=move || source.get() == s.as_str()>
                            {move || labels::volunteer_source(s, labels::english())}
                        </option>
                    }
                })
                .collect_view()}
        </select>
        <fieldset class="choices profile-skills">
            <legend>{t!(i18n, profile_skills)}</legend>
            {Skill::ALL.iter().map(|s| skill_choice(*s)).collect_view()}
        </fieldset>
        <label class="field-label" for=id("availability")>{t!(i18n, profile_availability)}</label>
        <input
            id=id("availability")
            name="availability"
            maxlength="80"
            placeholder=move || t_string!(i18n, profile_availability_placeholder).to_string()
            prop:value=move || availability.get()
            on:input=move |ev| availability.set(event_target_value(&ev))
        />
    }
}
