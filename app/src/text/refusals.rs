//! What the model's refusals mean to the person who tapped, in their
//! language: the rules of the guideline (不培训不上岗, 每天不超过8小时,
//! insurance and agreement) named with what is missing. The sentences are
//! the locale files' `refusal.*`.

use linli_shared::model::{ModelError, catalogue, service_report::hours};

use super::{
    fill,
    labels::{list_separator, locale},
};
use crate::i18n::td_string;

/// The sentence for a refused operation.
pub fn explain(e: &ModelError, en: bool) -> String {
    let l = locale(en);
    match e {
        ModelError::MissingTraining { missing } => {
            // The model names the courses by their (Chinese) titles; the
            // guideline's own have an English one.
            let titles: Vec<&str> = missing
                .iter()
                .map(|t| {
                    catalogue::GENERAL_CATALOGUE
                        .iter()
                        .find(|g| g.title.zh == t.as_str())
                        .map_or(t.as_str(), |g| g.title.get(en))
                })
                .collect();
            fill(
                td_string!(l, refusal.missing_training),
                &[("courses", titles.join(list_separator(en)))],
            )
        }
        ModelError::OverDailyCap {
            day,
            scheduled_minutes,
            requested_minutes,
        } => fill(
            td_string!(l, refusal.over_daily_cap),
            &[
                ("day", day.to_string()),
                ("scheduled", hours(*scheduled_minutes)),
                ("requested", hours(*requested_minutes)),
            ],
        ),
        ModelError::ShiftOverlap {
            post,
            day,
            from,
            to,
        } => fill(
            td_string!(l, refusal.shift_overlap),
            &[
                ("post", post.to_string()),
                ("day", day.to_string()),
                ("from", from.to_string()),
                ("to", to.to_string()),
            ],
        ),
        ModelError::NotInsured => td_string!(l, refusal.not_insured).to_owned(),
        ModelError::NoAgreement => td_string!(l, refusal.no_agreement).to_owned(),
        ModelError::NotQualified => td_string!(l, refusal.not_qualified).to_owned(),
        ModelError::NotPermitted(_) => td_string!(l, refusal.not_permitted).to_owned(),
        ModelError::NotFound { .. } => td_string!(l, refusal.not_found).to_owned(),
        // The detail is the model's English, not a sentence for people.
        ModelError::Invalid(_) => td_string!(l, refusal.invalid).to_owned(),
        _ => td_string!(l, refusal.other).to_owned(),
    }
}
