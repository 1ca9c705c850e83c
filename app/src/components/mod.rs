//! Pieces shared across screens.

pub mod announcement_badge;
pub mod announcement_read;
mod banners;
mod checkpoint_log;
mod connection_status;
mod household_fields;
mod language_switch;
mod ledger_import;
pub mod ppe_checklist;
mod profile_fields;
pub mod qr_code;
pub mod qr_scanner;
mod round_list;
mod round_summary;
pub mod schedule_form;
pub mod shift_card;
mod storage_status;
mod sync_status;
mod team_links;
pub mod time;

pub use banners::Banners;
pub use checkpoint_log::CheckpointLog;
pub use connection_status::ConnectionStatus;
pub use household_fields::{HouseholdFields, HouseholdForm};
pub use language_switch::LanguageSwitch;
pub use ledger_import::LedgerImport;
pub use ppe_checklist::PpeChecklist;
pub use profile_fields::{ProfileDraft, ProfileFields};
pub use round_list::RoundList;
pub use round_summary::RoundSummary;
pub use shift_card::ShiftCard;
pub use storage_status::StorageStatus;
pub use sync_status::{SyncStatus, last_sync_text};
pub use team_links::TeamLinks;
