package team

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseRosterReportsEveryBadLine(t *testing.T) {
	file := "Work Email,Full Name,Job Title,Grade,Location,Timezone,Manager Email,Hire Date,Termination Date,Specialties,Skills,US Citizen\n" +
		"vera@x.example,Vera VP,VP of Support,,AMER,America/New_York,,2020-01-06,,,,no\n" + // line 2: good
		"not-an-email,Bad Email,Support Engineer,6,AMER,UTC,vera@x.example,,,,,\n" + // 3
		"ann@x.example,,Support Engineer,6,Mars,Nowhere/Zone,vera at x,2026-13-01,,wizard,,maybe\n" + // 4
		"bob@x.example,Bob,Support Engineer,6,EMEA,Europe/Berlin,bob@x.example,2026-02-01,2026-01-01,ASE;US Government,Git; Linux ,yes\n" + // 5
		"vera@X.example,Vera Again,VP of Support,,AMER,UTC,,,,,,\n" + // 6: duplicate email
		"short,row\n" // 7
	rows, problems := ParseRoster(strings.NewReader(file))
	if len(rows) != 5 { // the short line 7 cannot be read as a row
		t.Errorf("%d rows read", len(rows))
	}
	byLine := map[int][]string{}
	for _, p := range problems {
		byLine[p.Line] = append(byLine[p.Line], p.Problem)
	}
	want := map[int][]string{
		3: {`email "not-an-email"`},
		4: {"name can't be blank", `region "MARS"`, `time_zone "Nowhere/Zone"`, `manager_email "vera at x"`, `start_date "2026-13-01"`, `specialty "wizard"`, `verified_us_citizen "maybe"`},
		5: {"end_date is before start_date", "manager_email is the person themself"},
		6: {"is already on line 2"},
		7: {"has 2 fields; the header has 12"},
	}
	for line, ws := range want {
		got := strings.Join(byLine[line], " | ")
		for _, w := range ws {
			if !strings.Contains(got, w) {
				t.Errorf("line %d: %q lacks %q", line, got, w)
			}
		}
	}
	if len(byLine[2]) != 0 {
		t.Errorf("good line 2 reported: %v", byLine[2])
	}
	for i := 1; i < len(problems); i++ {
		if problems[i].Line < problems[i-1].Line {
			t.Errorf("problems not in line order: %v", problems)
		}
	}
}

func TestParseRosterHeaderAndShapes(t *testing.T) {
	for name, c := range map[string]struct {
		file, want string
	}{
		"empty":          {"", "the file is empty"},
		"unknown column": {"email,name,title,region,shoe size\n", `unknown column "shoe size"`},
		"missing column": {"email,name,region\n", `required column "title"`},
		"twice":          {"email,name,title,region,Work Email\n", `column "email" appears twice`},
		"no rows":        {"email,name,title,region\n", "no rows"},
		"broken quotes":  {"email,name,title,region\na@x.example,\"A,Support Engineer,AMER\n", "not valid CSV"},
	} {
		_, problems := ParseRoster(strings.NewReader(c.file))
		if len(problems) == 0 || !strings.Contains(problems[0].String(), c.want) {
			t.Errorf("%s: %v, want %q", name, problems, c.want)
		}
	}
	rows, problems := ParseRoster(strings.NewReader("\ufeffEmail,Name,Title,Region,Specialties,Skills\r\n" +
		"a@x.example,\"Ann, Jr.\",senior support engineer,emea,assigned support engineer; shift,\"Kubernetes;Git\"\r\n\r\n"))
	if len(problems) != 0 || len(rows) != 1 {
		t.Fatalf("%v %v", rows, problems)
	}
	r := rows[0]
	if r.Name != "Ann, Jr." || r.Region != "EMEA" || r.Line != 2 || strings.Join(*r.Specialties, ",") != "assigned_support_engineer,shift" ||
		strings.Join(*r.Skills, ",") != "Kubernetes,Git" || r.TimeZone != nil || r.ManagerEmail != nil || r.VerifiedCitizen != nil {
		t.Errorf("row %+v", r)
	}
}

func TestWriteRosterRoundTrips(t *testing.T) {
	g := 7
	mgr := int64(1)
	start := "2024-05-06"
	members := []Member{
		{ID: 1, Email: "vera@x.example", Name: "Vera", Title: "VP of Support", Region: "AMER", TimeZone: "America/New_York", Specialties: []string{}, Skills: []string{}},
		{ID: 2, Email: "sam@x.example", Name: "=HYPERLINK(\"x\")", Title: "Senior Support Engineer", Grade: &g, Region: "EMEA",
			TimeZone: "Europe/Berlin", ManagerID: &mgr, StartDate: &start, Specialties: []string{SpecialtyASE}, Skills: []string{"Git", "Linux"},
			VerifiedCitizenship: true},
	}
	var buf bytes.Buffer
	if err := WriteRoster(&buf, members, func(id int64) string { return members[id-1].Email }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"'=HYPERLINK(""x"")"`) {
		t.Errorf("formula not neutralised:\n%s", buf.String())
	}
	rows, problems := ParseRoster(&buf)
	if len(problems) != 0 || len(rows) != 2 {
		t.Fatalf("%v %v", rows, problems)
	}
	r := rows[1]
	if r.Name != "=HYPERLINK(\"x\")" || *r.ManagerEmail != "vera@x.example" || *r.Grade != "7" || *r.StartDate != "2024-05-06" ||
		*r.EndDate != "" || !*r.VerifiedCitizen || (*r.Specialties)[0] != SpecialtyASE || len(*r.Skills) != 2 {
		t.Errorf("round trip %+v", r)
	}
}
