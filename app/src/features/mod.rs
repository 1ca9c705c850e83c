//! What the app does by itself when documents change, whatever screen is
//! open. The repo only publishes its news ([`crate::repo::News`]); each
//! feature here follows it, subscribed once where the app starts
//! ([`start`]).
//!
//! - [`holdings`]: opening the volunteer documents this device holds, and
//!   starting a volunteer's own.
//! - [`introduce`]: putting a newly joined person on the roster.
//! - [`delivered_needs`]: a delivery's records closing, reopening or
//!   flagging the ledger's needs it carried.
//! - [`welfare_needs`]: a welfare check's "needs help" becoming an urgent need
//!   in the building's ledger.

pub mod delivered_needs;
pub mod holdings;
pub mod introduce;
pub mod welfare_needs;

use crate::repo::{News, Repo};

/// Runs each feature once on what the phone holds at start, then follows
/// the repo's news. `introduce`: the phone has just joined.
pub fn start(repo: &Repo, introduce: bool) {
    let introduction = introduce::Introduction::new(introduce);
    holdings::open(repo);
    introduction.try_now(repo);
    welfare_needs::sweep(repo);
    delivered_needs::sweep(repo);
    repo.subscribe(move |repo, news| match news {
        News::Changed(document) => {
            welfare_needs::convert(repo, document);
            delivered_needs::follow(repo, document);
        }
        News::Membership => {
            holdings::open(repo);
            introduction.try_now(repo);
        }
    });
}
