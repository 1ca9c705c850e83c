//! The root component and the frame (header, banners, content, footer) of
//! every screen.

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::pages::{
    DailySummaryPage, DashboardPage, EditPostPage, NeedsReportPage, NewPostPage, PostsPage,
    ReportsPage, TrainingPage,
};
use crate::{
    browser,
    components::{Banners, ConnectionStatus, LanguageSwitch, StorageStatus, SyncStatus},
    context::{Boot, use_repo},
    i18n::*,
    pages::{
        AnnouncementsPage, CasebookPage, DevicePage, Home, HouseholdPage, InvitePage, JoinPage,
        LedgerPage, NewRound, NotFound, RecruitPage, RecruitmentPage, RoundPage, RoundSheetPage,
    },
};

use crate::pages::{DispatchPage, FeedbackInboxPage, HonoursPage, ServiceHoursPage};
use crate::pages::{VolunteerPage, VolunteersPage};

use crate::pages::MePage;

#[component]
pub fn App(boot: Boot) -> impl IntoView {
    // Online state is shared through context: the indicator shows it, and the
    // sync client follows the browser's own events.
    provide_context(browser::online::watch());
    if let Boot::Joined(repo) = &boot {
        // One reading of the community for every screen.
        crate::documents::community(repo);
    }
    provide_context(boot);
    view! {
        <I18nContextProvider>
            <Router>
                <Frame />
            </Router>
        </I18nContextProvider>
    }
}

#[component]
fn Frame() -> impl IntoView {
    let i18n = use_i18n();
    let joined = use_repo().is_some();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <img src="/icons/icon.svg" alt="" width="32" height="32" />
                <span class="brand-name">{t!(i18n, app_name)}</span>
            </a>
            {if joined {
                view! { <SyncStatus /> }.into_any()
            } else {
                view! { <ConnectionStatus /> }.into_any()
            }}
            <LanguageSwitch />
        </header>
        <Banners />
        <main class="content">
            <Routes fallback=NotFound>
                <Route path=path!("/") view=Home />
                <Route path=path!("/join") view=JoinPage />
                <Route path=path!("/device") view=DevicePage />
                <Route path=path!("/invite") view=InvitePage />
                <Route path=path!("/rounds/new") view=NewRound />
                <Route path=path!("/round/:id") view=RoundPage />
                <Route path=path!("/round/:id/print") view=RoundSheetPage />
                <Route path=path!("/ledger/:building") view=LedgerPage />
                <Route path=path!("/ledger/:building/:household") view=HouseholdPage />
                <Route path=path!("/announcements") view=AnnouncementsPage />
                <Route path=path!("/casebook") view=CasebookPage />
                <Route path=path!("/recruit") view=RecruitPage />
                <Route path=path!("/recruitment") view=RecruitmentPage />
                <Route path=path!("/posts") view=PostsPage />
                <Route path=path!("/posts/new") view=NewPostPage />
                <Route path=path!("/posts/:id") view=EditPostPage />
                <Route path=path!("/training") view=TrainingPage />
                <Route path=path!("/dispatch") view=DispatchPage />
                <Route path=path!("/hours") view=ServiceHoursPage />
                <Route path=path!("/honours") view=HonoursPage />
                <Route path=path!("/feedback") view=FeedbackInboxPage />
                <Route path=path!("/volunteers") view=VolunteersPage />
                <Route path=path!("/volunteers/:person") view=VolunteerPage />
                <Route path=path!("/me") view=MePage />
                <Route path=path!("/dashboard") view=DashboardPage />
                <Route path=path!("/reports") view=ReportsPage />
                <Route path=path!("/reports/daily") view=DailySummaryPage />
                <Route path=path!("/reports/needs") view=NeedsReportPage />
            </Routes>
        </main>
        <footer class="footer">
            <StorageStatus quiet=true />
            <p class="version">
                {t!(i18n, version, v = linli_shared::release::VERSION)}
            </p>
        </footer>
    }
}
