//! Recognitions of this volunteer (宣传先进典型); staff add one with a short story.

use leptos::prelude::*;
use linli_shared::model::{
    civil::{Day, clock},
    community::{self},
};

use super::card::{Refusal, offset_of, refusal_view, run};
use crate::{
    components::schedule_form::day_label, context::use_repo, documents, i18n::*, text::labels,
};

/// Recognitions of this volunteer (宣传先进典型); staff add one with a short story.
#[component]
pub(super) fn Recognitions(person: String, staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let story = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let refusal: Refusal = RwSignal::new(None);
    let done = RwSignal::new(false);
    let mine = {
        let person = person.clone();
        Memo::new(move |_| {
            community.with(|c| {
                c.as_ref()
                    .map(|c| {
                        c.honour_roll()
                            .into_iter()
                            .filter(|r| r.person == person)
                            .map(|r| (r.id.clone(), r.story.clone(), r.at))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        })
    };
    let recognise = {
        let repo = repo.clone();
        let person = person.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            done.set(false);
            let text = story.get_untracked();
            let length = text.trim().chars().count();
            if length == 0 {
                problem.set(Some("empty"));
                return;
            }
            if length > 1000 {
                problem.set(Some("long"));
                return;
            }
            problem.set(None);
            let at = documents::now();
            let community_doc = repo.session().community_document();
            if run(&repo, &community_doc, refusal, |d, a| {
                community::recognise(d, a, at, &person, &text)
            })
            .is_some()
            {
                story.set(String::new());
                done.set(true);
            }
        }
    };
    view! {
        <section class="card vol-recognitions">
            <h2>{t!(i18n, vol_recognition_title)}</h2>
            {move || {
                let en = labels::english();
                let offset = community.with(|c| offset_of(c.as_ref()));
                let list = mine.get();
                if list.is_empty() {
                    return view! { <p class="muted" data-recognitions="0">{t!(i18n, vol_recognition_none)}</p> }.into_any();
                }
                let n = list.len();
                view! {
                    <ul class="list" data-recognitions=n>
                        {list
                            .into_iter()
                            .map(|(id, text, at)| view! {
                                <li class="vol-story" data-recognition=id>
                                    <p>{text}</p>
                                    <p class="muted vol-meta">{format!("{} {}", day_label(Day::of(at, offset), en), clock(at, offset))}</p>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {staff.then(|| view! {
                <form class="stack" on:submit=recognise.clone() novalidate>
                    <label for="recognition-story">{t!(i18n, vol_recognition_story)}</label>
                    <textarea
                        id="recognition-story"
                        name="recognition-story"
                        rows="3"
                        placeholder=move || t_string!(i18n, vol_recognition_placeholder).to_string()
                        aria-invalid=move || problem.with(Option::is_some).to_string()
                        prop:value=move || story.get()
                        on:input=move |ev| {
                            story.set(event_target_value(&ev));
                            done.set(false);
                        }
                    ></textarea>
                    {move || problem.get().map(|p| {
                        let text = if p == "long" {
                            t_string!(i18n, vol_recognition_too_long).to_string()
                        } else {
                            t_string!(i18n, vol_recognition_empty).to_string()
                        };
                        view! { <p class="error field-error" role="alert">{text}</p> }
                    })}
                    <button class="button button-primary button-block" type="submit" data-action="recognise">
                        {t!(i18n, vol_recognise)}
                    </button>
                    <Show when=move || done.get()>
                        <p class="vol-saved" role="status">{t!(i18n, vol_recognised)}</p>
                    </Show>
                    {refusal_view(refusal)}
                </form>
            })}
        </section>
    }
}
