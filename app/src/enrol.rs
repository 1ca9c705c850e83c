//! Joining a community with an invite code, the same way from a join link
//! (`/join`) and a recruitment link (`/recruit`): the code is exchanged for
//! this device's token, the membership is kept in the store, the phone is
//! asked to introduce its person once it may, and the other tabs are told.
//! What happens next is the page's: a join starts the app over as the
//! member; a recruitment starts the person's own volunteer document.

use linli_shared::api::{DeviceView, Redeemed};

use crate::{
    api::{self, ApiError},
    repo::tabs,
    session::INTRODUCE,
    session::Session,
    store::{Store, StoreError},
};

/// The invite code in a scanned or pasted text: a join link or a bare code.
pub fn invite_code(text: &str) -> Option<String> {
    link_code(text, "/join")
}

/// The code in a recruitment link (or a bare code).
pub fn recruit_code(text: &str) -> Option<String> {
    link_code(text, "/recruit")
}

/// The code in a link to `page` (`…/join#CODE`, `…/recruit#CODE`), or a
/// bare code: 8 to 64 letters and digits.
fn link_code(text: &str, page: &str) -> Option<String> {
    let text = text.trim();
    let code = match text.split_once('#') {
        Some((before, after)) if before.ends_with(page) || before.is_empty() => after,
        Some(_) => return None,
        None => text,
    };
    let ok = (8..=64).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric());
    ok.then(|| code.to_owned())
}

/// Why joining did not happen.
#[derive(Clone, Debug)]
pub enum EnrolError {
    /// The relay refused the code (`invite_expired`, …), or did not answer.
    Api(ApiError),
    /// The membership could not be kept on this phone.
    Store(StoreError),
}

/// Redeems `code` for a device named `name` (the person's name), keeps the
/// membership, and returns it: pending when the code was a recruitment
/// link's.
pub async fn enrol(store: &Store, code: &str, name: &str) -> Result<Session, EnrolError> {
    let redeemed = api::redeem(code, name).await.map_err(EnrolError::Api)?;
    let session = session(redeemed, name);
    session.save(store).await.map_err(EnrolError::Store)?;
    // Staff put a recruited person on the roster when they approve; should
    // that not have happened, the phone introduces its person once it may.
    store
        .put_meta(INTRODUCE, "1")
        .await
        .map_err(EnrolError::Store)?;
    tabs::membership_changed();
    Ok(session)
}

/// The membership a redeemed invite gave this phone.
fn session(r: Redeemed, name: &str) -> Session {
    let DeviceView {
        device, community, ..
    } = r.view;
    Session {
        token: r.token,
        device: device.id,
        name: name.to_owned(),
        role: device.role,
        building: device.building,
        community: community.id,
        community_name: community.name,
        pending: device.pending,
    }
}
