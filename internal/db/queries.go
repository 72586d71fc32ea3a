package db

import (
	"bufio"
	"fmt"
	"io/fs"
	"strings"
)

// Queries holds the named statements of one domain package, already chosen
// for the open engine.
//
// A .sql file holds blocks that start with a header comment:
//
//	-- name: GetUser
//	SELECT ... WHERE id = $1;
//
// Placeholders are $1, $2, ... on both engines (SQLite accepts them). Where a
// statement must differ, a second block names the engine and wins on it:
//
//	-- name: SearchUsers postgres
//
// A block may include another with {{Name}} (for a shared column list).
type Queries struct {
	byName map[string]string
}

// LoadQueries parses every .sql file matching pattern in fsys for dialect d.
func LoadQueries(d Dialect, fsys fs.FS, pattern string) (*Queries, error) {
	files, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no query files match %q", pattern)
	}
	q := &Queries{byName: map[string]string{}}
	specific := map[string]bool{}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		if err := q.parse(d, f, string(b), specific); err != nil {
			return nil, err
		}
	}
	for name := range q.byName {
		expanded, err := q.expand(name, 0)
		if err != nil {
			return nil, err
		}
		q.byName[name] = expanded
	}
	return q, nil
}

func (q *Queries) expand(name string, depth int) (string, error) {
	if depth > 8 {
		return "", fmt.Errorf("query %s: includes nest too deeply", name)
	}
	src := q.byName[name]
	var out strings.Builder
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			out.WriteString(src)
			return out.String(), nil
		}
		j := strings.Index(src[i:], "}}")
		if j < 0 {
			return "", fmt.Errorf("query %s: unclosed {{", name)
		}
		ref := strings.TrimSpace(src[i+2 : i+j])
		if _, ok := q.byName[ref]; !ok {
			return "", fmt.Errorf("query %s includes unknown query %q", name, ref)
		}
		inner, err := q.expand(ref, depth+1)
		if err != nil {
			return "", err
		}
		out.WriteString(src[:i])
		out.WriteString(inner)
		src = src[i+j+2:]
	}
}

// MustLoadQueries is LoadQueries for embedded files, which cannot fail at run
// time once the tests pass.
func MustLoadQueries(d Dialect, fsys fs.FS, pattern string) *Queries {
	q, err := LoadQueries(d, fsys, pattern)
	if err != nil {
		panic(err)
	}
	return q
}

func (q *Queries) parse(d Dialect, file, src string, specific map[string]bool) error {
	var name, engine string
	var body strings.Builder
	line := 0
	flush := func() error {
		if name == "" {
			return nil
		}
		sqlText := trimTrailingComments(body.String())
		sqlText = strings.TrimSuffix(sqlText, ";")
		if sqlText == "" {
			return fmt.Errorf("%s: query %s is empty", file, name)
		}
		switch {
		case engine == "":
			if _, dup := q.byName[name]; dup && !specific[name] {
				return fmt.Errorf("%s: query %s defined twice", file, name)
			}
			if !specific[name] {
				q.byName[name] = sqlText
			}
		case Dialect(engine) == d:
			q.byName[name] = sqlText
			specific[name] = true
		case Dialect(engine) != SQLite && Dialect(engine) != Postgres:
			return fmt.Errorf("%s: query %s names unknown engine %q", file, name, engine)
		}
		body.Reset()
		return nil
	}
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line++
		text := sc.Text()
		if rest, ok := strings.CutPrefix(strings.TrimSpace(text), "-- name:"); ok {
			if err := flush(); err != nil {
				return err
			}
			fields := strings.Fields(rest)
			if len(fields) == 0 || len(fields) > 2 {
				return fmt.Errorf("%s:%d: bad query header %q", file, line, text)
			}
			name, engine = fields[0], ""
			if len(fields) == 2 {
				engine = fields[1]
			}
			continue
		}
		if name != "" {
			body.WriteString(text)
			body.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return flush()
}

// trimTrailingComments drops the comment lines that end a block (they
// introduce the next one), so that a block used as a fragment, with text
// appended to its last line, never ends inside a comment.
func trimTrailingComments(body string) string {
	lines := strings.Split(strings.TrimSpace(body), "\n")
	for len(lines) > 0 {
		last := strings.TrimSpace(lines[len(lines)-1])
		if last != "" && !strings.HasPrefix(last, "--") {
			break
		}
		lines = lines[:len(lines)-1]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// Get returns the named statement; an unknown name is a programming error.
func (q *Queries) Get(name string) string {
	s, ok := q.byName[name]
	if !ok {
		panic("db: unknown query " + name)
	}
	return s
}

// Names lists the loaded statement names (for tests).
func (q *Queries) Names() []string {
	out := make([]string, 0, len(q.byName))
	for k := range q.byName {
		out = append(out, k)
	}
	return out
}
