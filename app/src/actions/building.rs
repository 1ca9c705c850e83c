//! A new building: on the community's list, with its own ledger listed for
//! staff and the building's leads.

use linli_shared::{
    model::{ModelError, community, directory::Listing, doc::DocKind, ledger},
    vocabulary::Scope,
};

use crate::{documents, repo::Repo};

/// Adds a building to the community and starts its ledger, listed for staff
/// and the building's leads.
pub fn add(repo: &Repo, name: &str) -> Result<(), ModelError> {
    let community_doc = repo.session().community_document();
    let at = documents::now();
    let building = repo.change(&community_doc, |d, actor| {
        community::add_building(d, actor, at, name)
    })?;
    let actor = repo.session().actor();
    let ledger_doc = ledger::create(&actor, at, &building)?;
    let listing = Listing {
        kind: DocKind::Ledger,
        title: name.trim().to_owned(),
        building: Some(building.clone()),
        date: String::new(),
        scope: Scope::Building { building },
        by: String::new(),
        at,
    };
    super::listed::start(repo, ledger_doc, listing).map(|_| ())
}
