//! The community document: what everyone in the community may see.
//!
//! Buildings carry their zone history (the current zone is derived, so two
//! staff setting zones offline both stay on record); posts, courses and the
//! roster are plain records keyed by id; announcements are appended.
//!
//! Long because its host tests live beside it (the document and its operations
//! are about 550 lines).

use std::collections::BTreeMap;

use automerge::{AutoCommit, ROOT, ReadDoc, transaction::Transactable};
use autosurgeon::Reconcile;
use serde::{Deserialize, Serialize};

use crate::model::{
    Actor, ModelError, Role,
    catalogue::{GENERAL_CATALOGUE, ServiceCategory, VolunteerSource, Zone},
    civil::{BEIJING_OFFSET_MINUTES, Day, Millis},
    doc::{self, DocKind},
};

/// The community as stored, read in one go.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Community {
    pub name: String,
    /// The community's time zone as minutes east of UTC: days (for the
    /// 8-hour cap, rounds, reports) are the community's local days.
    pub utc_offset_minutes: i64,
    pub buildings: BTreeMap<String, Building>,
    pub posts: BTreeMap<String, Post>,
    #[serde(deserialize_with = "doc::events")]
    pub announcements: Vec<Announcement>,
    pub courses: BTreeMap<String, Course>,
    pub roster: BTreeMap<String, RosterEntry>,
    /// Which ledgers and rounds exist, for whom ([`directory`](crate::model::directory)).
    #[serde(default, deserialize_with = "crate::model::directory::listings")]
    pub documents: BTreeMap<String, crate::model::directory::Listing>,
    /// Outstanding volunteers staff marked, with their stories (宣传先进典型).
    #[serde(default, deserialize_with = "doc::events")]
    pub recognitions: Vec<Recognition>,
}

/// Staff mark an outstanding volunteer with a short story; everyone in the
/// community reads it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Recognition {
    pub id: String,
    /// The volunteer's id (their device), as on the roster.
    pub person: String,
    pub story: String,
    pub by: String,
    pub device: String,
    pub at: Millis,
    /// A later entry withdrawing this one (a mistake): the recognition is
    /// not shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdraws: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Building {
    pub name: String,
    /// Every zone decision, appended; see [`Building::current_zone`].
    pub zones: Vec<ZoneChange>,
}

/// A zone decision for a building, effective from a day.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ZoneChange {
    pub zone: Zone,
    /// `YYYY-MM-DD`, the day the decision takes effect.
    pub since: String,
    pub by: String,
    pub device: String,
    pub at: Millis,
}

impl Building {
    /// The zone in force on `day`: the decision with the latest effective day
    /// not after `day`; among decisions for the same day, the one recorded
    /// last (then by device, so every replica picks the same one).
    pub fn zone_on(&self, day: Day) -> Option<&ZoneChange> {
        self.zones
            .iter()
            .filter(|z| Day::parse(&z.since).is_some_and(|d| d <= day))
            .max_by(|a, b| {
                (Day::parse(&a.since), a.at, &a.device).cmp(&(
                    Day::parse(&b.since),
                    b.at,
                    &b.device,
                ))
            })
    }

    /// The most recent decision regardless of day.
    pub fn current_zone(&self) -> Option<&ZoneChange> {
        self.zones.iter().max_by(|a, b| {
            (Day::parse(&a.since), a.at, &a.device).cmp(&(Day::parse(&b.since), b.at, &b.device))
        })
    }
}

/// 岗位: a post volunteers are scheduled on.
#[derive(Debug, Clone, PartialEq, Deserialize, Reconcile)]
pub struct Post {
    pub category: ServiceCategory,
    pub title: String,
    /// 岗位要求: who fits (skills, health, age).
    pub requirements: String,
    /// 服务内容: what the volunteer does.
    pub content: String,
    /// 岗位数量: how many volunteers each shift needs.
    pub headcount: i64,
    /// Shift pattern: daily start and end, `HH:MM` local time.
    pub shift_start: String,
    pub shift_end: String,
    /// Courses a volunteer must have passed before being scheduled (不培训不上岗).
    pub required_courses: Vec<String>,
    /// Requires "志愿北京" real-name registration, which carries the insurance.
    pub requires_insurance: bool,
    /// Requires a signed volunteer agreement.
    pub requires_agreement: bool,
    /// Where the post is, if one building.
    #[serde(default)]
    pub building: Option<String>,
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Announcement {
    pub id: String,
    pub title: String,
    pub body: String,
    pub by: String,
    pub device: String,
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Reconcile)]
pub struct Course {
    pub section: String,
    pub title: String,
    /// Added by the community (post-specific), not from attachment 2.
    pub custom: bool,
}

/// The public face of a volunteer: enough to assign and thank them, nothing
/// sensitive (no phone number; that stays in the volunteer's own document).
#[derive(Debug, Clone, PartialEq, Deserialize, Reconcile)]
pub struct RosterEntry {
    pub display_name: String,
    pub role: Role,
    #[serde(default)]
    pub source: Option<VolunteerSource>,
    #[serde(default)]
    pub building: Option<String>,
}

fn staff_only(actor: &Actor) -> Result<(), ModelError> {
    actor.require(&[Role::Staff])
}

/// Creates the community with attachment 2's catalogue preloaded.
pub fn create(actor: &Actor, at: Millis, name: &str) -> Result<AutoCommit, ModelError> {
    staff_only(actor)?;
    let name = doc::required("name", name)?;
    let mut d = doc::create(DocKind::Community, actor)?;
    d.put(ROOT, "name", name)?;
    d.put(ROOT, "utc_offset_minutes", BEIJING_OFFSET_MINUTES)?;
    for key in ["buildings", "posts", "courses", "roster", "documents"] {
        d.put_object(ROOT, key, automerge::ObjType::Map)?;
    }
    d.put_object(ROOT, "announcements", automerge::ObjType::List)?;
    d.put_object(ROOT, "recognitions", automerge::ObjType::List)?;
    let courses = doc::child(&d, &ROOT, "courses")?;
    for c in GENERAL_CATALOGUE {
        let course = Course {
            section: c.section.zh.to_owned(),
            title: c.title.zh.to_owned(),
            custom: false,
        };
        autosurgeon::reconcile_prop(&mut d, &courses, c.id, &course)?;
    }
    doc::commit(&mut d, at, "create community");
    Ok(d)
}

/// Reads the whole community.
pub fn read(d: &AutoCommit) -> Result<Community, ModelError> {
    doc::check(d, DocKind::Community)?;
    doc::read_as(d)
}

/// Adds a building and returns its id.
pub fn add_building(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    name: &str,
) -> Result<String, ModelError> {
    staff_only(actor)?;
    doc::check(d, DocKind::Community)?;
    let name = doc::required("building name", name)?;
    let buildings = doc::child(d, &ROOT, "buildings")?;
    let id = actor.new_id();
    let b = d.put_object(&buildings, &id, automerge::ObjType::Map)?;
    d.put(&b, "name", name)?;
    d.put_object(&b, "zones", automerge::ObjType::List)?;
    doc::commit(d, at, "add building");
    Ok(id)
}

/// Records a zone decision for a building, effective from `since`.
pub fn set_zone(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    building: &str,
    zone: Zone,
    since: Day,
) -> Result<(), ModelError> {
    staff_only(actor)?;
    doc::check(d, DocKind::Community)?;
    let buildings = doc::child(d, &ROOT, "buildings")?;
    let b = doc::entry(d, &buildings, "building", building)?;
    let zones = doc::child(d, &b, "zones")?;
    let end = d.length(&zones);
    let z = d.insert_object(&zones, end, automerge::ObjType::Map)?;
    d.put(&z, "zone", zone.as_str())?;
    d.put(&z, "since", since.iso())?;
    d.put(&z, "by", actor.person.as_str())?;
    d.put(&z, "device", actor.device.as_str())?;
    d.put(&z, "at", at)?;
    doc::commit(d, at, "set zone");
    Ok(())
}

fn check_post(post: &Post) -> Result<(), ModelError> {
    doc::required("post title", &post.title)?;
    if post.headcount < 1 {
        return Err(ModelError::Invalid("headcount must be at least 1".into()));
    }
    let start = minutes_of_day(&post.shift_start).ok_or_else(|| {
        ModelError::Invalid(format!("shift start {:?} is not HH:MM", post.shift_start))
    })?;
    let end = minutes_of_day(&post.shift_end).ok_or_else(|| {
        ModelError::Invalid(format!("shift end {:?} is not HH:MM", post.shift_end))
    })?;
    if start == end {
        return Err(ModelError::Invalid(
            "a shift cannot start and end at the same time".into(),
        ));
    }
    Ok(())
}

/// `HH:MM` as minutes after midnight.
pub fn minutes_of_day(s: &str) -> Option<i64> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m) && s.len() == 5).then_some(h * 60 + m)
}

/// Creates a post and returns its id.
pub fn add_post(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    post: &Post,
) -> Result<String, ModelError> {
    staff_only(actor)?;
    doc::check(d, DocKind::Community)?;
    check_post(post)?;
    let community = read(d)?;
    for course in &post.required_courses {
        if !community.courses.contains_key(course) {
            return Err(ModelError::NotFound {
                what: "course",
                id: course.clone(),
            });
        }
    }
    let posts = doc::child(d, &ROOT, "posts")?;
    let id = actor.new_id();
    autosurgeon::reconcile_prop(d, &posts, id.as_str(), post)?;
    doc::commit(d, at, "add post");
    Ok(id)
}

/// Replaces a post's description; only fields that changed are written, so
/// two staff editing different fields offline both keep their edits.
pub fn edit_post(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    id: &str,
    post: &Post,
) -> Result<(), ModelError> {
    staff_only(actor)?;
    doc::check(d, DocKind::Community)?;
    check_post(post)?;
    let posts = doc::child(d, &ROOT, "posts")?;
    doc::entry(d, &posts, "post", id)?;
    autosurgeon::reconcile_prop(d, &posts, id, post)?;
    doc::commit(d, at, "edit post");
    Ok(())
}

/// Posts an announcement (政策宣传) to everyone in the community.
pub fn announce(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    title: &str,
    body: &str,
) -> Result<String, ModelError> {
    staff_only(actor)?;
    doc::check(d, DocKind::Community)?;
    let title = doc::required("title", title)?;
    let id = actor.new_id();
    let a = Announcement {
        id: id.clone(),
        title,
        body: body.trim().to_owned(),
        by: actor.person.clone(),
        device: actor.device.clone(),
        at,
    };
    doc::append_event(d, "announcements", &a)?;
    doc::commit(d, at, "announce");
    Ok(id)
}

/// Staff mark an outstanding volunteer with a short story.
pub fn recognise(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    person: &str,
    story: &str,
) -> Result<String, ModelError> {
    staff_only(actor)?;
    doc::check(d, DocKind::Community)?;
    let story = doc::required("story", story)?;
    if story.chars().count() > 1000 {
        return Err(ModelError::Invalid(
            "the story is longer than 1000 characters".into(),
        ));
    }
    if !read(d)?.roster.contains_key(person) {
        return Err(ModelError::NotFound {
            what: "volunteer",
            id: person.to_owned(),
        });
    }
    append_recognition(d, actor, at, person, story, None)
}

/// Staff withdraw a recognition (entered by mistake); it stays on record.
pub fn withdraw_recognition(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    id: &str,
) -> Result<(), ModelError> {
    staff_only(actor)?;
    doc::check(d, DocKind::Community)?;
    let community = read(d)?;
    let r = community
        .recognitions
        .iter()
        .find(|r| r.id == id && r.withdraws.is_none())
        .ok_or_else(|| ModelError::NotFound {
            what: "recognition",
            id: id.to_owned(),
        })?;
    let person = r.person.clone();
    append_recognition(d, actor, at, &person, String::new(), Some(id.to_owned()))?;
    Ok(())
}

fn append_recognition(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    person: &str,
    story: String,
    withdraws: Option<String>,
) -> Result<String, ModelError> {
    // Communities created before recognitions existed get the list now.
    if d.get(ROOT, "recognitions")?.is_none() {
        d.put_object(ROOT, "recognitions", automerge::ObjType::List)?;
    }
    let id = actor.new_id();
    let r = Recognition {
        id: id.clone(),
        person: person.to_owned(),
        story,
        by: actor.person.clone(),
        device: actor.device.clone(),
        at,
        withdraws,
    };
    doc::append_event(d, "recognitions", &r)?;
    doc::commit(d, at, "recognise");
    Ok(id)
}

/// Adds a post-specific course to the catalogue.
pub fn add_course(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    section: &str,
    title: &str,
) -> Result<String, ModelError> {
    staff_only(actor)?;
    doc::check(d, DocKind::Community)?;
    let course = Course {
        section: doc::required("section", section)?,
        title: doc::required("course title", title)?,
        custom: true,
    };
    let courses = doc::child(d, &ROOT, "courses")?;
    let id = format!("c-{}", actor.new_id());
    autosurgeon::reconcile_prop(d, &courses, id.as_str(), &course)?;
    doc::commit(d, at, "add course");
    Ok(id)
}

/// Adds or updates a person on the public roster.
pub fn enrol(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    volunteer: &str,
    entry: &RosterEntry,
) -> Result<(), ModelError> {
    staff_only(actor)?;
    doc::check(d, DocKind::Community)?;
    doc::required("display name", &entry.display_name)?;
    let roster = doc::child(d, &ROOT, "roster")?;
    autosurgeon::reconcile_prop(d, &roster, volunteer, entry)?;
    doc::commit(d, at, "enrol");
    Ok(())
}

/// A person puts themselves on the roster when their phone joins, so staff
/// and leads can assign them; a name already there (enrolled by staff) is
/// kept as it is.
pub fn introduce(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    display_name: &str,
    building: Option<&str>,
) -> Result<(), ModelError> {
    doc::check(d, DocKind::Community)?;
    let display_name = doc::required("display name", display_name)?;
    let roster = doc::child(d, &ROOT, "roster")?;
    if d.get(&roster, actor.person.as_str())?.is_some() {
        return Ok(());
    }
    let entry = RosterEntry {
        display_name,
        role: actor.role,
        source: None,
        building: building.map(str::to_owned),
    };
    autosurgeon::reconcile_prop(d, &roster, actor.person.as_str(), &entry)?;
    doc::commit(d, at, "introduce");
    Ok(())
}

/// A person changes the name the roster shows for them (after editing their
/// profile); only that field is written, so a concurrent change by staff to
/// their building or role is kept.
pub fn rename_self(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    display_name: &str,
) -> Result<(), ModelError> {
    doc::check(d, DocKind::Community)?;
    let display_name = doc::required("display name", display_name)?;
    let roster = doc::child(d, &ROOT, "roster")?;
    let current = read(d)?
        .roster
        .get(&actor.person)
        .map(|e| e.display_name.clone());
    let (Some(current), Some((_, entry))) = (current, d.get(&roster, actor.person.as_str())?)
    else {
        return Err(ModelError::NotFound {
            what: "roster entry",
            id: actor.person.clone(),
        });
    };
    if current == display_name {
        return Ok(());
    }
    d.put(&entry, "display_name", display_name.as_str())?;
    doc::commit(d, at, "rename");
    Ok(())
}

impl Community {
    /// The guideline's recommended categories for each building's current
    /// zone, with whether a post of that category exists.
    pub fn recommendations(&self, building: &str) -> Vec<(ServiceCategory, bool)> {
        let Some(zone) = self
            .buildings
            .get(building)
            .and_then(Building::current_zone)
        else {
            return Vec::new();
        };
        zone.zone
            .recommended()
            .iter()
            .map(|c| {
                (
                    *c,
                    self.posts.values().any(|p| !p.archived && p.category == *c),
                )
            })
            .collect()
    }

    /// Recognitions in force (not withdrawn), newest first.
    pub fn honour_roll(&self) -> Vec<&Recognition> {
        let withdrawn: std::collections::BTreeSet<&str> = self
            .recognitions
            .iter()
            .filter_map(|r| r.withdraws.as_deref())
            .collect();
        let mut out: Vec<&Recognition> = self
            .recognitions
            .iter()
            .filter(|r| r.withdraws.is_none() && !withdrawn.contains(r.id.as_str()))
            .collect();
        out.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
        out
    }

    /// A course's title, or its id when the catalogue lacks it.
    pub fn course_title(&self, id: &str) -> String {
        self.courses
            .get(id)
            .map_or_else(|| id.to_owned(), |c| c.title.clone())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn staff() -> Actor {
        Actor::seeded("staff-1", "phone-s", Role::Staff, 11)
    }

    #[test]
    fn a_joining_phone_introduces_itself_once_and_keeps_an_enrolment() {
        let mut d = create(&staff(), 0, "和平里").unwrap();
        let v = Actor::seeded("v-1", "phone-v", Role::Volunteer, 12);
        introduce(&mut d, &v, 1, " 小王 ", None).unwrap();
        introduce(&mut d, &v, 2, "别名", None).unwrap();
        let lead = Actor::seeded("l-1", "phone-l", Role::Lead, 13);
        introduce(&mut d, &lead, 3, "李阿姨", Some("b3")).unwrap();
        assert!(introduce(&mut d, &lead, 3, "  ", None).is_err());
        let c = read(&d).unwrap();
        assert_eq!(c.roster["v-1"].display_name, "小王");
        assert_eq!(c.roster["v-1"].role, Role::Volunteer);
        assert_eq!(c.roster["l-1"].building.as_deref(), Some("b3"));
    }

    #[test]
    fn a_person_renames_only_their_own_entry_and_keeps_staffs_changes() {
        let s = staff();
        let mut d = create(&s, 0, "和平里").unwrap();
        let v = Actor::seeded("v-1", "phone-v", Role::Volunteer, 14);
        assert!(matches!(
            rename_self(&mut d, &v, 1, "王小明"),
            Err(ModelError::NotFound { .. })
        ));
        introduce(&mut d, &v, 1, "小王", None).unwrap();
        let mut staff_copy = d.fork().with_actor(automerge::ActorId::random());
        let mut entry = read(&staff_copy).unwrap().roster["v-1"].clone();
        entry.building = Some("b3".into());
        enrol(&mut staff_copy, &s, 2, "v-1", &entry).unwrap();
        rename_self(&mut d, &v, 2, " 王小明 ").unwrap();
        assert!(rename_self(&mut d, &v, 3, " ").is_err());
        d.merge(&mut staff_copy).unwrap();
        let c = read(&d).unwrap();
        assert_eq!(c.roster["v-1"].display_name, "王小明");
        assert_eq!(c.roster["v-1"].building.as_deref(), Some("b3"));
    }

    pub(crate) fn sample_post() -> Post {
        Post {
            category: ServiceCategory::Delivery,
            title: "3号楼物资配送".into(),
            requirements: "身体健康".into(),
            content: "无接触配送到户".into(),
            headcount: 4,
            shift_start: "08:00".into(),
            shift_end: "12:00".into(),
            required_courses: vec!["g-protect-1".into()],
            requires_insurance: true,
            requires_agreement: false,
            building: None,
            archived: false,
        }
    }

    #[test]
    fn a_new_community_has_the_general_catalogue() {
        let d = create(&staff(), 1_000, "和平里社区").unwrap();
        let c = read(&d).unwrap();
        assert_eq!(c.name, "和平里社区");
        assert_eq!(c.utc_offset_minutes, 480);
        assert_eq!(c.courses.len(), GENERAL_CATALOGUE.len());
        assert_eq!(c.course_title("g-protect-2"), "如何正确佩戴口罩");
        assert!(create(&staff(), 1, "  ").is_err());
    }

    #[test]
    fn only_staff_change_the_community() {
        let mut d = create(&staff(), 1, "社区").unwrap();
        let lead = Actor::seeded("lead-1", "phone-l", Role::Lead, 2);
        assert!(matches!(
            add_building(&mut d, &lead, 2, "1号楼"),
            Err(ModelError::NotPermitted(Role::Lead))
        ));
        assert!(create(&lead, 1, "x").is_err());
    }

    #[test]
    fn zones_keep_their_history_and_recommend_categories() {
        let s = staff();
        let mut d = create(&s, 1, "社区").unwrap();
        let b = add_building(&mut d, &s, 2, "1号楼").unwrap();
        let d1 = Day::parse("2022-04-25").unwrap();
        let d2 = Day::parse("2022-05-01").unwrap();
        set_zone(&mut d, &s, 3, &b, Zone::Prevention, d1).unwrap();
        set_zone(&mut d, &s, 4, &b, Zone::Sealed, d2).unwrap();
        let c = read(&d).unwrap();
        let building = &c.buildings[&b];
        assert_eq!(building.zones.len(), 2);
        assert_eq!(building.current_zone().unwrap().zone, Zone::Sealed);
        assert_eq!(
            building.zone_on(Day(d2.0 - 1)).unwrap().zone,
            Zone::Prevention
        );
        assert!(building.zone_on(Day(d1.0 - 1)).is_none());
        let rec = c.recommendations(&b);
        assert_eq!(rec.len(), Zone::Sealed.recommended().len());
        assert!(rec.iter().all(|(_, staffed)| !staffed));

        add_post(&mut d, &s, 5, &sample_post()).unwrap();
        let rec = read(&d).unwrap().recommendations(&b);
        assert!(rec.contains(&(ServiceCategory::Delivery, true)));
        assert!(matches!(
            set_zone(&mut d, &s, 6, "nope", Zone::Sealed, d1),
            Err(ModelError::NotFound {
                what: "building",
                ..
            })
        ));
    }

    #[test]
    fn concurrent_zone_decisions_both_stay_and_pick_one_winner_everywhere() {
        let s1 = staff();
        let s2 = Actor::seeded("staff-2", "phone-t", Role::Staff, 12);
        let mut a = create(&s1, 1, "社区").unwrap();
        let b = add_building(&mut a, &s1, 2, "1号楼").unwrap();
        let mut other = doc::load(&a.save(), &s2).unwrap();
        let day = Day::parse("2022-05-01").unwrap();
        set_zone(&mut a, &s1, 10, &b, Zone::Sealed, day).unwrap();
        set_zone(&mut other, &s2, 11, &b, Zone::Controlled, day).unwrap();
        a.merge(&mut other).unwrap();
        other.merge(&mut a).unwrap();
        let (ca, co) = (read(&a).unwrap(), read(&other).unwrap());
        assert_eq!(ca.buildings[&b].zones.len(), 2);
        assert_eq!(
            ca.buildings[&b].current_zone(),
            co.buildings[&b].current_zone()
        );
        assert_eq!(
            ca.buildings[&b].current_zone().unwrap().zone,
            Zone::Controlled
        );
    }

    #[test]
    fn posts_are_validated_and_edited_field_by_field() {
        let s = staff();
        let mut d = create(&s, 1, "社区").unwrap();
        let mut bad = sample_post();
        bad.shift_end = "25:00".into();
        assert!(matches!(
            add_post(&mut d, &s, 2, &bad),
            Err(ModelError::Invalid(_))
        ));
        let mut unknown = sample_post();
        unknown.required_courses = vec!["no-such-course".into()];
        assert!(matches!(
            add_post(&mut d, &s, 2, &unknown),
            Err(ModelError::NotFound { .. })
        ));
        let id = add_post(&mut d, &s, 2, &sample_post()).unwrap();

        let s2 = Actor::seeded("staff-2", "phone-t", Role::Staff, 12);
        let mut other = doc::load(&d.save(), &s2).unwrap();
        let mut p1 = sample_post();
        p1.headcount = 6;
        edit_post(&mut d, &s, 3, &id, &p1).unwrap();
        let mut p2 = sample_post();
        p2.content = "分拣并配送".into();
        edit_post(&mut other, &s2, 4, &id, &p2).unwrap();
        d.merge(&mut other).unwrap();
        let post = &read(&d).unwrap().posts[&id];
        assert_eq!(post.headcount, 6);
        assert_eq!(post.content, "分拣并配送");
    }

    #[test]
    fn announcements_courses_and_roster() {
        let s = staff();
        let mut d = create(&s, 1, "社区").unwrap();
        announce(&mut d, &s, 2, "核酸检测通知", "明早7点").unwrap();
        assert!(announce(&mut d, &s, 2, "", "x").is_err());
        let course = add_course(&mut d, &s, 3, "岗位培训", "配送路线与无接触交接").unwrap();
        enrol(
            &mut d,
            &s,
            4,
            "vol-1",
            &RosterEntry {
                display_name: "王芳".into(),
                role: Role::Volunteer,
                source: Some(VolunteerSource::Resident),
                building: None,
            },
        )
        .unwrap();
        let c = read(&d).unwrap();
        assert_eq!(c.announcements[0].title, "核酸检测通知");
        assert_eq!(c.announcements[0].by, "staff-1");
        assert!(c.courses[&course].custom);
        assert_eq!(c.roster["vol-1"].display_name, "王芳");
        assert_eq!(minutes_of_day("08:30"), Some(510));
        assert_eq!(minutes_of_day("8:30"), None);
    }

    #[test]
    fn recognitions_are_staffs_and_can_be_withdrawn() {
        let s = staff();
        let mut d = create(&s, 0, "和平里").unwrap();
        let v = Actor::seeded("v-1", "phone-v", Role::Volunteer, 13);
        introduce(&mut d, &v, 1, "小王", None).unwrap();
        assert!(recognise(&mut d, &v, 2, "v-1", "连续送菜").is_err());
        assert!(recognise(&mut d, &s, 2, "nobody", "连续送菜").is_err());
        assert!(recognise(&mut d, &s, 2, "v-1", "  ").is_err());
        let first = recognise(&mut d, &s, 3, "v-1", "连续十天为独居老人送菜").unwrap();
        recognise(&mut d, &s, 4, "v-1", "夜里帮忙转运").unwrap();
        assert_eq!(read(&d).unwrap().honour_roll().len(), 2);
        withdraw_recognition(&mut d, &s, 5, &first).unwrap();
        let c = read(&d).unwrap();
        let roll = c.honour_roll();
        assert_eq!(roll.len(), 1);
        assert_eq!(roll[0].story, "夜里帮忙转运");
        assert!(
            withdraw_recognition(&mut d, &s, 6, &first).is_ok(),
            "still on record"
        );
    }
}
