//! The words for the model's fixed values (special groups, needs, round
//! kinds, outcomes) in both languages: one table, so every screen and every
//! export names them alike.

use linli_shared::model::{
    catalogue::{NeedKind, ServiceCategory, Skill, SpecialGroup, Urgency, VolunteerSource, Zone},
    need_status::NeedStatus,
    round::{Outcome, RoundKind},
    training_status::TrainingState,
    volunteer::FeedbackKind,
};

use crate::i18n::{Locale, use_i18n};

/// The guideline's ten service categories (十类服务).
pub fn service_category(c: ServiceCategory, en: bool) -> &'static str {
    use ServiceCategory::*;
    match c {
        NucleicAcidTesting => pick(en, "核酸检测", "Nucleic-acid testing"),
        Checkpoint => pick(en, "社区值守", "Checkpoint duty"),
        Delivery => pick(en, "物资配送", "Supply delivery"),
        Information => pick(en, "信息管理", "Information management"),
        Publicity => pick(en, "政策宣传", "Policy publicity"),
        Disinfection => pick(en, "防疫消杀", "Disinfection"),
        Security => pick(en, "治安维护", "Security patrol"),
        SpecialGroups => pick(en, "特殊人群服务", "Special-group services"),
        PsychologicalSupport => pick(en, "精神慰藉", "Psychological support"),
        Other => pick(en, "其他服务", "Other services"),
    }
}

/// A building's zone type (封控区 / 管控区 / 防范区).
pub fn zone(z: Zone, en: bool) -> &'static str {
    match z {
        Zone::Sealed => pick(en, "封控区", "Sealed zone"),
        Zone::Controlled => pick(en, "管控区", "Controlled zone"),
        Zone::Prevention => pick(en, "防范区", "Prevention zone"),
    }
}

/// Where a volunteer stands with one course.
pub fn training_state(t: TrainingState, en: bool) -> &'static str {
    match t {
        TrainingState::NotStarted => pick(en, "未学习", "Not started"),
        TrainingState::AwaitingConfirmation => {
            pick(en, "已学完，待确认", "Done, awaiting confirmation")
        }
        TrainingState::Passed => pick(en, "已通过", "Passed"),
        TrainingState::Failed => pick(en, "未通过", "Not passed"),
    }
}

pub fn feedback_kind(k: FeedbackKind, en: bool) -> &'static str {
    match k {
        FeedbackKind::Feedback => pick(en, "服务反馈", "Feedback"),
        FeedbackKind::Suggestion => pick(en, "改进建议", "Suggestion"),
    }
}

/// Minutes as hours for people: "7.5 小时" / "7.5 h".
pub fn hours(minutes: i64, en: bool) -> String {
    let h = linli_shared::model::service_report::hours(minutes);
    if en {
        format!("{h} h")
    } else {
        format!("{h} 小时")
    }
}

/// Whether the screen is in English right now (tracked).
pub fn english() -> bool {
    use_i18n().get_locale() == Locale::en
}

fn pick(en: bool, zh: &'static str, english: &'static str) -> &'static str {
    if en { english } else { zh }
}

pub fn group(g: SpecialGroup, en: bool) -> &'static str {
    use SpecialGroup::*;
    match g {
        ElderlyAlone => pick(en, "独居老人", "Elderly living alone"),
        Elderly => pick(en, "老人", "Elderly"),
        Pregnant => pick(en, "孕产妇", "Pregnant"),
        Infant => pick(en, "婴幼儿", "Infant"),
        Disabled => pick(en, "残疾人", "Disabled"),
        ChronicIllness => pick(en, "慢性病", "Chronic illness"),
        Psychological => pick(en, "心理需求", "Psychological"),
        Hardship => pick(en, "困难群众", "Hardship"),
    }
}

/// Where a volunteer comes from (the guideline's recruitment channels).
pub fn volunteer_source(s: VolunteerSource, en: bool) -> &'static str {
    use VolunteerSource::*;
    match s {
        Cadre => pick(
            en,
            "下沉干部职工",
            "Government or enterprise staff sent down",
        ),
        PartyMember => pick(en, "社区党员", "Party member"),
        Veteran => pick(en, "退役军人", "Veteran"),
        GridWorker => pick(en, "网格员、楼门院长等", "Grid or community worker"),
        Resident => pick(en, "居民群众", "Resident"),
        NewEconomyWorker => pick(
            en,
            "快递员、外卖员等新就业群体",
            "Courier, rider or gig worker",
        ),
        PlatformVolunteer => pick(en, "“志愿北京”注册志愿者", "Registered platform volunteer"),
    }
}

pub fn skill(s: Skill, en: bool) -> &'static str {
    use Skill::*;
    match s {
        Medical => pick(en, "医疗护理", "Medical"),
        PsychologicalCounselling => pick(en, "心理咨询", "Psychological counselling"),
        SocialWork => pick(en, "社会工作", "Social work"),
        Driving => pick(en, "驾驶", "Driving"),
        Translation => pick(en, "外语翻译", "Translation"),
        DataEntry => pick(en, "信息录入", "Data entry"),
    }
}

pub fn need_kind(k: NeedKind, en: bool) -> &'static str {
    use NeedKind::*;
    match k {
        Medicine => pick(en, "药品", "Medicine"),
        Food => pick(en, "食品", "Food"),
        DailyGoods => pick(en, "生活用品", "Daily goods"),
        MedicalVisit => pick(en, "就医", "Medical visit"),
        Other => pick(en, "其他", "Other"),
    }
}

pub fn urgency(u: Urgency, en: bool) -> &'static str {
    match u {
        Urgency::Urgent => pick(en, "紧急", "Urgent"),
        Urgency::Soon => pick(en, "较急", "Soon"),
        Urgency::Routine => pick(en, "一般", "Routine"),
    }
}

pub fn need_status(s: NeedStatus, en: bool) -> &'static str {
    match s {
        NeedStatus::Open => pick(en, "待处理", "Open"),
        NeedStatus::Planned => pick(en, "已安排", "Planned"),
        NeedStatus::Done => pick(en, "已完成", "Done"),
    }
}

pub fn round_kind(k: RoundKind, en: bool) -> &'static str {
    use RoundKind::*;
    match k {
        Delivery => pick(en, "物资配送", "Delivery"),
        Disinfection => pick(en, "防疫消杀", "Disinfection"),
        TestingNotice => pick(en, "核酸检测通知", "Testing notice"),
        TestingRegistration => pick(en, "核酸检测登记", "Testing registration"),
        Patrol => pick(en, "治安巡逻", "Security patrol"),
        WelfareCheck => pick(en, "特殊人群探访", "Welfare check"),
        CheckpointShift => pick(en, "卡口值守", "Checkpoint duty"),
    }
}

/// The button a volunteer taps to record this outcome.
pub fn outcome(o: Outcome, en: bool) -> &'static str {
    use Outcome::*;
    match o {
        Delivered => pick(en, "已送达", "Delivered"),
        NoAnswer => pick(en, "无人应答", "No answer"),
        Refused => pick(en, "拒收", "Refused"),
        Problem => pick(en, "有问题", "Problem"),
        Disinfected => pick(en, "已消杀", "Disinfected"),
        Notified => pick(en, "已通知", "Notified"),
        NotReached => pick(en, "未联系上", "Not reached"),
        Tested => pick(en, "已检测", "Tested"),
        Absent => pick(en, "不在家", "Absent"),
        Exempt => pick(en, "免检", "Exempt"),
        Checked => pick(en, "已巡查", "Checked"),
        Incident => pick(en, "有情况", "Incident"),
        Fine => pick(en, "平安", "Fine"),
        NeedsHelp => pick(en, "需要帮助", "Needs help"),
        Entry => pick(en, "进", "In"),
        Exit => pick(en, "出", "Out"),
        Undo => pick(en, "撤销", "Undo"),
    }
}

/// How a testing notice or a welfare check reached the household.
pub const NOTICE_METHODS: &[&str] = &["door", "phone", "loudspeaker"];
pub const WELFARE_METHODS: &[&str] = &["visited", "called"];

pub fn method(m: &str, en: bool) -> &'static str {
    match m {
        "door" => pick(en, "敲门", "Door knock"),
        "phone" => pick(en, "电话", "Phone"),
        "loudspeaker" => pick(en, "喇叭广播", "Loudspeaker"),
        "visited" => pick(en, "上门", "Visited"),
        "called" => pick(en, "电话", "Called"),
        _ => "",
    }
}

/// Outcomes a volunteer can tap for this kind of round, in button order:
/// the one that completes a stop first.
pub fn outcomes(k: RoundKind) -> Vec<Outcome> {
    let mut v: Vec<Outcome> = Outcome::ALL
        .iter()
        .copied()
        .filter(|o| *o != Outcome::Undo && k.accepts(*o))
        .collect();
    v.sort_by_key(|o| !linli_shared::model::stop_status::completes(k, *o));
    v
}

/// Outcomes that ask for a note before they are recorded.
pub fn wants_note(o: Outcome) -> bool {
    matches!(
        o,
        Outcome::Problem | Outcome::Refused | Outcome::Incident | Outcome::NeedsHelp
    )
}

/// A signal-free helper for memos and closures that only need the flag once.
pub fn english_untracked() -> bool {
    use_i18n().get_locale_untracked() == Locale::en
}
