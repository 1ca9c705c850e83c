//! 报表 (staff; a lead for their building): the reports a community office
//! hands on — the daily summary, the needs ledger, service hours for the
//! city volunteer platform, and the recognition list.

use leptos::prelude::*;
use linli_shared::model::Role;

use crate::i18n::*;

#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let repo = match crate::components::staff_or_lead::admitted(move || {
        t_string!(i18n, reports_title).to_string()
    }) {
        Ok(repo) => repo,
        Err(refused) => return refused,
    };
    let staff = repo.session().role == Role::Staff;
    let item = move |href: &'static str, action: &'static str, title: String, explain: String| {
        view! {
            <li>
                <a class="list-item" href=href data-action=action>
                    <span class="title">{title}</span>
                    <span class="meta">{explain}</span>
                </a>
            </li>
        }
    };
    view! {
        <section class="card">
            <h1>{t!(i18n, reports_title)}</h1>
            <ul class="list reports">
                {item("/reports/daily", "report-daily", t_string!(i18n, daysum_title).to_string(), t_string!(i18n, reports_daily_explain).to_string())}
                {item("/reports/needs", "report-needs", t_string!(i18n, needs_report_title).to_string(), t_string!(i18n, reports_needs_explain).to_string())}
                {staff.then(|| item("/hours", "report-hours", t_string!(i18n, team_hours).to_string(), t_string!(i18n, reports_hours_explain).to_string()))}
                {item("/honours", "report-honours", t_string!(i18n, team_honours).to_string(), t_string!(i18n, reports_honours_explain).to_string())}
            </ul>
        </section>
    }
    .into_any()
}
