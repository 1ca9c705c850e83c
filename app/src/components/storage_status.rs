//! Shows whether the browser granted persistent storage, asking once at start.

use leptos::prelude::*;

use crate::{
    browser::persistent_storage::{self, Persistence},
    i18n::*,
};

#[component]
pub fn StorageStatus() -> impl IntoView {
    let i18n = use_i18n();
    let answer = LocalResource::new(persistent_storage::request);
    let state = move || match answer.get() {
        None => "checking",
        Some(Persistence::Persisted) => "persisted",
        Some(Persistence::NotPersisted) => "not-persisted",
        Some(Persistence::Unsupported) => "unsupported",
    };
    let text = move || match answer.get() {
        None => t_string!(i18n, storage_checking),
        Some(Persistence::Persisted) => t_string!(i18n, storage_persisted),
        Some(Persistence::NotPersisted) => t_string!(i18n, storage_not_persisted),
        Some(Persistence::Unsupported) => t_string!(i18n, storage_unsupported),
    };
    view! {
        <p class="storage-status" data-state=state>
            {text}
        </p>
    }
}
