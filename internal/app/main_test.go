package app

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"testing"
)

// runMainEnv makes the test binary act as the frontline binary: measures
// of `frontline bench` that start `serve` as a subprocess (os.Executable)
// run this binary with the variable set.
const runMainEnv = "FRONTLINE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Main(ctx, os.Args[1:], Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}
