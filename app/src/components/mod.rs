//! Pieces shared across screens.

mod connection_status;
mod language_switch;
mod storage_status;

pub use connection_status::ConnectionStatus;
pub use language_switch::LanguageSwitch;
pub use storage_status::StorageStatus;
