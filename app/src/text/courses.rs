//! Courses and their sections in the screen's language, and a course state's
//! stable code (for `data-state`, which tests and styles select on).

use linli_shared::model::{
    catalogue,
    community::{Community, Course},
    training_status::TrainingState,
};

/// A section's name in the screen's language (attachment 2's five and the
/// suggested one have an English name; the community's own stay as typed).
pub fn section_title(name: &str, en: bool) -> String {
    catalogue::section_named(name).map_or_else(|| name.to_owned(), |n| n.get(en).to_owned())
}

/// A course's title in the screen's language: attachment 2's courses have
/// an English title; the community's own stay as typed; an id the catalogue
/// lacks (not synced yet) is shown as it is.
pub fn course_title(c: Option<&Community>, id: &str, en: bool) -> String {
    if en && let Some(g) = catalogue::general_course(id) {
        return g.title.en.to_owned();
    }
    c.map_or_else(|| id.to_owned(), |c| c.course_title(id))
}

/// A catalogue entry's title in the screen's language.
pub fn shown_title(id: &str, course: &Course, en: bool) -> String {
    match catalogue::general_course(id) {
        Some(g) if en && !course.custom => g.title.en.to_owned(),
        _ => course.title.clone(),
    }
}

/// A course state's stable code (`not_started`, `awaiting`, `passed`,
/// `failed`; the volunteer record writes it with a hyphen, `not-started`).
pub fn state_code(s: TrainingState) -> &'static str {
    match s {
        TrainingState::NotStarted => "not_started",
        TrainingState::AwaitingConfirmation => "awaiting",
        TrainingState::Passed => "passed",
        TrainingState::Failed => "failed",
    }
}
