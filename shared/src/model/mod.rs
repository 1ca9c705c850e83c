//! Linli's data: typed Automerge documents and the operations people perform
//! on them. The words it shares with the sync engine (`Role`, `Scope`,
//! `Member`, `DocumentId`) come from [`crate::vocabulary`]; nothing here
//! imports [`crate::sync`].
//!
//! **Documents**, cut along who may see what (see `docs/design.md`):
//! - [`community`]: name, buildings and their zones, posts, announcements,
//!   the training catalogue, the public roster. Everyone in the community.
//! - [`ledger`]: one building's households, special groups and needs, and the
//!   welfare-check list. Staff and that building's leads only.
//! - [`round`]: one round of field work (delivery, disinfection, testing,
//!   patrol, welfare check, checkpoint shift): its stops and its event log.
//! - [`volunteer`]: one volunteer's profile, training, shifts and attendance.
//! - [`directory`]: which ledgers and rounds exist and for whom, kept in
//!   the community document.
//! - [`casebook`]: psychological-support follow-ups, for qualified volunteers
//!   and staff only.
//!
//! **Rules.** What a person records in the field is appended as an event
//! (who, device, when, what) and never overwritten; what the screens show is
//! derived from the events by a documented, tested rule: [`stop_status`],
//! [`need_status`], [`household_status`], [`training_status`] and
//! [`service_hours`]. Descriptive data (a household's note, a post's title)
//! are plain fields. A rule and its document import each other one way
//! only: the ledger's and the volunteer's events are defined in the rule that
//! folds them (the document stores them, and still names them), and
//! [`stop_status`] reads a whole round and gives it `Round::status` and
//! `Round::summary`. Rules over several documents: [`delivered_needs`] (what a
//! delivery's records say of the needs it carries), [`on_duty`] (who is on
//! duty now, and where), [`staffing`] (each post's gap on a day) and
//! [`field_work`] (overdue points, testing coverage, the need a welfare
//! check turns into).
//!
//! Guideline rules enforced by the operations: [`scheduling`] (不培训不上岗,
//! the 8-hour day, insurance and agreement), and [`casebook`] (psychological
//! support only for qualified volunteers).
//!
//! **What screens and files show**, computed from the documents:
//! [`progress`] (each building's field work and open needs on a day),
//! [`dashboard`] (the staff dashboard built on it), [`daily_summary`] (the
//! dashboard as a table to print or export), [`needs_report`] (every open
//! need, most urgent first), [`service_report`] (service hours as the city
//! volunteer platform takes them), [`household_table`] (the household ledger
//! as a spreadsheet: template, import, export), [`courses`] (the training
//! catalogue by section, and the courses posts require) and [`round_plan`]
//! (planning a round's stops from typed lines or from a ledger).
//!
//! **Plumbing**: [`actor`] (who acts, and fresh ids), [`doc`] (document
//! header and Automerge helpers), [`civil`] (calendar days without IO),
//! [`catalogue`] (the guideline's categories, zones, groups and training
//! catalogue, named in both languages), [`error`], and [`generate`] (a
//! realistic generated community for tests and benchmarks).

pub mod actor;
pub mod casebook;
pub mod catalogue;
pub mod civil;
pub mod community;
pub mod courses;
pub mod daily_summary;
pub mod dashboard;
pub mod delivered_needs;
pub mod directory;
pub mod doc;
pub mod error;
pub mod field_work;
pub mod generate;
pub mod hours_review;
pub mod household_status;
pub mod household_table;
pub mod ledger;
pub mod need_status;
pub mod needs_report;
pub mod on_duty;
pub mod progress;
pub mod round;
pub mod round_plan;
pub mod scheduling;
pub mod service_hours;
pub mod service_report;
pub mod staffing;
pub mod stop_status;
pub mod training_status;
pub mod volunteer;

pub use actor::{Actor, Role};
pub use error::ModelError;
