//! The guideline's fixed vocabularies: the ten service categories, the three
//! zone types and what each calls for, special groups, need kinds, volunteer
//! sources and skills, and the general training catalogue of attachment 2.
//! Each is stored in documents by a stable lowercase name.
//!
//! Each entry carries its name in both languages here ([`Name`]), not in the
//! app's locale files: the same names are written on the host side, where
//! there is no locale — the Chinese exports (daily summary, needs report,
//! household ledger), the ledger import that reads either language, and the
//! general courses seeded into every new community — so the catalogue is
//! the one place a name is written, and the app's screens read it from here.

use crate::vocabulary::stored_name::string_enum;

/// A catalogue entry's name: Chinese (the guideline's word, the one written
/// in exports and documents) and English (plain and short, for the screen).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Name {
    pub zh: &'static str,
    pub en: &'static str,
}

impl Name {
    const fn new(zh: &'static str, en: &'static str) -> Self {
        Name { zh, en }
    }

    /// The name in English when `english`, else in Chinese.
    pub fn get(self, english: bool) -> &'static str {
        if english { self.en } else { self.zh }
    }
}

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
    pub fn name(self) -> Name {
        use ServiceCategory::*;
        match self {
            NucleicAcidTesting => Name::new("核酸检测", "Nucleic-acid testing"),
            Checkpoint => Name::new("社区值守", "Checkpoint duty"),
            Delivery => Name::new("物资配送", "Supply delivery"),
            Information => Name::new("信息管理", "Information management"),
            Publicity => Name::new("政策宣传", "Policy publicity"),
            Disinfection => Name::new("防疫消杀", "Disinfection"),
            Security => Name::new("治安维护", "Security patrol"),
            SpecialGroups => Name::new("特殊人群服务", "Special-group services"),
            PsychologicalSupport => Name::new("精神慰藉", "Psychological support"),
            Other => Name::new("其他服务", "Other services"),
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
    pub fn name(self) -> Name {
        match self {
            Zone::Sealed => Name::new("封控区", "Sealed zone"),
            Zone::Controlled => Name::new("管控区", "Controlled zone"),
            Zone::Prevention => Name::new("防范区", "Prevention zone"),
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

impl SpecialGroup {
    pub fn name(self) -> Name {
        use SpecialGroup::*;
        match self {
            ElderlyAlone => Name::new("独居老人", "Elderly living alone"),
            Elderly => Name::new("老人", "Elderly"),
            Pregnant => Name::new("孕产妇", "Pregnant"),
            Infant => Name::new("婴幼儿", "Infant"),
            Disabled => Name::new("残疾人", "Disabled"),
            ChronicIllness => Name::new("慢性病", "Chronic illness"),
            Psychological => Name::new("心理需求", "Psychological"),
            Hardship => Name::new("困难群众", "Hardship"),
        }
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

impl NeedKind {
    pub fn name(self) -> Name {
        use NeedKind::*;
        match self {
            Medicine => Name::new("药品", "Medicine"),
            Food => Name::new("食品", "Food"),
            DailyGoods => Name::new("生活用品", "Daily goods"),
            MedicalVisit => Name::new("就医", "Medical visit"),
            Other => Name::new("其他", "Other"),
        }
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

impl Urgency {
    pub fn name(self) -> Name {
        match self {
            Urgency::Urgent => Name::new("紧急", "Urgent"),
            Urgency::Soon => Name::new("较急", "Soon"),
            Urgency::Routine => Name::new("一般", "Routine"),
        }
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

impl VolunteerSource {
    pub fn name(self) -> Name {
        use VolunteerSource::*;
        match self {
            Cadre => Name::new("下沉干部职工", "Government or enterprise staff sent down"),
            PartyMember => Name::new("社区党员", "Party member"),
            Veteran => Name::new("退役军人", "Veteran"),
            GridWorker => Name::new("网格员、楼门院长等", "Grid or community worker"),
            Resident => Name::new("居民群众", "Resident"),
            NewEconomyWorker => {
                Name::new("快递员、外卖员等新就业群体", "Courier, rider or gig worker")
            }
            PlatformVolunteer => Name::new("“志愿北京”注册志愿者", "Registered platform volunteer"),
        }
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

impl Skill {
    pub fn name(self) -> Name {
        use Skill::*;
        match self {
            Medical => Name::new("医疗护理", "Medical"),
            PsychologicalCounselling => Name::new("心理咨询", "Psychological counselling"),
            SocialWork => Name::new("社会工作", "Social work"),
            Driving => Name::new("驾驶", "Driving"),
            Translation => Name::new("外语翻译", "Translation"),
            DataEntry => Name::new("信息录入", "Data entry"),
        }
    }
}

/// A course's id in the training catalogue.
pub type CourseId = String;

/// One course of the general catalogue (附件2).
#[derive(Clone, Copy, Debug)]
pub struct GeneralCourse {
    pub id: &'static str,
    /// The section it is filed under; its Chinese name is stored in the
    /// community's catalogue.
    pub section: Name,
    /// Its title; the Chinese one is stored in the community's catalogue.
    pub title: Name,
}

/// Attachment 2's five sections, in the guideline's order.
pub const GENERAL_SECTIONS: [Name; 5] = [PROTECTION, RIGHTS, ESSENTIALS, EMERGENCY, EPIDEMIC];
const PROTECTION: Name = Name::new("防护篇", "Protection");
const RIGHTS: Name = Name::new("权益保障篇", "Rights and safeguards");
const ESSENTIALS: Name = Name::new("应知应会篇", "Essentials");
const EMERGENCY: Name = Name::new("应急预案篇", "Emergency response");
const EPIDEMIC: Name = Name::new("疫情防控知识篇", "Epidemic prevention");

/// The section a community's own course is filed under unless staff type
/// another (the Chinese name is what is stored).
pub const CUSTOM_SECTION: Name = Name::new("岗位专项培训", "Post-specific training");

/// 新冠肺炎疫情防控志愿者通用培训目录 (attachment 2), preloaded into every
/// community's training catalogue.
pub const GENERAL_CATALOGUE: &[GeneralCourse] = &[
    GeneralCourse {
        id: "g-protect-1",
        section: PROTECTION,
        title: Name::new(
            "如何正确穿脱防护用品",
            "Putting on and taking off protective equipment",
        ),
    },
    GeneralCourse {
        id: "g-protect-2",
        section: PROTECTION,
        title: Name::new("如何正确佩戴口罩", "Wearing a mask correctly"),
    },
    GeneralCourse {
        id: "g-protect-3",
        section: PROTECTION,
        title: Name::new(
            "如何正确脱戴一次性手套",
            "Putting on and removing disposable gloves",
        ),
    },
    GeneralCourse {
        id: "g-rights-1",
        section: RIGHTS,
        title: Name::new("如何做好志愿服务管理", "Managing volunteer service well"),
    },
    GeneralCourse {
        id: "g-rights-2",
        section: RIGHTS,
        title: Name::new(
            "如何使用信息平台管理志愿服务项目",
            "Managing volunteer projects on the information platform",
        ),
    },
    GeneralCourse {
        id: "g-rights-3",
        section: RIGHTS,
        title: Name::new(
            "如何申请身边的疫情防控志愿服务项目",
            "Applying for epidemic-prevention volunteer projects nearby",
        ),
    },
    GeneralCourse {
        id: "g-know-1",
        section: ESSENTIALS,
        title: Name::new("什么是志愿者", "What a volunteer is"),
    },
    GeneralCourse {
        id: "g-know-2",
        section: ESSENTIALS,
        title: Name::new("什么是志愿服务", "What volunteer service is"),
    },
    GeneralCourse {
        id: "g-know-3",
        section: ESSENTIALS,
        title: Name::new("如何进行有效沟通", "Communicating effectively"),
    },
    GeneralCourse {
        id: "g-know-4",
        section: ESSENTIALS,
        title: Name::new("如何服务特殊群体", "Serving special groups"),
    },
    GeneralCourse {
        id: "g-know-5",
        section: ESSENTIALS,
        title: Name::new("哪些事情不应该做", "What not to do"),
    },
    GeneralCourse {
        id: "g-emerg-1",
        section: EMERGENCY,
        title: Name::new(
            "如何做好社区应急志愿服务",
            "Community emergency volunteering",
        ),
    },
    GeneralCourse {
        id: "g-emerg-2",
        section: EMERGENCY,
        title: Name::new("特殊风险提示", "Special risk warnings"),
    },
    GeneralCourse {
        id: "g-emerg-3",
        section: EMERGENCY,
        title: Name::new(
            "针对疫情期间的独居老人，社区可以做什么",
            "What a community can do for elderly people living alone",
        ),
    },
    GeneralCourse {
        id: "g-epi-1",
        section: EPIDEMIC,
        title: Name::new("核酸检测注意事项", "Nucleic-acid testing: points to note"),
    },
    GeneralCourse {
        id: "g-epi-2",
        section: EPIDEMIC,
        title: Name::new(
            "封控区、管控区、防范区的划分和管理",
            "Sealed, controlled and prevention zones",
        ),
    },
    GeneralCourse {
        id: "g-epi-3",
        section: EPIDEMIC,
        title: Name::new(
            "安全度过疫情防控关键期的文明习惯",
            "Good habits through the critical period",
        ),
    },
];

/// A general course by its id.
pub fn general_course(id: &str) -> Option<&'static GeneralCourse> {
    GENERAL_CATALOGUE.iter().find(|c| c.id == id)
}

/// A section's name in both languages, from either (the Chinese one is what
/// a community's catalogue stores; the English one is what an English screen
/// shows and a form may send back): attachment 2's sections and the
/// suggested section for a community's own courses; None for a section
/// staff named themselves.
pub fn section_named(name: &str) -> Option<Name> {
    let name = name.trim();
    GENERAL_SECTIONS
        .iter()
        .chain([&CUSTOM_SECTION])
        .find(|n| n.zh == name || n.en.eq_ignore_ascii_case(name))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in ServiceCategory::ALL {
            assert_eq!(ServiceCategory::parse(c.as_str()), Some(*c));
            assert!(!c.name().zh.is_empty() && !c.name().en.is_empty());
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
        let mut sections: Vec<_> = GENERAL_CATALOGUE.iter().map(|c| c.section.zh).collect();
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

    #[test]
    fn every_entry_has_a_name_in_both_languages_and_no_two_alike() {
        fn distinct(names: Vec<Name>) {
            for (i, a) in names.iter().enumerate() {
                assert!(!a.zh.is_empty() && !a.en.is_empty(), "{a:?}");
                for b in &names[i + 1..] {
                    assert!(a.zh != b.zh && a.en != b.en, "{a:?} and {b:?}");
                }
            }
        }
        distinct(ServiceCategory::ALL.iter().map(|c| c.name()).collect());
        distinct(Zone::ALL.iter().map(|z| z.name()).collect());
        distinct(SpecialGroup::ALL.iter().map(|g| g.name()).collect());
        distinct(NeedKind::ALL.iter().map(|k| k.name()).collect());
        distinct(Urgency::ALL.iter().map(|u| u.name()).collect());
        distinct(VolunteerSource::ALL.iter().map(|s| s.name()).collect());
        distinct(Skill::ALL.iter().map(|s| s.name()).collect());
        distinct(GENERAL_CATALOGUE.iter().map(|c| c.title).collect());
        assert_eq!(Zone::Sealed.name().get(false), "封控区");
        assert_eq!(Zone::Sealed.name().get(true), "Sealed zone");
    }

    #[test]
    fn courses_and_sections_are_found_by_what_documents_store() {
        assert_eq!(
            general_course("g-protect-2").map(|c| c.title.en),
            Some("Wearing a mask correctly")
        );
        assert!(general_course("c-1").is_none());
        assert_eq!(
            section_named("应急预案篇").map(|n| n.en),
            Some("Emergency response")
        );
        assert_eq!(section_named(CUSTOM_SECTION.zh), Some(CUSTOM_SECTION));
        assert_eq!(
            section_named("post-specific training ").map(|n| n.zh),
            Some("岗位专项培训")
        );
        assert_eq!(section_named("楼栋自定"), None);
        for c in GENERAL_CATALOGUE {
            assert!(GENERAL_SECTIONS.contains(&c.section), "{}", c.id);
        }
    }
}
