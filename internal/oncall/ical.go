package oncall

import (
	"fmt"
	"strings"
	"time"
)

// ICalEvent is one shift in a calendar feed.
type ICalEvent struct {
	ScheduleID  int64
	UserID      int64
	Start, End  time.Time
	Summary     string
	Description string
}

// UID is the event's stable id: the same shift (schedule, member, start)
// keeps its id from one fetch of the feed to the next, so calendar apps
// update instead of duplicating.
func (e ICalEvent) UID(host string) string {
	return fmt.Sprintf("oncall-%d-%d-%d@%s", e.ScheduleID, e.UserID, e.Start.Unix(), host)
}

// icalText escapes a TEXT value (RFC 5545 3.3.11).
func icalText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// fold writes one content line folded at 75 octets (RFC 5545 3.1),
// without splitting a UTF-8 sequence.
func fold(b *strings.Builder, line string) {
	for len(line) > 75 {
		cut := 75
		for cut > 0 && line[cut]&0xC0 == 0x80 {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}

func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// ICal renders a VCALENDAR of events (times in UTC, which every client
// places correctly whatever its zone). host makes the event ids unique.
func ICal(name, host string, now time.Time, events []ICalEvent) string {
	var b strings.Builder
	for _, l := range []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Frontline//On-call schedules//EN", "CALSCALE:GREGORIAN",
		"METHOD:PUBLISH", "X-WR-CALNAME:" + icalText(name), "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H"} {
		fold(&b, l)
	}
	for _, e := range events {
		fold(&b, "BEGIN:VEVENT")
		fold(&b, "UID:"+e.UID(host))
		fold(&b, "DTSTAMP:"+icalTime(now))
		fold(&b, "DTSTART:"+icalTime(e.Start))
		fold(&b, "DTEND:"+icalTime(e.End))
		fold(&b, "SUMMARY:"+icalText(e.Summary))
		if e.Description != "" {
			fold(&b, "DESCRIPTION:"+icalText(e.Description))
		}
		fold(&b, "TRANSP:OPAQUE")
		fold(&b, "END:VEVENT")
	}
	fold(&b, "END:VCALENDAR")
	return b.String()
}
