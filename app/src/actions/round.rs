//! Rounds: starting one (listed for its building's lead and its volunteers)
//! and recording at its stops.

use linli_shared::{
    model::{
        ModelError,
        civil::Day,
        directory::Listing,
        doc::DocKind,
        ledger,
        need_status::NeedAction,
        round::{self, Details, Outcome, RoundKind, StopPlan},
    },
    vocabulary::{DocumentId, Scope},
};

use crate::{documents, repo::Repo};

/// A round as the new-round form asks for it.
pub struct NewRound<'a> {
    pub kind: RoundKind,
    pub building: &'a str,
    pub title: &'a str,
    pub date: Day,
    pub stops: &'a [StopPlan],
    pub volunteers: &'a [String],
    /// A delivery's ledger and the needs of it the round carries: marked
    /// planned for this round.
    pub delivers: Option<(DocumentId, &'a [String])>,
}

/// Starts a round with its stops and volunteers, listed for the building and
/// the volunteers on it, and marks the needs it delivers planned; returns
/// its id.
pub fn start(repo: &Repo, r: &NewRound) -> Result<DocumentId, ModelError> {
    let at = documents::now();
    let actor = repo.session().actor();
    let assignees: Vec<&str> = r.volunteers.iter().map(String::as_str).collect();
    let doc = round::create(
        &actor, at, r.kind, r.date, r.building, r.title, &assignees, r.stops,
    )?;
    let listing = Listing {
        kind: DocKind::Round,
        title: r.title.trim().to_owned(),
        building: Some(r.building.to_owned()),
        date: r.date.iso(),
        scope: Scope::Members {
            building: Some(r.building.to_owned()),
            devices: r.volunteers.to_vec(),
        },
        by: String::new(),
        at,
    };
    let id = super::listed::start(repo, doc, listing)?;
    if let Some((ledger_id, needs)) = &r.delivers {
        let round = id.to_string();
        // The round stands even if the ledger is not here to mark: the needs
        // stay open and can be planned again.
        let _ = repo.change(ledger_id, |d, actor| {
            for need in needs.iter() {
                ledger::set_need_status(d, actor, at, need, NeedAction::Planned, &round, "")?;
            }
            Ok(())
        });
    }
    Ok(id)
}

/// Records an outcome at a stop; the refusal (if any) as a sentence.
pub fn record(
    repo: &Repo,
    id: &DocumentId,
    stop: &str,
    outcome: Outcome,
    details: &Details,
) -> Option<String> {
    let at = documents::now();
    super::apply(repo, id, |d, actor| {
        round::record(d, actor, at, stop, outcome, details)
    })
    .err()
}

/// Cancels one of this person's records; the refusal (if any) as a sentence.
pub fn undo(repo: &Repo, id: &DocumentId, event: &str) -> Option<String> {
    let at = documents::now();
    super::apply(repo, id, |d, actor| round::undo(d, actor, at, event)).err()
}
