//! What happened to one need, oldest first: planned into a round, delivered
//! or refused at the door (naming the volunteer and the round), closed or
//! reopened by hand.

use leptos::prelude::*;
use linli_shared::model::{community::Community, need_status::NeedEvent};

use crate::{
    documents,
    i18n::*,
    text::{fill, labels, when},
};

#[component]
pub fn NeedHistory(
    events: Vec<NeedEvent>,
    #[prop(into)] community: Signal<Option<Community>>,
) -> impl IntoView {
    let i18n = use_i18n();
    if events.is_empty() {
        return ().into_any();
    }
    let count = events.len();
    view! {
        <details class="need-history">
            <summary>{t!(i18n, need_history)} " (" {count} ")"</summary>
            <ol class="plain">
                {move || community.with(|c| {
                    let en = labels::english();
                    let c = c.as_ref();
                    let offset = c.map_or(480, |c| c.utc_offset_minutes);
                    events.iter().map(|e| {
                        let line = fill(t_string!(i18n, need_history_line), &[
                            ("action", labels::need_action(e.action, en).to_owned()),
                            ("who", documents::person_name(c, &e.by)),
                            ("when", when::local_date_time(e.at, offset)),
                        ]);
                        let round = c
                            .and_then(|c| c.documents.get(&e.round))
                            .map(|l| fill(t_string!(i18n, need_history_round), &[("round", l.title.clone())]));
                        let note = (!e.note.is_empty()).then(|| labels::quoted(&e.note, en));
                        view! {
                            <li data-need-event=e.action.as_str()>
                                {line}
                                {round.map(|r| view! { <br/><span class="muted">{r}</span> })}
                                {note.map(|n| view! { <br/><span>{n}</span> })}
                            </li>
                        }
                    }).collect_view()
                })}
            </ol>
        </details>
    }
    .into_any()
}
