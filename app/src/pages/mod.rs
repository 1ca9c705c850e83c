//! One file per screen.

mod announcements;
mod casebook;
mod device;
mod home;
mod household;
mod invite;
mod join;
mod lead_home;
mod ledger;
mod new_round;
mod not_found;
mod round;
mod round_sheet;
mod staff_home;
mod volunteer_home;
mod welcome;

pub use announcements::AnnouncementsPage;
pub use casebook::CasebookPage;
pub use device::DevicePage;
pub use home::Home;
pub use household::HouseholdPage;
pub use invite::InvitePage;
pub use join::{JoinPage, invite_code};
pub use ledger::LedgerPage;
pub use new_round::{NewRound, floor_of, parse_points, parse_stops};
pub use not_found::NotFound;
pub use round::{RoundPage, record as record_outcome, undo_record};
pub use round_sheet::RoundSheetPage;
