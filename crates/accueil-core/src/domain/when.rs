//! How dates and times are written for people, once: French order, as
//! every screen, report, document and message shows them. (Machine
//! formats — ISO 8601 in files and on the wire — are jiff's own.)

/// `28/09/2022`
pub const DATE: &str = "%d/%m/%Y";
/// `28/09`: a day of the event, whose year is plain.
pub const DAY_MONTH: &str = "%d/%m";
/// `09:30`
pub const TIME: &str = "%H:%M";
/// `28/09/2022 09:30`
pub const DATE_TIME: &str = "%d/%m/%Y %H:%M";
/// `28/09 09:30`
pub const DAY_MONTH_TIME: &str = "%d/%m %H:%M";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_people_read() {
        let at: jiff::civil::DateTime = "2022-09-28T09:05".parse().unwrap();
        let shown = |f: &str| at.strftime(f).to_string();
        assert_eq!(shown(DATE), "28/09/2022");
        assert_eq!(shown(DAY_MONTH), "28/09");
        assert_eq!(shown(TIME), "09:05");
        assert_eq!(shown(DATE_TIME), "28/09/2022 09:05");
        assert_eq!(shown(DAY_MONTH_TIME), "28/09 09:05");
    }
}
