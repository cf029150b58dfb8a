package config

import (
	"errors"
	"fmt"
	"strings"
)

// problems collects everything wrong with a hospitals file so that one
// start-up attempt reports all of it. Every line names the file, the entry
// and the field, the three things an operator needs to find the mistake.
type problems struct {
	file string
	errs []error
}

// report records one problem with a field of the entry it was made for.
type report func(field, format string, args ...any)

func (p *problems) add(entry, field, msg string) {
	parts := []string{p.file}
	for _, s := range []string{entry, field} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	p.errs = append(p.errs, errors.New(strings.Join(append(parts, msg), ": ")))
}

// reporter binds report to one entry.
func (p *problems) reporter(entry string) report {
	return func(field, format string, args ...any) {
		p.add(entry, field, fmt.Sprintf(format, args...))
	}
}

func (p *problems) count() int { return len(p.errs) }

func (p *problems) err() error { return errors.Join(p.errs...) }

// entryLabel names hospitals[i] the way an operator finds it in the file:
// by position and, when it has one, by code.
func entryLabel(i int, code string) string {
	code = strings.TrimSpace(code)
	if code == "" {
		return fmt.Sprintf("hospitals[%d]", i)
	}
	return fmt.Sprintf("hospitals[%d] (code %q)", i, code)
}
