//! A link to the announcements with how many this phone has not opened yet,
//! for the home screens ("公告 · 2 条未读").

use leptos::prelude::*;

use crate::{
    components::announcement_read::read_announcements, context::use_repo, documents, i18n::*,
};

#[component]
pub fn UnreadAnnouncements() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return ().into_any();
    };
    let community = documents::community(&repo);
    let read = read_announcements(&repo);
    let unread = Memo::new(move |_| {
        if !read.loaded.get() {
            return 0;
        }
        community.with(|c| read.unread(c.as_ref()))
    });
    let text = move || match unread.get() {
        0 => t_string!(i18n, ann_badge_none).to_string(),
        n => crate::text::fill(t_string!(i18n, ann_badge_unread), &[("n", n.to_string())]),
    };
    view! {
        <a
            class="announcement-badge"
            href="/announcements"
            data-unread-count=move || unread.get()
            data-loaded=move || read.loaded.get().to_string()
        >
            <span class="announcement-badge-title">{t!(i18n, ann_badge)}</span>
            " · "
            <span class="announcement-badge-count">{text}</span>
        </a>
    }
    .into_any()
}
