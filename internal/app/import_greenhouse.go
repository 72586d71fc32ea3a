package app

import (
	"context"
	"fmt"
	"os"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/hiring"
)

// cmdImportGreenhouse loads Greenhouse Harvest export files into the
// hiring module (hiring.Store.ImportGreenhouse): all or nothing, reporting
// every record it cannot map with its file and line.
func cmdImportGreenhouse(ctx context.Context, args []string, env Env) error {
	a, files, err := setup(ctx, "import greenhouse", args, env, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if len(files) == 0 {
		return usageError{"import greenhouse needs at least one Harvest JSON file (jobs.json, openings.json, candidates.json, applications.json, scorecards.json)"}
	}
	var in []hiring.GHFile
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		in = append(in, hiring.GHFile{Name: name, Data: b})
	}
	rep, err := a.Hiring.ImportGreenhouse(ctx, audit.System(), in)
	if rep != nil {
		printGreenhouseReport(env, rep)
	}
	return err
}

func printGreenhouseReport(env Env, rep *hiring.GHReport) {
	kinds := []string{"jobs", "openings", "candidates", "applications", "scorecards"}
	if len(rep.Problems) == 0 {
		fmt.Fprintln(env.Stdout, "Imported:")
		for _, k := range kinds {
			fmt.Fprintf(env.Stdout, "  %-13s %6d created, %6d already imported\n", k, rep.Created[k], rep.Skipped[k])
		}
		return
	}
	fmt.Fprintf(env.Stdout, "Not imported: %d records cannot be mapped:\n", len(rep.Problems))
	for _, p := range rep.Problems {
		fmt.Fprintln(env.Stdout, "  "+p.String())
	}
}
