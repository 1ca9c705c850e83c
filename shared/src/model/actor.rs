//! Who acts: the person, the device they use and their role, plus the source
//! of fresh ids for what they create.

use std::cell::Cell;

// The role an actor acts in is a word of the vocabulary (the sync engine's
// scopes name it too); `model::actor::Role` still names it.
pub use crate::vocabulary::Role;

/// The person and device behind every recorded event.
#[derive(Debug)]
pub struct Actor {
    /// The person's volunteer id: events are attributed to people, so an undo
    /// by one person never cancels another's work.
    pub person: String,
    /// The device: two phones of one person are told apart in the log.
    pub device: String,
    pub role: Role,
    /// Seeded id generation for reproducible documents (tests, fixtures,
    /// benchmarks); `None` draws ids from the operating system's randomness.
    seed: Option<Cell<u64>>,
}

impl Actor {
    pub fn new(person: impl Into<String>, device: impl Into<String>, role: Role) -> Self {
        Actor {
            person: person.into(),
            device: device.into(),
            role,
            seed: None,
        }
    }

    /// Fails with `NotPermitted` unless the actor's role is one of `allowed`.
    pub fn require(&self, allowed: &[Role]) -> Result<(), crate::model::ModelError> {
        if allowed.contains(&self.role) {
            Ok(())
        } else {
            Err(crate::model::ModelError::NotPermitted(self.role))
        }
    }

    /// An actor whose new ids follow from `seed`: same seed, same ids.
    pub fn seeded(
        person: impl Into<String>,
        device: impl Into<String>,
        role: Role,
        seed: u64,
    ) -> Self {
        Actor {
            seed: Some(Cell::new(seed)),
            ..Actor::new(person, device, role)
        }
    }

    /// A fresh id: 64 random bits as 16 hex digits, unique within any
    /// community's lifetime with overwhelming probability.
    pub fn new_id(&self) -> String {
        let n = match &self.seed {
            Some(state) => {
                let next = splitmix64(state.get());
                state.set(next);
                next
            }
            None => {
                let mut bytes = [0u8; 8];
                // Without randomness we cannot make ids; no platform Linli runs
                // on lacks it, so this is a bug, not a user error.
                getrandom::fill(&mut bytes).expect("the platform provides randomness");
                u64::from_le_bytes(bytes)
            }
        };
        format!("{n:016x}")
    }
}

/// A fast, well-mixed step for seeded ids.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_repeat_and_random_ids_differ() {
        let a = Actor::seeded("p", "d", Role::Volunteer, 7);
        let b = Actor::seeded("p", "d", Role::Volunteer, 7);
        let ids: Vec<_> = (0..3).map(|_| a.new_id()).collect();
        assert_eq!(ids, (0..3).map(|_| b.new_id()).collect::<Vec<_>>());
        assert_ne!(ids[0], ids[1]);
        let r = Actor::new("p", "d", Role::Staff);
        assert_ne!(r.new_id(), r.new_id());
        assert_eq!(r.new_id().len(), 16);
    }
}
