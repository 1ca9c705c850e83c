//! The fields of a household (unit, room, size, phone, special groups,
//! notes), shared by the ledger's "add" form and the household's edit form,
//! with the one check both run before the model sees them.

use leptos::prelude::*;
use linli_shared::model::{catalogue::SpecialGroup, field_work};

use crate::{i18n::*, text::labels};

/// The form's values, one signal per field.
#[derive(Clone, Copy)]
pub struct HouseholdForm {
    pub unit: RwSignal<String>,
    pub room: RwSignal<String>,
    pub size: RwSignal<String>,
    pub phone: RwSignal<String>,
    pub notes: RwSignal<String>,
    pub groups: RwSignal<Vec<SpecialGroup>>,
    i18n: leptos_i18n::I18nContext<Locale>,
}

impl HouseholdForm {
    pub fn new() -> Self {
        Self {
            unit: RwSignal::new(String::new()),
            room: RwSignal::new(String::new()),
            size: RwSignal::new("1".to_owned()),
            phone: RwSignal::new(String::new()),
            notes: RwSignal::new(String::new()),
            groups: RwSignal::new(Vec::new()),
            i18n: use_i18n(),
        }
    }

    pub fn size_number(&self) -> i64 {
        self.size.get_untracked().trim().parse().unwrap_or(0)
    }

    /// What is wrong with the form, in the screen's language (None: fine).
    pub fn problem(&self) -> Option<String> {
        let i18n = self.i18n;
        let text = if self.unit.get_untracked().trim().is_empty() {
            t_string!(i18n, household_error_unit)
        } else if self.room.get_untracked().trim().is_empty() {
            t_string!(i18n, household_error_room)
        } else if !(1..=30).contains(&self.size_number()) {
            t_string!(i18n, household_error_size)
        } else if !field_work::phone_ok(&self.phone.get_untracked()) {
            t_string!(i18n, household_error_phone)
        } else {
            return None;
        };
        Some(text.to_string())
    }
}

impl Default for HouseholdForm {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn HouseholdFields(form: HouseholdForm) -> impl IntoView {
    let i18n = use_i18n();
    let HouseholdForm {
        unit,
        room,
        size,
        phone,
        notes,
        groups,
        ..
    } = form;
    view! {
        <div class="row2">
            <label>{t!(i18n, household_unit)}
                <input name="unit" placeholder=move || t_string!(i18n, household_unit_placeholder).to_string() prop:value=move || unit.get() on:input=move |ev| unit.set(event_target_value(&ev)) />
            </label>
            <label>{t!(i18n, household_room)}
                <input name="room" placeholder="502" prop:value=move || room.get() on:input=move |ev| room.set(event_target_value(&ev)) />
            </label>
        </div>
        <div class="row2">
            <label>{t!(i18n, household_size)}
                <input name="size" type="number" inputmode="numeric" min="1" max="30" prop:value=move || size.get() on:input=move |ev| size.set(event_target_value(&ev)) />
            </label>
            <label>{t!(i18n, household_phone)}
                <input name="phone" type="tel" inputmode="tel" prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev)) />
            </label>
        </div>
        <GroupChoices groups=groups />
        <label>{t!(i18n, household_notes)}
            <input name="notes" prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev)) />
        </label>
    }
}

/// Checkboxes for the special groups, bound to a list.
#[component]
pub fn GroupChoices(groups: RwSignal<Vec<SpecialGroup>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="choices choices-wrap">
            <legend>{t!(i18n, household_groups)}</legend>
            {move || {
                let en = labels::english();
                SpecialGroup::ALL
                    .iter()
                    .map(|g| {
                        let g = *g;
                        view! {
                            <label class="choice">
                                <input
                                    type="checkbox"
                                    name="group"
                                    value=g.as_str()
                                    prop:checked=move || groups.with(|v| v.contains(&g))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        groups.update(|v| {
                                            v.retain(|x| *x != g);
                                            if on {
                                                v.push(g);
                                            }
                                        });
                                    }
                                />
                                <span>{labels::group(g, en)}</span>
                            </label>
                        }
                    })
                    .collect_view()
            }}
        </fieldset>
    }
}
