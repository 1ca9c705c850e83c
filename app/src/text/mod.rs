//! Words for people: how the model's values, times and refusals read in the
//! screen's language. The words themselves live in the locale files
//! (`locales/*.json`); these functions choose and fill them.
//!
//! - [`courses`]: course and section names, a course state's code.
//! - [`said`]: a sentence kept in both languages.
//! - [`when`]: times, days and shifts in the community's time.

pub mod courses;
pub mod said;
pub mod when;

pub use said::Said;
