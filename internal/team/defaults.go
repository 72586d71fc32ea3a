package team

// DefaultFamily is a job family as seeded from the handbook.
type DefaultFamily struct {
	Name   string
	Levels []DefaultLevel
}

// DefaultLevel is a seeded level; Grade 0 means the handbook gives none.
type DefaultLevel struct {
	Name  string
	Track string
	Grade int
}

// DefaultFamilies are the job families and levels of the handbook's Support
// Engineer, Support Management and Support Operations pages, lowest level
// first. Grades are the handbook's; the directors and the VP have none
// (admins set them). The Director of Support Readiness leads Support
// Operations but is listed, as in the handbook, with Support Management.
func DefaultFamilies() []DefaultFamily {
	return []DefaultFamily{
		{Name: "Support Engineering", Levels: []DefaultLevel{
			{"Customer Support Representative", TrackIC, 5},
			{"Associate Support Engineer", TrackIC, 5},
			{"Support Engineer", TrackIC, 6},
			{"Senior Support Engineer", TrackIC, 7},
			{"Staff Support Engineer", TrackIC, 8},
		}},
		{Name: "Support Management", Levels: []DefaultLevel{
			{"Manager, Support Engineering", TrackManager, 8},
			{"Senior Manager, Support Engineering", TrackManager, 9},
			{"Director of Support", TrackManager, 0},
			{"Director of Support Readiness", TrackManager, 0},
			{"VP of Support", TrackManager, 0},
		}},
		{Name: "Support Operations", Levels: []DefaultLevel{
			{"Support Operations Specialist", TrackIC, 6},
			{"Manager, Support Operations", TrackManager, 8},
		}},
	}
}

// DefaultTrainings are the catalog's built-in trainings: the ones the
// hiring handbook requires before someone reviews assessments, interviews
// technically, or interviews at all.
func DefaultTrainings() []Training {
	return []Training{
		{Key: "stage-1-assessment-review", Name: "Stage 1 Assessment Review", Builtin: true,
			Description: "Qualifies to review candidates' take-home technical assessments."},
		{Key: "stage-2-technical-interview", Name: "Stage 2 Technical Interview", Builtin: true,
			Description: "Qualifies to run the 90-minute technical interview."},
		{Key: "interview-training", Name: "Interview training", Builtin: true,
			Description: "The company's interviewing course; required before joining any interview panel."},
	}
}
