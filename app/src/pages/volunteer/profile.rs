//! Who the volunteer is: badges, phone (dials), source, skills, availability.

use leptos::prelude::*;
use linli_shared::model::volunteer::Volunteer;

use crate::{i18n::*, text::labels};

/// Who the volunteer is: badges, phone (dials), source, skills, availability.
#[component]
pub(super) fn Profile(vol: Memo<Option<Volunteer>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let en = labels::english();
        vol.with(|v| {
            let v = v.as_ref()?;
            let p = &v.profile;
            let tel = format!(
                "tel:{}",
                p.phone
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect::<String>()
            );
            Some(view! {
                <div class="vol-badges" data-badges>
                    {p.backbone.then(|| view! { <span class="badge vol-badge-backbone">{t!(i18n, vol_badge_backbone)}</span> })}
                    {if p.platform_registered {
                        view! { <span class="badge badge-done">{t!(i18n, vol_badge_insured)}</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-missing">{t!(i18n, vol_badge_not_insured)}</span> }.into_any()
                    }}
                    {if p.agreement_signed_on.is_some() {
                        view! { <span class="badge badge-done">{t!(i18n, vol_badge_agreement)}</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-missing">{t!(i18n, vol_badge_no_agreement)}</span> }.into_any()
                    }}
                    {p.psych_qualified.then(|| view! { <span class="badge badge-done">{t!(i18n, vol_badge_psych)}</span> })}
                </div>
                <dl class="facts vol-facts">
                    <dt>{t!(i18n, vol_phone)}</dt>
                    <dd>
                        {if p.phone.is_empty() {
                            view! { <span class="muted">{t!(i18n, vol_phone_none)}</span> }.into_any()
                        } else {
                            view! { <a class="vol-tel" href=tel data-phone=p.phone.clone()>{p.phone.clone()}</a> }.into_any()
                        }}
                    </dd>
                    <dt>{t!(i18n, vol_source)}</dt>
                    <dd>
                        {match p.source {
                            Some(s) => view! { <span>{labels::volunteer_source(s, en)}</span> }.into_any(),
                            None => view! { <span class="muted">{t!(i18n, vol_not_given)}</span> }.into_any(),
                        }}
                    </dd>
                    <dt>{t!(i18n, vol_skills)}</dt>
                    <dd>
                        {if p.skills().is_empty() {
                            view! { <span class="muted">{t!(i18n, vol_not_given)}</span> }.into_any()
                        } else {
                            view! {
                                <span class="tags">
                                    {p.skills().into_iter().map(|s| view! { <span class="tag" data-skill=s.as_str()>{labels::skill(s, en)}</span> }).collect_view()}
                                </span>
                            }
                            .into_any()
                        }}
                    </dd>
                    <dt>{t!(i18n, vol_availability)}</dt>
                    <dd>
                        {if p.availability.is_empty() {
                            view! { <span class="muted">{t!(i18n, vol_not_given)}</span> }.into_any()
                        } else {
                            view! { <span>{p.availability.clone()}</span> }.into_any()
                        }}
                    </dd>
                </dl>
            })
        })
    }
}
