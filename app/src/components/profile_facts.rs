//! A volunteer's profile as registered: name, phone, source, skills and
//! availability (the recruitment page, the approval list).

use leptos::prelude::*;
use linli_shared::model::volunteer::Profile;

use crate::{i18n::*, text::labels};

/// Name, phone, source, skills and availability as registered (`with_name`:
/// false where the name is the heading already).
#[component]
pub fn ProfileFacts(
    #[prop(into)] profile: Signal<Option<Profile>>,
    #[prop(default = true)] with_name: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        profile.get().map(|p| {
            let en = labels::english();
            let none = t_string!(i18n, recruit_not_given).to_string();
            let source = p
                .source
                .map(|s| labels::volunteer_source(s, en).to_owned())
                .unwrap_or_else(|| none.clone());
            let skills = p.skills();
            let skills = if skills.is_empty() {
                none.clone()
            } else {
                skills
                    .iter()
                    .map(|s| labels::skill(*s, en))
                    .collect::<Vec<_>>()
                    .join(if en { ", " } else { "、" })
            };
            let availability = if p.availability.is_empty() {
                none.clone()
            } else {
                p.availability.clone()
            };
            let tel = format!("tel:{}", p.phone);
            let name = p.name.clone();
            view! {
                <dl class="facts recruit-facts">
                    <Show when=move || with_name>
                        <dt>{t!(i18n, recruit_fact_name)}</dt>
                        <dd data-fact="name">{name.clone()}</dd>
                    </Show>
                    <dt>{t!(i18n, recruit_fact_phone)}</dt>
                    <dd data-fact="phone"><a class="recruit-tel" href=tel>{p.phone.clone()}</a></dd>
                    <dt>{t!(i18n, recruit_fact_source)}</dt>
                    <dd data-fact="source">{source}</dd>
                    <dt>{t!(i18n, recruit_fact_skills)}</dt>
                    <dd data-fact="skills">{skills}</dd>
                    <dt>{t!(i18n, recruit_fact_time)}</dt>
                    <dd data-fact="availability">{availability}</dd>
                </dl>
            }
        })
    }
}
