//! The protective-equipment checklist a volunteer ticks before checking in
//! (口罩、手套、防护服、护目镜、手部消毒): every item, or no check-in. The
//! model refuses a check-in without it too; the screen says what is left.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::i18n::*;

/// The items, in the order people put them on.
pub const ITEMS: [&str; 5] = ["mask", "gloves", "gown", "goggles", "sanitise"];

#[component]
pub fn PpeChecklist(
    /// What the check-in is for: a post and its time, or ad-hoc service.
    #[prop(into)]
    purpose: Signal<String>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ticked = RwSignal::new(BTreeSet::<&'static str>::new());
    let missing = Memo::new(move |_| ITEMS.len() - ticked.with(BTreeSet::len));
    let label = move |item: &'static str| {
        match item {
            "mask" => t_string!(i18n, me_ppe_mask),
            "gloves" => t_string!(i18n, me_ppe_gloves),
            "gown" => t_string!(i18n, me_ppe_gown),
            "goggles" => t_string!(i18n, me_ppe_goggles),
            _ => t_string!(i18n, me_ppe_sanitise),
        }
        .to_string()
    };
    view! {
        <section class="card ppe-checklist" aria-labelledby="ppe-title" data-ppe-open="true">
            <h2 id="ppe-title">{t!(i18n, me_ppe_title)}</h2>
            <p class="ppe-purpose" data-ppe-purpose>{move || purpose.get()}</p>
            <div class="choices ppe-items">
                {ITEMS
                    .iter()
                    .map(|item| {
                        let item = *item;
                        view! {
                            <label class="choice ppe-item" data-ticked=move || ticked.with(|t| t.contains(item)).to_string()>
                                <input
                                    type="checkbox"
                                    name="ppe"
                                    value=item
                                    prop:checked=move || ticked.with(|t| t.contains(item))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        ticked.update(|t| {
                                            if on {
                                                t.insert(item);
                                            } else {
                                                t.remove(item);
                                            }
                                        });
                                    }
                                />
                                <span>{move || label(item)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            {move || {
                let n = missing.get();
                (n > 0)
                    .then(|| {
                        view! {
                            <p class="hint" data-ppe-hint=n.to_string()>
                                {crate::text::fill(t_string!(i18n, me_ppe_hint), &[("n", n.to_string())])}
                            </p>
                        }
                    })
            }}
            <button
                class="button button-primary button-block me-big"
                type="button"
                data-action="confirm-check-in"
                disabled=move || { missing.get() > 0 }
                on:click=move |_| {
                    if missing.get_untracked() == 0 {
                        on_confirm.run(());
                    }
                }
            >
                {t!(i18n, me_ppe_confirm)}
            </button>
            <button
                class="button button-quiet button-block"
                type="button"
                data-action="cancel-check-in"
                on:click=move |_| on_cancel.run(())
            >
                {t!(i18n, me_cancel)}
            </button>
        </section>
    }
}
