//! The words for the model's fixed values (special groups, needs, round
//! kinds, outcomes) in the screen's language: one table, so every screen
//! names them alike. The catalogue's vocabularies (service categories,
//! zones, groups, need kinds, sources, skills) carry both names in
//! [`linli_shared::model::catalogue`]; every other word is a key under
//! `words` in `locales/*.json`.

use linli_shared::model::{
    catalogue::{NeedKind, ServiceCategory, Skill, SpecialGroup, Urgency, VolunteerSource, Zone},
    civil::Day,
    need_status::{NeedAction, NeedStatus},
    round::{Outcome, RoundKind},
    training_status::TrainingState,
    volunteer::FeedbackKind,
};

use crate::i18n::{Locale, td_string, use_i18n};

/// The locale a screen in English (`en`) or Chinese reads.
pub fn locale(en: bool) -> Locale {
    if en { Locale::en } else { Locale::zh_CN }
}

/// The guideline's ten service categories (十类服务).
pub fn service_category(c: ServiceCategory, en: bool) -> &'static str {
    c.name().get(en)
}

/// A building's zone type (封控区 / 管控区 / 防范区).
pub fn zone(z: Zone, en: bool) -> &'static str {
    z.name().get(en)
}

pub fn group(g: SpecialGroup, en: bool) -> &'static str {
    g.name().get(en)
}

/// Where a volunteer comes from (the guideline's recruitment channels).
pub fn volunteer_source(s: VolunteerSource, en: bool) -> &'static str {
    s.name().get(en)
}

pub fn skill(s: Skill, en: bool) -> &'static str {
    s.name().get(en)
}

pub fn need_kind(k: NeedKind, en: bool) -> &'static str {
    k.name().get(en)
}

pub fn urgency(u: Urgency, en: bool) -> &'static str {
    u.name().get(en)
}

/// Where a volunteer stands with one course.
pub fn training_state(t: TrainingState, en: bool) -> &'static str {
    let l = locale(en);
    match t {
        TrainingState::NotStarted => td_string!(l, words.training_state.not_started),
        TrainingState::AwaitingConfirmation => {
            td_string!(l, words.training_state.awaiting_confirmation)
        }
        TrainingState::Passed => td_string!(l, words.training_state.passed),
        TrainingState::Failed => td_string!(l, words.training_state.failed),
    }
}

pub fn feedback_kind(k: FeedbackKind, en: bool) -> &'static str {
    let l = locale(en);
    match k {
        FeedbackKind::Feedback => td_string!(l, words.feedback_kind.feedback),
        FeedbackKind::Suggestion => td_string!(l, words.feedback_kind.suggestion),
    }
}

/// Minutes as hours for people: "7.5 小时" / "7.5 h".
pub fn hours(minutes: i64, en: bool) -> String {
    let h = linli_shared::model::service_report::hours(minutes);
    crate::text::fill(td_string!(locale(en), words.hours), &[("h", h)])
}

/// A date as people say it: `5月2日` / `May 2` (`month` from 1).
pub fn month_day(month: u32, day: u32, en: bool) -> String {
    let l = locale(en);
    let name = match month {
        1 => td_string!(l, when.months.jan),
        2 => td_string!(l, when.months.feb),
        3 => td_string!(l, when.months.mar),
        4 => td_string!(l, when.months.apr),
        5 => td_string!(l, when.months.may),
        6 => td_string!(l, when.months.jun),
        7 => td_string!(l, when.months.jul),
        8 => td_string!(l, when.months.aug),
        9 => td_string!(l, when.months.sep),
        10 => td_string!(l, when.months.oct),
        11 => td_string!(l, when.months.nov),
        _ => td_string!(l, when.months.dec),
    };
    crate::text::fill(
        td_string!(l, when.month_day),
        &[
            ("m", month.to_string()),
            ("d", day.to_string()),
            ("month", name.to_owned()),
        ],
    )
}

/// A community day as people say it: `5月2日` / `May 2`.
pub fn date(day: Day, en: bool) -> String {
    let iso = day.iso();
    let mut parts = iso.split('-').skip(1);
    let m = parts.next().and_then(|m| m.parse().ok()).unwrap_or(1);
    let d = parts.next().and_then(|d| d.parse().ok()).unwrap_or(1);
    month_day(m, d, en)
}

/// 今天 / 明天 / 昨天, or the date.
pub fn relative_day(day: Day, today: Day, en: bool) -> String {
    let l = locale(en);
    match day.0 - today.0 {
        0 => td_string!(l, when.today).to_owned(),
        1 => td_string!(l, when.tomorrow).to_owned(),
        -1 => td_string!(l, when.yesterday).to_owned(),
        _ => date(day, en),
    }
}

/// A day with its weekday: `2022-05-01 周日` / `Sun 2022-05-01`.
pub fn day_with_weekday(day: Day, en: bool) -> String {
    let l = locale(en);
    // 1970-01-01 was a Thursday.
    let weekday = match (day.0 + 3).rem_euclid(7) {
        0 => td_string!(l, when.weekdays.mon),
        1 => td_string!(l, when.weekdays.tue),
        2 => td_string!(l, when.weekdays.wed),
        3 => td_string!(l, when.weekdays.thu),
        4 => td_string!(l, when.weekdays.fri),
        5 => td_string!(l, when.weekdays.sat),
        _ => td_string!(l, when.weekdays.sun),
    };
    crate::text::fill(
        td_string!(l, when.day_with_weekday),
        &[("date", day.iso()), ("weekday", weekday.to_owned())],
    )
}

/// A time on the next day: `次日 06:00` / `06:00 next day`.
pub fn next_day(time: &str, en: bool) -> String {
    crate::text::fill(
        td_string!(locale(en), when.next_day),
        &[("time", time.to_owned())],
    )
}

/// A span that ends on the next day, written tight: `22:00–次日06:00` /
/// `22:00–06:00 next day`.
pub fn span_overnight(from: &str, to: &str, en: bool) -> String {
    crate::text::fill(
        td_string!(locale(en), when.span_overnight),
        &[("from", from.to_owned()), ("to", to.to_owned())],
    )
}

/// A duration for people: `45 分钟`, `2 小时 5 分` / `45 min`, `2 h 5 min`.
pub fn duration(minutes: i64, en: bool) -> String {
    let l = locale(en);
    let (h, m) = (minutes / 60, minutes % 60);
    if h == 0 {
        crate::text::fill(td_string!(l, when.minutes), &[("m", m.to_string())])
    } else {
        crate::text::fill(
            td_string!(l, when.hours_minutes),
            &[("h", h.to_string()), ("m", m.to_string())],
        )
    }
}

/// A name quoted in a sentence: `「晨间卡口」` / `“Morning checkpoint”`.
pub fn quoted(text: &str, en: bool) -> String {
    crate::text::fill(
        td_string!(locale(en), words.quoted),
        &[("text", text.to_owned())],
    )
}

/// A name with a detail after it: `晨间卡口（08:00–12:00）` /
/// `Morning checkpoint (08:00–12:00)`.
pub fn with_detail(text: &str, detail: &str, en: bool) -> String {
    crate::text::fill(
        td_string!(locale(en), words.with_detail),
        &[("text", text.to_owned()), ("detail", detail.to_owned())],
    )
}

/// What goes between the items of a list: `、` / `, `.
pub fn list_separator(en: bool) -> &'static str {
    td_string!(locale(en), words.list_separator)
}

/// Whether the screen is in English right now (tracked).
pub fn english() -> bool {
    use_i18n().get_locale() == Locale::en
}

pub fn need_status(s: NeedStatus, en: bool) -> &'static str {
    let l = locale(en);
    match s {
        NeedStatus::Open => td_string!(l, words.need_status.open),
        NeedStatus::Planned => td_string!(l, words.need_status.planned),
        NeedStatus::Done => td_string!(l, words.need_status.done),
    }
}

pub fn round_kind(k: RoundKind, en: bool) -> &'static str {
    use RoundKind::*;
    let l = locale(en);
    match k {
        Delivery => td_string!(l, words.round_kind.delivery),
        Disinfection => td_string!(l, words.round_kind.disinfection),
        TestingNotice => td_string!(l, words.round_kind.testing_notice),
        TestingRegistration => td_string!(l, words.round_kind.testing_registration),
        Patrol => td_string!(l, words.round_kind.patrol),
        WelfareCheck => td_string!(l, words.round_kind.welfare_check),
        CheckpointShift => td_string!(l, words.round_kind.checkpoint_shift),
    }
}

/// The button a volunteer taps to record this outcome.
pub fn outcome(o: Outcome, en: bool) -> &'static str {
    use Outcome::*;
    let l = locale(en);
    match o {
        Delivered => td_string!(l, words.outcome.delivered),
        NoAnswer => td_string!(l, words.outcome.no_answer),
        Refused => td_string!(l, words.outcome.refused),
        Problem => td_string!(l, words.outcome.problem),
        Disinfected => td_string!(l, words.outcome.disinfected),
        Notified => td_string!(l, words.outcome.notified),
        NotReached => td_string!(l, words.outcome.not_reached),
        Tested => td_string!(l, words.outcome.tested),
        Absent => td_string!(l, words.outcome.absent),
        Exempt => td_string!(l, words.outcome.exempt),
        Checked => td_string!(l, words.outcome.checked),
        Incident => td_string!(l, words.outcome.incident),
        Fine => td_string!(l, words.outcome.fine),
        NeedsHelp => td_string!(l, words.outcome.needs_help),
        Entry => td_string!(l, words.outcome.entry),
        Exit => td_string!(l, words.outcome.exit),
        Undo => td_string!(l, words.outcome.undo),
    }
}

/// How a testing notice or a welfare check reached the household.
pub const NOTICE_METHODS: &[&str] = &["door", "phone", "loudspeaker"];
pub const WELFARE_METHODS: &[&str] = &["visited", "called"];

pub fn method(m: &str, en: bool) -> &'static str {
    let l = locale(en);
    match m {
        "door" => td_string!(l, words.method.door),
        "phone" => td_string!(l, words.method.phone),
        "loudspeaker" => td_string!(l, words.method.loudspeaker),
        "visited" => td_string!(l, words.method.visited),
        "called" => td_string!(l, words.method.called),
        _ => "",
    }
}

/// Outcomes a volunteer can tap for this kind of round, in button order:
/// the one that completes a stop first.
pub fn outcomes(k: RoundKind) -> Vec<Outcome> {
    let mut v: Vec<Outcome> = Outcome::ALL
        .iter()
        .copied()
        .filter(|o| *o != Outcome::Undo && k.accepts(*o))
        .collect();
    v.sort_by_key(|o| !linli_shared::model::stop_status::completes(k, *o));
    v
}

/// Outcomes that ask for a note before they are recorded.
pub fn wants_note(o: Outcome) -> bool {
    matches!(
        o,
        Outcome::Problem | Outcome::Refused | Outcome::Incident | Outcome::NeedsHelp
    )
}

/// A signal-free helper for memos and closures that only need the flag once.
pub fn english_untracked() -> bool {
    use_i18n().get_locale_untracked() == Locale::en
}

/// A line of a need's history: what happened to it.
pub fn need_action(a: NeedAction, en: bool) -> &'static str {
    let l = locale(en);
    match a {
        NeedAction::Planned => td_string!(l, words.need_action.planned),
        NeedAction::Done => td_string!(l, words.need_action.done),
        NeedAction::Reopened => td_string!(l, words.need_action.reopened),
        NeedAction::Delivered => td_string!(l, words.need_action.delivered),
        NeedAction::Refused => td_string!(l, words.need_action.refused),
        NeedAction::Problem => td_string!(l, words.need_action.problem),
        NeedAction::Withdrawn => td_string!(l, words.need_action.withdrawn),
    }
}
