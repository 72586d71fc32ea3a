package oncall

import "time"

// Keys of the seeded schedules.
const (
	KeyCEOC  = "ceoc"
	KeyCMOC  = "cmoc"
	KeySMOC  = "support-manager-on-call"
	KeyUSGov = "us-government"
)

var (
	weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	weekend  = []time.Weekday{time.Saturday, time.Sunday}
)

// rotation starts of the seeds: a Monday, and a Tuesday for APAC ("APAC
// weeks run Tuesday to Monday").
const (
	seedMonday  = "2026-01-05"
	seedTuesday = "2026-01-06"
)

func seedLayer(name string, pos int, tz, start, handoff, region, track string, r ...Restriction) Layer {
	return Layer{Name: name, Position: pos, TZ: tz, TurnUnit: TurnWeekly, TurnCount: 1, StartDate: start, HandoffTime: handoff,
		Restrictions: r, Pool: Pool{Region: region, Track: track}}
}

// DefaultSchedules are the schedules a support department runs (the
// handbook's defaults, docs/adr/0017-oncall-schedules.md), without members:
// the quarter generator fills them from the roster by each layer's pool.
//   - Customer Emergency On-Call (CEOC), follow the sun in Europe/Amsterdam
//     time: EMEA 09-17 daily; APAC 01-05 and 05-09 (weeks Tuesday to
//     Monday); AMER 17-21 and 21-01 with separate weekday and weekend layers.
//   - Communications Manager On-Call (CMOC): managers, weekly, around the clock.
//   - Support Manager On-Call: 8-hour regional shifts (UTC 00-08 APAC, 08-16
//     EMEA, 16-24 AMER).
//   - US Government: Pacific time 05-11 and 11-17 on weekdays, staffed only by
//     members with the US Government specialty.
func DefaultSchedules() []Schedule {
	const ams, utc, pac = "Europe/Amsterdam", "UTC", "America/Los_Angeles"
	return []Schedule{
		{Key: KeyCEOC, Name: "Customer Emergency On-Call (CEOC)", TZ: ams,
			Description: "Follow the sun: EMEA 09:00-17:00, APAC 01:00-05:00 and 05:00-09:00, AMER 17:00-21:00 and 21:00-01:00 (Amsterdam time), weekday and weekend layers for AMER.",
			Layers: []Layer{
				seedLayer("EMEA", 1, ams, seedMonday, "09:00", "EMEA", "ic", Restriction{Start: "09:00", End: "17:00"}),
				seedLayer("APAC early", 2, ams, seedTuesday, "01:00", "APAC", "ic", Restriction{Start: "01:00", End: "05:00"}),
				seedLayer("APAC late", 3, ams, seedTuesday, "05:00", "APAC", "ic", Restriction{Start: "05:00", End: "09:00"}),
				seedLayer("AMER weekday early", 4, ams, seedMonday, "17:00", "AMER", "ic", Restriction{Weekdays: weekdays, Start: "17:00", End: "21:00"}),
				seedLayer("AMER weekday late", 5, ams, seedMonday, "21:00", "AMER", "ic", Restriction{Weekdays: weekdays, Start: "21:00", End: "01:00"}),
				seedLayer("AMER weekend early", 6, ams, seedMonday, "17:00", "AMER", "ic", Restriction{Weekdays: weekend, Start: "17:00", End: "21:00"}),
				seedLayer("AMER weekend late", 7, ams, seedMonday, "21:00", "AMER", "ic", Restriction{Weekdays: weekend, Start: "21:00", End: "01:00"}),
			}},
		{Key: KeyCMOC, Name: "Communications Manager On-Call (CMOC)", TZ: utc,
			Description: "Incident communications for the hosted product: status-page updates and hand-over notes; weekly, around the clock.",
			Layers: []Layer{
				seedLayer("CMOC", 1, utc, seedMonday, "08:00", "", "manager"),
			}},
		{Key: KeySMOC, Name: "Support Manager On-Call", TZ: utc,
			Description: "Escalations, concurrent emergencies and missed pages: 8-hour regional shifts.",
			Layers: []Layer{
				seedLayer("APAC managers", 1, utc, seedMonday, "00:00", "APAC", "manager", Restriction{Start: "00:00", End: "08:00"}),
				seedLayer("EMEA managers", 2, utc, seedMonday, "08:00", "EMEA", "manager", Restriction{Start: "08:00", End: "16:00"}),
				seedLayer("AMER managers", 3, utc, seedMonday, "16:00", "AMER", "manager", Restriction{Start: "16:00", End: "24:00"}),
			}},
		{Key: KeyUSGov, Name: "US Government", TZ: pac, RequiredSpecialty: "us_government",
			Description: "US Government customers: Pacific time 05:00-11:00 and 11:00-17:00 on weekdays; only members with the US Government specialty.",
			Layers: []Layer{
				seedLayer("Morning (Pacific)", 1, pac, seedMonday, "05:00", "", "", Restriction{Weekdays: weekdays, Start: "05:00", End: "11:00"}),
				seedLayer("Afternoon (Pacific)", 2, pac, seedMonday, "11:00", "", "", Restriction{Weekdays: weekdays, Start: "11:00", End: "17:00"}),
			}},
	}
}
