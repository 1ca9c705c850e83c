//! The rounds a device may see, newest first, each with its progress as
//! derived from the round's events (done / stops, duplicates flagged).

use leptos::prelude::*;
use linli_shared::model::{doc::DocKind, round};

use crate::{context::use_repo, documents, i18n::*};

#[component]
pub fn RoundList(
    /// Only this building's rounds.
    #[prop(optional)]
    building: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let rounds = documents::listings(community, &repo, DocKind::Round);
    let repo = StoredValue::new(repo);
    let shown = Memo::new(move |_| {
        rounds
            .get()
            .into_iter()
            .filter(|(_, l)| building.is_none() || l.building == building)
            .collect::<Vec<_>>()
    });
    view! {
        <Show
            when=move || !shown.with(Vec::is_empty)
            fallback=move || view! { <p class="muted">{t!(i18n, rounds_none)}</p> }
        >
            <ul class="list rounds">
                <For
                    each=move || shown.get()
                    key=|(id, l)| (*id, l.at)
                    children=move |(id, listing)| {
                        // The summary straight from the kept reading: no copy of
                        // the round per list item and change (a staff phone
                        // lists every round of the community).
                        let summary = Memo::new(move |_| {
                            repo.with_value(|r| {
                                r.signals.revision.track();
                                r.parsed(&id, |d| round::read(d).ok()).map(|round| round.summary())
                            })
                        });
                        let progress = move || {
                            summary.with(|s| match s {
                                Some(s) => crate::text::fill(
                                    t_string!(i18n, round_progress),
                                    &[("done", s.done.to_string()), ("total", s.stops.to_string())],
                                ),
                                None => t_string!(i18n, round_not_here).to_string(),
                            })
                        };
                        let duplicates = move || summary.with(|s| s.as_ref().map_or(0, |s| s.duplicates));
                        let building = community
                            .with_untracked(|c| {
                                documents::building_name(c.as_ref(), listing.building.as_deref().unwrap_or(""))
                            });
                        view! {
                            <li>
                                <a class="list-item" href=format!("/round/{id}") data-round=id.to_string()>
                                    <span class="title">{listing.title.clone()}</span>
                                    <span class="meta">{listing.date.clone()} " · " {building}</span>
                                    <span class="progress-text">{progress}</span>
                                    <Show when=move || { duplicates() > 0 }>
                                        <span class="flag">{move || crate::text::fill(t_string!(i18n, round_duplicates), &[("n", (duplicates()).to_string())]).to_string()}</span>
                                    </Show>
                                </a>
                            </li>
                        }
                    }
                />
            </ul>
        </Show>
    }
}
