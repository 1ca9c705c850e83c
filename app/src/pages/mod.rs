//! One file per screen.

mod device;
mod home;
mod invite;
mod join;
mod lead_home;
mod new_round;
mod not_found;
mod round;
mod staff_home;
mod volunteer_home;
mod welcome;

pub use device::DevicePage;
pub use home::Home;
pub use invite::InvitePage;
pub use join::{JoinPage, invite_code};
pub use new_round::{NewRound, parse_stops};
pub use not_found::NotFound;
pub use round::RoundPage;
