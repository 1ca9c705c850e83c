//! What every tab of 我的 reads: the volunteer's document, the community's,
//! and the clock.

use leptos::prelude::*;
use linli_shared::model::{
    civil::{Day, Millis},
    community::Community,
    volunteer::Volunteer,
};

/// What every part of the page reads: the volunteer's document, the
/// community's, and the clock.
#[derive(Clone, Copy)]
pub(super) struct Mine {
    pub(super) me: Memo<Option<Volunteer>>,
    pub(super) community: Memo<Option<Community>>,
    /// The community's time zone (Beijing until its document is here).
    pub(super) offset: Memo<i64>,
    /// Now, refreshed every 15 s, so "已服务 2 小时 10 分" moves on its own.
    pub(super) now: RwSignal<Millis>,
    pub(super) today: Memo<Day>,
}

/// How far back the hours list goes.
pub(super) const RECENT_DAYS: i64 = 14;
