//! Words for people: how the model's values, times and refusals read in the
//! screen's language. The words themselves live in the locale files
//! (`locales/*.json`); these functions choose and fill them.
//!
//! - [`labels`]: the model's fixed values (categories, kinds, outcomes,
//!   states), hours, dates and durations, lists and quotes.
//! - [`refusals`]: what the model's refusals mean, with the rule named.
//! - [`courses`]: course and section names, a course state's code.
//! - [`said`]: a sentence kept in both languages.
//! - [`when`]: times, days and shifts in the community's time.

pub mod courses;
pub mod labels;
pub mod refusals;
pub mod said;
pub mod when;

pub use said::Said;

/// Fills `{name}` placeholders in a translated text (for texts that end up
/// in attributes and dialogs, where the i18n macros give plain strings).
pub fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}
