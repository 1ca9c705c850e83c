//! Choosing the day a screen shows: the day before, a date, the day after,
//! and back to today — each a full-size tap target.

use leptos::prelude::*;
use linli_shared::model::civil::Day;

use crate::i18n::*;

#[component]
pub fn DayPicker(day: RwSignal<Day>, today: Signal<Day>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="day-picker" role="group" aria-label=move || t_string!(i18n, dash_day).to_string()>
            <button class="button button-quiet" type="button" data-action="previous-day"
                aria-label=move || t_string!(i18n, dash_previous_day).to_string()
                on:click=move |_| day.update(|d| d.0 -= 1)>"‹"</button>
            <input
                type="date"
                name="day"
                aria-label=move || t_string!(i18n, dash_day).to_string()
                prop:value=move || day.get().iso()
                on:change=move |ev| {
                    if let Some(d) = Day::parse(&event_target_value(&ev)) {
                        day.set(d);
                    }
                }
            />
            <button class="button button-quiet" type="button" data-action="next-day"
                aria-label=move || t_string!(i18n, dash_next_day).to_string()
                on:click=move |_| day.update(|d| d.0 += 1)>"›"</button>
            <button class="button button-quiet" type="button" data-action="today"
                hidden=move || day.get() == today.get()
                on:click=move |_| day.set(today.get_untracked())>{t!(i18n, dash_back_to_today)}</button>
        </div>
    }
}

/// The day asked for in the address (`?day=YYYY-MM-DD`), if any.
pub fn asked() -> Option<Day> {
    leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("day")
        .and_then(|d| Day::parse(&d))
}
