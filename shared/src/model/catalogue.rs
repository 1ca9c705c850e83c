//! The guideline's fixed vocabularies: the ten service categories, the three
//! zone types and what each calls for, special groups, need kinds, volunteer
//! sources and skills, and the general training catalogue of attachment 2.
//! Each is stored in documents by a stable lowercase name.

use crate::vocabulary::stored_name::string_enum;

string_enum! {
    /// 十类服务: the ten kinds of volunteer service in the guideline.
    pub enum ServiceCategory {
        /// 核酸检测: notify households, organise, register.
        NucleicAcidTesting = "testing",
        /// 社区值守: checkpoints, entry/exit log, code and temperature checks.
        Checkpoint = "checkpoint",
        /// 物资配送: the last 100 metres, contactless to the door.
        Delivery = "delivery",
        /// 信息管理: screening, data, matching needs and supplies.
        Information = "information",
        /// 政策宣传: publicity, announcements.
        Publicity = "publicity",
        /// 防疫消杀: disinfection of public areas, waste.
        Disinfection = "disinfection",
        /// 治安维护: patrols, mediation.
        Security = "security",
        /// 特殊人群服务: elderly, pregnant, infants, disabled, hardship.
        SpecialGroups = "special_groups",
        /// 精神慰藉: psychological support by qualified volunteers.
        PsychologicalSupport = "psychological_support",
        /// 其他.
        Other = "other",
    }
}

impl ServiceCategory {
    pub fn name_zh(self) -> &'static str {
        match self {
            ServiceCategory::NucleicAcidTesting => "核酸检测",
            ServiceCategory::Checkpoint => "社区值守",
            ServiceCategory::Delivery => "物资配送",
            ServiceCategory::Information => "信息管理",
            ServiceCategory::Publicity => "政策宣传",
            ServiceCategory::Disinfection => "防疫消杀",
            ServiceCategory::Security => "治安维护",
            ServiceCategory::SpecialGroups => "特殊人群服务",
            ServiceCategory::PsychologicalSupport => "精神慰藉",
            ServiceCategory::Other => "其他",
        }
    }
}

string_enum! {
    /// The city's zone types, each with its own rules for residents.
    pub enum Zone {
        /// 封控区: sealed; residents stay home, services come to the door.
        Sealed = "sealed",
        /// 管控区: controlled; nobody leaves the area, no gatherings.
        Controlled = "controlled",
        /// 防范区: prevention; limit gatherings, keep reserves ready.
        Prevention = "prevention",
    }
}

impl Zone {
    pub fn name_zh(self) -> &'static str {
        match self {
            Zone::Sealed => "封控区",
            Zone::Controlled => "管控区",
            Zone::Prevention => "防范区",
        }
    }

    /// The guideline's recommended service categories for a zone (三(三)).
    pub fn recommended(self) -> &'static [ServiceCategory] {
        use ServiceCategory::*;
        match self {
            // 物资配送, 防疫消杀, help for the elderly, sick, disabled and pregnant.
            Zone::Sealed => &[Delivery, Disinfection, SpecialGroups],
            // 社区值守, 核酸检测, 协同流调 and 信息管理, neighbourly help.
            Zone::Controlled => &[Checkpoint, NucleicAcidTesting, Information, SpecialGroups],
            // Build reserves and a call-up list; publicity keeps residents informed.
            Zone::Prevention => &[Publicity, Information],
        }
    }
}

string_enum! {
    /// Special groups the ledger marks on a household (guideline 三(三)8).
    pub enum SpecialGroup {
        /// 独居老人: on the daily welfare-check list.
        ElderlyAlone = "elderly_alone",
        /// 老人.
        Elderly = "elderly",
        /// 孕产妇.
        Pregnant = "pregnant",
        /// 婴幼儿.
        Infant = "infant",
        /// 残疾人.
        Disabled = "disabled",
        /// 慢性病.
        ChronicIllness = "chronic_illness",
        /// 心理: psychological needs.
        Psychological = "psychological",
        /// 困难人群: hardship.
        Hardship = "hardship",
    }
}

string_enum! {
    /// What a household needs.
    pub enum NeedKind {
        Medicine = "medicine",
        Food = "food",
        DailyGoods = "daily_goods",
        MedicalVisit = "medical_visit",
        Other = "other",
    }
}

string_enum! {
    /// How soon a need must be met.
    pub enum Urgency {
        /// Today, or someone's health is at risk.
        Urgent = "urgent",
        /// Within a day or two.
        Soon = "soon",
        /// When the next round goes out.
        Routine = "routine",
    }
}

string_enum! {
    /// Where a volunteer comes from (guideline 三(二)).
    pub enum VolunteerSource {
        /// 下沉干部及职工: cadres and staff sent down by government or enterprises.
        Cadre = "cadre",
        /// 社区党员: party members.
        PartyMember = "party_member",
        /// 退役军人: veterans.
        Veteran = "veteran",
        /// 网格员、协管员、街巷长、楼门院长: grid and community workers.
        GridWorker = "grid_worker",
        /// 居民群众: residents.
        Resident = "resident",
        /// 新就业群体: couriers, delivery riders and other new-economy workers.
        NewEconomyWorker = "new_economy_worker",
        /// "志愿北京" registered platform volunteers.
        PlatformVolunteer = "platform_volunteer",
    }
}

string_enum! {
    /// Skills that qualify volunteers for particular posts.
    pub enum Skill {
        Medical = "medical",
        PsychologicalCounselling = "psychological_counselling",
        SocialWork = "social_work",
        Driving = "driving",
        Translation = "translation",
        DataEntry = "data_entry",
    }
}

/// A course's id in the training catalogue.
pub type CourseId = String;

/// One course of the general catalogue (附件2).
#[derive(Clone, Copy, Debug)]
pub struct GeneralCourse {
    pub id: &'static str,
    pub section: &'static str,
    pub title: &'static str,
}

/// 新冠肺炎疫情防控志愿者通用培训目录 (attachment 2), preloaded into every
/// community's training catalogue.
pub const GENERAL_CATALOGUE: &[GeneralCourse] = &[
    GeneralCourse {
        id: "g-protect-1",
        section: "防护篇",
        title: "如何正确穿脱防护用品",
    },
    GeneralCourse {
        id: "g-protect-2",
        section: "防护篇",
        title: "如何正确佩戴口罩",
    },
    GeneralCourse {
        id: "g-protect-3",
        section: "防护篇",
        title: "如何正确脱戴一次性手套",
    },
    GeneralCourse {
        id: "g-rights-1",
        section: "权益保障篇",
        title: "如何做好志愿服务管理",
    },
    GeneralCourse {
        id: "g-rights-2",
        section: "权益保障篇",
        title: "如何使用信息平台管理志愿服务项目",
    },
    GeneralCourse {
        id: "g-rights-3",
        section: "权益保障篇",
        title: "如何申请身边的疫情防控志愿服务项目",
    },
    GeneralCourse {
        id: "g-know-1",
        section: "应知应会篇",
        title: "什么是志愿者",
    },
    GeneralCourse {
        id: "g-know-2",
        section: "应知应会篇",
        title: "什么是志愿服务",
    },
    GeneralCourse {
        id: "g-know-3",
        section: "应知应会篇",
        title: "如何进行有效沟通",
    },
    GeneralCourse {
        id: "g-know-4",
        section: "应知应会篇",
        title: "如何服务特殊群体",
    },
    GeneralCourse {
        id: "g-know-5",
        section: "应知应会篇",
        title: "哪些事情不应该做",
    },
    GeneralCourse {
        id: "g-emerg-1",
        section: "应急预案篇",
        title: "如何做好社区应急志愿服务",
    },
    GeneralCourse {
        id: "g-emerg-2",
        section: "应急预案篇",
        title: "特殊风险提示",
    },
    GeneralCourse {
        id: "g-emerg-3",
        section: "应急预案篇",
        title: "针对疫情期间的独居老人，社区可以做什么",
    },
    GeneralCourse {
        id: "g-epi-1",
        section: "疫情防控知识篇",
        title: "核酸检测注意事项",
    },
    GeneralCourse {
        id: "g-epi-2",
        section: "疫情防控知识篇",
        title: "封控区、管控区、防范区的划分和管理",
    },
    GeneralCourse {
        id: "g-epi-3",
        section: "疫情防控知识篇",
        title: "安全度过疫情防控关键期的文明习惯",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in ServiceCategory::ALL {
            assert_eq!(ServiceCategory::parse(c.as_str()), Some(*c));
            assert!(!c.name_zh().is_empty());
        }
        assert_eq!(ServiceCategory::ALL.len(), 10);
        for z in Zone::ALL {
            assert_eq!(Zone::parse(z.as_str()), Some(*z));
        }
        assert_eq!(
            SpecialGroup::parse("elderly_alone"),
            Some(SpecialGroup::ElderlyAlone)
        );
        assert_eq!(Urgency::parse("whenever"), None);
    }

    #[test]
    fn zones_recommend_the_guidelines_categories() {
        assert!(
            Zone::Sealed
                .recommended()
                .contains(&ServiceCategory::Delivery)
        );
        assert!(
            Zone::Sealed
                .recommended()
                .contains(&ServiceCategory::Disinfection)
        );
        assert!(
            Zone::Controlled
                .recommended()
                .contains(&ServiceCategory::Checkpoint)
        );
        assert!(
            Zone::Controlled
                .recommended()
                .contains(&ServiceCategory::NucleicAcidTesting)
        );
        assert!(
            !Zone::Prevention
                .recommended()
                .contains(&ServiceCategory::Delivery)
        );
    }

    #[test]
    fn the_general_catalogue_has_the_five_sections_of_attachment_2() {
        let mut sections: Vec<_> = GENERAL_CATALOGUE.iter().map(|c| c.section).collect();
        sections.dedup();
        assert_eq!(
            sections,
            [
                "防护篇",
                "权益保障篇",
                "应知应会篇",
                "应急预案篇",
                "疫情防控知识篇"
            ]
        );
        assert_eq!(GENERAL_CATALOGUE.len(), 17);
        let mut ids: Vec<_> = GENERAL_CATALOGUE.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), GENERAL_CATALOGUE.len());
    }
}
