package hiring

// DefaultPipelines are the role pipelines of the handbook's job-family pages,
// seeded once and editable afterwards.
func DefaultPipelines() []Pipeline {
	st := func(name, kind string, minutes int, focus []string, questions []string, knockout string) Stage {
		return Stage{Name: name, Kind: kind, DurationMinutes: minutes, Kit: Kit{Focus: focus, Questions: questions}, Knockout: knockout}
	}
	screen := st("Recruiter screen", KindScreen, 40, []string{"Motivation", "Logistics", "Compensation expectations"},
		[]string{"Why support, and why here?", "What are your location and start-date constraints?"}, "")
	refs := st("References", KindReferences, 0, []string{"Reference quality"},
		[]string{"At least two references, one a manager; a third if they conflict; no backchannel references."}, "fewer than two references or none a manager")
	offer := st("Offer", KindOffer, 0, nil, nil, "")
	return []Pipeline{
		{Key: "support-engineer", Name: "Support Engineer", Stages: []Stage{
			st("Technical assessment", KindAssessment, 0, []string{"Technical accuracy", "Written English", "Customer empathy"},
				[]string{"Customer scenarios and technical questions; reviewed blind (candidate number only)."}, "assessment not completed within 6 days"),
			screen,
			st("Technical interview", KindTechnical, 90, []string{"Troubleshooting", "Linux and Git", "Customer scenarios"},
				[]string{"Live break-fix and bug-fix scenarios over SSH.", "Walk through a customer scenario."}, "a failed technical interview cancels the behavioural panel"),
			st("Behavioural panel", KindPanel, 60, []string{"Collaboration", "Results", "Efficiency", "Diversity, inclusion and belonging", "Iteration", "Transparency"},
				[]string{"Tell us about a difficult customer conversation.", "Tell us about a time you changed your mind."}, ""),
			st("Senior Manager / Director interview", KindInterview, 60, []string{"Values alignment", "Career goals"}, nil, ""),
			refs, offer,
		}},
		{Key: "support-manager", Name: "Support Manager", Stages: []Stage{
			screen,
			st("Questionnaire", KindAssessment, 0, []string{"Management judgement"}, []string{"A short written questionnaire."}, ""),
			st("Peer behavioural panel", KindPanel, 60, []string{"Coaching", "Collaboration", "Results"}, nil, ""),
			st("Technical interview", KindTechnical, 90, []string{"Troubleshooting", "Customer scenarios"}, nil, "if the technical interview is not passed, the behavioural interview is cancelled"),
			st("Hiring manager interview", KindInterview, 60, []string{"People management", "Hiring"}, nil, ""),
			st("VP of Customer Support interview", KindInterview, 60, []string{"Values alignment"}, nil, ""),
			refs, offer,
		}},
		{Key: "director", Name: "Director of Support", Stages: []Stage{
			screen,
			st("Questionnaire", KindAssessment, 0, []string{"Strategy"}, nil, ""),
			st("Peer behavioural panel", KindPanel, 60, []string{"Leadership", "Collaboration"}, nil, ""),
			st("Senior Support Managers interview", KindInterview, 90, []string{"Organisation design", "Metrics"}, nil, ""),
			st("VP of Customer Support interview", KindInterview, 60, []string{"Values alignment"}, nil, ""),
			refs, offer,
		}},
		{Key: "support-operations", Name: "Support Operations", Stages: []Stage{
			screen,
			st("Assessment", KindAssessment, 0, []string{"Zendesk administration", "Process design"}, nil, ""),
			st("Support Engineering Manager interview", KindInterview, 45, []string{"Collaboration"}, nil, ""),
			st("Director of Support interview", KindInterview, 45, []string{"Results"}, nil, ""),
			st("VP of Engineering interview", KindInterview, 45, []string{"Values alignment"}, nil, ""),
			refs, offer,
		}},
	}
}
