//! The community's training catalogue as screens show it: by section
//! (attachment 2's in the guideline's order, then the community's own), the
//! posts a course opens, and the courses open posts require (不培训不上岗).

use std::collections::BTreeSet;

use super::{
    catalogue::GENERAL_CATALOGUE,
    community::{Community, Course},
};

/// A section of the catalogue as shown: its name and its courses (id, course)
/// in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub name: String,
    /// Added by the community, not from attachment 2.
    pub custom: bool,
    pub courses: Vec<(String, Course)>,
}

/// The catalogue by section: attachment 2's sections in the guideline's
/// order, then the community's own sections by name, courses by title.
pub fn sections(c: &Community) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for g in GENERAL_CATALOGUE {
        let Some(course) = c.courses.get(g.id) else {
            continue;
        };
        if course.custom {
            continue;
        }
        match out.last_mut() {
            Some(s) if s.name == course.section && !s.custom => {
                s.courses.push((g.id.to_owned(), course.clone()))
            }
            _ => out.push(Section {
                name: course.section.clone(),
                custom: false,
                courses: vec![(g.id.to_owned(), course.clone())],
            }),
        }
    }
    // Anything else (the community's own, or a general course this app does
    // not know yet) is listed after, by section and title.
    let mut rest: Vec<(&String, &Course)> = c
        .courses
        .iter()
        .filter(|(id, course)| {
            course.custom || !GENERAL_CATALOGUE.iter().any(|g| g.id == id.as_str())
        })
        .collect();
    rest.sort_by(|a, b| (&a.1.section, &a.1.title, a.0).cmp(&(&b.1.section, &b.1.title, b.0)));
    for (id, course) in rest {
        match out.last_mut() {
            Some(s) if s.custom && s.name == course.section => {
                s.courses.push((id.clone(), course.clone()))
            }
            _ => out.push(Section {
                name: course.section.clone(),
                custom: true,
                courses: vec![(id.clone(), course.clone())],
            }),
        }
    }
    out
}

/// The open posts that require a course, as (post id, title).
pub fn posts_requiring(c: &Community, course: &str) -> Vec<(String, String)> {
    c.posts
        .iter()
        .filter(|(_, p)| !p.archived && p.required_courses.iter().any(|x| x == course))
        .map(|(id, p)| (id.clone(), p.title.clone()))
        .collect()
}

/// Courses some open post requires (不培训不上岗), in catalogue order.
pub fn required_courses(c: &Community) -> Vec<String> {
    let wanted: BTreeSet<&String> = c
        .posts
        .values()
        .filter(|p| !p.archived)
        .flat_map(|p| &p.required_courses)
        .collect();
    wanted.into_iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Actor, Role,
        catalogue::ServiceCategory,
        community::{self, Post},
    };

    fn community_with_posts() -> (Community, String) {
        let staff = Actor::new("s", "s", Role::Staff);
        let mut d = community::create(&staff, 1, "和平里").unwrap();
        let own = community::add_course(&mut d, &staff, 2, "岗位专项", "测温枪使用").unwrap();
        let c = community::read(&d).unwrap();
        let general = GENERAL_CATALOGUE[0].id.to_owned();
        let post = |title: &str, courses: Vec<String>, archived: bool| Post {
            category: ServiceCategory::Checkpoint,
            title: title.into(),
            requirements: String::new(),
            content: String::new(),
            headcount: 1,
            shift_start: "08:00".into(),
            shift_end: "12:00".into(),
            required_courses: courses,
            requires_insurance: false,
            requires_agreement: false,
            building: None,
            archived,
        };
        let open = community::add_post(
            &mut d,
            &staff,
            3,
            &post("北门", vec![general.clone(), own.clone()], false),
        )
        .unwrap();
        let closed = community::add_post(
            &mut d,
            &staff,
            4,
            &post("旧岗", vec![general.clone()], false),
        )
        .unwrap();
        community::edit_post(
            &mut d,
            &staff,
            5,
            &closed,
            &post("旧岗", vec![general.clone()], true),
        )
        .unwrap();
        let _ = (c, open);
        (community::read(&d).unwrap(), own)
    }

    #[test]
    fn attachment_two_comes_first_in_its_order_then_the_communitys_own() {
        let (c, own) = community_with_posts();
        let s = sections(&c);
        assert!(!s.is_empty());
        let last = s.last().unwrap();
        assert!(last.custom);
        assert_eq!(last.courses[0].0, own);
        assert!(s[..s.len() - 1].iter().all(|x| !x.custom));
        let general: Vec<&str> = s
            .iter()
            .filter(|x| !x.custom)
            .flat_map(|x| x.courses.iter().map(|(id, _)| id.as_str()))
            .collect();
        let order: Vec<&str> = GENERAL_CATALOGUE
            .iter()
            .map(|g| g.id)
            .filter(|id| general.contains(id))
            .collect();
        assert_eq!(general, order, "attachment 2's order");
    }

    #[test]
    fn only_open_posts_require_courses() {
        let (c, own) = community_with_posts();
        let general = GENERAL_CATALOGUE[0].id.to_owned();
        let required = required_courses(&c);
        assert!(required.contains(&own) && required.contains(&general));
        assert_eq!(required.len(), 2);
        let opens: Vec<String> = posts_requiring(&c, &general)
            .into_iter()
            .map(|(_, title)| title)
            .collect();
        assert_eq!(
            opens,
            vec!["北门".to_owned()],
            "the archived post is left out"
        );
    }
}
