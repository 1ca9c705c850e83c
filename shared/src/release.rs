//! The identity of a Linli build, shown in the app's footer and served by the
//! relay's `/healthz`, so staff can see at a glance whether a phone is stale.

/// The workspace version both the app and the relay were built from.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The product's name in each of its languages: Chinese first.
pub const NAME_ZH: &str = "邻里";
pub const NAME_EN: &str = "Linli";

/// A human-readable label such as `邻里 Linli 0.1.0`.
pub fn label() -> String {
    format!("{NAME_ZH} {NAME_EN} {VERSION}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_names_both_languages_and_version() {
        let l = label();
        assert!(l.starts_with("邻里 Linli "));
        assert!(l.ends_with(VERSION));
        assert!(VERSION.split('.').count() == 3);
    }
}
