package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yaml's type errors only carry a line number and Go type names; these
// patterns recover which key or value each one is about.
var (
	lineRe        = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownKeyRe  = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	setTwiceRe    = regexp.MustCompile(`^field (\S+) already set in type \S+$`)
	dupMapKeyRe   = regexp.MustCompile(`^mapping key "(.*)" already defined at line (\d+)$`)
	cannotDecodRe = regexp.MustCompile("^cannot unmarshal (!!\\w+|\\S+)(?: `.*`)? into (.+)$")
)

// locate turns one yaml type error into (entry, field, message), finding
// the node it is about in the parsed tree. decoded supplies the codes for
// entry labels (yaml decodes what it can before reporting).
func locate(root *yaml.Node, msg string, decoded []Hospital) (entry, field, text string) {
	m := lineRe.FindStringSubmatch(msg)
	if m == nil {
		return "", "", msg
	}
	line, _ := strconv.Atoi(m[1])
	rest := m[2]
	var path []string
	switch {
	case unknownKeyRe.MatchString(rest):
		path = findKey(root, line, unknownKeyRe.FindStringSubmatch(rest)[1])
		text = "unknown field"
	case setTwiceRe.MatchString(rest):
		path = findKey(root, line, setTwiceRe.FindStringSubmatch(rest)[1])
		text = "set more than once"
	case dupMapKeyRe.MatchString(rest):
		sm := dupMapKeyRe.FindStringSubmatch(rest)
		path = findKey(root, line, sm[1])
		text = "set more than once, first at line " + sm[2]
	case cannotDecodRe.MatchString(rest):
		sm := cannotDecodRe.FindStringSubmatch(rest)
		path = findValue(root, line, sm[1])
		text = wantType(sm[2])
	default:
		text = rest
	}
	text += fmt.Sprintf(" (line %d)", line)
	entry, field = splitPath(path, decoded)
	return entry, field, text
}

// wantType says in an operator's words what a field of Go type goType
// takes; the offending value is left out since it may be a secret.
func wantType(goType string) string {
	switch {
	case goType == "time.Duration":
		return "must be a duration such as 5s"
	case goType == "string" || goType == "config.Secret":
		return "must be a single value, not a list or mapping"
	case goType == "bool" || goType == "*bool":
		return "must be true or false"
	case strings.HasPrefix(goType, "[]"):
		return "must be a list"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "config."):
		return "must be a mapping"
	}
	return "wrong type, want " + goType
}

// splitPath splits hospitals[i].rest into the entry label and the field.
func splitPath(path []string, decoded []Hospital) (entry, field string) {
	if len(path) >= 2 && path[0] == "hospitals" {
		if i, err := strconv.Atoi(strings.Trim(path[1], "[]")); err == nil {
			code := ""
			if i < len(decoded) {
				code = decoded[i].Code
			}
			return entryLabel(i, code), renderPath(path[2:])
		}
	}
	return "", renderPath(path)
}

// renderPath writes a path as in the docs: emr.endpoints.register,
// languages[1].
func renderPath(path []string) string {
	var b strings.Builder
	for _, seg := range path {
		if b.Len() > 0 && !strings.HasPrefix(seg, "[") {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

// visit is called for every value in the tree in document order, outer
// values before inner ones, with the mapping key that holds it (nil for
// list items) and its path. Returning true stops the walk.
type visit func(key, value *yaml.Node, path []string) bool

func walk(n *yaml.Node, path []string, fn visit) bool {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if walk(c, path, fn) {
				return true
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := append(append([]string(nil), path...), k.Value)
			if fn(k, v, p) || walk(v, p, fn) {
				return true
			}
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			p := append(append([]string(nil), path...), fmt.Sprintf("[%d]", i))
			if fn(nil, v, p) || walk(v, p, fn) {
				return true
			}
		}
	}
	return false
}

// findKey finds the mapping key named name on line.
func findKey(root *yaml.Node, line int, name string) (found []string) {
	walk(root, nil, func(k, _ *yaml.Node, p []string) bool {
		if k != nil && k.Line == line && k.Value == name {
			found = p
			return true
		}
		return false
	})
	return found
}

// findValue finds the outermost value of yaml tag tag (!!map, !!seq or a
// scalar tag) on line.
func findValue(root *yaml.Node, line int, tag string) (found []string) {
	kind := yaml.ScalarNode
	switch tag {
	case "!!map":
		kind = yaml.MappingNode
	case "!!seq":
		kind = yaml.SequenceNode
	}
	walk(root, nil, func(_, v *yaml.Node, p []string) bool {
		if v.Line == line && v.Kind == kind {
			found = p
			return true
		}
		return false
	})
	return found
}
