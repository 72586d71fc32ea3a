package app

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
)

func cmdConfigExport(ctx context.Context, args []string, env Env) error {
	var to string
	a, rest, err := setup(ctx, "config export", args, env, func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "file to write (default: standard output)")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("config export takes no arguments (got %q)", rest[0])}
	}
	doc, err := a.ExportConfig(ctx)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if to == "" {
		_, err = env.Stdout.Write(b)
		return err
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		return err
	}
	n := 0
	for _, objs := range doc.Objects {
		n += len(objs)
	}
	fmt.Fprintf(env.Stdout, "configuration written to %s: %d objects\n", to, n)
	return nil
}

func cmdConfigImport(ctx context.Context, args []string, env Env) error {
	var apply bool
	a, rest, err := setup(ctx, "config import", args, env, func(fs *flag.FlagSet) {
		fs.BoolVar(&apply, "apply", false, "make the changes (without it, only show them)")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) != 1 {
		return usageError{"config import needs exactly one file: frontline config import [--apply] FILE"}
	}
	b, err := os.ReadFile(rest[0])
	if err != nil {
		return err
	}
	var doc ConfigDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("%s is not a configuration export: %v", rest[0], err)
	}
	if !apply {
		plan, err := a.PlanConfig(ctx, &doc)
		if err != nil {
			return err
		}
		WritePlan(env.Stdout, plan)
		if len(plan.Missing) > 0 {
			return fmt.Errorf("%d references do not exist here; create them (or fix the file) before --apply", len(plan.Missing))
		}
		fmt.Fprintln(env.Stdout, "dry run: nothing changed; run again with --apply to import")
		return nil
	}
	plan, err := a.ApplyConfig(ctx, &doc)
	if plan != nil {
		WritePlan(env.Stdout, plan)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "imported")
	return nil
}

// cmdAuditVerify seals what is not sealed yet and verifies the audit chain;
// a broken chain is an error (exit status 1) naming the first bad entry.
func cmdAuditVerify(ctx context.Context, args []string, env Env) error {
	a, rest, err := setup(ctx, "audit verify", args, env, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("audit verify takes no arguments (got %q)", rest[0])}
	}
	v, err := a.Audit.Verify(ctx)
	if err != nil {
		return err
	}
	if !v.Intact() { // never seal on top of a broken chain
		return fmt.Errorf("%s", v)
	}
	for {
		n, err := a.Audit.Seal(ctx, 5000)
		if err != nil {
			return err
		}
		if n < 5000 {
			break
		}
	}
	if v, err = a.Audit.Verify(ctx); err != nil {
		return err
	}
	if !v.Intact() {
		return fmt.Errorf("%s", v)
	}
	fmt.Fprintln(env.Stdout, v.String())
	return nil
}
