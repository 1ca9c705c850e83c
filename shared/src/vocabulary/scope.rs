//! Who may sync a document: its scope, and the rules the relay enforces on
//! every `request` and `sync` (design.md, "Documents"). The phone uses the same
//! rules to ask only for what its role may see, and the community's directory
//! ([`crate::model::directory`]) to list only what a member may open.

use serde::{Deserialize, Serialize};

use super::Role;

/// A device as access control sees it.
#[derive(Clone, Copy, Debug)]
pub struct Member<'a> {
    pub device: &'a str,
    pub role: Role,
    /// The building a lead looks after (or a volunteer was invited to).
    pub building: Option<&'a str>,
    /// Registered through a recruitment link and not yet approved by staff:
    /// only documents that list this device (its own volunteer document).
    pub pending: bool,
}

/// Which devices of a community may sync a document. Staff may sync every
/// document of their community.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Scope {
    /// Everyone in the community: the community document.
    Community,
    /// Staff only.
    Staff,
    /// Staff and the building's leads: a building's household ledger.
    Building { building: String },
    /// Staff, the building's leads (when a building is named) and the listed
    /// devices: a round and its assigned volunteers, a volunteer's own document.
    Members {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        building: Option<String>,
        #[serde(default)]
        devices: Vec<String>,
    },
}

impl Scope {
    /// What a document gets when it first reaches the relay undeclared:
    /// its creator and staff.
    pub fn creator(device: &str) -> Self {
        Scope::Members {
            building: None,
            devices: vec![device.to_owned()],
        }
    }

    /// May this member sync a document of this scope (in its own community)?
    pub fn admits(&self, m: &Member<'_>) -> bool {
        if m.pending {
            // Before approval: what lists the device by name, nothing the
            // whole community (or a building, or staff) shares.
            return matches!(self, Scope::Members { devices, .. } if devices.iter().any(|d| d == m.device));
        }
        if m.role == Role::Staff {
            return true;
        }
        let leads = |building: &str| m.role == Role::Lead && m.building == Some(building);
        match self {
            Scope::Community => true,
            Scope::Staff => false,
            Scope::Building { building } => leads(building),
            Scope::Members { building, devices } => {
                devices.iter().any(|d| d == m.device) || building.as_deref().is_some_and(leads)
            }
        }
    }

    /// May this member give a document this scope? Staff any; a lead only
    /// within their building; a volunteer (and anyone awaiting approval)
    /// only "me and staff".
    pub fn grantable_by(&self, m: &Member<'_>) -> bool {
        if m.pending {
            return *self == Scope::creator(m.device);
        }
        match m.role {
            Role::Staff => true,
            Role::Lead => match self {
                Scope::Building { building } => m.building == Some(building.as_str()),
                Scope::Members { building, .. } => {
                    building.is_none() || building.as_deref() == m.building
                }
                Scope::Community | Scope::Staff => false,
            },
            // A volunteer's own document may also admit the leads of the
            // building they serve (who schedule them).
            Role::Volunteer => {
                *self == Scope::creator(m.device)
                    || *self
                        == (Scope::Members {
                            building: m.building.map(str::to_owned),
                            devices: vec![m.device.to_owned()],
                        })
            }
        }
    }

    /// Short text for logs (no member lists).
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::Community => "community",
            Scope::Staff => "staff",
            Scope::Building { .. } => "building",
            Scope::Members { .. } => "members",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(device: &'static str, role: Role, building: Option<&'static str>) -> Member<'static> {
        Member {
            device,
            role,
            building,
            pending: false,
        }
    }

    #[test]
    fn the_access_matrix() {
        let staff = member("s", Role::Staff, None);
        let lead_a = member("la", Role::Lead, Some("A"));
        let lead_b = member("lb", Role::Lead, Some("B"));
        let vol = member("v", Role::Volunteer, Some("A"));
        let other_vol = member("w", Role::Volunteer, Some("A"));
        let ledger_a = Scope::Building {
            building: "A".into(),
        };
        let round_a = Scope::Members {
            building: Some("A".into()),
            devices: vec!["v".into()],
        };
        let own = Scope::creator("v");
        let cases = [
            (&Scope::Community, [true, true, true, true, true]),
            (&Scope::Staff, [true, false, false, false, false]),
            (&ledger_a, [true, true, false, false, false]),
            (&round_a, [true, true, false, true, false]),
            (&own, [true, false, false, true, false]),
        ];
        for (scope, expected) in cases {
            let got = [&staff, &lead_a, &lead_b, &vol, &other_vol].map(|m| scope.admits(m));
            assert_eq!(got, expected, "{scope:?}");
        }
    }

    #[test]
    fn a_pending_member_syncs_only_what_lists_it() {
        let pending = Member {
            pending: true,
            ..member("p", Role::Volunteer, Some("A"))
        };
        let own = Scope::creator("p");
        let round = Scope::Members {
            building: Some("A".into()),
            devices: vec!["p".into()],
        };
        let others = Scope::creator("q");
        let ledger = Scope::Building {
            building: "A".into(),
        };
        assert!(own.admits(&pending));
        assert!(round.admits(&pending));
        for scope in [&Scope::Community, &Scope::Staff, &ledger, &others] {
            assert!(!scope.admits(&pending), "{scope:?}");
        }
        // Even a pending staff device (none is minted so) sees only its own.
        let staff = Member {
            pending: true,
            ..member("s", Role::Staff, None)
        };
        assert!(!Scope::Community.admits(&staff));
        assert!(Scope::creator("s").admits(&staff));
        assert!(Scope::creator("s").grantable_by(&staff));
        assert!(!Scope::Community.grantable_by(&staff));
        assert!(own.grantable_by(&pending));
        assert!(!round.grantable_by(&pending));
    }

    #[test]
    fn who_may_grant_what() {
        let lead_a = member("la", Role::Lead, Some("A"));
        let vol = member("v", Role::Volunteer, None);
        assert!(Scope::Community.grantable_by(&member("s", Role::Staff, None)));
        assert!(!Scope::Community.grantable_by(&lead_a));
        assert!(
            Scope::Building {
                building: "A".into()
            }
            .grantable_by(&lead_a)
        );
        assert!(
            !Scope::Building {
                building: "B".into()
            }
            .grantable_by(&lead_a)
        );
        assert!(Scope::creator("v").grantable_by(&vol));
        assert!(!Scope::creator("x").grantable_by(&vol));
        assert!(!Scope::Staff.grantable_by(&vol));
    }

    #[test]
    fn reads_and_writes_json() {
        let scope: Scope =
            serde_json::from_str(r#"{"kind":"members","building":"3","devices":["d1"]}"#).unwrap();
        assert_eq!(
            scope,
            Scope::Members {
                building: Some("3".into()),
                devices: vec!["d1".into()]
            }
        );
        assert_eq!(
            serde_json::to_string(&Scope::Community).unwrap(),
            r#"{"kind":"community"}"#
        );
        assert!(serde_json::from_str::<Scope>(r#"{"kind":"everyone"}"#).is_err());
    }
}
