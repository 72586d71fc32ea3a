package web

import (
	"reflect"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/team"
)

// OpenAPI notes for the team and custom-role routes (openapi.go).
func teamAPIDocs() map[string]apiDoc {
	tm, jf, to, oo, cr := "Team", "Job families", "Time off", "1:1s", "Custom roles"
	return map[string]apiDoc{
		"GET /api/v2/team/members":                   {summary: "The roster (current members unless status=former|all), filtered by region, level_id, specialty, manager_id, query", tag: tm, result: "members", list: true, query: []string{"region", "level_id", "specialty", "manager_id", "status", "query"}},
		"GET /api/v2/team/members/{id}":              {summary: "Show a member (id is the user's id)", tag: tm, result: "member"},
		"POST /api/v2/team/members":                  {summary: "Put an agent on the roster (user_id), or a new agent (name, email)", tag: tm, body: "member", result: "member"},
		"PUT /api/v2/team/members/{id}":              {summary: "Update a member (admins, team.manage, or the member's manager chain); every rule is a 422 naming the field", tag: tm, body: "member", result: "member"},
		"GET /api/v2/team/members/{id}/availability": {summary: "Is the member working at ?at= (default now): working hours in their time zone, time off, regional holidays", tag: tm, result: "availability", query: []string{"at"}},
		"GET /api/v2/team/summary":                   {summary: "Headcount by region and level, IC:manager ratio overall, per region and per manager, span-of-control warnings", tag: tm, result: "summary"},
		"GET /api/v2/team/org_chart":                 {summary: "The reporting lines of the current members as a tree", tag: tm, result: "org_chart"},
		"GET /api/v2/team/roster":                    {summary: "Export the roster as CSV (an HR export's shape: one row per person, manager by email)", tag: tm, raw: "text/csv", query: []string{"region", "status"}},
		"POST /api/v2/team/roster":                   {summary: "Import a roster CSV (text/csv): all or nothing, every bad row reported by line; idempotent", tag: tm, result: "import"},
		"GET /api/v2/team/job_families":              {summary: "Job families with their levels (track, grade)", tag: jf, result: "job_families"},
		"GET /api/v2/team/job_families/{id}":         {summary: "Show a job family", tag: jf, result: "job_family"},
		"POST /api/v2/team/job_families":             {summary: "Add a job family", tag: jf, body: "job_family", result: "job_family"},
		"PUT /api/v2/team/job_families/{id}":         {summary: "Rename or reorder a job family", tag: jf, body: "job_family", result: "job_family"},
		"POST /api/v2/team/job_families/{id}/levels": {summary: "Add a level to a family", tag: jf, body: "level", result: "level"},
		"GET /api/v2/team/levels":                    {summary: "Every level", tag: jf, result: "levels"},
		"PUT /api/v2/team/levels/{id}":               {summary: "Change a level's name, track, grade (grades are configurable) or rank", tag: jf, body: "level", result: "level"},
		"DELETE /api/v2/team/levels/{id}":            {summary: "Delete a level nobody holds", tag: jf},
		"GET /api/v2/team/trainings":                 {summary: "The training catalog", tag: jf, result: "trainings"},
		"GET /api/v2/team/trainings/{id}":            {summary: "Show a training", tag: jf, result: "training"},
		"POST /api/v2/team/trainings":                {summary: "Add a training to the catalog", tag: jf, body: "training", result: "training"},
		"PUT /api/v2/team/trainings/{id}":            {summary: "Rename a training", tag: jf, body: "training", result: "training"},
		"DELETE /api/v2/team/trainings/{id}":         {summary: "Delete an admin-defined training nobody completed", tag: jf},
		"GET /api/v2/team/time_off":                  {summary: "Time off overlapping start_date..end_date, by member or region (reasons only for the member and their managers)", tag: to, result: "time_off", list: true, query: []string{"member_id", "region", "start_date", "end_date"}},
		"GET /api/v2/team/time_off/{id}":             {summary: "Show an entry", tag: to, result: "time_off"},
		"POST /api/v2/team/time_off":                 {summary: "Record time off (no approval: no ask, must tell); by the member, their managers or team.manage", tag: to, body: "time_off", result: "time_off"},
		"PUT /api/v2/team/time_off/{id}":             {summary: "Change an entry", tag: to, body: "time_off", result: "time_off"},
		"DELETE /api/v2/team/time_off/{id}":          {summary: "Delete an entry", tag: to},
		"GET /api/v2/team/one_on_ones":               {summary: "1:1s and skip-levels held by manager_id (default: you) or with member_id; notes only for the pair and the manager chain", tag: oo, result: "one_on_ones", list: true, query: []string{"member_id", "manager_id"}},
		"GET /api/v2/team/one_on_ones/{id}":          {summary: "Show a 1:1", tag: oo, result: "one_on_one"},
		"POST /api/v2/team/one_on_ones":              {summary: "Record a 1:1 you held (with a direct report) or a skip-level (with someone further down)", tag: oo, body: "one_on_one", result: "one_on_one"},
		"DELETE /api/v2/team/one_on_ones/{id}":       {summary: "Delete a 1:1 you recorded", tag: oo},
		"GET /api/v2/custom_roles":                   {summary: "Custom roles: named permission sets agents hold instead of the plain agent's", tag: cr, result: "custom_roles"},
		"GET /api/v2/custom_roles/{id}":              {summary: "Show a custom role", tag: cr, result: "custom_role"},
		"POST /api/v2/custom_roles":                  {summary: "Create a custom role (configuration keys not given take the plain agent's values)", tag: cr, body: "custom_role", result: "custom_role"},
		"PUT /api/v2/custom_roles/{id}":              {summary: "Update a custom role", tag: cr, body: "custom_role", result: "custom_role"},
		"DELETE /api/v2/custom_roles/{id}":           {summary: "Delete a custom role no agent holds", tag: cr},
	}
}

func teamEnvelopes() map[string]envelope {
	return map[string]envelope{
		"member":       {reflect.TypeOf(memberJSON{}), reflect.TypeOf(team.MemberInput{})},
		"availability": {reflect.TypeOf(team.Availability{}), nil},
		"summary":      {reflect.TypeOf(team.Summary{}), nil},
		"org_chart":    {reflect.TypeOf([]orgChartDoc{}), nil},
		"import":       {reflect.TypeOf(team.ImportResult{}), nil},
		"job_family":   {reflect.TypeOf(team.Family{}), reflect.TypeOf(team.FamilyInput{})},
		"job_families": {reflect.TypeOf([]team.Family{}), nil},
		"level":        {reflect.TypeOf(team.Level{}), reflect.TypeOf(team.LevelInput{})},
		"training":     {reflect.TypeOf(team.Training{}), reflect.TypeOf(team.TrainingInput{})},
		"time_off":     {reflect.TypeOf(team.TimeOff{}), reflect.TypeOf(team.TimeOffInput{})},
		"one_on_one":   {reflect.TypeOf(team.OneOnOne{}), reflect.TypeOf(team.OneOnOneInput{})},
		"custom_role":  {reflect.TypeOf(access.Role{}), reflect.TypeOf(access.RoleInput{})},
	}
}

// orgChartDoc describes orgChartNode without its recursion (reports are
// nodes of the same shape).
type orgChartDoc struct {
	team.Node
	Reports []map[string]any `json:"reports"`
	Size    int              `json:"size"`
}
