//! Pieces shared across screens.

mod banners;
mod connection_status;
mod language_switch;
pub mod qr_code;
pub mod qr_scanner;
mod round_list;
mod storage_status;
mod sync_status;
pub mod time;

pub use banners::Banners;
pub use connection_status::ConnectionStatus;
pub use language_switch::LanguageSwitch;
pub use round_list::RoundList;
pub use storage_status::StorageStatus;
pub use sync_status::{SyncStatus, last_sync_text};
