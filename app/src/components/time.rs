//! Times as people read them on the phone: `14:05` today, `11-28 14:05`
//! before, in the phone's own time zone.

/// A time (ms since 1970) as `HH:MM`, with the date when not today.
pub fn clock_time(ms: f64) -> String {
    let d = js_sys::Date::new(&ms.into());
    let now = js_sys::Date::new_0();
    let hm = format!("{:02}:{:02}", d.get_hours(), d.get_minutes());
    if d.get_date() == now.get_date() && d.get_month() == now.get_month() {
        hm
    } else {
        format!("{:02}-{:02} {hm}", d.get_month() + 1, d.get_date())
    }
}
