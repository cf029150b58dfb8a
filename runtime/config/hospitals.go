package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v3"
)

// hospitalsFile is the top level of the hospitals YAML file.
type hospitalsFile struct {
	Hospitals []Hospital `yaml:"hospitals"`
}

// LoadHospitals reads and validates the hospitals YAML file at path
// (CONTRACT §1): unknown fields are errors, ${VAR} references are expanded
// from getenv (a nil getenv reads the process environment), defaults are
// filled in (timezone, languages, emr.timeout, active) and Location is
// loaded. Every problem is reported, one per line, as
// `file: hospitals[i] (code "x"): field: what is wrong`; no secret value is
// quoted.
func LoadHospitals(path string, getenv func(string) string) ([]Hospital, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read hospitals file: %w", err)
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	return parseHospitals(path, raw, getenv)
}

// parseHospitals runs the stages in order and stops after the first that
// fails: checking values that did not decode or expand would only add
// confusing follow-up errors.
func parseHospitals(name string, raw []byte, getenv func(string) string) ([]Hospital, error) {
	p := &problems{file: name}
	hospitals := decodeHospitals(p, raw)
	if p.count() > 0 {
		return nil, p.err()
	}
	labels := make([]string, len(hospitals))
	for i := range hospitals {
		labels[i] = entryLabel(i, hospitals[i].Code)
		expandHospital(&hospitals[i], getenv, p.reporter(labels[i]))
	}
	if p.count() > 0 {
		return nil, p.err()
	}
	for i := range hospitals {
		validateHospital(&hospitals[i], p.reporter(labels[i]))
	}
	checkUnique(hospitals, labels, p)
	if p.count() > 0 {
		return nil, p.err()
	}
	return hospitals, nil
}

// decodeHospitals decodes strictly (KnownFields) and turns yaml's
// line-numbered type errors into entry and field names with the help of
// the parsed node tree.
func decodeHospitals(p *problems, raw []byte) []Hospital {
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		p.add("", "", err.Error())
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var f hospitalsFile
	err := dec.Decode(&f)
	var typeErr *yaml.TypeError
	switch {
	case errors.Is(err, io.EOF):
		p.add("", "hospitals", "at least one hospital is required (the file is empty)")
		return nil
	case errors.As(err, &typeErr):
		for _, msg := range typeErr.Errors {
			entry, field, text := locate(&root, msg, f.Hospitals)
			p.add(entry, field, text)
		}
		return nil
	case err != nil:
		p.add("", "", err.Error())
		return nil
	}
	if err := dec.Decode(new(yaml.Node)); !errors.Is(err, io.EOF) {
		p.add("", "", "more than one YAML document; list every hospital under one `hospitals:` key")
		return nil
	}
	if len(f.Hospitals) == 0 {
		p.add("", "hospitals", "at least one hospital is required")
	}
	return f.Hospitals
}
