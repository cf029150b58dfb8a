package config

import (
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// varRe matches a ${NAME} reference; NAME follows shell rules.
var varRe = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// noExpand lists fields whose text is not expanded: the message catalog
// has placeholders of its own, and a literal "${" in patient-facing wording
// must reach the patient as written.
var noExpand = map[string]bool{"messages": true}

// expandHospital replaces ${VAR} in every string of h after decoding, so a
// variable's value is only ever data: it cannot add YAML structure. A
// reference to an unset or empty variable is an error naming the variable
// and the field, never the value of anything.
func expandHospital(h *Hospital, getenv func(string) string, bad report) {
	expandValue(reflect.ValueOf(h).Elem(), nil, getenv, bad)
}

func expandValue(v reflect.Value, path []string, getenv func(string) string, bad report) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(expandString(v.String(), renderPath(path), getenv, bad))
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			name := yamlName(t.Field(i))
			if name == "" || noExpand[name] {
				continue
			}
			expandValue(v.Field(i), append(path, name), getenv, bad)
		}
	case reflect.Slice:
		for i := range v.Len() {
			expandValue(v.Index(i), append(path, "["+strconv.Itoa(i)+"]"), getenv, bad)
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		if v.Type().Elem().Kind() == reflect.Struct {
			// Map values are not addressable: expand a copy and put it back
			// (templates: {sid: ${VAR}}).
			for _, k := range keys {
				c := reflect.New(v.Type().Elem()).Elem()
				c.Set(v.MapIndex(k))
				expandValue(c, append(path, k.String()), getenv, bad)
				v.SetMapIndex(k, c)
			}
			return
		}
		if v.Type().Elem().Kind() != reflect.String {
			return
		}
		for _, k := range keys {
			s := expandString(v.MapIndex(k).String(), renderPath(append(path, k.String())), getenv, bad)
			v.SetMapIndex(k, reflect.ValueOf(s).Convert(v.Type().Elem()))
		}
	}
}

// yamlName is the key a struct field has in the file, "" when it has none.
func yamlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" || name == "" {
		return ""
	}
	return name
}

func expandString(s, field string, getenv func(string) string, bad report) string {
	if !strings.Contains(s, "${") {
		return s
	}
	out := varRe.ReplaceAllStringFunc(s, func(ref string) string {
		name := ref[2 : len(ref)-1]
		val := getenv(name)
		if val == "" {
			bad(field, "environment variable %s is unset or empty", name)
		}
		return val
	})
	if strings.Contains(varRe.ReplaceAllString(s, ""), "${") {
		bad(field, "malformed ${...} reference: want ${NAME} with letters, digits and _")
	}
	return out
}
