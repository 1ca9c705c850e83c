//! A sentence kept in both languages and shown in the screen's.

use linli_shared::model::ModelError;

use super::{labels, refusals};
use crate::i18n::{Locale, td_string};

/// A sentence kept in both languages and shown in the screen's, so a
/// message stays right when the language is switched after it appeared.
#[derive(Clone, Debug, PartialEq)]
pub struct Said {
    zh: String,
    en: String,
}

impl Said {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Said {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// What a refused operation means, with "not on this phone yet" for a
    /// document that has not arrived.
    pub fn refusal(e: &ModelError) -> Self {
        match e {
            ModelError::Missing(_) => Said::new(
                td_string!(Locale::zh_CN, refusal.not_here),
                td_string!(Locale::en, refusal.not_here),
            ),
            e => Said::new(refusals::explain(e, false), refusals::explain(e, true)),
        }
    }

    /// In the screen's language (tracked).
    pub fn text(&self) -> String {
        if labels::english() {
            self.en.clone()
        } else {
            self.zh.clone()
        }
    }
}
