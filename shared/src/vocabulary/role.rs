//! A person's role in the community: what the model's operations permit and
//! which documents the relay lets reach their device.

/// A person's role in the community; it decides which documents reach their
/// device and which operations they may perform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// 社区工作者: plans, recruits, dispatches, sees everything.
    Staff,
    /// 楼门院长: keeps one building's ledger and runs its rounds.
    Lead,
    /// 志愿者: does the field work.
    Volunteer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Lead => "lead",
            Role::Volunteer => "volunteer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "staff" => Some(Role::Staff),
            "lead" => Some(Role::Lead),
            "volunteer" => Some(Role::Volunteer),
            _ => None,
        }
    }
}

super::stored_name::string_enum_io!(Role);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_strings() {
        for r in [Role::Staff, Role::Lead, Role::Volunteer] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
