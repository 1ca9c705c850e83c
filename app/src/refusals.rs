//! What the model's refusals mean to the person who tapped, in their
//! language: the rules of the guideline (不培训不上岗, 每天不超过8小时,
//! insurance and agreement) named with what is missing.

use linli_shared::model::{ModelError, service_report::hours};

/// The sentence for a refused operation.
pub fn explain(e: &ModelError, en: bool) -> String {
    match e {
        ModelError::MissingTraining { missing } => {
            if en {
                format!(
                    "No training, no post: not yet passed {}.",
                    missing.join(", ")
                )
            } else {
                format!("不培训不上岗：还没有通过 {}。", missing.join("、"))
            }
        }
        ModelError::OverDailyCap {
            day,
            scheduled_minutes,
            requested_minutes,
        } => {
            let (s, r) = (hours(*scheduled_minutes), hours(*requested_minutes));
            if en {
                format!(
                    "Over 8 hours on {day}: {s} h already scheduled, {r} h more would exceed the daily limit."
                )
            } else {
                format!("{day} 已排 {s} 小时，再排 {r} 小时会超过每天 8 小时的上限。")
            }
        }
        ModelError::ShiftOverlap {
            post,
            day,
            from,
            to,
        } => {
            if en {
                format!("Overlaps their shift at {post} on {day}, {from}–{to}: one post at a time.")
            } else {
                format!(
                    "与已排的班次时间重叠：{day} {from}–{to}（{post}），同一时间只能在一个岗位。"
                )
            }
        }
        ModelError::NotInsured => pick(
            en,
            "这个岗位要求先在“志愿北京”实名注册（含意外保险）。",
            "This post requires real-name registration on the volunteer platform (with insurance).",
        ),
        ModelError::NoAgreement => pick(
            en,
            "这个岗位要求先签订志愿服务协议。",
            "This post requires a signed volunteer agreement.",
        ),
        ModelError::NotQualified => pick(
            en,
            "只有有资质的志愿者和社区工作人员可以记录心理疏导。",
            "Only qualified volunteers and staff record psychological support.",
        ),
        ModelError::NotPermitted(_) => {
            pick(en, "你的身份不能做这项操作。", "Your role cannot do this.")
        }
        ModelError::NotFound { .. } => pick(
            en,
            "找不到这一项，可能还没有同步到这台手机。",
            "Not found: it may not have reached this phone yet.",
        ),
        ModelError::Invalid(detail) => {
            if en {
                format!("Please check what you entered ({detail}).")
            } else {
                "填写的内容有误，请检查后再试。".to_owned()
            }
        }
        _ => pick(
            en,
            "操作没有完成，数据没有改变。",
            "That did not work; nothing was changed.",
        ),
    }
}

fn pick(en: bool, zh: &str, english: &str) -> String {
    if en { english } else { zh }.to_owned()
}
